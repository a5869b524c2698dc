//! The calendar service against the in-memory repository.

use super::*;
use crate::fake::InMemoryEvents;
use crate::model::{Event, EventTitle, Occurrence};
use lifeos_kernel::{FixedClock, WeekStart};

const U: UserId = UserId(uuid::Uuid::nil());
const OTHER: UserId = UserId(uuid::Uuid::from_u128(9));

fn svc() -> CalendarService {
    CalendarService::new(
        Arc::new(InMemoryEvents::default()),
        Arc::new(FixedClock::new("2026-11-24T08:00:00Z".parse().unwrap())),
    )
}

fn berlin() -> TimePrefs {
    TimePrefs {
        timezone: chrono_tz::Europe::Berlin,
        week_start: WeekStart::Monday,
    }
}

fn at(s: &str) -> When {
    When::At(s.parse().unwrap())
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn draft(start: &str, rrule: Option<&str>) -> EventDraft {
    EventDraft {
        title: EventTitle::parse("Standup").unwrap(),
        description: None,
        location: None,
        span: Span::new(at(start), None).unwrap(),
        timezone: None,
        rrule: rrule.map(str::to_string),
        exdates: Vec::new(),
        color: None,
    }
}

fn starts(list: &[Occurrence]) -> Vec<String> {
    list.iter().map(|o| o.start.to_wire()).collect()
}

#[tokio::test]
async fn an_event_takes_the_users_zone_and_its_rule_is_checked_when_written() {
    let s = svc();
    let e = s
        .create(
            U,
            berlin(),
            draft("2026-11-23T08:00:00Z", Some("FREQ=DAILY")),
        )
        .await
        .unwrap();
    assert_eq!(e.timezone, chrono_tz::Europe::Berlin);
    assert_eq!(
        e.created_at,
        "2026-11-24T08:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    let bad = s
        .create(
            U,
            berlin(),
            draft("2026-11-23T08:00:00Z", Some("FREQ=DAILY;BYDAY=XX")),
        )
        .await;
    assert!(matches!(bad, Err(CalendarError::Invalid(f)) if f.field == "rrule"));
    let mut mixed = draft("2026-11-23T08:00:00Z", None);
    mixed.exdates = vec![When::On(d("2026-11-24"))];
    let bad = s.create(U, berlin(), mixed).await;
    assert!(matches!(bad, Err(CalendarError::Invalid(f)) if f.field == "exdates[0]"));
    assert!(matches!(
        s.get(OTHER, e.id).await,
        Err(CalendarError::NotFound)
    ));
    assert!(matches!(
        s.delete(OTHER, e.id).await,
        Err(CalendarError::NotFound)
    ));
    assert_eq!(s.list(U, PageRequest::default()).await.unwrap().total, 1);
    s.delete(U, e.id).await.unwrap();
    assert!(matches!(
        s.delete(U, e.id).await,
        Err(CalendarError::NotFound)
    ));
}

#[tokio::test]
async fn the_window_must_run_forward_and_at_most_366_days() {
    let s = svc();
    let r = s
        .occurrences(U, berlin(), d("2026-11-24"), d("2026-11-23"))
        .await;
    assert!(matches!(r, Err(CalendarError::Invalid(f)) if f.field == "to"));
    assert!(
        s.occurrences(U, berlin(), d("2026-01-01"), d("2027-01-01"))
            .await
            .is_ok()
    ); // 366 days
    let r = s
        .occurrences(U, berlin(), d("2026-01-01"), d("2027-01-02"))
        .await;
    assert!(matches!(r, Err(CalendarError::Invalid(f)) if f.field == "to"));
    assert!(
        s.occurrences(U, berlin(), d("2026-11-24"), d("2026-11-24"))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn occurrences_of_all_events_come_sorted_by_start_and_only_the_users() {
    let s = svc();
    s.create(
        U,
        berlin(),
        draft("2026-11-23T08:00:00Z", Some("FREQ=DAILY;COUNT=3")),
    )
    .await
    .unwrap();
    s.create(U, berlin(), draft("2026-11-24T07:00:00Z", None))
        .await
        .unwrap();
    s.create(OTHER, berlin(), draft("2026-11-24T07:30:00Z", None))
        .await
        .unwrap();
    let list = s
        .occurrences(U, berlin(), d("2026-11-24"), d("2026-11-25"))
        .await
        .unwrap();
    assert_eq!(
        starts(&list),
        [
            "2026-11-24T07:00:00Z",
            "2026-11-24T08:00:00Z",
            "2026-11-25T08:00:00Z"
        ]
    );
    assert!(!list[0].recurring && list[1].recurring);
}

#[tokio::test]
async fn one_occurrence_can_be_changed_or_skipped_and_only_a_generated_one() {
    let s = svc();
    let e = s
        .create(
            U,
            berlin(),
            draft("2026-11-23T08:00:00Z", Some("FREQ=DAILY;COUNT=5")),
        )
        .await
        .unwrap();
    let changed = s
        .change_occurrence(
            U,
            e.id,
            "2026-11-24T08:00:00Z",
            OverrideDraft {
                title: Some(EventTitle::parse("Late standup").unwrap()),
                start: Some("2026-11-24T10:00:00Z".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.end.to_wire(), "2026-11-24T11:00:00Z");
    assert_eq!(changed.recurrence_id, Some(at("2026-11-24T08:00:00Z")));
    // A second change merges with the first.
    let again = s
        .change_occurrence(
            U,
            e.id,
            "2026-11-24T08:00:00Z",
            OverrideDraft {
                end: Some("2026-11-24T10:30:00Z".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (again.title.as_str(), again.start.to_wire().as_str()),
        ("Late standup", "2026-11-24T10:00:00Z")
    );
    let list = s
        .occurrences(U, berlin(), d("2026-11-24"), d("2026-11-24"))
        .await
        .unwrap();
    assert_eq!(list, vec![again]);

    s.skip_occurrence(U, e.id, "2026-11-25T08:00:00Z")
        .await
        .unwrap();
    let list = s
        .occurrences(U, berlin(), d("2026-11-25"), d("2026-11-25"))
        .await
        .unwrap();
    assert!(list.is_empty());
    assert_eq!(
        s.get(U, e.id).await.unwrap().exdates,
        vec![at("2026-11-25T08:00:00Z")]
    );

    for rid in [
        "2026-11-25T08:00:00Z",
        "2026-11-24T08:00:01Z",
        "2026-12-24T08:00:00Z",
        "nonsense",
    ] {
        assert!(
            matches!(
                s.skip_occurrence(U, e.id, rid).await,
                Err(CalendarError::NotFound)
            ),
            "{rid}"
        );
    }
    assert!(matches!(
        s.skip_occurrence(OTHER, e.id, "2026-11-26T08:00:00Z").await,
        Err(CalendarError::NotFound)
    ));
    let back = s
        .change_occurrence(
            U,
            e.id,
            "2026-11-26T08:00:00Z",
            OverrideDraft {
                end: Some("2026-11-26T07:00:00Z".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(back, Err(CalendarError::Invalid(f)) if f.field == "end"));
}

#[tokio::test]
async fn changing_the_series_forgets_changes_it_no_longer_generates() {
    let s = svc();
    let e = s
        .create(
            U,
            berlin(),
            draft("2026-11-23T08:00:00Z", Some("FREQ=DAILY;COUNT=5")),
        )
        .await
        .unwrap();
    for rid in ["2026-11-24T08:00:00Z", "2026-11-25T08:00:00Z"] {
        s.change_occurrence(
            U,
            e.id,
            rid,
            OverrideDraft {
                title: Some(EventTitle::parse("x").unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let patch = EventPatch {
        rrule: Some(Some("FREQ=DAILY;INTERVAL=2;COUNT=3".into())),
        ..Default::default()
    };
    s.update(U, e.id, patch).await.unwrap();
    let list = s
        .occurrences(U, berlin(), d("2026-11-23"), d("2026-11-30"))
        .await
        .unwrap();
    let titled: Vec<&str> = list.iter().map(|o| o.title.as_str()).collect();
    assert_eq!(titled, ["Standup", "x", "Standup"]);
    // A title-only change keeps the changed occurrences.
    s.update(
        U,
        e.id,
        EventPatch {
            title: Some(EventTitle::parse("Daily").unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let list = s
        .occurrences(U, berlin(), d("2026-11-23"), d("2026-11-30"))
        .await
        .unwrap();
    assert_eq!(list[1].title, "x");
    assert_eq!(list[0].title, "Daily");
}

#[tokio::test]
async fn a_patch_keeps_what_it_does_not_send_and_checks_what_it_does() {
    let s = svc();
    let e = s
        .create(U, berlin(), draft("2026-11-23T08:00:00Z", None))
        .await
        .unwrap();
    let moved = s
        .update(
            U,
            e.id,
            EventPatch {
                start: Some("2026-11-23T08:30:00Z".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(moved.span.end(), at("2026-11-23T09:00:00Z"));
    let r = s
        .update(
            U,
            e.id,
            EventPatch {
                start: Some("2026-11-23T10:00:00Z".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(r, Err(CalendarError::Invalid(f)) if f.field == "end"));
    let r = s
        .update(
            U,
            e.id,
            EventPatch {
                all_day: Some(true),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(r, Err(CalendarError::Invalid(f)) if f.field == "start"));
    let day = s
        .update(
            U,
            e.id,
            EventPatch {
                all_day: Some(true),
                start: Some("2026-12-24".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(day.span.end(), When::On(d("2026-12-25")));
    assert!(matches!(
        s.update(OTHER, e.id, EventPatch::default()).await,
        Err(CalendarError::NotFound)
    ));
}

#[tokio::test]
async fn only_the_end_can_be_patched() {
    let s = svc();
    let e = s
        .create(U, berlin(), draft("2026-11-23T08:00:00Z", None))
        .await
        .unwrap();
    let longer = s
        .update(
            U,
            e.id,
            EventPatch {
                end: Some("2026-11-23T10:00:00Z".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(longer.span.start(), at("2026-11-23T08:00:00Z"));
    assert_eq!(longer.span.end(), at("2026-11-23T10:00:00Z"));
}

async fn moved_series(s: &CalendarService) -> Event {
    let e = s
        .create(
            U,
            berlin(),
            draft("2026-11-23T08:00:00Z", Some("FREQ=DAILY;COUNT=5")),
        )
        .await
        .unwrap();
    s.change_occurrence(
        U,
        e.id,
        "2026-11-24T08:00:00Z",
        OverrideDraft {
            title: Some(EventTitle::parse("kept?").unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    e
}

#[tokio::test]
async fn moving_the_series_start_or_zone_forgets_changes_it_no_longer_generates() {
    let s = svc();
    let e = moved_series(&s).await;
    s.update(
        U,
        e.id,
        EventPatch {
            start: Some("2026-11-23T08:30:00Z".into()),
            end: Some("2026-11-23T09:30:00Z".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let list = s
        .occurrences(U, berlin(), d("2026-11-24"), d("2026-11-24"))
        .await
        .unwrap();
    assert_eq!(list[0].title, "Standup", "the change of 08:00 is gone");

    let e = moved_series(&s).await;
    s.update(
        U,
        e.id,
        EventPatch {
            timezone: Some(chrono_tz::America::New_York),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let list = s
        .occurrences(U, berlin(), d("2026-11-24"), d("2026-11-24"))
        .await
        .unwrap();
    let titles: Vec<&str> = list.iter().map(|o| o.title.as_str()).collect();
    assert!(
        titles.contains(&"kept?"),
        "New York keeps 08:00Z in November: {titles:?}"
    );
}

#[tokio::test]
async fn an_event_on_the_last_day_of_the_window_is_listed() {
    let s = svc();
    s.create(U, berlin(), draft("2026-11-30T20:00:00Z", None))
        .await
        .unwrap();
    let list = s
        .occurrences(U, berlin(), d("2026-11-24"), d("2026-11-30"))
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
}

#[tokio::test]
async fn a_zero_length_change_is_fine_and_moved_occurrences_stay_findable() {
    let s = svc();
    let e = s
        .create(
            U,
            berlin(),
            draft("2026-11-23T08:00:00Z", Some("FREQ=DAILY;COUNT=3")),
        )
        .await
        .unwrap();
    let zero = s
        .change_occurrence(
            U,
            e.id,
            "2026-11-23T08:00:00Z",
            OverrideDraft {
                end: Some("2026-11-23T08:00:00Z".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(zero.start, zero.end);
    // Move one occurrence a month past the series' end, then change another.
    s.change_occurrence(
        U,
        e.id,
        "2026-11-24T08:00:00Z",
        OverrideDraft {
            start: Some("2026-12-24T08:00:00Z".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    s.change_occurrence(
        U,
        e.id,
        "2026-11-25T08:00:00Z",
        OverrideDraft {
            title: Some(EventTitle::parse("renamed").unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let late = s
        .occurrences(U, berlin(), d("2026-12-24"), d("2026-12-24"))
        .await
        .unwrap();
    assert_eq!(late.len(), 1, "the series end follows the moved occurrence");
    assert_eq!(late[0].recurrence_id, Some(at("2026-11-24T08:00:00Z")));
}

#[test]
fn exdates_are_read_by_kind_and_name_their_index() {
    assert_eq!(
        parse_exdates(&["2026-11-24".into()], true).unwrap(),
        vec![When::On(d("2026-11-24"))]
    );
    assert_eq!(
        parse_exdates(&["2026-11-24T08:00:00Z".into()], false).unwrap(),
        vec![at("2026-11-24T08:00:00Z")]
    );
    let err = parse_exdates(&["2026-11-24T08:00:00Z".into(), "x".into()], false).unwrap_err();
    assert_eq!(err.field, "exdates[1]");
}

#[tokio::test]
async fn the_stored_end_is_the_last_instance_or_a_later_moved_one() {
    let s = svc();
    let e = s
        .create(
            U,
            berlin(),
            draft("2026-11-23T08:00:00Z", Some("FREQ=DAILY;COUNT=3")),
        )
        .await
        .unwrap();
    assert_eq!(
        stored_end(&e, &[]),
        Some("2026-11-25T09:00:00Z".parse().unwrap())
    );
    let moved = Override {
        recurrence_id: at("2026-11-24T08:00:00Z"),
        title: None,
        description: None,
        location: None,
        start: Some(at("2026-12-24T08:00:00Z")),
        end: None,
        color: None,
    };
    assert_eq!(
        stored_end(&e, &[moved]),
        Some("2026-12-24T09:00:00Z".parse().unwrap())
    );
}

fn restored(rrule: Option<&str>) -> Event {
    svc()
        .new_event(U, berlin(), draft("2026-11-23T08:00:00Z", rrule))
        .unwrap()
        .event
}

fn changed(rid: When) -> Override {
    Override {
        recurrence_id: rid,
        title: Some("Moved".into()),
        description: None,
        location: None,
        start: None,
        end: None,
        color: None,
    }
}

#[test]
fn a_restored_event_is_checked_whole_and_answers_its_series_end() {
    let daily = restored(Some("FREQ=DAILY;COUNT=3"));
    assert_eq!(
        check_restored(&daily, &[]).unwrap(),
        Some("2026-11-25T09:00:00Z".parse().unwrap())
    );
    assert_eq!(
        check_restored(&restored(None), &[]).unwrap(),
        Some("2026-11-23T09:00:00Z".parse().unwrap())
    );
    // A changed occurrence moved later extends the series.
    let mut late = changed(at("2026-11-25T08:00:00Z"));
    late.end = Some(at("2026-11-26T10:00:00Z"));
    assert_eq!(
        check_restored(&daily, &[late]).unwrap(),
        Some("2026-11-26T10:00:00Z".parse().unwrap())
    );
    assert!(check_restored(&daily, &[changed(at("2026-11-24T08:00:00Z"))]).is_ok());
}

#[test]
fn a_restored_event_breaking_a_rule_names_the_field() {
    let field = |e: &Event, o: &[Override]| check_restored(e, o).unwrap_err().field;
    let daily = restored(Some("FREQ=DAILY;COUNT=3"));
    let mut bad = daily.clone();
    bad.rrule = Some("FREQ=SOMETIMES".into());
    assert_eq!(field(&bad, &[]), "rrule");
    let mut bad = daily.clone();
    bad.exdates = vec![When::On(d("2026-11-24"))];
    assert_eq!(field(&bad, &[]), "exdates[0]");
    let not_generated = changed(at("2026-11-24T08:30:00Z"));
    assert_eq!(
        field(&daily, &[not_generated]),
        "overrides[0].recurrence_id"
    );
    let twice = changed(at("2026-11-24T08:00:00Z"));
    assert_eq!(
        field(&daily, &[twice.clone(), twice.clone()]),
        "overrides[1].recurrence_id"
    );
    let mut skipped = daily.clone();
    skipped.exdates = vec![at("2026-11-24T08:00:00Z")];
    assert_eq!(
        field(&skipped, std::slice::from_ref(&twice)),
        "overrides[0].recurrence_id"
    );
    assert_eq!(
        field(&restored(None), std::slice::from_ref(&twice)),
        "overrides"
    );
    let mut kind = twice.clone();
    kind.start = Some(When::On(d("2026-11-24")));
    assert_eq!(field(&daily, &[kind]), "overrides[0]");
    let mut backwards = twice;
    backwards.end = Some(at("2026-11-24T07:00:00Z"));
    assert_eq!(field(&daily, &[backwards]), "overrides[0].end");
}

#[tokio::test]
async fn all_events_are_every_event_of_the_user_in_the_years_1_to_9999() {
    let s = svc();
    let mut ids = Vec::new();
    for start in [
        "0001-01-01T00:00:00Z",
        "2026-11-24T08:00:00Z",
        "9999-12-31T22:00:00Z",
    ] {
        let e = s.create(U, berlin(), draft(start, None)).await.unwrap();
        ids.push(e.id);
    }
    let series = s
        .create(
            U,
            berlin(),
            draft("2026-11-23T08:00:00Z", Some("FREQ=DAILY")),
        )
        .await
        .unwrap();
    s.change_occurrence(
        U,
        series.id,
        "2026-11-24T08:00:00Z",
        OverrideDraft {
            title: Some(EventTitle::parse("Late").unwrap()),
            ..OverrideDraft::default()
        },
    )
    .await
    .unwrap();
    ids.push(series.id);
    s.create(OTHER, berlin(), draft("2026-11-24T08:00:00Z", None))
        .await
        .unwrap();
    let all = s.all_events(U).await.unwrap();
    let mut got: Vec<EventId> = all.iter().map(|(e, _)| e.id).collect();
    got.sort_by_key(|id| id.0);
    ids.sort_by_key(|id| id.0);
    assert_eq!(got, ids);
    let (_, overrides) = all.iter().find(|(e, _)| e.id == series.id).unwrap();
    assert_eq!(overrides.len(), 1);
    assert_eq!(overrides[0].title.as_deref(), Some("Late"));
}
