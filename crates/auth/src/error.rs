//! Errors of the auth module.

use lifeos_kernel::{FieldError, StoreError};

/// Everything an auth operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Input failed validation.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Wrong username or password (never says which).
    #[error("invalid username or password")]
    InvalidCredentials,
    /// Access or refresh token missing its user, tampered, expired, reused.
    #[error("the session token is invalid or expired")]
    InvalidToken,
    /// The bearer API key is unknown, malformed or revoked.
    #[error("the API key is invalid or revoked")]
    InvalidApiKey,
    /// Too many failed logins; retry after this many seconds.
    #[error("too many failed logins; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until the window ends.
        retry_after_secs: u64,
    },
    /// The API key is good but not for this: it lacks the scope.
    #[error("the API key lacks the `{}` scope", .0.as_str())]
    MissingScope(crate::model::Scope),
    /// Too many password checks are waiting already (a login flood); the
    /// client should retry in a moment.
    #[error("too many password checks are waiting")]
    Busy,
    /// A resource (API key) was not found or is not the caller's.
    #[error("not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing or token signing failed (a bug or resource exhaustion).
    #[error("internal auth failure: {0}")]
    Internal(String),
}
