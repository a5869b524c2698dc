# Life OS recipes. `just` is a convenience: the README's two commands work without it.

set dotenv-load := false

# Run the server (zero config: manages its own PostgreSQL under ./data)
run:
    cargo run --release --bin lifeos -- serve

# Run every test (starts a throwaway PostgreSQL by itself)
test:
    cargo test --workspace

# Apply database migrations
migrate:
    cargo run --release --bin lifeos -- migrate

# Create the user from SEED_USERNAME/SEED_PASSWORD plus starter data
seed:
    cargo run --release --bin lifeos -- seed

# Create a user (or reset its password): just create-user ada
create-user username:
    cargo run --release --bin lifeos -- create-user --username {{username}}

# Format the code
fmt:
    cargo fmt --all

# Formatting, clippy, and the domain-crate dependency rule
lint:
    cargo fmt --all --check
    cargo clippy --workspace --all-targets -- -D warnings
    cargo test -p lifeos --test api operations::domain_crates_do_not_depend

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

# Benchmarks (see docs/performance.md); BENCH_ONLY=transfer for export/import only
bench:
    cargo run --release -p lifeos --example bench
