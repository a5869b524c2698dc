//! Prints `diesel print-schema` of a freshly migrated database, so CI can
//! check that `crates/db/src/schema.rs` is what the migrations produce:
//!
//! ```sh
//! cargo run -q -p lifeos-testdb --example print_schema > /tmp/schema.rs
//! diff -u crates/db/src/schema.rs /tmp/schema.rs
//! ```
//!
//! Needs `diesel` (diesel_cli, `--no-default-features --features postgres`)
//! on `PATH`, or its path in `DIESEL`. `.ci/run` installs it; `just schema`
//! regenerates the file.

use lifeos_testdb::TestDb;
use std::io::Write;
use std::process::Command;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let db = TestDb::new().await;
    let diesel = std::env::var("DIESEL").unwrap_or_else(|_unset| "diesel".into());
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/../../diesel.toml");
    let out = Command::new(&diesel)
        .args([
            "print-schema",
            "--database-url",
            db.url(),
            "--config-file",
            config,
        ])
        .output();
    match out {
        Ok(out) if out.status.success() => {
            let _ = std::io::stdout().write_all(&out.stdout);
            std::process::ExitCode::SUCCESS
        }
        Ok(out) => {
            let _ = std::io::stderr().write_all(&out.stderr);
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("running {diesel}: {e} (install diesel_cli or set DIESEL)");
            std::process::ExitCode::FAILURE
        }
    }
}
