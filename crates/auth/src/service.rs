//! The auth service: login, refresh rotation, logout, password change, API
//! keys and settings, over the ports.

use crate::error::AuthError;
use crate::hashing::PasswordHasher;
use crate::model::{
    ApiKey, ApiKeyId, CreatedApiKey, NewApiKey, NewRefreshToken, Password, RotateOutcome, Scope,
    Scopes, Session, Settings, SettingsPatch, ThrottleKey, User, Username,
};
use crate::ports::AuthStore;
use crate::tokens::{AccessTokens, random_token, sha256};
use chrono::{DateTime, Utc};
use lifeos_kernel::{Caller, Clock, FieldError, UserId, new_id, trimmed_text};
use std::sync::Arc;
use tokio::sync::OnceCell;
use uuid::Uuid;

/// Tunables of the auth service.
#[derive(Debug, Clone, Copy)]
pub struct AuthConfig {
    /// Refresh token lifetime.
    pub refresh_ttl: chrono::Duration,
    /// Failed logins (per username and client address) before throttling.
    pub max_failures: u32,
    /// The throttling window.
    pub failure_window: chrono::Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            refresh_ttl: chrono::Duration::days(7),
            max_failures: 5,
            failure_window: chrono::Duration::minutes(15),
        }
    }
}

/// The prefix every API key starts with.
pub const API_KEY_PREFIX: &str = "sk_live_";
/// How many characters of a key are kept for display.
const API_KEY_DISPLAY_LEN: usize = 12;

/// The result of a login attempt that passed the throttle.
pub type LoginOutcome = Result<Session, AuthError>;

/// Auth use cases.
pub struct AuthService {
    store: Arc<dyn AuthStore>,
    hasher: Arc<dyn PasswordHasher>,
    tokens: AccessTokens,
    clock: Arc<dyn Clock>,
    config: AuthConfig,
    dummy_hash: OnceCell<String>,
}

impl std::fmt::Debug for AuthService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AuthService {
    /// Wires the service.
    pub fn new(
        store: Arc<dyn AuthStore>,
        hasher: Arc<dyn PasswordHasher>,
        tokens: AccessTokens,
        clock: Arc<dyn Clock>,
        config: AuthConfig,
    ) -> Self {
        Self {
            store,
            hasher,
            tokens,
            clock,
            config,
            dummy_hash: OnceCell::new(),
        }
    }

    /// The access-token signer (for cookie lifetimes).
    #[must_use]
    pub fn tokens(&self) -> &AccessTokens {
        &self.tokens
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> AuthConfig {
        self.config
    }

    /// Creates a user, or resets the password of an existing one (which also
    /// ends all of its sessions). Returns the user and whether it was created.
    ///
    /// # Errors
    /// Validation errors for username and password; storage errors.
    pub async fn create_or_reset_user(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(User, bool), AuthError> {
        let username = Username::parse(username)?;
        let password = Password::parse("password", password)?;
        let hash = self.hasher.hash(password.expose()).await?;
        let out = self
            .store
            .upsert_user(UserId(new_id()), &username, &hash, self.clock.now())
            .await?;
        Ok(out)
    }

    /// Finds a user by username (case-insensitive).
    ///
    /// # Errors
    /// Storage errors.
    pub async fn find_user(&self, username: &str) -> Result<Option<User>, AuthError> {
        Ok(self
            .store
            .find_credentials(username.trim())
            .await?
            .map(|c| c.user))
    }

    /// How many accounts exist.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn count_users(&self) -> Result<i64, AuthError> {
        Ok(self.store.count_users().await?)
    }

    async fn dummy_hash(&self) -> Result<&str, AuthError> {
        self.dummy_hash
            .get_or_try_init(|| self.hasher.hash("dummy password for timing"))
            .await
            .map(String::as_str)
    }

    /// Warms the dummy hash so the first unknown-user login is not faster.
    ///
    /// # Errors
    /// When hashing fails.
    pub async fn warm_up(&self) -> Result<(), AuthError> {
        self.dummy_hash().await.map(|_| ())
    }

    /// Checks credentials and opens a session. Unknown user and wrong password
    /// answer the same and cost the same (a dummy hash is verified).
    ///
    /// # Errors
    /// [`AuthError::RateLimited`] after too many failures for this username and
    /// address; [`AuthError::InvalidCredentials`]; a field error for a
    /// username longer than any account's; storage errors.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client_addr: &str,
    ) -> Result<Session, AuthError> {
        // No account has a longer name; refusing it keeps kilobytes of
        // client text out of the throttle's key (and says nothing about
        // which names exist).
        if username.trim().chars().count() > Username::MAX_CHARS {
            return Err(FieldError::too_long("username", Username::MAX_CHARS).into());
        }
        let now = self.clock.now();
        let key = ThrottleKey {
            username: username.trim().to_lowercase(),
            client_addr: client_addr.to_string(),
        };
        self.count_attempt(&key, now).await?;
        let found = self.store.find_credentials(username.trim()).await?;
        let ok = match &found {
            Some(creds) => self.hasher.verify(password, &creds.password_hash).await?,
            None => {
                let dummy = self.dummy_hash().await?;
                let _same_cost = self.hasher.verify(password, dummy).await?;
                false
            }
        };
        match found {
            Some(creds) if ok => {
                self.store.clear_failures(&key).await?;
                self.open_session(creds.user, now).await
            }
            _ => Err(AuthError::InvalidCredentials),
        }
    }

    /// Counts a password attempt of `key` before the password is checked
    /// (one atomic upsert: a parallel burst gets no more checks than the
    /// limit) and refuses it beyond the limit.
    async fn count_attempt(&self, key: &ThrottleKey, now: DateTime<Utc>) -> Result<(), AuthError> {
        let window = self.config.failure_window;
        let (start, count) = self.store.record_failure(key, now, window).await?;
        if count > i32::try_from(self.config.max_failures).unwrap_or(i32::MAX) {
            return Err(AuthError::RateLimited {
                retry_after_secs: retry_after(start + window, now),
            });
        }
        Ok(())
    }

    fn new_refresh(
        &self,
        user: UserId,
        family: Uuid,
        now: DateTime<Utc>,
    ) -> (String, NewRefreshToken) {
        let secret = random_token(32);
        let row = NewRefreshToken {
            id: new_id(),
            user_id: user,
            family_id: family,
            token_hash: sha256(secret.as_bytes()),
            expires_at: now + self.config.refresh_ttl,
        };
        (secret, row)
    }

    async fn open_session(&self, user: User, now: DateTime<Utc>) -> Result<Session, AuthError> {
        let (refresh_token, row) = self.new_refresh(user.id, new_id(), now);
        self.store.create_refresh(row).await?;
        let access_token = self.tokens.issue(user.id, now)?;
        Ok(Session {
            user,
            access_token,
            refresh_token,
        })
    }

    /// Exchanges a refresh token for a new pair. The presented token is
    /// retired; presenting a retired token again revokes its whole family.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] for unknown, expired, revoked or reused tokens.
    pub async fn refresh(&self, refresh_token: &str) -> Result<Session, AuthError> {
        let now = self.clock.now();
        let next = random_token(32);
        let outcome = self
            .store
            .rotate_refresh(
                &sha256(refresh_token.as_bytes()),
                new_id(),
                &sha256(next.as_bytes()),
                now + self.config.refresh_ttl,
                now,
            )
            .await?;
        match outcome {
            RotateOutcome::Rotated(user) => {
                if let Some(at) = now.checked_sub_signed(self.config.refresh_ttl) {
                    // Lazy purge keeps the table from growing forever; a
                    // failure here must not fail the refresh.
                    if let Err(e) = self.store.purge_expired(at).await {
                        tracing::warn!(error = %e, "purging expired refresh tokens failed");
                    }
                }
                let access_token = self.tokens.issue(user.id, now)?;
                Ok(Session {
                    user,
                    access_token,
                    refresh_token: next,
                })
            }
            RotateOutcome::Reused => {
                tracing::warn!(
                    "a retired refresh token was presented again; its family is revoked"
                );
                Err(AuthError::InvalidToken)
            }
            RotateOutcome::Invalid => Err(AuthError::InvalidToken),
        }
    }

    /// Revokes a refresh token (idempotent; unknown tokens are ignored).
    ///
    /// # Errors
    /// Storage errors.
    pub async fn logout(&self, refresh_token: Option<&str>) -> Result<(), AuthError> {
        if let Some(t) = refresh_token {
            self.store
                .revoke_refresh(&sha256(t.as_bytes()), self.clock.now())
                .await?;
        }
        Ok(())
    }

    /// The user behind an access token, with their settings, in one read.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] when the token is bad or its user is gone.
    pub async fn user_and_settings_from_access_token(
        &self,
        token: &str,
    ) -> Result<(User, Settings), AuthError> {
        let t = self.tokens.verify(token, self.clock.now())?;
        self.store
            .find_user_with_settings(t.user, t.issued_at)
            .await?
            .ok_or(AuthError::InvalidToken)
    }

    /// The caller an access token names, checked only by its signature,
    /// expiry and issue time: the store checks that the token still speaks
    /// for its user in the read it serves ([`Caller`]), so a list costs one
    /// statement instead of a user lookup and the page.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] for a bad or expired token.
    pub fn caller_from_access_token(&self, token: &str) -> Result<Caller, AuthError> {
        let t = self.tokens.verify(token, self.clock.now())?;
        Ok(Caller {
            user: t.user,
            token_issued_at: Some(t.issued_at),
        })
    }

    /// The user an access token names.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] for a bad or expired token, or a user
    /// that no longer exists.
    pub async fn user_from_access_token(&self, token: &str) -> Result<User, AuthError> {
        let t = self.tokens.verify(token, self.clock.now())?;
        self.store
            .find_user(t.user, t.issued_at)
            .await?
            .ok_or(AuthError::InvalidToken)
    }

    /// Changes the password after checking the current one; every session of
    /// the user ends and the caller gets a fresh one.
    ///
    /// # Errors
    /// [`AuthError::InvalidCredentials`] for a wrong current password;
    /// [`AuthError::RateLimited`] after too many of them (per account, in
    /// the login throttle's window); validation errors for the new one.
    pub async fn change_password(
        &self,
        user: UserId,
        current: &str,
        new: &str,
    ) -> Result<Session, AuthError> {
        let new = Password::parse("new_password", new)?;
        let creds = self
            .store
            .find_credentials_by_id(user)
            .await?
            .ok_or(AuthError::InvalidToken)?;
        // Throttled per account, as logins are per name and address: a
        // stolen session must not allow unlimited guessing.
        let key = ThrottleKey {
            username: user.0.to_string(),
            client_addr: "password-change".into(),
        };
        self.count_attempt(&key, self.clock.now()).await?;
        if !self.hasher.verify(current, &creds.password_hash).await? {
            return Err(AuthError::InvalidCredentials);
        }
        self.store.clear_failures(&key).await?;
        let hash = self.hasher.hash(new.expose()).await?;
        let now = self.clock.now();
        let (refresh_token, row) = self.new_refresh(user, new_id(), now);
        self.store
            .change_password(user, &hash, row, now)
            .await
            .map_err(|e| match e {
                lifeos_kernel::StoreError::NotFound => AuthError::InvalidToken,
                other => AuthError::Store(other),
            })?;
        let access_token = self.tokens.issue(user, now)?;
        Ok(Session {
            user: creds.user,
            access_token,
            refresh_token,
        })
    }

    /// Creates an API key; the secret is returned this once.
    ///
    /// # Errors
    /// Validation of `name`; storage errors.
    pub async fn create_api_key(
        &self,
        user: UserId,
        name: &str,
    ) -> Result<CreatedApiKey, AuthError> {
        self.create_api_key_with(user, name, Scopes::default())
            .await
    }

    /// Creates a key with `scopes`; the secret is returned this once.
    ///
    /// # Errors
    /// Validation errors on `name`; storage errors.
    pub async fn create_api_key_with(
        &self,
        user: UserId,
        name: &str,
        scopes: Scopes,
    ) -> Result<CreatedApiKey, AuthError> {
        let name = trimmed_text("name", name, 100)?;
        let secret = format!("{API_KEY_PREFIX}{}", random_token(32));
        let key = ApiKey {
            id: ApiKeyId(new_id()),
            name,
            prefix: secret.chars().take(API_KEY_DISPLAY_LEN).collect(),
            created_at: self.clock.now(),
            last_used_at: None,
            revoked_at: None,
            scopes,
        };
        self.store
            .create_api_key(NewApiKey {
                user_id: user,
                key: key.clone(),
                key_hash: sha256(secret.as_bytes()),
            })
            .await?;
        Ok(CreatedApiKey { key, secret })
    }

    /// The user's API keys, newest first.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn list_api_keys(&self, user: UserId) -> Result<Vec<ApiKey>, AuthError> {
        Ok(self.store.list_api_keys(user).await?)
    }

    /// Revokes one of the user's keys.
    ///
    /// # Errors
    /// [`AuthError::NotFound`] when it is not the user's.
    pub async fn revoke_api_key(&self, user: UserId, id: ApiKeyId) -> Result<(), AuthError> {
        self.store
            .revoke_api_key(user, id, self.clock.now())
            .await
            .map_err(|e| match e {
                lifeos_kernel::StoreError::NotFound => AuthError::NotFound,
                other => AuthError::Store(other),
            })
    }

    /// The owner of a bearer API key.
    ///
    /// # Errors
    /// [`AuthError::InvalidApiKey`] for malformed, unknown or revoked keys.
    pub async fn user_from_api_key(&self, raw: &str, scope: Scope) -> Result<UserId, AuthError> {
        if !well_formed_api_key(raw) {
            return Err(AuthError::InvalidApiKey);
        }
        let (user, scopes) = self
            .store
            .authenticate_api_key(&sha256(raw.as_bytes()), self.clock.now())
            .await?
            .ok_or(AuthError::InvalidApiKey)?;
        if !scopes.allows(scope) {
            return Err(AuthError::MissingScope(scope));
        }
        Ok(user)
    }

    /// The user's settings.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn settings(&self, user: UserId) -> Result<Settings, AuthError> {
        Ok(self.store.get_settings(user).await?)
    }

    /// Updates the user's settings.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn update_settings(
        &self,
        user: UserId,
        patch: SettingsPatch,
    ) -> Result<Settings, AuthError> {
        Ok(self.store.update_settings(user, patch).await?)
    }
}

/// Whether `raw` has the shape of a key this server issues (`sk_live_` and
/// URL-safe characters, at most 128 in all), so a malformed one is refused
/// without a database lookup.
fn well_formed_api_key(raw: &str) -> bool {
    raw.len() <= 128
        && raw.strip_prefix(API_KEY_PREFIX).is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// Whole seconds until `until`, at least 1.
fn retry_after(until: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    let ms = (until - now).num_milliseconds().max(0);
    u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{FakeHasher, InMemoryAuthStore};
    use lifeos_kernel::FixedClock;

    fn service() -> (AuthService, Arc<FixedClock>) {
        let clock = Arc::new(FixedClock::new("2026-11-24T08:00:00Z".parse().unwrap()));
        let svc = AuthService::new(
            Arc::new(InMemoryAuthStore::default()),
            Arc::new(FakeHasher),
            AccessTokens::new(&[1u8; 32], chrono::Duration::minutes(15)),
            clock.clone(),
            AuthConfig::default(),
        );
        (svc, clock)
    }

    #[test]
    fn api_keys_have_the_issued_shape() {
        let body = "a".repeat(120);
        assert!(
            well_formed_api_key(&format!("sk_live_{body}")),
            "128 characters"
        );
        assert!(!well_formed_api_key(&format!("sk_live_{body}a")), "129");
        assert!(well_formed_api_key("sk_live_Ab-_9"));
        for bad in [
            "sk_live_",
            "sk_test_abc",
            "sk_live_ab!",
            "sk_live_é",
            "abc",
            "",
            "SK_LIVE_abc",
        ] {
            assert!(!well_formed_api_key(bad), "{bad}");
        }
    }

    #[test]
    fn the_configuration_is_the_one_given() {
        let config = AuthConfig {
            refresh_ttl: chrono::Duration::days(2),
            max_failures: 9,
            failure_window: chrono::Duration::minutes(3),
        };
        let svc = AuthService::new(
            Arc::new(InMemoryAuthStore::default()),
            Arc::new(FakeHasher),
            AccessTokens::new(&[1u8; 32], chrono::Duration::minutes(15)),
            Arc::new(FixedClock::new("2026-11-24T08:00:00Z".parse().unwrap())),
            config,
        );
        assert_eq!(svc.config().max_failures, 9);
        assert_eq!(svc.config().refresh_ttl, chrono::Duration::days(2));
    }

    #[tokio::test]
    async fn users_are_found_case_insensitively_and_counted() {
        let (svc, _) = service();
        assert_eq!(svc.count_users().await.unwrap(), 0);
        svc.create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        assert_eq!(svc.count_users().await.unwrap(), 1);
        assert_eq!(
            svc.find_user(" ADA ").await.unwrap().unwrap().username,
            "ada"
        );
        assert!(svc.find_user("bob").await.unwrap().is_none());
        assert_eq!(svc.config().max_failures, 5);
        assert_eq!(svc.tokens().ttl(), chrono::Duration::minutes(15));
        svc.warm_up().await.unwrap();
    }

    #[tokio::test]
    async fn a_rotated_refresh_token_refreshes_again_and_logout_ends_it() {
        let (svc, _) = service();
        svc.create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        let s = svc.login("ada", "correct horse", "a").await.unwrap();
        let s2 = svc.refresh(&s.refresh_token).await.unwrap();
        let s3 = svc.refresh(&s2.refresh_token).await.unwrap();
        svc.logout(Some(&s3.refresh_token)).await.unwrap();
        assert!(matches!(
            svc.refresh(&s3.refresh_token).await,
            Err(AuthError::InvalidToken)
        ));
        svc.logout(None).await.unwrap();
    }

    #[tokio::test]
    async fn api_keys_are_listed_and_only_well_formed_ones_are_looked_up() {
        let (svc, _) = service();
        let (u, _) = svc
            .create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        let k = svc.create_api_key(u.id, " siri ").await.unwrap();
        assert_eq!(k.key.name, "siri");
        let keys = svc.list_api_keys(u.id).await.unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(
            svc.user_from_api_key(&k.secret, Scope::Capture)
                .await
                .unwrap(),
            u.id
        );
        let body = &k.secret[API_KEY_PREFIX.len()..];
        for bad in [
            API_KEY_PREFIX.to_string(),
            format!("sk_test_{body}"),
            format!("{}!", k.secret),
            format!("{API_KEY_PREFIX}{}", "a".repeat(121)),
        ] {
            assert!(
                matches!(
                    svc.user_from_api_key(&bad, Scope::Capture).await,
                    Err(AuthError::InvalidApiKey)
                ),
                "{bad}"
            );
        }
        svc.revoke_api_key(u.id, k.key.id).await.unwrap();
        assert!(matches!(
            svc.user_from_api_key(&k.secret, Scope::Capture).await,
            Err(AuthError::InvalidApiKey)
        ));
    }

    #[tokio::test]
    async fn settings_are_read_back_as_patched() {
        let (svc, _) = service();
        let (u, _) = svc
            .create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        assert_eq!(svc.settings(u.id).await.unwrap(), Settings::default());
        let patch = SettingsPatch {
            timezone: Some(chrono_tz::Europe::Berlin),
            week_start: Some(lifeos_kernel::WeekStart::Sunday),
            weight_unit: Some(crate::WeightUnit::Lb),
        };
        let s = svc.update_settings(u.id, patch).await.unwrap();
        assert_eq!(s.weight_unit, crate::WeightUnit::Lb);
        assert_eq!(svc.settings(u.id).await.unwrap(), s);
        assert_eq!(s.time_prefs().timezone, chrono_tz::Europe::Berlin);
        assert_eq!(s.time_prefs().week_start, lifeos_kernel::WeekStart::Sunday);
    }

    #[tokio::test]
    async fn login_with_the_right_password_opens_a_session() {
        let (svc, _) = service();
        svc.create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        let s = svc.login("ADA", "correct horse", "1.2.3.4").await.unwrap();
        assert_eq!(s.user.username, "ada");
        let u = svc.user_from_access_token(&s.access_token).await.unwrap();
        assert_eq!(u.id, s.user.id);
    }

    #[tokio::test]
    async fn an_access_token_names_its_caller_and_when_it_was_issued() {
        let (svc, clock) = service();
        svc.create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        let s = svc.login("ada", "correct horse", "a").await.unwrap();
        let caller = svc.caller_from_access_token(&s.access_token).unwrap();
        assert_eq!(caller.user, s.user.id);
        assert_eq!(caller.token_issued_at, Some(clock.now()));
        assert!(matches!(
            svc.caller_from_access_token("garbage"),
            Err(AuthError::InvalidToken)
        ));
        clock.set(clock.now() + chrono::Duration::minutes(15));
        assert!(
            matches!(
                svc.caller_from_access_token(&s.access_token),
                Err(AuthError::InvalidToken)
            ),
            "expired"
        );
    }

    #[tokio::test]
    async fn unknown_user_and_wrong_password_fail_alike() {
        let (svc, _) = service();
        svc.create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        assert!(matches!(
            svc.login("ada", "wrong pass", "a").await,
            Err(AuthError::InvalidCredentials)
        ));
        assert!(matches!(
            svc.login("bob", "wrong pass", "a").await,
            Err(AuthError::InvalidCredentials)
        ));
    }

    #[tokio::test]
    async fn the_sixth_attempt_after_five_failures_is_throttled_until_the_window_ends() {
        let (svc, clock) = service();
        svc.create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        for _ in 0..5 {
            assert!(matches!(
                svc.login("ada", "nope nope", "1.1.1.1").await,
                Err(AuthError::InvalidCredentials)
            ));
        }
        match svc.login("ada", "correct horse", "1.1.1.1").await {
            Err(AuthError::RateLimited { retry_after_secs }) => {
                assert_eq!(retry_after_secs, 15 * 60);
            }
            other => panic!("expected throttling, got {other:?}"),
        }
        // Another address is not affected.
        assert!(svc.login("ada", "correct horse", "2.2.2.2").await.is_ok());
        clock.set("2026-11-24T08:15:01Z".parse().unwrap());
        assert!(svc.login("ada", "correct horse", "1.1.1.1").await.is_ok());
    }

    #[tokio::test]
    async fn a_username_longer_than_any_account_is_a_field_error() {
        let (svc, _) = service();
        match svc.login(&"a".repeat(65), "whatever1", "a").await {
            Err(AuthError::Invalid(e)) => assert_eq!(e.field, "username"),
            other => panic!("expected a field error, got {other:?}"),
        }
        // 64 is a possible name: an ordinary failure.
        assert!(matches!(
            svc.login(&"a".repeat(64), "whatever1", "a").await,
            Err(AuthError::InvalidCredentials)
        ));
    }

    #[tokio::test]
    async fn a_password_change_or_reset_ends_earlier_access_tokens() {
        let (svc, clock) = service();
        let (user, _) = svc
            .create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        let old = svc.login("ada", "correct horse", "a").await.unwrap();
        assert!(svc.user_from_access_token(&old.access_token).await.is_ok());
        clock.set("2026-11-24T08:00:05.250Z".parse().unwrap());
        let mine = svc
            .change_password(user.id, "correct horse", "new password")
            .await
            .unwrap();
        for result in [
            svc.user_from_access_token(&old.access_token).await.err(),
            svc.user_and_settings_from_access_token(&old.access_token)
                .await
                .err(),
        ] {
            assert!(matches!(result, Some(AuthError::InvalidToken)));
        }
        // The caller's new token (issued in the same second) works.
        assert!(svc.user_from_access_token(&mine.access_token).await.is_ok());
        assert!(
            svc.user_and_settings_from_access_token(&mine.access_token)
                .await
                .is_ok()
        );
        // A reset from the command line ends it too.
        clock.set("2026-11-24T08:00:07Z".parse().unwrap());
        svc.create_or_reset_user("ada", "reset password")
            .await
            .unwrap();
        assert!(matches!(
            svc.user_from_access_token(&mine.access_token).await,
            Err(AuthError::InvalidToken)
        ));
    }

    #[tokio::test]
    async fn password_change_guesses_are_throttled_per_account() {
        let (svc, clock) = service();
        let (user, _) = svc
            .create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        for _ in 0..5 {
            assert!(matches!(
                svc.change_password(user.id, "guess guess", "new password")
                    .await,
                Err(AuthError::InvalidCredentials)
            ));
        }
        // Even the right one waits for the window to end.
        assert!(matches!(
            svc.change_password(user.id, "correct horse", "new password")
                .await,
            Err(AuthError::RateLimited { .. })
        ));
        // Logins (another key) are not affected.
        assert!(svc.login("ada", "correct horse", "a").await.is_ok());
        clock.set("2026-11-24T08:15:01Z".parse().unwrap());
        svc.change_password(user.id, "correct horse", "new password")
            .await
            .unwrap();
        // A right password clears the count: five more guesses are checked.
        for _ in 0..5 {
            assert!(matches!(
                svc.change_password(user.id, "guess guess", "x new password")
                    .await,
                Err(AuthError::InvalidCredentials)
            ));
        }
        assert!(matches!(
            svc.change_password(user.id, "new password", "newer password")
                .await,
            Err(AuthError::RateLimited { .. })
        ));
    }

    #[tokio::test]
    async fn refresh_rotates_and_reuse_revokes_the_family() {
        let (svc, _) = service();
        svc.create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        let s1 = svc.login("ada", "correct horse", "a").await.unwrap();
        let s2 = svc.refresh(&s1.refresh_token).await.unwrap();
        assert_ne!(s1.refresh_token, s2.refresh_token);
        // Reusing the retired token revokes the family, including s2's token.
        assert!(matches!(
            svc.refresh(&s1.refresh_token).await,
            Err(AuthError::InvalidToken)
        ));
        assert!(matches!(
            svc.refresh(&s2.refresh_token).await,
            Err(AuthError::InvalidToken)
        ));
    }

    #[tokio::test]
    async fn change_password_ends_other_sessions() {
        let (svc, _) = service();
        let (user, _) = svc
            .create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        let other = svc.login("ada", "correct horse", "a").await.unwrap();
        assert!(matches!(
            svc.change_password(user.id, "wrong one", "new password")
                .await,
            Err(AuthError::InvalidCredentials)
        ));
        let mine = svc
            .change_password(user.id, "correct horse", "new password")
            .await
            .unwrap();
        assert!(svc.refresh(&other.refresh_token).await.is_err());
        assert!(svc.refresh(&mine.refresh_token).await.is_ok());
        assert!(svc.login("ada", "new password", "b").await.is_ok());
    }

    #[tokio::test]
    async fn a_key_is_good_only_for_its_scopes() {
        let (svc, _) = service();
        let (user, _) = svc
            .create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        let capture = svc.create_api_key(user.id, "siri").await.unwrap();
        assert_eq!(capture.key.scopes, Scopes::default());
        assert!(matches!(
            svc.user_from_api_key(&capture.secret, Scope::Today).await,
            Err(AuthError::MissingScope(Scope::Today))
        ));
        let names = ["today".to_string()];
        let today = svc
            .create_api_key_with(user.id, "day", Scopes::parse(&names).unwrap())
            .await
            .unwrap();
        assert_eq!(
            svc.user_from_api_key(&today.secret, Scope::Today)
                .await
                .unwrap(),
            user.id
        );
        assert!(matches!(
            svc.user_from_api_key(&today.secret, Scope::Capture).await,
            Err(AuthError::MissingScope(Scope::Capture))
        ));
        let listed = svc.list_api_keys(user.id).await.unwrap();
        assert!(listed.iter().any(|k| k.scopes.list() == [Scope::Today]));
    }

    #[tokio::test]
    async fn api_keys_authenticate_until_revoked() {
        let (svc, _) = service();
        let (user, _) = svc
            .create_or_reset_user("ada", "correct horse")
            .await
            .unwrap();
        let created = svc.create_api_key(user.id, " Siri ").await.unwrap();
        assert!(created.secret.starts_with("sk_live_"));
        assert_eq!(created.key.name, "Siri");
        assert!(created.secret.starts_with(&created.key.prefix));
        assert_eq!(
            svc.user_from_api_key(&created.secret, Scope::Capture)
                .await
                .unwrap(),
            user.id
        );
        assert!(matches!(
            svc.user_from_api_key("sk_live_unknown", Scope::Capture)
                .await,
            Err(AuthError::InvalidApiKey)
        ));
        assert!(matches!(
            svc.user_from_api_key("Basic abc", Scope::Capture).await,
            Err(AuthError::InvalidApiKey)
        ));
        svc.revoke_api_key(user.id, created.key.id).await.unwrap();
        assert!(matches!(
            svc.user_from_api_key(&created.secret, Scope::Capture).await,
            Err(AuthError::InvalidApiKey)
        ));
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        let now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(
            retry_after(now + chrono::Duration::milliseconds(1500), now),
            2
        );
        assert_eq!(retry_after(now, now), 1);
    }
}
