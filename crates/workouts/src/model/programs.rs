//! Programs: an ordered list of exercises with targets.

use super::ExerciseId;
use super::{MAX_REPS, MAX_SET_NUMBER, MAX_WEIGHT_KG};
use chrono::{DateTime, Utc};
use lifeos_kernel::{FieldError, UserId, char_len};
use uuid::Uuid;

/// The longest rest between sets (a day).
pub const MAX_REST_SECONDS: i32 = 86_400;

/// Program id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgramId(pub Uuid);

/// One exercise of a program, as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramExercise {
    /// Row id.
    pub id: Uuid,
    /// The exercise.
    pub exercise_id: ExerciseId,
    /// Its name (read from the library).
    pub exercise_name: String,
    /// Position (0-based).
    pub position: i32,
    /// Target sets.
    pub target_sets: Option<i32>,
    /// Target reps.
    pub target_reps: Option<i32>,
    /// Target weight (kg).
    pub target_weight: Option<f64>,
    /// Rest between sets.
    pub rest_seconds: Option<i32>,
    /// Notes.
    pub notes: Option<String>,
}

/// One item of a new exercise list (order = position).
#[derive(Debug, Clone, PartialEq)]
pub struct ProgramItem {
    /// The exercise (must be the user's).
    pub exercise_id: ExerciseId,
    /// Target sets (>= 0).
    pub target_sets: Option<i32>,
    /// Target reps (>= 0).
    pub target_reps: Option<i32>,
    /// Target weight in kg (>= 0).
    pub target_weight: Option<f64>,
    /// Rest in seconds (>= 0).
    pub rest_seconds: Option<i32>,
    /// Notes (up to 1,000 characters).
    pub notes: Option<String>,
}

impl ProgramItem {
    /// Checks the targets; `at` is the item's index for field paths.
    ///
    /// # Errors
    /// A [`FieldError`] on `[at].<field>`.
    pub fn check(&self, at: usize) -> Result<(), FieldError> {
        let within = |name: &str, v: Option<i32>, max: i32| match v {
            Some(x) if !(0..=max).contains(&x) => Err(FieldError::new(
                format!("[{at}].{name}"),
                format!("{name} must be between 0 and {max}"),
            )),
            _ => Ok(()),
        };
        within("target_sets", self.target_sets, MAX_SET_NUMBER)?;
        within("target_reps", self.target_reps, MAX_REPS)?;
        within("rest_seconds", self.rest_seconds, MAX_REST_SECONDS)?;
        if self
            .target_weight
            .is_some_and(|w| !(0.0..=MAX_WEIGHT_KG).contains(&w))
        {
            return Err(FieldError::new(
                format!("[{at}].target_weight"),
                format!("target_weight must be between 0 and {MAX_WEIGHT_KG}"),
            ));
        }
        if self.notes.as_deref().is_some_and(|n| char_len(n) > 1000) {
            return Err(FieldError::too_long(format!("[{at}].notes"), 1000));
        }
        Ok(())
    }
}

/// A program with its exercises.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// Id.
    pub id: ProgramId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Archived.
    pub archived: bool,
    /// Exercises by position.
    pub exercises: Vec<ProgramExercise>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// A program to create.
#[derive(Debug, Clone)]
pub struct NewProgram {
    /// Id.
    pub id: ProgramId,
    /// Owner.
    pub user: UserId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Archived.
    pub archived: bool,
    /// Now.
    pub now: DateTime<Utc>,
}

/// What a client asks for when creating a program.
#[derive(Debug, Clone)]
pub struct ProgramDraft {
    /// Name.
    pub name: crate::WorkoutName,
    /// Description.
    pub description: Option<crate::Notes>,
    /// Archived.
    pub archived: bool,
}

/// Changes to a program.
#[derive(Debug, Clone, Default)]
pub struct ProgramChanges {
    /// Name.
    pub name: Option<String>,
    /// Description (inner `None` clears).
    pub description: Option<Option<String>>,
    /// Archived.
    pub archived: Option<bool>,
}

/// Why a new exercise list was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListRefusal {
    /// The exercise at this index is not the user's.
    UnknownExercise(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ProgramItem {
        ProgramItem {
            exercise_id: ExerciseId(Uuid::nil()),
            target_sets: Some(3),
            target_reps: Some(5),
            target_weight: Some(100.0),
            rest_seconds: Some(120),
            notes: None,
        }
    }

    #[test]
    fn zero_targets_and_the_longest_notes_are_fine() {
        let edge = ProgramItem {
            target_sets: Some(0),
            target_reps: Some(0),
            target_weight: Some(0.0),
            rest_seconds: Some(0),
            notes: Some("n".repeat(1000)),
            ..item()
        };
        assert!(edge.check(0).is_ok());
        let nan = ProgramItem {
            target_weight: Some(f64::NAN),
            ..item()
        };
        assert_eq!(nan.check(1).unwrap_err().field, "[1].target_weight");
        let sets = ProgramItem {
            target_sets: Some(-1),
            ..item()
        };
        assert_eq!(sets.check(0).unwrap_err().field, "[0].target_sets");
        let rest = ProgramItem {
            rest_seconds: Some(-1),
            ..item()
        };
        assert_eq!(rest.check(0).unwrap_err().field, "[0].rest_seconds");
    }

    #[test]
    fn targets_have_upper_bounds() {
        let top = ProgramItem {
            target_sets: Some(MAX_SET_NUMBER),
            target_reps: Some(MAX_REPS),
            target_weight: Some(MAX_WEIGHT_KG),
            rest_seconds: Some(MAX_REST_SECONDS),
            ..item()
        };
        assert!(top.check(0).is_ok());
        for (over, field) in [
            (
                ProgramItem {
                    target_sets: Some(MAX_SET_NUMBER + 1),
                    ..item()
                },
                "[0].target_sets",
            ),
            (
                ProgramItem {
                    target_reps: Some(MAX_REPS + 1),
                    ..item()
                },
                "[0].target_reps",
            ),
            (
                ProgramItem {
                    target_weight: Some(MAX_WEIGHT_KG + 1.0),
                    ..item()
                },
                "[0].target_weight",
            ),
            (
                ProgramItem {
                    rest_seconds: Some(MAX_REST_SECONDS + 1),
                    ..item()
                },
                "[0].rest_seconds",
            ),
        ] {
            assert_eq!(over.check(0).unwrap_err().field, field);
        }
    }

    #[test]
    fn targets_must_not_be_negative() {
        assert!(item().check(0).is_ok());
        let bad = ProgramItem {
            target_reps: Some(-1),
            ..item()
        };
        assert_eq!(bad.check(2).unwrap_err().field, "[2].target_reps");
        let bad = ProgramItem {
            target_weight: Some(-0.5),
            ..item()
        };
        assert_eq!(bad.check(0).unwrap_err().field, "[0].target_weight");
        let bad = ProgramItem {
            notes: Some("n".repeat(1001)),
            ..item()
        };
        assert_eq!(bad.check(1).unwrap_err().field, "[1].notes");
    }
}
