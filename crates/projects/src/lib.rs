//! The projects module (API.md section 5): projects, their tasks and notes,
//! ordered lists that stay 0..n-1 under concurrent changes.
//!
//! Must not depend on diesel, diesel-async, deadpool or actix.

#[cfg(any(test, feature = "fakes"))]
pub mod fake;
mod model;
mod ports;
mod service;
mod values;

pub use model::{
    Color, NewNote, NewProject, NewTask, Note, NoteChanges, NoteDraft, NoteId, Priority, Project,
    ProjectChanges, ProjectDraft, ProjectId, ProjectStatus, Task, TaskChanges, TaskDraft,
    TaskFilter, TaskId, TaskStatus, check_order,
};
pub use ports::ProjectRepository;
pub use service::{ProjectError, ProjectService};
pub use values::{Description, NoteBody, NoteTitle, ProjectName, TaskTitle};
