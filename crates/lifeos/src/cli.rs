//! The `lifeos` command line: `serve` (default), `migrate`, `create-user`,
//! `seed`, `backup`, `restore`.

use crate::config::{Config, Database};
use crate::managed::{ManagedDb, load_or_create_secret};
use crate::startup::{Application, build_state};
use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

/// Life OS: a self-hosted personal operating system.
#[derive(Debug, Parser)]
#[command(name = "lifeos", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Create a user, or reset the password of an existing one.
    CreateUser {
        /// The login name.
        #[arg(long)]
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Create the user from SEED_USERNAME/SEED_PASSWORD and starter data (safe to run twice).
    Seed,
    /// Write a backup of the database (pg_dump, custom format) to a file.
    Backup {
        /// The backup file to write.
        #[arg(long, short)]
        output: std::path::PathBuf,
    },
    /// Replace the database's contents with a backup, all or nothing (stop the server first).
    Restore {
        /// The backup file (from `lifeos backup`).
        input: std::path::PathBuf,
    },
}

/// The database the commands use: external, or the managed local cluster.
struct Db {
    url: String,
    managed: Option<ManagedDb>,
    secret: String,
}

async fn open_db(config: &Config) -> Result<Db, String> {
    match &config.database {
        Database::External(url) => Ok(Db {
            url: url.expose().to_string(),
            managed: None,
            secret: config
                .secret_key
                .as_ref()
                .map(|s| s.expose().to_string())
                .unwrap_or_default(),
        }),
        Database::Managed => {
            let secret = match &config.secret_key {
                Some(s) => s.expose().to_string(),
                None => load_or_create_secret(&config.data_dir)?,
            };
            tracing::info!(data_dir = %config.data_dir.display(), "using the local PostgreSQL in the data folder");
            let (managed, url) = ManagedDb::start(&config.data_dir).await?;
            Ok(Db {
                url,
                managed: Some(managed),
                secret,
            })
        }
    }
}

/// Parses the command line and runs it; returns the process exit code.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("lifeos: {e}");
            return ExitCode::from(1);
        }
    };
    crate::telemetry::init(config.log_format, config.debug);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&config).await,
        Command::Migrate => {
            with_db(&config, async |db: &Db| {
                let applied = lifeos_db::run_migrations(&db.url).await?;
                println!("{} migration(s) applied", applied.len());
                Ok(())
            })
            .await
        }
        Command::CreateUser {
            username,
            password_stdin,
        } => match read_password(password_stdin) {
            Ok(password) => {
                with_db(&config, async |db: &Db| {
                    lifeos_db::run_migrations(&db.url).await?;
                    let state = build_state(&config, &db.url, db.secret.as_bytes())?;
                    let (user, created) = state
                        .auth
                        .create_or_reset_user(&username, &password)
                        .await
                        .map_err(|e| e.to_string())?;
                    if created {
                        println!("created user {}", user.username);
                    } else {
                        println!(
                            "reset the password of {} (its sessions were ended)",
                            user.username
                        );
                    }
                    Ok(())
                })
                .await
            }
            Err(e) => Err(e),
        },
        Command::Seed => match (
            std::env::var("SEED_USERNAME"),
            std::env::var("SEED_PASSWORD"),
        ) {
            (Ok(username), Ok(password)) => {
                with_db(&config, async |db: &Db| {
                    lifeos_db::run_migrations(&db.url).await?;
                    let state = build_state(&config, &db.url, db.secret.as_bytes())?;
                    crate::seed::run(&state, &username, &password).await
                })
                .await
            }
            _ => Err("seed needs SEED_USERNAME and SEED_PASSWORD".into()),
        },
        Command::Backup { output } => {
            with_db(&config, async |db: &Db| {
                crate::backup::backup(&db.url, &output).await?;
                println!("wrote the backup to {}", output.display());
                Ok(())
            })
            .await
        }
        Command::Restore { input } => {
            with_db(&config, async |db: &Db| {
                crate::backup::restore(&db.url, &input).await?;
                let applied = lifeos_db::run_migrations(&db.url).await?;
                println!(
                    "restored {} ({} newer migration(s) applied)",
                    input.display(),
                    applied.len()
                );
                Ok(())
            })
            .await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lifeos: {e}");
            ExitCode::from(1)
        }
    }
}

async fn with_db(
    config: &Config,
    f: impl AsyncFnOnce(&Db) -> Result<(), String>,
) -> Result<(), String> {
    let db = open_db(config).await?;
    let result = f(&db).await;
    if let Some(m) = &db.managed {
        m.stop_if_started_here()?;
    }
    result
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("reading the password from stdin: {e}"))?;
        return Ok(line.trim_end_matches(['\n', '\r']).to_string());
    }
    if !std::io::stdin().is_terminal() {
        return Err(
            "standard input is not a terminal; pass the password with --password-stdin".into(),
        );
    }
    let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
    let again = rpassword::prompt_password("Repeat password: ").map_err(|e| e.to_string())?;
    if first != again {
        return Err("the passwords do not match".into());
    }
    Ok(first)
}

async fn serve(config: &Config) -> Result<(), String> {
    let db = open_db(config).await?;
    let result = serve_with(config, &db).await;
    if let Some(m) = &db.managed {
        tracing::info!("stopping the local PostgreSQL");
        m.stop()?;
    }
    result
}

async fn serve_with(config: &Config, db: &Db) -> Result<(), String> {
    let applied = lifeos_db::run_migrations(&db.url).await?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied migrations");
    }
    let app = Application::build(config, &db.url, db.secret.as_bytes())?;
    let pool = app.state().store.pool().clone();
    tokio::spawn(async move {
        let opened = lifeos_db::fill(&pool).await;
        tracing::debug!(opened, "opened the pool's connections");
    });
    let auth = app.state().auth.clone();
    tokio::spawn(async move {
        if let Err(e) = auth.warm_up().await {
            tracing::warn!(error = %e, "warming the password hasher failed");
        }
    });
    match app.state().auth.count_users().await {
        Ok(0) => {
            println!("No user exists yet. Create one with: lifeos create-user --username NAME")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "counting users failed"),
    }
    tracing::info!(bind = %config.bind, "Life OS is listening");
    app.run().await.map_err(|e| format!("server failed: {e}"))?;
    tracing::info!("server stopped");
    Ok(())
}
