//! The dashboard use case against a canned read port and the journal's and
//! calendar's in-memory fakes.

use super::*;
use lifeos_calendar::fake::InMemoryEvents;
use lifeos_calendar::{EventDraft, EventTitle, Span, When};
use lifeos_journal::fake::InMemoryEntries;
use lifeos_kernel::{FixedClock, WeekStart};
use std::sync::Mutex;
use uuid::Uuid;

const U: UserId = UserId(Uuid::nil());

/// Answers fixed facts and remembers the week it was asked for.
#[derive(Default)]
struct Canned {
    facts: WeeklyFacts,
    asked: Mutex<Option<Week>>,
}

#[async_trait]
impl DashboardReader for Canned {
    async fn weekly_facts(&self, _user: UserId, week: &Week) -> Result<WeeklyFacts, StoreError> {
        *self.asked.lock().unwrap() = Some(*week);
        Ok(self.facts.clone())
    }
}

struct World {
    reader: Arc<Canned>,
    journal: Arc<JournalService>,
    calendar: Arc<CalendarService>,
    dashboard: Dashboard,
}

fn world(now: &str, facts: WeeklyFacts) -> World {
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(now.parse().unwrap()));
    let reader = Arc::new(Canned {
        facts,
        asked: Mutex::default(),
    });
    let journal = Arc::new(JournalService::new(
        Arc::new(InMemoryEntries::default()),
        clock.clone(),
    ));
    let calendar = Arc::new(CalendarService::new(
        Arc::new(InMemoryEvents::default()),
        clock.clone(),
    ));
    let dashboard = Dashboard::new(reader.clone(), journal.clone(), calendar.clone(), clock);
    World {
        reader,
        journal,
        calendar,
        dashboard,
    }
}

fn prefs(zone: &str, week_start: WeekStart) -> TimePrefs {
    TimePrefs {
        timezone: zone.parse().unwrap(),
        week_start,
    }
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[tokio::test]
async fn a_week_start_that_is_not_the_first_day_of_the_users_week_is_refused() {
    let w = world("2026-11-25T12:00:00Z", WeeklyFacts::default());
    let monday = prefs("UTC", WeekStart::Monday);
    let sunday = prefs("UTC", WeekStart::Sunday);
    for (p, day) in [
        (monday, "2026-11-22"),
        (monday, "2026-11-24"),
        (sunday, "2026-11-23"),
    ] {
        match w.dashboard.weekly(U, p, Some(d(day))).await {
            Err(DashboardError::Invalid(f)) => {
                assert_eq!(f.field, "week_start");
                assert!(f.message.contains(p.week_start.as_str()), "{}", f.message);
            }
            other => panic!("{day}: {other:?}"),
        }
    }
    let ok = w
        .dashboard
        .weekly(U, sunday, Some(d("2026-11-22")))
        .await
        .unwrap();
    assert_eq!(
        (ok.week.start, ok.week.end),
        (d("2026-11-22"), d("2026-11-28"))
    );
}

#[tokio::test]
async fn the_default_week_is_the_current_one_in_the_users_zone() {
    // Sunday 20:00 UTC is already Monday 05:00 in Tokyo.
    let w = world("2026-11-29T20:00:00Z", WeeklyFacts::default());
    let tokyo = prefs("Asia/Tokyo", WeekStart::Monday);
    let dash = w.dashboard.weekly(U, tokyo, None).await.unwrap();
    assert_eq!(dash.week.start, d("2026-11-30"));
    let asked = w.reader.asked.lock().unwrap().unwrap();
    assert_eq!(
        asked.from,
        at("2026-11-29T15:00:00Z"),
        "Monday 00:00 in Tokyo"
    );
    assert_eq!(asked.until, at("2026-12-06T15:00:00Z"));
    let utc = w
        .dashboard
        .weekly(U, prefs("UTC", WeekStart::Monday), None)
        .await
        .unwrap();
    assert_eq!(utc.week.start, d("2026-11-23"));
}

#[tokio::test]
async fn the_numbers_are_assembled_from_the_facts_and_the_modules() {
    let session = |id: u128, start: &str, end: Option<&str>, volume: f64| SessionSummary {
        id: SessionId(Uuid::from_u128(id)),
        name: "w".into(),
        started_at: at(start),
        ended_at: end.map(at),
        total_volume: volume,
    };
    let facts = WeeklyFacts {
        journal: vec![
            (d("2026-11-23"), EntryKind::MorningPages),
            (d("2026-11-23"), EntryKind::DailyReflection),
            (d("2026-11-25"), EntryKind::DailyReflection),
            (d("2026-11-29"), EntryKind::WeeklyReview),
        ],
        sessions: vec![
            session(
                1,
                "2026-11-23T07:00:00Z",
                Some("2026-11-23T07:45:30Z"),
                1000.0,
            ),
            session(
                2,
                "2026-11-25T07:00:00Z",
                Some("2026-11-25T08:00:59Z"),
                500.5,
            ),
            session(3, "2026-11-27T07:00:00Z", None, 100.0),
        ],
        tasks_completed: 4,
        tasks_due: 2,
        active_projects: vec![ProjectProgress {
            id: ProjectId(Uuid::from_u128(5)),
            name: "Home".into(),
            done: 1,
            total: 3,
        }],
        captured: 7,
        processed: 3,
        inbox: 9,
    };
    let w = world("2026-11-25T12:00:00Z", facts);
    let p = prefs("UTC", WeekStart::Monday);
    w.journal
        .create(
            U,
            p,
            EntryKind::MorningPages,
            None,
            serde_json::json!({"body": "x"}),
        )
        .await
        .unwrap();
    w.calendar
        .create(
            U,
            p,
            EventDraft {
                title: EventTitle::parse("Standup").unwrap(),
                description: None,
                location: None,
                span: Span::new(When::At(at("2026-11-24T09:00:00Z")), None).unwrap(),
                timezone: None,
                rrule: Some("FREQ=DAILY;COUNT=10".into()),
                exdates: Vec::new(),
                color: None,
            },
        )
        .await
        .unwrap();
    let dash = w
        .dashboard
        .weekly(U, p, Some(d("2026-11-23")))
        .await
        .unwrap();
    assert_eq!(dash.journal_days.len(), 7);
    assert_eq!(
        dash.journal_days[0],
        JournalDay {
            date: d("2026-11-23"),
            morning_pages: true,
            daily_reflection: true
        }
    );
    assert_eq!(
        dash.journal_days[2],
        JournalDay {
            date: d("2026-11-25"),
            morning_pages: false,
            daily_reflection: true
        }
    );
    assert!(!dash.journal_days[1].morning_pages && !dash.journal_days[6].daily_reflection);
    assert!(dash.weekly_review);
    assert_eq!(
        dash.streaks[0],
        (
            EntryKind::MorningPages,
            Streak {
                current: 1,
                longest: 1
            }
        )
    );
    assert_eq!(dash.sessions.len(), 3);
    assert!((dash.total_volume - 1600.5).abs() < 1e-9);
    assert_eq!(
        dash.total_minutes, 106,
        "45m30s + 60m59s of finished sessions: 106m29s"
    );
    assert_eq!((dash.tasks_completed, dash.tasks_due), (4, 2));
    assert_eq!(dash.active_projects[0].total, 3);
    assert_eq!((dash.captured, dash.processed, dash.inbox), (7, 3, 9));
    assert_eq!(
        dash.occurrences.len(),
        6,
        "Tuesday to Sunday of a daily series"
    );
}

#[tokio::test]
async fn no_review_and_no_finished_session_give_false_and_zero() {
    let facts = WeeklyFacts {
        journal: vec![(d("2026-11-23"), EntryKind::MorningPages)],
        sessions: vec![SessionSummary {
            id: SessionId(Uuid::nil()),
            name: "open".into(),
            started_at: at("2026-11-23T07:00:00Z"),
            ended_at: None,
            total_volume: 0.0,
        }],
        ..Default::default()
    };
    let w = world("2026-11-25T12:00:00Z", facts);
    let dash = w
        .dashboard
        .weekly(U, prefs("UTC", WeekStart::Monday), None)
        .await
        .unwrap();
    assert!(!dash.weekly_review);
    assert_eq!(dash.total_minutes, 0);
    assert_eq!(dash.journal_days[0].date, d("2026-11-23"));
}
