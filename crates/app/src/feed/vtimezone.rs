//! `VTIMEZONE` components from the IANA database that chrono-tz carries.
//!
//! chrono-tz answers "what is the offset at this instant", not "what are
//! the rules", so the transitions are found by sampling each day and
//! bisecting to the second. Transitions that follow a yearly rule (the same
//! month, weekday, week of the month, wall time and offsets, year after
//! year) become one observance with an `RRULE`; the last such run of each
//! kind is left open so a series that recurs past the sampled years keeps
//! its offsets. Any other transition is an observance of its own.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// One change of offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transition {
    /// The instant it happens.
    pub at: DateTime<Utc>,
    /// The offset before, seconds east of UTC.
    pub from: i32,
    /// The offset after.
    pub to: i32,
    /// The abbreviation after (`CEST`).
    pub name: String,
    /// Whether the time after is daylight saving time.
    pub dst: bool,
}

fn offset(tz: Tz, t: DateTime<Utc>) -> (i32, String, bool) {
    let o = tz.offset_from_utc_datetime(&t.naive_utc());
    let name = o.abbreviation().unwrap_or_default().to_owned();
    (o.fix().local_minus_utc(), name, !o.dst_offset().is_zero())
}

fn at_second(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// The transitions of `tz` from the start of `from_year` to the end of
/// `to_year`.
pub(crate) fn transitions(tz: Tz, from_year: i32, to_year: i32) -> Vec<Transition> {
    let start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .unwrap_or_default()
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
    };
    let end = start(to_year + 1);
    let mut out = Vec::new();
    let mut before = start(from_year);
    let mut seen = offset(tz, before);
    while before < end {
        let after = before + chrono::Duration::days(1);
        let now = offset(tz, after);
        if now != seen {
            // The change lies in (lo, hi]: bisect to the second.
            let (mut lo, mut hi) = (before.timestamp(), after.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset(tz, at_second(mid)) == seen {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let hi = at_second(hi);
            let at = offset(tz, hi);
            out.push(Transition {
                at: hi,
                from: seen.0,
                to: at.0,
                name: at.1.clone(),
                dst: at.2,
            });
            seen = at;
            // A second change within the same day is found from `hi` on.
            before = hi;
            continue;
        }
        before = after;
    }
    out
}

/// `+0100`, `-0430`, `+053730` (seconds only when there are some).
pub(crate) fn utc_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

/// The wall time a transition happens at, read on the clock before it
/// (how an observance's `DTSTART` is written).
fn local_before(t: &Transition) -> NaiveDateTime {
    t.at.naive_utc() + chrono::Duration::seconds(i64::from(t.from))
}

/// `BYDAY` week of a date in its month: `-1` when it is the last such
/// weekday, otherwise 1 to 4.
fn week_of_month(d: NaiveDate) -> i32 {
    let next_month = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    let last = next_month.map_or(31, |n| n.pred_opt().map_or(31, |p| p.day()));
    if d.day() + 7 > last {
        -1
    } else {
        i32::try_from((d.day() - 1) / 7 + 1).unwrap_or(1)
    }
}

/// What makes two transitions the same yearly rule.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RuleKey {
    dst: bool,
    from: i32,
    to: i32,
    name: String,
    month: u32,
    weekday: chrono::Weekday,
    week: i32,
    time: (u32, u32, u32),
}

fn key(t: &Transition) -> RuleKey {
    let local = local_before(t);
    RuleKey {
        dst: t.dst,
        from: t.from,
        to: t.to,
        name: t.name.clone(),
        month: local.month(),
        weekday: local.weekday(),
        week: week_of_month(local.date()),
        time: (local.hour(), local.minute(), local.second()),
    }
}

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// One observance: its lines between `BEGIN:STANDARD|DAYLIGHT` and `END`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Observance {
    /// `DAYLIGHT` or `STANDARD`.
    pub kind: &'static str,
    /// Its properties, name and value.
    pub properties: Vec<(&'static str, String)>,
}

fn observance(t: &Transition, rrule: Option<String>) -> Observance {
    let mut properties = vec![
        (
            "DTSTART",
            local_before(t).format("%Y%m%dT%H%M%S").to_string(),
        ),
        ("TZOFFSETFROM", utc_offset(t.from)),
        ("TZOFFSETTO", utc_offset(t.to)),
    ];
    if let Some(r) = rrule {
        properties.push(("RRULE", r));
    }
    if !t.name.is_empty() {
        properties.push(("TZNAME", t.name.clone()));
    }
    Observance {
        kind: if t.dst { "DAYLIGHT" } else { "STANDARD" },
        properties,
    }
}

/// The observances of `tz` for times in the years `from_year..=to_year`
/// (and after, by the open rules).
pub(crate) fn observances(tz: Tz, from_year: i32, to_year: i32) -> Vec<Observance> {
    let all = transitions(tz, from_year, to_year);
    let mut out = Vec::new();
    // The offset in force at the start, as an observance that begins there.
    let first_at = NaiveDate::from_ymd_opt(from_year, 1, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let (off, name, dst) = offset(tz, first_at);
    out.push(observance(
        &Transition {
            at: first_at - chrono::Duration::seconds(i64::from(off)),
            from: off,
            to: off,
            name,
            dst,
        },
        None,
    ));
    let keys: Vec<RuleKey> = all.iter().map(key).collect();
    let mut used = vec![false; all.len()];
    for i in 0..all.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        // The later transitions of the same rule in the following years.
        let mut run = vec![i];
        let mut year = all[i].at.year();
        for j in i + 1..all.len() {
            if !used[j] && keys[j] == keys[i] && all[j].at.year() == year + 1 {
                used[j] = true;
                run.push(j);
                year += 1;
            }
        }
        let last = run[run.len() - 1];
        if run.len() == 1 {
            out.push(observance(&all[i], None));
            continue;
        }
        let k = &keys[i];
        let mut rule = format!(
            "FREQ=YEARLY;BYMONTH={};BYDAY={}{}",
            k.month,
            k.week,
            WEEKDAYS[k.weekday.num_days_from_monday() as usize]
        );
        // A rule still in force in the last year sampled stays open.
        if all[last].at.year() < to_year {
            rule.push_str(&format!(";UNTIL={}", all[last].at.format("%Y%m%dT%H%M%SZ")));
        }
        out.push(observance(&all[i], Some(rule)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz(name: &str) -> Tz {
        name.parse().unwrap()
    }

    #[test]
    fn berlin_changes_twice_a_year_at_the_second() {
        let t = transitions(tz("Europe/Berlin"), 2026, 2026);
        assert_eq!(t.len(), 2);
        assert_eq!(
            t[0].at,
            "2026-03-29T01:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!((t[0].from, t[0].to, t[0].dst), (3600, 7200, true));
        assert_eq!(t[0].name, "CEST");
        assert_eq!(
            t[1].at,
            "2026-10-25T01:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!((t[1].from, t[1].to, t[1].dst), (7200, 3600, false));
        assert!(transitions(tz("Asia/Tokyo"), 2000, 2030).is_empty());
    }

    #[test]
    fn two_changes_in_one_day_are_both_found() {
        // Samoa skipped 30 December 2011 (from -10 to +14, with DST); the
        // day before and after sampling alone would see one change.
        let t = transitions(tz("Pacific/Apia"), 2011, 2011);
        let big = t.iter().find(|x| x.to - x.from == 24 * 3600).unwrap();
        assert_eq!(
            big.at,
            "2011-12-30T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn offsets_are_written_with_seconds_only_when_needed() {
        assert_eq!(utc_offset(3600), "+0100");
        assert_eq!(utc_offset(-16_200), "-0430");
        assert_eq!(utc_offset(0), "+0000");
        assert_eq!(utc_offset(19_800 + 30), "+053030");
        assert_eq!(utc_offset(-(3600 + 61)), "-010101");
    }

    #[test]
    fn weeks_of_the_month_count_from_the_start_or_are_the_last() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(week_of_month(d(2026, 3, 8)), 2);
        assert_eq!(week_of_month(d(2026, 3, 1)), 1);
        assert_eq!(week_of_month(d(2026, 3, 7)), 1);
        assert_eq!(week_of_month(d(2026, 3, 24)), 4);
        assert_eq!(week_of_month(d(2026, 3, 25)), -1);
        assert_eq!(week_of_month(d(2026, 3, 29)), -1);
        assert_eq!(week_of_month(d(2026, 3, 22)), 4);
        assert_eq!(week_of_month(d(2026, 12, 25)), -1);
        assert_eq!(week_of_month(d(2026, 12, 24)), 4);
        assert_eq!(week_of_month(d(2026, 2, 22)), -1);
        assert_eq!(week_of_month(d(2026, 2, 21)), 3);
    }

    #[test]
    fn a_yearly_rule_becomes_one_open_observance() {
        let o = observances(tz("Europe/Berlin"), 2020, 2030);
        assert_eq!(o.len(), 3, "{o:#?}");
        assert_eq!(o[0].kind, "STANDARD");
        assert_eq!(o[0].properties[0], ("DTSTART", "20200101T000000".into()));
        assert_eq!(o[0].properties[1], ("TZOFFSETFROM", "+0100".into()));
        assert_eq!(o[0].properties[2], ("TZOFFSETTO", "+0100".into()));
        assert_eq!(
            o[1],
            Observance {
                kind: "DAYLIGHT",
                properties: vec![
                    ("DTSTART", "20200329T020000".into()),
                    ("TZOFFSETFROM", "+0100".into()),
                    ("TZOFFSETTO", "+0200".into()),
                    ("RRULE", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU".into()),
                    ("TZNAME", "CEST".into()),
                ]
            }
        );
        assert_eq!(o[2].kind, "STANDARD");
        assert_eq!(o[2].properties[0], ("DTSTART", "20201025T030000".into()));
        assert_eq!(
            o[2].properties[3],
            ("RRULE", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU".into())
        );
    }

    #[test]
    fn a_rule_that_ended_carries_its_until() {
        // The US moved its DST dates in 2007: the old April rule ends in
        // 2006, the second-Sunday-of-March one starts in 2007 and stays open.
        let o = observances(tz("America/New_York"), 2004, 2010);
        let rules: Vec<&str> = o
            .iter()
            .flat_map(|x| x.properties.iter())
            .filter(|(k, _)| *k == "RRULE")
            .map(|(_, v)| v.as_str())
            .collect();
        assert!(
            rules.contains(&"FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z"),
            "{rules:?}"
        );
        assert!(
            rules.contains(&"FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"),
            "{rules:?}"
        );
        assert!(
            rules.contains(&"FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"),
            "{rules:?}"
        );
    }

    #[test]
    fn a_zone_without_changes_is_one_observance() {
        let o = observances(tz("Asia/Tokyo"), 2020, 2030);
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].properties[1], ("TZOFFSETFROM", "+0900".into()));
        assert_eq!(o[0].properties[3], ("TZNAME", "JST".into()));
    }
}
