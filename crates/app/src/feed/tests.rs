use super::*;
use chrono::TimeZone;
use chrono_tz::Tz;
use lifeos_calendar::fake::InMemoryEvents;
use lifeos_calendar::{Event, EventId, EventRepository, NewEvent, Override, Span, When};
use lifeos_kernel::FixedClock;
use std::sync::Mutex;

#[derive(Default)]
struct Store {
    feeds: Mutex<Vec<(UserId, CalendarFeed, Vec<u8>)>>,
    tasks: Mutex<Vec<(UserId, DueTask)>>,
}

#[async_trait]
impl FeedStore for Store {
    async fn create_feed(&self, f: NewFeed, max: usize) -> Result<bool, StoreError> {
        let mut feeds = self.feeds.lock().unwrap();
        if feeds.iter().filter(|(u, _, _)| *u == f.user).count() >= max {
            return Ok(false);
        }
        feeds.push((f.user, f.feed, f.token_hash));
        Ok(true)
    }

    async fn list_feeds(&self, user: UserId) -> Result<Vec<CalendarFeed>, StoreError> {
        let mut v: Vec<CalendarFeed> = self
            .feeds
            .lock()
            .unwrap()
            .iter()
            .filter(|(u, _, _)| *u == user)
            .map(|(_, f, _)| f.clone())
            .collect();
        v.reverse();
        Ok(v)
    }

    async fn delete_feed(&self, user: UserId, id: FeedId) -> Result<bool, StoreError> {
        let mut feeds = self.feeds.lock().unwrap();
        let before = feeds.len();
        feeds.retain(|(u, f, _)| !(*u == user && f.id == id));
        Ok(feeds.len() < before)
    }

    async fn feed_by_token(&self, hash: &[u8]) -> Result<Option<(UserId, String)>, StoreError> {
        Ok(self
            .feeds
            .lock()
            .unwrap()
            .iter()
            .find(|(_, _, h)| h == hash)
            .map(|(u, f, _)| (*u, f.name.clone())))
    }

    async fn open_tasks_due(&self, user: UserId) -> Result<Vec<DueTask>, StoreError> {
        Ok(self
            .tasks
            .lock()
            .unwrap()
            .iter()
            .filter(|(u, _)| *u == user)
            .map(|(_, t)| t.clone())
            .collect())
    }
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

const NOW: &str = "2026-11-30T12:00:00Z";

struct World {
    store: Arc<Store>,
    events: Arc<InMemoryEvents>,
    feeds: Feeds,
}

fn world() -> World {
    let store = Arc::new(Store::default());
    let events = Arc::new(InMemoryEvents::default());
    let clock = Arc::new(FixedClock::new(at(NOW)));
    let calendar = Arc::new(CalendarService::new(events.clone(), clock.clone()));
    let feeds = Feeds::new(store.clone(), calendar, clock);
    World {
        store,
        events,
        feeds,
    }
}

fn user(n: u128) -> UserId {
    UserId(Uuid::from_u128(n))
}

fn event(id: u128, title: &str, span: Span, tz: &str, rrule: Option<&str>) -> Event {
    Event {
        id: EventId(Uuid::from_u128(id)),
        title: title.into(),
        description: None,
        location: None,
        span,
        timezone: tz.parse().unwrap(),
        rrule: rrule.map(Into::into),
        exdates: Vec::new(),
        color: None,
        created_at: at("2026-01-01T00:00:00Z"),
        updated_at: at("2026-02-01T00:00:00Z"),
    }
}

fn timed(start: &str, end: &str) -> Span {
    Span::new(When::At(at(start)), Some(When::At(at(end)))).unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn store_event(w: &World, owner: UserId, e: Event) {
    w.events
        .insert_event(NewEvent {
            user: owner,
            event: e,
            series_end: None,
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_feed_gets_a_random_token_of_which_only_the_hash_is_kept() {
    let w = world();
    let a = w.feeds.create(user(1), "  Phone  ").await.unwrap();
    let b = w.feeds.create(user(1), "Laptop").await.unwrap();
    assert_eq!(a.feed.name, "Phone");
    assert_eq!(a.feed.created_at, at(NOW));
    assert_eq!(a.token.len(), 43, "32 bytes, base64url without padding");
    assert!(
        a.token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );
    assert_ne!(a.token, b.token);
    let stored = w.store.feeds.lock().unwrap().clone();
    assert_eq!(stored[0].2, Sha256::digest(a.token.as_bytes()).to_vec());
    assert_eq!(stored[0].0, user(1));
    let listed = w.feeds.list(user(1)).await.unwrap();
    assert_eq!(listed, vec![b.feed.clone(), a.feed.clone()]);
    assert!(w.feeds.list(user(2)).await.unwrap().is_empty());
}

#[tokio::test]
async fn names_are_checked_and_the_number_of_feeds_is_bounded() {
    let w = world();
    for bad in ["", "   ", &"x".repeat(101), "a\u{0}b"] {
        let e = w.feeds.create(user(1), bad).await.unwrap_err();
        assert!(
            matches!(e, FeedError::Invalid(ref f) if f.field == "name"),
            "{bad:?}: {e:?}"
        );
    }
    assert!(w.feeds.create(user(1), &"é".repeat(100)).await.is_ok());
    for i in 1..MAX_FEEDS {
        w.feeds.create(user(1), &format!("f{i}")).await.unwrap();
    }
    assert!(matches!(
        w.feeds.create(user(1), "one too many").await,
        Err(FeedError::TooMany)
    ));
    assert!(w.feeds.create(user(2), "another user").await.is_ok());
}

#[tokio::test]
async fn a_deleted_feed_is_gone_and_another_users_cannot_be_deleted() {
    let w = world();
    let f = w.feeds.create(user(1), "Phone").await.unwrap();
    assert!(matches!(
        w.feeds.delete(user(2), f.feed.id).await,
        Err(FeedError::NotFound)
    ));
    assert!(w.feeds.render(&f.token).await.is_ok());
    w.feeds.delete(user(1), f.feed.id).await.unwrap();
    assert!(matches!(
        w.feeds.render(&f.token).await,
        Err(FeedError::NotFound)
    ));
    assert!(matches!(
        w.feeds.delete(user(1), f.feed.id).await,
        Err(FeedError::NotFound)
    ));
}

#[tokio::test]
async fn a_feed_shows_its_owners_events_and_due_tasks_with_a_content_etag() {
    let w = world();
    let f = w.feeds.create(user(1), "Phone").await.unwrap();
    let mut mine = event(
        1,
        "Standup",
        timed("2026-03-02T08:00:00Z", "2026-03-02T08:15:00Z"),
        "Europe/Berlin",
        Some("FREQ=WEEKLY"),
    );
    mine.updated_at = at("2026-05-05T00:00:00Z");
    store_event(&w, user(1), mine).await;
    store_event(
        &w,
        user(2),
        event(
            2,
            "Not yours",
            timed("2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z"),
            "UTC",
            None,
        ),
    )
    .await;
    let task = |id, owner, updated| {
        (
            user(owner),
            DueTask {
                id: Uuid::from_u128(id),
                title: "Pay rent".into(),
                due: day("2026-12-01"),
                project: "Home".into(),
                updated_at: at(updated),
            },
        )
    };
    w.store.tasks.lock().unwrap().extend([
        task(7, 1, "2026-06-06T00:00:00Z"),
        task(8, 2, "2026-07-07T00:00:00Z"),
    ]);
    let r = w.feeds.render(&f.token).await.unwrap();
    assert!(r.body.contains("SUMMARY:Standup"), "{}", r.body);
    assert!(r.body.contains("X-WR-CALNAME:Phone"));
    assert!(!r.body.contains("Not yours"));
    assert!(
        r.body
            .contains(&format!("UID:task-{}@lifeos", Uuid::from_u128(7)))
    );
    assert!(
        !r.body
            .contains(&format!("UID:task-{}@lifeos", Uuid::from_u128(8)))
    );
    assert_eq!(r.etag, hex::encode(Sha256::digest(r.body.as_bytes())));
    assert_eq!(r.last_modified, Some(at("2026-06-06T00:00:00Z")));
    // The same data gives the same text (no time of the request in it).
    assert_eq!(w.feeds.render(&f.token).await.unwrap(), r);
    assert!(matches!(
        w.feeds.render("not-a-token").await,
        Err(FeedError::NotFound)
    ));
}

#[tokio::test]
async fn an_empty_feed_has_no_last_modified() {
    let w = world();
    let f = w.feeds.create(user(1), "Phone").await.unwrap();
    let r = w.feeds.render(&f.token).await.unwrap();
    assert_eq!(r.last_modified, None);
    assert!(r.body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(r.body.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(r.body.matches("END:VCALENDAR").count(), 1);
    assert!(!r.body.contains("BEGIN:VEVENT"));
}

/// The lines of the component that contains `marker`.
fn component<'a>(body: &'a str, marker: &str) -> Vec<&'a str> {
    let at = body.find(marker).unwrap();
    let start = body[..at].rfind("BEGIN:VEVENT").unwrap();
    let end = at + body[at..].find("END:VEVENT").unwrap();
    body[start..end].split("\r\n").collect()
}

#[test]
fn series_overrides_and_exdates_are_written_in_the_events_zone() {
    let mut e = event(
        1,
        "Standup",
        timed("2026-03-02T08:00:00Z", "2026-03-02T08:15:00Z"),
        "Europe/Berlin",
        Some("FREQ=WEEKLY;UNTIL=20260601"),
    );
    e.location = Some("Room 1, floor 2".into());
    e.description = Some("Daily; short".into());
    e.exdates = vec![When::At(at("2026-04-06T07:00:00Z"))];
    let moved_one = Override {
        recurrence_id: When::At(at("2026-04-13T07:00:00Z")),
        title: Some("Standup (late)".into()),
        description: None,
        location: None,
        start: Some(When::At(at("2026-04-13T08:00:00Z"))),
        end: None,
        color: None,
    };
    let skipped_change = Override {
        recurrence_id: When::At(at("2026-04-06T07:00:00Z")),
        title: Some("Hidden".into()),
        ..moved_one.clone()
    };
    let body = render(
        "Life OS",
        &[(e, vec![moved_one, skipped_change])],
        &[],
        2026,
    );
    let series = component(&body, "SUMMARY:Standup\r\n");
    for line in [
        "DTSTART;TZID=Europe/Berlin:20260302T090000",
        "DTEND;TZID=Europe/Berlin:20260302T091500",
        "RRULE:FREQ=WEEKLY;UNTIL=20260601T215959Z",
        "EXDATE;TZID=Europe/Berlin:20260406T090000",
        "LOCATION:Room 1\\, floor 2",
        "DESCRIPTION:Daily\\; short",
        "DTSTAMP:20260201T000000Z",
        "LAST-MODIFIED:20260201T000000Z",
        "CREATED:20260101T000000Z",
    ] {
        assert!(series.contains(&line), "{line} in {series:#?}");
    }
    assert!(series.contains(&format!("UID:{}@lifeos", Uuid::from_u128(1)).as_str()));
    let changed = component(&body, "SUMMARY:Standup (late)");
    for line in [
        "RECURRENCE-ID;TZID=Europe/Berlin:20260413T090000",
        "DTSTART;TZID=Europe/Berlin:20260413T100000",
        "DTEND;TZID=Europe/Berlin:20260413T101500",
        "LOCATION:Room 1\\, floor 2",
    ] {
        assert!(changed.contains(&line), "{line} in {changed:#?}");
    }
    assert!(changed.contains(&format!("UID:{}@lifeos", Uuid::from_u128(1)).as_str()));
    assert!(
        !body.contains("Hidden"),
        "a skipped occurrence's change is not shown"
    );
    // The zone is described once, from a year before the first time.
    assert_eq!(body.matches("BEGIN:VTIMEZONE").count(), 1);
    assert!(body.contains("TZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:20250101T000000"));
    assert!(body.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"));
    // VTIMEZONE comes before the events; no UID or DTSTAMP inside it.
    let tz = &body[body.find("BEGIN:VTIMEZONE").unwrap()..body.find("END:VTIMEZONE").unwrap()];
    assert!(!tz.contains("UID") && !tz.contains("DTSTAMP"));
    assert!(body.find("END:VTIMEZONE").unwrap() < body.find("BEGIN:VEVENT").unwrap());
}

#[test]
fn all_day_utc_and_task_events_need_no_zone() {
    let mut birthday = event(
        2,
        "Birthday",
        Span::new(
            When::On(day("2026-05-04")),
            Some(When::On(day("2026-05-06"))),
        )
        .unwrap(),
        "Europe/Berlin",
        Some("FREQ=YEARLY;UNTIL=20300504"),
    );
    birthday.exdates = vec![When::On(day("2027-05-04"))];
    let party = Override {
        recurrence_id: When::On(day("2028-05-04")),
        title: None,
        description: None,
        location: Some("Garden".into()),
        start: Some(When::On(day("2028-05-06"))),
        end: None,
        color: None,
    };
    let call = event(
        3,
        "Call",
        timed("2026-06-01T15:00:00Z", "2026-06-01T15:30:00Z"),
        "UTC",
        None,
    );
    let task = DueTask {
        id: Uuid::from_u128(9),
        title: "File taxes".into(),
        due: day("2026-12-31"),
        project: "Admin".into(),
        updated_at: at("2026-03-03T03:03:03Z"),
    };
    let body = render(
        "Life OS",
        &[(birthday, vec![party]), (call, vec![])],
        &[task],
        2026,
    );
    assert!(!body.contains("VTIMEZONE"), "{body}");
    let series = component(&body, "SUMMARY:Birthday\r\nUID");
    for line in [
        "DTSTART;VALUE=DATE:20260504",
        "DTEND;VALUE=DATE:20260506",
        "RRULE:FREQ=YEARLY;UNTIL=20300504",
        "EXDATE;VALUE=DATE:20270504",
    ] {
        assert!(series.contains(&line), "{line} in {series:#?}");
    }
    let changed = component(&body, "RECURRENCE-ID");
    for line in [
        "RECURRENCE-ID;VALUE=DATE:20280504",
        "DTSTART;VALUE=DATE:20280506",
        "DTEND;VALUE=DATE:20280508",
        "LOCATION:Garden",
        "SUMMARY:Birthday",
    ] {
        assert!(changed.contains(&line), "{line} in {changed:#?}");
    }
    let call = component(&body, "SUMMARY:Call");
    assert!(call.contains(&"DTSTART:20260601T150000Z"), "{call:#?}");
    assert!(call.contains(&"DTEND:20260601T153000Z"));
    let task = component(&body, "SUMMARY:Task: File taxes");
    for line in [
        "DTSTART;VALUE=DATE:20261231",
        "DTEND;VALUE=DATE:20270101",
        "TRANSP:TRANSPARENT",
        "CATEGORIES:Task",
        "DESCRIPTION:Due in project Admin",
        "DTSTAMP:20260303T030303Z",
    ] {
        assert!(task.contains(&line), "{line} in {task:#?}");
    }
    assert!(task.contains(&format!("UID:task-{}@lifeos", Uuid::from_u128(9)).as_str()));
    for line in [
        "VERSION:2.0",
        "PRODID:-//Life OS//Calendar feed//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ] {
        assert!(body.contains(&format!("\r\n{line}\r\n")), "{line}");
    }
}

#[test]
fn each_zone_covers_the_years_of_its_times_and_at_least_next_year() {
    let old = event(
        4,
        "Old",
        timed("2001-01-10T10:00:00Z", "2001-01-10T11:00:00Z"),
        "America/New_York",
        None,
    );
    let tokyo = event(
        5,
        "Tokyo",
        timed("2040-01-10T10:00:00Z", "2040-01-10T11:00:00Z"),
        "Asia/Tokyo",
        None,
    );
    let body = render("x", &[(old, vec![]), (tokyo, vec![])], &[], 2026);
    assert_eq!(body.matches("BEGIN:VTIMEZONE").count(), 2);
    let ny = &body[body.find("TZID:America/New_York").unwrap()..];
    let ny = &ny[..ny.find("END:VTIMEZONE").unwrap()];
    assert!(ny.contains("DTSTART:20000101T000000"), "{ny}");
    // The 2007 rules are open (sampled up to 2027), the old ones end.
    assert!(
        ny.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"),
        "{ny}"
    );
    assert!(ny.contains("UNTIL=20060402T070000Z"), "{ny}");
    let tokyo = &body[body.find("TZID:Asia/Tokyo").unwrap()..];
    assert!(tokyo.contains("DTSTART:20390101T000000"), "{tokyo}");
    // Zones come in name order, so the text is stable.
    assert!(body.find("TZID:America/New_York") < body.find("TZID:Asia/Tokyo"));
    let _ = Tz::UTC.with_ymd_and_hms(2026, 1, 1, 0, 0, 0);
}

#[test]
fn a_time_in_a_repeated_hour_that_is_not_the_first_is_written_in_utc() {
    // Sydney's clocks went back at 03:00 on 5 April 2026: 02:30 happened at
    // 15:30Z (AEDT) and again at 16:30Z (AEST). RFC 5545 reads a repeated
    // wall time as the first, so 16:30Z must be written in UTC; a series'
    // DTSTART keeps its wall time (recurrences are computed from it).
    let mut e = event(
        6,
        "Late",
        timed("2026-04-04T16:30:00Z", "2026-04-04T16:30:00Z"),
        "Australia/Sydney",
        Some("FREQ=DAILY;COUNT=2"),
    );
    e.exdates = vec![When::At(at("2026-04-04T16:30:00Z"))];
    let first = event(
        7,
        "Early",
        timed("2026-04-04T15:30:00Z", "2026-04-04T16:30:00Z"),
        "Australia/Sydney",
        None,
    );
    let body = render("x", &[(e, vec![]), (first, vec![])], &[], 2026);
    let late = component(&body, "SUMMARY:Late");
    assert!(
        late.contains(&"DTSTART;TZID=Australia/Sydney:20260405T023000"),
        "{late:#?}"
    );
    assert!(late.contains(&"DTEND:20260404T163000Z"), "{late:#?}");
    assert!(late.contains(&"EXDATE:20260404T163000Z"), "{late:#?}");
    let early = component(&body, "SUMMARY:Early");
    assert!(
        early.contains(&"DTSTART;TZID=Australia/Sydney:20260405T023000"),
        "{early:#?}"
    );
    assert!(early.contains(&"DTEND:20260404T163000Z"), "{early:#?}");
}

#[test]
fn a_zone_is_described_at_least_up_to_next_year() {
    // Rendered "in 2007", an event of 2001 in New York needs the zone up
    // to 2008: the US rules of 2007 are there, as a rule of two years.
    let old = event(
        8,
        "Old",
        timed("2001-01-10T10:00:00Z", "2001-01-10T11:00:00Z"),
        "America/New_York",
        None,
    );
    let body = render("x", &[(old.clone(), vec![])], &[], 2007);
    assert!(
        body.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"),
        "{body}"
    );
    let body = render("x", &[(old, vec![])], &[], 2004);
    assert!(!body.contains("BYMONTH=3;BYDAY=2SU"), "{body}");
}
