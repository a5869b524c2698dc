//! An in-memory capture repository with the same key rules as the database.

use crate::model::{
    Capture, CaptureChanges, CaptureId, CaptureStatus, KeyOutcome, NewCapture, Receipt, TargetKind,
};
use crate::ports::CaptureRepository;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{Caller, PageRequest, StoreError, UserId};
use std::collections::HashMap;
use std::sync::Mutex;

/// A kept first receipt: request hash, receipt, time.
type StoredReceipt = (Vec<u8>, Receipt, DateTime<Utc>);

#[derive(Debug, Default)]
struct State {
    rows: Vec<(UserId, Capture)>,
    keys: HashMap<(UserId, String), StoredReceipt>,
}

/// Captures in memory.
#[derive(Debug, Default)]
pub struct InMemoryCaptures(Mutex<State>);

impl InMemoryCaptures {
    /// What the adapter's conversion does to the capture once its target
    /// exists: processed now, converted to `kind`/`target`. `None` when the
    /// capture is not the user's.
    pub fn mark_converted(
        &self,
        user: UserId,
        id: CaptureId,
        kind: TargetKind,
        target: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Option<Capture> {
        let mut s = self.state();
        let (_, c) = s.rows.iter_mut().find(|(u, c)| *u == user && c.id == id)?;
        c.status = CaptureStatus::Processed;
        c.processed_at = Some(now);
        c.converted_to = Some((kind, target));
        Some(c.clone())
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn capture(c: NewCapture) -> Capture {
    Capture {
        id: c.id,
        content: c.content,
        source: c.source,
        status: CaptureStatus::Inbox,
        converted_to: None,
        created_at: c.now,
        processed_at: None,
    }
}

#[async_trait]
impl CaptureRepository for InMemoryCaptures {
    async fn insert_capture(&self, c: NewCapture) -> Result<Capture, StoreError> {
        let user = c.user;
        let cap = capture(c);
        self.state().rows.push((user, cap.clone()));
        Ok(cap)
    }

    async fn insert_capture_once(
        &self,
        c: NewCapture,
        key: &str,
        request_hash: &[u8],
        receipt: &Receipt,
        ttl: chrono::Duration,
    ) -> Result<KeyOutcome, StoreError> {
        let mut s = self.state();
        let k = (c.user, key.to_string());
        if let Some((hash, first, at)) = s.keys.get(&k)
            && *at > c.now - ttl
        {
            return Ok(if hash == request_hash {
                KeyOutcome::Replayed(first.clone())
            } else {
                KeyOutcome::Mismatch
            });
        }
        s.keys
            .insert(k, (request_hash.to_vec(), receipt.clone(), c.now));
        let user = c.user;
        s.rows.push((user, capture(c)));
        Ok(KeyOutcome::Created)
    }

    async fn get_capture(
        &self,
        user: UserId,
        id: CaptureId,
    ) -> Result<Option<Capture>, StoreError> {
        Ok(self
            .state()
            .rows
            .iter()
            .find(|(u, c)| *u == user && c.id == id)
            .map(|(_, c)| c.clone()))
    }

    async fn list_captures(
        &self,
        caller: Caller,
        status: Option<CaptureStatus>,
        page: PageRequest,
    ) -> Result<(Vec<Capture>, i64), StoreError> {
        // The caller's standing is the adapter's to check (it has the
        // users); here every caller stands.
        let user = caller.user;
        let mut all: Vec<Capture> = self
            .state()
            .rows
            .iter()
            .filter(|(u, c)| *u == user && status.is_none_or(|s| c.status == s))
            .map(|(_, c)| c.clone())
            .collect();
        all.sort_by_key(|c| std::cmp::Reverse(c.created_at));
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let items = all
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(0))
            .take(usize::try_from(page.limit()).unwrap_or(0))
            .collect();
        Ok((items, total))
    }

    async fn update_capture(
        &self,
        user: UserId,
        id: CaptureId,
        ch: CaptureChanges,
        now: DateTime<Utc>,
    ) -> Result<Capture, StoreError> {
        let mut s = self.state();
        let (_, c) = s
            .rows
            .iter_mut()
            .find(|(u, c)| *u == user && c.id == id)
            .ok_or(StoreError::NotFound)?;
        if let Some(t) = ch.content {
            c.content = t.into_string();
        }
        if let Some(t) = ch.source {
            c.source = t.into_string();
        }
        if let Some(st) = ch.status {
            c.processed_at = st.processed_at(c.processed_at, now);
            c.status = st;
        }
        Ok(c.clone())
    }

    async fn delete_capture(&self, user: UserId, id: CaptureId) -> Result<bool, StoreError> {
        let mut s = self.state();
        let before = s.rows.len();
        s.rows.retain(|(u, c)| !(*u == user && c.id == id));
        Ok(s.rows.len() < before)
    }
}
