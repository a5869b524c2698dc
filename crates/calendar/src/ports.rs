//! The persistence port of the calendar module.

use crate::model::{Event, EventId, NewEvent, Override, When};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{PageRequest, StoreError, UserId};

/// Events of users, with their changed occurrences.
#[async_trait]
pub trait EventRepository: Send + Sync {
    /// Stores a new event.
    ///
    /// # Errors
    /// Storage errors.
    async fn insert_event(&self, e: NewEvent) -> Result<Event, StoreError>;

    /// One of the user's events with its changed occurrences.
    ///
    /// # Errors
    /// Storage errors.
    async fn get_event(
        &self,
        user: UserId,
        id: EventId,
    ) -> Result<Option<(Event, Vec<Override>)>, StoreError>;

    /// A page of the user's events (by start, then id) and the total.
    ///
    /// # Errors
    /// Storage errors.
    async fn list_events(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<(Vec<Event>, i64), StoreError>;

    /// Replaces the event's fields with `e` and forgets the changed
    /// occurrences whose original starts are in `drop`, in one transaction.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the event is not the user's.
    async fn update_event(&self, e: NewEvent, drop: &[When]) -> Result<Event, StoreError>;

    /// Deletes an event with its changed occurrences.
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_event(&self, user: UserId, id: EventId) -> Result<bool, StoreError>;

    /// The user's events that can have an occurrence between `from` and
    /// `to`: first start before `to`, and no series end or one after
    /// `from`; with their changed occurrences. A fixed number of queries,
    /// whatever the number of events.
    ///
    /// # Errors
    /// Storage errors.
    async fn events_between(
        &self,
        user: UserId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(Event, Vec<Override>)>, StoreError>;

    /// Stores (inserts or replaces) a changed occurrence and the series'
    /// new end, in one transaction.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the event is not the user's.
    async fn put_override(
        &self,
        user: UserId,
        id: EventId,
        o: &Override,
        series_end: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Skips one occurrence: adds `rid` to the exdates and forgets its
    /// change, in one transaction.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the event is not the user's.
    async fn skip_occurrence(
        &self,
        user: UserId,
        id: EventId,
        rid: When,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
