//! API.md section 8 against a real PostgreSQL: the weekly dashboard's
//! numbers for a hand-built week, its `week_start` rule, and a statement
//! count that does not grow with the account.

use crate::helpers::{TestApp, assert_error};
use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc};
use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, Once};

/// Statements run per database name, counted by a diesel instrumentation
/// every connection of this test process gets (each test has its own
/// database, so counts never mix). `SET` statements of a new pool
/// connection are not counted.
static STATEMENTS: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Mutex::default);

struct Counter(Option<String>);

impl Instrumentation for Counter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => {
                self.0 = url
                    .rsplit('/')
                    .next()
                    .map(|db| db.split('?').next().unwrap_or(db).to_string());
            }
            InstrumentationEvent::StartQuery { query, .. } => {
                let sql = query.to_string();
                if let Some(db) = &self.0
                    && !sql.trim_start().to_ascii_uppercase().starts_with("SET ")
                {
                    *STATEMENTS.lock().unwrap().entry(db.clone()).or_default() += 1;
                }
            }
            _ => {}
        }
    }
}

pub(crate) fn count_statements() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        set_default_instrumentation(|| Some(Box::new(Counter(None)))).unwrap();
    });
}

pub(crate) fn statements(app: &TestApp) -> usize {
    STATEMENTS
        .lock()
        .unwrap()
        .get(app.db.name())
        .copied()
        .unwrap_or(0)
}

/// Monday of the current week in Tokyo.
fn this_monday_in_tokyo() -> NaiveDate {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive();
    today - Days::new(u64::from(today.weekday().num_days_from_monday()))
}

/// An instant given as a Tokyo wall time on `day` at `hour`.
fn tokyo(day: NaiveDate, hour: u32) -> String {
    chrono_tz::Asia::Tokyo
        .from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let res = app.post(path, &body).await;
    assert_eq!(res.status(), 201, "{path} {body}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_numbers_of_a_hand_built_week_in_a_zone_east_of_utc() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    app.patch("/api/v1/settings", &json!({"timezone": "Asia/Tokyo"}))
        .await;
    let mon = this_monday_in_tokyo();
    let day = |n: u64| mon + Days::new(n);

    // Journal: Monday both kinds, Tuesday pages, the review on Sunday.
    for (kind, date, content) in [
        ("morning_pages", day(0), json!({"body": "a"})),
        (
            "daily_reflection",
            day(0),
            json!({"went_well": "a", "to_improve": "b", "grateful_for": "c"}),
        ),
        ("morning_pages", day(1), json!({"body": "b"})),
        (
            "weekly_review",
            day(6),
            json!({"big_wins": "a", "challenges": "b", "learnings": "c", "next_week_focus": "d"}),
        ),
        (
            "morning_pages",
            mon - Days::new(1),
            json!({"body": "last week"}),
        ),
    ] {
        created(
            &app,
            "/api/v1/journal/entries",
            json!({"entry_type": kind, "entry_date": date, "content": content}),
        )
        .await;
    }
    // Workouts: Monday 01:00 Tokyo is Sunday 16:00 UTC: in this week.
    let ex = created(&app, "/api/v1/exercises", json!({"name": "Squat"})).await;
    let s1 = created(
        &app,
        "/api/v1/workouts",
        json!({"name": "Early", "started_at": tokyo(day(0), 1)}),
    )
    .await;
    let id1 = s1["id"].as_str().unwrap();
    created(
        &app,
        &format!("/api/v1/workouts/{id1}/logs"),
        json!({"exercise_id": ex["id"], "reps": 5, "weight": 100}),
    )
    .await;
    let done = app
        .post(
            &format!("/api/v1/workouts/{id1}/finish"),
            &json!({"ended_at": tokyo(day(0), 2)}),
        )
        .await;
    assert_eq!(done.status(), 200);
    created(
        &app,
        "/api/v1/workouts",
        json!({"name": "Open", "started_at": tokyo(day(2), 18)}),
    )
    .await;
    // Sunday 23:00 Tokyo of the week before: not this week.
    created(
        &app,
        "/api/v1/workouts",
        json!({"name": "Before", "started_at": tokyo(mon - Days::new(1), 23)}),
    )
    .await;
    // Projects: one done now, one open task due this week, one overdue, one later.
    let p = created(&app, "/api/v1/projects", json!({"name": "Home"})).await;
    let tasks = format!("/api/v1/projects/{}/tasks", p["id"].as_str().unwrap());
    created(&app, &tasks, json!({"title": "done", "status": "done"})).await;
    created(&app, &tasks, json!({"title": "due", "due_date": day(3)})).await;
    created(
        &app,
        &tasks,
        json!({"title": "overdue", "due_date": mon - Days::new(30)}),
    )
    .await;
    created(&app, &tasks, json!({"title": "later", "due_date": day(20)})).await;
    let paused = created(
        &app,
        "/api/v1/projects",
        json!({"name": "Paused", "status": "on_hold"}),
    )
    .await;
    assert_eq!(paused["status"], "on_hold");
    // Captures: three now, one processed now.
    for text in ["a", "b", "c"] {
        created(&app, "/api/v1/captures", json!({"content": text})).await;
    }
    let page: Value = app.get("/api/v1/captures").await.json().await.unwrap();
    let first = page["items"][0]["id"].as_str().unwrap().to_string();
    app.patch(
        &format!("/api/v1/captures/{first}"),
        &json!({"status": "processed"}),
    )
    .await;
    // Calendar: a daily series from Wednesday.
    created(
        &app,
        "/api/v1/calendar/events",
        json!({"title": "Standup", "start": tokyo(day(2), 9), "rrule": "FREQ=DAILY"}),
    )
    .await;

    let res = app.get("/api/v1/dashboard/weekly").await;
    assert_eq!(res.status(), 200);
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["week_start"], json!(mon));
    assert_eq!(d["week_end"], json!(day(6)));
    let days = d["journal"]["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    assert_eq!(
        days[0],
        json!({"date": mon, "morning_pages": true, "daily_reflection": true})
    );
    assert_eq!(
        days[1],
        json!({"date": day(1), "morning_pages": true, "daily_reflection": false})
    );
    assert_eq!(days[2]["morning_pages"], false);
    assert_eq!(d["journal"]["weekly_review"], true);
    assert!(
        d["journal"]["streaks"]["morning_pages"]["longest"]
            .as_u64()
            .unwrap()
            >= 3
    );
    let w = &d["workouts"];
    assert_eq!(w["count"], 2);
    assert_eq!(w["total_volume"], 500.0);
    assert_eq!(w["total_minutes"], 60);
    assert_eq!(w["sessions"][0]["name"], "Early");
    assert_eq!(w["sessions"][0]["total_volume"], 500.0);
    assert_eq!(d["projects"]["tasks_completed"], 1);
    assert_eq!(
        d["projects"]["tasks_due"], 2,
        "due this week and overdue, not later"
    );
    assert_eq!(
        d["projects"]["active"],
        json!([{"id": p["id"], "name": "Home", "done": 1, "total": 4}])
    );
    assert_eq!(
        d["captures"],
        json!({"captured": 3, "processed": 1, "inbox": 2})
    );
    assert_eq!(
        d["calendar"]["occurrences"].as_array().unwrap().len(),
        5,
        "Wednesday to Sunday"
    );
    assert_eq!(d["calendar"]["occurrences"][0]["title"], "Standup");

    // An earlier week by its first day.
    let before: Value = app
        .get(&format!(
            "/api/v1/dashboard/weekly?week_start={}",
            mon - Days::new(7)
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before["workouts"]["count"], 1);
    assert_eq!(before["journal"]["days"][6]["morning_pages"], true);
    assert_eq!(
        before["captures"]["inbox"], 2,
        "the inbox is counted now, whatever the week"
    );
}

#[tokio::test]
async fn a_week_start_that_is_not_the_first_day_of_a_week_is_422() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    // 2026-11-23 is a Monday.
    let err = assert_error(
        app.get("/api/v1/dashboard/weekly?week_start=2026-11-22")
            .await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(err["field"], "week_start");
    assert!(err["detail"].as_str().unwrap().contains("monday"), "{err}");
    assert_eq!(
        app.get("/api/v1/dashboard/weekly?week_start=2026-11-23")
            .await
            .status(),
        200
    );
    app.patch("/api/v1/settings", &json!({"week_start": "sunday"}))
        .await;
    let err = assert_error(
        app.get("/api/v1/dashboard/weekly?week_start=2026-11-23")
            .await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
    assert!(err["detail"].as_str().unwrap().contains("sunday"), "{err}");
    let d: Value = app
        .get("/api/v1/dashboard/weekly?week_start=2026-11-22")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (d["week_start"].as_str(), d["week_end"].as_str()),
        (Some("2026-11-22"), Some("2026-11-28"))
    );
    assert_error(
        app.get("/api/v1/dashboard/weekly?week_start=soon").await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
}

pub(crate) async fn fill(app: &TestApp, n: usize) {
    let mon = this_monday_in_tokyo();
    let ex = created(app, "/api/v1/exercises", json!({"name": "Squat"})).await;
    for i in 0..n {
        let p = created(app, "/api/v1/projects", json!({"name": format!("P{i}")})).await;
        let tasks = format!("/api/v1/projects/{}/tasks", p["id"].as_str().unwrap());
        for j in 0..n {
            created(app, &tasks, json!({"title": format!("t{j}"), "status": if j % 2 == 0 { "done" } else { "todo" }})).await;
        }
        let s = created(
            app,
            "/api/v1/workouts",
            json!({"started_at": tokyo(mon, 6)}),
        )
        .await;
        let id = s["id"].as_str().unwrap();
        for _ in 0..n {
            created(
                app,
                &format!("/api/v1/workouts/{id}/logs"),
                json!({"exercise_id": ex["id"], "reps": 5, "weight": 50}),
            )
            .await;
        }
        created(app, "/api/v1/captures", json!({"content": format!("c{i}")})).await;
        created(
            app,
            "/api/v1/calendar/events",
            json!({"title": "e", "start": tokyo(mon, 9), "rrule": "FREQ=DAILY"}),
        )
        .await;
        created(app, "/api/v1/journal/entries", json!({"entry_type": "morning_pages", "entry_date": mon - Days::new(i as u64), "content": {"body": "x"}})).await;
    }
}

async fn dashboard_statements(n: usize) -> usize {
    count_statements();
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    app.patch("/api/v1/settings", &json!({"timezone": "Asia/Tokyo"}))
        .await;
    fill(&app, n).await;
    // A first call warms the pool; the second is counted.
    assert_eq!(app.get("/api/v1/dashboard/weekly").await.status(), 200);
    let before = statements(&app);
    assert_eq!(app.get("/api/v1/dashboard/weekly").await.status(), 200);
    statements(&app) - before
}

#[tokio::test]
async fn the_statement_count_does_not_grow_with_the_account() {
    let small = dashboard_statements(1).await;
    let large = dashboard_statements(12).await;
    assert!(small > 0, "the counter sees the requests");
    assert_eq!(
        small, large,
        "1 of each vs 12 projects x 12 tasks, 12 sessions x 12 sets, ..."
    );
    // 9 statements (the session's user, the settings, 4 facts, the journal
    // runs, the events and their overrides) plus the pool's check of each
    // of the 5 connections checked out.
    assert!(small <= 14, "{small} statements for one dashboard");
}
