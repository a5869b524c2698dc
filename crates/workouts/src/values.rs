//! Parse-only values of the workouts module: the limits of every text a
//! client sends live here and nowhere else.

use lifeos_kernel::text_value;

text_value!(
    /// An exercise's name: trimmed, 1 to 100 characters (unique per user,
    /// case-insensitively, which the database enforces).
    ExerciseName, "name", trimmed, 100
);
text_value!(
    /// A program's or a session's name: trimmed, 1 to 200 characters.
    WorkoutName, "name", trimmed, 200
);
text_value!(
    /// Equipment of an exercise: as sent, up to 100 characters.
    Equipment, "equipment", plain, 100
);
text_value!(
    /// Notes of an exercise or a session, or a program's description: as
    /// sent, up to 10,000 characters.
    Notes, "notes", plain, 10_000
);
text_value!(
    /// Notes of one logged set: as sent, up to 1,000 characters.
    SetNotes, "notes", plain, 1_000
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_is_inclusive_and_counts_characters() {
        assert!(ExerciseName::parse(&"é".repeat(100)).is_ok());
        assert!(ExerciseName::parse(&"é".repeat(101)).is_err());
        assert!(WorkoutName::parse(&"é".repeat(200)).is_ok());
        assert!(WorkoutName::parse(&"é".repeat(201)).is_err());
        assert!(Equipment::parse(&"x".repeat(100)).is_ok());
        assert!(Equipment::parse(&"x".repeat(101)).is_err());
        assert!(Notes::parse(&"x".repeat(10_000)).is_ok());
        assert!(Notes::parse(&"x".repeat(10_001)).is_err());
        assert!(SetNotes::parse(&"x".repeat(1_000)).is_ok());
        assert_eq!(
            SetNotes::parse(&"x".repeat(1_001)).unwrap_err().field,
            "notes"
        );
        assert_eq!(
            Notes::parse_at("description", &"x".repeat(10_001))
                .unwrap_err()
                .field,
            "description"
        );
        assert_eq!(ExerciseName::parse("  Squat ").unwrap().as_str(), "Squat");
    }
}
