//! `TestApp`: the application on port 0 with its own database, a cookie
//! client, and one helper per endpoint.

use lifeos::config::Config;
use lifeos::startup::{Application, build_state};
use lifeos::state::AppState;
use lifeos_testdb::TestDb;
use reqwest::{Client, Response};
use serde_json::{Value, json};
use std::collections::HashMap;

pub const PASSWORD: &str = "correct horse battery";
pub const SECRET: &str = "test-key-0123456789abcdef0123456789abcdef";

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub state: AppState,
    pub db: TestDb,
}

pub fn config(extra: &[(&str, &str)]) -> Config {
    let mut vars: HashMap<String, String> = [
        ("SECRET_KEY", SECRET),
        ("BCRYPT_COST", "4"),
        ("COOKIE_SECURE", "false"),
        ("FRONTEND_URL", "http://app.example.test"),
        ("BIND", "127.0.0.1:0"),
        ("DATABASE_POOL_SIZE", "5"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
    .collect();
    for (k, v) in extra {
        vars.insert((*k).to_string(), (*v).to_string());
    }
    Config::from_lookup(|k| vars.get(k).cloned()).expect("test config")
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    pub async fn spawn_with(extra: &[(&str, &str)]) -> Self {
        let db = TestDb::new().await;
        Self::spawn_on(db, extra)
    }

    pub fn spawn_on(db: TestDb, extra: &[(&str, &str)]) -> Self {
        let config = config(extra);
        let state = build_state(&config, db.url(), SECRET.as_bytes()).expect("state");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let app = Application::with_listener(state.clone(), listener, Some(1)).expect("app");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run());
        Self {
            address,
            client: client(),
            state,
            db,
        }
    }

    /// Another server on the same database, with its own client logged
    /// in as a new user `bob` (for "another user's data" checks).
    pub async fn other_user_on_same(app: &TestApp) -> OtherUser {
        let address = second_instance(app.db.url(), &[]).await;
        app.state
            .auth
            .create_or_reset_user("bob", PASSWORD)
            .await
            .expect("create bob");
        let client = client();
        let res = client
            .post(format!("{address}/api/auth/login"))
            .json(&json!({"username": "bob", "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), 200);
        OtherUser { address, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn create_user(&self, username: &str) -> Value {
        let (user, _) = self
            .state
            .auth
            .create_or_reset_user(username, PASSWORD)
            .await
            .expect("create user");
        json!({"id": user.id.0.to_string(), "username": user.username})
    }

    pub async fn login_as(&self, username: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("request")
    }

    /// Creates `username` and logs this app's client in as it.
    pub async fn logged_in(&self, username: &str) -> Value {
        let user = self.create_user(username).await;
        let res = self.login_as(username, PASSWORD).await;
        assert_eq!(res.status(), 200, "login failed");
        user
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client
            .delete(self.url(path))
            .send()
            .await
            .expect("request")
    }
}

/// Asserts status and contract error code; returns the body.
pub async fn assert_error(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status");
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(ct.starts_with("application/json"), "content-type {ct}");
    let body: Value = res.json().await.expect("json body");
    assert_eq!(body["code"], code, "body {body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "detail in {body}"
    );
    body
}

/// The `Set-Cookie` headers of a response, by cookie name.
pub fn set_cookies(res: &Response) -> HashMap<String, String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| {
            let name = v.split('=').next().unwrap_or_default().to_string();
            (name, v.to_string())
        })
        .collect()
}

/// The value of cookie `name` in a `Set-Cookie` header.
pub fn cookie_value(header: &str) -> String {
    header
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

/// Another user, signed in on a second server of the same database.
pub struct OtherUser {
    pub address: String,
    pub client: Client,
}

impl OtherUser {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request")
    }
}

/// A second server on the same database (as two replicas would run).
pub async fn second_instance(db_url: &str, extra: &[(&str, &str)]) -> String {
    let config = config(extra);
    let state = build_state(&config, db_url, SECRET.as_bytes()).expect("state");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let app = Application::with_listener(state, listener, Some(1)).expect("app");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run());
    address
}

/// A child process killed when dropped (a failing test leaves no server
/// behind holding the test runner's output open).
pub struct ChildServer(pub std::process::Child);

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real `lifeos serve` as a child process (to `kill -9` it or read its
/// memory) on `db_url`; answers the process and its base URL once ready.
pub async fn spawn_binary(db_url: &str, extra: &[(&str, &str)]) -> (ChildServer, String) {
    spawn_binary_logging(db_url, extra, None).await
}

/// As [`spawn_binary`], writing the server's output to `log` when given.
pub async fn spawn_binary_logging(
    db_url: &str,
    extra: &[(&str, &str)],
    log: Option<&std::path::Path>,
) -> (ChildServer, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_lifeos"));
    command
        .arg("serve")
        .env("DATABASE_URL", db_url)
        .env("SECRET_KEY", SECRET)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("COOKIE_SECURE", "false")
        .env("RUST_LOG", "warn");
    for (k, v) in extra {
        command.env(k, v);
    }
    if let Some(path) = log {
        let file = std::fs::File::create(path).expect("log file");
        command
            .stdout(file.try_clone().expect("log file"))
            .stderr(file);
    }
    let server = ChildServer(command.spawn().expect("spawn lifeos"));
    let base = format!("http://127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while reqwest::get(format!("{base}/health/ready")).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "server not ready");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    (server, base)
}

/// Runs SQL against the test's database.
pub async fn sql(db_url: &str, statement: &str) {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let mut c = AsyncPgConnection::establish(db_url).await.expect("connect");
    c.batch_execute(statement).await.expect("sql");
}

/// The `n` (a bigint) that `q` selects from the test's database.
pub async fn sql_count(app: &TestApp, q: &str) -> i64 {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut c = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    diesel::sql_query(q)
        .get_result::<N>(&mut c)
        .await
        .unwrap()
        .n
}

/// A PostgreSQL cluster of the test's own, which it may stop and start
/// (the shared test cluster must stay up). Keep the folder until the end.
pub fn own_cluster(prefix: &str) -> (tempfile::TempDir, lifeos_localpg::Cluster) {
    use lifeos_localpg::{Binaries, Cluster, ClusterOptions};
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in("/tmp")
        .expect("tempdir");
    // PostgreSQL may run as another user (as root: `postgres`).
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let cluster = Cluster::new(
        Binaries::find().expect("PostgreSQL server binaries"),
        tmp.path().join("pg"),
        ClusterOptions {
            unsafe_fast: true,
            max_connections: 30,
            settings: Vec::new(),
        },
    )
    .expect("cluster");
    cluster.start().expect("start the cluster");
    (tmp, cluster)
}
