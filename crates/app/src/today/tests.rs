//! "Today" against a canned read port and the journal's and calendar's
//! in-memory fakes.

use super::*;
use chrono::{DateTime, Utc};
use lifeos_calendar::fake::InMemoryEvents;
use lifeos_calendar::{EventDraft, EventTitle, Span};
use lifeos_journal::fake::InMemoryEntries;
use lifeos_kernel::{FixedClock, WeekStart};
use lifeos_workouts::SessionId;
use std::sync::Mutex;
use uuid::Uuid;

const U: UserId = UserId(Uuid::nil());

#[derive(Default)]
struct Canned {
    facts: TodayFacts,
    asked: Mutex<Option<NaiveDate>>,
}

#[async_trait]
impl TodayReader for Canned {
    async fn today_facts(&self, _user: UserId, date: NaiveDate) -> Result<TodayFacts, StoreError> {
        *self.asked.lock().unwrap() = Some(date);
        Ok(self.facts.clone())
    }
}

struct World {
    reader: Arc<Canned>,
    journal: Arc<JournalService>,
    calendar: Arc<CalendarService>,
    today: Today,
}

fn world(now: &str, facts: TodayFacts) -> World {
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
    let today = Today::new(reader.clone(), journal.clone(), calendar.clone(), clock);
    World {
        reader,
        journal,
        calendar,
        today,
    }
}

fn prefs(zone: &str) -> TimePrefs {
    TimePrefs {
        timezone: zone.parse().unwrap(),
        week_start: WeekStart::Monday,
    }
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

async fn event(w: &World, p: TimePrefs, title: &str, span: Span) {
    w.calendar
        .create(
            U,
            p,
            EventDraft {
                title: EventTitle::parse(title).unwrap(),
                description: None,
                location: None,
                span,
                timezone: None,
                rrule: None,
                exdates: Vec::new(),
                color: None,
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_day_is_the_users_and_carries_each_modules_facts() {
    let facts = TodayFacts {
        due_today_total: 2,
        overdue_total: 1,
        inbox: 4,
        last_workout: Some(SessionSummary {
            id: SessionId(Uuid::nil()),
            name: "Legs".into(),
            started_at: at("2026-11-24T18:00:00Z"),
            ended_at: None,
            total_volume: 1500.0,
        }),
        ..TodayFacts::default()
    };
    // 23:30 UTC on the 24th is already the 25th in Berlin.
    let w = world("2026-11-24T23:30:00Z", facts.clone());
    let p = prefs("Europe/Berlin");
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
    event(
        &w,
        p,
        "Standup",
        Span::new(When::At(at("2026-11-25T08:00:00Z")), None).unwrap(),
    )
    .await;
    event(
        &w,
        p,
        "Yesterday",
        Span::new(When::At(at("2026-11-24T08:00:00Z")), None).unwrap(),
    )
    .await;
    let v = w.today.view(U, p).await.unwrap();
    let day: NaiveDate = "2026-11-25".parse().unwrap();
    assert_eq!(v.date, day);
    assert_eq!(*w.reader.asked.lock().unwrap(), Some(day));
    assert_eq!(v.facts, facts);
    assert!(v.morning_pages && !v.daily_reflection);
    assert_eq!(v.streaks[0].1.current, 1);
    assert_eq!(v.occurrences.len(), 1);
    assert_eq!(v.occurrences[0].title, "Standup");
    assert_eq!(
        v.spoken(),
        "1 event today, at 09:00: Standup. 2 tasks due, 1 overdue. Inbox: 4."
    );
}

#[tokio::test]
async fn the_spoken_day_counts_and_names_the_first_event_in_the_users_time() {
    let w = world("2026-11-25T06:00:00Z", TodayFacts::default());
    let p = prefs("America/New_York");
    assert_eq!(
        w.today.view(U, p).await.unwrap().spoken(),
        "No events today. No tasks due. Inbox: 0."
    );
    event(
        &w,
        p,
        "Gym",
        Span::new(When::At(at("2026-11-25T23:00:00Z")), None).unwrap(),
    )
    .await;
    event(
        &w,
        p,
        "Standup",
        Span::new(When::At(at("2026-11-25T14:00:00Z")), None).unwrap(),
    )
    .await;
    event(
        &w,
        p,
        "Holiday",
        Span::new(When::On("2026-11-26".parse().unwrap()), None).unwrap(),
    )
    .await;
    let v = w.today.view(U, p).await.unwrap();
    assert_eq!(
        v.spoken(),
        "2 events today, the first at 09:00: Standup. No tasks due. Inbox: 0."
    );
    let mut v = v;
    v.facts.overdue_total = 3;
    v.facts.inbox = 1;
    assert!(
        v.spoken()
            .ends_with("No tasks due today, 3 overdue. Inbox: 1.")
    );
    v.facts.due_today_total = 1;
    v.facts.overdue_total = 0;
    assert!(v.spoken().ends_with("1 task due. Inbox: 1."));
}

#[tokio::test]
async fn an_all_day_event_is_spoken_without_a_time() {
    let w = world("2026-11-25T12:00:00Z", TodayFacts::default());
    let p = prefs("UTC");
    event(
        &w,
        p,
        "Holiday",
        Span::new(When::On("2026-11-25".parse().unwrap()), None).unwrap(),
    )
    .await;
    assert!(
        w.today
            .view(U, p)
            .await
            .unwrap()
            .spoken()
            .starts_with("1 event today, all day: Holiday.")
    );
}
