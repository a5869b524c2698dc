//! `journal_runs` (kept by a trigger) always equals the runs of consecutive
//! days computed from `journal_entries`, after inserts, deletes, date
//! changes and concurrent writes.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use lifeos_testdb::TestDb;

const USER: &str = "00000000-0000-0000-0000-0000000000aa";

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Run {
    #[diesel(sql_type = Text)]
    run: String,
}

async fn conn(db: &TestDb) -> AsyncPgConnection {
    AsyncPgConnection::establish(db.url()).await.unwrap()
}

async fn runs(c: &mut AsyncPgConnection, sql: &str) -> Vec<Run> {
    let mut v: Vec<Run> = diesel::sql_query(sql).load(c).await.unwrap();
    v.sort();
    v
}

async fn assert_consistent(c: &mut AsyncPgConnection) {
    let kept = runs(
        c,
        "SELECT entry_type || ' ' || first_day || ' ' || last_day AS run FROM journal_runs",
    )
    .await;
    let computed = runs(
        c,
        "SELECT entry_type || ' ' || min(entry_date) || ' ' || max(entry_date) AS run FROM ( \
           SELECT user_id, entry_type, entry_date, entry_date - (row_number() OVER \
             (PARTITION BY user_id, entry_type ORDER BY entry_date))::int AS grp \
           FROM journal_entries WHERE entry_type <> 'weekly_review') d \
         GROUP BY user_id, entry_type, grp",
    )
    .await;
    assert_eq!(kept, computed);
}

fn insert(kind: &str, day: i64) -> String {
    format!(
        "INSERT INTO journal_entries (id, user_id, entry_type, entry_date, period_start, content, word_count, created_at, updated_at) \
         VALUES (gen_random_uuid(), '{USER}', '{kind}', DATE '2026-01-01' + {day}, DATE '2026-01-01' + {day}, '{{}}', 0, now(), now()) \
         ON CONFLICT DO NOTHING"
    )
}

#[tokio::test]
async fn runs_follow_every_insert_delete_and_move() {
    let db = TestDb::new().await;
    let mut c = conn(&db).await;
    c.batch_execute(&format!(
        "INSERT INTO users (id, username, password_hash) VALUES ('{USER}', 'runs', 'h')"
    ))
    .await
    .unwrap();
    // A deterministic pseudo-random walk over 40 days and two kinds.
    let mut seed: u64 = 42;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    for _ in 0..300 {
        let kind = if next(2) == 0 {
            "morning_pages"
        } else {
            "daily_reflection"
        };
        let day = i64::try_from(next(40)).unwrap();
        let sql = match next(4) {
            0 | 1 => insert(kind, day),
            2 => format!(
                "DELETE FROM journal_entries WHERE user_id = '{USER}' AND entry_type = '{kind}' \
                 AND entry_date = DATE '2026-01-01' + {day}"
            ),
            _ => {
                let to = i64::try_from(next(40)).unwrap();
                format!(
                    "UPDATE journal_entries SET entry_date = DATE '2026-01-01' + {to}, period_start = DATE '2026-01-01' + {to} \
                     WHERE user_id = '{USER}' AND entry_type = '{kind}' AND entry_date = DATE '2026-01-01' + {day} \
                     AND NOT EXISTS (SELECT 1 FROM journal_entries WHERE user_id = '{USER}' AND entry_type = '{kind}' \
                                     AND entry_date = DATE '2026-01-01' + {to})"
                )
            }
        };
        c.batch_execute(&sql).await.unwrap();
        assert_consistent(&mut c).await;
    }
}

#[tokio::test]
async fn concurrent_inserts_of_adjacent_days_make_one_run() {
    let db = TestDb::new().await;
    let mut c = conn(&db).await;
    c.batch_execute(&format!(
        "INSERT INTO users (id, username, password_hash) VALUES ('{USER}', 'runs', 'h')"
    ))
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for day in 0..12 {
        let url = db.url().to_string();
        tasks.push(tokio::spawn(async move {
            let mut c = AsyncPgConnection::establish(&url).await.unwrap();
            c.batch_execute(&insert("morning_pages", day))
                .await
                .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_consistent(&mut c).await;
    let all = runs(
        &mut c,
        "SELECT first_day || ' ' || last_day AS run FROM journal_runs",
    )
    .await;
    assert_eq!(
        all,
        vec![Run {
            run: "2026-01-01 2026-01-12".into()
        }]
    );
}
