//! Exercise history and personal records.

use super::{SessionId, WorkoutLog};
use chrono::{DateTime, Utc};

/// Estimated one-rep max by Epley: `w × (1 + reps / 30)`; a single rep
/// counts as `w`; zero reps count as nothing.
#[must_use]
pub fn e1rm(weight: f64, reps: i32) -> Option<f64> {
    match reps {
        r if r <= 0 => None,
        1 => Some(weight),
        r => Some(weight * (1.0 + f64::from(r) / 30.0)),
    }
}

/// The heaviest set (ties: most reps; then the first logged).
#[must_use]
pub fn top_set(sets: &[WorkoutLog]) -> Option<&WorkoutLog> {
    sets.iter()
        .fold(None, |best: Option<&WorkoutLog>, s| match best {
            Some(b) if (b.weight, b.reps) >= (s.weight, s.reps) => Some(b),
            _ => Some(s),
        })
}

/// One session in an exercise's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryItem {
    /// Session.
    pub session_id: SessionId,
    /// Its name.
    pub name: String,
    /// Its start.
    pub started_at: DateTime<Utc>,
    /// This exercise's sets in it.
    pub sets: Vec<WorkoutLog>,
}

impl HistoryItem {
    /// Σ reps × weight of these sets.
    #[must_use]
    pub fn volume(&self) -> f64 {
        self.sets.iter().map(|s| f64::from(s.reps) * s.weight).sum()
    }

    /// The best estimated one-rep max of these sets.
    #[must_use]
    pub fn best_e1rm(&self) -> Option<f64> {
        self.sets
            .iter()
            .filter_map(|s| e1rm(s.weight, s.reps))
            .reduce(f64::max)
    }
}

/// A personal record: the value, where and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The value.
    pub value: f64,
    /// The session it was set in.
    pub session_id: SessionId,
    /// When that session started.
    pub at: DateTime<Utc>,
}

/// Personal records over all history (the first time each was reached).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonalRecords {
    /// Heaviest set weight.
    pub max_weight: Option<Record>,
    /// Most reps in a set.
    pub max_reps: Option<Record>,
    /// Largest volume in one session.
    pub max_volume_session: Option<Record>,
    /// Best estimated one-rep max.
    pub best_e1rm: Option<Record>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ExerciseId;
    use uuid::Uuid;

    fn set(weight: f64, reps: i32) -> WorkoutLog {
        WorkoutLog {
            id: Uuid::new_v4(),
            exercise_id: ExerciseId(Uuid::nil()),
            exercise_name: "x".into(),
            set_number: 1,
            reps,
            weight,
            rpe: None,
            notes: None,
            created_at: "2026-11-24T08:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn epley_counts_a_single_as_its_weight_and_zero_reps_as_nothing() {
        assert_eq!(e1rm(100.0, 1), Some(100.0));
        assert_eq!(e1rm(100.0, 0), None);
        assert!((e1rm(100.0, 5).unwrap() - 116.666_666).abs() < 1e-3);
    }

    #[test]
    fn the_top_set_is_the_heaviest_then_most_reps() {
        let sets = [set(100.0, 5), set(110.0, 2), set(110.0, 3), set(90.0, 10)];
        let top = top_set(&sets).unwrap();
        assert_eq!((top.weight, top.reps), (110.0, 3));
        assert!(top_set(&[]).is_none());
    }

    #[test]
    fn volume_and_best_e1rm_of_a_session() {
        let item = HistoryItem {
            session_id: SessionId(Uuid::nil()),
            name: "w".into(),
            started_at: "2026-11-24T08:00:00Z".parse().unwrap(),
            sets: vec![set(100.0, 5), set(120.0, 1), set(50.0, 0)],
        };
        assert!((item.volume() - 620.0).abs() < 1e-9);
        assert!((item.best_e1rm().unwrap() - 120.0).abs() < 1e-9);
    }
}
