//! Deciding, item by item, what an import does, from facts about the
//! account read inside the import's transaction. Pure: the adapter reads the
//! [`Facts`] that [`wanted`] names, calls [`plan`], and writes the
//! [`Restore`] it answers, all in one transaction.
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

use super::check::{Checked, CheckedEvent};
use super::doc::{
    CaptureDoc, ExerciseDoc, JournalDoc, LogDoc, NoteDoc, ProgramDoc, ProjectDoc, TaskDoc,
    WorkoutDoc,
};
use chrono::NaiveDate;
use lifeos_journal::EntryKind;
use lifeos_kernel::{FieldError, WeekStart};
use std::collections::{BTreeMap, HashMap, HashSet};
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

/// The facts a document needs.
#[must_use]
pub fn wanted(c: &Checked) -> Wanted {
    let d = &c.doc;
    let mut w = Wanted::default();
    let mut put = |k: Kind, ids: &mut dyn Iterator<Item = Uuid>| {
        w.ids.entry(k).or_default().extend(ids);
    };
    put(Kind::Journal, &mut d.journal.iter().map(|e| e.id));
    put(Kind::Exercise, &mut d.exercises.iter().map(|e| e.id));
    put(
        Kind::Exercise,
        &mut d
            .programs
            .iter()
            .flat_map(|p| p.exercises.iter().map(|x| x.exercise_id))
            .chain(
                d.workouts
                    .iter()
                    .flat_map(|s| s.logs.iter().map(|l| l.exercise_id)),
            ),
    );
    put(Kind::Program, &mut d.programs.iter().map(|p| p.id));
    put(
        Kind::Program,
        &mut d.workouts.iter().filter_map(|s| s.program_id),
    );
    put(
        Kind::ProgramItem,
        &mut d
            .programs
            .iter()
            .flat_map(|p| p.exercises.iter().map(|x| x.id)),
    );
    put(Kind::Workout, &mut d.workouts.iter().map(|s| s.id));
    put(
        Kind::Log,
        &mut d.workouts.iter().flat_map(|s| s.logs.iter().map(|l| l.id)),
    );
    put(Kind::Project, &mut d.projects.iter().map(|p| p.id));
    put(
        Kind::Task,
        &mut d.projects.iter().flat_map(|p| p.tasks.iter().map(|t| t.id)),
    );
    put(
        Kind::Note,
        &mut d.projects.iter().flat_map(|p| p.notes.iter().map(|n| n.id)),
    );
    put(Kind::Capture, &mut d.captures.iter().map(|c| c.id));
    put(Kind::Event, &mut d.events.iter().map(|e| e.id));
    for ids in w.ids.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    w.exercise_names = d.exercises.iter().map(|e| e.name.to_lowercase()).collect();
    let mut periods: Vec<NaiveDate> = d
        .journal
        .iter()
        .flat_map(|e| {
            [
                e.entry_date,
                WeekStart::Monday.week_of(e.entry_date),
                WeekStart::Sunday.week_of(e.entry_date),
            ]
        })
        .collect();
    periods.sort_unstable();
    periods.dedup();
    w.journal_periods = periods;
    w.projects = d.projects.iter().map(|p| p.id).collect();
    w
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
    /// Ids that now mean another row: reassigned ids, and exercises merged
    /// by name.
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
                let new = (self.new_id)();
                self.moved.insert((kind, id), new);
                Fate::Reassign(new)
            }
        };
        self.count(kind, fate);
        fate
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

/// Decides what the import writes.
///
/// # Errors
/// A [`FieldError`] for a reference that lands nowhere (or in another
/// account).
pub fn plan(
    checked: Checked,
    facts: &Facts,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<Restore, FieldError> {
    let Checked { doc, events } = checked;
    let mut p = Planner {
        facts,
        new_id,
        moved: HashMap::new(),
        report: Report::default(),
    };
    let mut out = Restore::default();

    let mut periods = facts.journal_periods.clone();
    for mut e in doc.journal {
        let kind = EntryKind::parse("entry_type", &e.entry_type)
            .map_err(|x| FieldError::new("journal", x.message))?;
        let period_start = kind.period_of(e.entry_date, facts.week_start);
        let fate = if periods.insert((kind, period_start)) {
            p.fate(Kind::Journal, e.id)
        } else {
            p.count(Kind::Journal, Fate::Skip);
            Fate::Skip
        };
        if let Some(id) = written(fate, e.id) {
            e.id = id;
            out.journal.push(RestoredEntry {
                doc: e,
                kind,
                period_start,
            });
        }
    }

    let doc_exercises: HashSet<Uuid> = doc.exercises.iter().map(|x| x.id).collect();
    for mut x in doc.exercises {
        let fate = match (
            p.holder(Kind::Exercise, x.id),
            facts.exercise_names.get(&x.name.to_lowercase()),
        ) {
            (Some(Holder::Mine), _) | (_, None) => p.fate(Kind::Exercise, x.id),
            (_, Some(&existing)) => {
                p.moved.insert((Kind::Exercise, x.id), existing);
                p.count(Kind::Exercise, Fate::Skip);
                Fate::Skip
            }
        };
        if let Some(id) = written(fate, x.id) {
            x.id = id;
            out.exercises.push(x);
        }
    }
    let exercise_ref = |p: &Planner<'_>, id: Uuid, path: String| {
        // The document's own (under their final id), or the account's.
        let in_doc = doc_exercises.contains(&id);
        p.reference(Kind::Exercise, id, in_doc, path, "exercise_id")
    };

    let doc_programs: HashSet<Uuid> = doc.programs.iter().map(|x| x.id).collect();
    for (i, mut prog) in doc.programs.into_iter().enumerate() {
        let fate = p.fate(Kind::Program, prog.id);
        let Some(id) = written(fate, prog.id) else {
            continue;
        };
        prog.id = id;
        for (j, item) in prog.exercises.iter_mut().enumerate() {
            let path = format!("programs[{i}].exercises[{j}].exercise_id");
            item.exercise_id = exercise_ref(&p, item.exercise_id, path)?;
            if p.holder(Kind::ProgramItem, item.id).is_some() {
                item.id = (p.new_id)();
            }
        }
        out.programs.push(prog);
    }

    for (i, mut s) in doc.workouts.into_iter().enumerate() {
        let fate = p.fate(Kind::Workout, s.id);
        let session = written(fate, s.id).unwrap_or(s.id);
        for (j, mut l) in std::mem::take(&mut s.logs).into_iter().enumerate() {
            let path = format!("workouts[{i}].logs[{j}].exercise_id");
            l.exercise_id = exercise_ref(&p, l.exercise_id, path)?;
            if let Some(id) = written(p.fate(Kind::Log, l.id), l.id) {
                l.id = id;
                out.logs.push((session, l));
            }
        }
        if fate != Fate::Skip {
            s.id = session;
            s.program_id = s
                .program_id
                .map(|pid| {
                    let path = format!("workouts[{i}].program_id");
                    p.reference(
                        Kind::Program,
                        pid,
                        doc_programs.contains(&pid),
                        path,
                        "program_id",
                    )
                })
                .transpose()?;
            out.workouts.push(s);
        }
    }

    let mut projects: Vec<ProjectDoc> = doc.projects;
    projects.sort_by_key(|x| x.position);
    let mut next_project = facts.last_project_position.map_or(0, |x| x + 1);
    for mut proj in projects {
        let fate = p.fate(Kind::Project, proj.id);
        let project = written(fate, proj.id).unwrap_or(proj.id);
        let mut next_task = match fate {
            Fate::Skip => facts.last_task_position.get(&project).map_or(0, |x| x + 1),
            Fate::Keep | Fate::Reassign(_) => 0,
        };
        let mut tasks = std::mem::take(&mut proj.tasks);
        tasks.sort_by_key(|t| t.position);
        for mut t in tasks {
            if let Some(id) = written(p.fate(Kind::Task, t.id), t.id) {
                t.id = id;
                t.position = next_task;
                next_task += 1;
                out.tasks.push((project, t));
            }
        }
        for mut n in std::mem::take(&mut proj.notes) {
            if let Some(id) = written(p.fate(Kind::Note, n.id), n.id) {
                n.id = id;
                out.notes.push((project, n));
            }
        }
        if fate != Fate::Skip {
            proj.id = project;
            proj.position = next_project;
            next_project += 1;
            out.projects.push(proj);
        }
    }

    let mut kept_events = Vec::new();
    for mut ev in events {
        if let Some(id) = written(p.fate(Kind::Event, ev.event.id.0), ev.event.id.0) {
            ev.event.id.0 = id;
            kept_events.push(ev);
        }
    }
    out.events = kept_events;

    for mut c in doc.captures {
        if let Some(id) = written(p.fate(Kind::Capture, c.id), c.id) {
            c.id = id;
            if let Some(t) = &mut c.converted_to {
                let kind = match t.kind.as_str() {
                    "task" => Kind::Task,
                    "journal_entry" => Kind::Journal,
                    _ => Kind::Event,
                };
                t.id = p.resolve(kind, t.id);
            }
            out.captures.push(c);
        }
    }

    out.report = p.report;
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
