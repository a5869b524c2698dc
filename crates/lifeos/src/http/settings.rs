//! `/api/v1/settings`: time zone, week start, weight unit, and API keys.

use crate::http::RouteTable;
use crate::http::auth::{CurrentUser, current_user_with_settings};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{ApiJson, PathId, double_option, not_null};
use crate::state::AppState;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use lifeos_auth::{ApiKey, ApiKeyId, Scopes, Settings, SettingsPatch, WeightUnit};
use lifeos_kernel::{FieldError, WeekStart};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The user's settings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SettingsResponse {
    /// IANA time zone.
    pub timezone: String,
    /// `monday` or `sunday`.
    pub week_start: &'static str,
    /// `kg` or `lb`.
    pub weight_unit: &'static str,
}

impl From<Settings> for SettingsResponse {
    fn from(s: Settings) -> Self {
        Self {
            timezone: s.timezone.name().to_string(),
            week_start: s.week_start.as_str(),
            weight_unit: s.weight_unit.as_str(),
        }
    }
}

/// A partial settings update.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatchBody {
    /// IANA time zone.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub timezone: Option<Option<String>>,
    /// `monday` or `sunday`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub week_start: Option<Option<String>>,
    /// `kg` or `lb`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub weight_unit: Option<Option<String>>,
}

impl TryFrom<SettingsPatchBody> for SettingsPatch {
    type Error = FieldError;

    fn try_from(b: SettingsPatchBody) -> Result<Self, FieldError> {
        Ok(Self {
            timezone: not_null("timezone", b.timezone)?
                .as_deref()
                .map(Settings::parse_timezone)
                .transpose()?,
            week_start: not_null("week_start", b.week_start)?
                .as_deref()
                .map(|w| WeekStart::parse("week_start", w))
                .transpose()?,
            weight_unit: not_null("weight_unit", b.weight_unit)?
                .as_deref()
                .map(|u| WeightUnit::parse("weight_unit", u))
                .transpose()?,
        })
    }
}

/// An API key as listed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiKeyResponse {
    /// Key id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// First characters of the key.
    pub prefix: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last use.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revocation time.
    pub revoked_at: Option<DateTime<Utc>>,
    /// What the key may do: `capture` (post captures) and/or `today`
    /// (read `GET /today`).
    pub scopes: Vec<String>,
}

impl From<ApiKey> for ApiKeyResponse {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id.0,
            name: k.name,
            prefix: k.prefix,
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
            scopes: k
                .scopes
                .list()
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
        }
    }
}

/// A key just created, with the secret shown this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedApiKeyResponse {
    #[serde(flatten)]
    /// The listed fields.
    pub listed: ApiKeyResponse,
    /// `sk_live_...`: store it now, it is never shown again.
    pub key: String,
}

/// A new key's name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateApiKeyBody {
    /// Name (1 to 100 characters).
    pub name: String,
    /// What the key may do (default `["capture"]`): `capture` and/or `today`.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
}

pub(crate) fn routes(t: &mut RouteTable) {
    t.add(Method::GET, "/api/v1/settings", get_settings)
        .add(Method::PATCH, "/api/v1/settings", patch_settings)
        .add(Method::GET, "/api/v1/settings/api-keys", list_api_keys)
        .add(Method::POST, "/api/v1/settings/api-keys", create_api_key)
        .add(
            Method::DELETE,
            "/api/v1/settings/api-keys/{id}",
            revoke_api_key,
        );
}

/// The user's settings.
///
/// # Errors
/// 401.
#[utoipa::path(get, path = "/api/v1/settings", tag = "settings", security(("cookie" = [])),
    responses((status = 200, body = SettingsResponse), (status = 401, body = ErrorBody)))]
pub async fn get_settings(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    // The session's user and the settings in one statement.
    let (_user, s) = current_user_with_settings(&req).await?;
    Ok(HttpResponse::Ok().json(SettingsResponse::from(s)))
}

/// Changes settings.
///
/// # Errors
/// 422 for an unknown time zone or value.
#[utoipa::path(patch, path = "/api/v1/settings", tag = "settings", security(("cookie" = [])),
    request_body = SettingsPatchBody,
    responses((status = 200, body = SettingsResponse), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn patch_settings(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<SettingsPatchBody>,
) -> Result<HttpResponse, ApiError> {
    let patch = SettingsPatch::try_from(body.0)?;
    let s = state.auth.update_settings(user.id(), patch).await?;
    Ok(HttpResponse::Ok().json(SettingsResponse::from(s)))
}

/// The user's API keys, newest first (a plain array).
///
/// # Errors
/// 401.
#[utoipa::path(get, path = "/api/v1/settings/api-keys", tag = "settings", security(("cookie" = [])),
    responses((status = 200, body = Vec<ApiKeyResponse>), (status = 401, body = ErrorBody)))]
pub async fn list_api_keys(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let keys = state.auth.list_api_keys(user.id()).await?;
    Ok(HttpResponse::Ok().json(
        keys.into_iter()
            .map(ApiKeyResponse::from)
            .collect::<Vec<_>>(),
    ))
}

/// Creates an API key; the response carries the key this once.
///
/// # Errors
/// 422 for a bad name or scope list.
#[utoipa::path(post, path = "/api/v1/settings/api-keys", tag = "settings", security(("cookie" = [])),
    request_body = CreateApiKeyBody,
    responses((status = 201, body = CreatedApiKeyResponse), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_api_key(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: ApiJson<CreateApiKeyBody>,
) -> Result<HttpResponse, ApiError> {
    let scopes = match &body.0.scopes {
        Some(names) => Scopes::parse(names)?,
        None => Scopes::default(),
    };
    let created = state
        .auth
        .create_api_key_with(user.id(), &body.0.name, scopes)
        .await?;
    Ok(HttpResponse::Created().json(CreatedApiKeyResponse {
        listed: created.key.into(),
        key: created.secret,
    }))
}

/// Revokes an API key (idempotent for the owner).
///
/// # Errors
/// 404 when it is not the user's.
#[utoipa::path(delete, path = "/api/v1/settings/api-keys/{id}", tag = "settings", security(("cookie" = [])),
    params(("id" = Uuid, Path, description = "API key id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn revoke_api_key(
    user: CurrentUser,
    id: PathId,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.auth.revoke_api_key(user.id(), ApiKeyId(id.0)).await?;
    Ok(HttpResponse::NoContent().finish())
}
