//! Recurrence expansion, pure: the occurrences of an event in a window.
//!
//! A series recurs in the event's own time zone: DTSTART is the start's
//! wall time in `timezone`, and every instance keeps that wall time across
//! DST changes (the `rrule` crate expands in local time). A wall time that
//! does not exist on a day (spring-forward gap) or exists twice (fall-back)
//! follows RFC 5545 section 3.3.5 — see `docs/calendar.md`.
//!
//! One correction at the boundary: the `rrule` crate expands `FREQ=HOURLY`
//! in local wall time too, which repeats an hour in spring and skips one in
//! autumn (upstream issue #115). An hourly rule without day or hour filters
//! means "every N hours", so it is expanded on UTC, where hours are all
//! equally long; with such filters it stays local and a repeated instant is
//! dropped.
//!
//! All-day events recur on dates: they are expanded on UTC midnights, where
//! no day is 23 or 25 hours long, and compared to the user's window by date.
//!
//! Cost is bounded: at most [`MAX_INSTANCES`] instances of one event per
//! window, and only instances inside the window are kept (the crate stops
//! iterating past its end).

use crate::model::{Event, EventId, Occurrence, Override, Span, When};
use crate::rule::Rule;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use lifeos_kernel::TimePrefs;

/// Most instances of one event expanded for one window: a daily event over
/// the longest window (366 days) needs 366, an hourly one over a week 168;
/// an hourly one over a year (8,784) is cut here, which bounds the cost of a
/// request whatever rule a client stored.
pub const MAX_INSTANCES: u16 = 5_000;

/// The days a request asks about, in the user's zone, and their instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// When `from` begins for the user.
    pub start: DateTime<Utc>,
    /// When the day after `to` begins for the user.
    pub end: DateTime<Utc>,
}

impl Window {
    /// The window of days `from..=to` in the user's zone.
    #[must_use]
    pub fn new(from: NaiveDate, to: NaiveDate, prefs: &TimePrefs) -> Self {
        Self {
            from,
            to,
            start: prefs.start_of_day(from),
            end: prefs.start_of_day(to.succ_opt().unwrap_or(to)),
        }
    }

    /// Whether an occurrence from `start` to `end` overlaps the window.
    /// All-day occurrences are compared by date (they float); a timed one
    /// overlaps when it starts before the window ends and ends after it
    /// begins (a zero-length one when it starts inside).
    #[must_use]
    pub fn overlaps(&self, start: When, end: When) -> bool {
        match (start, end) {
            (When::On(s), When::On(e)) => {
                s <= self.to && (e > self.from || (s == e && s >= self.from))
            }
            _ => {
                let (s, e) = (start.instant(), end.instant());
                s < self.end && (e > self.start || (s == e && s >= self.start))
            }
        }
    }

    /// The instants the expansion must cover for a series whose instances
    /// last `duration`: from `duration` before the window (an instance that
    /// started earlier and still runs) to its end.
    fn bounds(&self, span: &Span) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
        let (lo, hi) = if span.all_day() {
            (midnight(self.from), midnight(self.to))
        } else {
            (self.start, self.end)
        };
        (lo - span.duration(), hi)
    }
}

/// The `rrule` crate's DTSTART for a series: the start's wall time in its
/// zone; on UTC for plain hourly rules and for all-day events.
pub(crate) fn dt_start(span: &Span, tz: Tz, rule: &Rule) -> DateTime<rrule::Tz> {
    match span {
        Span::Timed { start, .. } if rule.is_plain_hourly() => start.with_timezone(&rrule::Tz::UTC),
        Span::Timed { start, .. } => start.with_timezone(&rrule::Tz::Tz(tz)),
        Span::AllDay { start, .. } => {
            rrule::Tz::UTC.from_utc_datetime(&start.and_time(NaiveTime::MIN))
        }
    }
}

/// `w` moved by `d` (whole days for dates).
fn shift(w: When, d: chrono::Duration) -> When {
    match w {
        When::At(t) => When::At(t + d),
        When::On(day) => {
            When::On(day + chrono::Days::new(u64::try_from(d.num_days()).unwrap_or(0)))
        }
    }
}

/// A later DTSTART that generates the same instances as `dts` from `lo`
/// on, so a window ten years after a series began does not walk through ten
/// years of instances first. It moves the start by whole multiples of
/// `INTERVAL` periods, keeping its wall time, to one period before `lo`, so
/// every period keeps its alignment (weeks under WKST, months, years) and
/// every part filled in from DTSTART keeps its value. Only where that holds
/// for sure: no COUNT (it counts from the first instance), no BYSETPOS,
/// DAILY to YEARLY, a day of month that every month has, not Feb 29, and a
/// wall time that exists on the new day. Anything else expands from the
/// real start.
fn fast_forward(
    dts: DateTime<rrule::Tz>,
    rule: &Rule,
    lo: DateTime<Utc>,
) -> Option<DateTime<rrule::Tz>> {
    use chrono::{Datelike, Months};
    if rule.get("COUNT").is_some() || rule.get("BYSETPOS").is_some() {
        return None;
    }
    let interval = i64::from(
        rule.get("INTERVAL")
            .map_or(Some(1), |v| v.parse::<u32>().ok())?,
    );
    let tz = dts.timezone();
    let start = dts.naive_local();
    let target = lo.with_timezone(&tz).naive_local().date();
    let day = start.date();
    if target <= day {
        return None;
    }
    let whole = |units: i64| (units / interval - 1) * interval;
    let date = match rule.get("FREQ")? {
        "DAILY" => day + Days::new(u64::try_from(whole((target - day).num_days())).ok()?),
        "WEEKLY" => day + Days::new(u64::try_from(whole((target - day).num_days() / 7) * 7).ok()?),
        "MONTHLY" | "YEARLY" => {
            if day.day() > 28 {
                return None;
            }
            let months = i64::from(target.year() - day.year()) * 12 + i64::from(target.month())
                - i64::from(day.month());
            let step = if rule.get("FREQ")? == "YEARLY" { 12 } else { 1 };
            let k = whole(months / step) * step;
            day.checked_add_months(Months::new(u32::try_from(k).ok()?))?
        }
        _ => return None,
    };
    if date <= day {
        return None;
    }
    match tz.from_local_datetime(&date.and_time(start.time())) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => Some(t),
        chrono::LocalResult::None => None,
    }
}

/// The series' instance starts between `lo` and `hi` (inclusive), at most
/// `cap` of them, sorted, each once. Exdates are not applied: COUNT counts
/// instances before they are skipped (RFC 5545).
fn starts(event: &Event, rule: &Rule, lo: DateTime<Utc>, hi: DateTime<Utc>, cap: u16) -> Vec<When> {
    starts_from(event, rule, lo, hi, cap, true)
}

fn starts_from(
    event: &Event,
    rule: &Rule,
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
    cap: u16,
    fast: bool,
) -> Vec<When> {
    let first = dt_start(&event.span, event.timezone, rule);
    let dts = if fast {
        fast_forward(first, rule, lo).unwrap_or(first)
    } else {
        first
    };
    let Ok(r) = rule.validated(dts) else {
        return Vec::new();
    };
    let tz = dts.timezone();
    let found = rrule::RRuleSet::new(dts)
        .rrule(r)
        .after(lo.with_timezone(&tz))
        .before(hi.with_timezone(&tz))
        .all(cap)
        .dates;
    let all_day = event.span.all_day();
    let mut out: Vec<When> = found
        .into_iter()
        .map(|t| When::from_instant(t.with_timezone(&Utc), all_day))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn rule_of(event: &Event) -> Option<Rule> {
    event
        .rrule
        .as_deref()
        .and_then(|r| Rule::read(r, &event.span, event.timezone).ok())
}

/// Whether the series generates an instance starting exactly at `rid`.
#[must_use]
pub fn generates(event: &Event, rid: When) -> bool {
    let Some(rule) = rule_of(event) else {
        return false;
    };
    let t = rid.instant();
    starts(event, &rule, t, t, 1).contains(&rid)
}

/// When the event's last instance ends, or `None` when the series has no
/// end (or more than [`u16::MAX`] instances, treated as none).
#[must_use]
pub fn series_end(event: &Event) -> Option<DateTime<Utc>> {
    let Some(rule) = rule_of(event) else {
        return Some(event.span.end().instant());
    };
    if rule.get("COUNT").is_none() && rule.get("UNTIL").is_none() {
        return None;
    }
    let dts = dt_start(&event.span, event.timezone, &rule);
    let r = rule.validated(dts).ok()?;
    let result = rrule::RRuleSet::new(dts).rrule(r).all(u16::MAX);
    if result.limited {
        return None;
    }
    let last = result
        .dates
        .last()
        .map_or(event.span.start().instant(), |t| t.with_timezone(&Utc));
    Some(last + event.span.duration())
}

/// The event's occurrences that overlap `window`: its changed occurrences
/// at their new times, its skipped ones left out, unsorted.
#[must_use]
pub fn occurrences(event: &Event, overrides: &[Override], window: &Window) -> Vec<Occurrence> {
    let span = event.span;
    let occurrence = |title: &str, start: When, end: When, rid: Option<When>| Occurrence {
        event_id: EventId(event.id.0),
        title: title.to_string(),
        start,
        end,
        all_day: span.all_day(),
        recurring: rid.is_some(),
        recurrence_id: rid,
    };
    let Some(rule) = rule_of(event) else {
        return if window.overlaps(span.start(), span.end()) {
            vec![occurrence(&event.title, span.start(), span.end(), None)]
        } else {
            Vec::new()
        };
    };
    let duration = span.duration();
    let (lo, hi) = window.bounds(&span);
    let mut out = Vec::new();
    for start in starts(event, &rule, lo, hi, MAX_INSTANCES) {
        if event.exdates.contains(&start) || overrides.iter().any(|o| o.recurrence_id == start) {
            continue;
        }
        let end = shift(start, duration);
        if window.overlaps(start, end) {
            out.push(occurrence(&event.title, start, end, Some(start)));
        }
    }
    for o in overrides {
        if event.exdates.contains(&o.recurrence_id) {
            continue;
        }
        let (start, end) = moved(o, duration);
        if window.overlaps(start, end) {
            let title = o.title.as_deref().unwrap_or(&event.title);
            out.push(occurrence(title, start, end, Some(o.recurrence_id)));
        }
    }
    out
}

/// Where a changed occurrence lies: its new start (or the original) and its
/// new end (or the new start plus the series' duration).
#[must_use]
pub fn moved(o: &Override, duration: chrono::Duration) -> (When, When) {
    let start = o.start.unwrap_or(o.recurrence_id);
    (start, o.end.unwrap_or_else(|| shift(start, duration)))
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
