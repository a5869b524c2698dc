//! Journal use cases.

use crate::error::JournalError;
use crate::model::{
    Content, Entry, EntryChanges, EntryFilter, EntryId, EntryKind, EntryPatch, JournalStatus,
    NewEntry, Streak,
};
use crate::ports::EntryRepository;
use crate::streaks::{Island, covered, streak_of};
use chrono::NaiveDate;
use lifeos_kernel::{Caller, Clock, FieldError, Page, StoreError, TimePrefs, UserId, new_id};
use serde_json::Value;
use std::sync::Arc;

/// Journal use cases over the entry repository.
pub struct JournalService {
    repo: Arc<dyn EntryRepository>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for JournalService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalService").finish_non_exhaustive()
    }
}

fn store(kind: EntryKind, period: NaiveDate) -> impl FnOnce(StoreError) -> JournalError {
    move |e| match e {
        StoreError::Duplicate(lifeos_kernel::Uniqueness::JournalEntryPerPeriod) => {
            JournalError::Duplicate { kind, period }
        }
        StoreError::NotFound => JournalError::NotFound,
        other => JournalError::Store(other),
    }
}

impl JournalService {
    /// Wires the service.
    pub fn new(repo: Arc<dyn EntryRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// Creates an entry (dated today in the user's time zone unless given).
    ///
    /// # Errors
    /// Validation; [`JournalError::Duplicate`] when the day (week) has one.
    pub async fn create(
        &self,
        user: UserId,
        prefs: TimePrefs,
        kind: EntryKind,
        entry_date: Option<NaiveDate>,
        content: Value,
    ) -> Result<Entry, JournalError> {
        let new = self.new_entry(user, prefs, kind, entry_date, content)?;
        let (kind, period) = (new.kind, new.period_start);
        self.repo
            .insert_entry(new)
            .await
            .map_err(store(kind, period))
    }

    /// The entry a request makes, checked but not stored: content rules,
    /// today in the user's time zone unless dated, the period its
    /// uniqueness rule applies to, the word count, a new id and the time.
    /// Shared by [`Self::create`] and the capture conversion, which stores
    /// it in its own transaction.
    ///
    /// # Errors
    /// [`JournalError::Invalid`] for content that breaks the kind's rules.
    pub fn new_entry(
        &self,
        user: UserId,
        prefs: TimePrefs,
        kind: EntryKind,
        entry_date: Option<NaiveDate>,
        content: Value,
    ) -> Result<NewEntry, JournalError> {
        let content = Content::parse(kind, content)?;
        let now = self.clock.now();
        let entry_date = entry_date.unwrap_or_else(|| prefs.today(now));
        let word_count = content.word_count();
        Ok(NewEntry {
            id: EntryId(new_id()),
            user,
            kind,
            entry_date,
            period_start: kind.period_of(entry_date, prefs.week_start),
            content: content.into_value(),
            word_count,
            now,
        })
    }

    /// One of the user's entries.
    ///
    /// # Errors
    /// [`JournalError::NotFound`].
    pub async fn get(&self, user: UserId, id: EntryId) -> Result<Entry, JournalError> {
        self.repo
            .get_entry(user, id)
            .await
            .map_err(JournalError::Store)?
            .ok_or(JournalError::NotFound)
    }

    /// Changes content and/or date; the same rules apply as on creation.
    ///
    /// # Errors
    /// [`JournalError::NotFound`], validation, [`JournalError::Duplicate`].
    pub async fn update(
        &self,
        user: UserId,
        prefs: TimePrefs,
        id: EntryId,
        patch: EntryPatch,
    ) -> Result<Entry, JournalError> {
        let existing = self.get(user, id).await?;
        let content = match patch.content {
            Some(raw) => {
                let c = Content::parse(existing.kind, raw)?;
                let words = c.word_count();
                Some((c.into_value(), words))
            }
            None => None,
        };
        let date = patch
            .entry_date
            .map(|d| (d, existing.kind.period_of(d, prefs.week_start)));
        let period = date.map_or(existing.entry_date, |(_, p)| p);
        if content.is_none() && date.is_none() {
            return Ok(existing);
        }
        self.repo
            .update_entry(
                user,
                id,
                EntryChanges {
                    content,
                    date,
                    now: self.clock.now(),
                },
            )
            .await
            .map_err(store(existing.kind, period))
    }

    /// Deletes one of the user's entries.
    ///
    /// # Errors
    /// [`JournalError::NotFound`].
    pub async fn delete(&self, user: UserId, id: EntryId) -> Result<(), JournalError> {
        if self
            .repo
            .delete_entry(user, id)
            .await
            .map_err(JournalError::Store)?
        {
            Ok(())
        } else {
            Err(JournalError::NotFound)
        }
    }

    /// A page of entries, newest first.
    ///
    /// # Errors
    /// [`JournalError::Invalid`] when `date_from` is after `date_to`.
    pub async fn list(
        &self,
        caller: impl Into<Caller>,
        mut filter: EntryFilter,
    ) -> Result<Page<Entry>, JournalError> {
        if let (Some(from), Some(to)) = (filter.date_from, filter.date_to)
            && from > to
        {
            return Err(FieldError::new("date_from", "date_from must not be after date_to").into());
        }
        if let Some(q) = &filter.q {
            lifeos_kernel::storable("q", q)?;
        }
        filter.q = filter
            .q
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty());
        let (items, total) = self
            .repo
            .list_entries(caller.into(), &filter)
            .await
            .map_err(JournalError::Store)?;
        Ok(Page::new(items, total, filter.page))
    }

    /// Today's flags and the streaks, in the user's time zone and weeks.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn status(
        &self,
        user: UserId,
        prefs: TimePrefs,
    ) -> Result<JournalStatus, JournalError> {
        let now = self.clock.now();
        let today = prefs.today(now);
        let week = prefs.week_start.week_of(today);
        let all = self
            .repo
            .entry_islands(user, prefs.week_start, today - chrono::Days::new(1))
            .await
            .map_err(JournalError::Store)?;
        let mut today_flags = [(EntryKind::MorningPages, false); 3];
        let mut streaks = [(EntryKind::MorningPages, Streak::default()); 3];
        for (i, &kind) in EntryKind::ALL.iter().enumerate() {
            let runs: Vec<Island> = all
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, r)| *r)
                .collect();
            let (current, step) = if kind.is_weekly() {
                (week, 7)
            } else {
                (today, 1)
            };
            today_flags[i] = (kind, covered(&runs, current));
            streaks[i] = (kind, streak_of(&runs, current, step));
        }
        Ok(JournalStatus {
            date: today,
            week_start: week,
            today: today_flags,
            streaks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Streak;
    use crate::fake::InMemoryEntries;
    use lifeos_kernel::{FixedClock, WeekStart};
    use serde_json::json;

    fn svc(now: &str) -> JournalService {
        JournalService::new(
            Arc::new(InMemoryEntries::default()),
            Arc::new(FixedClock::new(now.parse().unwrap())),
        )
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    const U: UserId = UserId(uuid::Uuid::nil());

    #[tokio::test]
    async fn a_streak_that_ended_yesterday_still_counts_beside_a_longer_old_one() {
        let s = svc("2026-11-24T12:00:00Z");
        for day in ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"] {
            pages(&s, utc(), day).await.unwrap();
        }
        for day in ["2026-11-22", "2026-11-23"] {
            pages(&s, utc(), day).await.unwrap();
        }
        let st = s.status(U, utc()).await.unwrap();
        assert_eq!(
            st.streaks[0].1,
            Streak {
                current: 2,
                longest: 4
            }
        );
        assert!(!st.today[0].1);
    }

    #[tokio::test]
    async fn deleting_a_missing_entry_is_not_found() {
        let s = svc("2026-11-24T12:00:00Z");
        let e = pages(&s, utc(), "2026-11-24").await.unwrap();
        s.delete(U, e.id).await.unwrap();
        assert!(matches!(
            s.delete(U, e.id).await,
            Err(JournalError::NotFound)
        ));
        assert!(matches!(s.get(U, e.id).await, Err(JournalError::NotFound)));
    }

    #[tokio::test]
    async fn a_one_day_range_is_fine_and_a_blank_query_means_no_search() {
        let s = svc("2026-11-24T12:00:00Z");
        pages(&s, utc(), "2026-11-24").await.unwrap();
        let f = EntryFilter {
            date_from: Some(d("2026-11-24")),
            date_to: Some(d("2026-11-24")),
            q: Some("   ".into()),
            ..Default::default()
        };
        let page = s.list(U, f).await.unwrap();
        assert_eq!(page.total, 1);
        let nul = EntryFilter {
            q: Some("a\0".into()),
            ..Default::default()
        };
        assert!(matches!(s.list(U, nul).await, Err(JournalError::Invalid(f)) if f.field == "q"));
    }

    fn utc() -> TimePrefs {
        TimePrefs::default()
    }

    async fn pages(
        s: &JournalService,
        prefs: TimePrefs,
        date: &str,
    ) -> Result<Entry, JournalError> {
        s.create(
            U,
            prefs,
            EntryKind::MorningPages,
            Some(d(date)),
            json!({"body": "words here"}),
        )
        .await
    }

    #[tokio::test]
    async fn a_second_entry_of_the_same_kind_and_day_is_a_duplicate() {
        let s = svc("2026-11-24T08:00:00Z");
        pages(&s, utc(), "2026-11-24").await.unwrap();
        assert!(matches!(
            pages(&s, utc(), "2026-11-24").await,
            Err(JournalError::Duplicate { .. })
        ));
        pages(&s, utc(), "2026-11-23").await.unwrap();
    }

    #[tokio::test]
    async fn weekly_reviews_are_unique_per_user_week() {
        let review =
            json!({"big_wins": "a", "challenges": "b", "learnings": "c", "next_week_focus": "d"});
        for (week_start, second_ok, second_dup) in [
            (WeekStart::Monday, "2026-11-30", "2026-11-29"),
            (WeekStart::Sunday, "2026-11-29", "2026-11-28"),
        ] {
            let s = svc("2026-11-25T08:00:00Z");
            let prefs = TimePrefs {
                week_start,
                ..utc()
            };
            let mk = |date: &'static str| {
                s.create(
                    U,
                    prefs,
                    EntryKind::WeeklyReview,
                    Some(d(date)),
                    review.clone(),
                )
            };
            mk("2026-11-25").await.unwrap();
            assert!(
                matches!(mk(second_dup).await, Err(JournalError::Duplicate { .. })),
                "{week_start:?}"
            );
            mk(second_ok).await.unwrap();
        }
    }

    #[tokio::test]
    async fn today_defaults_to_the_users_time_zone() {
        let s = svc("2026-11-24T23:30:00Z");
        let tokyo = TimePrefs {
            timezone: chrono_tz::Asia::Tokyo,
            ..utc()
        };
        let e = s
            .create(
                U,
                tokyo,
                EntryKind::MorningPages,
                None,
                json!({"body": "x"}),
            )
            .await
            .unwrap();
        assert_eq!(e.entry_date, d("2026-11-25"));
    }

    #[tokio::test]
    async fn status_counts_streaks_in_the_users_days_and_weeks() {
        let s = svc("2026-11-24T23:30:00Z");
        for date in ["2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"] {
            pages(&s, utc(), date).await.unwrap();
        }
        // In UTC it is still the 24th: today has its entry.
        let st = s.status(U, utc()).await.unwrap();
        assert_eq!(st.date, d("2026-11-24"));
        assert_eq!(st.week_start, d("2026-11-23"));
        assert_eq!(st.today[0], (EntryKind::MorningPages, true));
        assert_eq!(
            st.streaks[0].1,
            Streak {
                current: 4,
                longest: 4
            }
        );
        // In Tokyo it is the 25th: today is empty, the run ends yesterday.
        let tokyo = TimePrefs {
            timezone: chrono_tz::Asia::Tokyo,
            ..utc()
        };
        let st = s.status(U, tokyo).await.unwrap();
        assert_eq!(st.date, d("2026-11-25"));
        assert_eq!(st.today[0], (EntryKind::MorningPages, false));
        assert_eq!(
            st.streaks[0].1,
            Streak {
                current: 4,
                longest: 4
            }
        );
        assert_eq!(st.streaks[2].1, Streak::default());
    }

    #[tokio::test]
    async fn patch_revalidates_content_and_the_date_rule() {
        let s = svc("2026-11-24T08:00:00Z");
        pages(&s, utc(), "2026-11-23").await.unwrap();
        let e = pages(&s, utc(), "2026-11-24").await.unwrap();
        let moved = EntryPatch {
            entry_date: Some(d("2026-11-23")),
            ..Default::default()
        };
        assert!(matches!(
            s.update(U, utc(), e.id, moved).await,
            Err(JournalError::Duplicate { .. })
        ));
        let bad = EntryPatch {
            content: Some(json!({"body": ""})),
            ..Default::default()
        };
        assert!(matches!(
            s.update(U, utc(), e.id, bad).await,
            Err(JournalError::Invalid(_))
        ));
        let good = EntryPatch {
            content: Some(json!({"body": "a b c"})),
            ..Default::default()
        };
        assert_eq!(s.update(U, utc(), e.id, good).await.unwrap().word_count, 3);
    }

    #[tokio::test]
    async fn date_from_after_date_to_is_invalid() {
        let s = svc("2026-11-24T08:00:00Z");
        let f = EntryFilter {
            date_from: Some(d("2026-11-25")),
            date_to: Some(d("2026-11-24")),
            ..Default::default()
        };
        assert!(matches!(s.list(U, f).await, Err(JournalError::Invalid(_))));
    }
}
