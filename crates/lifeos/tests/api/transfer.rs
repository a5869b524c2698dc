//! API.md section 9, export and import, against a real PostgreSQL: every
//! module in the export and no secret; a streamed download; export →
//! import into an empty account elsewhere → the same export; importing
//! twice; another account's ids; bad documents answered with the item's
//! path and nothing written; a failing write leaves nothing behind.

use crate::helpers::{TestApp, assert_error, sql};
use chrono::{Days, Utc};
use serde_json::{Value, json};

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let res = app.post(path, &body).await;
    assert_eq!(res.status(), 201, "{path} {body}");
    res.json().await.unwrap()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

/// One of everything, through the API.
async fn fill(app: &TestApp) {
    let today = Utc::now().date_naive();
    for back in 0..3 {
        let day = today - Days::new(back);
        created(
            app,
            "/api/v1/journal/entries",
            json!({"entry_type": "morning_pages", "entry_date": day, "content": {"body": format!("day {back} words"), "mood": 3}}),
        )
        .await;
    }
    let squat = created(
        app,
        "/api/v1/exercises",
        json!({"name": "Squat", "category": "strength", "muscle_groups": ["legs", "core"]}),
    )
    .await;
    let program = created(app, "/api/v1/programs", json!({"name": "Legs day"})).await;
    let res = app
        .client
        .put(app.url(&format!("/api/v1/programs/{}/exercises", id(&program))))
        .json(&json!([{"exercise_id": id(&squat), "target_sets": 5, "target_reps": 5, "target_weight": 100.5}]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let session = created(
        app,
        "/api/v1/workouts",
        json!({"program_id": id(&program), "started_at": "2026-11-24T08:00:00Z"}),
    )
    .await;
    let logs = format!("/api/v1/workouts/{}/logs", id(&session));
    created(
        app,
        &logs,
        json!({"exercise_id": id(&squat), "reps": 5, "weight": 100, "rpe": 8}),
    )
    .await;
    created(
        app,
        &logs,
        json!({"exercise_id": id(&squat), "reps": 4, "weight": 102.5}),
    )
    .await;
    let finish = format!("/api/v1/workouts/{}/finish", id(&session));
    let res = app
        .post(&finish, &json!({"ended_at": "2026-11-24T09:00:00Z"}))
        .await;
    assert_eq!(res.status(), 200);
    let home = created(
        app,
        "/api/v1/projects",
        json!({"name": "Home", "color": "#112233"}),
    )
    .await;
    let work = created(app, "/api/v1/projects", json!({"name": "Work"})).await;
    for title in ["Paint the door", "Fix the tap"] {
        created(
            app,
            &format!("/api/v1/projects/{}/tasks", id(&home)),
            json!({"title": title}),
        )
        .await;
    }
    created(
        app,
        &format!("/api/v1/projects/{}/notes", id(&work)),
        json!({"title": "Landlord", "body": "call on Monday"}),
    )
    .await;
    let capture = created(app, "/api/v1/captures", json!({"content": "buy paint"})).await;
    let res = app
        .post(
            &format!("/api/v1/captures/{}/convert", id(&capture)),
            &json!({"type": "task", "project_id": id(&home)}),
        )
        .await;
    assert_eq!(res.status(), 201);
    created(
        app,
        "/api/v1/captures",
        json!({"content": "an idea", "source": "siri"}),
    )
    .await;
    let standup = created(
        app,
        "/api/v1/calendar/events",
        json!({"title": "Standup", "start": "2026-11-23T08:00:00Z", "end": "2026-11-23T08:15:00Z",
               "timezone": "Europe/Berlin", "rrule": "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10",
               "exdates": ["2026-11-25T08:00:00Z"]}),
    )
    .await;
    let res = app
        .patch(
            &format!(
                "/api/v1/calendar/events/{}/occurrences/2026-11-30T08:00:00Z",
                id(&standup)
            ),
            &json!({"title": "Long standup", "end": "2026-11-30T09:00:00Z"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    created(
        app,
        "/api/v1/calendar/events",
        json!({"title": "Holiday", "start": "2026-12-24", "end": "2026-12-27", "all_day": true}),
    )
    .await;
    created(app, "/api/v1/settings/api-keys", json!({"name": "Siri"})).await;
}

async fn export(app: &TestApp) -> Value {
    let res = app.get("/api/v1/settings/export").await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn import(app: &TestApp, doc: &Value) -> reqwest::Response {
    app.post("/api/v1/settings/import", doc).await
}

/// The export without what may differ: when it was written and who.
fn data(mut doc: Value) -> Value {
    let o = doc.as_object_mut().unwrap();
    o.remove("exported_at");
    o.remove("user");
    o.remove("api_keys");
    doc
}

fn counts(report: &Value, part: &str) -> Value {
    report[part].clone()
}

#[tokio::test]
async fn the_export_holds_every_module_as_a_streamed_download_without_secrets() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    fill(&app).await;
    let key = created(
        &app,
        "/api/v1/settings/api-keys",
        json!({"name": "Shortcut"}),
    )
    .await;
    let res = app.get("/api/v1/settings/export").await;
    assert_eq!(res.status(), 200);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    let today = Utc::now().date_naive();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"lifeos-export-{today}.json\"")
    );
    assert!(
        res.headers().get("content-length").is_none(),
        "streamed, not sized"
    );
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let text = res.text().await.unwrap();
    for secret in [
        "password",
        "hash",
        "$2b$",
        "token",
        key["key"].as_str().unwrap(),
    ] {
        assert!(!text.contains(secret), "{secret} in the export");
    }
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["format_version"], 1);
    assert!(doc["exported_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(doc["user"]["username"], "ada");
    assert_eq!(doc["user"]["timezone"], "UTC");
    assert_eq!(doc["journal"].as_array().unwrap().len(), 3);
    assert_eq!(doc["journal"][0]["content"]["mood"], 3);
    assert_eq!(
        doc["exercises"][0]["muscle_groups"],
        json!(["legs", "core"])
    );
    assert_eq!(doc["programs"][0]["exercises"][0]["target_weight"], 100.5);
    assert_eq!(doc["workouts"][0]["logs"].as_array().unwrap().len(), 2);
    assert_eq!(doc["workouts"][0]["ended_at"], "2026-11-24T09:00:00Z");
    let home = &doc["projects"][0];
    assert_eq!(home["name"], "Home");
    let titles: Vec<_> = home["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].clone())
        .collect();
    assert_eq!(titles, vec!["Paint the door", "Fix the tap", "buy paint"]);
    assert_eq!(doc["projects"][1]["notes"][0]["body"], "call on Monday");
    let converted = &doc["captures"][0]["converted_to"];
    assert_eq!(converted["type"], "task");
    assert_eq!(converted["id"], home["tasks"][2]["id"]);
    let standup = &doc["events"][0];
    assert_eq!(standup["exdates"], json!(["2026-11-25T08:00:00Z"]));
    assert_eq!(
        standup["overrides"][0]["recurrence_id"],
        "2026-11-30T08:00:00Z"
    );
    assert_eq!(standup["overrides"][0]["title"], "Long standup");
    assert_eq!(doc["events"][1]["start"], "2026-12-24");
    let keys = doc["api_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert!(
        keys.iter()
            .all(|k| k["prefix"].is_string() && k.get("key").is_none())
    );

    // Nobody else's data, and no export without a session.
    app.logged_in("bob").await;
    let empty = export(&app).await;
    assert_eq!(empty["user"]["username"], "bob");
    for section in SECTIONS {
        assert_eq!(empty[section], json!([]), "{section}");
    }
    let anonymous = crate::helpers::client()
        .get(app.url("/api/v1/settings/export"))
        .send()
        .await
        .unwrap();
    assert_error(anonymous, 401, "NOT_AUTHENTICATED").await;
}

const SECTIONS: [&str; 8] = [
    "journal",
    "exercises",
    "programs",
    "workouts",
    "projects",
    "captures",
    "events",
    "api_keys",
];

#[tokio::test]
async fn export_then_import_elsewhere_gives_the_same_data_and_twice_changes_nothing() {
    let here = TestApp::spawn().await;
    here.logged_in("ada").await;
    fill(&here).await;
    let original = export(&here).await;
    let status: Value = here
        .get("/api/v1/journal/status")
        .await
        .json()
        .await
        .unwrap();

    let there = TestApp::spawn().await;
    there.logged_in("ada2").await;
    let res = import(&there, &original).await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(
        counts(&report, "created"),
        json!({"journal": 3, "exercises": 1, "programs": 1, "workouts": 1, "logs": 2,
               "projects": 2, "tasks": 3, "notes": 1, "captures": 2, "events": 2})
    );
    assert!(
        report["skipped"]
            .as_object()
            .unwrap()
            .values()
            .all(|n| n == 0)
    );
    assert!(
        report["reassigned"]
            .as_object()
            .unwrap()
            .values()
            .all(|n| n == 0)
    );
    let copy = export(&there).await;
    assert_eq!(data(copy.clone()), data(original.clone()));
    assert_eq!(copy["user"]["username"], "ada2");
    assert_eq!(copy["api_keys"], json!([]), "keys are not imported");
    // Derived data follows: streaks, occurrences, the task's project counts.
    let copied: Value = there
        .get("/api/v1/journal/status")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(copied["streaks"], status["streaks"]);
    assert_eq!(copied["streaks"]["morning_pages"]["current"], 3);
    let window = "/api/v1/calendar/occurrences?from=2026-11-23&to=2026-12-31";
    let a: Value = here.get(window).await.json().await.unwrap();
    let b: Value = there.get(window).await.json().await.unwrap();
    assert_eq!(a, b);
    assert!(a.to_string().contains("Long standup"));

    let res = import(&there, &original).await;
    assert_eq!(res.status(), 200);
    let again: Value = res.json().await.unwrap();
    assert!(
        again["created"]
            .as_object()
            .unwrap()
            .values()
            .all(|n| n == 0),
        "{again}"
    );
    assert_eq!(again["skipped"], report["created"]);
    assert_eq!(data(export(&there).await), data(original));
}

#[tokio::test]
async fn ids_of_another_account_are_reassigned_and_never_touched() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    fill(&app).await;
    let ada = export(&app).await;

    app.logged_in("bob").await;
    let res = import(&app, &ada).await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert_eq!(report["reassigned"]["journal"], 3);
    assert_eq!(report["reassigned"]["tasks"], 3);
    assert_eq!(report["reassigned"]["events"], 2);
    assert!(
        report["created"]
            .as_object()
            .unwrap()
            .values()
            .all(|n| n == 0)
    );
    let bob = export(&app).await;
    // Same data under new ids, with every reference following.
    assert_ne!(bob["projects"][0]["id"], ada["projects"][0]["id"]);
    assert_eq!(bob["projects"][0]["tasks"][2]["title"], "buy paint");
    assert_eq!(
        bob["captures"][0]["converted_to"]["id"],
        bob["projects"][0]["tasks"][2]["id"]
    );
    assert_eq!(bob["workouts"][0]["program_id"], bob["programs"][0]["id"]);
    assert_eq!(
        bob["workouts"][0]["logs"][0]["exercise_id"],
        bob["exercises"][0]["id"]
    );
    assert_eq!(
        bob["programs"][0]["exercises"][0]["exercise_id"],
        bob["exercises"][0]["id"]
    );
    let same = |mut v: Value| {
        strip_ids(&mut v);
        data(v)
    };
    assert_eq!(same(bob.clone()), same(ada.clone()));
    // Bob's task is his: he can change it; Ada's export did not move.
    let project = bob["projects"][0]["id"].as_str().unwrap();
    let task = bob["projects"][0]["tasks"][0]["id"].as_str().unwrap();
    let res = app
        .patch(
            &format!("/api/v1/projects/{project}/tasks/{task}"),
            &json!({"status": "done"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    app.login_as("ada", crate::helpers::PASSWORD).await;
    let mut after = export(&app).await;
    after["exported_at"] = ada["exported_at"].clone();
    assert_eq!(after, ada);
}

/// Replaces every `id`-like value by a placeholder (reassigned ids differ).
fn strip_ids(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if k == "id" || k.ends_with("_id") {
                    *x = json!("*");
                } else {
                    strip_ids(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_ids),
        _ => {}
    }
}

async fn journal_count(app: &TestApp) -> usize {
    let page: Value = app
        .get("/api/v1/journal/entries?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_bad_document_is_refused_with_the_path_and_writes_nothing() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    fill(&app).await;
    let doc = export(&app).await;
    app.logged_in("bob").await;

    let mut bad = doc.clone();
    bad["journal"][2]["content"]["body"] = json!("  ");
    let body = assert_error(import(&app, &bad).await, 422, "VALIDATION_ERROR").await;
    assert_eq!(body["field"], "journal[2].content.body", "{body}");

    let mut bad = doc.clone();
    bad["format_version"] = json!(2);
    let body = assert_error(import(&app, &bad).await, 422, "VALIDATION_ERROR").await;
    assert_eq!(body["field"], "format_version");

    let mut bad = doc.clone();
    bad["workouts"][0]["logs"][1]["reps"] = json!("many");
    let body = assert_error(import(&app, &bad).await, 422, "VALIDATION_ERROR").await;
    assert_eq!(body["field"], "workouts[0].logs[1].reps");

    let mut bad = doc.clone();
    bad["events"][0]["overrides"][0]["recurrence_id"] = json!("2026-11-30T08:30:00Z");
    let body = assert_error(import(&app, &bad).await, 422, "VALIDATION_ERROR").await;
    assert_eq!(body["field"], "events[0].overrides[0].recurrence_id");

    // A reference to an exercise that is neither in the document nor Bob's
    // (here: Ada's) is refused, found only once the facts are read.
    let mut bad = doc.clone();
    bad["exercises"] = json!([]);
    bad["programs"] = json!([]);
    bad["workouts"][0]["program_id"] = Value::Null;
    let body = assert_error(import(&app, &bad).await, 422, "VALIDATION_ERROR").await;
    assert_eq!(body["field"], "workouts[0].logs[0].exercise_id");

    let res = app
        .client
        .post(app.url("/api/v1/settings/import"))
        .header("content-type", "text/plain")
        .body(doc.to_string())
        .send()
        .await
        .unwrap();
    assert_error(res, 415, "UNSUPPORTED_MEDIA_TYPE").await;

    assert_eq!(journal_count(&app).await, 0);
    let mine = export(&app).await;
    for section in SECTIONS {
        assert_eq!(mine[section], json!([]), "{section}");
    }
}

#[tokio::test]
async fn a_failing_write_leaves_the_account_as_it_was() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    fill(&app).await;
    let doc = export(&app).await;
    app.logged_in("bob").await;
    // The last table the import writes refuses its rows.
    sql(
        app.db.url(),
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'refused'; END $$;
         CREATE TRIGGER refuse BEFORE INSERT ON event_overrides
         FOR EACH ROW EXECUTE FUNCTION refuse();",
    )
    .await;
    let res = import(&app, &doc).await;
    assert_error(res, 500, "INTERNAL_ERROR").await;
    assert_eq!(journal_count(&app).await, 0);
    let status: Value = app
        .get("/api/v1/journal/status")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["streaks"]["morning_pages"]["longest"], 0);
    let mine = export(&app).await;
    for section in SECTIONS {
        assert_eq!(mine[section], json!([]), "{section}");
    }
}

#[tokio::test]
async fn an_import_over_50_mib_is_refused() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let huge = format!(
        "{{\"format_version\":1,\"pad\":\"{}\"}}",
        "x".repeat(50 * 1024 * 1024)
    );
    let res = app
        .client
        .post(app.url("/api/v1/settings/import"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_error(res, 413, "PAYLOAD_TOO_LARGE").await;
}

#[tokio::test]
async fn exports_at_once_are_bounded_and_a_cut_download_frees_its_slot() {
    let app = TestApp::spawn_with(&[("DATABASE_POOL_SIZE", "8")]).await;
    let ada = app.logged_in("ada").await;
    // Enough data that a download which nobody reads stays open.
    sql(
        app.db.url(),
        &format!(
            "INSERT INTO journal_entries (id, user_id, entry_type, entry_date, period_start, content, word_count, created_at, updated_at)
             SELECT gen_random_uuid(), '{}', 'morning_pages', current_date - i, current_date - i,
                    jsonb_build_object('body', repeat('many words ', 200)), 400, now(), now()
             FROM generate_series(1, 6000) i",
            ada["id"].as_str().unwrap()
        ),
    )
    .await;
    // A pool of 8 serves 2 exports at once.
    let first = app.get("/api/v1/settings/export").await;
    let second = app.get("/api/v1/settings/export").await;
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    let busy = app.get("/api/v1/settings/export").await;
    assert_error(busy, 503, "SERVICE_UNAVAILABLE").await;
    // The rest of the API is not starved.
    assert_eq!(app.get("/api/v1/settings").await.status(), 200);
    // Cut both downloads: their slots and connections come back.
    drop((first, second));
    let mut whole = None;
    for _ in 0..100 {
        let res = app.get("/api/v1/settings/export").await;
        if res.status() == 200 {
            whole = Some(res.json::<Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let whole = whole.expect("an export slot came back");
    assert_eq!(whole["journal"].as_array().unwrap().len(), 6000);
    assert_eq!(journal_count(&app).await, 100);
    // No pooled connection was left inside a read-only transaction.
    for i in 0..16 {
        created(
            &app,
            "/api/v1/captures",
            json!({"content": format!("after {i}")}),
        )
        .await;
    }
}
