//! `lifeos backup` and `lifeos restore`: PostgreSQL's own `pg_dump` /
//! `pg_restore` (custom format) against the configured or the managed
//! database. The tools are taken from the folder of the server binaries
//! when there is one (the managed cluster's version), else from `PATH`.
//!
//! A restore replaces the database's contents with the backup's in one
//! transaction (`--clean --single-transaction`): if it fails, nothing
//! changed. Run it with the server stopped; migrations newer than the
//! backup are applied afterwards.

use std::path::{Path, PathBuf};
use tokio::process::Command;

/// `name` next to the PostgreSQL server binaries, or on `PATH`.
fn tool(name: &str) -> PathBuf {
    lifeos_localpg::Binaries::find()
        .ok()
        .map(|b| b.bin_dir().join(name))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}

async fn run(mut cmd: Command, what: &str) -> Result<(), String> {
    let out = cmd
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| format!("{what}: cannot run it: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Writes a backup of the database at `url` to `file`.
///
/// # Errors
/// When `pg_dump` cannot run or fails (its message is included).
pub async fn backup(url: &str, file: &Path) -> Result<(), String> {
    let mut cmd = Command::new(tool("pg_dump"));
    cmd.args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(file)
        .arg("--dbname")
        .arg(url);
    run(cmd, "pg_dump").await
}

/// Replaces the contents of the database at `url` with the backup `file`,
/// all or nothing.
///
/// # Errors
/// When the file is missing or `pg_restore` fails (nothing is changed).
pub async fn restore(url: &str, file: &Path) -> Result<(), String> {
    if !file.is_file() {
        return Err(format!("{}: no such backup file", file.display()));
    }
    let mut cmd = Command::new(tool("pg_restore"));
    cmd.args([
        "--clean",
        "--if-exists",
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        "--dbname",
    ])
    .arg(url)
    .arg(file);
    run(cmd, "pg_restore").await
}
