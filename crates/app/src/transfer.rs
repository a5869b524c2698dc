//! Export and import of a whole account (API.md section 9): a use case of
//! the application layer, since it reads and writes every module.
//!
//! - **Export** streams the [`Document`] from a consistent snapshot, batch
//!   by batch: [`ExportReader`] opens the snapshot, [`ExportStream`] turns
//!   its batches into the JSON text, so memory holds one batch, never the
//!   account.
//! - **Import** reads the document from a [`DocumentSource`] twice, batch
//!   by batch, so memory holds a batch, never the document: first
//!   [`examine`] checks every item by the modules' rules ([`Checker`]) and
//!   learns which ids it names ([`Survey`]); then [`Import::run`] has
//!   [`ImportStore::restore`] read the facts about those ids in one
//!   transaction and, in it, plans each batch again read ([`Planning`],
//!   pure) and writes it, all or nothing.

mod check;
mod doc;
mod plan;
#[cfg(test)]
mod tests;

#[cfg(test)]
pub use check::{Checked, check};
pub use check::{CheckedEvent, Checker, version};
pub use doc::{
    ApiKeyDoc, CaptureDoc, Document, EventDoc, ExerciseDoc, JournalDoc, LogDoc, NoteDoc,
    OverrideDoc, ProgramDoc, ProgramItemDoc, ProjectDoc, TargetDoc, TaskDoc, UserDoc, WorkoutDoc,
};
pub use plan::{
    Facts, Holder, Kind, Planning, ProjectsTasksNotes, Report, Restore, RestoredEntry,
    SessionsAndSets, Survey, Wanted,
};
#[cfg(test)]
pub use plan::{plan, survey, wanted};

use async_trait::async_trait;
use lifeos_kernel::{Clock, FieldError, StoreError, UserId, new_id};
use serde::Serialize;
use std::sync::Arc;
use uuid::Uuid;

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
    /// The document is not JSON of the export's shape, and the error names
    /// no field (nothing was written).
    #[error("{0}")]
    Malformed(String),
    /// Storage failed (nothing was written).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a [`DocumentSource`] reads.
#[derive(Debug)]
pub enum Part {
    /// The document's `format_version`.
    Version(u32),
    /// A section begins (its index in [`SECTIONS`]), whether or not its
    /// batches are wanted.
    Section(usize),
    /// A batch of a wanted section, in the document's order.
    Batch(Batch),
}

/// An import document, read from its start as often as the import needs
/// (twice), a batch at a time. Reading is blocking work (a file, a
/// parser): call it where a worker may block.
pub trait DocumentSource: Send {
    /// Reads the document from its start, telling `visit` its version, each
    /// section as it begins, and the batches of the sections `wanted`
    /// accepts (the others are read past, not built).
    ///
    /// # Errors
    /// [`ImportError::Invalid`] or [`ImportError::Malformed`] for a
    /// document that is not of the export's shape; storage errors while
    /// reading it; whatever `visit` answers.
    fn scan(
        &mut self,
        wanted: &dyn Fn(usize) -> bool,
        visit: &mut dyn FnMut(Part) -> Result<(), ImportError>,
    ) -> Result<(), ImportError>;
}

/// The first reading of an import: checks every item by its module's
/// rules (the first broken one is answered with its path) and surveys the
/// ids the document names. Blocking work.
///
/// # Errors
/// The first broken rule; an unreadable document.
pub fn examine(source: &mut dyn DocumentSource) -> Result<Survey, ImportError> {
    let mut checker = Checker::default();
    let mut survey = Survey::default();
    source.scan(&|_| true, &mut |part| {
        match part {
            Part::Version(v) => version(v)?,
            Part::Section(s) => survey.section(s),
            Part::Batch(mut b) => {
                check_batch(&mut checker, &mut b)?;
                survey.add(&b);
            }
        }
        Ok(())
    })?;
    Ok(survey)
}

/// Checks one batch (see [`Checker`]); answers an events batch's events as
/// the calendar reads them.
fn check_batch(checker: &mut Checker, batch: &mut Batch) -> Result<Vec<CheckedEvent>, FieldError> {
    match batch {
        Batch::Journal(v) => checker.journal(v)?,
        Batch::Exercises(v) => checker.exercises(v)?,
        Batch::Programs(v) => checker.programs(v)?,
        Batch::Workouts(v) => checker.workouts(v)?,
        Batch::Projects(v) => checker.projects(v)?,
        Batch::Captures(v) => checker.captures(v)?,
        Batch::Events(v) => return checker.events(v),
        Batch::ApiKeys(_) => {}
    }
    Ok(Vec::new())
}

/// The second reading: each batch checked again (which normalises it),
/// planned and handed to `sink` to be written, sections in [`SECTIONS`]
/// order — in one pass when the document has them in that order (as every
/// export does), else one pass per section. API keys are never imported.
/// Stops when `sink` answers `false` (the writer failed).
fn restore_batches(
    source: &mut dyn DocumentSource,
    survey: &Survey,
    facts: &Facts,
    new_id: &mut dyn FnMut() -> Uuid,
    sink: &mut dyn FnMut(Restore) -> bool,
) -> Result<Report, ImportError> {
    let mut planning = Planning::new(survey, facts, new_id);
    // Checked already: this pass normalises (and would find the same).
    let mut checker = Checker::again();
    for round in survey.rounds() {
        let mut stopped = false;
        source.scan(&|s| round.contains(&s), &mut |part| {
            let Part::Batch(mut batch) = part else {
                return Ok(());
            };
            let events = check_batch(&mut checker, &mut batch)?;
            let r = match batch {
                Batch::Journal(v) => Restore {
                    journal: planning.journal(v)?,
                    ..Restore::default()
                },
                Batch::Exercises(v) => Restore {
                    exercises: planning.exercises(v),
                    ..Restore::default()
                },
                Batch::Programs(v) => Restore {
                    programs: planning.programs(v)?,
                    ..Restore::default()
                },
                Batch::Workouts(v) => {
                    let (workouts, logs) = planning.workouts(v)?;
                    Restore {
                        workouts,
                        logs,
                        ..Restore::default()
                    }
                }
                Batch::Projects(v) => {
                    let (projects, tasks, notes) = planning.projects(v);
                    Restore {
                        projects,
                        tasks,
                        notes,
                        ..Restore::default()
                    }
                }
                Batch::Captures(v) => Restore {
                    captures: planning.captures(v),
                    ..Restore::default()
                },
                Batch::Events(_) => Restore {
                    events: planning.events(events),
                    ..Restore::default()
                },
                Batch::ApiKeys(_) => return Ok(()),
            };
            if sink(r) {
                Ok(())
            } else {
                stopped = true;
                Err(StoreError::internal("the import's writer stopped").into())
            }
        })?;
        if stopped {
            break;
        }
    }
    Ok(planning.finish())
}

/// Plans and hands over an import's batches: given the facts the store
/// read, calls its sink with each batch to write (`false`: stop), and
/// answers the counts.
pub type Planner =
    Box<dyn FnOnce(&Facts, &mut dyn FnMut(Restore) -> bool) -> Result<Report, ImportError> + Send>;

/// Writes an import, all or nothing.
#[async_trait]
pub trait ImportStore: Send + Sync {
    /// In one transaction (imports of one account one at a time): reads
    /// the facts `wanted` names, runs `planner` where a worker may block,
    /// writes each batch it hands over, rebuilds what derives from them
    /// (journal streaks) and answers the planner's report. Nothing is
    /// written when the planner or a write fails.
    ///
    /// # Errors
    /// The planner's error; storage errors.
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

    /// Restores an examined document (see [`examine`]) in one
    /// transaction, reading it again from `source` batch by batch.
    ///
    /// # Errors
    /// [`ImportError::Invalid`] for a reference that lands nowhere; an
    /// unreadable document; storage errors. Either way nothing is written.
    pub async fn run(
        &self,
        user: UserId,
        mut survey: Survey,
        mut source: Box<dyn DocumentSource>,
    ) -> Result<Report, ImportError> {
        let wanted = survey.take_wanted();
        let planner: Planner = Box::new(move |facts, sink| {
            restore_batches(source.as_mut(), &survey, facts, &mut new_id, sink)
        });
        self.store.restore(user, wanted, planner).await
    }
}
