//! Liveness and readiness: no auth, no data.

use crate::http::RouteTable;
use crate::http::auth::state;
use crate::http::error::{ApiError, ErrorBody};
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

/// `{"status": "ok"}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HealthResponse {
    /// Always `ok`.
    pub status: &'static str,
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/health", health)
        .add(Method::GET, "/health/ready", ready);
}

/// The process is up.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, body = HealthResponse)))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse { status: "ok" })
}

/// The database answers.
///
/// # Errors
/// 503 when it does not.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses((status = 200, body = HealthResponse), (status = 503, body = ErrorBody)))]
pub async fn ready(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let state = state(&req)?;
    state.store.ping().await?;
    Ok(HttpResponse::Ok().json(HealthResponse { status: "ok" }))
}
