//! The Life OS server: configuration, the actix-web application, the
//! command line, and the zero-configuration local database.
//!
//! This crate wires the domain crates to the diesel adapter; HTTP handlers
//! stay thin (DTO → domain → one service call → DTO).

pub mod backup;
pub mod cli;
pub mod config;
pub mod http;
pub mod import_file;
pub mod managed;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
