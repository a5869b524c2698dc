//! Capture use cases.

use crate::model::{
    Capture, CaptureChanges, CaptureId, CaptureStatus, KeyOutcome, NewCapture, capture_message,
};
use crate::ports::CaptureRepository;
use lifeos_kernel::{Clock, FieldError, Page, PageRequest, StoreError, UserId, new_id};
use serde_json::{Value, json};
use std::sync::Arc;

/// How long an idempotency key's first response is replayed.
pub const IDEMPOTENCY_TTL_HOURS: i64 = 24;

/// Errors of the captures module.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// Invalid input.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// No such capture for this user.
    #[error("capture not found")]
    NotFound,
    /// The idempotency key was used with another body.
    #[error("this Idempotency-Key was already used with a different request")]
    KeyReused,
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CaptureError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

/// Capture use cases.
pub struct CaptureService {
    repo: Arc<dyn CaptureRepository>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for CaptureService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureService").finish_non_exhaustive()
    }
}

impl CaptureService {
    /// Wires the service.
    pub fn new(repo: Arc<dyn CaptureRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    fn new_capture(&self, user: UserId, content: String, source: String) -> NewCapture {
        NewCapture {
            id: CaptureId(new_id()),
            user,
            content,
            source,
            now: self.clock.now(),
        }
    }

    /// Captures text (already validated by [`crate::capture_content`]).
    ///
    /// # Errors
    /// Storage errors.
    pub async fn capture(
        &self,
        user: UserId,
        content: String,
        source: String,
    ) -> Result<Capture, CaptureError> {
        Ok(self
            .repo
            .insert_capture(self.new_capture(user, content, source))
            .await?)
    }

    /// The external endpoint: captures and answers the receipt Siri speaks
    /// (`201 {"id","status","message"}`); with an idempotency key, a repeat
    /// answers the first receipt (status and body) and creates nothing.
    ///
    /// # Errors
    /// [`CaptureError::KeyReused`] for a key used with another body.
    pub async fn capture_external(
        &self,
        user: UserId,
        content: String,
        source: String,
        idempotency: Option<(&str, &[u8])>,
    ) -> Result<(u16, Value), CaptureError> {
        let new = self.new_capture(user, content, source);
        let receipt = json!({
            "id": new.id.0,
            "status": CaptureStatus::Inbox.as_str(),
            "message": capture_message(&new.content),
        });
        let Some((key, hash)) = idempotency else {
            self.repo.insert_capture(new).await?;
            return Ok((201, receipt));
        };
        let ttl = chrono::Duration::hours(IDEMPOTENCY_TTL_HOURS);
        match self
            .repo
            .insert_capture_once(new, key, hash, receipt, ttl)
            .await?
        {
            KeyOutcome::Created(body) => Ok((201, body)),
            KeyOutcome::Replayed(status, body) => Ok((u16::try_from(status).unwrap_or(201), body)),
            KeyOutcome::Mismatch => Err(CaptureError::KeyReused),
        }
    }

    /// One capture.
    ///
    /// # Errors
    /// [`CaptureError::NotFound`].
    pub async fn get(&self, user: UserId, id: CaptureId) -> Result<Capture, CaptureError> {
        self.repo
            .get_capture(user, id)
            .await?
            .ok_or(CaptureError::NotFound)
    }

    /// A page of captures, newest first.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn list(
        &self,
        user: UserId,
        status: Option<CaptureStatus>,
        page: PageRequest,
    ) -> Result<Page<Capture>, CaptureError> {
        let (items, total) = self.repo.list_captures(user, status, page).await?;
        Ok(Page::new(items, total, page))
    }

    /// Changes content, source or status.
    ///
    /// # Errors
    /// [`CaptureError::NotFound`].
    pub async fn update(
        &self,
        user: UserId,
        id: CaptureId,
        c: CaptureChanges,
    ) -> Result<Capture, CaptureError> {
        if c.content.is_none() && c.source.is_none() && c.status.is_none() {
            return self.get(user, id).await;
        }
        Ok(self
            .repo
            .update_capture(user, id, c, self.clock.now())
            .await?)
    }

    /// Deletes a capture.
    ///
    /// # Errors
    /// [`CaptureError::NotFound`].
    pub async fn delete(&self, user: UserId, id: CaptureId) -> Result<(), CaptureError> {
        if self.repo.delete_capture(user, id).await? {
            Ok(())
        } else {
            Err(CaptureError::NotFound)
        }
    }

    /// The clock's now.
    #[must_use]
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::InMemoryCaptures;
    use lifeos_kernel::FixedClock;

    fn svc() -> CaptureService {
        CaptureService::new(
            Arc::new(InMemoryCaptures::default()),
            Arc::new(FixedClock::new("2026-11-24T08:00:00Z".parse().unwrap())),
        )
    }

    const U: UserId = UserId(uuid::Uuid::nil());

    #[tokio::test]
    async fn a_repeated_key_replays_the_first_receipt_and_creates_nothing() {
        let s = svc();
        let (st, first) = s
            .capture_external(U, "Buy milk".into(), "api".into(), Some(("k1", b"h1")))
            .await
            .unwrap();
        assert_eq!(st, 201);
        assert_eq!(first["message"], "Captured: Buy milk");
        let (st, again) = s
            .capture_external(U, "Buy milk".into(), "api".into(), Some(("k1", b"h1")))
            .await
            .unwrap();
        assert_eq!((st, &again), (201, &first));
        assert!(matches!(
            s.capture_external(U, "Other".into(), "api".into(), Some(("k1", b"h2")))
                .await,
            Err(CaptureError::KeyReused)
        ));
        assert_eq!(
            s.list(U, None, PageRequest::default()).await.unwrap().total,
            1
        );
    }

    #[tokio::test]
    async fn keys_are_scoped_to_the_user() {
        let s = svc();
        let other = UserId(uuid::Uuid::from_u128(7));
        s.capture_external(U, "a".into(), "api".into(), Some(("k", b"h")))
            .await
            .unwrap();
        s.capture_external(other, "b".into(), "api".into(), Some(("k", b"x")))
            .await
            .unwrap();
        assert_eq!(
            s.list(other, None, PageRequest::default())
                .await
                .unwrap()
                .total,
            1
        );
    }

    #[tokio::test]
    async fn status_changes_maintain_processed_at() {
        let s = svc();
        let c = s.capture(U, "x".into(), "web".into()).await.unwrap();
        let done = s
            .update(
                U,
                c.id,
                CaptureChanges {
                    status: Some(CaptureStatus::Archived),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(done.processed_at.is_some());
        let back = s
            .update(
                U,
                c.id,
                CaptureChanges {
                    status: Some(CaptureStatus::Inbox),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(back.processed_at.is_none());
    }
}
