//! `GET /api/v1/today`: the user's day at a glance (issue 13), as JSON or,
//! for a voice assistant, as one or two sentences of plain text. Accepts
//! the cookie session or an API key with the `today` scope.

use crate::http::RouteTable;
use crate::http::auth::{bearer_user, current_user_with_settings, state};
use crate::http::calendar::OccurrenceResponse;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::journal::KindStreaks;
use crate::http::projects::TaskResponse;
use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_app::TodayView;
use serde::Serialize;
use uuid::Uuid;

/// The day's tasks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TodayTasks {
    /// Open tasks due today, by project position then position (at most 50).
    pub due_today: Vec<TaskResponse>,
    /// How many open tasks are due today.
    pub due_today_total: i64,
    /// Open tasks due before today, oldest first (at most 50).
    pub overdue: Vec<TaskResponse>,
    /// How many open tasks are overdue.
    pub overdue_total: i64,
}

/// The day's journal.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TodayJournal {
    /// Morning pages written today.
    pub morning_pages: bool,
    /// Daily reflection written today.
    pub daily_reflection: bool,
    /// Streaks, as `GET /journal/status` counts them.
    pub streaks: KindStreaks,
}

/// The most recently started workout.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LastWorkout {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End, once finished.
    pub ended_at: Option<DateTime<Utc>>,
    /// Σ reps × weight (kg).
    pub total_volume: f64,
}

/// The user's day.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TodayResponse {
    /// Today in the user's time zone.
    pub date: NaiveDate,
    /// Today's occurrences, as `/calendar/occurrences` lists them.
    pub occurrences: Vec<OccurrenceResponse>,
    /// Tasks due today and overdue.
    pub tasks: TodayTasks,
    /// Today's daily entries and the streaks.
    pub journal: TodayJournal,
    /// Captures in the inbox.
    pub inbox: i64,
    /// The last workout, or null.
    pub last_workout: Option<LastWorkout>,
}

impl From<TodayView> for TodayResponse {
    fn from(v: TodayView) -> Self {
        let f = v.facts;
        Self {
            date: v.date,
            occurrences: v
                .occurrences
                .into_iter()
                .map(OccurrenceResponse::from)
                .collect(),
            tasks: TodayTasks {
                due_today: f.due_today.into_iter().map(TaskResponse::from).collect(),
                due_today_total: f.due_today_total,
                overdue: f.overdue.into_iter().map(TaskResponse::from).collect(),
                overdue_total: f.overdue_total,
            },
            journal: TodayJournal {
                morning_pages: v.morning_pages,
                daily_reflection: v.daily_reflection,
                streaks: v.streaks.into(),
            },
            inbox: f.inbox,
            last_workout: f.last_workout.map(|s| LastWorkout {
                id: s.id.0,
                name: s.name,
                started_at: s.started_at,
                ended_at: s.ended_at,
                total_volume: s.total_volume,
            }),
        }
    }
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/today", today);
}

/// Whether the client asked for plain text: `Accept` names `text/plain`
/// and not `application/json` (a browser's `*/*` gets JSON).
fn wants_text(req: &HttpRequest) -> bool {
    let accept = req
        .headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|m| {
            m.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .collect::<Vec<_>>();
    accept.iter().any(|m| m == "text/plain") && !accept.iter().any(|m| m == "application/json")
}

/// Your day: today's occurrences, tasks due today and overdue, today's
/// journal entries and streaks, the inbox and the last workout, in your time
/// zone. With `Accept: text/plain`, one or two sentences to read aloud. Takes
/// the cookie session or an API key with the `today` scope.
///
/// # Errors
/// 401 without a session or key; 403 `INSUFFICIENT_SCOPE` for a key without
/// the `today` scope.
#[utoipa::path(get, path = "/api/v1/today", tag = "today",
    security(("cookie" = []), ("api_key" = [])),
    responses(
        (status = 200, description = "The day (JSON), or with `Accept: text/plain` a sentence or two",
         content((TodayResponse = "application/json"), (String = "text/plain"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn today(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let state = state(&req)?;
    let (user, prefs) = if req.headers().contains_key(header::AUTHORIZATION) {
        let user = bearer_user(&req, lifeos_auth::Scope::Today).await?;
        (user, state.auth.settings(user).await?.time_prefs())
    } else {
        let (user, settings) = current_user_with_settings(&req).await?;
        (user.id(), settings.time_prefs())
    };
    let view = state.today.view(user, prefs).await?;
    if wants_text(&req) {
        return Ok(HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body(view.spoken()));
    }
    Ok(HttpResponse::Ok().json(TodayResponse::from(view)))
}
