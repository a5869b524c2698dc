SELECT id, username, created_at FROM users WHERE id = :uid AND updated_at < now() + interval '1 second' LIMIT 1;
SELECT id, entry_type, entry_date, content, word_count, created_at, updated_at, (SELECT count(*) FROM journal_entries WHERE user_id = :uid LIMIT 1) FROM journal_entries WHERE user_id = :uid ORDER BY entry_date DESC, created_at DESC, id DESC LIMIT 20 OFFSET 0;
