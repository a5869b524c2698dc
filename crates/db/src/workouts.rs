//! The workouts ports over PostgreSQL.

use crate::schema::exercises as ex;
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Bool, Text};
use diesel_async::RunQueryDsl;
use lifeos_kernel::{StoreError, UserId};
use lifeos_workouts::{
    Category, Exercise, ExerciseChanges, ExerciseFilter, ExerciseId, ExerciseRepository,
    NewExercise,
};
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = ex)]
struct ExerciseRow {
    id: Uuid,
    name: String,
    category: String,
    muscle_groups: Vec<String>,
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
                .map_err(|_e| StoreError::Internal(format!("stored category {}", self.category)))?,
            name: self.name,
            muscle_groups: self.muscle_groups,
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
    let mut q = ex::table.filter(ex::user_id.eq(user.0)).into_boxed();
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
        q = q.filter(diesel::dsl::sql::<Bool>("name ILIKE ").bind::<Text, _>(pattern));
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
            .order((diesel::dsl::sql::<Text>("lower(name)"), ex::id))
            .limit(f.page.limit())
            .offset(f.page.offset())
            .select(ExerciseRow::as_select())
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
        diesel::delete(ex::table.filter(ex::id.eq(id.0)).filter(ex::user_id.eq(user.0)))
            .execute(&mut conn)
            .await
            .map(|n| n > 0)
            .map_err(|e| match e {
                // Programs and set logs reference exercises without cascade.
                DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => StoreError::Conflict(format!(
                    "The exercise is used ({}); archive it instead with PATCH {{\"archived\": true}}.",
                    info.table_name().unwrap_or("elsewhere")
                )),
                other => store_error(other),
            })
    }
}
