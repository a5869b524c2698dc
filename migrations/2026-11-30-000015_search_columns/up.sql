-- Search (GET /api/v1/search) reads a stored tsvector for every kind, as the
-- journal's `search` column already is: with expression indexes (000013)
-- the index found the rows, but ranking each match recomputed
-- `to_tsvector` from its text (≈ 2 µs a capture, so a prefix matching all
-- of five years' captures cost 4 ms), and when the planner estimated few
-- rows it filtered every task of the user through `to_tsvector` instead of
-- the index (2 ms for 1,200 tasks on each search). Same expressions,
-- English stemming; the generated columns cannot drift from their texts.
DROP INDEX ix_tasks_search;
DROP INDEX ix_project_notes_search;
DROP INDEX ix_captures_search;
DROP INDEX ix_events_search;

ALTER TABLE tasks ADD COLUMN search tsvector GENERATED ALWAYS AS
    (to_tsvector('english'::regconfig, title || ' ' || coalesce(description, ''))) STORED;
ALTER TABLE project_notes ADD COLUMN search tsvector GENERATED ALWAYS AS
    (to_tsvector('english'::regconfig, title || ' ' || body)) STORED;
ALTER TABLE captures ADD COLUMN search tsvector GENERATED ALWAYS AS
    (to_tsvector('english'::regconfig, content)) STORED;
ALTER TABLE events ADD COLUMN search tsvector GENERATED ALWAYS AS
    (to_tsvector('english'::regconfig,
                 title || ' ' || coalesce(description, '') || ' ' || coalesce(location, ''))) STORED;

CREATE INDEX ix_tasks_search ON tasks USING gin (search);
CREATE INDEX ix_project_notes_search ON project_notes USING gin (search);
CREATE INDEX ix_captures_search ON captures USING gin (search);
CREATE INDEX ix_events_search ON events USING gin (search);
