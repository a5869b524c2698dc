SELECT id, username, created_at FROM users WHERE id = :uid AND updated_at < now() + interval '1 second' LIMIT 1;
SELECT id, content, source, status, converted_type, converted_id, created_at, processed_at, (SELECT count(*) FROM captures WHERE user_id = :uid LIMIT 1) FROM captures WHERE user_id = :uid ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET 0;
