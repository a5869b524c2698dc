//! The auth module: user accounts, password rules and hashing, login
//! sessions (a short-lived JWT access token plus a rotating refresh token),
//! login throttling, API keys for the Siri integration, and user settings.
//!
//! Ports (`ports.rs`) are implemented by `lifeos-db`; this crate must not
//! depend on diesel, diesel-async, deadpool or actix.

mod error;
#[cfg(any(test, feature = "fakes"))]
pub mod fake;
mod hashing;
mod model;
mod ports;
mod service;
mod tokens;

pub use error::AuthError;
pub use hashing::{BcryptHasher, PasswordHasher};
pub use model::{
    ApiKey, ApiKeyId, CreatedApiKey, NewApiKey, NewRefreshToken, Password, RotateOutcome, Scope,
    Scopes, Session, Settings, SettingsPatch, ThrottleKey, User, UserCredentials, Username,
    WeightUnit,
};
pub use ports::{
    ApiKeyRepository, AuthStore, LoginThrottle, SessionRepository, SettingsRepository,
    UserRepository,
};
pub use service::{AuthConfig, AuthService, LoginOutcome};
pub use tokens::{AccessTokens, sha256};
