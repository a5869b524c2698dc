//! Ports of the journal module.

use crate::model::{Entry, EntryChanges, EntryFilter, EntryId, EntryKind, NewEntry};
use crate::streaks::Island;
use async_trait::async_trait;
use chrono::NaiveDate;
use lifeos_kernel::{Caller, StoreError, UserId, WeekStart};

/// Journal entries of users.
#[async_trait]
pub trait EntryRepository: Send + Sync {
    /// Inserts an entry; the database enforces one per (user, kind, period).
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] when the period is taken.
    async fn insert_entry(&self, entry: NewEntry) -> Result<Entry, StoreError>;

    /// One entry of the user.
    ///
    /// # Errors
    /// Storage errors.
    async fn get_entry(&self, user: UserId, id: EntryId) -> Result<Option<Entry>, StoreError>;

    /// Applies changes to the user's entry.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`StoreError::Duplicate`] when the new date's period is taken.
    async fn update_entry(
        &self,
        user: UserId,
        id: EntryId,
        changes: EntryChanges,
    ) -> Result<Entry, StoreError>;

    /// Deletes the user's entry; whether it existed.
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_entry(&self, user: UserId, id: EntryId) -> Result<bool, StoreError>;

    /// A page of the caller's entries, newest `entry_date` first, then
    /// newest `created_at`, and the total.
    ///
    /// # Errors
    /// [`StoreError::SessionEnded`] for a caller whose token no longer
    /// speaks for them (see [`Caller`]); storage errors.
    async fn list_entries(
        &self,
        caller: Caller,
        filter: &EntryFilter,
    ) -> Result<(Vec<Entry>, i64), StoreError>;

    /// Runs of consecutive periods with an entry, per kind: days for daily
    /// kinds, weeks (under `week_start`) for weekly reviews. At least every
    /// run that ends on or after `recent_from` and the longest run of each
    /// kind must be returned (an adapter may return all of them).
    ///
    /// # Errors
    /// Storage errors.
    async fn entry_islands(
        &self,
        user: UserId,
        week_start: WeekStart,
        recent_from: NaiveDate,
    ) -> Result<Vec<(EntryKind, Island)>, StoreError>;
}
