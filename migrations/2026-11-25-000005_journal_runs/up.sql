-- Runs of consecutive days per user and daily kind, kept by a trigger, so
-- the journal status reads a few rows (the current run and the longest)
-- whatever the length of the history. Weekly reviews (at most ~52 a year)
-- are grouped at read time under the user's current week start.
CREATE TABLE journal_runs (
    user_id    uuid NOT NULL,
    entry_type text NOT NULL,
    first_day  date NOT NULL,
    last_day   date NOT NULL,
    CONSTRAINT pk_journal_runs PRIMARY KEY (user_id, entry_type, first_day),
    CONSTRAINT fk_journal_runs_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_journal_runs_order CHECK (first_day <= last_day)
);
CREATE INDEX ix_journal_runs_last ON journal_runs (user_id, entry_type, last_day);
CREATE INDEX ix_journal_runs_length ON journal_runs (user_id, entry_type, (last_day - first_day) DESC);

CREATE FUNCTION journal_runs_add(u uuid, k text, d date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    before_start date;
    after_end date;
BEGIN
    SELECT first_day INTO before_start FROM journal_runs
     WHERE user_id = u AND entry_type = k AND last_day = d - 1;
    SELECT last_day INTO after_end FROM journal_runs
     WHERE user_id = u AND entry_type = k AND first_day = d + 1;
    IF before_start IS NOT NULL AND after_end IS NOT NULL THEN
        DELETE FROM journal_runs WHERE user_id = u AND entry_type = k AND first_day = d + 1;
        UPDATE journal_runs SET last_day = after_end
         WHERE user_id = u AND entry_type = k AND first_day = before_start;
    ELSIF before_start IS NOT NULL THEN
        UPDATE journal_runs SET last_day = d
         WHERE user_id = u AND entry_type = k AND first_day = before_start;
    ELSIF after_end IS NOT NULL THEN
        UPDATE journal_runs SET first_day = d
         WHERE user_id = u AND entry_type = k AND first_day = d + 1;
    ELSE
        INSERT INTO journal_runs (user_id, entry_type, first_day, last_day) VALUES (u, k, d, d);
    END IF;
END $$;

CREATE FUNCTION journal_runs_remove(u uuid, k text, d date) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r journal_runs%ROWTYPE;
BEGIN
    SELECT * INTO r FROM journal_runs
     WHERE user_id = u AND entry_type = k AND first_day <= d
     ORDER BY first_day DESC LIMIT 1;
    IF r.first_day IS NULL OR r.last_day < d THEN
        RETURN;
    END IF;
    DELETE FROM journal_runs WHERE user_id = u AND entry_type = k AND first_day = r.first_day;
    IF r.first_day < d THEN
        INSERT INTO journal_runs VALUES (u, k, r.first_day, d - 1);
    END IF;
    IF d < r.last_day THEN
        INSERT INTO journal_runs VALUES (u, k, d + 1, r.last_day);
    END IF;
END $$;

CREATE FUNCTION journal_runs_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER trg_journal_runs_insert_delete
    AFTER INSERT OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION journal_runs_sync();
CREATE TRIGGER trg_journal_runs_update
    AFTER UPDATE OF entry_date, entry_type ON journal_entries
    FOR EACH ROW WHEN (OLD.entry_date IS DISTINCT FROM NEW.entry_date OR OLD.entry_type IS DISTINCT FROM NEW.entry_type)
    EXECUTE FUNCTION journal_runs_sync();

-- Existing entries.
INSERT INTO journal_runs (user_id, entry_type, first_day, last_day)
SELECT user_id, entry_type, min(entry_date), max(entry_date)
FROM (SELECT user_id, entry_type, entry_date,
             entry_date - (row_number() OVER (PARTITION BY user_id, entry_type ORDER BY entry_date))::int AS grp
      FROM journal_entries WHERE entry_type <> 'weekly_review') d
GROUP BY user_id, entry_type, grp;
