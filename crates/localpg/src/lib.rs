//! A local PostgreSQL cluster, owned by Life OS: find the server binaries,
//! `initdb` a data folder, start the server on a unix socket only (no TCP
//! port), and stop it again.
//!
//! Used by `lifeos serve` when no `DATABASE_URL` is configured, and by the test
//! harness (`lifeos-testdb`). Existing crates do not fit (they download
//! PostgreSQL binaries, shell out to `sudo`, or pull in sqlx); see
//! `docs/decisions/0002-own-local-postgres-module.md`.
//!
//! PostgreSQL refuses to run as root, so when this process is root every
//! PostgreSQL command runs as the `postgres` system user (created by the
//! distribution's server package), after `chown` of the cluster folder.
//!
//! Must not depend on diesel, actix or tokio: it is plain processes and files.

use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The port number in the socket file name (`.s.PGSQL.<port>`). No TCP port is
/// opened, so it never conflicts with another server.
pub const SOCKET_PORT: u16 = 5432;

/// The superuser role every cluster is created with.
pub const SUPERUSER: &str = "postgres";

/// Longest unix socket path the kernel accepts (`sun_path` is 108 bytes with NUL).
const MAX_SOCKET_PATH: usize = 107;

/// What can go wrong while managing the local cluster.
#[derive(Debug, thiserror::Error)]
pub enum LocalPgError {
    /// No PostgreSQL server binaries were found.
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH, via pg_config, \
         or under /usr/lib/postgresql/*/bin; install PostgreSQL's server package \
         (Debian/Ubuntu: `apt-get install postgresql`) or set DATABASE_URL"
    )]
    BinariesNotFound,
    /// Running as root, but there is no `postgres` user to run the server as.
    #[error(
        "running as root, but PostgreSQL refuses to run as root and there is no `postgres` system user to run it as; \
         run as a normal user or install PostgreSQL's server package, which creates that user"
    )]
    NoPostgresUser,
    /// The socket path would be longer than unix sockets allow.
    #[error(
        "the data folder path {0} is too long for a unix socket; choose a shorter LIFEOS_DATA_DIR"
    )]
    PathTooLong(PathBuf),
    /// A PostgreSQL command failed.
    #[error("`{command}` failed: {stderr}")]
    Command {
        /// The command that failed.
        command: String,
        /// What it printed on stderr (and the tail of the server log when starting).
        stderr: String,
    },
    /// A file operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: io::Error,
    },
}

fn io_err(context: impl Into<String>) -> impl FnOnce(io::Error) -> LocalPgError {
    let context = context.into();
    move |source| LocalPgError::Io { context, source }
}

/// Where the server binaries live, found once.
#[derive(Debug, Clone)]
pub struct Binaries {
    bin_dir: PathBuf,
}

impl Binaries {
    /// Finds `initdb`, `pg_ctl` and `postgres`: first on `PATH`, then in
    /// `pg_config --bindir`, then the newest `/usr/lib/postgresql/*/bin`.
    ///
    /// # Errors
    /// [`LocalPgError::BinariesNotFound`] when no folder holds all three.
    pub fn find() -> Result<Self, LocalPgError> {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(path) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&path) {
                // PATH entries are often symlinks to the real bindir; resolve
                // through the `initdb` link so `postgres` is found next to it.
                if let Ok(real) = fs::canonicalize(dir.join("initdb"))
                    && let Some(parent) = real.parent()
                {
                    candidates.push(parent.to_path_buf());
                }
                candidates.push(dir);
            }
        }
        if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
            && out.status.success()
        {
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
            candidates.push(PathBuf::from(dir));
        }
        candidates.extend(debian_bindirs());
        candidates
            .into_iter()
            .find(|dir| has_server_binaries(dir))
            .map(|bin_dir| Self { bin_dir })
            .ok_or(LocalPgError::BinariesNotFound)
    }

    /// Uses the binaries in `bin_dir`.
    ///
    /// # Errors
    /// [`LocalPgError::BinariesNotFound`] when `bin_dir` lacks one of them.
    pub fn at(bin_dir: impl Into<PathBuf>) -> Result<Self, LocalPgError> {
        let bin_dir = bin_dir.into();
        if has_server_binaries(&bin_dir) {
            Ok(Self { bin_dir })
        } else {
            Err(LocalPgError::BinariesNotFound)
        }
    }

    /// The folder holding the binaries.
    #[must_use]
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    fn tool(&self, name: &str) -> PathBuf {
        self.bin_dir.join(name)
    }
}

fn has_server_binaries(dir: &Path) -> bool {
    ["initdb", "pg_ctl", "postgres"]
        .iter()
        .all(|b| dir.join(b).is_file())
}

/// `/usr/lib/postgresql/<version>/bin`, newest version first.
fn debian_bindirs() -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir("/usr/lib/postgresql") else {
        return Vec::new();
    };
    let mut versions: Vec<(u32, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.0));
    versions.into_iter().map(|(_, p)| p).collect()
}

/// Whether `pid` is a live (not zombie) process named `postgres`.
fn is_live_postgres(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `pid (comm) state ...`; comm may contain spaces, so split at the last ')'.
    let Some((head, tail)) = stat.rsplit_once(')') else {
        return false;
    };
    let comm = head.split_once('(').map_or("", |(_, c)| c);
    let state = tail.split_whitespace().next().unwrap_or("Z");
    comm == "postgres" && state != "Z" && state != "X"
}

/// The system user PostgreSQL runs as when this process is root.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

/// Looks up `postgres` in `/etc/passwd` (no libc `getpwnam` needed).
fn postgres_user() -> Option<RunAs> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut parts = line.split(':');
        if parts.next()? != "postgres" {
            return None;
        }
        let _password = parts.next()?;
        let uid = parts.next()?.parse().ok()?;
        let gid = parts.next()?.parse().ok()?;
        Some(RunAs { uid, gid })
    })
}

/// Whether the server, as this process would run it, can enter `path`: always
/// when not root (it runs as us); as root it runs as `postgres`, which needs
/// the search (`x`) permission on `path` and on every folder above it (owner,
/// group or other bits, whichever apply to `postgres`). A folder under
/// root's home (mode 0700 on Debian) fails this.
#[must_use]
pub fn postgres_can_reach(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    if !is_root() {
        return true;
    }
    let Some(pg) = postgres_user() else {
        return false;
    };
    let Ok(path) = path.canonicalize() else {
        return false;
    };
    path.ancestors().all(|dir| {
        fs::metadata(dir).is_ok_and(|m| {
            let bit = if m.uid() == pg.uid {
                0o100
            } else if m.gid() == pg.gid {
                0o010
            } else {
                0o001
            };
            m.mode() & bit != 0
        })
    })
}

/// Whether this process runs as root (PostgreSQL then runs as `postgres`).
#[must_use]
pub fn running_as_root() -> bool {
    is_root()
}

fn is_root() -> bool {
    // The effective uid from /proc keeps this crate free of `unsafe` (libc's
    // `geteuid` is an unsafe extern fn).
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

/// Settings for a cluster.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Turn off `fsync` and friends: for throwaway test clusters only.
    pub unsafe_fast: bool,
    /// `max_connections` of the server.
    pub max_connections: u32,
    /// More server settings, as `name=value` (`shared_preload_libraries=pg_stat_statements`).
    pub settings: Vec<String>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            unsafe_fast: false,
            max_connections: 100,
            settings: Vec::new(),
        }
    }
}

/// One PostgreSQL cluster in a folder: `<root>/pgdata` holds the data,
/// `<root>/run` the unix socket, `<root>/postgres.log` the server log.
#[derive(Debug)]
pub struct Cluster {
    bins: Binaries,
    root: PathBuf,
    run_as: Option<RunAs>,
    options: ClusterOptions,
}

impl Cluster {
    /// Prepares (does not start) a cluster under `root`.
    ///
    /// # Errors
    /// When running as root without a `postgres` user, or when the socket path
    /// would be too long.
    pub fn new(
        bins: Binaries,
        root: impl Into<PathBuf>,
        options: ClusterOptions,
    ) -> Result<Self, LocalPgError> {
        let root = root.into();
        let root = if root.is_absolute() {
            root
        } else {
            std::env::current_dir()
                .map_err(io_err("reading the current folder"))?
                .join(root)
        };
        let run_as = if is_root() {
            Some(postgres_user().ok_or(LocalPgError::NoPostgresUser)?)
        } else {
            None
        };
        let cluster = Self {
            bins,
            root,
            run_as,
            options,
        };
        let socket = cluster
            .socket_dir()
            .join(format!(".s.PGSQL.{SOCKET_PORT}.lock"));
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            return Err(LocalPgError::PathTooLong(cluster.root));
        }
        Ok(cluster)
    }

    /// The cluster's folder.
    #[must_use]
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The data folder (`PGDATA`).
    #[must_use]
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("pgdata")
    }

    /// The folder holding the unix socket.
    #[must_use]
    pub fn socket_dir(&self) -> PathBuf {
        self.root.join("run")
    }

    fn log_file(&self) -> PathBuf {
        self.root.join("postgres.log")
    }

    /// A connection URL for `database` over the unix socket. The socket
    /// folder is the (percent-encoded) host, so no TCP host is ever tried.
    #[must_use]
    pub fn url(&self, database: &str) -> String {
        let dir = self.socket_dir().display().to_string();
        let mut host = String::with_capacity(dir.len() * 3);
        for b in dir.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                host.push(char::from(b));
            } else {
                host.push_str(&format!("%{b:02X}"));
            }
        }
        format!("postgresql://{SUPERUSER}@{host}:{SOCKET_PORT}/{database}")
    }

    fn command(&self, tool: &str) -> Command {
        let mut cmd = Command::new(self.bins.tool(tool));
        cmd.stdin(Stdio::null());
        // PostgreSQL inherits the locale; a minimal one avoids initdb failing
        // on machines whose LANG names a locale that is not generated.
        cmd.env("LC_ALL", "C").env_remove("PGDATA");
        if let Some(run_as) = self.run_as {
            cmd.uid(run_as.uid).gid(run_as.gid);
            // A root-owned working directory may be unreadable for `postgres`.
            cmd.current_dir(&self.root);
        }
        cmd
    }

    fn run(&self, mut cmd: Command, what: &str) -> Result<Output, LocalPgError> {
        let out = cmd.output().map_err(io_err(format!("running {what}")))?;
        if out.status.success() {
            Ok(out)
        } else {
            let mut stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
            if stderr.is_empty() {
                stderr = String::from_utf8_lossy(&out.stdout).trim().to_string();
            }
            Err(LocalPgError::Command {
                command: what.to_string(),
                stderr,
            })
        }
    }

    fn make_dir(&self, dir: &Path) -> Result<(), LocalPgError> {
        fs::create_dir_all(dir).map_err(io_err(format!("creating {}", dir.display())))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(io_err(format!("setting permissions on {}", dir.display())))?;
        if let Some(run_as) = self.run_as {
            std::os::unix::fs::chown(dir, Some(run_as.uid), Some(run_as.gid))
                .map_err(io_err(format!("chown of {}", dir.display())))?;
        }
        Ok(())
    }

    /// Whether `initdb` has already run here.
    #[must_use]
    pub fn is_initialized(&self) -> bool {
        self.data_dir().join("PG_VERSION").is_file()
    }

    /// Runs `initdb` unless the data folder already holds a cluster.
    /// Authentication is `trust` over the socket, which only the owner of the
    /// cluster folder (mode 0700) can reach.
    ///
    /// # Errors
    /// When a folder cannot be created or `initdb` fails.
    pub fn init(&self) -> Result<(), LocalPgError> {
        if self.run_as.is_some() {
            // The root folder must be enterable by `postgres` too.
            fs::create_dir_all(&self.root)
                .map_err(io_err(format!("creating {}", self.root.display())))?;
        }
        self.make_dir(&self.root)?;
        self.make_dir(&self.socket_dir())?;
        if self.is_initialized() {
            return Ok(());
        }
        let data = self.data_dir();
        if data.exists() {
            // A half-finished initdb from an interrupted first start.
            fs::remove_dir_all(&data).map_err(io_err(format!("removing {}", data.display())))?;
        }
        let mut cmd = self.command("initdb");
        cmd.arg("-D").arg(&data).args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-instructions",
        ]);
        if self.options.unsafe_fast {
            cmd.arg("--no-sync");
        }
        self.run(cmd, "initdb")?;
        Ok(())
    }

    /// Whether a live postmaster owns this data folder: the pid in
    /// `postmaster.pid` is a running (not zombie) `postgres` process.
    /// `pg_ctl status` is not enough: after a crash the pid may be a zombie
    /// nobody reaped, or reused by another program.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.postmaster_pid().is_some_and(is_live_postgres)
    }

    /// Starts the server and waits until it accepts connections. A server
    /// that is already running on this folder is reused; a stale
    /// `postmaster.pid` left by a crash is handled by PostgreSQL itself.
    ///
    /// # Errors
    /// When `pg_ctl start` fails; the error carries the log's tail.
    pub fn start(&self) -> Result<(), LocalPgError> {
        self.init()?;
        if self.is_running() {
            return Ok(());
        }
        // No live postmaster: a leftover pid file is stale (crash, kill -9).
        let pid_file = self.data_dir().join("postmaster.pid");
        if pid_file.exists() {
            fs::remove_file(&pid_file)
                .map_err(io_err(format!("removing stale {}", pid_file.display())))?;
        }
        let mut opts = format!(
            "-c listen_addresses='' -k {} -p {SOCKET_PORT} -c max_connections={} -c unix_socket_permissions=0700",
            self.socket_dir().display(),
            self.options.max_connections
        );
        if self.options.unsafe_fast {
            opts.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        for setting in &self.options.settings {
            opts.push_str(" -c ");
            opts.push_str(setting);
        }
        let mut cmd = self.command("pg_ctl");
        cmd.arg("start")
            .arg("-w")
            .args(["-t", "60"])
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(self.log_file())
            .arg("-o")
            .arg(opts);
        // pg_ctl's children keep its stdout; do not hold our pipes open.
        cmd.stdout(Stdio::null()).stderr(Stdio::piped());
        let mut out = cmd.output().map_err(io_err("running pg_ctl start"))?;
        // After a crash the old backends may hold the shared memory block for
        // a moment ("pre-existing shared memory block is still in use"): retry.
        for _ in 0..5 {
            if out.status.success() {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(400));
            out = cmd.output().map_err(io_err("running pg_ctl start"))?;
        }
        if out.status.success() {
            return Ok(());
        }
        let log = fs::read_to_string(self.log_file()).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(LocalPgError::Command {
            command: "pg_ctl start".into(),
            stderr: format!(
                "{}\n{}",
                String::from_utf8_lossy(&out.stderr).trim(),
                tail.join("\n")
            ),
        })
    }

    /// Stops the server (`fast` mode: open sessions are ended, data is
    /// flushed). Stopping a stopped server is fine.
    ///
    /// # Errors
    /// When `pg_ctl stop` fails on a running server.
    pub fn stop(&self) -> Result<(), LocalPgError> {
        self.stop_mode("fast")
    }

    /// Stops the server without a checkpoint (`immediate`): for throwaway clusters.
    ///
    /// # Errors
    /// When `pg_ctl stop` fails on a running server.
    pub fn stop_immediate(&self) -> Result<(), LocalPgError> {
        self.stop_mode("immediate")
    }

    fn stop_mode(&self, mode: &str) -> Result<(), LocalPgError> {
        if !self.is_running() {
            return Ok(());
        }
        let mut cmd = self.command("pg_ctl");
        cmd.arg("stop")
            .arg("-w")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", mode]);
        self.run(cmd, "pg_ctl stop").map(|_| ())
    }

    /// The postmaster's pid, from `postmaster.pid`, if the file exists.
    #[must_use]
    pub fn postmaster_pid(&self) -> Option<u32> {
        let text = fs::read_to_string(self.data_dir().join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(dir: &Path) -> Cluster {
        let bins = Binaries::find().expect("PostgreSQL server binaries are installed");
        Cluster::new(
            bins,
            dir.join("pg"),
            ClusterOptions {
                unsafe_fast: true,
                settings: Vec::new(),
                max_connections: 20,
            },
        )
        .expect("cluster")
    }

    fn tmp() -> tempfile::TempDir {
        // Under /tmp so the `postgres` user can enter it when tests run as root.
        let dir = tempfile::Builder::new()
            .prefix("lifeos-localpg-")
            .tempdir_in("/tmp")
            .expect("tempdir");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
        dir
    }

    #[test]
    fn find_locates_initdb_pg_ctl_and_postgres() {
        let bins = Binaries::find().expect("binaries");
        assert!(has_server_binaries(bins.bin_dir()));
    }

    #[test]
    fn at_rejects_a_folder_without_server_binaries() {
        let dir = tmp();
        assert!(matches!(
            Binaries::at(dir.path()),
            Err(LocalPgError::BinariesNotFound)
        ));
    }

    #[test]
    fn missing_binaries_error_says_what_to_install() {
        let msg = LocalPgError::BinariesNotFound.to_string();
        assert!(msg.contains("apt-get install postgresql"), "{msg}");
    }

    #[test]
    fn a_too_long_path_is_refused_before_starting() {
        let bins = Binaries::find().expect("binaries");
        let long = PathBuf::from("/tmp").join("x".repeat(120));
        assert!(matches!(
            Cluster::new(bins, long, ClusterOptions::default()),
            Err(LocalPgError::PathTooLong(_))
        ));
    }

    #[test]
    fn start_stop_restart_and_recover_from_a_killed_server() {
        let dir = tmp();
        let c = cluster(dir.path());
        assert!(!c.is_initialized());
        c.start().expect("first start");
        assert!(c.is_initialized());
        assert!(c.is_running());
        assert!(c.socket_dir().join(".s.PGSQL.5432").exists());
        // Starting again reuses the running server.
        c.start().expect("start while running");
        c.stop().expect("stop");
        assert!(!c.is_running());
        // A second start reuses the folder.
        c.start().expect("second start");
        let pid = c.postmaster_pid().expect("pid file");
        // Crash: kill -9 the postmaster; its children exit on their own.
        let status = Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        wait_until(|| !Path::new(&format!("/proc/{pid}")).exists());
        // A stale postmaster.pid stays behind; start must recover anyway.
        assert!(c.data_dir().join("postmaster.pid").exists());
        c.start().expect("start after crash");
        assert!(c.is_running());
        c.stop_immediate().expect("stop");
        assert!(!c.is_running());
    }

    fn wait_until(mut cond: impl FnMut() -> bool) {
        for _ in 0..200 {
            if cond() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
        panic!("condition not reached in 5 s");
    }
}
