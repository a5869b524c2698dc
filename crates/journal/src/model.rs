//! Journal entities and value types.

use chrono::{DateTime, NaiveDate, Utc};
use lifeos_kernel::{FieldError, PageRequest, UserId, WeekStart};
use serde_json::{Map, Value};
use uuid::Uuid;

/// The id of a journal entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EntryId(pub Uuid);

lifeos_kernel::wire_enum!(
    /// The three kinds of entry.
    EntryKind { /// Free writing, once a day.
        MorningPages = "morning_pages", /// Evening questions, once a day.
        DailyReflection = "daily_reflection", /// Review, once a week (the user's week).
        WeeklyReview = "weekly_review" }
);

impl EntryKind {
    /// The content fields that must be non-empty strings.
    #[must_use]
    pub fn required_fields(self) -> &'static [&'static str] {
        match self {
            Self::MorningPages => &["body"],
            Self::DailyReflection => &["went_well", "to_improve", "grateful_for"],
            Self::WeeklyReview => &["big_wins", "challenges", "learnings", "next_week_focus"],
        }
    }

    /// Whether the kind is once a week (else once a day).
    #[must_use]
    pub fn is_weekly(self) -> bool {
        self == Self::WeeklyReview
    }

    /// The period an entry dated `date` occupies: the day, or the first day
    /// of its week under `week_start`.
    #[must_use]
    pub fn period_of(self, date: NaiveDate, week_start: WeekStart) -> NaiveDate {
        if self.is_weekly() {
            week_start.week_of(date)
        } else {
            date
        }
    }
}

impl std::fmt::Display for EntryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Valid content for a kind: a JSON object whose required fields are
/// non-empty strings (whitespace-only counts as empty); other keys are kept
/// as sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Content(Map<String, Value>);

impl Content {
    /// Checks `raw` against the rules of `kind`.
    ///
    /// # Errors
    /// A [`FieldError`] naming `content` or `content.<field>`.
    pub fn parse(kind: EntryKind, raw: Value) -> Result<Self, FieldError> {
        let Value::Object(map) = raw else {
            return Err(FieldError::new("content", "content must be a JSON object"));
        };
        storable_json("content", &map)?;
        for field in kind.required_fields() {
            let path = format!("content.{field}");
            match map.get(*field) {
                Some(Value::String(s)) if !s.trim().is_empty() => {}
                Some(Value::String(_)) => return Err(FieldError::empty(path)),
                Some(_) => {
                    return Err(FieldError::new(
                        path.clone(),
                        format!("{path} must be a string"),
                    ));
                }
                None => return Err(FieldError::new(path.clone(), format!("{path} is required"))),
            }
        }
        Ok(Self(map))
    }

    /// Whitespace-separated words over every string value (nested ones too).
    #[must_use]
    pub fn word_count(&self) -> i32 {
        fn count(v: &Value) -> usize {
            match v {
                Value::String(s) => s.split_whitespace().count(),
                Value::Array(a) => a.iter().map(count).sum(),
                Value::Object(o) => o.values().map(count).sum(),
                _ => 0,
            }
        }
        i32::try_from(self.0.values().map(count).sum::<usize>()).unwrap_or(i32::MAX)
    }

    /// The content as JSON.
    #[must_use]
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

/// Refuses a NUL character anywhere in `map`, keys included: PostgreSQL's
/// `jsonb` cannot store `\u{0}`. The error names the deepest path.
fn storable_json(path: &str, map: &Map<String, Value>) -> Result<(), FieldError> {
    fn walk(path: &str, v: &Value) -> Result<(), FieldError> {
        match v {
            Value::String(s) => lifeos_kernel::storable(path, s),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| walk(&format!("{path}[{i}]"), v)),
            Value::Object(o) => storable_json(path, o),
            _ => Ok(()),
        }
    }
    map.iter().try_for_each(|(k, v)| {
        lifeos_kernel::storable(path, k)?;
        walk(&format!("{path}.{k}"), v)
    })
}

/// A journal entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Id.
    pub id: EntryId,
    /// Kind.
    pub kind: EntryKind,
    /// The day it is for.
    pub entry_date: NaiveDate,
    /// Content as stored.
    pub content: Value,
    /// Words over all string values.
    pub word_count: i32,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// An entry to insert.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// Id.
    pub id: EntryId,
    /// Owner.
    pub user: UserId,
    /// Kind.
    pub kind: EntryKind,
    /// Day.
    pub entry_date: NaiveDate,
    /// The day or week start the uniqueness rule applies to.
    pub period_start: NaiveDate,
    /// Content.
    pub content: Value,
    /// Word count.
    pub word_count: i32,
    /// Now.
    pub now: DateTime<Utc>,
}

/// A partial update as the client sent it.
#[derive(Debug, Clone, Default)]
pub struct EntryPatch {
    /// New content (replaces the whole content).
    pub content: Option<Value>,
    /// New date.
    pub entry_date: Option<NaiveDate>,
}

/// Validated changes for the repository.
#[derive(Debug, Clone)]
pub struct EntryChanges {
    /// New content and its word count.
    pub content: Option<(Value, i32)>,
    /// New date and period.
    pub date: Option<(NaiveDate, NaiveDate)>,
    /// Now.
    pub now: DateTime<Utc>,
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    /// Only this kind.
    pub kind: Option<EntryKind>,
    /// From this date (inclusive).
    pub date_from: Option<NaiveDate>,
    /// To this date (inclusive).
    pub date_to: Option<NaiveDate>,
    /// Full-text query (non-empty).
    pub q: Option<String>,
    /// Page.
    pub page: PageRequest,
}

/// A streak: consecutive days (weeks) ending today (this week) or yesterday
/// (last week), and the longest run ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Streak {
    /// Current run.
    pub current: u32,
    /// Longest run over all history.
    pub longest: u32,
}

/// Today's state and streaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalStatus {
    /// The user's today.
    pub date: NaiveDate,
    /// First day of the user's current week.
    pub week_start: NaiveDate,
    /// Whether today (this week) has an entry, per kind.
    pub today: [(EntryKind, bool); 3],
    /// Streaks per kind.
    pub streaks: [(EntryKind, Streak); 3],
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_display_as_their_wire_names() {
        assert_eq!(EntryKind::WeeklyReview.to_string(), "weekly_review");
    }

    #[test]
    fn words_are_counted_in_nested_objects_and_arrays_too() {
        let c = Content::parse(
            EntryKind::MorningPages,
            json!({"body": "one two", "extra": {"deep": "three four", "list": ["five", 6]}}),
        )
        .unwrap();
        assert_eq!(c.word_count(), 5);
    }

    #[test]
    fn a_nul_anywhere_in_the_content_is_refused_with_its_path() {
        let cases = [
            (json!({"body": "a\u{0}"}), "content.body"),
            (json!({"body": "ok", "x": ["ok", "\u{0}"]}), "content.x[1]"),
            (json!({"body": "ok", "x": {"y": "\u{0}"}}), "content.x.y"),
            (json!({"body": "ok", "k\u{0}": 1}), "content"),
        ];
        for (raw, field) in cases {
            let e = Content::parse(EntryKind::MorningPages, raw.clone()).unwrap_err();
            assert_eq!(e.field, field, "{raw}");
        }
    }

    #[test]
    fn content_requires_non_empty_strings_per_kind() {
        assert!(Content::parse(EntryKind::MorningPages, json!({"body": "hi"})).is_ok());
        let cases = [
            (EntryKind::MorningPages, json!({}), "content.body"),
            (
                EntryKind::MorningPages,
                json!({"body": "   "}),
                "content.body",
            ),
            (EntryKind::MorningPages, json!({"body": 3}), "content.body"),
            (EntryKind::MorningPages, json!("text"), "content"),
            (
                EntryKind::DailyReflection,
                json!({"went_well": "a", "to_improve": "b"}),
                "content.grateful_for",
            ),
            (
                EntryKind::WeeklyReview,
                json!({"big_wins": "a", "challenges": "b", "learnings": "", "next_week_focus": "d"}),
                "content.learnings",
            ),
        ];
        for (kind, raw, field) in cases {
            assert_eq!(
                Content::parse(kind, raw.clone()).unwrap_err().field,
                field,
                "{raw}"
            );
        }
    }

    #[test]
    fn other_keys_are_kept_and_counted() {
        let c = Content::parse(
            EntryKind::MorningPages,
            json!({"body": "one two  three", "mood": "very good", "tags": ["a b", 3], "n": 5}),
        )
        .unwrap();
        assert_eq!(c.word_count(), 7);
        assert_eq!(c.into_value()["n"], 5);
    }

    #[test]
    fn weekly_reviews_occupy_their_week() {
        let d: NaiveDate = "2026-11-25".parse().unwrap();
        assert_eq!(
            EntryKind::WeeklyReview
                .period_of(d, WeekStart::Monday)
                .to_string(),
            "2026-11-23"
        );
        assert_eq!(
            EntryKind::WeeklyReview
                .period_of(d, WeekStart::Sunday)
                .to_string(),
            "2026-11-22"
        );
        assert_eq!(EntryKind::MorningPages.period_of(d, WeekStart::Sunday), d);
    }
}
