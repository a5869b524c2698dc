//! API.md section 4 (the exercise library) over HTTP.

use crate::helpers::{TestApp, assert_error, client};
use serde_json::{Value, json};

#[tokio::test]
async fn exercises_have_crud_filters_and_case_insensitive_unique_names() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let res = app
        .post(
            "/api/v1/exercises",
            &json!({"name": " Back Squat ", "category": "strength",
            "muscle_groups": ["Quads", "Glutes"], "equipment": "Barbell"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let squat: Value = res.json().await.unwrap();
    assert_eq!(squat["name"], "Back Squat");
    assert_eq!(squat["muscle_groups"], json!(["Quads", "Glutes"]));
    assert_eq!(squat["archived"], false);
    assert!(squat["notes"].is_null());
    assert_eq!(squat.as_object().unwrap().len(), 9, "{squat}");
    assert_error(
        app.post("/api/v1/exercises", &json!({"name": "back squat"}))
            .await,
        409,
        "DUPLICATE_ENTRY",
    )
    .await;
    let row: Value = app
        .post(
            "/api/v1/exercises",
            &json!({"name": "Rowing", "category": "cardio"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let rid = row["id"].as_str().unwrap();
    assert_error(
        app.patch(
            &format!("/api/v1/exercises/{rid}"),
            &json!({"name": "BACK SQUAT"}),
        )
        .await,
        409,
        "DUPLICATE_ENTRY",
    )
    .await;
    let archived: Value = app
        .patch(
            &format!("/api/v1/exercises/{rid}"),
            &json!({"archived": true, "notes": "erg"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (archived["archived"].as_bool(), archived["notes"].as_str()),
        (Some(true), Some("erg"))
    );
    let list: Value = app.get("/api/v1/exercises").await.json().await.unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["name"], "Back Squat", "by name");
    let active: Value = app
        .get("/api/v1/exercises?archived=false")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(active["total"], 1);
    let cardio: Value = app
        .get("/api/v1/exercises?category=cardio")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cardio["items"][0]["id"], rid);
    let q: Value = app
        .get("/api/v1/exercises?q=SQU")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(q["total"], 1);
    let wild: Value = app
        .get("/api/v1/exercises?q=%25")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wild["total"], 0, "% is matched literally");
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "x", "category": "yoga"}), "category"),
        (
            json!({"name": "x", "muscle_groups": ["ok", " "]}),
            "muscle_groups[1]",
        ),
    ] {
        let got = assert_error(
            app.post("/api/v1/exercises", &body).await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(got["field"], field, "{body}");
    }
    assert_error(
        app.get("/api/v1/exercises?archived=maybe").await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
    let sid = squat["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("/api/v1/exercises/{sid}"))
            .await
            .status(),
        204
    );
    assert_error(
        app.get(&format!("/api/v1/exercises/{sid}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn another_users_exercises_are_not_found_and_names_are_per_user() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let e: Value = app
        .post("/api/v1/exercises", &json!({"name": "Deadlift"}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/exercises/{}", e["id"].as_str().unwrap());
    let bob = TestApp {
        client: client(),
        ..app
    };
    bob.logged_in("bob").await;
    assert_error(bob.get(&path).await, 404, "NOT_FOUND").await;
    assert_error(
        bob.patch(&path, &json!({"archived": true})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(bob.delete(&path).await, 404, "NOT_FOUND").await;
    assert_eq!(
        bob.post("/api/v1/exercises", &json!({"name": "Deadlift"}))
            .await
            .status(),
        201
    );
}
