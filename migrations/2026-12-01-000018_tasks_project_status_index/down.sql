DROP INDEX ix_tasks_project_status;
