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

async fn exercise(app: &TestApp, name: &str) -> String {
    let e: Value = app
        .post(
            "/api/v1/exercises",
            &json!({"name": name, "category": "strength"}),
        )
        .await
        .json()
        .await
        .unwrap();
    e["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn program_exercise_lists_are_replaced_atomically_and_block_exercise_deletion() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let squat = exercise(&app, "Squat").await;
    let bench = exercise(&app, "Bench").await;
    let res = app
        .post(
            "/api/v1/programs",
            &json!({"name": "Stronglifts", "description": "5x5"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["exercises"], json!([]));
    assert_eq!(p.as_object().unwrap().len(), 7, "{p}");
    let url = format!("/api/v1/programs/{}/exercises", p["id"].as_str().unwrap());
    let res = app
        .client
        .put(app.url(&url))
        .json(&json!([
            {"exercise_id": bench, "target_sets": 5, "target_reps": 5, "target_weight": 60.5, "rest_seconds": 90},
            {"exercise_id": squat, "target_sets": 5, "target_reps": 5, "notes": "belt"}
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let p2: Value = res.json().await.unwrap();
    let list = p2["exercises"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        (
            list[0]["exercise_name"].as_str(),
            list[0]["position"].as_i64()
        ),
        (Some("Bench"), Some(0))
    );
    assert_eq!(list[0]["target_weight"], 60.5);
    assert_eq!(list[1]["notes"], "belt");
    assert_eq!(list[0].as_object().unwrap().len(), 9, "{}", list[0]);
    // A bad list changes nothing.
    let foreign = "00000000-0000-0000-0000-000000000000";
    for (body, field) in [
        (
            json!([{"exercise_id": squat}, {"exercise_id": foreign}]),
            "[1].exercise_id",
        ),
        (
            json!([{"exercise_id": squat, "target_reps": -1}]),
            "[0].target_reps",
        ),
        (json!([{"exercise_id": "nope"}]), "[0].exercise_id"),
    ] {
        let res = app
            .client
            .put(app.url(&url))
            .json(&body)
            .send()
            .await
            .unwrap();
        let got = assert_error(res, 422, "VALIDATION_ERROR").await;
        assert_eq!(got["field"], field, "{body}");
    }
    let again: Value = app
        .get(&format!("/api/v1/programs/{}", p["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["exercises"], p2["exercises"]);
    // An exercise used by a program cannot be deleted; archiving works.
    let res = app.delete(&format!("/api/v1/exercises/{squat}")).await;
    let body = assert_error(res, 409, "CONFLICT").await;
    assert!(
        body["detail"].as_str().unwrap().contains("archive"),
        "{body}"
    );
    assert_eq!(
        app.patch(
            &format!("/api/v1/exercises/{squat}"),
            &json!({"archived": true})
        )
        .await
        .status(),
        200
    );
    // Listing, patching, and deleting the program.
    let list: Value = app.get("/api/v1/programs").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["exercises"].as_array().unwrap().len(), 2);
    let path = format!("/api/v1/programs/{}", p["id"].as_str().unwrap());
    let patched: Value = app
        .patch(&path, &json!({"description": null, "archived": true}))
        .await
        .json()
        .await
        .unwrap();
    assert!(patched["description"].is_null() && patched["archived"] == true);
    assert_eq!(app.delete(&path).await.status(), 204);
    assert_eq!(
        app.delete(&format!("/api/v1/exercises/{squat}"))
            .await
            .status(),
        204,
        "no longer used"
    );
    assert_error(app.get(&path).await, 404, "NOT_FOUND").await;
}

#[tokio::test]
async fn another_users_programs_are_not_found_and_their_exercises_unusable() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let hers = exercise(&app, "Squat").await;
    let p: Value = app
        .post("/api/v1/programs", &json!({"name": "Hers"}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/programs/{}", p["id"].as_str().unwrap());
    let bob = TestApp {
        client: client(),
        ..app
    };
    bob.logged_in("bob").await;
    assert_error(bob.get(&path).await, 404, "NOT_FOUND").await;
    assert_error(bob.delete(&path).await, 404, "NOT_FOUND").await;
    let res = bob
        .client
        .put(bob.url(&format!("{path}/exercises")))
        .json(&json!([]))
        .send()
        .await
        .unwrap();
    assert_error(res, 404, "NOT_FOUND").await;
    let mine: Value = bob
        .post("/api/v1/programs", &json!({"name": "Mine"}))
        .await
        .json()
        .await
        .unwrap();
    let res = bob
        .client
        .put(bob.url(&format!(
            "/api/v1/programs/{}/exercises",
            mine["id"].as_str().unwrap()
        )))
        .json(&json!([{"exercise_id": hers}]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        assert_error(res, 422, "VALIDATION_ERROR").await["field"],
        "[0].exercise_id"
    );
}

#[tokio::test]
async fn sessions_log_sets_compute_volume_and_finish() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let squat = exercise(&app, "Squat").await;
    let bench = exercise(&app, "Bench").await;
    let program: Value = app
        .post("/api/v1/programs", &json!({"name": "Push day"}))
        .await
        .json()
        .await
        .unwrap();
    let pid = program["id"].as_str().unwrap();
    let res = app
        .post(
            "/api/v1/workouts",
            &json!({"program_id": pid, "started_at": "2026-11-24T08:00:00Z"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let s: Value = res.json().await.unwrap();
    assert_eq!(s["name"], "Push day", "named after the program");
    assert_eq!(s["total_volume"], 0.0);
    assert_eq!(s.as_object().unwrap().len(), 10, "{s}");
    let sid = s["id"].as_str().unwrap();
    let logs = format!("/api/v1/workouts/{sid}/logs");
    let l1: Value = app
        .post(
            &logs,
            &json!({"exercise_id": squat, "reps": 5, "weight": 100}),
        )
        .await
        .json()
        .await
        .unwrap();
    let l2: Value = app
        .post(
            &logs,
            &json!({"exercise_id": squat, "reps": 3, "weight": 102.5, "rpe": 8.5}),
        )
        .await
        .json()
        .await
        .unwrap();
    let l3: Value = app
        .post(
            &logs,
            &json!({"exercise_id": bench, "reps": 8, "weight": 60}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            l1["set_number"].as_i64(),
            l2["set_number"].as_i64(),
            l3["set_number"].as_i64()
        ),
        (Some(1), Some(2), Some(1))
    );
    assert_eq!(l1["exercise_name"], "Squat");
    assert_eq!(l1.as_object().unwrap().len(), 9, "{l1}");
    let got: Value = app
        .get(&format!("/api/v1/workouts/{sid}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["logs"].as_array().unwrap().len(), 3);
    assert_eq!(got["total_volume"], 5.0 * 100.0 + 3.0 * 102.5 + 8.0 * 60.0);
    for (body, field) in [
        (json!({"exercise_id": squat, "reps": -1}), "reps"),
        (
            json!({"exercise_id": squat, "reps": 1, "weight": -5}),
            "weight",
        ),
        (json!({"exercise_id": squat, "reps": 1, "rpe": 11}), "rpe"),
        (
            json!({"exercise_id": "00000000-0000-0000-0000-000000000000", "reps": 1}),
            "exercise_id",
        ),
        (json!({"exercise_id": squat}), "reps"),
    ] {
        let got = assert_error(app.post(&logs, &body).await, 422, "VALIDATION_ERROR").await;
        assert_eq!(got["field"], field, "{body}");
    }
    let l2id = l2["id"].as_str().unwrap();
    let changed: Value = app
        .patch(&format!("{logs}/{l2id}"), &json!({"reps": 4, "rpe": null}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (changed["reps"].as_i64(), changed["rpe"].is_null()),
        (Some(4), true)
    );
    assert_eq!(
        app.delete(&format!("{logs}/{}", l3["id"].as_str().unwrap()))
            .await
            .status(),
        204
    );
    // The exercise is in use now.
    assert_error(
        app.delete(&format!("/api/v1/exercises/{squat}")).await,
        409,
        "CONFLICT",
    )
    .await;
    // Finishing: never before the start; without a body it is now.
    let finish = format!("/api/v1/workouts/{sid}/finish");
    let early = app
        .post(&finish, &json!({"ended_at": "2026-11-24T07:00:00Z"}))
        .await;
    assert_error(early, 422, "VALIDATION_ERROR").await;
    let done: Value = app
        .post(&finish, &json!({"ended_at": "2026-11-24T09:15:00Z"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["ended_at"], "2026-11-24T09:15:00Z");
    let res = app.client.post(app.url(&finish)).send().await.unwrap();
    assert_eq!(res.status(), 200, "no body means now");
    let bad = app
        .patch(
            &format!("/api/v1/workouts/{sid}"),
            &json!({"started_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    assert_error(bad, 422, "VALIDATION_ERROR").await;
    let renamed: Value = app
        .patch(
            &format!("/api/v1/workouts/{sid}"),
            &json!({"name": "Heavy", "notes": "good"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (renamed["name"].as_str(), renamed["notes"].as_str()),
        (Some("Heavy"), Some("good"))
    );
}

#[tokio::test]
async fn sessions_are_listed_newest_first_with_filters() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let program: Value = app
        .post("/api/v1/programs", &json!({"name": "P"}))
        .await
        .json()
        .await
        .unwrap();
    let pid = program["id"].as_str().unwrap();
    app.post(
        "/api/v1/workouts",
        &json!({"started_at": "2026-11-20T08:00:00Z"}),
    )
    .await;
    app.post(
        "/api/v1/workouts",
        &json!({"started_at": "2026-11-22T08:00:00Z", "program_id": pid}),
    )
    .await;
    app.post(
        "/api/v1/workouts",
        &json!({"started_at": "2026-11-24T23:30:00Z"}),
    )
    .await;
    let all: Value = app.get("/api/v1/workouts").await.json().await.unwrap();
    assert_eq!(all["total"], 3);
    assert_eq!(all["items"][0]["started_at"], "2026-11-24T23:30:00Z");
    assert_eq!(all["items"][2]["name"], "Workout");
    let range: Value = app
        .get("/api/v1/workouts?date_from=2026-11-21&date_to=2026-11-24")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(range["total"], 2);
    // In Tokyo, 23:30 UTC on the 24th is the 25th.
    app.patch("/api/v1/settings", &json!({"timezone": "Asia/Tokyo"}))
        .await;
    let range: Value = app
        .get("/api/v1/workouts?date_from=2026-11-21&date_to=2026-11-24")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(range["total"], 1);
    let by_program: Value = app
        .get(&format!("/api/v1/workouts?program_id={pid}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_program["total"], 1);
    assert_error(
        app.get("/api/v1/workouts?date_from=2026-11-25&date_to=2026-11-01")
            .await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
    let bad = app
        .post(
            "/api/v1/workouts",
            &json!({"program_id": "00000000-0000-0000-0000-000000000000"}),
        )
        .await;
    assert_eq!(
        assert_error(bad, 422, "VALIDATION_ERROR").await["field"],
        "program_id"
    );
}

#[tokio::test]
async fn another_users_sessions_are_not_found() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let s: Value = app
        .post("/api/v1/workouts", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/workouts/{}", s["id"].as_str().unwrap());
    let bob = TestApp {
        client: client(),
        ..app
    };
    bob.logged_in("bob").await;
    let e: Value = bob
        .post("/api/v1/exercises", &json!({"name": "Curl"}))
        .await
        .json()
        .await
        .unwrap();
    assert_error(bob.get(&path).await, 404, "NOT_FOUND").await;
    assert_error(
        bob.patch(&path, &json!({"name": "x"})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        bob.post(&format!("{path}/finish"), &json!({})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        bob.post(
            &format!("{path}/logs"),
            &json!({"exercise_id": e["id"], "reps": 1}),
        )
        .await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(bob.delete(&path).await, 404, "NOT_FOUND").await;
    let list: Value = bob.get("/api/v1/workouts").await.json().await.unwrap();
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn exercise_history_lists_sessions_with_top_sets_and_records() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let squat = exercise(&app, "Squat").await;
    let other = exercise(&app, "Row").await;
    let mut sessions = Vec::new();
    for (day, sets) in [
        ("2026-11-20T08:00:00Z", vec![(5, 100.0), (5, 100.0)]),
        (
            "2026-11-22T08:00:00Z",
            vec![(3, 110.0), (1, 120.0), (0, 130.0)],
        ),
        ("2026-11-24T08:00:00Z", vec![(12, 80.0)]),
    ] {
        let s: Value = app
            .post("/api/v1/workouts", &json!({"started_at": day}))
            .await
            .json()
            .await
            .unwrap();
        let sid = s["id"].as_str().unwrap().to_string();
        for (reps, weight) in sets {
            let res = app
                .post(
                    &format!("/api/v1/workouts/{sid}/logs"),
                    &json!({"exercise_id": squat, "reps": reps, "weight": weight}),
                )
                .await;
            assert_eq!(res.status(), 201);
        }
        app.post(
            &format!("/api/v1/workouts/{sid}/logs"),
            &json!({"exercise_id": other, "reps": 10, "weight": 500}),
        )
        .await;
        sessions.push(sid);
    }
    let h: Value = app
        .get(&format!("/api/v1/exercises/{squat}/history"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(h["total"], 3);
    let items = h["items"].as_array().unwrap();
    assert_eq!(items[0]["session_id"], sessions[2].as_str(), "newest first");
    let mid = &items[1];
    assert_eq!(
        mid["sets"].as_array().unwrap().len(),
        3,
        "only this exercise's sets"
    );
    assert_eq!(
        (
            mid["top_set"]["weight"].as_f64(),
            mid["top_set"]["reps"].as_i64()
        ),
        (Some(130.0), Some(0))
    );
    assert_eq!(mid["volume"], 3.0 * 110.0 + 120.0);
    assert!(
        (mid["best_e1rm"].as_f64().unwrap() - 121.0).abs() < 1e-9,
        "110 x (1 + 3/30) = 121 beats the single 120"
    );
    let pr = &h["personal_records"];
    assert_eq!(pr["max_weight"]["value"], 130.0);
    assert_eq!(pr["max_weight"]["session_id"], sessions[1].as_str());
    assert_eq!(pr["max_weight"]["date"], "2026-11-22");
    assert_eq!(pr["max_reps"]["value"], 12.0);
    assert_eq!(pr["max_volume_session"]["value"], 1000.0);
    assert_eq!(pr["max_volume_session"]["session_id"], sessions[0].as_str());
    assert!((pr["best_e1rm"]["value"].as_f64().unwrap() - 121.0).abs() < 1e-9);
    let paged: Value = app
        .get(&format!(
            "/api/v1/exercises/{squat}/history?per_page=1&page=3"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(paged["items"][0]["session_id"], sessions[0].as_str());
    let fresh = exercise(&app, "Fresh").await;
    let empty: Value = app
        .get(&format!("/api/v1/exercises/{fresh}/history"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty["total"], 0);
    assert!(
        empty["personal_records"]["max_weight"].is_null()
            && empty["personal_records"]["best_e1rm"].is_null()
    );
    assert_error(
        app.get("/api/v1/exercises/00000000-0000-0000-0000-000000000000/history")
            .await,
        404,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn exercises_and_programs_are_listed_by_name_ignoring_case() {
    // The test cluster's collation is C (byte order: "B" before "a"), so
    // only lower(name) in the order puts "apple" first.
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    for name in ["cherry row", "Banana press", "apple curl"] {
        let res = app
            .post(
                "/api/v1/exercises",
                &json!({"name": name, "category": "strength"}),
            )
            .await;
        assert_eq!(res.status(), 201);
        let res = app.post("/api/v1/programs", &json!({"name": name})).await;
        assert_eq!(res.status(), 201);
    }
    for path in ["/api/v1/exercises", "/api/v1/programs"] {
        let list: Value = app.get(path).await.json().await.unwrap();
        let names: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["apple curl", "Banana press", "cherry row"],
            "{path}"
        );
    }
}
