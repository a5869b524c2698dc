//! Export and import of a whole account.
//!
//! Export: one pool connection runs one `REPEATABLE READ READ ONLY`
//! transaction for the whole download (a download cut halfway closes that
//! connection instead of returning it to the pool inside a transaction;
//! at most a quarter of the pool serves exports at once, more answer 503)
//! and reads each section by keyset pages of [`PAGE`] rows ordered by id
//! (ids are UUIDv7, so that is creation order); children (tasks, notes,
//! sets, list items, changed occurrences) come with their page of parents
//! in one `= ANY` query per kind. Memory holds one page.
//!
//! Import: one transaction, serialised per account by an advisory lock;
//! the facts are read in it, then the planner runs on a blocking thread
//! and hands over its batches through a channel of one, each written in
//! multi-row `INSERT`s of up to [`CHUNK`] rows before the next is taken. The journal's per-row
//! streak trigger is switched off for the transaction and the runs rebuilt
//! once (migration 000011).

use crate::schema::{
    api_keys as ak, captures as cp, event_overrides as eo, events as ev, exercises as ex,
    journal_entries as je, program_exercises as pe, programs as pg, project_notes as pn,
    projects as pj, tasks as tk, user_settings as us, users, workout_logs as wl,
    workout_sessions as ws,
};
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::max;
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::Uuid as SqlUuid;
use diesel_async::pooled_connection::deadpool::Object;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use lifeos_app::transfer::{
    ApiKeyDoc, Batch, CaptureDoc, EventDoc, ExerciseDoc, ExportReader, ExportSnapshot, Facts,
    Holder, ImportError, ImportStore, JournalDoc, Kind, LogDoc, NoteDoc, OverrideDoc, Planner,
    ProgramDoc, ProgramItemDoc, ProjectDoc, Report, Restore, TargetDoc, TaskDoc, UserDoc, Wanted,
    WorkoutDoc,
};
use lifeos_calendar::When;
use lifeos_journal::EntryKind;
use lifeos_kernel::{StoreError, UserId, WeekStart};
use serde_json::Value;
use std::collections::HashMap;
use std::time::Instant;
use uuid::Uuid;

/// Rows per export page.
const PAGE: i64 = 500;
/// Rows per multi-row `INSERT` (at most 14 columns: under PostgreSQL's
/// 65,535 bind parameters).
const CHUNK: usize = 2_000;

// ---------------------------------------------------------------- rows

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = je)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct JournalRow {
    id: Uuid,
    user_id: Uuid,
    entry_type: String,
    entry_date: NaiveDate,
    period_start: NaiveDate,
    content: Value,
    word_count: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = ex)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ExerciseRow {
    id: Uuid,
    user_id: Uuid,
    name: String,
    category: String,
    muscle_groups: Vec<Option<String>>,
    equipment: Option<String>,
    notes: Option<String>,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = pg)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ProgramRow {
    id: Uuid,
    user_id: Uuid,
    name: String,
    description: Option<String>,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = pe)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ProgramItemRow {
    id: Uuid,
    user_id: Uuid,
    program_id: Uuid,
    exercise_id: Uuid,
    position: i32,
    target_sets: Option<i32>,
    target_reps: Option<i32>,
    target_weight: Option<f64>,
    rest_seconds: Option<i32>,
    notes: Option<String>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = ws)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct SessionRow {
    id: Uuid,
    user_id: Uuid,
    program_id: Option<Uuid>,
    name: String,
    started_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = wl)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct LogRow {
    id: Uuid,
    user_id: Uuid,
    session_id: Uuid,
    exercise_id: Uuid,
    set_number: i32,
    reps: i32,
    weight: f64,
    rpe: Option<f64>,
    notes: Option<String>,
    created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = pj)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ProjectRow {
    id: Uuid,
    user_id: Uuid,
    name: String,
    description: Option<String>,
    status: String,
    color: Option<String>,
    due_date: Option<NaiveDate>,
    position: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = tk)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct TaskRow {
    id: Uuid,
    user_id: Uuid,
    project_id: Uuid,
    title: String,
    description: Option<String>,
    status: String,
    priority: Option<String>,
    due_date: Option<NaiveDate>,
    position: i32,
    completed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = pn)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct NoteRow {
    id: Uuid,
    user_id: Uuid,
    project_id: Uuid,
    title: String,
    body: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = cp)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct CaptureRow {
    id: Uuid,
    user_id: Uuid,
    content: String,
    source: String,
    status: String,
    converted_type: Option<String>,
    converted_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    processed_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = ev)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct EventRow {
    id: Uuid,
    user_id: Uuid,
    title: String,
    description: Option<String>,
    location: Option<String>,
    all_day: bool,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    timezone: String,
    rrule: Option<String>,
    exdates: Vec<Option<DateTime<Utc>>>,
    color: Option<String>,
    series_end: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = eo)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct OverrideRow {
    event_id: Uuid,
    user_id: Uuid,
    recurrence_id: DateTime<Utc>,
    title: Option<String>,
    description: Option<String>,
    location: Option<String>,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    color: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = ak)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ApiKeyRow {
    id: Uuid,
    name: String,
    prefix: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
    scopes: String,
}

fn wire(t: DateTime<Utc>, all_day: bool) -> String {
    When::from_instant(t, all_day).to_wire()
}

// ---------------------------------------------------------------- export

/// Groups child rows by their parent id, keeping their order.
fn by_parent<R, D>(
    rows: Vec<R>,
    parent: impl Fn(&R) -> Uuid,
    doc: impl Fn(R) -> D,
) -> HashMap<Uuid, Vec<D>> {
    let mut out: HashMap<Uuid, Vec<D>> = HashMap::new();
    for r in rows {
        out.entry(parent(&r)).or_default().push(doc(r));
    }
    out
}

struct PgSnapshot {
    conn: Option<Object<AsyncPgConnection>>,
    _permit: tokio::sync::OwnedSemaphorePermit,
    user: Uuid,
    section: usize,
    after: Uuid,
    open: bool,
}

impl Drop for PgSnapshot {
    fn drop(&mut self) {
        // Still inside the transaction (the download was cut, or a read
        // failed): close the connection rather than pool it mid-transaction.
        if self.open
            && let Some(conn) = self.conn.take()
        {
            drop(Object::take(conn));
        }
    }
}

#[async_trait]
impl ExportReader for PgStore {
    async fn open(&self, user: UserId) -> Result<Box<dyn ExportSnapshot>, StoreError> {
        let permit = self.exports.clone().try_acquire_owned().map_err(|_busy| {
            StoreError::Unavailable("every export slot is busy; try again shortly".into())
        })?;
        let mut conn = self.conn().await?;
        conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await
            .map_err(store_error)?;
        Ok(Box::new(PgSnapshot {
            conn: Some(conn),
            _permit: permit,
            user: user.0,
            section: 0,
            after: Uuid::nil(),
            open: true,
        }))
    }
}

impl PgSnapshot {
    fn conn(&mut self) -> Result<&mut AsyncPgConnection, DieselError> {
        self.conn
            .as_deref_mut()
            .ok_or(DieselError::BrokenTransactionManager)
    }
}

#[async_trait]
impl ExportSnapshot for PgSnapshot {
    async fn user(&mut self) -> Result<UserDoc, StoreError> {
        let (id, username, created_at, timezone, week_start, weight_unit) = users::table
            .inner_join(us::table)
            .filter(users::id.eq(self.user))
            .select((
                users::id,
                users::username,
                users::created_at,
                us::timezone,
                us::week_start,
                us::weight_unit,
            ))
            .get_result::<(Uuid, String, DateTime<Utc>, String, String, String)>(
                self.conn().map_err(store_error)?,
            )
            .await
            .map_err(store_error)?;
        Ok(UserDoc {
            id,
            username,
            timezone,
            week_start,
            weight_unit,
            created_at,
        })
    }

    async fn next_batch(&mut self) -> Result<Option<Batch>, StoreError> {
        while self.section < lifeos_app::transfer::SECTIONS.len() {
            let page = self.page().await.map_err(store_error)?;
            match page {
                Some((batch, last)) => {
                    self.after = last;
                    return Ok(Some(batch));
                }
                None => {
                    self.section += 1;
                    self.after = Uuid::nil();
                }
            }
        }
        if self.open {
            self.conn()
                .map_err(store_error)?
                .batch_execute("COMMIT")
                .await
                .map_err(store_error)?;
            self.open = false;
        }
        Ok(None)
    }
}

impl PgSnapshot {
    /// The next page of the current section and its last id, or `None`
    /// when the section is done.
    async fn page(&mut self) -> Result<Option<(Batch, Uuid)>, DieselError> {
        let (u, after, section) = (self.user, self.after, self.section);
        let c = self.conn()?;
        macro_rules! page_of {
            ($t:ident, $row:ty) => {
                $t::table
                    .filter($t::user_id.eq(u))
                    .filter($t::id.gt(after))
                    .order($t::id)
                    .limit(PAGE)
                    .select(<$row>::as_select())
                    .load::<$row>(c)
                    .await?
            };
        }
        Ok(match section {
            0 => {
                let rows = page_of!(je, JournalRow);
                last(&rows, |r| r.id).map(|l| {
                    (
                        Batch::Journal(rows.into_iter().map(journal_doc).collect()),
                        l,
                    )
                })
            }
            1 => {
                let rows = page_of!(ex, ExerciseRow);
                last(&rows, |r| r.id).map(|l| {
                    (
                        Batch::Exercises(rows.into_iter().map(exercise_doc).collect()),
                        l,
                    )
                })
            }
            2 => {
                let rows = page_of!(pg, ProgramRow);
                let Some(l) = last(&rows, |r| r.id) else {
                    return Ok(None);
                };
                let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
                let items = pe::table
                    .filter(pe::program_id.eq_any(&ids))
                    .order((pe::program_id, pe::position))
                    .select(ProgramItemRow::as_select())
                    .load::<ProgramItemRow>(c)
                    .await?;
                let mut items = by_parent(items, |r| r.program_id, item_doc);
                let docs = rows
                    .into_iter()
                    .map(|r| program_doc(r, &mut items))
                    .collect();
                Some((Batch::Programs(docs), l))
            }
            3 => {
                let rows = page_of!(ws, SessionRow);
                let Some(l) = last(&rows, |r| r.id) else {
                    return Ok(None);
                };
                let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
                let logs = wl::table
                    .filter(wl::session_id.eq_any(&ids))
                    .order((wl::session_id, wl::created_at, wl::id))
                    .select(LogRow::as_select())
                    .load::<LogRow>(c)
                    .await?;
                let mut logs = by_parent(logs, |r| r.session_id, log_doc);
                let docs = rows
                    .into_iter()
                    .map(|r| workout_doc(r, &mut logs))
                    .collect();
                Some((Batch::Workouts(docs), l))
            }
            4 => {
                let rows = page_of!(pj, ProjectRow);
                let Some(l) = last(&rows, |r| r.id) else {
                    return Ok(None);
                };
                let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
                let tasks = tk::table
                    .filter(tk::project_id.eq_any(&ids))
                    .order((tk::project_id, tk::position))
                    .select(TaskRow::as_select())
                    .load::<TaskRow>(c)
                    .await?;
                let notes = pn::table
                    .filter(pn::project_id.eq_any(&ids))
                    .order((pn::project_id, pn::created_at, pn::id))
                    .select(NoteRow::as_select())
                    .load::<NoteRow>(c)
                    .await?;
                let mut tasks = by_parent(tasks, |r| r.project_id, task_doc);
                let mut notes = by_parent(notes, |r| r.project_id, note_doc);
                let docs = rows
                    .into_iter()
                    .map(|r| project_doc(r, &mut tasks, &mut notes))
                    .collect();
                Some((Batch::Projects(docs), l))
            }
            5 => {
                let rows = page_of!(cp, CaptureRow);
                last(&rows, |r| r.id).map(|l| {
                    (
                        Batch::Captures(rows.into_iter().map(capture_doc).collect()),
                        l,
                    )
                })
            }
            6 => {
                let rows = page_of!(ev, EventRow);
                let Some(l) = last(&rows, |r| r.id) else {
                    return Ok(None);
                };
                let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
                let overrides = eo::table
                    .filter(eo::event_id.eq_any(&ids))
                    .order((eo::event_id, eo::recurrence_id))
                    .select(OverrideRow::as_select())
                    .load::<OverrideRow>(c)
                    .await?;
                let mut overrides = by_parent(overrides, |r| r.event_id, |r| r);
                let docs = rows
                    .into_iter()
                    .map(|r| event_doc(r, &mut overrides))
                    .collect();
                Some((Batch::Events(docs), l))
            }
            _ => {
                let rows = ak::table
                    .filter(ak::user_id.eq(u))
                    .filter(ak::id.gt(after))
                    .order(ak::id)
                    .limit(PAGE)
                    .select(ApiKeyRow::as_select())
                    .load::<ApiKeyRow>(c)
                    .await?;
                last(&rows, |r| r.id).map(|l| {
                    (
                        Batch::ApiKeys(rows.into_iter().map(api_key_doc).collect()),
                        l,
                    )
                })
            }
        })
    }
}

fn last<R>(rows: &[R], id: impl Fn(&R) -> Uuid) -> Option<Uuid> {
    rows.last().map(id)
}

fn journal_doc(r: JournalRow) -> JournalDoc {
    JournalDoc {
        id: r.id,
        entry_type: r.entry_type,
        entry_date: r.entry_date,
        content: r.content,
        word_count: r.word_count,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn exercise_doc(r: ExerciseRow) -> ExerciseDoc {
    ExerciseDoc {
        id: r.id,
        name: r.name,
        category: r.category,
        muscle_groups: r.muscle_groups.into_iter().flatten().collect(),
        equipment: r.equipment,
        notes: r.notes,
        archived: r.archived,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn item_doc(r: ProgramItemRow) -> ProgramItemDoc {
    ProgramItemDoc {
        id: r.id,
        exercise_id: r.exercise_id,
        position: r.position,
        target_sets: r.target_sets,
        target_reps: r.target_reps,
        target_weight: r.target_weight,
        rest_seconds: r.rest_seconds,
        notes: r.notes,
    }
}

fn program_doc(r: ProgramRow, items: &mut HashMap<Uuid, Vec<ProgramItemDoc>>) -> ProgramDoc {
    ProgramDoc {
        exercises: items.remove(&r.id).unwrap_or_default(),
        id: r.id,
        name: r.name,
        description: r.description,
        archived: r.archived,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn log_doc(r: LogRow) -> LogDoc {
    LogDoc {
        id: r.id,
        exercise_id: r.exercise_id,
        set_number: r.set_number,
        reps: r.reps,
        weight: r.weight,
        rpe: r.rpe,
        notes: r.notes,
        created_at: r.created_at,
    }
}

fn workout_doc(r: SessionRow, logs: &mut HashMap<Uuid, Vec<LogDoc>>) -> WorkoutDoc {
    WorkoutDoc {
        logs: logs.remove(&r.id).unwrap_or_default(),
        id: r.id,
        program_id: r.program_id,
        name: r.name,
        started_at: r.started_at,
        ended_at: r.ended_at,
        notes: r.notes,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn task_doc(r: TaskRow) -> TaskDoc {
    TaskDoc {
        id: r.id,
        title: r.title,
        description: r.description,
        status: r.status,
        priority: r.priority,
        due_date: r.due_date,
        position: r.position,
        completed_at: r.completed_at,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn note_doc(r: NoteRow) -> NoteDoc {
    NoteDoc {
        id: r.id,
        title: r.title,
        body: r.body,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn project_doc(
    r: ProjectRow,
    tasks: &mut HashMap<Uuid, Vec<TaskDoc>>,
    notes: &mut HashMap<Uuid, Vec<NoteDoc>>,
) -> ProjectDoc {
    ProjectDoc {
        tasks: tasks.remove(&r.id).unwrap_or_default(),
        notes: notes.remove(&r.id).unwrap_or_default(),
        id: r.id,
        name: r.name,
        description: r.description,
        status: r.status,
        color: r.color,
        due_date: r.due_date,
        position: r.position,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn capture_doc(r: CaptureRow) -> CaptureDoc {
    CaptureDoc {
        converted_to: r
            .converted_type
            .zip(r.converted_id)
            .map(|(kind, id)| TargetDoc { kind, id }),
        id: r.id,
        content: r.content,
        source: r.source,
        status: r.status,
        created_at: r.created_at,
        processed_at: r.processed_at,
    }
}

fn event_doc(r: EventRow, overrides: &mut HashMap<Uuid, Vec<OverrideRow>>) -> EventDoc {
    let all_day = r.all_day;
    EventDoc {
        overrides: overrides
            .remove(&r.id)
            .unwrap_or_default()
            .into_iter()
            .map(|o| OverrideDoc {
                recurrence_id: wire(o.recurrence_id, all_day),
                title: o.title,
                description: o.description,
                location: o.location,
                start: o.starts_at.map(|t| wire(t, all_day)),
                end: o.ends_at.map(|t| wire(t, all_day)),
                color: o.color,
            })
            .collect(),
        id: r.id,
        title: r.title,
        description: r.description,
        location: r.location,
        start: wire(r.starts_at, all_day),
        end: wire(r.ends_at, all_day),
        all_day,
        timezone: r.timezone,
        rrule: r.rrule,
        exdates: r
            .exdates
            .into_iter()
            .flatten()
            .map(|t| wire(t, all_day))
            .collect(),
        color: r.color,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn api_key_doc(r: ApiKeyRow) -> ApiKeyDoc {
    ApiKeyDoc {
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        created_at: r.created_at,
        last_used_at: r.last_used_at,
        revoked_at: r.revoked_at,
        scopes: r.scopes.split(' ').map(ToString::to_string).collect(),
    }
}

// ---------------------------------------------------------------- import

/// Carries the planner's refusal out of the transaction (rolling it back).
#[derive(Debug)]
enum TxError {
    Db(DieselError),
    Refused(ImportError),
    Planner(String),
}

impl From<DieselError> for TxError {
    fn from(e: DieselError) -> Self {
        Self::Db(e)
    }
}

/// Who holds each of `ids` in `table`.
macro_rules! holders {
    ($c:expr, $me:expr, $t:ident, $ids:expr) => {
        $t::table
            .filter($t::id.eq_any($ids))
            .select(($t::id, $t::user_id))
            .load::<(Uuid, Uuid)>($c)
            .await?
            .into_iter()
            .map(|(id, owner)| {
                (
                    id,
                    if owner == $me {
                        Holder::Mine
                    } else {
                        Holder::Other
                    },
                )
            })
            .collect::<Vec<_>>()
    };
}

async fn facts(c: &mut AsyncPgConnection, me: Uuid, w: &Wanted) -> Result<Facts, DieselError> {
    let mut f = Facts::default();
    for (kind, ids) in &w.ids {
        if ids.is_empty() {
            continue;
        }
        let found = match kind {
            Kind::Journal => holders!(c, me, je, ids),
            Kind::Exercise => holders!(c, me, ex, ids),
            Kind::Program => holders!(c, me, pg, ids),
            Kind::ProgramItem => holders!(c, me, pe, ids),
            Kind::Workout => holders!(c, me, ws, ids),
            Kind::Log => holders!(c, me, wl, ids),
            Kind::Project => holders!(c, me, pj, ids),
            Kind::Task => holders!(c, me, tk, ids),
            Kind::Note => holders!(c, me, pn, ids),
            Kind::Capture => holders!(c, me, cp, ids),
            Kind::Event => holders!(c, me, ev, ids),
        };
        f.holders
            .extend(found.into_iter().map(|(id, h)| ((*kind, id), h)));
    }
    if !w.exercise_names.is_empty() {
        f.exercise_names = ex::table
            .filter(ex::user_id.eq(me))
            .filter(crate::lower(ex::name).eq_any(&w.exercise_names))
            .select((crate::lower(ex::name), ex::id))
            .load::<(String, Uuid)>(c)
            .await?
            .into_iter()
            .collect();
    }
    if !w.journal_periods.is_empty() {
        f.journal_periods = je::table
            .filter(je::user_id.eq(me))
            .filter(je::period_start.eq_any(&w.journal_periods))
            .select((je::entry_type, je::period_start))
            .load::<(String, NaiveDate)>(c)
            .await?
            .into_iter()
            .filter_map(|(k, d)| EntryKind::parse("entry_type", &k).ok().map(|k| (k, d)))
            .collect();
    }
    f.last_project_position = pj::table
        .filter(pj::user_id.eq(me))
        .select(max(pj::position))
        .get_result::<Option<i32>>(c)
        .await?;
    if !w.projects.is_empty() {
        f.last_task_position = tk::table
            .filter(tk::user_id.eq(me))
            .filter(tk::project_id.eq_any(&w.projects))
            .group_by(tk::project_id)
            .select((tk::project_id, max(tk::position)))
            .load::<(Uuid, Option<i32>)>(c)
            .await?
            .into_iter()
            .filter_map(|(p, m)| m.map(|m| (p, m)))
            .collect();
    }
    let week_start = us::table
        .find(me)
        .select(us::week_start)
        .get_result::<String>(c)
        .await
        .optional()?;
    f.week_start = week_start
        .and_then(|w| WeekStart::parse("week_start", &w).ok())
        .unwrap_or_default();
    Ok(f)
}

/// Inserts `rows` in chunks; answers how many were written.
macro_rules! insert_all {
    ($c:expr, $t:ident, $rows:expr, $kind:literal) => {{
        let rows = $rows;
        let started = Instant::now();
        let mut written = 0usize;
        for chunk in rows.chunks(CHUNK) {
            written += diesel::insert_into($t::table)
                .values(chunk)
                .execute($c)
                .await?;
        }
        if written > 0 {
            tracing::info!(
                kind = $kind,
                rows = written,
                ms = started.elapsed().as_millis() as u64,
                "import: written"
            );
        }
        written
    }};
}

/// Writes one batch of an import (the journal's streaks are rebuilt once
/// after the last, see [`PgStore::restore`]).
async fn write(c: &mut AsyncPgConnection, me: Uuid, r: Restore) -> Result<(), DieselError> {
    let Restore {
        journal,
        exercises,
        programs,
        workouts,
        logs,
        projects,
        tasks,
        notes,
        captures,
        events,
        report: _,
    } = r;
    if !journal.is_empty() {
        let rows: Vec<JournalRow> = journal
            .into_iter()
            .map(|e| JournalRow {
                id: e.doc.id,
                user_id: me,
                entry_type: e.kind.as_str().to_string(),
                entry_date: e.doc.entry_date,
                period_start: e.period_start,
                content: e.doc.content,
                word_count: e.doc.word_count,
                created_at: e.doc.created_at,
                updated_at: e.doc.updated_at,
            })
            .collect();
        insert_all!(c, je, &rows, "journal");
    }
    let rows: Vec<ExerciseRow> = exercises
        .into_iter()
        .map(|x| ExerciseRow {
            id: x.id,
            user_id: me,
            name: x.name,
            category: x.category,
            muscle_groups: x.muscle_groups.into_iter().map(Some).collect(),
            equipment: x.equipment,
            notes: x.notes,
            archived: x.archived,
            created_at: x.created_at,
            updated_at: x.updated_at,
        })
        .collect();
    insert_all!(c, ex, &rows, "exercises");
    let mut items = Vec::new();
    let rows: Vec<ProgramRow> = programs
        .into_iter()
        .map(|p| {
            items.extend(p.exercises.into_iter().map(|x| ProgramItemRow {
                id: x.id,
                user_id: me,
                program_id: p.id,
                exercise_id: x.exercise_id,
                position: x.position,
                target_sets: x.target_sets,
                target_reps: x.target_reps,
                target_weight: x.target_weight,
                rest_seconds: x.rest_seconds,
                notes: x.notes,
            }));
            ProgramRow {
                id: p.id,
                user_id: me,
                name: p.name,
                description: p.description,
                archived: p.archived,
                created_at: p.created_at,
                updated_at: p.updated_at,
            }
        })
        .collect();
    insert_all!(c, pg, &rows, "programs");
    insert_all!(c, pe, &items, "program items");
    let rows: Vec<SessionRow> = workouts
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            user_id: me,
            program_id: s.program_id,
            name: s.name,
            started_at: s.started_at,
            ended_at: s.ended_at,
            notes: s.notes,
            created_at: s.created_at,
            updated_at: s.updated_at,
        })
        .collect();
    insert_all!(c, ws, &rows, "workouts");
    let rows: Vec<LogRow> = logs
        .into_iter()
        .map(|(session, l)| LogRow {
            id: l.id,
            user_id: me,
            session_id: session,
            exercise_id: l.exercise_id,
            set_number: l.set_number,
            reps: l.reps,
            weight: l.weight,
            rpe: l.rpe,
            notes: l.notes,
            created_at: l.created_at,
        })
        .collect();
    insert_all!(c, wl, &rows, "logs");
    let rows: Vec<ProjectRow> = projects
        .into_iter()
        .map(|p| ProjectRow {
            id: p.id,
            user_id: me,
            name: p.name,
            description: p.description,
            status: p.status,
            color: p.color,
            due_date: p.due_date,
            position: p.position,
            created_at: p.created_at,
            updated_at: p.updated_at,
        })
        .collect();
    insert_all!(c, pj, &rows, "projects");
    let rows: Vec<TaskRow> = tasks
        .into_iter()
        .map(|(project, t)| TaskRow {
            id: t.id,
            user_id: me,
            project_id: project,
            title: t.title,
            description: t.description,
            status: t.status,
            priority: t.priority,
            due_date: t.due_date,
            position: t.position,
            completed_at: t.completed_at,
            created_at: t.created_at,
            updated_at: t.updated_at,
        })
        .collect();
    insert_all!(c, tk, &rows, "tasks");
    let rows: Vec<NoteRow> = notes
        .into_iter()
        .map(|(project, n)| NoteRow {
            id: n.id,
            user_id: me,
            project_id: project,
            title: n.title,
            body: n.body,
            created_at: n.created_at,
            updated_at: n.updated_at,
        })
        .collect();
    insert_all!(c, pn, &rows, "notes");
    let rows: Vec<CaptureRow> = captures
        .into_iter()
        .map(|x| {
            let (converted_type, converted_id) = x.converted_to.map(|t| (t.kind, t.id)).unzip();
            CaptureRow {
                id: x.id,
                user_id: me,
                content: x.content,
                source: x.source,
                status: x.status,
                converted_type,
                converted_id,
                created_at: x.created_at,
                processed_at: x.processed_at,
            }
        })
        .collect();
    insert_all!(c, cp, &rows, "captures");
    let mut overrides = Vec::new();
    let rows: Vec<EventRow> = events
        .into_iter()
        .map(|e| {
            let ev = e.event;
            overrides.extend(e.overrides.into_iter().map(|o| OverrideRow {
                event_id: ev.id.0,
                user_id: me,
                recurrence_id: o.recurrence_id.instant(),
                title: o.title,
                description: o.description,
                location: o.location,
                starts_at: o.start.as_ref().map(When::instant),
                ends_at: o.end.as_ref().map(When::instant),
                color: o.color,
            }));
            EventRow {
                id: ev.id.0,
                user_id: me,
                title: ev.title,
                description: ev.description,
                location: ev.location,
                all_day: ev.span.all_day(),
                starts_at: ev.span.start().instant(),
                ends_at: ev.span.end().instant(),
                timezone: ev.timezone.name().to_string(),
                rrule: ev.rrule,
                exdates: ev.exdates.into_iter().map(|w| Some(w.instant())).collect(),
                color: ev.color,
                series_end: e.series_end,
                created_at: ev.created_at,
                updated_at: ev.updated_at,
            }
        })
        .collect();
    insert_all!(c, ev, &rows, "events");
    insert_all!(c, eo, &overrides, "changed occurrences");
    Ok(())
}

#[async_trait]
impl ImportStore for PgStore {
    async fn restore(
        &self,
        user: UserId,
        wanted: Wanted,
        planner: Planner,
    ) -> Result<Report, ImportError> {
        let me = user.0;
        let started = Instant::now();
        let mut conn = self.conn().await?;
        let report = conn
            .transaction(async |c| {
                crate::raw::query(
                    "SELECT pg_advisory_xact_lock(hashtextextended('import:' || $1::text, 0))",
                )
                .bind::<SqlUuid, _>(me)
                .execute(c)
                .await?;
                let wanted = wanted;
                let facts = facts(c, me, &wanted).await?;
                // Megabytes for a large document: not held while writing.
                drop(wanted);
                // Reading and planning the document is blocking work (a
                // file, a parser): on its own thread, handing batches over
                // one at a time, so memory holds a couple of batches.
                let (tx, mut rx) = tokio::sync::mpsc::channel::<Restore>(1);
                let planning = tokio::task::spawn_blocking(move || {
                    planner(&facts, &mut |batch| tx.blocking_send(batch).is_ok())
                });
                let mut journal = false;
                while let Some(batch) = rx.recv().await {
                    if !journal && !batch.journal.is_empty() {
                        // The streak trigger is off for the bulk insert;
                        // the streaks are rebuilt once after the last batch.
                        c.batch_execute("SELECT set_config('lifeos.bulk_journal', 'on', true)")
                            .await?;
                        journal = true;
                    }
                    write(c, me, batch).await?;
                }
                let report = planning
                    .await
                    .map_err(|e| TxError::Planner(e.to_string()))?
                    .map_err(TxError::Refused)?;
                if journal {
                    crate::raw::query("SELECT journal_runs_rebuild($1)")
                        .bind::<SqlUuid, _>(me)
                        .execute(c)
                        .await?;
                    c.batch_execute("SELECT set_config('lifeos.bulk_journal', 'off', true)")
                        .await?;
                }
                Ok::<_, TxError>(report)
            })
            .await
            .map_err(|e| match e {
                TxError::Db(d) => ImportError::Store(store_error(d)),
                TxError::Refused(r) => r,
                TxError::Planner(why) => {
                    ImportError::Store(StoreError::internal(format!("planning the import: {why}")))
                }
            })?;
        tracing::info!(user = %me, ms = started.elapsed().as_millis() as u64, "import: committed");
        Ok(report)
    }
}
