//! Streaks over a set of periods (days, or week starts).

use crate::model::Streak;
use chrono::{Days, NaiveDate};

/// The streak of `periods` (sorted ascending, distinct) where consecutive
/// periods are `step_days` apart and `current_period` is today (this week).
/// The current run ends at `current_period`, or at the one before it when
/// the current one has no entry yet.
#[must_use]
pub fn streak(periods: &[NaiveDate], current_period: NaiveDate, step_days: u64) -> Streak {
    let mut longest = 0u32;
    let mut run = 0u32;
    let mut prev: Option<NaiveDate> = None;
    for &p in periods {
        run = match prev {
            Some(q) if q.checked_add_days(Days::new(step_days)) == Some(p) => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        prev = Some(p);
    }
    let previous = current_period.checked_sub_days(Days::new(step_days));
    let end = if periods.binary_search(&current_period).is_ok() {
        Some(current_period)
    } else {
        previous.filter(|p| periods.binary_search(p).is_ok())
    };
    let mut current = 0u32;
    if let Some(mut d) = end {
        while periods.binary_search(&d).is_ok() {
            current += 1;
            match d.checked_sub_days(Days::new(step_days)) {
                Some(next) => d = next,
                None => break,
            }
        }
    }
    Streak { current, longest }
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
        assert_eq!(streak(&p, d("2026-11-24"), 1), Streak { current: 3, longest: 3 });
    }

    #[test]
    fn a_run_ending_yesterday_counts_while_today_is_empty() {
        let p = days(&["2026-11-22", "2026-11-23"]);
        assert_eq!(streak(&p, d("2026-11-24"), 1), Streak { current: 2, longest: 2 });
    }

    #[test]
    fn a_gap_before_yesterday_breaks_the_current_run() {
        let p = days(&["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-22"]);
        assert_eq!(streak(&p, d("2026-11-24"), 1), Streak { current: 0, longest: 3 });
    }

    #[test]
    fn weeks_step_by_seven_days() {
        let p = days(&["2026-11-02", "2026-11-09", "2026-11-16"]);
        assert_eq!(streak(&p, d("2026-11-23"), 7), Streak { current: 3, longest: 3 });
        assert_eq!(streak(&p, d("2026-11-30"), 7), Streak { current: 0, longest: 3 });
    }

    #[test]
    fn nothing_is_zero() {
        assert_eq!(streak(&[], d("2026-11-24"), 1), Streak::default());
    }
}
