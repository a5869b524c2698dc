//! The persistence port of the captures module.

use crate::model::{
    Capture, CaptureChanges, CaptureId, CaptureStatus, KeyOutcome, NewCapture, Receipt,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{Caller, PageRequest, StoreError, UserId};

/// Captures of users and the idempotency keys of the external endpoint.
#[async_trait]
pub trait CaptureRepository: Send + Sync {
    /// Stores a capture.
    ///
    /// # Errors
    /// Storage errors.
    async fn insert_capture(&self, c: NewCapture) -> Result<Capture, StoreError>;

    /// Stores a capture under an idempotency key, in one transaction: the
    /// first use creates it and keeps `receipt`; a repeat with the same
    /// `request_hash` within `ttl` returns the kept receipt and creates
    /// nothing; a different hash is a mismatch. Concurrent repeats wait for
    /// the first. Expired keys of the user are purged.
    ///
    /// # Errors
    /// Storage errors.
    async fn insert_capture_once(
        &self,
        c: NewCapture,
        key: &str,
        request_hash: &[u8],
        receipt: &Receipt,
        ttl: chrono::Duration,
    ) -> Result<KeyOutcome, StoreError>;

    /// One capture of the user.
    ///
    /// # Errors
    /// Storage errors.
    async fn get_capture(&self, user: UserId, id: CaptureId)
    -> Result<Option<Capture>, StoreError>;

    /// A page of the caller's captures, newest first, and the total.
    ///
    /// # Errors
    /// [`StoreError::SessionEnded`] for a caller whose token no longer
    /// speaks for them (see [`Caller`]); storage errors.
    async fn list_captures(
        &self,
        caller: Caller,
        status: Option<CaptureStatus>,
        page: PageRequest,
    ) -> Result<(Vec<Capture>, i64), StoreError>;

    /// Changes a capture (applying the `processed_at` rule).
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    async fn update_capture(
        &self,
        user: UserId,
        id: CaptureId,
        c: CaptureChanges,
        now: DateTime<Utc>,
    ) -> Result<Capture, StoreError>;

    /// Deletes a capture.
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_capture(&self, user: UserId, id: CaptureId) -> Result<bool, StoreError>;
}
