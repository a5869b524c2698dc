//! The workouts ports over PostgreSQL.

use crate::lower;
use crate::owner::owner;
use crate::paged::Paginate;
use crate::schema::{exercises as ex, program_exercises as pe, programs as pg};
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use lifeos_kernel::{PageRequest, StoreError, UserId};
use lifeos_workouts::{
    Category, Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, ExerciseRepository,
    ListRefusal, NewExercise, NewProgram, Program, ProgramChanges, ProgramExercise, ProgramId,
    ProgramItem, ProgramRepository,
};
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = ex)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ExerciseRow {
    id: Uuid,
    name: String,
    category: String,
    // PostgreSQL array elements are always nullable; the adapter never
    // writes a NULL element (a NULL would be dropped on read).
    muscle_groups: Vec<Option<String>>,
    equipment: Option<String>,
    notes: Option<String>,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl ExerciseRow {
    fn into_exercise(self) -> Result<Exercise, StoreError> {
        Ok(Exercise {
            id: ExerciseId(self.id),
            category: Category::parse("category", &self.category)
                .map_err(|_e| StoreError::internal(format!("stored category {}", self.category)))?,
            name: self.name,
            muscle_groups: self.muscle_groups.into_iter().flatten().collect(),
            equipment: self.equipment,
            notes: self.notes,
            archived: self.archived,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = ex)]
struct ExerciseChangeset {
    name: Option<String>,
    category: Option<String>,
    muscle_groups: Option<Vec<String>>,
    equipment: Option<Option<String>>,
    notes: Option<Option<String>>,
    archived: Option<bool>,
    updated_at: DateTime<Utc>,
}

fn filtered(user: UserId, f: &ExerciseFilter) -> ex::BoxedQuery<'static, diesel::pg::Pg> {
    let mut q = ex::table
        .filter(ex::user_id.nullable().eq(owner(user.0)))
        .into_boxed();
    if let Some(c) = f.category {
        q = q.filter(ex::category.eq(c.as_str()));
    }
    if let Some(a) = f.archived {
        q = q.filter(ex::archived.eq(a));
    }
    if let Some(text) = &f.q {
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        q = q.filter(ex::name.ilike(pattern));
    }
    q
}

#[async_trait]
impl ExerciseRepository for PgStore {
    async fn create_exercise(&self, n: NewExercise) -> Result<Exercise, StoreError> {
        let mut conn = self.conn().await?;
        let e = &n.exercise;
        diesel::insert_into(ex::table)
            .values((
                ex::id.eq(e.id.0),
                ex::user_id.eq(n.user.0),
                ex::name.eq(&e.name),
                ex::category.eq(e.category.as_str()),
                ex::muscle_groups.eq(&e.muscle_groups),
                ex::equipment.eq(&e.equipment),
                ex::notes.eq(&e.notes),
                ex::archived.eq(e.archived),
                ex::created_at.eq(e.created_at),
                ex::updated_at.eq(e.updated_at),
            ))
            .returning(ExerciseRow::as_returning())
            .get_result::<ExerciseRow>(&mut conn)
            .await
            .map_err(store_error)?
            .into_exercise()
    }

    async fn list_exercises(
        &self,
        user: UserId,
        f: &ExerciseFilter,
    ) -> Result<(Vec<Exercise>, i64), StoreError> {
        let mut conn = self.conn().await?;
        let total: i64 = filtered(user, f)
            .count()
            .get_result(&mut conn)
            .await
            .map_err(store_error)?;
        let rows: Vec<ExerciseRow> = filtered(user, f)
            .order((lower(ex::name), ex::id))
            .select(ExerciseRow::as_select())
            .paged(f.page)
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        let items = rows
            .into_iter()
            .map(ExerciseRow::into_exercise)
            .collect::<Result<_, _>>()?;
        Ok((items, total))
    }

    async fn get_exercise(
        &self,
        user: UserId,
        id: ExerciseId,
    ) -> Result<Option<Exercise>, StoreError> {
        let mut conn = self.conn().await?;
        ex::table
            .filter(ex::id.eq(id.0))
            .filter(ex::user_id.eq(user.0))
            .select(ExerciseRow::as_select())
            .first::<ExerciseRow>(&mut conn)
            .await
            .optional()
            .map_err(store_error)?
            .map(ExerciseRow::into_exercise)
            .transpose()
    }

    async fn update_exercise(
        &self,
        user: UserId,
        id: ExerciseId,
        c: ExerciseChanges,
        now: DateTime<Utc>,
    ) -> Result<Exercise, StoreError> {
        let mut conn = self.conn().await?;
        diesel::update(
            ex::table
                .filter(ex::id.eq(id.0))
                .filter(ex::user_id.eq(user.0)),
        )
        .set(ExerciseChangeset {
            name: c.name,
            category: c.category.map(|c| c.as_str().to_string()),
            muscle_groups: c.muscle_groups,
            equipment: c.equipment,
            notes: c.notes,
            archived: c.archived,
            updated_at: now,
        })
        .returning(ExerciseRow::as_returning())
        .get_result::<ExerciseRow>(&mut conn)
        .await
        .map_err(store_error)?
        .into_exercise()
    }

    async fn delete_exercise(&self, user: UserId, id: ExerciseId) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(
            ex::table
                .filter(ex::id.eq(id.0))
                .filter(ex::user_id.eq(user.0)),
        )
        .execute(&mut conn)
        .await
        .map(|n| n > 0)
        .map_err(store_error)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pg)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ProgramRow {
    id: Uuid,
    name: String,
    description: Option<String>,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

type ItemTuple = (
    Uuid,
    Uuid,
    Uuid,
    String,
    i32,
    Option<i32>,
    Option<i32>,
    Option<f64>,
    Option<i32>,
    Option<String>,
);

/// Loads programs with their exercises: one query for the items of all of
/// them (no query per program).
async fn with_items(
    c: &mut AsyncPgConnection,
    rows: Vec<ProgramRow>,
) -> Result<Vec<Program>, DieselError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let items: Vec<ItemTuple> = pe::table
        .inner_join(ex::table)
        .filter(pe::program_id.eq_any(&ids))
        .order((pe::program_id, pe::position))
        .select((
            pe::program_id,
            pe::id,
            pe::exercise_id,
            ex::name,
            pe::position,
            pe::target_sets,
            pe::target_reps,
            pe::target_weight,
            pe::rest_seconds,
            pe::notes,
        ))
        .load(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Program {
            id: ProgramId(r.id),
            exercises: items
                .iter()
                .filter(|i| i.0 == r.id)
                .map(|i| ProgramExercise {
                    id: i.1,
                    exercise_id: ExerciseId(i.2),
                    exercise_name: i.3.clone(),
                    position: i.4,
                    target_sets: i.5,
                    target_reps: i.6,
                    target_weight: i.7,
                    rest_seconds: i.8,
                    notes: i.9.clone(),
                })
                .collect(),
            name: r.name,
            description: r.description,
            archived: r.archived,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

async fn one_program(
    c: &mut AsyncPgConnection,
    user: UserId,
    id: ProgramId,
) -> Result<Option<Program>, DieselError> {
    let rows: Vec<ProgramRow> = pg::table
        .filter(pg::id.eq(id.0))
        .filter(pg::user_id.eq(user.0))
        .select(ProgramRow::as_select())
        .load(c)
        .await?;
    Ok(with_items(c, rows).await?.pop())
}

#[async_trait]
impl ProgramRepository for PgStore {
    async fn create_program(&self, p: NewProgram) -> Result<Program, StoreError> {
        let mut conn = self.conn().await?;
        diesel::insert_into(pg::table)
            .values((
                pg::id.eq(p.id.0),
                pg::user_id.eq(p.user.0),
                pg::name.eq(&p.name),
                pg::description.eq(&p.description),
                pg::archived.eq(p.archived),
                pg::created_at.eq(p.now),
                pg::updated_at.eq(p.now),
            ))
            .execute(&mut conn)
            .await
            .map_err(store_error)?;
        one_program(&mut conn, p.user, p.id)
            .await
            .map_err(store_error)?
            .ok_or(StoreError::NotFound)
    }

    async fn list_programs(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<(Vec<Program>, i64), StoreError> {
        let mut conn = self.conn().await?;
        let total: i64 = pg::table
            .filter(pg::user_id.nullable().eq(owner(user.0)))
            .count()
            .get_result(&mut conn)
            .await
            .map_err(store_error)?;
        let rows: Vec<ProgramRow> = pg::table
            .filter(pg::user_id.nullable().eq(owner(user.0)))
            .order((lower(pg::name), pg::id))
            .select(ProgramRow::as_select())
            .paged(page)
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        let items = with_items(&mut conn, rows).await.map_err(store_error)?;
        Ok((items, total))
    }

    async fn get_program(
        &self,
        user: UserId,
        id: ProgramId,
    ) -> Result<Option<Program>, StoreError> {
        let mut conn = self.conn().await?;
        one_program(&mut conn, user, id).await.map_err(store_error)
    }

    async fn update_program(
        &self,
        user: UserId,
        id: ProgramId,
        c: ProgramChanges,
        now: DateTime<Utc>,
    ) -> Result<Program, StoreError> {
        let mut conn = self.conn().await?;
        let n = diesel::update(
            pg::table
                .filter(pg::id.eq(id.0))
                .filter(pg::user_id.eq(user.0)),
        )
        .set((
            c.name.map(|v| pg::name.eq(v)),
            c.description.map(|v| pg::description.eq(v)),
            c.archived.map(|v| pg::archived.eq(v)),
            pg::updated_at.eq(now),
        ))
        .execute(&mut conn)
        .await
        .map_err(store_error)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        one_program(&mut conn, user, id)
            .await
            .map_err(store_error)?
            .ok_or(StoreError::NotFound)
    }

    async fn delete_program(&self, user: UserId, id: ProgramId) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(
            pg::table
                .filter(pg::id.eq(id.0))
                .filter(pg::user_id.eq(user.0)),
        )
        .execute(&mut conn)
        .await
        .map(|n| n > 0)
        .map_err(store_error)
    }

    async fn replace_program_exercises(
        &self,
        user: UserId,
        id: ProgramId,
        items: &[ProgramItem],
        now: DateTime<Utc>,
    ) -> Result<Result<Program, ListRefusal>, StoreError> {
        let mut conn = self.conn().await?;
        let items = items.to_vec();
        conn.transaction(async |c| {
            // Lock the program: concurrent replacements serialise.
            let found: Option<Uuid> = pg::table
                .filter(pg::id.eq(id.0))
                .filter(pg::user_id.eq(user.0))
                .select(pg::id)
                .for_update()
                .first(c)
                .await
                .optional()?;
            if found.is_none() {
                return Err(DieselError::NotFound);
            }
            let wanted: Vec<Uuid> = items.iter().map(|i| i.exercise_id.0).collect();
            let mine: Vec<Uuid> = ex::table
                .filter(ex::user_id.eq(user.0))
                .filter(ex::id.eq_any(&wanted))
                .select(ex::id)
                .load(c)
                .await?;
            if let Some(i) = wanted.iter().position(|w| !mine.contains(w)) {
                return Ok(Err(ListRefusal::UnknownExercise(i)));
            }
            diesel::delete(pe::table.filter(pe::program_id.eq(id.0)))
                .execute(c)
                .await?;
            let rows: Vec<_> = items
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    (
                        pe::id.eq(lifeos_kernel::new_id()),
                        pe::user_id.eq(user.0),
                        pe::program_id.eq(id.0),
                        pe::exercise_id.eq(it.exercise_id.0),
                        pe::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                        pe::target_sets.eq(it.target_sets),
                        pe::target_reps.eq(it.target_reps),
                        pe::target_weight.eq(it.target_weight),
                        pe::rest_seconds.eq(it.rest_seconds),
                        pe::notes.eq(it.notes.clone()),
                    )
                })
                .collect();
            if !rows.is_empty() {
                diesel::insert_into(pe::table)
                    .values(rows)
                    .execute(c)
                    .await?;
            }
            diesel::update(pg::table.find(id.0))
                .set(pg::updated_at.eq(now))
                .execute(c)
                .await?;
            let p = one_program(c, user, id)
                .await?
                .ok_or(DieselError::NotFound)?;
            Ok(Ok(p))
        })
        .await
        .map_err(store_error)
    }
}
