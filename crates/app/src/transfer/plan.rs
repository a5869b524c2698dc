//! Deciding, item by item, what an import does, from facts about the
//! account read inside the import's transaction. Pure: the adapter reads the
//! [`Facts`] that the [`Survey`] wants, then writes each batch's
//! [`Restore`] that [`Planning`] answers, all in one transaction.
//!
//! The rules (API.md section 9):
//! - an id that is free is kept;
//! - an id already in this account is left alone ("skipped"): importing
//!   twice changes nothing;
//! - an id that belongs to another account is given a new id
//!   ("reassigned"), and every reference to it follows;
//! - two more kinds of "already here": an exercise whose name the account
//!   already uses (names are unique per account) is the account's exercise,
//!   and references to it follow; a journal entry for a day (or week) that
//!   already has one of its kind is skipped;
//! - references must land in the document or in this account, never in
//!   another account: otherwise the document is refused, naming the path.

use super::Batch;
#[cfg(test)]
use super::check::Checked;
use super::check::CheckedEvent;
use super::doc::{
    CaptureDoc, ExerciseDoc, JournalDoc, LogDoc, NoteDoc, ProgramDoc, ProjectDoc, TaskDoc,
    WorkoutDoc,
};
use chrono::NaiveDate;
use lifeos_journal::EntryKind;
use lifeos_kernel::{FieldError, WeekStart};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use uuid::Uuid;

/// The kinds of items an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Journal entries.
    Journal,
    /// Exercises.
    Exercise,
    /// Programs.
    Program,
    /// Items of a program's list (counted with their program).
    ProgramItem,
    /// Workout sessions.
    Workout,
    /// Logged sets.
    Log,
    /// Projects.
    Project,
    /// Tasks.
    Task,
    /// Project notes.
    Note,
    /// Captures.
    Capture,
    /// Events (with their changed occurrences).
    Event,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Self; 11] = [
        Self::Journal,
        Self::Exercise,
        Self::Program,
        Self::ProgramItem,
        Self::Workout,
        Self::Log,
        Self::Project,
        Self::Task,
        Self::Note,
        Self::Capture,
        Self::Event,
    ];

    /// Its key in the import's answer (`None`: counted with its parent).
    #[must_use]
    pub fn key(self) -> Option<&'static str> {
        Some(match self {
            Self::Journal => "journal",
            Self::Exercise => "exercises",
            Self::Program => "programs",
            Self::ProgramItem => return None,
            Self::Workout => "workouts",
            Self::Log => "logs",
            Self::Project => "projects",
            Self::Task => "tasks",
            Self::Note => "notes",
            Self::Capture => "captures",
            Self::Event => "events",
        })
    }
}

/// Which account holds an id already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// The account imported into.
    Mine,
    /// Another account.
    Other,
}

/// What the planner needs to know about the account: ask the store for
/// these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Ids whose holder matters, per kind (the document's own, and the
    /// ones its references name).
    pub ids: BTreeMap<Kind, Vec<Uuid>>,
    /// Exercise names of the document, lower-cased.
    pub exercise_names: Vec<String>,
    /// Days that may be the period of an imported journal entry (each
    /// entry's date and the week starts it may fall under).
    pub journal_periods: Vec<NaiveDate>,
    /// Projects whose last task position matters.
    pub projects: Vec<Uuid>,
}

/// Facts about the account, read in the import's transaction.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Who holds each asked id (absent: free).
    pub holders: HashMap<(Kind, Uuid), Holder>,
    /// The account's exercises by lower-cased name.
    pub exercise_names: HashMap<String, Uuid>,
    /// The account's journal periods among those asked.
    pub journal_periods: HashSet<(EntryKind, NaiveDate)>,
    /// The account's last project position.
    pub last_project_position: Option<i32>,
    /// The last task position of the account's projects among those asked.
    pub last_task_position: HashMap<Uuid, i32>,
    /// The account's week start (the period of weekly reviews).
    pub week_start: WeekStart,
}

/// Counts per kind, as the import answers them: every item of the document
/// is exactly one of created (with its id), reassigned (created with a new
/// id) or skipped (already in the account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Written with the document's id.
    pub created: BTreeMap<&'static str, u64>,
    /// Left alone: already in the account.
    pub skipped: BTreeMap<&'static str, u64>,
    /// Written with a new id (the document's belonged to another account).
    pub reassigned: BTreeMap<&'static str, u64>,
}

impl Default for Report {
    fn default() -> Self {
        let zero: BTreeMap<_, _> = Kind::ALL
            .iter()
            .filter_map(|k| k.key())
            .map(|k| (k, 0))
            .collect();
        Self {
            created: zero.clone(),
            skipped: zero.clone(),
            reassigned: zero,
        }
    }
}

/// A journal entry to write.
#[derive(Debug, Clone)]
pub struct RestoredEntry {
    /// The entry (final id).
    pub doc: JournalDoc,
    /// Its kind.
    pub kind: EntryKind,
    /// The period its uniqueness applies to.
    pub period_start: NaiveDate,
}

/// Everything an import writes, with final ids, references and positions.
#[derive(Debug, Clone, Default)]
pub struct Restore {
    /// Journal entries.
    pub journal: Vec<RestoredEntry>,
    /// Exercises.
    pub exercises: Vec<ExerciseDoc>,
    /// Programs, each with its whole list.
    pub programs: Vec<ProgramDoc>,
    /// Sessions (their sets are in `logs`).
    pub workouts: Vec<WorkoutDoc>,
    /// Sets, by session id.
    pub logs: Vec<(Uuid, LogDoc)>,
    /// Projects (their tasks and notes are in `tasks` and `notes`).
    pub projects: Vec<ProjectDoc>,
    /// Tasks, by project id.
    pub tasks: Vec<(Uuid, TaskDoc)>,
    /// Notes, by project id.
    pub notes: Vec<(Uuid, NoteDoc)>,
    /// Captures.
    pub captures: Vec<CaptureDoc>,
    /// Events with their changed occurrences.
    pub events: Vec<CheckedEvent>,
    /// The counts to answer.
    pub report: Report,
}

/// What a first reading of a document learns for its import: the facts to
/// ask the store for ([`Wanted`]) and the document's own ids that its
/// references may name. Built batch by batch ([`Survey::add`]), so the
/// document is never held whole.
#[derive(Debug, Clone, Default)]
pub struct Survey {
    ids: BTreeMap<Kind, Vec<Uuid>>,
    exercise_names: Vec<String>,
    journal_periods: BTreeSet<NaiveDate>,
    /// The document's exercises.
    exercises: HashSet<Uuid>,
    /// The document's programs.
    programs: HashSet<Uuid>,
    /// The document's projects: position, then id, in the document's order.
    projects: Vec<(i32, Uuid)>,
    /// The document's events.
    events: Vec<Uuid>,
    /// Its sections, in the document's order.
    sections: Vec<usize>,
    /// The ids its references name (exercises, programs, what captures
    /// were turned into).
    referenced: HashSet<Uuid>,
}

impl Survey {
    fn put(&mut self, kind: Kind, ids: impl Iterator<Item = Uuid>) {
        self.ids.entry(kind).or_default().extend(ids);
    }

    /// Ids a reference names: asked about, and remembered.
    fn named(&mut self, kind: Kind, ids: impl Iterator<Item = Uuid>) {
        let list = self.ids.entry(kind).or_default();
        for id in ids {
            list.push(id);
            self.referenced.insert(id);
        }
    }

    /// Learns from one checked batch.
    pub fn add(&mut self, batch: &Batch) {
        match batch {
            Batch::Journal(v) => {
                self.put(Kind::Journal, v.iter().map(|e| e.id));
                self.journal_periods.extend(v.iter().flat_map(|e| {
                    [
                        e.entry_date,
                        WeekStart::Monday.week_of(e.entry_date),
                        WeekStart::Sunday.week_of(e.entry_date),
                    ]
                }));
            }
            Batch::Exercises(v) => {
                self.put(Kind::Exercise, v.iter().map(|e| e.id));
                self.exercises.extend(v.iter().map(|e| e.id));
                self.exercise_names
                    .extend(v.iter().map(|e| e.name.to_lowercase()));
            }
            Batch::Programs(v) => {
                self.put(Kind::Program, v.iter().map(|p| p.id));
                self.programs.extend(v.iter().map(|p| p.id));
                self.named(
                    Kind::Exercise,
                    v.iter()
                        .flat_map(|p| p.exercises.iter().map(|x| x.exercise_id)),
                );
                self.put(
                    Kind::ProgramItem,
                    v.iter().flat_map(|p| p.exercises.iter().map(|x| x.id)),
                );
            }
            Batch::Workouts(v) => {
                self.put(Kind::Workout, v.iter().map(|s| s.id));
                self.named(Kind::Program, v.iter().filter_map(|s| s.program_id));
                self.named(
                    Kind::Exercise,
                    v.iter().flat_map(|s| s.logs.iter().map(|l| l.exercise_id)),
                );
                self.put(
                    Kind::Log,
                    v.iter().flat_map(|s| s.logs.iter().map(|l| l.id)),
                );
            }
            Batch::Projects(v) => {
                self.put(Kind::Project, v.iter().map(|p| p.id));
                self.put(
                    Kind::Task,
                    v.iter().flat_map(|p| p.tasks.iter().map(|t| t.id)),
                );
                self.put(
                    Kind::Note,
                    v.iter().flat_map(|p| p.notes.iter().map(|n| n.id)),
                );
                self.projects.extend(v.iter().map(|p| (p.position, p.id)));
            }
            Batch::Captures(v) => {
                self.put(Kind::Capture, v.iter().map(|c| c.id));
                self.referenced.extend(
                    v.iter()
                        .filter_map(|c| c.converted_to.as_ref().map(|t| t.id)),
                );
            }
            Batch::Events(v) => {
                self.put(Kind::Event, v.iter().map(|e| e.id));
                self.events.extend(v.iter().map(|e| e.id));
            }
            Batch::ApiKeys(_) => {}
        }
    }

    /// Notes that a section begins.
    pub fn section(&mut self, section: usize) {
        self.sections.push(section);
    }

    /// The sections to plan, in passes over the document: one pass when
    /// they come in [`SECTIONS`] order, else one per section, in that
    /// order (an exercise before the programs and sessions that name it).
    /// API keys are never imported.
    ///
    /// [`SECTIONS`]: super::SECTIONS
    #[must_use]
    pub fn rounds(&self) -> Vec<Vec<usize>> {
        let api_keys = super::SECTIONS.len() - 1;
        let mut order: Vec<usize> = self
            .sections
            .iter()
            .copied()
            .filter(|&s| s != api_keys)
            .collect();
        if order.is_sorted() {
            vec![order]
        } else {
            order.sort_unstable();
            order.into_iter().map(|s| vec![s]).collect()
        }
    }

    /// Hands over the facts to ask the store for (what is left is what
    /// planning needs).
    #[must_use]
    pub fn take_wanted(&mut self) -> Wanted {
        let mut ids = std::mem::take(&mut self.ids);
        for v in ids.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        Wanted {
            ids,
            exercise_names: std::mem::take(&mut self.exercise_names),
            journal_periods: std::mem::take(&mut self.journal_periods)
                .into_iter()
                .collect(),
            projects: self.projects.iter().map(|&(_, id)| id).collect(),
        }
    }
}

/// The facts a whole document needs.
#[cfg(test)]
#[must_use]
pub fn wanted(c: &Checked) -> Wanted {
    survey(&c.doc).take_wanted()
}

/// A whole document's [`Survey`].
#[cfg(test)]
#[must_use]
pub fn survey(d: &super::Document) -> Survey {
    let mut s = Survey::default();
    s.add(&Batch::Journal(d.journal.clone()));
    s.add(&Batch::Exercises(d.exercises.clone()));
    s.add(&Batch::Programs(d.programs.clone()));
    s.add(&Batch::Workouts(d.workouts.clone()));
    s.add(&Batch::Projects(d.projects.clone()));
    s.add(&Batch::Captures(d.captures.clone()));
    s.add(&Batch::Events(d.events.clone()));
    s
}

/// What happens to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Keep,
    Skip,
    Reassign(Uuid),
}

struct Planner<'a> {
    facts: &'a Facts,
    new_id: &'a mut dyn FnMut() -> Uuid,
    /// The ids the document's references name.
    referenced: &'a HashSet<Uuid>,
    /// Ids that now mean another row, among those referenced: reassigned
    /// ids, and exercises merged by name (an id nothing names need not be
    /// remembered: 100,000 reassigned journal entries would otherwise be
    /// 100,000 entries here).
    moved: HashMap<(Kind, Uuid), Uuid>,
    report: Report,
}

impl Planner<'_> {
    fn holder(&self, kind: Kind, id: Uuid) -> Option<Holder> {
        self.facts.holders.get(&(kind, id)).copied()
    }

    /// The fate of an item with an identity of its own, counted.
    fn fate(&mut self, kind: Kind, id: Uuid) -> Fate {
        let fate = match self.holder(kind, id) {
            None => Fate::Keep,
            Some(Holder::Mine) => Fate::Skip,
            Some(Holder::Other) => {
                let new = match self.moved.get(&(kind, id)) {
                    Some(&chosen) => chosen,
                    None => {
                        let new = (self.new_id)();
                        self.moves(kind, id, new);
                        new
                    }
                };
                Fate::Reassign(new)
            }
        };
        self.count(kind, fate);
        fate
    }

    /// Remembers that `id` now means `to`, if anything names it.
    fn moves(&mut self, kind: Kind, id: Uuid, to: Uuid) {
        if self.referenced.contains(&id) {
            self.moved.insert((kind, id), to);
        }
    }

    fn count(&mut self, kind: Kind, fate: Fate) {
        if let Some(key) = kind.key() {
            let tally = match fate {
                Fate::Keep => &mut self.report.created,
                Fate::Skip => &mut self.report.skipped,
                Fate::Reassign(_) => &mut self.report.reassigned,
            };
            *tally.entry(key).or_default() += 1;
        }
    }

    /// The id an item of the document ends up with.
    fn resolve(&self, kind: Kind, id: Uuid) -> Uuid {
        self.moved.get(&(kind, id)).copied().unwrap_or(id)
    }

    /// A reference: to an item of the document (`in_doc`) or of this
    /// account; never to another account's.
    fn reference(
        &self,
        kind: Kind,
        id: Uuid,
        in_doc: bool,
        path: String,
        what: &str,
    ) -> Result<Uuid, FieldError> {
        if in_doc || self.holder(kind, id) == Some(Holder::Mine) {
            Ok(self.resolve(kind, id))
        } else {
            Err(FieldError::new(
                path,
                format!("{what} is neither in the document nor in this account"),
            ))
        }
    }
}

/// Decides what the import writes, batch by batch, in [`SECTIONS`] order
/// (a reference to an exercise or a program needs its section planned
/// first; events may come after the captures that name them: their new ids
/// are chosen up front).
///
/// [`SECTIONS`]: super::SECTIONS
pub struct Planning<'a> {
    p: Planner<'a>,
    survey: &'a Survey,
    /// Journal periods taken: the account's, then each written entry's.
    periods: HashSet<(EntryKind, NaiveDate)>,
    /// Each written project's position (after the account's, in the
    /// document's position order).
    project_positions: HashMap<Uuid, i32>,
    /// Items planned so far: programs, workouts (for paths).
    programs: usize,
    workouts: usize,
}

impl std::fmt::Debug for Planning<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Planning")
            .field("report", &self.p.report)
            .finish_non_exhaustive()
    }
}

impl<'a> Planning<'a> {
    /// Starts planning a document from its survey and the account's facts.
    pub fn new(survey: &'a Survey, facts: &'a Facts, new_id: &'a mut dyn FnMut() -> Uuid) -> Self {
        let mut p = Planner {
            facts,
            new_id,
            referenced: &survey.referenced,
            moved: HashMap::new(),
            report: Report::default(),
        };
        for &id in &survey.events {
            if p.holder(Kind::Event, id) == Some(Holder::Other) && p.referenced.contains(&id) {
                let new = (p.new_id)();
                p.moves(Kind::Event, id, new);
            }
        }
        let mut order = survey.projects.clone();
        // Stable: equal positions keep the document's order.
        order.sort_by_key(|&(position, _)| position);
        let mut next = facts.last_project_position.map_or(0, |x| x + 1);
        let mut project_positions = HashMap::new();
        for (_, id) in order {
            if p.holder(Kind::Project, id) != Some(Holder::Mine) {
                project_positions.insert(id, next);
                next += 1;
            }
        }
        Self {
            p,
            survey,
            periods: facts.journal_periods.clone(),
            project_positions,
            programs: 0,
            workouts: 0,
        }
    }

    /// Journal entries: a second entry for a taken period is skipped.
    ///
    /// # Errors
    /// An entry type no kind has (a checked document has none).
    pub fn journal(&mut self, items: Vec<JournalDoc>) -> Result<Vec<RestoredEntry>, FieldError> {
        let mut out = Vec::with_capacity(items.len());
        for mut e in items {
            let kind = EntryKind::parse("entry_type", &e.entry_type)
                .map_err(|x| FieldError::new("journal", x.message))?;
            let period_start = kind.period_of(e.entry_date, self.p.facts.week_start);
            let fate = if self.periods.insert((kind, period_start)) {
                self.p.fate(Kind::Journal, e.id)
            } else {
                self.p.count(Kind::Journal, Fate::Skip);
                Fate::Skip
            };
            if let Some(id) = written(fate, e.id) {
                e.id = id;
                out.push(RestoredEntry {
                    doc: e,
                    kind,
                    period_start,
                });
            }
        }
        Ok(out)
    }

    /// Exercises: one whose name the account uses is the account's.
    pub fn exercises(&mut self, items: Vec<ExerciseDoc>) -> Vec<ExerciseDoc> {
        let p = &mut self.p;
        let mut out = Vec::with_capacity(items.len());
        for mut x in items {
            let fate = match (
                p.holder(Kind::Exercise, x.id),
                p.facts.exercise_names.get(&x.name.to_lowercase()),
            ) {
                (Some(Holder::Mine), _) | (_, None) => p.fate(Kind::Exercise, x.id),
                (_, Some(&existing)) => {
                    p.moves(Kind::Exercise, x.id, existing);
                    p.count(Kind::Exercise, Fate::Skip);
                    Fate::Skip
                }
            };
            if let Some(id) = written(fate, x.id) {
                x.id = id;
                out.push(x);
            }
        }
        out
    }

    /// A reference to an exercise: the document's own (under its final
    /// id), or the account's.
    fn exercise_ref(&self, id: Uuid, path: String) -> Result<Uuid, FieldError> {
        let in_doc = self.survey.exercises.contains(&id);
        self.p
            .reference(Kind::Exercise, id, in_doc, path, "exercise_id")
    }

    /// Programs with their lists.
    ///
    /// # Errors
    /// A list item's exercise that lands nowhere.
    pub fn programs(&mut self, items: Vec<ProgramDoc>) -> Result<Vec<ProgramDoc>, FieldError> {
        let first = self.programs;
        self.programs += items.len();
        let mut out = Vec::with_capacity(items.len());
        for (i, mut prog) in items.into_iter().enumerate() {
            let fate = self.p.fate(Kind::Program, prog.id);
            let Some(id) = written(fate, prog.id) else {
                continue;
            };
            prog.id = id;
            for (j, item) in prog.exercises.iter_mut().enumerate() {
                let path = format!("programs[{}].exercises[{j}].exercise_id", first + i);
                item.exercise_id = self.exercise_ref(item.exercise_id, path)?;
                if self.p.holder(Kind::ProgramItem, item.id).is_some() {
                    item.id = (self.p.new_id)();
                }
            }
            out.push(prog);
        }
        Ok(out)
    }

    /// Workout sessions, and their sets by session id.
    ///
    /// # Errors
    /// A set's exercise or a session's program that lands nowhere.
    pub fn workouts(&mut self, items: Vec<WorkoutDoc>) -> Result<SessionsAndSets, FieldError> {
        let first = self.workouts;
        self.workouts += items.len();
        let (mut sessions, mut sets) = (Vec::with_capacity(items.len()), Vec::new());
        for (i, mut s) in items.into_iter().enumerate() {
            let i = first + i;
            let fate = self.p.fate(Kind::Workout, s.id);
            let session = written(fate, s.id).unwrap_or(s.id);
            for (j, mut l) in std::mem::take(&mut s.logs).into_iter().enumerate() {
                let path = format!("workouts[{i}].logs[{j}].exercise_id");
                l.exercise_id = self.exercise_ref(l.exercise_id, path)?;
                if let Some(id) = written(self.p.fate(Kind::Log, l.id), l.id) {
                    l.id = id;
                    sets.push((session, l));
                }
            }
            if fate != Fate::Skip {
                s.id = session;
                s.program_id = s
                    .program_id
                    .map(|pid| {
                        let path = format!("workouts[{i}].program_id");
                        let in_doc = self.survey.programs.contains(&pid);
                        self.p
                            .reference(Kind::Program, pid, in_doc, path, "program_id")
                    })
                    .transpose()?;
                sessions.push(s);
            }
        }
        Ok((sessions, sets))
    }

    /// Projects (placed after the account's, in the document's position
    /// order), their tasks (after a kept project's own, in their order)
    /// and notes, by project id.
    pub fn projects(&mut self, items: Vec<ProjectDoc>) -> ProjectsTasksNotes {
        let p = &mut self.p;
        let (mut projects, mut tasks_out, mut notes_out) = (Vec::new(), Vec::new(), Vec::new());
        for mut proj in items {
            let fate = p.fate(Kind::Project, proj.id);
            let project = written(fate, proj.id).unwrap_or(proj.id);
            let mut next_task = match fate {
                Fate::Skip => p
                    .facts
                    .last_task_position
                    .get(&project)
                    .map_or(0, |x| x + 1),
                Fate::Keep | Fate::Reassign(_) => 0,
            };
            let mut tasks = std::mem::take(&mut proj.tasks);
            tasks.sort_by_key(|t| t.position);
            for mut t in tasks {
                if let Some(id) = written(p.fate(Kind::Task, t.id), t.id) {
                    t.id = id;
                    t.position = next_task;
                    next_task += 1;
                    tasks_out.push((project, t));
                }
            }
            for mut n in std::mem::take(&mut proj.notes) {
                if let Some(id) = written(p.fate(Kind::Note, n.id), n.id) {
                    n.id = id;
                    notes_out.push((project, n));
                }
            }
            if fate != Fate::Skip {
                proj.position = self.project_positions.get(&proj.id).copied().unwrap_or(0);
                proj.id = project;
                projects.push(proj);
            }
        }
        (projects, tasks_out, notes_out)
    }

    /// Events (a reassigned one under the id chosen up front).
    pub fn events(&mut self, items: Vec<CheckedEvent>) -> Vec<CheckedEvent> {
        let mut out = Vec::with_capacity(items.len());
        for mut ev in items {
            let id = ev.event.id.0;
            if let Some(id) = written(self.p.fate(Kind::Event, id), id) {
                ev.event.id.0 = id;
                out.push(ev);
            }
        }
        out
    }

    /// Captures: what one was turned into follows a reassigned target.
    pub fn captures(&mut self, items: Vec<CaptureDoc>) -> Vec<CaptureDoc> {
        let mut out = Vec::with_capacity(items.len());
        for mut c in items {
            if let Some(id) = written(self.p.fate(Kind::Capture, c.id), c.id) {
                c.id = id;
                if let Some(t) = &mut c.converted_to {
                    let kind = match t.kind.as_str() {
                        "task" => Kind::Task,
                        "journal_entry" => Kind::Journal,
                        _ => Kind::Event,
                    };
                    t.id = self.p.resolve(kind, t.id);
                }
                out.push(c);
            }
        }
        out
    }

    /// How many moved ids are remembered.
    #[cfg(test)]
    pub(super) fn remembered(&self) -> usize {
        self.p.moved.len()
    }

    /// The counts, once every section is planned.
    #[must_use]
    pub fn finish(self) -> Report {
        self.p.report
    }
}

/// Sessions, and sets by session id.
pub type SessionsAndSets = (Vec<WorkoutDoc>, Vec<(Uuid, LogDoc)>);
/// Projects, and tasks and notes by project id.
pub type ProjectsTasksNotes = (Vec<ProjectDoc>, Vec<(Uuid, TaskDoc)>, Vec<(Uuid, NoteDoc)>);

/// Decides what a whole checked document writes (see [`Planning`]).
///
/// # Errors
/// A [`FieldError`] for a reference that lands nowhere (or in another
/// account).
#[cfg(test)]
pub fn plan(
    checked: Checked,
    facts: &Facts,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<Restore, FieldError> {
    let Checked { doc, events } = checked;
    let survey = survey(&doc);
    let mut planning = Planning::new(&survey, facts, new_id);
    let mut out = Restore {
        journal: planning.journal(doc.journal)?,
        exercises: planning.exercises(doc.exercises),
        programs: planning.programs(doc.programs)?,
        ..Restore::default()
    };
    (out.workouts, out.logs) = planning.workouts(doc.workouts)?;
    (out.projects, out.tasks, out.notes) = planning.projects(doc.projects);
    out.captures = planning.captures(doc.captures);
    out.events = planning.events(events);
    out.report = planning.finish();
    Ok(out)
}

/// The id an item is written with, or `None` when it is skipped.
fn written(fate: Fate, id: Uuid) -> Option<Uuid> {
    match fate {
        Fate::Keep => Some(id),
        Fate::Skip => None,
        Fate::Reassign(new) => Some(new),
    }
}
