//! Exercises: entities and value rules.

use crate::values::{Equipment, ExerciseName, Notes};
use chrono::{DateTime, Utc};
use lifeos_kernel::{FieldError, PageRequest, UserId, trimmed_text};
use uuid::Uuid;

/// Exercise id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExerciseId(pub Uuid);

lifeos_kernel::wire_enum!(
    /// Exercise category.
    Category { /// Weights.
        Strength = "strength", /// Endurance.
        Cardio = "cardio", /// Flexibility.
        Mobility = "mobility", /// Anything else.
        Other = "other" }
);

/// Muscle groups: each trimmed, 1 to 50 characters; at most 20; repeats
/// (case-insensitive) are dropped, order kept.
///
/// # Errors
/// A [`FieldError`] on `muscle_groups[i]`.
pub fn muscle_groups(raw: Vec<String>) -> Result<Vec<String>, FieldError> {
    if raw.len() > 20 {
        return Err(FieldError::new(
            "muscle_groups",
            "muscle_groups may hold at most 20 entries",
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, g) in raw.iter().enumerate() {
        let g = trimmed_text(&format!("muscle_groups[{i}]"), g, 50)?;
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&g)) {
            out.push(g);
        }
    }
    Ok(out)
}

/// An exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exercise {
    /// Id.
    pub id: ExerciseId,
    /// Name (unique per user, case-insensitively).
    pub name: String,
    /// Category.
    pub category: Category,
    /// Muscle groups.
    pub muscle_groups: Vec<String>,
    /// Equipment.
    pub equipment: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Hidden from pickers, kept for history.
    pub archived: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// What a client asks for when creating an exercise; the service adds the
/// id, the default category (`other`) and the times.
#[derive(Debug, Clone)]
pub struct ExerciseDraft {
    /// Name.
    pub name: ExerciseName,
    /// Category (default `other`).
    pub category: Option<Category>,
    /// Muscle groups (checked by [`muscle_groups`]).
    pub muscle_groups: Vec<String>,
    /// Equipment.
    pub equipment: Option<Equipment>,
    /// Notes.
    pub notes: Option<Notes>,
    /// Archived.
    pub archived: bool,
}

/// An exercise to store, built by the service.
#[derive(Debug, Clone)]
pub struct NewExercise {
    /// Owner.
    pub user: UserId,
    /// The exercise (id and times included).
    pub exercise: Exercise,
}

/// Changes to an exercise (`None` = unchanged; inner `None` = clear).
#[derive(Debug, Clone, Default)]
pub struct ExerciseChanges {
    /// Name.
    pub name: Option<String>,
    /// Category.
    pub category: Option<Category>,
    /// Muscle groups.
    pub muscle_groups: Option<Vec<String>>,
    /// Equipment.
    pub equipment: Option<Option<String>>,
    /// Notes.
    pub notes: Option<Option<String>>,
    /// Archived.
    pub archived: Option<bool>,
}

/// List filters.
#[derive(Debug, Clone, Default)]
pub struct ExerciseFilter {
    /// Name contains (case-insensitive).
    pub q: Option<String>,
    /// Only this category.
    pub category: Option<Category>,
    /// Only archived (`true`) or active (`false`) ones; both when `None`.
    pub archived: Option<bool>,
    /// Page.
    pub page: PageRequest,
}

impl ExerciseFilter {
    /// A name search: trimmed, `None` when empty; refuses what cannot be
    /// stored or compared (a NUL character).
    ///
    /// # Errors
    /// A [`FieldError`] on `field`.
    pub fn search(field: &str, raw: Option<String>) -> Result<Option<String>, FieldError> {
        let Some(raw) = raw else { return Ok(None) };
        lifeos_kernel::storable(field, &raw)?;
        let t = raw.trim();
        Ok((!t.is_empty()).then(|| t.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_muscle_groups_are_checked() {
        assert_eq!(
            ExerciseName::parse("  Back Squat ").unwrap().as_str(),
            "Back Squat"
        );
        assert_eq!(ExerciseName::parse("").unwrap_err().field, "name");
        assert_eq!(
            muscle_groups(vec!["Quads".into(), " quads".into(), "Glutes".into()]).unwrap(),
            vec!["Quads", "Glutes"]
        );
        assert_eq!(
            muscle_groups(vec!["a".into(), " ".into()])
                .unwrap_err()
                .field,
            "muscle_groups[1]"
        );
        assert_eq!(
            muscle_groups(vec!["a".into(); 21]).unwrap_err().field,
            "muscle_groups"
        );
    }

    #[test]
    fn twenty_muscle_groups_are_the_most() {
        let twenty: Vec<String> = (0..20).map(|i| format!("g{i}")).collect();
        assert_eq!(muscle_groups(twenty).unwrap().len(), 20);
        assert_eq!(
            muscle_groups(vec!["x".repeat(51)]).unwrap_err().field,
            "muscle_groups[0]"
        );
    }

    #[test]
    fn a_name_search_is_trimmed_and_blank_means_none() {
        assert_eq!(ExerciseFilter::search("q", None).unwrap(), None);
        assert_eq!(
            ExerciseFilter::search("q", Some("  ".into())).unwrap(),
            None
        );
        assert_eq!(
            ExerciseFilter::search("q", Some(" squat ".into())).unwrap(),
            Some("squat".to_string())
        );
        assert_eq!(
            ExerciseFilter::search("q", Some("a\0".into()))
                .unwrap_err()
                .field,
            "q"
        );
    }

    #[test]
    fn categories_parse_their_wire_names() {
        assert_eq!(
            Category::parse("category", "cardio").unwrap(),
            Category::Cardio
        );
        assert_eq!(
            Category::parse("category", "yoga").unwrap_err().field,
            "category"
        );
    }
}
