//! Expansion against RFC 5545 section 3.8.5.3's worked examples that apply,
//! DST in three zones (gap and overlap included), and the window rules.

use super::*;
use crate::model::{Event, EventId, Override, Span, When};
use chrono::TimeZone;
use uuid::Uuid;

/// A timed event starting at `local` wall time in `tz`, lasting `minutes`.
fn event(local: &str, tz: &str, rrule: Option<&str>, minutes: i64) -> Event {
    let tz: Tz = tz.parse().unwrap();
    let naive = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%d %H:%M").unwrap();
    let start = tz
        .from_local_datetime(&naive)
        .earliest()
        .unwrap()
        .with_timezone(&Utc);
    Event {
        id: EventId(Uuid::nil()),
        title: "e".into(),
        description: None,
        location: None,
        span: Span::Timed {
            start,
            end: start + chrono::Duration::minutes(minutes),
        },
        timezone: tz,
        rrule: rrule.map(str::to_string),
        exdates: Vec::new(),
        color: None,
        created_at: start,
        updated_at: start,
    }
}

fn all_day(date: &str, days: u64, rrule: Option<&str>) -> Event {
    let start: NaiveDate = date.parse().unwrap();
    let mut e = event("2026-01-01 00:00", "UTC", rrule, 0);
    e.span = Span::AllDay {
        start,
        end: start + chrono::Days::new(days),
    };
    e
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Every instance start (UTC, RFC 3339) from the series start, up to `n`.
fn utc_starts(e: &Event, n: u16) -> Vec<String> {
    let rule = Rule::parse(e.rrule.as_deref().unwrap(), &e.span, e.timezone).unwrap();
    starts(
        e,
        &rule,
        e.span.start().instant(),
        at("2100-01-01T00:00:00Z"),
        n,
    )
    .iter()
    .map(When::to_wire)
    .collect()
}

/// Every instance start as a local date (`YYYY-MM-DD`) in the event's zone.
fn local_dates(e: &Event, n: u16) -> Vec<String> {
    let rule = Rule::parse(e.rrule.as_deref().unwrap(), &e.span, e.timezone).unwrap();
    starts(
        e,
        &rule,
        e.span.start().instant(),
        at("2100-01-01T00:00:00Z"),
        n,
    )
    .iter()
    .map(|w| match w {
        When::At(t) => t.with_timezone(&e.timezone).date_naive().to_string(),
        When::On(d) => d.to_string(),
    })
    .collect()
}

fn utc_prefs() -> TimePrefs {
    TimePrefs::default()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

// --- RFC 5545 section 3.8.5.3, the examples that apply (DTSTART 09:00 America/New_York) ---

#[test]
fn rfc5545_worked_examples() {
    let ny = "America/New_York";
    // (dtstart, rule, how many to take, expected local dates)
    let table: &[(&str, &str, u16, &[&str])] = &[
        (
            "1997-09-02 09:00",
            "FREQ=DAILY;COUNT=10",
            20,
            &[
                "1997-09-02",
                "1997-09-03",
                "1997-09-04",
                "1997-09-05",
                "1997-09-06",
                "1997-09-07",
                "1997-09-08",
                "1997-09-09",
                "1997-09-10",
                "1997-09-11",
            ],
        ),
        (
            "1997-09-02 09:00",
            "FREQ=DAILY;INTERVAL=10;COUNT=5",
            20,
            &[
                "1997-09-02",
                "1997-09-12",
                "1997-09-22",
                "1997-10-02",
                "1997-10-12",
            ],
        ),
        (
            "1997-09-02 09:00",
            "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
            50,
            &[
                "1997-09-02",
                "1997-09-04",
                "1997-09-09",
                "1997-09-11",
                "1997-09-16",
                "1997-09-18",
                "1997-09-23",
                "1997-09-25",
                "1997-09-30",
                "1997-10-02",
            ],
        ),
        (
            "1997-09-05 09:00",
            "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
            20,
            &[
                "1997-09-05",
                "1997-10-03",
                "1997-11-07",
                "1997-12-05",
                "1998-01-02",
                "1998-02-06",
                "1998-03-06",
                "1998-04-03",
                "1998-05-01",
                "1998-06-05",
            ],
        ),
        (
            "1997-09-22 09:00",
            "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
            20,
            &[
                "1997-09-22",
                "1997-10-20",
                "1997-11-17",
                "1997-12-22",
                "1998-01-19",
                "1998-02-16",
            ],
        ),
        (
            "1997-09-28 09:00",
            "FREQ=MONTHLY;BYMONTHDAY=-3",
            6,
            &[
                "1997-09-28",
                "1997-10-29",
                "1997-11-28",
                "1997-12-29",
                "1998-01-29",
                "1998-02-26",
            ],
        ),
        (
            "1997-09-02 09:00",
            "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
            20,
            &[
                "1997-09-02",
                "1997-09-15",
                "1997-10-02",
                "1997-10-15",
                "1997-11-02",
                "1997-11-15",
                "1997-12-02",
                "1997-12-15",
                "1998-01-02",
                "1998-01-15",
            ],
        ),
        (
            "1997-06-10 09:00",
            "FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
            20,
            &[
                "1997-06-10",
                "1997-07-10",
                "1998-06-10",
                "1998-07-10",
                "1999-06-10",
                "1999-07-10",
                "2000-06-10",
                "2000-07-10",
                "2001-06-10",
                "2001-07-10",
            ],
        ),
        (
            "1997-01-01 09:00",
            "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
            20,
            &[
                "1997-01-01",
                "1997-04-10",
                "1997-07-19",
                "2000-01-01",
                "2000-04-09",
                "2000-07-18",
                "2003-01-01",
                "2003-04-10",
                "2003-07-19",
                "2006-01-01",
            ],
        ),
        (
            "1997-05-12 09:00",
            "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
            3,
            &["1997-05-12", "1998-05-11", "1999-05-17"],
        ),
        (
            "1997-09-30 09:00",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            6,
            &[
                "1997-09-30",
                "1997-10-31",
                "1997-11-28",
                "1997-12-31",
                "1998-01-30",
                "1998-02-27",
            ],
        ),
        (
            "1997-09-04 09:00",
            "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
            20,
            &["1997-09-04", "1997-10-07", "1997-11-06"],
        ),
        (
            "1997-08-05 09:00",
            "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
            20,
            &["1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"],
        ),
        (
            "1997-08-05 09:00",
            "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
            20,
            &["1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"],
        ),
        (
            "2007-01-15 09:00",
            "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
            20,
            &[
                "2007-01-15",
                "2007-01-30",
                "2007-02-15",
                "2007-03-15",
                "2007-03-30",
            ],
        ),
    ];
    for (start, rule, n, expected) in table {
        let e = event(start, ny, Some(rule), 60);
        assert_eq!(local_dates(&e, *n), *expected, "{rule}");
    }
    // Every instance keeps 09:00 local across the 1997 DST change (Oct 26).
    let e = event("1997-09-02 09:00", ny, Some("FREQ=WEEKLY;COUNT=10"), 60);
    let starts = utc_starts(&e, 20);
    assert_eq!(starts[0], "1997-09-02T13:00:00Z");
    assert_eq!(starts[9], "1997-11-04T14:00:00Z");
}

#[test]
fn the_31st_and_feb_29_are_skipped_where_they_do_not_exist() {
    let e = event("2026-01-31 10:00", "UTC", Some("FREQ=MONTHLY;COUNT=4"), 60);
    assert_eq!(
        local_dates(&e, 10),
        ["2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31"]
    );
    let e = event("2024-02-29 10:00", "UTC", Some("FREQ=YEARLY;COUNT=3"), 60);
    assert_eq!(
        local_dates(&e, 10),
        ["2024-02-29", "2028-02-29", "2032-02-29"]
    );
}

// --- DST ---

#[test]
fn a_weekly_berlin_event_keeps_nine_oclock_across_dst() {
    let e = event(
        "2026-10-19 09:00",
        "Europe/Berlin",
        Some("FREQ=WEEKLY;COUNT=2"),
        60,
    );
    assert_eq!(
        utc_starts(&e, 5),
        ["2026-10-19T07:00:00Z", "2026-10-26T08:00:00Z"]
    );
    let spring = event(
        "2026-03-23 09:00",
        "Europe/Berlin",
        Some("FREQ=WEEKLY;COUNT=2"),
        60,
    );
    assert_eq!(
        utc_starts(&spring, 5),
        ["2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z"]
    );
}

#[test]
fn new_york_and_sydney_keep_their_wall_time_too() {
    let ny = event(
        "2026-10-31 09:00",
        "America/New_York",
        Some("FREQ=DAILY;COUNT=2"),
        30,
    );
    assert_eq!(
        utc_starts(&ny, 5),
        ["2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z"]
    );
    // Sydney springs forward on 2026-10-04 (+10:00 to +11:00).
    let syd = event(
        "2026-10-03 09:00",
        "Australia/Sydney",
        Some("FREQ=DAILY;COUNT=2"),
        30,
    );
    assert_eq!(
        utc_starts(&syd, 5),
        ["2026-10-02T23:00:00Z", "2026-10-03T22:00:00Z"]
    );
    // ... and falls back on 2026-04-05.
    let syd = event(
        "2026-04-04 09:00",
        "Australia/Sydney",
        Some("FREQ=DAILY;COUNT=2"),
        30,
    );
    assert_eq!(
        utc_starts(&syd, 5),
        ["2026-04-03T22:00:00Z", "2026-04-04T23:00:00Z"]
    );
}

#[test]
fn a_wall_time_in_the_spring_gap_moves_forward_by_the_gap() {
    // Berlin skips 02:00-02:59 on 2026-03-29. RFC 5545 3.3.5: the time is
    // read with the offset before the gap, so 02:30 CET = 01:30Z (03:30 CEST).
    let e = event(
        "2026-03-28 02:30",
        "Europe/Berlin",
        Some("FREQ=DAILY;COUNT=3"),
        30,
    );
    assert_eq!(
        utc_starts(&e, 5),
        [
            "2026-03-28T01:30:00Z",
            "2026-03-29T01:30:00Z",
            "2026-03-30T00:30:00Z"
        ]
    );
    // New York skips 02:00-02:59 on 2026-03-08.
    let e = event(
        "2026-03-07 02:30",
        "America/New_York",
        Some("FREQ=DAILY;COUNT=2"),
        30,
    );
    assert_eq!(
        utc_starts(&e, 5),
        ["2026-03-07T07:30:00Z", "2026-03-08T07:30:00Z"]
    );
}

#[test]
fn a_wall_time_that_occurs_twice_takes_the_first() {
    // Berlin has 02:30 twice on 2026-10-25: CEST (00:30Z) first, then CET (01:30Z).
    let e = event(
        "2026-10-24 02:30",
        "Europe/Berlin",
        Some("FREQ=DAILY;COUNT=3"),
        30,
    );
    assert_eq!(
        utc_starts(&e, 5),
        [
            "2026-10-24T00:30:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-26T01:30:00Z"
        ]
    );
    // Sydney has 02:30 twice on 2026-04-05: AEDT (15:30Z) first.
    let e = event(
        "2026-04-04 02:30",
        "Australia/Sydney",
        Some("FREQ=DAILY;COUNT=2"),
        30,
    );
    assert_eq!(
        utc_starts(&e, 5),
        ["2026-04-03T15:30:00Z", "2026-04-04T15:30:00Z"]
    );
}

#[test]
fn hourly_series_are_every_n_elapsed_hours_across_dst() {
    // rrule 0.14 expands HOURLY in local time: in spring it repeats 03:00
    // and in autumn it skips an hour. Plain hourly rules run on UTC here.
    let spring = event(
        "2026-03-29 00:30",
        "Europe/Berlin",
        Some("FREQ=HOURLY;COUNT=4"),
        15,
    );
    assert_eq!(
        utc_starts(&spring, 10),
        [
            "2026-03-28T23:30:00Z",
            "2026-03-29T00:30:00Z",
            "2026-03-29T01:30:00Z",
            "2026-03-29T02:30:00Z"
        ]
    );
    let autumn = event(
        "2026-10-25 01:30",
        "Europe/Berlin",
        Some("FREQ=HOURLY;COUNT=4"),
        15,
    );
    assert_eq!(
        utc_starts(&autumn, 10),
        [
            "2026-10-24T23:30:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-25T01:30:00Z",
            "2026-10-25T02:30:00Z"
        ]
    );
    // With an hour filter the wall time rules; the repeated instant is kept once.
    let filtered = event(
        "2026-03-29 01:00",
        "Europe/Berlin",
        Some("FREQ=HOURLY;BYHOUR=1,2,3;COUNT=3"),
        15,
    );
    let got = utc_starts(&filtered, 10);
    let mut unique = got.clone();
    unique.dedup();
    assert_eq!(got, unique);
}

// --- UNTIL, COUNT, exdates ---

#[test]
fn until_is_inclusive_and_read_in_utc_or_the_events_zone() {
    let e = event(
        "2026-11-02 09:00",
        "Europe/Berlin",
        Some("FREQ=DAILY;UNTIL=20261104T080000Z"),
        60,
    );
    assert_eq!(
        local_dates(&e, 10),
        ["2026-11-02", "2026-11-03", "2026-11-04"]
    );
    let e = event(
        "2026-11-02 09:00",
        "Europe/Berlin",
        Some("FREQ=DAILY;UNTIL=20261104T075959Z"),
        60,
    );
    assert_eq!(local_dates(&e, 10), ["2026-11-02", "2026-11-03"]);
    // A date UNTIL covers that whole day in the event's zone.
    let e = event(
        "2026-11-02 23:30",
        "Europe/Berlin",
        Some("FREQ=DAILY;UNTIL=20261104"),
        20,
    );
    assert_eq!(
        local_dates(&e, 10),
        ["2026-11-02", "2026-11-03", "2026-11-04"]
    );
    // A floating date-time is the event's wall time.
    let e = event(
        "2026-11-02 09:00",
        "America/New_York",
        Some("FREQ=DAILY;UNTIL=20261103T090000"),
        20,
    );
    assert_eq!(local_dates(&e, 10), ["2026-11-02", "2026-11-03"]);
}

#[test]
fn count_counts_skipped_instances_and_exdates_match_exactly() {
    let mut e = event("2026-11-02 09:00", "UTC", Some("FREQ=DAILY;COUNT=3"), 60);
    e.exdates = vec![
        When::At(at("2026-11-03T09:00:00Z")),
        When::At(at("2026-11-04T09:00:01Z")), // not a generated start: no effect
    ];
    let w = Window::new(d("2026-11-01"), d("2026-11-30"), &utc_prefs());
    let got: Vec<String> = occurrences(&e, &[], &w)
        .iter()
        .map(|o| o.start.to_wire())
        .collect();
    assert_eq!(got, ["2026-11-02T09:00:00Z", "2026-11-04T09:00:00Z"]);
}

// --- windows ---

#[test]
fn an_occurrence_that_started_before_the_window_and_still_runs_is_listed() {
    let e = event("2026-11-01 22:00", "UTC", Some("FREQ=WEEKLY"), 4 * 60);
    let w = Window::new(d("2026-11-09"), d("2026-11-09"), &utc_prefs());
    let got = occurrences(&e, &[], &w);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].start.to_wire(), "2026-11-08T22:00:00Z");
    assert_eq!(got[0].recurrence_id, Some(got[0].start));
    // Ending exactly when the window begins is not overlapping.
    let e = event("2026-11-08 22:00", "UTC", None, 120);
    assert!(occurrences(&e, &[], &w).is_empty());
}

#[test]
fn the_window_is_the_users_days_not_the_events() {
    // 23:30 UTC on the 9th is already the 10th in Tokyo.
    let e = event("2026-11-09 23:30", "UTC", None, 15);
    let tokyo = TimePrefs {
        timezone: chrono_tz::Asia::Tokyo,
        week_start: lifeos_kernel::WeekStart::Monday,
    };
    assert!(
        occurrences(
            &e,
            &[],
            &Window::new(d("2026-11-09"), d("2026-11-09"), &tokyo)
        )
        .is_empty()
    );
    assert_eq!(
        occurrences(
            &e,
            &[],
            &Window::new(d("2026-11-10"), d("2026-11-10"), &tokyo)
        )
        .len(),
        1
    );
}

#[test]
fn all_day_events_recur_by_date_and_overlap_by_date() {
    let e = all_day("2026-12-24", 2, Some("FREQ=YEARLY;COUNT=3"));
    let w = Window::new(d("2027-12-25"), d("2027-12-25"), &utc_prefs());
    let got = occurrences(&e, &[], &w);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].start.to_wire(), got[0].end.to_wire()),
        ("2027-12-24".into(), "2027-12-26".into())
    );
    assert!(got[0].all_day);
    // The exclusive end does not overlap its own day.
    let w = Window::new(d("2027-12-26"), d("2027-12-26"), &utc_prefs());
    assert!(occurrences(&e, &[], &w).is_empty());
    // Dates float: a user far east of UTC sees the same days.
    let kiritimati = TimePrefs {
        timezone: chrono_tz::Pacific::Kiritimati,
        week_start: lifeos_kernel::WeekStart::Monday,
    };
    let w = Window::new(d("2028-12-24"), d("2028-12-24"), &kiritimati);
    assert_eq!(occurrences(&e, &[], &w).len(), 1);
}

#[test]
fn changed_occurrences_are_listed_at_their_new_time_with_their_original_id() {
    let e = event("2026-11-02 09:00", "UTC", Some("FREQ=DAILY;COUNT=10"), 60);
    let moved_out = Override {
        recurrence_id: When::At(at("2026-11-03T09:00:00Z")),
        title: Some("moved".into()),
        description: None,
        location: None,
        start: Some(When::At(at("2026-11-20T09:00:00Z"))),
        end: None,
        color: None,
    };
    let w = Window::new(d("2026-11-03"), d("2026-11-03"), &utc_prefs());
    assert!(occurrences(&e, std::slice::from_ref(&moved_out), &w).is_empty());
    let w = Window::new(d("2026-11-20"), d("2026-11-20"), &utc_prefs());
    let got = occurrences(&e, &[moved_out], &w);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].title, "moved");
    assert_eq!(got[0].end.to_wire(), "2026-11-20T10:00:00Z");
    assert_eq!(
        got[0].recurrence_id.unwrap().to_wire(),
        "2026-11-03T09:00:00Z"
    );
}

#[test]
fn expansion_is_capped_per_event() {
    let e = event("2026-01-01 00:00", "UTC", Some("FREQ=HOURLY"), 1);
    let w = Window::new(d("2026-01-01"), d("2026-12-31"), &utc_prefs());
    assert_eq!(occurrences(&e, &[], &w).len(), usize::from(MAX_INSTANCES));
}

#[test]
fn series_ends_are_known_only_for_bounded_series() {
    let single = event("2026-11-02 09:00", "UTC", None, 60);
    assert_eq!(series_end(&single), Some(at("2026-11-02T10:00:00Z")));
    let counted = event("2026-11-02 09:00", "UTC", Some("FREQ=DAILY;COUNT=3"), 60);
    assert_eq!(series_end(&counted), Some(at("2026-11-04T10:00:00Z")));
    let endless = event("2026-11-02 09:00", "UTC", Some("FREQ=DAILY"), 60);
    assert_eq!(series_end(&endless), None);
    assert!(generates(&counted, When::At(at("2026-11-04T09:00:00Z"))));
    assert!(!generates(&counted, When::At(at("2026-11-05T09:00:00Z"))));
    assert!(!generates(&single, When::At(at("2026-11-02T09:00:00Z"))));
}

// --- RRULE acceptance ---

#[test]
fn invalid_rules_are_refused_with_the_reason() {
    let e = event("2026-11-02 09:00", "Europe/Berlin", None, 60);
    let cases = [
        ("", "empty"),
        ("FREQ=DAILY;FOO=1", "unknown part `FOO`"),
        (
            "FREQ=DAILY;COUNT=2;UNTIL=20261201T000000Z",
            "COUNT and UNTIL",
        ),
        ("FREQ=WEEKLY;BYDAY=XX", "XX"),
        ("FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs another"),
        ("FREQ=MINUTELY", "SECONDLY"),
        ("FREQ=SECONDLY", "SECONDLY"),
        ("COUNT=3", "FREQ is required"),
        ("FREQ=DAILY;COUNT=3;COUNT=4", "twice"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
        ("FREQ=DAILY;BYMONTHDAY=32", "32"),
        ("FREQ=YEARLY;BYWEEKNO=54", "54"),
        ("FREQ=DAILY;UNTIL=yesterday", "UNTIL"),
        ("FREQ=DAILY;COUNT=x", "COUNT"),
        ("FREQ=DAILY;=", "unknown part"),
        ("FREQ=DAILY;COUNT", "NAME=VALUE"),
    ];
    for (raw, reason) in cases {
        let err = Rule::parse(raw, &e.span, e.timezone).unwrap_err();
        assert_eq!(err.field, "rrule", "{raw}");
        assert!(err.message.contains(reason), "{raw}: {}", err.message);
    }
    for ok in [
        "FREQ=HOURLY",
        "freq=weekly;byday=mo,we",
        "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    ] {
        assert!(Rule::parse(ok, &e.span, e.timezone).is_ok(), "{ok}");
    }
}

#[test]
fn overlap_edges_for_timed_and_all_day_occurrences() {
    let w = Window::new(d("2026-11-24"), d("2026-11-25"), &utc_prefs());
    let t = |s: &str| When::At(at(s));
    // Timed: the window is [24th 00:00Z, 26th 00:00Z).
    assert!(
        !w.overlaps(t("2026-11-23T23:00:00Z"), t("2026-11-24T00:00:00Z")),
        "ends as it begins"
    );
    assert!(w.overlaps(t("2026-11-23T23:00:00Z"), t("2026-11-24T00:00:01Z")));
    assert!(
        !w.overlaps(t("2026-11-26T00:00:00Z"), t("2026-11-26T01:00:00Z")),
        "starts as it ends"
    );
    assert!(w.overlaps(t("2026-11-25T23:59:59Z"), t("2026-11-26T01:00:00Z")));
    assert!(
        w.overlaps(t("2026-11-24T00:00:00Z"), t("2026-11-24T00:00:00Z")),
        "zero-length at the start"
    );
    assert!(
        !w.overlaps(t("2026-11-23T12:00:00Z"), t("2026-11-23T12:00:00Z")),
        "zero-length before"
    );
    // All-day: dates, end exclusive.
    let on = |s: &str| When::On(d(s));
    assert!(
        w.overlaps(on("2026-11-25"), on("2026-11-26")),
        "the last day"
    );
    assert!(!w.overlaps(on("2026-11-26"), on("2026-11-27")));
    assert!(
        !w.overlaps(on("2026-11-23"), on("2026-11-24")),
        "ends as the window begins"
    );
    assert!(
        w.overlaps(on("2026-11-24"), on("2026-11-24")),
        "zero-length on the first day"
    );
    assert!(!w.overlaps(on("2026-11-23"), on("2026-11-23")));
    // In Tokyo the 24th begins at 23rd 15:00Z; an all-day event of the 23rd
    // still ends (by date) as the window begins.
    let tokyo = TimePrefs {
        timezone: chrono_tz::Asia::Tokyo,
        week_start: lifeos_kernel::WeekStart::Monday,
    };
    let wt = Window::new(d("2026-11-24"), d("2026-11-24"), &tokyo);
    assert!(!wt.overlaps(on("2026-11-23"), on("2026-11-24")));
    assert!(wt.overlaps(on("2026-11-24"), on("2026-11-25")));
}

#[test]
fn an_rrule_of_at_most_1000_characters_is_read() {
    let e = event("2026-11-02 09:00", "UTC", None, 60);
    let head = "FREQ=DAILY;BYHOUR=9;BYMINUTE=";
    let pad = "0,".repeat((1000 - head.len()) / 2);
    let mut exact = format!("{head}{pad}");
    exact.truncate(999);
    exact.push('0');
    assert_eq!(exact.len(), 1000);
    let ok = Rule::parse(&exact, &e.span, e.timezone);
    assert!(
        ok.as_ref()
            .map_or_else(|f| !f.message.contains("longer"), |_| true),
        "{ok:?}"
    );
    let long = format!("{exact},0");
    let err = Rule::parse(&long, &e.span, e.timezone).unwrap_err();
    assert!(err.message.contains("longer than 1000"), "{}", err.message);
}

#[test]
fn a_window_years_after_the_start_expands_from_a_later_start_with_the_same_instances() {
    let cases = [
        ("2016-03-31 09:30", "Europe/Berlin", "FREQ=DAILY"),
        (
            "2016-03-29 09:30",
            "Europe/Berlin",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;WKST=SU",
        ),
        (
            "2016-01-15 02:30",
            "Europe/Berlin",
            "FREQ=MONTHLY;BYDAY=-1FR",
        ),
        (
            "2016-01-15 08:00",
            "America/New_York",
            "FREQ=MONTHLY;INTERVAL=3",
        ),
        (
            "2016-05-16 07:00",
            "Australia/Sydney",
            "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        ),
        (
            "2016-02-10 09:00",
            "UTC",
            "FREQ=DAILY;INTERVAL=7;UNTIL=20300101T000000Z",
        ),
    ];
    for (start, zone, rrule) in cases {
        let e = event(start, zone, Some(rrule), 60);
        let rule = Rule::parse(rrule, &e.span, e.timezone).unwrap();
        let first = dt_start(&e.span, e.timezone, &rule);
        let lo = at("2026-03-20T00:00:00Z");
        let hi = at("2026-11-10T00:00:00Z");
        let later = fast_forward(first, &rule, lo).expect(rrule);
        assert!(
            later > first && later.with_timezone(&Utc) < lo,
            "{rrule}: {later}"
        );
        assert_eq!(later.time(), first.time(), "{rrule} keeps its wall time");
        let fast = starts_from(&e, &rule, lo, hi, MAX_INSTANCES, true);
        let full = starts_from(&e, &rule, lo, hi, MAX_INSTANCES, false);
        assert!(!full.is_empty(), "{rrule}");
        assert_eq!(fast, full, "{rrule}");
    }
    // Where moving the start could change the series, it is not moved.
    for (start, rrule) in [
        ("2016-01-31 09:00", "FREQ=MONTHLY"),
        ("2016-02-29 09:00", "FREQ=YEARLY"),
        ("2016-01-01 09:00", "FREQ=DAILY;COUNT=5000"),
        ("2016-01-01 09:00", "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1"),
    ] {
        let e = event(start, "UTC", Some(rrule), 60);
        let rule = Rule::parse(rrule, &e.span, e.timezone).unwrap();
        let first = dt_start(&e.span, e.timezone, &rule);
        assert!(
            fast_forward(first, &rule, at("2026-03-20T00:00:00Z")).is_none(),
            "{rrule}"
        );
    }
}
