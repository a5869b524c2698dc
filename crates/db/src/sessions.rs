//! Workout sessions and logged sets over PostgreSQL. Each write locks the
//! session row in its transaction.

use crate::owner::owner;
use crate::paged::Paginate;
use crate::schema::{exercises as ex, programs as pg, workout_logs as wl, workout_sessions as ws};
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use lifeos_kernel::{PageRequest, StoreError, UserId};
use lifeos_workouts::{
    ExerciseId, HistoryItem, HistoryRepository, LogChanges, NewLog, NewSession, PersonalRecords,
    ProgramId, Record, Refusal, SessionChanges, SessionFilter, SessionId, SessionRepository,
    WorkoutLog, WorkoutSession,
};
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = ws)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct SessionRow {
    id: Uuid,
    program_id: Option<Uuid>,
    name: String,
    started_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

type LogTuple = (
    Uuid,
    Uuid,
    Uuid,
    String,
    i32,
    i32,
    f64,
    Option<f64>,
    Option<String>,
    DateTime<Utc>,
);

fn log_from(t: &LogTuple) -> WorkoutLog {
    WorkoutLog {
        id: t.0,
        exercise_id: ExerciseId(t.2),
        exercise_name: t.3.clone(),
        set_number: t.4,
        reps: t.5,
        weight: t.6,
        rpe: t.7,
        notes: t.8.clone(),
        created_at: t.9,
    }
}

/// The sets of all `sessions` in one query (no query per session).
async fn with_logs(
    c: &mut AsyncPgConnection,
    rows: Vec<SessionRow>,
) -> Result<Vec<WorkoutSession>, DieselError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let logs: Vec<LogTuple> = wl::table
        .inner_join(ex::table)
        .filter(wl::session_id.eq_any(&ids))
        .order((wl::session_id, wl::created_at, wl::set_number))
        .select((
            wl::id,
            wl::session_id,
            wl::exercise_id,
            ex::name,
            wl::set_number,
            wl::reps,
            wl::weight,
            wl::rpe,
            wl::notes,
            wl::created_at,
        ))
        .load(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| WorkoutSession {
            id: SessionId(r.id),
            program_id: r.program_id.map(ProgramId),
            logs: logs.iter().filter(|l| l.1 == r.id).map(log_from).collect(),
            name: r.name,
            started_at: r.started_at,
            ended_at: r.ended_at,
            notes: r.notes,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

async fn one(
    c: &mut AsyncPgConnection,
    user: UserId,
    id: SessionId,
) -> Result<Option<WorkoutSession>, DieselError> {
    let rows: Vec<SessionRow> = ws::table
        .filter(ws::id.eq(id.0))
        .filter(ws::user_id.eq(user.0))
        .select(SessionRow::as_select())
        .load(c)
        .await?;
    Ok(with_logs(c, rows).await?.pop())
}

async fn lock_session(
    c: &mut AsyncPgConnection,
    user: UserId,
    id: SessionId,
) -> Result<SessionRow, DieselError> {
    ws::table
        .filter(ws::id.eq(id.0))
        .filter(ws::user_id.eq(user.0))
        .select(SessionRow::as_select())
        .for_update()
        .first(c)
        .await
}

async fn owns_exercise(
    c: &mut AsyncPgConnection,
    user: UserId,
    e: ExerciseId,
) -> Result<bool, DieselError> {
    let n: i64 = ex::table
        .filter(ex::id.eq(e.0))
        .filter(ex::user_id.eq(user.0))
        .count()
        .get_result(c)
        .await?;
    Ok(n > 0)
}

async fn one_log(c: &mut AsyncPgConnection, id: Uuid) -> Result<WorkoutLog, DieselError> {
    let t: LogTuple = wl::table
        .inner_join(ex::table)
        .filter(wl::id.eq(id))
        .select((
            wl::id,
            wl::session_id,
            wl::exercise_id,
            ex::name,
            wl::set_number,
            wl::reps,
            wl::weight,
            wl::rpe,
            wl::notes,
            wl::created_at,
        ))
        .first(c)
        .await?;
    Ok(log_from(&t))
}

#[async_trait]
impl SessionRepository for PgStore {
    async fn create_session(
        &self,
        s: NewSession,
    ) -> Result<Result<WorkoutSession, Refusal>, StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| {
            let program_name = match s.program_id {
                Some(p) => {
                    let name: Option<String> = pg::table
                        .filter(pg::id.eq(p.0))
                        .filter(pg::user_id.eq(s.user.0))
                        .select(pg::name)
                        .first(c)
                        .await
                        .optional()?;
                    match name {
                        Some(n) => Some(n),
                        None => return Ok(Err(Refusal::UnknownReference("program_id"))),
                    }
                }
                None => None,
            };
            let name = s
                .name
                .clone()
                .or(program_name)
                .unwrap_or_else(|| "Workout".to_string());
            diesel::insert_into(ws::table)
                .values((
                    ws::id.eq(s.id.0),
                    ws::user_id.eq(s.user.0),
                    ws::program_id.eq(s.program_id.map(|p| p.0)),
                    ws::name.eq(name),
                    ws::started_at.eq(s.started_at),
                    ws::created_at.eq(s.now),
                    ws::updated_at.eq(s.now),
                ))
                .execute(c)
                .await?;
            Ok(Ok(one(c, s.user, s.id)
                .await?
                .ok_or(DieselError::NotFound)?))
        })
        .await
        .map_err(store_error)
    }

    async fn list_sessions(
        &self,
        user: UserId,
        f: &SessionFilter,
    ) -> Result<(Vec<WorkoutSession>, i64), StoreError> {
        let mut conn = self.conn().await?;
        let base = || {
            let mut q = ws::table
                .filter(ws::user_id.nullable().eq(owner(user.0)))
                .into_boxed();
            if let Some(t) = f.from {
                q = q.filter(ws::started_at.ge(t));
            }
            if let Some(t) = f.until {
                q = q.filter(ws::started_at.lt(t));
            }
            if let Some(p) = f.program_id {
                q = q.filter(ws::program_id.eq(p.0));
            }
            q
        };
        let total: i64 = base()
            .count()
            .get_result(&mut conn)
            .await
            .map_err(store_error)?;
        let rows: Vec<SessionRow> = base()
            .order((ws::started_at.desc(), ws::id.desc()))
            .select(SessionRow::as_select())
            .paged(f.page)
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        let items = with_logs(&mut conn, rows).await.map_err(store_error)?;
        Ok((items, total))
    }

    async fn get_session(
        &self,
        user: UserId,
        id: SessionId,
    ) -> Result<Option<WorkoutSession>, StoreError> {
        let mut conn = self.conn().await?;
        one(&mut conn, user, id).await.map_err(store_error)
    }

    async fn update_session(
        &self,
        user: UserId,
        id: SessionId,
        ch: SessionChanges,
        now: DateTime<Utc>,
    ) -> Result<Result<WorkoutSession, Refusal>, StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| {
            let row = lock_session(c, user, id).await?;
            let started = ch.started_at.unwrap_or(row.started_at);
            let ended = ch.ended_at.unwrap_or(row.ended_at);
            if ended.is_some_and(|e| e < started) {
                let field = if ch.ended_at.is_some() {
                    "ended_at"
                } else {
                    "started_at"
                };
                return Ok(Err(Refusal::EndsBeforeStart(field)));
            }
            diesel::update(ws::table.find(id.0))
                .set((
                    ch.name.map(|v| ws::name.eq(v)),
                    ch.started_at.map(|v| ws::started_at.eq(v)),
                    ch.ended_at.map(|v| ws::ended_at.eq(v)),
                    ch.notes.map(|v| ws::notes.eq(v)),
                    ws::updated_at.eq(now),
                ))
                .execute(c)
                .await?;
            Ok(Ok(one(c, user, id).await?.ok_or(DieselError::NotFound)?))
        })
        .await
        .map_err(store_error)
    }

    async fn delete_session(&self, user: UserId, id: SessionId) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(
            ws::table
                .filter(ws::id.eq(id.0))
                .filter(ws::user_id.eq(user.0)),
        )
        .execute(&mut conn)
        .await
        .map(|n| n > 0)
        .map_err(store_error)
    }

    async fn add_log(
        &self,
        user: UserId,
        id: SessionId,
        l: NewLog,
        now: DateTime<Utc>,
    ) -> Result<Result<WorkoutLog, Refusal>, StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| {
            lock_session(c, user, id).await?;
            if !owns_exercise(c, user, l.exercise_id).await? {
                return Ok(Err(Refusal::UnknownReference("exercise_id")));
            }
            let set_number = match l.set_number {
                Some(n) => n,
                None => {
                    let max: Option<i32> = wl::table
                        .filter(wl::session_id.eq(id.0))
                        .filter(wl::exercise_id.eq(l.exercise_id.0))
                        .select(diesel::dsl::max(wl::set_number))
                        .first(c)
                        .await?;
                    // Stored numbers are bounded by the domain; saturate
                    // rather than overflow on anything older.
                    max.unwrap_or(0).saturating_add(1)
                }
            };
            diesel::insert_into(wl::table)
                .values((
                    wl::id.eq(l.id),
                    wl::user_id.eq(user.0),
                    wl::session_id.eq(id.0),
                    wl::exercise_id.eq(l.exercise_id.0),
                    wl::set_number.eq(set_number),
                    wl::reps.eq(l.reps),
                    wl::weight.eq(l.weight),
                    wl::rpe.eq(l.rpe),
                    wl::notes.eq(&l.notes),
                    wl::created_at.eq(now),
                ))
                .execute(c)
                .await?;
            diesel::update(ws::table.find(id.0))
                .set(ws::updated_at.eq(now))
                .execute(c)
                .await?;
            Ok(Ok(one_log(c, l.id).await?))
        })
        .await
        .map_err(store_error)
    }

    async fn update_log(
        &self,
        user: UserId,
        id: SessionId,
        log: Uuid,
        ch: LogChanges,
    ) -> Result<Result<WorkoutLog, Refusal>, StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| {
            lock_session(c, user, id).await?;
            if let Some(e) = ch.exercise_id
                && !owns_exercise(c, user, e).await?
            {
                return Ok(Err(Refusal::UnknownReference("exercise_id")));
            }
            let n = diesel::update(
                wl::table
                    .filter(wl::id.eq(log))
                    .filter(wl::session_id.eq(id.0)),
            )
            .set((
                ch.exercise_id.map(|v| wl::exercise_id.eq(v.0)),
                ch.set_number.map(|v| wl::set_number.eq(v)),
                ch.reps.map(|v| wl::reps.eq(v)),
                ch.weight.map(|v| wl::weight.eq(v)),
                ch.rpe.map(|v| wl::rpe.eq(v)),
                ch.notes.map(|v| wl::notes.eq(v)),
            ))
            .execute(c)
            .await;
            match n {
                Ok(0) => return Err(DieselError::NotFound),
                Ok(_) => {}
                // Nothing to change: the log must still exist.
                Err(DieselError::QueryBuilderError(_)) => {}
                Err(e) => return Err(e),
            }
            let found: i64 = wl::table
                .filter(wl::id.eq(log))
                .filter(wl::session_id.eq(id.0))
                .count()
                .get_result(c)
                .await?;
            if found == 0 {
                return Err(DieselError::NotFound);
            }
            Ok(Ok(one_log(c, log).await?))
        })
        .await
        .map_err(store_error)
    }

    async fn delete_log(&self, user: UserId, id: SessionId, log: Uuid) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(
            wl::table
                .filter(wl::id.eq(log))
                .filter(wl::session_id.eq(id.0))
                .filter(wl::user_id.eq(user.0)),
        )
        .execute(&mut conn)
        .await
        .map(|n| n > 0)
        .map_err(store_error)
    }
}

#[derive(diesel::QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct RecordRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    kind: String,
    #[diesel(sql_type = diesel::sql_types::Double)]
    value: f64,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    session_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    started_at: DateTime<Utc>,
}

#[async_trait]
impl HistoryRepository for PgStore {
    async fn exercise_history(
        &self,
        user: UserId,
        exercise: ExerciseId,
        page: PageRequest,
    ) -> Result<Option<(Vec<HistoryItem>, i64, PersonalRecords)>, StoreError> {
        let mut conn = self.conn().await?;
        let c = &mut conn;
        let exists: i64 = ex::table
            .filter(ex::id.eq(exercise.0))
            .filter(ex::user_id.eq(user.0))
            .count()
            .get_result(c)
            .await
            .map_err(store_error)?;
        if exists == 0 {
            return Ok(None);
        }
        let total: i64 = wl::table
            .filter(wl::exercise_id.eq(exercise.0))
            .filter(wl::user_id.eq(user.0))
            .select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "count(DISTINCT session_id)",
            ))
            .first(c)
            .await
            .map_err(store_error)?;
        let used = wl::table
            .filter(wl::exercise_id.eq(exercise.0))
            .filter(wl::session_id.eq(ws::id))
            .select(wl::id);
        let sessions: Vec<(Uuid, String, DateTime<Utc>)> = ws::table
            .filter(ws::user_id.eq(user.0))
            .filter(diesel::dsl::exists(used))
            .order((ws::started_at.desc(), ws::id.desc()))
            .select((ws::id, ws::name, ws::started_at))
            .paged(page)
            .load(c)
            .await
            .map_err(store_error)?;
        let ids: Vec<Uuid> = sessions.iter().map(|s| s.0).collect();
        let logs: Vec<LogTuple> = wl::table
            .inner_join(ex::table)
            .filter(wl::session_id.eq_any(&ids))
            .filter(wl::exercise_id.eq(exercise.0))
            .order((wl::session_id, wl::set_number, wl::created_at))
            .select((
                wl::id,
                wl::session_id,
                wl::exercise_id,
                ex::name,
                wl::set_number,
                wl::reps,
                wl::weight,
                wl::rpe,
                wl::notes,
                wl::created_at,
            ))
            .load(c)
            .await
            .map_err(store_error)?;
        let items = sessions
            .into_iter()
            .map(|(id, name, started_at)| HistoryItem {
                session_id: SessionId(id),
                name,
                started_at,
                sets: logs.iter().filter(|l| l.1 == id).map(log_from).collect(),
            })
            .collect();
        // Records over all history in one statement; ties go to the first
        // session that reached the value.
        let rows: Vec<RecordRow> = crate::raw::query(
            "WITH l AS (SELECT l.weight, l.reps, l.session_id, s.started_at \
                        FROM workout_logs l JOIN workout_sessions s ON s.id = l.session_id \
                        WHERE l.exercise_id = $1 AND l.user_id = $2), \
                  v AS (SELECT session_id, started_at, sum(reps * weight) AS vol FROM l GROUP BY session_id, started_at) \
             SELECT 'max_weight' AS kind, weight AS value, session_id, started_at \
               FROM (SELECT * FROM l ORDER BY weight DESC, started_at, session_id LIMIT 1) a \
             UNION ALL SELECT 'max_reps', reps::float8, session_id, started_at \
               FROM (SELECT * FROM l ORDER BY reps DESC, started_at, session_id LIMIT 1) b \
             UNION ALL SELECT 'max_volume_session', vol, session_id, started_at \
               FROM (SELECT * FROM v ORDER BY vol DESC, started_at, session_id LIMIT 1) c \
             UNION ALL SELECT 'best_e1rm', e, session_id, started_at \
               FROM (SELECT CASE WHEN reps = 1 THEN weight ELSE weight * (1 + reps / 30.0) END AS e, \
                            session_id, started_at \
                     FROM l WHERE reps > 0 ORDER BY 1 DESC, started_at, session_id LIMIT 1) d",
        )
        .bind::<diesel::sql_types::Uuid, _>(exercise.0)
        .bind::<diesel::sql_types::Uuid, _>(user.0)
        .load(c)
        .await
        .map_err(store_error)?;
        let mut records = PersonalRecords::default();
        for r in rows {
            let rec = Some(Record {
                value: r.value,
                session_id: SessionId(r.session_id),
                at: r.started_at,
            });
            match r.kind.as_str() {
                "max_weight" => records.max_weight = rec,
                "max_reps" => records.max_reps = rec,
                "max_volume_session" => records.max_volume_session = rec,
                _ => records.best_e1rm = rec,
            }
        }
        Ok(Some((items, total, records)))
    }
}
