//! Ports of the auth module, implemented by the storage adapter.

use crate::model::{
    ApiKey, ApiKeyId, NewApiKey, NewRefreshToken, RotateOutcome, Scopes, Settings, SettingsPatch,
    ThrottleKey, User, UserCredentials, Username,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{StoreError, UserId};
use uuid::Uuid;

/// User accounts.
#[async_trait]
pub trait UserRepository: Send + Sync {
    /// Creates the user (with default settings) or, when the username exists
    /// (case-insensitively), replaces its password hash and revokes all its
    /// refresh tokens. Returns the user and whether it was created.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn upsert_user(
        &self,
        new_id: UserId,
        username: &Username,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(User, bool), StoreError>;

    /// Finds a user and password hash by username (case-insensitive).
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn find_credentials(&self, username: &str)
    -> Result<Option<UserCredentials>, StoreError>;

    /// Finds a user and password hash by id.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn find_credentials_by_id(
        &self,
        id: UserId,
    ) -> Result<Option<UserCredentials>, StoreError>;

    /// The user a token issued at `issued_at` (whole seconds) speaks for:
    /// `None` when the user is gone or their password was set after that
    /// second (a password change or reset ends every earlier token).
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn find_user(
        &self,
        id: UserId,
        issued_at: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError>;

    /// As [`Self::find_user`], with the user's settings (defaults when none
    /// were stored), in one read: what an authenticated request that
    /// depends on "today" needs.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn find_user_with_settings(
        &self,
        id: UserId,
        issued_at: DateTime<Utc>,
    ) -> Result<Option<(User, Settings)>, StoreError>;

    /// Sets a new password hash, revokes every refresh token of the user and
    /// stores `session` (the caller's new login), in one transaction.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the user is gone.
    async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
        session: NewRefreshToken,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// How many accounts exist.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn count_users(&self) -> Result<i64, StoreError>;
}

/// Refresh-token sessions.
#[async_trait]
pub trait SessionRepository: Send + Sync {
    /// Stores a new refresh token.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn create_refresh(&self, token: NewRefreshToken) -> Result<(), StoreError>;

    /// Presents a refresh token by hash: when live, retires it and stores
    /// `next_hash` in the same family (one transaction, at most one winner
    /// under concurrency); when already retired, revokes its family.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn rotate_refresh(
        &self,
        presented_hash: &[u8],
        next_id: Uuid,
        next_hash: &[u8],
        next_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<RotateOutcome, StoreError>;

    /// Revokes one refresh token (logout). Unknown hashes are ignored.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn revoke_refresh(&self, hash: &[u8], now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Deletes refresh tokens that expired before `now`; returns how many.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;
}

/// Password-attempt counters. An attempt is counted before its password
/// is checked and forgotten when it succeeds, so what stays counted are
/// failures, and a parallel burst cannot check more passwords than the
/// limit.
#[async_trait]
pub trait LoginThrottle: Send + Sync {
    /// Counts one attempt in the window open at `now` (a new window when
    /// the last one has ended), in one atomic step; returns the window
    /// start and the count after it.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn record_failure(
        &self,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<(DateTime<Utc>, i32), StoreError>;

    /// Forgets the attempts of `key` (after a right password).
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn clear_failures(&self, key: &ThrottleKey) -> Result<(), StoreError>;
}

/// API keys.
#[async_trait]
pub trait ApiKeyRepository: Send + Sync {
    /// Stores a key.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn create_api_key(&self, key: NewApiKey) -> Result<(), StoreError>;

    /// The user's keys, newest first.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn list_api_keys(&self, user: UserId) -> Result<Vec<ApiKey>, StoreError>;

    /// Revokes a key of `user` (idempotent).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when no such key is the user's.
    async fn revoke_api_key(
        &self,
        user: UserId,
        id: ApiKeyId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The owner of the live key with this hash, touching `last_used_at` at
    /// most once a minute.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn authenticate_api_key(
        &self,
        hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<(UserId, Scopes)>, StoreError>;
}

/// Per-user settings.
#[async_trait]
pub trait SettingsRepository: Send + Sync {
    /// The user's settings (defaults when none were stored).
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn get_settings(&self, user: UserId) -> Result<Settings, StoreError>;

    /// Applies `patch` and returns the result.
    ///
    /// # Errors
    /// [`StoreError`] on storage failure.
    async fn update_settings(
        &self,
        user: UserId,
        patch: SettingsPatch,
    ) -> Result<Settings, StoreError>;
}

/// Everything the auth service needs from storage, as one object.
pub trait AuthStore:
    UserRepository + SessionRepository + LoginThrottle + ApiKeyRepository + SettingsRepository
{
}

impl<T> AuthStore for T where
    T: UserRepository + SessionRepository + LoginThrottle + ApiKeyRepository + SettingsRepository
{
}
