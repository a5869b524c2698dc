//! The one error type of the HTTP layer and the contract's error catalogue.
//! Every failure, whatever its cause, answers
//! `{"detail": "...", "code": "...", "field"?: "..."}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use lifeos_auth::AuthError;
use lifeos_kernel::{Conflict, FieldError, StoreError, Uniqueness};
use serde::Serialize;

/// The machine codes of API.md section 1, defined once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// 401: no access cookie / no bearer key.
    NotAuthenticated,
    /// 401: access or refresh token bad, tampered, expired, or for a deleted user.
    InvalidToken,
    /// 401: wrong username or password.
    InvalidCredentials,
    /// 401: bearer key unknown, malformed or revoked.
    InvalidApiKey,
    /// 403: cookie-authenticated write from a foreign origin.
    CsrfRejected,
    /// 404: unknown route or resource.
    NotFound,
    /// 405: known route, wrong method.
    MethodNotAllowed,
    /// 409: uniqueness rule.
    DuplicateEntry,
    /// 403: the API key is good but lacks the scope the endpoint needs
    /// (not in API.md's table: scopes came with `GET /today`).
    InsufficientScope,
    /// 409: business rule conflict.
    Conflict,
    /// 413: body too large.
    PayloadTooLarge,
    /// 415: body is not JSON.
    UnsupportedMediaType,
    /// 422: invalid input.
    ValidationError,
    /// 429: too many failed logins.
    RateLimited,
    /// 503: database unreachable or pool exhausted.
    ServiceUnavailable,
    /// 500: a bug.
    InternalError,
}

impl Code {
    /// Every code, for tests.
    pub const ALL: [Self; 16] = [
        Self::NotAuthenticated,
        Self::InvalidToken,
        Self::InvalidCredentials,
        Self::InvalidApiKey,
        Self::CsrfRejected,
        Self::InsufficientScope,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::DuplicateEntry,
        Self::Conflict,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::ValidationError,
        Self::RateLimited,
        Self::ServiceUnavailable,
        Self::InternalError,
    ];

    /// The wire string.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAuthenticated => "NOT_AUTHENTICATED",
            Self::InvalidToken => "INVALID_TOKEN",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::InvalidApiKey => "INVALID_API_KEY",
            Self::CsrfRejected => "CSRF_REJECTED",
            Self::InsufficientScope => "INSUFFICIENT_SCOPE",
            Self::NotFound => "NOT_FOUND",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::DuplicateEntry => "DUPLICATE_ENTRY",
            Self::Conflict => "CONFLICT",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::ValidationError => "VALIDATION_ERROR",
            Self::RateLimited => "RATE_LIMITED",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::InternalError => "INTERNAL_ERROR",
        }
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(self) -> StatusCode {
        match self {
            Self::NotAuthenticated
            | Self::InvalidToken
            | Self::InvalidCredentials
            | Self::InvalidApiKey => StatusCode::UNAUTHORIZED,
            Self::CsrfRejected | Self::InsufficientScope => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::DuplicateEntry | Self::Conflict => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::ValidationError => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code a bare status stands for (for framework errors caught by the last net).
    #[must_use]
    pub fn for_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => Self::NotAuthenticated,
            403 => Self::CsrfRejected,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            409 => Self::Conflict,
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType,
            400 | 422 => Self::ValidationError,
            429 => Self::RateLimited,
            503 => Self::ServiceUnavailable,
            _ => Self::InternalError,
        }
    }
}

/// The body every error answers with.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A human readable sentence.
    pub detail: String,
    /// The machine code (`VALIDATION_ERROR`, ...).
    pub code: &'static str,
    /// The offending field, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    code: Code,
    detail: String,
    field: Option<String>,
    retry_after: Option<u64>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail)
    }
}

const INTERNAL_DETAIL: &str = "An unexpected error occurred; it has been logged.";

impl ApiError {
    /// An error with a code and a sentence.
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            field: None,
            retry_after: None,
        }
    }

    /// A 422 naming `field`.
    pub fn validation(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            code: Code::ValidationError,
            detail: detail.into(),
            field: Some(field.into()),
            retry_after: None,
        }
    }

    /// A 404.
    #[must_use]
    pub fn not_found() -> Self {
        Self::new(Code::NotFound, "The requested resource was not found.")
    }

    /// A 401 for an access token that no longer speaks for its user.
    #[must_use]
    pub fn invalid_session() -> Self {
        Self::new(
            Code::InvalidToken,
            "The session is invalid or has expired; log in again.",
        )
    }

    /// A 500 whose cause is logged here, once, and never sent.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(Code::InternalError, INTERNAL_DETAIL)
    }

    /// A 503 whose cause is logged.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        tracing::warn!(error = %cause, "database unavailable");
        Self::new(
            Code::ServiceUnavailable,
            "The database is unavailable; try again shortly.",
        )
    }

    /// The code.
    #[must_use]
    pub fn code(&self) -> Code {
        self.code
    }

    /// The body.
    #[must_use]
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            detail: self.detail.clone(),
            code: self.code.as_str(),
            field: self.field.clone(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.code.status());
        if let Some(secs) = self.retry_after {
            res.insert_header(("Retry-After", secs.to_string()));
        }
        res.json(self.body())
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::validation(e.field, e.message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found(),
            StoreError::Duplicate(rule) => Self::new(
                Code::DuplicateEntry,
                match rule {
                    Uniqueness::JournalEntryPerPeriod => {
                        "The journal already has an entry of that kind for that day (week)."
                    }
                    Uniqueness::ExerciseName => {
                        "You already have an exercise with this name (names ignore case)."
                    }
                    Uniqueness::Other => "An item with the same unique value already exists.",
                },
            ),
            StoreError::Conflict(what) => Self::new(
                Code::Conflict,
                match what {
                    Conflict::ExerciseInProgram
                    | Conflict::ExerciseInWorkoutLog
                    | Conflict::InUse => "The item is still in use elsewhere.",
                    Conflict::CaptureNotInInbox => "Only a capture in the inbox can be converted.",
                    Conflict::Concurrent => {
                        "Another request changed the same data at the same time; try again."
                    }
                },
            ),
            StoreError::SessionEnded => Self::invalid_session(),
            StoreError::Unavailable(cause) => Self::unavailable(cause),
            StoreError::Internal(cause) => Self::internal(cause),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Invalid(f) => f.into(),
            AuthError::InvalidCredentials => {
                Self::new(Code::InvalidCredentials, "Invalid username or password.")
            }
            AuthError::InvalidToken => Self::invalid_session(),
            AuthError::InvalidApiKey => {
                Self::new(Code::InvalidApiKey, "The API key is invalid or revoked.")
            }
            AuthError::RateLimited { retry_after_secs } => Self {
                code: Code::RateLimited,
                detail: format!("Too many failed logins; try again in {retry_after_secs} seconds."),
                field: None,
                retry_after: Some(retry_after_secs),
            },
            AuthError::MissingScope(scope) => Self::new(
                Code::InsufficientScope,
                format!(
                    "This API key may not do this: it lacks the `{}` scope (add a key with it in Settings).",
                    scope.as_str()
                ),
            ),
            AuthError::Busy => Self {
                code: Code::ServiceUnavailable,
                detail: "Too many sign-ins at once; try again in a moment.".into(),
                field: None,
                retry_after: Some(1),
            },
            AuthError::NotFound => Self::not_found(),
            AuthError::Store(s) => s.into(),
            AuthError::Internal(cause) => Self::internal(cause),
        }
    }
}

/// Answers an unknown route.
pub fn not_found() -> std::future::Ready<Result<HttpResponse, ApiError>> {
    std::future::ready(Err(ApiError::not_found()))
}
