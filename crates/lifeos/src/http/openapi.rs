//! `GET /api/openapi.json`, generated from the handlers' annotations.

use crate::http::RouteTable;
use crate::http::{
    auth_routes, calendar, captures, dashboard, error, feeds, health, journal, projects, search,
    settings, today, transfer, workouts,
};
use actix_web::HttpResponse;
use actix_web::http::Method;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("access_token"))),
        );
        components.add_security_scheme(
            "refresh_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("refresh_token"))),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Errors every operation of a kind can answer, documented once: a JSON
/// body can be too large (413) or not JSON (415); anything that reads the
/// database can find it unavailable (503). Each with the error body.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in &mut openapi.paths.paths {
            let stateless = path == "/health" || path == "/api/openapi.json";
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let responses = &mut op.responses.responses;
                if op.request_body.is_some() {
                    responses
                        .entry("413".into())
                        .or_insert_with(|| error("The body is larger than the limit"));
                    responses
                        .entry("415".into())
                        .or_insert_with(|| error("The body is not of a supported type"));
                }
                if !stateless {
                    responses
                        .entry("503".into())
                        .or_insert_with(|| error("The database is unavailable; try again"));
                }
            }
        }
    }
}

/// OpenAPI 3.1 requires a `description` on every response; a response
/// annotated with only a status and a body gets its status's reason phrase
/// ("OK", "Unprocessable Entity"), so the document validates.
struct ResponseDescriptions;

impl Modify for ResponseDescriptions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ];
            for op in ops.into_iter().flatten() {
                for (status, response) in &mut op.responses.responses {
                    if let utoipa::openapi::RefOr::T(r) = response
                        && r.description.is_empty()
                    {
                        r.description = status
                            .parse::<u16>()
                            .ok()
                            .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
                            .and_then(|s| s.canonical_reason())
                            .unwrap_or("Response")
                            .to_string();
                    }
                }
            }
        }
    }
}

/// The OpenAPI document of the whole API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Life OS API", version = "1", description = "The Life OS REST API (see API.md)."),
    modifiers(&SecuritySchemes, &CommonErrors, &ResponseDescriptions),
    paths(
        health::health, health::ready, openapi_json,
        auth_routes::login, auth_routes::refresh, auth_routes::logout, auth_routes::me,
        auth_routes::change_password,
        settings::get_settings, settings::patch_settings, settings::list_api_keys,
        settings::create_api_key, settings::revoke_api_key, transfer::export, transfer::import,
        journal::list_entries, journal::create_entry, journal::get_entry, journal::patch_entry,
        journal::delete_entry, journal::status,
        projects::list_projects, projects::create_project, projects::reorder_projects,
        projects::get_project, projects::patch_project, projects::delete_project,
        projects::list_project_tasks, projects::create_task, projects::reorder_tasks,
        projects::get_task, projects::patch_task, projects::delete_task, projects::list_tasks,
        projects::list_notes, projects::create_note, projects::get_note, projects::patch_note,
        projects::delete_note,
        captures::list_captures, captures::create_capture, captures::capture_external,
        captures::get_capture, captures::patch_capture, captures::delete_capture,
        captures::convert_capture,
        workouts::list_exercises, workouts::create_exercise, workouts::get_exercise,
        workouts::patch_exercise, workouts::delete_exercise,
        workouts::list_programs, workouts::create_program, workouts::get_program,
        workouts::patch_program, workouts::delete_program, workouts::put_program_exercises,
        workouts::list_workouts, workouts::create_workout, workouts::get_workout,
        workouts::patch_workout, workouts::delete_workout, workouts::finish_workout,
        workouts::create_log, workouts::patch_log, workouts::delete_log,
        workouts::exercise_history,
        calendar::list_events, calendar::create_event, calendar::get_event,
        calendar::patch_event, calendar::delete_event, calendar::list_occurrences,
        calendar::patch_occurrence, calendar::delete_occurrence,
        feeds::list_feeds, feeds::create_feed, feeds::delete_feed, feeds::feed,
        dashboard::weekly,
        today::today,
        search::search,
    ),
    components(schemas(error::ErrorBody))
)]
pub struct ApiDoc;

/// The browsable docs page at `/api/docs/` (Swagger UI, its assets
/// compiled into the binary: it works offline), reading
/// `/api/openapi.json`. Served when `API_DOCS` (default: `DEBUG`) is on.
pub fn docs_page(cfg: &mut actix_web::web::ServiceConfig) {
    use utoipa_swagger_ui::{Config, SwaggerUi};
    cfg.route(
        "/api/docs",
        actix_web::web::get().to(|| async {
            HttpResponse::PermanentRedirect()
                .insert_header((actix_web::http::header::LOCATION, "/api/docs/"))
                .finish()
        }),
    )
    .service(
        SwaggerUi::new("/api/docs/{_:.*}").config(
            Config::new(["/api/openapi.json"])
                .try_it_out_enabled(true)
                .with_credentials(true),
        ),
    );
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/openapi.json", openapi_json);
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
