//! The PostgreSQL adapter: one [`PgStore`] implements every repository port
//! of the domain crates with diesel-async over a deadpool pool. Also owns
//! the embedded migrations.
//!
//! Only this crate (and the binary) may depend on diesel.

mod auth;
mod captures;
mod error;
mod journal;
mod pool;
mod projects;
pub mod schema;
mod sessions;
mod workouts;

pub use error::{pool_error, store_error};
pub use pool::{MIGRATIONS, PoolConfig, connect, run_migrations};

use diesel_async::AsyncPgConnection;
use diesel_async::RunQueryDsl;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use lifeos_kernel::StoreError;

/// The pool type every adapter method draws from.
pub type PgPool = Pool<AsyncPgConnection>;

/// Implements the persistence ports over a connection pool.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("pool", &self.pool.status())
            .finish()
    }
}

impl PgStore {
    /// Wraps a pool.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// The pool (for status reporting).
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) async fn conn(&self) -> Result<Object<AsyncPgConnection>, StoreError> {
        self.pool.get().await.map_err(pool_error)
    }

    /// Whether the database answers a trivial query.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when it does not.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        diesel::sql_query("SELECT 1")
            .execute(&mut conn)
            .await
            .map(|_| ())
            .map_err(store_error)
    }
}
