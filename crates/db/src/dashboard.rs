//! The weekly dashboard's read port: four pipelined statements whatever the size of
//! the account (the week's journal entries, its sessions with their volume,
//! the counts, the active projects with their task counts).

use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Double, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use lifeos_app::{DashboardReader, ProjectProgress, SessionSummary, Week, WeeklyFacts};
use lifeos_journal::EntryKind;
use lifeos_kernel::{StoreError, UserId};
use lifeos_projects::ProjectId;
use lifeos_workouts::SessionId;
use uuid::Uuid;

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct DayRow {
    #[diesel(sql_type = Date)]
    entry_date: NaiveDate,
    #[diesel(sql_type = Text)]
    entry_type: String,
}

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct SessionRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Timestamptz)]
    started_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    ended_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Double)]
    total_volume: f64,
}

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct CountsRow {
    #[diesel(sql_type = BigInt)]
    tasks_completed: i64,
    #[diesel(sql_type = BigInt)]
    tasks_due: i64,
    #[diesel(sql_type = BigInt)]
    captured: i64,
    #[diesel(sql_type = BigInt)]
    processed: i64,
    #[diesel(sql_type = BigInt)]
    inbox: i64,
}

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ProjectRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    done: i64,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[async_trait]
impl DashboardReader for PgStore {
    async fn weekly_facts(&self, user: UserId, week: &Week) -> Result<WeeklyFacts, StoreError> {
        let conn = self.conn().await?;
        // The four statements are pipelined: sent together on the one
        // connection, answered in order (diesel-async runs futures polled
        // together on a shared `&AsyncPgConnection` that way), so the
        // request waits for one round trip instead of four.
        let conn: &diesel_async::AsyncPgConnection = &conn;
        let days = crate::raw::query(
            "SELECT entry_date, entry_type FROM journal_entries \
             WHERE user_id = $1 AND entry_date BETWEEN $2 AND $3",
        )
        .bind::<SqlUuid, _>(user.0)
        .bind::<Date, _>(week.start)
        .bind::<Date, _>(week.end)
        .load::<DayRow>(&mut &*conn);
        let sessions = crate::raw::query(
            "SELECT s.id, s.name, s.started_at, s.ended_at, \
                    coalesce(sum(l.reps * l.weight), 0)::float8 AS total_volume \
             FROM workout_sessions s LEFT JOIN workout_logs l ON l.session_id = s.id \
             WHERE s.user_id = $1 AND s.started_at >= $2 AND s.started_at < $3 \
             GROUP BY s.id ORDER BY s.started_at, s.id",
        )
        .bind::<SqlUuid, _>(user.0)
        .bind::<Timestamptz, _>(week.from)
        .bind::<Timestamptz, _>(week.until)
        .load::<SessionRow>(&mut &*conn);
        let counts = crate::raw::query(
            "SELECT \
               (SELECT count(*) FROM tasks WHERE user_id = $1 \
                  AND completed_at >= $2 AND completed_at < $3) AS tasks_completed, \
               (SELECT count(*) FROM tasks WHERE user_id = $1 \
                  AND status <> 'done' AND due_date <= $4) AS tasks_due, \
               (SELECT count(*) FROM captures WHERE user_id = $1 \
                  AND created_at >= $2 AND created_at < $3) AS captured, \
               (SELECT count(*) FROM captures WHERE user_id = $1 \
                  AND processed_at >= $2 AND processed_at < $3) AS processed, \
               (SELECT count(*) FROM captures WHERE user_id = $1 AND status = 'inbox') AS inbox",
        )
        .bind::<SqlUuid, _>(user.0)
        .bind::<Timestamptz, _>(week.from)
        .bind::<Timestamptz, _>(week.until)
        .bind::<Date, _>(week.end)
        .get_result::<CountsRow>(&mut &*conn);
        let projects = crate::raw::query(
            "SELECT p.id, p.name, c.done, c.total \
             FROM projects p CROSS JOIN LATERAL ( \
               SELECT count(*) FILTER (WHERE t.status = 'done') AS done, count(*) AS total \
               FROM tasks t WHERE t.project_id = p.id) c \
             WHERE p.user_id = $1 AND p.status = 'active' \
             ORDER BY p.position, p.id",
        )
        .bind::<SqlUuid, _>(user.0)
        .load::<ProjectRow>(&mut &*conn);
        let (days, sessions, counts, projects) =
            tokio::try_join!(days, sessions, counts, projects).map_err(store_error)?;
        let journal = days
            .into_iter()
            .map(|r| {
                EntryKind::parse("entry_type", &r.entry_type)
                    .map(|k| (r.entry_date, k))
                    .map_err(|_bad| {
                        StoreError::internal(format!("stored entry_type {}", r.entry_type))
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(WeeklyFacts {
            journal,
            sessions: sessions
                .into_iter()
                .map(|s| SessionSummary {
                    id: SessionId(s.id),
                    name: s.name,
                    started_at: s.started_at,
                    ended_at: s.ended_at,
                    total_volume: s.total_volume,
                })
                .collect(),
            tasks_completed: counts.tasks_completed,
            tasks_due: counts.tasks_due,
            active_projects: projects
                .into_iter()
                .map(|p| ProjectProgress {
                    id: ProjectId(p.id),
                    name: p.name,
                    done: p.done,
                    total: p.total,
                })
                .collect(),
            captured: counts.captured,
            processed: counts.processed,
            inbox: counts.inbox,
        })
    }
}
