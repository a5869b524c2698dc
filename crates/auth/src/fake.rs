//! In-memory fakes of the auth ports, enforcing the same rules as the
//! database (case-insensitive usernames, one winner per refresh token).

use crate::error::AuthError;
use crate::hashing::PasswordHasher;
use crate::model::{
    ApiKey, ApiKeyId, NewApiKey, NewRefreshToken, RotateOutcome, Scopes, Settings, SettingsPatch,
    ThrottleKey, User, UserCredentials, Username,
};
use crate::ports::{
    ApiKeyRepository, LoginThrottle, SessionRepository, SettingsRepository, UserRepository,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use lifeos_kernel::{StoreError, UserId};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use uuid::Uuid;

#[derive(Debug, Clone)]
struct RefreshRow {
    token: NewRefreshToken,
    retired: bool,
    revoked: bool,
}

#[derive(Debug, Default)]
struct State {
    users: Vec<UserCredentials>,
    settings: HashMap<UserId, Settings>,
    refresh: Vec<RefreshRow>,
    failures: HashMap<ThrottleKey, (DateTime<Utc>, i32)>,
    /// When each user's password was last set.
    password_set: HashMap<UserId, DateTime<Utc>>,
    keys: Vec<(NewApiKey, UserId)>,
}

/// All auth ports in memory.
#[derive(Debug, Default)]
pub struct InMemoryAuthStore(Mutex<State>);

impl InMemoryAuthStore {
    fn state(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl UserRepository for InMemoryAuthStore {
    async fn upsert_user(
        &self,
        new_id: UserId,
        username: &Username,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(User, bool), StoreError> {
        let mut s = self.state();
        let lower = username.as_str().to_lowercase();
        if let Some(c) = s
            .users
            .iter_mut()
            .find(|c| c.user.username.to_lowercase() == lower)
        {
            c.password_hash = password_hash.to_string();
            let user = c.user.clone();
            for r in s.refresh.iter_mut().filter(|r| r.token.user_id == user.id) {
                r.revoked = true;
            }
            s.password_set.insert(user.id, now);
            return Ok((user, false));
        }
        let user = User {
            id: new_id,
            username: username.as_str().to_string(),
            created_at: now,
        };
        s.users.push(UserCredentials {
            user: user.clone(),
            password_hash: password_hash.to_string(),
        });
        s.settings.insert(new_id, Settings::default());
        s.password_set.insert(new_id, now);
        Ok((user, true))
    }

    async fn find_credentials(
        &self,
        username: &str,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let lower = username.to_lowercase();
        Ok(self
            .state()
            .users
            .iter()
            .find(|c| c.user.username.to_lowercase() == lower)
            .cloned())
    }

    async fn find_credentials_by_id(
        &self,
        id: UserId,
    ) -> Result<Option<UserCredentials>, StoreError> {
        Ok(self.state().users.iter().find(|c| c.user.id == id).cloned())
    }

    async fn find_user(
        &self,
        id: UserId,
        issued_at: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError> {
        Ok(self
            .find_user_with_settings(id, issued_at)
            .await?
            .map(|(user, _)| user))
    }

    async fn find_user_with_settings(
        &self,
        id: UserId,
        issued_at: DateTime<Utc>,
    ) -> Result<Option<(User, Settings)>, StoreError> {
        let state = self.state();
        let still_valid = |id: &UserId| {
            state
                .password_set
                .get(id)
                .is_none_or(|set| *set < issued_at + chrono::Duration::seconds(1))
        };
        Ok(state
            .users
            .iter()
            .find(|c| c.user.id == id && still_valid(&c.user.id))
            .map(|c| {
                (
                    c.user.clone(),
                    state.settings.get(&id).copied().unwrap_or_default(),
                )
            }))
    }

    async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
        session: NewRefreshToken,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut s = self.state();
        s.password_set.insert(id, now);
        let c = s
            .users
            .iter_mut()
            .find(|c| c.user.id == id)
            .ok_or(StoreError::NotFound)?;
        c.password_hash = password_hash.to_string();
        for r in s.refresh.iter_mut().filter(|r| r.token.user_id == id) {
            r.revoked = true;
        }
        s.refresh.push(RefreshRow {
            token: session,
            retired: false,
            revoked: false,
        });
        Ok(())
    }

    async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(i64::try_from(self.state().users.len()).unwrap_or(i64::MAX))
    }
}

#[async_trait]
impl SessionRepository for InMemoryAuthStore {
    async fn create_refresh(&self, token: NewRefreshToken) -> Result<(), StoreError> {
        self.state().refresh.push(RefreshRow {
            token,
            retired: false,
            revoked: false,
        });
        Ok(())
    }

    async fn rotate_refresh(
        &self,
        presented_hash: &[u8],
        next_id: Uuid,
        next_hash: &[u8],
        next_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<RotateOutcome, StoreError> {
        let mut s = self.state();
        let Some(row) = s
            .refresh
            .iter()
            .find(|r| r.token.token_hash == presented_hash)
            .cloned()
        else {
            return Ok(RotateOutcome::Invalid);
        };
        if row.revoked || row.token.expires_at <= now {
            return Ok(RotateOutcome::Invalid);
        }
        if row.retired {
            for r in s
                .refresh
                .iter_mut()
                .filter(|r| r.token.family_id == row.token.family_id)
            {
                r.revoked = true;
            }
            return Ok(RotateOutcome::Reused);
        }
        for r in s
            .refresh
            .iter_mut()
            .filter(|r| r.token.token_hash == presented_hash)
        {
            r.retired = true;
        }
        s.refresh.push(RefreshRow {
            token: NewRefreshToken {
                id: next_id,
                user_id: row.token.user_id,
                family_id: row.token.family_id,
                token_hash: next_hash.to_vec(),
                expires_at: next_expires_at,
            },
            retired: false,
            revoked: false,
        });
        let user = s
            .users
            .iter()
            .find(|c| c.user.id == row.token.user_id)
            .map(|c| c.user.clone())
            .ok_or(StoreError::NotFound)?;
        Ok(RotateOutcome::Rotated(user))
    }

    async fn revoke_refresh(&self, hash: &[u8], _now: DateTime<Utc>) -> Result<(), StoreError> {
        for r in self
            .state()
            .refresh
            .iter_mut()
            .filter(|r| r.token.token_hash == hash)
        {
            r.revoked = true;
        }
        Ok(())
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut s = self.state();
        let before = s.refresh.len();
        s.refresh.retain(|r| r.token.expires_at > now);
        Ok(u64::try_from(before - s.refresh.len()).unwrap_or(0))
    }
}

#[async_trait]
impl LoginThrottle for InMemoryAuthStore {
    async fn record_failure(
        &self,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<(DateTime<Utc>, i32), StoreError> {
        let mut s = self.state();
        let entry = s.failures.entry(key.clone()).or_insert((now, 0));
        if entry.0 <= now - window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        Ok(*entry)
    }

    async fn clear_failures(&self, key: &ThrottleKey) -> Result<(), StoreError> {
        self.state().failures.remove(key);
        Ok(())
    }
}

#[async_trait]
impl ApiKeyRepository for InMemoryAuthStore {
    async fn create_api_key(&self, key: NewApiKey) -> Result<(), StoreError> {
        let user = key.user_id;
        self.state().keys.push((key, user));
        Ok(())
    }

    async fn list_api_keys(&self, user: UserId) -> Result<Vec<ApiKey>, StoreError> {
        let mut keys: Vec<ApiKey> = self
            .state()
            .keys
            .iter()
            .filter(|(_, u)| *u == user)
            .map(|(k, _)| k.key.clone())
            .collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.created_at));
        Ok(keys)
    }

    async fn revoke_api_key(
        &self,
        user: UserId,
        id: ApiKeyId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut s = self.state();
        let (k, _) = s
            .keys
            .iter_mut()
            .find(|(k, u)| *u == user && k.key.id == id)
            .ok_or(StoreError::NotFound)?;
        k.key.revoked_at.get_or_insert(now);
        Ok(())
    }

    async fn authenticate_api_key(
        &self,
        hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<(UserId, Scopes)>, StoreError> {
        let mut s = self.state();
        Ok(s.keys
            .iter_mut()
            .find(|(k, _)| k.key_hash == hash && k.key.revoked_at.is_none())
            .map(|(k, u)| {
                k.key.last_used_at = Some(now);
                (*u, k.key.scopes)
            }))
    }
}

#[async_trait]
impl SettingsRepository for InMemoryAuthStore {
    async fn get_settings(&self, user: UserId) -> Result<Settings, StoreError> {
        Ok(self
            .state()
            .settings
            .get(&user)
            .copied()
            .unwrap_or_default())
    }

    async fn update_settings(
        &self,
        user: UserId,
        patch: SettingsPatch,
    ) -> Result<Settings, StoreError> {
        let mut s = self.state();
        let entry = s.settings.entry(user).or_default();
        *entry = patch.apply(*entry);
        Ok(*entry)
    }
}

/// A hasher that costs nothing: `hash(p)` is `"fake:" + p`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FakeHasher;

#[async_trait]
impl PasswordHasher for FakeHasher {
    async fn hash(&self, password: &str) -> Result<String, AuthError> {
        Ok(format!("fake:{password}"))
    }

    async fn verify(&self, password: &str, hash: &str) -> Result<bool, AuthError> {
        Ok(hash.strip_prefix("fake:") == Some(password))
    }
}
