//! `/api/v1/calendar` (API.md section 7): events, the occurrences view, and
//! single-occurrence changes. Every rule is in `lifeos-calendar`; this file
//! parses, calls one service method and serialises.

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, PathId, double_option, not_null, path_uuid};
use crate::http::prefs::UserPrefs;
use crate::http::{PageOf, RouteTable};
use crate::state::AppState;
use actix_web::body::SizedStream;
use actix_web::http::Method;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::StreamExt;
use lifeos_calendar::{
    CalendarError, Event, EventDescription, EventDraft, EventId, EventPatch, EventTitle, Location,
    Occurrence, OverrideDraft, Span, When, parse_exdates,
};
use lifeos_kernel::{Color, FieldError, PageRequest, parse_timezone};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

impl From<CalendarError> for ApiError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::Invalid(f) => f.into(),
            CalendarError::NotFound => Self::not_found(),
            CalendarError::Store(s) => s.into(),
        }
    }
}

/// An event.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventResponse {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// RFC 3339 instant, or a date (`YYYY-MM-DD`) for all-day events.
    pub start: String,
    /// RFC 3339 instant, or the day after the last (exclusive) for all-day events.
    pub end: String,
    /// Whole days.
    pub all_day: bool,
    /// IANA zone the series recurs in.
    pub timezone: String,
    /// RFC 5545 RRULE value.
    pub rrule: Option<String>,
    /// Skipped occurrence starts (dates for all-day events).
    pub exdates: Vec<String>,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Event> for EventResponse {
    fn from(e: Event) -> Self {
        Self {
            id: e.id.0,
            title: e.title,
            description: e.description,
            location: e.location,
            start: e.span.start().to_wire(),
            end: e.span.end().to_wire(),
            all_day: e.span.all_day(),
            timezone: e.timezone.name().to_string(),
            rrule: e.rrule,
            exdates: e.exdates.iter().map(When::to_wire).collect(),
            color: e.color,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// One occurrence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OccurrenceResponse {
    /// The event.
    pub event_id: Uuid,
    /// Title (the changed one, if changed).
    pub title: String,
    /// Start (a date for all-day events).
    pub start: String,
    /// End (a date for all-day events, exclusive).
    pub end: String,
    /// Whole days.
    pub all_day: bool,
    /// Part of a series.
    pub recurring: bool,
    /// The occurrence's original start, for a series; null otherwise.
    pub recurrence_id: Option<String>,
}

impl From<Occurrence> for OccurrenceResponse {
    fn from(o: Occurrence) -> Self {
        Self::from(&o)
    }
}

impl From<&Occurrence> for OccurrenceResponse {
    fn from(o: &Occurrence) -> Self {
        Self {
            event_id: o.event_id.0,
            title: o.title.clone(),
            start: o.start.to_wire(),
            end: o.end.to_wire(),
            all_day: o.all_day,
            recurring: o.recurring,
            recurrence_id: o.recurrence_id.as_ref().map(|r| r.to_wire()),
        }
    }
}

/// A list of occurrences written as the API lists them, one at a time
/// (no second list of their wire forms beside the first).
struct Listed(Vec<Occurrence>);

impl Serialize for Listed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(OccurrenceResponse::from))
    }
}

/// A new event.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEventBody {
    /// Title (1 to 500 characters).
    pub title: String,
    /// Description (up to 10,000 characters).
    pub description: Option<String>,
    /// Location (up to 500 characters).
    pub location: Option<String>,
    /// RFC 3339 instant, or a date for all-day events.
    pub start: String,
    /// Default: one hour after `start`, or the next day for all-day events.
    pub end: Option<String>,
    /// Whole days (default false).
    #[serde(default)]
    pub all_day: bool,
    /// IANA zone (default: yours).
    pub timezone: Option<String>,
    /// RFC 5545 RRULE value.
    pub rrule: Option<String>,
    /// Skipped occurrence starts.
    #[serde(default)]
    pub exdates: Vec<String>,
    /// `#RRGGBB`.
    pub color: Option<String>,
}

/// The fields of an event besides its title and the series' own, parsed.
pub(crate) struct EventFields {
    pub description: Option<EventDescription>,
    pub location: Option<Location>,
    pub span: Span,
    pub timezone: Option<chrono_tz::Tz>,
    pub exdates: Vec<When>,
    pub color: Option<Color>,
}

/// The event fields of a request body, as sent (shared by `POST /events`
/// and capture conversion).
pub(crate) struct EventInput<'a> {
    pub description: Option<&'a str>,
    pub location: Option<&'a str>,
    pub start: &'a str,
    pub end: Option<&'a str>,
    pub all_day: bool,
    pub timezone: Option<&'a str>,
    pub exdates: &'a [String],
    pub color: Option<&'a str>,
}

impl EventInput<'_> {
    /// Parses each field with the calendar's value types.
    pub(crate) fn parse(self) -> Result<EventFields, FieldError> {
        let start = When::parse("start", self.start, self.all_day)?;
        let end = self
            .end
            .map(|e| When::parse("end", e, self.all_day))
            .transpose()?;
        Ok(EventFields {
            description: self.description.map(EventDescription::parse).transpose()?,
            location: self.location.map(Location::parse).transpose()?,
            span: Span::new(start, end)?,
            timezone: self.timezone.map(parse_timezone).transpose()?,
            exdates: parse_exdates(self.exdates, self.all_day)?,
            color: self.color.map(Color::parse).transpose()?,
        })
    }
}

impl TryFrom<CreateEventBody> for EventDraft {
    type Error = FieldError;

    fn try_from(b: CreateEventBody) -> Result<Self, FieldError> {
        let f = EventInput {
            description: b.description.as_deref(),
            location: b.location.as_deref(),
            start: &b.start,
            end: b.end.as_deref(),
            all_day: b.all_day,
            timezone: b.timezone.as_deref(),
            exdates: &b.exdates,
            color: b.color.as_deref(),
        }
        .parse()?;
        Ok(Self {
            title: EventTitle::parse(&b.title)?,
            description: f.description,
            location: f.location,
            span: f.span,
            timezone: f.timezone,
            rrule: b.rrule,
            exdates: f.exdates,
            color: f.color,
        })
    }
}

/// Changes to an event; fields not sent are unchanged, `null` clears a
/// nullable one.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchEventBody {
    /// Title.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// Description.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Location.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    /// Start.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub start: Option<Option<String>>,
    /// End.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub end: Option<Option<String>>,
    /// Whole days (changing it needs a new `start`).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<bool>)]
    pub all_day: Option<Option<bool>>,
    /// IANA zone.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub timezone: Option<Option<String>>,
    /// RRULE (null: no longer recurring).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub rrule: Option<Option<String>>,
    /// Skipped occurrence starts (replaces the list).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<String>>)]
    pub exdates: Option<Option<Vec<String>>>,
    /// `#RRGGBB`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub color: Option<Option<String>>,
}

impl TryFrom<PatchEventBody> for EventPatch {
    type Error = FieldError;

    fn try_from(b: PatchEventBody) -> Result<Self, FieldError> {
        Ok(Self {
            title: not_null("title", b.title)?
                .map(|t| EventTitle::parse(&t))
                .transpose()?,
            description: b
                .description
                .map(|d| d.as_deref().map(EventDescription::parse).transpose())
                .transpose()?,
            location: b
                .location
                .map(|l| l.as_deref().map(Location::parse).transpose())
                .transpose()?,
            all_day: not_null("all_day", b.all_day)?,
            start: not_null("start", b.start)?,
            end: not_null("end", b.end)?,
            timezone: not_null("timezone", b.timezone)?
                .map(|t| parse_timezone(&t))
                .transpose()?,
            rrule: b.rrule,
            exdates: b.exdates.map(Option::unwrap_or_default),
            color: b
                .color
                .map(|c| c.as_deref().map(Color::parse).transpose())
                .transpose()?,
        })
    }
}

/// Changes to one occurrence.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchOccurrenceBody {
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// New start (a date for all-day events).
    pub start: Option<String>,
    /// New end (default: the new start plus the series' duration).
    pub end: Option<String>,
    /// `#RRGGBB`.
    pub color: Option<String>,
}

/// Event list query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

/// The occurrences window: inclusive dates in your time zone, at most 366 days.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OccurrenceQuery {
    /// First day (`YYYY-MM-DD`).
    pub from: NaiveDate,
    /// Last day (`YYYY-MM-DD`, inclusive).
    pub to: NaiveDate,
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/calendar/events", list_events)
        .add(Method::POST, "/api/v1/calendar/events", create_event)
        .add(Method::GET, "/api/v1/calendar/events/{id}", get_event)
        .add(Method::PATCH, "/api/v1/calendar/events/{id}", patch_event)
        .add(Method::DELETE, "/api/v1/calendar/events/{id}", delete_event)
        .add(
            Method::GET,
            "/api/v1/calendar/occurrences",
            list_occurrences,
        )
        .add(
            Method::PATCH,
            "/api/v1/calendar/events/{id}/occurrences/{recurrence_id}",
            patch_occurrence,
        )
        .add(
            Method::DELETE,
            "/api/v1/calendar/events/{id}/occurrences/{recurrence_id}",
            delete_occurrence,
        );
}

/// Events by start.
///
/// # Errors
/// 422.
#[utoipa::path(get, path = "/api/v1/calendar/events", tag = "calendar", security(("cookie" = [])), params(EventQuery),
    responses((status = 200, body = PageOf<EventResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_events(
    user: CurrentUser,
    state: web::Data<AppState>,
    q: ApiQuery<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.0.page, q.0.per_page)?;
    let p = state.calendar.list(user.id(), page).await?;
    Ok(HttpResponse::Ok().json(PageOf::from(p.map(EventResponse::from))))
}

/// Creates an event (single or recurring).
///
/// # Errors
/// 422 (with the reason for an invalid `rrule`).
#[utoipa::path(post, path = "/api/v1/calendar/events", tag = "calendar", security(("cookie" = [])), request_body = CreateEventBody,
    responses((status = 201, body = EventResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_event(
    user: UserPrefs,
    state: web::Data<AppState>,
    body: ApiJson<CreateEventBody>,
) -> Result<HttpResponse, ApiError> {
    let d = EventDraft::try_from(body.0)?;
    let e = state.calendar.create(user.id(), user.prefs, d).await?;
    Ok(HttpResponse::Created().json(EventResponse::from(e)))
}

/// One event.
///
/// # Errors
/// 404.
#[utoipa::path(get, path = "/api/v1/calendar/events/{id}", tag = "calendar", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 200, body = EventResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_event(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let e = state.calendar.get(user.id(), EventId(id.0)).await?;
    Ok(HttpResponse::Ok().json(EventResponse::from(e)))
}

/// Changes an event. When its rule, start or zone changes, changed
/// occurrences the new series no longer generates are dropped.
///
/// # Errors
/// 404, 422.
#[utoipa::path(patch, path = "/api/v1/calendar/events/{id}", tag = "calendar", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Event id")),
    request_body = PatchEventBody,
    responses((status = 200, body = EventResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_event(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<PatchEventBody>,
) -> Result<HttpResponse, ApiError> {
    let p = EventPatch::try_from(body.0)?;
    let e = state.calendar.update(user.id(), EventId(id.0), p).await?;
    Ok(HttpResponse::Ok().json(EventResponse::from(e)))
}

/// Deletes an event with its changed occurrences.
///
/// # Errors
/// 404.
#[utoipa::path(delete, path = "/api/v1/calendar/events/{id}", tag = "calendar", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Event id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_event(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.calendar.delete(user.id(), EventId(id.0)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every occurrence overlapping the days `from..=to` in your time zone,
/// sorted by start (a plain array).
///
/// # Errors
/// 422 when `to` is before `from` or the window is over 366 days.
#[utoipa::path(get, path = "/api/v1/calendar/occurrences", tag = "calendar", security(("cookie" = [])), params(OccurrenceQuery),
    responses((status = 200, body = Vec<OccurrenceResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_occurrences(
    user: UserPrefs,
    state: web::Data<AppState>,
    q: ApiQuery<OccurrenceQuery>,
) -> Result<HttpResponse, ApiError> {
    let expansion = state
        .calendar
        .expansion(user.id(), user.prefs, q.0.from, q.0.to)
        .await?;
    // Expanding a year of a busy calendar and writing its JSON is tens of
    // milliseconds and megabytes: a few at a time, off the async workers,
    // each holding its slot until its answer is sent.
    let (body, mut slot) = state
        .cpu
        .run(move || {
            let list = Listed(expansion.run());
            // About 100 bytes an occurrence: one allocation, not doublings.
            let mut out = Vec::with_capacity(list.0.len() * 112 + 2);
            serde_json::to_writer(&mut out, &list).map(|()| out)
        })
        .await
        .map_err(ApiError::internal)?;
    let body = Bytes::from(body.map_err(ApiError::internal)?);
    if body.len() >= LARGE {
        slot.release_memory_when_done();
    }
    let len = body.len() as u64;
    let pieces = (0..body.len())
        .step_by(PIECE)
        .map(move |at| Ok::<_, actix_web::Error>(body.slice(at..(at + PIECE).min(body.len()))))
        .collect::<Vec<_>>();
    let sent = futures_util::stream::iter(pieces).chain(futures_util::stream::once(async move {
        drop(slot);
        Ok(Bytes::new())
    }));
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(SizedStream::new(len, sent)))
}

/// Pieces of an occurrences answer handed to the connection one at a time.
const PIECE: usize = 64 * 1024;

/// An occurrences answer this long (a few months of a busy calendar) hands
/// the allocator's free pages back once sent
/// ([`crate::state::release_free_memory`]).
const LARGE: usize = 1024 * 1024;

fn occurrence_path(req: &HttpRequest) -> Result<(EventId, String), ApiError> {
    let id = EventId(path_uuid(req, "id")?);
    let rid = req
        .match_info()
        .get("recurrence_id")
        .unwrap_or_default()
        .to_string();
    Ok((id, rid))
}

/// Changes one occurrence of a series; answers it as the occurrences view
/// lists it.
///
/// # Errors
/// 404 (not an occurrence the series generates), 422.
#[utoipa::path(patch, path = "/api/v1/calendar/events/{id}/occurrences/{recurrence_id}", tag = "calendar", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Event id"), ("recurrence_id" = String, Path, description = "The occurrence's original start, as listed")),
    request_body = PatchOccurrenceBody,
    responses((status = 200, body = OccurrenceResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_occurrence(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<PatchOccurrenceBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, rid) = occurrence_path(&req)?;
    let b = body.0;
    let d = OverrideDraft {
        title: b.title.as_deref().map(EventTitle::parse).transpose()?,
        description: b
            .description
            .as_deref()
            .map(EventDescription::parse)
            .transpose()?,
        location: b.location.as_deref().map(Location::parse).transpose()?,
        start: b.start,
        end: b.end,
        color: b.color.as_deref().map(Color::parse).transpose()?,
    };
    let o = state
        .calendar
        .change_occurrence(user.id(), id, &rid, d)
        .await?;
    Ok(HttpResponse::Ok().json(OccurrenceResponse::from(o)))
}

/// Skips one occurrence of a series.
///
/// # Errors
/// 404 (not an occurrence the series generates, or skipped already).
#[utoipa::path(delete, path = "/api/v1/calendar/events/{id}/occurrences/{recurrence_id}", tag = "calendar", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Event id"), ("recurrence_id" = String, Path, description = "The occurrence's original start, as listed")),
    responses((status = 204, description = "Skipped"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_occurrence(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (id, rid) = occurrence_path(&req)?;
    state.calendar.skip_occurrence(user.id(), id, &rid).await?;
    Ok(HttpResponse::NoContent().finish())
}
