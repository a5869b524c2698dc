-- The only reader of an idempotency key's age is the capture statement's
-- cleanup of the same user's expired keys (crates/db/src/captures.rs):
-- one index on both, so the plan does not depend on how the planner
-- weighs a time range against a user (it now reads both through
-- sub-selects, so PostgreSQL keeps one generic plan for every user).
DROP INDEX ix_idempotency_keys_created;
CREATE INDEX ix_idempotency_keys_user_created ON idempotency_keys (user_id, created_at);
