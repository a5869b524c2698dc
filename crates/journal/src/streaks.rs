//! Streaks over a set of periods (days, or week starts). The database
//! returns runs of consecutive periods ("islands"), so a status costs a
//! handful of rows whatever the length of the history.

use crate::model::Streak;
use chrono::{Days, NaiveDate};

/// A run of consecutive periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Island {
    /// First period of the run.
    pub start: NaiveDate,
    /// Last period of the run.
    pub end: NaiveDate,
    /// How many periods it holds.
    pub len: u32,
}

/// The runs of consecutive periods in `periods` (sorted ascending, distinct).
#[must_use]
pub fn islands(periods: &[NaiveDate], step_days: u64) -> Vec<Island> {
    let mut out: Vec<Island> = Vec::new();
    for &p in periods {
        match out.last_mut() {
            Some(last) if last.end.checked_add_days(Days::new(step_days)) == Some(p) => {
                last.end = p;
                last.len += 1;
            }
            _ => out.push(Island {
                start: p,
                end: p,
                len: 1,
            }),
        }
    }
    out
}

/// The streak given the runs: the longest run, and the run ending at
/// `current_period` or, when that has no entry yet, at the period before.
#[must_use]
pub fn streak_of(islands: &[Island], current_period: NaiveDate, step_days: u64) -> Streak {
    let longest = islands.iter().map(|i| i.len).max().unwrap_or(0);
    let previous = current_period.checked_sub_days(Days::new(step_days));
    let current = islands
        .iter()
        .find(|i| i.end == current_period)
        .or_else(|| islands.iter().find(|i| Some(i.end) == previous))
        .map_or(0, |i| i.len);
    Streak { current, longest }
}

/// Whether `period` lies in one of the runs.
#[must_use]
pub fn covered(islands: &[Island], period: NaiveDate) -> bool {
    islands.iter().any(|i| i.start <= period && period <= i.end)
}

/// The streak of `periods` (sorted ascending, distinct), periods
/// `step_days` apart, `current_period` being today (this week).
#[must_use]
pub fn streak(periods: &[NaiveDate], current_period: NaiveDate, step_days: u64) -> Streak {
    streak_of(&islands(periods, step_days), current_period, step_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn days(list: &[&str]) -> Vec<NaiveDate> {
        list.iter().map(|s| d(s)).collect()
    }

    #[test]
    fn a_run_ending_today_counts() {
        let p = days(&["2026-11-20", "2026-11-22", "2026-11-23", "2026-11-24"]);
        assert_eq!(
            streak(&p, d("2026-11-24"), 1),
            Streak {
                current: 3,
                longest: 3
            }
        );
    }

    #[test]
    fn a_run_ending_yesterday_counts_while_today_is_empty() {
        let p = days(&["2026-11-22", "2026-11-23"]);
        assert_eq!(
            streak(&p, d("2026-11-24"), 1),
            Streak {
                current: 2,
                longest: 2
            }
        );
    }

    #[test]
    fn a_gap_before_yesterday_breaks_the_current_run() {
        let p = days(&["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-22"]);
        assert_eq!(
            streak(&p, d("2026-11-24"), 1),
            Streak {
                current: 0,
                longest: 3
            }
        );
    }

    #[test]
    fn weeks_step_by_seven_days() {
        let p = days(&["2026-11-02", "2026-11-09", "2026-11-16"]);
        assert_eq!(
            streak(&p, d("2026-11-23"), 7),
            Streak {
                current: 3,
                longest: 3
            }
        );
        assert_eq!(
            streak(&p, d("2026-11-30"), 7),
            Streak {
                current: 0,
                longest: 3
            }
        );
    }

    #[test]
    fn nothing_is_zero() {
        assert_eq!(streak(&[], d("2026-11-24"), 1), Streak::default());
    }
}
