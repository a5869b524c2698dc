-- Journal entries. `period_start` is the entry date for daily kinds and the
-- first day of the user's week (at the time of writing) for weekly reviews,
-- so one unique constraint holds "one per kind per day / week" even when
-- requests race.
CREATE TABLE journal_entries (
    id           uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    entry_type   text        NOT NULL,
    entry_date   date        NOT NULL,
    period_start date        NOT NULL,
    content      jsonb       NOT NULL,
    word_count   integer     NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    -- Full-text search over the string values of the content (PostgreSQL's
    -- `english` configuration: "running" matches "runs").
    search       tsvector GENERATED ALWAYS AS (jsonb_to_tsvector('english'::regconfig, content, '["string"]')) STORED,
    CONSTRAINT pk_journal_entries PRIMARY KEY (id),
    CONSTRAINT fk_journal_entries_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_journal_entries_type CHECK (entry_type IN ('morning_pages', 'daily_reflection', 'weekly_review')),
    CONSTRAINT ck_journal_entries_content_object CHECK (jsonb_typeof(content) = 'object'),
    CONSTRAINT uq_journal_entries_owner_kind_period UNIQUE (user_id, entry_type, period_start)
);
CREATE INDEX ix_journal_entries_user_date ON journal_entries (user_id, entry_date DESC, created_at DESC);
CREATE INDEX ix_journal_entries_search ON journal_entries USING gin (search);
