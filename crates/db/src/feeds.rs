//! Calendar feeds: the tokens' hashes, and the open tasks a feed shows.

use crate::schema::{calendar_feeds as cf, projects as pr, tasks as tk};
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bytea, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, RunQueryDsl};
use lifeos_app::feed::{CalendarFeed, DueTask, FeedId, FeedStore, NewFeed};
use lifeos_kernel::{StoreError, UserId};
use uuid::Uuid;

#[async_trait]
impl FeedStore for PgStore {
    async fn create_feed(&self, f: NewFeed, max: usize) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        conn.transaction(async |c| {
            // The user's row lock orders concurrent creations, so the count
            // below (a new snapshot) sees every feed committed before.
            crate::projects::lock_user(c, f.user).await?;
            let n = crate::raw::query(
                "INSERT INTO calendar_feeds (id, user_id, name, token_hash, created_at) \
                 SELECT $1, $2, $3, $4, $5 \
                 WHERE (SELECT count(*) FROM calendar_feeds WHERE user_id = $2) < $6",
            )
            .bind::<SqlUuid, _>(f.feed.id.0)
            .bind::<SqlUuid, _>(f.user.0)
            .bind::<Text, _>(f.feed.name.as_str())
            .bind::<Bytea, _>(f.token_hash.as_slice())
            .bind::<Timestamptz, _>(f.feed.created_at)
            .bind::<BigInt, _>(max)
            .execute(c)
            .await?;
            Ok::<_, diesel::result::Error>(n == 1)
        })
        .await
        .map_err(store_error)
    }

    async fn list_feeds(&self, user: UserId) -> Result<Vec<CalendarFeed>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<(Uuid, String, DateTime<Utc>)> = cf::table
            .filter(cf::user_id.eq(user.0))
            .order((cf::created_at.desc(), cf::id.desc()))
            .select((cf::id, cf::name, cf::created_at))
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_at)| CalendarFeed {
                id: FeedId(id),
                name,
                created_at,
            })
            .collect())
    }

    async fn delete_feed(&self, user: UserId, id: FeedId) -> Result<bool, StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(
            cf::table
                .filter(cf::id.eq(id.0))
                .filter(cf::user_id.eq(user.0)),
        )
        .execute(&mut conn)
        .await
        .map(|n| n > 0)
        .map_err(store_error)
    }

    async fn feed_by_token(&self, hash: &[u8]) -> Result<Option<(UserId, String)>, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<(Uuid, String)> = cf::table
            .filter(cf::token_hash.eq(hash))
            .select((cf::user_id, cf::name))
            .first(&mut conn)
            .await
            .optional()
            .map_err(store_error)?;
        Ok(row.map(|(u, name)| (UserId(u), name)))
    }

    async fn open_tasks_due(&self, user: UserId) -> Result<Vec<DueTask>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<(Uuid, String, Option<NaiveDate>, String, DateTime<Utc>)> = tk::table
            .inner_join(pr::table.on(pr::id.eq(tk::project_id)))
            .filter(tk::user_id.eq(user.0))
            .filter(tk::status.ne("done"))
            .filter(tk::due_date.is_not_null())
            .order((tk::due_date, tk::id))
            .select((tk::id, tk::title, tk::due_date, pr::name, tk::updated_at))
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, title, due, project, updated_at)| {
                due.map(|due| DueTask {
                    id,
                    title,
                    due,
                    project,
                    updated_at,
                })
            })
            .collect())
    }
}
