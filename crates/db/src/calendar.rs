//! Events and their changed occurrences. A span is two instants (all-day
//! dates as UTC midnights, told apart by `all_day`); the window query reads
//! events by `(user_id, coalesce(series_end, infinity))` and their
//! overrides with one `= ANY` query: two statements whatever the number of
//! events.

use crate::owner::owner;
use crate::paged::Paginate;
use crate::schema::{event_overrides as eo, events as ev};
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use lifeos_calendar::{Event, EventId, EventRepository, NewEvent, Override, Span, When};
use lifeos_kernel::{PageRequest, StoreError, UserId};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Queryable, Selectable, QueryableByName)]
#[diesel(table_name = ev)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct EventRow {
    id: Uuid,
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
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl EventRow {
    fn into_event(self) -> Result<Event, DieselError> {
        let timezone = self.timezone.parse().map_err(|_bad| {
            DieselError::DeserializationError(format!("stored time zone {}", self.timezone).into())
        })?;
        let span = if self.all_day {
            Span::AllDay {
                start: self.starts_at.date_naive(),
                end: self.ends_at.date_naive(),
            }
        } else {
            Span::Timed {
                start: self.starts_at,
                end: self.ends_at,
            }
        };
        Ok(Event {
            id: EventId(self.id),
            title: self.title,
            description: self.description,
            location: self.location,
            span,
            timezone,
            rrule: self.rrule,
            exdates: self
                .exdates
                .into_iter()
                .flatten()
                .map(|t| When::from_instant(t, self.all_day))
                .collect(),
            color: self.color,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = ev)]
#[diesel(treat_none_as_null = true)]
struct EventValues<'a> {
    title: &'a str,
    description: Option<&'a str>,
    location: Option<&'a str>,
    all_day: bool,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    timezone: &'a str,
    rrule: Option<&'a str>,
    exdates: Vec<DateTime<Utc>>,
    color: Option<&'a str>,
    series_end: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

fn values(e: &NewEvent) -> EventValues<'_> {
    let ev = &e.event;
    EventValues {
        title: &ev.title,
        description: ev.description.as_deref(),
        location: ev.location.as_deref(),
        all_day: ev.span.all_day(),
        starts_at: ev.span.start().instant(),
        ends_at: ev.span.end().instant(),
        timezone: ev.timezone.name(),
        rrule: ev.rrule.as_deref(),
        exdates: ev.exdates.iter().map(When::instant).collect(),
        color: ev.color.as_deref(),
        series_end: e.series_end,
        updated_at: ev.updated_at,
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = eo)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct OverrideRow {
    event_id: Uuid,
    recurrence_id: DateTime<Utc>,
    title: Option<String>,
    description: Option<String>,
    location: Option<String>,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    color: Option<String>,
}

impl OverrideRow {
    fn into_override(self, all_day: bool) -> Override {
        Override {
            recurrence_id: When::from_instant(self.recurrence_id, all_day),
            title: self.title,
            description: self.description,
            location: self.location,
            start: self.starts_at.map(|t| When::from_instant(t, all_day)),
            end: self.ends_at.map(|t| When::from_instant(t, all_day)),
            color: self.color,
        }
    }
}

/// Inserts one event on `conn` (shared with capture conversion, which runs
/// it inside its own transaction).
pub(crate) async fn insert_event_on(
    conn: &mut AsyncPgConnection,
    e: &NewEvent,
) -> Result<Event, DieselError> {
    diesel::insert_into(ev::table)
        .values((
            ev::id.eq(e.event.id.0),
            ev::user_id.eq(e.user.0),
            ev::created_at.eq(e.event.created_at),
            values(e),
        ))
        .returning(EventRow::as_returning())
        .get_result::<EventRow>(conn)
        .await?
        .into_event()
}

/// The overrides of `events`, grouped by event, in one query.
async fn overrides_of(
    conn: &mut AsyncPgConnection,
    events: &[Event],
) -> Result<HashMap<Uuid, Vec<Override>>, DieselError> {
    let ids: Vec<Uuid> = events.iter().map(|e| e.id.0).collect();
    let all_day: HashMap<Uuid, bool> = events.iter().map(|e| (e.id.0, e.span.all_day())).collect();
    let rows: Vec<OverrideRow> = eo::table
        .filter(eo::event_id.eq_any(&ids))
        .select(OverrideRow::as_select())
        .load(conn)
        .await?;
    let mut by_event: HashMap<Uuid, Vec<Override>> = HashMap::new();
    for r in rows {
        let flag = all_day.get(&r.event_id).copied().unwrap_or(false);
        by_event
            .entry(r.event_id)
            .or_default()
            .push(r.into_override(flag));
    }
    Ok(by_event)
}

#[async_trait]
impl EventRepository for PgStore {
    async fn insert_event(&self, e: NewEvent) -> Result<Event, StoreError> {
        let mut conn = self.conn().await?;
        insert_event_on(&mut conn, &e).await.map_err(store_error)
    }

    async fn get_event(
        &self,
        user: UserId,
        id: EventId,
    ) -> Result<Option<(Event, Vec<Override>)>, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<EventRow> = ev::table
            .filter(ev::id.eq(id.0))
            .filter(ev::user_id.eq(user.0))
            .select(EventRow::as_select())
            .first(&mut conn)
            .await
            .optional()
            .map_err(store_error)?;
        let Some(row) = row else { return Ok(None) };
        let event = row.into_event().map_err(store_error)?;
        let mut by_event = overrides_of(&mut conn, std::slice::from_ref(&event))
            .await
            .map_err(store_error)?;
        let overrides = by_event.remove(&event.id.0).unwrap_or_default();
        Ok(Some((event, overrides)))
    }

    async fn list_events(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<(Vec<Event>, i64), StoreError> {
        let mut conn = self.conn().await?;
        let total: i64 = ev::table
            .filter(ev::user_id.nullable().eq(owner(user.0)))
            .count()
            .get_result(&mut conn)
            .await
            .map_err(store_error)?;
        let rows: Vec<EventRow> = ev::table
            .filter(ev::user_id.nullable().eq(owner(user.0)))
            .order((ev::starts_at.asc(), ev::id.asc()))
            .select(EventRow::as_select())
            .paged(page)
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        let items = rows
            .into_iter()
            .map(EventRow::into_event)
            .collect::<Result<_, _>>()
            .map_err(store_error)?;
        Ok((items, total))
    }

    async fn update_event(&self, e: NewEvent, drop: &[When]) -> Result<Event, StoreError> {
        let mut conn = self.conn().await?;
        let drop: Vec<DateTime<Utc>> = drop.iter().map(When::instant).collect();
        conn.transaction(async |c| {
            let row: EventRow = diesel::update(
                ev::table
                    .filter(ev::id.eq(e.event.id.0))
                    .filter(ev::user_id.eq(e.user.0)),
            )
            .set(values(&e))
            .returning(EventRow::as_returning())
            .get_result(c)
            .await?;
            if !drop.is_empty() {
                diesel::delete(
                    eo::table
                        .filter(eo::event_id.eq(e.event.id.0))
                        .filter(eo::recurrence_id.eq_any(&drop)),
                )
                .execute(c)
                .await?;
            }
            row.into_event()
        })
        .await
        .map_err(store_error)
    }

    async fn delete_event(&self, user: UserId, id: EventId) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(
            ev::table
                .filter(ev::id.eq(id.0))
                .filter(ev::user_id.eq(user.0)),
        )
        .execute(&mut conn)
        .await
        .map(|n| n > 0)
        .map_err(store_error)
    }

    async fn events_between(
        &self,
        user: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(Event, Vec<Override>)>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<EventRow> = crate::raw::query(
            "SELECT id, title, description, location, all_day, starts_at, ends_at, timezone, \
                    rrule, exdates, color, created_at, updated_at \
             FROM events \
             WHERE user_id = $1 \
               AND coalesce(series_end, 'infinity'::timestamptz) > $2 \
               AND starts_at < $3",
        )
        .bind::<diesel::sql_types::Uuid, _>(user.0)
        .bind::<diesel::sql_types::Timestamptz, _>(from)
        .bind::<diesel::sql_types::Timestamptz, _>(to)
        .load(&mut conn)
        .await
        .map_err(store_error)?;
        let events: Vec<Event> = rows
            .into_iter()
            .map(EventRow::into_event)
            .collect::<Result<_, _>>()
            .map_err(store_error)?;
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let mut by_event = overrides_of(&mut conn, &events)
            .await
            .map_err(store_error)?;
        Ok(events
            .into_iter()
            .map(|e| {
                let o = by_event.remove(&e.id.0).unwrap_or_default();
                (e, o)
            })
            .collect())
    }

    async fn put_override(
        &self,
        user: UserId,
        id: EventId,
        o: &Override,
        series_end: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        conn.transaction(async |c| {
            diesel::update(
                ev::table
                    .filter(ev::id.eq(id.0))
                    .filter(ev::user_id.eq(user.0)),
            )
            .set((ev::series_end.eq(series_end), ev::updated_at.eq(now)))
            .returning(ev::id)
            .get_result::<Uuid>(c)
            .await?;
            let row = (
                eo::event_id.eq(id.0),
                eo::user_id.eq(user.0),
                eo::recurrence_id.eq(o.recurrence_id.instant()),
                eo::title.eq(o.title.as_deref()),
                eo::description.eq(o.description.as_deref()),
                eo::location.eq(o.location.as_deref()),
                eo::starts_at.eq(o.start.map(|w| w.instant())),
                eo::ends_at.eq(o.end.map(|w| w.instant())),
                eo::color.eq(o.color.as_deref()),
            );
            diesel::insert_into(eo::table)
                .values(row)
                .on_conflict((eo::event_id, eo::recurrence_id))
                .do_update()
                .set((
                    eo::title.eq(o.title.as_deref()),
                    eo::description.eq(o.description.as_deref()),
                    eo::location.eq(o.location.as_deref()),
                    eo::starts_at.eq(o.start.map(|w| w.instant())),
                    eo::ends_at.eq(o.end.map(|w| w.instant())),
                    eo::color.eq(o.color.as_deref()),
                ))
                .execute(c)
                .await?;
            Ok::<_, DieselError>(())
        })
        .await
        .map_err(store_error)
    }

    async fn skip_occurrence(
        &self,
        user: UserId,
        id: EventId,
        rid: When,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let t = rid.instant();
        conn.transaction(async |c| {
            crate::raw::query(
                "UPDATE events SET exdates = CASE WHEN $3 = ANY(exdates) THEN exdates \
                                                  ELSE array_append(exdates, $3) END, \
                                   updated_at = $4 \
                 WHERE id = $1 AND user_id = $2 RETURNING id",
            )
            .bind::<diesel::sql_types::Uuid, _>(id.0)
            .bind::<diesel::sql_types::Uuid, _>(user.0)
            .bind::<diesel::sql_types::Timestamptz, _>(t)
            .bind::<diesel::sql_types::Timestamptz, _>(now)
            .execute(c)
            .await
            .and_then(|n| {
                if n == 1 {
                    Ok(())
                } else {
                    Err(DieselError::NotFound)
                }
            })?;
            diesel::delete(
                eo::table
                    .filter(eo::event_id.eq(id.0))
                    .filter(eo::recurrence_id.eq(t)),
            )
            .execute(c)
            .await?;
            Ok::<_, DieselError>(())
        })
        .await
        .map_err(store_error)
    }
}
