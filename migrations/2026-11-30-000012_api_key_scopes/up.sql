-- What an API key may do, space-separated as OAuth writes its `scope`:
-- `capture` (posting captures; every key made before scopes existed) and
-- `today` (reading GET /today). At least one, each known.
ALTER TABLE api_keys
    ADD COLUMN scopes text NOT NULL DEFAULT 'capture',
    ADD CONSTRAINT ck_api_keys_scopes
        CHECK (scopes ~ '^(capture|today)( (capture|today))*$');
