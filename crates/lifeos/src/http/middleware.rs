//! Cross-cutting middleware: request ids and the access log, panics turned
//! into 500s, and a last net that gives every error the contract's body.

use crate::http::error::{ApiError, Code};
use actix_web::Error;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;

use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use std::time::Instant;
use tracing::Instrument;

/// The request id header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), ToString::to_string)
}

/// Headers every answer carries, errors included: its request id,
/// `X-Content-Type-Options: nosniff`, and under `/api/` (but the docs
/// page's assets) `Cache-Control: no-store` unless the handler chose a
/// policy — the API's answers are a user's data.
fn stamp(headers: &mut header::HeaderMap, id: &str, path: &str) {
    if let Ok(v) = HeaderValue::from_str(id) {
        headers.insert(REQUEST_ID, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if path.starts_with("/api/")
        && !path.starts_with("/api/docs/")
        && !headers.contains_key(header::CACHE_CONTROL)
    {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Takes `X-Request-Id` (or makes one), runs the request inside a span that
/// carries it (so every log line of the request has it), returns it on
/// every answer (errors and panics too, with the headers of [`stamp`]),
/// and logs one access line. Never logs bodies, cookies or headers.
///
/// # Errors
/// Passes through the inner service's errors.
pub async fn trace_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = request_id(&req);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
        user.id = tracing::field::Empty,
    );
    let started = Instant::now();
    let path = req.path().to_string();
    // No clone of the request may be held across `next.call`: routing needs
    // exclusive access to it.
    let result = next.call(req).instrument(span.clone()).await;
    let mut res = match result {
        Ok(res) => res.map_into_boxed_body(),
        Err(e) => {
            // The error is rendered later by the server; give it the
            // headers now (a panic's 500 arrives here).
            let mut res = e.error_response();
            stamp(res.headers_mut(), &id, &path);
            let status = res.status().as_u16();
            span.in_scope(|| tracing::info!(status, "request failed"));
            return Err(actix_web::error::InternalError::from_response(e, res).into());
        }
    };
    stamp(res.headers_mut(), &id, &path);
    let status = res.status().as_u16();
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        tracing::info!(status, duration_ms, "request finished");
    });
    Ok(res)
}

/// Turns a panic inside a handler into a 500 with the contract body; the
/// worker keeps serving.
///
/// # Errors
/// Passes through the inner service's errors.
pub async fn catch_panics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(res) => res.map(ServiceResponse::map_into_boxed_body),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(ToString::to_string)
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(ApiError::internal(format!("handler panicked: {what}")).into())
        }
    }
}

/// The last net: any error response that is not already JSON (from actix
/// itself or a middleware such as CORS) gets the contract body for its status.
///
/// # Errors
/// Passes through the inner service's errors.
pub async fn contract_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = match next.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(e) => {
            let res = e.error_response();
            if is_json(res.headers()) {
                return Err(e);
            }
            let fixed = contract_body(res.status(), res.headers());
            return Err(actix_web::error::InternalError::from_response(e, fixed).into());
        }
    };
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(res.headers()) {
        return Ok(res);
    }
    let (req, old) = res.into_parts();
    let new = contract_body(status, old.headers());
    Ok(ServiceResponse::new(req, new))
}

fn is_json(headers: &actix_web::http::header::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// A contract error body for `status`, keeping the other headers.
fn contract_body(
    status: actix_web::http::StatusCode,
    headers: &actix_web::http::header::HeaderMap,
) -> actix_web::HttpResponse {
    let code = Code::for_status(status);
    let detail = status.canonical_reason().unwrap_or("Error").to_string();
    let body = ApiError::new(code, format!("{detail}.")).body();
    let mut new = actix_web::HttpResponse::build(status).json(body);
    for (name, value) in headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    new
}
