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

/// Values at the edges of the types behind them (PostgreSQL's `integer`,
/// `double precision` sums, chrono's and PostgreSQL's date ranges): each
/// request is accepted or refused with a 4xx, never a 5xx, and whatever
/// is accepted reads back as JSON numbers and dates.
#[tokio::test]
async fn values_at_the_edges_of_their_types_are_never_a_500() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let ex = id_of(
        &app,
        "/api/v1/exercises",
        json!({"name": "Squat", "category": "strength"}),
    )
    .await;
    let w = id_of(&app, "/api/v1/workouts", json!({"name": "Legs"})).await;
    let pid = id_of(&app, "/api/v1/projects", json!({"name": "P"})).await;
    let prog = id_of(&app, "/api/v1/programs", json!({"name": "Prog"})).await;
    let logs = format!("/api/v1/workouts/{w}/logs");
    let mut answers = Vec::new();
    let edge_dates = [
        "0001-01-01",
        "9999-12-31",
        "+262142-12-31",
        "-0001-01-01",
        "+10000-01-01",
    ];
    let mut posts: Vec<(String, Value)> = vec![
        (
            logs.clone(),
            json!({"exercise_id": ex, "set_number": i32::MAX, "reps": 1, "weight": 1}),
        ),
        (
            logs.clone(),
            json!({"exercise_id": ex, "reps": 1, "weight": 1}),
        ),
        (
            logs.clone(),
            json!({"exercise_id": ex, "reps": i32::MAX, "weight": 1.0e308}),
        ),
        (
            logs.clone(),
            json!({"exercise_id": ex, "reps": i32::MAX, "weight": 1.0e308}),
        ),
        (
            logs.clone(),
            json!({"exercise_id": ex, "reps": 3, "weight": 5e-324}),
        ),
    ];
    for d in edge_dates {
        posts.push((
            "/api/v1/journal/entries".into(),
            json!({"entry_type": "morning_pages", "entry_date": d, "content": {"body": "x"}}),
        ));
        posts.push((
            format!("/api/v1/projects/{pid}/tasks"),
            json!({"title": "t", "due_date": d}),
        ));
        posts.push((
            "/api/v1/projects".into(),
            json!({"name": format!("p {d}"), "due_date": d}),
        ));
        posts.push((
            "/api/v1/calendar/events".into(),
            json!({"title": "e", "start": d, "all_day": true, "rrule": "FREQ=DAILY"}),
        ));
        posts.push((
            "/api/v1/calendar/events".into(),
            json!({"title": "e", "start": format!("{d}T23:30:00Z"), "rrule": "FREQ=YEARLY"}),
        ));
        posts.push((
            "/api/v1/workouts".into(),
            json!({"name": "w", "started_at": format!("{d}T23:30:00Z")}),
        ));
    }
    for (path, body) in &posts {
        let res = app.post(path, body).await;
        answers.push((format!("POST {path} {body}"), res.status().as_u16()));
    }
    let put = app
        .client
        .put(app.url(&format!("/api/v1/programs/{prog}/exercises")))
        .json(
            &json!([{"exercise_id": ex, "target_sets": i32::MAX, "target_reps": i32::MAX,
                        "target_weight": 1.0e308, "rest_seconds": i32::MAX}]),
        )
        .send()
        .await
        .unwrap();
    answers.push(("PUT program exercises".into(), put.status().as_u16()));
    let mut gets = vec![
        format!("/api/v1/exercises/{ex}/history"),
        format!("/api/v1/workouts/{w}"),
        "/api/v1/workouts".into(),
        "/api/v1/journal/entries".into(),
        "/api/v1/journal/status".into(),
        "/api/v1/tasks".into(),
        "/api/v1/projects".into(),
        "/api/v1/calendar/events".into(),
        "/api/v1/dashboard/weekly".into(),
        "/api/v1/settings/export".into(),
    ];
    for d in edge_dates {
        gets.push(format!("/api/v1/calendar/occurrences?from={d}&to={d}"));
        gets.push(format!("/api/v1/workouts?date_from={d}&date_to={d}"));
        gets.push(format!("/api/v1/tasks?due_before={d}"));
        gets.push(format!("/api/v1/journal/entries?date_from={d}&date_to={d}"));
        gets.push(format!("/api/v1/dashboard/weekly?week_start={d}"));
    }
    for path in &gets {
        let res = app.get(path).await;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        if status == 200 {
            assert!(
                serde_json::from_str::<Value>(&text).is_ok() && !text.contains(":null,\"volume"),
                "GET {path}: {text}"
            );
        }
        answers.push((format!("GET {path}"), status));
    }
    let bad: Vec<_> = answers.iter().filter(|(_, s)| *s >= 500).collect();
    assert!(bad.is_empty(), "{bad:#?}");
}
