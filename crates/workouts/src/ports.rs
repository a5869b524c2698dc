//! Ports of the workouts module.

use crate::model::{Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, NewExercise};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{StoreError, UserId};

/// The exercise library.
#[async_trait]
pub trait ExerciseRepository: Send + Sync {
    /// Stores an exercise.
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when the user has one of that name (any case).
    async fn create_exercise(&self, e: NewExercise) -> Result<Exercise, StoreError>;

    /// A page of exercises by name, and the total.
    ///
    /// # Errors
    /// Storage errors.
    async fn list_exercises(
        &self,
        user: UserId,
        f: &ExerciseFilter,
    ) -> Result<(Vec<Exercise>, i64), StoreError>;

    /// One exercise.
    ///
    /// # Errors
    /// Storage errors.
    async fn get_exercise(
        &self,
        user: UserId,
        id: ExerciseId,
    ) -> Result<Option<Exercise>, StoreError>;

    /// Changes an exercise.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Duplicate`].
    async fn update_exercise(
        &self,
        user: UserId,
        id: ExerciseId,
        c: ExerciseChanges,
        now: DateTime<Utc>,
    ) -> Result<Exercise, StoreError>;

    /// Deletes an exercise; whether it existed.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a program or a workout uses it.
    async fn delete_exercise(&self, user: UserId, id: ExerciseId) -> Result<bool, StoreError>;
}
