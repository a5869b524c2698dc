//! The user's time preferences: every "today", "this week" and streak is
//! computed in the user's own time zone and week start, never the server's.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use chrono_tz::Tz;

crate::wire_enum!(
    /// The first day of the user's week.
    #[derive(Default)]
    WeekStart { /// Weeks run Monday to Sunday (the default).
        #[default]
        Monday = "monday", /// Weeks run Sunday to Saturday.
        Sunday = "sunday" }
);

impl WeekStart {
    /// The first day of the week that holds `date`.
    #[must_use]
    pub fn week_of(self, date: NaiveDate) -> NaiveDate {
        let back = match self {
            Self::Monday => date.weekday().num_days_from_monday(),
            Self::Sunday => date.weekday().num_days_from_sunday(),
        };
        date - Days::new(u64::from(back))
    }
}

/// Parses an IANA time zone name (`Europe/Berlin`).
///
/// # Errors
/// A [`FieldError`] on `timezone` for a name the IANA database lacks.
pub fn parse_timezone(raw: &str) -> Result<Tz, crate::FieldError> {
    raw.parse::<Tz>()
        .map_err(|_unknown| crate::FieldError::new("timezone", format!("unknown time zone: {raw}")))
}

/// A user's time zone and week start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimePrefs {
    /// IANA time zone.
    pub timezone: Tz,
    /// First day of the week.
    pub week_start: WeekStart,
}

impl Default for TimePrefs {
    fn default() -> Self {
        Self {
            timezone: Tz::UTC,
            week_start: WeekStart::Monday,
        }
    }
}

impl TimePrefs {
    /// The user's calendar date at `now`.
    #[must_use]
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.timezone).date_naive()
    }

    /// The instant the user's `date` begins (the first valid local time when
    /// midnight falls in a DST gap).
    #[must_use]
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        use chrono::TimeZone;
        let midnight = date.and_time(chrono::NaiveTime::MIN);
        match self.timezone.from_local_datetime(&midnight) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                t.with_timezone(&Utc)
            }
            chrono::LocalResult::None => {
                let later = midnight + chrono::Duration::hours(1);
                self.timezone
                    .from_local_datetime(&later)
                    .earliest()
                    .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
            }
        }
    }

    /// The first day of the user's week at `now`.
    #[must_use]
    pub fn this_week(&self, now: DateTime<Utc>) -> NaiveDate {
        self.week_start.week_of(self.today(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn monday_weeks_start_on_monday() {
        // 2026-11-25 is a Wednesday.
        assert_eq!(WeekStart::Monday.week_of(d("2026-11-25")), d("2026-11-23"));
        assert_eq!(WeekStart::Monday.week_of(d("2026-11-23")), d("2026-11-23"));
        assert_eq!(WeekStart::Monday.week_of(d("2026-11-29")), d("2026-11-23"));
    }

    #[test]
    fn sunday_weeks_start_on_sunday() {
        assert_eq!(WeekStart::Sunday.week_of(d("2026-11-25")), d("2026-11-22"));
        assert_eq!(WeekStart::Sunday.week_of(d("2026-11-29")), d("2026-11-29"));
        assert_eq!(WeekStart::Sunday.week_of(d("2026-11-28")), d("2026-11-22"));
    }

    #[test]
    fn a_day_starts_at_local_midnight() {
        let berlin = TimePrefs {
            timezone: chrono_tz::Europe::Berlin,
            week_start: WeekStart::Monday,
        };
        assert_eq!(
            berlin.start_of_day(d("2026-07-01")).to_rfc3339(),
            "2026-06-30T22:00:00+00:00"
        );
        assert_eq!(
            berlin.start_of_day(d("2026-12-01")).to_rfc3339(),
            "2026-11-30T23:00:00+00:00"
        );
    }

    #[test]
    fn a_midnight_in_a_dst_gap_starts_the_day_an_hour_later() {
        // Santiago springs forward at 00:00 on 2026-09-06: 00:00-00:59 do not exist.
        let santiago = TimePrefs {
            timezone: chrono_tz::America::Santiago,
            week_start: WeekStart::Monday,
        };
        assert_eq!(
            santiago.start_of_day(d("2026-09-06")).to_rfc3339(),
            "2026-09-06T04:00:00+00:00"
        );
    }

    #[test]
    fn this_week_is_the_week_of_the_users_today() {
        let now: DateTime<Utc> = "2026-11-28T23:30:00Z".parse().unwrap(); // Sat UTC, Sun in Tokyo
        let tokyo_sunday = TimePrefs {
            timezone: chrono_tz::Asia::Tokyo,
            week_start: WeekStart::Sunday,
        };
        assert_eq!(tokyo_sunday.this_week(now), d("2026-11-29"));
        assert_eq!(TimePrefs::default().this_week(now), d("2026-11-23"));
    }

    #[test]
    fn week_starts_round_trip_their_wire_names() {
        for w in [WeekStart::Monday, WeekStart::Sunday] {
            assert_eq!(WeekStart::parse("week_start", w.as_str()).unwrap(), w);
        }
        assert_eq!(WeekStart::Sunday.as_str(), "sunday");
        assert_eq!(WeekStart::default(), WeekStart::Monday);
        assert_eq!(
            WeekStart::parse("week_start", "friday").unwrap_err().field,
            "week_start"
        );
    }

    #[test]
    fn today_is_in_the_users_time_zone() {
        let now: DateTime<Utc> = "2026-11-24T23:30:00Z".parse().unwrap();
        let utc = TimePrefs::default();
        let tokyo = TimePrefs {
            timezone: chrono_tz::Asia::Tokyo,
            week_start: WeekStart::Monday,
        };
        assert_eq!(utc.today(now), d("2026-11-24"));
        assert_eq!(tokyo.today(now), d("2026-11-25"));
    }
}
