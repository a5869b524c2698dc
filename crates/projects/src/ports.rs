//! The persistence port of the projects module. Every change to an ordered
//! list runs in one transaction that locks the list's parent (the user for
//! projects, the project for tasks), so positions stay 0..n-1.

use crate::model::{
    NewNote, NewProject, NewTask, Note, NoteChanges, NoteId, Project, ProjectChanges, ProjectId,
    ProjectStatus, Task, TaskChanges, TaskFilter, TaskId, TaskStatus,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{Caller, FieldError, PageRequest, StoreError, UserId};

/// Outcome of a reorder: the new list, or why the ids were refused.
pub type Reordered<T> = Result<Vec<T>, FieldError>;

/// Projects, tasks and notes.
#[async_trait]
pub trait ProjectRepository: Send + Sync {
    /// Appends a project to the user's list.
    ///
    /// # Errors
    /// Storage errors.
    async fn create_project(&self, p: NewProject) -> Result<Project, StoreError>;

    /// A page of the user's projects by position, with task counts, and the total.
    ///
    /// # Errors
    /// [`StoreError::SessionEnded`] for a caller whose token no longer
    /// speaks for them (see [`Caller`]); storage errors.
    async fn list_projects(
        &self,
        caller: Caller,
        status: Option<ProjectStatus>,
        page: PageRequest,
    ) -> Result<(Vec<Project>, i64), StoreError>;

    /// One project with its task counts.
    ///
    /// # Errors
    /// Storage errors.
    async fn get_project(&self, user: UserId, id: ProjectId)
    -> Result<Option<Project>, StoreError>;

    /// Changes a project.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    async fn update_project(
        &self,
        user: UserId,
        id: ProjectId,
        c: ProjectChanges,
        now: DateTime<Utc>,
    ) -> Result<Project, StoreError>;

    /// Deletes a project with its tasks and notes and closes the gap.
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_project(&self, user: UserId, id: ProjectId) -> Result<bool, StoreError>;

    /// Reorders all of the user's projects atomically.
    ///
    /// # Errors
    /// Storage errors.
    async fn reorder_projects(
        &self,
        user: UserId,
        ids: &[ProjectId],
        now: DateTime<Utc>,
    ) -> Result<Reordered<Project>, StoreError>;

    /// Appends a task to its project.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the project is not the user's.
    async fn create_task(&self, t: NewTask) -> Result<Task, StoreError>;

    /// A page of a project's tasks by position; `None` when the project is not the user's.
    ///
    /// # Errors
    /// Storage errors.
    async fn list_project_tasks(
        &self,
        user: UserId,
        project: ProjectId,
        status: Option<TaskStatus>,
        page: PageRequest,
    ) -> Result<Option<(Vec<Task>, i64)>, StoreError>;

    /// A page of tasks across the user's projects by due date (none last), then position.
    ///
    /// # Errors
    /// [`StoreError::SessionEnded`] for a caller whose token no longer
    /// speaks for them (see [`Caller`]); storage errors.
    async fn list_tasks(
        &self,
        caller: Caller,
        f: &TaskFilter,
    ) -> Result<(Vec<Task>, i64), StoreError>;

    /// One task of one of the user's projects.
    ///
    /// # Errors
    /// Storage errors.
    async fn get_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
    ) -> Result<Option<Task>, StoreError>;

    /// Changes a task (moving it appends it to the other project and closes the gap).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for the task or the target project.
    async fn update_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
        c: TaskChanges,
        now: DateTime<Utc>,
    ) -> Result<Task, StoreError>;

    /// Deletes a task and closes the gap.
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
    ) -> Result<bool, StoreError>;

    /// Reorders all of a project's tasks atomically.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the project is not the user's.
    async fn reorder_tasks(
        &self,
        user: UserId,
        project: ProjectId,
        ids: &[TaskId],
        now: DateTime<Utc>,
    ) -> Result<Reordered<Task>, StoreError>;

    /// Adds a note.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the project is not the user's.
    async fn create_note(&self, n: NewNote) -> Result<Note, StoreError>;

    /// A page of a project's notes, newest first; `None` when the project is not the user's.
    ///
    /// # Errors
    /// Storage errors.
    async fn list_notes(
        &self,
        user: UserId,
        project: ProjectId,
        page: PageRequest,
    ) -> Result<Option<(Vec<Note>, i64)>, StoreError>;

    /// One note.
    ///
    /// # Errors
    /// Storage errors.
    async fn get_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
    ) -> Result<Option<Note>, StoreError>;

    /// Changes a note.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    async fn update_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
        c: NoteChanges,
        now: DateTime<Utc>,
    ) -> Result<Note, StoreError>;

    /// Deletes a note.
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
    ) -> Result<bool, StoreError>;
}
