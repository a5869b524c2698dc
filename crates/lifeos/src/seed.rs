//! `lifeos seed`: the user from `SEED_USERNAME`/`SEED_PASSWORD`, plus each
//! module's starter data. Running it twice changes nothing.

use crate::state::AppState;

/// Seeds the database.
///
/// # Errors
/// A sentence when a variable is missing or a write fails.
pub async fn run(state: &AppState) -> Result<(), String> {
    let username =
        std::env::var("SEED_USERNAME").map_err(|_unset| "SEED_USERNAME is not set".to_string())?;
    let password =
        std::env::var("SEED_PASSWORD").map_err(|_unset| "SEED_PASSWORD is not set".to_string())?;
    let user = match state
        .auth
        .find_user(&username)
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
                .create_or_reset_user(&username, &password)
                .await
                .map_err(|e| e.to_string())?;
            println!("created user {}", u.username);
            u
        }
    };
    let _ = user;
    Ok(())
}
