//! Client input that PostgreSQL cannot store, or that is not one JSON value,
//! is refused with the contract's 422 naming the field, never a 500; and no
//! error body names a constraint or a table.

use crate::helpers::{TestApp, assert_error};
use serde_json::{Value, json};

async fn id_of(app: &TestApp, path: &str, body: Value) -> String {
    let res = app.post(path, &body).await;
    assert_eq!(res.status(), 201, "{path}");
    let v: Value = res.json().await.unwrap();
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_nul_character_in_any_text_input_is_422_naming_the_field() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let project = id_of(&app, "/api/v1/projects", json!({"name": "P"})).await;
    let exercise = id_of(&app, "/api/v1/exercises", json!({"name": "Squat"})).await;
    let workout = id_of(&app, "/api/v1/workouts", json!({})).await;
    let capture = id_of(&app, "/api/v1/captures", json!({"content": "c"})).await;
    let nul = "a\u{0}b";
    // (method, path, body, field)
    let cases: Vec<(&str, String, Value, &str)> = vec![
        (
            "POST",
            "/api/v1/captures".into(),
            json!({"content": nul}),
            "content",
        ),
        (
            "POST",
            "/api/v1/captures".into(),
            json!({"content": "x", "source": nul}),
            "source",
        ),
        (
            "PATCH",
            format!("/api/v1/captures/{capture}"),
            json!({"content": nul}),
            "content",
        ),
        (
            "POST",
            "/api/v1/journal/entries".into(),
            json!({"entry_type": "morning_pages", "entry_date": "2026-11-24", "content": {"body": nul}}),
            "content.body",
        ),
        (
            "POST",
            "/api/v1/journal/entries".into(),
            json!({"entry_type": "morning_pages", "entry_date": "2026-11-24", "content": {"body": "ok", "extra": {"deep": [nul]}}}),
            "content.extra.deep[0]",
        ),
        (
            "POST",
            "/api/v1/journal/entries".into(),
            json!({"entry_type": "morning_pages", "entry_date": "2026-11-24", "content": {"body": "ok", "k\u{0}": 1}}),
            "content",
        ),
        (
            "POST",
            "/api/v1/projects".into(),
            json!({"name": nul}),
            "name",
        ),
        (
            "POST",
            "/api/v1/projects".into(),
            json!({"name": "x", "description": nul}),
            "description",
        ),
        (
            "PATCH",
            format!("/api/v1/projects/{project}"),
            json!({"description": nul}),
            "description",
        ),
        (
            "POST",
            format!("/api/v1/projects/{project}/tasks"),
            json!({"title": nul}),
            "title",
        ),
        (
            "POST",
            format!("/api/v1/projects/{project}/tasks"),
            json!({"title": "t", "description": nul}),
            "description",
        ),
        (
            "POST",
            format!("/api/v1/projects/{project}/notes"),
            json!({"title": "n", "body": nul}),
            "body",
        ),
        (
            "POST",
            "/api/v1/exercises".into(),
            json!({"name": nul}),
            "name",
        ),
        (
            "POST",
            "/api/v1/exercises".into(),
            json!({"name": "Row", "notes": nul}),
            "notes",
        ),
        (
            "POST",
            "/api/v1/exercises".into(),
            json!({"name": "Row", "equipment": nul}),
            "equipment",
        ),
        (
            "POST",
            "/api/v1/exercises".into(),
            json!({"name": "Row", "muscle_groups": ["back", nul]}),
            "muscle_groups[1]",
        ),
        (
            "PATCH",
            format!("/api/v1/exercises/{exercise}"),
            json!({"notes": nul}),
            "notes",
        ),
        (
            "POST",
            "/api/v1/programs".into(),
            json!({"name": nul}),
            "name",
        ),
        (
            "POST",
            "/api/v1/workouts".into(),
            json!({"name": nul}),
            "name",
        ),
        (
            "PATCH",
            format!("/api/v1/workouts/{workout}"),
            json!({"notes": nul}),
            "notes",
        ),
        (
            "POST",
            format!("/api/v1/workouts/{workout}/logs"),
            json!({"exercise_id": exercise, "reps": 5, "weight": 10, "notes": nul}),
            "notes",
        ),
        (
            "POST",
            "/api/v1/settings/api-keys".into(),
            json!({"name": nul}),
            "name",
        ),
        (
            "POST",
            format!("/api/v1/captures/{capture}/convert"),
            json!({"type": "task", "project_id": project, "title": nul}),
            "title",
        ),
    ];
    for (method, path, body, field) in cases {
        let res = app
            .client
            .request(method.parse().unwrap(), app.url(&path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let err = assert_error(res, 422, "VALIDATION_ERROR").await;
        assert_eq!(err["field"], field, "{method} {path} {body}");
    }
    for path in [
        "/api/v1/journal/entries?q=a%00b",
        "/api/v1/exercises?q=a%00b",
    ] {
        let err = assert_error(app.get(path).await, 422, "VALIDATION_ERROR").await;
        assert_eq!(err["field"], "q", "{path}");
    }
    // The capture is still in the inbox after the refused conversion.
    let c: Value = app
        .get(&format!("/api/v1/captures/{capture}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(c["status"], "inbox");
}

#[tokio::test]
async fn a_nul_character_in_a_plain_text_siri_capture_is_422() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let key: Value = app
        .post("/api/v1/settings/api-keys", &json!({"name": "siri"}))
        .await
        .json()
        .await
        .unwrap();
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/captures/external"))
        .bearer_auth(key["key"].as_str().unwrap())
        .header("content-type", "text/plain")
        .body("milk\u{0}")
        .send()
        .await
        .unwrap();
    let err = assert_error(res, 422, "VALIDATION_ERROR").await;
    assert_eq!(err["field"], "content");
}

#[tokio::test]
async fn a_json_body_followed_by_trailing_garbage_is_422_and_creates_nothing() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    for body in [
        r#"{"content":"x"} trailing"#,
        r#"{"content":"x"}{}"#,
        r#"{"content":"x"}]"#,
    ] {
        let res = app
            .client
            .post(app.url("/api/v1/captures"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_error(res, 422, "VALIDATION_ERROR").await;
    }
    let ok = app
        .client
        .post(app.url("/api/v1/captures"))
        .header("content-type", "application/json")
        .body("{\"content\":\"x\"}\n  ")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 201, "trailing whitespace is fine");
    let page: Value = app.get("/api/v1/captures").await.json().await.unwrap();
    assert_eq!(page["total"], 1);
}

#[tokio::test]
async fn conflict_and_duplicate_bodies_name_no_constraint_or_table() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let squat = id_of(&app, "/api/v1/exercises", json!({"name": "Squat"})).await;
    let bench = id_of(&app, "/api/v1/exercises", json!({"name": "Bench"})).await;
    let program = id_of(&app, "/api/v1/programs", json!({"name": "A"})).await;
    let res = app
        .client
        .put(app.url(&format!("/api/v1/programs/{program}/exercises")))
        .json(&json!([{"exercise_id": squat}]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let workout = id_of(&app, "/api/v1/workouts", json!({})).await;
    let res = app
        .post(
            &format!("/api/v1/workouts/{workout}/logs"),
            &json!({"exercise_id": bench, "reps": 5, "weight": 60}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let entry = json!({"entry_type": "morning_pages", "entry_date": "2026-11-24", "content": {"body": "x"}});
    assert_eq!(
        app.post("/api/v1/journal/entries", &entry).await.status(),
        201
    );

    let mut bodies = vec![
        (
            assert_error(
                app.delete(&format!("/api/v1/exercises/{squat}")).await,
                409,
                "CONFLICT",
            )
            .await,
            "a program",
        ),
        (
            assert_error(
                app.delete(&format!("/api/v1/exercises/{bench}")).await,
                409,
                "CONFLICT",
            )
            .await,
            "a logged workout set",
        ),
    ];
    bodies.push((
        assert_error(
            app.post("/api/v1/exercises", &json!({"name": "squat"}))
                .await,
            409,
            "DUPLICATE_ENTRY",
        )
        .await,
        "name",
    ));
    bodies.push((
        assert_error(
            app.post("/api/v1/journal/entries", &entry).await,
            409,
            "DUPLICATE_ENTRY",
        )
        .await,
        "entry",
    ));
    let forbidden = [
        "uq_",
        "fk_",
        "ck_",
        "pk_",
        "constraint",
        "workout_logs",
        "program_exercises",
        "journal_entries",
        "exercises_",
        "violates",
    ];
    for (body, expected) in bodies {
        let text = body.to_string();
        assert!(text.contains(expected), "{text} should say {expected}");
        for f in forbidden {
            assert!(!text.to_lowercase().contains(f), "{text} names {f}");
        }
    }
}
