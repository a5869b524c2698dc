//! The journal port over PostgreSQL.

use crate::owner::{filter_owner, standing_owner, stands, token_bound};
use crate::paged::Paginate;
use crate::schema::journal_entries as je;
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use diesel_async::RunQueryDsl;
use lifeos_journal::{
    Entry, EntryChanges, EntryFilter, EntryId, EntryKind, EntryRepository, Island, NewEntry,
};
use lifeos_kernel::{Caller, StoreError, UserId, WeekStart};
use serde_json::Value;
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = je)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct EntryRow {
    id: Uuid,
    entry_type: String,
    entry_date: NaiveDate,
    content: Value,
    word_count: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn kind(s: &str) -> Result<EntryKind, StoreError> {
    EntryKind::parse("entry_type", s)
        .map_err(|_bad| StoreError::internal(format!("stored entry_type {s}")))
}

impl EntryRow {
    fn into_entry(self) -> Result<Entry, StoreError> {
        Ok(Entry {
            id: EntryId(self.id),
            kind: kind(&self.entry_type)?,
            entry_date: self.entry_date,
            content: self.content,
            word_count: self.word_count,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = je)]
struct NewEntryRow<'a> {
    id: Uuid,
    user_id: Uuid,
    entry_type: &'a str,
    entry_date: NaiveDate,
    period_start: NaiveDate,
    content: &'a Value,
    word_count: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(AsChangeset)]
#[diesel(table_name = je)]
struct EntryChangeset {
    content: Option<Value>,
    word_count: Option<i32>,
    entry_date: Option<NaiveDate>,
    period_start: Option<NaiveDate>,
    updated_at: DateTime<Utc>,
}

/// Inserts one entry on `conn` (shared with capture conversion, which runs it
/// inside its own transaction).
pub(crate) async fn insert_entry_on(
    conn: &mut diesel_async::AsyncPgConnection,
    e: &NewEntry,
) -> Result<Entry, diesel::result::Error> {
    let row: EntryRow = diesel::insert_into(je::table)
        .values(NewEntryRow {
            id: e.id.0,
            user_id: e.user.0,
            entry_type: e.kind.as_str(),
            entry_date: e.entry_date,
            period_start: e.period_start,
            content: &e.content,
            word_count: e.word_count,
            created_at: e.now,
            updated_at: e.now,
        })
        .returning(EntryRow::as_returning())
        .get_result(conn)
        .await?;
    row.into_entry()
        .map_err(|err| diesel::result::Error::DeserializationError(err.to_string().into()))
}

fn filtered(caller: Caller, f: &EntryFilter) -> je::BoxedQuery<'static, diesel::pg::Pg> {
    // A full-text search keeps the user's own estimate (the planner weighs
    // the search index against the user's rows), its caller's standing a
    // one-time filter; a plain list is planned once for every user (see
    // `owner`).
    let mut q = if f.q.is_some() {
        let q = je::table.filter(je::user_id.eq(caller.user.0)).into_boxed();
        match caller.token_issued_at {
            None => q,
            Some(t) => q.filter(standing_owner(caller.user.0, token_bound(t)).is_not_null()),
        }
    } else {
        filter_owner!(je::table.into_boxed(), je::user_id, caller)
    };
    if let Some(k) = f.kind {
        q = q.filter(je::entry_type.eq(k.as_str()));
    }
    if let Some(d) = f.date_from {
        q = q.filter(je::entry_date.ge(d));
    }
    if let Some(d) = f.date_to {
        q = q.filter(je::entry_date.le(d));
    }
    if let Some(text) = &f.q {
        q = q.filter(
            diesel::dsl::sql::<Bool>("search @@ websearch_to_tsquery('english', ")
                .bind::<Text, _>(text.clone())
                .sql(")"),
        );
    }
    q
}

#[async_trait]
impl EntryRepository for PgStore {
    async fn insert_entry(&self, entry: NewEntry) -> Result<Entry, StoreError> {
        let mut conn = self.conn().await?;
        insert_entry_on(&mut conn, &entry)
            .await
            .map_err(store_error)
    }

    async fn get_entry(&self, user: UserId, id: EntryId) -> Result<Option<Entry>, StoreError> {
        let mut conn = self.conn().await?;
        je::table
            .filter(je::id.eq(id.0))
            .filter(je::user_id.eq(user.0))
            .select(EntryRow::as_select())
            .first(&mut conn)
            .await
            .optional()
            .map_err(store_error)?
            .map(EntryRow::into_entry)
            .transpose()
    }

    async fn update_entry(
        &self,
        user: UserId,
        id: EntryId,
        c: EntryChanges,
    ) -> Result<Entry, StoreError> {
        let mut conn = self.conn().await?;
        let (content, word_count) = c.content.map_or((None, None), |(v, w)| (Some(v), Some(w)));
        let (entry_date, period_start) = c.date.map_or((None, None), |(d, p)| (Some(d), Some(p)));
        diesel::update(
            je::table
                .filter(je::id.eq(id.0))
                .filter(je::user_id.eq(user.0)),
        )
        .set(EntryChangeset {
            content,
            word_count,
            entry_date,
            period_start,
            updated_at: c.now,
        })
        .returning(EntryRow::as_returning())
        .get_result(&mut conn)
        .await
        .map_err(store_error)?
        .into_entry()
    }

    async fn delete_entry(&self, user: UserId, id: EntryId) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(
            je::table
                .filter(je::id.eq(id.0))
                .filter(je::user_id.eq(user.0)),
        )
        .execute(&mut conn)
        .await
        .map(|n| n > 0)
        .map_err(store_error)
    }

    async fn list_entries(
        &self,
        caller: Caller,
        f: &EntryFilter,
    ) -> Result<(Vec<Entry>, i64), StoreError> {
        let mut conn = self.conn().await?;
        // The caller's standing, the page and the total in one statement
        // (the count is an uncorrelated subquery, run once); a second one
        // only for an empty page.
        let rows: Vec<(EntryRow, Option<i64>)> = filtered(caller, f)
            .order((je::entry_date.desc(), je::created_at.desc(), je::id.desc()))
            .select((
                EntryRow::as_select(),
                filtered(caller, f).count().single_value(),
            ))
            .paged(f.page)
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        if rows.is_empty() {
            stands(&mut conn, caller).await?;
        }
        let total = crate::total_of(&rows, f.page.offset(), async || {
            filtered(caller, f).count().get_result(&mut conn).await
        })
        .await
        .map_err(store_error)?;
        let rows = rows.into_iter().map(|(row, _)| row);
        let items = rows
            .into_iter()
            .map(EntryRow::into_entry)
            .collect::<Result<_, _>>()?;
        Ok((items, total))
    }

    async fn entry_islands(
        &self,
        user: UserId,
        week_start: WeekStart,
        recent_from: NaiveDate,
    ) -> Result<Vec<(EntryKind, Island)>, StoreError> {
        let mut conn = self.conn().await?;
        // Gaps and islands in SQL: a handful of rows whatever the history's
        // length. Weekly reviews are grouped by the user's current weeks.
        let first_dow = match week_start {
            WeekStart::Monday => 1,
            WeekStart::Sunday => 0,
        };
        // Daily kinds read `journal_runs` (kept by a trigger): the runs that
        // end recently and the longest one, by index, whatever the history's
        // length. Weekly reviews are few and grouped here under the current
        // week start.
        let rows: Vec<IslandRow> = crate::raw::query(
            "SELECT entry_type, first_day AS start, last_day AS finish, \
                    (last_day - first_day + 1)::bigint AS len \
             FROM journal_runs WHERE user_id = $1 AND last_day >= $3 \
             UNION ALL \
             SELECT k.kind, r.first_day, r.last_day, (r.last_day - r.first_day + 1)::bigint \
             FROM (VALUES ('morning_pages'), ('daily_reflection')) AS k(kind), LATERAL ( \
                 SELECT first_day, last_day FROM journal_runs \
                 WHERE user_id = $1 AND entry_type = k.kind \
                 ORDER BY (last_day - first_day) DESC LIMIT 1) r \
             UNION ALL \
             SELECT 'weekly_review', min(period), max(period), count(*) \
             FROM (SELECT period, period - 7 * (row_number() OVER (ORDER BY period))::int AS grp \
                   FROM (SELECT DISTINCT entry_date - ((extract(dow FROM entry_date)::int - $2 + 7) % 7) AS period \
                         FROM journal_entries \
                         WHERE user_id = $1 AND entry_type = 'weekly_review') w) g \
             GROUP BY grp",
        )
        .bind::<diesel::sql_types::Uuid, _>(user.0)
        .bind::<diesel::sql_types::Int4, _>(first_dow)
        .bind::<diesel::sql_types::Date, _>(recent_from)
        .load(&mut conn)
        .await
        .map_err(store_error)?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    kind(&r.entry_type)?,
                    Island {
                        start: r.start,
                        end: r.finish,
                        len: u32::try_from(r.len).unwrap_or(u32::MAX),
                    },
                ))
            })
            .collect()
    }
}

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct IslandRow {
    #[diesel(sql_type = Text)]
    entry_type: String,
    #[diesel(sql_type = diesel::sql_types::Date)]
    start: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::Date)]
    finish: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    len: i64,
}
