//! The one error every repository port returns. Domain errors wrap it; the
//! adapter maps diesel and pool errors into it. Variants say *what*
//! happened (which uniqueness rule, what is in use) and keep the cause for
//! the logs; the words a client reads are chosen once, in the HTTP layer.

/// The cause of a storage failure, for the logs only.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Which uniqueness rule a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uniqueness {
    /// One journal entry per kind and day (or week, for weekly reviews).
    JournalEntryPerPeriod,
    /// Exercise names are unique per user, case-insensitively.
    ExerciseName,
    /// A rule no service gives a meaning to (a bug if it reaches a client).
    Other,
}

/// Which business conflict stopped a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// The exercise is referenced by a program.
    ExerciseInProgram,
    /// The exercise is referenced by a logged set.
    ExerciseInWorkoutLog,
    /// A row referenced by this write is in use elsewhere (no finer meaning).
    InUse,
    /// The capture has left the inbox, so it cannot be converted.
    CaptureNotInInbox,
    /// A concurrent transaction changed the same rows.
    Concurrent,
}

/// What a storage adapter can report.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist (or is not the caller's).
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated.
    #[error("duplicate: {0:?}")]
    Duplicate(Uniqueness),
    /// A business rule conflict (row in use, concurrent change).
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// The read was for a [`crate::Caller`] whose token no longer speaks
    /// for its user (the user is gone, or their password was set after the
    /// token was issued).
    #[error("the caller's session has ended")]
    SessionEnded,
    /// The database cannot be reached or the pool is exhausted.
    #[error("storage unavailable: {0}")]
    Unavailable(#[source] Cause),
    /// Anything else: a bug or an unexpected database state.
    #[error("storage failure: {0}")]
    Internal(#[source] Cause),
}

impl StoreError {
    /// An internal failure described by `what` (an unexpected stored value).
    pub fn internal(what: impl Into<String>) -> Self {
        Self::Internal(what.into().into())
    }
}
