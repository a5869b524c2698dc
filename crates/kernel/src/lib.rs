//! The small kernel every Life OS module shares: the user id, the clock port,
//! pagination, the user's time preferences ("today" and "this week"), field
//! errors for validation, and the storage error every repository port returns.
//!
//! Must not depend on any other Life OS crate, nor on diesel or actix.

mod clock;
mod page;
mod prefs;
mod store;

pub use clock::{Clock, FixedClock, SystemClock};
pub use page::{Page, PageRequest};
pub use prefs::{TimePrefs, WeekStart};
pub use store::StoreError;

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

/// Counts characters (Unicode scalar values) of `s`, as the contract measures lengths.
#[must_use]
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Trims `raw` and checks it holds `1..=max` characters.
///
/// # Errors
/// [`FieldError`] naming `field` when empty or too long.
pub fn trimmed_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let t = raw.trim();
    match char_len(t) {
        0 => Err(FieldError::empty(field)),
        n if n > max => Err(FieldError::too_long(field, max)),
        _ => Ok(t.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimmed_text_counts_characters_not_bytes() {
        let ok = "é".repeat(10);
        assert_eq!(trimmed_text("t", &ok, 10).unwrap(), ok);
        let long = "é".repeat(11);
        assert_eq!(
            trimmed_text("t", &long, 10).unwrap_err(),
            FieldError::too_long("t", 10)
        );
    }

    #[test]
    fn trimmed_text_rejects_whitespace_only() {
        assert_eq!(
            trimmed_text("t", " \n\t ", 10).unwrap_err(),
            FieldError::empty("t")
        );
        assert_eq!(trimmed_text("t", "  a  ", 10).unwrap(), "a");
    }
}
