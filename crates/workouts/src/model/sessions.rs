//! Workout sessions and their logged sets.

use super::{ExerciseId, ProgramId};
use chrono::{DateTime, Utc};
use lifeos_kernel::{FieldError, PageRequest, UserId};
use uuid::Uuid;

/// Session id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionId(pub Uuid);

/// A logged set.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkoutLog {
    /// Id.
    pub id: Uuid,
    /// Exercise.
    pub exercise_id: ExerciseId,
    /// Its name.
    pub exercise_name: String,
    /// Set number within the exercise in this session (from 1).
    pub set_number: i32,
    /// Reps (>= 0).
    pub reps: i32,
    /// Weight in kg (>= 0).
    pub weight: f64,
    /// Effort 1–10.
    pub rpe: Option<f64>,
    /// Notes.
    pub notes: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A session with its sets.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkoutSession {
    /// Id.
    pub id: SessionId,
    /// The program it follows.
    pub program_id: Option<ProgramId>,
    /// Name.
    pub name: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End (set by finishing).
    pub ended_at: Option<DateTime<Utc>>,
    /// Notes.
    pub notes: Option<String>,
    /// Sets, by exercise then set number.
    pub logs: Vec<WorkoutLog>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

impl WorkoutSession {
    /// Σ reps × weight over the sets.
    #[must_use]
    pub fn total_volume(&self) -> f64 {
        self.logs.iter().map(|l| f64::from(l.reps) * l.weight).sum()
    }
}

/// A session to create.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Id.
    pub id: SessionId,
    /// Owner.
    pub user: UserId,
    /// Program (must be the user's).
    pub program_id: Option<ProgramId>,
    /// Name; `None` takes the program's name, or "Workout".
    pub name: Option<String>,
    /// Start (default now).
    pub started_at: DateTime<Utc>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// What a client asks for when starting a session.
#[derive(Debug, Clone, Default)]
pub struct SessionDraft {
    /// Program (must be the user's).
    pub program_id: Option<ProgramId>,
    /// Name; `None` takes the program's name, or "Workout".
    pub name: Option<crate::WorkoutName>,
    /// Start (default now).
    pub started_at: Option<DateTime<Utc>>,
}

/// What a client asks for when logging a set.
#[derive(Debug, Clone)]
pub struct LogDraft {
    /// Exercise (must be the user's).
    pub exercise_id: ExerciseId,
    /// Set number; `None` takes the next for that exercise in the session.
    pub set_number: Option<i32>,
    /// Reps.
    pub reps: i32,
    /// Weight (kg).
    pub weight: f64,
    /// RPE.
    pub rpe: Option<f64>,
    /// Notes.
    pub notes: Option<crate::SetNotes>,
}

/// Changes to a session.
#[derive(Debug, Clone, Default)]
pub struct SessionChanges {
    /// Name.
    pub name: Option<String>,
    /// Start.
    pub started_at: Option<DateTime<Utc>>,
    /// End (inner `None` clears).
    pub ended_at: Option<Option<DateTime<Utc>>>,
    /// Notes (inner `None` clears).
    pub notes: Option<Option<String>>,
}

/// A set to log.
#[derive(Debug, Clone)]
pub struct NewLog {
    /// Id.
    pub id: Uuid,
    /// Exercise (must be the user's).
    pub exercise_id: ExerciseId,
    /// Set number; `None` takes the next for that exercise in the session.
    pub set_number: Option<i32>,
    /// Reps.
    pub reps: i32,
    /// Weight (kg).
    pub weight: f64,
    /// RPE.
    pub rpe: Option<f64>,
    /// Notes.
    pub notes: Option<String>,
}

/// Changes to a logged set.
#[derive(Debug, Clone, Default)]
pub struct LogChanges {
    /// Exercise.
    pub exercise_id: Option<ExerciseId>,
    /// Set number.
    pub set_number: Option<i32>,
    /// Reps.
    pub reps: Option<i32>,
    /// Weight.
    pub weight: Option<f64>,
    /// RPE (inner `None` clears).
    pub rpe: Option<Option<f64>>,
    /// Notes (inner `None` clears).
    pub notes: Option<Option<String>>,
}

/// List filters (instants already converted from the user's dates).
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Started at or after.
    pub from: Option<DateTime<Utc>>,
    /// Started before.
    pub until: Option<DateTime<Utc>>,
    /// Only this program.
    pub program_id: Option<ProgramId>,
    /// Page.
    pub page: PageRequest,
}

/// Why a write was refused by a rule checked under the row lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A referenced program or exercise is not the user's.
    UnknownReference(&'static str),
    /// `ended_at` would be before `started_at`.
    EndsBeforeStart(&'static str),
}

/// The most sets of one exercise in one session.
pub const MAX_SET_NUMBER: i32 = 10_000;
/// The most reps in one set (a skipping rope's count fits).
pub const MAX_REPS: i32 = 100_000;
/// The heaviest weight, in kg (ten times any lift on record; keeps
/// volumes and e1RMs finite).
pub const MAX_WEIGHT_KG: f64 = 10_000.0;

/// Checks set values.
///
/// # Errors
/// A [`FieldError`] naming the field.
pub fn check_set(
    set_number: Option<i32>,
    reps: Option<i32>,
    weight: Option<f64>,
    rpe: Option<f64>,
) -> Result<(), FieldError> {
    if set_number.is_some_and(|n| !(1..=MAX_SET_NUMBER).contains(&n)) {
        return Err(FieldError::new(
            "set_number",
            format!("set_number must be between 1 and {MAX_SET_NUMBER}"),
        ));
    }
    if reps.is_some_and(|r| !(0..=MAX_REPS).contains(&r)) {
        return Err(FieldError::new(
            "reps",
            format!("reps must be between 0 and {MAX_REPS}"),
        ));
    }
    if weight.is_some_and(|w| !(0.0..=MAX_WEIGHT_KG).contains(&w)) {
        return Err(FieldError::new(
            "weight",
            format!("weight must be between 0 and {MAX_WEIGHT_KG} (kg)"),
        ));
    }
    if rpe.is_some_and(|r| !(1.0..=10.0).contains(&r)) {
        return Err(FieldError::new("rpe", "rpe must be between 1 and 10"));
    }
    Ok(())
}
