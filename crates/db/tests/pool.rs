//! The server opens its pool's connections once it listens (`fill`), so the
//! first burst of requests does not open them all at once.

use lifeos_db::{PoolConfig, connect, fill};
use lifeos_testdb::TestDb;
use std::time::Duration;

#[tokio::test]
async fn fill_opens_every_connection_and_leaves_them_idle() {
    let db = TestDb::new().await;
    let pool = connect(
        db.url(),
        PoolConfig {
            max_size: 3,
            ..PoolConfig::default()
        },
    )
    .unwrap();
    assert_eq!(pool.status().size, 0, "nothing is opened by connect");
    // A request holding a connection meanwhile is not waited for.
    let busy = pool.get().await.unwrap();
    assert_eq!(fill(&pool).await, 3);
    let status = pool.status();
    assert_eq!((status.size, status.available), (3, 2));
    drop(busy);
    assert_eq!(pool.status().available, 3);
}

#[tokio::test]
async fn fill_stops_when_the_database_cannot_be_reached() {
    // A port nothing listens on: the server starts anyway.
    let pool = connect(
        "postgres://nobody@127.0.0.1:9/nothing",
        PoolConfig {
            max_size: 3,
            connect_timeout: Duration::from_secs(2),
            ..PoolConfig::default()
        },
    )
    .unwrap();
    assert_eq!(fill(&pool).await, 0);
}
