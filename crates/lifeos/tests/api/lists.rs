//! Every paginated list answers its page and its total in one statement,
//! with the session's check folded in, and the total is right on a full
//! page, a partial one and past the end.

use serde_json::{Value, json};

use crate::dashboard::{count_statements, statements};
use crate::helpers::TestApp;

async fn created(app: &TestApp, path: &str, body: Value) -> Value {
    let res = app.post(path, &body).await;
    assert_eq!(res.status(), 201, "{path}");
    res.json().await.unwrap()
}

/// Items and total of `path` at `page` (2 per page), and the statements
/// the request ran.
async fn page(app: &TestApp, path: &str, page: u32) -> (usize, i64, usize) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let before = statements(app);
    let res = app.get(&format!("{path}{sep}per_page=2&page={page}")).await;
    let ran = statements(app) - before;
    assert_eq!(res.status(), 200, "{path}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["page"], page);
    assert_eq!(body["per_page"], 2);
    (
        body["items"].as_array().unwrap().len(),
        body["total"].as_i64().unwrap(),
        ran,
    )
}

#[tokio::test]
async fn page_and_total_are_one_statement_and_right_everywhere() {
    count_statements();
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let mut project = Value::Null;
    for i in 0..3 {
        created(
            &app,
            "/api/v1/journal/entries",
            json!({"entry_type": "morning_pages", "entry_date": format!("2026-11-2{i}"),
                   "content": {"body": "words"}}),
        )
        .await;
        created(
            &app,
            "/api/v1/captures",
            json!({"content": format!("c{i}")}),
        )
        .await;
        project = created(&app, "/api/v1/projects", json!({"name": format!("p{i}")})).await;
    }
    let tasks = format!("/api/v1/projects/{}/tasks", project["id"].as_str().unwrap());
    for i in 0..3 {
        created(&app, &tasks, json!({"title": format!("t{i}")})).await;
    }
    // Each list checks the session in its own statement.
    for path in [
        "/api/v1/journal/entries",
        "/api/v1/journal/entries?q=words",
        "/api/v1/captures",
        "/api/v1/captures?status=inbox",
        "/api/v1/projects",
        "/api/v1/projects?status=active",
        "/api/v1/tasks",
        "/api/v1/tasks?status=todo",
    ] {
        // Warm the connection (the first use of a connection may run
        // its setup).
        page(&app, path, 1).await;
        assert_eq!(page(&app, path, 1).await, (2, 3, 1), "{path} full page");
        assert_eq!(page(&app, path, 2).await, (1, 3, 1), "{path} last page");
        // Past the end no row carries the total: one more count (and, where
        // the list checks the session, one probe for whether it stands).
        assert_eq!(page(&app, path, 3).await, (0, 3, 3), "{path} past the end");
    }
    // A filter that matches nothing on the first page needs no count; the
    // session's standing is probed once.
    assert_eq!(
        page(&app, "/api/v1/journal/entries?q=absent", 1).await,
        (0, 0, 2)
    );
}
