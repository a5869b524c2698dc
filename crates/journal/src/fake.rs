//! An in-memory entry repository enforcing the same uniqueness rule as the
//! database (one entry per user, kind and period).

use crate::model::{Entry, EntryChanges, EntryFilter, EntryId, EntryKind, NewEntry};
use crate::ports::EntryRepository;
use crate::streaks::{Island, islands};
use async_trait::async_trait;
use chrono::NaiveDate;
use lifeos_kernel::{Caller, StoreError, Uniqueness, UserId, WeekStart};
use std::sync::Mutex;

#[derive(Debug, Clone)]
struct Row {
    user: UserId,
    period: NaiveDate,
    entry: Entry,
}

/// Entries in memory.
#[derive(Debug, Default)]
pub struct InMemoryEntries(Mutex<Vec<Row>>);

impl InMemoryEntries {
    fn rows(&self) -> std::sync::MutexGuard<'_, Vec<Row>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl EntryRepository for InMemoryEntries {
    async fn insert_entry(&self, e: NewEntry) -> Result<Entry, StoreError> {
        let mut rows = self.rows();
        if rows
            .iter()
            .any(|r| r.user == e.user && r.entry.kind == e.kind && r.period == e.period_start)
        {
            return Err(StoreError::Duplicate(Uniqueness::JournalEntryPerPeriod));
        }
        let entry = Entry {
            id: e.id,
            kind: e.kind,
            entry_date: e.entry_date,
            content: e.content,
            word_count: e.word_count,
            created_at: e.now,
            updated_at: e.now,
        };
        rows.push(Row {
            user: e.user,
            period: e.period_start,
            entry: entry.clone(),
        });
        Ok(entry)
    }

    async fn get_entry(&self, user: UserId, id: EntryId) -> Result<Option<Entry>, StoreError> {
        Ok(self
            .rows()
            .iter()
            .find(|r| r.user == user && r.entry.id == id)
            .map(|r| r.entry.clone()))
    }

    async fn update_entry(
        &self,
        user: UserId,
        id: EntryId,
        c: EntryChanges,
    ) -> Result<Entry, StoreError> {
        let mut rows = self.rows();
        let i = rows
            .iter()
            .position(|r| r.user == user && r.entry.id == id)
            .ok_or(StoreError::NotFound)?;
        if let Some((_, period)) = c.date {
            let kind = rows[i].entry.kind;
            if rows.iter().enumerate().any(|(j, r)| {
                j != i && r.user == user && r.entry.kind == kind && r.period == period
            }) {
                return Err(StoreError::Duplicate(Uniqueness::JournalEntryPerPeriod));
            }
        }
        let row = &mut rows[i];
        if let Some((content, words)) = c.content {
            row.entry.content = content;
            row.entry.word_count = words;
        }
        if let Some((date, period)) = c.date {
            row.entry.entry_date = date;
            row.period = period;
        }
        row.entry.updated_at = c.now;
        Ok(row.entry.clone())
    }

    async fn delete_entry(&self, user: UserId, id: EntryId) -> Result<bool, StoreError> {
        let mut rows = self.rows();
        let before = rows.len();
        rows.retain(|r| !(r.user == user && r.entry.id == id));
        Ok(rows.len() < before)
    }

    async fn list_entries(
        &self,
        caller: Caller,
        f: &EntryFilter,
    ) -> Result<(Vec<Entry>, i64), StoreError> {
        // The caller's standing is the adapter's to check (it has the
        // users); here every caller stands.
        let user = caller.user;
        let mut all: Vec<Entry> = self
            .rows()
            .iter()
            .filter(|r| r.user == user)
            .map(|r| r.entry.clone())
            .filter(|e| f.kind.is_none_or(|k| e.kind == k))
            .filter(|e| f.date_from.is_none_or(|d| e.entry_date >= d))
            .filter(|e| f.date_to.is_none_or(|d| e.entry_date <= d))
            .filter(|e| {
                f.q.as_ref().is_none_or(|q| {
                    e.content
                        .to_string()
                        .to_lowercase()
                        .contains(&q.to_lowercase())
                })
            })
            .collect();
        all.sort_by_key(|e| std::cmp::Reverse((e.entry_date, e.created_at)));
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let items = all
            .into_iter()
            .skip(usize::try_from(f.page.offset()).unwrap_or(0))
            .take(usize::try_from(f.page.limit()).unwrap_or(0))
            .collect();
        Ok((items, total))
    }

    async fn entry_islands(
        &self,
        user: UserId,
        week_start: WeekStart,
        recent_from: NaiveDate,
    ) -> Result<Vec<(EntryKind, Island)>, StoreError> {
        let rows = self.rows();
        let mut out = Vec::new();
        for &kind in EntryKind::ALL {
            let mut periods: Vec<NaiveDate> = rows
                .iter()
                .filter(|r| r.user == user && r.entry.kind == kind)
                .map(|r| kind.period_of(r.entry.entry_date, week_start))
                .collect();
            periods.sort_unstable();
            periods.dedup();
            let step = if kind.is_weekly() { 7 } else { 1 };
            let runs = islands(&periods, step);
            if kind.is_weekly() {
                out.extend(runs.into_iter().map(|i| (kind, i)));
                continue;
            }
            // As the adapter does for daily kinds: the runs that end
            // recently, and the longest one.
            let longest = runs.iter().max_by_key(|i| i.len).copied();
            out.extend(
                runs.into_iter()
                    .filter(|i| i.end >= recent_from || Some(*i) == longest)
                    .map(|i| (kind, i)),
            );
        }
        Ok(out)
    }
}
