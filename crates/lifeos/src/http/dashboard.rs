//! `/api/v1/dashboard` (API.md section 8): the weekly dashboard, a read
//! model of the application layer (`lifeos_app::Dashboard`).

use crate::http::RouteTable;
use crate::http::calendar::OccurrenceResponse;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiQuery;
use crate::http::journal::KindStreaks;
use crate::http::prefs::UserPrefs;
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_app::{DashboardError, WeeklyDashboard};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

impl From<DashboardError> for ApiError {
    fn from(e: DashboardError) -> Self {
        match e {
            DashboardError::Invalid(f) => f.into(),
            DashboardError::Store(s) => s.into(),
        }
    }
}

/// One day of the journal week.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DayResponse {
    /// The day.
    pub date: NaiveDate,
    /// Morning pages written.
    pub morning_pages: bool,
    /// Daily reflection written.
    pub daily_reflection: bool,
}

/// The journal part.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JournalWeek {
    /// Each day of the week.
    pub days: Vec<DayResponse>,
    /// The week has its review.
    pub weekly_review: bool,
    /// Streaks as `GET /journal/status` counts them today.
    pub streaks: KindStreaks,
}

/// A session of the week.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionLine {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// Σ reps × weight.
    pub total_volume: f64,
}

/// The workouts part.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkoutWeek {
    /// Sessions started in the week.
    pub count: usize,
    /// Σ volume of those sessions (kg).
    pub total_volume: f64,
    /// Σ (ended_at − started_at) of the finished ones, whole minutes.
    pub total_minutes: i64,
    /// The sessions, by start.
    pub sessions: Vec<SessionLine>,
}

/// An active project.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectLine {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Done tasks.
    pub done: i64,
    /// All tasks.
    pub total: i64,
}

/// The projects part.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectWeek {
    /// Tasks whose `completed_at` falls in the week.
    pub tasks_completed: i64,
    /// Open tasks due in the week or earlier.
    pub tasks_due: i64,
    /// Active projects by position.
    pub active: Vec<ProjectLine>,
}

/// The captures part.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaptureWeek {
    /// Created in the week.
    pub captured: i64,
    /// Processed in the week.
    pub processed: i64,
    /// In the inbox now.
    pub inbox: i64,
}

/// The calendar part.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarWeek {
    /// The week's occurrences, as `/calendar/occurrences` lists them.
    pub occurrences: Vec<OccurrenceResponse>,
}

/// The weekly dashboard.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WeeklyResponse {
    /// First day of the week.
    pub week_start: NaiveDate,
    /// Last day of the week (inclusive).
    pub week_end: NaiveDate,
    /// Journal.
    pub journal: JournalWeek,
    /// Workouts.
    pub workouts: WorkoutWeek,
    /// Projects.
    pub projects: ProjectWeek,
    /// Captures.
    pub captures: CaptureWeek,
    /// Calendar.
    pub calendar: CalendarWeek,
}

impl From<WeeklyDashboard> for WeeklyResponse {
    fn from(d: WeeklyDashboard) -> Self {
        Self {
            week_start: d.week.start,
            week_end: d.week.end,
            journal: JournalWeek {
                days: d
                    .journal_days
                    .into_iter()
                    .map(|j| DayResponse {
                        date: j.date,
                        morning_pages: j.morning_pages,
                        daily_reflection: j.daily_reflection,
                    })
                    .collect(),
                weekly_review: d.weekly_review,
                streaks: d.streaks.into(),
            },
            workouts: WorkoutWeek {
                count: d.sessions.len(),
                total_volume: d.total_volume,
                total_minutes: d.total_minutes,
                sessions: d
                    .sessions
                    .into_iter()
                    .map(|s| SessionLine {
                        id: s.id.0,
                        name: s.name,
                        started_at: s.started_at,
                        total_volume: s.total_volume,
                    })
                    .collect(),
            },
            projects: ProjectWeek {
                tasks_completed: d.tasks_completed,
                tasks_due: d.tasks_due,
                active: d
                    .active_projects
                    .into_iter()
                    .map(|p| ProjectLine {
                        id: p.id.0,
                        name: p.name,
                        done: p.done,
                        total: p.total,
                    })
                    .collect(),
            },
            captures: CaptureWeek {
                captured: d.captured,
                processed: d.processed,
                inbox: d.inbox,
            },
            calendar: CalendarWeek {
                occurrences: d
                    .occurrences
                    .into_iter()
                    .map(OccurrenceResponse::from)
                    .collect(),
            },
        }
    }
}

/// The week asked for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeeklyQuery {
    /// First day of the week (default: the current week); must be a first
    /// day under your `week_start` setting.
    pub week_start: Option<NaiveDate>,
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/dashboard/weekly", weekly);
}

/// The weekly dashboard, in your time zone and week start.
///
/// # Errors
/// 422 when `week_start` is not the first day of a week.
#[utoipa::path(get, path = "/api/v1/dashboard/weekly", tag = "dashboard", security(("cookie" = [])), params(WeeklyQuery),
    responses((status = 200, body = WeeklyResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn weekly(
    user: UserPrefs,
    state: web::Data<AppState>,
    q: ApiQuery<WeeklyQuery>,
) -> Result<HttpResponse, ApiError> {
    let d = state
        .dashboard
        .weekly(user.id(), user.prefs, q.0.week_start)
        .await?;
    Ok(HttpResponse::Ok().json(WeeklyResponse::from(d)))
}
