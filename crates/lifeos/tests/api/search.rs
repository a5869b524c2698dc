//! `GET /api/v1/search` (issue 13) against a real PostgreSQL: one ranked
//! list over every module, prefixes while typing, kinds, pages, escaped
//! snippets, checked input, and nothing of another user.

use crate::helpers::{TestApp, assert_error};
use serde_json::{Value, json};

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let res = app.post(path, &body).await;
    assert_eq!(res.status(), 201, "{path} {body}");
    res.json().await.unwrap()
}

async fn search(app: &TestApp, query: &str) -> Value {
    let res = app.get(&format!("/api/v1/search?{query}")).await;
    assert_eq!(res.status(), 200, "{query}");
    res.json().await.unwrap()
}

fn types(page: &Value) -> Vec<String> {
    let mut t: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["type"].as_str().unwrap().to_string())
        .collect();
    t.sort();
    t
}

async fn seed(app: &TestApp) {
    created(
        app,
        "/api/v1/journal/entries",
        json!({"entry_type": "morning_pages",
        "content": {"body": "Called the landlord about the boiler again."}}),
    )
    .await;
    let p = created(app, "/api/v1/projects", json!({"name": "Flat"})).await;
    let pid = p["id"].as_str().unwrap();
    created(
        app,
        &format!("/api/v1/projects/{pid}/tasks"),
        json!({"title": "Email the landlord", "description": "Ask about the deposit"}),
    )
    .await;
    created(
        app,
        &format!("/api/v1/projects/{pid}/notes"),
        json!({"title": "Contacts", "body": "The landlord's number is 555-0100."}),
    )
    .await;
    created(
        app,
        "/api/v1/captures",
        json!({"content": "<b>landlord</b> & boiler"}),
    )
    .await;
    created(
        app,
        "/api/v1/calendar/events",
        json!({"title": "Meet the landlord",
        "start": "2026-12-01T10:00:00Z", "location": "Flat 3"}),
    )
    .await;
    created(app, "/api/v1/captures", json!({"content": "Buy milk"})).await;
}

#[tokio::test]
async fn one_ranked_list_over_every_module() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    seed(&app).await;
    let page = search(&app, "q=landlord").await;
    assert_eq!(page["total"], 5);
    assert_eq!(
        (page["page"].clone(), page["per_page"].clone()),
        (json!(1), json!(20))
    );
    assert_eq!(
        types(&page),
        ["capture", "event", "journal", "note", "task"]
    );
    let items = page["items"].as_array().unwrap();
    let ranks: Vec<f64> = items.iter().map(|h| h["rank"].as_f64().unwrap()).collect();
    assert!(
        ranks.windows(2).all(|w| w[0] >= w[1]),
        "best first: {ranks:?}"
    );
    for h in items {
        assert!(
            h["snippet"].as_str().unwrap().contains("<mark>landlord"),
            "{h}"
        );
        assert!(h["date"].as_str().unwrap().len() == 10, "{h}");
    }
    let journal = items.iter().find(|h| h["type"] == "journal").unwrap();
    assert!(
        journal["title"]
            .as_str()
            .unwrap()
            .starts_with("Morning Pages, "),
        "{journal}"
    );
    // The user's text is escaped; only the marks are markup.
    let capture = items.iter().find(|h| h["type"] == "capture").unwrap();
    let snippet = capture["snippet"].as_str().unwrap();
    let unmarked = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !unmarked.contains('<') && !unmarked.contains('>'),
        "{snippet}"
    );
    assert!(
        snippet.contains("<mark>landlord</mark>") && snippet.contains("&amp;"),
        "{snippet}"
    );
    assert_eq!(capture["title"], "<b>landlord</b> & boiler");

    // While typing: the last word is a prefix.
    assert_eq!(search(&app, "q=landl").await["total"], 5);
    assert_eq!(search(&app, "q=the%20landl").await["total"], 5);
    // A finished word is whole (English stemming: "boilers" finds "boiler").
    assert_eq!(search(&app, "q=landl%20").await["total"], 0);
    assert_eq!(
        types(&search(&app, "q=boilers%20").await),
        ["capture", "journal"]
    );
    // Web-search syntax.
    assert_eq!(
        types(&search(&app, "q=landlord%20-boiler%20").await),
        ["event", "note", "task"]
    );
    assert_eq!(
        search(&app, "q=%22about%20the%20deposit%22").await["total"],
        1
    );
    // Kinds and pages.
    assert_eq!(
        types(&search(&app, "q=landlord&types=task,note").await),
        ["note", "task"]
    );
    let p3 = search(&app, "q=landlord&per_page=2&page=3").await;
    assert_eq!(
        (p3["items"].as_array().unwrap().len(), p3["total"].clone()),
        (1, json!(5))
    );
    let past = search(&app, "q=landlord&per_page=2&page=9").await;
    assert_eq!(
        (past["items"].clone(), past["total"].clone()),
        (json!([]), json!(5))
    );
    assert_eq!(
        search(&app, "q=zebra").await,
        json!({"items": [], "total": 0, "page": 1, "per_page": 20})
    );
}

/// Each table's stored `search` column follows its text: after an edit
/// the new words are found and the old ones are not, for every kind.
#[tokio::test]
async fn edits_are_searchable_at_once() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let p = created(&app, "/api/v1/projects", json!({"name": "Flat"})).await;
    let pid = p["id"].as_str().unwrap();
    let edits = [
        (
            created(
                &app,
                "/api/v1/journal/entries",
                json!({"entry_type": "morning_pages", "content": {"body": "walrus"}}),
            )
            .await,
            "/api/v1/journal/entries".to_string(),
            json!({"content": {"body": "pelican"}}),
        ),
        (
            created(
                &app,
                &format!("/api/v1/projects/{pid}/tasks"),
                json!({"title": "walrus"}),
            )
            .await,
            format!("/api/v1/projects/{pid}/tasks"),
            json!({"description": "pelican", "title": "task"}),
        ),
        (
            created(
                &app,
                &format!("/api/v1/projects/{pid}/notes"),
                json!({"title": "Zoo", "body": "walrus"}),
            )
            .await,
            format!("/api/v1/projects/{pid}/notes"),
            json!({"body": "pelican"}),
        ),
        (
            created(&app, "/api/v1/captures", json!({"content": "walrus"})).await,
            "/api/v1/captures".to_string(),
            json!({"content": "pelican"}),
        ),
        (
            created(
                &app,
                "/api/v1/calendar/events",
                json!({"title": "Zoo", "start": "2026-12-01T10:00:00Z", "location": "walrus"}),
            )
            .await,
            "/api/v1/calendar/events".to_string(),
            json!({"location": "pelican"}),
        ),
    ];
    assert_eq!(search(&app, "q=walrus%20").await["total"], 5);
    for (row, path, patch) in &edits {
        let url = format!("{path}/{}", row["id"].as_str().unwrap());
        let res = app.patch(&url, patch).await;
        assert_eq!(res.status(), 200, "{url} {patch}");
    }
    assert_eq!(search(&app, "q=walrus%20").await["total"], 0);
    assert_eq!(
        types(&search(&app, "q=pelican%20").await),
        ["capture", "event", "journal", "note", "task"]
    );
}

#[tokio::test]
async fn bad_queries_are_422_and_another_users_data_never_appears() {
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    seed(&app).await;
    for (query, field) in [
        ("", "q"),
        ("q=%20%20", "q"),
        ("q=a%00b", "q"),
        ("q=landlord&types=photo", "types"),
        ("q=landlord&per_page=101", "per_page"),
    ] {
        let res = app.get(&format!("/api/v1/search?{query}")).await;
        let body = assert_error(res, 422, "VALIDATION_ERROR").await;
        assert_eq!(body["field"], field, "{query}");
    }
    let long = "a".repeat(201);
    let res = app.get(&format!("/api/v1/search?q={long}")).await;
    assert_error(res, 422, "VALIDATION_ERROR").await;
    // Odd input is a query, never a 500.
    for odd in [
        "%26%7C%21%3A*",
        "%22",
        "-",
        "or",
        "a%3A*%20b",
        "%27%27",
        "%5C",
    ] {
        let res = app.get(&format!("/api/v1/search?q={odd}")).await;
        assert_eq!(res.status(), 200, "{odd}");
    }
    let bob = TestApp::other_user_on_same(&app).await;
    let page: Value = bob
        .get("/api/v1/search?q=landlord")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 0, "{page}");
}

/// The numbers in the titles of a page's hits ("dense 17" → 17).
fn numbers(page: &Value) -> Vec<i64> {
    let mut n: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let title = h["title"].as_str().unwrap();
            title.rsplit(' ').next().unwrap().parse().unwrap()
        })
        .collect();
    n.sort_unstable();
    n
}

#[tokio::test]
async fn a_kind_with_more_matches_than_the_cap_answers_its_newest_ones() {
    use lifeos_app::search::HITS_PER_KIND;
    let cap = i64::try_from(HITS_PER_KIND).unwrap();
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    // Captures: `dense` in the 150 newest (the walk of the newest rows
    // finds the cap of them), `sparse` in 120 behind 500 others (past the
    // walk's window: only the word index reaches them), `rare` in 3. The
    // journal: `daily` in 150 days of entries.
    let owner = "(SELECT id FROM users WHERE username = 'ada')";
    crate::helpers::sql(
        app.db.url(),
        &format!(
            "INSERT INTO captures (id, user_id, content, source, status, created_at)
               SELECT gen_random_uuid(), {owner}, 'filler ' || k, 'web', 'inbox', now() - make_interval(hours => 12, secs => k)
                 FROM generate_series(1, 500) k;
             INSERT INTO captures (id, user_id, content, source, status, created_at)
               SELECT gen_random_uuid(), {owner}, 'dense ' || k, 'web', 'inbox', now() - make_interval(mins => k)
                 FROM generate_series(1, 150) k;
             INSERT INTO captures (id, user_id, content, source, status, created_at)
               SELECT gen_random_uuid(), {owner}, 'sparse ' || k, 'web', 'inbox', now() - make_interval(days => 1, mins => k)
                 FROM generate_series(1, 120) k;
             INSERT INTO captures (id, user_id, content, source, status, created_at)
               SELECT gen_random_uuid(), {owner}, 'rare ' || k, 'web', 'inbox', now() - make_interval(days => 2, mins => k)
                 FROM generate_series(1, 3) k;
             INSERT INTO journal_entries (id, user_id, entry_type, entry_date, period_start, content, word_count, created_at, updated_at)
               SELECT gen_random_uuid(), {owner}, 'morning_pages', current_date - k, current_date - k,
                      jsonb_build_object('body', 'daily ' || k), 2, now(), now()
                 FROM generate_series(0, 149) k;"
        ),
    )
    .await;
    let newest: Vec<i64> = (1..=cap).collect();
    for query in ["q=dense%20", "q=dens", "q=sparse%20", "q=spar"] {
        let first = search(&app, &format!("{query}&types=capture&per_page=100")).await;
        assert_eq!(first["total"], cap, "{query}");
        assert_eq!(numbers(&first), newest, "{query}");
        // Every page of the total can be reached, and no further.
        let second = search(&app, &format!("{query}&types=capture&per_page=60&page=2")).await;
        assert_eq!(second["items"].as_array().unwrap().len(), 40, "{query}");
        let past = search(&app, &format!("{query}&types=capture&per_page=60&page=3")).await;
        assert_eq!(
            (past["total"].clone(), past["items"].clone()),
            (json!(cap), json!([]))
        );
    }
    let rare = search(&app, "q=rare&types=capture").await;
    assert_eq!(numbers(&rare), vec![1, 2, 3]);
    // The journal's newest `daily` entries are days 0 to cap - 1 back.
    let daily = search(&app, "q=daily&types=journal&per_page=100").await;
    assert_eq!(daily["total"], cap);
    let today = chrono::Utc::now().date_naive();
    let mut back: Vec<i64> = daily["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (today
                - h["date"]
                    .as_str()
                    .unwrap()
                    .parse::<chrono::NaiveDate>()
                    .unwrap())
            .num_days()
        })
        .collect();
    back.sort_unstable();
    assert_eq!(back, (0..cap).collect::<Vec<_>>());
    // Each kind has its own cap: a task beside the captures is still found.
    let p = created(&app, "/api/v1/projects", json!({"name": "Flat"})).await;
    let pid = p["id"].as_str().unwrap();
    created(
        &app,
        &format!("/api/v1/projects/{pid}/tasks"),
        json!({"title": "A dense task"}),
    )
    .await;
    let both = search(&app, "q=dense&types=capture,task").await;
    assert_eq!(both["total"], cap + 1);
}
