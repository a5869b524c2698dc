//! A capture under an idempotency key is one statement
//! (`insert_capture_once`). When another request's first use of the key is
//! not yet committed, the statement waits for it and then finds a receipt
//! its own snapshot cannot show: it reads it again. These tests hold that
//! first use open on a connection of their own, so the path is taken every
//! time (ten racing HTTP requests take it only now and then).
#![expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use lifeos_captures::{CaptureId, CaptureRepository, KeyOutcome, NewCapture, Receipt};
use lifeos_db::{PgStore, PoolConfig, connect};
use lifeos_kernel::UserId;
use lifeos_testdb::TestDb;
use std::time::Duration;
use uuid::Uuid;

/// What the held first use ends with.
enum End {
    Commit,
    Rollback,
}

/// Holds a first use of key `k` (request hash `01`, receipt `first`) open,
/// sends a second use with `hash`, ends the first, and returns the
/// second's outcome and the first's capture id.
async fn second_use_while_the_first_is_open(hash: &[u8], end: End) -> (KeyOutcome, Uuid) {
    let db = TestDb::new().await;
    let store = PgStore::new(connect(db.url(), PoolConfig::default()).unwrap());
    let user = Uuid::new_v4();
    let first = Uuid::new_v4();
    let mut held = AsyncPgConnection::establish(db.url()).await.unwrap();
    // The user first, on its own (a BEGIN later in one simple query would
    // take the statements before it into its transaction).
    held.batch_execute(&format!(
        "INSERT INTO users (id, username, password_hash) VALUES ('{user}', 'ada', 'h')"
    ))
    .await
    .unwrap();
    held.batch_execute(&format!(
        "BEGIN; \
         INSERT INTO idempotency_keys (user_id, key, request_hash, capture_id, message, created_at) \
           VALUES ('{user}', 'k', '\\x01', '{first}', 'first', now());"
    ))
    .await
    .unwrap();

    let now = Utc::now();
    let second = NewCapture {
        id: CaptureId(Uuid::new_v4()),
        user: UserId(user),
        content: "second".into(),
        source: "api".into(),
        now,
    };
    let receipt = Receipt {
        capture: second.id,
        message: "second".into(),
    };
    let hash = hash.to_vec();
    let task = tokio::spawn(async move {
        store
            .insert_capture_once(second, "k", &hash, &receipt, chrono::Duration::hours(24))
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!task.is_finished(), "the second use waits for the first");
    held.batch_execute(match end {
        End::Commit => "COMMIT",
        End::Rollback => "ROLLBACK",
    })
    .await
    .unwrap();
    (task.await.unwrap().unwrap(), first)
}

#[tokio::test]
async fn a_second_use_waiting_on_the_first_replays_its_receipt() {
    let (outcome, first) = second_use_while_the_first_is_open(&[1], End::Commit).await;
    assert_eq!(
        outcome,
        KeyOutcome::Replayed(Receipt {
            capture: CaptureId(first),
            message: "first".into(),
        })
    );
}

#[tokio::test]
async fn a_second_use_with_another_body_waiting_on_the_first_is_a_mismatch() {
    let (outcome, _) = second_use_while_the_first_is_open(&[2], End::Commit).await;
    assert_eq!(outcome, KeyOutcome::Mismatch);
}

#[tokio::test]
async fn a_second_use_takes_the_key_when_the_first_rolls_back() {
    let (outcome, _) = second_use_while_the_first_is_open(&[2], End::Rollback).await;
    assert_eq!(outcome, KeyOutcome::Created);
}
