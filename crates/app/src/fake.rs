//! An in-memory [`ConversionStore`] over the modules' own fakes, with the
//! adapter's order of checks: the capture must be the user's and in the
//! inbox, then the target is stored (by the module's fake, with its rules:
//! the project must exist, one journal entry per period), and only then is
//! the capture marked. A failure at any step leaves the capture unchanged,
//! as the adapter's transaction does. Not safe against concurrent
//! conversions of one capture (the adapter locks the row).

use crate::ConversionStore;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_calendar::fake::InMemoryEvents;
use lifeos_calendar::{Event, EventRepository, NewEvent};
use lifeos_captures::fake::InMemoryCaptures;
use lifeos_captures::{Capture, CaptureId, CaptureRepository, CaptureStatus, TargetKind};
use lifeos_journal::fake::InMemoryEntries;
use lifeos_journal::{Entry, EntryRepository, NewEntry};
use lifeos_kernel::{Conflict, StoreError, UserId};
use lifeos_projects::fake::InMemoryProjects;
use lifeos_projects::{NewTask, ProjectRepository, Task};
use std::sync::Arc;

/// Conversions over the modules' in-memory fakes.
#[derive(Debug, Clone, Default)]
pub struct InMemoryConversions {
    /// The captures (shared with the capture service under test).
    pub captures: Arc<InMemoryCaptures>,
    /// The projects (shared with the project service under test).
    pub projects: Arc<InMemoryProjects>,
    /// The journal (shared with the journal service under test).
    pub entries: Arc<InMemoryEntries>,
    /// The calendar (shared with the calendar service under test).
    pub events: Arc<InMemoryEvents>,
}

impl InMemoryConversions {
    async fn inbox(&self, user: UserId, id: CaptureId) -> Result<(), StoreError> {
        match self.captures.get_capture(user, id).await? {
            None => Err(StoreError::NotFound),
            Some(c) if c.status == CaptureStatus::Inbox => Ok(()),
            Some(_) => Err(StoreError::Conflict(Conflict::CaptureNotInInbox)),
        }
    }

    fn mark(
        &self,
        user: UserId,
        id: CaptureId,
        kind: TargetKind,
        target: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<Capture, StoreError> {
        self.captures
            .mark_converted(user, id, kind, target, now)
            .ok_or(StoreError::NotFound)
    }
}

#[async_trait]
impl ConversionStore for InMemoryConversions {
    async fn convert_to_task(
        &self,
        user: UserId,
        capture: CaptureId,
        task: NewTask,
        now: DateTime<Utc>,
    ) -> Result<(Capture, Task), StoreError> {
        self.inbox(user, capture).await?;
        let task = self.projects.create_task(task).await?;
        let c = self.mark(user, capture, TargetKind::Task, task.id.0, now)?;
        Ok((c, task))
    }

    async fn convert_to_entry(
        &self,
        user: UserId,
        capture: CaptureId,
        entry: NewEntry,
        now: DateTime<Utc>,
    ) -> Result<(Capture, Entry), StoreError> {
        self.inbox(user, capture).await?;
        let entry = self.entries.insert_entry(entry).await?;
        let c = self.mark(user, capture, TargetKind::JournalEntry, entry.id.0, now)?;
        Ok((c, entry))
    }

    async fn convert_to_event(
        &self,
        user: UserId,
        capture: CaptureId,
        event: NewEvent,
        now: DateTime<Utc>,
    ) -> Result<(Capture, Event), StoreError> {
        self.inbox(user, capture).await?;
        let event = self.events.insert_event(event).await?;
        let c = self.mark(user, capture, TargetKind::Event, event.id.0, now)?;
        Ok((c, event))
    }
}
