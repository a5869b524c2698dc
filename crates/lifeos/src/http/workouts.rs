//! `/api/v1/exercises`, `/programs` and `/workouts` (API.md section 4).

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, Code, ErrorBody};
use crate::http::extract::{
    ApiJson, ApiQuery, PathId, double_option, has_content_type, not_null, parse_json, path_uuid,
    read_body,
};
use crate::http::prefs::UserPrefs;
use crate::http::{PageOf, RouteTable};
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_kernel::{FieldError, PageRequest};
use lifeos_workouts::{
    Category, Equipment, Exercise, ExerciseChanges, ExerciseDraft, ExerciseFilter, ExerciseId,
    ExerciseName, LogChanges, LogDraft, Notes, Program, ProgramChanges, ProgramDraft, ProgramId,
    ProgramItem, Record, SessionChanges, SessionDraft, SessionFilter, SessionId, SetNotes, UsedBy,
    WorkoutError, WorkoutLog, WorkoutName, WorkoutSession, muscle_groups, top_set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A nullable PATCH text: `null` clears, a value is parsed by its domain
/// type (which holds the limit) and stored as text.
fn text<T>(
    v: Option<String>,
    parse: impl Fn(&str) -> Result<T, FieldError>,
    into: impl Fn(T) -> String,
) -> Result<Option<String>, FieldError> {
    v.map(|s| parse(&s).map(into)).transpose()
}

impl From<WorkoutError> for ApiError {
    fn from(e: WorkoutError) -> Self {
        match e {
            WorkoutError::Invalid(f) => f.into(),
            WorkoutError::NotFound => Self::not_found(),
            WorkoutError::DuplicateName => Self::new(
                Code::DuplicateEntry,
                "You already have an exercise with this name (names ignore case).",
            ),
            WorkoutError::InUse(by) => Self::new(
                Code::Conflict,
                format!(
                    "The exercise is used by {}; archive it instead with PATCH {{\"archived\": true}}.",
                    match by {
                        UsedBy::Program => "a program",
                        UsedBy::WorkoutLog => "a logged workout set",
                    }
                ),
            ),
            WorkoutError::Store(s) => s.into(),
        }
    }
}

/// An exercise.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExerciseResponse {
    /// Id.
    pub id: Uuid,
    /// Name (unique per user, ignoring case).
    pub name: String,
    /// `strength` | `cardio` | `mobility` | `other`.
    pub category: &'static str,
    /// Muscle groups.
    pub muscle_groups: Vec<String>,
    /// Equipment.
    pub equipment: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Archived (hidden from pickers, kept for history).
    pub archived: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Exercise> for ExerciseResponse {
    fn from(e: Exercise) -> Self {
        Self {
            id: e.id.0,
            name: e.name,
            category: e.category.as_str(),
            muscle_groups: e.muscle_groups,
            equipment: e.equipment,
            notes: e.notes,
            archived: e.archived,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A new exercise.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExerciseBody {
    /// Name (1 to 100 characters).
    pub name: String,
    /// Category (default `other`).
    pub category: Option<String>,
    /// Muscle groups.
    #[serde(default)]
    pub muscle_groups: Vec<String>,
    /// Equipment (up to 100 characters).
    pub equipment: Option<String>,
    /// Notes (up to 10,000 characters).
    pub notes: Option<String>,
    /// Archived (default false).
    #[serde(default)]
    pub archived: bool,
}

/// Changes to an exercise.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchExerciseBody {
    /// Name.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// Category.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    /// Muscle groups (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<String>>)]
    pub muscle_groups: Option<Option<Vec<String>>>,
    /// Equipment (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub equipment: Option<Option<String>>,
    /// Notes (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Archived.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<bool>)]
    pub archived: Option<Option<bool>>,
}

/// List filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExerciseQuery {
    /// Name contains (ignoring case).
    pub q: Option<String>,
    /// Only this category.
    pub category: Option<String>,
    /// Only archived (`true`) or only active (`false`); both when absent.
    pub archived: Option<bool>,
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/exercises", list_exercises)
        .add(Method::POST, "/api/v1/exercises", create_exercise)
        .add(Method::GET, "/api/v1/exercises/{id}", get_exercise)
        .add(Method::PATCH, "/api/v1/exercises/{id}", patch_exercise)
        .add(Method::DELETE, "/api/v1/exercises/{id}", delete_exercise);
}

/// Exercises by name.
///
/// # Errors
/// 422.
#[utoipa::path(get, path = "/api/v1/exercises", tag = "workouts", security(("cookie" = [])), params(ExerciseQuery),
    responses((status = 200, body = PageOf<ExerciseResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_exercises(
    user: CurrentUser,
    state: web::Data<AppState>,
    q: ApiQuery<ExerciseQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let f = ExerciseFilter {
        q: ExerciseFilter::search("q", q.q)?,
        category: q
            .category
            .as_deref()
            .map(|c| Category::parse("category", c))
            .transpose()?,
        archived: q.archived,
        page: PageRequest::parse(q.page, q.per_page)?,
    };
    let p = state
        .workouts
        .list_exercises(user.id(), f)
        .await?
        .map(ExerciseResponse::from);
    Ok(HttpResponse::Ok().json(PageOf::from(p)))
}

/// Creates an exercise.
///
/// # Errors
/// 409 `DUPLICATE_ENTRY` for a name you already use (any case); 422.
#[utoipa::path(post, path = "/api/v1/exercises", tag = "workouts", security(("cookie" = [])), request_body = CreateExerciseBody,
    responses((status = 201, body = ExerciseResponse), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_exercise(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<CreateExerciseBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let d = ExerciseDraft {
        name: ExerciseName::parse(&b.name)?,
        category: b
            .category
            .as_deref()
            .map(|c| Category::parse("category", c))
            .transpose()?,
        muscle_groups: b.muscle_groups,
        equipment: b.equipment.as_deref().map(Equipment::parse).transpose()?,
        notes: b.notes.as_deref().map(Notes::parse).transpose()?,
        archived: b.archived,
    };
    let e = state.workouts.create_exercise(user.id(), d).await?;
    Ok(HttpResponse::Created().json(ExerciseResponse::from(e)))
}

/// One exercise.
///
/// # Errors
/// 404.
#[utoipa::path(get, path = "/api/v1/exercises/{id}", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Exercise id")),
    responses((status = 200, body = ExerciseResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_exercise(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let e = state
        .workouts
        .get_exercise(user.id(), ExerciseId(id.0))
        .await?;
    Ok(HttpResponse::Ok().json(ExerciseResponse::from(e)))
}

/// Changes an exercise (archive with `{"archived": true}`).
///
/// # Errors
/// 404, 409, 422.
#[utoipa::path(patch, path = "/api/v1/exercises/{id}", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Exercise id")),
    request_body = PatchExerciseBody,
    responses((status = 200, body = ExerciseResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_exercise(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<PatchExerciseBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let c = ExerciseChanges {
        name: not_null("name", b.name)?
            .map(|n| ExerciseName::parse(&n).map(ExerciseName::into_string))
            .transpose()?,
        category: not_null("category", b.category)?
            .map(|c| Category::parse("category", &c))
            .transpose()?,
        muscle_groups: b
            .muscle_groups
            .map(|m| muscle_groups(m.unwrap_or_default()))
            .transpose()?,
        equipment: b
            .equipment
            .map(|e| text(e, Equipment::parse, Equipment::into_string))
            .transpose()?,
        notes: b
            .notes
            .map(|n| text(n, Notes::parse, Notes::into_string))
            .transpose()?,
        archived: not_null("archived", b.archived)?,
    };
    let e = state
        .workouts
        .update_exercise(user.id(), ExerciseId(id.0), c)
        .await?;
    Ok(HttpResponse::Ok().json(ExerciseResponse::from(e)))
}

/// Deletes an exercise.
///
/// # Errors
/// 404; 409 `CONFLICT` when a program or workout uses it.
#[utoipa::path(delete, path = "/api/v1/exercises/{id}", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Exercise id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_exercise(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .workouts
        .delete_exercise(user.id(), ExerciseId(id.0))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One exercise of a program.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgramExerciseResponse {
    /// Row id.
    pub id: Uuid,
    /// The exercise.
    pub exercise_id: Uuid,
    /// Its name.
    pub exercise_name: String,
    /// Position (0-based).
    pub position: i32,
    /// Target sets.
    pub target_sets: Option<i32>,
    /// Target reps.
    pub target_reps: Option<i32>,
    /// Target weight (kg).
    pub target_weight: Option<f64>,
    /// Rest between sets (seconds).
    pub rest_seconds: Option<i32>,
    /// Notes.
    pub notes: Option<String>,
}

/// A program.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgramResponse {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Archived.
    pub archived: bool,
    /// Exercises by position.
    pub exercises: Vec<ProgramExerciseResponse>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Program> for ProgramResponse {
    fn from(p: Program) -> Self {
        Self {
            id: p.id.0,
            name: p.name,
            description: p.description,
            archived: p.archived,
            exercises: p
                .exercises
                .into_iter()
                .map(|e| ProgramExerciseResponse {
                    id: e.id,
                    exercise_id: e.exercise_id.0,
                    exercise_name: e.exercise_name,
                    position: e.position,
                    target_sets: e.target_sets,
                    target_reps: e.target_reps,
                    target_weight: e.target_weight,
                    rest_seconds: e.rest_seconds,
                    notes: e.notes,
                })
                .collect(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A new program (its exercises are set with `PUT /programs/{id}/exercises`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProgramBody {
    /// Name (1 to 200 characters).
    pub name: String,
    /// Description (up to 10,000 characters).
    pub description: Option<String>,
    /// Archived (default false).
    #[serde(default)]
    pub archived: bool,
}

/// Changes to a program.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchProgramBody {
    /// Name.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// Description (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Archived.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<bool>)]
    pub archived: Option<Option<bool>>,
}

/// One item of a program's new exercise list.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramItemBody {
    /// One of your exercises.
    pub exercise_id: Uuid,
    /// Target sets (>= 0).
    pub target_sets: Option<i32>,
    /// Target reps (>= 0).
    pub target_reps: Option<i32>,
    /// Target weight in kg (>= 0).
    pub target_weight: Option<f64>,
    /// Rest in seconds (>= 0).
    pub rest_seconds: Option<i32>,
    /// Notes (up to 1,000 characters).
    pub notes: Option<String>,
}

/// Page query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgramQuery {
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

pub(crate) fn program_routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/programs", list_programs)
        .add(Method::POST, "/api/v1/programs", create_program)
        .add(Method::GET, "/api/v1/programs/{id}", get_program)
        .add(Method::PATCH, "/api/v1/programs/{id}", patch_program)
        .add(Method::DELETE, "/api/v1/programs/{id}", delete_program)
        .add(
            Method::PUT,
            "/api/v1/programs/{id}/exercises",
            put_program_exercises,
        );
}

/// Programs by name, with their exercises.
///
/// # Errors
/// 422.
#[utoipa::path(get, path = "/api/v1/programs", tag = "workouts", security(("cookie" = [])), params(ProgramQuery),
    responses((status = 200, body = PageOf<ProgramResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_programs(
    user: CurrentUser,
    state: web::Data<AppState>,
    q: ApiQuery<ProgramQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.0.page, q.0.per_page)?;
    let p = state
        .workouts
        .list_programs(user.id(), page)
        .await?
        .map(ProgramResponse::from);
    Ok(HttpResponse::Ok().json(PageOf::from(p)))
}

/// Creates a program.
///
/// # Errors
/// 422.
#[utoipa::path(post, path = "/api/v1/programs", tag = "workouts", security(("cookie" = [])), request_body = CreateProgramBody,
    responses((status = 201, body = ProgramResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_program(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<CreateProgramBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let d = ProgramDraft {
        name: WorkoutName::parse(&b.name)?,
        description: b
            .description
            .as_deref()
            .map(|d| Notes::parse_at("description", d))
            .transpose()?,
        archived: b.archived,
    };
    let p = state.workouts.create_program(user.id(), d).await?;
    Ok(HttpResponse::Created().json(ProgramResponse::from(p)))
}

/// One program.
///
/// # Errors
/// 404.
#[utoipa::path(get, path = "/api/v1/programs/{id}", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Program id")),
    responses((status = 200, body = ProgramResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_program(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p = state
        .workouts
        .get_program(user.id(), ProgramId(id.0))
        .await?;
    Ok(HttpResponse::Ok().json(ProgramResponse::from(p)))
}

/// Changes a program.
///
/// # Errors
/// 404, 422.
#[utoipa::path(patch, path = "/api/v1/programs/{id}", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Program id")),
    request_body = PatchProgramBody,
    responses((status = 200, body = ProgramResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_program(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<PatchProgramBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let c = ProgramChanges {
        name: not_null("name", b.name)?
            .map(|n| WorkoutName::parse(&n).map(WorkoutName::into_string))
            .transpose()?,
        description: b
            .description
            .map(|d| text(d, |d| Notes::parse_at("description", d), Notes::into_string))
            .transpose()?,
        archived: not_null("archived", b.archived)?,
    };
    let p = state
        .workouts
        .update_program(user.id(), ProgramId(id.0), c)
        .await?;
    Ok(HttpResponse::Ok().json(ProgramResponse::from(p)))
}

/// Deletes a program (workouts that used it keep their logs).
///
/// # Errors
/// 404.
#[utoipa::path(delete, path = "/api/v1/programs/{id}", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Program id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_program(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .workouts
        .delete_program(user.id(), ProgramId(id.0))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Replaces the program's ordered exercise list atomically (order = position).
///
/// # Errors
/// 404 for the program; 422 naming `[i].field` for a bad item or an exercise that is not yours.
#[utoipa::path(put, path = "/api/v1/programs/{id}/exercises", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Program id")),
    request_body = Vec<ProgramItemBody>,
    responses((status = 200, body = ProgramResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_program_exercises(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<Vec<ProgramItemBody>>,
) -> Result<HttpResponse, ApiError> {
    let items = body
        .0
        .into_iter()
        .map(|b| ProgramItem {
            exercise_id: ExerciseId(b.exercise_id),
            target_sets: b.target_sets,
            target_reps: b.target_reps,
            target_weight: b.target_weight,
            rest_seconds: b.rest_seconds,
            notes: b.notes,
        })
        .collect();
    let p = state
        .workouts
        .replace_program_exercises(user.id(), ProgramId(id.0), items)
        .await?;
    Ok(HttpResponse::Ok().json(ProgramResponse::from(p)))
}

/// A logged set.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkoutLogResponse {
    /// Id.
    pub id: Uuid,
    /// Exercise.
    pub exercise_id: Uuid,
    /// Its name.
    pub exercise_name: String,
    /// Set number (from 1).
    pub set_number: i32,
    /// Reps.
    pub reps: i32,
    /// Weight (kg).
    pub weight: f64,
    /// Effort 1–10.
    pub rpe: Option<f64>,
    /// Notes.
    pub notes: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl From<WorkoutLog> for WorkoutLogResponse {
    fn from(l: WorkoutLog) -> Self {
        Self {
            id: l.id,
            exercise_id: l.exercise_id.0,
            exercise_name: l.exercise_name,
            set_number: l.set_number,
            reps: l.reps,
            weight: l.weight,
            rpe: l.rpe,
            notes: l.notes,
            created_at: l.created_at,
        }
    }
}

/// A workout session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WorkoutSessionResponse {
    /// Id.
    pub id: Uuid,
    /// Program followed.
    pub program_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: Option<DateTime<Utc>>,
    /// Notes.
    pub notes: Option<String>,
    /// Sets.
    pub logs: Vec<WorkoutLogResponse>,
    /// Σ reps × weight.
    pub total_volume: f64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl From<WorkoutSession> for WorkoutSessionResponse {
    fn from(s: WorkoutSession) -> Self {
        let total_volume = s.total_volume();
        Self {
            id: s.id.0,
            program_id: s.program_id.map(|p| p.0),
            name: s.name,
            started_at: s.started_at,
            ended_at: s.ended_at,
            notes: s.notes,
            logs: s.logs.into_iter().map(WorkoutLogResponse::from).collect(),
            total_volume,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A new session.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkoutBody {
    /// Program to follow (one of yours).
    pub program_id: Option<Uuid>,
    /// Name (default: the program's, else "Workout").
    pub name: Option<String>,
    /// Start (default now).
    pub started_at: Option<DateTime<Utc>>,
}

/// Changes to a session.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchWorkoutBody {
    /// Name.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// Start.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub started_at: Option<Option<DateTime<Utc>>>,
    /// End (null reopens).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub ended_at: Option<Option<DateTime<Utc>>>,
    /// Notes (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

/// Finishing a session.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinishBody {
    /// End (default now); never before the start.
    pub ended_at: Option<DateTime<Utc>>,
}

/// A set to log.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLogBody {
    /// One of your exercises.
    pub exercise_id: Uuid,
    /// Set number (default: the next for that exercise in this session).
    pub set_number: Option<i32>,
    /// Reps (>= 0).
    pub reps: i32,
    /// Weight in kg (>= 0, default 0).
    #[serde(default)]
    pub weight: f64,
    /// Effort 1–10.
    pub rpe: Option<f64>,
    /// Notes (up to 1,000 characters).
    pub notes: Option<String>,
}

/// Changes to a set.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchLogBody {
    /// Exercise.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub exercise_id: Option<Option<Uuid>>,
    /// Set number.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub set_number: Option<Option<i32>>,
    /// Reps.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub reps: Option<Option<i32>>,
    /// Weight (kg).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub weight: Option<Option<f64>>,
    /// RPE (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<f64>)]
    pub rpe: Option<Option<f64>>,
    /// Notes (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

/// Session list filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkoutQuery {
    /// Started on or after this date (your time zone).
    pub date_from: Option<NaiveDate>,
    /// Started on or before this date (your time zone).
    pub date_to: Option<NaiveDate>,
    /// Only sessions of this program.
    pub program_id: Option<Uuid>,
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

pub(crate) fn session_routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/workouts", list_workouts)
        .add(Method::POST, "/api/v1/workouts", create_workout)
        .add(Method::GET, "/api/v1/workouts/{id}", get_workout)
        .add(Method::PATCH, "/api/v1/workouts/{id}", patch_workout)
        .add(Method::DELETE, "/api/v1/workouts/{id}", delete_workout)
        .add(Method::POST, "/api/v1/workouts/{id}/finish", finish_workout)
        .add(Method::POST, "/api/v1/workouts/{id}/logs", create_log)
        .add(
            Method::PATCH,
            "/api/v1/workouts/{id}/logs/{log_id}",
            patch_log,
        )
        .add(
            Method::DELETE,
            "/api/v1/workouts/{id}/logs/{log_id}",
            delete_log,
        );
}

/// Sessions, newest first, with their sets.
///
/// # Errors
/// 422.
#[utoipa::path(get, path = "/api/v1/workouts", tag = "workouts", security(("cookie" = [])), params(WorkoutQuery),
    responses((status = 200, body = PageOf<WorkoutSessionResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_workouts(
    user: UserPrefs,
    state: web::Data<AppState>,
    q: ApiQuery<WorkoutQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    if let (Some(a), Some(b)) = (q.date_from, q.date_to)
        && a > b
    {
        return Err(FieldError::new("date_from", "date_from must not be after date_to").into());
    }
    let prefs = user.prefs;
    let f = SessionFilter {
        from: q.date_from.map(|d| prefs.start_of_day(d)),
        until: q
            .date_to
            .and_then(|d| d.succ_opt())
            .map(|d| prefs.start_of_day(d)),
        program_id: q.program_id.map(ProgramId),
        page: PageRequest::parse(q.page, q.per_page)?,
    };
    let p = state
        .sessions
        .list(user.id(), f)
        .await?
        .map(WorkoutSessionResponse::from);
    Ok(HttpResponse::Ok().json(PageOf::from(p)))
}

/// Starts a session.
///
/// # Errors
/// 422 (e.g. a program that is not yours).
#[utoipa::path(post, path = "/api/v1/workouts", tag = "workouts", security(("cookie" = [])), request_body = CreateWorkoutBody,
    responses((status = 201, body = WorkoutSessionResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_workout(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<CreateWorkoutBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let d = SessionDraft {
        program_id: b.program_id.map(ProgramId),
        name: b.name.as_deref().map(WorkoutName::parse).transpose()?,
        started_at: b.started_at,
    };
    let s = state.sessions.create(user.id(), d).await?;
    Ok(HttpResponse::Created().json(WorkoutSessionResponse::from(s)))
}

/// One session.
///
/// # Errors
/// 404.
#[utoipa::path(get, path = "/api/v1/workouts/{id}", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 200, body = WorkoutSessionResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_workout(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let s = state.sessions.get(user.id(), SessionId(id.0)).await?;
    Ok(HttpResponse::Ok().json(WorkoutSessionResponse::from(s)))
}

/// Changes a session.
///
/// # Errors
/// 404, 422 (`ended_at` before `started_at`).
#[utoipa::path(patch, path = "/api/v1/workouts/{id}", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Session id")),
    request_body = PatchWorkoutBody,
    responses((status = 200, body = WorkoutSessionResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_workout(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<PatchWorkoutBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let c = SessionChanges {
        name: not_null("name", b.name)?
            .map(|n| WorkoutName::parse(&n).map(WorkoutName::into_string))
            .transpose()?,
        started_at: not_null("started_at", b.started_at)?,
        ended_at: b.ended_at,
        notes: b
            .notes
            .map(|n| text(n, Notes::parse, Notes::into_string))
            .transpose()?,
    };
    let s = state.sessions.update(user.id(), SessionId(id.0), c).await?;
    Ok(HttpResponse::Ok().json(WorkoutSessionResponse::from(s)))
}

/// Deletes a session and its sets.
///
/// # Errors
/// 404.
#[utoipa::path(delete, path = "/api/v1/workouts/{id}", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_workout(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.sessions.delete(user.id(), SessionId(id.0)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Finishes a session: `ended_at` = now or the one given (a body is optional).
///
/// # Errors
/// 404, 422 (before the start).
#[utoipa::path(post, path = "/api/v1/workouts/{id}/finish", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Session id")),
    request_body = Option<FinishBody>,
    responses((status = 200, body = WorkoutSessionResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn finish_workout(
    user: CurrentUser,
    id: PathId,
    req: HttpRequest,
    mut payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let body = read_body(&req, &mut payload).await?;
    let b: FinishBody = if body.iter().all(u8::is_ascii_whitespace) {
        FinishBody::default()
    } else if has_content_type(&req, "application/json") {
        parse_json(&body)?
    } else {
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            "The request body must be JSON (Content-Type: application/json).",
        ));
    };
    let s = state
        .sessions
        .finish(user.id(), SessionId(id.0), b.ended_at)
        .await?;
    Ok(HttpResponse::Ok().json(WorkoutSessionResponse::from(s)))
}

/// Logs a set.
///
/// # Errors
/// 404 for the session; 422.
#[utoipa::path(post, path = "/api/v1/workouts/{id}/logs", tag = "workouts", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Session id")),
    request_body = CreateLogBody,
    responses((status = 201, body = WorkoutLogResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_log(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<CreateLogBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let l = LogDraft {
        exercise_id: ExerciseId(b.exercise_id),
        set_number: b.set_number,
        reps: b.reps,
        weight: b.weight,
        rpe: b.rpe,
        notes: b.notes.as_deref().map(SetNotes::parse).transpose()?,
    };
    let l = state
        .sessions
        .add_log(user.id(), SessionId(id.0), l)
        .await?;
    Ok(HttpResponse::Created().json(WorkoutLogResponse::from(l)))
}

fn log_path(req: &HttpRequest) -> Result<(SessionId, Uuid), ApiError> {
    Ok((SessionId(path_uuid(req, "id")?), path_uuid(req, "log_id")?))
}

/// Changes a set.
///
/// # Errors
/// 404, 422.
#[utoipa::path(patch, path = "/api/v1/workouts/{id}/logs/{log_id}", tag = "workouts", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Session id"), ("log_id" = Uuid, Path, description = "Set id")), request_body = PatchLogBody,
    responses((status = 200, body = WorkoutLogResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_log(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<PatchLogBody>,
) -> Result<HttpResponse, ApiError> {
    let (s, l) = log_path(&req)?;
    let b = body.0;
    let c = LogChanges {
        exercise_id: not_null("exercise_id", b.exercise_id)?.map(ExerciseId),
        set_number: not_null("set_number", b.set_number)?,
        reps: not_null("reps", b.reps)?,
        weight: not_null("weight", b.weight)?,
        rpe: b.rpe,
        notes: b
            .notes
            .map(|n| text(n, SetNotes::parse, SetNotes::into_string))
            .transpose()?,
    };
    let l = state.sessions.update_log(user.id(), s, l, c).await?;
    Ok(HttpResponse::Ok().json(WorkoutLogResponse::from(l)))
}

/// Deletes a set.
///
/// # Errors
/// 404.
#[utoipa::path(delete, path = "/api/v1/workouts/{id}/logs/{log_id}", tag = "workouts", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Session id"), ("log_id" = Uuid, Path, description = "Set id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_log(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (s, l) = log_path(&req)?;
    state.sessions.delete_log(user.id(), s, l).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One session in an exercise's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryItemResponse {
    /// Session.
    pub session_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its start.
    pub started_at: DateTime<Utc>,
    /// This exercise's sets.
    pub sets: Vec<WorkoutLogResponse>,
    /// Heaviest set (ties: most reps).
    pub top_set: Option<WorkoutLogResponse>,
    /// Σ reps × weight of these sets.
    pub volume: f64,
    /// Best Epley estimate of these sets.
    pub best_e1rm: Option<f64>,
}

/// A personal record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordResponse {
    /// The value.
    pub value: f64,
    /// The session it was set in.
    pub session_id: Uuid,
    /// That session's date (your time zone).
    pub date: NaiveDate,
}

/// Personal records over all history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordsResponse {
    /// Heaviest weight.
    pub max_weight: Option<RecordResponse>,
    /// Most reps in a set.
    pub max_reps: Option<RecordResponse>,
    /// Largest session volume.
    pub max_volume_session: Option<RecordResponse>,
    /// Best estimated one-rep max.
    pub best_e1rm: Option<RecordResponse>,
}

/// A page of an exercise's history, with its records.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryPage {
    /// Sessions, newest first.
    pub items: Vec<HistoryItemResponse>,
    /// Total sessions.
    pub total: i64,
    /// Page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Records over all history.
    pub personal_records: RecordsResponse,
}

pub(crate) fn history_routes(t: &mut RouteTable) {
    t.add(
        Method::GET,
        "/api/v1/exercises/{id}/history",
        exercise_history,
    );
}

/// The sessions an exercise was done in, newest first, with its personal records.
///
/// # Errors
/// 404, 422.
#[utoipa::path(get, path = "/api/v1/exercises/{id}/history", tag = "workouts", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Exercise id"), ProgramQuery),
    responses((status = 200, body = HistoryPage), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn exercise_history(
    user: UserPrefs,
    id: PathId,
    state: web::Data<AppState>,
    q: ApiQuery<ProgramQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.0.page, q.0.per_page)?;
    let prefs = user.prefs;
    let (p, records) = state
        .sessions
        .history(user.id(), ExerciseId(id.0), page)
        .await?;
    let record = |r: Option<Record>| {
        r.map(|r| RecordResponse {
            value: r.value,
            session_id: r.session_id.0,
            date: r.at.with_timezone(&prefs.timezone).date_naive(),
        })
    };
    let p = p.map(|item| HistoryItemResponse {
        top_set: top_set(&item.sets).cloned().map(WorkoutLogResponse::from),
        volume: item.volume(),
        best_e1rm: item.best_e1rm(),
        session_id: item.session_id.0,
        name: item.name,
        started_at: item.started_at,
        sets: item
            .sets
            .into_iter()
            .map(WorkoutLogResponse::from)
            .collect(),
    });
    Ok(HttpResponse::Ok().json(HistoryPage {
        items: p.items,
        total: p.total,
        page: p.page,
        per_page: p.per_page,
        personal_records: RecordsResponse {
            max_weight: record(records.max_weight),
            max_reps: record(records.max_reps),
            max_volume_session: record(records.max_volume_session),
            best_e1rm: record(records.best_e1rm),
        },
    }))
}
