//! Properties of expansion for random valid rules, and of RRULE parsing for
//! arbitrary text.

use super::*;
use crate::model::{Event, EventId, Span};
use proptest::prelude::*;
use uuid::Uuid;

const ZONES: [&str; 5] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
];

fn rule() -> impl Strategy<Value = String> {
    let freq = prop::sample::select(vec!["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]);
    let byday = prop::sample::subsequence(vec!["MO", "TU", "WE", "TH", "FR", "SA", "SU"], 0..4);
    (
        freq,
        1u32..4,
        prop::option::of(1u32..60),
        byday,
        prop::option::of(prop::sample::select(vec![1i32, 15, 28, 31, -1])),
    )
        .prop_map(|(freq, interval, count, days, monthday)| {
            let mut r = format!("FREQ={freq};INTERVAL={interval}");
            if let Some(c) = count {
                r.push_str(&format!(";COUNT={c}"));
            }
            if !days.is_empty() && freq != "DAILY" {
                r.push_str(&format!(";BYDAY={}", days.join(",")));
            }
            if let Some(d) = monthday
                && (freq == "MONTHLY" || freq == "YEARLY")
            {
                r.push_str(&format!(";BYMONTHDAY={d}"));
            }
            r
        })
}

fn event(zone: &str, day_offset: i64, rrule: String, minutes: i64) -> Event {
    let tz: Tz = zone.parse().unwrap_or(Tz::UTC);
    let day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default()
        + chrono::Days::new(day_offset.unsigned_abs());
    // 09:00 local never falls in a DST gap in these zones.
    let local = day.and_hms_opt(9, 0, 0).unwrap_or_default();
    let start = tz
        .from_local_datetime(&local)
        .earliest()
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc));
    Event {
        id: EventId(Uuid::nil()),
        title: "p".into(),
        description: None,
        location: None,
        span: Span::Timed {
            start,
            end: start + chrono::Duration::minutes(minutes),
        },
        timezone: tz,
        rrule: Some(rrule),
        exdates: Vec::new(),
        color: None,
        created_at: start,
        updated_at: start,
    }
}

proptest! {
    // No regression files: mutation testing runs these against broken code
    // on purpose, and a real failure prints its minimal case.
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn expansion_is_sorted_inside_the_window_at_the_local_wall_time_and_capped(
        zone in prop::sample::select(ZONES.to_vec()),
        start_day in 0i64..1500,
        rrule in rule(),
        minutes in 0i64..600,
        from_day in 0i64..2000,
        span in 0i64..366,
    ) {
        let e = event(zone, start_day, rrule.clone(), minutes);
        prop_assume!(Rule::parse(&rrule, &e.span, e.timezone).is_ok());
        let from = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default()
            + chrono::Days::new(from_day.unsigned_abs());
        let to = from + chrono::Days::new(span.unsigned_abs());
        let w = Window::new(from, to, &TimePrefs::default());
        let list = occurrences(&e, &[], &w);
        prop_assert!(list.len() <= usize::from(MAX_INSTANCES));
        for pair in list.windows(2) {
            prop_assert!(pair[0].start < pair[1].start, "sorted and distinct: {rrule}");
        }
        for o in &list {
            prop_assert!(w.overlaps(o.start, o.end), "{rrule}: {o:?} outside {w:?}");
            let local = o.start.instant().with_timezone(&e.timezone);
            prop_assert_eq!(
                local.time(),
                chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
                "{} keeps 09:00 in {}", rrule, zone
            );
            prop_assert_eq!(o.end.instant() - o.start.instant(), e.span.duration());
        }
    }

    #[test]
    fn starting_later_gives_exactly_the_instances_of_starting_at_the_start(
        zone in prop::sample::select(ZONES.to_vec()),
        start_day in 0i64..1500,
        rrule in rule(),
        until_day in prop::option::of(0i64..4000),
        hour in 0u32..24,
        from_day in 0i64..4000,
        span in 0i64..60,
    ) {
        let mut e = event(zone, start_day, String::new(), 30);
        // Any wall time, DST gaps and overlaps included.
        let tz = e.timezone;
        let local = e.span.start().instant().with_timezone(&tz).date_naive()
            .and_hms_opt(hour, 30, 0).unwrap_or_default();
        let start = tz.from_local_datetime(&local).earliest()
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc));
        e.span = Span::Timed { start, end: start + chrono::Duration::minutes(30) };
        let mut text = rrule.replace(";COUNT=", ";X=").split(";X=").next().unwrap_or_default().to_string();
        if let Some(u) = until_day {
            let until = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default() + chrono::Days::new(u.unsigned_abs());
            text.push_str(&format!(";UNTIL={}", until.format("%Y%m%dT000000Z")));
        }
        let Ok(rule) = Rule::parse(&text, &e.span, e.timezone) else { return Ok(()) };
        let lo = (NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default()
            + chrono::Days::new(from_day.unsigned_abs())).and_time(NaiveTime::MIN).and_utc();
        let hi = lo + chrono::Duration::days(span);
        let fast = starts_from(&e, &rule, lo, hi, MAX_INSTANCES, true);
        let full = starts_from(&e, &rule, lo, hi, MAX_INSTANCES, false);
        prop_assert_eq!(fast, full, "{} from {} in {}", text, lo, zone);
    }

    #[test]
    fn any_text_as_an_rrule_is_accepted_or_refused_never_a_panic(raw in ".{0,80}") {
        let e = event("UTC", 0, String::new(), 60);
        if let Err(f) = Rule::parse(&raw, &e.span, e.timezone) {
            prop_assert_eq!(f.field, "rrule");
        }
    }

    #[test]
    fn rrule_like_text_is_accepted_or_refused_never_a_panic(
        parts in prop::collection::vec(
            (prop::sample::select(vec!["FREQ", "COUNT", "UNTIL", "INTERVAL", "BYDAY", "BYMONTHDAY",
                "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST", "BYHOUR", "BYMINUTE"]),
             "[A-Z0-9,+-]{0,12}"),
            0..6),
    ) {
        let raw = parts.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";");
        let e = event("Europe/Berlin", 0, String::new(), 60);
        if let Ok(rule) = Rule::parse(&raw, &e.span, e.timezone) {
            let mut ok = e.clone();
            ok.rrule = Some(raw.clone());
            let w = Window::new(
                NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default(),
                NaiveDate::from_ymd_opt(2024, 12, 31).unwrap_or_default(),
                &TimePrefs::default(),
            );
            prop_assert!(occurrences(&ok, &[], &w).len() <= usize::from(MAX_INSTANCES));
            prop_assert!(rule.get("FREQ").is_some());
        }
    }

    #[test]
    fn any_text_as_a_when_is_parsed_or_refused(raw in ".{0,40}", all_day in any::<bool>()) {
        if let Err(f) = When::parse("start", &raw, all_day) {
            prop_assert_eq!(f.field, "start");
        }
    }
}
