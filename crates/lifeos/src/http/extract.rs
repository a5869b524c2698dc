//! Extractors that fail with the contract's errors: JSON bodies (415, 413,
//! 422 with the field's path), query strings (422 naming the parameter) and
//! UUID path ids (422 naming the parameter).

use crate::http::error::{ApiError, Code};
use actix_web::dev::Payload;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use lifeos_kernel::FieldError;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// Largest JSON body accepted by default (1 MiB).
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Whether the request's `Content-Type` is `essence` (parameters such as
/// `charset` are fine).
pub fn has_content_type(req: &HttpRequest, essence: &str) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case(essence))
}

/// Reads the whole body up to the limit ([`DEFAULT_BODY_LIMIT`]).
///
/// # Errors
/// 413 when the body (or its announced length) exceeds the limit.
pub async fn read_body<S>(req: &HttpRequest, payload: &mut S) -> Result<BytesMut, ApiError>
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>>
        + Unpin,
{
    read_body_up_to(req, payload, DEFAULT_BODY_LIMIT).await
}

/// Reads the whole body up to `limit` bytes, as one buffer (see
/// [`read_chunks_up_to`]).
///
/// # Errors
/// As [`read_chunks_up_to`].
pub async fn read_body_up_to<S>(
    req: &HttpRequest,
    payload: &mut S,
    limit: usize,
) -> Result<BytesMut, ApiError>
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>>
        + Unpin,
{
    let chunks = read_chunks_up_to(req, payload, limit).await?;
    let mut body = BytesMut::with_capacity(chunks.iter().map(Bytes::len).sum());
    for chunk in chunks {
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads the whole body up to `limit` bytes, in the chunks it arrived in,
/// counting what arrives (a missing or lying `Content-Length` changes
/// nothing), within the configured body timeout per MiB of the limit (a
/// body that stalls is refused, not waited for).
///
/// # Errors
/// 413 when the body (or its announced length) exceeds the limit.
pub async fn read_chunks_up_to<S>(
    req: &HttpRequest,
    payload: &mut S,
    limit: usize,
) -> Result<Vec<Bytes>, ApiError>
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>>
        + Unpin,
{
    // The chunks as they came (a stalled client holds what it sent, not a
    // doubling buffer).
    let mut chunks = Vec::new();
    read_chunks_with(req, payload, limit, async |chunk| {
        chunks.push(chunk);
        Ok(())
    })
    .await?;
    Ok(chunks)
}

/// Hands the body to `take` chunk by chunk as it arrives, with the limit
/// and timeout of [`read_chunks_up_to`] (the import writes each to a file).
///
/// # Errors
/// As [`read_chunks_up_to`]; whatever `take` answers.
pub async fn read_chunks_with<S>(
    req: &HttpRequest,
    payload: &mut S,
    limit: usize,
    mut take: impl AsyncFnMut(Bytes) -> Result<(), ApiError>,
) -> Result<(), ApiError>
where
    S: futures_util::Stream<Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>>
        + Unpin,
{
    let too_large = || {
        ApiError::new(
            Code::PayloadTooLarge,
            format!("The request body is larger than {limit} bytes."),
        )
    };
    let announced = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    // The configured time per MiB of the limit: a 50 MiB import may take
    // fifty times as long as a 1 MiB body.
    let per_mib = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map_or(std::time::Duration::from_secs(30), |s| s.web.body_timeout);
    let timeout = per_mib * u32::try_from((limit / DEFAULT_BODY_LIMIT).max(1)).unwrap_or(1);
    let mut len = 0;
    let read = async {
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::new(
                    Code::ValidationError,
                    format!("The request body could not be read: {e}"),
                )
            })?;
            len += chunk.len();
            if len > limit {
                return Err(too_large());
            }
            take(chunk).await?;
        }
        Ok(())
    };
    tokio::time::timeout(timeout, read)
        .await
        .map_err(|_late| {
            ApiError::new(
                Code::ValidationError,
                format!(
                    "The request body did not arrive within {} s.",
                    timeout.as_secs()
                ),
            )
        })??;
    Ok(())
}

/// Removes serde_json's " at line 1 column 5" suffix.
fn clean(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// The path of a serde error: the location, plus the missing field's name.
fn field_path(path: &serde_path_to_error::Path, msg: &str) -> Option<String> {
    let mut p = path.to_string();
    if p == "." || p == "?" {
        p.clear();
    }
    if let Some(rest) = msg.strip_prefix("missing field `")
        && let Some(name) = rest.split('`').next()
    {
        return Some(if p.is_empty() {
            name.to_string()
        } else {
            format!("{p}.{name}")
        });
    }
    (!p.is_empty()).then_some(p)
}

/// Parses JSON bytes into `T`, with a 422 naming the field on failure.
///
/// # Errors
/// 422 `VALIDATION_ERROR`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    deserialize(serde_json::Deserializer::from_slice(bytes))
}

fn deserialize<'de, T, R>(mut de: serde_json::Deserializer<R>) -> Result<T, ApiError>
where
    T: DeserializeOwned,
    R: serde_json::de::Read<'de>,
{
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let (field, detail) = describe(e.path(), e.inner());
        match field {
            Some(field) => ApiError::validation(field, detail),
            None => ApiError::new(Code::ValidationError, detail),
        }
    })?;
    // Only whitespace may follow the JSON value (`{"a":1} trailing` is not JSON).
    de.end()
        .map_err(|e| ApiError::new(Code::ValidationError, trailing(&e)))?;
    Ok(value)
}

/// A body's JSON error as the 422 says it: the field's path when there is
/// one, and the detail.
pub fn describe(
    path: &serde_path_to_error::Path,
    e: &serde_json::Error,
) -> (Option<String>, String) {
    let msg = clean(&e.to_string());
    let detail = format!("Invalid request body: {msg}.");
    (field_path(path, &msg), detail)
}

/// The detail for text after the JSON value.
pub fn trailing(e: &serde_json::Error) -> String {
    format!("Invalid request body: {}.", clean(&e.to_string()))
}

/// A JSON request body.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if !has_content_type(&req, "application/json") {
                return Err(ApiError::new(
                    Code::UnsupportedMediaType,
                    "The request body must be JSON (Content-Type: application/json).",
                ));
            }
            let body = read_body(&req, &mut payload).await?;
            parse_json(&body).map(ApiJson)
        })
    }
}

/// A query string.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let qs = req.query_string();
        let pairs = form_urlencoded::parse(qs.as_bytes());
        let de = serde_urlencoded::Deserializer::new(pairs);
        std::future::ready(
            serde_path_to_error::deserialize(de)
                .map(ApiQuery)
                .map_err(|e| {
                    let msg = e.inner().to_string();
                    let field = field_path(e.path(), &msg);
                    let detail = format!("Invalid query parameter: {msg}.");
                    match field {
                        Some(f) => ApiError::validation(f, detail),
                        None => ApiError::new(Code::ValidationError, detail),
                    }
                }),
        )
    }
}

/// A UUID path segment by name.
///
/// # Errors
/// 422 naming the parameter when it is not a UUID.
pub fn path_uuid(req: &HttpRequest, name: &str) -> Result<Uuid, ApiError> {
    let raw = req.match_info().get(name).unwrap_or_default();
    Uuid::parse_str(raw)
        .map_err(|_bad| ApiError::validation(name, format!("{name} must be a UUID")))
}

/// The `{id}` path segment as a UUID.
#[derive(Debug, Clone, Copy)]
pub struct PathId(pub Uuid);

impl FromRequest for PathId {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(path_uuid(req, "id").map(PathId))
    }
}

/// Deserialises a present field as `Some(value)`, so that with
/// `#[serde(default)]` an absent field is `None` and `null` is `Some(None)`:
/// PATCH's "not sent = unchanged, null = clear".
///
/// # Errors
/// The inner type's deserialisation errors.
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(de).map(Some)
}

/// A PATCH field that is not nullable: absent is `None`, a value is
/// `Some`, and `null` is refused.
///
/// # Errors
/// A [`FieldError`] on `field` for `null`.
pub fn not_null<T>(field: &str, v: Option<Option<T>>) -> Result<Option<T>, FieldError> {
    match v {
        Some(None) => Err(FieldError::new(field, format!("{field} cannot be null"))),
        Some(Some(x)) => Ok(Some(x)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[expect(dead_code, reason = "fields are only deserialised")]
    struct Body {
        name: String,
        inner: Inner,
    }

    #[derive(serde::Deserialize, Debug)]
    #[expect(dead_code, reason = "fields are only deserialised")]
    struct Inner {
        count: u32,
    }

    fn field_of(json: &str) -> Option<String> {
        parse_json::<Body>(json.as_bytes())
            .unwrap_err()
            .body()
            .field
    }

    #[test]
    fn json_errors_name_the_field_path() {
        assert_eq!(
            field_of(r#"{"inner":{"count":1}}"#).as_deref(),
            Some("name")
        );
        assert_eq!(
            field_of(r#"{"name":"a","inner":{"count":"x"}}"#).as_deref(),
            Some("inner.count")
        );
        assert_eq!(
            field_of(r#"{"name":"a","inner":{}}"#).as_deref(),
            Some("inner.count")
        );
        assert_eq!(field_of("{not json").as_deref(), None);
    }

    #[test]
    fn json_followed_by_anything_but_whitespace_is_refused() {
        let ok = r#"{"name":"a","inner":{"count":1}}"#;
        assert!(parse_json::<Body>(format!("{ok} \n\t").as_bytes()).is_ok());
        for tail in [" trailing", "{}", "]", "x"] {
            let e = parse_json::<Body>(format!("{ok}{tail}").as_bytes()).unwrap_err();
            assert_eq!(e.code(), Code::ValidationError, "{tail}");
        }
    }
}
