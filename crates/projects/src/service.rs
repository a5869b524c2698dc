//! Project use cases: thin over the port, which does each change in one
//! transaction; this layer owns the error mapping.

use crate::model::{
    NewNote, NewProject, NewTask, Note, NoteChanges, NoteDraft, NoteId, Project, ProjectChanges,
    ProjectDraft, ProjectId, ProjectStatus, Task, TaskChanges, TaskDraft, TaskFilter, TaskId,
    TaskStatus,
};
use crate::ports::ProjectRepository;
use lifeos_kernel::{Caller, Clock, FieldError, Page, PageRequest, StoreError, UserId, new_id};
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

    /// Creates a project (appended last): a new id, `active` unless a
    /// status is given.
    pub async fn create_project(
        &self,
        user: UserId,
        d: ProjectDraft,
    ) -> Result<Project, ProjectError> {
        let p = NewProject {
            id: ProjectId(new_id()),
            user,
            name: d.name,
            description: d.description,
            status: d.status.unwrap_or(ProjectStatus::Active),
            color: d.color,
            due_date: d.due_date,
            now: self.clock.now(),
        };
        Ok(self.repo.create_project(p).await?)
    }

    pub async fn list_projects(
        &self,
        caller: impl Into<Caller>,
        status: Option<ProjectStatus>,
        page: PageRequest,
    ) -> Result<Page<Project>, ProjectError> {
        let (items, total) = self.repo.list_projects(caller.into(), status, page).await?;
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

    /// The task a draft makes in `project`: a new id, `todo` unless a
    /// status is given, `completed_at` now when created done. Shared by
    /// [`Self::create_task`] and the capture conversion, which stores it in
    /// its own transaction.
    #[must_use]
    pub fn new_task(&self, user: UserId, project: ProjectId, d: TaskDraft) -> NewTask {
        NewTask {
            id: TaskId(new_id()),
            user,
            project_id: project,
            title: d.title,
            description: d.description,
            status: d.status.unwrap_or(TaskStatus::Todo),
            priority: d.priority,
            due_date: d.due_date,
            now: self.clock.now(),
        }
    }

    /// Creates a task, appended last in `project`.
    pub async fn create_task(
        &self,
        user: UserId,
        project: ProjectId,
        d: TaskDraft,
    ) -> Result<Task, ProjectError> {
        Ok(self
            .repo
            .create_task(self.new_task(user, project, d))
            .await?)
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
        caller: impl Into<Caller>,
        f: TaskFilter,
    ) -> Result<Page<Task>, ProjectError> {
        let (items, total) = self.repo.list_tasks(caller.into(), &f).await?;
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

    /// Creates a note in `project`.
    pub async fn create_note(
        &self,
        user: UserId,
        project: ProjectId,
        d: NoteDraft,
    ) -> Result<Note, ProjectError> {
        let n = NewNote {
            id: NoteId(new_id()),
            user,
            project_id: project,
            title: d.title,
            body: d.body,
            now: self.clock.now(),
        };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::InMemoryProjects;
    use crate::{ProjectName, TaskTitle};
    use lifeos_kernel::FixedClock;

    const U: UserId = UserId(uuid::Uuid::nil());

    fn svc() -> ProjectService {
        ProjectService::new(
            Arc::new(InMemoryProjects::default()),
            Arc::new(FixedClock::new("2026-11-24T08:00:00Z".parse().unwrap())),
        )
    }

    fn draft(name: &str) -> ProjectDraft {
        ProjectDraft {
            name: ProjectName::parse(name).unwrap(),
            description: None,
            status: None,
            color: None,
            due_date: None,
        }
    }

    fn task_draft(status: Option<TaskStatus>) -> TaskDraft {
        TaskDraft {
            title: TaskTitle::parse("t").unwrap(),
            description: None,
            status,
            priority: None,
            due_date: None,
        }
    }

    async fn project(s: &ProjectService, name: &str) -> ProjectId {
        s.create_project(U, draft(name)).await.unwrap().id
    }

    async fn task(s: &ProjectService, p: ProjectId, status: TaskStatus) -> Task {
        s.create_task(U, p, task_draft(Some(status))).await.unwrap()
    }

    const NOW: &str = "2026-11-24T08:00:00Z";

    #[tokio::test]
    async fn creating_applies_the_defaults_a_new_id_and_the_clock() {
        let s = svc();
        let p = s.create_project(U, draft("Home")).await.unwrap();
        assert_eq!(p.status, ProjectStatus::Active);
        assert_eq!(
            p.created_at,
            NOW.parse::<chrono::DateTime<chrono::Utc>>().unwrap()
        );
        let q = s.create_project(U, draft("Work")).await.unwrap();
        assert_ne!(p.id, q.id);
        let t = s.create_task(U, p.id, task_draft(None)).await.unwrap();
        assert_eq!((t.status, t.completed_at), (TaskStatus::Todo, None));
        let done = s
            .create_task(U, p.id, task_draft(Some(TaskStatus::Done)))
            .await
            .unwrap();
        assert_eq!(done.completed_at, Some(NOW.parse().unwrap()));
        let n = s
            .create_note(
                U,
                p.id,
                NoteDraft {
                    title: crate::NoteTitle::parse("n").unwrap(),
                    body: crate::NoteBody::parse("b").unwrap(),
                },
            )
            .await
            .unwrap();
        assert_eq!(n.project_id, p.id);
        assert!(matches!(
            s.create_task(U, ProjectId(new_id()), task_draft(None))
                .await,
            Err(ProjectError::NotFound)
        ));
    }

    #[test]
    fn empty_task_changes_are_told_apart() {
        assert!(TaskChanges::default().is_empty());
        assert!(
            !TaskChanges {
                due_date: Some(None),
                ..Default::default()
            }
            .is_empty()
        );
    }

    #[tokio::test]
    async fn notes_change_by_field_and_vanish_once() {
        let s = svc();
        let p = project(&s, "a").await;
        let n = s
            .create_note(
                U,
                p,
                NoteDraft {
                    title: crate::NoteTitle::parse("t").unwrap(),
                    body: crate::NoteBody::parse("old").unwrap(),
                },
            )
            .await
            .unwrap();
        let changed = s
            .update_note(
                U,
                p,
                n.id,
                NoteChanges {
                    body: Some(crate::NoteBody::parse("new").unwrap()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (changed.title.as_str(), changed.body.as_str()),
            ("t", "new")
        );
        s.delete_note(U, p, n.id).await.unwrap();
        assert!(matches!(
            s.delete_note(U, p, n.id).await,
            Err(ProjectError::NotFound)
        ));
    }

    #[tokio::test]
    async fn reordering_answers_the_new_order() {
        let s = svc();
        let a = project(&s, "a").await;
        let b = project(&s, "b").await;
        let list = s.reorder_projects(U, &[b, a]).await.unwrap();
        let ids: Vec<ProjectId> = list.iter().map(|p| p.id).collect();
        assert_eq!(ids, vec![b, a]);
        assert_eq!(list[0].position, 0);
    }

    #[tokio::test]
    async fn deleting_what_is_not_there_is_not_found() {
        let s = svc();
        let p = project(&s, "a").await;
        let t = task(&s, p, TaskStatus::Todo).await;
        s.delete_task(U, p, t.id).await.unwrap();
        assert!(matches!(
            s.delete_task(U, p, t.id).await,
            Err(ProjectError::NotFound)
        ));
        s.delete_project(U, p).await.unwrap();
        assert!(matches!(
            s.delete_project(U, p).await,
            Err(ProjectError::NotFound)
        ));
        assert!(matches!(
            s.get_project(U, p).await,
            Err(ProjectError::NotFound)
        ));
        let other = UserId(uuid::Uuid::from_u128(9));
        let mine = project(&s, "b").await;
        assert!(matches!(
            s.delete_project(other, mine).await,
            Err(ProjectError::NotFound)
        ));
        assert!(s.get_project(U, mine).await.is_ok());
    }

    #[tokio::test]
    async fn new_items_go_last_and_counts_follow_done_tasks() {
        let s = svc();
        let a = project(&s, "a").await;
        let b = project(&s, "b").await;
        assert_eq!(s.get_project(U, b).await.unwrap().position, 1);
        task(&s, a, TaskStatus::Todo).await;
        let done = task(&s, a, TaskStatus::Done).await;
        assert_eq!(done.position, 1);
        assert!(done.completed_at.is_some());
        let p = s.get_project(U, a).await.unwrap();
        assert_eq!((p.task_total, p.task_done), (2, 1));
    }

    #[tokio::test]
    async fn moving_appends_and_closes_the_gap() {
        let s = svc();
        let a = project(&s, "a").await;
        let b = project(&s, "b").await;
        let t0 = task(&s, a, TaskStatus::Todo).await;
        let t1 = task(&s, a, TaskStatus::Todo).await;
        task(&s, b, TaskStatus::Todo).await;
        let moved = s
            .update_task(
                U,
                a,
                t0.id,
                TaskChanges {
                    project_id: Some(b),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!((moved.project_id, moved.position), (b, 1));
        assert_eq!(s.get_task(U, a, t1.id).await.unwrap().position, 0);
        let other = ProjectId(new_id());
        assert!(matches!(
            s.update_task(
                U,
                a,
                t1.id,
                TaskChanges {
                    project_id: Some(other),
                    ..Default::default()
                }
            )
            .await,
            Err(ProjectError::NotFound)
        ));
    }

    #[tokio::test]
    async fn reorder_rejects_anything_but_the_exact_set() {
        let s = svc();
        let a = project(&s, "a").await;
        let t0 = task(&s, a, TaskStatus::Todo).await.id;
        let t1 = task(&s, a, TaskStatus::Todo).await.id;
        assert!(matches!(
            s.reorder_tasks(U, a, &[t0]).await,
            Err(ProjectError::Invalid(_))
        ));
        assert!(matches!(
            s.reorder_tasks(U, a, &[t0, t1, t1]).await,
            Err(ProjectError::Invalid(_))
        ));
        let list = s.reorder_tasks(U, a, &[t1, t0]).await.unwrap();
        assert_eq!((list[0].id, list[0].position, list[1].id), (t1, 0, t0));
    }

    #[tokio::test]
    async fn leaving_done_clears_completed_at() {
        let s = svc();
        let a = project(&s, "a").await;
        let t = task(&s, a, TaskStatus::Done).await;
        let reopened = s
            .update_task(
                U,
                a,
                t.id,
                TaskChanges {
                    status: Some(TaskStatus::Todo),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(reopened.completed_at.is_none());
    }
}
