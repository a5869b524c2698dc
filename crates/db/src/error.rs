//! Mapping of diesel and pool errors onto the ports' [`StoreError`]: the one
//! place that knows constraint names. Nothing here chooses words for a
//! client; the cause is kept for the logs.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::deadpool::PoolError;
use lifeos_kernel::{Conflict, StoreError, Uniqueness};

/// The uniqueness rule a constraint (or unique index) stands for.
fn uniqueness(constraint: Option<&str>) -> Uniqueness {
    match constraint {
        Some("uq_journal_entries_owner_kind_period") => Uniqueness::JournalEntryPerPeriod,
        Some("uq_exercises_user_name") => Uniqueness::ExerciseName,
        _ => Uniqueness::Other,
    }
}

/// The conflict a foreign-key violation stands for.
fn in_use(constraint: Option<&str>) -> Conflict {
    match constraint {
        Some("fk_program_exercises_exercise") => Conflict::ExerciseInProgram,
        Some("fk_workout_logs_exercise") => Conflict::ExerciseInWorkoutLog,
        _ => Conflict::InUse,
    }
}

/// Maps a diesel error. Unique and foreign-key violations are told apart
/// by constraint name, so services can tell which rule was broken.
#[must_use]
pub fn store_error(e: DieselError) -> StoreError {
    match e {
        DieselError::NotFound => StoreError::NotFound,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            StoreError::Duplicate(uniqueness(info.constraint_name()))
        }
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
            StoreError::Conflict(in_use(info.constraint_name()))
        }
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
            StoreError::Conflict(Conflict::Concurrent)
        }
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            info,
        ) => StoreError::Unavailable(info.message().to_string().into()),
        DieselError::DatabaseError(_, info)
            if info.message().contains("terminating connection")
                || info.message().contains("the database system is") =>
        {
            StoreError::Unavailable(info.message().to_string().into())
        }
        other => StoreError::Internal(Box::new(other)),
    }
}

/// Maps a pool error: every way of not getting a connection is "unavailable".
#[must_use]
pub fn pool_error(e: PoolError) -> StoreError {
    StoreError::Unavailable(Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_names_map_to_rules_and_unknown_ones_to_the_catch_all() {
        assert_eq!(
            uniqueness(Some("uq_exercises_user_name")),
            Uniqueness::ExerciseName
        );
        assert_eq!(
            uniqueness(Some("uq_journal_entries_owner_kind_period")),
            Uniqueness::JournalEntryPerPeriod
        );
        assert_eq!(uniqueness(None), Uniqueness::Other);
        assert_eq!(
            in_use(Some("fk_workout_logs_exercise")),
            Conflict::ExerciseInWorkoutLog
        );
        assert_eq!(
            in_use(Some("fk_program_exercises_exercise")),
            Conflict::ExerciseInProgram
        );
        assert_eq!(in_use(Some("fk_x")), Conflict::InUse);
    }
}
