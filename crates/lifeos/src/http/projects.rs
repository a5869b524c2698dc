//! `/api/v1/projects` and `/api/v1/tasks` (API.md section 5).

use crate::http::auth::{CurrentUser, SessionCaller};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, ApiQuery, PathId, double_option, not_null, path_uuid};
use crate::http::{PageOf, RouteTable};
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_kernel::{FieldError, PageRequest};
use lifeos_projects::{
    Color, Description, Note, NoteBody, NoteChanges, NoteDraft, NoteId, NoteTitle, Priority,
    Project, ProjectChanges, ProjectDraft, ProjectError, ProjectId, ProjectName, ProjectStatus,
    Task, TaskChanges, TaskDraft, TaskFilter, TaskId, TaskStatus, TaskTitle,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

impl From<ProjectError> for ApiError {
    fn from(e: ProjectError) -> Self {
        match e {
            ProjectError::Invalid(f) => f.into(),
            ProjectError::NotFound => Self::not_found(),
            ProjectError::Store(s) => s.into(),
        }
    }
}

/// Task counts of a project.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaskCounts {
    /// All tasks.
    pub total: i64,
    /// Done tasks.
    pub done: i64,
}

/// A project.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectResponse {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `active` | `on_hold` | `completed` | `archived`.
    pub status: &'static str,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Position (0-based).
    pub position: i32,
    /// Task counts.
    pub task_counts: TaskCounts,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Project> for ProjectResponse {
    fn from(p: Project) -> Self {
        Self {
            id: p.id.0,
            name: p.name,
            description: p.description,
            status: p.status.as_str(),
            color: p.color,
            due_date: p.due_date,
            position: p.position,
            task_counts: TaskCounts {
                total: p.task_total,
                done: p.task_done,
            },
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A task.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaskResponse {
    /// Id.
    pub id: Uuid,
    /// Project.
    pub project_id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// `todo` | `in_progress` | `done`.
    pub status: &'static str,
    /// `low` | `medium` | `high` | null.
    pub priority: Option<&'static str>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Position in the project (0-based).
    pub position: i32,
    /// Set while done.
    pub completed_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Task> for TaskResponse {
    fn from(t: Task) -> Self {
        Self {
            id: t.id.0,
            project_id: t.project_id.0,
            title: t.title,
            description: t.description,
            status: t.status.as_str(),
            priority: t.priority.map(Priority::as_str),
            due_date: t.due_date,
            position: t.position,
            completed_at: t.completed_at,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A note.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoteResponse {
    /// Id.
    pub id: Uuid,
    /// Project.
    pub project_id: Uuid,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Note> for NoteResponse {
    fn from(n: Note) -> Self {
        Self {
            id: n.id.0,
            project_id: n.project_id.0,
            title: n.title,
            body: n.body,
            created_at: n.created_at,
            updated_at: n.updated_at,
        }
    }
}

/// A new project.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProjectBody {
    /// Name (1 to 200 characters).
    pub name: String,
    /// Description (up to 10,000 characters).
    pub description: Option<String>,
    /// Status (default `active`).
    pub status: Option<String>,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
}

/// Changes to a project.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchProjectBody {
    /// Name.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    /// Description (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Status.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub status: Option<Option<String>>,
    /// Color (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub color: Option<Option<String>>,
    /// Due date (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub due_date: Option<Option<NaiveDate>>,
}

/// A new task.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateTaskBody {
    /// Title (1 to 500 characters).
    pub title: String,
    /// Description (up to 10,000 characters).
    pub description: Option<String>,
    /// Status (default `todo`).
    pub status: Option<String>,
    /// Priority.
    pub priority: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
}

/// Changes to a task.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchTaskBody {
    /// Title.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// Description (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Status; `done` sets `completed_at`, leaving it clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub status: Option<Option<String>>,
    /// Priority (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub priority: Option<Option<String>>,
    /// Due date (null clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub due_date: Option<Option<NaiveDate>>,
    /// Move to another of your projects (appended last).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub project_id: Option<Option<Uuid>>,
}

/// A note.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNoteBody {
    /// Title (1 to 200 characters).
    pub title: String,
    /// Body (up to 100,000 characters).
    #[serde(default)]
    pub body: String,
}

/// Changes to a note.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchNoteBody {
    /// Title.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// Body.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub body: Option<Option<String>>,
}

/// A new order.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReorderBody {
    /// Every id of the list, each once, in the new order.
    pub ids: Vec<Uuid>,
}

/// Project list filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

/// Task list filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

/// Cross-project task filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AllTasksQuery {
    /// Only this status.
    pub status: Option<String>,
    /// Due strictly before this date (tasks without a due date are left out).
    pub due_before: Option<NaiveDate>,
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

/// Page query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

/// The optional fields of a new task, parsed (shared by `POST .../tasks`
/// and capture conversion).
pub(crate) struct TaskOptions {
    pub description: Option<Description>,
    pub status: Option<TaskStatus>,
    pub priority: Option<Priority>,
}

impl TaskOptions {
    /// Parses each field with the projects module's types.
    pub(crate) fn parse(
        description: Option<&str>,
        status: Option<&str>,
        priority: Option<&str>,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            description: description.map(Description::parse).transpose()?,
            status: status.map(|s| TaskStatus::parse("status", s)).transpose()?,
            priority: priority
                .map(|p| Priority::parse("priority", p))
                .transpose()?,
        })
    }
}

impl TryFrom<CreateTaskBody> for TaskDraft {
    type Error = FieldError;

    fn try_from(b: CreateTaskBody) -> Result<Self, FieldError> {
        let o = TaskOptions::parse(
            b.description.as_deref(),
            b.status.as_deref(),
            b.priority.as_deref(),
        )?;
        Ok(Self {
            title: TaskTitle::parse(&b.title)?,
            description: o.description,
            status: o.status,
            priority: o.priority,
            due_date: b.due_date,
        })
    }
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/projects", list_projects)
        .add(Method::POST, "/api/v1/projects", create_project)
        .add(Method::POST, "/api/v1/projects/reorder", reorder_projects)
        .add(Method::GET, "/api/v1/projects/{id}", get_project)
        .add(Method::PATCH, "/api/v1/projects/{id}", patch_project)
        .add(Method::DELETE, "/api/v1/projects/{id}", delete_project)
        .add(
            Method::GET,
            "/api/v1/projects/{id}/tasks",
            list_project_tasks,
        )
        .add(Method::POST, "/api/v1/projects/{id}/tasks", create_task)
        .add(
            Method::POST,
            "/api/v1/projects/{id}/tasks/reorder",
            reorder_tasks,
        )
        .add(
            Method::GET,
            "/api/v1/projects/{id}/tasks/{task_id}",
            get_task,
        )
        .add(
            Method::PATCH,
            "/api/v1/projects/{id}/tasks/{task_id}",
            patch_task,
        )
        .add(
            Method::DELETE,
            "/api/v1/projects/{id}/tasks/{task_id}",
            delete_task,
        )
        .add(Method::GET, "/api/v1/tasks", list_tasks)
        .add(Method::GET, "/api/v1/projects/{id}/notes", list_notes)
        .add(Method::POST, "/api/v1/projects/{id}/notes", create_note)
        .add(
            Method::GET,
            "/api/v1/projects/{id}/notes/{note_id}",
            get_note,
        )
        .add(
            Method::PATCH,
            "/api/v1/projects/{id}/notes/{note_id}",
            patch_note,
        )
        .add(
            Method::DELETE,
            "/api/v1/projects/{id}/notes/{note_id}",
            delete_note,
        );
}

/// Projects by position.
///
/// # Errors
/// 422.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", security(("cookie" = [])), params(ProjectQuery),
    responses((status = 200, body = PageOf<ProjectResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_projects(
    caller: SessionCaller,
    state: web::Data<AppState>,
    q: ApiQuery<ProjectQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let status = q
        .status
        .as_deref()
        .map(|s| ProjectStatus::parse("status", s))
        .transpose()?;
    let page = PageRequest::parse(q.page, q.per_page)?;
    let p = state.projects.list_projects(caller.0, status, page).await?;
    Ok(HttpResponse::Ok().json(PageOf::from(p.map(ProjectResponse::from))))
}

/// Creates a project (appended last).
///
/// # Errors
/// 422.
#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", security(("cookie" = [])), request_body = CreateProjectBody,
    responses((status = 201, body = ProjectResponse), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_project(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<CreateProjectBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let d = ProjectDraft {
        name: ProjectName::parse(&b.name)?,
        description: b
            .description
            .as_deref()
            .map(Description::parse)
            .transpose()?,
        status: b
            .status
            .as_deref()
            .map(|s| ProjectStatus::parse("status", s))
            .transpose()?,
        color: b.color.as_deref().map(Color::parse).transpose()?,
        due_date: b.due_date,
    };
    let p = state.projects.create_project(user.id(), d).await?;
    Ok(HttpResponse::Created().json(ProjectResponse::from(p)))
}

/// Reorders all projects atomically; answers the new list (a plain array).
///
/// # Errors
/// 422 unless `ids` are exactly your projects, each once.
#[utoipa::path(post, path = "/api/v1/projects/reorder", tag = "projects", security(("cookie" = [])), request_body = ReorderBody,
    responses((status = 200, body = Vec<ProjectResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reorder_projects(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<ReorderBody>,
) -> Result<HttpResponse, ApiError> {
    let ids: Vec<ProjectId> = body.0.ids.into_iter().map(ProjectId).collect();
    let list = state.projects.reorder_projects(user.id(), &ids).await?;
    Ok(HttpResponse::Ok().json(
        list.into_iter()
            .map(ProjectResponse::from)
            .collect::<Vec<_>>(),
    ))
}

/// One project.
///
/// # Errors
/// 404.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Project id")),
    responses((status = 200, body = ProjectResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_project(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let p = state
        .projects
        .get_project(user.id(), ProjectId(id.0))
        .await?;
    Ok(HttpResponse::Ok().json(ProjectResponse::from(p)))
}

/// Changes a project.
///
/// # Errors
/// 404, 422.
#[utoipa::path(patch, path = "/api/v1/projects/{id}", tag = "projects", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Project id")),
    request_body = PatchProjectBody,
    responses((status = 200, body = ProjectResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_project(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<PatchProjectBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let c = ProjectChanges {
        name: not_null("name", b.name)?
            .map(|n| ProjectName::parse(&n))
            .transpose()?,
        description: b
            .description
            .map(|d| d.as_deref().map(Description::parse).transpose())
            .transpose()?,
        status: not_null("status", b.status)?
            .map(|s| ProjectStatus::parse("status", &s))
            .transpose()?,
        color: b
            .color
            .map(|c| c.as_deref().map(Color::parse).transpose())
            .transpose()?,
        due_date: b.due_date,
    };
    let p = state
        .projects
        .update_project(user.id(), ProjectId(id.0), c)
        .await?;
    Ok(HttpResponse::Ok().json(ProjectResponse::from(p)))
}

/// Deletes a project with its tasks and notes.
///
/// # Errors
/// 404.
#[utoipa::path(delete, path = "/api/v1/projects/{id}", tag = "projects", security(("cookie" = [])), params(("id" = Uuid, Path, description = "Project id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_project(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state
        .projects
        .delete_project(user.id(), ProjectId(id.0))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A project's tasks by position.
///
/// # Errors
/// 404, 422.
#[utoipa::path(get, path = "/api/v1/projects/{id}/tasks", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id"), TaskQuery),
    responses((status = 200, body = PageOf<TaskResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_project_tasks(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    q: ApiQuery<TaskQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let status = q
        .status
        .as_deref()
        .map(|s| TaskStatus::parse("status", s))
        .transpose()?;
    let page = PageRequest::parse(q.page, q.per_page)?;
    let p = state
        .projects
        .list_project_tasks(user.id(), ProjectId(id.0), status, page)
        .await?;
    Ok(HttpResponse::Ok().json(PageOf::from(p.map(TaskResponse::from))))
}

/// Adds a task at the end of the project.
///
/// # Errors
/// 404, 422.
#[utoipa::path(post, path = "/api/v1/projects/{id}/tasks", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id")), request_body = CreateTaskBody,
    responses((status = 201, body = TaskResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_task(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<CreateTaskBody>,
) -> Result<HttpResponse, ApiError> {
    let d = TaskDraft::try_from(body.0)?;
    let t = state
        .projects
        .create_task(user.id(), ProjectId(id.0), d)
        .await?;
    Ok(HttpResponse::Created().json(TaskResponse::from(t)))
}

/// Reorders all of a project's tasks atomically; answers them (a plain array).
///
/// # Errors
/// 404; 422 unless `ids` are exactly the project's tasks, each once.
#[utoipa::path(post, path = "/api/v1/projects/{id}/tasks/reorder", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id")), request_body = ReorderBody,
    responses((status = 200, body = Vec<TaskResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reorder_tasks(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<ReorderBody>,
) -> Result<HttpResponse, ApiError> {
    let ids: Vec<TaskId> = body.0.ids.into_iter().map(TaskId).collect();
    let list = state
        .projects
        .reorder_tasks(user.id(), ProjectId(id.0), &ids)
        .await?;
    Ok(HttpResponse::Ok().json(list.into_iter().map(TaskResponse::from).collect::<Vec<_>>()))
}

fn task_path(req: &HttpRequest) -> Result<(ProjectId, TaskId), ApiError> {
    Ok((
        ProjectId(path_uuid(req, "id")?),
        TaskId(path_uuid(req, "task_id")?),
    ))
}

/// One task.
///
/// # Errors
/// 404.
#[utoipa::path(get, path = "/api/v1/projects/{id}/tasks/{task_id}", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id"), ("task_id" = Uuid, Path, description = "Task id")),
    responses((status = 200, body = TaskResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_task(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (p, t) = task_path(&req)?;
    let t = state.projects.get_task(user.id(), p, t).await?;
    Ok(HttpResponse::Ok().json(TaskResponse::from(t)))
}

/// Changes a task; `project_id` moves it (appended last there).
///
/// # Errors
/// 404, 422.
#[utoipa::path(patch, path = "/api/v1/projects/{id}/tasks/{task_id}", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id"), ("task_id" = Uuid, Path, description = "Task id")), request_body = PatchTaskBody,
    responses((status = 200, body = TaskResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_task(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<PatchTaskBody>,
) -> Result<HttpResponse, ApiError> {
    let (p, t) = task_path(&req)?;
    let b = body.0;
    let c = TaskChanges {
        title: not_null("title", b.title)?
            .map(|s| TaskTitle::parse(&s))
            .transpose()?,
        description: b
            .description
            .map(|d| d.as_deref().map(Description::parse).transpose())
            .transpose()?,
        status: not_null("status", b.status)?
            .map(|s| TaskStatus::parse("status", &s))
            .transpose()?,
        priority: b
            .priority
            .map(|p| p.map(|p| Priority::parse("priority", &p)).transpose())
            .transpose()?,
        due_date: b.due_date,
        project_id: not_null("project_id", b.project_id)?.map(ProjectId),
    };
    let t = state.projects.update_task(user.id(), p, t, c).await?;
    Ok(HttpResponse::Ok().json(TaskResponse::from(t)))
}

/// Deletes a task.
///
/// # Errors
/// 404.
#[utoipa::path(delete, path = "/api/v1/projects/{id}/tasks/{task_id}", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id"), ("task_id" = Uuid, Path, description = "Task id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_task(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (p, t) = task_path(&req)?;
    state.projects.delete_task(user.id(), p, t).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Tasks across all projects, by due date (none last) then position.
///
/// # Errors
/// 422.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "projects", security(("cookie" = [])), params(AllTasksQuery),
    responses((status = 200, body = PageOf<TaskResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_tasks(
    caller: SessionCaller,
    state: web::Data<AppState>,
    q: ApiQuery<AllTasksQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let f = TaskFilter {
        status: q
            .status
            .as_deref()
            .map(|s| TaskStatus::parse("status", s))
            .transpose()?,
        due_before: q.due_before,
        page: PageRequest::parse(q.page, q.per_page)?,
    };
    let p = state.projects.list_tasks(caller.0, f).await?;
    Ok(HttpResponse::Ok().json(PageOf::from(p.map(TaskResponse::from))))
}

fn note_path(req: &HttpRequest) -> Result<(ProjectId, NoteId), ApiError> {
    Ok((
        ProjectId(path_uuid(req, "id")?),
        NoteId(path_uuid(req, "note_id")?),
    ))
}

/// A project's notes, newest first.
///
/// # Errors
/// 404, 422.
#[utoipa::path(get, path = "/api/v1/projects/{id}/notes", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id"), PageQuery),
    responses((status = 200, body = PageOf<NoteResponse>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_notes(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    q: ApiQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::parse(q.0.page, q.0.per_page)?;
    let p = state
        .projects
        .list_notes(user.id(), ProjectId(id.0), page)
        .await?;
    Ok(HttpResponse::Ok().json(PageOf::from(p.map(NoteResponse::from))))
}

/// Adds a note.
///
/// # Errors
/// 404, 422.
#[utoipa::path(post, path = "/api/v1/projects/{id}/notes", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id")), request_body = CreateNoteBody,
    responses((status = 201, body = NoteResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_note(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
    body: ApiJson<CreateNoteBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let d = NoteDraft {
        title: NoteTitle::parse(&b.title)?,
        body: NoteBody::parse(&b.body)?,
    };
    let n = state
        .projects
        .create_note(user.id(), ProjectId(id.0), d)
        .await?;
    Ok(HttpResponse::Created().json(NoteResponse::from(n)))
}

/// One note.
///
/// # Errors
/// 404.
#[utoipa::path(get, path = "/api/v1/projects/{id}/notes/{note_id}", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id"), ("note_id" = Uuid, Path, description = "Note id")),
    responses((status = 200, body = NoteResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_note(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (p, n) = note_path(&req)?;
    let n = state.projects.get_note(user.id(), p, n).await?;
    Ok(HttpResponse::Ok().json(NoteResponse::from(n)))
}

/// Changes a note.
///
/// # Errors
/// 404, 422.
#[utoipa::path(patch, path = "/api/v1/projects/{id}/notes/{note_id}", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id"), ("note_id" = Uuid, Path, description = "Note id")), request_body = PatchNoteBody,
    responses((status = 200, body = NoteResponse), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn patch_note(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<PatchNoteBody>,
) -> Result<HttpResponse, ApiError> {
    let (p, n) = note_path(&req)?;
    let b = body.0;
    let c = NoteChanges {
        title: not_null("title", b.title)?
            .map(|t| NoteTitle::parse(&t))
            .transpose()?,
        body: not_null("body", b.body)?
            .map(|t| NoteBody::parse(&t))
            .transpose()?,
    };
    let n = state.projects.update_note(user.id(), p, n, c).await?;
    Ok(HttpResponse::Ok().json(NoteResponse::from(n)))
}

/// Deletes a note.
///
/// # Errors
/// 404.
#[utoipa::path(delete, path = "/api/v1/projects/{id}/notes/{note_id}", tag = "projects", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "Project id"), ("note_id" = Uuid, Path, description = "Note id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn delete_note(
    user: CurrentUser,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let (p, n) = note_path(&req)?;
    state.projects.delete_note(user.id(), p, n).await?;
    Ok(HttpResponse::NoContent().finish())
}
