//! The journal module (API.md section 3): morning pages, daily reflections
//! and weekly reviews; content rules per type; one entry per kind per day
//! (per week for reviews); full-text search; today's status and streaks.
//!
//! Must not depend on diesel, diesel-async, deadpool or actix.

mod error;
#[cfg(any(test, feature = "fakes"))]
pub mod fake;
mod model;
mod ports;
#[cfg(test)]
mod props;
mod service;
mod streaks;

pub use error::JournalError;
pub use model::{
    Content, Entry, EntryChanges, EntryFilter, EntryId, EntryKind, EntryPatch, JournalStatus,
    NewEntry, Streak,
};
pub use ports::EntryRepository;
pub use service::JournalService;
pub use streaks::{Island, covered, islands, streak, streak_of};
