//! Errors of the journal module.

use crate::model::EntryKind;
use chrono::NaiveDate;
use lifeos_kernel::{FieldError, StoreError};

/// Everything a journal operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Input failed validation.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// No such entry for this user.
    #[error("journal entry not found")]
    NotFound,
    /// The kind already has an entry for that day (week for reviews).
    #[error("a {kind} entry already exists for {period}")]
    Duplicate {
        /// The entry kind.
        kind: EntryKind,
        /// The day, or the week's first day.
        period: NaiveDate,
    },
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}
