//! Test databases on a real PostgreSQL, with no setup.
//!
//! Once per test process a throwaway cluster is started from the installed
//! server binaries (under the system temp folder, unix socket only,
//! `fsync=off`), a template database is created and migrated, and each
//! [`TestDb`] is a fresh `CREATE DATABASE .. TEMPLATE` clone of it, so tests
//! run in parallel and never see each other's rows. The cluster is stopped
//! and removed when the process exits; clusters left behind by a killed run
//! are swept at the next start.
//!
//! With `TEST_DATABASE_URL` set, that server is used instead: the template
//! is named after a hash of `migrations/` and test databases are dropped.

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use lifeos_localpg::{Binaries, Cluster, ClusterOptions};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

const PREFIX: &str = "lifeos-testpg-";

enum Server {
    Local { cluster: Cluster },
    External { base_url: String },
}

struct Shared {
    server: Server,
    template: String,
}

impl Shared {
    fn url(&self, db: &str) -> String {
        match &self.server {
            Server::Local { cluster } => cluster.url(db),
            Server::External { base_url } => with_database(base_url, db),
        }
    }
}

static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();
static CLEANUP: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Replaces the database name in a `postgres://` URL.
#[must_use]
pub fn with_database(url: &str, db: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let scheme_end = head.find("://").map_or(0, |i| i + 3);
    let base = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

fn migrations_hash() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.to_string_lossy().as_bytes());
        h.update(std::fs::read(&f).unwrap_or_default());
    }
    hex::encode(&h.finalize()[..6])
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                collect(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

#[expect(
    unsafe_code,
    reason = "atexit is the only hook that runs when the test harness exits"
)]
fn register_exit_hook() {
    extern "C" fn stop_cluster() {
        let root = CLEANUP.lock().ok().and_then(|mut g| g.take());
        if let Some(root) = root {
            stop_and_remove(&root);
        }
    }
    // SAFETY: `stop_cluster` is a plain extern "C" fn without arguments that
    // does not unwind (every error is ignored).
    unsafe {
        libc::atexit(stop_cluster);
    }
}

fn stop_and_remove(root: &Path) {
    if let Ok(bins) = Binaries::find()
        && let Ok(c) = Cluster::new(bins, root, ClusterOptions::default())
    {
        let _stopped = c.stop_immediate();
    }
    let _removed = std::fs::remove_dir_all(root);
}

/// Removes clusters of test processes that no longer run.
fn sweep_stale(tmp: &Path) {
    let Ok(rd) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = name.strip_prefix(PREFIX) else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            stop_and_remove(&e.path());
        }
    }
}

fn start_local() -> Result<Server, String> {
    let bins = Binaries::find().map_err(|e| e.to_string())?;
    let tmp = std::env::temp_dir();
    sweep_stale(&tmp);
    let root = tmp.join(format!("{PREFIX}{}", std::process::id()));
    let cluster = Cluster::new(
        bins,
        &root,
        ClusterOptions {
            unsafe_fast: true,
            settings: Vec::new(),
            max_connections: 300,
        },
    )
    .map_err(|e| e.to_string())?;
    if let Ok(mut g) = CLEANUP.lock() {
        *g = Some(root.clone());
    }
    register_exit_hook();
    cluster.start().map_err(|e| e.to_string())?;
    Ok(Server::Local { cluster })
}

async fn create_template(shared_url: &str, admin_url: &str, template: &str) -> Result<(), String> {
    let mut admin = AsyncPgConnection::establish(admin_url)
        .await
        .map_err(|e| format!("connecting to the test server: {e}"))?;
    // Several test processes may share an external server.
    admin
        .batch_execute("SELECT pg_advisory_lock(7283749)")
        .await
        .map_err(|e| e.to_string())?;
    let exists = admin
        .batch_execute(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{template}') \
             THEN RAISE EXCEPTION 'missing'; END IF; END $$"
        ))
        .await
        .is_ok();
    if !exists {
        admin
            .batch_execute(&format!("CREATE DATABASE \"{template}\""))
            .await
            .map_err(|e| format!("creating the template: {e}"))?;
        lifeos_db::run_migrations(shared_url).await?;
    }
    admin
        .batch_execute("SELECT pg_advisory_unlock(7283749)")
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn init() -> Result<Shared, String> {
    let (server, template) = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => (
            Server::External { base_url: url },
            format!("lifeos_tpl_{}", migrations_hash()),
        ),
        _ => (start_local()?, "lifeos_tpl".to_string()),
    };
    let shared = Shared { server, template };
    let admin_url = shared.url("postgres");
    let template_url = shared.url(&shared.template);
    let template = shared.template.clone();
    // Migrations need a multi-thread runtime; tests usually run on a
    // current-thread one, so build the template on a thread of its own.
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(create_template(&template_url, &admin_url, &template))
    })
    .join()
    .map_err(|_panic| "template creation panicked".to_string())??;
    Ok(shared)
}

fn shared() -> &'static Shared {
    match SHARED.get_or_init(init) {
        Ok(s) => s,
        Err(e) => panic!("test database server could not start: {e}"),
    }
}

/// A fresh, migrated database for one test.
pub struct TestDb {
    name: String,
    url: String,
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb").field("name", &self.name).finish()
    }
}

impl TestDb {
    /// Creates the database (and, the first time, the server and template).
    ///
    /// # Panics
    /// When the test server cannot be started or the database created: a
    /// test cannot run without it.
    pub async fn new() -> Self {
        let shared = shared();
        let name = format!("lifeos_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = AsyncPgConnection::establish(&shared.url("postgres"))
            .await
            .unwrap_or_else(|e| panic!("connecting to the test server: {e}"));
        admin
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{}\"",
                shared.template
            ))
            .await
            .unwrap_or_else(|e| panic!("creating test database: {e}"));
        let url = shared.url(&name);
        Self { name, url }
    }

    /// The connection URL of this test's database.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A URL for another database on the same server (for admin work in tests).
    #[must_use]
    pub fn server_url(db: &str) -> String {
        shared().url(db)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // The local cluster is thrown away whole at exit; only a shared
        // external server needs its test databases dropped.
        let Some(Ok(Shared {
            server: Server::External { .. },
            ..
        })) = SHARED.get()
        else {
            return;
        };
        let admin = shared().url("postgres");
        let name = self.name.clone();
        let _joined = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(mut c) = AsyncPgConnection::establish(&admin).await {
                    let _dropped = c
                        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_replaces_only_the_path() {
        assert_eq!(
            with_database("postgres://u:p@h:5/a?sslmode=disable", "b"),
            "postgres://u:p@h:5/b?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h/a", "b"), "postgres://h/b");
        assert_eq!(with_database("postgres://h", "b"), "postgres://h/b");
    }

    #[tokio::test]
    async fn each_test_database_is_migrated_and_separate() {
        use diesel_async::RunQueryDsl;
        let a = TestDb::new().await;
        let b = TestDb::new().await;
        assert_ne!(a.name(), b.name());
        let mut ca = AsyncPgConnection::establish(a.url()).await.unwrap();
        ca.batch_execute(
            "INSERT INTO users (id, username, password_hash) VALUES (gen_random_uuid(), 'x', 'h')",
        )
        .await
        .unwrap();
        let mut cb = AsyncPgConnection::establish(b.url()).await.unwrap();
        let n: i64 = diesel::dsl::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT count(*) FROM users)",
        ))
        .get_result(&mut cb)
        .await
        .unwrap();
        assert_eq!(n, 0);
    }
}
