DROP INDEX ix_captures_user_inbox;
DROP INDEX ix_captures_user_processed;
DROP INDEX ix_tasks_user_open_due;
DROP INDEX ix_tasks_user_completed;
