-- The function as migration 000017 made it.
CREATE OR REPLACE FUNCTION capture_once(
    p_user uuid, p_key text, p_hash bytea, p_receipt uuid, p_message text,
    p_id uuid, p_content text, p_source text, p_now timestamptz, p_cutoff timestamptz)
RETURNS TABLE (created boolean, request_hash bytea, capture_id uuid, message text)
LANGUAGE plpgsql
SET enable_seqscan = off
AS $$
#variable_conflict use_column
BEGIN
    -- The user and the cutoff of the cleanup are read through sub-selects,
    -- so custom and generic plans are costed alike and the generic one is
    -- kept (migration 000016).
    RETURN QUERY
    WITH gone AS (
        DELETE FROM idempotency_keys
         WHERE user_id = (SELECT p_user) AND key <> p_key
           AND created_at <= (SELECT p_cutoff)),
    taken AS (
        INSERT INTO idempotency_keys AS ik
            (user_id, key, request_hash, capture_id, message, created_at)
        VALUES (p_user, p_key, p_hash, p_receipt, p_message, p_now)
        ON CONFLICT (user_id, key) DO UPDATE
           SET request_hash = excluded.request_hash, capture_id = excluded.capture_id,
               message = excluded.message, created_at = excluded.created_at
         WHERE ik.created_at <= p_cutoff
        RETURNING 1),
    made AS (
        INSERT INTO captures (id, user_id, content, source, status, created_at)
        SELECT p_id, p_user, p_content, p_source, 'inbox', p_now FROM taken
        RETURNING 1)
    SELECT EXISTS (SELECT FROM made), s.request_hash, s.capture_id, s.message
      FROM (SELECT) one
      LEFT JOIN idempotency_keys s
        ON s.user_id = p_user AND s.key = p_key AND s.created_at > p_cutoff;
END
$$;
