//! The `lifeos` binary.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    lifeos::cli::run().await
}
