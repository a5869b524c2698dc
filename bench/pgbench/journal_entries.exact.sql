SELECT id, username, created_at FROM users WHERE id = :uid AND updated_at < now() + interval '1 second' LIMIT 1;
SELECT count(*) FROM journal_entries WHERE user_id = :uid;
SELECT id, entry_type, entry_date, content, word_count, created_at, updated_at FROM journal_entries WHERE user_id = :uid ORDER BY entry_date DESC, created_at DESC, id DESC LIMIT 20 OFFSET 0;
