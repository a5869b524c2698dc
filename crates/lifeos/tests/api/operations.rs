//! Health, the OpenAPI document, and architecture rules.

use crate::helpers::TestApp;
use serde_json::Value;

#[tokio::test]
async fn health_and_readiness_answer_ok() {
    let app = TestApp::spawn().await;
    for path in ["/health", "/health/ready"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body, serde_json::json!({"status": "ok"}));
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_registered_route() {
    let app = TestApp::spawn().await;
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let routes = lifeos::http::routes();
    assert!(routes.listed().len() >= 10);
    for (method, path) in routes.listed() {
        let op = &doc["paths"][path][method.as_str().to_lowercase()];
        assert!(
            op.is_object(),
            "{method} {path} is missing from the OpenAPI document"
        );
        assert!(
            op["responses"].is_object(),
            "{method} {path} has no responses"
        );
        for (status, r) in op["responses"].as_object().unwrap() {
            assert!(
                r["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{method} {path} {status} has no description (OpenAPI 3.1 requires one)"
            );
        }
        for p in op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap();
            let expected = if path.contains(&format!("{{{name}}}")) {
                "path"
            } else if p["in"] == "header" {
                "header"
            } else {
                "query"
            };
            assert_eq!(p["in"], expected, "{method} {path} parameter {name}");
        }
        let secured =
            path.starts_with("/api/v1/") || path == "/api/auth/me" || path == "/api/auth/password";
        if secured {
            assert!(
                op["security"].is_array(),
                "{method} {path} names no security scheme"
            );
        }
    }
    for scheme in ["cookie", "api_key"] {
        assert!(
            doc["components"]["securitySchemes"][scheme].is_object(),
            "{scheme}"
        );
    }
}

/// The hexagonal rule: domain crates never reach diesel, actix or the
/// PostgreSQL driver, directly or through another crate.
#[test]
fn domain_crates_do_not_depend_on_diesel_actix_or_postgres_drivers() {
    // Only the host's dependency graph: a fresh cargo home holds the crates
    // of this platform, not every platform in the lockfile, and `--offline`
    // must not need the others (android_system_properties & co).
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
        .arg("-vV")
        .output()
        .expect("rustc -vV");
    let host = String::from_utf8_lossy(&rustc.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .expect("host triple");
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--offline",
            "--filter-platform",
            &host,
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: Value = serde_json::from_slice(&out.stdout).unwrap();
    let nodes = meta["resolve"]["nodes"].as_array().unwrap();
    let name_of = |id: &str| -> String {
        meta["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["name"].as_str().unwrap().to_string())
            .unwrap()
    };
    let forbidden = [
        "diesel",
        "diesel-async",
        "deadpool",
        "tokio-postgres",
        "actix-web",
        "actix-http",
        "actix-cors",
    ];
    for domain in [
        "lifeos-kernel",
        "lifeos-auth",
        "lifeos-journal",
        "lifeos-workouts",
        "lifeos-projects",
        "lifeos-captures",
        "lifeos-calendar",
    ] {
        let root = nodes
            .iter()
            .find(|n| name_of(n["id"].as_str().unwrap()) == domain)
            .unwrap();
        let mut stack = vec![root["id"].as_str().unwrap().to_string()];
        let mut seen = std::collections::HashSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let node = nodes.iter().find(|n| n["id"] == id.as_str()).unwrap();
            for dep in node["deps"].as_array().unwrap() {
                // Only normal (non-dev, non-build) dependencies count.
                let normal = dep["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|k| k["kind"].is_null());
                if !normal {
                    continue;
                }
                let dep_id = dep["pkg"].as_str().unwrap();
                let name = name_of(dep_id);
                assert!(
                    !forbidden.contains(&name.as_str()),
                    "{domain} depends on {name}"
                );
                stack.push(dep_id.to_string());
            }
        }
    }
}

#[test]
fn every_contract_error_code_is_defined_once_and_distinct() {
    use lifeos::http::error::Code;
    let mut seen = std::collections::HashSet::new();
    for c in Code::ALL {
        assert!(seen.insert(c.as_str()), "{} defined twice", c.as_str());
        assert_eq!(Code::for_status(c.status()).status(), c.status());
    }
}

#[tokio::test]
async fn the_docs_page_is_served_from_the_binary_when_asked_for() {
    let app = TestApp::spawn_with(&[("API_DOCS", "true")]).await;
    let res = app.get("/api/docs").await;
    assert_eq!(res.status(), 308);
    assert_eq!(res.headers()["location"], "/api/docs/");
    let res = app.get("/api/docs/").await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = res.text().await.unwrap();
    assert!(page.contains("swagger-ui"), "{page}");
    assert!(
        !page.contains("https://"),
        "no asset from elsewhere: {page}"
    );
    let init = app.get("/api/docs/swagger-initializer.js").await;
    assert_eq!(init.status(), 200);
    assert!(init.text().await.unwrap().contains("/api/openapi.json"));
    let bundle = app.get("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status(), 200);
    assert!(
        bundle.bytes().await.unwrap().len() > 100_000,
        "the bundle itself"
    );

    // Off by default (DEBUG turns it on too): the contract's 404.
    let off = TestApp::spawn().await;
    crate::helpers::assert_error(off.get("/api/docs/").await, 404, "NOT_FOUND").await;
    let debug = TestApp::spawn_with(&[("DEBUG", "true")]).await;
    assert_eq!(debug.get("/api/docs/").await.status(), 200);
    let no = TestApp::spawn_with(&[("DEBUG", "true"), ("API_DOCS", "false")]).await;
    assert_eq!(no.get("/api/docs/").await.status(), 404);
}

#[tokio::test]
async fn a_backup_restores_what_a_wipe_lost() {
    use serde_json::json;
    let app = TestApp::spawn().await;
    app.logged_in("ada").await;
    let res = app
        .post(
            "/api/v1/journal/entries",
            &json!({"entry_type": "morning_pages", "content": {"body": "before the backup"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lifeos.dump");
    lifeos::backup::backup(app.db.url(), &file).await.unwrap();
    assert!(std::fs::metadata(&file).unwrap().len() > 0);

    // Written after the backup: the restore takes the database back.
    let res = app
        .post(
            "/api/v1/journal/entries",
            &json!({"entry_type": "daily_reflection", "content": {"went_well": "a", "to_improve": "b", "grateful_for": "c"}}),
        )
        .await;
    assert_eq!(res.status(), 201);
    crate::helpers::sql(app.db.url(), "DELETE FROM users").await;
    assert_eq!(
        app.login_as("ada", crate::helpers::PASSWORD).await.status(),
        401
    );

    lifeos::backup::restore(app.db.url(), &file).await.unwrap();
    assert_eq!(
        app.login_as("ada", crate::helpers::PASSWORD).await.status(),
        200
    );
    let page: Value = app
        .get("/api/v1/journal/entries")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["content"]["body"], "before the backup");

    // A bad file changes nothing.
    let junk = dir.path().join("junk.dump");
    std::fs::write(&junk, b"not a backup").unwrap();
    assert!(lifeos::backup::restore(app.db.url(), &junk).await.is_err());
    assert!(
        lifeos::backup::restore(app.db.url(), &dir.path().join("missing"))
            .await
            .is_err()
    );
    let page: Value = app
        .get("/api/v1/journal/entries")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
}
