//! Ports of the workouts module.

use crate::model::{
    Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, HistoryItem, ListRefusal, LogChanges,
    NewExercise, NewLog, NewProgram, NewSession, PersonalRecords, Program, ProgramChanges,
    ProgramId, ProgramItem, Refusal, SessionChanges, SessionFilter, SessionId, WorkoutLog,
    WorkoutSession,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{PageRequest, StoreError, UserId};
use uuid::Uuid;

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

/// Programs of users.
#[async_trait]
pub trait ProgramRepository: Send + Sync {
    /// Stores a program (no exercises yet).
    ///
    /// # Errors
    /// Storage errors.
    async fn create_program(&self, p: NewProgram) -> Result<Program, StoreError>;

    /// A page of programs (by name) with their exercises, and the total.
    ///
    /// # Errors
    /// Storage errors.
    async fn list_programs(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<(Vec<Program>, i64), StoreError>;

    /// One program.
    ///
    /// # Errors
    /// Storage errors.
    async fn get_program(&self, user: UserId, id: ProgramId)
    -> Result<Option<Program>, StoreError>;

    /// Changes a program.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    async fn update_program(
        &self,
        user: UserId,
        id: ProgramId,
        c: ProgramChanges,
        now: DateTime<Utc>,
    ) -> Result<Program, StoreError>;

    /// Deletes a program and its list.
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_program(&self, user: UserId, id: ProgramId) -> Result<bool, StoreError>;

    /// Replaces the exercise list atomically.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for the program.
    async fn replace_program_exercises(
        &self,
        user: UserId,
        id: ProgramId,
        items: &[ProgramItem],
        now: DateTime<Utc>,
    ) -> Result<Result<Program, ListRefusal>, StoreError>;
}

/// Sessions and sets of users. Each write runs in one transaction that
/// locks the session row.
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// Creates a session.
    ///
    /// # Errors
    /// Storage errors.
    async fn create_session(
        &self,
        s: NewSession,
    ) -> Result<Result<WorkoutSession, Refusal>, StoreError>;
    /// A page of sessions, newest first, with their sets.
    ///
    /// # Errors
    /// Storage errors.
    async fn list_sessions(
        &self,
        user: UserId,
        f: &SessionFilter,
    ) -> Result<(Vec<WorkoutSession>, i64), StoreError>;
    /// One session.
    ///
    /// # Errors
    /// Storage errors.
    async fn get_session(
        &self,
        user: UserId,
        id: SessionId,
    ) -> Result<Option<WorkoutSession>, StoreError>;
    /// Changes a session.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    async fn update_session(
        &self,
        user: UserId,
        id: SessionId,
        c: SessionChanges,
        now: DateTime<Utc>,
    ) -> Result<Result<WorkoutSession, Refusal>, StoreError>;
    /// Deletes a session with its sets.
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_session(&self, user: UserId, id: SessionId) -> Result<bool, StoreError>;
    /// Logs a set.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for the session.
    async fn add_log(
        &self,
        user: UserId,
        id: SessionId,
        l: NewLog,
        now: DateTime<Utc>,
    ) -> Result<Result<WorkoutLog, Refusal>, StoreError>;
    /// Changes a set.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    async fn update_log(
        &self,
        user: UserId,
        id: SessionId,
        log: Uuid,
        c: LogChanges,
    ) -> Result<Result<WorkoutLog, Refusal>, StoreError>;
    /// Deletes a set.
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_log(&self, user: UserId, id: SessionId, log: Uuid) -> Result<bool, StoreError>;
}

/// History reads.
#[async_trait]
pub trait HistoryRepository: Send + Sync {
    /// A page of the sessions the exercise was done in (newest first) with
    /// its sets, the total, and the records; `None` when the exercise is not
    /// the user's.
    ///
    /// # Errors
    /// Storage errors.
    async fn exercise_history(
        &self,
        user: UserId,
        exercise: ExerciseId,
        page: PageRequest,
    ) -> Result<Option<(Vec<HistoryItem>, i64, PersonalRecords)>, StoreError>;
}
