//! The workouts module (API.md section 4): the exercise library (names
//! unique per user, case-insensitively; archiving), programs with an
//! ordered exercise list, workout sessions with logged sets, and each
//! exercise's history and personal records.
//!
//! Must not depend on diesel, diesel-async, deadpool or actix.

#[cfg(any(test, feature = "fakes"))]
pub mod fake;
mod model;
mod ports;
#[cfg(test)]
mod props;
mod service;
mod values;

pub use model::{
    Category, Exercise, ExerciseChanges, ExerciseDraft, ExerciseFilter, ExerciseId, HistoryItem,
    ListRefusal, LogChanges, LogDraft, MAX_REPS, MAX_REST_SECONDS, MAX_SET_NUMBER, MAX_WEIGHT_KG,
    NewExercise, NewLog, NewProgram, NewSession, PersonalRecords, Program, ProgramChanges,
    ProgramDraft, ProgramExercise, ProgramId, ProgramItem, Record, Refusal, SessionChanges,
    SessionDraft, SessionFilter, SessionId, WorkoutLog, WorkoutSession, check_set, e1rm,
    muscle_groups, top_set,
};
pub use ports::{ExerciseRepository, HistoryRepository, ProgramRepository, SessionRepository};
pub use service::{SessionService, UsedBy, WorkoutError, WorkoutService};
pub use values::{Equipment, ExerciseName, Notes, SetNotes, WorkoutName};
