-- Full-text search across everything (GET /api/v1/search). The journal has
-- its `search` column and index already; the other texts get expression
-- indexes (crates/db/src/search.rs uses exactly these expressions, so the
-- planner can use them). English stemming, as the journal's search.
CREATE INDEX ix_tasks_search ON tasks
    USING gin (to_tsvector('english', title || ' ' || coalesce(description, '')));
CREATE INDEX ix_project_notes_search ON project_notes
    USING gin (to_tsvector('english', title || ' ' || body));
CREATE INDEX ix_captures_search ON captures
    USING gin (to_tsvector('english', content));
CREATE INDEX ix_events_search ON events
    USING gin (to_tsvector('english', title || ' ' || coalesce(description, '') || ' ' || coalesce(location, '')));
