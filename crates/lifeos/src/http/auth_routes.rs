//! `/api/auth`: login, refresh, logout, me, password change.

use crate::http::RouteTable;
use crate::http::auth::{
    CurrentUser, REFRESH_COOKIE, check_origin, cleared_cookies, client_addr, session_cookies, state,
};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiJson;
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use lifeos_auth::{Session, User};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A user account.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserResponse {
    /// Account id.
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserResponse {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.0,
            username: u.username.clone(),
            created_at: u.created_at,
        }
    }
}

/// `{"user": User}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserEnvelope {
    /// The logged-in user.
    pub user: UserResponse,
}

/// Login credentials.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    /// Login name (case-insensitive).
    pub username: String,
    /// Password.
    pub password: String,
}

/// Password change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordBody {
    /// The current password.
    pub current_password: String,
    /// The new password, 8 to 128 characters.
    pub new_password: String,
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::POST, "/api/auth/login", login)
        .add(Method::POST, "/api/auth/refresh", refresh)
        .add(Method::POST, "/api/auth/logout", logout)
        .add(Method::GET, "/api/auth/me", me)
        .add(Method::PATCH, "/api/auth/password", change_password);
}

fn with_session(
    state: &AppState,
    session: &Session,
    mut res: actix_web::HttpResponseBuilder,
) -> HttpResponse {
    for c in session_cookies(&state.web, session) {
        res.cookie(c);
    }
    res.json(UserEnvelope {
        user: UserResponse::from(&session.user),
    })
}

/// Logs in and sets the `access_token` and `refresh_token` cookies.
///
/// # Errors
/// 401 `INVALID_CREDENTIALS`, 429 `RATE_LIMITED`, 422.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = UserEnvelope), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let addr = client_addr(&req, &state.web);
    let session = state
        .auth
        .login(&body.0.username, &body.0.password, &addr)
        .await?;
    Ok(with_session(&state, &session, HttpResponse::Ok()))
}

/// Exchanges the refresh cookie for new cookies; the old refresh token is retired.
///
/// # Errors
/// 401 `NOT_AUTHENTICATED` without the cookie, `INVALID_TOKEN` for a bad or reused one.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth",
    security(("refresh_cookie" = [])),
    responses((status = 200, body = UserEnvelope), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn refresh(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let state = state(&req)?;
    let Some(cookie) = req.cookie(REFRESH_COOKIE) else {
        return Err(ApiError::new(
            crate::http::error::Code::NotAuthenticated,
            "The refresh cookie is missing; log in again.",
        ));
    };
    check_origin(&req, &state.web)?;
    let session = state.auth.refresh(cookie.value()).await?;
    Ok(with_session(&state, &session, HttpResponse::Ok()))
}

/// Ends the session: revokes the refresh token and clears both cookies. Idempotent.
///
/// # Errors
/// 403 `CSRF_REJECTED` from a foreign origin.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204), (status = 403, body = ErrorBody)))]
#[tracing::instrument(skip_all)]
pub async fn logout(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let state = state(&req)?;
    let cookie = req.cookie(REFRESH_COOKIE);
    if cookie.is_some() || req.cookie(crate::http::auth::ACCESS_COOKIE).is_some() {
        check_origin(&req, &state.web)?;
    }
    state
        .auth
        .logout(cookie.as_ref().map(|c| c.value()))
        .await?;
    let mut res = HttpResponse::NoContent();
    for c in cleared_cookies(&state.web) {
        res.cookie(c);
    }
    Ok(res.finish())
}

/// The logged-in user.
///
/// # Errors
/// 401.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth", security(("cookie" = [])),
    responses((status = 200, body = UserResponse), (status = 401, body = ErrorBody)))]
pub async fn me(user: CurrentUser) -> HttpResponse {
    HttpResponse::Ok().json(UserResponse::from(&user.0))
}

/// Changes the password; every other session ends and the caller gets fresh cookies.
///
/// # Errors
/// 401 `INVALID_CREDENTIALS` for a wrong current password, 422 for a bad new one.
#[utoipa::path(patch, path = "/api/auth/password", tag = "auth", security(("cookie" = [])),
    request_body = PasswordBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[tracing::instrument(skip_all, fields(user.id = %user.id()))]
pub async fn change_password(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<PasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let session = state
        .auth
        .change_password(user.id(), &body.0.current_password, &body.0.new_password)
        .await?;
    let mut res = HttpResponse::NoContent();
    for c in session_cookies(&state.web, &session) {
        res.cookie(c);
    }
    Ok(res.finish())
}
