//! No secret in a log line or an error body: the real binary logs
//! everything (`RUST_LOG=trace`, JSON and pretty) while a session goes
//! through every credential the server handles; then the output and the
//! bodies are searched for each secret.

use crate::helpers::{PASSWORD, SECRET, TestApp, spawn_binary_logging};
use serde_json::{Value, json};

/// Logs in (wrongly, then rightly), makes and uses an API key, presents a
/// wrong key and a forged token, refreshes, changes the password (wrongly,
/// then rightly), sends a broken body with a password in it and logs out.
/// Adds every secret it handled to `secrets`; answers the error bodies.
async fn exercise_every_credential(base: &str, secrets: &mut Vec<String>) -> Vec<String> {
    let web = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let mut bodies = Vec::new();
    let mut send = async |req: reqwest::RequestBuilder| {
        let res = req.send().await.unwrap();
        let cookies: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let failed = res.status().as_u16() >= 400;
        let body = res.text().await.unwrap();
        if failed {
            bodies.push(body.clone());
        }
        (cookies, body)
    };
    let url = |p: &str| format!("{base}{p}");
    // A wrong password, then the right one.
    send(
        web.post(url("/api/auth/login"))
            .json(&json!({"username": "ada", "password": "Wr0ng-Guess-Pw"})),
    )
    .await;
    secrets.push("Wr0ng-Guess-Pw".into());
    let (cookies, _) = send(
        web.post(url("/api/auth/login"))
            .json(&json!({"username": "ada", "password": PASSWORD})),
    )
    .await;
    for c in cookies {
        let value = c.split(';').next().unwrap().split_once('=').unwrap().1;
        secrets.push(value.to_string());
    }
    let (_, body) = send(
        web.post(url("/api/v1/settings/api-keys"))
            .json(&json!({"name": "siri"})),
    )
    .await;
    let key = serde_json::from_str::<Value>(&body).unwrap()["key"]
        .as_str()
        .unwrap()
        .to_string();
    secrets.push(key.clone());
    // The key used, and a wrong key and a forged token refused.
    send(
        reqwest::Client::new()
            .post(url("/api/v1/captures/external"))
            .bearer_auth(&key)
            .json(&json!({"content": "buy milk"})),
    )
    .await;
    let fake_key = format!("sk_live_{}", "Q".repeat(43));
    send(
        reqwest::Client::new()
            .post(url("/api/v1/captures/external"))
            .bearer_auth(&fake_key)
            .json(&json!({"content": "x"})),
    )
    .await;
    secrets.push(fake_key);
    send(
        reqwest::Client::new()
            .get(url("/api/auth/me"))
            .header("cookie", "access_token=Forged.Token-Value.Xyz"),
    )
    .await;
    secrets.push("Forged.Token-Value.Xyz".into());
    send(web.post(url("/api/auth/refresh"))).await;
    // A wrong current password, then a change.
    send(web.patch(url("/api/auth/password")).json(
        &json!({"current_password": "Not-The-Current-1", "new_password": "Brand-New-Pass-2"}),
    ))
    .await;
    send(
        web.patch(url("/api/auth/password"))
            .json(&json!({"current_password": PASSWORD, "new_password": "Brand-New-Pass-2"})),
    )
    .await;
    secrets.extend(["Not-The-Current-1".into(), "Brand-New-Pass-2".into()]);
    // A body that fails to parse around a password.
    send(
        web.post(url("/api/auth/login"))
            .header("content-type", "application/json")
            .body(r#"{"username": "ada", "password": "Half-Sent-Pw-3"#),
    )
    .await;
    secrets.push("Half-Sent-Pw-3".into());
    send(web.post(url("/api/auth/logout"))).await;
    assert_eq!(bodies.len(), 5, "the error answers: {bodies:?}");
    bodies
}

#[tokio::test]
async fn no_secret_reaches_a_log_line_or_an_error_body() {
    let app = TestApp::spawn().await;
    app.create_user("ada").await;
    // PostgreSQL trusts the socket, so a password in the URL is ignored by
    // the server but handled (and must not be shown) by lifeos.
    let db_password = "Db-Pass-In-Url-4";
    let url = app
        .db
        .url()
        .replacen("postgres@", &format!("postgres:{db_password}@"), 1);
    assert!(url.contains(db_password), "{url}");
    for format in ["json", "pretty"] {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("server.log");
        let (server, base) = spawn_binary_logging(
            &url,
            &[("RUST_LOG", "trace"), ("LOG_FORMAT", format)],
            Some(&log),
        )
        .await;
        let mut secrets = vec![
            PASSWORD.to_string(),
            SECRET.to_string(),
            db_password.to_string(),
        ];
        let bodies = exercise_every_credential(&base, &mut secrets).await;
        drop(server);
        let output = std::fs::read_to_string(&log).unwrap();
        assert!(output.lines().count() > 20, "the server logged: {output}");
        for secret in &secrets {
            assert!(
                !output.contains(secret.as_str()),
                "{format} log shows {secret}"
            );
            for body in &bodies {
                assert!(
                    !body.contains(secret.as_str()),
                    "a body shows {secret}: {body}"
                );
            }
        }
        // Reset the password for the next round.
        app.create_user("ada").await;
    }
}
