//! An in-memory exercise repository with the database's uniqueness rule.

use crate::model::{Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, NewExercise};
use crate::ports::ExerciseRepository;
use crate::programs::{
    ListRefusal, NewProgram, Program, ProgramChanges, ProgramExercise, ProgramId, ProgramItem,
    ProgramRepository,
};
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
