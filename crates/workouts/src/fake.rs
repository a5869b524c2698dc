//! An in-memory exercise repository with the database's uniqueness rule.

use crate::model::{Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, NewExercise};
use crate::ports::ExerciseRepository;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{StoreError, UserId};
use std::sync::{Mutex, MutexGuard};

/// Exercises in memory.
#[derive(Debug, Default)]
pub struct InMemoryExercises(Mutex<Vec<(UserId, Exercise)>>);

impl InMemoryExercises {
    fn rows(&self) -> MutexGuard<'_, Vec<(UserId, Exercise)>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
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
            return Err(StoreError::Duplicate("uq_exercises_user_name".into()));
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
            return Err(StoreError::Duplicate("uq_exercises_user_name".into()));
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
