-- Bulk writes of the journal (an import) switch the per-row streak trigger
-- off for their own transaction (`SET LOCAL lifeos.bulk_journal = 'on'`)
-- and rebuild the user's runs once at the end with journal_runs_rebuild:
-- the trigger costs about 2 ms per row, the rebuild one statement.
CREATE OR REPLACE FUNCTION journal_runs_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('lifeos.bulk_journal', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- Concurrent writes of one user's journal serialise here, so runs
    -- never split or overlap.
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.entry_type <> 'weekly_review' THEN
        PERFORM pg_advisory_xact_lock(hashtextextended(OLD.user_id::text || OLD.entry_type, 0));
        PERFORM journal_runs_remove(OLD.user_id, OLD.entry_type, OLD.entry_date);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.entry_type <> 'weekly_review' THEN
        PERFORM pg_advisory_xact_lock(hashtextextended(NEW.user_id::text || NEW.entry_type, 0));
        PERFORM journal_runs_add(NEW.user_id, NEW.entry_type, NEW.entry_date);
    END IF;
    RETURN NULL;
END $$;

-- Recomputes one user's runs from their entries (gaps and islands), under
-- the same per-kind locks as the trigger.
CREATE FUNCTION journal_runs_rebuild(u uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(u::text || 'daily_reflection', 0));
    PERFORM pg_advisory_xact_lock(hashtextextended(u::text || 'morning_pages', 0));
    DELETE FROM journal_runs WHERE user_id = u;
    INSERT INTO journal_runs (user_id, entry_type, first_day, last_day)
    SELECT u, entry_type, min(entry_date), max(entry_date)
    FROM (SELECT entry_type, entry_date,
                 entry_date - (row_number() OVER (PARTITION BY entry_type ORDER BY entry_date))::int AS grp
          FROM journal_entries WHERE user_id = u AND entry_type <> 'weekly_review') d
    GROUP BY entry_type, grp;
END $$;
