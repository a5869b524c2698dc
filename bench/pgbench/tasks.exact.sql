SELECT id, username, created_at FROM users WHERE id = :uid AND updated_at < now() + interval '1 second' LIMIT 1;
SELECT id, project_id, title, description, status, priority, due_date, position, completed_at, created_at, updated_at, (SELECT count(*) FROM tasks WHERE user_id = :uid LIMIT 1) FROM tasks WHERE user_id = :uid ORDER BY due_date ASC NULLS LAST, position, created_at, id LIMIT 20 OFFSET 0;
