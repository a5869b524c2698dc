//! `GET /api/v1/search`: one ranked search across the journal, tasks,
//! project notes, captures and events (issue 13), a use case of the
//! application layer (`lifeos_app::search`).

use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiQuery;
use crate::http::{PageOf, RouteTable};
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use lifeos_app::search::{Hit, SearchError, safe_snippet};
use lifeos_kernel::PageRequest;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Invalid(f) => f.into(),
            SearchError::Store(s) => s.into(),
        }
    }
}

/// One result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HitResponse {
    /// `journal`, `task`, `note`, `capture` or `event`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its id (a journal entry's, a task's, ...).
    pub id: Uuid,
    /// Its title (a journal entry's is its kind and date; a capture's its
    /// first 80 characters).
    pub title: String,
    /// The matched passage, HTML-escaped, the matched words in `<mark>`.
    pub snippet: String,
    /// Its day: an entry's date, a task's due date (else its creation), a
    /// note's last change, a capture's creation, an event's start (UTC).
    pub date: NaiveDate,
    /// Relevance (`ts_rank`): higher is better; results come best first.
    pub rank: f32,
}

impl From<Hit> for HitResponse {
    fn from(h: Hit) -> Self {
        Self {
            kind: h.kind.as_str().to_string(),
            id: h.id,
            title: h.title,
            snippet: safe_snippet(&h.snippet),
            date: h.date,
            rank: h.rank,
        }
    }
}

/// What to look for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words (1 to 200 characters; quotes, `or` and `-word` as in web
    /// search engines). The last word is also matched as a prefix while it
    /// is being typed (no trailing space).
    pub q: String,
    /// Kinds, comma-separated (default all): `journal,task,note,capture,event`.
    pub types: Option<String>,
    /// Page.
    pub page: Option<i64>,
    /// Page size.
    pub per_page: Option<i64>,
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/search", search);
}

/// Searches your journal, tasks, notes, captures and events at once, best
/// matches first. Of a kind with more than 100 matches, the newest 100 are
/// answered (and counted in `total`); narrow the query to reach older ones.
///
/// # Errors
/// 422 for a missing, empty or too long `q`, or an unknown kind in `types`.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", security(("cookie" = [])), params(SearchQuery),
    responses((status = 200, body = PageOf<HitResponse>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search(
    user: CurrentUser,
    state: web::Data<AppState>,
    q: ApiQuery<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = q.0;
    let page = state
        .search
        .run(
            user.id(),
            &q.q,
            q.types.as_deref(),
            PageRequest::parse(q.page, q.per_page)?,
        )
        .await?;
    Ok(HttpResponse::Ok().json(PageOf::from(page.map(HitResponse::from))))
}
