//! Project use cases: thin over the port, which does each change in one
//! transaction; this layer owns the error mapping.

use crate::model::{
    NewNote, NewProject, NewTask, Note, NoteChanges, NoteId, Project, ProjectChanges, ProjectId,
    ProjectStatus, Task, TaskChanges, TaskFilter, TaskId, TaskStatus,
};
use crate::ports::ProjectRepository;
use lifeos_kernel::{Clock, FieldError, Page, PageRequest, StoreError, UserId};
use std::sync::Arc;

/// Errors of the projects module.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// Invalid input.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// No such project, task or note for this user.
    #[error("not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ProjectError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

/// Project use cases.
pub struct ProjectService {
    repo: Arc<dyn ProjectRepository>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for ProjectService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectService").finish_non_exhaustive()
    }
}

fn found<T>(v: Option<T>) -> Result<T, ProjectError> {
    v.ok_or(ProjectError::NotFound)
}

fn existed(v: bool) -> Result<(), ProjectError> {
    if v {
        Ok(())
    } else {
        Err(ProjectError::NotFound)
    }
}

#[expect(
    missing_docs,
    reason = "each method is one port call, documented on the port"
)]
impl ProjectService {
    /// Wires the service.
    pub fn new(repo: Arc<dyn ProjectRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// The clock (for building new entities).
    #[must_use]
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub async fn create_project(&self, p: NewProject) -> Result<Project, ProjectError> {
        Ok(self.repo.create_project(p).await?)
    }

    pub async fn list_projects(
        &self,
        user: UserId,
        status: Option<ProjectStatus>,
        page: PageRequest,
    ) -> Result<Page<Project>, ProjectError> {
        let (items, total) = self.repo.list_projects(user, status, page).await?;
        Ok(Page::new(items, total, page))
    }

    pub async fn get_project(&self, user: UserId, id: ProjectId) -> Result<Project, ProjectError> {
        found(self.repo.get_project(user, id).await?)
    }

    pub async fn update_project(
        &self,
        user: UserId,
        id: ProjectId,
        c: ProjectChanges,
    ) -> Result<Project, ProjectError> {
        Ok(self
            .repo
            .update_project(user, id, c, self.clock.now())
            .await?)
    }

    pub async fn delete_project(&self, user: UserId, id: ProjectId) -> Result<(), ProjectError> {
        existed(self.repo.delete_project(user, id).await?)
    }

    pub async fn reorder_projects(
        &self,
        user: UserId,
        ids: &[ProjectId],
    ) -> Result<Vec<Project>, ProjectError> {
        Ok(self
            .repo
            .reorder_projects(user, ids, self.clock.now())
            .await??)
    }

    pub async fn create_task(&self, t: NewTask) -> Result<Task, ProjectError> {
        Ok(self.repo.create_task(t).await?)
    }

    pub async fn list_project_tasks(
        &self,
        user: UserId,
        project: ProjectId,
        status: Option<TaskStatus>,
        page: PageRequest,
    ) -> Result<Page<Task>, ProjectError> {
        let (items, total) = found(
            self.repo
                .list_project_tasks(user, project, status, page)
                .await?,
        )?;
        Ok(Page::new(items, total, page))
    }

    pub async fn list_tasks(
        &self,
        user: UserId,
        f: TaskFilter,
    ) -> Result<Page<Task>, ProjectError> {
        let (items, total) = self.repo.list_tasks(user, &f).await?;
        Ok(Page::new(items, total, f.page))
    }

    pub async fn get_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
    ) -> Result<Task, ProjectError> {
        found(self.repo.get_task(user, project, id).await?)
    }

    pub async fn update_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
        c: TaskChanges,
    ) -> Result<Task, ProjectError> {
        if c.is_empty() {
            return self.get_task(user, project, id).await;
        }
        Ok(self
            .repo
            .update_task(user, project, id, c, self.clock.now())
            .await?)
    }

    pub async fn delete_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
    ) -> Result<(), ProjectError> {
        existed(self.repo.delete_task(user, project, id).await?)
    }

    pub async fn reorder_tasks(
        &self,
        user: UserId,
        project: ProjectId,
        ids: &[TaskId],
    ) -> Result<Vec<Task>, ProjectError> {
        Ok(self
            .repo
            .reorder_tasks(user, project, ids, self.clock.now())
            .await??)
    }

    pub async fn create_note(&self, n: NewNote) -> Result<Note, ProjectError> {
        Ok(self.repo.create_note(n).await?)
    }

    pub async fn list_notes(
        &self,
        user: UserId,
        project: ProjectId,
        page: PageRequest,
    ) -> Result<Page<Note>, ProjectError> {
        let (items, total) = found(self.repo.list_notes(user, project, page).await?)?;
        Ok(Page::new(items, total, page))
    }

    pub async fn get_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
    ) -> Result<Note, ProjectError> {
        found(self.repo.get_note(user, project, id).await?)
    }

    pub async fn update_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
        c: NoteChanges,
    ) -> Result<Note, ProjectError> {
        if c.title.is_none() && c.body.is_none() {
            return self.get_note(user, project, id).await;
        }
        Ok(self
            .repo
            .update_note(user, project, id, c, self.clock.now())
            .await?)
    }

    pub async fn delete_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
    ) -> Result<(), ProjectError> {
        existed(self.repo.delete_note(user, project, id).await?)
    }
}
