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
/// async workers stay free while a login is checked. At most `parallel`
/// hashes run at once (one per core by default), the others wait in arrival
/// order (tokio's semaphore is fair): under a burst of 32 logins the first
/// answers after one hash time instead of all 32 finishing together, and a
/// login storm cannot take every core from the rest of the server. At most
/// [`WAITING_PER_SLOT`] checks per slot wait; more are refused at once
/// ([`AuthError::Busy`]) rather than queued without end, so a flood of
/// logins with new usernames (which the throttle cannot stop) costs the
/// server a bounded queue, not every connection.
#[derive(Debug, Clone)]
pub struct BcryptHasher {
    cost: u32,
    slots: std::sync::Arc<tokio::sync::Semaphore>,
    max_waiting: usize,
    busy: std::sync::Arc<Busy>,
}

/// Checks that may wait per hashing slot (at cost 12, about 4 s of work).
pub const WAITING_PER_SLOT: usize = 16;

/// How many hashes run now and wait, and the most that ever ran at once.
#[derive(Debug, Default)]
struct Busy {
    now: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
    waiting: std::sync::atomic::AtomicUsize,
}

/// Counts one waiter while it lives (a client that gives up while waiting
/// leaves the queue).
struct Waiting<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl BcryptHasher {
    /// A hasher with `cost` (4..=31; 12 in production), one hash at a time
    /// per core.
    #[must_use]
    pub fn new(cost: u32) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self::with_parallelism(cost, cores)
    }

    /// A hasher running at most `parallel` (at least 1) hashes at once.
    #[must_use]
    pub fn with_parallelism(cost: u32, parallel: usize) -> Self {
        Self {
            cost: cost.clamp(4, 31),
            slots: std::sync::Arc::new(tokio::sync::Semaphore::new(parallel.max(1))),
            max_waiting: parallel.max(1) * WAITING_PER_SLOT,
            busy: std::sync::Arc::default(),
        }
    }

    /// The most hashes that ever ran at once.
    #[must_use]
    pub fn most_at_once(&self) -> usize {
        self.busy.most.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Runs `work` on the blocking pool once a slot is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AuthError> {
        use std::sync::atomic::Ordering::SeqCst;
        let waiting = Waiting(&self.busy.waiting);
        if self.busy.waiting.fetch_add(1, SeqCst) >= self.max_waiting {
            return Err(AuthError::Busy);
        }
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|e| AuthError::Internal(format!("hashing slots closed: {e}")))?;
        drop(waiting);
        let busy = self.busy.clone();
        let now = busy.now.fetch_add(1, SeqCst) + 1;
        busy.most.fetch_max(now, SeqCst);
        let done = tokio::task::spawn_blocking(work).await;
        busy.now.fetch_sub(1, SeqCst);
        done.map_err(|e| AuthError::Internal(format!("hashing task failed: {e}")))
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
        self.run(move || bcrypt::hash(pre, cost))
            .await?
            .map_err(|e| AuthError::Internal(format!("bcrypt failed: {e}")))
    }

    async fn verify(&self, password: &str, hash: &str) -> Result<bool, AuthError> {
        let pre = prehash(password);
        let hash = hash.to_string();
        self.run(move || bcrypt::verify(pre, &hash).unwrap_or(false))
            .await
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn hashes_run_at_most_parallel_at_once_and_all_finish() {
        let h = BcryptHasher::with_parallelism(8, 2);
        let hash = h.hash("correct horse").await.unwrap();
        let checks: Vec<_> = (0..8)
            .map(|i| {
                let (h, hash) = (h.clone(), hash.clone());
                tokio::spawn(async move {
                    let password = if i % 2 == 0 {
                        "correct horse"
                    } else {
                        "wrong horse"
                    };
                    h.verify(password, &hash).await.unwrap()
                })
            })
            .collect();
        let mut results = Vec::new();
        for c in checks {
            results.push(c.await.unwrap());
        }
        assert_eq!(
            results,
            [true, false, true, false, true, false, true, false]
        );
        assert_eq!(h.most_at_once(), 2);
        assert!(
            BcryptHasher::with_parallelism(4, 0)
                .slots
                .available_permits()
                == 1
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_flood_beyond_the_waiting_room_is_refused_at_once_and_the_room_empties() {
        let h = BcryptHasher::with_parallelism(4, 1);
        let hash = h.hash("correct horse").await.unwrap();
        let slow = BcryptHasher {
            cost: 10,
            ..h.clone()
        };
        let slow_hash = slow.hash("x").await.unwrap();
        let flood: Vec<_> = (0..60)
            .map(|_| {
                let (h, hash) = (slow.clone(), slow_hash.clone());
                tokio::spawn(async move { h.verify("wrong horse", &hash).await })
            })
            .collect();
        let (mut checked, mut refused) = (0, 0);
        for f in flood {
            match f.await.unwrap() {
                Ok(false) => checked += 1,
                Err(AuthError::Busy) => refused += 1,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(checked + refused, 60);
        // One runs, sixteen wait; the rest are refused (some may have
        // found a place freed meanwhile).
        assert!(refused >= 60 - 2 * (1 + WAITING_PER_SLOT), "{refused}");
        assert!(checked > WAITING_PER_SLOT, "{checked}");
        // Every waiter left the room: the next check runs.
        assert!(h.verify("correct horse", &hash).await.unwrap());
        assert_eq!(h.busy.waiting.load(std::sync::atomic::Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_malformed_hash_never_matches() {
        let h = BcryptHasher::new(4);
        assert!(!h.verify("whatever1", "not-a-hash").await.unwrap());
    }
}
