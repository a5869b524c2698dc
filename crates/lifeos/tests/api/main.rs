//! HTTP-level tests: the real application on a loopback port, against a
//! real PostgreSQL (one fresh database per test, see `lifeos-testdb`).
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly on purpose"
)]

mod abuse;
mod auth;
mod calendar;
mod captures;
mod dashboard;
mod errors;
mod faults;
mod feeds;
mod helpers;
mod inputs;
mod journal;
mod lists;
mod operations;
mod projects;
mod search;
mod secrets;
mod settings;
mod today;
mod transfer;
mod workouts;
mod zero_config;
