-- Calendar events (API.md section 7). A span is stored as two instants;
-- all-day events store their dates as UTC midnights (they float, without a
-- zone) and say so in `all_day`. `series_end` is when the last occurrence
-- ends (NULL: an endless series), so a window query reads only the events
-- that can overlap it.
CREATE TABLE events (
    id          uuid          NOT NULL,
    user_id     uuid          NOT NULL,
    title       text          NOT NULL,
    description text,
    location    text,
    all_day     boolean       NOT NULL,
    starts_at   timestamptz   NOT NULL,
    ends_at     timestamptz   NOT NULL,
    timezone    text          NOT NULL,
    rrule       text,
    exdates     timestamptz[] NOT NULL DEFAULT '{}',
    color       text,
    series_end  timestamptz,
    created_at  timestamptz   NOT NULL,
    updated_at  timestamptz   NOT NULL,
    CONSTRAINT pk_events PRIMARY KEY (id),
    CONSTRAINT fk_events_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT uq_events_id_user UNIQUE (id, user_id),
    CONSTRAINT ck_events_span CHECK (ends_at >= starts_at),
    CONSTRAINT ck_events_color CHECK (color IS NULL OR color ~ '^#[0-9A-Fa-f]{6}$')
);
-- The window query: the user's events whose series ends after the window
-- begins (endless ones sort last), then those starting before it ends.
CREATE INDEX ix_events_user_series_end
    ON events (user_id, (coalesce(series_end, 'infinity'::timestamptz)), starts_at);
-- The list, by start.
CREATE INDEX ix_events_user_start ON events (user_id, starts_at, id);

-- A changed occurrence of a series, keyed by its original start.
CREATE TABLE event_overrides (
    event_id      uuid        NOT NULL,
    user_id       uuid        NOT NULL,
    recurrence_id timestamptz NOT NULL,
    title         text,
    description   text,
    location      text,
    starts_at     timestamptz,
    ends_at       timestamptz,
    color         text,
    CONSTRAINT pk_event_overrides PRIMARY KEY (event_id, recurrence_id),
    CONSTRAINT fk_event_overrides_event FOREIGN KEY (event_id, user_id)
        REFERENCES events (id, user_id) ON DELETE CASCADE,
    CONSTRAINT fk_event_overrides_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_event_overrides_user ON event_overrides (user_id);
CREATE INDEX ix_event_overrides_event_user ON event_overrides (event_id, user_id);
