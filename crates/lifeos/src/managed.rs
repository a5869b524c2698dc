//! Zero-configuration mode: without `DATABASE_URL` the server runs its own
//! PostgreSQL under the data folder (unix socket only) and keeps a generated
//! secret key there.

use base64::Engine;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use lifeos_localpg::{Binaries, Cluster, ClusterOptions};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The database Life OS keeps its data in, inside the managed cluster.
pub const DATABASE: &str = "lifeos";

/// A PostgreSQL cluster under the data folder.
#[derive(Debug)]
pub struct ManagedDb {
    cluster: Cluster,
    started_here: bool,
}

impl ManagedDb {
    /// Starts (or reuses) the cluster in `<data_dir>/postgres` and makes sure
    /// the `lifeos` database exists. Returns it with the database URL.
    ///
    /// # Errors
    /// A sentence saying what went wrong (no binaries, initdb failed, ...).
    pub async fn start(data_dir: &Path) -> Result<(Self, String), String> {
        let bins = Binaries::find().map_err(|e| e.to_string())?;
        create_data_dir(data_dir)?;
        let root = cluster_root(data_dir)?;
        let cluster =
            Cluster::new(bins, root, ClusterOptions::default()).map_err(|e| e.to_string())?;
        let was_running = cluster.is_running();
        let c2 = cluster;
        let cluster = tokio::task::spawn_blocking(move || c2.start().map(|()| c2))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| format!("starting the local PostgreSQL failed: {e}"))?;
        ensure_database(&cluster.url("postgres"), DATABASE).await?;
        let url = cluster.url(DATABASE);
        Ok((
            Self {
                cluster,
                started_here: !was_running,
            },
            url,
        ))
    }

    /// Stops the cluster (fast shutdown: data is flushed).
    ///
    /// # Errors
    /// When `pg_ctl stop` fails.
    pub fn stop(&self) -> Result<(), String> {
        self.cluster.stop().map_err(|e| e.to_string())
    }

    /// Stops the cluster only if this process started it (CLI commands
    /// must not stop the database of a server that is running).
    ///
    /// # Errors
    /// When `pg_ctl stop` fails.
    pub fn stop_if_started_here(&self) -> Result<(), String> {
        if self.started_here {
            self.stop()
        } else {
            Ok(())
        }
    }
}

/// Where root keeps clusters that `postgres` could not reach in the data
/// folder (see [`cluster_root`]).
pub const SHARED_CLUSTERS: &str = "/var/lib/lifeos";

/// The file in the data folder that names the cluster's folder when it is
/// kept outside (for the operator, and for backups).
pub const LOCATION_FILE: &str = "postgres.location";

/// The cluster's folder: `<data>/postgres`, unless this process is root and
/// the `postgres` user cannot enter the data folder (a clone under root's
/// 0700 home). Then the cluster lives in `/var/lib/lifeos/<hash of the data
/// folder's path>`, owned by `postgres`, and `<data>/postgres.location` says
/// where: the user's folders keep their permissions.
fn cluster_root(data_dir: &Path) -> Result<PathBuf, String> {
    let inside = data_dir.join("postgres");
    if lifeos_localpg::postgres_can_reach(data_dir) {
        return Ok(inside);
    }
    let canonical = data_dir
        .canonicalize()
        .map_err(|e| format!("resolving {}: {e}", data_dir.display()))?;
    let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    let outside = Path::new(SHARED_CLUSTERS).join(&hex::encode(digest)[..16]);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o711)
        .create(SHARED_CLUSTERS)
        .map_err(|e| format!("creating {SHARED_CLUSTERS}: {e}"))?;
    let note = format!(
        "{}\n# The PostgreSQL cluster of this data folder lives there, because the \
         `postgres` user cannot enter {} (a parent folder is private).\n",
        outside.display(),
        canonical.display()
    );
    std::fs::write(data_dir.join(LOCATION_FILE), note)
        .map_err(|e| format!("writing {LOCATION_FILE}: {e}"))?;
    tracing::info!(
        cluster = %outside.display(),
        data = %canonical.display(),
        "the postgres user cannot enter the data folder; the local PostgreSQL lives outside it"
    );
    Ok(outside)
}

fn create_data_dir(dir: &Path) -> Result<(), String> {
    // 0711: the `postgres` user (when we run as root) must be able to
    // enter it to reach its own folder; nobody else can list it.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o711)
        .create(dir)
        .map_err(|e| format!("creating the data folder {}: {e}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o711))
        .map_err(|e| format!("setting permissions on {}: {e}", dir.display()))
}

async fn ensure_database(admin_url: &str, name: &str) -> Result<(), String> {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = AsyncPgConnection::establish(admin_url)
        .await
        .map_err(|e| format!("connecting to the local PostgreSQL: {e}"))?;
    let found: Count =
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(name)
            .get_result(&mut conn)
            .await
            .map_err(|e| e.to_string())?;
    if found.n == 0 {
        conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .map_err(|e| format!("creating database {name}: {e}"))?;
    }
    Ok(())
}

/// Reads the generated secret key from `<data_dir>/secret_key`, creating it
/// (48 random bytes, mode 0600) on first start, so sessions survive restarts.
///
/// # Errors
/// When the file cannot be read or written.
pub fn load_or_create_secret(data_dir: &Path) -> Result<String, String> {
    create_data_dir(data_dir)?;
    let path = data_dir.join("secret_key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let key = existing.trim().to_string();
        if key.len() >= 32 {
            return Ok(key);
        }
        return Err(format!(
            "{} holds a key shorter than 32 bytes; delete it to generate a new one",
            path.display()
        ));
    }
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| format!("creating {}: {e}", path.display()))?;
    f.write_all(key.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_key_is_generated_once_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let a = load_or_create_secret(&data).unwrap();
        let b = load_or_create_secret(&data).unwrap();
        assert_eq!(a, b);
        assert!(a.len() >= 32);
        let mode = std::fs::metadata(data.join("secret_key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
