//! The workouts module (API.md section 4): the exercise library (names
//! unique per user, case-insensitively; archiving), programs with an
//! ordered exercise list, workout sessions with logged sets, and each
//! exercise's history and personal records.
//!
//! Must not depend on diesel, diesel-async, deadpool or actix.

#[cfg(any(test, feature = "fakes"))]
pub mod fake;
mod history;
mod model;
mod ports;
mod programs;
mod service;
mod sessions;
mod values;

pub use history::{HistoryItem, HistoryRepository, PersonalRecords, Record, e1rm, top_set};
pub use model::{
    Category, Exercise, ExerciseChanges, ExerciseDraft, ExerciseFilter, ExerciseId, NewExercise,
    muscle_groups,
};
pub use ports::ExerciseRepository;
pub use programs::{
    ListRefusal, NewProgram, Program, ProgramChanges, ProgramDraft, ProgramExercise, ProgramId,
    ProgramItem, ProgramRepository,
};
pub use service::{UsedBy, WorkoutError, WorkoutService};
pub use sessions::{
    LogChanges, LogDraft, NewLog, NewSession, Refusal, SessionChanges, SessionDraft, SessionFilter,
    SessionId, SessionRepository, SessionService, WorkoutLog, WorkoutSession, check_set,
};
pub use values::{Equipment, ExerciseName, Notes, SetNotes, WorkoutName};
