//! API.md section 5 over HTTP.

use crate::helpers::{TestApp, assert_error, client};
use serde_json::{Value, json};

async fn project(app: &TestApp, name: &str) -> String {
    let res = app.post("/api/v1/projects", &json!({"name": name})).await;
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn task(app: &TestApp, project: &str, body: Value) -> Value {
    let res = app
        .post(&format!("/api/v1/projects/{project}/tasks"), &body)
        .await;
    assert_eq!(res.status(), 201, "{body}");
    res.json().await.unwrap()
}

async fn positions(app: &TestApp, project: &str) -> Vec<(String, i64)> {
    let page: Value = app
        .get(&format!("/api/v1/projects/{project}/tasks?per_page=100"))
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["position"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn projects_have_crud_positions_counts_and_validation() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let res = app
        .post("/api/v1/projects", &json!({"name": " Home ", "color": "#A1B2C3", "due_date": "2026-12-31", "description": "d"}))
        .await;
    assert_eq!(res.status(), 201);
    let home: Value = res.json().await.unwrap();
    assert_eq!(home["name"], "Home");
    assert_eq!(home["status"], "active");
    assert_eq!(home["position"], 0);
    assert_eq!(home["task_counts"], json!({"total": 0, "done": 0}));
    let keys: Vec<&String> = home.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 10, "{home}");
    let work = project(&app, "Work").await;
    let id = home["id"].as_str().unwrap();
    task(&app, id, json!({"title": "a"})).await;
    task(&app, id, json!({"title": "b", "status": "done"})).await;
    let list: Value = app.get("/api/v1/projects").await.json().await.unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(
        list["items"][0]["task_counts"],
        json!({"total": 2, "done": 1})
    );
    assert_eq!(list["items"][1]["id"], work.as_str());
    assert_eq!(list["items"][1]["position"], 1);
    let res = app
        .patch(
            &format!("/api/v1/projects/{id}"),
            &json!({"status": "on_hold", "color": null, "description": null}),
        )
        .await;
    let p: Value = res.json().await.unwrap();
    assert_eq!(
        (
            p["status"].as_str(),
            p["color"].is_null(),
            p["description"].is_null()
        ),
        (Some("on_hold"), true, true)
    );
    assert_eq!(p["due_date"], "2026-12-31", "fields not sent are unchanged");
    let filtered: Value = app
        .get("/api/v1/projects?status=on_hold")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(filtered["total"], 1);
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "x", "color": "red"}), "color"),
        (json!({"name": "x", "status": "paused"}), "status"),
        (json!({"name": "x", "due_date": "tomorrow"}), "due_date"),
    ] {
        let got = assert_error(
            app.post("/api/v1/projects", &body).await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(got["field"], field, "{body}");
    }
    assert_error(
        app.patch(&format!("/api/v1/projects/{id}"), &json!({"name": null}))
            .await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
    assert_error(
        app.get("/api/v1/projects?status=paused").await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
}

#[tokio::test]
async fn deleting_a_project_removes_its_tasks_and_notes_and_closes_the_gap() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let a = project(&app, "A").await;
    let b = project(&app, "B").await;
    let c = project(&app, "C").await;
    let t = task(&app, &b, json!({"title": "t"})).await;
    app.post(
        &format!("/api/v1/projects/{b}/notes"),
        &json!({"title": "n", "body": "text"}),
    )
    .await;
    assert_eq!(
        app.delete(&format!("/api/v1/projects/{b}")).await.status(),
        204
    );
    assert_error(
        app.get(&format!(
            "/api/v1/projects/{b}/tasks/{}",
            t["id"].as_str().unwrap()
        ))
        .await,
        404,
        "NOT_FOUND",
    )
    .await;
    let all: Value = app.get("/api/v1/tasks").await.json().await.unwrap();
    assert_eq!(all["total"], 0);
    let list: Value = app.get("/api/v1/projects").await.json().await.unwrap();
    let got: Vec<(&str, i64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["position"].as_i64().unwrap()))
        .collect();
    assert_eq!(got, [(a.as_str(), 0), (c.as_str(), 1)]);
    assert_error(
        app.delete(&format!("/api/v1/projects/{b}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn completed_at_follows_the_done_status() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let p = project(&app, "P").await;
    let t = task(
        &app,
        &p,
        json!({"title": "t", "priority": "high", "due_date": "2026-12-01"}),
    )
    .await;
    assert!(t["completed_at"].is_null());
    assert_eq!(t["status"], "todo");
    let path = format!("/api/v1/projects/{p}/tasks/{}", t["id"].as_str().unwrap());
    let done: Value = app
        .patch(&path, &json!({"status": "done"}))
        .await
        .json()
        .await
        .unwrap();
    let at = done["completed_at"].as_str().unwrap().to_string();
    let again: Value = app
        .patch(&path, &json!({"status": "done", "title": "renamed"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        again["completed_at"],
        at.as_str(),
        "staying done keeps completed_at"
    );
    let reopened: Value = app
        .patch(&path, &json!({"status": "in_progress", "priority": null}))
        .await
        .json()
        .await
        .unwrap();
    assert!(reopened["completed_at"].is_null());
    assert!(reopened["priority"].is_null());
    assert_eq!(reopened["title"], "renamed");
    let created_done = task(&app, &p, json!({"title": "u", "status": "done"})).await;
    assert!(created_done["completed_at"].is_string());
    for (body, field) in [
        (json!({"status": "finished"}), "status"),
        (json!({"priority": "urgent"}), "priority"),
        (json!({"title": "  "}), "title"),
        (json!({"position": 3}), ""),
    ] {
        let got = assert_error(app.patch(&path, &body).await, 422, "VALIDATION_ERROR").await;
        if !field.is_empty() {
            assert_eq!(got["field"], field, "{body}");
        }
    }
}

#[tokio::test]
async fn moving_a_task_appends_it_and_closes_the_gap() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let a = project(&app, "A").await;
    let b = project(&app, "B").await;
    let t0 = task(&app, &a, json!({"title": "0"})).await;
    let t1 = task(&app, &a, json!({"title": "1"})).await;
    let t2 = task(&app, &a, json!({"title": "2"})).await;
    let u0 = task(&app, &b, json!({"title": "u"})).await;
    let id1 = t1["id"].as_str().unwrap();
    let moved: Value = app
        .patch(
            &format!("/api/v1/projects/{a}/tasks/{id1}"),
            &json!({"project_id": b}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(moved["project_id"], b.as_str());
    assert_eq!(moved["position"], 1);
    assert_eq!(
        positions(&app, &a).await,
        [
            (t0["id"].as_str().unwrap().into(), 0),
            (t2["id"].as_str().unwrap().into(), 1)
        ]
    );
    assert_eq!(
        positions(&app, &b).await,
        [(u0["id"].as_str().unwrap().into(), 0), (id1.into(), 1)]
    );
    assert_error(
        app.get(&format!("/api/v1/projects/{a}/tasks/{id1}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let missing = app
        .patch(
            &format!("/api/v1/projects/{b}/tasks/{id1}"),
            &json!({"project_id": "00000000-0000-0000-0000-000000000000"}),
        )
        .await;
    assert_error(missing, 404, "NOT_FOUND").await;
    // Deleting closes the gap too.
    assert_eq!(
        app.delete(&format!(
            "/api/v1/projects/{a}/tasks/{}",
            t0["id"].as_str().unwrap()
        ))
        .await
        .status(),
        204
    );
    assert_eq!(
        positions(&app, &a).await,
        [(t2["id"].as_str().unwrap().into(), 0)]
    );
}

#[tokio::test]
async fn reorder_takes_exactly_the_current_ids_or_changes_nothing() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let p = project(&app, "P").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            task(&app, &p, json!({"title": i.to_string()})).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let before = positions(&app, &p).await;
    let url = format!("/api/v1/projects/{p}/tasks/reorder");
    let foreign = "00000000-0000-0000-0000-000000000000".to_string();
    for bad in [
        vec![ids[0].clone(), ids[1].clone()],
        vec![
            ids[0].clone(),
            ids[1].clone(),
            ids[2].clone(),
            foreign.clone(),
        ],
        vec![
            ids[0].clone(),
            ids[1].clone(),
            ids[1].clone(),
            ids[2].clone(),
        ],
        vec![ids[0].clone(), ids[1].clone(), foreign],
    ] {
        assert_error(
            app.post(&url, &json!({"ids": bad})).await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(positions(&app, &p).await, before);
    }
    let res = app
        .post(&url, &json!({"ids": [ids[2], ids[0], ids[1]]}))
        .await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    let got: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, [ids[2].as_str(), ids[0].as_str(), ids[1].as_str()]);
    assert_eq!(list[0]["position"], 0);
    // Projects reorder the same way.
    let q = project(&app, "Q").await;
    let res = app
        .post("/api/v1/projects/reorder", &json!({"ids": [q, p]}))
        .await;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.unwrap();
    assert_eq!(list[0]["id"], q.as_str());
    assert_eq!(list[1]["position"], 1);
    assert_error(
        app.post("/api/v1/projects/reorder", &json!({"ids": [q]}))
            .await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
    assert_error(
        app.get("/api/v1/projects/reorder").await,
        405,
        "METHOD_NOT_ALLOWED",
    )
    .await;
}

#[tokio::test]
async fn twenty_concurrent_reorders_and_inserts_keep_positions_a_permutation() {
    let app = TestApp::spawn_with(&[("DATABASE_POOL_SIZE", "10")]).await;
    app.logged_in("ada").await;
    let p = project(&app, "P").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            task(&app, &p, json!({"title": i.to_string()})).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let url = format!("/api/v1/projects/{p}/tasks/reorder");
    let (app_ref, url_ref) = (&app, &url);
    let mut requests = Vec::new();
    for i in 0..20 {
        let mut order = ids.clone();
        order.rotate_left(i % 5);
        if i % 2 == 0 {
            order.reverse();
        }
        let body = json!({"ids": order});
        requests.push(async move { app_ref.post(url_ref, &body).await });
    }
    let inserts: Vec<_> = (0..10)
        .map(|i| {
            let path = format!("/api/v1/projects/{p}/tasks");
            let body = json!({"title": format!("new {i}")});
            async move { app_ref.post(&path, &body).await }
        })
        .collect();
    let (reorders, inserted) = tokio::join!(
        futures_util::future::join_all(requests),
        futures_util::future::join_all(inserts)
    );
    for r in &inserted {
        assert_eq!(r.status(), 201);
    }
    for r in &reorders {
        // A reorder that raced an insert no longer lists every task: 422.
        assert!(r.status() == 200 || r.status() == 422, "{}", r.status());
    }
    let mut pos: Vec<i64> = positions(&app, &p)
        .await
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    pos.sort_unstable();
    assert_eq!(pos, (0..15).collect::<Vec<i64>>());
}

#[tokio::test]
async fn the_cross_project_task_list_orders_by_due_date_then_position() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let a = project(&app, "A").await;
    let b = project(&app, "B").await;
    task(&app, &a, json!({"title": "no date"})).await;
    task(&app, &a, json!({"title": "late", "due_date": "2026-12-10"})).await;
    // "same day" is first in its project, "late" second in its own.
    task(
        &app,
        &b,
        json!({"title": "same day", "due_date": "2026-12-10"}),
    )
    .await;
    task(
        &app,
        &b,
        json!({"title": "early", "due_date": "2026-12-01", "status": "in_progress"}),
    )
    .await;
    let all: Value = app.get("/api/v1/tasks").await.json().await.unwrap();
    let titles: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["early", "same day", "late", "no date"]);
    assert!(all["items"][0]["project_id"].is_string());
    let before: Value = app
        .get("/api/v1/tasks?due_before=2026-12-10")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        before["total"], 1,
        "exclusive, and undated tasks are left out"
    );
    let doing: Value = app
        .get("/api/v1/tasks?status=in_progress")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(doing["total"], 1);
    let page: Value = app
        .get("/api/v1/tasks?per_page=2&page=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_error(
        app.get("/api/v1/tasks?due_before=soon").await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
}

#[tokio::test]
async fn notes_belong_to_their_project() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let p = project(&app, "P").await;
    let res = app
        .post(
            &format!("/api/v1/projects/{p}/notes"),
            &json!({"title": "Plan", "body": "Step one"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let n: Value = res.json().await.unwrap();
    let path = format!("/api/v1/projects/{p}/notes/{}", n["id"].as_str().unwrap());
    let changed: Value = app
        .patch(&path, &json!({"body": "Step two"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (changed["title"].as_str(), changed["body"].as_str()),
        (Some("Plan"), Some("Step two"))
    );
    let list: Value = app
        .get(&format!("/api/v1/projects/{p}/notes"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(app.delete(&path).await.status(), 204);
    assert_error(app.get(&path).await, 404, "NOT_FOUND").await;
    assert_error(
        app.post(
            &format!("/api/v1/projects/{p}/notes"),
            &json!({"title": ""}),
        )
        .await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
}

#[tokio::test]
async fn another_users_projects_tasks_and_notes_are_404_everywhere() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let theirs = project(&app, "Ada's").await;
    let t = task(&app, &theirs, json!({"title": "secret"})).await;
    let tid = t["id"].as_str().unwrap().to_string();
    let n: Value = app
        .post(
            &format!("/api/v1/projects/{theirs}/notes"),
            &json!({"title": "n"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let nid = n["id"].as_str().unwrap().to_string();
    let bob = TestApp {
        client: client(),
        ..app
    };
    bob.logged_in("bob").await;
    let mine = project(&bob, "Bob's").await;
    for path in [
        format!("/api/v1/projects/{theirs}"),
        format!("/api/v1/projects/{theirs}/tasks"),
        format!("/api/v1/projects/{theirs}/tasks/{tid}"),
        format!("/api/v1/projects/{mine}/tasks/{tid}"),
        format!("/api/v1/projects/{theirs}/notes"),
        format!("/api/v1/projects/{theirs}/notes/{nid}"),
        format!("/api/v1/projects/{mine}/notes/{nid}"),
    ] {
        assert_error(bob.get(&path).await, 404, "NOT_FOUND").await;
    }
    assert_error(
        bob.patch(&format!("/api/v1/projects/{theirs}"), &json!({"name": "x"}))
            .await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        bob.delete(&format!("/api/v1/projects/{theirs}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        bob.post(
            &format!("/api/v1/projects/{theirs}/tasks"),
            &json!({"title": "x"}),
        )
        .await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        bob.post(
            &format!("/api/v1/projects/{theirs}/notes"),
            &json!({"title": "x"}),
        )
        .await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        bob.patch(
            &format!("/api/v1/projects/{mine}/tasks/{tid}"),
            &json!({"title": "x"}),
        )
        .await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        bob.delete(&format!("/api/v1/projects/{mine}/tasks/{tid}"))
            .await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        bob.post(
            &format!("/api/v1/projects/{theirs}/tasks/reorder"),
            &json!({"ids": [tid]}),
        )
        .await,
        404,
        "NOT_FOUND",
    )
    .await;
    // Moving one's own task into someone else's project is 404 too.
    let own = task(&bob, &mine, json!({"title": "mine"})).await;
    let res = bob
        .patch(
            &format!(
                "/api/v1/projects/{mine}/tasks/{}",
                own["id"].as_str().unwrap()
            ),
            &json!({"project_id": theirs}),
        )
        .await;
    assert_error(res, 404, "NOT_FOUND").await;
    assert_error(
        bob.post("/api/v1/projects/reorder", &json!({"ids": [theirs, mine]}))
            .await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
    let tasks: Value = bob.get("/api/v1/tasks").await.json().await.unwrap();
    assert_eq!(tasks["total"], 1);
}

#[tokio::test]
async fn seed_creates_the_user_and_every_modules_starter_data_once() {
    let app = TestApp::spawn().await;
    lifeos::seed::run(&app.state, "demo", "demo-password")
        .await
        .unwrap();
    lifeos::seed::run(&app.state, "demo", "other-password")
        .await
        .unwrap();
    assert_eq!(
        app.login_as("demo", "demo-password").await.status(),
        200,
        "a second seed keeps the password"
    );
    let projects: Value = app.get("/api/v1/projects").await.json().await.unwrap();
    let names: Vec<&str> = projects["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Inbox", "Health", "Home"]);
    let tasks: Value = app.get("/api/v1/tasks").await.json().await.unwrap();
    assert_eq!(tasks["total"], 5);
    let exercises: Value = app
        .get("/api/v1/exercises?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(exercises["total"], lifeos::seed::LIBRARY.len());
    assert!(lifeos::seed::LIBRARY.len() >= 12, "a real library");
    let programs: Value = app.get("/api/v1/programs").await.json().await.unwrap();
    assert_eq!(programs["total"], 1);
    assert_eq!(
        programs["items"][0]["exercises"].as_array().unwrap().len(),
        4
    );
    assert_eq!(
        programs["items"][0]["exercises"][0]["exercise_name"],
        "Back squat"
    );
    let journal: Value = app
        .get("/api/v1/journal/entries")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(journal["total"], 10);
    let status: Value = app
        .get("/api/v1/journal/status")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["streaks"]["morning_pages"]["current"], 7);
    let events: Value = app
        .get("/api/v1/calendar/events")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(events["total"], 2);
    let today = chrono::Utc::now().date_naive();
    let window = format!(
        "/api/v1/calendar/occurrences?from={today}&to={}",
        today + chrono::Days::new(20)
    );
    let occurrences: Value = app.get(&window).await.json().await.unwrap();
    let n = occurrences.as_array().unwrap().len();
    assert!((8..=12).contains(&n), "{n} occurrences in three weeks");

    // A library exercise the user deleted comes back; nothing else changes.
    let squat = exercises["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Push-up")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app.delete(&format!("/api/v1/exercises/{squat}")).await;
    assert_eq!(res.status(), 204);
    lifeos::seed::run(&app.state, "demo", "demo-password")
        .await
        .unwrap();
    let again: Value = app
        .get("/api/v1/exercises?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["total"], lifeos::seed::LIBRARY.len());
    let journal: Value = app
        .get("/api/v1/journal/entries")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(journal["total"], 10);
}
