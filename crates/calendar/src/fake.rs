//! An in-memory event repository with the adapter's rules: events are the
//! user's own, a changed occurrence is one per original start, and the
//! window query uses the stored series end.

use crate::model::{Event, EventId, NewEvent, Override, When};
use crate::ports::EventRepository;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{PageRequest, StoreError, UserId};
use std::sync::{Mutex, MutexGuard};

#[derive(Debug, Clone)]
struct Row {
    user: UserId,
    event: Event,
    overrides: Vec<Override>,
    series_end: Option<DateTime<Utc>>,
}

/// Events in memory.
#[derive(Debug, Default)]
pub struct InMemoryEvents(Mutex<Vec<Row>>);

impl InMemoryEvents {
    fn rows(&self) -> MutexGuard<'_, Vec<Row>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn mine(user: UserId, id: EventId) -> impl Fn(&&mut Row) -> bool {
    move |r| r.user == user && r.event.id == id
}

#[async_trait]
impl EventRepository for InMemoryEvents {
    async fn insert_event(&self, e: NewEvent) -> Result<Event, StoreError> {
        self.rows().push(Row {
            user: e.user,
            event: e.event.clone(),
            overrides: Vec::new(),
            series_end: e.series_end,
        });
        Ok(e.event)
    }

    async fn get_event(
        &self,
        user: UserId,
        id: EventId,
    ) -> Result<Option<(Event, Vec<Override>)>, StoreError> {
        Ok(self
            .rows()
            .iter()
            .find(|r| r.user == user && r.event.id == id)
            .map(|r| (r.event.clone(), r.overrides.clone())))
    }

    async fn list_events(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<(Vec<Event>, i64), StoreError> {
        let mut all: Vec<Event> = self
            .rows()
            .iter()
            .filter(|r| r.user == user)
            .map(|r| r.event.clone())
            .collect();
        all.sort_by_key(|e| (e.span.start().instant(), e.id.0));
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let items = all
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(0))
            .take(usize::try_from(page.limit()).unwrap_or(0))
            .collect();
        Ok((items, total))
    }

    async fn update_event(&self, e: NewEvent, drop: &[When]) -> Result<Event, StoreError> {
        let mut rows = self.rows();
        let row = rows
            .iter_mut()
            .find(mine(e.user, e.event.id))
            .ok_or(StoreError::NotFound)?;
        let mut event = e.event;
        event.created_at = row.event.created_at;
        row.event = event.clone();
        row.series_end = e.series_end;
        row.overrides.retain(|o| !drop.contains(&o.recurrence_id));
        Ok(event)
    }

    async fn delete_event(&self, user: UserId, id: EventId) -> Result<bool, StoreError> {
        let mut rows = self.rows();
        let before = rows.len();
        rows.retain(|r| !(r.user == user && r.event.id == id));
        Ok(rows.len() < before)
    }

    async fn events_between(
        &self,
        user: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(Event, Vec<Override>)>, StoreError> {
        Ok(self
            .rows()
            .iter()
            .filter(|r| {
                r.user == user
                    && r.event.span.start().instant() < to
                    && r.series_end.is_none_or(|end| end > from)
            })
            .map(|r| (r.event.clone(), r.overrides.clone()))
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
        let mut rows = self.rows();
        let row = rows
            .iter_mut()
            .find(mine(user, id))
            .ok_or(StoreError::NotFound)?;
        row.overrides.retain(|x| x.recurrence_id != o.recurrence_id);
        row.overrides.push(o.clone());
        row.series_end = series_end;
        row.event.updated_at = now;
        Ok(())
    }

    async fn skip_occurrence(
        &self,
        user: UserId,
        id: EventId,
        rid: When,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut rows = self.rows();
        let row = rows
            .iter_mut()
            .find(mine(user, id))
            .ok_or(StoreError::NotFound)?;
        row.overrides.retain(|x| x.recurrence_id != rid);
        if !row.event.exdates.contains(&rid) {
            row.event.exdates.push(rid);
        }
        row.event.updated_at = now;
        Ok(())
    }
}
