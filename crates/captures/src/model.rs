//! Capture entities and value rules.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Capture id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaptureId(pub Uuid);

lifeos_kernel::wire_enum!(
    /// Where a capture is.
    CaptureStatus { /// Waiting to be processed.
        Inbox = "inbox", /// Dealt with (converted or by hand).
        Processed = "processed", /// Put away.
        Archived = "archived" }
);

impl CaptureStatus {
    /// `processed_at` after moving to `self`: set when leaving the inbox
    /// (kept if it had already left), cleared when returning to it.
    #[must_use]
    pub fn processed_at(
        self,
        previous: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        match self {
            Self::Inbox => None,
            _ => previous.or(Some(now)),
        }
    }
}

lifeos_kernel::wire_enum!(
    /// What a capture was converted into.
    TargetKind { /// A project task.
        Task = "task", /// A journal entry.
        JournalEntry = "journal_entry", /// A calendar event.
        Event = "event" }
);

/// A capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// Id.
    pub id: CaptureId,
    /// Trimmed text, 1 to 10,000 characters.
    pub content: String,
    /// Free text up to 50 characters (`web`, `api`, `siri`, ...).
    pub source: String,
    /// Status.
    pub status: CaptureStatus,
    /// What it became, as stored (the target may have been deleted since).
    pub converted_to: Option<(TargetKind, Uuid)>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When it left the inbox.
    pub processed_at: Option<DateTime<Utc>>,
}

/// A capture to store.
#[derive(Debug, Clone)]
pub struct NewCapture {
    /// Id.
    pub id: CaptureId,
    /// Owner.
    pub user: lifeos_kernel::UserId,
    /// Content.
    pub content: String,
    /// Source.
    pub source: String,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Changes to a capture.
#[derive(Debug, Clone, Default)]
pub struct CaptureChanges {
    /// Content.
    pub content: Option<CaptureContent>,
    /// Source.
    pub source: Option<CaptureSource>,
    /// Status.
    pub status: Option<CaptureStatus>,
}

/// What the external endpoint tells the caller: which capture, and the
/// sentence Siri speaks. Kept with an idempotency key, so a replay tells
/// exactly what the first answer told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The capture created by the first request.
    pub capture: CaptureId,
    /// `Captured: <first 60 characters>`.
    pub message: String,
}

/// The external endpoint's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalCapture {
    /// A capture was created now.
    Created(Receipt),
    /// A repeat of an earlier request with the same key and body: nothing
    /// was created, this is the first request's receipt.
    Replayed(Receipt),
}

impl ExternalCapture {
    /// The receipt, created or replayed.
    #[must_use]
    pub fn receipt(&self) -> &Receipt {
        match self {
            Self::Created(r) | Self::Replayed(r) => r,
        }
    }
}

/// What presenting an idempotency key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOutcome {
    /// First use: the capture was created and its receipt stored.
    Created,
    /// A repeat with the same body: the first receipt.
    Replayed(Receipt),
    /// A repeat with a different body.
    Mismatch,
}

lifeos_kernel::text_value!(
    /// A capture's text: trimmed, then 1 to 10,000 characters.
    CaptureContent, "content", trimmed, 10_000
);
lifeos_kernel::text_value!(
    /// Where a capture came from (`web`, `api`, `siri`, ...): trimmed, 1 to
    /// 50 characters.
    CaptureSource, "source", trimmed, 50
);

impl CaptureSource {
    /// The source of a capture typed in the browser when none is given.
    #[must_use]
    pub fn web() -> Self {
        Self("web".to_string())
    }

    /// The source of a capture from the external endpoint when none is given.
    #[must_use]
    pub fn api() -> Self {
        Self("api".to_string())
    }
}

/// An `Idempotency-Key` header: trimmed, 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// The longest key accepted.
    pub const MAX: usize = 255;

    /// Parses the header's bytes.
    ///
    /// # Errors
    /// A [`lifeos_kernel::FieldError`] on `Idempotency-Key`.
    pub fn parse(raw: &[u8]) -> Result<Self, lifeos_kernel::FieldError> {
        let k = std::str::from_utf8(raw).unwrap_or_default().trim();
        if k.is_empty() || k.len() > Self::MAX || !k.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(lifeos_kernel::FieldError::new(
                "Idempotency-Key",
                format!(
                    "Idempotency-Key must be 1 to {} visible ASCII characters",
                    Self::MAX
                ),
            ));
        }
        Ok(Self(k.to_string()))
    }

    /// The key.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What Siri speaks: `Captured: ` and the first 60 characters (cut on a
/// character boundary, no ellipsis).
#[must_use]
pub fn capture_message(content: &str) -> String {
    let head: String = content.chars().take(60).collect();
    format!("Captured: {head}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_counts_characters_after_trimming() {
        let max = "界".repeat(10_000);
        assert_eq!(
            CaptureContent::parse(&format!("  {max}\n"))
                .unwrap()
                .as_str(),
            max
        );
        assert_eq!(
            CaptureContent::parse(&"界".repeat(10_001))
                .unwrap_err()
                .field,
            "content"
        );
        assert_eq!(CaptureContent::parse(" \t ").unwrap_err().field, "content");
        assert!(CaptureSource::parse(&"s".repeat(50)).is_ok());
        assert_eq!(
            CaptureSource::parse(&"s".repeat(51)).unwrap_err().field,
            "source"
        );
        assert_eq!(CaptureSource::web().as_str(), "web");
        assert_eq!(CaptureSource::api().as_str(), "api");
    }

    #[test]
    fn idempotency_keys_are_1_to_255_visible_ascii_characters() {
        assert_eq!(IdempotencyKey::parse(b" k-1 ").unwrap().as_str(), "k-1");
        assert!(IdempotencyKey::parse("k".repeat(255).as_bytes()).is_ok());
        for bad in [
            &b""[..],
            b"   ",
            &[b'k'; 256][..],
            b"a b",
            b"caf\xc3\xa9",
            b"\xff",
        ] {
            assert_eq!(
                IdempotencyKey::parse(bad).unwrap_err().field,
                "Idempotency-Key",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_message_cuts_at_sixty_characters_on_a_character_boundary() {
        let long = "é".repeat(70);
        let m = capture_message(&long);
        assert_eq!(m, format!("Captured: {}", "é".repeat(60)));
        assert_eq!(capture_message("Buy milk"), "Captured: Buy milk");
    }

    #[test]
    fn processed_at_is_set_on_leaving_the_inbox_and_cleared_on_return() {
        let t0: DateTime<Utc> = "2026-11-24T08:00:00Z".parse().unwrap();
        let t1: DateTime<Utc> = "2026-11-25T08:00:00Z".parse().unwrap();
        assert_eq!(CaptureStatus::Processed.processed_at(None, t1), Some(t1));
        assert_eq!(CaptureStatus::Archived.processed_at(Some(t0), t1), Some(t0));
        assert_eq!(CaptureStatus::Inbox.processed_at(Some(t0), t1), None);
    }
}
