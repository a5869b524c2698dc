//! API.md section 6 over HTTP.

use crate::helpers::{TestApp, assert_error, client};
use serde_json::{Value, json};

async fn api_key(app: &TestApp) -> String {
    let k: Value = app
        .post("/api/v1/settings/api-keys", &json!({"name": "Siri"}))
        .await
        .json()
        .await
        .unwrap();
    k["key"].as_str().unwrap().to_string()
}

fn external(app: &TestApp, key: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(app.url("/api/v1/captures/external"))
        .header("authorization", format!("Bearer {key}"))
}

/// The external endpoint with the key and an `Idempotency-Key`.
fn keyed(
    app: &TestApp,
    key: &str,
    body: &Value,
    idem: &str,
) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> + use<> {
    external(app, key)
        .header("idempotency-key", idem)
        .json(body)
        .send()
}

async fn count(app: &TestApp) -> i64 {
    app.get("/api/v1/captures")
        .await
        .json::<Value>()
        .await
        .unwrap()["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn captures_are_trimmed_listed_newest_first_and_track_processed_at() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let res = app
        .post("/api/v1/captures", &json!({"content": "  Buy milk \n"}))
        .await;
    assert_eq!(res.status(), 201);
    let c: Value = res.json().await.unwrap();
    assert_eq!(
        (
            c["content"].as_str(),
            c["source"].as_str(),
            c["status"].as_str()
        ),
        (Some("Buy milk"), Some("web"), Some("inbox"))
    );
    assert!(c["converted_to"].is_null() && c["processed_at"].is_null());
    assert_eq!(c.as_object().unwrap().len(), 7, "{c}");
    let second: Value = app
        .post(
            "/api/v1/captures",
            &json!({"content": "Call mum", "source": "watch"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let list: Value = app.get("/api/v1/captures").await.json().await.unwrap();
    assert_eq!(list["items"][0]["id"], second["id"], "newest first");
    let path = format!("/api/v1/captures/{}", c["id"].as_str().unwrap());
    let archived: Value = app
        .patch(&path, &json!({"status": "archived"}))
        .await
        .json()
        .await
        .unwrap();
    assert!(archived["processed_at"].is_string());
    let inbox: Value = app
        .get("/api/v1/captures?status=inbox")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["total"], 1);
    let back: Value = app
        .patch(
            &path,
            &json!({"status": "inbox", "content": "Buy oat milk"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(back["processed_at"].is_null());
    assert_eq!(back["content"], "Buy oat milk");
    assert_eq!(app.delete(&path).await.status(), 204);
    assert_error(app.get(&path).await, 404, "NOT_FOUND").await;
}

#[tokio::test]
async fn content_and_source_limits_count_characters() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let max = "界".repeat(10_000);
    assert_eq!(
        app.post("/api/v1/captures", &json!({"content": max}))
            .await
            .status(),
        201
    );
    for (body, field) in [
        (json!({"content": "界".repeat(10_001)}), "content"),
        (json!({"content": "   "}), "content"),
        (json!({"content": "x", "source": "s".repeat(51)}), "source"),
        (json!({"source": "web"}), "content"),
    ] {
        let got = assert_error(
            app.post("/api/v1/captures", &body).await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(got["field"], field);
    }
    assert_error(
        app.get("/api/v1/captures?status=done").await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
}

#[tokio::test]
async fn the_external_endpoint_takes_a_bearer_key_only() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let key = api_key(&app).await;
    // The browser's cookie alone is not enough.
    let res = app
        .client
        .post(app.url("/api/v1/captures/external"))
        .json(&json!({"content": "x"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "NOT_AUTHENTICATED").await;
    for bad in [
        "Bearer sk_live_unknown",
        "Bearer nonsense",
        "Basic abc",
        "Bearer",
    ] {
        let res = reqwest::Client::new()
            .post(app.url("/api/v1/captures/external"))
            .header("authorization", bad)
            .json(&json!({"content": "x"}))
            .send()
            .await
            .unwrap();
        assert_error(res, 401, "INVALID_API_KEY").await;
    }
    // CSRF does not apply to Bearer requests.
    let res = external(&app, &key)
        .header("origin", "https://evil.example")
        .json(&json!({"content": "from siri"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.unwrap();
    assert_eq!(receipt["status"], "inbox");
    assert_eq!(receipt["message"], "Captured: from siri");
    let stored: Value = app
        .get(&format!(
            "/api/v1/captures/{}",
            receipt["id"].as_str().unwrap()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["source"], "api");
    let keys: Value = app
        .get("/api/v1/settings/api-keys")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        keys[0]["last_used_at"].is_string(),
        "last_used_at is recorded"
    );
    // Revoked keys stop working.
    let id = keys[0]["id"].as_str().unwrap();
    app.delete(&format!("/api/v1/settings/api-keys/{id}")).await;
    let res = external(&app, &key)
        .json(&json!({"content": "x"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "INVALID_API_KEY").await;
    assert_error(
        app.get("/api/v1/captures/external").await,
        405,
        "METHOD_NOT_ALLOWED",
    )
    .await;
}

#[tokio::test]
async fn plain_text_bodies_and_message_truncation() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let key = api_key(&app).await;
    let text = format!("  {}  ", "ü".repeat(70));
    let res = external(&app, &key)
        .header("content-type", "text/plain; charset=utf-8")
        .body(text)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let receipt: Value = res.json().await.unwrap();
    assert_eq!(receipt["message"], format!("Captured: {}", "ü".repeat(60)));
    let res = external(&app, &key)
        .json(&json!({"content": "hi", "source": "shortcut"}))
        .send()
        .await
        .unwrap();
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let stored: Value = app
        .get(&format!("/api/v1/captures/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["source"], "shortcut");
    let res = external(&app, &key)
        .header("content-type", "application/xml")
        .body("<x/>")
        .send()
        .await
        .unwrap();
    assert_error(res, 415, "UNSUPPORTED_MEDIA_TYPE").await;
    let res = external(&app, &key)
        .header("content-type", "text/plain")
        .body("   ")
        .send()
        .await
        .unwrap();
    assert_error(res, 422, "VALIDATION_ERROR").await;
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_response_or_conflict() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let key = api_key(&app).await;
    let send = |body: Value, idem: &str| keyed(&app, &key, &body, idem);
    let first = send(json!({"content": "once"}), "k-1").await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send(json!({"content": "once"}), "k-1").await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(count(&app).await, 1);
    assert_error(
        send(json!({"content": "different"}), "k-1").await.unwrap(),
        409,
        "CONFLICT",
    )
    .await;
    assert_eq!(
        send(json!({"content": "once"}), "k-2")
            .await
            .unwrap()
            .status(),
        201
    );
    assert_eq!(count(&app).await, 2);
    let bad = send(json!({"content": "x"}), " ").await.unwrap();
    assert_error(bad, 422, "VALIDATION_ERROR").await;
}

/// A key lives 24 hours. Used again after that, it is taken afresh (a new
/// capture, whatever the body), and its new receipt is live; a user's other
/// expired keys are forgotten when one of theirs is used.
#[tokio::test]
async fn an_expired_idempotency_key_is_taken_afresh_and_old_ones_are_forgotten() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let key = api_key(&app).await;
    let send = |body: Value, idem: &str| keyed(&app, &key, &body, idem);
    let old = send(json!({"content": "old"}), "k-old").await.unwrap();
    assert_eq!(old.status(), 201);
    let first: Value = send(json!({"content": "first"}), "k-1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let expire =
        "UPDATE idempotency_keys SET created_at = created_at - interval '24 hours 1 second'";
    crate::helpers::sql(app.db.url(), expire).await;

    let again = send(json!({"content": "second"}), "k-1").await.unwrap();
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_ne!(again["id"], first["id"]);
    assert_eq!(count(&app).await, 3);
    let keys = "SELECT count(*) AS n FROM idempotency_keys";
    assert_eq!(
        crate::helpers::sql_count(&app, keys).await,
        1,
        "k-old is forgotten"
    );
    // The renewed receipt is live: the same body replays it, another conflicts.
    let replay = send(json!({"content": "second"}), "k-1").await.unwrap();
    assert_eq!(replay.json::<Value>().await.unwrap(), again);
    assert_error(
        send(json!({"content": "third"}), "k-1").await.unwrap(),
        409,
        "CONFLICT",
    )
    .await;
    assert_eq!(count(&app).await, 3);
}

#[tokio::test]
async fn ten_concurrent_requests_with_one_key_create_one_capture() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let key = api_key(&app).await;
    let requests = (0..10).map(|_| {
        external(&app, &key)
            .header("idempotency-key", "race")
            .json(&json!({"content": "race"}))
            .send()
    });
    let results = futures_util::future::join_all(requests).await;
    let mut bodies = Vec::new();
    for r in results {
        let r = r.unwrap();
        assert_eq!(r.status(), 201);
        bodies.push(r.json::<Value>().await.unwrap());
    }
    assert!(
        bodies.iter().all(|b| b == &bodies[0]),
        "all answers are the first"
    );
    assert_eq!(count(&app).await, 1);
}

#[tokio::test]
async fn converting_to_a_task_is_atomic() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let p: Value = app
        .post("/api/v1/projects", &json!({"name": "Home"}))
        .await
        .json()
        .await
        .unwrap();
    let pid = p["id"].as_str().unwrap();
    let c: Value = app
        .post("/api/v1/captures", &json!({"content": "Fix the door"}))
        .await
        .json()
        .await
        .unwrap();
    let cid = c["id"].as_str().unwrap();
    let url = format!("/api/v1/captures/{cid}/convert");
    // An unknown project: 404 and the capture is unchanged.
    let res = app
        .post(
            &url,
            &json!({"type": "task", "project_id": "00000000-0000-0000-0000-000000000000"}),
        )
        .await;
    assert_error(res, 404, "NOT_FOUND").await;
    let unchanged: Value = app
        .get(&format!("/api/v1/captures/{cid}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unchanged, c);
    let bad = app
        .post(
            &url,
            &json!({"type": "task", "project_id": pid, "priority": "urgent"}),
        )
        .await;
    assert_error(bad, 422, "VALIDATION_ERROR").await;
    let res = app
        .post(
            &url,
            &json!({"type": "task", "project_id": pid, "priority": "high"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["target"]["title"], "Fix the door");
    assert_eq!(out["target"]["priority"], "high");
    assert_eq!(out["target"]["project_id"], pid);
    assert_eq!(out["capture"]["status"], "processed");
    assert!(out["capture"]["processed_at"].is_string());
    assert_eq!(
        out["capture"]["converted_to"],
        json!({"type": "task", "id": out["target"]["id"]})
    );
    // A second conversion is a conflict and creates nothing.
    assert_error(
        app.post(&url, &json!({"type": "task", "project_id": pid}))
            .await,
        409,
        "CONFLICT",
    )
    .await;
    let tasks: Value = app.get("/api/v1/tasks").await.json().await.unwrap();
    assert_eq!(tasks["total"], 1);
}

#[tokio::test]
async fn converting_to_a_journal_entry_defaults_to_todays_morning_pages() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    app.patch(
        "/api/v1/settings",
        &json!({"timezone": "Pacific/Kiritimati"}),
    )
    .await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Pacific::Kiritimati)
        .date_naive();
    let a: Value = app
        .post(
            "/api/v1/captures",
            &json!({"content": "A thought worth keeping"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let b: Value = app
        .post("/api/v1/captures", &json!({"content": "Another"}))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/captures/{}/convert", a["id"].as_str().unwrap()),
            &json!({"type": "journal_entry"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let out: Value = res.json().await.unwrap();
    assert_eq!(out["target"]["entry_type"], "morning_pages");
    assert_eq!(out["target"]["entry_date"], today.to_string());
    assert_eq!(
        out["target"]["content"],
        json!({"body": "A thought worth keeping"})
    );
    assert_eq!(out["capture"]["converted_to"]["type"], "journal_entry");
    // Today's morning pages exist now: the second conversion fails, atomically.
    let url = format!("/api/v1/captures/{}/convert", b["id"].as_str().unwrap());
    assert_error(
        app.post(&url, &json!({"type": "journal_entry"})).await,
        409,
        "DUPLICATE_ENTRY",
    )
    .await;
    let still: Value = app
        .get(&format!("/api/v1/captures/{}", b["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(still, b);
    let res = app
        .post(&url, &json!({"type": "journal_entry", "entry_type": "daily_reflection", "content": {"went_well": "a", "to_improve": "b", "grateful_for": "c"}}))
        .await;
    assert_eq!(res.status(), 201);
    for (body, field) in [
        (json!({"type": "memo"}), "type"),
        (json!({"type": "event"}), "start"),
        (
            json!({"type": "event", "start": "2026-12-01T09:00:00Z", "rrule": "FREQ=SECONDLY"}),
            "rrule",
        ),
        (
            json!({"type": "event", "start": "2026-12-01T09:00:00Z", "end": "2026-12-01T08:00:00Z"}),
            "end",
        ),
    ] {
        let c: Value = app
            .post("/api/v1/captures", &json!({"content": "x"}))
            .await
            .json()
            .await
            .unwrap();
        let got = assert_error(
            app.post(
                &format!("/api/v1/captures/{}/convert", c["id"].as_str().unwrap()),
                &body,
            )
            .await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(got["field"], field);
    }
}

#[tokio::test]
async fn another_users_captures_are_not_found() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let c: Value = app
        .post("/api/v1/captures", &json!({"content": "mine"}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/captures/{}", c["id"].as_str().unwrap());
    let bob = TestApp {
        client: client(),
        ..app
    };
    bob.logged_in("bob").await;
    assert_error(bob.get(&path).await, 404, "NOT_FOUND").await;
    assert_error(
        bob.patch(&path, &json!({"status": "archived"})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(bob.delete(&path).await, 404, "NOT_FOUND").await;
    assert_error(
        bob.post(
            &format!("{path}/convert"),
            &json!({"type": "journal_entry"}),
        )
        .await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_eq!(count(&bob).await, 0);
}

#[tokio::test]
async fn a_page_past_the_end_still_tells_the_total() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    for i in 0..3 {
        let res = app
            .post("/api/v1/captures", &json!({"content": format!("c{i}")}))
            .await;
        assert_eq!(res.status(), 201);
    }
    for (query, items, total) in [
        ("page=1&per_page=2", 2, 3),
        ("page=2&per_page=2", 1, 3),
        ("page=5&per_page=2", 0, 3),
        ("status=archived", 0, 0),
        ("status=archived&page=3", 0, 0),
    ] {
        let page: Value = app
            .get(&format!("/api/v1/captures?{query}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), items, "{query}");
        assert_eq!(page["total"], total, "{query}");
    }
    for path in ["/api/v1/journal/entries?page=9", "/api/v1/tasks?page=9"] {
        let page: Value = app.get(path).await.json().await.unwrap();
        assert_eq!(page["total"], 0, "{path}");
    }
}
