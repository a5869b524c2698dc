//! `/api/v1/journal`: entries, search, status and streaks (API.md section 3).

use crate::http::auth::{CurrentUser, SessionCaller};
use crate::http::error::{ApiError, Code, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, PathId, double_option};
use crate::http::prefs::UserPrefs;
use crate::http::{PageOf, RouteTable};
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_journal::{
    Entry, EntryFilter, EntryId, EntryKind, EntryPatch, JournalError, JournalStatus, Streak,
};
use lifeos_kernel::{FieldError, PageRequest};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

impl From<JournalError> for ApiError {
    fn from(e: JournalError) -> Self {
        match e {
            JournalError::Invalid(f) => f.into(),
            JournalError::NotFound => Self::not_found(),
            JournalError::Duplicate { kind, period } => Self::new(
                Code::DuplicateEntry,
                if kind.is_weekly() {
                    format!("A weekly_review already exists for the week starting {period}.")
                } else {
                    format!("A {kind} entry already exists for {period}.")
                },
            ),
            JournalError::Store(s) => s.into(),
        }
    }
}

/// A journal entry.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EntryResponse {
    /// Id.
    pub id: Uuid,
    /// `morning_pages` | `daily_reflection` | `weekly_review`.
    pub entry_type: &'static str,
    /// The day it is for.
    pub entry_date: NaiveDate,
    /// The content object, as sent.
    #[schema(value_type = Object)]
    pub content: Value,
    /// Words over all string values of the content.
    pub word_count: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<Entry> for EntryResponse {
    fn from(e: Entry) -> Self {
        Self {
            id: e.id.0,
            entry_type: e.kind.as_str(),
            entry_date: e.entry_date,
            content: e.content,
            word_count: e.word_count,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A new entry.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateEntryBody {
    /// `morning_pages` | `daily_reflection` | `weekly_review`.
    pub entry_type: String,
    /// Defaults to today in the user's time zone.
    pub entry_date: Option<NaiveDate>,
    /// Content object with the kind's required fields.
    #[schema(value_type = Object)]
    pub content: Value,
}

/// Changes to an entry.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchEntryBody {
    /// Replaces the whole content.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Object>)]
    pub content: Option<Option<Value>>,
    /// New date.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub entry_date: Option<Option<NaiveDate>>,
}

/// List filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListEntriesQuery {
    /// Only this kind.
    pub entry_type: Option<String>,
    /// From this date (inclusive).
    pub date_from: Option<NaiveDate>,
    /// To this date (inclusive).
    pub date_to: Option<NaiveDate>,
    /// Full-text search over the content.
    pub q: Option<String>,
    /// Page (from 1).
    pub page: Option<i64>,
    /// Page size (1..=100).
    pub per_page: Option<i64>,
}

/// Per-kind flags.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KindFlags {
    /// Morning pages.
    pub morning_pages: bool,
    /// Daily reflection.
    pub daily_reflection: bool,
    /// Weekly review (this week).
    pub weekly_review: bool,
}

/// A streak.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StreakResponse {
    /// Current run.
    pub current: u32,
    /// Longest run ever.
    pub longest: u32,
}

impl From<Streak> for StreakResponse {
    fn from(s: Streak) -> Self {
        Self {
            current: s.current,
            longest: s.longest,
        }
    }
}

/// Per-kind streaks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct KindStreaks {
    /// Morning pages (days).
    pub morning_pages: StreakResponse,
    /// Daily reflection (days).
    pub daily_reflection: StreakResponse,
    /// Weekly review (weeks).
    pub weekly_review: StreakResponse,
}

impl From<[(EntryKind, Streak); 3]> for KindStreaks {
    fn from(s: [(EntryKind, Streak); 3]) -> Self {
        let of = |kind: EntryKind| {
            s.iter()
                .find(|(k, _)| *k == kind)
                .map(|(_, st)| StreakResponse::from(*st))
                .unwrap_or(StreakResponse {
                    current: 0,
                    longest: 0,
                })
        };
        Self {
            morning_pages: of(EntryKind::MorningPages),
            daily_reflection: of(EntryKind::DailyReflection),
            weekly_review: of(EntryKind::WeeklyReview),
        }
    }
}

/// Today's state and streaks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatusResponse {
    /// The user's today.
    pub date: NaiveDate,
    /// First day of the user's week.
    pub week_start: NaiveDate,
    /// Whether today (this week) has its entry.
    pub today: KindFlags,
    /// Streaks.
    pub streaks: KindStreaks,
}

impl From<JournalStatus> for StatusResponse {
    fn from(s: JournalStatus) -> Self {
        Self {
            date: s.date,
            week_start: s.week_start,
            today: KindFlags {
                morning_pages: s.today[0].1,
                daily_reflection: s.today[1].1,
                weekly_review: s.today[2].1,
            },
            streaks: s.streaks.into(),
        }
    }
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/journal/entries", list_entries)
        .add(Method::POST, "/api/v1/journal/entries", create_entry)
        .add(Method::GET, "/api/v1/journal/entries/{id}", get_entry)
        .add(Method::PATCH, "/api/v1/journal/entries/{id}", patch_entry)
        .add(Method::DELETE, "/api/v1/journal/entries/{id}", delete_entry)
        .add(Method::GET, "/api/v1/journal/status", status);
}

/// Lists entries, newest `entry_date` first.
///
/// # Errors
/// 422 for bad filters or pagination.
#[utoipa::path(get, path = "/api/v1/journal/entries", tag = "journal", security(("cookie" = [])),
    params(ListEntriesQuery),
    responses((status = 200, body = PageOf<EntryResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_entries(
    caller: SessionCaller,
    state: web::Data<AppState>,
    query: ApiQuery<ListEntriesQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let filter = EntryFilter {
        kind: q
            .entry_type
            .as_deref()
            .map(|k| EntryKind::parse("entry_type", k))
            .transpose()?,
        date_from: q.date_from,
        date_to: q.date_to,
        q: q.q,
        page: PageRequest::parse(q.page, q.per_page)?,
    };
    let page = state.journal.list(caller.0, filter).await?;
    Ok(HttpResponse::Ok().json(PageOf::from(page.map(EntryResponse::from))))
}

/// Creates an entry.
///
/// # Errors
/// 409 `DUPLICATE_ENTRY` when the day (week) has one; 422.
#[utoipa::path(post, path = "/api/v1/journal/entries", tag = "journal", security(("cookie" = [])),
    request_body = CreateEntryBody,
    responses((status = 201, body = EntryResponse), (status = 401, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_entry(
    user: UserPrefs,
    state: web::Data<AppState>,
    body: ApiJson<CreateEntryBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let kind = EntryKind::parse("entry_type", &b.entry_type)?;
    let prefs = user.prefs;
    let entry = state
        .journal
        .create(user.id(), prefs, kind, b.entry_date, b.content)
        .await?;
    Ok(HttpResponse::Created().json(EntryResponse::from(entry)))
}

/// One entry.
///
/// # Errors
/// 404.
#[utoipa::path(get, path = "/api/v1/journal/entries/{id}", tag = "journal", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Entry id")),
    responses((status = 200, body = EntryResponse), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_entry(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let e = state.journal.get(user.id(), EntryId(id.0)).await?;
    Ok(HttpResponse::Ok().json(EntryResponse::from(e)))
}

/// Changes `content` (replaced whole) and/or `entry_date`.
///
/// # Errors
/// 404, 409, 422.
#[utoipa::path(patch, path = "/api/v1/journal/entries/{id}", tag = "journal", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Entry id")), request_body = PatchEntryBody,
    responses((status = 200, body = EntryResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_entry(
    user: UserPrefs,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<PatchEntryBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let patch = EntryPatch {
        content: match b.content {
            Some(None) => return Err(FieldError::new("content", "content cannot be null").into()),
            Some(Some(v)) => Some(v),
            None => None,
        },
        entry_date: match b.entry_date {
            Some(None) => {
                return Err(FieldError::new("entry_date", "entry_date cannot be null").into());
            }
            Some(Some(d)) => Some(d),
            None => None,
        },
    };
    let prefs = user.prefs;
    let e = state
        .journal
        .update(user.id(), prefs, EntryId(id.0), patch)
        .await?;
    Ok(HttpResponse::Ok().json(EntryResponse::from(e)))
}

/// Deletes an entry.
///
/// # Errors
/// 404.
#[utoipa::path(delete, path = "/api/v1/journal/entries/{id}", tag = "journal", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Entry id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_entry(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.journal.delete(user.id(), EntryId(id.0)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Today's flags and streaks in the user's time zone and weeks.
///
/// # Errors
/// 401.
#[utoipa::path(get, path = "/api/v1/journal/status", tag = "journal", security(("cookie" = [])),
    responses((status = 200, body = StatusResponse), (status = 401, body = ErrorBody)))]
pub async fn status(user: UserPrefs, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let prefs = user.prefs;
    let s = state.journal.status(user.id(), prefs).await?;
    Ok(HttpResponse::Ok().json(StatusResponse::from(s)))
}
