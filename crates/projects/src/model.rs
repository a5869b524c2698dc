//! Entities and value types of the projects module.

use crate::values::{Description, NoteBody, NoteTitle, ProjectName, TaskTitle};
use chrono::{DateTime, NaiveDate, Utc};
use lifeos_kernel::{FieldError, PageRequest, UserId};
use std::collections::HashSet;
use uuid::Uuid;

/// Project id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectId(pub Uuid);
/// Task id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub Uuid);
/// Note id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NoteId(pub Uuid);

lifeos_kernel::wire_enum!(
    /// Project status.
    ProjectStatus { /// Being worked on.
        Active = "active", /// Paused.
        OnHold = "on_hold", /// Finished.
        Completed = "completed", /// Put away.
        Archived = "archived" }
);
lifeos_kernel::wire_enum!(
    /// Task status.
    TaskStatus { /// Not started.
        Todo = "todo", /// Started.
        InProgress = "in_progress", /// Finished.
        Done = "done" }
);
lifeos_kernel::wire_enum!(
    /// Task priority.
    Priority { /// Low.
        Low = "low", /// Medium.
        Medium = "medium", /// High.
        High = "high" }
);

impl TaskStatus {
    /// `completed_at` after a change to `self`: kept when the task already
    /// was done, `now` when it becomes done, cleared otherwise.
    #[must_use]
    pub fn completed_at(
        self,
        previous: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        match self {
            Self::Done => previous.or(Some(now)),
            _ => None,
        }
    }
}

pub use lifeos_kernel::Color;

/// Checks that `proposed` holds exactly the ids of `current`, each once.
///
/// # Errors
/// A [`FieldError`] on `ids` saying what is wrong.
pub fn check_order<T: Eq + std::hash::Hash + Copy>(
    current: &[T],
    proposed: &[T],
) -> Result<(), FieldError> {
    let mut seen = HashSet::with_capacity(proposed.len());
    if proposed.iter().any(|id| !seen.insert(*id)) {
        return Err(FieldError::new("ids", "ids must not repeat an id"));
    }
    let current: HashSet<T> = current.iter().copied().collect();
    if seen != current {
        return Err(FieldError::new(
            "ids",
            "ids must list exactly the current items, each once",
        ));
    }
    Ok(())
}

/// A project with its task counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Id.
    pub id: ProjectId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Status.
    pub status: ProjectStatus,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Position in the user's list (0-based).
    pub position: i32,
    /// All tasks.
    pub task_total: i64,
    /// Done tasks.
    pub task_done: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// What a client asks for when creating a project; the service adds the
/// id, the defaults and the time.
#[derive(Debug, Clone)]
pub struct ProjectDraft {
    /// Name.
    pub name: ProjectName,
    /// Description.
    pub description: Option<Description>,
    /// Status (default `active`).
    pub status: Option<ProjectStatus>,
    /// Color.
    pub color: Option<Color>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
}

/// A project to store (appended last), built by the service.
#[derive(Debug, Clone)]
pub struct NewProject {
    /// Id.
    pub id: ProjectId,
    /// Owner.
    pub user: UserId,
    /// Name.
    pub name: ProjectName,
    /// Description.
    pub description: Option<Description>,
    /// Status.
    pub status: ProjectStatus,
    /// Color.
    pub color: Option<Color>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Changes to a project (`None` = unchanged; inner `None` = clear).
#[derive(Debug, Clone, Default)]
pub struct ProjectChanges {
    /// Name.
    pub name: Option<ProjectName>,
    /// Description.
    pub description: Option<Option<Description>>,
    /// Status.
    pub status: Option<ProjectStatus>,
    /// Color.
    pub color: Option<Option<Color>>,
    /// Due date.
    pub due_date: Option<Option<NaiveDate>>,
}

/// A task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Id.
    pub id: TaskId,
    /// Its project.
    pub project_id: ProjectId,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Status.
    pub status: TaskStatus,
    /// Priority.
    pub priority: Option<Priority>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Position in its project (0-based).
    pub position: i32,
    /// Set while `status` is `done`.
    pub completed_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// What a client asks for when creating a task; the service adds the id,
/// the defaults and the time.
#[derive(Debug, Clone)]
pub struct TaskDraft {
    /// Title.
    pub title: TaskTitle,
    /// Description.
    pub description: Option<Description>,
    /// Status (default `todo`).
    pub status: Option<TaskStatus>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
}

/// A task to store (appended last in its project), built by the service.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// Id.
    pub id: TaskId,
    /// Owner.
    pub user: UserId,
    /// Project.
    pub project_id: ProjectId,
    /// Title.
    pub title: TaskTitle,
    /// Description.
    pub description: Option<Description>,
    /// Status.
    pub status: TaskStatus,
    /// Priority.
    pub priority: Option<Priority>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Now (also `completed_at` when created done).
    pub now: DateTime<Utc>,
}

/// Changes to a task. Setting `status` to `done` sets `completed_at` (kept
/// when it already was done); any other status clears it.
#[derive(Debug, Clone, Default)]
pub struct TaskChanges {
    /// Title.
    pub title: Option<TaskTitle>,
    /// Description.
    pub description: Option<Option<Description>>,
    /// Status.
    pub status: Option<TaskStatus>,
    /// Priority.
    pub priority: Option<Option<Priority>>,
    /// Due date.
    pub due_date: Option<Option<NaiveDate>>,
    /// Move to this project (appended last there).
    pub project_id: Option<ProjectId>,
}

impl TaskChanges {
    /// Whether nothing is changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.description.is_none()
            && self.status.is_none()
            && self.priority.is_none()
            && self.due_date.is_none()
            && self.project_id.is_none()
    }
}

/// Cross-project task list filters.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Only this status.
    pub status: Option<TaskStatus>,
    /// Due strictly before this date (tasks without a due date are left out).
    pub due_before: Option<NaiveDate>,
    /// Page.
    pub page: PageRequest,
}

/// A note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Id.
    pub id: NoteId,
    /// Project.
    pub project_id: ProjectId,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// What a client asks for when creating a note.
#[derive(Debug, Clone)]
pub struct NoteDraft {
    /// Title.
    pub title: NoteTitle,
    /// Body.
    pub body: NoteBody,
}

/// A note to store, built by the service.
#[derive(Debug, Clone)]
pub struct NewNote {
    /// Id.
    pub id: NoteId,
    /// Owner.
    pub user: UserId,
    /// Project.
    pub project_id: ProjectId,
    /// Title.
    pub title: NoteTitle,
    /// Body.
    pub body: NoteBody,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Changes to a note.
#[derive(Debug, Clone, Default)]
pub struct NoteChanges {
    /// Title.
    pub title: Option<NoteTitle>,
    /// Body.
    pub body: Option<NoteBody>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_at_is_set_kept_and_cleared_with_done() {
        let t0: DateTime<Utc> = "2026-11-24T08:00:00Z".parse().unwrap();
        let t1: DateTime<Utc> = "2026-11-25T08:00:00Z".parse().unwrap();
        assert_eq!(TaskStatus::Done.completed_at(None, t1), Some(t1));
        assert_eq!(TaskStatus::Done.completed_at(Some(t0), t1), Some(t0));
        assert_eq!(TaskStatus::Todo.completed_at(Some(t0), t1), None);
        assert_eq!(TaskStatus::InProgress.completed_at(None, t1), None);
    }

    #[test]
    fn colors_are_hash_and_six_hex_digits() {
        assert!(Color::parse("#A0b1C2").is_ok());
        for bad in ["A0B1C2", "#A0B1C", "#A0B1C2F", "#GGGGGG", "red", "#ééé"] {
            assert_eq!(Color::parse(bad).unwrap_err().field, "color", "{bad}");
        }
    }

    #[test]
    fn order_must_be_exactly_the_current_set() {
        let cur = [1, 2, 3];
        assert!(check_order(&cur, &[3, 1, 2]).is_ok());
        assert!(check_order(&cur, &[1, 2]).is_err(), "missing");
        assert!(check_order(&cur, &[1, 2, 3, 4]).is_err(), "extra");
        assert!(check_order(&cur, &[1, 2, 2, 3]).is_err(), "duplicate");
        assert!(check_order(&cur, &[1, 2, 4]).is_err(), "foreign");
        assert!(check_order::<i32>(&[], &[]).is_ok());
    }

    #[test]
    fn enums_parse_their_wire_names_only() {
        assert_eq!(
            TaskStatus::parse("status", "in_progress").unwrap(),
            TaskStatus::InProgress
        );
        assert_eq!(
            ProjectStatus::parse("status", "on_hold").unwrap().as_str(),
            "on_hold"
        );
        let e = Priority::parse("priority", "urgent").unwrap_err();
        assert_eq!(e.field, "priority");
        assert!(e.message.contains("low, medium, high"));
    }
}
