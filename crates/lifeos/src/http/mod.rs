//! The HTTP layer: one route table, the contract's error handling, and one
//! module of thin handlers per domain module. No diesel here.

pub mod auth;
pub mod auth_routes;
pub mod captures;
pub mod error;
pub mod extract;
pub mod health;
pub mod journal;
pub mod middleware;
pub mod openapi;
pub mod projects;
pub mod settings;
pub mod workouts;

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Resource, Responder, web};

/// The page envelope of every paginated list:
/// `{"items": [...], "total", "page", "per_page"}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PageOf<T> {
    /// Items of this page.
    pub items: Vec<T>,
    /// Total over all pages.
    pub total: i64,
    /// Page number.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

impl<T> From<lifeos_kernel::Page<T>> for PageOf<T> {
    fn from(p: lifeos_kernel::Page<T>) -> Self {
        Self {
            items: p.items,
            total: p.total,
            page: p.page,
            per_page: p.per_page,
        }
    }
}

/// Every route of the API in one table: registered with actix grouped by
/// path (so a known path with a wrong method answers 405), and listed for
/// the test that checks the OpenAPI document covers them all.
#[derive(Default)]
pub struct RouteTable {
    resources: Vec<(String, Resource)>,
    listed: Vec<(Method, String)>,
}

impl RouteTable {
    /// Adds `method path` served by `handler`.
    pub fn add<F, Args>(&mut self, method: Method, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.listed.push((method.clone(), path.to_string()));
        let route = web::method(method).to(handler);
        match self.resources.iter_mut().position(|(p, _)| p == path) {
            Some(i) => {
                let (p, r) = self.resources.remove(i);
                self.resources.insert(i, (p, r.route(route)));
            }
            None => self.resources.push((
                path.to_string(),
                web::resource(path)
                    .route(route)
                    .default_service(web::to(error::method_not_allowed)),
            )),
        }
        self
    }

    /// Every `(method, path)` in the table.
    #[must_use]
    pub fn listed(&self) -> &[(Method, String)] {
        &self.listed
    }

    /// Registers the resources. Paths with fewer `{param}` segments go first,
    /// so a fixed segment wins over an id (`/captures/external` before
    /// `/captures/{id}`).
    pub fn register(mut self, cfg: &mut web::ServiceConfig) {
        self.resources
            .sort_by_key(|(path, _)| path.matches('{').count());
        for (_, resource) in self.resources {
            cfg.service(resource);
        }
    }
}

/// The full route table of the application.
#[must_use]
pub fn routes() -> RouteTable {
    let mut t = RouteTable::default();
    health::routes(&mut t);
    openapi::routes(&mut t);
    auth_routes::routes(&mut t);
    settings::routes(&mut t);
    journal::routes(&mut t);
    projects::routes(&mut t);
    captures::routes(&mut t);
    workouts::routes(&mut t);
    workouts::program_routes(&mut t);
    workouts::session_routes(&mut t);
    workouts::history_routes(&mut t);
    t
}
