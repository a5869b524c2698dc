//! The projects port over PostgreSQL. Each list change is one transaction
//! that first locks the list's parent row (`users` for projects, `projects`
//! for tasks), so concurrent inserts, moves, deletes and reorders serialise
//! and positions stay 0..n-1.

use crate::owner::{filter_owner, stands, token_bound};
use crate::paged::Paginate;
use crate::schema::{project_notes as pn, projects as pr, tasks as tk, users};
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Array, BigInt, Date, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use lifeos_kernel::{Caller, PageRequest, StoreError, UserId};
use lifeos_projects::{
    Color, Description, NewNote, NewProject, NewTask, Note, NoteChanges, NoteId, Priority, Project,
    ProjectChanges, ProjectId, ProjectName, ProjectRepository, ProjectStatus, Task, TaskChanges,
    TaskFilter, TaskId, TaskStatus, TaskTitle, check_order,
};
use uuid::Uuid;

type Reordered<T> = Result<Vec<T>, lifeos_kernel::FieldError>;

fn bad(what: &str, v: &str) -> DieselError {
    DieselError::DeserializationError(format!("stored {what} {v:?}").into())
}

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ProjectRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    description: Option<String>,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    color: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    due_date: Option<NaiveDate>,
    #[diesel(sql_type = Int4)]
    position: i32,
    #[diesel(sql_type = BigInt)]
    task_total: i64,
    #[diesel(sql_type = BigInt)]
    task_done: i64,
    /// How many projects the list has (all pages); null for one project.
    #[diesel(sql_type = Nullable<BigInt>)]
    list_total: Option<i64>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
}

impl ProjectRow {
    fn into_project(self) -> Result<Project, DieselError> {
        Ok(Project {
            id: ProjectId(self.id),
            status: ProjectStatus::parse("status", &self.status)
                .map_err(|_e| bad("status", &self.status))?,
            name: self.name,
            description: self.description,
            color: self.color,
            due_date: self.due_date,
            position: self.position,
            task_total: self.task_total,
            task_done: self.task_done,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Projects of `user` with task counts, in one statement (no query per project).
/// The page is cut before the counts are joined: the statement is prepared
/// once per connection, and PostgreSQL's generic plan (chosen after five
/// runs) cannot see the page size, so with the join outside the page it
/// counted the tasks of every project (5x slower at 200 projects).
async fn load_projects(
    c: &mut AsyncPgConnection,
    user: UserId,
    only: Option<Uuid>,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<(Project, Option<i64>)>, DieselError> {
    load_projects_for(c, Caller::from(user), only, status, limit, offset).await
}

/// As [`load_projects`], for a [`Caller`] whose token the read may check:
/// the owner is `(SELECT id FROM users WHERE id = $1 AND ($6 IS NULL OR
/// updated_at < $6))`, one primary-key probe run once (an InitPlan) that
/// is NULL, and the page empty, when the token's session has ended (see
/// `crate::owner`).
async fn load_projects_for(
    c: &mut AsyncPgConnection,
    caller: Caller,
    only: Option<Uuid>,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<(Project, Option<i64>)>, DieselError> {
    let rows: Vec<ProjectRow> = crate::raw::query(
        "WITH o AS (SELECT u.id FROM users u \
                    WHERE u.id = $1 AND ($6::timestamptz IS NULL OR u.updated_at < $6)) \
         SELECT p.id, p.name, p.description, p.status, p.color, p.due_date, p.position, \
                p.created_at, p.updated_at, \
                COALESCE(c.total, 0) AS task_total, COALESCE(c.done, 0) AS task_done, \
                CASE WHEN $2::uuid IS NULL THEN (SELECT count(*) FROM projects q \
                     WHERE q.user_id = (SELECT id FROM o) AND ($3::text IS NULL OR q.status = $3)) END AS list_total \
         FROM (SELECT * FROM projects p \
               WHERE p.user_id = (SELECT id FROM o) AND ($2::uuid IS NULL OR p.id = $2) \
                 AND ($3::text IS NULL OR p.status = $3) \
               ORDER BY p.position, p.created_at, p.id LIMIT $4 OFFSET $5) p \
         LEFT JOIN LATERAL ( \
             SELECT count(*) AS total, count(*) FILTER (WHERE t.status = 'done') AS done \
             FROM tasks t WHERE t.project_id = p.id) c ON true \
         ORDER BY p.position, p.created_at, p.id",
    )
    .bind::<SqlUuid, _>(caller.user.0)
    .bind::<Nullable<SqlUuid>, _>(only)
    .bind::<Nullable<Text>, _>(status)
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(offset)
    .bind::<Nullable<Timestamptz>, _>(caller.token_issued_at.map(token_bound))
    .load(c)
    .await?;
    rows.into_iter()
        .map(|row| {
            let total = row.list_total;
            row.into_project().map(|p| (p, total))
        })
        .collect()
}

#[derive(Queryable, Selectable, QueryableByName)]
#[diesel(table_name = tk)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub(crate) struct TaskRow {
    id: Uuid,
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

impl TaskRow {
    fn into_task(self) -> Result<Task, DieselError> {
        Ok(Task {
            id: TaskId(self.id),
            project_id: ProjectId(self.project_id),
            status: TaskStatus::parse("status", &self.status)
                .map_err(|_e| bad("status", &self.status))?,
            priority: self
                .priority
                .as_deref()
                .map(|p| Priority::parse("priority", p).map_err(|_e| bad("priority", p)))
                .transpose()?,
            title: self.title,
            description: self.description,
            due_date: self.due_date,
            position: self.position,
            completed_at: self.completed_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub(crate) fn tasks(rows: Vec<TaskRow>) -> Result<Vec<Task>, DieselError> {
    rows.into_iter().map(TaskRow::into_task).collect()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = pn)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct NoteRow {
    id: Uuid,
    project_id: Uuid,
    title: String,
    body: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<NoteRow> for Note {
    fn from(r: NoteRow) -> Self {
        Self {
            id: NoteId(r.id),
            project_id: ProjectId(r.project_id),
            title: r.title,
            body: r.body,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Locks the user's project list.
pub(crate) async fn lock_user(c: &mut AsyncPgConnection, user: UserId) -> Result<(), DieselError> {
    users::table
        .find(user.0)
        .select(users::id)
        .for_update()
        .first::<Uuid>(c)
        .await
        .map(|_| ())
}

/// Locks projects of `user` (in id order, so two movers never deadlock);
/// returns how many of `ids` were found.
async fn lock_projects(
    c: &mut AsyncPgConnection,
    user: UserId,
    ids: &[Uuid],
) -> Result<usize, DieselError> {
    let found: Vec<Uuid> = pr::table
        .filter(pr::user_id.eq(user.0))
        .filter(pr::id.eq_any(ids))
        .order(pr::id)
        .select(pr::id)
        .for_update()
        .load(c)
        .await?;
    Ok(found.len())
}

/// Whether `project` is one of `user`'s projects.
async fn owns_project(
    c: &mut AsyncPgConnection,
    user: UserId,
    project: ProjectId,
) -> Result<bool, DieselError> {
    let n: i64 = pr::table
        .filter(pr::id.eq(project.0))
        .filter(pr::user_id.eq(user.0))
        .count()
        .get_result(c)
        .await?;
    Ok(n > 0)
}

async fn task_count(c: &mut AsyncPgConnection, project: Uuid) -> Result<i32, DieselError> {
    let n: i64 = tk::table
        .filter(tk::project_id.eq(project))
        .count()
        .get_result(c)
        .await?;
    Ok(i32::try_from(n).unwrap_or(i32::MAX))
}

/// Sets positions to the order of `ids` (0-based) in one statement.
async fn apply_order(
    c: &mut AsyncPgConnection,
    table: &str,
    scope: &str,
    scope_id: Uuid,
    ids: &[Uuid],
) -> Result<(), DieselError> {
    crate::raw::query(format!(
        "UPDATE {table} t SET position = v.ord - 1 \
         FROM unnest($1::uuid[]) WITH ORDINALITY AS v(id, ord) \
         WHERE t.id = v.id AND t.{scope} = $2"
    ))
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<SqlUuid, _>(scope_id)
    .execute(c)
    .await
    .map(|_| ())
}

fn fk_is_not_found(e: DieselError) -> StoreError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
            StoreError::NotFound
        }
        other => store_error(other),
    }
}

/// Appends a task to its project on `c`, which must be inside a transaction
/// (shared with capture conversion). `NotFound` when the project is not the user's.
pub(crate) async fn insert_task_on(
    c: &mut AsyncPgConnection,
    t: &NewTask,
) -> Result<Task, DieselError> {
    if lock_projects(c, t.user, &[t.project_id.0]).await? == 0 {
        return Err(DieselError::NotFound);
    }
    let position = task_count(c, t.project_id.0).await?;
    let row: TaskRow = diesel::insert_into(tk::table)
        .values((
            tk::id.eq(t.id.0),
            tk::user_id.eq(t.user.0),
            tk::project_id.eq(t.project_id.0),
            tk::title.eq(t.title.as_str()),
            tk::description.eq(t.description.as_ref().map(Description::as_str)),
            tk::status.eq(t.status.as_str()),
            tk::priority.eq(t.priority.map(Priority::as_str)),
            tk::due_date.eq(t.due_date),
            tk::position.eq(position),
            tk::completed_at.eq(t.status.completed_at(None, t.now)),
            tk::created_at.eq(t.now),
            tk::updated_at.eq(t.now),
        ))
        .returning(TaskRow::as_returning())
        .get_result(c)
        .await?;
    row.into_task()
}

#[derive(AsChangeset)]
#[diesel(table_name = pr)]
struct ProjectChangeset {
    name: Option<String>,
    description: Option<Option<String>>,
    status: Option<String>,
    color: Option<Option<String>>,
    due_date: Option<Option<NaiveDate>>,
    updated_at: DateTime<Utc>,
}

#[derive(AsChangeset)]
#[diesel(table_name = tk)]
struct TaskChangeset {
    title: Option<String>,
    description: Option<Option<String>>,
    status: Option<String>,
    priority: Option<Option<String>>,
    due_date: Option<Option<NaiveDate>>,
    completed_at: Option<Option<DateTime<Utc>>>,
    updated_at: DateTime<Utc>,
}

#[async_trait]
impl ProjectRepository for PgStore {
    async fn create_project(&self, p: NewProject) -> Result<Project, StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| {
            lock_user(c, p.user).await?;
            let n: i64 = pr::table
                .filter(pr::user_id.eq(p.user.0))
                .count()
                .get_result(c)
                .await?;
            diesel::insert_into(pr::table)
                .values((
                    pr::id.eq(p.id.0),
                    pr::user_id.eq(p.user.0),
                    pr::name.eq(p.name.as_str()),
                    pr::description.eq(p.description.as_ref().map(Description::as_str)),
                    pr::status.eq(p.status.as_str()),
                    pr::color.eq(p.color.as_ref().map(Color::as_str)),
                    pr::due_date.eq(p.due_date),
                    pr::position.eq(i32::try_from(n).unwrap_or(i32::MAX)),
                    pr::created_at.eq(p.now),
                    pr::updated_at.eq(p.now),
                ))
                .execute(c)
                .await?;
            load_projects(c, p.user, Some(p.id.0), None, 1, 0)
                .await?
                .pop()
                .map(|(p, _)| p)
                .ok_or(DieselError::NotFound)
        })
        .await
        .map_err(store_error)
    }

    async fn list_projects(
        &self,
        caller: Caller,
        status: Option<ProjectStatus>,
        page: PageRequest,
    ) -> Result<(Vec<Project>, i64), StoreError> {
        let mut conn = self.conn().await?;
        // Page and total in one statement (see `total_of`), the caller's
        // standing checked in it.
        let rows = load_projects_for(
            &mut conn,
            caller,
            None,
            status.map(ProjectStatus::as_str),
            page.limit(),
            page.offset(),
        )
        .await
        .map_err(store_error)?;
        if rows.is_empty() {
            stands(&mut conn, caller).await?;
        }
        let total = crate::total_of(&rows, page.offset(), async || {
            let mut count = filter_owner!(pr::table.into_boxed(), pr::user_id, caller);
            if let Some(s) = status {
                count = count.filter(pr::status.eq(s.as_str()));
            }
            count.count().get_result(&mut conn).await
        })
        .await
        .map_err(store_error)?;
        Ok((rows.into_iter().map(|(p, _)| p).collect(), total))
    }

    async fn get_project(
        &self,
        user: UserId,
        id: ProjectId,
    ) -> Result<Option<Project>, StoreError> {
        let mut conn = self.conn().await?;
        Ok(load_projects(&mut conn, user, Some(id.0), None, 1, 0)
            .await
            .map_err(store_error)?
            .pop()
            .map(|(p, _)| p))
    }

    async fn update_project(
        &self,
        user: UserId,
        id: ProjectId,
        ch: ProjectChanges,
        now: DateTime<Utc>,
    ) -> Result<Project, StoreError> {
        let mut conn = self.conn().await?;
        let n = diesel::update(
            pr::table
                .filter(pr::id.eq(id.0))
                .filter(pr::user_id.eq(user.0)),
        )
        .set(ProjectChangeset {
            name: ch.name.map(ProjectName::into_string),
            description: ch.description.map(|d| d.map(Description::into_string)),
            status: ch.status.map(|s| s.as_str().to_string()),
            color: ch.color.map(|c| c.map(Color::into_string)),
            due_date: ch.due_date,
            updated_at: now,
        })
        .execute(&mut conn)
        .await
        .map_err(store_error)?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        load_projects(&mut conn, user, Some(id.0), None, 1, 0)
            .await
            .map_err(store_error)?
            .pop()
            .map(|(p, _)| p)
            .ok_or(StoreError::NotFound)
    }

    async fn delete_project(&self, user: UserId, id: ProjectId) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| {
            lock_user(c, user).await?;
            // Tasks and notes go with it (ON DELETE CASCADE), in this statement.
            let pos: Option<i32> = diesel::delete(
                pr::table
                    .filter(pr::id.eq(id.0))
                    .filter(pr::user_id.eq(user.0)),
            )
            .returning(pr::position)
            .get_result(c)
            .await
            .optional()?;
            let Some(pos) = pos else { return Ok(false) };
            diesel::update(
                pr::table
                    .filter(pr::user_id.eq(user.0))
                    .filter(pr::position.gt(pos)),
            )
            .set(pr::position.eq(pr::position - 1))
            .execute(c)
            .await?;
            Ok(true)
        })
        .await
        .map_err(store_error)
    }

    async fn reorder_projects(
        &self,
        user: UserId,
        ids: &[ProjectId],
        _now: DateTime<Utc>,
    ) -> Result<Reordered<Project>, StoreError> {
        let mut conn = self.conn().await?;
        let ids: Vec<Uuid> = ids.iter().map(|p| p.0).collect();
        conn.transaction(async |c| {
            lock_user(c, user).await?;
            let current: Vec<Uuid> = pr::table
                .filter(pr::user_id.eq(user.0))
                .select(pr::id)
                .load(c)
                .await?;
            if let Err(e) = check_order(&current, &ids) {
                return Ok(Err(e));
            }
            apply_order(c, "projects", "user_id", user.0, &ids).await?;
            let all = load_projects(c, user, None, None, i64::MAX, 0).await?;
            Ok(Ok(all.into_iter().map(|(p, _)| p).collect()))
        })
        .await
        .map_err(store_error)
    }

    async fn create_task(&self, t: NewTask) -> Result<Task, StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| insert_task_on(c, &t).await)
            .await
            .map_err(store_error)
    }

    async fn list_project_tasks(
        &self,
        user: UserId,
        project: ProjectId,
        status: Option<TaskStatus>,
        page: PageRequest,
    ) -> Result<Option<(Vec<Task>, i64)>, StoreError> {
        let mut conn = self.conn().await?;
        if !owns_project(&mut conn, user, project)
            .await
            .map_err(store_error)?
        {
            return Ok(None);
        }
        let base = || {
            let mut q = tk::table
                .filter(tk::project_id.eq(project.0))
                .filter(tk::user_id.eq(user.0))
                .into_boxed();
            if let Some(s) = status {
                q = q.filter(tk::status.eq(s.as_str()));
            }
            q
        };
        let total: i64 = base()
            .count()
            .get_result(&mut conn)
            .await
            .map_err(store_error)?;
        let rows: Vec<TaskRow> = base()
            .order((tk::position, tk::id))
            .select(TaskRow::as_select())
            .paged(page)
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        Ok(Some((tasks(rows).map_err(store_error)?, total)))
    }

    async fn list_tasks(
        &self,
        caller: Caller,
        f: &TaskFilter,
    ) -> Result<(Vec<Task>, i64), StoreError> {
        let mut conn = self.conn().await?;
        let base = || {
            // One plan for every user, the caller's standing checked in
            // the same statement (see `owner`).
            let mut q = filter_owner!(tk::table.into_boxed(), tk::user_id, caller);
            if let Some(s) = f.status {
                q = q.filter(tk::status.eq(s.as_str()));
            }
            if let Some(d) = f.due_before {
                q = q.filter(tk::due_date.lt(d));
            }
            q
        };
        // Page and total in one statement (see `total_of`).
        let rows: Vec<(TaskRow, Option<i64>)> = base()
            .order((
                tk::due_date.asc().nulls_last(),
                tk::position,
                tk::created_at,
                tk::id,
            ))
            .select((TaskRow::as_select(), base().count().single_value()))
            .paged(f.page)
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        if rows.is_empty() {
            stands(&mut conn, caller).await?;
        }
        let total = crate::total_of(&rows, f.page.offset(), async || {
            base().count().get_result(&mut conn).await
        })
        .await
        .map_err(store_error)?;
        let rows = rows.into_iter().map(|(row, _)| row).collect();
        Ok((tasks(rows).map_err(store_error)?, total))
    }

    async fn get_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
    ) -> Result<Option<Task>, StoreError> {
        let mut conn = self.conn().await?;
        tk::table
            .filter(tk::id.eq(id.0))
            .filter(tk::project_id.eq(project.0))
            .filter(tk::user_id.eq(user.0))
            .select(TaskRow::as_select())
            .first(&mut conn)
            .await
            .optional()
            .and_then(|r| r.map(TaskRow::into_task).transpose())
            .map_err(store_error)
    }

    async fn update_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
        ch: TaskChanges,
        now: DateTime<Utc>,
    ) -> Result<Task, StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| {
            let target = ch.project_id.filter(|p| *p != project);
            let mut lock = vec![project.0];
            lock.extend(target.map(|p| p.0));
            if lock_projects(c, user, &lock).await? != lock.len() {
                return Err(DieselError::NotFound);
            }
            let row: TaskRow = tk::table
                .filter(tk::id.eq(id.0))
                .filter(tk::project_id.eq(project.0))
                .filter(tk::user_id.eq(user.0))
                .select(TaskRow::as_select())
                .for_update()
                .first(c)
                .await?;
            if let Some(to) = target {
                let position = task_count(c, to.0).await?;
                diesel::update(tk::table.find(id.0))
                    .set((tk::project_id.eq(to.0), tk::position.eq(position)))
                    .execute(c)
                    .await?;
                diesel::update(
                    tk::table
                        .filter(tk::project_id.eq(project.0))
                        .filter(tk::position.gt(row.position)),
                )
                .set(tk::position.eq(tk::position - 1))
                .execute(c)
                .await?;
            }
            let completed_at = ch.status.map(|s| s.completed_at(row.completed_at, now));
            let updated: TaskRow = diesel::update(tk::table.find(id.0))
                .set(TaskChangeset {
                    title: ch.title.map(TaskTitle::into_string),
                    description: ch.description.map(|d| d.map(Description::into_string)),
                    status: ch.status.map(|s| s.as_str().to_string()),
                    priority: ch.priority.map(|p| p.map(|p| p.as_str().to_string())),
                    due_date: ch.due_date,
                    completed_at,
                    updated_at: now,
                })
                .returning(TaskRow::as_returning())
                .get_result(c)
                .await?;
            updated.into_task()
        })
        .await
        .map_err(store_error)
    }

    async fn delete_task(
        &self,
        user: UserId,
        project: ProjectId,
        id: TaskId,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| {
            if lock_projects(c, user, &[project.0]).await? == 0 {
                return Ok(false);
            }
            let pos: Option<i32> = diesel::delete(
                tk::table
                    .filter(tk::id.eq(id.0))
                    .filter(tk::project_id.eq(project.0))
                    .filter(tk::user_id.eq(user.0)),
            )
            .returning(tk::position)
            .get_result(c)
            .await
            .optional()?;
            let Some(pos) = pos else { return Ok(false) };
            diesel::update(
                tk::table
                    .filter(tk::project_id.eq(project.0))
                    .filter(tk::position.gt(pos)),
            )
            .set(tk::position.eq(tk::position - 1))
            .execute(c)
            .await?;
            Ok(true)
        })
        .await
        .map_err(store_error)
    }

    async fn reorder_tasks(
        &self,
        user: UserId,
        project: ProjectId,
        ids: &[TaskId],
        _now: DateTime<Utc>,
    ) -> Result<Reordered<Task>, StoreError> {
        let mut conn = self.conn().await?;
        let ids: Vec<Uuid> = ids.iter().map(|t| t.0).collect();
        conn.transaction(async |c| {
            if lock_projects(c, user, &[project.0]).await? == 0 {
                return Err(DieselError::NotFound);
            }
            let current: Vec<Uuid> = tk::table
                .filter(tk::project_id.eq(project.0))
                .select(tk::id)
                .load(c)
                .await?;
            if let Err(e) = check_order(&current, &ids) {
                return Ok(Err(e));
            }
            apply_order(c, "tasks", "project_id", project.0, &ids).await?;
            let rows: Vec<TaskRow> = tk::table
                .filter(tk::project_id.eq(project.0))
                .order(tk::position)
                .select(TaskRow::as_select())
                .load(c)
                .await?;
            Ok(Ok(tasks(rows)?))
        })
        .await
        .map_err(store_error)
    }

    async fn create_note(&self, n: NewNote) -> Result<Note, StoreError> {
        let mut conn = self.conn().await?;
        diesel::insert_into(pn::table)
            .values((
                pn::id.eq(n.id.0),
                pn::user_id.eq(n.user.0),
                pn::project_id.eq(n.project_id.0),
                pn::title.eq(n.title.as_str()),
                pn::body.eq(n.body.as_str()),
                pn::created_at.eq(n.now),
                pn::updated_at.eq(n.now),
            ))
            .returning(NoteRow::as_returning())
            .get_result::<NoteRow>(&mut conn)
            .await
            .map(Note::from)
            .map_err(fk_is_not_found)
    }

    async fn list_notes(
        &self,
        user: UserId,
        project: ProjectId,
        page: PageRequest,
    ) -> Result<Option<(Vec<Note>, i64)>, StoreError> {
        let mut conn = self.conn().await?;
        if !owns_project(&mut conn, user, project)
            .await
            .map_err(store_error)?
        {
            return Ok(None);
        }
        let base = || {
            pn::table
                .filter(pn::project_id.eq(project.0))
                .filter(pn::user_id.eq(user.0))
        };
        let total: i64 = base()
            .count()
            .get_result(&mut conn)
            .await
            .map_err(store_error)?;
        let rows: Vec<NoteRow> = base()
            .order((pn::created_at.desc(), pn::id.desc()))
            .select(NoteRow::as_select())
            .paged(page)
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        Ok(Some((rows.into_iter().map(Note::from).collect(), total)))
    }

    async fn get_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
    ) -> Result<Option<Note>, StoreError> {
        let mut conn = self.conn().await?;
        pn::table
            .filter(pn::id.eq(id.0))
            .filter(pn::project_id.eq(project.0))
            .filter(pn::user_id.eq(user.0))
            .select(NoteRow::as_select())
            .first::<NoteRow>(&mut conn)
            .await
            .optional()
            .map(|r| r.map(Note::from))
            .map_err(store_error)
    }

    async fn update_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
        ch: NoteChanges,
        now: DateTime<Utc>,
    ) -> Result<Note, StoreError> {
        let mut conn = self.conn().await?;
        diesel::update(
            pn::table
                .filter(pn::id.eq(id.0))
                .filter(pn::project_id.eq(project.0))
                .filter(pn::user_id.eq(user.0)),
        )
        .set((
            ch.title.map(|t| pn::title.eq(t.into_string())),
            ch.body.map(|b| pn::body.eq(b.into_string())),
            pn::updated_at.eq(now),
        ))
        .returning(NoteRow::as_returning())
        .get_result::<NoteRow>(&mut conn)
        .await
        .map(Note::from)
        .map_err(store_error)
    }

    async fn delete_note(
        &self,
        user: UserId,
        project: ProjectId,
        id: NoteId,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(
            pn::table
                .filter(pn::id.eq(id.0))
                .filter(pn::project_id.eq(project.0))
                .filter(pn::user_id.eq(user.0)),
        )
        .execute(&mut conn)
        .await
        .map(|n| n > 0)
        .map_err(store_error)
    }
}
