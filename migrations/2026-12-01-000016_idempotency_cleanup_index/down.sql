DROP INDEX ix_idempotency_keys_user_created;
CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);
