//! Schema invariants, checked against the migrated database.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use lifeos_testdb::TestDb;

#[derive(QueryableByName, Debug)]
struct Row {
    #[diesel(sql_type = Text)]
    name: String,
}

async fn names(db: &TestDb, sql: &str) -> Vec<String> {
    let mut c = AsyncPgConnection::establish(db.url()).await.unwrap();
    diesel::sql_query(sql)
        .load::<Row>(&mut c)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect()
}

#[tokio::test]
async fn every_foreign_key_to_users_cascades_on_delete() {
    let db = TestDb::new().await;
    let bad = names(
        &db,
        "SELECT conname::text AS name FROM pg_constraint \
         WHERE contype = 'f' AND confrelid = 'users'::regclass AND confdeltype <> 'c'",
    )
    .await;
    assert!(
        bad.is_empty(),
        "foreign keys to users without ON DELETE CASCADE: {bad:?}"
    );
}

#[tokio::test]
async fn every_foreign_key_column_is_the_leading_column_of_an_index() {
    let db = TestDb::new().await;
    let bad = names(
        &db,
        "SELECT c.conname::text AS name FROM pg_constraint c \
         WHERE c.contype = 'f' AND NOT EXISTS ( \
           SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid \
             AND i.indkey[0] = c.conkey[1])",
    )
    .await;
    assert!(bad.is_empty(), "unindexed foreign keys: {bad:?}");
}

#[tokio::test]
async fn every_constraint_and_index_is_named_by_convention() {
    let db = TestDb::new().await;
    let bad = names(
        &db,
        "SELECT conname::text AS name FROM pg_constraint c \
         JOIN pg_namespace n ON n.oid = c.connamespace JOIN pg_class t ON t.oid = c.conrelid \
         WHERE n.nspname = 'public' AND t.relname NOT LIKE '\\_\\_diesel%' \
           AND conname !~ '^(pk|fk|uq|ck|ex)_'",
    )
    .await;
    assert!(
        bad.is_empty(),
        "constraints not named pk_/fk_/uq_/ck_/ex_: {bad:?}"
    );
}

/// Every migration goes down and up again: `down.sql` undoes `up.sql`
/// exactly enough for `up.sql` to run again, and the schema after the
/// round trip is the schema before it (tables, columns, types, constraints).
#[tokio::test(flavor = "multi_thread")]
async fn every_migration_runs_up_down_and_up_again() {
    use diesel_async::AsyncMigrationHarness;
    use diesel_migrations::MigrationHarness;
    let db = TestDb::new().await;
    let shape = "SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable AS name \
                 FROM information_schema.columns WHERE table_schema = 'public' \
                 UNION ALL SELECT conrelid::regclass || '.' || conname || ':' || pg_get_constraintdef(oid) \
                 FROM pg_constraint WHERE connamespace = 'public'::regnamespace \
                 UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1";
    let before = names(&db, shape).await;
    let conn = AsyncPgConnection::establish(db.url()).await.unwrap();
    let mut harness = AsyncMigrationHarness::new(conn);
    let reverted: Vec<String> = harness
        .revert_all_migrations(lifeos_db::MIGRATIONS)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(reverted.len() >= 9, "{reverted:?}");
    let emptied = names(
        &db,
        "SELECT table_name AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
    )
    .await;
    assert!(emptied.is_empty(), "down left tables behind: {emptied:?}");
    let applied = harness
        .run_pending_migrations(lifeos_db::MIGRATIONS)
        .unwrap()
        .len();
    assert_eq!(applied, reverted.len());
    drop(harness);
    assert_eq!(names(&db, shape).await, before);
}
