-- The weekly dashboard and "today" count tasks and captures: completed in
-- the week, open and due, processed in the week, in the inbox. Without
-- these, each count read every task or capture row of the user (an index
-- on the user alone, the rest a filter on the row): a year of use is
-- 6,000 rows a dashboard, growing with the account. Partial indexes
-- hold only the rows a count wants, so each is an index-only count of
-- just those. Inserting a capture adds one entry (to the inbox index).
CREATE INDEX ix_tasks_user_completed ON tasks (user_id, completed_at)
    WHERE completed_at IS NOT NULL;
CREATE INDEX ix_tasks_user_open_due ON tasks (user_id, due_date)
    WHERE status <> 'done';
CREATE INDEX ix_captures_user_processed ON captures (user_id, processed_at)
    WHERE processed_at IS NOT NULL;
CREATE INDEX ix_captures_user_inbox ON captures (user_id)
    WHERE status = 'inbox';
