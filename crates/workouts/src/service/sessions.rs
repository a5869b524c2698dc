//! Session use cases: sessions, their sets, and an exercise's history.

use super::WorkoutError;
use crate::model::{
    ExerciseId, HistoryItem, LogChanges, LogDraft, NewLog, NewSession, PersonalRecords, Refusal,
    SessionChanges, SessionDraft, SessionFilter, SessionId, WorkoutLog, WorkoutSession, check_set,
};
use crate::ports::{HistoryRepository, SessionRepository};
use chrono::{DateTime, Utc};
use lifeos_kernel::{Clock, FieldError, Page, PageRequest, UserId};
use std::sync::Arc;
use uuid::Uuid;

fn refused(r: Refusal) -> WorkoutError {
    match r {
        Refusal::UnknownReference(field) => {
            FieldError::new(field, format!("{field} must be one of yours")).into()
        }
        Refusal::EndsBeforeStart(field) => {
            FieldError::new(field, "ended_at must not be before started_at").into()
        }
    }
}

/// Session use cases.
pub struct SessionService {
    repo: Arc<dyn SessionRepository>,
    history: Arc<dyn HistoryRepository>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for SessionService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionService").finish_non_exhaustive()
    }
}

#[expect(
    missing_docs,
    reason = "each method is one port call, documented on the port"
)]
impl SessionService {
    /// Wires the service.
    pub fn new(
        repo: Arc<dyn SessionRepository>,
        history: Arc<dyn HistoryRepository>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            repo,
            history,
            clock,
        }
    }

    /// Starts a session: a new id, started now unless a start is given.
    pub async fn create(
        &self,
        user: UserId,
        d: SessionDraft,
    ) -> Result<WorkoutSession, WorkoutError> {
        let now = self.clock.now();
        let s = NewSession {
            id: SessionId(lifeos_kernel::new_id()),
            user,
            program_id: d.program_id,
            name: d.name.map(crate::WorkoutName::into_string),
            started_at: d.started_at.unwrap_or(now),
            now,
        };
        self.repo.create_session(s).await?.map_err(refused)
    }

    pub async fn list(
        &self,
        user: UserId,
        f: SessionFilter,
    ) -> Result<Page<WorkoutSession>, WorkoutError> {
        let (items, total) = self.repo.list_sessions(user, &f).await?;
        Ok(Page::new(items, total, f.page))
    }

    pub async fn get(&self, user: UserId, id: SessionId) -> Result<WorkoutSession, WorkoutError> {
        self.repo
            .get_session(user, id)
            .await?
            .ok_or(WorkoutError::NotFound)
    }

    pub async fn update(
        &self,
        user: UserId,
        id: SessionId,
        c: SessionChanges,
    ) -> Result<WorkoutSession, WorkoutError> {
        self.repo
            .update_session(user, id, c, self.clock.now())
            .await?
            .map_err(refused)
    }

    /// Sets `ended_at` (now, or the one given); never before `started_at`.
    pub async fn finish(
        &self,
        user: UserId,
        id: SessionId,
        ended_at: Option<DateTime<Utc>>,
    ) -> Result<WorkoutSession, WorkoutError> {
        let at = ended_at.unwrap_or_else(|| self.clock.now());
        let c = SessionChanges {
            ended_at: Some(Some(at)),
            ..Default::default()
        };
        self.repo
            .update_session(user, id, c, self.clock.now())
            .await?
            .map_err(refused)
    }

    pub async fn delete(&self, user: UserId, id: SessionId) -> Result<(), WorkoutError> {
        if self.repo.delete_session(user, id).await? {
            Ok(())
        } else {
            Err(WorkoutError::NotFound)
        }
    }

    /// Logs a set (a new id; the next set number unless given).
    pub async fn add_log(
        &self,
        user: UserId,
        id: SessionId,
        d: LogDraft,
    ) -> Result<WorkoutLog, WorkoutError> {
        check_set(d.set_number, Some(d.reps), Some(d.weight), d.rpe)?;
        let l = NewLog {
            id: lifeos_kernel::new_id(),
            exercise_id: d.exercise_id,
            set_number: d.set_number,
            reps: d.reps,
            weight: d.weight,
            rpe: d.rpe,
            notes: d.notes.map(crate::SetNotes::into_string),
        };
        self.repo
            .add_log(user, id, l, self.clock.now())
            .await?
            .map_err(refused)
    }

    pub async fn update_log(
        &self,
        user: UserId,
        id: SessionId,
        log: Uuid,
        c: LogChanges,
    ) -> Result<WorkoutLog, WorkoutError> {
        check_set(c.set_number, c.reps, c.weight, c.rpe.flatten())?;
        self.repo
            .update_log(user, id, log, c)
            .await?
            .map_err(refused)
    }

    /// An exercise's history page and records.
    pub async fn history(
        &self,
        user: UserId,
        exercise: ExerciseId,
        page: PageRequest,
    ) -> Result<(Page<HistoryItem>, PersonalRecords), WorkoutError> {
        let (items, total, records) = self
            .history
            .exercise_history(user, exercise, page)
            .await?
            .ok_or(WorkoutError::NotFound)?;
        Ok((Page::new(items, total, page), records))
    }

    pub async fn delete_log(
        &self,
        user: UserId,
        id: SessionId,
        log: Uuid,
    ) -> Result<(), WorkoutError> {
        if self.repo.delete_log(user, id, log).await? {
            Ok(())
        } else {
            Err(WorkoutError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{InMemoryExercises, InMemorySessions};
    use crate::model::ProgramId;
    use crate::{ExerciseDraft, ExerciseName, SetNotes, WorkoutName, WorkoutService};
    use lifeos_kernel::FixedClock;

    const U: UserId = UserId(Uuid::nil());
    const OTHER: UserId = UserId(Uuid::from_u128(9));
    const NOW: &str = "2026-11-24T08:00:00Z";

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// The session service and the exercise service over shared fakes, and
    /// one exercise of `U`.
    async fn world() -> (SessionService, WorkoutService, ExerciseId) {
        let library = Arc::new(InMemoryExercises::default());
        let sessions = Arc::new(InMemorySessions::new(library.clone()));
        let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(at(NOW)));
        let s = SessionService::new(sessions.clone(), sessions, clock.clone());
        let w = WorkoutService::new(library.clone(), library, clock);
        let squat = w
            .create_exercise(
                U,
                ExerciseDraft {
                    name: ExerciseName::parse("Squat").unwrap(),
                    category: None,
                    muscle_groups: vec![],
                    equipment: None,
                    notes: None,
                    archived: false,
                },
            )
            .await
            .unwrap();
        (s, w, squat.id)
    }

    fn set(exercise: ExerciseId, reps: i32, weight: f64) -> LogDraft {
        LogDraft {
            exercise_id: exercise,
            set_number: None,
            reps,
            weight,
            rpe: None,
            notes: None,
        }
    }

    #[tokio::test]
    async fn a_session_starts_now_unless_given_and_is_named_workout() {
        let (s, _, _) = world().await;
        let w = s.create(U, SessionDraft::default()).await.unwrap();
        assert_eq!((w.name.as_str(), w.started_at), ("Workout", at(NOW)));
        let named = s
            .create(
                U,
                SessionDraft {
                    name: Some(WorkoutName::parse("Legs").unwrap()),
                    started_at: Some(at("2026-11-23T18:00:00Z")),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(named.name, "Legs");
        assert_eq!(named.started_at, at("2026-11-23T18:00:00Z"));
        assert_ne!(w.id, named.id);
    }

    #[tokio::test]
    async fn another_users_program_or_exercise_is_refused() {
        let (s, _, squat) = world().await;
        let r = s
            .create(
                U,
                SessionDraft {
                    program_id: Some(ProgramId(Uuid::new_v4())),
                    ..Default::default()
                },
            )
            .await;
        assert!(matches!(r, Err(WorkoutError::Invalid(f)) if f.field == "program_id"));
        let theirs = s.create(OTHER, SessionDraft::default()).await.unwrap();
        let r = s.add_log(OTHER, theirs.id, set(squat, 5, 100.0)).await;
        assert!(matches!(r, Err(WorkoutError::Invalid(f)) if f.field == "exercise_id"));
        assert!(matches!(
            s.get(U, theirs.id).await,
            Err(WorkoutError::NotFound)
        ));
    }

    #[tokio::test]
    async fn finishing_sets_the_end_now_or_as_given_never_before_the_start() {
        let (s, _, _) = world().await;
        let w = s
            .create(
                U,
                SessionDraft {
                    started_at: Some(at("2026-11-24T07:00:00Z")),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let done = s.finish(U, w.id, None).await.unwrap();
        assert_eq!(done.ended_at, Some(at(NOW)));
        let given = s
            .finish(U, w.id, Some(at("2026-11-24T07:45:00Z")))
            .await
            .unwrap();
        assert_eq!(given.ended_at, Some(at("2026-11-24T07:45:00Z")));
        let early = s.finish(U, w.id, Some(at("2026-11-24T06:00:00Z"))).await;
        assert!(matches!(early, Err(WorkoutError::Invalid(f)) if f.field == "ended_at"));
        assert_eq!(
            s.get(U, w.id).await.unwrap().ended_at,
            Some(at("2026-11-24T07:45:00Z"))
        );
    }

    #[tokio::test]
    async fn sets_number_themselves_per_exercise_and_are_checked() {
        let (s, _, squat) = world().await;
        let w = s.create(U, SessionDraft::default()).await.unwrap();
        let a = s.add_log(U, w.id, set(squat, 5, 100.0)).await.unwrap();
        let mut d = set(squat, 3, 105.0);
        d.notes = Some(SetNotes::parse("grindy").unwrap());
        let b = s.add_log(U, w.id, d).await.unwrap();
        assert_eq!((a.set_number, b.set_number), (1, 2));
        assert_eq!(b.notes.as_deref(), Some("grindy"));
        assert_eq!(b.created_at, at(NOW));
        let bad = s.add_log(U, w.id, set(squat, -1, 100.0)).await;
        assert!(matches!(bad, Err(WorkoutError::Invalid(f)) if f.field == "reps"));
        let got = s.get(U, w.id).await.unwrap();
        assert!((got.total_volume() - 815.0).abs() < 1e-9);
    }

    #[tokio::test]
    async fn deleting_what_is_not_there_is_not_found() {
        let (s, _, squat) = world().await;
        let w = s.create(U, SessionDraft::default()).await.unwrap();
        let l = s.add_log(U, w.id, set(squat, 5, 100.0)).await.unwrap();
        assert!(matches!(
            s.delete_log(OTHER, w.id, l.id).await,
            Err(WorkoutError::NotFound)
        ));
        s.delete_log(U, w.id, l.id).await.unwrap();
        assert!(matches!(
            s.delete_log(U, w.id, l.id).await,
            Err(WorkoutError::NotFound)
        ));
        assert!(matches!(
            s.delete(OTHER, w.id).await,
            Err(WorkoutError::NotFound)
        ));
        s.delete(U, w.id).await.unwrap();
        assert!(matches!(
            s.delete(U, w.id).await,
            Err(WorkoutError::NotFound)
        ));
    }

    #[tokio::test]
    async fn history_lists_the_sessions_an_exercise_was_done_in() {
        let (s, w, squat) = world().await;
        let session = s.create(U, SessionDraft::default()).await.unwrap();
        s.add_log(U, session.id, set(squat, 5, 100.0))
            .await
            .unwrap();
        s.create(U, SessionDraft::default()).await.unwrap();
        let (page, _) = s.history(U, squat, PageRequest::default()).await.unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0].session_id, session.id);
        assert!(matches!(
            s.history(OTHER, squat, PageRequest::default()).await,
            Err(WorkoutError::NotFound)
        ));
        assert!(matches!(w.delete_exercise(U, squat).await, Ok(())));
    }

    #[test]
    fn set_values_are_checked() {
        assert!(check_set(Some(1), Some(0), Some(0.0), Some(10.0)).is_ok());
        assert_eq!(
            check_set(Some(0), None, None, None).unwrap_err().field,
            "set_number"
        );
        assert_eq!(
            check_set(None, Some(-1), None, None).unwrap_err().field,
            "reps"
        );
        assert_eq!(
            check_set(None, None, Some(-0.1), None).unwrap_err().field,
            "weight"
        );
        assert_eq!(
            check_set(None, None, None, Some(10.5)).unwrap_err().field,
            "rpe"
        );
        assert_eq!(
            check_set(None, None, None, Some(0.5)).unwrap_err().field,
            "rpe"
        );
    }

    #[test]
    fn set_values_have_upper_bounds_that_keep_sums_finite() {
        use crate::{MAX_REPS, MAX_SET_NUMBER, MAX_WEIGHT_KG};
        assert!(
            check_set(
                Some(MAX_SET_NUMBER),
                Some(MAX_REPS),
                Some(MAX_WEIGHT_KG),
                None
            )
            .is_ok()
        );
        for (set, reps, weight, field) in [
            (Some(MAX_SET_NUMBER + 1), None, None, "set_number"),
            (Some(i32::MAX), None, None, "set_number"),
            (None, Some(MAX_REPS + 1), None, "reps"),
            (None, None, Some(MAX_WEIGHT_KG + 0.5), "weight"),
            (None, None, Some(f64::INFINITY), "weight"),
            (None, None, Some(f64::NAN), "weight"),
        ] {
            assert_eq!(check_set(set, reps, weight, None).unwrap_err().field, field);
        }
    }

    #[test]
    fn total_volume_is_reps_times_weight() {
        let log = |reps, weight| WorkoutLog {
            id: Uuid::nil(),
            exercise_id: ExerciseId(Uuid::nil()),
            exercise_name: "x".into(),
            set_number: 1,
            reps,
            weight,
            rpe: None,
            notes: None,
            created_at: "2026-11-24T08:00:00Z".parse().unwrap(),
        };
        let s = WorkoutSession {
            id: SessionId(Uuid::nil()),
            program_id: None,
            name: "w".into(),
            started_at: "2026-11-24T08:00:00Z".parse().unwrap(),
            ended_at: None,
            notes: None,
            logs: vec![log(5, 100.0), log(3, 102.5), log(10, 0.0)],
            created_at: "2026-11-24T08:00:00Z".parse().unwrap(),
            updated_at: "2026-11-24T08:00:00Z".parse().unwrap(),
        };
        assert!((s.total_volume() - 807.5).abs() < 1e-9);
    }
}
