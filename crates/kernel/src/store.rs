//! The one error every repository port returns. Domain errors wrap it; the
//! adapter maps diesel and pool errors into it.

/// What a storage adapter can report.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist (or is not the caller's).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated; carries the constraint name.
    #[error("duplicate ({0})")]
    Duplicate(String),
    /// A business rule conflict (row in use, concurrent change).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database cannot be reached or the pool is exhausted.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or an unexpected database state.
    #[error("storage failure: {0}")]
    Internal(String),
}
