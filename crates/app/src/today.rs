//! Today (issue 13, section 2): one glance at the user's day for a home
//! screen or a voice assistant — the day's calendar occurrences, tasks due
//! today and overdue, whether the daily journal entries are written (with
//! the streaks), the inbox, and the last workout. A read model like the
//! weekly dashboard: one read port ([`TodayReader`]) for the facts it does
//! not share with a module, the journal's and the calendar's own services
//! for theirs, so each number means here what it means in its module.

use crate::dashboard::{DashboardError, SessionSummary};
use async_trait::async_trait;
use chrono::NaiveDate;
use lifeos_calendar::{CalendarService, Occurrence, When};
use lifeos_journal::{EntryKind, JournalService, Streak};
use lifeos_kernel::{Clock, StoreError, TimePrefs, UserId};
use lifeos_projects::Task;
use std::sync::Arc;

/// The most tasks listed per group (the count beyond is in `*_total`).
pub const TASKS_LISTED: i64 = 50;

/// The day's facts as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TodayFacts {
    /// Open tasks due on the day, by project position (at most [`TASKS_LISTED`]).
    pub due_today: Vec<Task>,
    /// How many open tasks are due on the day.
    pub due_today_total: i64,
    /// Open tasks due before the day, oldest first (at most [`TASKS_LISTED`]).
    pub overdue: Vec<Task>,
    /// How many open tasks are overdue.
    pub overdue_total: i64,
    /// Captures in the inbox.
    pub inbox: i64,
    /// The most recently started workout session.
    pub last_workout: Option<SessionSummary>,
}

/// The read port of "today".
#[async_trait]
pub trait TodayReader: Send + Sync {
    /// The facts of `date` for `user`, in a fixed number of statements
    /// whatever the size of the account.
    ///
    /// # Errors
    /// Storage errors.
    async fn today_facts(&self, user: UserId, date: NaiveDate) -> Result<TodayFacts, StoreError>;
}

/// The user's day.
#[derive(Debug, Clone, PartialEq)]
pub struct TodayView {
    /// The user's date.
    pub date: NaiveDate,
    /// Their time zone and week start.
    pub prefs: TimePrefs,
    /// The day's occurrences, as `/calendar/occurrences` lists them.
    pub occurrences: Vec<Occurrence>,
    /// The stored facts.
    pub facts: TodayFacts,
    /// Morning pages written today.
    pub morning_pages: bool,
    /// Daily reflection written today.
    pub daily_reflection: bool,
    /// Streaks per kind, as `GET /journal/status` counts them.
    pub streaks: [(EntryKind, Streak); 3],
}

/// The "today" use case.
pub struct Today {
    reader: Arc<dyn TodayReader>,
    journal: Arc<JournalService>,
    calendar: Arc<CalendarService>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Today {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Today").finish_non_exhaustive()
    }
}

impl Today {
    /// Wires the use case.
    pub fn new(
        reader: Arc<dyn TodayReader>,
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

    /// The user's day now, in their time zone.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn view(&self, user: UserId, prefs: TimePrefs) -> Result<TodayView, DashboardError> {
        let date = prefs.today(self.clock.now());
        let facts = self.reader.today_facts(user, date).await?;
        let status = self.journal.status(user, prefs).await?;
        let occurrences = self.calendar.occurrences(user, prefs, date, date).await?;
        let written = |kind: EntryKind| status.today.iter().any(|(k, done)| *k == kind && *done);
        Ok(TodayView {
            date,
            prefs,
            occurrences,
            facts,
            morning_pages: written(EntryKind::MorningPages),
            daily_reflection: written(EntryKind::DailyReflection),
            streaks: status.streaks,
        })
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl TodayView {
    /// One or two sentences a voice assistant can read aloud: "3 events
    /// today, the first at 09:00: Standup. 2 tasks due, 1 overdue. Inbox: 4."
    /// Times are the user's, on a 24-hour clock; an all-day event has no time.
    #[must_use]
    pub fn spoken(&self) -> String {
        let mut parts = Vec::new();
        let events = self.occurrences.len();
        match self.occurrences.first() {
            None => parts.push("No events today.".to_string()),
            Some(first) => {
                let when = match first.start {
                    When::At(t) => format!(
                        "at {}",
                        t.with_timezone(&self.prefs.timezone).format("%H:%M")
                    ),
                    When::On(_) => "all day".to_string(),
                };
                let lead = if events == 1 {
                    "1 event today,".to_string()
                } else {
                    format!("{events} events today, the first")
                };
                parts.push(format!("{lead} {when}: {}.", first.title));
            }
        }
        let due = usize::try_from(self.facts.due_today_total).unwrap_or(0);
        let overdue = usize::try_from(self.facts.overdue_total).unwrap_or(0);
        parts.push(match (due, overdue) {
            (0, 0) => "No tasks due.".to_string(),
            (d, 0) => format!("{} due.", plural(d, "task", "tasks")),
            (0, o) => format!("No tasks due today, {o} overdue."),
            (d, o) => format!("{} due, {o} overdue.", plural(d, "task", "tasks")),
        });
        parts.push(format!("Inbox: {}.", self.facts.inbox));
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests;
