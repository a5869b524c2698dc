//! Validation of a document, batch by batch ([`Checker`]), before anything
//! is written: every item
//! goes through its module's own rules (the same value types the API's
//! handlers use), and the first broken rule is answered with its full path
//! (`journal[12].content.body`). Texts come out normalised as on creation
//! (names trimmed, word counts recomputed).

use super::FORMAT_VERSION;
use super::doc::{
    CaptureDoc, EventDoc, ExerciseDoc, JournalDoc, OverrideDoc, ProgramDoc, ProjectDoc, WorkoutDoc,
};
use chrono::{DateTime, Utc};
use lifeos_calendar::{
    Event, EventDescription, EventId, EventTitle, Location, Override, Span, When, check_restored,
    parse_exdates,
};
use lifeos_captures::{CaptureContent, CaptureSource, CaptureStatus, TargetKind};
use lifeos_journal::{Content, EntryKind};
use lifeos_kernel::{Color, FieldError, parse_timezone};
use lifeos_projects::{
    Description, NoteBody, NoteTitle, Priority, ProjectName, ProjectStatus, TaskStatus, TaskTitle,
};
use lifeos_workouts::{
    Category, Equipment, ExerciseId, ExerciseName, Notes, ProgramItem, SetNotes, WorkoutName,
    check_set, muscle_groups,
};
use std::collections::HashSet;
use uuid::Uuid;

/// A whole document that passed every rule (the reference the
/// batch-by-batch import is tested against).
#[cfg(test)]
#[derive(Debug, Clone)]
pub struct Checked {
    /// The document, normalised.
    pub doc: super::Document,
    /// Each event read as the calendar reads it, with its changed
    /// occurrences and the series end to store (same order as `doc.events`).
    pub events: Vec<CheckedEvent>,
}

/// One event, read by the calendar's rules.
#[derive(Debug, Clone)]
pub struct CheckedEvent {
    /// The event.
    pub event: Event,
    /// Its changed occurrences.
    pub overrides: Vec<Override>,
    /// When its last occurrence ends.
    pub series_end: Option<DateTime<Utc>>,
}

/// Prefixes a module's field error with the item's path.
fn under(path: &str) -> impl Fn(FieldError) -> FieldError + '_ {
    move |e| {
        let field = if e.field.starts_with('[') {
            format!("{path}{}", e.field)
        } else {
            format!("{path}.{}", e.field)
        };
        FieldError::new(field, e.message)
    }
}

fn opt<T>(
    path: String,
    raw: Option<&str>,
    parse: impl Fn(&str, &str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    raw.map(|r| parse(&path, r)).transpose()
}

/// Ids of one kind must be unique within the document (not checked
/// `again`).
fn unique(again: bool, seen: &mut HashSet<Uuid>, id: Uuid, path: &str) -> Result<(), FieldError> {
    if again || seen.insert(id) {
        Ok(())
    } else {
        Err(FieldError::new(
            format!("{path}.id"),
            "id appears twice in the document",
        ))
    }
}

fn wire<T>(
    path: &str,
    raw: &str,
    parse: impl Fn(&str, &str) -> Result<T, FieldError>,
) -> Result<T, FieldError> {
    parse(path, raw)
}

/// Checks a whole document (the reference the batch-by-batch import is
/// tested against).
///
/// # Errors
/// The first broken rule, with its path.
#[cfg(test)]
pub fn check(mut doc: super::Document) -> Result<Checked, FieldError> {
    version(doc.format_version)?;
    let mut c = Checker::default();
    c.journal(&mut doc.journal)?;
    c.exercises(&mut doc.exercises)?;
    c.programs(&mut doc.programs)?;
    c.workouts(&mut doc.workouts)?;
    c.projects(&mut doc.projects)?;
    c.captures(&mut doc.captures)?;
    let events = c.events(&mut doc.events)?;
    Ok(Checked { doc, events })
}

/// The document's `format_version` must be this server's.
///
/// # Errors
/// Any other version.
pub fn version(format_version: u32) -> Result<(), FieldError> {
    if format_version == FORMAT_VERSION {
        Ok(())
    } else {
        Err(FieldError::new(
            "format_version",
            format!(
                "format_version {format_version} is not supported (this server reads {FORMAT_VERSION})"
            ),
        ))
    }
}

/// Checks a document section by section, batch by batch, as it is read:
/// what must hold across the whole document (an id once per kind, an
/// exercise name once) is remembered between batches, and each item's
/// path counts from its section's start.
#[derive(Debug, Default)]
pub struct Checker {
    /// A second reading of a document already checked: ids are not
    /// remembered again (100,000 of them are megabytes).
    again: bool,
    /// Items checked so far, per section (the next item's index).
    count: [usize; 8],
    journal: HashSet<Uuid>,
    exercises: HashSet<Uuid>,
    exercise_names: HashSet<String>,
    programs: HashSet<Uuid>,
    program_items: HashSet<Uuid>,
    workouts: HashSet<Uuid>,
    logs: HashSet<Uuid>,
    projects: HashSet<Uuid>,
    tasks: HashSet<Uuid>,
    notes: HashSet<Uuid>,
    captures: HashSet<Uuid>,
    events: HashSet<Uuid>,
}

impl Checker {
    /// For a second reading of a document this checker's kind already
    /// passed: every rule but the uniqueness of ids (which needs every id
    /// remembered, and held the first time).
    #[must_use]
    pub fn again() -> Self {
        Self {
            again: true,
            ..Self::default()
        }
    }

    /// The index of the next item of `section`, counting `n` more.
    fn advance(&mut self, section: usize, n: usize) -> usize {
        let first = self.count[section];
        self.count[section] += n;
        first
    }
    /// Journal entries: content by its kind's rules, word counts
    /// recomputed.
    ///
    /// # Errors
    /// The first broken rule, with its path.
    pub fn journal(&mut self, items: &mut [JournalDoc]) -> Result<(), FieldError> {
        let first = self.advance(0, items.len());
        for (i, e) in items.iter_mut().enumerate() {
            let path = format!("journal[{}]", first + i);
            unique(self.again, &mut self.journal, e.id, &path)?;
            let kind = wire(
                &format!("{path}.entry_type"),
                &e.entry_type,
                EntryKind::parse,
            )?;
            let content = Content::parse(kind, e.content.take()).map_err(under(&path))?;
            e.word_count = content.word_count();
            e.content = content.into_value();
        }
        Ok(())
    }

    /// Exercises: names trimmed and unique ignoring case.
    ///
    /// # Errors
    /// The first broken rule, with its path.
    pub fn exercises(&mut self, items: &mut [ExerciseDoc]) -> Result<(), FieldError> {
        let first = self.advance(1, items.len());
        for (i, x) in items.iter_mut().enumerate() {
            let path = format!("exercises[{}]", first + i);
            unique(self.again, &mut self.exercises, x.id, &path)?;
            x.name = ExerciseName::parse_at(&format!("{path}.name"), &x.name)?.into_string();
            if !self.exercise_names.insert(x.name.to_lowercase()) {
                return Err(FieldError::new(
                    format!("{path}.name"),
                    "an exercise of this name appears twice in the document",
                ));
            }
            wire(&format!("{path}.category"), &x.category, Category::parse)?;
            x.muscle_groups =
                muscle_groups(std::mem::take(&mut x.muscle_groups)).map_err(under(&path))?;
            opt(
                format!("{path}.equipment"),
                x.equipment.as_deref(),
                Equipment::parse_at,
            )?;
            opt(format!("{path}.notes"), x.notes.as_deref(), Notes::parse_at)?;
        }
        Ok(())
    }

    /// Programs: each list sorted and renumbered, each item by the
    /// workouts module's rules.
    ///
    /// # Errors
    /// The first broken rule, with its path.
    pub fn programs(&mut self, items: &mut [ProgramDoc]) -> Result<(), FieldError> {
        let first = self.advance(2, items.len());
        for (i, p) in items.iter_mut().enumerate() {
            let path = format!("programs[{}]", first + i);
            unique(self.again, &mut self.programs, p.id, &path)?;
            p.name = WorkoutName::parse_at(&format!("{path}.name"), &p.name)?.into_string();
            opt(
                format!("{path}.description"),
                p.description.as_deref(),
                Notes::parse_at,
            )?;
            p.exercises.sort_by_key(|x| x.position);
            let list = format!("{path}.exercises");
            for (j, x) in p.exercises.iter_mut().enumerate() {
                unique(
                    self.again,
                    &mut self.program_items,
                    x.id,
                    &format!("{list}[{j}]"),
                )?;
                x.position = i32::try_from(j).unwrap_or(i32::MAX);
                ProgramItem {
                    exercise_id: ExerciseId(x.exercise_id),
                    target_sets: x.target_sets,
                    target_reps: x.target_reps,
                    target_weight: x.target_weight,
                    rest_seconds: x.rest_seconds,
                    notes: x.notes.clone(),
                }
                .check(j)
                .map_err(under(&list))?;
            }
        }
        Ok(())
    }

    /// Workout sessions and their sets.
    ///
    /// # Errors
    /// The first broken rule, with its path.
    pub fn workouts(&mut self, items: &mut [WorkoutDoc]) -> Result<(), FieldError> {
        let first = self.advance(3, items.len());
        for (i, w) in items.iter_mut().enumerate() {
            let path = format!("workouts[{}]", first + i);
            unique(self.again, &mut self.workouts, w.id, &path)?;
            w.name = WorkoutName::parse_at(&format!("{path}.name"), &w.name)?.into_string();
            opt(format!("{path}.notes"), w.notes.as_deref(), Notes::parse_at)?;
            if w.ended_at.is_some_and(|end| end < w.started_at) {
                return Err(FieldError::new(
                    format!("{path}.ended_at"),
                    "ended_at must not be before started_at",
                ));
            }
            for (j, l) in w.logs.iter().enumerate() {
                let at = format!("{path}.logs[{j}]");
                unique(self.again, &mut self.logs, l.id, &at)?;
                check_set(Some(l.set_number), Some(l.reps), Some(l.weight), l.rpe)
                    .map_err(under(&at))?;
                opt(
                    format!("{at}.notes"),
                    l.notes.as_deref(),
                    SetNotes::parse_at,
                )?;
            }
        }
        Ok(())
    }

    /// Projects with their tasks and notes.
    ///
    /// # Errors
    /// The first broken rule, with its path.
    pub fn projects(&mut self, items: &mut [ProjectDoc]) -> Result<(), FieldError> {
        let first = self.advance(4, items.len());
        for (i, p) in items.iter_mut().enumerate() {
            let path = format!("projects[{}]", first + i);
            unique(self.again, &mut self.projects, p.id, &path)?;
            p.name = ProjectName::parse_at(&format!("{path}.name"), &p.name)?.into_string();
            opt(
                format!("{path}.description"),
                p.description.as_deref(),
                Description::parse_at,
            )?;
            wire(&format!("{path}.status"), &p.status, ProjectStatus::parse)?;
            opt(format!("{path}.color"), p.color.as_deref(), |f, c| {
                Color::parse(c).map_err(|e| FieldError::new(f, e.message))
            })?;
            for (j, t) in p.tasks.iter_mut().enumerate() {
                let at = format!("{path}.tasks[{j}]");
                unique(self.again, &mut self.tasks, t.id, &at)?;
                t.title = TaskTitle::parse_at(&format!("{at}.title"), &t.title)?.into_string();
                opt(
                    format!("{at}.description"),
                    t.description.as_deref(),
                    Description::parse_at,
                )?;
                let status = wire(&format!("{at}.status"), &t.status, TaskStatus::parse)?;
                opt(
                    format!("{at}.priority"),
                    t.priority.as_deref(),
                    Priority::parse,
                )?;
                if (status == TaskStatus::Done) != t.completed_at.is_some() {
                    return Err(FieldError::new(
                        format!("{at}.completed_at"),
                        "completed_at must be set exactly when status is done",
                    ));
                }
            }
            for (j, n) in p.notes.iter_mut().enumerate() {
                let at = format!("{path}.notes[{j}]");
                unique(self.again, &mut self.notes, n.id, &at)?;
                n.title = NoteTitle::parse_at(&format!("{at}.title"), &n.title)?.into_string();
                NoteBody::parse_at(&format!("{at}.body"), &n.body)?;
            }
        }
        Ok(())
    }

    /// Captures.
    ///
    /// # Errors
    /// The first broken rule, with its path.
    pub fn captures(&mut self, items: &mut [CaptureDoc]) -> Result<(), FieldError> {
        let first = self.advance(5, items.len());
        for (i, c) in items.iter_mut().enumerate() {
            let path = format!("captures[{}]", first + i);
            unique(self.again, &mut self.captures, c.id, &path)?;
            c.content =
                CaptureContent::parse_at(&format!("{path}.content"), &c.content)?.into_string();
            c.source = CaptureSource::parse_at(&format!("{path}.source"), &c.source)?.into_string();
            let status = wire(&format!("{path}.status"), &c.status, CaptureStatus::parse)?;
            if (status == CaptureStatus::Inbox) != c.processed_at.is_none() {
                return Err(FieldError::new(
                    format!("{path}.processed_at"),
                    "processed_at must be set exactly when the capture left the inbox",
                ));
            }
            if let Some(t) = &c.converted_to {
                wire(
                    &format!("{path}.converted_to.type"),
                    &t.kind,
                    TargetKind::parse,
                )?;
            }
        }
        Ok(())
    }

    /// Events, read as the calendar reads them.
    ///
    /// # Errors
    /// The first broken rule, with its path.
    pub fn events(&mut self, items: &mut [EventDoc]) -> Result<Vec<CheckedEvent>, FieldError> {
        let first = self.advance(6, items.len());
        items
            .iter_mut()
            .enumerate()
            .map(|(i, e)| {
                let path = format!("events[{}]", first + i);
                unique(self.again, &mut self.events, e.id, &path)?;
                event(&path, e)
            })
            .collect()
    }
}

fn when(path: &str, raw: Option<&str>, all_day: bool) -> Result<Option<When>, FieldError> {
    raw.map(|r| When::parse(path, r, all_day)).transpose()
}

fn override_of(path: &str, o: &OverrideDoc, all_day: bool) -> Result<Override, FieldError> {
    Ok(Override {
        recurrence_id: When::parse(&format!("{path}.recurrence_id"), &o.recurrence_id, all_day)?,
        title: opt(
            format!("{path}.title"),
            o.title.as_deref(),
            EventTitle::parse_at,
        )?
        .map(EventTitle::into_string),
        description: opt(
            format!("{path}.description"),
            o.description.as_deref(),
            EventDescription::parse_at,
        )?
        .map(EventDescription::into_string),
        location: opt(
            format!("{path}.location"),
            o.location.as_deref(),
            Location::parse_at,
        )?
        .map(Location::into_string),
        start: when(&format!("{path}.start"), o.start.as_deref(), all_day)?,
        end: when(&format!("{path}.end"), o.end.as_deref(), all_day)?,
        color: opt(format!("{path}.color"), o.color.as_deref(), |f, c| {
            Color::parse(c).map_err(|e| FieldError::new(f, e.message))
        })?
        .map(Color::into_string),
    })
}

fn event(path: &str, e: &mut EventDoc) -> Result<CheckedEvent, FieldError> {
    e.title = EventTitle::parse_at(&format!("{path}.title"), &e.title)?.into_string();
    opt(
        format!("{path}.description"),
        e.description.as_deref(),
        EventDescription::parse_at,
    )?;
    opt(
        format!("{path}.location"),
        e.location.as_deref(),
        Location::parse_at,
    )?;
    let start = When::parse(&format!("{path}.start"), &e.start, e.all_day)?;
    let end = When::parse(&format!("{path}.end"), &e.end, e.all_day)?;
    let span = Span::new(start, Some(end)).map_err(under(path))?;
    let timezone = parse_timezone(&e.timezone).map_err(under(path))?;
    let exdates = parse_exdates(&e.exdates, e.all_day).map_err(under(path))?;
    opt(format!("{path}.color"), e.color.as_deref(), |f, c| {
        Color::parse(c).map_err(|x| FieldError::new(f, x.message))
    })?;
    let rrule = e
        .rrule
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    e.rrule.clone_from(&rrule);
    let overrides = e
        .overrides
        .iter()
        .enumerate()
        .map(|(j, o)| override_of(&format!("{path}.overrides[{j}]"), o, e.all_day))
        .collect::<Result<Vec<_>, _>>()?;
    let event = Event {
        id: EventId(e.id),
        title: e.title.clone(),
        description: e.description.clone(),
        location: e.location.clone(),
        span,
        timezone,
        rrule,
        exdates,
        color: e.color.clone(),
        created_at: e.created_at,
        updated_at: e.updated_at,
    };
    let series_end = check_restored(&event, &overrides).map_err(under(path))?;
    Ok(CheckedEvent {
        event,
        overrides,
        series_end,
    })
}
