//! Capture use cases.

use crate::model::{
    Capture, CaptureChanges, CaptureContent, CaptureId, CaptureSource, CaptureStatus,
    ExternalCapture, KeyOutcome, NewCapture, Receipt, capture_message,
};
use crate::ports::CaptureRepository;
use lifeos_kernel::{Caller, Clock, FieldError, Page, PageRequest, StoreError, UserId, new_id};
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

    fn new_capture(
        &self,
        user: UserId,
        content: CaptureContent,
        source: CaptureSource,
    ) -> NewCapture {
        NewCapture {
            id: CaptureId(new_id()),
            user,
            content: content.into_string(),
            source: source.into_string(),
            now: self.clock.now(),
        }
    }

    /// Captures text typed in the browser (source `web` unless given).
    ///
    /// # Errors
    /// Storage errors.
    pub async fn capture(
        &self,
        user: UserId,
        content: CaptureContent,
        source: Option<CaptureSource>,
    ) -> Result<Capture, CaptureError> {
        let new = self.new_capture(user, content, source.unwrap_or_else(CaptureSource::web));
        Ok(self.repo.insert_capture(new).await?)
    }

    /// The external endpoint (source `api` unless given): captures and
    /// answers the receipt Siri speaks; with an idempotency key (and the
    /// hash of the request it came with), a repeat within
    /// [`IDEMPOTENCY_TTL_HOURS`] answers the first receipt and creates nothing.
    ///
    /// # Errors
    /// [`CaptureError::KeyReused`] for a key used with another body.
    pub async fn capture_external(
        &self,
        user: UserId,
        content: CaptureContent,
        source: Option<CaptureSource>,
        idempotency: Option<(&str, &[u8])>,
    ) -> Result<ExternalCapture, CaptureError> {
        let new = self.new_capture(user, content, source.unwrap_or_else(CaptureSource::api));
        let receipt = Receipt {
            capture: new.id,
            message: capture_message(&new.content),
        };
        let Some((key, hash)) = idempotency else {
            self.repo.insert_capture(new).await?;
            return Ok(ExternalCapture::Created(receipt));
        };
        let ttl = chrono::Duration::hours(IDEMPOTENCY_TTL_HOURS);
        match self
            .repo
            .insert_capture_once(new, key, hash, &receipt, ttl)
            .await?
        {
            KeyOutcome::Created => Ok(ExternalCapture::Created(receipt)),
            KeyOutcome::Replayed(first) => Ok(ExternalCapture::Replayed(first)),
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
        caller: impl Into<Caller>,
        status: Option<CaptureStatus>,
        page: PageRequest,
    ) -> Result<Page<Capture>, CaptureError> {
        let (items, total) = self.repo.list_captures(caller.into(), status, page).await?;
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

    fn text(s: &str) -> CaptureContent {
        CaptureContent::parse(s).unwrap()
    }

    #[tokio::test]
    async fn a_repeated_key_replays_the_first_receipt_and_creates_nothing() {
        let s = svc();
        let first = s
            .capture_external(U, text("Buy milk"), None, Some(("k1", b"h1")))
            .await
            .unwrap();
        let ExternalCapture::Created(receipt) = &first else {
            panic!("first use creates: {first:?}")
        };
        assert_eq!(receipt.message, "Captured: Buy milk");
        let again = s
            .capture_external(U, text("Buy milk"), None, Some(("k1", b"h1")))
            .await
            .unwrap();
        assert_eq!(again, ExternalCapture::Replayed(receipt.clone()));
        assert!(matches!(
            s.capture_external(U, text("Other"), None, Some(("k1", b"h2")))
                .await,
            Err(CaptureError::KeyReused)
        ));
        let page = s.list(U, None, PageRequest::default()).await.unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0].id, receipt.capture);
        assert_eq!(page.items[0].source, "api");
    }

    #[tokio::test]
    async fn without_a_key_every_request_creates_a_capture() {
        let s = svc();
        for _ in 0..2 {
            let r = s.capture_external(U, text("a"), None, None).await.unwrap();
            assert!(matches!(r, ExternalCapture::Created(_)));
        }
        assert_eq!(
            s.list(U, None, PageRequest::default()).await.unwrap().total,
            2
        );
    }

    #[tokio::test]
    async fn sources_default_by_endpoint_and_can_be_given() {
        let s = svc();
        let web = s.capture(U, text("a"), None).await.unwrap();
        assert_eq!(web.source, "web");
        let siri = s
            .capture(U, text("b"), Some(CaptureSource::parse("siri").unwrap()))
            .await
            .unwrap();
        assert_eq!(siri.source, "siri");
        assert_eq!(siri.status, CaptureStatus::Inbox);
        assert_eq!(
            siri.created_at,
            "2026-11-24T08:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
        );
    }

    #[tokio::test]
    async fn keys_are_scoped_to_the_user() {
        let s = svc();
        let other = UserId(uuid::Uuid::from_u128(7));
        s.capture_external(U, text("a"), None, Some(("k", b"h")))
            .await
            .unwrap();
        let theirs = s
            .capture_external(other, text("b"), None, Some(("k", b"x")))
            .await
            .unwrap();
        assert!(matches!(theirs, ExternalCapture::Created(_)));
        assert_eq!(
            s.list(other, None, PageRequest::default())
                .await
                .unwrap()
                .total,
            1
        );
    }

    #[tokio::test]
    async fn missing_captures_are_not_found_everywhere() {
        let s = svc();
        let c = s.capture(U, text("x"), None).await.unwrap();
        let other = UserId(uuid::Uuid::from_u128(7));
        assert!(matches!(
            s.get(other, c.id).await,
            Err(CaptureError::NotFound)
        ));
        assert!(matches!(
            s.delete(other, c.id).await,
            Err(CaptureError::NotFound)
        ));
        s.delete(U, c.id).await.unwrap();
        assert!(matches!(
            s.delete(U, c.id).await,
            Err(CaptureError::NotFound)
        ));
        assert!(matches!(
            s.update(
                U,
                c.id,
                CaptureChanges {
                    content: Some(text("y")),
                    ..Default::default()
                }
            )
            .await,
            Err(CaptureError::NotFound)
        ));
    }

    #[tokio::test]
    async fn status_changes_maintain_processed_at() {
        let s = svc();
        let c = s.capture(U, text("x"), None).await.unwrap();
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
