//! Password hashing: bcrypt over a SHA-256 pre-hash, on the blocking pool.
//!
//! bcrypt reads at most 72 bytes, so a long password would be accepted by
//! its prefix. Pre-hashing with SHA-256 and base64 (44 ASCII bytes, no NUL)
//! makes every character count; it needs no server secret, so passwords
//! survive a change of `SECRET_KEY`.

use crate::error::AuthError;
use async_trait::async_trait;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Hashes and checks passwords.
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    /// Hashes `password`.
    ///
    /// # Errors
    /// [`AuthError::Internal`] when hashing fails.
    async fn hash(&self, password: &str) -> Result<String, AuthError>;

    /// Whether `password` matches `hash`. A malformed hash never matches.
    ///
    /// # Errors
    /// [`AuthError::Internal`] when the blocking pool fails.
    async fn verify(&self, password: &str, hash: &str) -> Result<bool, AuthError>;
}

/// bcrypt with a configurable cost; runs on tokio's blocking pool so the
/// async workers stay free while a login is checked.
#[derive(Debug, Clone, Copy)]
pub struct BcryptHasher {
    cost: u32,
}

impl BcryptHasher {
    /// A hasher with `cost` (4..=31; 12 in production).
    #[must_use]
    pub fn new(cost: u32) -> Self {
        Self {
            cost: cost.clamp(4, 31),
        }
    }
}

fn prehash(password: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(password.as_bytes()))
}

#[async_trait]
impl PasswordHasher for BcryptHasher {
    async fn hash(&self, password: &str) -> Result<String, AuthError> {
        let pre = prehash(password);
        let cost = self.cost;
        tokio::task::spawn_blocking(move || bcrypt::hash(pre, cost))
            .await
            .map_err(|e| AuthError::Internal(format!("hashing task failed: {e}")))?
            .map_err(|e| AuthError::Internal(format!("bcrypt failed: {e}")))
    }

    async fn verify(&self, password: &str, hash: &str) -> Result<bool, AuthError> {
        let pre = prehash(password);
        let hash = hash.to_string();
        tokio::task::spawn_blocking(move || bcrypt::verify(pre, &hash).unwrap_or(false))
            .await
            .map_err(|e| AuthError::Internal(format!("verify task failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_long_password_is_not_accepted_by_its_72_byte_prefix() {
        let h = BcryptHasher::new(4);
        let long = "a".repeat(100);
        let hash = h.hash(&long).await.unwrap();
        assert!(h.verify(&long, &hash).await.unwrap());
        assert!(!h.verify(&long[..72], &hash).await.unwrap());
        assert!(!h.verify(&"a".repeat(99), &hash).await.unwrap());
    }

    #[tokio::test]
    async fn a_malformed_hash_never_matches() {
        let h = BcryptHasher::new(4);
        assert!(!h.verify("whatever1", "not-a-hash").await.unwrap());
    }
}
