# Life OS recipes. `just` is a convenience: the README's two commands work
# without it. CI runs `--list`, `lint`, `migrate`, `seed`, `backup` and
# `restore` (scripts/check-recipes).

set dotenv-load := false

# The cargo profile of `lifeos` runs (CI sets LIFEOS_PROFILE=dev to reuse its test build)
profile := env_var_or_default("LIFEOS_PROFILE", "release")
lifeos := "cargo run -q --profile " + profile + " --bin lifeos --"

# List the recipes
default:
    @just --list

# Run the server (zero config: manages its own PostgreSQL under ./data)
run:
    {{lifeos}} serve

# Run the server with debug logs and the API docs page at /api/docs/
dev:
    DEBUG=true RUST_LOG=debug,h2=info,hyper=info {{lifeos}} serve

# Run every test (starts a throwaway PostgreSQL by itself)
test:
    cargo test --workspace

# Apply database migrations
migrate:
    {{lifeos}} migrate

# Create the user from SEED_USERNAME/SEED_PASSWORD plus every module's starter data
seed:
    {{lifeos}} seed

# Create a user (or reset its password): just create-user ada
create-user username:
    {{lifeos}} create-user --username {{username}}

# Back up the database (managed or DATABASE_URL) to a file (pg_dump, custom format)
backup file="lifeos-backup.dump":
    {{lifeos}} backup --output {{file}}

# Replace the database's contents with a backup, all or nothing (stop the server first)
restore file="lifeos-backup.dump":
    {{lifeos}} restore {{file}}

# Format the code
fmt:
    cargo fmt --all

# Formatting, clippy, and the domain-crate dependency rule
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    cargo test -q -p lifeos --test api operations::domain_crates_do_not_depend

# Known vulnerabilities in Cargo.lock: cargo audit when it is installed
# (it fetches the advisory database from GitHub), else the advisories kept
# in .ci/advisories (what CI runs)
audit:
    if command -v cargo-audit >/dev/null; then cargo audit; else scripts/check-advisories; fi

# Regenerate crates/db/src/schema.rs from the migrations (needs diesel_cli:
# cargo install diesel_cli --no-default-features --features postgres)
schema:
    cargo run -q -p lifeos-testdb --example print_schema > crates/db/src/schema.rs

# Mutation testing of the domain crates (needs cargo-mutants); each must catch 85 %
mutants *crates:
    scripts/mutation-score {{crates}}

# Everything CI runs (from an empty cargo home)
ci:
    .ci/run

# Benchmarks (see docs/performance.md); BENCH_ONLY=transfer or BENCH_ONLY=login for one part
bench:
    cargo run --release -p lifeos --example bench

# Start the Docker deployment (deploy/: PostgreSQL 16, lifeos, nginx with TLS)
docker-up:
    docker compose -p lifeos -f deploy/docker-compose.yml --env-file deploy/.env up -d --build
