//! The binary with no configuration: it runs its own PostgreSQL under the
//! data folder, survives restarts and crashes, and stops it on SIGTERM.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_lifeos");

fn lifeos(dir: &Path, port: u16) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("SECRET_KEY")
        .env("LIFEOS_DATA_DIR", dir.join("data"))
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("BCRYPT_COST", "4")
        .env("COOKIE_SECURE", "false")
        .env("RUST_LOG", "warn");
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_ready(port: u16, child: &mut Child, dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(90);
    let url = format!("http://127.0.0.1:{port}/health/ready");
    loop {
        if let Ok(res) = reqwest::get(&url).await
            && res.status() == 200
        {
            return;
        }
        if let Some(status) = child.try_wait().unwrap() {
            let log =
                std::fs::read_to_string(dir.join("data/postgres/postgres.log")).unwrap_or_default();
            panic!("lifeos exited early with {status}; postgres log:\n{log}");
        }
        assert!(Instant::now() < deadline, "server not ready in 90 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

fn postmaster_pid(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(dir.join("data/postgres/pgdata/postmaster.pid"))
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < deadline, "lifeos did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn serve_without_configuration_manages_its_own_postgres() {
    let tmp = tempfile::Builder::new()
        .prefix("lifeos-zc-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = tmp.path();

    // First start: initdb, migrations, and the hint about creating a user.
    let port = free_port();
    let mut server = lifeos(dir, port).stdout(Stdio::piped()).spawn().unwrap();
    wait_ready(port, &mut server, dir).await;
    let key = std::fs::read_to_string(dir.join("data/secret_key")).unwrap();
    let mode = std::fs::metadata(dir.join("data/secret_key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let pg = postmaster_pid(dir).expect("postgres runs");
    assert!(
        !dir.join("data/postgres/run")
            .read_dir()
            .unwrap()
            .any(|e| e.unwrap().file_name() == "5432")
    );

    // create-user from another process reuses the running database and leaves it running.
    let mut cu = lifeos(dir, port)
        .args(["create-user", "--username", "ada", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    cu.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .unwrap();
    let out = cu.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("created user ada"));
    assert!(alive(pg), "create-user must not stop the server's database");
    let login = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/auth/login"))
        .json(&serde_json::json!({"username": "ada", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);

    // SIGTERM: the server stops and takes its PostgreSQL down with it.
    signal(server.id(), "-TERM");
    assert!(wait_exit(&mut server).success());
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut server.stdout.take().unwrap(), &mut stdout).unwrap();
    assert!(
        stdout.contains("lifeos create-user --username NAME"),
        "{stdout}"
    );
    assert!(!alive(pg), "postgres still running after SIGTERM");
    assert!(postmaster_pid(dir).is_none());

    // Second start reuses the folder and the key; the user is still there.
    let port = free_port();
    let mut server = lifeos(dir, port).spawn().unwrap();
    wait_ready(port, &mut server, dir).await;
    assert_eq!(
        std::fs::read_to_string(dir.join("data/secret_key")).unwrap(),
        key
    );

    // Acknowledged writes: every 201 before the crash must survive it (the
    // managed cluster runs with fsync and synchronous_commit on).
    let pg = postmaster_pid(dir).unwrap();
    let cmdline = std::fs::read_to_string(format!("/proc/{pg}/cmdline")).unwrap_or_default();
    assert!(
        !cmdline.contains("fsync=off") && !cmdline.contains("synchronous_commit=off"),
        "{cmdline}"
    );
    let base = format!("http://127.0.0.1:{port}");
    let web = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = web
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({"username": "ada", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let key: serde_json::Value = web
        .post(format!("{base}/api/v1/settings/api-keys"))
        .json(&serde_json::json!({"name": "crash"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = key["key"].as_str().unwrap().to_string();
    let mut acknowledged = 0;
    for i in 0..40 {
        let res = reqwest::Client::new()
            .post(format!("{base}/api/v1/captures/external"))
            .bearer_auth(&secret)
            .json(&serde_json::json!({"content": format!("before the crash {i}")}))
            .send()
            .await
            .unwrap();
        if res.status() == 201 {
            acknowledged += 1;
        }
    }
    assert_eq!(acknowledged, 40);

    // Crash: kill -9 everything, then start again without manual steps.
    signal(server.id(), "-KILL");
    signal(pg, "-KILL");
    wait_exit(&mut server);
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pg) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        postmaster_pid(dir).is_some(),
        "a stale postmaster.pid is left behind"
    );
    let port = free_port();
    let mut server = lifeos(dir, port).spawn().unwrap();
    wait_ready(port, &mut server, dir).await;
    let login = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/auth/login"))
        .json(&serde_json::json!({"username": "ada", "password": "correct horse battery"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200, "data survived the crash");
    let base = format!("http://127.0.0.1:{port}");
    let res = reqwest::Client::new()
        .get(format!("{base}/api/v1/captures?per_page=1"))
        .header(
            "cookie",
            login
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok()?.split(';').next())
                .collect::<Vec<_>>()
                .join("; "),
        )
        .send()
        .await
        .unwrap();
    let page: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        page["total"], acknowledged,
        "every acknowledged capture survived"
    );
    let pg = postmaster_pid(dir).unwrap();
    signal(server.id(), "-INT");
    assert!(wait_exit(&mut server).success());
    assert!(!alive(pg));
}

#[test]
fn a_production_config_without_secret_key_refuses_to_start() {
    let out = Command::new(BIN)
        .env("DATABASE_URL", "postgres://localhost/lifeos")
        .env_remove("SECRET_KEY")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SECRET_KEY"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let out = Command::new(BIN)
        .env("DATABASE_URL", "postgres://localhost/lifeos")
        .env("SECRET_KEY", "change-me-change-me-change-me-change-me")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn wrong_usage_prints_help_and_exits_2() {
    let out = Command::new(BIN).arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}

/// A clone in a private folder (root's home is 0700 on Debian): as root,
/// PostgreSQL runs as `postgres`, which cannot enter it. The server still
/// starts, keeps the cluster where `postgres` can reach it, says where, and
/// leaves the folder's permissions alone.
#[tokio::test]
async fn serve_starts_from_a_private_folder_without_loosening_it() {
    let tmp = tempfile::Builder::new()
        .prefix("lifeos-private-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    let port = free_port();
    let mut server = lifeos(&home, port).spawn().unwrap();
    wait_ready(port, &mut server, &home).await;
    signal(server.id(), "-TERM");
    assert!(wait_exit(&mut server).success());
    for dir in [tmp.path(), home.as_path()] {
        let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{} was loosened", dir.display());
    }
    let location = home.join("data").join(lifeos::managed::LOCATION_FILE);
    if lifeos_localpg::running_as_root() {
        let text = std::fs::read_to_string(&location).expect("the location is written down");
        let cluster = std::path::PathBuf::from(text.lines().next().unwrap());
        assert!(
            cluster.starts_with(lifeos::managed::SHARED_CLUSTERS),
            "{text}"
        );
        assert!(cluster.join("pgdata/PG_VERSION").exists());
        std::fs::remove_dir_all(cluster).unwrap();
    } else {
        assert!(!location.exists(), "the cluster stays in the data folder");
        assert!(home.join("data/postgres/pgdata/PG_VERSION").exists());
    }
}
