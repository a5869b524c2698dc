//! The workouts module (API.md section 4). This session delivers the
//! exercise library (names unique per user, case-insensitively; archiving);
//! programs, sessions, set logs and history come next.
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

pub use history::{HistoryItem, HistoryRepository, PersonalRecords, Record, e1rm, top_set};
pub use model::{
    Category, Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, NewExercise, exercise_name,
    muscle_groups,
};
pub use ports::ExerciseRepository;
pub use programs::{
    ListRefusal, NewProgram, Program, ProgramChanges, ProgramExercise, ProgramId, ProgramItem,
    ProgramRepository,
};
pub use service::{UsedBy, WorkoutError, WorkoutService};
pub use sessions::{
    LogChanges, NewLog, NewSession, Refusal, SessionChanges, SessionFilter, SessionId,
    SessionRepository, SessionService, WorkoutLog, WorkoutSession, check_set,
};
