//! `/api/v1/exercises` and `/api/v1/programs` (API.md section 4; workout
//! sessions, set logs and exercise history are not built yet).

use crate::http::RouteTable;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, Code, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, PathId, double_option};
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use lifeos_kernel::{FieldError, PageRequest, char_len, new_id, trimmed_text};
use lifeos_workouts::{
    Category, Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, NewExercise, NewProgram,
    Program, ProgramChanges, ProgramId, ProgramItem, WorkoutError, exercise_name, muscle_groups,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

impl From<WorkoutError> for ApiError {
    fn from(e: WorkoutError) -> Self {
        match e {
            WorkoutError::Invalid(f) => f.into(),
            WorkoutError::NotFound => Self::not_found(),
            WorkoutError::DuplicateName => Self::new(
                Code::DuplicateEntry,
                "You already have an exercise with this name (names ignore case).",
            ),
            WorkoutError::InUse(what) => Self::new(Code::Conflict, what),
            WorkoutError::Store(s) => s.into(),
        }
    }
}

fn optional_text(field: &str, v: Option<String>, max: usize) -> Result<Option<String>, FieldError> {
    match v {
        Some(s) if char_len(&s) > max => Err(FieldError::too_long(field, max)),
        other => Ok(other),
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

/// A page of exercises.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExercisePage {
    /// Exercises by name.
    pub items: Vec<ExerciseResponse>,
    /// Total.
    pub total: i64,
    /// Page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
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

fn not_null<T>(field: &str, v: Option<Option<T>>) -> Result<Option<T>, FieldError> {
    match v {
        Some(None) => Err(FieldError::new(field, format!("{field} cannot be null"))),
        Some(Some(x)) => Ok(Some(x)),
        None => Ok(None),
    }
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
    responses((status = 200, body = ExercisePage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_exercises(
    user: CurrentUser,
    state: web::Data<AppState>,
    q: ApiQuery<ExerciseQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let f = ExerciseFilter {
        q: q.q.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
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
    Ok(HttpResponse::Ok().json(ExercisePage {
        items: p.items,
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
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
    let now = state.workouts.now();
    let e = NewExercise {
        user: user.id(),
        exercise: Exercise {
            id: ExerciseId(new_id()),
            name: exercise_name(&b.name)?,
            category: b
                .category
                .as_deref()
                .map(|c| Category::parse("category", c))
                .transpose()?
                .unwrap_or(Category::Other),
            muscle_groups: muscle_groups(b.muscle_groups)?,
            equipment: optional_text("equipment", b.equipment, 100)?,
            notes: optional_text("notes", b.notes, 10_000)?,
            archived: b.archived,
            created_at: now,
            updated_at: now,
        },
    };
    let e = state.workouts.create_exercise(e).await?;
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
            .map(|n| exercise_name(&n))
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
            .map(|e| optional_text("equipment", e, 100))
            .transpose()?,
        notes: b
            .notes
            .map(|n| optional_text("notes", n, 10_000))
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

/// A page of programs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgramPage {
    /// Programs by name.
    pub items: Vec<ProgramResponse>,
    /// Total.
    pub total: i64,
    /// Page.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
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
    responses((status = 200, body = ProgramPage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
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
    Ok(HttpResponse::Ok().json(ProgramPage {
        items: p.items,
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
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
    let p = NewProgram {
        id: ProgramId(new_id()),
        user: user.id(),
        name: trimmed_text("name", &b.name, 200)?,
        description: optional_text("description", b.description, 10_000)?,
        archived: b.archived,
        now: state.workouts.now(),
    };
    let p = state.workouts.create_program(p).await?;
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
            .map(|n| trimmed_text("name", &n, 200))
            .transpose()?,
        description: b
            .description
            .map(|d| optional_text("description", d, 10_000))
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
