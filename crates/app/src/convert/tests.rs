//! `ConvertCapture` against the modules' in-memory fakes.

use super::*;
use crate::fake::InMemoryConversions;
use lifeos_captures::{CaptureContent, TargetKind};
use lifeos_kernel::{FixedClock, PageRequest, WeekStart};
use lifeos_projects::{ProjectDraft, ProjectName};

const U: UserId = UserId(uuid::Uuid::nil());
const OTHER: UserId = UserId(uuid::Uuid::from_u128(7));
const NOW: &str = "2026-11-24T23:30:00Z";

struct World {
    captures: Arc<CaptureService>,
    projects: Arc<ProjectService>,
    journal: Arc<JournalService>,
    convert: ConvertCapture,
}

fn world() -> World {
    let fakes = InMemoryConversions::default();
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(NOW.parse().unwrap()));
    let captures = Arc::new(CaptureService::new(fakes.captures.clone(), clock.clone()));
    let projects = Arc::new(ProjectService::new(fakes.projects.clone(), clock.clone()));
    let journal = Arc::new(JournalService::new(fakes.entries.clone(), clock.clone()));
    let calendar = Arc::new(CalendarService::new(fakes.events.clone(), clock.clone()));
    let convert = ConvertCapture::new(
        captures.clone(),
        projects.clone(),
        journal.clone(),
        calendar,
        Arc::new(fakes),
        clock,
    );
    World {
        captures,
        projects,
        journal,
        convert,
    }
}

/// A user east of UTC: at 23:30Z it is already the 25th in Auckland.
fn auckland() -> TimePrefs {
    TimePrefs {
        timezone: "Pacific/Auckland".parse().unwrap(),
        week_start: WeekStart::Monday,
    }
}

impl World {
    async fn capture(&self, text: &str) -> Capture {
        self.captures
            .capture(U, CaptureContent::parse(text).unwrap(), None)
            .await
            .unwrap()
    }

    async fn project(&self) -> ProjectId {
        let d = ProjectDraft {
            name: ProjectName::parse("Home").unwrap(),
            description: None,
            status: None,
            color: None,
            due_date: None,
        };
        self.projects.create_project(U, d).await.unwrap().id
    }

    async fn status_of(&self, c: &Capture) -> CaptureStatus {
        self.captures.get(U, c.id).await.unwrap().status
    }

    async fn task_count(&self, p: ProjectId) -> i64 {
        self.projects
            .list_project_tasks(U, p, None, PageRequest::default())
            .await
            .unwrap()
            .total
    }
}

fn to_task(project: ProjectId) -> TaskTarget {
    TaskTarget {
        project,
        title: None,
        description: None,
        status: None,
        priority: None,
        due_date: None,
    }
}

#[tokio::test]
async fn a_capture_becomes_a_task_titled_with_its_text_and_leaves_the_inbox() {
    let w = world();
    let p = w.project().await;
    let c = w.capture("Buy milk").await;
    let out = w
        .convert
        .run(U, auckland(), c.id, Target::Task(to_task(p)))
        .await
        .unwrap();
    let Converted::Task { capture, task } = out else {
        panic!("a task")
    };
    assert_eq!(task.title, "Buy milk");
    assert_eq!((task.project_id, task.status), (p, TaskStatus::Todo));
    assert_eq!(task.description, None);
    assert_eq!(capture.status, CaptureStatus::Processed);
    assert_eq!(capture.converted_to, Some((TargetKind::Task, task.id.0)));
    assert_eq!(capture.processed_at, Some(NOW.parse().unwrap()));
    assert_eq!(w.status_of(&c).await, CaptureStatus::Processed);
}

#[tokio::test]
async fn a_long_capture_keeps_its_whole_text_as_the_task_description() {
    let w = world();
    let p = w.project().await;
    let long = "words ".repeat(100); // 600 characters, 599 after trimming
    let c = w.capture(&long).await;
    let Converted::Task { task, .. } = w
        .convert
        .run(U, auckland(), c.id, Target::Task(to_task(p)))
        .await
        .unwrap()
    else {
        panic!("a task")
    };
    assert_eq!(task.title.chars().count(), 500);
    assert_eq!(task.description.as_deref(), Some(long.trim()));
}

#[tokio::test]
async fn a_capture_of_exactly_a_titles_length_needs_no_description() {
    let w = world();
    let p = w.project().await;
    let c = w.capture(&"x".repeat(500)).await;
    let Converted::Task { task, .. } = w
        .convert
        .run(U, auckland(), c.id, Target::Task(to_task(p)))
        .await
        .unwrap()
    else {
        panic!("a task")
    };
    assert_eq!(task.title.chars().count(), 500);
    assert_eq!(task.description, None);
}

#[tokio::test]
async fn given_task_fields_win_over_the_defaults() {
    let w = world();
    let p = w.project().await;
    let c = w.capture(&"x".repeat(600)).await;
    let mut t = to_task(p);
    t.title = Some(TaskTitle::parse("Mine").unwrap());
    t.description = Some(Description::parse("d").unwrap());
    t.status = Some(TaskStatus::Done);
    let Converted::Task { task, .. } = w
        .convert
        .run(U, auckland(), c.id, Target::Task(t))
        .await
        .unwrap()
    else {
        panic!("a task")
    };
    assert_eq!(task.title, "Mine");
    assert_eq!(task.description.as_deref(), Some("d"));
    assert!(task.completed_at.is_some());
}

#[tokio::test]
async fn an_unknown_project_is_not_found_and_the_capture_stays_in_the_inbox() {
    let w = world();
    let c = w.capture("x").await;
    let r = w
        .convert
        .run(
            U,
            auckland(),
            c.id,
            Target::Task(to_task(ProjectId(lifeos_kernel::new_id()))),
        )
        .await;
    assert!(matches!(r, Err(ConvertError::NotFound)), "{r:?}");
    assert_eq!(w.status_of(&c).await, CaptureStatus::Inbox);
}

#[tokio::test]
async fn a_capture_that_left_the_inbox_is_refused_and_nothing_is_created() {
    let w = world();
    let p = w.project().await;
    let c = w.capture("x").await;
    w.convert
        .run(U, auckland(), c.id, Target::Task(to_task(p)))
        .await
        .unwrap();
    let again = w
        .convert
        .run(U, auckland(), c.id, Target::Task(to_task(p)))
        .await;
    assert!(matches!(again, Err(ConvertError::NotInInbox)), "{again:?}");
    assert_eq!(w.task_count(p).await, 1);
}

#[tokio::test]
async fn another_users_capture_is_not_found() {
    let w = world();
    let c = w.capture("x").await;
    let r = w
        .convert
        .run(
            OTHER,
            auckland(),
            c.id,
            Target::JournalEntry(EntryTarget::default()),
        )
        .await;
    assert!(matches!(r, Err(ConvertError::NotFound)), "{r:?}");
    assert_eq!(w.status_of(&c).await, CaptureStatus::Inbox);
}

#[tokio::test]
async fn a_journal_entry_defaults_to_todays_morning_pages_in_the_users_zone() {
    let w = world();
    let c = w.capture("Dreamt of the sea").await;
    let Converted::JournalEntry { capture, entry } = w
        .convert
        .run(
            U,
            auckland(),
            c.id,
            Target::JournalEntry(EntryTarget::default()),
        )
        .await
        .unwrap()
    else {
        panic!("an entry")
    };
    assert_eq!(entry.kind, EntryKind::MorningPages);
    assert_eq!(entry.entry_date, "2026-11-25".parse::<NaiveDate>().unwrap());
    assert_eq!(entry.content, json!({"body": "Dreamt of the sea"}));
    assert_eq!(entry.word_count, 4);
    assert_eq!(
        capture.converted_to,
        Some((TargetKind::JournalEntry, entry.id.0))
    );
}

#[tokio::test]
async fn a_duplicate_journal_entry_leaves_the_capture_in_the_inbox() {
    let w = world();
    w.journal
        .create(
            U,
            auckland(),
            EntryKind::MorningPages,
            None,
            json!({"body": "first"}),
        )
        .await
        .unwrap();
    let c = w.capture("second").await;
    let r = w
        .convert
        .run(
            U,
            auckland(),
            c.id,
            Target::JournalEntry(EntryTarget::default()),
        )
        .await;
    assert!(matches!(r, Err(ConvertError::DuplicateEntry)), "{r:?}");
    assert_eq!(w.status_of(&c).await, CaptureStatus::Inbox);
}

#[tokio::test]
async fn journal_content_follows_the_journals_own_rules() {
    let w = world();
    let c = w.capture("x").await;
    let target = EntryTarget {
        kind: Some(EntryKind::DailyReflection),
        entry_date: None,
        content: None, // {"body": ...} lacks went_well & co
    };
    let r = w
        .convert
        .run(U, auckland(), c.id, Target::JournalEntry(target))
        .await;
    match r {
        Err(ConvertError::Invalid(f)) => assert_eq!(f.field, "content.went_well"),
        other => panic!("{other:?}"),
    }
    assert_eq!(w.status_of(&c).await, CaptureStatus::Inbox);
}

#[test]
fn store_errors_map_to_what_the_conversion_means() {
    assert!(matches!(
        ConvertError::from(StoreError::Conflict(Conflict::CaptureNotInInbox)),
        ConvertError::NotInInbox
    ));
    assert!(matches!(
        ConvertError::from(StoreError::Duplicate(Uniqueness::JournalEntryPerPeriod)),
        ConvertError::DuplicateEntry
    ));
    assert!(matches!(
        ConvertError::from(StoreError::Duplicate(Uniqueness::ExerciseName)),
        ConvertError::Store(_)
    ));
    assert!(matches!(
        ConvertError::from(StoreError::NotFound),
        ConvertError::NotFound
    ));
}

fn to_event(start: &str) -> EventTarget {
    EventTarget {
        title: None,
        draft: EventFields {
            description: None,
            location: None,
            span: Span::new(When::At(start.parse().unwrap()), None).unwrap(),
            timezone: None,
            rrule: None,
            exdates: Vec::new(),
            color: None,
        },
    }
}

#[tokio::test]
async fn a_capture_becomes_an_hour_long_event_in_the_users_zone() {
    let w = world();
    let c = w.capture("Dentist").await;
    let Converted::Event { capture, event } = w
        .convert
        .run(
            U,
            auckland(),
            c.id,
            Target::Event(to_event("2026-12-01T09:00:00Z")),
        )
        .await
        .unwrap()
    else {
        panic!("an event")
    };
    assert_eq!(event.title, "Dentist");
    assert_eq!(event.timezone, auckland().timezone);
    assert_eq!(event.span.duration(), chrono::Duration::hours(1));
    assert_eq!(capture.converted_to, Some((TargetKind::Event, event.id.0)));
}

#[tokio::test]
async fn a_bad_event_leaves_the_capture_in_the_inbox() {
    let w = world();
    let c = w.capture("Dentist").await;
    let mut t = to_event("2026-12-01T09:00:00Z");
    t.draft.rrule = Some("FREQ=MINUTELY".into());
    let r = w.convert.run(U, auckland(), c.id, Target::Event(t)).await;
    assert!(
        matches!(&r, Err(ConvertError::Invalid(f)) if f.field == "rrule"),
        "{r:?}"
    );
    assert_eq!(w.status_of(&c).await, CaptureStatus::Inbox);
}
