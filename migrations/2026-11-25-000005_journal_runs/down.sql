DROP TRIGGER trg_journal_runs_update ON journal_entries;
DROP TRIGGER trg_journal_runs_insert_delete ON journal_entries;
DROP FUNCTION journal_runs_sync();
DROP FUNCTION journal_runs_remove(uuid, text, date);
DROP FUNCTION journal_runs_add(uuid, text, date);
DROP TABLE journal_runs;
