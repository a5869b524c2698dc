//! API.md section 2 over HTTP: login, cookies, refresh rotation, logout,
//! password change, throttling, CSRF and CORS, and every 401 code.

use crate::helpers::{
    PASSWORD, SECRET, TestApp, assert_error, client, cookie_value, second_instance, set_cookies,
    sql,
};
use base64::Engine;
use serde_json::{Value, json};

fn b64(s: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

/// A second session of `username` (logged in from another client).
async fn second_session(app: &TestApp, username: &str) -> reqwest::Client {
    let other = client();
    let res = other
        .post(app.url("/api/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    other
}

async fn me_with_token(app: &TestApp, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(app.url("/api/auth/me"))
        .header("cookie", format!("access_token={token}"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_sets_both_cookies_with_the_contract_attributes() {
    let app =
        TestApp::spawn_with(&[("COOKIE_SECURE", "true"), ("COOKIE_DOMAIN", "example.test")]).await;
    let user = app.create_user("ada").await;
    let res = app.login_as("ada", PASSWORD).await;
    assert_eq!(res.status(), 200);
    let cookies = set_cookies(&res);
    let access = &cookies["access_token"];
    let refresh = &cookies["refresh_token"];
    for c in [access, refresh] {
        assert!(c.contains("HttpOnly"), "{c}");
        assert!(c.contains("SameSite=Lax"), "{c}");
        assert!(c.contains("Secure"), "{c}");
        assert!(c.contains("Domain=example.test"), "{c}");
    }
    assert!(
        access.contains("Path=/;") || access.ends_with("Path=/"),
        "{access}"
    );
    assert!(access.contains("Max-Age=900"), "{access}");
    assert!(refresh.contains("Path=/api/auth"), "{refresh}");
    assert!(
        refresh.contains(&format!("Max-Age={}", 7 * 24 * 3600)),
        "{refresh}"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["id"], user["id"]);
    assert_eq!(body["user"]["username"], "ada");
    assert!(body["user"]["created_at"].as_str().unwrap().ends_with('Z'));
    // The access token is an HS256 JWT with sub, iat, exp.
    let jwt = cookie_value(access);
    let parts: Vec<&str> = jwt.split('.').collect();
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[0])
            .unwrap(),
    )
    .unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "HS256");
    assert_eq!(claims["sub"], user["id"]);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
    // Only the SHA-256 of the refresh token is stored.
    let token = cookie_value(refresh);
    assert!(token.len() >= 43, "refresh token carries 256 bits");
    let n = count(
        &app,
        &format!("SELECT count(*) FROM refresh_tokens WHERE token_hash = sha256('{token}'::bytea)"),
    )
    .await;
    assert_eq!(n, 1);
    let n = count(&app, &format!(
        "SELECT count(*) FROM refresh_tokens WHERE encode(token_hash, 'escape') LIKE '%{token}%'"
    )).await;
    assert_eq!(n, 0);
}

async fn count(app: &TestApp, query: &str) -> i64 {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let mut c = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    diesel::dsl::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
        "({query})"
    )))
    .get_result(&mut c)
    .await
    .unwrap()
}

#[tokio::test]
async fn me_returns_the_user_and_usernames_are_case_insensitive() {
    let app = TestApp::spawn().await;
    app.create_user("Ada").await;
    assert_eq!(app.login_as("aDA", PASSWORD).await.status(), 200);
    let me: Value = app.get("/api/auth/me").await.json().await.unwrap();
    assert_eq!(me["username"], "Ada");
    assert!(me["id"].is_string() && me["created_at"].is_string());
}

#[tokio::test]
async fn unknown_user_and_wrong_password_answer_identically() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    let a = assert_error(
        app.login_as("ada", "wrong password").await,
        401,
        "INVALID_CREDENTIALS",
    )
    .await;
    let b = assert_error(
        app.login_as("nobody", "wrong password").await,
        401,
        "INVALID_CREDENTIALS",
    )
    .await;
    assert_eq!(a, b);
}

#[tokio::test]
async fn every_401_code_for_cookie_routes() {
    let app = TestApp::spawn().await;
    let user = app.logged_in("ada").await;
    // No cookie at all.
    assert_error(
        client().get(app.url("/api/auth/me")).send().await.unwrap(),
        401,
        "NOT_AUTHENTICATED",
    )
    .await;
    // A good token, then tampered variants.
    let now = chrono::Utc::now();
    let tokens = lifeos_auth::AccessTokens::new(SECRET.as_bytes(), chrono::Duration::minutes(15));
    let uid = lifeos_kernel::UserId(user["id"].as_str().unwrap().parse().unwrap());
    let good = tokens.issue(uid, now).unwrap();
    assert_eq!(me_with_token(&app, &good).await.status(), 200);
    let mut tampered = good.clone();
    tampered.pop();
    tampered.push(if good.ends_with('A') { 'B' } else { 'A' });
    let expired = tokens
        .issue(uid, now - chrono::Duration::minutes(16))
        .unwrap();
    let other_key = lifeos_auth::AccessTokens::new(&[9u8; 32], chrono::Duration::minutes(15))
        .issue(uid, now)
        .unwrap();
    let exp = now.timestamp() + 600;
    let claims = b64(&format!(
        r#"{{"sub":"{}","iat":{},"exp":{exp}}}"#,
        uid,
        now.timestamp()
    ));
    let alg_none = format!("{}.{claims}.", b64(r#"{"alg":"none","typ":"JWT"}"#));
    let sig = good.rsplit('.').next().unwrap();
    let rs256 = format!("{}.{claims}.{sig}", b64(r#"{"alg":"RS256","typ":"JWT"}"#));
    let future = tokens
        .issue(uid, now + chrono::Duration::minutes(5))
        .unwrap();
    for bad in [
        tampered,
        expired,
        future,
        other_key,
        alg_none,
        rs256,
        "garbage".to_string(),
    ] {
        assert_error(me_with_token(&app, &bad).await, 401, "INVALID_TOKEN").await;
    }
    // A token of a deleted user.
    sql(app.db.url(), "DELETE FROM users").await;
    assert_error(me_with_token(&app, &good).await, 401, "INVALID_TOKEN").await;
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_revokes_the_family() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    let res = app.login_as("ada", PASSWORD).await;
    let first = cookie_value(&set_cookies(&res)["refresh_token"]);
    let res = app.post("/api/auth/refresh", &json!({})).await;
    assert_eq!(res.status(), 200);
    let cookies = set_cookies(&res);
    assert!(cookies.contains_key("access_token"));
    let second = cookie_value(&cookies["refresh_token"]);
    assert_ne!(first, second);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["username"], "ada");
    // Present the retired first token again: 401 and the family is revoked.
    let replay = |token: String| {
        let url = app.url("/api/auth/refresh");
        async move {
            reqwest::Client::new()
                .post(url)
                .header("cookie", format!("refresh_token={token}"))
                .send()
                .await
                .unwrap()
        }
    };
    assert_error(replay(first).await, 401, "INVALID_TOKEN").await;
    assert_error(replay(second).await, 401, "INVALID_TOKEN").await;
    // Without the cookie.
    assert_error(
        client()
            .post(app.url("/api/auth/refresh"))
            .send()
            .await
            .unwrap(),
        401,
        "NOT_AUTHENTICATED",
    )
    .await;
}

#[tokio::test]
async fn two_concurrent_refreshes_with_one_token_succeed_at_most_once() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    let res = app.login_as("ada", PASSWORD).await;
    let token = cookie_value(&set_cookies(&res)["refresh_token"]);
    let send = || {
        reqwest::Client::new()
            .post(app.url("/api/auth/refresh"))
            .header("cookie", format!("refresh_token={token}"))
            .send()
    };
    let (a, b) = tokio::join!(send(), send());
    let ok = [a.unwrap().status(), b.unwrap().status()]
        .iter()
        .filter(|s| s.as_u16() == 200)
        .count();
    assert!(ok <= 1, "{ok} refreshes succeeded");
}

#[tokio::test]
async fn logout_revokes_clears_cookies_and_is_idempotent() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    let res = app.login_as("ada", PASSWORD).await;
    let token = cookie_value(&set_cookies(&res)["refresh_token"]);
    let res = app.post("/api/auth/logout", &json!({})).await;
    assert_eq!(res.status(), 204);
    let cookies = set_cookies(&res);
    for name in ["access_token", "refresh_token"] {
        assert!(cookies[name].contains("Max-Age=0"), "{}", cookies[name]);
    }
    assert_eq!(app.post("/api/auth/logout", &json!({})).await.status(), 204);
    let res = reqwest::Client::new()
        .post(app.url("/api/auth/refresh"))
        .header("cookie", format!("refresh_token={token}"))
        .send()
        .await
        .unwrap();
    assert_error(res, 401, "INVALID_TOKEN").await;
}

#[tokio::test]
async fn password_change_checks_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    let other = TestApp::spawn_on_same(&app);
    assert_eq!(other.login_as("ada", PASSWORD).await.status(), 200);
    assert_eq!(app.login_as("ada", PASSWORD).await.status(), 200);
    let wrong = app
        .patch(
            "/api/auth/password",
            &json!({"current_password": "nope nope", "new_password": "new password 1"}),
        )
        .await;
    assert_error(wrong, 401, "INVALID_CREDENTIALS").await;
    let short = app
        .patch(
            "/api/auth/password",
            &json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    assert_eq!(
        assert_error(short, 422, "VALIDATION_ERROR").await["field"],
        "new_password"
    );
    let long = "p".repeat(100);
    let res = app
        .patch(
            "/api/auth/password",
            &json!({"current_password": PASSWORD, "new_password": long}),
        )
        .await;
    assert_eq!(res.status(), 204);
    let cookies = set_cookies(&res);
    assert!(cookies.contains_key("access_token") && cookies.contains_key("refresh_token"));
    // The caller's fresh session works; the other session's refresh is revoked.
    assert_eq!(
        app.post("/api/auth/refresh", &json!({})).await.status(),
        200
    );
    assert_error(
        other.post("/api/auth/refresh", &json!({})).await,
        401,
        "INVALID_TOKEN",
    )
    .await;
    // No truncation: the 72-byte prefix is not the password.
    assert_error(
        app.login_as("ada", &long[..72]).await,
        401,
        "INVALID_CREDENTIALS",
    )
    .await;
    assert_eq!(app.login_as("ada", &long).await.status(), 200);
    let too_long = app
        .patch(
            "/api/auth/password",
            &json!({"current_password": long, "new_password": "x".repeat(129)}),
        )
        .await;
    assert_error(too_long, 422, "VALIDATION_ERROR").await;
}

impl TestApp {
    /// Another client of the same server (a second browser).
    fn spawn_on_same(app: &TestApp) -> OtherClient {
        OtherClient {
            base: app.address.clone(),
            client: client(),
        }
    }
}

struct OtherClient {
    base: String,
    client: reqwest::Client,
}

impl OtherClient {
    async fn login_as(&self, u: &str, p: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/auth/login", self.base))
            .json(&json!({"username": u, "password": p}))
            .send()
            .await
            .unwrap()
    }

    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

async fn login_from(base: &str, addr: &str, password: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/api/auth/login"))
        .header("x-forwarded-for", addr)
        .json(&json!({"username": "ada", "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn failed_logins_are_throttled_per_address_across_two_servers() {
    let proxies = [
        ("TRUSTED_PROXIES", "127.0.0.1"),
        ("LOGIN_MAX_FAILURES", "3"),
    ];
    let app = TestApp::spawn_with(&proxies).await;
    app.create_user("ada").await;
    let other = second_instance(app.db.url(), &proxies).await;
    // Three failures, spread over the two servers.
    assert_eq!(
        login_from(&app.address, "10.0.0.1", "bad password")
            .await
            .status(),
        401
    );
    assert_eq!(
        login_from(&other, "10.0.0.1", "bad password")
            .await
            .status(),
        401
    );
    assert_eq!(
        login_from(&app.address, "10.0.0.1", "bad password")
            .await
            .status(),
        401
    );
    // The fourth attempt is refused on both, even with the right password.
    for base in [&app.address, &other] {
        let res = login_from(base, "10.0.0.1", PASSWORD).await;
        let retry: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry > 0 && retry <= 900, "{retry}");
        assert_error(res, 429, "RATE_LIMITED").await;
    }
    // Another address is not affected, and its success does not reset the first.
    assert_eq!(
        login_from(&app.address, "10.0.0.2", PASSWORD)
            .await
            .status(),
        200
    );
    assert_error(
        login_from(&app.address, "10.0.0.1", PASSWORD).await,
        429,
        "RATE_LIMITED",
    )
    .await;
    // Without a trusted proxy, X-Forwarded-For is ignored: all share 127.0.0.1.
    let plain = TestApp::spawn_with(&[("LOGIN_MAX_FAILURES", "1")]).await;
    plain.create_user("ada").await;
    assert_eq!(
        login_from(&plain.address, "10.0.0.3", "bad password")
            .await
            .status(),
        401
    );
    assert_error(
        login_from(&plain.address, "10.0.0.4", PASSWORD).await,
        429,
        "RATE_LIMITED",
    )
    .await;
}

#[tokio::test]
async fn cookie_writes_from_a_foreign_origin_are_rejected() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let patch = |origin: Option<String>| {
        let mut req = app
            .client
            .patch(app.url("/api/v1/settings"))
            .json(&json!({"weight_unit": "lb"}));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send()
    };
    assert_error(
        patch(Some("https://evil.example".into())).await.unwrap(),
        403,
        "CSRF_REJECTED",
    )
    .await;
    assert_error(
        patch(Some("null".into())).await.unwrap(),
        403,
        "CSRF_REJECTED",
    )
    .await;
    assert_eq!(
        patch(Some("http://app.example.test".into()))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        patch(Some(app.address.clone())).await.unwrap().status(),
        200
    );
    assert_eq!(patch(None).await.unwrap().status(), 200);
    // Reads are not subject to it.
    let res = app
        .client
        .get(app.url("/api/v1/settings"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Refresh and logout are cookie-authenticated writes too.
    let res = app
        .client
        .post(app.url("/api/auth/refresh"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_error(res, 403, "CSRF_REJECTED").await;
}

#[tokio::test]
async fn cors_allows_only_the_frontend_with_credentials() {
    let app = TestApp::spawn().await;
    let preflight = |origin: &str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/settings"))
            .header("origin", origin)
            .header("access-control-request-method", "PATCH")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let ok = preflight("http://app.example.test").await.unwrap();
    assert!(ok.status().is_success(), "{}", ok.status());
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "http://app.example.test"
    );
    assert_eq!(ok.headers()["access-control-allow-credentials"], "true");
    let bad = preflight("https://evil.example").await.unwrap();
    assert!(bad.headers().get("access-control-allow-origin").is_none());
    // A simple request from elsewhere gets no CORS grant.
    let res = app
        .client
        .get(app.url("/health"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn password_checks_run_off_the_async_workers() {
    // Real bcrypt cost: 20 logins take seconds of CPU, yet /health answers
    // while they are in flight (one async worker serves both).
    let app = TestApp::spawn_with(&[("BCRYPT_COST", "11"), ("LOGIN_MAX_FAILURES", "1000")]).await;
    app.create_user("ada").await;
    let logins: Vec<_> = (0..20)
        .map(|_| {
            let c = reqwest::Client::new();
            let url = app.url("/api/auth/login");
            tokio::spawn(async move {
                c.post(url)
                    .json(&json!({"username": "ada", "password": "wrong password"}))
                    .send()
                    .await
                    .unwrap();
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let res = app.get("/health").await;
    assert_eq!(res.status(), 200);
    let pending = logins.iter().filter(|h| !h.is_finished()).count();
    assert!(
        pending > 0,
        "all 20 logins finished before /health answered"
    );
    for h in logins {
        h.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_logins_checks_at_most_the_limit_of_passwords() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    let burst = (0..50).map(|_| {
        let url = app.url("/api/auth/login");
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&json!({"username": "ada", "password": "wrong guess"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(burst).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 50, "{statuses:?}");
    // LOGIN_MAX_FAILURES is 5: the attempt is counted before bcrypt runs.
    assert_eq!(checked, 5, "{statuses:?}");
}

#[tokio::test]
async fn password_change_guesses_are_throttled() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    for _ in 0..5 {
        let res = app
            .patch(
                "/api/auth/password",
                &json!({"current_password": "guess guess", "new_password": "new password"}),
            )
            .await;
        assert_error(res, 401, "INVALID_CREDENTIALS").await;
    }
    let res = app
        .patch(
            "/api/auth/password",
            &json!({"current_password": PASSWORD, "new_password": "new password"}),
        )
        .await;
    assert!(res.headers().contains_key("retry-after"));
    assert_error(res, 429, "RATE_LIMITED").await;
}

#[tokio::test]
async fn a_username_of_kilobytes_is_422() {
    let app = TestApp::spawn().await;
    let res = app.login_as(&"a".repeat(10_000), PASSWORD).await;
    let body = assert_error(res, 422, "VALIDATION_ERROR").await;
    assert_eq!(body["field"], "username");
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_access_tokens_at_once() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let other = second_session(&app, "ada").await;
    let me = || other.get(app.url("/api/auth/me")).send();
    assert_eq!(me().await.unwrap().status(), 200);
    // Tokens carry whole seconds: the change happens in a later one.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = app
        .patch(
            "/api/auth/password",
            &json!({"current_password": PASSWORD, "new_password": "new password"}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_error(me().await.unwrap(), 401, "INVALID_TOKEN").await;
    // The session that changed it goes on.
    assert_eq!(app.get("/api/auth/me").await.status(), 200);
    assert_eq!(app.get("/api/v1/journal/entries").await.status(), 200);
}

/// The lists that check the session in their own statement answer 401 for
/// a token that no longer speaks for its user, whether their page would
/// have rows or none, and a page (empty or not) for a session that stands.
#[tokio::test]
async fn lists_end_with_the_session_whether_or_not_they_have_rows() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let entry = json!({"entry_type": "morning_pages", "content": {"body": "landlord words"}});
    assert_eq!(
        app.post("/api/v1/journal/entries", &entry).await.status(),
        201
    );
    let capture = json!({"content": "call the landlord"});
    assert_eq!(app.post("/api/v1/captures", &capture).await.status(), 201);
    let project: Value = app
        .post("/api/v1/projects", &json!({"name": "flat"}))
        .await
        .json()
        .await
        .unwrap();
    let tasks = format!("/api/v1/projects/{}/tasks", project["id"].as_str().unwrap());
    assert_eq!(
        app.post(&tasks, &json!({"title": "rent"})).await.status(),
        201
    );
    let with_rows = [
        "/api/v1/journal/entries",
        "/api/v1/journal/entries?q=landlord",
        "/api/v1/captures",
        "/api/v1/projects",
        "/api/v1/tasks",
    ];
    let without_rows = [
        "/api/v1/journal/entries?entry_type=weekly_review",
        "/api/v1/journal/entries?q=absent",
        "/api/v1/journal/entries?page=3",
        "/api/v1/captures?status=archived",
        "/api/v1/captures?page=3",
        "/api/v1/projects?status=archived",
        "/api/v1/projects?page=3",
        "/api/v1/tasks?status=done",
        "/api/v1/tasks?page=3",
    ];
    let other = second_session(&app, "ada").await;
    let list = async |c: &reqwest::Client, path: &str| c.get(app.url(path)).send().await.unwrap();
    for path in with_rows {
        let res = list(&other, path).await;
        assert_eq!(res.status(), 200, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["total"], 1, "{path}");
    }
    for path in without_rows {
        assert_eq!(list(&other, path).await.status(), 200, "{path}");
    }
    // Tokens carry whole seconds: the change happens in a later one.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let change = json!({"current_password": PASSWORD, "new_password": "new password"});
    assert_eq!(app.patch("/api/auth/password", &change).await.status(), 204);
    for path in with_rows.iter().chain(&without_rows) {
        assert_error(list(&other, path).await, 401, "INVALID_TOKEN").await;
        // The session that changed it goes on.
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    // A user who is gone owns no list.
    sql(app.db.url(), "DELETE FROM users").await;
    for path in with_rows.iter().chain(&without_rows) {
        assert_error(app.get(path).await, 401, "INVALID_TOKEN").await;
    }
}
