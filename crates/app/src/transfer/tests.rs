use super::*;
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_journal::EntryKind;
use lifeos_kernel::{FixedClock, WeekStart};
use serde_json::json;
use std::collections::VecDeque;
use uuid::Uuid;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn user() -> UserDoc {
    UserDoc {
        id: id(1),
        username: "ada".into(),
        timezone: "Europe/Berlin".into(),
        week_start: "monday".into(),
        weight_unit: "kg".into(),
        created_at: t("2026-01-01T00:00:00Z"),
    }
}

fn empty() -> Document {
    Document {
        format_version: 1,
        exported_at: t("2026-11-30T10:00:00Z"),
        user: user(),
        journal: vec![],
        exercises: vec![],
        programs: vec![],
        workouts: vec![],
        projects: vec![],
        captures: vec![],
        events: vec![],
        api_keys: vec![],
    }
}

fn entry(n: u128, date: &str, body: &str) -> JournalDoc {
    JournalDoc {
        id: id(n),
        entry_type: "morning_pages".into(),
        entry_date: date.parse().unwrap(),
        content: json!({ "body": body }),
        word_count: 0,
        created_at: t("2026-11-01T07:00:00Z"),
        updated_at: t("2026-11-01T07:00:00Z"),
    }
}

fn exercise(n: u128, name: &str) -> ExerciseDoc {
    ExerciseDoc {
        id: id(n),
        name: name.into(),
        category: "strength".into(),
        muscle_groups: vec!["legs".into()],
        equipment: None,
        notes: None,
        archived: false,
        created_at: t("2026-11-01T07:00:00Z"),
        updated_at: t("2026-11-01T07:00:00Z"),
    }
}

fn task(n: u128, position: i32) -> TaskDoc {
    TaskDoc {
        id: id(n),
        title: format!("task {n}"),
        description: None,
        status: "todo".into(),
        priority: None,
        due_date: None,
        position,
        completed_at: None,
        created_at: t("2026-11-01T07:00:00Z"),
        updated_at: t("2026-11-01T07:00:00Z"),
    }
}

fn project(n: u128, position: i32, tasks: Vec<TaskDoc>) -> ProjectDoc {
    ProjectDoc {
        id: id(n),
        name: format!("project {n}"),
        description: None,
        status: "active".into(),
        color: Some("#AABBCC".into()),
        due_date: None,
        position,
        tasks,
        notes: vec![],
        created_at: t("2026-11-01T07:00:00Z"),
        updated_at: t("2026-11-01T07:00:00Z"),
    }
}

fn workout(n: u128, logs: Vec<LogDoc>) -> WorkoutDoc {
    WorkoutDoc {
        id: id(n),
        program_id: None,
        name: "Legs".into(),
        started_at: t("2026-11-02T18:00:00Z"),
        ended_at: Some(t("2026-11-02T19:00:00Z")),
        notes: None,
        logs,
        created_at: t("2026-11-02T18:00:00Z"),
        updated_at: t("2026-11-02T19:00:00Z"),
    }
}

fn log(n: u128, exercise: u128) -> LogDoc {
    LogDoc {
        id: id(n),
        exercise_id: id(exercise),
        set_number: 1,
        reps: 5,
        weight: 100.0,
        rpe: Some(8.0),
        notes: None,
        created_at: t("2026-11-02T18:10:00Z"),
    }
}

fn event(n: u128) -> EventDoc {
    EventDoc {
        id: id(n),
        title: "Standup".into(),
        description: None,
        location: None,
        start: "2026-11-02T08:00:00Z".into(),
        end: "2026-11-02T08:15:00Z".into(),
        all_day: false,
        timezone: "Europe/Berlin".into(),
        rrule: Some("FREQ=DAILY;COUNT=5".into()),
        exdates: vec!["2026-11-03T08:00:00Z".into()],
        color: None,
        overrides: vec![OverrideDoc {
            recurrence_id: "2026-11-04T08:00:00Z".into(),
            title: Some("Long standup".into()),
            description: None,
            location: None,
            start: None,
            end: Some("2026-11-04T09:00:00Z".into()),
            color: None,
        }],
        created_at: t("2026-11-01T07:00:00Z"),
        updated_at: t("2026-11-01T07:00:00Z"),
    }
}

fn capture(n: u128, target: Option<(&str, u128)>) -> CaptureDoc {
    CaptureDoc {
        id: id(n),
        content: "call the landlord".into(),
        source: "siri".into(),
        status: if target.is_some() {
            "processed"
        } else {
            "inbox"
        }
        .into(),
        converted_to: target.map(|(kind, to)| TargetDoc {
            kind: kind.into(),
            id: id(to),
        }),
        created_at: t("2026-11-01T07:00:00Z"),
        processed_at: target.map(|_| t("2026-11-01T08:00:00Z")),
    }
}

fn invalid(doc: Document) -> FieldError {
    check(doc).unwrap_err()
}

fn sequence() -> impl FnMut() -> Uuid {
    let mut n = 1000;
    move || {
        n += 1;
        id(n)
    }
}

fn planned(doc: Document, facts: &Facts) -> Result<Restore, FieldError> {
    plan(check(doc).unwrap(), facts, &mut sequence())
}

#[test]
fn an_unknown_format_version_is_refused() {
    let mut doc = empty();
    doc.format_version = 2;
    assert_eq!(invalid(doc).field, "format_version");
}

#[test]
fn each_bad_item_is_named_by_its_path() {
    let mut doc = empty();
    doc.journal = vec![entry(10, "2026-11-01", "ok"), entry(11, "2026-11-02", " ")];
    assert_eq!(invalid(doc).field, "journal[1].content.body");

    let mut doc = empty();
    doc.projects = vec![project(20, 0, vec![task(21, 0), task(22, 1)])];
    doc.projects[0].tasks[1].status = "done".into();
    assert_eq!(invalid(doc).field, "projects[0].tasks[1].completed_at");

    let mut doc = empty();
    doc.workouts = vec![workout(30, vec![log(31, 40)])];
    doc.workouts[0].logs[0].rpe = Some(11.0);
    assert_eq!(invalid(doc).field, "workouts[0].logs[0].rpe");

    let mut doc = empty();
    doc.exercises = vec![exercise(40, "Squat"), exercise(41, " squat ")];
    assert_eq!(invalid(doc).field, "exercises[1].name");

    let mut doc = empty();
    doc.exercises = vec![exercise(40, "Squat")];
    doc.exercises[0].muscle_groups = vec![" ".into()];
    assert_eq!(invalid(doc).field, "exercises[0].muscle_groups[0]");

    let mut doc = empty();
    doc.events = vec![event(50)];
    doc.events[0].overrides[0].recurrence_id = "2026-11-04T08:30:00Z".into();
    assert_eq!(invalid(doc).field, "events[0].overrides[0].recurrence_id");

    let mut doc = empty();
    doc.events = vec![event(50)];
    doc.events[0].timezone = "Mars/Olympus".into();
    assert_eq!(invalid(doc).field, "events[0].timezone");

    let mut doc = empty();
    doc.captures = vec![capture(60, Some(("task", 21)))];
    doc.captures[0].processed_at = None;
    assert_eq!(invalid(doc).field, "captures[0].processed_at");

    let mut doc = empty();
    doc.captures = vec![capture(60, None), capture(60, None)];
    assert_eq!(invalid(doc).field, "captures[1].id");

    let mut doc = empty();
    doc.projects = vec![project(20, 0, vec![])];
    doc.projects[0].color = Some("red".into());
    assert_eq!(invalid(doc).field, "projects[0].color");
}

#[test]
fn checking_normalises_as_creation_does() {
    let mut doc = empty();
    doc.journal = vec![entry(10, "2026-11-01", "three small words")];
    doc.exercises = vec![exercise(40, "  Squat ")];
    let c = check(doc).unwrap();
    assert_eq!(c.doc.journal[0].word_count, 3);
    assert_eq!(c.doc.exercises[0].name, "Squat");
}

#[test]
fn free_ids_are_kept_and_nothing_is_moved() {
    let mut doc = empty();
    doc.journal = vec![entry(10, "2026-11-01", "a")];
    doc.exercises = vec![exercise(40, "Squat")];
    doc.workouts = vec![workout(30, vec![log(31, 40)])];
    doc.projects = vec![project(20, 0, vec![task(21, 0)])];
    doc.captures = vec![capture(60, Some(("task", 21)))];
    doc.events = vec![event(50)];
    let r = planned(doc, &Facts::default()).unwrap();
    assert_eq!(r.journal[0].doc.id, id(10));
    assert_eq!(r.logs, vec![(id(30), log(31, 40))]);
    assert_eq!(r.tasks[0].0, id(20));
    assert_eq!(r.captures[0].converted_to.as_ref().unwrap().id, id(21));
    assert_eq!(r.events[0].event.id.0, id(50));
    assert_eq!(r.events[0].overrides.len(), 1);
    assert_eq!(r.report.created["journal"], 1);
    assert_eq!(r.report.created["logs"], 1);
    assert_eq!(r.report.created["events"], 1);
    assert_eq!(r.report.skipped["journal"], 0);
    assert_eq!(r.report.reassigned["tasks"], 0);
}

#[test]
fn ids_of_another_account_get_new_ids_and_references_follow() {
    let mut doc = empty();
    doc.exercises = vec![exercise(40, "Squat")];
    doc.workouts = vec![workout(30, vec![log(31, 40)])];
    doc.projects = vec![project(20, 0, vec![task(21, 0)])];
    doc.captures = vec![capture(60, Some(("task", 21)))];
    let mut facts = Facts::default();
    for (k, n) in [
        (Kind::Exercise, 40),
        (Kind::Project, 20),
        (Kind::Task, 21),
        (Kind::Workout, 30),
    ] {
        facts.holders.insert((k, id(n)), Holder::Other);
    }
    let r = planned(doc, &facts).unwrap();
    let squat = r.exercises[0].id;
    let project = r.projects[0].id;
    let task = r.tasks[0].1.id;
    assert!(![squat, project, task].contains(&id(40)));
    assert_ne!(project, id(20));
    assert_ne!(task, id(21));
    assert_eq!(r.tasks[0].0, project, "the task follows its project");
    assert_eq!(
        r.logs[0].1.exercise_id, squat,
        "the set follows its exercise"
    );
    assert_eq!(r.logs[0].0, r.workouts[0].id, "the set follows its session");
    assert_eq!(r.logs[0].1.id, id(31), "a free id is kept");
    assert_eq!(r.captures[0].converted_to.as_ref().unwrap().id, task);
    assert_eq!(r.report.reassigned["exercises"], 1);
    assert_eq!(r.report.reassigned["projects"], 1);
    assert_eq!(r.report.created["projects"], 0);
    assert_eq!(r.report.created["logs"], 1);
}

#[test]
fn items_already_here_are_left_alone_and_new_children_join_them() {
    let mut doc = empty();
    doc.journal = vec![entry(10, "2026-11-01", "a")];
    doc.projects = vec![project(20, 0, vec![task(21, 0), task(22, 1)])];
    let mut facts = Facts::default();
    facts.holders.insert((Kind::Journal, id(10)), Holder::Mine);
    facts.holders.insert((Kind::Project, id(20)), Holder::Mine);
    facts.holders.insert((Kind::Task, id(21)), Holder::Mine);
    facts.last_task_position.insert(id(20), 4);
    let r = planned(doc, &facts).unwrap();
    assert!(r.journal.is_empty());
    assert!(r.projects.is_empty());
    assert_eq!(r.tasks.len(), 1);
    assert_eq!(r.tasks[0].0, id(20));
    assert_eq!(
        r.tasks[0].1.position, 5,
        "appended after the project's tasks"
    );
    assert_eq!(r.report.skipped["journal"], 1);
    assert_eq!(r.report.skipped["projects"], 1);
    assert_eq!(r.report.skipped["tasks"], 1);
    assert_eq!(r.report.created["tasks"], 1);
}

#[test]
fn imported_projects_go_after_the_accounts_in_their_order() {
    let mut doc = empty();
    doc.projects = vec![
        project(22, 7, vec![task(31, 9), task(30, 2)]),
        project(21, 3, vec![]),
    ];
    let facts = Facts {
        last_project_position: Some(1),
        ..Facts::default()
    };
    let r = planned(doc, &facts).unwrap();
    // Written in the document's order, placed in the order of positions.
    let positions: Vec<_> = r.projects.iter().map(|p| (p.id, p.position)).collect();
    assert_eq!(positions, vec![(id(22), 3), (id(21), 2)]);
    let tasks: Vec<_> = r.tasks.iter().map(|(_, t)| (t.id, t.position)).collect();
    assert_eq!(tasks, vec![(id(30), 0), (id(31), 1)]);
}

#[test]
fn an_exercise_whose_name_the_account_uses_is_the_accounts() {
    let mut doc = empty();
    doc.exercises = vec![exercise(40, "Squat")];
    doc.workouts = vec![workout(30, vec![log(31, 40)])];
    let mut facts = Facts::default();
    facts.exercise_names.insert("squat".into(), id(99));
    let r = planned(doc, &facts).unwrap();
    assert!(r.exercises.is_empty());
    assert_eq!(r.logs[0].1.exercise_id, id(99));
    assert_eq!(r.report.skipped["exercises"], 1);
}

#[test]
fn references_never_land_in_another_account() {
    let mut doc = empty();
    doc.workouts = vec![workout(30, vec![log(31, 40)])];
    let mut facts = Facts::default();
    facts
        .holders
        .insert((Kind::Exercise, id(40)), Holder::Other);
    let e = planned(doc.clone(), &facts).unwrap_err();
    assert_eq!(e.field, "workouts[0].logs[0].exercise_id");
    assert_eq!(
        planned(doc.clone(), &Facts::default()).unwrap_err().field,
        e.field
    );

    facts.holders.insert((Kind::Exercise, id(40)), Holder::Mine);
    assert_eq!(
        planned(doc.clone(), &facts).unwrap().logs[0].1.exercise_id,
        id(40)
    );

    doc.workouts[0].program_id = Some(id(70));
    assert_eq!(
        planned(doc, &facts).unwrap_err().field,
        "workouts[0].program_id"
    );
}

#[test]
fn a_second_entry_for_a_period_is_skipped() {
    let mut doc = empty();
    let review = |n, date: &str| JournalDoc {
        entry_type: "weekly_review".into(),
        content: json!({"big_wins": "a", "challenges": "b", "learnings": "c", "next_week_focus": "d"}),
        ..entry(n, date, "")
    };
    // Sunday the 29th and Monday the 30th: two weeks when weeks start on
    // Monday, one when they start on Sunday.
    doc.journal = vec![review(10, "2026-11-29"), review(11, "2026-11-30")];
    let monday = Facts::default();
    assert_eq!(planned(doc.clone(), &monday).unwrap().journal.len(), 2);
    let sunday = Facts {
        week_start: WeekStart::Sunday,
        ..Facts::default()
    };
    let r = planned(doc.clone(), &sunday).unwrap();
    assert_eq!(r.journal.len(), 1);
    assert_eq!(r.report.skipped["journal"], 1);
    let mut taken = Facts::default();
    taken.journal_periods.insert((
        EntryKind::WeeklyReview,
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    ));
    let r = planned(doc, &taken).unwrap();
    assert_eq!(
        r.journal.iter().map(|e| e.doc.id).collect::<Vec<_>>(),
        vec![id(10)]
    );
}

#[test]
fn wanted_names_every_id_and_reference() {
    let mut doc = empty();
    doc.journal = vec![entry(10, "2026-11-04", "a")];
    doc.workouts = vec![workout(30, vec![log(31, 40)])];
    doc.workouts[0].program_id = Some(id(70));
    let w = wanted(&check(doc).unwrap());
    assert_eq!(w.ids[&Kind::Exercise], vec![id(40)]);
    assert_eq!(w.ids[&Kind::Program], vec![id(70)]);
    assert_eq!(w.ids[&Kind::Log], vec![id(31)]);
    let days: Vec<String> = w.journal_periods.iter().map(ToString::to_string).collect();
    assert_eq!(days, vec!["2026-11-01", "2026-11-02", "2026-11-04"]);
}

/// Reads a stream to its end (at most 100 pieces: a stream that never
/// ends fails the test instead of hanging it).
async fn drain(stream: &mut ExportStream) -> (Vec<u8>, usize) {
    let mut text = Vec::new();
    for pieces in 0..100 {
        match stream.next_chunk().await.unwrap() {
            Some(piece) => text.extend(piece),
            None => return (text, pieces),
        }
    }
    panic!("the stream never ended");
}

struct Batches(Option<UserDoc>, VecDeque<Batch>);

#[async_trait::async_trait]
impl ExportSnapshot for Batches {
    async fn user(&mut self) -> Result<UserDoc, StoreError> {
        self.0.take().ok_or(StoreError::NotFound)
    }
    async fn next_batch(&mut self) -> Result<Option<Batch>, StoreError> {
        Ok(self.1.pop_front())
    }
}

struct Reader(std::sync::Mutex<Option<Batches>>);

#[async_trait::async_trait]
impl ExportReader for Reader {
    async fn open(&self, _user: UserId) -> Result<Box<dyn ExportSnapshot>, StoreError> {
        let b = self.0.lock().unwrap().take().ok_or(StoreError::NotFound)?;
        Ok(Box::new(b))
    }
}

#[tokio::test]
async fn the_stream_writes_every_section_in_order_and_parses_back() {
    let batches = VecDeque::from([
        Batch::Journal(vec![
            entry(10, "2026-11-01", "a"),
            entry(11, "2026-11-02", "b"),
        ]),
        Batch::Journal(vec![entry(12, "2026-11-03", "c")]),
        Batch::Projects(vec![project(20, 0, vec![task(21, 0)])]),
        Batch::Events(vec![event(50)]),
    ]);
    let reader = Reader(std::sync::Mutex::new(Some(Batches(Some(user()), batches))));
    let clock = FixedClock::new(t("2026-11-30T10:00:00Z"));
    let export = Export::new(Arc::new(reader), Arc::new(clock));
    let mut stream = export.start(UserId(id(1))).await.unwrap();
    let (text, pieces) = drain(&mut stream).await;
    assert_eq!(pieces, 6, "the head, one piece per batch, the tail");
    assert!(stream.next_chunk().await.unwrap().is_none());
    let doc: Document = serde_json::from_slice(&text).unwrap();
    assert_eq!(doc.exported_at, t("2026-11-30T10:00:00Z"));
    assert_eq!(doc.user, user());
    assert_eq!(doc.journal.len(), 3);
    assert_eq!(doc.projects[0].tasks[0].id, id(21));
    assert_eq!(doc.events[0], event(50));
    let v: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    for section in SECTIONS {
        assert!(v[section].is_array(), "{section} in {keys:?}");
    }
    assert_eq!(
        export.today(),
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    );
}

#[tokio::test]
async fn an_empty_account_exports_empty_sections() {
    let reader = Reader(std::sync::Mutex::new(Some(Batches(
        Some(user()),
        VecDeque::new(),
    ))));
    let clock = FixedClock::new(t("2026-11-30T10:00:00Z"));
    let export = Export::new(Arc::new(reader), Arc::new(clock));
    let mut stream = export.start(UserId(id(1))).await.unwrap();
    let (text, _) = drain(&mut stream).await;
    let doc: Document = serde_json::from_slice(&text).unwrap();
    assert_eq!(doc, empty());
}

#[test]
fn a_checked_document_serialises_back_to_what_was_read() {
    let mut doc = empty();
    doc.journal = vec![entry(10, "2026-11-01", "a b")];
    doc.journal[0].word_count = 2;
    doc.events = vec![event(50)];
    let text = serde_json::to_string(&doc).unwrap();
    let back: Document = serde_json::from_str(&text).unwrap();
    assert_eq!(check(back).unwrap().doc, doc);
}

/// A document read section by section in a chosen order, `size` items a
/// batch, counting its passes.
struct Sections {
    doc: Document,
    order: Vec<usize>,
    size: usize,
    scans: usize,
}

impl Sections {
    fn new(doc: Document) -> Self {
        Self {
            doc,
            order: (0..SECTIONS.len()).collect(),
            size: 2,
            scans: 0,
        }
    }

    fn batches<T: Clone>(&self, v: &[T], wrap: fn(Vec<T>) -> Batch) -> Vec<Batch> {
        v.chunks(self.size).map(|c| wrap(c.to_vec())).collect()
    }
}

impl DocumentSource for Sections {
    fn scan(
        &mut self,
        wanted: &dyn Fn(usize) -> bool,
        visit: &mut dyn FnMut(Part) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        self.scans += 1;
        visit(Part::Version(self.doc.format_version))?;
        for &s in &self.order {
            visit(Part::Section(s))?;
            if !wanted(s) {
                continue;
            }
            let d = &self.doc;
            let batches = match s {
                0 => self.batches(&d.journal, Batch::Journal),
                1 => self.batches(&d.exercises, Batch::Exercises),
                2 => self.batches(&d.programs, Batch::Programs),
                3 => self.batches(&d.workouts, Batch::Workouts),
                4 => self.batches(&d.projects, Batch::Projects),
                5 => self.batches(&d.captures, Batch::Captures),
                6 => self.batches(&d.events, Batch::Events),
                _ => self.batches(&d.api_keys, Batch::ApiKeys),
            };
            for b in batches {
                visit(Part::Batch(b))?;
            }
        }
        Ok(())
    }
}

/// Every batch's rows, joined in the order they were handed over.
fn join(all: &mut Restore, r: Restore) {
    all.journal.extend(r.journal);
    all.exercises.extend(r.exercises);
    all.programs.extend(r.programs);
    all.workouts.extend(r.workouts);
    all.logs.extend(r.logs);
    all.projects.extend(r.projects);
    all.tasks.extend(r.tasks);
    all.notes.extend(r.notes);
    all.captures.extend(r.captures);
    all.events.extend(r.events);
}

/// An import store that runs the planner over given facts and keeps what
/// it would write, and how many batches.
struct Planned {
    facts: Facts,
    seen: std::sync::Mutex<Option<(UserId, Wanted, Restore, usize)>>,
}

#[async_trait::async_trait]
impl ImportStore for Planned {
    async fn restore(
        &self,
        user: UserId,
        wanted: Wanted,
        planner: Planner,
    ) -> Result<Report, ImportError> {
        let (mut all, mut batches) = (Restore::default(), 0);
        let report = planner(&self.facts, &mut |r| {
            batches += 1;
            join(&mut all, r);
            true
        })?;
        *self.seen.lock().unwrap() = Some((user, wanted, all, batches));
        Ok(report)
    }
}

/// A document with a bit of every section, references across them.
fn every_section() -> Document {
    let mut doc = empty();
    doc.journal = (0..5)
        .map(|i| entry(10 + i, &format!("2026-11-0{}", i + 1), "words"))
        .collect();
    doc.exercises = vec![exercise(40, "Squat"), exercise(41, "Bench")];
    let item = |n: u128, exercise: u128, position: i32| ProgramItemDoc {
        id: id(n),
        exercise_id: id(exercise),
        position,
        target_sets: Some(3),
        target_reps: Some(5),
        target_weight: None,
        rest_seconds: None,
        notes: None,
    };
    doc.programs = vec![ProgramDoc {
        id: id(70),
        name: "A".into(),
        description: None,
        archived: false,
        exercises: vec![item(71, 41, 0), item(72, 40, 1)],
        created_at: t("2026-11-01T07:00:00Z"),
        updated_at: t("2026-11-01T07:00:00Z"),
    }];
    doc.workouts = vec![
        workout(30, vec![log(31, 40), log(32, 41)]),
        workout(33, vec![]),
    ];
    doc.workouts[1].program_id = Some(id(70));
    doc.projects = vec![
        project(22, 7, vec![task(26, 1), task(25, 0)]),
        project(21, 3, vec![]),
        project(23, 5, vec![]),
    ];
    doc.projects[0].notes = vec![NoteDoc {
        id: id(27),
        title: "Plan".into(),
        body: "Words.".into(),
        created_at: t("2026-11-01T07:00:00Z"),
        updated_at: t("2026-11-01T07:00:00Z"),
    }];
    doc.events = vec![event(50), event(51), event(52)];
    doc.captures = vec![
        capture(60, Some(("journal_entry", 10))),
        capture(61, Some(("event", 51))),
        capture(62, Some(("task", 25))),
        capture(63, Some(("event", 50))),
    ];
    doc
}

/// The account holds some of `every_section`'s ids already: its own and
/// another's.
fn some_taken() -> Facts {
    let mut facts = Facts {
        last_project_position: Some(4),
        ..Facts::default()
    };
    for (kind, n, holder) in [
        (Kind::Journal, 10, Holder::Other),
        (Kind::Journal, 11, Holder::Mine),
        (Kind::Exercise, 41, Holder::Other),
        (Kind::Project, 21, Holder::Mine),
        (Kind::Project, 23, Holder::Other),
        (Kind::Task, 25, Holder::Other),
        (Kind::Event, 51, Holder::Other),
        (Kind::Capture, 62, Holder::Mine),
    ] {
        facts.holders.insert((kind, id(n)), holder);
    }
    facts
}

fn streamed(source: &mut Sections, facts: &Facts) -> Result<(Restore, Report, usize), ImportError> {
    let survey = examine(source)?;
    let (mut all, mut batches) = (Restore::default(), 0);
    let report = restore_batches(source, &survey, facts, &mut sequence(), &mut |r| {
        batches += 1;
        join(&mut all, r);
        true
    })?;
    Ok((all, report, batches))
}

#[test]
fn an_import_read_in_batches_plans_what_the_whole_document_plans() {
    let doc = every_section();
    let facts = some_taken();
    let whole = planned(doc.clone(), &facts).unwrap();
    // What the whole plan writes (its counts are answered apart).
    let rows = format!(
        "{:?}",
        Restore {
            report: Report::default(),
            ..whole.clone()
        }
    );

    let mut source = Sections::new(doc.clone());
    let (all, report, batches) = streamed(&mut source, &facts).unwrap();
    assert_eq!(format!("{all:?}"), rows);
    assert_eq!(report, whole.report);
    assert_eq!(source.scans, 2, "checked in one pass, written in one more");
    // 3 + 1 + 1 + 1 + 2 + 2 + 2 batches of at most two items; API keys
    // none.
    assert_eq!(batches, 12);
    // Every kind is handed over (a kind dropped from its batch would be
    // missing here and in the whole plan alike, so count them).
    assert_eq!(
        [
            all.journal.len(),
            all.exercises.len(),
            all.programs.len(),
            all.workouts.len(),
            all.logs.len(),
            all.projects.len(),
            all.tasks.len(),
            all.notes.len(),
            all.captures.len(),
            all.events.len(),
        ],
        [4, 2, 1, 2, 2, 2, 2, 1, 3, 3]
    );
    assert_eq!(
        all.programs[0].exercises[0].exercise_id,
        all.exercises[1].id
    );
    assert_eq!(all.workouts[1].program_id, Some(id(70)));
    let target = |i: usize| all.captures[i].converted_to.as_ref().unwrap().id;
    assert_ne!(target(1), id(51), "a reassigned event is followed");
    assert_eq!(target(1), all.events[1].event.id.0);
    // Capture 62 is already here: the third written is 63.
    assert_eq!(target(2), id(50), "a kept event keeps its id");

    // Sections in another order (a hand-edited document): one pass per
    // section after the check, and the same plan.
    let mut source = Sections::new(doc);
    source.order = vec![6, 5, 7, 3, 2, 1, 4, 0];
    let (all, report, _) = streamed(&mut source, &facts).unwrap();
    assert_eq!(format!("{all:?}"), rows);
    assert_eq!(report, whole.report);
    assert_eq!(source.scans, 1 + 7);
}

#[test]
fn only_moved_ids_that_something_names_are_remembered() {
    let doc = every_section();
    let facts = some_taken();
    let survey = survey(&doc);
    let mut seq = sequence();
    let mut planning = Planning::new(&survey, &facts, &mut seq);
    // Event 51, reassigned and named by a capture, is chosen up front.
    assert_eq!(planning.remembered(), 1);
    planning.journal(doc.journal.clone()).unwrap();
    // Journal entry 10 (named by a capture) of 10 and 11 reassigned.
    assert_eq!(planning.remembered(), 2);
    planning.exercises(doc.exercises.clone());
    // Exercise 41, reassigned and named by a logged set.
    assert_eq!(planning.remembered(), 3);
    let _ = planning.projects(doc.projects.clone());
    // Task 25 (named by a capture); project 23 is named by nothing.
    assert_eq!(planning.remembered(), 4);
}

#[test]
fn a_second_reading_checks_every_rule_but_unique_ids() {
    let mut twice = vec![entry(10, "2026-11-01", "a"), entry(10, "2026-11-02", "b")];
    assert!(Checker::default().journal(&mut twice.clone()).is_err());
    assert!(Checker::again().journal(&mut twice).is_ok());
    let mut bad = vec![entry(10, "2026-11-01", "  ")];
    assert!(Checker::again().journal(&mut bad).is_err());
}

#[test]
fn a_missing_section_is_an_empty_one_and_api_keys_are_never_planned() {
    let mut s = Survey::default();
    for section in [0, 7, 4, 5] {
        s.section(section);
    }
    assert_eq!(s.rounds(), vec![vec![0, 4, 5]]);
    let mut s = Survey::default();
    for section in [5, 0] {
        s.section(section);
    }
    assert_eq!(s.rounds(), vec![vec![0], vec![5]]);
}

#[test]
fn paths_and_uniqueness_run_across_batches() {
    let mut doc = every_section();
    doc.journal[3].content = json!({"body": 7});
    let err = examine(&mut Sections::new(doc)).unwrap_err();
    assert!(matches!(err, ImportError::Invalid(f) if f.field.starts_with("journal[3]")));

    let mut doc = every_section();
    doc.journal[4].id = doc.journal[0].id;
    let err = examine(&mut Sections::new(doc)).unwrap_err();
    assert!(matches!(err, ImportError::Invalid(f) if f.field == "journal[4].id"));

    let mut doc = every_section();
    doc.format_version = 2;
    let err = examine(&mut Sections::new(doc)).unwrap_err();
    assert!(matches!(err, ImportError::Invalid(f) if f.field == "format_version"));

    // A reference is checked in the second pass, its path counted across
    // batches too.
    let mut doc = every_section();
    doc.workouts.push(workout(34, vec![log(35, 99)]));
    let err = streamed(&mut Sections::new(doc), &some_taken()).unwrap_err();
    assert!(matches!(err, ImportError::Invalid(f) if f.field == "workouts[2].logs[0].exercise_id"));

    let mut doc = every_section();
    let mut program = doc.programs[0].clone();
    program.exercises.truncate(1);
    for n in [80, 82] {
        program.id = id(n);
        program.exercises[0].id = id(n + 1);
        doc.programs.push(program.clone());
    }
    doc.programs[2].exercises[0].exercise_id = id(99);
    let err = streamed(&mut Sections::new(doc), &some_taken()).unwrap_err();
    assert!(
        matches!(err, ImportError::Invalid(f) if f.field == "programs[2].exercises[0].exercise_id")
    );
}

#[test]
fn planning_stops_when_the_writer_does() {
    let mut source = Sections::new(every_section());
    let survey = examine(&mut source).unwrap();
    let mut handed = 0;
    let stopped = restore_batches(
        &mut source,
        &survey,
        &some_taken(),
        &mut sequence(),
        &mut |_| {
            handed += 1;
            false
        },
    );
    assert!(matches!(stopped, Err(ImportError::Store(_))));
    assert_eq!(handed, 1);
}

#[tokio::test]
async fn an_import_plans_over_the_stores_facts_and_answers_its_report() {
    let mut doc = empty();
    doc.journal = vec![entry(10, "2026-11-01", "a"), entry(11, "2026-11-02", "b")];
    doc.projects = vec![project(20, 0, vec![task(21, 0)])];
    let mut facts = Facts::default();
    facts.holders.insert((Kind::Journal, id(10)), Holder::Mine);
    facts.holders.insert((Kind::Project, id(20)), Holder::Other);
    let store = Arc::new(Planned {
        facts,
        seen: std::sync::Mutex::default(),
    });
    let import = Import::new(store.clone());
    let mut source = Sections::new(doc);
    let survey = examine(&mut source).unwrap();
    let report = import
        .run(UserId(id(1)), survey, Box::new(source))
        .await
        .unwrap();
    assert_eq!(report.skipped["journal"], 1);
    assert_eq!(report.created["journal"], 1);
    assert_eq!(report.reassigned["projects"], 1);
    assert_eq!(report.created["tasks"], 1);
    let (user, wanted, restore, batches) = store.seen.lock().unwrap().take().unwrap();
    assert_eq!(user, UserId(id(1)));
    assert_eq!(wanted.ids[&Kind::Journal], vec![id(10), id(11)]);
    assert_eq!(batches, 2, "the journal's two entries, then the project");
    assert_eq!(restore.journal.len(), 1);
    let project = restore.projects[0].id;
    assert_ne!(project, id(20));
    assert_eq!(project.get_version_num(), 7, "a new id is a fresh UUIDv7");
    assert_eq!(restore.tasks[0].0, project);

    // The planner's refusal comes back as the import's.
    let mut bad = empty();
    bad.workouts = vec![workout(30, vec![log(31, 40)])];
    let mut source = Sections::new(bad);
    let survey = examine(&mut source).unwrap();
    let refused = import.run(UserId(id(1)), survey, Box::new(source)).await;
    assert!(
        matches!(refused, Err(ImportError::Invalid(f)) if f.field == "workouts[0].logs[0].exercise_id")
    );
}

#[test]
fn program_lists_session_times_and_changed_occurrence_times_are_checked() {
    let mut doc = empty();
    doc.exercises = vec![exercise(40, "Squat")];
    doc.programs = vec![ProgramDoc {
        id: id(70),
        name: "A".into(),
        description: None,
        archived: false,
        exercises: vec![ProgramItemDoc {
            id: id(71),
            exercise_id: id(40),
            position: 0,
            target_sets: Some(-1),
            target_reps: None,
            target_weight: None,
            rest_seconds: None,
            notes: None,
        }],
        created_at: t("2026-11-01T07:00:00Z"),
        updated_at: t("2026-11-01T07:00:00Z"),
    }];
    assert_eq!(
        invalid(doc.clone()).field,
        "programs[0].exercises[0].target_sets"
    );
    doc.programs[0].exercises[0].target_sets = Some(3);
    assert!(check(doc).is_ok());

    let mut doc = empty();
    doc.workouts = vec![workout(30, vec![])];
    doc.workouts[0].ended_at = Some(doc.workouts[0].started_at);
    assert!(
        check(doc.clone()).is_ok(),
        "a session may end when it starts"
    );
    doc.workouts[0].ended_at = Some(t("2026-11-02T17:59:59Z"));
    assert_eq!(invalid(doc).field, "workouts[0].ended_at");

    let mut doc = empty();
    doc.events = vec![event(50)];
    doc.events[0].overrides[0].end = Some("2026-11-04T07:00:00Z".into());
    assert_eq!(invalid(doc.clone()).field, "events[0].overrides[0].end");
    doc.events[0].overrides[0].end = Some("tomorrow".into());
    assert_eq!(invalid(doc.clone()).field, "events[0].overrides[0].end");
    doc.events[0].overrides[0].end = None;
    doc.events[0].overrides[0].start = Some("2026-11-04T10:00:00Z".into());
    let c = check(doc).unwrap();
    assert_eq!(
        c.events[0].overrides[0].start,
        Some(lifeos_calendar::When::At(t("2026-11-04T10:00:00Z")))
    );
}

#[test]
fn a_capture_follows_its_reassigned_journal_entry_and_event() {
    let mut doc = empty();
    doc.journal = vec![entry(10, "2026-11-01", "a")];
    doc.events = vec![event(50)];
    doc.captures = vec![
        capture(60, Some(("journal_entry", 10))),
        capture(61, Some(("event", 50))),
        capture(62, Some(("task", 99))),
    ];
    let mut facts = Facts::default();
    facts.holders.insert((Kind::Journal, id(10)), Holder::Other);
    facts.holders.insert((Kind::Event, id(50)), Holder::Other);
    let r = planned(doc, &facts).unwrap();
    let target = |i: usize| r.captures[i].converted_to.as_ref().unwrap().id;
    assert_eq!(target(0), r.journal[0].doc.id);
    assert_ne!(target(0), id(10));
    assert_eq!(target(1), r.events[0].event.id.0);
    assert_ne!(target(1), id(50));
    assert_eq!(
        target(2),
        id(99),
        "a target that is not in the document keeps its id"
    );
}
