-- Users, their settings, refresh-token sessions, API keys and login throttling.
-- Every constraint is named: the adapter maps violations by name.

CREATE TABLE users (
    id            uuid        NOT NULL,
    username      text        NOT NULL,
    password_hash text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_users PRIMARY KEY (id),
    CONSTRAINT ck_users_username_length CHECK (char_length(username) BETWEEN 1 AND 64)
);
-- Usernames are unique case-insensitively.
CREATE UNIQUE INDEX uq_users_username_lower ON users (lower(username));

CREATE TABLE user_settings (
    user_id     uuid NOT NULL,
    timezone    text NOT NULL DEFAULT 'UTC',
    week_start  text NOT NULL DEFAULT 'monday',
    weight_unit text NOT NULL DEFAULT 'kg',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_user_settings PRIMARY KEY (user_id),
    CONSTRAINT fk_user_settings_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_user_settings_week_start CHECK (week_start IN ('monday', 'sunday')),
    CONSTRAINT ck_user_settings_weight_unit CHECK (weight_unit IN ('kg', 'lb'))
);

-- One row per issued refresh token. A login starts a family; each refresh
-- retires the presented token and adds the next one to the same family.
CREATE TABLE refresh_tokens (
    id          uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    family_id   uuid        NOT NULL,
    token_hash  bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    retired_at  timestamptz,
    revoked_at  timestamptz,
    CONSTRAINT pk_refresh_tokens PRIMARY KEY (id),
    CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT uq_refresh_tokens_hash UNIQUE (token_hash)
);
CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX ix_refresh_tokens_expires ON refresh_tokens (expires_at);

CREATE TABLE api_keys (
    id           uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    name         text        NOT NULL,
    prefix       text        NOT NULL,
    key_hash     bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    CONSTRAINT pk_api_keys PRIMARY KEY (id),
    CONSTRAINT fk_api_keys_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT uq_api_keys_hash UNIQUE (key_hash)
);
CREATE INDEX ix_api_keys_user ON api_keys (user_id);

-- Failed logins per (username, client address) in a fixed window; one upsert
-- per failure keeps it race-free across server processes.
CREATE TABLE login_failures (
    username     text        NOT NULL,
    client_addr  text        NOT NULL,
    window_start timestamptz NOT NULL,
    failures     integer     NOT NULL,
    CONSTRAINT pk_login_failures PRIMARY KEY (username, client_addr)
);
CREATE INDEX ix_login_failures_window ON login_failures (window_start);
