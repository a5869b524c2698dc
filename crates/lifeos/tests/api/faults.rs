//! Reliability under faults: the database going away under load, the
//! server killed in the middle of an import, and two replicas sharing one
//! database (throttle, refresh-token reuse and idempotency keys hold
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

const BIN: &str = env!("CARGO_BIN_EXE_lifeos");

#[tokio::test]
async fn killing_the_server_in_the_middle_of_an_import_leaves_nothing_behind() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new(BIN)
        .arg("serve")
        .env("DATABASE_URL", app.db.url())
        .env("SECRET_KEY", SECRET)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("COOKIE_SECURE", "false")
        .env("RUST_LOG", "warn")
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while reqwest::get(format!("{base}/health/ready")).await.is_err() {
        assert!(Instant::now() < deadline, "server not ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
    let upload = tokio::spawn({
        let web = web.clone();
        let url = format!("{base}/api/v1/settings/import");
        async move { web.post(url).json(&doc).send().await }
    });

    // Wait until the import is writing journal rows, then kill -9.
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut c = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let writing = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND state = 'active'
               AND query LIKE 'INSERT INTO \"journal_entries\"%'",
        )
        .get_result::<N>(&mut c)
        .await
        .unwrap();
        if writing.n > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        upload.await.unwrap().is_err(),
        "no answer from a killed server"
    );

    // PostgreSQL rolls the transaction back when its client dies.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let busy = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'lifeos'
               AND state <> 'idle'",
        )
        .get_result::<N>(&mut c)
        .await
        .unwrap();
        if busy.n == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the killed import's session lingers"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let entries = diesel::sql_query("SELECT count(*) AS n FROM journal_entries")
        .get_result::<N>(&mut c)
        .await
        .unwrap();
    assert_eq!(entries.n, 0, "no partial import");
    let runs = diesel::sql_query("SELECT count(*) AS n FROM journal_runs")
        .get_result::<N>(&mut c)
        .await
        .unwrap();
    assert_eq!(runs.n, 0);
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
