//! An in-memory exercise repository with the database's uniqueness rule.

use crate::model::{Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, NewExercise};
use crate::model::{
    ListRefusal, NewProgram, Program, ProgramChanges, ProgramExercise, ProgramId, ProgramItem,
};
use crate::ports::{ExerciseRepository, HistoryRepository, ProgramRepository, SessionRepository};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{PageRequest, StoreError, UserId};
use std::sync::{Mutex, MutexGuard};

/// Exercises and programs in memory.
#[derive(Debug, Default)]
pub struct InMemoryExercises(
    Mutex<Vec<(UserId, Exercise)>>,
    Mutex<Vec<(UserId, Program)>>,
);

impl InMemoryExercises {
    fn rows(&self) -> MutexGuard<'_, Vec<(UserId, Exercise)>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn programs(&self) -> MutexGuard<'_, Vec<(UserId, Program)>> {
        self.1
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl ProgramRepository for InMemoryExercises {
    async fn create_program(&self, p: NewProgram) -> Result<Program, StoreError> {
        let program = Program {
            id: p.id,
            name: p.name,
            description: p.description,
            archived: p.archived,
            exercises: Vec::new(),
            created_at: p.now,
            updated_at: p.now,
        };
        self.programs().push((p.user, program.clone()));
        Ok(program)
    }

    async fn list_programs(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<(Vec<Program>, i64), StoreError> {
        let mut all: Vec<Program> = self
            .programs()
            .iter()
            .filter(|(u, _)| *u == user)
            .map(|(_, p)| p.clone())
            .collect();
        all.sort_by_key(|p| p.name.to_lowercase());
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let items = all
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(0))
            .take(usize::try_from(page.limit()).unwrap_or(0))
            .collect();
        Ok((items, total))
    }

    async fn get_program(
        &self,
        user: UserId,
        id: ProgramId,
    ) -> Result<Option<Program>, StoreError> {
        Ok(self
            .programs()
            .iter()
            .find(|(u, p)| *u == user && p.id == id)
            .map(|(_, p)| p.clone()))
    }

    async fn update_program(
        &self,
        user: UserId,
        id: ProgramId,
        c: ProgramChanges,
        now: DateTime<Utc>,
    ) -> Result<Program, StoreError> {
        let mut all = self.programs();
        let (_, p) = all
            .iter_mut()
            .find(|(u, p)| *u == user && p.id == id)
            .ok_or(StoreError::NotFound)?;
        if let Some(v) = c.name {
            p.name = v;
        }
        if let Some(v) = c.description {
            p.description = v;
        }
        if let Some(v) = c.archived {
            p.archived = v;
        }
        p.updated_at = now;
        Ok(p.clone())
    }

    async fn delete_program(&self, user: UserId, id: ProgramId) -> Result<bool, StoreError> {
        let mut all = self.programs();
        let before = all.len();
        all.retain(|(u, p)| !(*u == user && p.id == id));
        Ok(all.len() < before)
    }

    async fn replace_program_exercises(
        &self,
        user: UserId,
        id: ProgramId,
        items: &[ProgramItem],
        now: DateTime<Utc>,
    ) -> Result<Result<Program, ListRefusal>, StoreError> {
        let exercises = self.rows();
        let mut list = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let Some((_, e)) = exercises
                .iter()
                .find(|(u, e)| *u == user && e.id == item.exercise_id)
            else {
                return Ok(Err(ListRefusal::UnknownExercise(i)));
            };
            list.push(ProgramExercise {
                id: lifeos_kernel::new_id(),
                exercise_id: e.id,
                exercise_name: e.name.clone(),
                position: i32::try_from(i).unwrap_or(i32::MAX),
                target_sets: item.target_sets,
                target_reps: item.target_reps,
                target_weight: item.target_weight,
                rest_seconds: item.rest_seconds,
                notes: item.notes.clone(),
            });
        }
        let mut all = self.programs();
        let (_, p) = all
            .iter_mut()
            .find(|(u, p)| *u == user && p.id == id)
            .ok_or(StoreError::NotFound)?;
        p.exercises = list;
        p.updated_at = now;
        Ok(Ok(p.clone()))
    }
}

fn taken(
    rows: &[(UserId, Exercise)],
    user: UserId,
    name: &str,
    except: Option<ExerciseId>,
) -> bool {
    rows.iter().any(|(u, e)| {
        *u == user && Some(e.id) != except && e.name.to_lowercase() == name.to_lowercase()
    })
}

#[async_trait]
impl ExerciseRepository for InMemoryExercises {
    async fn create_exercise(&self, e: NewExercise) -> Result<Exercise, StoreError> {
        let mut rows = self.rows();
        if taken(&rows, e.user, &e.exercise.name, None) {
            return Err(StoreError::Duplicate(
                lifeos_kernel::Uniqueness::ExerciseName,
            ));
        }
        rows.push((e.user, e.exercise.clone()));
        Ok(e.exercise)
    }

    async fn list_exercises(
        &self,
        user: UserId,
        f: &ExerciseFilter,
    ) -> Result<(Vec<Exercise>, i64), StoreError> {
        let mut all: Vec<Exercise> = self
            .rows()
            .iter()
            .filter(|(u, e)| {
                *u == user
                    && f.category.is_none_or(|c| e.category == c)
                    && f.archived.is_none_or(|a| e.archived == a)
                    && f.q
                        .as_ref()
                        .is_none_or(|q| e.name.to_lowercase().contains(&q.to_lowercase()))
            })
            .map(|(_, e)| e.clone())
            .collect();
        all.sort_by_key(|e| e.name.to_lowercase());
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let items = all
            .into_iter()
            .skip(usize::try_from(f.page.offset()).unwrap_or(0))
            .take(usize::try_from(f.page.limit()).unwrap_or(0))
            .collect();
        Ok((items, total))
    }

    async fn get_exercise(
        &self,
        user: UserId,
        id: ExerciseId,
    ) -> Result<Option<Exercise>, StoreError> {
        Ok(self
            .rows()
            .iter()
            .find(|(u, e)| *u == user && e.id == id)
            .map(|(_, e)| e.clone()))
    }

    async fn update_exercise(
        &self,
        user: UserId,
        id: ExerciseId,
        c: ExerciseChanges,
        now: DateTime<Utc>,
    ) -> Result<Exercise, StoreError> {
        let mut rows = self.rows();
        if let Some(n) = &c.name
            && taken(&rows, user, n, Some(id))
        {
            return Err(StoreError::Duplicate(
                lifeos_kernel::Uniqueness::ExerciseName,
            ));
        }
        let (_, e) = rows
            .iter_mut()
            .find(|(u, e)| *u == user && e.id == id)
            .ok_or(StoreError::NotFound)?;
        if let Some(v) = c.name {
            e.name = v;
        }
        if let Some(v) = c.category {
            e.category = v;
        }
        if let Some(v) = c.muscle_groups {
            e.muscle_groups = v;
        }
        if let Some(v) = c.equipment {
            e.equipment = v;
        }
        if let Some(v) = c.notes {
            e.notes = v;
        }
        if let Some(v) = c.archived {
            e.archived = v;
        }
        e.updated_at = now;
        Ok(e.clone())
    }

    async fn delete_exercise(&self, user: UserId, id: ExerciseId) -> Result<bool, StoreError> {
        let mut rows = self.rows();
        let before = rows.len();
        rows.retain(|(u, e)| !(*u == user && e.id == id));
        Ok(rows.len() < before)
    }
}

/// Sessions and their sets in memory, over the exercises and programs of an
/// [`InMemoryExercises`] (references must be the user's, as the database's
/// composite foreign keys require). History is computed from the sets;
/// records are not (the adapter computes them in SQL), so the fake answers
/// empty records.
#[derive(Debug, Default)]
pub struct InMemorySessions {
    library: std::sync::Arc<InMemoryExercises>,
    sessions: Mutex<Vec<(UserId, crate::model::WorkoutSession)>>,
}

impl InMemorySessions {
    /// Sessions over `library`'s exercises and programs.
    #[must_use]
    pub fn new(library: std::sync::Arc<InMemoryExercises>) -> Self {
        Self {
            library,
            sessions: Mutex::default(),
        }
    }

    fn sessions(&self) -> MutexGuard<'_, Vec<(UserId, crate::model::WorkoutSession)>> {
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn exercise_name(&self, user: UserId, id: ExerciseId) -> Option<String> {
        self.library
            .rows()
            .iter()
            .find(|(u, e)| *u == user && e.id == id)
            .map(|(_, e)| e.name.clone())
    }

    fn program_name(&self, user: UserId, id: ProgramId) -> Option<String> {
        self.library
            .programs()
            .iter()
            .find(|(u, p)| *u == user && p.id == id)
            .map(|(_, p)| p.name.clone())
    }
}

use crate::model::{HistoryItem, PersonalRecords};
use crate::model::{
    LogChanges, NewLog, NewSession, Refusal, SessionChanges, SessionFilter, SessionId, WorkoutLog,
    WorkoutSession,
};

fn ends_before_start(s: &WorkoutSession) -> bool {
    s.ended_at.is_some_and(|e| e < s.started_at)
}

#[async_trait]
impl SessionRepository for InMemorySessions {
    async fn create_session(
        &self,
        s: NewSession,
    ) -> Result<Result<WorkoutSession, Refusal>, StoreError> {
        let program_name = match s.program_id {
            Some(p) => match self.program_name(s.user, p) {
                Some(n) => Some(n),
                None => return Ok(Err(Refusal::UnknownReference("program_id"))),
            },
            None => None,
        };
        let session = WorkoutSession {
            id: s.id,
            program_id: s.program_id,
            name: s
                .name
                .or(program_name)
                .unwrap_or_else(|| "Workout".to_string()),
            started_at: s.started_at,
            ended_at: None,
            notes: None,
            logs: Vec::new(),
            created_at: s.now,
            updated_at: s.now,
        };
        self.sessions().push((s.user, session.clone()));
        Ok(Ok(session))
    }

    async fn list_sessions(
        &self,
        user: UserId,
        f: &SessionFilter,
    ) -> Result<(Vec<WorkoutSession>, i64), StoreError> {
        let mut all: Vec<WorkoutSession> = self
            .sessions()
            .iter()
            .filter(|(u, s)| {
                *u == user
                    && f.from.is_none_or(|t| s.started_at >= t)
                    && f.until.is_none_or(|t| s.started_at < t)
                    && f.program_id.is_none_or(|p| s.program_id == Some(p))
            })
            .map(|(_, s)| s.clone())
            .collect();
        all.sort_by_key(|s| std::cmp::Reverse(s.started_at));
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let items = all
            .into_iter()
            .skip(usize::try_from(f.page.offset()).unwrap_or(0))
            .take(usize::try_from(f.page.limit()).unwrap_or(0))
            .collect();
        Ok((items, total))
    }

    async fn get_session(
        &self,
        user: UserId,
        id: SessionId,
    ) -> Result<Option<WorkoutSession>, StoreError> {
        Ok(self
            .sessions()
            .iter()
            .find(|(u, s)| *u == user && s.id == id)
            .map(|(_, s)| s.clone()))
    }

    async fn update_session(
        &self,
        user: UserId,
        id: SessionId,
        c: SessionChanges,
        now: DateTime<Utc>,
    ) -> Result<Result<WorkoutSession, Refusal>, StoreError> {
        let mut all = self.sessions();
        let (_, s) = all
            .iter_mut()
            .find(|(u, s)| *u == user && s.id == id)
            .ok_or(StoreError::NotFound)?;
        let mut next = s.clone();
        if let Some(n) = c.name {
            next.name = n;
        }
        if let Some(t) = c.started_at {
            next.started_at = t;
        }
        if let Some(e) = c.ended_at {
            next.ended_at = e;
        }
        if let Some(n) = c.notes {
            next.notes = n;
        }
        if ends_before_start(&next) {
            return Ok(Err(Refusal::EndsBeforeStart("ended_at")));
        }
        next.updated_at = now;
        *s = next.clone();
        Ok(Ok(next))
    }

    async fn delete_session(&self, user: UserId, id: SessionId) -> Result<bool, StoreError> {
        let mut all = self.sessions();
        let before = all.len();
        all.retain(|(u, s)| !(*u == user && s.id == id));
        Ok(all.len() < before)
    }

    async fn add_log(
        &self,
        user: UserId,
        id: SessionId,
        l: NewLog,
        now: DateTime<Utc>,
    ) -> Result<Result<WorkoutLog, Refusal>, StoreError> {
        let Some(name) = self.exercise_name(user, l.exercise_id) else {
            return Ok(Err(Refusal::UnknownReference("exercise_id")));
        };
        let mut all = self.sessions();
        let (_, s) = all
            .iter_mut()
            .find(|(u, s)| *u == user && s.id == id)
            .ok_or(StoreError::NotFound)?;
        let next = s
            .logs
            .iter()
            .filter(|x| x.exercise_id == l.exercise_id)
            .map(|x| x.set_number)
            .max()
            .unwrap_or(0)
            + 1;
        let log = WorkoutLog {
            id: l.id,
            exercise_id: l.exercise_id,
            exercise_name: name,
            set_number: l.set_number.unwrap_or(next),
            reps: l.reps,
            weight: l.weight,
            rpe: l.rpe,
            notes: l.notes,
            created_at: now,
        };
        s.logs.push(log.clone());
        Ok(Ok(log))
    }

    async fn update_log(
        &self,
        user: UserId,
        id: SessionId,
        log: uuid::Uuid,
        c: LogChanges,
    ) -> Result<Result<WorkoutLog, Refusal>, StoreError> {
        let name = match c.exercise_id {
            Some(e) => match self.exercise_name(user, e) {
                Some(n) => Some(n),
                None => return Ok(Err(Refusal::UnknownReference("exercise_id"))),
            },
            None => None,
        };
        let mut all = self.sessions();
        let l = all
            .iter_mut()
            .filter(|(u, s)| *u == user && s.id == id)
            .flat_map(|(_, s)| s.logs.iter_mut())
            .find(|l| l.id == log)
            .ok_or(StoreError::NotFound)?;
        if let (Some(e), Some(n)) = (c.exercise_id, name) {
            l.exercise_id = e;
            l.exercise_name = n;
        }
        if let Some(v) = c.set_number {
            l.set_number = v;
        }
        if let Some(v) = c.reps {
            l.reps = v;
        }
        if let Some(v) = c.weight {
            l.weight = v;
        }
        if let Some(v) = c.rpe {
            l.rpe = v;
        }
        if let Some(v) = c.notes {
            l.notes = v;
        }
        Ok(Ok(l.clone()))
    }

    async fn delete_log(
        &self,
        user: UserId,
        id: SessionId,
        log: uuid::Uuid,
    ) -> Result<bool, StoreError> {
        let mut all = self.sessions();
        let Some((_, s)) = all.iter_mut().find(|(u, s)| *u == user && s.id == id) else {
            return Ok(false);
        };
        let before = s.logs.len();
        s.logs.retain(|l| l.id != log);
        Ok(s.logs.len() < before)
    }
}

#[async_trait]
impl HistoryRepository for InMemorySessions {
    async fn exercise_history(
        &self,
        user: UserId,
        exercise: ExerciseId,
        page: PageRequest,
    ) -> Result<Option<(Vec<HistoryItem>, i64, PersonalRecords)>, StoreError> {
        if self.exercise_name(user, exercise).is_none() {
            return Ok(None);
        }
        let mut items: Vec<HistoryItem> = self
            .sessions()
            .iter()
            .filter(|(u, _)| *u == user)
            .filter_map(|(_, s)| {
                let sets: Vec<WorkoutLog> = s
                    .logs
                    .iter()
                    .filter(|l| l.exercise_id == exercise)
                    .cloned()
                    .collect();
                (!sets.is_empty()).then(|| HistoryItem {
                    session_id: s.id,
                    name: s.name.clone(),
                    started_at: s.started_at,
                    sets,
                })
            })
            .collect();
        items.sort_by_key(|i| std::cmp::Reverse(i.started_at));
        let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
        let items = items
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(0))
            .take(usize::try_from(page.limit()).unwrap_or(0))
            .collect();
        Ok(Some((items, total, PersonalRecords::default())))
    }
}
