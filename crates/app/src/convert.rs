//! `ConvertCapture`: turn an inbox capture into a task or a journal entry
//! (API.md section 6). The target is built by its own module's service
//! (`ProjectService::new_task`, `JournalService::new_entry`), so it obeys the
//! same rules as one created directly; then one [`ConversionStore`] call
//! creates it and marks the capture processed in one transaction. If the
//! target cannot be created, the capture is unchanged.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_calendar::{
    CalendarError, CalendarService, Event, EventDescription, EventDraft, EventTitle, Location,
    NewEvent, Span, When,
};
use lifeos_captures::{Capture, CaptureError, CaptureId, CaptureService, CaptureStatus};
use lifeos_journal::{Entry, EntryKind, JournalError, JournalService, NewEntry};
use lifeos_kernel::{
    Clock, Color, Conflict, FieldError, StoreError, TimePrefs, Uniqueness, UserId, char_len,
};
use lifeos_projects::{
    Description, NewTask, Priority, ProjectId, ProjectService, Task, TaskDraft, TaskStatus,
    TaskTitle,
};
use serde_json::{Value, json};
use std::sync::Arc;

/// The atomic half of a conversion, implemented by the adapter.
#[async_trait]
pub trait ConversionStore: Send + Sync {
    /// Locks the capture, checks it is still in the inbox, stores `task`
    /// (appended last in its project) and marks the capture processed at
    /// `now`, converted to the task — in one transaction.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the capture or the project is not the
    /// user's; [`StoreError::Conflict`] with [`Conflict::CaptureNotInInbox`]
    /// when the capture has left the inbox. Nothing changes on any error.
    async fn convert_to_task(
        &self,
        user: UserId,
        capture: CaptureId,
        task: NewTask,
        now: DateTime<Utc>,
    ) -> Result<(Capture, Task), StoreError>;

    /// As [`Self::convert_to_task`], storing a journal entry.
    ///
    /// # Errors
    /// As [`Self::convert_to_task`], and [`StoreError::Duplicate`] with
    /// [`Uniqueness::JournalEntryPerPeriod`] when the day (week) has one.
    async fn convert_to_entry(
        &self,
        user: UserId,
        capture: CaptureId,
        entry: NewEntry,
        now: DateTime<Utc>,
    ) -> Result<(Capture, Entry), StoreError>;

    /// As [`Self::convert_to_task`], storing a calendar event.
    ///
    /// # Errors
    /// As [`Self::convert_to_task`] (there is no project to miss).
    async fn convert_to_event(
        &self,
        user: UserId,
        capture: CaptureId,
        event: NewEvent,
        now: DateTime<Utc>,
    ) -> Result<(Capture, Event), StoreError>;
}

/// A task to make of a capture; `title` defaults to the capture's text.
#[derive(Debug, Clone)]
pub struct TaskTarget {
    /// The project it goes into (appended last).
    pub project: ProjectId,
    /// Title (default: the capture's first 500 characters).
    pub title: Option<TaskTitle>,
    /// Description (default: the whole capture when it is longer than a title).
    pub description: Option<Description>,
    /// Status (default `todo`).
    pub status: Option<TaskStatus>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
}

/// A journal entry to make of a capture.
#[derive(Debug, Clone, Default)]
pub struct EntryTarget {
    /// Kind (default `morning_pages`).
    pub kind: Option<EntryKind>,
    /// Date (default today in the user's time zone).
    pub entry_date: Option<NaiveDate>,
    /// Content (default `{"body": <capture text>}`).
    pub content: Option<Value>,
}

/// A calendar event to make of a capture: the event's own draft, whose
/// title defaults to the capture's text (cut as for tasks).
#[derive(Debug, Clone)]
pub struct EventTarget {
    /// Title (default: the capture's first 500 characters).
    pub title: Option<EventTitle>,
    /// Everything else, as for `POST /calendar/events` (the span's end
    /// already defaulted: one hour, or one day when all-day).
    pub draft: EventFields,
}

/// The fields of an event besides its title.
#[derive(Debug, Clone)]
pub struct EventFields {
    /// Description.
    pub description: Option<EventDescription>,
    /// Location.
    pub location: Option<Location>,
    /// Start and end.
    pub span: Span,
    /// Zone (default: the user's).
    pub timezone: Option<chrono_tz::Tz>,
    /// RRULE.
    pub rrule: Option<String>,
    /// Exdates.
    pub exdates: Vec<When>,
    /// Color.
    pub color: Option<Color>,
}

/// What to convert a capture into.
#[derive(Debug, Clone)]
pub enum Target {
    /// A task.
    Task(TaskTarget),
    /// A journal entry.
    JournalEntry(EntryTarget),
    /// A calendar event.
    Event(EventTarget),
}

/// A converted capture and what it became.
#[derive(Debug, Clone)]
pub enum Converted {
    /// Became a task.
    Task {
        /// The capture, now processed.
        capture: Capture,
        /// The new task.
        task: Task,
    },
    /// Became a journal entry.
    JournalEntry {
        /// The capture, now processed.
        capture: Capture,
        /// The new entry.
        entry: Entry,
    },
    /// Became a calendar event.
    Event {
        /// The capture, now processed.
        capture: Capture,
        /// The new event.
        event: Event,
    },
}

/// Why a conversion did not happen (the capture is unchanged).
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// The target breaks its module's rules.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// The capture, or the target's project, is not the user's.
    #[error("not found")]
    NotFound,
    /// The capture has already left the inbox.
    #[error("the capture is not in the inbox")]
    NotInInbox,
    /// The journal already has an entry of that kind for that day (week).
    #[error("the journal already has that entry")]
    DuplicateEntry,
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ConvertError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(Conflict::CaptureNotInInbox) => Self::NotInInbox,
            StoreError::Duplicate(Uniqueness::JournalEntryPerPeriod) => Self::DuplicateEntry,
            other => Self::Store(other),
        }
    }
}

impl From<CaptureError> for ConvertError {
    fn from(e: CaptureError) -> Self {
        match e {
            CaptureError::Invalid(f) => Self::Invalid(f),
            CaptureError::NotFound => Self::NotFound,
            CaptureError::KeyReused => Self::Store(StoreError::internal("unexpected key reuse")),
            CaptureError::Store(s) => s.into(),
        }
    }
}

impl From<CalendarError> for ConvertError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::Invalid(f) => Self::Invalid(f),
            CalendarError::NotFound => Self::NotFound,
            CalendarError::Store(s) => s.into(),
        }
    }
}

impl From<JournalError> for ConvertError {
    fn from(e: JournalError) -> Self {
        match e {
            JournalError::Invalid(f) => Self::Invalid(f),
            JournalError::NotFound => Self::NotFound,
            JournalError::Duplicate { .. } => Self::DuplicateEntry,
            JournalError::Store(s) => s.into(),
        }
    }
}

/// The capture conversion use case.
pub struct ConvertCapture {
    captures: Arc<CaptureService>,
    projects: Arc<ProjectService>,
    journal: Arc<JournalService>,
    calendar: Arc<CalendarService>,
    store: Arc<dyn ConversionStore>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for ConvertCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConvertCapture").finish_non_exhaustive()
    }
}

impl ConvertCapture {
    /// Wires the use case.
    pub fn new(
        captures: Arc<CaptureService>,
        projects: Arc<ProjectService>,
        journal: Arc<JournalService>,
        calendar: Arc<CalendarService>,
        store: Arc<dyn ConversionStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            captures,
            projects,
            journal,
            calendar,
            store,
            clock,
        }
    }

    /// Converts the user's inbox capture `id` into `target`.
    ///
    /// # Errors
    /// [`ConvertError::NotFound`] (capture or project), [`ConvertError::NotInInbox`],
    /// [`ConvertError::Invalid`] (the target's own rules),
    /// [`ConvertError::DuplicateEntry`]; the capture is unchanged on each.
    pub async fn run(
        &self,
        user: UserId,
        prefs: TimePrefs,
        id: CaptureId,
        target: Target,
    ) -> Result<Converted, ConvertError> {
        let capture = self.captures.get(user, id).await?;
        if capture.status != CaptureStatus::Inbox {
            return Err(ConvertError::NotInInbox);
        }
        let text = capture.content;
        match target {
            Target::Task(t) => {
                let draft = task_draft(&text, t)?;
                let task = self.projects.new_task(user, draft.0, draft.1);
                let (capture, task) = self
                    .store
                    .convert_to_task(user, id, task, self.clock.now())
                    .await?;
                Ok(Converted::Task { capture, task })
            }
            Target::JournalEntry(e) => {
                let kind = e.kind.unwrap_or(EntryKind::MorningPages);
                let content = e.content.unwrap_or_else(|| json!({ "body": text }));
                let entry = self
                    .journal
                    .new_entry(user, prefs, kind, e.entry_date, content)?;
                let (capture, entry) = self
                    .store
                    .convert_to_entry(user, id, entry, self.clock.now())
                    .await?;
                Ok(Converted::JournalEntry { capture, entry })
            }
            Target::Event(e) => {
                let title = match e.title {
                    Some(t) => t,
                    None => EventTitle::from_text(&text)?,
                };
                let f = e.draft;
                let draft = EventDraft {
                    title,
                    description: f.description,
                    location: f.location,
                    span: f.span,
                    timezone: f.timezone,
                    rrule: f.rrule,
                    exdates: f.exdates,
                    color: f.color,
                };
                let event = self.calendar.new_event(user, prefs, draft)?;
                let (capture, event) = self
                    .store
                    .convert_to_event(user, id, event, self.clock.now())
                    .await?;
                Ok(Converted::Event { capture, event })
            }
        }
    }
}

/// The task draft for `text`: the given title or the text's first
/// [`TaskTitle::MAX`] characters; when the text is longer than a title and
/// no description is given, the whole text becomes the description.
fn task_draft(text: &str, t: TaskTarget) -> Result<(ProjectId, TaskDraft), FieldError> {
    let title = match t.title {
        Some(title) => title,
        None => TaskTitle::from_text(text)?,
    };
    let description = match t.description {
        Some(d) => Some(d),
        None if char_len(text) > TaskTitle::MAX => Some(Description::parse(text)?),
        None => None,
    };
    Ok((
        t.project,
        TaskDraft {
            title,
            description,
            status: t.status,
            priority: t.priority,
            due_date: t.due_date,
        },
    ))
}

#[cfg(test)]
mod tests;
