//! An in-memory project repository with the same list rules as the
//! database: positions 0..n-1, new items last, gaps closed on delete and
//! move, reorders only with exactly the current ids.

use crate::model::{
    Color, NewNote, NewProject, NewTask, Note, NoteChanges, NoteId, Project, ProjectChanges,
    ProjectId, ProjectStatus, Task, TaskChanges, TaskFilter, TaskId, TaskStatus, check_order,
};
use crate::ports::{ProjectRepository, Reordered};
use crate::values::Description;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{Caller, PageRequest, StoreError, UserId};
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, Default)]
struct State {
    projects: Vec<(UserId, Project)>,
    tasks: Vec<(UserId, Task)>,
    notes: Vec<(UserId, Note)>,
}

impl State {
    fn owns(&self, user: UserId, p: ProjectId) -> bool {
        self.projects.iter().any(|(u, x)| *u == user && x.id == p)
    }

    fn counted(&self, mut p: Project) -> Project {
        let tasks = self.tasks.iter().filter(|(_, t)| t.project_id == p.id);
        p.task_total = i64::try_from(tasks.clone().count()).unwrap_or(0);
        p.task_done =
            i64::try_from(tasks.filter(|(_, t)| t.status == TaskStatus::Done).count()).unwrap_or(0);
        p
    }

    fn close_task_gap(&mut self, project: ProjectId, removed: i32) {
        for (_, t) in self
            .tasks
            .iter_mut()
            .filter(|(_, t)| t.project_id == project && t.position > removed)
        {
            t.position -= 1;
        }
    }

    fn task_len(&self, project: ProjectId) -> i32 {
        i32::try_from(
            self.tasks
                .iter()
                .filter(|(_, t)| t.project_id == project)
                .count(),
        )
        .unwrap_or(i32::MAX)
    }
}

/// Projects, tasks and notes in memory.
#[derive(Debug, Default)]
pub struct InMemoryProjects(Mutex<State>);

impl InMemoryProjects {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn page<T>(mut all: Vec<T>, page: PageRequest) -> (Vec<T>, i64) {
    let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
    let start = usize::try_from(page.offset())
        .unwrap_or(usize::MAX)
        .min(all.len());
    let items: Vec<T> = all
        .drain(start..)
        .take(usize::try_from(page.limit()).unwrap_or(0))
        .collect();
    (items, total)
}

#[async_trait]
impl ProjectRepository for InMemoryProjects {
    async fn create_project(&self, p: NewProject) -> Result<Project, StoreError> {
        let mut s = self.state();
        let position = i32::try_from(s.projects.iter().filter(|(u, _)| *u == p.user).count())
            .unwrap_or(i32::MAX);
        let project = Project {
            id: p.id,
            name: p.name.into_string(),
            description: p.description.map(Description::into_string),
            status: p.status,
            color: p.color.map(Color::into_string),
            due_date: p.due_date,
            position,
            task_total: 0,
            task_done: 0,
            created_at: p.now,
            updated_at: p.now,
        };
        s.projects.push((p.user, project.clone()));
        Ok(project)
    }

    async fn list_projects(
        &self,
        caller: Caller,
        status: Option<ProjectStatus>,
        pg: PageRequest,
    ) -> Result<(Vec<Project>, i64), StoreError> {
        // The caller's standing is the adapter's to check (see `list_tasks`).
        let user = caller.user;
        let s = self.state();
        let mut all: Vec<Project> = s
            .projects
            .iter()
            .filter(|(u, p)| *u == user && status.is_none_or(|st| p.status == st))
            .map(|(_, p)| s.counted(p.clone()))
            .collect();
        all.sort_by_key(|p| p.position);
        Ok(page(all, pg))
    }

    async fn get_project(
        &self,
        user: UserId,
        id: ProjectId,
    ) -> Result<Option<Project>, StoreError> {
        let s = self.state();
        Ok(s.projects
            .iter()
            .find(|(u, p)| *u == user && p.id == id)
            .map(|(_, p)| s.counted(p.clone())))
    }

    async fn update_project(
        &self,
        user: UserId,
        id: ProjectId,
        c: ProjectChanges,
        now: DateTime<Utc>,
    ) -> Result<Project, StoreError> {
        let mut s = self.state();
        let (_, p) = s
            .projects
            .iter_mut()
            .find(|(u, p)| *u == user && p.id == id)
            .ok_or(StoreError::NotFound)?;
        if let Some(v) = c.name {
            p.name = v.into_string();
        }
        if let Some(v) = c.description {
            p.description = v.map(Description::into_string);
        }
        if let Some(v) = c.status {
            p.status = v;
        }
        if let Some(v) = c.color {
            p.color = v.map(Color::into_string);
        }
        if let Some(v) = c.due_date {
            p.due_date = v;
        }
        p.updated_at = now;
        let p = p.clone();
        Ok(s.counted(p))
    }

    async fn delete_project(&self, user: UserId, id: ProjectId) -> Result<bool, StoreError> {
        let mut s = self.state();
        let Some(i) = s
            .projects
            .iter()
            .position(|(u, p)| *u == user && p.id == id)
        else {
            return Ok(false);
        };
        let (_, removed) = s.projects.remove(i);
        for (_, p) in s
            .projects
            .iter_mut()
            .filter(|(u, p)| *u == user && p.position > removed.position)
        {
            p.position -= 1;
        }
        s.tasks.retain(|(_, t)| t.project_id != id);
        s.notes.retain(|(_, n)| n.project_id != id);
        Ok(true)
    }

    async fn reorder_projects(
        &self,
        user: UserId,
        ids: &[ProjectId],
        _now: DateTime<Utc>,
    ) -> Result<Reordered<Project>, StoreError> {
        let mut s = self.state();
        let current: Vec<ProjectId> = s
            .projects
            .iter()
            .filter(|(u, _)| *u == user)
            .map(|(_, p)| p.id)
            .collect();
        if let Err(e) = check_order(&current, ids) {
            return Ok(Err(e));
        }
        for (_, p) in s.projects.iter_mut().filter(|(u, _)| *u == user) {
            p.position =
                i32::try_from(ids.iter().position(|i| *i == p.id).unwrap_or(0)).unwrap_or(0);
        }
        let mut all: Vec<Project> = s
            .projects
            .iter()
            .filter(|(u, _)| *u == user)
            .map(|(_, p)| s.counted(p.clone()))
            .collect();
        all.sort_by_key(|p| p.position);
        Ok(Ok(all))
    }

    async fn create_task(&self, t: NewTask) -> Result<Task, StoreError> {
        let mut s = self.state();
        if !s.owns(t.user, t.project_id) {
            return Err(StoreError::NotFound);
        }
        let task = Task {
            id: t.id,
            project_id: t.project_id,
            title: t.title.into_string(),
            description: t.description.map(Description::into_string),
            status: t.status,
            priority: t.priority,
            due_date: t.due_date,
            position: s.task_len(t.project_id),
            completed_at: t.status.completed_at(None, t.now),
            created_at: t.now,
            updated_at: t.now,
        };
        s.tasks.push((t.user, task.clone()));
        Ok(task)
    }

    async fn list_project_tasks(
        &self,
        user: UserId,
        project: ProjectId,
        status: Option<TaskStatus>,
        pg: PageRequest,
    ) -> Result<Option<(Vec<Task>, i64)>, StoreError> {
        let s = self.state();
        if !s.owns(user, project) {
            return Ok(None);
        }
        let mut all: Vec<Task> = s
            .tasks
            .iter()
            .filter(|(_, t)| t.project_id == project && status.is_none_or(|st| t.status == st))
            .map(|(_, t)| t.clone())
            .collect();
        all.sort_by_key(|t| t.position);
        Ok(Some(page(all, pg)))
    }

    async fn list_tasks(
        &self,
        caller: Caller,
        f: &TaskFilter,
    ) -> Result<(Vec<Task>, i64), StoreError> {
        // The caller's standing is the adapter's to check (it has the
        // users); here every caller stands.
        let user = caller.user;
        let s = self.state();
        let mut all: Vec<Task> = s
            .tasks
            .iter()
            .filter(|(u, t)| {
                *u == user
                    && f.status.is_none_or(|st| t.status == st)
                    && f.due_before
                        .is_none_or(|d| t.due_date.is_some_and(|due| due < d))
            })
            .map(|(_, t)| t.clone())
            .collect();
        all.sort_by_key(|t| (t.due_date.is_none(), t.due_date, t.position, t.created_at));
        Ok(page(all, f.page))
    }

    async fn get_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
    ) -> Result<Option<Task>, StoreError> {
        Ok(self
            .state()
            .tasks
            .iter()
            .find(|(u, t)| *u == user && t.project_id == project && t.id == id)
            .map(|(_, t)| t.clone()))
    }

    async fn update_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
        c: TaskChanges,
        now: DateTime<Utc>,
    ) -> Result<Task, StoreError> {
        let mut s = self.state();
        if let Some(to) = c.project_id
            && !s.owns(user, to)
        {
            return Err(StoreError::NotFound);
        }
        let i = s
            .tasks
            .iter()
            .position(|(u, t)| *u == user && t.project_id == project && t.id == id)
            .ok_or(StoreError::NotFound)?;
        if let Some(to) = c.project_id.filter(|p| *p != project) {
            let old = s.tasks[i].1.position;
            let position = s.task_len(to);
            s.tasks[i].1.project_id = to;
            s.tasks[i].1.position = position;
            s.close_task_gap(project, old);
        }
        let t = &mut s.tasks[i].1;
        if let Some(v) = c.title {
            t.title = v.into_string();
        }
        if let Some(v) = c.description {
            t.description = v.map(Description::into_string);
        }
        if let Some(st) = c.status {
            t.completed_at = st.completed_at(t.completed_at, now);
            t.status = st;
        }
        if let Some(v) = c.priority {
            t.priority = v;
        }
        if let Some(v) = c.due_date {
            t.due_date = v;
        }
        t.updated_at = now;
        Ok(t.clone())
    }

    async fn delete_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
    ) -> Result<bool, StoreError> {
        let mut s = self.state();
        let Some(i) = s
            .tasks
            .iter()
            .position(|(u, t)| *u == user && t.project_id == project && t.id == id)
        else {
            return Ok(false);
        };
        let (_, t) = s.tasks.remove(i);
        s.close_task_gap(project, t.position);
        Ok(true)
    }

    async fn reorder_tasks(
        &self,
        user: UserId,
        project: ProjectId,
        ids: &[TaskId],
        _now: DateTime<Utc>,
    ) -> Result<Reordered<Task>, StoreError> {
        let mut s = self.state();
        if !s.owns(user, project) {
            return Err(StoreError::NotFound);
        }
        let current: Vec<TaskId> = s
            .tasks
            .iter()
            .filter(|(_, t)| t.project_id == project)
            .map(|(_, t)| t.id)
            .collect();
        if let Err(e) = check_order(&current, ids) {
            return Ok(Err(e));
        }
        for (_, t) in s.tasks.iter_mut().filter(|(_, t)| t.project_id == project) {
            t.position =
                i32::try_from(ids.iter().position(|i| *i == t.id).unwrap_or(0)).unwrap_or(0);
        }
        let mut all: Vec<Task> = s
            .tasks
            .iter()
            .filter(|(_, t)| t.project_id == project)
            .map(|(_, t)| t.clone())
            .collect();
        all.sort_by_key(|t| t.position);
        Ok(Ok(all))
    }

    async fn create_note(&self, n: NewNote) -> Result<Note, StoreError> {
        let mut s = self.state();
        if !s.owns(n.user, n.project_id) {
            return Err(StoreError::NotFound);
        }
        let note = Note {
            id: n.id,
            project_id: n.project_id,
            title: n.title.into_string(),
            body: n.body.into_string(),
            created_at: n.now,
            updated_at: n.now,
        };
        s.notes.push((n.user, note.clone()));
        Ok(note)
    }

    async fn list_notes(
        &self,
        user: UserId,
        project: ProjectId,
        pg: PageRequest,
    ) -> Result<Option<(Vec<Note>, i64)>, StoreError> {
        let s = self.state();
        if !s.owns(user, project) {
            return Ok(None);
        }
        let mut all: Vec<Note> = s
            .notes
            .iter()
            .filter(|(_, n)| n.project_id == project)
            .map(|(_, n)| n.clone())
            .collect();
        all.sort_by_key(|n| std::cmp::Reverse(n.created_at));
        Ok(Some(page(all, pg)))
    }

    async fn get_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
    ) -> Result<Option<Note>, StoreError> {
        Ok(self
            .state()
            .notes
            .iter()
            .find(|(u, n)| *u == user && n.project_id == project && n.id == id)
            .map(|(_, n)| n.clone()))
    }

    async fn update_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
        c: NoteChanges,
        now: DateTime<Utc>,
    ) -> Result<Note, StoreError> {
        let mut s = self.state();
        let (_, n) = s
            .notes
            .iter_mut()
            .find(|(u, n)| *u == user && n.project_id == project && n.id == id)
            .ok_or(StoreError::NotFound)?;
        if let Some(t) = c.title {
            n.title = t.into_string();
        }
        if let Some(b) = c.body {
            n.body = b.into_string();
        }
        n.updated_at = now;
        Ok(n.clone())
    }

    async fn delete_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
    ) -> Result<bool, StoreError> {
        let mut s = self.state();
        let before = s.notes.len();
        s.notes
            .retain(|(u, n)| !(*u == user && n.project_id == project && n.id == id));
        Ok(s.notes.len() < before)
    }
}
