//! The application layer: use cases that span modules. Each one reuses the
//! rules of the modules it touches (their services build the rows), and its
//! atomic write goes through a port of its own that the adapter implements
//! in one transaction. Capture conversion and the weekly dashboard (a read
//! model over every module) and export/import (`transfer`) live here.
//!
//! Depends on the kernel and the domain crates only: no diesel, no actix.

mod convert;
mod dashboard;
#[cfg(any(test, feature = "fakes"))]
pub mod fake;
pub mod feed;
pub mod search;
mod today;
pub mod transfer;

pub use convert::{
    ConversionStore, ConvertCapture, ConvertError, Converted, EntryTarget, EventFields,
    EventTarget, Target, TaskTarget,
};
pub use dashboard::{
    Dashboard, DashboardError, DashboardReader, JournalDay, ProjectProgress, SessionSummary, Week,
    WeeklyDashboard, WeeklyFacts,
};
pub use today::{TASKS_LISTED, Today, TodayFacts, TodayReader, TodayView};
