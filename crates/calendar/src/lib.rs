//! The calendar module (API.md). Entities, rules and services of this module, with
//! traits for its persistence ports; implemented by `lifeos-db`.
//!
//! Must not depend on diesel, diesel-async, deadpool or actix.
