SELECT id, username, created_at FROM users WHERE id = :uid AND updated_at < now() + interval '1 second' LIMIT 1;
SELECT count(*) FROM projects WHERE user_id = :uid;
SELECT p.id, p.name, p.description, p.status, p.color, p.due_date, p.position, p.created_at, p.updated_at, COALESCE(c.total, 0) AS task_total, COALESCE(c.done, 0) AS task_done FROM projects p LEFT JOIN LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE t.status = 'done') AS done FROM tasks t WHERE t.project_id = p.id) c ON true WHERE p.user_id = :uid ORDER BY p.position, p.created_at, p.id LIMIT 20 OFFSET 0;
