DROP INDEX ix_events_search;
DROP INDEX ix_captures_search;
DROP INDEX ix_project_notes_search;
DROP INDEX ix_tasks_search;
