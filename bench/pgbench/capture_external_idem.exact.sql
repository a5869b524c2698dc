\set k random(1, 2000000000)
WITH k AS (SELECT id, user_id, last_used_at FROM api_keys WHERE key_hash = decode(:keyhash, 'hex') AND revoked_at IS NULL), t AS (UPDATE api_keys SET last_used_at = now() FROM k WHERE api_keys.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '60 seconds')) SELECT user_id FROM k;
SELECT created, request_hash, capture_id, message FROM capture_once(:uid, (:k)::text, '\x00'::bytea, gen_random_uuid(), '', gen_random_uuid(), 'capture', 'api', now(), now() - interval '1 day');
