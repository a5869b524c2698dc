//! Mapping of diesel and pool errors onto the ports' [`StoreError`].

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::deadpool::PoolError;
use lifeos_kernel::StoreError;

/// Maps a diesel error. Unique violations carry their constraint name, so
/// services can tell which rule was broken.
#[must_use]
pub fn store_error(e: DieselError) -> StoreError {
    match e {
        DieselError::NotFound => StoreError::NotFound,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            StoreError::Duplicate(info.constraint_name().unwrap_or_default().to_string())
        }
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
            StoreError::Conflict(info.constraint_name().unwrap_or_default().to_string())
        }
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
            StoreError::Conflict("concurrent update".into())
        }
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            info,
        ) => StoreError::Unavailable(info.message().to_string()),
        DieselError::DatabaseError(_, info)
            if info.message().contains("terminating connection")
                || info.message().contains("the database system is") =>
        {
            StoreError::Unavailable(info.message().to_string())
        }
        other => StoreError::Internal(other.to_string()),
    }
}

/// Maps a pool error: every way of not getting a connection is "unavailable".
#[must_use]
pub fn pool_error(e: PoolError) -> StoreError {
    StoreError::Unavailable(e.to_string())
}
