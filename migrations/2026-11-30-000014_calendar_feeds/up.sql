-- Calendar subscription feeds: secret URLs a calendar app subscribes to.
-- Only the SHA-256 of a feed's token is stored, as for API keys; deleting
-- the row revokes the URL.
CREATE TABLE calendar_feeds (
    id         uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    name       text        NOT NULL,
    token_hash bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_calendar_feeds PRIMARY KEY (id),
    CONSTRAINT fk_calendar_feeds_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT uq_calendar_feeds_token UNIQUE (token_hash),
    CONSTRAINT ck_calendar_feeds_name CHECK (char_length(name) BETWEEN 1 AND 100),
    CONSTRAINT ck_calendar_feeds_hash CHECK (octet_length(token_hash) = 32)
);
CREATE INDEX ix_calendar_feeds_user ON calendar_feeds (user_id, created_at);
