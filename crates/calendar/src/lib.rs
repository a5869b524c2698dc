//! The calendar module (API.md section 7): events, single and recurring
//! (RFC 5545 RRULE expanded in the event's own time zone), skipped and
//! changed occurrences, and the occurrences view of a window of days.
//! Recurrence expansion lives here and is pure: no clock, no database.
//!
//! Must not depend on diesel, diesel-async, deadpool or actix.

mod expand;
#[cfg(any(test, feature = "fakes"))]
pub mod fake;
mod model;
mod ports;
mod rule;
mod service;

pub use expand::{MAX_INSTANCES, Window, generates, moved, occurrences, series_end};
pub use model::{
    Event, EventDescription, EventDraft, EventId, EventPatch, EventTitle, Location, NewEvent,
    Occurrence, Override, OverrideDraft, Span, When,
};
pub use ports::EventRepository;
pub use rule::Rule;
pub use service::{
    CalendarError, CalendarService, Expansion, MAX_WINDOW_DAYS, check_restored, parse_exdates,
};
