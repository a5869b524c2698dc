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
