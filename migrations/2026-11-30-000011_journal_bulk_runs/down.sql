DROP FUNCTION journal_runs_rebuild(uuid);

CREATE OR REPLACE FUNCTION journal_runs_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
