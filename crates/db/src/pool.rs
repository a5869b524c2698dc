//! The connection pool and the embedded migrations.

use crate::PgPool;
use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{
    AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, SimpleAsyncConnection,
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

/// The SQL migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// Pool sizing and timeouts. Every timeout is set: deadpool waits forever
/// by default, and a request must answer 503 instead of hanging.
#[derive(Debug, Clone, Copy)]
pub struct PoolConfig {
    /// Most connections open at once.
    pub max_size: usize,
    /// How long a request waits for a free connection.
    pub wait_timeout: Duration,
    /// How long opening a connection may take.
    pub connect_timeout: Duration,
    /// Server-side limit per statement.
    pub statement_timeout: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        Self {
            max_size: 10,
            wait_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

/// Builds the pool. No connection is opened until the first request, so
/// the server starts (and recovers) whether or not the database is up.
///
/// # Errors
/// When the pool configuration is rejected.
pub fn connect(url: &str, config: PoolConfig) -> Result<PgPool, String> {
    let statement_ms = config.statement_timeout.as_millis();
    let mut manager_config = ManagerConfig::<AsyncPgConnection>::default();
    // No test query on every checkout (it was one statement in every
    // request): a connection is dropped when its socket has closed (a
    // database restart closes them all) or its transaction state is
    // broken; a connection that dies unnoticed fails its request with 503.
    manager_config.recycling_method = RecyclingMethod::Fast;
    manager_config.custom_setup = Box::new(move |url| {
        let url = url.to_string();
        Box::pin(async move {
            let mut conn = AsyncPgConnection::establish(&url).await?;
            conn.batch_execute(&format!(
                "SET statement_timeout = {statement_ms}; SET application_name = 'lifeos'"
            ))
            .await
            .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            Ok(conn)
        })
    });
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, manager_config);
    Pool::builder(manager)
        .max_size(config.max_size)
        .wait_timeout(Some(config.wait_timeout))
        .create_timeout(Some(config.connect_timeout))
        .recycle_timeout(Some(config.connect_timeout))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| e.to_string())
}

/// Opens every connection the pool may hold, one after another, and puts
/// them back idle: the server calls it in the background once it listens,
/// so the first burst of requests finds its connections open instead of
/// each opening one (a new PostgreSQL backend, its authentication and the
/// setup statements, several milliseconds each and all at once: the first
/// requests of a burst took 70–124 ms against a p99 of 16). The pool never
/// closes a healthy connection, so this is paid once per start. Stops at
/// the first that cannot be opened (the server still starts with the
/// database down, and requests open them later). Returns the pool's size.
pub async fn fill(pool: &PgPool) -> usize {
    let mut held = Vec::with_capacity(pool.status().max_size);
    while pool.status().size < pool.status().max_size {
        match pool.get().await {
            // Held until the end, so the next `get` opens another (or
            // takes one a request has just put back).
            Ok(conn) => held.push(conn),
            Err(_) => break,
        }
    }
    pool.status().size
}

/// Applies pending migrations under a PostgreSQL advisory lock, so several
/// replicas starting at once apply them once. Applying twice is a no-op.
/// Needs a multi-thread tokio runtime (the harness uses `block_in_place`).
///
/// # Errors
/// When the database is unreachable or a migration fails.
pub async fn run_migrations(url: &str) -> Result<Vec<String>, String> {
    const LOCK_KEY: i64 = 0x6c69_6665_6f73; // "lifeos"
    let mut conn = AsyncPgConnection::establish(url)
        .await
        .map_err(|e| format!("connecting to the database: {e}"))?;
    conn.batch_execute(&format!("SELECT pg_advisory_lock({LOCK_KEY})"))
        .await
        .map_err(|e| format!("taking the migration lock: {e}"))?;
    let mut harness = AsyncMigrationHarness::new(conn);
    let applied = harness
        .run_pending_migrations(MIGRATIONS)
        .map(|v| v.iter().map(ToString::to_string).collect::<Vec<_>>())
        .map_err(|e| format!("applying migrations: {e}"));
    let mut conn = harness.into_inner();
    // The lock is released with the session too; unlock explicitly anyway.
    let _unlocked = conn
        .batch_execute(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"))
        .await;
    applied
}
