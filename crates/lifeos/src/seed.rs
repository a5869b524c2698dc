//! `lifeos seed`: the user from `SEED_USERNAME`/`SEED_PASSWORD`, plus each
//! module's starter data: projects with tasks, an exercise library, a
//! program, a sample week of journal entries, and recurring events. Every
//! part goes through the modules' services (their rules apply) and is
//! idempotent: exercises by their unique name (the database decides), the
//! other parts only for a user who has none of that kind yet. Running it
//! twice changes nothing; it prints what it created.

use crate::state::AppState;
use chrono::{Datelike, Days, NaiveTime, TimeZone};
use lifeos_calendar::{EventDraft, EventTitle, Span, When};
use lifeos_journal::{EntryFilter, EntryKind};
use lifeos_kernel::{PageRequest, TimePrefs, UserId};
use lifeos_projects::{Color, ProjectDraft, ProjectName, TaskDraft, TaskTitle};
use lifeos_workouts::{
    Category, Equipment, ExerciseDraft, ExerciseFilter, ExerciseName, ProgramDraft, ProgramItem,
    WorkoutError, WorkoutName,
};
use serde_json::json;
use std::collections::HashMap;

/// The starter exercise library: name, category, muscle groups, equipment.
pub const LIBRARY: [(&str, Category, &[&str], Option<&str>); 16] = [
    (
        "Back squat",
        Category::Strength,
        &["quads", "glutes", "core"],
        Some("barbell"),
    ),
    (
        "Bench press",
        Category::Strength,
        &["chest", "triceps", "shoulders"],
        Some("barbell"),
    ),
    (
        "Deadlift",
        Category::Strength,
        &["hamstrings", "glutes", "back"],
        Some("barbell"),
    ),
    (
        "Overhead press",
        Category::Strength,
        &["shoulders", "triceps"],
        Some("barbell"),
    ),
    (
        "Barbell row",
        Category::Strength,
        &["back", "biceps"],
        Some("barbell"),
    ),
    (
        "Pull-up",
        Category::Strength,
        &["back", "biceps"],
        Some("bar"),
    ),
    (
        "Push-up",
        Category::Strength,
        &["chest", "triceps", "core"],
        None,
    ),
    (
        "Romanian deadlift",
        Category::Strength,
        &["hamstrings", "glutes"],
        Some("barbell"),
    ),
    (
        "Walking lunge",
        Category::Strength,
        &["quads", "glutes"],
        Some("dumbbells"),
    ),
    ("Plank", Category::Strength, &["core"], None),
    ("Running", Category::Cardio, &["legs"], None),
    ("Cycling", Category::Cardio, &["legs"], Some("bike")),
    (
        "Rowing",
        Category::Cardio,
        &["back", "legs"],
        Some("rowing machine"),
    ),
    ("Hip flexor stretch", Category::Mobility, &["hips"], None),
    (
        "Thoracic rotation",
        Category::Mobility,
        &["upper back"],
        None,
    ),
    ("Yoga flow", Category::Mobility, &["full body"], Some("mat")),
];

/// The starter program: exercises of the library with sets × reps.
const PROGRAM: [(&str, i32, i32); 4] = [
    ("Back squat", 3, 5),
    ("Bench press", 3, 5),
    ("Barbell row", 3, 8),
    ("Plank", 3, 1),
];

fn say<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Seeds the database for `username` (created with `password` if missing).
///
/// # Errors
/// A sentence when a write fails.
pub async fn run(state: &AppState, username: &str, password: &str) -> Result<(), String> {
    let user = match state
        .auth
        .find_user(username)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(u) => {
            println!("user {} exists; left as it is", u.username);
            u
        }
        None => {
            let (u, _) = state
                .auth
                .create_or_reset_user(username, password)
                .await
                .map_err(|e| e.to_string())?;
            println!("created user {}", u.username);
            u
        }
    };
    let prefs = state
        .auth
        .settings(user.id)
        .await
        .map_err(say)?
        .time_prefs();
    seed_projects(state, user.id).await?;
    let library = seed_exercises(state, user.id).await?;
    seed_program(state, user.id, &library).await?;
    seed_journal(state, user.id, prefs).await?;
    seed_events(state, user.id, prefs).await
}

/// The exercise library; answers every exercise of the user by lower-cased
/// name.
async fn seed_exercises(
    state: &AppState,
    user: UserId,
) -> Result<HashMap<String, lifeos_workouts::ExerciseId>, String> {
    let mut created = 0;
    for (name, category, groups, equipment) in LIBRARY {
        let draft = ExerciseDraft {
            name: ExerciseName::parse(name).map_err(say)?,
            category: Some(category),
            muscle_groups: groups.iter().map(ToString::to_string).collect(),
            equipment: equipment.map(Equipment::parse).transpose().map_err(say)?,
            notes: None,
            archived: false,
        };
        match state.workouts.create_exercise(user, draft).await {
            Ok(_) => created += 1,
            Err(WorkoutError::DuplicateName) => {}
            Err(e) => return Err(say(e)),
        }
    }
    println!(
        "exercise library: {created} created, {} already there",
        LIBRARY.len() - created
    );
    let filter = ExerciseFilter {
        page: PageRequest::parse(Some(1), Some(100)).map_err(say)?,
        ..ExerciseFilter::default()
    };
    let all = state
        .workouts
        .list_exercises(user, filter)
        .await
        .map_err(say)?;
    Ok(all
        .items
        .into_iter()
        .map(|e| (e.name.to_lowercase(), e.id))
        .collect())
}

/// A starter program, for a user who has none.
async fn seed_program(
    state: &AppState,
    user: UserId,
    library: &HashMap<String, lifeos_workouts::ExerciseId>,
) -> Result<(), String> {
    let existing = state
        .workouts
        .list_programs(user, PageRequest::default())
        .await
        .map_err(say)?;
    if existing.total > 0 {
        println!("programs exist; starter program skipped");
        return Ok(());
    }
    let items: Vec<ProgramItem> = PROGRAM
        .iter()
        .filter_map(|(name, sets, reps)| {
            library.get(&name.to_lowercase()).map(|id| ProgramItem {
                exercise_id: *id,
                target_sets: Some(*sets),
                target_reps: Some(*reps),
                target_weight: None,
                rest_seconds: Some(120),
                notes: None,
            })
        })
        .collect();
    let draft = ProgramDraft {
        name: WorkoutName::parse("Starter: full body").map_err(say)?,
        description: Some(
            lifeos_workouts::Notes::parse(
                "Three times a week; add weight when every set feels easy.",
            )
            .map_err(say)?,
        ),
        archived: false,
    };
    let program = state
        .workouts
        .create_program(user, draft)
        .await
        .map_err(say)?;
    state
        .workouts
        .replace_program_exercises(user, program.id, items)
        .await
        .map_err(say)?;
    println!("created the program \"Starter: full body\"");
    Ok(())
}

/// A sample week of journal entries, for a user whose journal is empty:
/// morning pages on each of the last seven days, two daily reflections,
/// and this week's review.
async fn seed_journal(state: &AppState, user: UserId, prefs: TimePrefs) -> Result<(), String> {
    let existing = state
        .journal
        .list(user, EntryFilter::default())
        .await
        .map_err(say)?;
    if existing.total > 0 {
        println!("journal entries exist; sample week skipped");
        return Ok(());
    }
    let today = prefs.today(chrono::Utc::now());
    let mut created = 0;
    for back in 0..7 {
        let day = today - Days::new(back);
        let body = json!({"body": format!("Three pages, {}: what is on my mind this morning.", day.weekday())});
        state
            .journal
            .create(user, prefs, EntryKind::MorningPages, Some(day), body)
            .await
            .map_err(say)?;
        created += 1;
    }
    for back in 1..3 {
        let content = json!({
            "went_well": "Kept the morning routine.",
            "to_improve": "Go to bed earlier.",
            "grateful_for": "A long walk outside."
        });
        state
            .journal
            .create(
                user,
                prefs,
                EntryKind::DailyReflection,
                Some(today - Days::new(back)),
                content,
            )
            .await
            .map_err(say)?;
        created += 1;
    }
    let review = json!({
        "big_wins": "Seven days of morning pages.",
        "challenges": "Evenings were busy.",
        "learnings": "Small steps every day add up.",
        "next_week_focus": "Three workouts."
    });
    state
        .journal
        .create(user, prefs, EntryKind::WeeklyReview, Some(today), review)
        .await
        .map_err(say)?;
    println!(
        "created a sample week of journal entries ({} entries)",
        created + 1
    );
    Ok(())
}

/// Recurring events, for a user whose calendar is empty: workouts on
/// Monday, Wednesday and Friday mornings and a weekly review on Sunday
/// evening, from the coming Monday, in the user's time zone.
async fn seed_events(state: &AppState, user: UserId, prefs: TimePrefs) -> Result<(), String> {
    let existing = state
        .calendar
        .list(user, PageRequest::default())
        .await
        .map_err(say)?;
    if existing.total > 0 {
        println!("events exist; starter events skipped");
        return Ok(());
    }
    let today = prefs.today(chrono::Utc::now());
    let monday = today + Days::new(u64::from(7 - today.weekday().num_days_from_monday()));
    let at = |day: chrono::NaiveDate, hour: u32, minutes: i64| -> Result<Span, String> {
        let local = day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN));
        let start = prefs
            .timezone
            .from_local_datetime(&local)
            .earliest()
            .ok_or("no such local time")?
            .to_utc();
        Span::new(
            When::At(start),
            Some(When::At(start + chrono::Duration::minutes(minutes))),
        )
        .map_err(say)
    };
    let events = [
        ("Workout", at(monday, 7, 60)?, "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
        (
            "Weekly review",
            at(monday + Days::new(6), 18, 30)?,
            "FREQ=WEEKLY;BYDAY=SU",
        ),
    ];
    for (title, span, rrule) in events {
        let draft = EventDraft {
            title: EventTitle::parse(title).map_err(say)?,
            description: None,
            location: None,
            span,
            timezone: None,
            rrule: Some(rrule.to_string()),
            exdates: Vec::new(),
            color: None,
        };
        state
            .calendar
            .create(user, prefs, draft)
            .await
            .map_err(say)?;
    }
    println!("created recurring events (workouts Mon/Wed/Fri 07:00, weekly review Sun 18:00)");
    Ok(())
}

/// Starter projects with a few tasks, only for a user who has no project yet.
async fn seed_projects(state: &AppState, user: UserId) -> Result<(), String> {
    let existing = state
        .projects
        .list_projects(user, None, PageRequest::default())
        .await
        .map_err(|e| e.to_string())?;
    if existing.total > 0 {
        println!("projects exist; starter projects skipped");
        return Ok(());
    }
    let starters: [(&str, &str, &[&str]); 3] = [
        ("Inbox", "#64748B", &["Sort this week's captures"]),
        (
            "Health",
            "#16A34A",
            &["Book a check-up", "Plan three workouts a week"],
        ),
        (
            "Home",
            "#D97706",
            &["Fix the squeaky door", "Sort the paperwork"],
        ),
    ];
    for (name, color, tasks) in starters {
        let draft = ProjectDraft {
            name: ProjectName::parse(name).map_err(|e| e.to_string())?,
            description: None,
            status: None,
            color: Some(Color::parse(color).map_err(|e| e.to_string())?),
            due_date: None,
        };
        let project = state
            .projects
            .create_project(user, draft)
            .await
            .map_err(|e| e.to_string())?;
        for title in tasks {
            let draft = TaskDraft {
                title: TaskTitle::parse(title).map_err(|e| e.to_string())?,
                description: None,
                status: None,
                priority: None,
                due_date: None,
            };
            state
                .projects
                .create_task(user, project.id, draft)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    println!("created starter projects");
    Ok(())
}
