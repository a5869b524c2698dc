//! `GET /api/v1/settings/export` and `POST /api/v1/settings/import`
//! (API.md section 9): thin handlers over the application layer's
//! `transfer` use cases. The export is streamed as it is read. The import's
//! body is written to an anonymous temporary file as it arrives (up to
//! [`IMPORT_LIMIT`] bytes), then read from it twice, batch by batch
//! ([`JsonFile`]): checked on the blocking pool, then planned and written
//! in the import's transaction — memory holds a batch, never the body.

use crate::http::RouteTable;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, Code, ErrorBody};
use crate::http::extract::{has_content_type, read_chunks_with};
use crate::import_file::JsonFile;
use crate::state::{AppState, release_free_memory};
use actix_web::http::Method;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use lifeos_app::transfer::{ExportStream, ImportError, Report, examine};
use serde::Serialize;
use std::collections::BTreeMap;

/// Largest import document (50 MiB).
pub const IMPORT_LIMIT: usize = 50 * 1024 * 1024;

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Invalid(f) => f.into(),
            ImportError::Malformed(detail) => ApiError::new(Code::ValidationError, detail),
            ImportError::Store(s) => s.into(),
        }
    }
}

/// The export document (`format_version` 1): every module's resources as
/// the API represents them, children nested (see docs/api-notes.md).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportDocument {
    /// 1.
    pub format_version: u32,
    /// When it was written.
    pub exported_at: chrono::DateTime<chrono::Utc>,
    /// `{"id","username","timezone","week_start","weight_unit","created_at"}`.
    #[schema(value_type = Object)]
    pub user: serde_json::Value,
    /// Journal entries.
    #[schema(value_type = Vec<Object>)]
    pub journal: Vec<serde_json::Value>,
    /// Exercises.
    #[schema(value_type = Vec<Object>)]
    pub exercises: Vec<serde_json::Value>,
    /// Programs, each with `exercises`.
    #[schema(value_type = Vec<Object>)]
    pub programs: Vec<serde_json::Value>,
    /// Workout sessions, each with `logs`.
    #[schema(value_type = Vec<Object>)]
    pub workouts: Vec<serde_json::Value>,
    /// Projects, each with `tasks` and `notes`.
    #[schema(value_type = Vec<Object>)]
    pub projects: Vec<serde_json::Value>,
    /// Captures.
    #[schema(value_type = Vec<Object>)]
    pub captures: Vec<serde_json::Value>,
    /// Events, each with `overrides`.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
    /// API keys (metadata only).
    #[schema(value_type = Vec<Object>)]
    pub api_keys: Vec<serde_json::Value>,
}

/// What an import did, per kind (`journal`, `exercises`, `programs`,
/// `workouts`, `logs`, `projects`, `tasks`, `notes`, `captures`, `events`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportResponse {
    /// Written with the document's id.
    pub created: BTreeMap<&'static str, u64>,
    /// Already in the account: left alone.
    pub skipped: BTreeMap<&'static str, u64>,
    /// Written with a new id (the document's belonged to another account).
    pub reassigned: BTreeMap<&'static str, u64>,
}

impl From<Report> for ImportResponse {
    fn from(r: Report) -> Self {
        Self {
            created: r.created,
            skipped: r.skipped,
            reassigned: r.reassigned,
        }
    }
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/settings/export", export).add(
        Method::POST,
        "/api/v1/settings/import",
        import,
    );
}

/// The whole account as one JSON document, streamed as a download from a
/// consistent snapshot.
///
/// # Errors
/// 401; 503 when the database is unavailable before the first byte.
#[utoipa::path(get, path = "/api/v1/settings/export", tag = "settings", security(("cookie" = [])),
    responses((status = 200, body = ExportDocument,
               description = "The export, as an attachment `lifeos-export-YYYY-MM-DD.json`"),
              (status = 401, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn export(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let stream = state.export.start(user.id()).await?;
    let filename = format!("lifeos-export-{}.json", state.export.today());
    let body = futures_util::stream::unfold(Some(stream), next_piece);
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

/// One piece of the download; after a failure the body ends early (the
/// client sees a broken download, never a silently short document).
async fn next_piece(
    stream: Option<ExportStream>,
) -> Option<(Result<Bytes, actix_web::Error>, Option<ExportStream>)> {
    let mut stream = stream?;
    match stream.next_chunk().await {
        Ok(Some(piece)) => Some((Ok(Bytes::from(piece)), Some(stream))),
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "export failed midway");
            Some((
                Err(actix_web::error::ErrorInternalServerError("export failed")),
                None,
            ))
        }
    }
}

/// Restores an export into the account, all or nothing.
///
/// # Errors
/// 413 over 50 MiB; 415 when not JSON; 422 naming the first bad item's
/// path (nothing written); 409 when a concurrent write took an id or a
/// name.
#[utoipa::path(post, path = "/api/v1/settings/import", tag = "settings", security(("cookie" = [])),
    request_body = ExportDocument,
    responses((status = 200, body = ImportResponse), (status = 401, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn import(
    user: CurrentUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    if !has_content_type(&req, "application/json") {
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            "The import must be JSON (Content-Type: application/json).",
        ));
    }
    let file = spool(&req, &mut payload).await?;
    let mut source = JsonFile::new(file);
    let report = async {
        let (survey, source) = web::block(move || (examine(&mut source), source))
            .await
            .map_err(ApiError::internal)?;
        Ok::<_, ApiError>(
            state
                .import
                .run(user.id(), survey?, Box::new(source))
                .await?,
        )
    }
    .await;
    // Reading and writing the document took tens of megabytes, kept by the
    // allocator until handed back (off the async workers; not awaited).
    drop(tokio::task::spawn_blocking(release_free_memory));
    Ok(HttpResponse::Ok().json(ImportResponse::from(report?)))
}

/// Writes the body to an anonymous temporary file (deleted when closed) as
/// it arrives, within the import's limit and time.
async fn spool(req: &HttpRequest, payload: &mut web::Payload) -> Result<std::fs::File, ApiError> {
    use tokio::io::AsyncWriteExt;
    let file = web::block(tempfile::tempfile)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    read_chunks_with(req, payload, IMPORT_LIMIT, async |chunk| {
        out.write_all(&chunk).await.map_err(ApiError::internal)
    })
    .await?;
    out.flush().await.map_err(ApiError::internal)?;
    Ok(out.into_inner().into_std().await)
}
