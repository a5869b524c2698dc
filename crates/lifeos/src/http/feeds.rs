//! Calendar subscription feeds (issue 13): `/api/v1/settings/calendar-feeds`
//! to make, list and revoke them (cookie session), and `GET /ical/{token}.ics`
//! for the calendar app, where the token in the URL is the credential.

use crate::http::RouteTable;
use crate::http::auth::{CurrentUser, state};
use crate::http::error::{ApiError, Code, ErrorBody};
use crate::http::extract::{ApiJson, PathId};
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::http::header::{self, ETag, EntityTag, Header, HttpDate, IfNoneMatch, LastModified};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use lifeos_app::feed::{CalendarFeed, FeedError, FeedId, MAX_FEEDS};
use serde::{Deserialize, Serialize};
use std::time::SystemTime;
use uuid::Uuid;

/// A feed as listed (never its URL: the token is shown once).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedResponse {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

impl From<CalendarFeed> for FeedResponse {
    fn from(f: CalendarFeed) -> Self {
        Self {
            id: f.id.0,
            name: f.name,
            created_at: f.created_at,
        }
    }
}

/// A feed just made, with its secret URL shown this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedFeedResponse {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// `…/ical/{token}.ics`: subscribe to it in a calendar app; it is never
    /// shown again.
    pub url: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// A new feed's name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFeedBody {
    /// Name (1 to 100 characters).
    pub name: String,
}

impl From<FeedError> for ApiError {
    fn from(e: FeedError) -> Self {
        match e {
            FeedError::Invalid(f) => f.into(),
            FeedError::NotFound => Self::not_found(),
            FeedError::TooMany => Self::new(
                Code::Conflict,
                format!("You have {MAX_FEEDS} calendar feeds, the most allowed; delete one first."),
            ),
            FeedError::Store(s) => s.into(),
        }
    }
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/settings/calendar-feeds", list_feeds)
        .add(Method::POST, "/api/v1/settings/calendar-feeds", create_feed)
        .add(
            Method::DELETE,
            "/api/v1/settings/calendar-feeds/{id}",
            delete_feed,
        )
        .add(Method::GET, "/ical/{token}.ics", feed);
}

/// The user's calendar feeds, newest first (a plain array, as API keys).
///
/// # Errors
/// 401.
#[utoipa::path(get, path = "/api/v1/settings/calendar-feeds", tag = "settings", security(("cookie" = [])),
    responses((status = 200, body = Vec<FeedResponse>), (status = 401, body = ErrorBody)))]
pub async fn list_feeds(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let feeds = state.feeds.list(user.id()).await?;
    Ok(HttpResponse::Ok().json(
        feeds
            .into_iter()
            .map(FeedResponse::from)
            .collect::<Vec<_>>(),
    ))
}

/// Makes a calendar feed; the answer carries its secret URL this once.
///
/// # Errors
/// 422 for a bad name; 409 past 20 feeds.
#[utoipa::path(post, path = "/api/v1/settings/calendar-feeds", tag = "settings", security(("cookie" = [])),
    request_body = CreateFeedBody,
    responses((status = 201, body = CreatedFeedResponse), (status = 401, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_feed(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<CreateFeedBody>,
) -> Result<HttpResponse, ApiError> {
    let created = state.feeds.create(user.id(), &body.0.name).await?;
    let info = req.connection_info();
    let url = format!(
        "{}://{}/ical/{}.ics",
        info.scheme(),
        info.host(),
        created.token
    );
    Ok(HttpResponse::Created().json(CreatedFeedResponse {
        id: created.feed.id.0,
        name: created.feed.name,
        url,
        created_at: created.feed.created_at,
    }))
}

/// Revokes a calendar feed: its URL answers 404 from now on.
///
/// # Errors
/// 404 when it is not the user's.
#[utoipa::path(delete, path = "/api/v1/settings/calendar-feeds/{id}", tag = "settings", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Feed id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn delete_feed(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.feeds.delete(user.id(), FeedId(id.0)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Whether `If-None-Match` names `etag` (weakly, as RFC 9110 compares it
/// for `GET`) or is `*`; an unparsable header names nothing.
fn matches(req: &HttpRequest, etag: &EntityTag) -> bool {
    match IfNoneMatch::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(etag)),
        Err(_) => false,
    }
}

/// The feed: every event of the user and the open tasks with a due date, as
/// iCalendar. No cookie: the token in the URL is the credential.
///
/// # Errors
/// 404 for a token that is not a live feed's.
#[utoipa::path(get, path = "/ical/{token}.ics", tag = "calendar",
    params(("token" = String, Path, description = "The feed's secret token")),
    responses((status = 200, content_type = "text/calendar", body = String),
              (status = 304, description = "Unchanged since the ETag sent in If-None-Match"),
              (status = 404, body = ErrorBody)))]
pub async fn feed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let token = req.match_info().get("token").unwrap_or_default();
    let rendered = state(&req)?.feeds.render(token).await?;
    let etag = EntityTag::new_strong(rendered.etag.clone());
    let unchanged = matches(&req, &etag);
    let mut res = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(ETag(etag))
        // Calendar apps revalidate with the ETag; nothing is shared.
        .insert_header((header::CACHE_CONTROL, "private, no-cache"));
    if let Some(t) = rendered.last_modified {
        res.insert_header(LastModified(HttpDate::from(SystemTime::from(t))));
    }
    if unchanged {
        return Ok(res.finish());
    }
    Ok(res
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"lifeos.ics\"",
        ))
        .body(rendered.body))
}
