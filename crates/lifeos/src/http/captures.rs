//! `/api/v1/captures` (API.md section 6), including the Siri endpoint and
//! conversion (the application layer's `ConvertCapture`, called once).

use crate::http::auth::{ApiKeyUser, CurrentUser, SessionCaller};
use crate::http::calendar::{EventInput, EventResponse};
use crate::http::error::{ApiError, Code, ErrorBody};
use crate::http::extract::{
    ApiJson, ApiQuery, PathId, double_option, has_content_type, not_null, parse_json, read_body,
};
use crate::http::journal::EntryResponse;
use crate::http::prefs::UserPrefs;
use crate::http::projects::{TaskOptions, TaskResponse};
use crate::http::{PageOf, RouteTable};
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_app::{
    ConvertError, Converted, EntryTarget, EventFields, EventTarget, Target, TaskTarget,
};
use lifeos_calendar::EventTitle;
use lifeos_captures::{
    Capture, CaptureChanges, CaptureContent, CaptureError, CaptureId, CaptureSource, CaptureStatus,
    IdempotencyKey,
};
use lifeos_journal::EntryKind;
use lifeos_kernel::{FieldError, PageRequest, StoreError, Uniqueness};
use lifeos_projects::{ProjectId, TaskTitle};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

impl From<CaptureError> for ApiError {
    fn from(e: CaptureError) -> Self {
        match e {
            CaptureError::Invalid(f) => f.into(),
            CaptureError::NotFound => Self::not_found(),
            CaptureError::KeyReused => Self::new(
                Code::Conflict,
                "This Idempotency-Key was already used with a different request body.",
            ),
            CaptureError::Store(s) => s.into(),
        }
    }
}

/// What a capture became.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConvertedTo {
    /// `task` | `journal_entry` | `event`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The target's id (as stored; the target may have been deleted since).
    pub id: Uuid,
}

/// A capture.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaptureResponse {
    /// Id.
    pub id: Uuid,
    /// Text.
    pub content: String,
    /// Source (`web`, `api`, ...).
    pub source: String,
    /// `inbox` | `processed` | `archived`.
    pub status: &'static str,
    /// What it was converted into.
    pub converted_to: Option<ConvertedTo>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When it left the inbox.
    pub processed_at: Option<DateTime<Utc>>,
}

impl From<Capture> for CaptureResponse {
    fn from(c: Capture) -> Self {
        Self {
            id: c.id.0,
            content: c.content,
            source: c.source,
            status: c.status.as_str(),
            converted_to: c.converted_to.map(|(k, id)| ConvertedTo {
                kind: k.as_str(),
                id,
            }),
            created_at: c.created_at,
            processed_at: c.processed_at,
        }
    }
}

/// A new capture.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateCaptureBody {
    /// Text (trimmed, 1 to 10,000 characters).
    pub content: String,
    /// Source (up to 50 characters; default `web`, or `api` on the external endpoint).
    pub source: Option<String>,
}

/// Changes to a capture.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchCaptureBody {
    /// Text.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub content: Option<Option<String>>,
    /// Source.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub source: Option<Option<String>>,
    /// Status; leaving `inbox` sets `processed_at`, returning clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub status: Option<Option<String>>,
}

/// The Siri receipt.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExternalReceipt {
    /// The capture's id.
    pub id: Uuid,
    /// Always `inbox`.
    pub status: String,
    /// `Captured: <first 60 characters>`.
    pub message: String,
}

/// A conversion: `{"type": "task", "project_id", ...task fields}`,
/// `{"type": "journal_entry", "entry_type"?, "entry_date"?, "content"?}` or
/// `{"type": "event", ...}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ConvertBody {
    /// `task` | `journal_entry` | `event`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Target project (task).
    pub project_id: Option<Uuid>,
    /// Task title (default: the capture's content).
    pub title: Option<String>,
    /// Task description.
    pub description: Option<String>,
    /// Task status.
    pub status: Option<String>,
    /// Task priority.
    pub priority: Option<String>,
    /// Task due date.
    pub due_date: Option<NaiveDate>,
    /// Journal entry kind (default `morning_pages`).
    pub entry_type: Option<String>,
    /// Journal entry date (default today in the user's time zone).
    pub entry_date: Option<NaiveDate>,
    /// Journal entry content (default `{"body": <capture content>}`).
    #[schema(value_type = Option<Object>)]
    pub content: Option<Value>,
    /// Event start: an RFC 3339 instant, or a date when `all_day`.
    pub start: Option<String>,
    /// Event end (default: one hour after `start`, or the next day).
    pub end: Option<String>,
    /// Whole-day event (default false).
    pub all_day: Option<bool>,
    /// Event time zone (default: yours).
    pub timezone: Option<String>,
    /// Event location.
    pub location: Option<String>,
    /// Event RRULE.
    pub rrule: Option<String>,
    /// Event exdates.
    pub exdates: Option<Vec<String>>,
    /// Event color.
    pub color: Option<String>,
}

/// The converted capture and what it became.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConvertResponse {
    /// The capture, now `processed`.
    pub capture: CaptureResponse,
    /// The created task or journal entry.
    #[schema(value_type = Object)]
    pub target: Value,
}

/// List filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaptureQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/captures", list_captures)
        .add(Method::POST, "/api/v1/captures", create_capture)
        .add(Method::POST, "/api/v1/captures/external", capture_external)
        .add(Method::GET, "/api/v1/captures/{id}", get_capture)
        .add(Method::PATCH, "/api/v1/captures/{id}", patch_capture)
        .add(Method::DELETE, "/api/v1/captures/{id}", delete_capture)
        .add(
            Method::POST,
            "/api/v1/captures/{id}/convert",
            convert_capture,
        );
}

/// Captures, newest first.
///
/// # Errors
/// 422.
#[utoipa::path(get, path = "/api/v1/captures", tag = "captures", security(("cookie" = [])), params(CaptureQuery),
    responses((status = 200, body = PageOf<CaptureResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_captures(
    caller: SessionCaller,
    state: web::Data<AppState>,
    q: ApiQuery<CaptureQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let status = q
        .status
        .as_deref()
        .map(|s| CaptureStatus::parse("status", s))
        .transpose()?;
    let page = state
        .captures
        .list(caller.0, status, PageRequest::parse(q.page, q.per_page)?)
        .await?;
    Ok(HttpResponse::Ok().json(PageOf::from(page.map(CaptureResponse::from))))
}

/// Captures text from the browser.
///
/// # Errors
/// 422.
#[utoipa::path(post, path = "/api/v1/captures", tag = "captures", security(("cookie" = [])), request_body = CreateCaptureBody,
    responses((status = 201, body = CaptureResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_capture(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<CreateCaptureBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let content = CaptureContent::parse(&b.content)?;
    let source = b.source.as_deref().map(CaptureSource::parse).transpose()?;
    let c = state.captures.capture(user.id(), content, source).await?;
    Ok(HttpResponse::Created().json(CaptureResponse::from(c)))
}

/// The Siri endpoint: Bearer API key only; JSON `{"content","source"?}` or a
/// `text/plain` body; optional `Idempotency-Key`.
///
/// # Errors
/// 401, 409 (key reused with another body), 413, 415, 422.
#[utoipa::path(post, path = "/api/v1/captures/external", tag = "captures", security(("api_key" = [])),
    request_body(content = CreateCaptureBody, description = "JSON, or the content as text/plain"),
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe key, scoped to the user, kept 24 h")),
    responses((status = 201, body = ExternalReceipt), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn capture_external(
    user: ApiKeyUser,
    req: HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let is_json = has_content_type(&req, "application/json");
    let is_text = has_content_type(&req, "text/plain");
    if !is_json && !is_text {
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            "Send the capture as application/json or text/plain.",
        ));
    }
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| IdempotencyKey::parse(v.as_bytes()))
        .transpose()?;
    let body = read_body(&req, &mut payload).await?;
    let (content, source) = if is_json {
        let b: CreateCaptureBody = parse_json(&body)?;
        (b.content, b.source)
    } else {
        let text = std::str::from_utf8(&body)
            .map_err(|_bad| FieldError::new("content", "a text/plain body must be UTF-8"))?;
        (text.to_string(), None)
    };
    let content = CaptureContent::parse(&content)?;
    let source = source.as_deref().map(CaptureSource::parse).transpose()?;
    let mut hasher = Sha256::new();
    hasher.update(if is_json {
        b"json\n" as &[u8]
    } else {
        b"text\n"
    });
    hasher.update(&body);
    let hash = hasher.finalize();
    let outcome = state
        .captures
        .capture_external(
            user.0,
            content,
            source,
            key.as_ref().map(|k| (k.as_str(), &hash[..])),
        )
        .await?;
    // A replay answers exactly what the first answer said: same status, and
    // the same body, serialised from the same receipt.
    let r = outcome.receipt();
    Ok(HttpResponse::Created().json(ExternalReceipt {
        id: r.capture.0,
        status: CaptureStatus::Inbox.as_str().to_string(),
        message: r.message.clone(),
    }))
}

/// One capture.
///
/// # Errors
/// 404.
#[utoipa::path(get, path = "/api/v1/captures/{id}", tag = "captures", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Capture id")),
    responses((status = 200, body = CaptureResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_capture(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let c = state.captures.get(user.id(), CaptureId(id.0)).await?;
    Ok(HttpResponse::Ok().json(CaptureResponse::from(c)))
}

/// Changes content, source or status.
///
/// # Errors
/// 404, 422.
#[utoipa::path(patch, path = "/api/v1/captures/{id}", tag = "captures", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Capture id")),
    request_body = PatchCaptureBody,
    responses((status = 200, body = CaptureResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_capture(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<PatchCaptureBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let c = CaptureChanges {
        content: not_null("content", b.content)?
            .map(|s| CaptureContent::parse(&s))
            .transpose()?,
        source: not_null("source", b.source)?
            .map(|s| CaptureSource::parse(&s))
            .transpose()?,
        status: not_null("status", b.status)?
            .map(|s| CaptureStatus::parse("status", &s))
            .transpose()?,
    };
    let c = state.captures.update(user.id(), CaptureId(id.0), c).await?;
    Ok(HttpResponse::Ok().json(CaptureResponse::from(c)))
}

/// Deletes a capture.
///
/// # Errors
/// 404.
#[utoipa::path(delete, path = "/api/v1/captures/{id}", tag = "captures", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Capture id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_capture(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.captures.delete(user.id(), CaptureId(id.0)).await?;
    Ok(HttpResponse::NoContent().finish())
}

impl From<ConvertError> for ApiError {
    fn from(e: ConvertError) -> Self {
        match e {
            ConvertError::Invalid(f) => f.into(),
            ConvertError::NotFound => Self::not_found(),
            ConvertError::NotInInbox => Self::new(
                Code::Conflict,
                "Only a capture in the inbox can be converted.",
            ),
            ConvertError::DuplicateEntry => {
                StoreError::Duplicate(Uniqueness::JournalEntryPerPeriod).into()
            }
            ConvertError::Store(s) => s.into(),
        }
    }
}

impl TryFrom<ConvertBody> for Target {
    type Error = FieldError;

    fn try_from(b: ConvertBody) -> Result<Self, FieldError> {
        match b.kind.as_str() {
            "task" => {
                let project = b
                    .project_id
                    .ok_or_else(|| FieldError::new("project_id", "project_id is required"))?;
                let o = TaskOptions::parse(
                    b.description.as_deref(),
                    b.status.as_deref(),
                    b.priority.as_deref(),
                )?;
                Ok(Self::Task(TaskTarget {
                    project: ProjectId(project),
                    title: b.title.as_deref().map(TaskTitle::parse).transpose()?,
                    description: o.description,
                    status: o.status,
                    priority: o.priority,
                    due_date: b.due_date,
                }))
            }
            "journal_entry" => Ok(Self::JournalEntry(EntryTarget {
                kind: b
                    .entry_type
                    .as_deref()
                    .map(|k| EntryKind::parse("entry_type", k))
                    .transpose()?,
                entry_date: b.entry_date,
                content: b.content,
            })),
            "event" => {
                let start = b
                    .start
                    .as_deref()
                    .ok_or_else(|| FieldError::new("start", "start is required"))?;
                let f = EventInput {
                    description: b.description.as_deref(),
                    location: b.location.as_deref(),
                    start,
                    end: b.end.as_deref(),
                    all_day: b.all_day.unwrap_or(false),
                    timezone: b.timezone.as_deref(),
                    exdates: b.exdates.as_deref().unwrap_or_default(),
                    color: b.color.as_deref(),
                }
                .parse()?;
                Ok(Self::Event(EventTarget {
                    title: b.title.as_deref().map(EventTitle::parse).transpose()?,
                    draft: EventFields {
                        description: f.description,
                        location: f.location,
                        span: f.span,
                        timezone: f.timezone,
                        rrule: b.rrule,
                        exdates: f.exdates,
                        color: f.color,
                    },
                }))
            }
            _ => Err(FieldError::new(
                "type",
                "type must be task, journal_entry or event",
            )),
        }
    }
}

/// Converts an inbox capture into a task, a journal entry or an event, atomically.
///
/// # Errors
/// 404 (capture or project), 409 `CONFLICT` (not in the inbox), 409
/// `DUPLICATE_ENTRY` (journal), 422 (invalid target).
#[utoipa::path(post, path = "/api/v1/captures/{id}/convert", tag = "captures", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Capture id")),
    request_body = ConvertBody,
    responses((status = 201, body = ConvertResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn convert_capture(
    user: UserPrefs,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<ConvertBody>,
) -> Result<HttpResponse, ApiError> {
    let target = Target::try_from(body.0)?;
    let out = state
        .convert
        .run(user.id(), user.prefs, CaptureId(id.0), target)
        .await?;
    let body = match out {
        Converted::Task { capture, task } => json!({
            "capture": CaptureResponse::from(capture),
            "target": TaskResponse::from(task),
        }),
        Converted::JournalEntry { capture, entry } => json!({
            "capture": CaptureResponse::from(capture),
            "target": EntryResponse::from(entry),
        }),
        Converted::Event { capture, event } => json!({
            "capture": CaptureResponse::from(capture),
            "target": EventResponse::from(event),
        }),
    };
    Ok(HttpResponse::Created().json(body))
}
