//! Workout use cases.

use crate::model::{Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, NewExercise};
use crate::ports::ExerciseRepository;
use lifeos_kernel::{Clock, FieldError, Page, StoreError, UserId};
use std::sync::Arc;

/// Errors of the workouts module.
#[derive(Debug, thiserror::Error)]
pub enum WorkoutError {
    /// Invalid input.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Not found (or not the user's).
    #[error("not found")]
    NotFound,
    /// The user already has an exercise of that name.
    #[error("an exercise with this name already exists")]
    DuplicateName,
    /// In use; carries where.
    #[error("{0}")]
    InUse(String),
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for WorkoutError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Duplicate(_) => Self::DuplicateName,
            StoreError::Conflict(what) => Self::InUse(what),
            other => Self::Store(other),
        }
    }
}

/// Workout use cases.
pub struct WorkoutService {
    exercises: Arc<dyn ExerciseRepository>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for WorkoutService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkoutService").finish_non_exhaustive()
    }
}

impl WorkoutService {
    /// Wires the service.
    pub fn new(exercises: Arc<dyn ExerciseRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { exercises, clock }
    }

    /// Now.
    #[must_use]
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Creates an exercise.
    ///
    /// # Errors
    /// [`WorkoutError::DuplicateName`].
    pub async fn create_exercise(&self, e: NewExercise) -> Result<Exercise, WorkoutError> {
        Ok(self.exercises.create_exercise(e).await?)
    }

    /// A page of exercises.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn list_exercises(
        &self,
        user: UserId,
        f: ExerciseFilter,
    ) -> Result<Page<Exercise>, WorkoutError> {
        let (items, total) = self.exercises.list_exercises(user, &f).await?;
        Ok(Page::new(items, total, f.page))
    }

    /// One exercise.
    ///
    /// # Errors
    /// [`WorkoutError::NotFound`].
    pub async fn get_exercise(
        &self,
        user: UserId,
        id: ExerciseId,
    ) -> Result<Exercise, WorkoutError> {
        self.exercises
            .get_exercise(user, id)
            .await?
            .ok_or(WorkoutError::NotFound)
    }

    /// Changes an exercise.
    ///
    /// # Errors
    /// [`WorkoutError::NotFound`], [`WorkoutError::DuplicateName`].
    pub async fn update_exercise(
        &self,
        user: UserId,
        id: ExerciseId,
        c: ExerciseChanges,
    ) -> Result<Exercise, WorkoutError> {
        Ok(self
            .exercises
            .update_exercise(user, id, c, self.clock.now())
            .await?)
    }

    /// Deletes an exercise.
    ///
    /// # Errors
    /// [`WorkoutError::NotFound`], [`WorkoutError::InUse`].
    pub async fn delete_exercise(&self, user: UserId, id: ExerciseId) -> Result<(), WorkoutError> {
        if self.exercises.delete_exercise(user, id).await? {
            Ok(())
        } else {
            Err(WorkoutError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::InMemoryExercises;
    use crate::model::Category;
    use lifeos_kernel::{FixedClock, new_id};

    const U: UserId = UserId(uuid::Uuid::nil());

    fn svc() -> WorkoutService {
        WorkoutService::new(
            Arc::new(InMemoryExercises::default()),
            Arc::new(FixedClock::new("2026-11-24T08:00:00Z".parse().unwrap())),
        )
    }

    fn new(name: &str) -> NewExercise {
        let now = "2026-11-24T08:00:00Z".parse().unwrap();
        NewExercise {
            user: U,
            exercise: Exercise {
                id: ExerciseId(new_id()),
                name: name.into(),
                category: Category::Strength,
                muscle_groups: vec![],
                equipment: None,
                notes: None,
                archived: false,
                created_at: now,
                updated_at: now,
            },
        }
    }

    #[tokio::test]
    async fn names_are_unique_per_user_case_insensitively() {
        let s = svc();
        s.create_exercise(new("Bench Press")).await.unwrap();
        assert!(matches!(
            s.create_exercise(new("bench press")).await,
            Err(WorkoutError::DuplicateName)
        ));
        let other = s.create_exercise(new("Squat")).await.unwrap();
        assert!(matches!(
            s.update_exercise(
                U,
                other.id,
                ExerciseChanges {
                    name: Some("BENCH PRESS".into()),
                    ..Default::default()
                }
            )
            .await,
            Err(WorkoutError::DuplicateName)
        ));
        let mut theirs = new("Bench Press");
        theirs.user = UserId(uuid::Uuid::from_u128(9));
        assert!(s.create_exercise(theirs).await.is_ok());
    }

    #[tokio::test]
    async fn archived_exercises_can_be_filtered() {
        let s = svc();
        let a = s.create_exercise(new("A")).await.unwrap();
        s.create_exercise(new("B")).await.unwrap();
        s.update_exercise(
            U,
            a.id,
            ExerciseChanges {
                archived: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let active = s
            .list_exercises(
                U,
                ExerciseFilter {
                    archived: Some(false),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(active.total, 1);
        assert_eq!(active.items[0].name, "B");
    }
}
