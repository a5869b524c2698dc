//! Hand-written statements are prepared once per connection and reused:
//! PostgreSQL plans them once, not on every request (docs/performance.md).

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use lifeos_db::{PgStore, PoolConfig, connect};
use lifeos_journal::EntryRepository;
use lifeos_kernel::{UserId, WeekStart};
use lifeos_testdb::TestDb;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[tokio::test]
async fn a_raw_statement_is_prepared_once_and_reused() {
    let db = TestDb::new().await;
    // One connection, so every call below runs on the same session.
    let pool = connect(
        db.url(),
        PoolConfig {
            max_size: 1,
            ..PoolConfig::default()
        },
    )
    .unwrap();
    let store = PgStore::new(pool.clone());
    let user = uuid::Uuid::new_v4();
    pool.get()
        .await
        .unwrap()
        .batch_execute(&format!(
            "INSERT INTO users (id, username, password_hash) VALUES ('{user}', 'prep', 'h')"
        ))
        .await
        .unwrap();
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
