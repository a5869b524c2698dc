//! Ports of the journal module.

use crate::model::{Entry, EntryChanges, EntryFilter, EntryId, EntryKind, NewEntry};
use async_trait::async_trait;
use chrono::NaiveDate;
use lifeos_kernel::{StoreError, UserId};

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

    /// A page of the user's entries, newest `entry_date` first, then newest
    /// `created_at`, and the total.
    ///
    /// # Errors
    /// Storage errors.
    async fn list_entries(
        &self,
        user: UserId,
        filter: &EntryFilter,
    ) -> Result<(Vec<Entry>, i64), StoreError>;

    /// The distinct dates that have an entry, per kind, ascending.
    ///
    /// # Errors
    /// Storage errors.
    async fn entry_dates(&self, user: UserId) -> Result<Vec<(EntryKind, NaiveDate)>, StoreError>;
}
