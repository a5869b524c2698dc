//! Calendar entities and value types.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use lifeos_kernel::{Color, FieldError, UserId};
use uuid::Uuid;

/// Event id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventId(pub Uuid);

lifeos_kernel::text_value!(
    /// An event's title: trimmed, 1 to 500 characters.
    EventTitle, "title", trimmed, 500
);
lifeos_kernel::text_value!(
    /// An event's location: as sent, up to 500 characters.
    Location, "location", plain, 500
);
lifeos_kernel::text_value!(
    /// An event's description: as sent, up to 10,000 characters.
    EventDescription, "description", plain, 10_000
);

impl EventTitle {
    /// A title made from longer text (a capture): its first
    /// [`EventTitle::MAX`] characters, trimmed.
    ///
    /// # Errors
    /// A [`FieldError`] on `title` when `text` is blank.
    pub fn from_text(text: &str) -> Result<Self, FieldError> {
        let head: String = text.trim().chars().take(Self::MAX).collect();
        Self::parse(&head)
    }
}

/// A point on the calendar: an instant for timed events, a date for
/// all-day ones (their starts, ends, exdates and recurrence ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum When {
    /// An instant (timed events).
    At(DateTime<Utc>),
    /// A calendar date (all-day events).
    On(NaiveDate),
}

impl When {
    /// Parses `raw` as a date (`all_day`) or an RFC 3339 instant, in the
    /// years 1 to 9999: iCalendar (and so every calendar app) writes four
    /// digits, and spans and recurrences computed near chrono's limits
    /// would overflow.
    ///
    /// # Errors
    /// A [`FieldError`] on `field` naming the expected form or the range.
    pub fn parse(field: &str, raw: &str, all_day: bool) -> Result<Self, FieldError> {
        let when = Self::parse_any_year(field, raw, all_day)?;
        let year = match when {
            Self::At(t) => t.year(),
            Self::On(d) => d.year(),
        };
        if !(1..=9999).contains(&year) {
            return Err(FieldError::new(
                field,
                format!("{field} must be in the years 1 to 9999"),
            ));
        }
        Ok(when)
    }

    fn parse_any_year(field: &str, raw: &str, all_day: bool) -> Result<Self, FieldError> {
        if all_day {
            raw.parse::<NaiveDate>().map(Self::On).map_err(|_bad| {
                FieldError::new(
                    field,
                    format!("{field} must be a date (YYYY-MM-DD) for an all-day event"),
                )
            })
        } else {
            DateTime::parse_from_rfc3339(raw)
                .map(|t| Self::At(t.with_timezone(&Utc)))
                .map_err(|_bad| {
                    FieldError::new(
                        field,
                        format!("{field} must be an RFC 3339 date-time (2026-11-24T09:00:00Z)"),
                    )
                })
        }
    }

    /// The wire form: `2026-11-24T09:00:00Z` or `2026-11-24`.
    #[must_use]
    pub fn to_wire(&self) -> String {
        match self {
            Self::At(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            Self::On(d) => d.to_string(),
        }
    }

    /// As an instant: a date is its midnight in UTC (how all-day values are
    /// stored and compared; they float, without a zone).
    #[must_use]
    pub fn instant(&self) -> DateTime<Utc> {
        match self {
            Self::At(t) => *t,
            Self::On(d) => d.and_time(chrono::NaiveTime::MIN).and_utc(),
        }
    }

    /// Rebuilds a stored instant as a `When` of the right kind.
    #[must_use]
    pub fn from_instant(t: DateTime<Utc>, all_day: bool) -> Self {
        if all_day {
            Self::On(t.date_naive())
        } else {
            Self::At(t)
        }
    }
}

/// When an event happens: an interval of instants, or of dates (end
/// exclusive) for all-day events. Always `end >= start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// From one instant to another.
    Timed {
        /// Start.
        start: DateTime<Utc>,
        /// End.
        end: DateTime<Utc>,
    },
    /// Whole days: `start` up to, not including, `end`.
    AllDay {
        /// First day.
        start: NaiveDate,
        /// The day after the last.
        end: NaiveDate,
    },
}

impl Span {
    /// A span from `start` to `end` (default: one hour, or one day for
    /// all-day events), both of the same kind.
    ///
    /// # Errors
    /// A [`FieldError`] on `end` when it is before `start` or of the other kind.
    pub fn new(start: When, end: Option<When>) -> Result<Self, FieldError> {
        match (start, end) {
            (When::At(start), None) => Ok(Self::Timed {
                start,
                end: start + chrono::Duration::hours(1),
            }),
            (When::On(start), None) => Ok(Self::AllDay {
                start,
                end: start + chrono::Days::new(1),
            }),
            (When::At(start), Some(When::At(end))) if end >= start => {
                Ok(Self::Timed { start, end })
            }
            (When::On(start), Some(When::On(end))) if end >= start => {
                Ok(Self::AllDay { start, end })
            }
            (When::At(_), Some(When::At(_))) | (When::On(_), Some(When::On(_))) => {
                Err(FieldError::new("end", "end must not be before start"))
            }
            _ => Err(FieldError::new(
                "end",
                "start and end must both be dates (all-day) or both date-times",
            )),
        }
    }

    /// Whether the span is whole days.
    #[must_use]
    pub fn all_day(&self) -> bool {
        matches!(self, Self::AllDay { .. })
    }

    /// The start.
    #[must_use]
    pub fn start(&self) -> When {
        match self {
            Self::Timed { start, .. } => When::At(*start),
            Self::AllDay { start, .. } => When::On(*start),
        }
    }

    /// The end.
    #[must_use]
    pub fn end(&self) -> When {
        match self {
            Self::Timed { end, .. } => When::At(*end),
            Self::AllDay { end, .. } => When::On(*end),
        }
    }

    /// `end - start`.
    #[must_use]
    pub fn duration(&self) -> chrono::Duration {
        self.end().instant() - self.start().instant()
    }
}

/// An event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Id.
    pub id: EventId,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// When (the first occurrence, for a series).
    pub span: Span,
    /// The IANA zone its wall times recur in.
    pub timezone: Tz,
    /// RFC 5545 RRULE value, as sent.
    pub rrule: Option<String>,
    /// Occurrence starts that are skipped.
    pub exdates: Vec<When>,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// What a client asks for when creating an event.
#[derive(Debug, Clone)]
pub struct EventDraft {
    /// Title.
    pub title: EventTitle,
    /// Description.
    pub description: Option<EventDescription>,
    /// Location.
    pub location: Option<Location>,
    /// Start and end.
    pub span: Span,
    /// Zone (default: the user's).
    pub timezone: Option<Tz>,
    /// RRULE value (checked against the span and zone by the service).
    pub rrule: Option<String>,
    /// Skipped occurrence starts.
    pub exdates: Vec<When>,
    /// Color.
    pub color: Option<Color>,
}

/// A change to an event: `None` = unchanged, inner `None` = cleared.
#[derive(Debug, Clone, Default)]
pub struct EventPatch {
    /// Title.
    pub title: Option<EventTitle>,
    /// Description.
    pub description: Option<Option<EventDescription>>,
    /// Location.
    pub location: Option<Option<Location>>,
    /// Whole days or not.
    pub all_day: Option<bool>,
    /// New start, as sent (a date or a date-time, by `all_day`).
    pub start: Option<String>,
    /// New end, as sent.
    pub end: Option<String>,
    /// Zone.
    pub timezone: Option<Tz>,
    /// RRULE.
    pub rrule: Option<Option<String>>,
    /// Exdates as sent (replace the list).
    pub exdates: Option<Vec<String>>,
    /// Color.
    pub color: Option<Option<Color>>,
}

/// An event to store, built by the service.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Owner.
    pub user: UserId,
    /// The event.
    pub event: Event,
    /// When its last occurrence ends (`None`: never, or too far to compute),
    /// so a window query fetches only events that can overlap it.
    pub series_end: Option<DateTime<Utc>>,
}

/// A changed occurrence of a series: what differs from the series.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The occurrence's original start.
    pub recurrence_id: When,
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// New start.
    pub start: Option<When>,
    /// New end.
    pub end: Option<When>,
    /// Color.
    pub color: Option<String>,
}

/// Changes to one occurrence (merged into its override).
#[derive(Debug, Clone, Default)]
pub struct OverrideDraft {
    /// Title.
    pub title: Option<EventTitle>,
    /// Description.
    pub description: Option<EventDescription>,
    /// Location.
    pub location: Option<Location>,
    /// New start, as sent (a date or a date-time, by the event's kind).
    pub start: Option<String>,
    /// New end, as sent.
    pub end: Option<String>,
    /// Color.
    pub color: Option<Color>,
}

/// One occurrence as `/calendar/occurrences` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    /// The event.
    pub event_id: EventId,
    /// Title (the override's, if changed).
    pub title: String,
    /// Start.
    pub start: When,
    /// End.
    pub end: When,
    /// Whole days.
    pub all_day: bool,
    /// Part of a series.
    pub recurring: bool,
    /// The original start, for a series' occurrence.
    pub recurrence_id: Option<When>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> When {
        When::At(s.parse().unwrap())
    }

    #[test]
    fn whens_parse_by_kind_and_print_back() {
        assert_eq!(
            When::parse("start", "2026-11-24T10:00:00+01:00", false).unwrap(),
            at("2026-11-24T09:00:00Z")
        );
        assert_eq!(at("2026-11-24T09:00:00Z").to_wire(), "2026-11-24T09:00:00Z");
        let d = When::parse("start", "2026-12-24", true).unwrap();
        assert_eq!(d.to_wire(), "2026-12-24");
        assert_eq!(
            When::parse("x", "2026-12-24", false).unwrap_err().field,
            "x"
        );
        assert_eq!(
            When::parse("x", "2026-12-24T09:00:00Z", true)
                .unwrap_err()
                .field,
            "x"
        );
        assert_eq!(When::from_instant(d.instant(), true), d);
    }

    #[test]
    fn whens_are_in_the_years_1_to_9999() {
        for (raw, all_day) in [
            ("0001-01-01", true),
            ("9999-12-31", true),
            ("0001-01-01T00:00:00Z", false),
            ("9999-12-31T23:59:59Z", false),
        ] {
            assert!(When::parse("start", raw, all_day).is_ok(), "{raw}");
        }
        for (raw, all_day) in [
            ("+262142-12-31", true),
            ("+10000-01-01", true),
            ("0000-12-31", true),
            ("-0001-01-01", true),
            ("0000-12-31T23:59:59Z", false),
            ("0001-01-01T00:30:00+01:00", false),
        ] {
            let e = When::parse("start", raw, all_day).unwrap_err();
            assert_eq!(e.field, "start", "{raw}");
        }
    }

    #[test]
    fn spans_default_their_end_and_refuse_a_backwards_or_mixed_one() {
        let s = Span::new(at("2026-11-24T09:00:00Z"), None).unwrap();
        assert_eq!(s.end(), at("2026-11-24T10:00:00Z"));
        let d = Span::new(When::On("2026-12-24".parse().unwrap()), None).unwrap();
        assert_eq!(d.end(), When::On("2026-12-25".parse().unwrap()));
        assert_eq!(d.duration(), chrono::Duration::days(1));
        assert!(d.all_day() && !s.all_day());
        assert!(Span::new(at("2026-11-24T09:00:00Z"), Some(at("2026-11-24T09:00:00Z"))).is_ok());
        let back = Span::new(at("2026-11-24T09:00:00Z"), Some(at("2026-11-24T08:59:59Z")));
        assert_eq!(back.unwrap_err().field, "end");
        let mixed = Span::new(
            at("2026-11-24T09:00:00Z"),
            Some(When::On("2026-11-25".parse().unwrap())),
        );
        assert_eq!(mixed.unwrap_err().field, "end");
    }
}
