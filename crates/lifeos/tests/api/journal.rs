//! API.md section 3 over HTTP.

use crate::helpers::{TestApp, assert_error, client};
use serde_json::{Value, json};

fn pages(date: &str, body: &str) -> Value {
    json!({"entry_type": "morning_pages", "entry_date": date, "content": {"body": body}})
}

fn review(date: &str) -> Value {
    json!({"entry_type": "weekly_review", "entry_date": date, "content": {
        "big_wins": "shipped", "challenges": "time", "learnings": "focus", "next_week_focus": "rest"}})
}

#[tokio::test]
async fn entries_can_be_created_read_changed_and_deleted() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let res = app
        .post(
            "/api/v1/journal/entries",
            &json!({"entry_type": "morning_pages", "entry_date": "2026-11-24",
            "content": {"body": "three little words", "mood": "good day", "n": 4}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["entry_type"], "morning_pages");
    assert_eq!(e["entry_date"], "2026-11-24");
    assert_eq!(e["word_count"], 5);
    assert_eq!(e["content"]["n"], 4, "other keys are kept");
    let keys: Vec<&String> = e.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7, "{e}");
    let id = e["id"].as_str().unwrap();
    let got: Value = app
        .get(&format!("/api/v1/journal/entries/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got, e);
    let res = app
        .patch(
            &format!("/api/v1/journal/entries/{id}"),
            &json!({"content": {"body": "replaced"}}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(
        changed["content"],
        json!({"body": "replaced"}),
        "content is replaced whole"
    );
    assert_eq!(changed["word_count"], 1);
    assert_eq!(changed["entry_date"], "2026-11-24");
    let res = app
        .patch(
            &format!("/api/v1/journal/entries/{id}"),
            &json!({"entry_date": "2026-11-20"}),
        )
        .await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["entry_date"],
        "2026-11-20"
    );
    assert_eq!(
        app.delete(&format!("/api/v1/journal/entries/{id}"))
            .await
            .status(),
        204
    );
    assert_error(
        app.get(&format!("/api/v1/journal/entries/{id}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        app.delete(&format!("/api/v1/journal/entries/{id}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn invalid_entries_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let cases = [
        (
            json!({"entry_type": "dream", "content": {"body": "x"}}),
            "entry_type",
        ),
        (
            json!({"entry_type": "morning_pages", "content": {}}),
            "content.body",
        ),
        (
            json!({"entry_type": "morning_pages", "content": {"body": "  \n "}}),
            "content.body",
        ),
        (
            json!({"entry_type": "morning_pages", "content": {"body": 7}}),
            "content.body",
        ),
        (
            json!({"entry_type": "morning_pages", "content": "text"}),
            "content",
        ),
        (
            json!({"entry_type": "daily_reflection", "content": {"went_well": "a", "to_improve": "b"}}),
            "content.grateful_for",
        ),
        (
            json!({"entry_type": "morning_pages", "entry_date": "2026-13-01", "content": {"body": "x"}}),
            "entry_date",
        ),
        (json!({"content": {"body": "x"}}), "entry_type"),
    ];
    for (body, field) in cases {
        let got = assert_error(
            app.post("/api/v1/journal/entries", &body).await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(got["field"], field, "{body}");
    }
    let e: Value = app
        .post("/api/v1/journal/entries", &pages("2026-11-24", "x"))
        .await
        .json()
        .await
        .unwrap();
    let id = e["id"].as_str().unwrap();
    for (body, field) in [
        (json!({"content": {"body": ""}}), "content.body"),
        (json!({"content": null}), "content"),
        (json!({"entry_type": "weekly_review"}), ""),
    ] {
        let got = assert_error(
            app.patch(&format!("/api/v1/journal/entries/{id}"), &body)
                .await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        if !field.is_empty() {
            assert_eq!(got["field"], field, "{body}");
        }
    }
}

#[tokio::test]
async fn a_second_entry_of_a_kind_on_a_day_is_409_also_when_moved_there() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    assert_eq!(
        app.post("/api/v1/journal/entries", &pages("2026-11-24", "a"))
            .await
            .status(),
        201
    );
    assert_error(
        app.post("/api/v1/journal/entries", &pages("2026-11-24", "b"))
            .await,
        409,
        "DUPLICATE_ENTRY",
    )
    .await;
    let other = json!({"entry_type": "daily_reflection", "entry_date": "2026-11-24",
        "content": {"went_well": "a", "to_improve": "b", "grateful_for": "c"}});
    assert_eq!(
        app.post("/api/v1/journal/entries", &other).await.status(),
        201,
        "other kinds are independent"
    );
    let e: Value = app
        .post("/api/v1/journal/entries", &pages("2026-11-23", "c"))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .patch(
            &format!("/api/v1/journal/entries/{}", e["id"].as_str().unwrap()),
            &json!({"entry_date": "2026-11-24"}),
        )
        .await;
    assert_error(res, 409, "DUPLICATE_ENTRY").await;
}

#[tokio::test]
async fn ten_concurrent_identical_posts_create_exactly_one_entry() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let body = pages("2026-11-24", "race");
    let requests = (0..10).map(|_| app.post("/api/v1/journal/entries", &body));
    let results = futures_util::future::join_all(requests).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        9,
        "{statuses:?}"
    );
    let list: Value = app
        .get("/api/v1/journal/entries")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn weekly_reviews_are_unique_per_week_under_either_week_start() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    // Monday weeks: Wed 25th and Sun 29th share the week of Mon 23rd.
    assert_eq!(
        app.post("/api/v1/journal/entries", &review("2026-11-25"))
            .await
            .status(),
        201
    );
    assert_error(
        app.post("/api/v1/journal/entries", &review("2026-11-29"))
            .await,
        409,
        "DUPLICATE_ENTRY",
    )
    .await;
    assert_eq!(
        app.post("/api/v1/journal/entries", &review("2026-11-30"))
            .await
            .status(),
        201
    );
    // Sunday weeks: Sun 6th and Sat 12th share a week; Sun 13th starts the next.
    app.patch("/api/v1/settings", &json!({"week_start": "sunday"}))
        .await;
    assert_eq!(
        app.post("/api/v1/journal/entries", &review("2026-12-06"))
            .await
            .status(),
        201
    );
    assert_error(
        app.post("/api/v1/journal/entries", &review("2026-12-12"))
            .await,
        409,
        "DUPLICATE_ENTRY",
    )
    .await;
    assert_eq!(
        app.post("/api/v1/journal/entries", &review("2026-12-13"))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn search_uses_english_stemming_and_combines_with_filters() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    app.post(
        "/api/v1/journal/entries",
        &pages("2026-11-20", "She runs every morning"),
    )
    .await;
    app.post(
        "/api/v1/journal/entries",
        &pages("2026-11-21", "Quiet reading day"),
    )
    .await;
    app.post("/api/v1/journal/entries", &json!({"entry_type": "daily_reflection", "entry_date": "2026-11-21",
        "content": {"went_well": "running club", "to_improve": "sleep", "grateful_for": "friends"}})).await;
    let found: Value = app
        .get("/api/v1/journal/entries?q=running")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 2, "{found}");
    assert_eq!(
        found["items"][0]["entry_date"], "2026-11-21",
        "newest first"
    );
    let found: Value = app
        .get("/api/v1/journal/entries?q=running&entry_type=morning_pages")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1);
    assert_eq!(
        found["items"][0]["content"]["body"],
        "She runs every morning"
    );
    let found: Value = app
        .get("/api/v1/journal/entries?q=running&date_from=2026-11-21")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1);
    let all: Value = app
        .get("/api/v1/journal/entries?q=")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["total"], 3, "empty q is no filter");
    let none: Value = app
        .get("/api/v1/journal/entries?q=zebra")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn lists_are_paginated_newest_first_with_bounds_checked() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    for day in 1..=5 {
        app.post(
            "/api/v1/journal/entries",
            &pages(&format!("2026-11-0{day}"), "x"),
        )
        .await;
    }
    let p: Value = app
        .get("/api/v1/journal/entries?page=2&per_page=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["total"], 5);
    assert_eq!(p["page"], 2);
    assert_eq!(p["per_page"], 2);
    let dates: Vec<&str> = p["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entry_date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-11-03", "2026-11-02"]);
    let d: Value = app
        .get("/api/v1/journal/entries")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (d["page"].as_i64(), d["per_page"].as_i64()),
        (Some(1), Some(20))
    );
    for (query, field) in [
        ("page=0", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=abc", "page"),
        ("entry_type=dream", "entry_type"),
        ("date_from=yesterday", "date_from"),
        ("date_from=2026-11-05&date_to=2026-11-01", "date_from"),
    ] {
        let got = assert_error(
            app.get(&format!("/api/v1/journal/entries?{query}")).await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(got["field"], field, "{query}");
    }
    let p: Value = app
        .get("/api/v1/journal/entries?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["items"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn another_users_entries_do_not_exist_for_you() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let e: Value = app
        .post("/api/v1/journal/entries", &pages("2026-11-24", "mine"))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/journal/entries/{}", e["id"].as_str().unwrap());
    let bob = TestApp {
        client: client(),
        ..app
    };
    bob.logged_in("bob").await;
    assert_error(bob.get(&path).await, 404, "NOT_FOUND").await;
    assert_error(
        bob.patch(&path, &json!({"content": {"body": "x"}})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(bob.delete(&path).await, 404, "NOT_FOUND").await;
    let list: Value = bob
        .get("/api/v1/journal/entries")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    // Bob may write his own entry for the same day.
    assert_eq!(
        bob.post("/api/v1/journal/entries", &pages("2026-11-24", "his"))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn status_reports_today_and_streaks_in_the_users_time_zone() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    app.patch(
        "/api/v1/settings",
        &json!({"timezone": "Pacific/Kiritimati"}),
    )
    .await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Pacific::Kiritimati)
        .date_naive();
    for back in 0..3 {
        let d = today - chrono::Days::new(back);
        app.post("/api/v1/journal/entries", &pages(&d.to_string(), "x"))
            .await;
    }
    let s: Value = app
        .get("/api/v1/journal/status")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["date"], today.to_string());
    assert_eq!(s["today"]["morning_pages"], true);
    assert_eq!(s["today"]["daily_reflection"], false);
    assert_eq!(
        s["streaks"]["morning_pages"],
        json!({"current": 3, "longest": 3})
    );
    assert_eq!(
        s["streaks"]["weekly_review"],
        json!({"current": 0, "longest": 0})
    );
    let week = lifeos_kernel::WeekStart::Monday.week_of(today);
    assert_eq!(s["week_start"], week.to_string());
    app.post("/api/v1/journal/entries", &review(&today.to_string()))
        .await;
    let s: Value = app
        .get("/api/v1/journal/status")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["today"]["weekly_review"], true);
    assert_eq!(s["streaks"]["weekly_review"]["current"], 1);
    for weeks_back in [1, 2, 4] {
        let d = today - chrono::Days::new(7 * weeks_back);
        assert_eq!(
            app.post("/api/v1/journal/entries", &review(&d.to_string()))
                .await
                .status(),
            201
        );
    }
    let s: Value = app
        .get("/api/v1/journal/status")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        s["streaks"]["weekly_review"],
        json!({"current": 3, "longest": 3})
    );
    // Deleting yesterday's entry splits the daily run: today alone remains.
    let list: Value = app
        .get("/api/v1/journal/entries?entry_type=morning_pages")
        .await
        .json()
        .await
        .unwrap();
    let yesterday = (today - chrono::Days::new(1)).to_string();
    let y = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entry_date"] == yesterday.as_str())
        .unwrap();
    app.delete(&format!(
        "/api/v1/journal/entries/{}",
        y["id"].as_str().unwrap()
    ))
    .await;
    let s: Value = app
        .get("/api/v1/journal/status")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        s["streaks"]["morning_pages"],
        json!({"current": 1, "longest": 1})
    );
}
