//! The read port of "today": two statements whatever the size of the
//! account (the open tasks due today or before, at most `TASKS_LISTED` of
//! each group with each group's count; the inbox count with the last
//! session and its volume).

use crate::projects::{TaskRow, tasks};
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Double, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use lifeos_app::{SessionSummary, TASKS_LISTED, TodayFacts, TodayReader};
use lifeos_kernel::{StoreError, UserId};
use lifeos_workouts::SessionId;
use uuid::Uuid;

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct DueRow {
    #[diesel(embed)]
    task: TaskRow,
    #[diesel(sql_type = Text)]
    grp: String,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct RestRow {
    #[diesel(sql_type = BigInt)]
    inbox: i64,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    session_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    name: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    started_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    ended_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Double)]
    total_volume: f64,
}

#[async_trait]
impl TodayReader for PgStore {
    async fn today_facts(&self, user: UserId, date: NaiveDate) -> Result<TodayFacts, StoreError> {
        let mut conn = self.conn().await?;
        // Open tasks due on the day (by project position, then position)
        // and before it (oldest first); the partial index of open tasks by
        // due date (`ix_tasks_user_open_due`, migration 000020) finds them
        // without reading done tasks (EXPLAIN, 2026-12-02).
        let due: Vec<DueRow> = crate::raw::query(
            "SELECT * FROM ( \
               SELECT t.id, t.project_id, t.title, t.description, t.status, t.priority, \
                      t.due_date, t.position, t.completed_at, t.created_at, t.updated_at, \
                      CASE WHEN t.due_date = $2 THEN 'today' ELSE 'overdue' END AS grp, \
                      row_number() OVER (PARTITION BY t.due_date = $2 \
                          ORDER BY t.due_date, p.position, t.position, t.id) AS n, \
                      count(*) OVER (PARTITION BY t.due_date = $2) AS total \
               FROM tasks t JOIN projects p ON p.id = t.project_id \
               WHERE t.user_id = $1 AND t.due_date <= $2 AND t.status <> 'done') d \
             WHERE n <= $3 ORDER BY grp DESC, n",
        )
        .bind::<SqlUuid, _>(user.0)
        .bind::<Date, _>(date)
        .bind::<BigInt, _>(TASKS_LISTED)
        .load(&mut conn)
        .await
        .map_err(store_error)?;
        let rest: RestRow = crate::raw::query(
            "SELECT (SELECT count(*) FROM captures WHERE user_id = $1 AND status = 'inbox') AS inbox, \
                    s.id AS session_id, s.name, s.started_at, s.ended_at, \
                    COALESCE(v.volume, 0)::float8 AS total_volume \
             FROM (SELECT 1) one \
             LEFT JOIN LATERAL (SELECT id, name, started_at, ended_at FROM workout_sessions \
                                WHERE user_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1) s ON true \
             LEFT JOIN LATERAL (SELECT sum(reps * weight) AS volume FROM workout_logs \
                                WHERE session_id = s.id) v ON true",
        )
        .bind::<SqlUuid, _>(user.0)
        .get_result(&mut conn)
        .await
        .map_err(store_error)?;
        let mut facts = TodayFacts {
            inbox: rest.inbox,
            last_workout: match (rest.session_id, rest.name, rest.started_at) {
                (Some(id), Some(name), Some(started_at)) => Some(SessionSummary {
                    id: SessionId(id),
                    name,
                    started_at,
                    ended_at: rest.ended_at,
                    total_volume: rest.total_volume,
                }),
                _ => None,
            },
            ..TodayFacts::default()
        };
        let (today, overdue): (Vec<DueRow>, Vec<DueRow>) =
            due.into_iter().partition(|r| r.grp == "today");
        facts.due_today_total = <[DueRow]>::first(&today).map_or(0, |r| r.total);
        facts.overdue_total = <[DueRow]>::first(&overdue).map_or(0, |r| r.total);
        facts.due_today =
            tasks(today.into_iter().map(|r| r.task).collect()).map_err(store_error)?;
        facts.overdue =
            tasks(overdue.into_iter().map(|r| r.task).collect()).map_err(store_error)?;
        Ok(facts)
    }
}
