//! Workout use cases: the exercise library and programs here, sessions in
//! [`sessions`].

mod sessions;

pub use sessions::SessionService;

use crate::model::{
    Category, Exercise, ExerciseChanges, ExerciseDraft, ExerciseFilter, ExerciseId, NewExercise,
    muscle_groups,
};
use crate::model::{
    ListRefusal, NewProgram, Program, ProgramChanges, ProgramDraft, ProgramId, ProgramItem,
};
use crate::ports::{ExerciseRepository, ProgramRepository};
use crate::values::{Equipment, Notes};
use lifeos_kernel::{
    Clock, Conflict, FieldError, Page, PageRequest, StoreError, Uniqueness, UserId, new_id,
};

/// What keeps an exercise from being deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsedBy {
    /// A program lists it.
    Program,
    /// A workout logged a set of it.
    WorkoutLog,
}
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
    /// The exercise is in use; says by what.
    #[error("the exercise is used by a {0:?}")]
    InUse(UsedBy),
    /// Storage failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for WorkoutError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Duplicate(Uniqueness::ExerciseName) => Self::DuplicateName,
            StoreError::Conflict(Conflict::ExerciseInProgram) => Self::InUse(UsedBy::Program),
            StoreError::Conflict(Conflict::ExerciseInWorkoutLog) => Self::InUse(UsedBy::WorkoutLog),
            other => Self::Store(other),
        }
    }
}

/// Workout use cases.
pub struct WorkoutService {
    exercises: Arc<dyn ExerciseRepository>,
    programs: Arc<dyn ProgramRepository>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for WorkoutService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkoutService").finish_non_exhaustive()
    }
}

impl WorkoutService {
    /// Wires the service.
    pub fn new(
        exercises: Arc<dyn ExerciseRepository>,
        programs: Arc<dyn ProgramRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            exercises,
            programs,
            clock,
        }
    }

    /// Creates a program.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn create_program(
        &self,
        user: UserId,
        d: ProgramDraft,
    ) -> Result<Program, WorkoutError> {
        let p = NewProgram {
            id: ProgramId(new_id()),
            user,
            name: d.name.into_string(),
            description: d.description.map(Notes::into_string),
            archived: d.archived,
            now: self.clock.now(),
        };
        Ok(self.programs.create_program(p).await?)
    }

    /// A page of programs.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn list_programs(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Page<Program>, WorkoutError> {
        let (items, total) = self.programs.list_programs(user, page).await?;
        Ok(Page::new(items, total, page))
    }

    /// One program.
    ///
    /// # Errors
    /// [`WorkoutError::NotFound`].
    pub async fn get_program(&self, user: UserId, id: ProgramId) -> Result<Program, WorkoutError> {
        self.programs
            .get_program(user, id)
            .await?
            .ok_or(WorkoutError::NotFound)
    }

    /// Changes a program.
    ///
    /// # Errors
    /// [`WorkoutError::NotFound`].
    pub async fn update_program(
        &self,
        user: UserId,
        id: ProgramId,
        c: ProgramChanges,
    ) -> Result<Program, WorkoutError> {
        Ok(self
            .programs
            .update_program(user, id, c, self.clock.now())
            .await?)
    }

    /// Deletes a program.
    ///
    /// # Errors
    /// [`WorkoutError::NotFound`].
    pub async fn delete_program(&self, user: UserId, id: ProgramId) -> Result<(), WorkoutError> {
        if self.programs.delete_program(user, id).await? {
            Ok(())
        } else {
            Err(WorkoutError::NotFound)
        }
    }

    /// Replaces a program's exercise list (order = position), atomically.
    ///
    /// # Errors
    /// [`WorkoutError::Invalid`] for bad targets or an exercise that is not
    /// the user's; [`WorkoutError::NotFound`] for the program.
    pub async fn replace_program_exercises(
        &self,
        user: UserId,
        id: ProgramId,
        items: Vec<ProgramItem>,
    ) -> Result<Program, WorkoutError> {
        for (i, item) in items.iter().enumerate() {
            item.check(i)?;
        }
        match self
            .programs
            .replace_program_exercises(user, id, &items, self.clock.now())
            .await?
        {
            Ok(p) => Ok(p),
            Err(ListRefusal::UnknownExercise(i)) => Err(FieldError::new(
                format!("[{i}].exercise_id"),
                "exercise_id must be one of your exercises",
            )
            .into()),
        }
    }

    /// Creates an exercise: a new id, category `other` unless given,
    /// muscle groups checked and deduplicated.
    ///
    /// # Errors
    /// [`WorkoutError::Invalid`] for bad muscle groups;
    /// [`WorkoutError::DuplicateName`].
    pub async fn create_exercise(
        &self,
        user: UserId,
        d: ExerciseDraft,
    ) -> Result<Exercise, WorkoutError> {
        let now = self.clock.now();
        let e = NewExercise {
            user,
            exercise: Exercise {
                id: ExerciseId(new_id()),
                name: d.name.into_string(),
                category: d.category.unwrap_or(Category::Other),
                muscle_groups: muscle_groups(d.muscle_groups)?,
                equipment: d.equipment.map(Equipment::into_string),
                notes: d.notes.map(Notes::into_string),
                archived: d.archived,
                created_at: now,
                updated_at: now,
            },
        };
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
    use crate::model::{ProgramId, ProgramItem};
    use lifeos_kernel::{FixedClock, new_id};

    const U: UserId = UserId(uuid::Uuid::nil());

    fn svc() -> WorkoutService {
        let repo = Arc::new(InMemoryExercises::default());
        WorkoutService::new(
            repo.clone(),
            repo,
            Arc::new(FixedClock::new("2026-11-24T08:00:00Z".parse().unwrap())),
        )
    }

    fn new(name: &str) -> ExerciseDraft {
        ExerciseDraft {
            name: crate::ExerciseName::parse(name).unwrap(),
            category: Some(Category::Strength),
            muscle_groups: vec![],
            equipment: None,
            notes: None,
            archived: false,
        }
    }

    #[tokio::test]
    async fn creating_an_exercise_applies_the_defaults_and_checks_muscle_groups() {
        let s = svc();
        let mut d = new("Row");
        d.category = None;
        d.muscle_groups = vec!["Back".into(), " back".into()];
        let e = s.create_exercise(U, d).await.unwrap();
        assert_eq!(e.category, Category::Other);
        assert_eq!(e.muscle_groups, vec!["Back"]);
        assert_eq!(
            e.created_at,
            "2026-11-24T08:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
        );
        let mut bad = new("Curl");
        bad.muscle_groups = vec![" ".into()];
        assert!(matches!(
            s.create_exercise(U, bad).await,
            Err(WorkoutError::Invalid(f)) if f.field == "muscle_groups[0]"
        ));
        assert!(matches!(
            s.get_exercise(U, ExerciseId(new_id())).await,
            Err(WorkoutError::NotFound)
        ));
        s.delete_exercise(U, e.id).await.unwrap();
        assert!(matches!(
            s.delete_exercise(U, e.id).await,
            Err(WorkoutError::NotFound)
        ));
    }

    #[tokio::test]
    async fn names_are_unique_per_user_case_insensitively() {
        let s = svc();
        s.create_exercise(U, new("Bench Press")).await.unwrap();
        assert!(matches!(
            s.create_exercise(U, new("bench press")).await,
            Err(WorkoutError::DuplicateName)
        ));
        let other = s.create_exercise(U, new("Squat")).await.unwrap();
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
        let theirs = UserId(uuid::Uuid::from_u128(9));
        assert!(s.create_exercise(theirs, new("Bench Press")).await.is_ok());
    }

    #[tokio::test]
    async fn a_program_list_takes_only_the_users_exercises() {
        let s = svc();
        let squat = s.create_exercise(U, new("Squat")).await.unwrap();
        let p = s
            .create_program(
                U,
                ProgramDraft {
                    name: crate::WorkoutName::parse("5x5").unwrap(),
                    description: None,
                    archived: false,
                },
            )
            .await
            .unwrap();
        assert!(matches!(
            s.get_program(U, ProgramId(new_id())).await,
            Err(WorkoutError::NotFound)
        ));
        let item = |e: ExerciseId| ProgramItem {
            exercise_id: e,
            target_sets: Some(5),
            target_reps: Some(5),
            target_weight: None,
            rest_seconds: None,
            notes: None,
        };
        let p2 = s
            .replace_program_exercises(U, p.id, vec![item(squat.id)])
            .await
            .unwrap();
        assert_eq!(p2.exercises[0].exercise_name, "Squat");
        let err = s
            .replace_program_exercises(U, p.id, vec![item(squat.id), item(ExerciseId(new_id()))])
            .await
            .unwrap_err();
        assert!(matches!(err, WorkoutError::Invalid(f) if f.field == "[1].exercise_id"));
    }

    #[tokio::test]
    async fn archived_exercises_can_be_filtered() {
        let s = svc();
        let a = s.create_exercise(U, new("A")).await.unwrap();
        s.create_exercise(U, new("B")).await.unwrap();
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
