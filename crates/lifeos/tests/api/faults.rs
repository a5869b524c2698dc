//! Reliability under faults: the database going away under load, the
//! server killed in the middle of an import, a reorder and a convert, and
//! two replicas sharing one database (throttle, refresh-token reuse and idempotency keys hold
//! across them; the login throttle's test is in auth.rs).

use crate::helpers::{
    PASSWORD, SECRET, TestApp, assert_error, config, cookie_value, second_instance, set_cookies,
};
use lifeos::startup::{Application, build_state};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_under_load_answers_503_promptly_and_every_201_is_a_row() {
    let (_tmp, cluster) = crate::helpers::own_cluster("lifeos-outage-");
    let url = cluster.url("postgres");
    lifeos_db::run_migrations(&url).await.unwrap();
    let cfg = config(&[
        ("DATABASE_POOL_TIMEOUT_SECONDS", "1"),
        ("DATABASE_POOL_SIZE", "8"),
    ]);
    let state = build_state(&cfg, &url, SECRET.as_bytes()).unwrap();
    let (user, _) = state
        .auth
        .create_or_reset_user("ada", PASSWORD)
        .await
        .unwrap();
    let key = state.auth.create_api_key(user.id, "load").await.unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let app = Application::with_listener(state, listener, Some(2)).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run());

    // Eight clients capture as fast as they can for six seconds; the
    // database stops after 1.5 s and comes back 1.5 s later.
    let started = Instant::now();
    let mut clients = Vec::new();
    for c in 0..8 {
        let (base, secret) = (base.clone(), key.secret.clone());
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut seen = Vec::new();
            let mut i = 0;
            while started.elapsed() < Duration::from_secs(6) {
                let t = Instant::now();
                let res = http
                    .post(format!("{base}/api/v1/captures/external"))
                    .bearer_auth(&secret)
                    .json(&json!({"content": format!("load {c}-{i}")}))
                    .send()
                    .await
                    .unwrap();
                let status = res.status().as_u16();
                let body: Value = res.json().await.unwrap();
                seen.push((status, t.elapsed(), body));
                i += 1;
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    cluster.stop().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    cluster.start().unwrap();
    let mut seen = Vec::new();
    for c in clients {
        seen.extend(c.await.unwrap());
    }

    let created: Vec<String> = seen
        .iter()
        .filter(|(s, _, _)| *s == 201)
        .map(|(_, _, b)| b["id"].as_str().unwrap().to_string())
        .collect();
    let unavailable = seen.iter().filter(|(s, _, _)| *s == 503).count();
    let other: Vec<_> = seen
        .iter()
        .filter(|(s, _, _)| *s != 201 && *s != 503)
        .collect();
    assert!(other.is_empty(), "only 201 or 503: {other:?}");
    assert!(unavailable > 0, "the outage was seen");
    for (s, _, b) in seen.iter().filter(|(s, _, _)| *s == 503) {
        assert_eq!(b["code"], "SERVICE_UNAVAILABLE", "{s} {b}");
    }
    let slowest = seen.iter().map(|(_, d, _)| *d).max().unwrap();
    assert!(
        slowest < Duration::from_secs(4),
        "no request hangs past the pool's timeout: {slowest:?}"
    );
    // Served again after the outage, without a restart.
    let late = reqwest::Client::new()
        .post(format!("{base}/api/v1/captures/external"))
        .bearer_auth(&key.secret)
        .json(&json!({"content": "after"}))
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 201);

    // Every acknowledged capture is in the database.
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let mut c = AsyncPgConnection::establish(&url).await.unwrap();
    let stored: std::collections::HashSet<String> =
        diesel::sql_query("SELECT id::text AS id FROM captures")
            .load::<Id>(&mut c)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
    assert!(
        created.len() > 10,
        "{} captures acknowledged",
        created.len()
    );
    let lost: Vec<_> = created.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(lost.is_empty(), "acknowledged but missing: {lost:?}");
    drop(c);
    cluster.stop_immediate().unwrap();
}

/// The real binary as a child process (so it can be `kill -9`ed), with a
/// client logged in as `ada`, and a connection of the test's own.
struct Killable {
    server: crate::helpers::ChildServer,
    base: String,
    web: reqwest::Client,
    c: diesel_async::AsyncPgConnection,
}

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl Killable {
    async fn start(app: &TestApp) -> Self {
        use diesel_async::AsyncConnection;
        let (server, base) = crate::helpers::spawn_binary(app.db.url(), &[]).await;
        let web = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let res = web
            .post(format!("{base}/api/auth/login"))
            .json(&json!({"username": "ada", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let c = diesel_async::AsyncPgConnection::establish(app.db.url())
            .await
            .unwrap();
        Self {
            server,
            base,
            web,
            c,
        }
    }

    async fn count(&mut self, query: &str) -> i64 {
        use diesel_async::RunQueryDsl;
        diesel::sql_query(query)
            .get_result::<N>(&mut self.c)
            .await
            .unwrap()
            .n
    }

    /// Sends the request in the background; waits until a session of the
    /// server matches `doing` (a `pg_stat_activity` condition), then kills
    /// the server with SIGKILL and waits until PostgreSQL has ended its
    /// sessions (rolling back whatever was open).
    async fn kill_while(&mut self, request: reqwest::RequestBuilder, doing: &str) {
        let sent = tokio::spawn(request.send());
        let deadline = Instant::now() + Duration::from_secs(60);
        let busy = format!(
            "SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'lifeos' AND ({doing})"
        );
        while self.count(&busy).await == 0 {
            assert!(
                Instant::now() < deadline,
                "the server never got to: {doing}"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        self.server.0.kill().unwrap();
        self.server.0.wait().unwrap();
        assert!(
            sent.await.unwrap().is_err(),
            "no answer from a killed server"
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        // (The in-process server of the test keeps idle connections.)
        let open = "SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'lifeos'
               AND state <> 'idle'";
        while self.count(open).await > 0 {
            assert!(
                Instant::now() < deadline,
                "the killed server's sessions linger"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// From the `from`-th row of `kind` on `table` in one transaction, holds
/// the transaction for a few seconds after the row is written, so a kill
/// lands between writes (and before the commit). The call count lives in a
/// transaction-local setting: writes made outside one transaction never
/// stall, and the test then fails waiting for it. The database is the test's own.
async fn stall_after(app: &TestApp, kind: &str, table: &str, from: u32) {
    crate::helpers::sql(
        app.db.url(),
        &format!(
            "CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$
             DECLARE n int := coalesce(nullif(current_setting('test.stall', true), ''), '0')::int + 1;
             BEGIN
               PERFORM set_config('test.stall', n::text, true);
               IF n >= {from} THEN PERFORM pg_sleep(3); END IF;
               RETURN NULL;
             END $$;
             CREATE TRIGGER stall AFTER {kind} ON {table}
               FOR EACH ROW EXECUTE FUNCTION stall();"
        ),
    )
    .await;
}

const SLEEPING: &str = "wait_event = 'PgSleep'";

#[tokio::test]
async fn killing_the_server_in_the_middle_of_an_import_leaves_nothing_behind() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    let mut k = Killable::start(&app).await;
    let today = chrono::Utc::now().date_naive();
    let journal: Vec<Value> = (0..30_000u64)
        .map(|i| {
            json!({"id": uuid::Uuid::new_v4(), "entry_type": "morning_pages",
                   "entry_date": today - chrono::Days::new(i), "content": {"body": format!("day {i}")},
                   "created_at": "2026-11-30T07:00:00Z", "updated_at": "2026-11-30T07:00:00Z"})
        })
        .collect();
    let doc = json!({"format_version": 1, "exported_at": "2026-11-30T08:00:00Z",
        "user": {"id": uuid::Uuid::new_v4(), "username": "x", "timezone": "UTC",
                 "week_start": "monday", "weight_unit": "kg", "created_at": "2026-01-01T00:00:00Z"},
        "journal": journal});
    let upload = k
        .web
        .post(format!("{}/api/v1/settings/import", k.base))
        .json(&doc);
    // Killed while it is writing journal rows.
    k.kill_while(
        upload,
        "state = 'active' AND query LIKE 'INSERT INTO \"journal_entries\"%'",
    )
    .await;
    assert_eq!(
        k.count("SELECT count(*) AS n FROM journal_entries").await,
        0,
        "no partial import"
    );
    assert_eq!(k.count("SELECT count(*) AS n FROM journal_runs").await, 0);
}

#[tokio::test]
async fn killing_the_server_in_the_middle_of_a_reorder_keeps_the_old_order() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let project: Value = app
        .post("/api/v1/projects", &json!({"name": "House"}))
        .await
        .json()
        .await
        .unwrap();
    let pid = project["id"].as_str().unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let t: Value = app
            .post(
                &format!("/api/v1/projects/{pid}/tasks"),
                &json!({"title": format!("task {i}")}),
            )
            .await
            .json()
            .await
            .unwrap();
        ids.push(t["id"].as_str().unwrap().to_string());
    }
    let mut k = Killable::start(&app).await;
    stall_after(&app, "UPDATE", "tasks", 2).await;
    let reversed: Vec<&String> = ids.iter().rev().collect();
    let reorder = k
        .web
        .post(format!("{}/api/v1/projects/{pid}/tasks/reorder", k.base))
        .json(&json!({ "ids": reversed }));
    // Killed after a first position was rewritten, before the others.
    k.kill_while(reorder, SLEEPING).await;
    crate::helpers::sql(app.db.url(), "DROP TRIGGER stall ON tasks").await;
    let tasks: Value = app
        .get(&format!("/api/v1/projects/{pid}/tasks"))
        .await
        .json()
        .await
        .unwrap();
    let order: Vec<&str> = tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, ids, "the old order, whole");
    let positions: Vec<i64> = tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, [0, 1, 2, 3, 4]);
}

#[tokio::test]
async fn killing_the_server_in_the_middle_of_a_convert_leaves_the_capture_in_the_inbox() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let project: Value = app
        .post("/api/v1/projects", &json!({"name": "House"}))
        .await
        .json()
        .await
        .unwrap();
    let capture: Value = app
        .post("/api/v1/captures", &json!({"content": "Fix the door"}))
        .await
        .json()
        .await
        .unwrap();
    let cid = capture["id"].as_str().unwrap();
    let mut k = Killable::start(&app).await;
    stall_after(&app, "UPDATE", "captures", 1).await;
    let convert = k
        .web
        .post(format!("{}/api/v1/captures/{cid}/convert", k.base))
        .json(&json!({"type": "task", "project_id": project["id"]}));
    // Killed after the task was inserted and the capture marked, before
    // the commit.
    k.kill_while(convert, SLEEPING).await;
    assert_eq!(
        k.count("SELECT count(*) AS n FROM tasks").await,
        0,
        "no task"
    );
    let capture: Value = app
        .get(&format!("/api/v1/captures/{cid}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(capture["status"], "inbox");
    assert_eq!(capture["converted_to"], Value::Null);
}

#[tokio::test]
async fn refresh_token_reuse_is_caught_across_two_replicas() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    let other = second_instance(app.db.url(), &[]).await;
    let res = app.login_as("ada", PASSWORD).await;
    let first = cookie_value(&set_cookies(&res)["refresh_token"]);
    let refresh = |base: String, token: String| async move {
        reqwest::Client::new()
            .post(format!("{base}/api/auth/refresh"))
            .header("cookie", format!("refresh_token={token}"))
            .send()
            .await
            .unwrap()
    };
    // Rotated on one replica...
    let res = refresh(app.address.clone(), first.clone()).await;
    assert_eq!(res.status(), 200);
    let second = cookie_value(&set_cookies(&res)["refresh_token"]);
    // ...the retired token replayed on the other: reuse, the family is revoked.
    assert_error(refresh(other.clone(), first).await, 401, "INVALID_TOKEN").await;
    assert_error(
        refresh(app.address.clone(), second).await,
        401,
        "INVALID_TOKEN",
    )
    .await;
}

#[tokio::test]
async fn an_idempotency_key_holds_across_two_replicas() {
    let app = TestApp::spawn().await;
    let user = app.create_user("ada").await;
    let id = lifeos_kernel::UserId(user["id"].as_str().unwrap().parse().unwrap());
    let key = app.state.auth.create_api_key(id, "siri").await.unwrap();
    let other = second_instance(app.db.url(), &[]).await;
    let send = |base: String, content: &'static str| {
        let secret = key.secret.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/api/v1/captures/external"))
                .bearer_auth(secret)
                .header("idempotency-key", "phone-retry-1")
                .json(&json!({"content": content}))
                .send()
                .await
                .unwrap()
        }
    };
    // The same request to both replicas at once, twice over.
    let (a, b, c, d) = tokio::join!(
        send(app.address.clone(), "buy milk"),
        send(other.clone(), "buy milk"),
        send(app.address.clone(), "buy milk"),
        send(other.clone(), "buy milk"),
    );
    let mut bodies = Vec::new();
    for res in [a, b, c, d] {
        assert_eq!(res.status(), 201);
        bodies.push(res.text().await.unwrap());
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
    assert_error(send(other.clone(), "buy bread").await, 409, "CONFLICT").await;
    assert_eq!(app.login_as("ada", PASSWORD).await.status(), 200);
    let page: Value = app.get("/api/v1/captures").await.json().await.unwrap();
    assert_eq!(page["total"], 1);
}
