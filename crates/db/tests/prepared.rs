//! Hand-written statements are prepared once per connection and reused:
//! PostgreSQL plans them once, not on every request (docs/performance.md).

#![expect(
    clippy::unwrap_used,
    reason = "setup failures should fail the test loudly"
)]

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use lifeos_captures::CaptureRepository;
use lifeos_db::{PgPool, PgStore, PoolConfig, connect};
use lifeos_journal::EntryRepository;
use lifeos_kernel::{UserId, WeekStart};
use lifeos_projects::ProjectRepository;
use lifeos_testdb::TestDb;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// A store over a pool of one connection, so every call runs on the same
/// session (whose prepared statements the test then reads), after `setup`.
async fn one_session(db: &TestDb, setup: &str) -> (PgPool, PgStore) {
    let pool = connect(
        db.url(),
        PoolConfig {
            max_size: 1,
            ..PoolConfig::default()
        },
    )
    .unwrap();
    pool.get()
        .await
        .unwrap()
        .batch_execute(setup)
        .await
        .unwrap();
    let store = PgStore::new(pool.clone());
    (pool, store)
}

/// How often the session's first-page statement over `table` was planned
/// custom and generic.
async fn plans_of(pool: &PgPool, table: &str) -> (i64, i64) {
    plans_like(pool, table, "%LIMIT 20").await
}

#[tokio::test]
async fn a_raw_statement_is_prepared_once_and_reused() {
    let db = TestDb::new().await;
    let user = uuid::Uuid::new_v4();
    let (pool, store) = one_session(
        &db,
        &format!("INSERT INTO users (id, username, password_hash) VALUES ('{user}', 'prep', 'h')"),
    )
    .await;
    let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    for _ in 0..3 {
        store
            .entry_islands(UserId(user), WeekStart::Monday, day)
            .await
            .unwrap();
    }
    let mut c = pool.get().await.unwrap();
    let prepared: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_prepared_statements \
         WHERE statement LIKE '%FROM journal_runs WHERE user_id = $1 AND last_day >= $2%' \
           AND statement NOT LIKE '%pg_prepared_statements%'",
    )
    .get_result(&mut *c)
    .await
    .unwrap();
    // tokio-postgres prepares every statement; `sql_query`'s are closed after
    // one use (planned again next time), so none would be left.
    assert_eq!(prepared.n, 1);
}

#[derive(QueryableByName)]
struct Plans {
    #[diesel(sql_type = BigInt)]
    generic: i64,
    #[diesel(sql_type = BigInt)]
    custom: i64,
}

/// A cookie session's caller, its token issued now.
fn session_caller(user: UserId) -> lifeos_kernel::Caller {
    lifeos_kernel::Caller {
        user,
        token_issued_at: Some(chrono::Utc::now()),
    }
}

#[tokio::test]
async fn a_list_page_keeps_one_plan_instead_of_planning_every_request() {
    let db = TestDb::new().await;
    let user = uuid::Uuid::new_v4();
    // A year of one user's entries, analysed as autovacuum would.
    let (pool, store) = one_session(
        &db,
        &format!(
            "INSERT INTO users (id, username, password_hash) VALUES ('{user}', 'plans', 'h');
             INSERT INTO journal_entries
                 (id, user_id, entry_type, entry_date, period_start, content, word_count,
                  created_at, updated_at)
             SELECT gen_random_uuid(), '{user}', 'morning_pages', d, d,
                    '{{\"body\": \"a day\"}}', 2, now(), now()
               FROM generate_series(date '2025-01-01', date '2025-12-31', interval '1 day') d;
             ANALYZE journal_entries;"
        ),
    )
    .await;
    // As the server lists: for a session caller whose standing the list's
    // statement checks.
    let caller = session_caller(UserId(user));
    for _ in 0..10 {
        let (items, total) = store
            .list_entries(caller, &lifeos_journal::EntryFilter::default())
            .await
            .unwrap();
        assert_eq!((items.len(), total), (20, 365));
    }
    let plans = plans_of(&pool, "journal_entries").await;
    // PostgreSQL tries five custom plans, then keeps the generic one: with
    // a bound LIMIT the generic plan is costed for 10 % of the rows and
    // every call is planned again (custom = 10, generic = 0).
    assert_eq!(plans, (5, 5));
}

#[tokio::test]
async fn a_user_with_fewer_rows_than_the_average_also_keeps_one_plan_per_list() {
    let db = TestDb::new().await;
    let (small, big) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    // Each user's entries, captures and tasks: 1,000 for the one listed,
    // 10,000 for the other, so the listed user is well below the average.
    // Triggers off while seeding (the journal's streak runs are not listed).
    let mut seed = String::from("SET session_replication_role = replica;");
    for (user, name, n) in [(small, "small", 1_000), (big, "big", 10_000)] {
        let project = uuid::Uuid::new_v4();
        seed.push_str(&format!(
            "INSERT INTO users (id, username, password_hash) VALUES ('{user}', '{name}', 'h');
             INSERT INTO journal_entries
                 (id, user_id, entry_type, entry_date, period_start, content, word_count,
                  created_at, updated_at)
             SELECT gen_random_uuid(), '{user}', 'morning_pages', d, d,
                    '{{\"body\": \"a day\"}}', 2, now(), now()
               FROM generate_series(date '1990-01-01', date '1990-01-01' + {n} - 1, interval '1 day') d;
             INSERT INTO captures (id, user_id, content, source, created_at)
             SELECT gen_random_uuid(), '{user}', 'note ' || i, 'web', now()
               FROM generate_series(1, {n}) i;
             INSERT INTO projects (id, user_id, name, position, created_at, updated_at)
             VALUES ('{project}', '{user}', 'p', 0, now(), now());
             INSERT INTO tasks (id, user_id, project_id, title, position, created_at, updated_at)
             SELECT gen_random_uuid(), '{user}', '{project}', 't' || i, i, now(), now()
               FROM generate_series(1, {n}) i;"
        ));
    }
    seed.push_str("SET session_replication_role = DEFAULT; ANALYZE;");
    let (pool, store) = one_session(&db, &seed).await;
    let user = session_caller(UserId(small));
    for _ in 0..10 {
        let (entries, total) = store
            .list_entries(user, &lifeos_journal::EntryFilter::default())
            .await
            .unwrap();
        assert_eq!((entries.len(), total), (20, 1_000));
        let (captures, total) = store
            .list_captures(user, None, lifeos_kernel::PageRequest::default())
            .await
            .unwrap();
        assert_eq!((captures.len(), total), (20, 1_000));
        let (tasks, total) = store
            .list_tasks(user, &lifeos_projects::TaskFilter::default())
            .await
            .unwrap();
        assert_eq!((tasks.len(), total), (20, 1_000));
    }
    let mut seen = Vec::new();
    for table in ["journal_entries", "captures", "tasks"] {
        let (custom, generic) = plans_of(&pool, table).await;
        seen.push((table, custom, generic));
    }
    // With `user_id = $1` the custom plan, estimated from this user's 1,000
    // rows, beats the generic one (the average's 5,500): 10 custom each.
    assert_eq!(
        seen,
        [
            ("journal_entries", 5, 5),
            ("captures", 5, 5),
            ("tasks", 5, 5)
        ]
    );
}

/// A new capture under the key `key-{i}`, which must be new.
async fn keyed_capture(store: &PgStore, user: uuid::Uuid, i: usize) {
    use lifeos_captures::{CaptureId, NewCapture, Receipt};
    let id = uuid::Uuid::new_v4();
    let outcome = store
        .insert_capture_once(
            NewCapture {
                id: CaptureId(id),
                user: UserId(user),
                content: "milk".into(),
                source: "api".into(),
                now: chrono::Utc::now(),
            },
            &format!("key-{i}"),
            &[1],
            &Receipt {
                capture: CaptureId(id),
                message: "Captured.".into(),
            },
            chrono::Duration::hours(24),
        )
        .await
        .unwrap();
    assert!(matches!(outcome, lifeos_captures::KeyOutcome::Created));
}

#[tokio::test]
async fn a_capture_under_an_idempotency_key_keeps_one_plan() {
    let db = TestDb::new().await;
    let user = uuid::Uuid::new_v4();
    // Keys of another user, some expired, analysed: the cleanup's estimate
    // then differs between a custom and a generic plan.
    let (pool, store) = one_session(
        &db,
        &format!(
            "INSERT INTO users (id, username, password_hash) VALUES ('{user}', 'keys', 'h');
             INSERT INTO users (id, username, password_hash)
                 VALUES ('00000000-0000-0000-0000-000000000001', 'other', 'h');
             INSERT INTO idempotency_keys (user_id, key, request_hash, capture_id, message, created_at)
             SELECT '00000000-0000-0000-0000-000000000001', 'k' || i, '\\x01', gen_random_uuid(), 'm',
                    now() - make_interval(hours => i % 48)
               FROM generate_series(1, 3000) i;
             ANALYZE idempotency_keys;"
        ),
    )
    .await;
    for i in 0..10 {
        keyed_capture(&store, user, i).await;
    }
    let mut c = pool.get().await.unwrap();
    let plans: Plans = diesel::sql_query(
        "SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements \
         WHERE statement LIKE '%FROM capture_once(%' AND statement NOT LIKE '%pg_prepared_statements%'",
    )
    .get_result(&mut *c)
    .await
    .unwrap();
    // The call is prepared once and kept generic; the statement inside is
    // cached the same way by PL/pgSQL (with `created_at <= $10` in its
    // cleanup, every call was planned again: `pg_stat_statements` showed
    // `plans` = `calls` before the sub-selects).
    assert_eq!((plans.custom, plans.generic), (5, 5));
}

/// How often the session's statements over `table` that match `like` (a
/// `LIKE` pattern of the rest of the statement) were planned custom and
/// generic.
async fn plans_like(pool: &PgPool, table: &str, like: &str) -> (i64, i64) {
    let mut c = pool.get().await.unwrap();
    let plans: Plans = diesel::sql_query(format!(
        "SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements \
         WHERE statement LIKE '%FROM \"{table}\"{like}' \
           AND statement NOT LIKE '%pg_prepared_statements%'"
    ))
    .get_result(&mut *c)
    .await
    .unwrap();
    (plans.custom, plans.generic)
}

#[tokio::test]
async fn the_other_lists_keep_one_plan_for_a_user_with_fewer_rows_too() {
    use lifeos_calendar::EventRepository;
    use lifeos_workouts::{
        ExerciseFilter, ExerciseRepository, ProgramRepository, SessionFilter,
        SessionRepository as WorkoutSessions,
    };
    let db = TestDb::new().await;
    let (small, big) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    // Events, workout sessions, programs and exercises: 1,000 of the user
    // listed, 10,000 of the other.
    let mut seed = String::new();
    for (user, name, n) in [(small, "small", 1_000), (big, "big", 10_000)] {
        seed.push_str(&format!(
            "INSERT INTO users (id, username, password_hash) VALUES ('{user}', '{name}', 'h');
             INSERT INTO events (id, user_id, title, all_day, starts_at, ends_at, timezone,
                                 created_at, updated_at)
             SELECT gen_random_uuid(), '{user}', 'e' || i, false, now() + make_interval(hours => i),
                    now() + make_interval(hours => i + 1), 'UTC', now(), now()
               FROM generate_series(1, {n}) i;
             INSERT INTO workout_sessions (id, user_id, name, started_at, created_at, updated_at)
             SELECT gen_random_uuid(), '{user}', 's' || i, now() - make_interval(hours => i),
                    now(), now()
               FROM generate_series(1, {n}) i;
             INSERT INTO programs (id, user_id, name, created_at, updated_at)
             SELECT gen_random_uuid(), '{user}', 'p' || i, now(), now()
               FROM generate_series(1, {n}) i;
             INSERT INTO exercises (id, user_id, name, category, created_at, updated_at)
             SELECT gen_random_uuid(), '{user}', 'x' || i, 'strength', now(), now()
               FROM generate_series(1, {n}) i;"
        ));
    }
    seed.push_str("ANALYZE;");
    let (pool, store) = one_session(&db, &seed).await;
    let user = UserId(small);
    let page = lifeos_kernel::PageRequest::default();
    for _ in 0..10 {
        let (items, total) = store.list_events(user, page).await.unwrap();
        assert_eq!((items.len(), total), (20, 1_000));
        let (items, total) = store
            .list_sessions(user, &SessionFilter::default())
            .await
            .unwrap();
        assert_eq!((items.len(), total), (20, 1_000));
        let (items, total) = store.list_programs(user, page).await.unwrap();
        assert_eq!((items.len(), total), (20, 1_000));
        let (items, total) = store
            .list_exercises(user, &ExerciseFilter::default())
            .await
            .unwrap();
        assert_eq!((items.len(), total), (20, 1_000));
    }
    let mut seen = Vec::new();
    for table in ["events", "workout_sessions", "programs", "exercises"] {
        let page = plans_like(&pool, table, "%LIMIT 20").await;
        let count = plans_like(&pool, table, " WHERE %").await;
        seen.push((table, page, count));
    }
    // With `user_id = $1`: (10, 0) for every page and count.
    let kept = ((5, 5), (5, 5));
    assert_eq!(
        seen,
        ["events", "workout_sessions", "programs", "exercises"].map(|t| (t, kept.0, kept.1))
    );
}

/// The sequential scans of `idempotency_keys` so far, after this
/// session's pending statistics are flushed.
async fn key_table_scans(pool: &PgPool) -> i64 {
    let mut c = pool.get().await.unwrap();
    c.batch_execute("SELECT pg_stat_force_next_flush()")
        .await
        .unwrap();
    let n: Count = diesel::sql_query(
        "SELECT seq_scan AS n FROM pg_stat_user_tables WHERE relname = 'idempotency_keys'",
    )
    .get_result(&mut *c)
    .await
    .unwrap();
    n.n
}

#[tokio::test]
async fn a_keyed_capture_reads_its_keys_by_index_whatever_the_table_held_when_planned() {
    let db = TestDb::new().await;
    let user = uuid::Uuid::new_v4();
    // The keys table empty and analysed, as on a quiet instance.
    let (pool, store) = one_session(
        &db,
        &format!(
            "INSERT INTO users (id, username, password_hash) VALUES ('{user}', 'keys', 'h');
             ANALYZE idempotency_keys;"
        ),
    )
    .await;
    // Planned (five custom plans, then the generic one kept) while the
    // table holds a few keys.
    for i in 0..10 {
        keyed_capture(&store, user, i).await;
    }
    // Then a burst: thousands of live keys, no analysis yet.
    pool.get()
        .await
        .unwrap()
        .batch_execute(&format!(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, capture_id, message, created_at)
             SELECT '{user}', 'burst-' || i, '\\x01', gen_random_uuid(), 'm', now()
               FROM generate_series(1, 5000) i"
        ))
        .await
        .unwrap();
    let before = key_table_scans(&pool).await;
    let read_before = rows_read(&pool, "idempotency_keys").await;
    for i in 10..20 {
        keyed_capture(&store, user, i).await;
    }
    // A plan made on the nearly empty table scanned it all, twice a
    // capture (the cleanup and the receipt's lookup): 20 here.
    assert_eq!(key_table_scans(&pool).await - before, 0);
    // And by the right index: the receipt by its key, not every fresh
    // key of the user (5,000 a capture before migration 000019).
    let read = rows_read(&pool, "idempotency_keys").await - read_before;
    assert!(read <= 20, "{read} keys read for 10 captures");
}

/// The rows read from `table` so far (sequentially or through an index),
/// after this session's pending statistics are flushed.
async fn rows_read(pool: &PgPool, table: &str) -> i64 {
    let mut c = pool.get().await.unwrap();
    c.batch_execute("SELECT pg_stat_force_next_flush()")
        .await
        .unwrap();
    let n: Count = diesel::sql_query(format!(
        "SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS n
           FROM pg_stat_user_tables WHERE relname = '{table}'"
    ))
    .get_result(&mut *c)
    .await
    .unwrap();
    n.n
}

#[tokio::test]
async fn a_common_word_reads_as_many_rows_on_five_years_as_on_a_month() {
    use lifeos_app::search::{HITS_PER_KIND, Query, SearchIndex};
    let db = TestDb::new().await;
    let user = uuid::Uuid::new_v4();
    // Five years of daily entries and 2,000 captures, every one matching.
    let (pool, store) = one_session(
        &db,
        &format!(
            "INSERT INTO users (id, username, password_hash) VALUES ('{user}', 'years', 'h');
             INSERT INTO journal_entries (id, user_id, entry_type, entry_date, period_start, content, word_count, created_at, updated_at)
               SELECT gen_random_uuid(), '{user}', 'morning_pages', current_date - i, current_date - i,
                      jsonb_build_object('body', 'words ' || i), 2, now(), now()
                 FROM generate_series(0, 1825) i;
             INSERT INTO captures (id, user_id, content, source, status, created_at)
               SELECT gen_random_uuid(), '{user}', 'capture ' || i, 'web', 'inbox', now() - make_interval(mins => i)
                 FROM generate_series(1, 2000) i;
             ANALYZE journal_entries, captures;"
        ),
    )
    .await;
    let page = lifeos_kernel::PageRequest::parse(None, None).unwrap();
    for (q, table) in [("words", "journal_entries"), ("capt", "captures")] {
        let query = Query::parse(q, None).unwrap();
        // The session's generic plan, as a busy server runs it.
        for _ in 0..10 {
            store.search(UserId(user), &query, page).await.unwrap();
        }
        let before = rows_read(&pool, table).await;
        let (hits, total) = store.search(UserId(user), &query, page).await.unwrap();
        let read = rows_read(&pool, table).await - before;
        assert_eq!(
            (hits.len(), total),
            (20, i64::try_from(HITS_PER_KIND).unwrap())
        );
        // The word index up to one past the cap, the newest cap by date,
        // the page's texts: not every match (1,826 and 2,000).
        let bound = i64::try_from(2 * HITS_PER_KIND + 1 + 20).unwrap();
        assert!(
            read <= bound,
            "{q}: {read} rows of {table} read (at most {bound})"
        );
    }
}

#[tokio::test]
async fn a_page_of_projects_counts_their_tasks_from_the_index() {
    let db = TestDb::new().await;
    let user = uuid::Uuid::new_v4();
    // 20 projects of 40 tasks, every other one done, beside another
    // user's 200 projects of 50 (as the bench has them: a table too big to
    // read whole for each project).
    let other = uuid::Uuid::new_v4();
    let (pool, store) = one_session(
        &db,
        &format!(
            // Committed durably, as in production (the test cluster
            // commits asynchronously, and VACUUM cannot mark pages whose
            // rows' commits are not yet flushed as all-visible).
            "SET synchronous_commit = on;
             INSERT INTO users (id, username, password_hash) VALUES ('{user}', 'counts', 'h'), ('{other}', 'other', 'h');
             INSERT INTO projects (id, user_id, name, position, created_at, updated_at)
               SELECT gen_random_uuid(), '{user}', 'Project ' || i, i - 1, now(), now()
                 FROM generate_series(1, 20) i;
             INSERT INTO projects (id, user_id, name, position, created_at, updated_at)
               SELECT gen_random_uuid(), '{other}', 'Project ' || i, i - 1, now(), now()
                 FROM generate_series(1, 200) i;
             INSERT INTO tasks (id, user_id, project_id, title, status, position, completed_at, created_at, updated_at)
               SELECT gen_random_uuid(), p.user_id, p.id, 'Task ' || j,
                      CASE WHEN j % 2 = 0 THEN 'done' ELSE 'todo' END, j - 1,
                      CASE WHEN j % 2 = 0 THEN now() END, now(), now()
                 FROM projects p, generate_series(1, 40) j WHERE p.user_id = '{user}';
             INSERT INTO tasks (id, user_id, project_id, title, status, position, created_at, updated_at)
               SELECT gen_random_uuid(), p.user_id, p.id, 'Task ' || j, 'todo', j - 1, now(), now()
                 FROM projects p, generate_series(1, 50) j WHERE p.user_id = '{other}';"
        ),
    )
    .await;
    // As autovacuum leaves a table that is not being written.
    pool.get()
        .await
        .unwrap()
        .batch_execute("VACUUM ANALYZE tasks")
        .await
        .unwrap();
    let page = lifeos_kernel::PageRequest::parse(None, None).unwrap();
    for _ in 0..10 {
        store
            .list_projects(session_caller(UserId(user)), None, page)
            .await
            .unwrap();
    }
    let before = rows_read(&pool, "tasks").await;
    let (projects, total) = store
        .list_projects(session_caller(UserId(user)), None, page)
        .await
        .unwrap();
    let read = rows_read(&pool, "tasks").await - before;
    assert_eq!(total, 20);
    assert!(
        projects
            .iter()
            .all(|p| (p.task_total, p.task_done) == (40, 20))
    );
    // 800 tasks counted, none of them read from the table (800 before the
    // index of migration 000018).
    assert_eq!(read, 0);
}

#[tokio::test]
async fn the_week_and_today_count_tasks_and_captures_from_indexes() {
    use lifeos_app::{DashboardReader, TodayReader, Week};
    let db = TestDb::new().await;
    let user = uuid::Uuid::new_v4();
    let today = chrono::Utc::now().date_naive();
    // A year of use: 20 projects of 40 tasks (half done, on the days before
    // today; the open ones due over the next weeks) and 2,000 captures, one
    // an hour back from now, a third still in the inbox.
    let (pool, store) = one_session(
        &db,
        &format!(
            "SET synchronous_commit = on;
             INSERT INTO users (id, username, password_hash) VALUES ('{user}', 'week', 'h');
             INSERT INTO projects (id, user_id, name, position, created_at, updated_at)
               SELECT gen_random_uuid(), '{user}', 'Project ' || i, i - 1, now(), now()
                 FROM generate_series(1, 20) i;
             INSERT INTO tasks (id, user_id, project_id, title, status, position, due_date, completed_at, created_at, updated_at)
               SELECT gen_random_uuid(), p.user_id, p.id, 'Task ' || j,
                      CASE WHEN j % 2 = 0 THEN 'done' ELSE 'todo' END, j - 1, current_date + (j % 30) - 10,
                      CASE WHEN j % 2 = 0 THEN now() - make_interval(days => j) END, now(), now()
                 FROM projects p, generate_series(1, 40) j;
             INSERT INTO captures (id, user_id, content, source, status, created_at, processed_at)
               SELECT gen_random_uuid(), '{user}', 'capture ' || i, 'web',
                      CASE WHEN i % 3 = 0 THEN 'inbox' ELSE 'processed' END,
                      now() - make_interval(hours => i),
                      CASE WHEN i % 3 = 0 THEN NULL ELSE now() - make_interval(hours => i) END
                 FROM generate_series(1, 2000) i;"
        ),
    )
    .await;
    // As autovacuum leaves tables that are not being written.
    pool.get()
        .await
        .unwrap()
        .batch_execute("VACUUM ANALYZE tasks, captures")
        .await
        .unwrap();
    let start = today - chrono::Days::new(6);
    let week = Week {
        start,
        end: today,
        from: start.and_time(chrono::NaiveTime::MIN).and_utc(),
        until: (today + chrono::Days::new(1))
            .and_time(chrono::NaiveTime::MIN)
            .and_utc(),
    };
    // Past the sixth run, as the connection keeps them: generic plans.
    for _ in 0..10 {
        store.weekly_facts(UserId(user), &week).await.unwrap();
    }
    let (tasks_before, captures_before) = (
        rows_read(&pool, "tasks").await,
        rows_read(&pool, "captures").await,
    );
    let facts = store.weekly_facts(UserId(user), &week).await.unwrap();
    let tasks_read = rows_read(&pool, "tasks").await - tasks_before;
    let captures_read = rows_read(&pool, "captures").await - captures_before;
    // Done on days 2, 4 and 6 before now: 3 of each project's tasks.
    assert_eq!(facts.tasks_completed, 60);
    // Open (odd j) and due on or before today (j % 30 <= 10): j in
    // 1,3,..,9 and 31,..,39: 10 of each project's tasks.
    assert_eq!(facts.tasks_due, 200);
    assert!(
        facts
            .active_projects
            .iter()
            .all(|p| (p.total, p.done) == (40, 20))
    );
    assert_eq!(facts.inbox, 666);
    assert!(facts.captured > 100 && facts.processed > 60);
    // Every count from an index alone. Without migration 000020 the week
    // read 1,220 task rows (2,020 with the projects' counts joined to every
    // task, as before 103dd5c).
    assert_eq!(tasks_read, 0, "task rows read for the week");
    assert_eq!(captures_read, 0, "capture rows read for the week");

    // Today: the inbox count too (the due tasks are read, to be listed).
    for _ in 0..10 {
        store.today_facts(UserId(user), today).await.unwrap();
    }
    let before = rows_read(&pool, "captures").await;
    let facts = store.today_facts(UserId(user), today).await.unwrap();
    assert_eq!(facts.inbox, 666);
    assert_eq!(rows_read(&pool, "captures").await - before, 0);
}
