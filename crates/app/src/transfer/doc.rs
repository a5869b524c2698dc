//! The export document, version [`FORMAT_VERSION`](super::FORMAT_VERSION):
//! every module's resources with the field names and forms of the API's own
//! representations, children nested under their parent (a project's tasks
//! and notes, a program's exercise list, a workout's logged sets, an
//! event's changed occurrences). Fields the API computes on read
//! (`task_counts`, `total_volume`, `exercise_name`) are left out; a child's
//! parent id is implied by where it sits.
//!
//! Reading is lenient where the API is (optional fields may be missing)
//! and strict about types; unknown fields are ignored, so a document from a
//! later server with more fields still imports.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// A whole export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The format's version.
    pub format_version: u32,
    /// When it was written.
    pub exported_at: DateTime<Utc>,
    /// The account it came from (not imported: the account imported into
    /// keeps its own name and settings).
    pub user: UserDoc,
    /// Journal entries.
    #[serde(default)]
    pub journal: Vec<JournalDoc>,
    /// The exercise library.
    #[serde(default)]
    pub exercises: Vec<ExerciseDoc>,
    /// Programs with their exercise lists.
    #[serde(default)]
    pub programs: Vec<ProgramDoc>,
    /// Workout sessions with their sets.
    #[serde(default)]
    pub workouts: Vec<WorkoutDoc>,
    /// Projects with their tasks and notes.
    #[serde(default)]
    pub projects: Vec<ProjectDoc>,
    /// Captures.
    #[serde(default)]
    pub captures: Vec<CaptureDoc>,
    /// Events with their changed occurrences.
    #[serde(default)]
    pub events: Vec<EventDoc>,
    /// API keys, metadata only (never imported: a key's secret is not in
    /// the document, so a restored key could never be used).
    #[serde(default)]
    pub api_keys: Vec<ApiKeyDoc>,
}

/// The account and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDoc {
    /// Id.
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// IANA time zone.
    pub timezone: String,
    /// `monday` | `sunday`.
    pub week_start: String,
    /// `kg` | `lb`.
    pub weight_unit: String,
    /// Account creation.
    pub created_at: DateTime<Utc>,
}

/// A journal entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalDoc {
    /// Id.
    pub id: Uuid,
    /// `morning_pages` | `daily_reflection` | `weekly_review`.
    pub entry_type: String,
    /// The day it is for.
    pub entry_date: NaiveDate,
    /// Content (checked by the kind's rules).
    pub content: Value,
    /// Words (recomputed on import).
    #[serde(default)]
    pub word_count: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// An exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseDoc {
    /// Id.
    pub id: Uuid,
    /// Name (unique per account, ignoring case).
    pub name: String,
    /// `strength` | `cardio` | `mobility` | `other`.
    pub category: String,
    /// Muscle groups.
    #[serde(default)]
    pub muscle_groups: Vec<String>,
    /// Equipment.
    pub equipment: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Put away.
    #[serde(default)]
    pub archived: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// A program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramDoc {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Put away.
    #[serde(default)]
    pub archived: bool,
    /// Its exercise list, in order.
    #[serde(default)]
    pub exercises: Vec<ProgramItemDoc>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// One item of a program's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramItemDoc {
    /// Id.
    pub id: Uuid,
    /// The exercise (in the document or already in the account).
    pub exercise_id: Uuid,
    /// Position (0-based; the list is renumbered in this order).
    pub position: i32,
    /// Target sets.
    pub target_sets: Option<i32>,
    /// Target reps.
    pub target_reps: Option<i32>,
    /// Target weight (kg).
    pub target_weight: Option<f64>,
    /// Rest (s).
    pub rest_seconds: Option<i32>,
    /// Notes.
    pub notes: Option<String>,
}

/// A workout session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkoutDoc {
    /// Id.
    pub id: Uuid,
    /// The program it followed.
    pub program_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: Option<DateTime<Utc>>,
    /// Notes.
    pub notes: Option<String>,
    /// Logged sets.
    #[serde(default)]
    pub logs: Vec<LogDoc>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// One logged set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogDoc {
    /// Id.
    pub id: Uuid,
    /// The exercise (in the document or already in the account).
    pub exercise_id: Uuid,
    /// Set number (1-based).
    pub set_number: i32,
    /// Reps.
    pub reps: i32,
    /// Weight (kg).
    pub weight: f64,
    /// RPE 1-10.
    pub rpe: Option<f64>,
    /// Notes.
    pub notes: Option<String>,
    /// Logged.
    pub created_at: DateTime<Utc>,
}

/// A project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectDoc {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `active` | `on_hold` | `completed` | `archived`.
    pub status: String,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Position (imported projects go after the account's, in this order).
    pub position: i32,
    /// Tasks.
    #[serde(default)]
    pub tasks: Vec<TaskDoc>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<NoteDoc>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// A task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDoc {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// `todo` | `in_progress` | `done`.
    pub status: String,
    /// `low` | `medium` | `high`.
    pub priority: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Position in the project.
    pub position: i32,
    /// Set exactly when done.
    pub completed_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// A project note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteDoc {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// A capture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaptureDoc {
    /// Id.
    pub id: Uuid,
    /// Text.
    pub content: String,
    /// Source.
    pub source: String,
    /// `inbox` | `processed` | `archived`.
    pub status: String,
    /// What it became.
    pub converted_to: Option<TargetDoc>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When it left the inbox.
    pub processed_at: Option<DateTime<Utc>>,
}

/// A capture's conversion target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetDoc {
    /// `task` | `journal_entry` | `event`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The target's id (follows the target when it is given a new id).
    pub id: Uuid,
}

/// An event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventDoc {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Start (a date for all-day events).
    pub start: String,
    /// End (exclusive date for all-day events).
    pub end: String,
    /// Whole days.
    pub all_day: bool,
    /// IANA zone.
    pub timezone: String,
    /// RRULE.
    pub rrule: Option<String>,
    /// Skipped occurrence starts.
    #[serde(default)]
    pub exdates: Vec<String>,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Changed occurrences.
    #[serde(default)]
    pub overrides: Vec<OverrideDoc>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// A changed occurrence of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideDoc {
    /// The occurrence's original start.
    pub recurrence_id: String,
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// New start.
    pub start: Option<String>,
    /// New end.
    pub end: Option<String>,
    /// Color.
    pub color: Option<String>,
}

/// An API key's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyDoc {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// First characters, to recognise it.
    pub prefix: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// What it may do (`capture`, `today`); absent in exports made before
    /// keys had scopes.
    #[serde(default)]
    pub scopes: Vec<String>,
}
