DROP INDEX ix_events_search;
DROP INDEX ix_captures_search;
DROP INDEX ix_project_notes_search;
DROP INDEX ix_tasks_search;
ALTER TABLE events DROP COLUMN search;
ALTER TABLE captures DROP COLUMN search;
ALTER TABLE project_notes DROP COLUMN search;
ALTER TABLE tasks DROP COLUMN search;
CREATE INDEX ix_tasks_search ON tasks
    USING gin (to_tsvector('english', title || ' ' || coalesce(description, '')));
CREATE INDEX ix_project_notes_search ON project_notes
    USING gin (to_tsvector('english', title || ' ' || body));
CREATE INDEX ix_captures_search ON captures
    USING gin (to_tsvector('english', content));
CREATE INDEX ix_events_search ON events
    USING gin (to_tsvector('english', title || ' ' || coalesce(description, '') || ' ' || coalesce(location, '')));
