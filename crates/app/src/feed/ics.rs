//! The iCalendar (RFC 5545) text of a feed, written with the `icalendar`
//! crate (escaping, line folding). `VTIMEZONE`s are framed here from the
//! crate's property lines: the crate writes a `UID` and a `DTSTAMP` of the
//! current time into every component it frames, which a `VTIMEZONE` must not
//! have and which would change the text (and so the `ETag`) on every fetch.

use super::DueTask;
use super::vtimezone::observances;
use chrono::{DateTime, Datelike, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, Event as Vevent, EventLike, Property};
use lifeos_calendar::{Event, Override, Rule, When, moved};
use std::collections::BTreeMap;

const UTC_FMT: &str = "%Y%m%dT%H%M%SZ";

fn utc(t: DateTime<Utc>) -> String {
    t.format(UTC_FMT).to_string()
}

/// A zone whose wall time is UTC's: written with `Z`, no `VTIMEZONE`.
fn is_utc(tz: Tz) -> bool {
    matches!(
        tz,
        Tz::UTC | Tz::Etc__UTC | Tz::Etc__UCT | Tz::Etc__Universal | Tz::Etc__Zulu | Tz::Zulu
    )
}

/// A `DTSTART`-like property for `when` of an event in `tz`: a wall time
/// with its `TZID`, or UTC where the wall time would name another instant
/// (the second of a repeated fall-back hour: RFC 5545 reads a repeated
/// wall time as the first). A series' `DTSTART` keeps its wall time
/// (`keep_wall_time`), as its recurrences are computed from it.
fn time_property(name: &str, when: When, tz: Tz) -> Property {
    zoned_property(name, when, tz, false)
}

fn zoned_property(name: &str, when: When, tz: Tz, keep_wall_time: bool) -> Property {
    match when {
        When::On(d) => {
            let mut p = Property::new(name, d.format("%Y%m%d").to_string());
            p.add_parameter("VALUE", "DATE");
            p
        }
        When::At(t) if is_utc(tz) => Property::new(name, utc(t)),
        When::At(t) => {
            let local = tz.from_utc_datetime(&t.naive_utc()).naive_local();
            let read_back = tz.from_local_datetime(&local).earliest();
            if !keep_wall_time && read_back.map(|r| r.with_timezone(&Utc)) != Some(t) {
                return Property::new(name, utc(t));
            }
            let mut p = Property::new(name, local.format("%Y%m%dT%H%M%S").to_string());
            p.add_parameter("TZID", tz.name());
            p
        }
    }
}

/// Every year a zone's times fall in, per zone (for its `VTIMEZONE`).
#[derive(Default)]
struct Zones(BTreeMap<&'static str, (Tz, i32, i32)>);

impl Zones {
    fn note(&mut self, tz: Tz, when: When) {
        if let When::At(t) = when
            && !is_utc(tz)
        {
            let y = tz.from_utc_datetime(&t.naive_utc()).year();
            let e = self.0.entry(tz.name()).or_insert((tz, y, y));
            e.1 = e.1.min(y);
            e.2 = e.2.max(y);
        }
    }
}

fn series(e: &Event, zones: &mut Zones) -> Vevent {
    let tz = e.timezone;
    let mut v = Vevent::new();
    v.uid(&format!("{}@lifeos", e.id.0))
        .timestamp(e.updated_at)
        .add_property("CREATED", utc(e.created_at))
        .add_property("LAST-MODIFIED", utc(e.updated_at))
        .summary(&e.title);
    v.append_property(zoned_property("DTSTART", e.span.start(), tz, true));
    v.append_property(time_property("DTEND", e.span.end(), tz));
    zones.note(tz, e.span.start());
    zones.note(tz, e.span.end());
    if let Some(d) = &e.description {
        v.description(d);
    }
    if let Some(l) = &e.location {
        v.location(l);
    }
    if let Some(raw) = &e.rrule
        && let Ok(rule) = Rule::parse(raw, &e.span, tz)
    {
        v.add_property("RRULE", rule.to_ical(e.span.all_day()));
    }
    for x in &e.exdates {
        v.append_multi_property(time_property("EXDATE", *x, tz));
        zones.note(tz, *x);
    }
    v.done()
}

fn changed(e: &Event, o: &Override, zones: &mut Zones) -> Vevent {
    let tz = e.timezone;
    let (start, end) = moved(o, e.span.duration());
    let mut v = Vevent::new();
    v.uid(&format!("{}@lifeos", e.id.0))
        .timestamp(e.updated_at)
        .summary(o.title.as_deref().unwrap_or(&e.title));
    v.append_property(time_property("RECURRENCE-ID", o.recurrence_id, tz));
    v.append_property(time_property("DTSTART", start, tz));
    v.append_property(time_property("DTEND", end, tz));
    for w in [o.recurrence_id, start, end] {
        zones.note(tz, w);
    }
    if let Some(d) = o.description.as_ref().or(e.description.as_ref()) {
        v.description(d);
    }
    if let Some(l) = o.location.as_ref().or(e.location.as_ref()) {
        v.location(l);
    }
    v.done()
}

fn task(t: &DueTask) -> Vevent {
    let mut v = Vevent::new();
    v.uid(&format!("task-{}@lifeos", t.id))
        .timestamp(t.updated_at)
        .summary(&format!("Task: {}", t.title))
        .description(&format!("Due in project {}", t.project))
        .add_property("TRANSP", "TRANSPARENT")
        .add_property("CATEGORIES", "Task");
    v.append_property(time_property("DTSTART", When::On(t.due), Tz::UTC));
    v.append_property(time_property(
        "DTEND",
        When::On(t.due + chrono::Days::new(1)),
        Tz::UTC,
    ));
    v.done()
}

fn line(key: &'static str, value: &str) -> String {
    let p: Result<String, _> = Property::new(key, value).try_into();
    p.unwrap_or_default()
}

fn vtimezone(tz: Tz, from_year: i32, to_year: i32) -> String {
    let mut out = String::from("BEGIN:VTIMEZONE\r\n");
    out.push_str(&line("TZID", tz.name()));
    for o in observances(tz, from_year, to_year) {
        out.push_str(&format!("BEGIN:{}\r\n", o.kind));
        for (k, v) in &o.properties {
            out.push_str(&line(k, v));
        }
        out.push_str(&format!("END:{}\r\n", o.kind));
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

/// The feed's text: every event (a series with its `RRULE` and `EXDATE`s,
/// each changed occurrence as a `VEVENT` with its `RECURRENCE-ID`), the
/// open tasks with a due date as all-day events, and the `VTIMEZONE` of
/// each zone used. `this_year` bounds the zones' sampled years from below
/// at its end (open rules carry them on).
#[must_use]
pub fn render(
    name: &str,
    events: &[(Event, Vec<Override>)],
    tasks: &[DueTask],
    this_year: i32,
) -> String {
    let mut zones = Zones::default();
    let mut components: Vec<Vevent> = Vec::new();
    for (e, overrides) in events {
        components.push(series(e, &mut zones));
        // A skipped occurrence's change is not shown (as in the expansion).
        for o in overrides
            .iter()
            .filter(|o| !e.exdates.contains(&o.recurrence_id))
        {
            components.push(changed(e, o, &mut zones));
        }
    }
    components.extend(tasks.iter().map(task));
    let mut head = Calendar::empty();
    head.append_property(Property::new("VERSION", "2.0"));
    head.append_property(Property::new("PRODID", "-//Life OS//Calendar feed//EN"));
    head.append_property(Property::new("CALSCALE", "GREGORIAN"));
    head.append_property(Property::new("METHOD", "PUBLISH"));
    head.append_property(Property::new("X-WR-CALNAME", name));
    // Ask subscribers to look again every hour.
    let mut refresh = Property::new("REFRESH-INTERVAL", "PT1H");
    refresh.add_parameter("VALUE", "DURATION");
    head.append_property(refresh);
    head.append_property(Property::new("X-PUBLISHED-TTL", "PT1H"));
    let mut out = head.to_string();
    let end = "END:VCALENDAR\r\n";
    if out.ends_with(end) {
        out.truncate(out.len() - end.len());
    }
    for (tz, from, to) in zones.0.values() {
        // One year of margin before; at least up to next year after.
        out.push_str(&vtimezone(*tz, from - 1, (*to).max(this_year + 1)));
    }
    for c in &components {
        out.push_str(&c.to_string());
    }
    out.push_str(end);
    out
}
