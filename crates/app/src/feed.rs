//! Calendar subscription feeds (issue 13, section 1): secret URLs that a
//! calendar app (Apple Calendar, Google Calendar, Thunderbird) subscribes
//! to, answering every event of the user as iCalendar, with the open tasks
//! that have a due date as all-day events.
//!
//! A feed's token is the credential (the URL carries it; calendar apps send
//! no cookie or header): 32 random bytes, only its SHA-256 stored, as API
//! keys are. Deleting a feed revokes it; an unknown token is simply not
//! found.

mod ics;
mod vtimezone;

pub use ics::render;

use async_trait::async_trait;
use base64::Engine;
use chrono::{DateTime, Datelike, NaiveDate, SubsecRound, Utc};
use lifeos_calendar::{CalendarError, CalendarService};
use lifeos_kernel::{Clock, FieldError, StoreError, UserId, new_id};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use uuid::Uuid;

/// Most feeds one user may have.
pub const MAX_FEEDS: usize = 20;

/// A feed's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeedId(pub Uuid);

/// A feed as listed (never its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarFeed {
    /// Id.
    pub id: FeedId,
    /// What the user called it.
    pub name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A feed to store: its hash only.
#[derive(Debug, Clone)]
pub struct NewFeed {
    /// Owner.
    pub user: UserId,
    /// The feed.
    pub feed: CalendarFeed,
    /// SHA-256 of the token.
    pub token_hash: Vec<u8>,
}

/// An open task with a due date, as the feed shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueTask {
    /// Task id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Due date.
    pub due: NaiveDate,
    /// The project's name.
    pub project: String,
    /// Changed.
    pub updated_at: DateTime<Utc>,
}

/// The persistence port of calendar feeds.
#[async_trait]
pub trait FeedStore: Send + Sync {
    /// Stores a feed unless the user already has `max` (answers whether it
    /// was stored), atomically.
    ///
    /// # Errors
    /// Storage errors.
    async fn create_feed(&self, feed: NewFeed, max: usize) -> Result<bool, StoreError>;

    /// The user's feeds, newest first.
    ///
    /// # Errors
    /// Storage errors.
    async fn list_feeds(&self, user: UserId) -> Result<Vec<CalendarFeed>, StoreError>;

    /// Deletes one of the user's feeds (false when it is not theirs).
    ///
    /// # Errors
    /// Storage errors.
    async fn delete_feed(&self, user: UserId, id: FeedId) -> Result<bool, StoreError>;

    /// The owner and name of the feed whose token hashes to `hash`.
    ///
    /// # Errors
    /// Storage errors.
    async fn feed_by_token(&self, hash: &[u8]) -> Result<Option<(UserId, String)>, StoreError>;

    /// The user's open tasks that have a due date.
    ///
    /// # Errors
    /// Storage errors.
    async fn open_tasks_due(&self, user: UserId) -> Result<Vec<DueTask>, StoreError>;
}

/// What can go wrong with feeds.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// Bad input.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// No such feed (or not the user's, or a revoked token).
    #[error("not found")]
    NotFound,
    /// The user has [`MAX_FEEDS`] already.
    #[error("a user may have at most {MAX_FEEDS} calendar feeds")]
    TooMany,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CalendarError> for FeedError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::Store(s) => Self::Store(s),
            CalendarError::Invalid(f) => Self::Invalid(f),
            CalendarError::NotFound => Self::NotFound,
        }
    }
}

/// A new feed with its token, shown this once.
#[derive(Debug, Clone)]
pub struct CreatedFeed {
    /// The feed.
    pub feed: CalendarFeed,
    /// The secret of its URL.
    pub token: String,
}

/// A feed's text and its validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFeed {
    /// The iCalendar text.
    pub body: String,
    /// The text's SHA-256 in hex: a strong `ETag`'s value (the HTTP layer
    /// quotes it).
    pub etag: String,
    /// The newest change among what it shows, if anything.
    pub last_modified: Option<DateTime<Utc>>,
}

/// The feeds use case.
pub struct Feeds {
    store: Arc<dyn FeedStore>,
    calendar: Arc<CalendarService>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Feeds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feeds").finish_non_exhaustive()
    }
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

impl Feeds {
    /// Wires the use case.
    #[must_use]
    pub fn new(
        store: Arc<dyn FeedStore>,
        calendar: Arc<CalendarService>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            calendar,
            clock,
        }
    }

    /// Creates a feed named `name` (trimmed, 1 to 100 characters).
    ///
    /// # Errors
    /// [`FeedError::Invalid`] on `name`; [`FeedError::TooMany`].
    pub async fn create(&self, user: UserId, name: &str) -> Result<CreatedFeed, FeedError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(FieldError::new("name", "name must be 1 to 100 characters").into());
        }
        lifeos_kernel::storable("name", name)?;
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
        let feed = CalendarFeed {
            id: FeedId(new_id()),
            name: name.to_owned(),
            // As stored (microseconds), so the answer equals the list.
            created_at: self.clock.now().trunc_subsecs(6),
        };
        let stored = self
            .store
            .create_feed(
                NewFeed {
                    user,
                    feed: feed.clone(),
                    token_hash: hash(&token),
                },
                MAX_FEEDS,
            )
            .await?;
        if !stored {
            return Err(FeedError::TooMany);
        }
        Ok(CreatedFeed { feed, token })
    }

    /// The user's feeds, newest first.
    ///
    /// # Errors
    /// Storage errors.
    pub async fn list(&self, user: UserId) -> Result<Vec<CalendarFeed>, FeedError> {
        Ok(self.store.list_feeds(user).await?)
    }

    /// Revokes one of the user's feeds.
    ///
    /// # Errors
    /// [`FeedError::NotFound`] when it is not the user's.
    pub async fn delete(&self, user: UserId, id: FeedId) -> Result<(), FeedError> {
        if self.store.delete_feed(user, id).await? {
            Ok(())
        } else {
            Err(FeedError::NotFound)
        }
    }

    /// The feed behind `token`.
    ///
    /// # Errors
    /// [`FeedError::NotFound`] for a token that is not a live feed's.
    pub async fn render(&self, token: &str) -> Result<RenderedFeed, FeedError> {
        let (user, name) = self
            .store
            .feed_by_token(&hash(token))
            .await?
            .ok_or(FeedError::NotFound)?;
        let events = self.calendar.all_events(user).await?;
        let tasks = self.store.open_tasks_due(user).await?;
        let body = render(&name, &events, &tasks, self.clock.now().year());
        let etag = hex::encode(Sha256::digest(body.as_bytes()));
        let last_modified = events
            .iter()
            .map(|(e, _)| e.updated_at)
            .chain(tasks.iter().map(|t| t.updated_at))
            .max();
        Ok(RenderedFeed {
            body,
            etag,
            last_modified,
        })
    }
}

#[cfg(test)]
mod tests;
