-- Quick captures, and the idempotency keys of the external (Siri) endpoint.
CREATE TABLE captures (
    id             uuid        NOT NULL,
    user_id        uuid        NOT NULL,
    content        text        NOT NULL,
    source         text        NOT NULL,
    status         text        NOT NULL DEFAULT 'inbox',
    converted_type text,
    converted_id   uuid,
    created_at     timestamptz NOT NULL,
    processed_at   timestamptz,
    CONSTRAINT pk_captures PRIMARY KEY (id),
    CONSTRAINT fk_captures_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_captures_status CHECK (status IN ('inbox', 'processed', 'archived')),
    CONSTRAINT ck_captures_converted_type CHECK (converted_type IN ('task', 'journal_entry', 'event')),
    CONSTRAINT ck_captures_converted_pair CHECK ((converted_type IS NULL) = (converted_id IS NULL)),
    CONSTRAINT ck_captures_processed_at CHECK ((status = 'inbox') = (processed_at IS NULL)),
    CONSTRAINT ck_captures_content_length CHECK (char_length(content) BETWEEN 1 AND 10000),
    CONSTRAINT ck_captures_source_length CHECK (char_length(source) BETWEEN 1 AND 50)
);
CREATE INDEX ix_captures_user_created ON captures (user_id, created_at DESC, id DESC);

-- The first response to an Idempotency-Key, per user, kept 24 hours. The
-- primary key makes concurrent repeats wait for the first and then replay it.
CREATE TABLE idempotency_keys (
    user_id       uuid        NOT NULL,
    key           text        NOT NULL,
    request_hash  bytea       NOT NULL,
    status_code   integer     NOT NULL,
    response_body jsonb       NOT NULL,
    created_at    timestamptz NOT NULL,
    CONSTRAINT pk_idempotency_keys PRIMARY KEY (user_id, key),
    CONSTRAINT fk_idempotency_keys_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);
