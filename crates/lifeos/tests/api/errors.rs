//! The error contract: every failure answers `{"detail","code"[,"field"]}`
//! with the right status, whatever layer it comes from.

use crate::helpers::{TestApp, assert_error, config};
use lifeos::startup::{Application, build_state};
use serde_json::json;

#[tokio::test]
async fn unknown_routes_are_404_not_found() {
    let app = TestApp::spawn().await;
    for path in [
        "/nope",
        "/api/v1/nope",
        "/api/v1/settings/nope/deeper",
        "/api",
    ] {
        assert_error(app.get(path).await, 404, "NOT_FOUND").await;
    }
}

#[tokio::test]
async fn known_routes_with_a_wrong_method_are_405() {
    let app = TestApp::spawn().await;
    let cases = [
        (reqwest::Method::DELETE, "/health", "GET"),
        (reqwest::Method::POST, "/health/ready", "GET"),
        (reqwest::Method::GET, "/api/auth/login", "POST"),
        (reqwest::Method::PUT, "/api/v1/settings", "GET, PATCH"),
        (
            reqwest::Method::GET,
            "/api/v1/settings/api-keys/00000000-0000-0000-0000-000000000000",
            "DELETE",
        ),
        (reqwest::Method::GET, "/api/v1/captures/external", "POST"),
    ];
    for (method, path, allow) in cases {
        let res = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers().get("allow").and_then(|v| v.to_str().ok()),
            Some(allow),
            "{method} {path}"
        );
        assert_error(res, 405, "METHOD_NOT_ALLOWED").await;
    }
}

#[tokio::test]
async fn bad_bodies_are_rejected_with_the_right_code() {
    let app = TestApp::spawn().await;
    let url = app.url("/api/auth/login");
    // (content type, body, status, code, field)
    type Case<'a> = (Option<&'a str>, String, u16, &'a str, Option<&'a str>);
    let cases: [Case; 7] = [
        (
            Some("application/json"),
            "{bad json".into(),
            422,
            "VALIDATION_ERROR",
            None,
        ),
        (
            Some("application/json"),
            String::new(),
            422,
            "VALIDATION_ERROR",
            None,
        ),
        (
            Some("application/json"),
            r#"{"username":"a"}"#.into(),
            422,
            "VALIDATION_ERROR",
            Some("password"),
        ),
        (
            Some("application/json"),
            r#"{"username":5,"password":"x"}"#.into(),
            422,
            "VALIDATION_ERROR",
            Some("username"),
        ),
        (
            Some("text/plain"),
            r#"{"username":"a","password":"b"}"#.into(),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            None,
        ),
        (
            None,
            r#"{"username":"a","password":"b"}"#.into(),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            None,
        ),
        (
            Some("application/json"),
            format!(
                r#"{{"username":"{}","password":"x"}}"#,
                "a".repeat(1024 * 1024 + 1)
            ),
            413,
            "PAYLOAD_TOO_LARGE",
            None,
        ),
    ];
    for (ct, body, status, code, field) in cases {
        let mut req = app.client.post(&url).body(body.clone());
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        let res = req.send().await.unwrap();
        let got = assert_error(res, status, code).await;
        if let Some(f) = field {
            assert_eq!(got["field"], f, "{got}");
        }
    }
}

#[tokio::test]
async fn a_charset_parameter_on_json_is_accepted() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"username":"nobody","password":"whatever1"}"#)
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "INVALID_CREDENTIALS").await;
}

#[tokio::test]
async fn a_path_id_that_is_not_a_uuid_is_422_naming_the_parameter() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let res = app.delete("/api/v1/settings/api-keys/not-a-uuid").await;
    let body = assert_error(res, 422, "VALIDATION_ERROR").await;
    assert_eq!(body["field"], "id");
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    let res = app.get("/nope").await;
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "{id}");
}

#[tokio::test]
async fn api_answers_are_nosniff_and_not_stored_errors_included() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    for (path, status) in [
        ("/api/auth/me", 200),
        ("/api/v1/journal/entries", 200),
        ("/api/v1/projects/not-a-uuid", 422),
        ("/api/v1/nope", 404),
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), status, "{path}");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
        assert!(res.headers().contains_key("x-request-id"), "{path}");
    }
    // Logged out too (a 401 is still about an account).
    let res = crate::helpers::client()
        .get(app.url("/api/auth/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn an_unreachable_database_answers_503() {
    let cfg = config(&[("DATABASE_POOL_TIMEOUT_SECONDS", "1")]);
    let url = "postgresql://postgres@localhost:5432/none?host=/nonexistent-lifeos-socket-dir";
    let state = build_state(&cfg, url, b"0123456789abcdef0123456789abcdef").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let app = Application::with_listener(state, listener, Some(1)).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run());
    let client = crate::helpers::client();
    let res = client
        .get(format!("{base}/health/ready"))
        .send()
        .await
        .unwrap();
    let body = assert_error(res, 503, "SERVICE_UNAVAILABLE").await;
    assert!(
        !body["detail"].as_str().unwrap().contains("nonexistent"),
        "{body}"
    );
    let res = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": "a", "password": "bbbbbbbb"}))
        .send()
        .await
        .unwrap();
    assert_error(res, 503, "SERVICE_UNAVAILABLE").await;
    // Liveness does not need the database.
    assert_eq!(
        client
            .get(format!("{base}/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn an_exhausted_pool_answers_503_after_its_wait_timeout_and_recovers() {
    let app = TestApp::spawn_with(&[
        ("DATABASE_POOL_SIZE", "1"),
        ("DATABASE_POOL_TIMEOUT_SECONDS", "1"),
    ])
    .await;
    let held = app.state.store.pool().get().await.unwrap();
    assert_error(app.get("/health/ready").await, 503, "SERVICE_UNAVAILABLE").await;
    drop(held);
    assert_eq!(app.get("/health/ready").await.status(), 200);
}

#[actix_web::test]
async fn a_panicking_handler_answers_500_without_internals_and_the_server_keeps_serving() {
    use actix_web::{App, test, web};
    let app = test::init_service(
        App::new()
            .route(
                "/boom",
                web::get().to(|| async {
                    if std::hint::black_box(true) {
                        panic!("secret internal detail /etc/passwd");
                    }
                    "unreachable"
                }),
            )
            .route("/ok", web::get().to(|| async { "fine" }))
            // The production order (startup.rs), innermost first.
            .wrap(actix_web::middleware::from_fn(
                lifeos::http::middleware::catch_panics,
            ))
            .wrap(actix_web::middleware::from_fn(
                lifeos::http::middleware::contract_errors,
            ))
            .wrap(actix_web::middleware::from_fn(
                lifeos::http::middleware::trace_requests,
            )),
    )
    .await;
    // The middleware answers with an error that the server renders as the
    // response (this is what actix's dispatcher does with it).
    let res = match test::try_call_service(&app, test::TestRequest::get().uri("/boom").to_request())
        .await
    {
        Ok(res) => res.into_parts().1,
        Err(e) => e.error_response(),
    };
    assert_eq!(res.status(), 500);
    assert_eq!(res.headers().get("x-request-id").unwrap().len(), 36);
    assert_eq!(
        res.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    let bytes = actix_web::body::to_bytes(res.into_body()).await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["code"], "INTERNAL_ERROR");
    assert!(!body.to_string().contains("passwd"), "{body}");
    let res = test::call_service(&app, test::TestRequest::get().uri("/ok").to_request()).await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_server_recovers_by_itself_when_the_database_comes_back() {
    let (_tmp, cluster) = crate::helpers::own_cluster("lifeos-down-");
    let url = cluster.url("postgres");
    let cfg = config(&[("DATABASE_POOL_TIMEOUT_SECONDS", "1")]);
    let state = build_state(&cfg, &url, b"0123456789abcdef0123456789abcdef").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let app = Application::with_listener(state, listener, Some(1)).unwrap();
    let ready = format!("http://127.0.0.1:{}/health/ready", app.port());
    tokio::spawn(app.run());
    let client = crate::helpers::client();
    assert_eq!(client.get(&ready).send().await.unwrap().status(), 200);
    cluster.stop().unwrap();
    assert_error(
        client.get(&ready).send().await.unwrap(),
        503,
        "SERVICE_UNAVAILABLE",
    )
    .await;
    cluster.start().unwrap();
    // The pool notices the broken connections and opens new ones: no restart.
    let mut status = 0;
    for _ in 0..3 {
        status = client.get(&ready).send().await.unwrap().status().as_u16();
        if status == 200 {
            break;
        }
    }
    assert_eq!(status, 200);
    cluster.stop_immediate().unwrap();
}
