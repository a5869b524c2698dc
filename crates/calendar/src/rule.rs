//! RRULE values: checked at write time, and turned into an `rrule` crate
//! rule for expansion. The checks the crate does not make, or makes in a way
//! RFC 5545 does not, are made here:
//!
//! - `FREQ=SECONDLY` and `MINUTELY` are refused: a series of a million
//!   instances a year cannot be shown in a calendar and costs every window
//!   query; nobody schedules a meeting every minute.
//! - `COUNT` and `UNTIL` together are refused (RFC 5545: "MUST NOT occur in
//!   the same rule").
//! - `BYSETPOS` needs another `BYxxx` part as written by the client (the
//!   crate fills `BYxxx` parts from DTSTART before it checks).
//! - `UNTIL` is read as RFC 5545 says and rewritten to UTC: with a UTC `Z`
//!   as is; as a floating date-time, the event's wall time; as a date, the
//!   end of that day in the event's zone (inclusive). For all-day events a
//!   date.

use crate::model::Span;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use lifeos_kernel::FieldError;
use std::str::FromStr;

/// The parts RFC 5545 defines for a RRULE value.
const KNOWN: [&str; 14] = [
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
];

/// The `BYxxx` parts other than `BYSETPOS`.
const BY_PARTS: [&str; 9] = [
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYEASTER",
];

/// Longest RRULE value accepted.
const MAX_LEN: usize = 1000;

/// A checked RRULE: its parts in order, `UNTIL` in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    parts: Vec<(String, String)>,
}

fn invalid(reason: impl std::fmt::Display) -> FieldError {
    FieldError::new("rrule", format!("rrule is not valid: {reason}"))
}

impl Rule {
    /// Parses `raw` for an event spanning `span` in `tz`, and checks that
    /// the `rrule` crate can expand it from that start.
    ///
    /// # Errors
    /// A [`FieldError`] on `rrule` whose message says why.
    pub fn parse(raw: &str, span: &Span, tz: Tz) -> Result<Self, FieldError> {
        let rule = Self::read(raw, span, tz)?;
        rule.to_rrule(span, tz)?;
        Ok(rule)
    }

    /// Reads `raw` with every check but the `rrule` crate's: for a rule that
    /// was checked when it was written, on the expansion path.
    ///
    /// # Errors
    /// A [`FieldError`] on `rrule` whose message says why.
    pub(crate) fn read(raw: &str, span: &Span, tz: Tz) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let raw = raw.strip_prefix("RRULE:").unwrap_or(raw);
        lifeos_kernel::storable("rrule", raw)?;
        if raw.is_empty() {
            return Err(invalid("it is empty"));
        }
        if raw.len() > MAX_LEN {
            return Err(invalid(format!("it is longer than {MAX_LEN} characters")));
        }
        let mut parts: Vec<(String, String)> = Vec::new();
        for part in raw.split(';') {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| invalid(format!("`{part}` is not NAME=VALUE")))?;
            let k = k.trim().to_ascii_uppercase();
            if !KNOWN.contains(&k.as_str()) {
                return Err(invalid(format!("unknown part `{k}`")));
            }
            if parts.iter().any(|(p, _)| *p == k) {
                return Err(invalid(format!("`{k}` appears twice")));
            }
            parts.push((k, v.trim().to_ascii_uppercase()));
        }
        let get = |k: &str| parts.iter().find(|(p, _)| p == k).map(|(_, v)| v.as_str());
        match get("FREQ") {
            None => return Err(invalid("FREQ is required")),
            Some("SECONDLY" | "MINUTELY") => {
                return Err(invalid(
                    "FREQ=SECONDLY and FREQ=MINUTELY are not supported; the shortest is HOURLY",
                ));
            }
            Some(_) => {}
        }
        for k in ["INTERVAL", "COUNT"] {
            if let Some(v) = get(k)
                && !v.parse::<u32>().is_ok_and(|n| n >= 1)
            {
                return Err(invalid(format!("{k} must be a whole number of 1 or more")));
            }
        }
        if get("COUNT").is_some() && get("UNTIL").is_some() {
            return Err(invalid("COUNT and UNTIL must not be used together"));
        }
        if get("BYSETPOS").is_some() && !parts.iter().any(|(k, _)| BY_PARTS.contains(&k.as_str())) {
            return Err(invalid("BYSETPOS needs another BYxxx part"));
        }
        if let Some(until) = get("UNTIL") {
            let utc = until_in_utc(until, span, tz)?;
            if let Some(slot) = parts.iter_mut().find(|(k, _)| k == "UNTIL") {
                slot.1 = utc;
            }
        }
        Ok(Self { parts })
    }

    /// The value of part `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether this HOURLY rule has no day or hour filter, so its instances
    /// are a fixed number of elapsed hours apart (expanded on UTC, see
    /// `expand`).
    #[must_use]
    pub fn is_plain_hourly(&self) -> bool {
        self.get("FREQ") == Some("HOURLY")
            && !self.parts.iter().any(|(k, _)| {
                matches!(
                    k.as_str(),
                    "BYHOUR"
                        | "BYDAY"
                        | "BYMONTHDAY"
                        | "BYYEARDAY"
                        | "BYWEEKNO"
                        | "BYMONTH"
                        | "BYSETPOS"
                )
            })
    }

    /// The value as an iCalendar `RRULE` property writes it for the event:
    /// `UNTIL` in UTC for a timed event (RFC 5545 requires UTC when
    /// DTSTART has a zone), as a date for an all-day one.
    #[must_use]
    pub fn to_ical(&self, all_day: bool) -> String {
        self.parts
            .iter()
            .map(|(k, v)| match (k.as_str(), all_day) {
                ("UNTIL", true) => format!("UNTIL={}", v.get(..8).unwrap_or(v)),
                _ => format!("{k}={v}"),
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    fn text(&self) -> String {
        self.parts
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// The `rrule` crate's rule for a series starting at `dt_start`.
    pub(crate) fn validated(
        &self,
        dt_start: chrono::DateTime<rrule::Tz>,
    ) -> Result<rrule::RRule, FieldError> {
        rrule::RRule::<rrule::Unvalidated>::from_str(&self.text())
            .map_err(invalid)?
            .validate(dt_start)
            .map_err(invalid)
    }

    fn to_rrule(&self, span: &Span, tz: Tz) -> Result<rrule::RRule, FieldError> {
        self.validated(crate::expand::dt_start(span, tz, self))
    }
}

/// `UNTIL` as a UTC date-time (`YYYYMMDDTHHMMSSZ`), read as RFC 5545 says.
fn until_in_utc(raw: &str, span: &Span, tz: Tz) -> Result<String, FieldError> {
    const UTC_FMT: &str = "%Y%m%dT%H%M%SZ";
    let bad = || {
        invalid(format!(
            "UNTIL `{raw}` is not a date (YYYYMMDD) or date-time"
        ))
    };
    let instant = if let Some(t) = raw.strip_suffix('Z') {
        NaiveDateTime::parse_from_str(t, "%Y%m%dT%H%M%S")
            .map_err(|_e| bad())?
            .and_utc()
    } else if raw.len() == 8 {
        let date = NaiveDate::parse_from_str(raw, "%Y%m%d").map_err(|_e| bad())?;
        if span.all_day() {
            date.and_time(NaiveTime::MIN).and_utc()
        } else {
            // Through the end of that day, in the event's zone.
            let last = date.and_hms_opt(23, 59, 59).ok_or_else(bad)?;
            tz.from_local_datetime(&last)
                .latest()
                .map(|t| t.with_timezone(&chrono::Utc))
                .ok_or_else(bad)?
        }
    } else {
        let local = NaiveDateTime::parse_from_str(raw, "%Y%m%dT%H%M%S").map_err(|_e| bad())?;
        if span.all_day() {
            local.date().and_time(NaiveTime::MIN).and_utc()
        } else {
            tz.from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&chrono::Utc))
                .ok_or_else(bad)?
        }
    };
    let instant = if span.all_day() {
        // All-day series recur on dates: an UNTIL instant keeps its date.
        instant.date_naive().and_time(NaiveTime::MIN).and_utc()
    } else {
        instant
    };
    Ok(instant.format(UTC_FMT).to_string())
}

#[cfg(test)]
mod ical_tests {
    use super::*;
    use crate::model::When;

    fn span(all_day: bool) -> Span {
        if all_day {
            Span::new(When::On(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()), None).unwrap()
        } else {
            Span::new(When::At("2026-03-01T09:00:00Z".parse().unwrap()), None).unwrap()
        }
    }

    #[test]
    fn ical_until_is_utc_for_timed_events_and_a_date_for_all_day_ones() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let timed =
            Rule::parse("freq=weekly;until=20260401;byday=MO,TU", &span(false), tz).unwrap();
        assert_eq!(
            timed.to_ical(false),
            "FREQ=WEEKLY;UNTIL=20260401T215959Z;BYDAY=MO,TU"
        );
        let all_day = Rule::parse("FREQ=YEARLY;UNTIL=20300301", &span(true), tz).unwrap();
        assert_eq!(all_day.to_ical(true), "FREQ=YEARLY;UNTIL=20300301");
        let count = Rule::parse("FREQ=DAILY;COUNT=3", &span(true), tz).unwrap();
        assert_eq!(count.to_ical(true), "FREQ=DAILY;COUNT=3");
    }
}
