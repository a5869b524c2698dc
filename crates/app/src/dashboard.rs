//! The weekly dashboard (API.md section 8): a read model over every module.
//! One read port ([`DashboardReader`]) answers the week's facts of
//! journal, workouts, projects and captures in a fixed number of statements;
//! streaks come from the journal's own rules (`JournalService::status`) and
//! the calendar's occurrences from `CalendarService::occurrences`, so each
//! number means here what it means in its module. Definitions in
//! `docs/api-notes.md` ("Dashboard").

use async_trait::async_trait;
use chrono::{DateTime, Days, NaiveDate, Utc};
use lifeos_calendar::{CalendarError, CalendarService, Occurrence};
use lifeos_journal::{EntryKind, JournalError, JournalService, Streak};
use lifeos_kernel::{Clock, FieldError, StoreError, TimePrefs, UserId};
use lifeos_projects::ProjectId;
use lifeos_workouts::SessionId;
use std::sync::Arc;

/// A user's week: its days and the instants they span in the user's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive): `start` + 6.
    pub end: NaiveDate,
    /// When the first day begins for the user.
    pub from: DateTime<Utc>,
    /// When the day after the last begins for the user.
    pub until: DateTime<Utc>,
}

impl Week {
    /// The week starting on `start` in the user's zone.
    #[must_use]
    pub fn starting(start: NaiveDate, prefs: &TimePrefs) -> Self {
        let end = start + Days::new(6);
        Self {
            start,
            end,
            from: prefs.start_of_day(start),
            until: prefs.start_of_day(end + Days::new(1)),
        }
    }
}

/// A workout session of the week.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSummary {
    /// Id.
    pub id: SessionId,
    /// Name.
    pub name: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End, once finished.
    pub ended_at: Option<DateTime<Utc>>,
    /// Σ reps × weight.
    pub total_volume: f64,
}

/// An active project and its task counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectProgress {
    /// Id.
    pub id: ProjectId,
    /// Name.
    pub name: String,
    /// Done tasks.
    pub done: i64,
    /// All tasks.
    pub total: i64,
}

/// The week's facts as stored, before any rule is applied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeeklyFacts {
    /// Journal entries dated in the week: (date, kind).
    pub journal: Vec<(NaiveDate, EntryKind)>,
    /// Sessions started in the week, by start.
    pub sessions: Vec<SessionSummary>,
    /// Tasks whose `completed_at` falls in the week.
    pub tasks_completed: i64,
    /// Open tasks due on or before the week's last day.
    pub tasks_due: i64,
    /// Active projects by position, with task counts.
    pub active_projects: Vec<ProjectProgress>,
    /// Captures created in the week.
    pub captured: i64,
    /// Captures processed in the week.
    pub processed: i64,
    /// Captures in the inbox now.
    pub inbox: i64,
}

/// The dashboard's read port.
#[async_trait]
pub trait DashboardReader: Send + Sync {
    /// The week's facts of the user, in a fixed number of statements
    /// whatever the number of entries, sessions, projects or captures.
    ///
    /// # Errors
    /// Storage errors.
    async fn weekly_facts(&self, user: UserId, week: &Week) -> Result<WeeklyFacts, StoreError>;
}

/// One day of the journal week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalDay {
    /// The day.
    pub date: NaiveDate,
    /// Morning pages written.
    pub morning_pages: bool,
    /// Daily reflection written.
    pub daily_reflection: bool,
}

/// The weekly dashboard.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyDashboard {
    /// The week.
    pub week: Week,
    /// Each day's daily entries.
    pub journal_days: Vec<JournalDay>,
    /// The week has its review.
    pub weekly_review: bool,
    /// Streaks per kind, as `GET /journal/status` counts them today.
    pub streaks: [(EntryKind, Streak); 3],
    /// Sessions started in the week.
    pub sessions: Vec<SessionSummary>,
    /// Σ session volumes.
    pub total_volume: f64,
    /// Σ (ended_at − started_at) of finished sessions, in whole minutes.
    pub total_minutes: i64,
    /// Tasks completed in the week.
    pub tasks_completed: i64,
    /// Open tasks due in the week or overdue.
    pub tasks_due: i64,
    /// Active projects.
    pub active_projects: Vec<ProjectProgress>,
    /// Captures created in the week.
    pub captured: i64,
    /// Captures processed in the week.
    pub processed: i64,
    /// Captures in the inbox now.
    pub inbox: i64,
    /// The week's calendar occurrences.
    pub occurrences: Vec<Occurrence>,
}

/// Why there is no dashboard.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// A bad `week_start`.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<JournalError> for DashboardError {
    fn from(e: JournalError) -> Self {
        match e {
            JournalError::Invalid(f) => Self::Invalid(f),
            JournalError::Store(s) => Self::Store(s),
            other => Self::Store(StoreError::internal(other.to_string())),
        }
    }
}

impl From<CalendarError> for DashboardError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::Invalid(f) => Self::Invalid(f),
            CalendarError::Store(s) => Self::Store(s),
            CalendarError::NotFound => Self::Store(StoreError::NotFound),
        }
    }
}

/// The weekly dashboard use case.
pub struct Dashboard {
    reader: Arc<dyn DashboardReader>,
    journal: Arc<JournalService>,
    calendar: Arc<CalendarService>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Dashboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dashboard").finish_non_exhaustive()
    }
}

/// Whole minutes the finished sessions lasted.
fn minutes(sessions: &[SessionSummary]) -> i64 {
    let seconds: i64 = sessions
        .iter()
        .filter_map(|s| s.ended_at.map(|e| (e - s.started_at).num_seconds()))
        .sum();
    seconds / 60
}

impl Dashboard {
    /// Wires the use case.
    pub fn new(
        reader: Arc<dyn DashboardReader>,
        journal: Arc<JournalService>,
        calendar: Arc<CalendarService>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            reader,
            journal,
            calendar,
            clock,
        }
    }

    /// The week starting on `week_start` (default: the current week), in
    /// the user's zone and week start.
    ///
    /// # Errors
    /// [`DashboardError::Invalid`] on `week_start` when it is not the first
    /// day of a week under the user's `week_start` setting.
    pub async fn weekly(
        &self,
        user: UserId,
        prefs: TimePrefs,
        week_start: Option<NaiveDate>,
    ) -> Result<WeeklyDashboard, DashboardError> {
        let start = match week_start {
            Some(d) if prefs.week_start.week_of(d) != d => {
                return Err(FieldError::new(
                    "week_start",
                    format!(
                        "week_start must be the first day of a week: a {} under your settings",
                        prefs.week_start.as_str()
                    ),
                )
                .into());
            }
            Some(d) => d,
            None => prefs.this_week(self.clock.now()),
        };
        let week = Week::starting(start, &prefs);
        let facts = self.reader.weekly_facts(user, &week).await?;
        let status = self.journal.status(user, prefs).await?;
        let occurrences = self
            .calendar
            .occurrences(user, prefs, week.start, week.end)
            .await?;
        let has = |date: NaiveDate, kind: EntryKind| facts.journal.contains(&(date, kind));
        let journal_days = (0..7)
            .map(|i| {
                let date = week.start + Days::new(i);
                JournalDay {
                    date,
                    morning_pages: has(date, EntryKind::MorningPages),
                    daily_reflection: has(date, EntryKind::DailyReflection),
                }
            })
            .collect();
        let weekly_review = facts
            .journal
            .iter()
            .any(|(_, k)| *k == EntryKind::WeeklyReview);
        Ok(WeeklyDashboard {
            week,
            journal_days,
            weekly_review,
            streaks: status.streaks,
            total_volume: facts.sessions.iter().map(|s| s.total_volume).sum(),
            total_minutes: minutes(&facts.sessions),
            sessions: facts.sessions,
            tasks_completed: facts.tasks_completed,
            tasks_due: facts.tasks_due,
            active_projects: facts.active_projects,
            captured: facts.captured,
            processed: facts.processed,
            inbox: facts.inbox,
            occurrences,
        })
    }
}

#[cfg(test)]
mod tests;
