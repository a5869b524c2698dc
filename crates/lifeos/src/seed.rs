//! `lifeos seed`: the user from `SEED_USERNAME`/`SEED_PASSWORD`, plus each
//! module's starter data. Running it twice changes nothing.

use crate::state::AppState;
use lifeos_kernel::{PageRequest, UserId};
use lifeos_projects::{Color, ProjectDraft, ProjectName, TaskDraft, TaskTitle};

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
    seed_projects(state, user.id).await
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
