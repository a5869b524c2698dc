//! `just bench`: latency and throughput of hot endpoints, measured from
//! outside. The bench starts its own throwaway PostgreSQL with production
//! settings (`fsync` and `synchronous_commit` on) and `pg_stat_statements`,
//! runs the release `lifeos` server as a separate process on loopback,
//! seeds accounts through SQL batch paths, and drives HTTP load from this
//! process. Per scenario: req/s, p50, p99, max, errors, SQL statements per
//! request (`pg_stat_statements`), server CPU ms per request and server
//! RSS (from `/proc`). Prints a table and writes it as JSON to
//! `bench/results/` with the commit and the machine. See docs/performance.md.
#![expect(
    clippy::expect_used,
    reason = "a benchmark program: failing loudly is right"
)]

use lifeos::config::Config;
use lifeos::startup::build_state;
use reqwest::Client;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECRET: &str = "bench-key-0123456789abcdef0123456789abcdef";

fn config() -> Config {
    let vars: HashMap<&str, &str> = [
        ("SECRET_KEY", SECRET),
        ("BCRYPT_COST", "4"),
        ("COOKIE_SECURE", "false"),
        ("DATABASE_POOL_SIZE", "16"),
        ("RUST_LOG", "warn"),
    ]
    .into_iter()
    .collect();
    Config::from_lookup(|k| vars.get(k).map(ToString::to_string)).expect("config")
}

struct Report {
    name: String,
    concurrency: usize,
    requests: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
    rps: f64,
    errors: usize,
    statements: f64,
    cpu_ms: f64,
    /// The load generator's (this process's) CPU per request.
    client_cpu_ms: f64,
    /// PostgreSQL's CPU per request (its processes, the watcher's included).
    db_cpu_ms: f64,
    rss_mib: f64,
    /// The statements the server issued, per request (from `pg_stat_statements`).
    sql: Vec<(f64, String)>,
    /// pgbench's transactions/s for the endpoint's exact SQL and its least SQL.
    limits: Option<(Pgbench, Pgbench)>,
    /// For a row measured in rounds (server, then both pgbench scripts, three
    /// times): each round's server req/s and pgbench tps (exact, least). The
    /// row is the round with the median ratio to the least SQL.
    rounds: Vec<(f64, f64, f64)>,
    /// Checkpoints PostgreSQL began during the scenario (a suspect for the
    /// slowest requests: a checkpoint's writes and fsyncs share the disk).
    checkpoints: i64,
    /// When the slowest request began (since the scenario's start) and its
    /// number in the order they were sent.
    slowest: (Duration, usize),
}

async fn measure<F, Fut>(name: &str, concurrency: usize, total: usize, make: F) -> Report
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let make = Arc::new(make);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let started_unix = unix_ms(std::time::SystemTime::now());
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let make = make.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            let mut errors = 0;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let t = Instant::now();
                if !make(i).await {
                    errors += 1;
                }
                samples.push((t.elapsed(), t - started, i));
            }
            (samples, errors)
        }));
    }
    let mut timed = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (s, e) = t.await.expect("task");
        timed.extend(s);
        errors += e;
    }
    let elapsed = started.elapsed();
    // BENCH_TRACE=<folder>: every request's start and duration, one CSV
    // per scenario, to see whether the slowest are alone or together. The
    // first line gives the scenario's start as Unix time (ms), to line the
    // requests up with other clocks (the kernel's, PostgreSQL's log).
    if let Ok(dir) = std::env::var("BENCH_TRACE") {
        let mut csv = format!("# started_unix_ms={started_unix:.3}\nbegan_ms,took_ms,number\n");
        for (took, at, i) in &timed {
            csv += &format!(
                "{:.3},{:.3},{i}\n",
                at.as_secs_f64() * 1e3,
                took.as_secs_f64() * 1e3
            );
        }
        let file = name.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        // A row measured in rounds writes one file per round (`-2`, `-3`).
        let path = (1..)
            .map(|n| match n {
                1 => format!("{dir}/{file}-{concurrency}.csv"),
                n => format!("{dir}/{file}-{concurrency}-{n}.csv"),
            })
            .find(|p| !std::path::Path::new(p).exists())
            .expect("a free name");
        std::fs::write(path, csv).expect("trace");
    }
    timed.sort();
    // When the slowest request began, and the how-manieth it was: at the
    // start of a scenario (connections, plans, caches warming) or anywhere.
    let slowest = timed
        .last()
        .map_or((Duration::ZERO, 0), |&(_, at, i)| (at, i));
    let all: Vec<Duration> = timed.into_iter().map(|(d, _, _)| d).collect();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    Report {
        name: name.to_string(),
        concurrency,
        requests: total,
        p50: pct(0.50),
        p99: pct(0.99),
        max: all[all.len() - 1],
        rps: total as f64 / elapsed.as_secs_f64(),
        errors,
        statements: 0.0,
        cpu_ms: 0.0,
        client_cpu_ms: 0.0,
        db_cpu_ms: 0.0,
        rss_mib: 0.0,
        sql: Vec::new(),
        limits: None,
        rounds: Vec::new(),
        checkpoints: 0,
        slowest,
    }
}

/// The server process and the database, watched around each scenario.
struct Watch {
    pid: u32,
    db: diesel_async::AsyncPgConnection,
    /// PostgreSQL's postmaster: its children's CPU is the database's.
    postmaster: Option<u32>,
}

/// utime + stime of `pid`, in milliseconds (clock ticks of 10 ms).
fn cpu_ms(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, a)| a);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<f64>().ok())
        .sum();
    ticks * 10.0
}

/// CPU of every child of `parent` (PostgreSQL's backends and helpers when
/// `parent` is the postmaster), in milliseconds. Backends that exit during a
/// scenario take their time with them; the server's pooled connections and
/// the helpers live through it.
fn children_cpu_ms(parent: u32) -> f64 {
    children_cpu(parent).values().sum()
}

/// The CPU (milliseconds) of each child of `parent`, by pid.
fn children_cpu(parent: u32) -> std::collections::HashMap<u32, f64> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return std::collections::HashMap::new();
    };
    let parent = parent.to_string();
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let after = stat.rsplit_once(')').map_or("", |(_, a)| a);
            after.split_whitespace().nth(1) == Some(parent.as_str())
        })
        .map(|pid| (pid, cpu_ms(pid)))
        .collect()
}

/// A `/proc/<pid>/status` size field (`VmRSS`, `VmHWM`), in MiB.
fn status_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

impl Watch {
    async fn statements(&mut self) -> f64 {
        use diesel_async::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(
            "SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements \
             WHERE query NOT ILIKE '%pg_stat_statements%'",
        )
        .get_result::<N>(&mut self.db)
        .await
        .map_or(0.0, |r| r.n as f64)
    }

    /// The statements since the last reset and how often each ran.
    async fn statement_texts(&mut self) -> Vec<(i64, String)> {
        use diesel_async::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Q {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            calls: i64,
            #[diesel(sql_type = diesel::sql_types::Text)]
            query: String,
        }
        diesel::sql_query(
            "SELECT calls, query FROM pg_stat_statements \
             WHERE query NOT ILIKE '%pg_stat_statements%' ORDER BY calls DESC, query",
        )
        .load::<Q>(&mut self.db)
        .await
        .map(|rows| rows.into_iter().map(|q| (q.calls, q.query)).collect())
        .unwrap_or_default()
    }

    /// Checkpoints begun so far (timed or requested).
    async fn checkpoints(&mut self) -> i64 {
        use diesel_async::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(
            "SELECT (checkpoints_timed + checkpoints_req)::bigint AS n FROM pg_stat_bgwriter",
        )
        .get_result::<N>(&mut self.db)
        .await
        .map_or(0, |r| r.n)
    }

    async fn reset(&mut self) {
        use diesel_async::SimpleAsyncConnection;
        self.db
            .batch_execute("SELECT pg_stat_statements_reset()")
            .await
            .expect("reset pg_stat_statements");
    }

    /// Runs a scenario and adds the server's side of it.
    async fn measure<F, Fut>(
        &mut self,
        name: &str,
        concurrency: usize,
        total: usize,
        make: F,
    ) -> Report
    where
        F: Fn(usize) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = bool> + Send,
    {
        self.reset().await;
        let checkpoints = self.checkpoints().await;
        let cpu = cpu_ms(self.pid);
        let client = cpu_ms(std::process::id());
        let database = self.postmaster.map_or(0.0, children_cpu_ms);
        let mut r = measure(name, concurrency, total, make).await;
        r.cpu_ms = (cpu_ms(self.pid) - cpu) / total as f64;
        r.client_cpu_ms = (cpu_ms(std::process::id()) - client) / total as f64;
        r.db_cpu_ms = (self.postmaster.map_or(0.0, children_cpu_ms) - database) / total as f64;
        r.checkpoints = self.checkpoints().await - checkpoints;
        r.statements = self.statements().await / total as f64;
        r.sql = self
            .statement_texts()
            .await
            .into_iter()
            .map(|(calls, q)| (calls as f64 / total as f64, q))
            .collect();
        r.rss_mib = status_mib(self.pid, "VmRSS:");
        r
    }
}

/// Vacuums and analyses the seeded tables, as autovacuum would have long
/// since on a real instance: without it, index-only scans visit the heap
/// until autovacuum happens to pass, in the middle of some scenario (and
/// between pgbench's exact and least scripts, which then measure different
/// states). `VACUUM` cannot run inside the seed's multi-statement string.
async fn settle(db: &Db) {
    sql(db, "VACUUM (ANALYZE)").await;
}

/// The dev data generator's batch path: one INSERT .. SELECT per user.
async fn seed_journal(db: &Db, username: &str, days: i32) {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let mut c = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    c.batch_execute(&format!(
        "INSERT INTO users (id, username, password_hash) \
           SELECT gen_random_uuid(), '{username}', password_hash FROM users WHERE username = 'bench'; \
         INSERT INTO user_settings (user_id) SELECT id FROM users WHERE username = '{username}'; \
         INSERT INTO journal_entries (id, user_id, entry_type, entry_date, period_start, content, word_count, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, k.kind, d::date, d::date, \
                  jsonb_build_object('body', 'went running then wrote ' || i, 'went_well', 'a', 'to_improve', 'b', 'grateful_for', 'c'), \
                  8, now(), now() \
           FROM users u, generate_series(1, {days}) AS i, \
                LATERAL (SELECT current_date - i AS d) AS dd, \
                (VALUES ('morning_pages'), ('daily_reflection')) AS k(kind) \
           WHERE u.username = '{username}';"
    ))
    .await
    .expect("seed journal");
    settle(db).await;
}

async fn seed_projects(db: &Db, username: &str) {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let mut c = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    c.batch_execute(&format!(
        "INSERT INTO users (id, username, password_hash) \
           SELECT gen_random_uuid(), '{username}', password_hash FROM users WHERE username = 'bench'; \
         INSERT INTO user_settings (user_id) SELECT id FROM users WHERE username = '{username}'; \
         INSERT INTO projects (id, user_id, name, position, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, 'Project ' || i, i - 1, now(), now() \
           FROM users u, generate_series(1, 200) i WHERE u.username = '{username}'; \
         INSERT INTO tasks (id, user_id, project_id, title, status, position, completed_at, created_at, updated_at) \
           SELECT gen_random_uuid(), p.user_id, p.id, 'Task ' || j, \
                  CASE WHEN j % 3 = 0 THEN 'done' ELSE 'todo' END, j - 1, \
                  CASE WHEN j % 3 = 0 THEN now() END, now(), now() \
           FROM projects p JOIN users u ON u.id = p.user_id, generate_series(1, 50) j \
           WHERE u.username = '{username}';"
    ))
    .await
    .expect("seed projects");
    settle(db).await;
}

/// 300 events, 200 of them recurring (daily, weekly, monthly, yearly, in
/// Europe/Berlin), all started `days_ago` days ago, and 100 single events
/// spread over those days.
async fn seed_calendar(db: &Db, username: &str, days_ago: i32) {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let mut c = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    c.batch_execute(&format!(
        "INSERT INTO users (id, username, password_hash) \
           SELECT gen_random_uuid(), '{username}', password_hash FROM users WHERE username = 'bench'; \
         INSERT INTO user_settings (user_id, timezone) SELECT id, 'Europe/Berlin' FROM users WHERE username = '{username}'; \
         INSERT INTO events (id, user_id, title, all_day, starts_at, ends_at, timezone, rrule, series_end, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, 'Series ' || i, false, \
                  date_trunc('day', now()) - make_interval(days => {days_ago}) + make_interval(hours => 6 + i % 12), \
                  date_trunc('day', now()) - make_interval(days => {days_ago}) + make_interval(hours => 7 + i % 12), \
                  'Europe/Berlin', \
                  (ARRAY['FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=MO,WE,FR', 'FREQ=MONTHLY;BYMONTHDAY=15', 'FREQ=YEARLY'])[1 + i % 4], \
                  NULL, now(), now() \
           FROM users u, generate_series(1, 200) i WHERE u.username = '{username}'; \
         INSERT INTO events (id, user_id, title, all_day, starts_at, ends_at, timezone, series_end, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, 'Single ' || i, false, t, t + interval '1 hour', 'Europe/Berlin', \
                  t + interval '1 hour', now(), now() \
           FROM users u, generate_series(1, 100) i, \
                LATERAL (SELECT date_trunc('day', now()) - make_interval(days => {days_ago} * i / 100) AS t) tt \
           WHERE u.username = '{username}';"
    ))
    .await
    .expect("seed calendar");
    settle(db).await;
}

/// A month of use, or five years of it: daily journal entries, three
/// sessions a week of 20 sets, 30 projects of 40 tasks, captures at 2,000 a
/// year up to 2,000 (164 in a month).
async fn seed_history(db: &Db, username: &str, days: i32) {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let mut c = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    let captures = 2000 * days.min(365) / 365;
    c.batch_execute(&format!(
        "INSERT INTO users (id, username, password_hash) \
           SELECT gen_random_uuid(), '{username}', password_hash FROM users WHERE username = 'bench'; \
         INSERT INTO user_settings (user_id) SELECT id FROM users WHERE username = '{username}'; \
         INSERT INTO journal_entries (id, user_id, entry_type, entry_date, period_start, content, word_count, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, 'morning_pages', current_date - i, current_date - i, \
                  jsonb_build_object('body', 'words ' || i), 2, now(), now() \
           FROM users u, generate_series(0, {days}) i WHERE u.username = '{username}'; \
         INSERT INTO exercises (id, user_id, name, category, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, 'Squat', 'strength', now(), now() FROM users u WHERE u.username = '{username}'; \
         INSERT INTO workout_sessions (id, user_id, name, started_at, ended_at, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, 'Session ' || i, now() - make_interval(days => i * 7 / 3), \
                  now() - make_interval(days => i * 7 / 3) + interval '1 hour', now(), now() \
           FROM users u, generate_series(0, {days} * 3 / 7) i WHERE u.username = '{username}'; \
         INSERT INTO workout_logs (id, user_id, session_id, exercise_id, set_number, reps, weight, created_at) \
           SELECT gen_random_uuid(), s.user_id, s.id, e.id, j, 5, 100, now() \
           FROM workout_sessions s JOIN users u ON u.id = s.user_id JOIN exercises e ON e.user_id = u.id, \
                generate_series(1, 20) j WHERE u.username = '{username}'; \
         INSERT INTO projects (id, user_id, name, position, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, 'Project ' || i, i - 1, now(), now() \
           FROM users u, generate_series(1, 30) i WHERE u.username = '{username}'; \
         INSERT INTO tasks (id, user_id, project_id, title, status, position, due_date, completed_at, created_at, updated_at) \
           SELECT gen_random_uuid(), p.user_id, p.id, 'Task ' || j, \
                  CASE WHEN j % 2 = 0 THEN 'done' ELSE 'todo' END, j - 1, current_date + (j % 14), \
                  CASE WHEN j % 2 = 0 THEN now() - make_interval(days => j) END, now(), now() \
           FROM projects p JOIN users u ON u.id = p.user_id, generate_series(1, 40) j \
           WHERE u.username = '{username}'; \
         INSERT INTO captures (id, user_id, content, source, status, created_at, processed_at) \
           SELECT gen_random_uuid(), u.id, 'capture ' || i, 'web', \
                  CASE WHEN i % 3 = 0 THEN 'inbox' ELSE 'processed' END, \
                  now() - make_interval(mins => i * {days}), \
                  CASE WHEN i % 3 = 0 THEN NULL ELSE now() - make_interval(mins => i * {days}) END \
           FROM users u, generate_series(1, {captures}) i WHERE u.username = '{username}';"
    ))
    .await
    .expect("seed history");
    settle(db).await;
}

/// The days of the two everyday accounts (issues 12 and 13 compare one
/// month of use with five years of it) and the five-year account's name.
const HISTORY_MONTH: i32 = 30;
const HISTORY_YEARS: i32 = 1826;
const HISTORY_ACCOUNT: &str = "history1826";

/// The export/import account: 100,000 journal entries (two kinds a day over
/// 50,000 days) and 50,000 logged sets (2,500 sessions of 20), written by
/// the batch path (streak trigger off, runs rebuilt once).
async fn seed_bulk(db: &Db, username: &str) {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let mut c = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    c.batch_execute(&format!(
        "BEGIN; SET LOCAL lifeos.bulk_journal = 'on'; \
         INSERT INTO users (id, username, password_hash) \
           SELECT gen_random_uuid(), '{username}', password_hash FROM users WHERE username = 'bench'; \
         INSERT INTO user_settings (user_id) SELECT id FROM users WHERE username = '{username}'; \
         INSERT INTO journal_entries (id, user_id, entry_type, entry_date, period_start, content, word_count, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, k.kind, current_date - i, current_date - i, \
                  jsonb_build_object('body', 'went running then wrote ' || i, 'went_well', 'a', 'to_improve', 'b', 'grateful_for', 'c'), \
                  8, now(), now() \
           FROM users u, generate_series(0, 49999) i, (VALUES ('morning_pages'), ('daily_reflection')) AS k(kind) \
           WHERE u.username = '{username}'; \
         SELECT journal_runs_rebuild(id) FROM users WHERE username = '{username}'; \
         INSERT INTO exercises (id, user_id, name, category, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, 'Squat', 'strength', now(), now() FROM users u WHERE u.username = '{username}'; \
         INSERT INTO workout_sessions (id, user_id, name, started_at, ended_at, created_at, updated_at) \
           SELECT gen_random_uuid(), u.id, 'Session ' || i, now() - make_interval(days => i * 2), \
                  now() - make_interval(days => i * 2) + interval '1 hour', now(), now() \
           FROM users u, generate_series(1, 2500) i WHERE u.username = '{username}'; \
         INSERT INTO workout_logs (id, user_id, session_id, exercise_id, set_number, reps, weight, created_at) \
           SELECT gen_random_uuid(), s.user_id, s.id, e.id, j, 5, 100, now() \
           FROM workout_sessions s JOIN users u ON u.id = s.user_id JOIN exercises e ON e.user_id = u.id, \
                generate_series(1, 20) j WHERE u.username = '{username}'; \
         COMMIT;"
    ))
    .await
    .expect("seed bulk");
    settle(db).await;
}

/// Export of the bulk account (time, MB/s, peak RSS growth while the body
/// is read and thrown away), then its import into an empty account (every
/// id belongs to the first account, so every item is reassigned).
/// Runs `work` while sampling the server's RSS every 5 ms: its output and
/// the peak RSS growth over the RSS before it, in MiB.
async fn rss_growth<T>(pid: u32, work: impl std::future::Future<Output = T>) -> (T, f64) {
    let rss = move || (status_mib(pid, "VmRSS:") * 1_048_576.0) as u64;
    let before = rss();
    let peak = Arc::new(std::sync::atomic::AtomicU64::new(before));
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(rss(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let out = work.await;
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    sampler.await.expect("sampler");
    let growth = peak
        .load(std::sync::atomic::Ordering::Relaxed)
        .saturating_sub(before);
    (out, growth as f64 / 1_048_576.0)
}

async fn bulk(base: &str, db: &Db, pid: u32) {
    seed_bulk(db, "bulk").await;
    let c = logged_in(base, "bulk").await;
    let url = format!("{base}/api/v1/settings/export");
    let started = Instant::now();
    let (bytes, growth) = rss_growth(pid, async {
        let mut res = c.get(&url).send().await.expect("export");
        assert_eq!(res.status(), 200);
        let mut bytes = 0usize;
        while let Some(chunk) = res.chunk().await.expect("chunk") {
            bytes += chunk.len();
        }
        bytes
    })
    .await;
    let took = started.elapsed();
    let mb = bytes as f64 / 1e6;
    println!(
        "export 100,000 entries + 50,000 sets: {mb:.1} MB in {:.2} s = {:.1} MB/s, server peak RSS growth {growth:.1} MiB",
        took.as_secs_f64(),
        mb / took.as_secs_f64(),
    );

    let doc = c
        .get(&url)
        .send()
        .await
        .expect("export")
        .bytes()
        .await
        .expect("body");
    seed_journal(db, "bulk-copy", 0).await;
    let copy = logged_in(base, "bulk-copy").await;
    let started = Instant::now();
    let ((status, report), growth) = rss_growth(pid, async {
        let res = copy
            .post(format!("{base}/api/v1/settings/import"))
            .header("content-type", "application/json")
            .body(doc)
            .send()
            .await
            .expect("import");
        let status = res.status();
        let report: serde_json::Value = res.json().await.expect("report");
        (status, report)
    })
    .await;
    println!(
        "import of it into an empty account: {:.2} s (status {status}, reassigned journal {}, logs {}), server peak RSS growth {growth:.1} MiB",
        started.elapsed().as_secs_f64(),
        report["reassigned"]["journal"],
        report["reassigned"]["logs"]
    );
}

/// Unmeasured warm-up on the one-month account: every pooled connection
/// plans the paths' statements (five custom plans each before the generic
/// one is kept), which would otherwise land in whichever row runs first.
async fn warm_up(base: &str, paths: &[&str]) {
    let c = logged_in(base, &format!("history{HISTORY_MONTH}")).await;
    for path in paths {
        let (c, url) = (c.clone(), format!("{base}{path}"));
        measure("warm-up", 32, 32 * 8, move |_| {
            let (c, url) = (c.clone(), url.clone());
            async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
        })
        .await;
    }
}

/// A cookie client logged in as `username` (seeded with the bench password).
async fn logged_in(base: &str, username: &str) -> Client {
    let c = Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    c.post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"username": username, "password": "bench-password"}))
        .send()
        .await
        .expect("login");
    c
}

/// A login storm at production cost (bcrypt 12): 32 clients log in 96
/// times while another client reads /health; logins are hashed one per
/// core in arrival order, /health must not wait for them.
async fn login_storm(base: &str, db: &Db, watch: &mut Watch) -> Report {
    let cfg12 = Config::from_lookup(|k| match k {
        "SECRET_KEY" => Some(SECRET.to_string()),
        "BCRYPT_COST" => Some("12".to_string()),
        _ => None,
    })
    .expect("config");
    let state12 = build_state(&cfg12, db.url(), SECRET.as_bytes()).expect("state");
    state12
        .auth
        .create_or_reset_user("storm", "storm-password")
        .await
        .expect("storm user");
    drop(state12);
    // 32 people (the attempts of one name from one address are throttled
    // as they arrive: a 33rd simultaneous login of one user would be 429).
    sql(
        db,
        "INSERT INTO users (id, username, password_hash) \
           SELECT gen_random_uuid(), 'storm' || i, password_hash \
           FROM users, generate_series(0, 31) i WHERE username = 'storm'; \
         INSERT INTO user_settings (user_id) SELECT id FROM users WHERE username LIKE 'storm_%'",
    )
    .await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let health = {
        let (stop, url) = (stop.clone(), format!("{base}/health"));
        tokio::spawn(async move {
            let c = Client::new();
            let mut samples = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                let ok = c.get(&url).send().await.is_ok_and(|r| r.status() == 200);
                if ok {
                    samples.push(t.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            samples.sort();
            samples
        })
    };
    let url = format!("{base}/api/auth/login");
    let r = watch
        .measure("POST /api/auth/login (bcrypt 12)", 32, 96, move |i| {
            let url = url.clone();
            async move {
                Client::new()
                    .post(url)
                    .json(&serde_json::json!({"username": format!("storm{}", i % 32), "password": "storm-password"}))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 200)
            }
        })
        .await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let samples = health.await.expect("health sampler");
    let p99 = samples
        .get((samples.len() * 99 / 100).min(samples.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default();
    println!(
        "login storm: {:.1} logins/s, login p50 {:.0} ms, server CPU {:.0} ms per login; \
         GET /health during it: {} requests, p99 {:.2} ms",
        r.rps,
        r.p50.as_secs_f64() * 1000.0,
        r.cpu_ms,
        samples.len(),
        p99.as_secs_f64() * 1000.0
    );
    r
}

/// `BENCH_ONLY=sql`: the statements each endpoint with a pgbench limit
/// issues, per request, on a small account (what `bench/pgbench/*.exact.sql`
/// replays).
async fn show_sql(
    base: &str,
    db: &Db,
    cluster: &lifeos_localpg::Cluster,
    client: &Client,
    watch: &mut Watch,
) {
    seed_history(db, "sqlcheck", 30).await;
    let c = logged_in(base, "sqlcheck").await;
    let mut reports = Vec::new();
    for path in [
        "/api/v1/journal/entries",
        "/api/v1/journal/status",
        "/api/v1/captures",
        "/api/v1/projects",
        "/api/v1/tasks",
    ] {
        let (c, url) = (c.clone(), format!("{base}{path}"));
        reports.push(
            watch
                .measure(&format!("GET {path}"), 1, 10, move |_| {
                    let (c, url) = (c.clone(), url.clone());
                    async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
                })
                .await,
        );
    }
    let url = format!("{base}/api/v1/journal/entries");
    let c2 = c.clone();
    reports.push(
        watch
            .measure("POST /journal/entries", 1, 10, move |i| {
                let (c, url) = (c2.clone(), url.clone());
                let day = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("date")
                    + chrono::Days::new(i as u64);
                async move {
                    c.post(url)
                        .json(&serde_json::json!({"entry_type": "morning_pages",
                            "entry_date": day, "content": {"body": "a bench entry"}}))
                        .send()
                        .await
                        .is_ok_and(|r| r.status() == 201)
                }
            })
            .await,
    );
    let secret = api_key(base, client).await;
    for with_key in [false, true] {
        let (c, url, secret) = (
            Client::new(),
            format!("{base}/api/v1/captures/external"),
            secret.clone(),
        );
        reports.push(
            watch
                .measure(
                    if with_key {
                        "POST /captures/external + Idempotency-Key"
                    } else {
                        "POST /captures/external"
                    },
                    1,
                    10,
                    move |i| {
                        siri_capture(c.clone(), url.clone(), secret.clone(), i, with_key, "sql")
                    },
                )
                .await,
        );
    }
    for r in reports {
        println!("\n{} (errors {}):", r.name, r.errors);
        for (per, q) in r.sql {
            println!(
                "  {per:>5.2} × {}",
                q.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }
    // Every pgbench script runs (on this small account, 2 clients).
    use sha2::Digest;
    let vars = LimitVars {
        reads: user_id(db, "sqlcheck").await,
        bench: user_id(db, "bench").await,
        keyhash: hex::encode(sha2::Sha256::digest(secret.as_bytes())),
    };
    sql(db, "CREATE SEQUENCE IF NOT EXISTS bench_day").await;
    println!();
    for (_, exact, least, account) in LIMITS {
        for script in [exact, least] {
            println!(
                "pgbench {script}: {:.0} tps",
                vars.run(cluster, script, account, 2, 5).tps
            );
        }
    }
}

/// Endpoints with a pgbench limit: the scenario (at 32 connections), its
/// exact and least scripts in `bench/pgbench/`, and whose account it reads.
const LIMITS: &[(&str, &str, &str, &str)] = &[
    (
        "GET /journal/entries (5 years)",
        "journal_entries.exact",
        "journal_entries.least",
        "history",
    ),
    (
        "GET /journal/status (5 years)",
        "journal_status.exact",
        "journal_status.least",
        "history",
    ),
    (
        "GET /captures (5 years)",
        "captures.exact",
        "captures.least",
        "history",
    ),
    (
        "GET /projects (5 years)",
        "projects.exact",
        "projects.least",
        "history",
    ),
    (
        "GET /tasks (5 years)",
        "tasks.exact",
        "tasks.least",
        "history",
    ),
    (
        "POST /journal/entries",
        "journal_insert.exact",
        "journal_insert.least",
        "history",
    ),
    (
        "POST /captures/external",
        "capture_external.exact",
        "capture_external.least",
        "bench",
    ),
    (
        "POST /captures/external + Idempotency-Key",
        "capture_external_idem.exact",
        "capture_external.least",
        "bench",
    ),
];

/// The variables of the pgbench scripts.
struct LimitVars {
    reads: String,
    bench: String,
    keyhash: String,
}

impl LimitVars {
    /// The limit of the scenario `name` at `concurrency`: its scripts and
    /// account, when it has one (at 32 connections).
    fn of(
        name: &str,
        concurrency: usize,
    ) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
        LIMITS.iter().find(|l| l.0 == name && concurrency == 32)
    }

    /// Runs the limit of `report`'s scenario, when it has one (at 32
    /// connections), and records it: each script for `seconds`.
    fn add(&self, cluster: &lifeos_localpg::Cluster, report: Option<&mut Report>, seconds: u32) {
        let Some(r) = report else { return };
        let Some((_, exact, least, account)) = Self::of(&r.name, r.concurrency) else {
            return;
        };
        r.limits = Some((
            self.run(cluster, exact, account, r.concurrency, seconds),
            self.run(cluster, least, account, r.concurrency, seconds),
        ));
    }

    /// Of rounds measured alike (server, then limits), the one whose ratio
    /// to the least SQL is the median, with every round's numbers: on a
    /// shared box the server's rate and pgbench's each move by ±30 % from
    /// one few-second stretch to the next, and a ratio of one pair of them
    /// moved with it (0.36–0.63 for `GET /tasks` over eight runs).
    fn median_round(mut rounds: Vec<Report>) -> Report {
        if rounds.len() == 1 {
            return rounds.remove(0);
        }
        let ratio = |r: &Report| r.limits.map_or(0.0, |(_, least)| r.rps / least.tps);
        let all: Vec<(f64, f64, f64)> = rounds
            .iter()
            .map(|r| {
                let (exact, least) = r.limits.map_or((0.0, 0.0), |(e, l)| (e.tps, l.tps));
                (r.rps, exact, least)
            })
            .collect();
        rounds.sort_by(|a, b| ratio(a).total_cmp(&ratio(b)));
        let mut median = rounds.swap_remove(rounds.len() / 2);
        median.rounds = all;
        median
    }

    /// pgbench's tps for `script` on `account`'s rows (`bench`: the Siri
    /// key's owner; else the reads account).
    fn run(
        &self,
        cluster: &lifeos_localpg::Cluster,
        script: &str,
        account: &str,
        conns: usize,
        seconds: u32,
    ) -> Pgbench {
        let uid = if account == "bench" {
            &self.bench
        } else {
            &self.reads
        };
        let vars = [("uid", uid.as_str()), ("keyhash", self.keyhash.as_str())];
        pgbench(cluster, script, conns, seconds, &vars)
    }
}

/// What pgbench did with one script.
#[derive(Debug, Clone, Copy)]
struct Pgbench {
    /// Transactions per second.
    tps: f64,
    /// PostgreSQL's CPU per transaction, in milliseconds (its processes
    /// sampled every 20 ms while pgbench runs, since its backends exit with
    /// it): to set beside the server's `db ms` per request.
    db_ms: f64,
}

/// pgbench's transactions per second for `bench/pgbench/<script>.sql`
/// (`seconds`, prepared statements, `conns` clients on two threads).
fn pgbench(
    cluster: &lifeos_localpg::Cluster,
    script: &str,
    conns: usize,
    seconds: u32,
    vars: &[(&str, &str)],
) -> Pgbench {
    let bin = lifeos_localpg::Binaries::find()
        .expect("PostgreSQL binaries")
        .bin_dir()
        .join("pgbench");
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../bench/pgbench")
        .join(format!("{script}.sql"));
    // PGBENCH_MODE=extended plans every statement per execution, as the
    // server's `sql_query` statements are (diesel never caches them).
    let mode = std::env::var("PGBENCH_MODE").unwrap_or_else(|_| "prepared".into());
    let mut cmd = std::process::Command::new(bin);
    cmd.args(["-n", "-M", mode.as_str(), "-T", &seconds.to_string()])
        .arg(format!("-c{conns}"))
        .arg(format!("-j{}", conns.min(2)))
        .arg("-f")
        .arg(&file);
    for (k, v) in vars {
        cmd.arg("-D").arg(format!("{k}={v}"));
    }
    let mut child = cmd
        .arg(cluster.url("postgres"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("pgbench");
    // Each PostgreSQL process's CPU at its last sample; the largest value
    // seen per process is what it used (before pgbench, for those alive).
    let postmaster = cluster.postmaster_pid();
    let sample = || -> std::collections::HashMap<u32, f64> {
        postmaster.map(children_cpu).unwrap_or_default()
    };
    let before = sample();
    let mut seen = before.clone();
    while child.try_wait().expect("pgbench").is_none() {
        for (pid, ms) in sample() {
            seen.insert(pid, ms);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let used: f64 = seen
        .iter()
        .map(|(pid, ms)| ms - before.get(pid).copied().unwrap_or(0.0))
        .sum();
    let out = child.wait_with_output().expect("pgbench");
    let text = String::from_utf8_lossy(&out.stdout);
    let tps = text
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok());
    match tps {
        Some(tps) if out.status.success() => Pgbench {
            tps,
            db_ms: used / (tps * f64::from(seconds)),
        },
        _ => panic!(
            "pgbench {script} failed:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// The id of `username`.
async fn user_id(db: &Db, username: &str) -> String {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        id: uuid::Uuid,
    }
    let mut c = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    diesel::sql_query("SELECT id FROM users WHERE username = $1")
        .bind::<diesel::sql_types::Text, _>(username)
        .get_result::<Id>(&mut c)
        .await
        .expect("user id")
        .id
        .to_string()
}

/// Runs `statement` on the bench database.
async fn sql(db: &Db, statement: &str) {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let mut c = AsyncPgConnection::establish(db.url())
        .await
        .expect("connect");
    c.batch_execute(statement).await.expect("sql");
}

/// The Siri capture `i`, with an `Idempotency-Key` of its own when `with_key`.
async fn siri_capture(
    c: Client,
    url: String,
    secret: String,
    i: usize,
    with_key: bool,
    key_prefix: &'static str,
) -> bool {
    let mut req = c
        .post(url)
        .bearer_auth(secret)
        .json(&serde_json::json!({"content": format!("capture {i}")}));
    if with_key {
        req = req.header("idempotency-key", format!("{key_prefix}-{i}"));
    }
    req.send().await.is_ok_and(|r| r.status() == 201)
}

/// A new API key of the logged-in `client`'s user.
async fn api_key(base: &str, client: &Client) -> String {
    let key: serde_json::Value = client
        .post(format!("{base}/api/v1/settings/api-keys"))
        .json(&serde_json::json!({"name": "bench"}))
        .send()
        .await
        .expect("key")
        .json()
        .await
        .expect("key json");
    key["key"].as_str().expect("secret").to_string()
}

/// The bench's database: a URL.
struct Db {
    url: String,
}

impl Db {
    fn url(&self) -> &str {
        &self.url
    }
}

/// A throwaway cluster with production durability and `pg_stat_statements`.
fn start_cluster(dir: &std::path::Path) -> lifeos_localpg::Cluster {
    use lifeos_localpg::{Binaries, Cluster, ClusterOptions};
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let mut settings = vec![
        "shared_preload_libraries=pg_stat_statements".to_string(),
        "pg_stat_statements.track=all".into(),
        "shared_buffers=256MB".into(),
    ];
    // With BENCH_TRACE=<folder>, PostgreSQL's log goes there too, with what
    // can stall a request: checkpoints, autovacuum, lock waits, statements
    // over 50 ms (timestamps in ms, to line up with the requests' trace).
    if let Ok(trace) = std::env::var("BENCH_TRACE") {
        let trace = std::fs::canonicalize(trace).expect("BENCH_TRACE folder");
        // PostgreSQL runs as its own user when the bench runs as root.
        std::fs::set_permissions(&trace, std::fs::Permissions::from_mode(0o777))
            .expect("chmod trace folder");
        settings.extend([
            "logging_collector=on".into(),
            format!("log_directory={}", trace.display()),
            "log_filename=postgres.log".into(),
            "log_timezone=UTC".into(),
            "log_line_prefix='%m [%p] '".into(),
            "log_checkpoints=on".into(),
            "log_autovacuum_min_duration=0".into(),
            "log_lock_waits=on".into(),
            "log_min_duration_statement=50".into(),
        ]);
    }
    let cluster = Cluster::new(
        Binaries::find().expect("PostgreSQL server binaries"),
        dir.join("pg"),
        ClusterOptions {
            unsafe_fast: false,
            max_connections: 100,
            settings,
        },
    )
    .expect("cluster");
    cluster.start().expect("start PostgreSQL");
    cluster
}

/// `at` as Unix time in milliseconds, the clock the traces share.
fn unix_ms(at: std::time::SystemTime) -> f64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// With `BENCH_TRACE=<folder>`, two more records beside the requests', for
/// what can hold every request at once whatever the server does:
/// - `pauses.csv`: one thread per core, pinned to it and real-time
///   (`SCHED_FIFO`, when the bench may: root), sleeps 1 ms at a time and
///   writes down each wake-up over 5 ms late, when it woke (Unix ms) and by
///   how much. A real-time thread is late only when its core was taken from
///   the whole machine: the hypervisor (steal), an interrupt storm.
/// - `wal.csv`: when each WAL segment file appeared in `pg_wal` (polled
///   every 5 ms). A backend that needs a segment no checkpoint recycled
///   creates it, writing and syncing 16 MiB while every commit waits.
fn start_tracers(dir: &std::path::Path, wal_dir: std::path::PathBuf) {
    use std::io::Write;
    let open = |name: &str| {
        std::fs::File::create(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut pauses = open("pauses.csv");
    writeln!(pauses, "woke_unix_ms,core,late_ms,realtime").expect("pauses.csv");
    let pauses = Arc::new(std::sync::Mutex::new(pauses));
    for core in 0..cores {
        let pauses = pauses.clone();
        std::thread::spawn(move || {
            // SAFETY: plain libc calls on this thread's own attributes,
            // with values built here.
            #[allow(unsafe_code)]
            let realtime = unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(core, &mut set);
                libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set);
                let param = libc::sched_param { sched_priority: 50 };
                libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_FIFO, &param) == 0
            };
            loop {
                let before = Instant::now();
                std::thread::sleep(Duration::from_millis(1));
                let late = before.elapsed().as_secs_f64() * 1e3 - 1.0;
                if late > 5.0 {
                    let line = format!(
                        "{:.3},{core},{late:.3},{realtime}\n",
                        unix_ms(std::time::SystemTime::now())
                    );
                    let mut file = pauses.lock().expect("pauses");
                    let _ = file.write_all(line.as_bytes());
                }
            }
        });
    }
    let mut wal = open("wal.csv");
    writeln!(wal, "seen_unix_ms,segment").expect("wal.csv");
    std::thread::spawn(move || {
        let mut seen = std::collections::HashSet::new();
        loop {
            if let Ok(entries) = std::fs::read_dir(&wal_dir) {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.len() == 24 && seen.insert(name.clone()) {
                        let _ =
                            writeln!(wal, "{:.1},{name}", unix_ms(std::time::SystemTime::now()));
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
}

/// The release `lifeos` binary next to this example, built if missing —
/// together with this example, so cargo resolves the dependencies' features
/// as it did for `cargo run --example bench` and reuses every artifact (the
/// binary alone, without the dev-dependencies' features, rebuilt tokio and
/// ~100 other crates: minutes on a fresh clone).
fn server_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let bin = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("target dir")
        .join("lifeos");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "lifeos",
            "--bin",
            "lifeos",
            "--example",
            "bench",
        ])
        .status()
        .expect("cargo build");
    assert!(built.success(), "building the server failed");
    bin
}

fn machine() -> serde_json::Value {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_kib: u64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or(String::new(), |(_, v)| v.trim().to_string());
    serde_json::json!({
        "cores": std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        "memory_bytes": memory_kib * 1024,
        "cpu": cpu,
        "sched_autogroup": autogroup(),
    })
}

/// Whether the kernel schedules each session as a group of its own
/// (`kernel.sched_autogroup_enabled`). Every PostgreSQL backend calls
/// `setsid`, so then each is a group of its own beside the server's and the
/// load generator's, and on a saturated 2-core box single requests stall
/// for 100 ms to 1.2 s (docs/performance.md, "The tail"). `None` on a
/// kernel without autogroups.
fn autogroup() -> Option<bool> {
    std::fs::read_to_string("/proc/sys/kernel/sched_autogroup_enabled")
        .ok()
        .map(|v| v.trim() == "1")
}

fn commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let Some(head) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "unknown".into();
    };
    // A run of uncommitted changes says so in its file name.
    match git(&["status", "--porcelain", "--untracked-files=no"]) {
        Some(changes) if changes.is_empty() => head,
        _ => format!("{head}-dirty"),
    }
}

#[tokio::main]
async fn main() {
    let tmp = tempfile::Builder::new()
        .prefix("lifeos-bench-")
        .tempdir_in("/tmp")
        .expect("tmp");
    let cluster = start_cluster(tmp.path());
    if let Ok(dir) = std::env::var("BENCH_TRACE") {
        start_tracers(
            std::path::Path::new(&dir),
            cluster.data_dir().join("pg_wal"),
        );
    }
    let db = Db {
        url: cluster.url("postgres"),
    };
    lifeos_db::run_migrations(db.url()).await.expect("migrate");
    let watch_db = {
        use diesel_async::{AsyncConnection, SimpleAsyncConnection};
        let mut c = diesel_async::AsyncPgConnection::establish(db.url())
            .await
            .expect("connect");
        c.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            .await
            .expect("pg_stat_statements");
        c
    };
    let config = config();
    let state = build_state(&config, db.url(), SECRET.as_bytes()).expect("state");
    state
        .auth
        .create_or_reset_user("bench", "bench-password")
        .await
        .expect("user");
    drop(state);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let mut server = std::process::Command::new(server_binary())
        .arg("serve")
        .env("DATABASE_URL", db.url())
        .env("SECRET_KEY", SECRET)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("BCRYPT_COST", "4")
        .env("COOKIE_SECURE", "false")
        // BENCH_POOL=<n> tries another pool size (16 by default).
        .env(
            "DATABASE_POOL_SIZE",
            std::env::var("BENCH_POOL").unwrap_or_else(|_| "16".into()),
        )
        .env("RUST_LOG", "warn")
        .spawn()
        .expect("start the server");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{base}/health/ready")).await.is_err() {
        assert!(Instant::now() < deadline, "server not ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let idle_rss = status_mib(server.id(), "VmRSS:");
    let mut watch = Watch {
        pid: server.id(),
        db: watch_db,
        postmaster: cluster.postmaster_pid(),
    };

    let client = Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let res = client
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"username": "bench", "password": "bench-password"}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);

    if std::env::var("BENCH_ONLY").as_deref() == Ok("sql") {
        show_sql(&base, &db, &cluster, &client, &mut watch).await;
        let _ = server.kill();
        let _ = server.wait();
        let _ = cluster.stop_immediate();
        return;
    }
    // BENCH_ONLY=<section> runs one section (basic, journal, projects,
    // calendar, dashboard, search, everyday, login, transfer) and prints its
    // table; BENCH_ONLY=sql shows the statements behind the pgbench scripts.
    let only = std::env::var("BENCH_ONLY").ok();
    let wanted = |section: &str| only.as_deref().is_none_or(|o| o == section);
    let started = Instant::now();
    // Each section says when it starts (how long a run takes, and where).
    let wants = |section: &str| {
        let run = wanted(section);
        if run {
            eprintln!("[{:6.1} s] {section}", started.elapsed().as_secs_f64());
        }
        run
    };
    let mut reports = Vec::new();
    if wants("basic") {
        for path in ["/health", "/api/auth/me", "/api/v1/settings"] {
            let (c, url) = (client.clone(), format!("{base}{path}"));
            reports.push(
                watch
                    .measure(&format!("GET {path}"), 32, 20_000, move |_| {
                        let (c, url) = (c.clone(), url.clone());
                        async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
                    })
                    .await,
            );
        }
    }

    // Journal: 10 years of daily entries (two kinds: ~7,300 rows) against one month.
    if wants("journal") {
        for (label, days) in [("1 month", 30), ("10 years", 3650)] {
            let name = format!("journal{days}");
            seed_journal(&db, &name, days).await;
            let c = logged_in(&base, &name).await;
            for (path, what) in [
                ("/api/v1/journal/status", "GET /journal/status"),
                (
                    "/api/v1/journal/entries?q=running",
                    "GET /journal/entries?q=running",
                ),
            ] {
                let (c, url) = (c.clone(), format!("{base}{path}"));
                reports.push(
                    watch
                        .measure(&format!("{what} ({label})"), 32, 5_000, move |_| {
                            let (c, url) = (c.clone(), url.clone());
                            async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
                        })
                        .await,
                );
            }
        }
    }
    // Projects: 200 projects x 50 tasks.
    if wants("projects") {
        {
            seed_projects(&db, "projects").await;
            let c = logged_in(&base, "projects").await;
            for (path, what) in [
                ("/api/v1/projects", "GET /projects (200 x 50)"),
                (
                    "/api/v1/projects?per_page=100",
                    "GET /projects?per_page=100",
                ),
            ] {
                let (c, url) = (c.clone(), format!("{base}{path}"));
                reports.push(
                    watch
                        .measure(what, 32, 5_000, move |_| {
                            let (c, url) = (c.clone(), url.clone());
                            async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
                        })
                        .await,
                );
            }
        }
    }
    // Calendar: 300 events (200 recurring) started 10 years ago against 1 month ago.
    if wants("calendar") {
        for (label, days) in [("1 month", 30), ("10 years", 3650)] {
            let name = format!("calendar{days}");
            seed_calendar(&db, &name, days).await;
            let c = logged_in(&base, &name).await;
            let today = chrono::Utc::now().date_naive();
            for (window, to) in [("7 days", 6), ("366 days", 365)] {
                let url = format!(
                    "{base}/api/v1/calendar/occurrences?from={today}&to={}",
                    today + chrono::Days::new(to)
                );
                let c = c.clone();
                reports.push(
                watch
                    .measure(
                        &format!("GET /occurrences {window} ({label})"),
                        32,
                        if to > 7 { 300 } else { 2_000 },
                        move |_| {
                            let (c, url) = (c.clone(), url.clone());
                            async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
                        },
                    )
                    .await,
            );
            }
        }
    }
    // Two accounts of everyday use: one month and five years of it.
    if wanted("dashboard") || wanted("search") || wanted("everyday") {
        for days in [HISTORY_MONTH, HISTORY_YEARS] {
            seed_history(&db, &format!("history{days}"), days).await;
        }
    }
    // The weekly dashboard: one month of use against five years of it.
    if wants("dashboard") {
        warm_up(&base, &["/api/v1/dashboard/weekly"]).await;
        for (label, days) in [("1 month", HISTORY_MONTH), ("5 years", HISTORY_YEARS)] {
            let name = format!("history{days}");
            let c = logged_in(&base, &name).await;
            let url = format!("{base}/api/v1/dashboard/weekly");
            reports.push(
                watch
                    .measure(
                        &format!("GET /dashboard/weekly ({label})"),
                        32,
                        3_000,
                        move |_| {
                            let (c, url) = (c.clone(), url.clone());
                            async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
                        },
                    )
                    .await,
            );
        }
    }
    // Today and search (issue 13): one month of use against five years of it.
    if wants("search") {
        let paths = [
            ("/api/v1/today", "GET /today"),
            (
                "/api/v1/search?q=words",
                "GET /search?q=words (every entry)",
            ),
            ("/api/v1/search?q=capt", "GET /search?q=capt (prefix)"),
        ];
        warm_up(&base, &paths.map(|(path, _)| path)).await;
        for (label, days) in [("1 month", HISTORY_MONTH), ("5 years", HISTORY_YEARS)] {
            let c = logged_in(&base, &format!("history{days}")).await;
            for (path, what) in paths {
                let (c, url) = (c.clone(), format!("{base}{path}"));
                reports.push(
                    watch
                        .measure(&format!("{what} ({label})"), 32, 2_000, move |_| {
                            let (c, url) = (c.clone(), url.clone());
                            async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) }
                        })
                        .await,
                );
            }
        }
    }
    // The limit: right after each everyday scenario at 32 connections,
    // pgbench runs its exact and least SQL against the same database in the
    // same state (so the rows the writes add count for both).
    if wants("everyday") {
        let secret = api_key(&base, &client).await;
        let limits = {
            use sha2::Digest;
            sql(&db, "CREATE SEQUENCE IF NOT EXISTS bench_day").await;
            LimitVars {
                reads: user_id(&db, HISTORY_ACCOUNT).await,
                bench: user_id(&db, "bench").await,
                keyhash: hex::encode(sha2::Sha256::digest(secret.as_bytes())),
            }
        };

        // The everyday reads at 1, 8 and 32 connections, on the five-year account.
        {
            let c = logged_in(&base, HISTORY_ACCOUNT).await;
            for (path, what) in [
                ("/api/v1/journal/entries", "GET /journal/entries"),
                ("/api/v1/journal/status", "GET /journal/status"),
                ("/api/v1/captures", "GET /captures"),
                ("/api/v1/projects", "GET /projects"),
                ("/api/v1/tasks", "GET /tasks"),
                ("/api/auth/me", "GET /api/auth/me"),
            ] {
                for conns in [1, 8, 32] {
                    let name = format!("{what} (5 years)");
                    // A row with a limit: three rounds of the server and
                    // both scripts (2 s each), the median kept.
                    let (rounds, seconds) = if LimitVars::of(&name, conns).is_some() {
                        (3, 2)
                    } else {
                        (1, 5)
                    };
                    let mut measured = Vec::new();
                    for _ in 0..rounds {
                        let (c, url) = (c.clone(), format!("{base}{path}"));
                        let mut r =
                            watch
                                .measure(&name, conns, 250 * conns.max(4), move |_| {
                                    let (c, url) = (c.clone(), url.clone());
                                    async move {
                                        c.get(url).send().await.is_ok_and(|r| r.status() == 200)
                                    }
                                })
                                .await;
                        limits.add(&cluster, Some(&mut r), seconds);
                        measured.push(r);
                    }
                    reports.push(LimitVars::median_round(measured));
                }
            }
            // Writes: each request a journal entry for a day of its own.
            for conns in [1, 8, 32] {
                let (c, url) = (c.clone(), format!("{base}/api/v1/journal/entries"));
                let first = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("date")
                    + chrono::Days::new(conns as u64 * 5_000);
                reports.push(
                    watch
                        .measure(
                            "POST /journal/entries",
                            conns,
                            250 * conns.max(4),
                            move |i| {
                                let (c, url) = (c.clone(), url.clone());
                                let day = first + chrono::Days::new(i as u64);
                                async move {
                                    c.post(url)
                                        .json(&serde_json::json!({"entry_type": "morning_pages",
                                    "entry_date": day, "content": {"body": "a bench entry"}}))
                                        .send()
                                        .await
                                        .is_ok_and(|r| r.status() == 201)
                                }
                            },
                        )
                        .await,
                );
                limits.add(&cluster, reports.last_mut(), 5);
            }
        }

        // The Siri hot path: each request a new capture, with and without a key.
        {
            let plain = Client::new();
            for (what, with_key) in [
                ("POST /captures/external", false),
                ("POST /captures/external + Idempotency-Key", true),
            ] {
                let (c, url, secret) = (
                    plain.clone(),
                    format!("{base}/api/v1/captures/external"),
                    secret.clone(),
                );
                reports.push(
                    watch
                        .measure(what, 32, 10_000, move |i| {
                            siri_capture(c.clone(), url.clone(), secret.clone(), i, with_key, "key")
                        })
                        .await,
                );
                limits.add(&cluster, reports.last_mut(), 5);
            }
        }
    }
    if wants("login") {
        reports.push(login_storm(&base, &db, &mut watch).await);
    }

    if wants("transfer") && std::env::var_os("BENCH_SKIP_BULK").is_none() {
        bulk(&base, &db, watch.pid).await;
    }

    eprintln!("[{:6.1} s] done", started.elapsed().as_secs_f64());
    let peak_rss = status_mib(watch.pid, "VmHWM:");
    let _ = server.kill();
    let _ = server.wait();

    println!(
        "{:<52} {:>4} {:>9} {:>8} {:>8} {:>8} {:>5} {:>6} {:>7} {:>7} {:>7} {:>7} {:>4}",
        "scenario",
        "conn",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "errs",
        "stmts",
        "cpu ms",
        "db ms",
        "load ms",
        "RSS MiB",
        "ckpt"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for r in &reports {
        println!(
            "{:<52} {:>4} {:>9.0} {:>8.2} {:>8.2} {:>8.1} {:>5} {:>6.2} {:>7.3} {:>7.3} {:>7.3} {:>7.1} {:>4}",
            r.name,
            r.concurrency,
            r.rps,
            ms(r.p50),
            ms(r.p99),
            ms(r.max),
            r.errors,
            r.statements,
            r.cpu_ms,
            r.db_cpu_ms,
            r.client_cpu_ms,
            r.rss_mib,
            r.checkpoints
        );
    }
    println!("server RSS: idle {idle_rss:.1} MiB, peak over the run {peak_rss:.1} MiB");
    if autogroup() == Some(true) {
        println!(
            "note: kernel.sched_autogroup_enabled=1, so every PostgreSQL backend is a \
             scheduling group of its own: expect single requests of 100 ms and more under \
             load (docs/performance.md, \"The tail\"); `sysctl -w \
             kernel.sched_autogroup_enabled=0` measures the server as systemd or Docker runs it"
        );
    }
    for r in reports
        .iter()
        .filter(|r| r.max > Duration::from_millis(100))
    {
        println!(
            "slowest of {} at {}: {:.0} ms, request #{} of {}, begun {:.0} ms into it",
            r.name,
            r.concurrency,
            ms(r.max),
            r.slowest.1 + 1,
            r.requests,
            ms(r.slowest.0)
        );
    }
    println!(
        "\nthe limit: pgbench -M prepared, same concurrency, database and account (bench/pgbench/);\n\
         the reads: the median of three rounds (server, then each script for 2 s);\n\
         db ms: PostgreSQL's CPU per request (server) or per transaction (pgbench)\n\
         {:<44} {:>4} {:>9} {:>10} {:>10} {:>7} {:>7} {:>7} {:>7} {:>7}",
        "scenario",
        "conn",
        "req/s",
        "exact tps",
        "least tps",
        "÷exact",
        "÷least",
        "db ms",
        "exact",
        "least"
    );
    for r in &reports {
        if let Some((exact, least)) = r.limits {
            println!(
                "{:<44} {:>4} {:>9.0} {:>10.0} {:>10.0} {:>7.2} {:>7.2} {:>7.3} {:>7.3} {:>7.3}",
                r.name,
                r.concurrency,
                r.rps,
                exact.tps,
                least.tps,
                r.rps / exact.tps,
                r.rps / least.tps,
                r.db_cpu_ms,
                exact.db_ms,
                least.db_ms
            );
            if !r.rounds.is_empty() {
                let each: Vec<String> = r
                    .rounds
                    .iter()
                    .map(|(rps, _, least)| format!("{rps:.0}/{least:.0} = {:.2}", rps / least))
                    .collect();
                println!("    its rounds, ÷least: {}", each.join(", "));
            }
        }
    }
    let rows: Vec<serde_json::Value> = reports
        .iter()
        .map(|r| {
            serde_json::json!({
                "scenario": r.name, "concurrency": r.concurrency, "requests": r.requests,
                "req_per_s": r.rps, "p50_ms": ms(r.p50), "p99_ms": ms(r.p99), "max_ms": ms(r.max),
                "errors": r.errors, "statements_per_request": r.statements,
                "server_cpu_ms_per_request": r.cpu_ms, "server_rss_mib": r.rss_mib,
                "database_cpu_ms_per_request": r.db_cpu_ms,
                "load_generator_cpu_ms_per_request": r.client_cpu_ms,
                "checkpoints_during": r.checkpoints,
                "slowest_began_ms": ms(r.slowest.0), "slowest_request_number": r.slowest.1,
                "pgbench_exact_tps": r.limits.map(|l| l.0.tps),
                "pgbench_least_tps": r.limits.map(|l| l.1.tps),
                "pgbench_exact_database_cpu_ms_per_transaction": r.limits.map(|l| l.0.db_ms),
                "pgbench_least_database_cpu_ms_per_transaction": r.limits.map(|l| l.1.db_ms),
                "ratio_to_exact": r.limits.map(|l| r.rps / l.0.tps),
                "ratio_to_least": r.limits.map(|l| r.rps / l.1.tps),
                "rounds": r.rounds.iter().map(|(rps, exact, least)| serde_json::json!({
                    "req_per_s": rps, "pgbench_exact_tps": exact, "pgbench_least_tps": least,
                    "ratio_to_least": rps / least,
                })).collect::<Vec<_>>(),
                "sql_per_request": r.sql.iter().map(|(n, q)| serde_json::json!({"calls": n, "query": q})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let when = chrono::Utc::now();
    let commit = commit();
    let doc = serde_json::json!({
        "commit": commit, "date": when.to_rfc3339(), "machine": machine(),
        "server_rss_idle_mib": idle_rss, "server_rss_peak_mib": peak_rss, "rows": rows,
    });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/results");
    std::fs::create_dir_all(&dir).expect("bench/results");
    let file = dir.join(format!("{}-{commit}.json", when.format("%Y%m%dT%H%M%SZ")));
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).expect("json")).expect("write results");
    println!("results: {}", file.display());
    let _ = cluster.stop_immediate();
}
