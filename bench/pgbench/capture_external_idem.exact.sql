WITH k AS (SELECT id, user_id, last_used_at FROM api_keys WHERE key_hash = decode(:keyhash, 'hex') AND revoked_at IS NULL), t AS (UPDATE api_keys SET last_used_at = now() FROM k WHERE api_keys.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '60 seconds')) SELECT user_id FROM k;
BEGIN;
DELETE FROM idempotency_keys WHERE user_id = :uid AND created_at <= now() - interval '1 day';
INSERT INTO captures (id, user_id, content, source, status, created_at) VALUES (gen_random_uuid(), :uid, 'capture', 'api', 'inbox', now()) RETURNING id AS capture, content, source, status, converted_type, converted_id, created_at, processed_at \gset
INSERT INTO idempotency_keys (user_id, key, request_hash, capture_id, message, created_at) VALUES (:uid, gen_random_uuid()::text, '\x00'::bytea, :capture, '', now()) ON CONFLICT DO NOTHING;
COMMIT;
