//! The small kernel every Life OS module shares: the user id, the clock port,
//! pagination, the user's time preferences ("today" and "this week"), field
//! errors for validation, the storage error every repository port returns,
//! and the caller a read is for.
//!
//! Must not depend on any other Life OS crate, nor on diesel or actix.

mod clock;
mod page;
mod prefs;
#[cfg(test)]
mod props;
mod store;
mod text;
mod wire;

pub use clock::{Clock, FixedClock, SystemClock};
pub use page::{Page, PageRequest};
pub use prefs::{TimePrefs, WeekStart, parse_timezone};
pub use store::{Conflict, StoreError, Uniqueness};
pub use text::{char_len, optional_text, plain_text, storable, trimmed_text};
pub use wire::Color;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The id of a user account. Every resource belongs to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub Uuid);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Whom a read is for: a user and, for a request whose access token only
/// its signature has vouched for so far, when that token was issued.
///
/// With `token_issued_at`, the store answers only if the user still exists
/// and their password was last set before that second (a password change
/// or reset ends every earlier token), and checks it in the read's own
/// statement: the session check folded into the read, no separate lookup.
/// Otherwise it answers [`StoreError::SessionEnded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// Whose data.
    pub user: UserId,
    /// When the caller's access token was issued (whole seconds), if the
    /// store still has to check it.
    pub token_issued_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<UserId> for Caller {
    /// A caller already checked (or the application itself).
    fn from(user: UserId) -> Self {
        Self {
            user,
            token_issued_at: None,
        }
    }
}

/// A new time-ordered id (UUIDv7): index-friendly primary keys.
#[must_use]
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// A rejected input field: which field, and why, in a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    /// The field's path as the client sent it (`content.body`, `per_page`).
    pub field: String,
    /// A human readable sentence.
    pub message: String,
}

impl FieldError {
    /// A field error with a free sentence.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The field is missing or empty after trimming.
    pub fn empty(field: impl Into<String>) -> Self {
        let field = field.into();
        let message = format!("{field} must not be empty");
        Self { field, message }
    }

    /// The field is longer than `max` characters.
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        let field = field.into();
        let message = format!("{field} must be at most {max} characters");
        Self { field, message }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn new_ids_are_distinct_and_time_ordered() {
        let a = super::new_id();
        let b = super::new_id();
        assert_ne!(a, b);
        assert_eq!(a.get_version_num(), 7);
    }
}
