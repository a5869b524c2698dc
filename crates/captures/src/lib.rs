//! The captures module (API.md section 6): the inbox of quick captures from
//! the browser and from Siri, the idempotent external endpoint, and the
//! rules of converting a capture. The conversion itself creates a task,
//! journal entry or event, so it is an application-layer use case (see
//! `docs/architecture.md`); this crate owns the capture side of it.
//!
//! Must not depend on diesel, diesel-async, deadpool or actix.

#[cfg(any(test, feature = "fakes"))]
pub mod fake;
mod model;
mod ports;
#[cfg(test)]
mod props;
mod service;

pub use model::{
    Capture, CaptureChanges, CaptureContent, CaptureId, CaptureSource, CaptureStatus,
    ExternalCapture, IdempotencyKey, KeyOutcome, NewCapture, Receipt, TargetKind, capture_message,
};
pub use ports::CaptureRepository;
pub use service::{CaptureError, CaptureService, IDEMPOTENCY_TTL_HOURS};
