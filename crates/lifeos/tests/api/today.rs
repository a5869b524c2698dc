//! `GET /api/v1/today` (issue 13) against a real PostgreSQL: the day's
//! numbers in the user's zone, the spoken form, API-key scopes, another
//! user's data absent, and a statement count that does not grow.

use crate::helpers::{TestApp, assert_error, client};
use chrono::{Days, Utc};
use serde_json::{Value, json};

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let res = app.post(path, &body).await;
    assert_eq!(res.status(), 201, "{path} {body}");
    res.json().await.unwrap()
}

/// Today in Asia/Tokyo (the user's zone in these tests).
fn tokyo_today() -> chrono::NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive()
}

async fn key(app: &TestApp, scopes: Option<Value>) -> String {
    let mut body = json!({"name": "siri"});
    if let Some(s) = scopes {
        body["scopes"] = s;
    }
    let k = created(app, "/api/v1/settings/api-keys", body).await;
    k["key"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_day_in_the_users_zone_with_every_modules_part() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    app.patch("/api/v1/settings", &json!({"timezone": "Asia/Tokyo"}))
        .await;
    let today = tokyo_today();
    let p = created(&app, "/api/v1/projects", json!({"name": "Home"})).await;
    let tasks = format!("/api/v1/projects/{}/tasks", p["id"].as_str().unwrap());
    created(
        &app,
        &tasks,
        json!({"title": "Pay rent", "due_date": today}),
    )
    .await;
    created(
        &app,
        &tasks,
        json!({"title": "Done already", "due_date": today, "status": "done"}),
    )
    .await;
    created(
        &app,
        &tasks,
        json!({"title": "Call landlord", "due_date": today - Days::new(3)}),
    )
    .await;
    created(
        &app,
        &tasks,
        json!({"title": "Later", "due_date": today + Days::new(1)}),
    )
    .await;
    created(&app, &tasks, json!({"title": "Whenever"})).await;
    created(&app, "/api/v1/captures", json!({"content": "idea"})).await;
    created(
        &app,
        "/api/v1/journal/entries",
        json!({"entry_type": "morning_pages", "content": {"body": "x"}}),
    )
    .await;
    created(
        &app,
        "/api/v1/calendar/events",
        json!({"title": "Standup", "start": format!("{today}T00:30:00Z")}),
    )
    .await;
    let w = created(&app, "/api/v1/workouts", json!({"name": "Legs"})).await;
    let ex = created(&app, "/api/v1/exercises", json!({"name": "Squat"})).await;
    created(
        &app,
        &format!("/api/v1/workouts/{}/logs", w["id"].as_str().unwrap()),
        json!({"exercise_id": ex["id"], "reps": 5, "weight": 100}),
    )
    .await;

    let res = app.get("/api/v1/today").await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["date"], json!(today));
    let titles = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(&v["tasks"]["due_today"]), ["Pay rent"]);
    assert_eq!(v["tasks"]["due_today_total"], 1);
    assert_eq!(titles(&v["tasks"]["overdue"]), ["Call landlord"]);
    assert_eq!(v["tasks"]["overdue_total"], 1);
    assert_eq!(v["journal"]["morning_pages"], true);
    assert_eq!(v["journal"]["daily_reflection"], false);
    assert_eq!(v["journal"]["streaks"]["morning_pages"]["current"], 1);
    assert_eq!(v["inbox"], 1);
    assert_eq!(v["last_workout"]["name"], "Legs");
    assert_eq!(v["last_workout"]["total_volume"], 500.0);
    assert_eq!(titles(&v["occurrences"]), ["Standup"]);

    // The same day, read aloud (09:30 in Tokyo).
    let res = app
        .client
        .get(app.url("/api/v1/today"))
        .header("accept", "text/plain")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(
        res.text().await.unwrap(),
        "1 event today, at 09:30: Standup. 1 task due, 1 overdue. Inbox: 1."
    );

    // Another user's day is empty.
    let other = TestApp::other_user_on_same(&app).await;
    let v: Value = other.get("/api/v1/today").await.json().await.unwrap();
    assert_eq!(v["tasks"]["due_today_total"], 0);
    assert_eq!(v["inbox"], 0);
    assert_eq!(v["last_workout"], Value::Null);
    assert_eq!(v["occurrences"], json!([]));
}

#[tokio::test]
async fn api_keys_have_scopes_and_today_needs_its_own() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    assert_error(
        client().get(app.url("/api/v1/today")).send().await.unwrap(),
        401,
        "NOT_AUTHENTICATED",
    )
    .await;
    let capture_only = key(&app, None).await;
    let today_only = key(&app, Some(json!(["today"]))).await;
    let both = key(&app, Some(json!(["capture", "today"]))).await;
    let keys: Value = app
        .get("/api/v1/settings/api-keys")
        .await
        .json()
        .await
        .unwrap();
    let scopes: Vec<Value> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["scopes"].clone())
        .collect();
    // Newest first.
    assert_eq!(
        scopes,
        [
            json!(["capture", "today"]),
            json!(["today"]),
            json!(["capture"])
        ]
    );
    let today = |secret: String, accept: &'static str| {
        let url = app.url("/api/v1/today");
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(secret)
                .header("accept", accept)
                .send()
                .await
                .unwrap()
        }
    };
    let capture = |secret: String| {
        let url = app.url("/api/v1/captures/external");
        async move {
            reqwest::Client::new()
                .post(url)
                .bearer_auth(secret)
                .json(&json!({"content": "from siri"}))
                .send()
                .await
                .unwrap()
        }
    };
    let body = assert_error(
        today(capture_only.clone(), "application/json").await,
        403,
        "INSUFFICIENT_SCOPE",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("today"), "{body}");
    assert_eq!(
        today(today_only.clone(), "application/json").await.status(),
        200
    );
    let spoken = today(both.clone(), "text/plain")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(spoken, "No events today. No tasks due. Inbox: 0.");
    assert_error(capture(today_only).await, 403, "INSUFFICIENT_SCOPE").await;
    assert_eq!(capture(capture_only).await.status(), 201);
    assert_eq!(capture(both).await.status(), 201);
    // A bad key is still 401, whatever the scope.
    assert_error(
        today("sk_live_nope".into(), "text/plain").await,
        401,
        "INVALID_API_KEY",
    )
    .await;
    // Scope lists are checked.
    for (scopes, field) in [
        (json!([]), "scopes"),
        (json!(["capture", "admin"]), "scopes[1]"),
    ] {
        let res = app
            .post(
                "/api/v1/settings/api-keys",
                &json!({"name": "x", "scopes": scopes}),
            )
            .await;
        let body = assert_error(res, 422, "VALIDATION_ERROR").await;
        assert_eq!(body["field"], field);
    }
}

#[tokio::test]
async fn the_statement_count_does_not_grow_with_the_account() {
    async fn today_statements(n: usize) -> usize {
        crate::dashboard::count_statements();
        let app = TestApp::spawn().await;
        app.logged_in("ada").await;
        app.patch("/api/v1/settings", &json!({"timezone": "Asia/Tokyo"}))
            .await;
        crate::dashboard::fill(&app, n).await;
        let p = created(&app, "/api/v1/projects", json!({"name": "Due"})).await;
        let tasks = format!("/api/v1/projects/{}/tasks", p["id"].as_str().unwrap());
        for i in 0..n {
            created(
                &app,
                &tasks,
                json!({"title": "t", "due_date": tokyo_today() - Days::new(i as u64)}),
            )
            .await;
        }
        assert_eq!(app.get("/api/v1/today").await.status(), 200);
        let before = crate::dashboard::statements(&app);
        assert_eq!(app.get("/api/v1/today").await.status(), 200);
        crate::dashboard::statements(&app) - before
    }
    let small = today_statements(1).await;
    let large = today_statements(12).await;
    assert!(small > 0, "the counter sees the requests");
    assert_eq!(small, large);
    // The user with settings, 2 facts, the journal runs, the events and
    // their overrides, plus the pool's check of each connection.
    assert!(small <= 12, "{small} statements for one day");
}
