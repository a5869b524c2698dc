//! Export and import of a whole account (API.md section 9): a use case of
//! the application layer, since it reads and writes every module.
//!
//! - **Export** streams the [`Document`] from a consistent snapshot, batch
//!   by batch: [`ExportReader`] opens the snapshot, [`ExportStream`] turns
//!   its batches into the JSON text, so memory holds one batch, never the
//!   account.
//! - **Import** checks the whole document by the modules' rules
//!   ([`check`]), then [`ImportStore::restore`] runs, in one transaction,
//!   the pure [`plan`] over facts read in that transaction and writes what
//!   it decided.

mod check;
mod doc;
mod plan;
#[cfg(test)]
mod tests;

pub use check::{Checked, CheckedEvent, check};
pub use doc::{
    ApiKeyDoc, CaptureDoc, Document, EventDoc, ExerciseDoc, JournalDoc, LogDoc, NoteDoc,
    OverrideDoc, ProgramDoc, ProgramItemDoc, ProjectDoc, TargetDoc, TaskDoc, UserDoc, WorkoutDoc,
};
pub use plan::{Facts, Holder, Kind, Report, Restore, RestoredEntry, Wanted, plan, wanted};

use async_trait::async_trait;
use lifeos_kernel::{Clock, FieldError, StoreError, UserId, new_id};
use serde::Serialize;
use std::sync::Arc;

/// The format version this server writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// One batch of a section, in the document's order.
#[derive(Debug, Clone)]
pub enum Batch {
    /// Journal entries.
    Journal(Vec<JournalDoc>),
    /// Exercises.
    Exercises(Vec<ExerciseDoc>),
    /// Programs.
    Programs(Vec<ProgramDoc>),
    /// Workouts.
    Workouts(Vec<WorkoutDoc>),
    /// Projects.
    Projects(Vec<ProjectDoc>),
    /// Captures.
    Captures(Vec<CaptureDoc>),
    /// Events.
    Events(Vec<EventDoc>),
    /// API keys.
    ApiKeys(Vec<ApiKeyDoc>),
}

/// The document's sections, in order.
pub const SECTIONS: [&str; 8] = [
    "journal",
    "exercises",
    "programs",
    "workouts",
    "projects",
    "captures",
    "events",
    "api_keys",
];

impl Batch {
    /// Its section's index in [`SECTIONS`].
    #[must_use]
    pub fn section(&self) -> usize {
        match self {
            Self::Journal(_) => 0,
            Self::Exercises(_) => 1,
            Self::Programs(_) => 2,
            Self::Workouts(_) => 3,
            Self::Projects(_) => 4,
            Self::Captures(_) => 5,
            Self::Events(_) => 6,
            Self::ApiKeys(_) => 7,
        }
    }

    fn write_items(&self, out: &mut Vec<u8>, first: &mut bool) -> Result<(), serde_json::Error> {
        fn items<T: Serialize>(
            v: &[T],
            out: &mut Vec<u8>,
            first: &mut bool,
        ) -> Result<(), serde_json::Error> {
            for item in v {
                if !*first {
                    out.push(b',');
                }
                *first = false;
                serde_json::to_writer(&mut *out, item)?;
            }
            Ok(())
        }
        match self {
            Self::Journal(v) => items(v, out, first),
            Self::Exercises(v) => items(v, out, first),
            Self::Programs(v) => items(v, out, first),
            Self::Workouts(v) => items(v, out, first),
            Self::Projects(v) => items(v, out, first),
            Self::Captures(v) => items(v, out, first),
            Self::Events(v) => items(v, out, first),
            Self::ApiKeys(v) => items(v, out, first),
        }
    }
}

/// Opens a consistent, read-only snapshot of one account.
#[async_trait]
pub trait ExportReader: Send + Sync {
    /// Opens the snapshot.
    ///
    /// # Errors
    /// Storage errors; [`StoreError::NotFound`] for an unknown user.
    async fn open(&self, user: UserId) -> Result<Box<dyn ExportSnapshot>, StoreError>;
}

/// An open snapshot, read batch by batch.
#[async_trait]
pub trait ExportSnapshot: Send {
    /// The account and its settings.
    ///
    /// # Errors
    /// Storage errors.
    async fn user(&mut self) -> Result<UserDoc, StoreError>;

    /// The next batch, sections in [`SECTIONS`] order, never empty; `None`
    /// once everything is read (the snapshot is then closed).
    ///
    /// # Errors
    /// Storage errors.
    async fn next_batch(&mut self) -> Result<Option<Batch>, StoreError>;
}

/// The export use case.
pub struct Export {
    reader: Arc<dyn ExportReader>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export").finish_non_exhaustive()
    }
}

fn serialization(e: &serde_json::Error) -> StoreError {
    StoreError::internal(format!("writing the export: {e}"))
}

impl Export {
    /// Wires the use case.
    pub fn new(reader: Arc<dyn ExportReader>, clock: Arc<dyn Clock>) -> Self {
        Self { reader, clock }
    }

    /// Opens the snapshot and answers the stream of the document's text.
    ///
    /// # Errors
    /// Storage errors while opening.
    pub async fn start(&self, user: UserId) -> Result<ExportStream, StoreError> {
        let mut snapshot = self.reader.open(user).await?;
        let account = snapshot.user().await?;
        let exported_at = self.clock.now();
        let mut head =
            format!(r#"{{"format_version":{FORMAT_VERSION},"exported_at":"#).into_bytes();
        serde_json::to_writer(&mut head, &exported_at).map_err(|e| serialization(&e))?;
        head.extend_from_slice(br#","user":"#);
        serde_json::to_writer(&mut head, &account).map_err(|e| serialization(&e))?;
        Ok(ExportStream {
            snapshot,
            pending: Some(head),
            opened: 0,
            first: true,
            done: false,
        })
    }

    /// The day the export is written, for its file name.
    #[must_use]
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.now().date_naive()
    }
}

/// The document's text, piece by piece.
pub struct ExportStream {
    snapshot: Box<dyn ExportSnapshot>,
    pending: Option<Vec<u8>>,
    /// How many section headers are written (the last one is open).
    opened: usize,
    first: bool,
    done: bool,
}

impl std::fmt::Debug for ExportStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportStream")
            .field("opened", &self.opened)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl ExportStream {
    /// Writes section headers up to and including `section`, closing the
    /// open one.
    fn open_through(&mut self, out: &mut Vec<u8>, section: usize) {
        while self.opened <= section {
            if self.opened > 0 {
                out.push(b']');
            }
            out.extend_from_slice(format!(r#","{}":["#, SECTIONS[self.opened]).as_bytes());
            self.opened += 1;
            self.first = true;
        }
    }

    /// The next piece of text; `None` after the last.
    ///
    /// # Errors
    /// Storage errors (the text is then incomplete: the download fails).
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(head) = self.pending.take() {
            return Ok(Some(head));
        }
        if self.done {
            return Ok(None);
        }
        let mut out = Vec::new();
        match self.snapshot.next_batch().await? {
            Some(batch) => {
                self.open_through(&mut out, batch.section());
                batch
                    .write_items(&mut out, &mut self.first)
                    .map_err(|e| serialization(&e))?;
            }
            None => {
                self.open_through(&mut out, SECTIONS.len() - 1);
                out.extend_from_slice(b"]}");
                self.done = true;
            }
        }
        Ok(Some(out))
    }
}

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The document breaks a rule (nothing was written).
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Storage failed (nothing was written).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Decides the import from the facts (see [`plan`]).
pub type Planner = Box<dyn FnOnce(&Facts) -> Result<Restore, FieldError> + Send>;

/// Writes an import, all or nothing.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// In one transaction (imports of one account one at a time): reads
    /// the facts `wanted` names, asks `planner`, writes the [`Restore`]
    /// and rebuilds what derives from it (journal streaks); answers its
    /// report. Nothing is written when the planner or a write fails.
    ///
    /// # Errors
    /// [`ImportError::Invalid`] from the planner; storage errors.
    async fn restore(
        &self,
        user: UserId,
        wanted: Wanted,
        planner: Planner,
    ) -> Result<Report, ImportError>;
}

/// The import use case.
pub struct Import {
    store: Arc<dyn ImportStore>,
}

impl std::fmt::Debug for Import {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Import").finish_non_exhaustive()
    }
}

impl Import {
    /// Wires the use case.
    pub fn new(store: Arc<dyn ImportStore>) -> Self {
        Self { store }
    }

    /// Restores a checked document (see [`check`], which is CPU work for
    /// a worker that may block) in one transaction.
    ///
    /// # Errors
    /// [`ImportError::Invalid`] for a reference that lands nowhere; storage
    /// errors. Either way nothing is written.
    pub async fn run(&self, user: UserId, checked: Checked) -> Result<Report, ImportError> {
        let wanted = wanted(&checked);
        let planner: Planner = Box::new(move |facts| plan(checked, facts, &mut new_id));
        self.store.restore(user, wanted, planner).await
    }
}
