//! The HTTP layer: one route table, the contract's error handling, and one
//! module of thin handlers per domain module. No diesel here.

pub mod auth;
pub mod auth_routes;
pub mod calendar;
pub mod captures;
pub mod dashboard;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod health;
pub mod journal;
pub mod middleware;
pub mod openapi;
mod page;
pub mod prefs;
pub mod projects;
mod routes;
pub mod search;
pub mod settings;
pub mod today;
pub mod transfer;
pub mod workouts;

pub use page::PageOf;
pub use routes::RouteTable;

/// The full route table of the application.
#[must_use]
pub fn routes() -> RouteTable {
    let mut t = RouteTable::default();
    health::routes(&mut t);
    openapi::routes(&mut t);
    auth_routes::routes(&mut t);
    settings::routes(&mut t);
    transfer::routes(&mut t);
    journal::routes(&mut t);
    projects::routes(&mut t);
    captures::routes(&mut t);
    calendar::routes(&mut t);
    feeds::routes(&mut t);
    dashboard::routes(&mut t);
    today::routes(&mut t);
    search::routes(&mut t);
    workouts::routes(&mut t);
    workouts::program_routes(&mut t);
    workouts::session_routes(&mut t);
    workouts::history_routes(&mut t);
    t
}
