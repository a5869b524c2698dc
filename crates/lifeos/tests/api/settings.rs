//! API.md section 9 (settings and API keys) over HTTP.

use crate::helpers::{TestApp, assert_error, client};
use serde_json::{Value, json};

#[tokio::test]
async fn settings_start_with_defaults_and_patch_changes_only_what_is_sent() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let s: Value = app.get("/api/v1/settings").await.json().await.unwrap();
    assert_eq!(
        s,
        json!({"timezone": "UTC", "week_start": "monday", "weight_unit": "kg"})
    );
    let res = app
        .patch("/api/v1/settings", &json!({"timezone": "Europe/Berlin"}))
        .await;
    assert_eq!(res.status(), 200);
    let s: Value = res.json().await.unwrap();
    assert_eq!(
        s,
        json!({"timezone": "Europe/Berlin", "week_start": "monday", "weight_unit": "kg"})
    );
    let s: Value = app
        .patch(
            "/api/v1/settings",
            &json!({"week_start": "sunday", "weight_unit": "lb"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        s,
        json!({"timezone": "Europe/Berlin", "week_start": "sunday", "weight_unit": "lb"})
    );
    let s: Value = app.get("/api/v1/settings").await.json().await.unwrap();
    assert_eq!(s["week_start"], "sunday");
}

#[tokio::test]
async fn bad_settings_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let cases = [
        (json!({"timezone": "Mars/Olympus"}), "timezone"),
        (json!({"timezone": 5}), "timezone"),
        (json!({"week_start": "friday"}), "week_start"),
        (json!({"weight_unit": "stone"}), "weight_unit"),
        (json!({"timezone": null}), "timezone"),
        (json!({"week_start": null}), "week_start"),
    ];
    for (body, field) in cases {
        let got = assert_error(
            app.patch("/api/v1/settings", &body).await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(got["field"], field, "{body}");
    }
    let s: Value = app.get("/api/v1/settings").await.json().await.unwrap();
    assert_eq!(s["timezone"], "UTC", "nothing changed");
}

#[tokio::test]
async fn api_keys_are_shown_once_listed_newest_first_and_revocable() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let res = app
        .post("/api/v1/settings/api-keys", &json!({"name": "Siri"}))
        .await;
    assert_eq!(res.status(), 201);
    let first: Value = res.json().await.unwrap();
    let key = first["key"].as_str().unwrap();
    assert!(key.starts_with("sk_live_") && key.len() >= 8 + 43, "{key}");
    assert!(key.starts_with(first["prefix"].as_str().unwrap()));
    assert_eq!(first["name"], "Siri");
    assert!(first["last_used_at"].is_null() && first["revoked_at"].is_null());
    let second: Value = app
        .post("/api/v1/settings/api-keys", &json!({"name": "Laptop"}))
        .await
        .json()
        .await
        .unwrap();
    let list: Value = app
        .get("/api/v1/settings/api-keys")
        .await
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], second["id"], "newest first");
    for k in list {
        assert!(k.get("key").is_none() && k.get("key_hash").is_none(), "{k}");
        let keys: Vec<&String> = k.as_object().unwrap().keys().collect();
        // The contract's six fields, and `scopes` (issue 13).
        assert_eq!(keys.len(), 7, "{k}");
        assert_eq!(k["scopes"], serde_json::json!(["capture"]), "{k}");
    }
    let id = first["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("/api/v1/settings/api-keys/{id}"))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.delete(&format!("/api/v1/settings/api-keys/{id}"))
            .await
            .status(),
        204
    );
    let list: Value = app
        .get("/api/v1/settings/api-keys")
        .await
        .json()
        .await
        .unwrap();
    let revoked = list
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap();
    assert!(revoked["revoked_at"].is_string());
    let bad = app
        .post("/api/v1/settings/api-keys", &json!({"name": "   "}))
        .await;
    assert_eq!(
        assert_error(bad, 422, "VALIDATION_ERROR").await["field"],
        "name"
    );
}

#[tokio::test]
async fn another_users_api_key_is_not_found() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let key: Value = app
        .post("/api/v1/settings/api-keys", &json!({"name": "Siri"}))
        .await
        .json()
        .await
        .unwrap();
    let id = key["id"].as_str().unwrap().to_string();
    let bob = TestApp {
        client: client(),
        ..app
    };
    bob.logged_in("bob").await;
    assert_error(
        bob.delete(&format!("/api/v1/settings/api-keys/{id}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let list: Value = bob
        .get("/api/v1/settings/api-keys")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]));
    assert_error(
        bob.delete("/api/v1/settings/api-keys/00000000-0000-0000-0000-000000000000")
            .await,
        404,
        "NOT_FOUND",
    )
    .await;
}
