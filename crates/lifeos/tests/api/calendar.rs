//! API.md section 7 against a real PostgreSQL: events, the occurrences
//! window, single-occurrence changes, and capture → event conversion.

use crate::helpers::sql_count as count;
use crate::helpers::{TestApp, assert_error, client};
use serde_json::{Value, json};

async fn create(app: &TestApp, body: Value) -> Value {
    let res = app.post("/api/v1/calendar/events", &body).await;
    assert_eq!(res.status(), 201, "{body}");
    res.json().await.unwrap()
}

async fn occurrences(app: &TestApp, from: &str, to: &str) -> Vec<Value> {
    let res = app
        .get(&format!("/api/v1/calendar/occurrences?from={from}&to={to}"))
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn starts(list: &[Value]) -> Vec<&str> {
    list.iter().map(|o| o["start"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn events_are_created_read_listed_changed_and_deleted() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    app.patch("/api/v1/settings", &json!({"timezone": "Europe/Berlin"}))
        .await;
    let e = create(
        &app,
        json!({"title": " Standup ", "start": "2026-11-23T08:00:00Z", "rrule": "FREQ=WEEKLY;BYDAY=MO,WE", "color": "#aabbcc"}),
    )
    .await;
    assert_eq!(e["title"], "Standup");
    assert_eq!(e["end"], "2026-11-23T09:00:00Z", "an hour by default");
    assert_eq!(e["timezone"], "Europe/Berlin", "the user's zone by default");
    assert_eq!(e["all_day"], false);
    assert_eq!(e["exdates"], json!([]));
    for key in [
        "id",
        "description",
        "location",
        "created_at",
        "updated_at",
        "rrule",
        "color",
    ] {
        assert!(e.get(key).is_some(), "{key}");
    }
    let id = e["id"].as_str().unwrap();
    let got: Value = app
        .get(&format!("/api/v1/calendar/events/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got, e);
    let day = create(
        &app,
        json!({"title": "Holiday", "start": "2026-12-24", "all_day": true}),
    )
    .await;
    assert_eq!(
        (day["start"].as_str(), day["end"].as_str()),
        (Some("2026-12-24"), Some("2026-12-25"))
    );
    let page: Value = app
        .get("/api/v1/calendar/events?per_page=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            page["total"].as_i64(),
            page["items"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );
    assert_eq!(page["items"][0]["id"], e["id"]);

    let res = app
        .patch(
            &format!("/api/v1/calendar/events/{id}"),
            &json!({"title": "Sync", "color": null, "location": "Room 1"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_eq!(
        (changed["title"].as_str(), changed["location"].as_str()),
        (Some("Sync"), Some("Room 1"))
    );
    assert!(changed["color"].is_null());
    assert_eq!(changed["start"], e["start"]);
    assert_eq!(
        app.delete(&format!("/api/v1/calendar/events/{id}"))
            .await
            .status(),
        204
    );
    assert_error(
        app.get(&format!("/api/v1/calendar/events/{id}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn each_invalid_event_is_422_naming_the_field_and_why() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let base = json!({"title": "x", "start": "2026-11-23T08:00:00Z"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with("rrule", json!("FREQ=DAILY;FOO=1")),
            "rrule",
            "unknown part",
        ),
        (
            with("rrule", json!("FREQ=DAILY;COUNT=2;UNTIL=20261201T000000Z")),
            "rrule",
            "COUNT and UNTIL",
        ),
        (with("rrule", json!("FREQ=WEEKLY;BYDAY=XX")), "rrule", "XX"),
        (
            with("rrule", json!("FREQ=MONTHLY;BYSETPOS=1")),
            "rrule",
            "BYSETPOS",
        ),
        (with("rrule", json!("FREQ=MINUTELY")), "rrule", "MINUTELY"),
        (with("rrule", json!("FREQ=SECONDLY")), "rrule", "SECONDLY"),
        (with("end", json!("2026-11-23T07:00:00Z")), "end", "before"),
        (with("start", json!("2026-11-23")), "start", "RFC 3339"),
        (
            with("timezone", json!("Mars/Olympus")),
            "timezone",
            "unknown",
        ),
        (with("color", json!("red")), "color", "#RRGGBB"),
        (with("title", json!("  ")), "title", "empty"),
        (
            with("exdates", json!(["2026-11-24"])),
            "exdates[0]",
            "RFC 3339",
        ),
        (
            json!({"title": "x", "start": "2026-12-24T00:00:00Z", "all_day": true}),
            "start",
            "date",
        ),
    ];
    for (body, field, why) in cases {
        let err = assert_error(
            app.post("/api/v1/calendar/events", &body).await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(err["field"], field, "{body}");
        assert!(
            err["detail"].as_str().unwrap().contains(why),
            "{body}: {err}"
        );
    }
    let page: Value = app
        .get("/api/v1/calendar/events")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 0);
}

#[tokio::test]
async fn a_weekly_berlin_event_stays_at_nine_across_dst_in_the_occurrences() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    create(
        &app,
        json!({"title": "Standup", "start": "2026-10-19T07:00:00Z", "timezone": "Europe/Berlin", "rrule": "FREQ=WEEKLY"}),
    )
    .await;
    let list = occurrences(&app, "2026-10-19", "2026-11-01").await;
    assert_eq!(
        starts(&list),
        ["2026-10-19T07:00:00Z", "2026-10-26T08:00:00Z"],
        "09:00 Berlin is 07:00Z in summer time and 08:00Z after"
    );
    assert_eq!(list[0]["recurring"], true);
    assert_eq!(list[0]["recurrence_id"], list[0]["start"]);
    assert_eq!(list[0]["end"], "2026-10-19T08:00:00Z");
}

#[tokio::test]
async fn the_window_is_in_the_users_zone_and_bounded() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    // The user lives in Tokyo (+09:00); the event is in New York.
    app.patch("/api/v1/settings", &json!({"timezone": "Asia/Tokyo"}))
        .await;
    create(
        &app,
        json!({"title": "Call", "start": "2026-11-23T16:00:00Z", "timezone": "America/New_York"}),
    )
    .await;
    // 16:00Z on the 23rd is 01:00 on the 24th in Tokyo.
    assert!(
        occurrences(&app, "2026-11-23", "2026-11-23")
            .await
            .is_empty()
    );
    let list = occurrences(&app, "2026-11-24", "2026-11-24").await;
    assert_eq!(starts(&list), ["2026-11-23T16:00:00Z"]);
    assert_eq!(list[0]["recurring"], false);
    assert!(list[0]["recurrence_id"].is_null());
    // A long event that began before the window and still runs is listed.
    create(
        &app,
        json!({"title": "Trip", "start": "2026-11-20T00:00:00Z", "end": "2026-11-30T00:00:00Z"}),
    )
    .await;
    assert_eq!(occurrences(&app, "2026-11-26", "2026-11-26").await.len(), 1);

    for (q, field) in [
        ("from=2026-11-24&to=2026-11-23", "to"),
        ("from=2026-01-01&to=2027-01-02", "to"),
        ("from=2026-11-24", "to"),
        ("from=24.11.2026&to=2026-11-25", "from"),
    ] {
        let err = assert_error(
            app.get(&format!("/api/v1/calendar/occurrences?{q}")).await,
            422,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(err["field"], field, "{q}");
    }
    assert_eq!(
        app.get("/api/v1/calendar/occurrences?from=2026-01-01&to=2027-01-01")
            .await
            .status(),
        200,
        "366 days is the most"
    );
}

#[tokio::test]
async fn one_occurrence_can_be_moved_or_skipped_and_only_a_generated_one() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let e = create(
        &app,
        json!({"title": "Standup", "start": "2026-11-23T08:00:00Z", "rrule": "FREQ=DAILY;COUNT=5"}),
    )
    .await;
    let id = e["id"].as_str().unwrap();
    let url = |rid: &str| format!("/api/v1/calendar/events/{id}/occurrences/{rid}");

    let res = app
        .patch(
            &url("2026-11-24T08:00:00Z"),
            &json!({"title": "Late", "start": "2026-11-24T10:00:00Z"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let moved: Value = res.json().await.unwrap();
    assert_eq!(
        moved,
        json!({"event_id": id, "title": "Late", "start": "2026-11-24T10:00:00Z", "end": "2026-11-24T11:00:00Z",
               "all_day": false, "recurring": true, "recurrence_id": "2026-11-24T08:00:00Z"})
    );
    let day = occurrences(&app, "2026-11-24", "2026-11-24").await;
    assert_eq!(day, vec![moved]);

    assert_eq!(app.delete(&url("2026-11-25T08:00:00Z")).await.status(), 204);
    assert!(
        occurrences(&app, "2026-11-25", "2026-11-25")
            .await
            .is_empty()
    );
    let got: Value = app
        .get(&format!("/api/v1/calendar/events/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["exdates"], json!(["2026-11-25T08:00:00Z"]));

    for rid in [
        "2026-11-25T08:00:00Z",
        "2026-11-24T08:30:00Z",
        "2026-11-28T08:00:00Z",
        "not-a-time",
    ] {
        assert_error(app.delete(&url(rid)).await, 404, "NOT_FOUND").await;
        assert_error(
            app.patch(&url(rid), &json!({"title": "x"})).await,
            404,
            "NOT_FOUND",
        )
        .await;
    }
    let err = assert_error(
        app.patch(
            &url("2026-11-26T08:00:00Z"),
            &json!({"end": "2026-11-26T07:00:00Z"}),
        )
        .await,
        422,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(err["field"], "end");

    // Changing the series drops the changes it no longer generates.
    let res = app
        .patch(
            &format!("/api/v1/calendar/events/{id}"),
            &json!({"rrule": "FREQ=DAILY;INTERVAL=2;COUNT=3"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let week = occurrences(&app, "2026-11-23", "2026-11-30").await;
    assert_eq!(
        starts(&week),
        ["2026-11-23T08:00:00Z", "2026-11-27T08:00:00Z"],
        "the 25th stays skipped"
    );
    let rows: i64 = count(&app, "SELECT count(*) AS n FROM event_overrides").await;
    assert_eq!(
        rows, 0,
        "the moved 24th is no longer generated, so its change is gone"
    );
}

#[tokio::test]
async fn all_day_events_use_dates_everywhere() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let e = create(
        &app,
        json!({"title": "Birthday", "start": "2026-03-14", "all_day": true, "rrule": "FREQ=YEARLY", "exdates": ["2027-03-14"]}),
    )
    .await;
    assert_eq!(e["exdates"], json!(["2027-03-14"]));
    let id = e["id"].as_str().unwrap();
    let list = occurrences(&app, "2028-03-14", "2028-03-14").await;
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0]["start"].as_str(), list[0]["end"].as_str()),
        (Some("2028-03-14"), Some("2028-03-15"))
    );
    assert_eq!(list[0]["recurrence_id"], "2028-03-14");
    assert_eq!(list[0]["all_day"], true);
    assert!(
        occurrences(&app, "2027-01-01", "2027-12-31")
            .await
            .is_empty(),
        "2027 is skipped"
    );
    let res = app
        .patch(
            &format!("/api/v1/calendar/events/{id}/occurrences/2029-03-14"),
            &json!({"start": "2029-03-15"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let o: Value = res.json().await.unwrap();
    assert_eq!(
        (o["start"].as_str(), o["end"].as_str()),
        (Some("2029-03-15"), Some("2029-03-16"))
    );
}

#[tokio::test]
async fn another_users_events_are_not_found_anywhere() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let e = create(
        &app,
        json!({"title": "Mine", "start": "2026-11-23T08:00:00Z", "rrule": "FREQ=DAILY"}),
    )
    .await;
    let id = e["id"].as_str().unwrap();
    let other = TestApp {
        client: client(),
        ..app
    };
    other.logged_in("bob").await;
    assert_error(
        other.get(&format!("/api/v1/calendar/events/{id}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        other
            .patch(
                &format!("/api/v1/calendar/events/{id}"),
                &json!({"title": "x"}),
            )
            .await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(
        other.delete(&format!("/api/v1/calendar/events/{id}")).await,
        404,
        "NOT_FOUND",
    )
    .await;
    let occ = format!("/api/v1/calendar/events/{id}/occurrences/2026-11-24T08:00:00Z");
    assert_error(
        other.patch(&occ, &json!({"title": "x"})).await,
        404,
        "NOT_FOUND",
    )
    .await;
    assert_error(other.delete(&occ).await, 404, "NOT_FOUND").await;
    let theirs: Vec<Value> = other
        .get("/api/v1/calendar/occurrences?from=2026-11-23&to=2026-11-30")
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs.is_empty());
    let page: Value = other
        .get("/api/v1/calendar/events")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 0);
}

#[tokio::test]
async fn a_capture_becomes_an_event_or_stays_in_the_inbox() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    app.patch("/api/v1/settings", &json!({"timezone": "Europe/Berlin"}))
        .await;
    let c: Value = app
        .post("/api/v1/captures", &json!({"content": "Dentist at 9"}))
        .await
        .json()
        .await
        .unwrap();
    let url = format!("/api/v1/captures/{}/convert", c["id"].as_str().unwrap());
    let bad = app
        .post(&url, &json!({"type": "event", "start": "2026-12-01T08:00:00Z", "rrule": "FREQ=DAILY;BYDAY=XX"}))
        .await;
    assert_error(bad, 422, "VALIDATION_ERROR").await;
    let still: Value = app
        .get(&format!("/api/v1/captures/{}", c["id"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(still["status"], "inbox");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM events").await, 0);

    let res = app
        .post(
            &url,
            &json!({"type": "event", "start": "2026-12-01T08:00:00Z"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let out: Value = res.json().await.unwrap();
    let event = &out["target"];
    assert_eq!(event["title"], "Dentist at 9");
    assert_eq!(event["end"], "2026-12-01T09:00:00Z");
    assert_eq!(event["timezone"], "Europe/Berlin");
    assert_eq!(out["capture"]["status"], "processed");
    assert_eq!(
        out["capture"]["converted_to"],
        json!({"type": "event", "id": event["id"]})
    );
    assert_eq!(occurrences(&app, "2026-12-01", "2026-12-01").await.len(), 1);
    assert_error(
        app.post(
            &url,
            &json!({"type": "event", "start": "2026-12-01T08:00:00Z"}),
        )
        .await,
        409,
        "CONFLICT",
    )
    .await;
}

#[tokio::test]
async fn an_event_row_that_breaks_the_span_rule_is_refused_by_the_database() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let app = TestApp::spawn().await;
    let user = app.logged_in("ada").await;
    let mut c = AsyncPgConnection::establish(app.db.url()).await.unwrap();
    let insert = |end: &str| {
        format!(
            "INSERT INTO events (id, user_id, title, all_day, starts_at, ends_at, timezone, created_at, updated_at) \
             VALUES (gen_random_uuid(), '{}', 't', false, '2026-11-23T08:00:00Z', '{end}', 'UTC', now(), now())",
            user["id"].as_str().unwrap()
        )
    };
    assert!(
        c.batch_execute(&insert("2026-11-23T07:00:00Z"))
            .await
            .is_err(),
        "ck_events_span"
    );
    assert!(
        c.batch_execute(&insert("2026-11-23T08:00:00Z"))
            .await
            .is_ok()
    );
}
