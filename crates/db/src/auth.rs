//! The auth ports over PostgreSQL.

use crate::schema::{api_keys, login_failures, refresh_tokens, user_settings, users};
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Bytea, Int4, Interval, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncConnection, RunQueryDsl};
use lifeos_auth::{
    ApiKey, ApiKeyId, ApiKeyRepository, LoginThrottle, NewApiKey, NewRefreshToken, RotateOutcome,
    Scopes, SessionRepository, Settings, SettingsPatch, SettingsRepository, ThrottleKey, User,
    UserCredentials, UserRepository, Username, WeightUnit,
};
use lifeos_kernel::{StoreError, UserId, WeekStart};
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct UserRow {
    id: Uuid,
    username: String,
    password_hash: String,
    created_at: DateTime<Utc>,
}

impl UserRow {
    fn into_credentials(self) -> UserCredentials {
        UserCredentials {
            user: User {
                id: UserId(self.id),
                username: self.username,
                created_at: self.created_at,
            },
            password_hash: self.password_hash,
        }
    }
}

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct UpsertedUser {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Bool)]
    inserted: bool,
}

#[derive(Insertable)]
#[diesel(table_name = refresh_tokens)]
struct NewRefreshRow<'a> {
    id: Uuid,
    user_id: Uuid,
    family_id: Uuid,
    token_hash: &'a [u8],
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

fn refresh_row(t: &NewRefreshToken, now: DateTime<Utc>) -> NewRefreshRow<'_> {
    NewRefreshRow {
        id: t.id,
        user_id: t.user_id.0,
        family_id: t.family_id,
        token_hash: &t.token_hash,
        created_at: now,
        expires_at: t.expires_at,
    }
}

fn minutes(d: chrono::Duration) -> diesel::pg::data_types::PgInterval {
    diesel::pg::data_types::PgInterval::from_microseconds(d.num_microseconds().unwrap_or(i64::MAX))
}

/// Whether a token issued at `issued_at` (whole seconds) is younger than
/// the password (see [`crate::owner::token_bound`]).
fn password_set_by(
    issued_at: DateTime<Utc>,
) -> diesel::dsl::Lt<
    users::updated_at,
    diesel::dsl::AsExprOf<DateTime<Utc>, diesel::sql_types::Timestamptz>,
> {
    users::updated_at
        .lt(crate::owner::token_bound(issued_at).into_sql::<diesel::sql_types::Timestamptz>())
}

#[async_trait]
impl UserRepository for PgStore {
    async fn upsert_user(
        &self,
        new_id: UserId,
        username: &Username,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(User, bool), StoreError> {
        let mut conn = self.conn().await?;
        let name = username.as_str().to_string();
        let hash = password_hash.to_string();
        let row = conn
            .transaction(async |c| {
                let row: UpsertedUser = crate::raw::query(
                    "INSERT INTO users (id, username, password_hash, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $4) \
                     ON CONFLICT ((lower(username))) DO UPDATE \
                       SET password_hash = EXCLUDED.password_hash, updated_at = EXCLUDED.updated_at \
                     RETURNING id, username, created_at, (xmax = 0) AS inserted",
                )
                .bind::<SqlUuid, _>(new_id.0)
                .bind::<Text, _>(&name)
                .bind::<Text, _>(&hash)
                .bind::<Timestamptz, _>(now)
                .get_result(c)
                .await?;
                if row.inserted {
                    diesel::insert_into(user_settings::table)
                        .values((user_settings::user_id.eq(row.id), user_settings::updated_at.eq(now)))
                        .on_conflict_do_nothing()
                        .execute(c)
                        .await?;
                } else {
                    // A password reset ends every session of the account.
                    diesel::update(
                        refresh_tokens::table
                            .filter(refresh_tokens::user_id.eq(row.id))
                            .filter(refresh_tokens::revoked_at.is_null()),
                    )
                    .set(refresh_tokens::revoked_at.eq(now))
                    .execute(c)
                    .await?;
                }
                Ok::<_, diesel::result::Error>(row)
            })
            .await
            .map_err(store_error)?;
        Ok((
            User {
                id: UserId(row.id),
                username: row.username,
                created_at: row.created_at,
            },
            row.inserted,
        ))
    }

    async fn find_credentials(
        &self,
        username: &str,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let mut conn = self.conn().await?;
        users::table
            .filter(
                diesel::dsl::sql::<Bool>("lower(username) = lower(")
                    .bind::<Text, _>(username)
                    .sql(")"),
            )
            .select(UserRow::as_select())
            .first(&mut conn)
            .await
            .optional()
            .map(|r| r.map(UserRow::into_credentials))
            .map_err(store_error)
    }

    async fn find_credentials_by_id(
        &self,
        id: UserId,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let mut conn = self.conn().await?;
        users::table
            .find(id.0)
            .select(UserRow::as_select())
            .first(&mut conn)
            .await
            .optional()
            .map(|r| r.map(UserRow::into_credentials))
            .map_err(store_error)
    }

    async fn find_user_with_settings(
        &self,
        id: UserId,
        issued_at: DateTime<Utc>,
    ) -> Result<Option<(User, Settings)>, StoreError> {
        let mut conn = self.conn().await?;
        let row = users::table
            .left_join(user_settings::table)
            .filter(users::id.eq(id.0))
            .filter(password_set_by(issued_at))
            .select((
                users::id,
                users::username,
                users::created_at,
                user_settings::timezone.nullable(),
                user_settings::week_start.nullable(),
                user_settings::weight_unit.nullable(),
            ))
            .first::<(
                Uuid,
                String,
                DateTime<Utc>,
                Option<String>,
                Option<String>,
                Option<String>,
            )>(&mut conn)
            .await
            .optional()
            .map_err(store_error)?;
        let Some((uid, username, created_at, tz, week, unit)) = row else {
            return Ok(None);
        };
        let settings = match (tz, week, unit) {
            (Some(tz), Some(week), Some(unit)) => settings_from(&tz, &week, &unit)?,
            _ => Settings::default(),
        };
        let user = User {
            id: UserId(uid),
            username,
            created_at,
        };
        Ok(Some((user, settings)))
    }

    async fn find_user(
        &self,
        id: UserId,
        issued_at: DateTime<Utc>,
    ) -> Result<Option<User>, StoreError> {
        let mut conn = self.conn().await?;
        users::table
            .find(id.0)
            .filter(password_set_by(issued_at))
            .select((users::id, users::username, users::created_at))
            .first::<(Uuid, String, DateTime<Utc>)>(&mut conn)
            .await
            .optional()
            .map(|r| {
                r.map(|(id, username, created_at)| User {
                    id: UserId(id),
                    username,
                    created_at,
                })
            })
            .map_err(store_error)
    }

    async fn change_password(
        &self,
        id: UserId,
        password_hash: &str,
        session: NewRefreshToken,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let hash = password_hash.to_string();
        conn.transaction(async |c| {
            let n = diesel::update(users::table.find(id.0))
                .set((users::password_hash.eq(&hash), users::updated_at.eq(now)))
                .execute(c)
                .await?;
            if n == 0 {
                return Err(diesel::result::Error::NotFound);
            }
            diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::user_id.eq(id.0))
                    .filter(refresh_tokens::revoked_at.is_null()),
            )
            .set(refresh_tokens::revoked_at.eq(now))
            .execute(c)
            .await?;
            diesel::insert_into(refresh_tokens::table)
                .values(refresh_row(&session, now))
                .execute(c)
                .await?;
            Ok(())
        })
        .await
        .map_err(store_error)
    }

    async fn count_users(&self) -> Result<i64, StoreError> {
        let mut conn = self.conn().await?;
        users::table
            .count()
            .get_result(&mut conn)
            .await
            .map_err(store_error)
    }
}

#[async_trait]
impl SessionRepository for PgStore {
    async fn create_refresh(&self, token: NewRefreshToken) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        diesel::insert_into(refresh_tokens::table)
            .values(refresh_row(&token, Utc::now()))
            .execute(&mut conn)
            .await
            .map(|_| ())
            .map_err(store_error)
    }

    async fn rotate_refresh(
        &self,
        presented_hash: &[u8],
        next_id: Uuid,
        next_hash: &[u8],
        next_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<RotateOutcome, StoreError> {
        let mut conn = self.conn().await?;
        let presented = presented_hash.to_vec();
        let next = next_hash.to_vec();
        conn.transaction(async |c| {
            // FOR UPDATE serialises concurrent refreshes of one token: the
            // second waits, then sees it retired.
            type Found = (
                Uuid,
                Uuid,
                Uuid,
                DateTime<Utc>,
                Option<DateTime<Utc>>,
                Option<DateTime<Utc>>,
            );
            let found: Option<Found> = refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(&presented))
                .select((
                    refresh_tokens::id,
                    refresh_tokens::user_id,
                    refresh_tokens::family_id,
                    refresh_tokens::expires_at,
                    refresh_tokens::retired_at,
                    refresh_tokens::revoked_at,
                ))
                .for_update()
                .first(c)
                .await
                .optional()?;
            let Some((id, user_id, family_id, expires_at, retired_at, revoked_at)) = found else {
                return Ok(RotateOutcome::Invalid);
            };
            if revoked_at.is_some() || expires_at <= now {
                return Ok(RotateOutcome::Invalid);
            }
            if retired_at.is_some() {
                diesel::update(
                    refresh_tokens::table
                        .filter(refresh_tokens::family_id.eq(family_id))
                        .filter(refresh_tokens::revoked_at.is_null()),
                )
                .set(refresh_tokens::revoked_at.eq(now))
                .execute(c)
                .await?;
                return Ok(RotateOutcome::Reused);
            }
            diesel::update(refresh_tokens::table.find(id))
                .set(refresh_tokens::retired_at.eq(now))
                .execute(c)
                .await?;
            let row = NewRefreshToken {
                id: next_id,
                user_id: UserId(user_id),
                family_id,
                token_hash: next.clone(),
                expires_at: next_expires_at,
            };
            diesel::insert_into(refresh_tokens::table)
                .values(refresh_row(&row, now))
                .execute(c)
                .await?;
            let user = users::table
                .find(user_id)
                .select((users::id, users::username, users::created_at))
                .first::<(Uuid, String, DateTime<Utc>)>(c)
                .await
                .optional()?;
            Ok(match user {
                Some((id, username, created_at)) => RotateOutcome::Rotated(User {
                    id: UserId(id),
                    username,
                    created_at,
                }),
                None => RotateOutcome::Invalid,
            })
        })
        .await
        .map_err(store_error)
    }

    async fn revoke_refresh(&self, hash: &[u8], now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(hash))
                .filter(refresh_tokens::revoked_at.is_null()),
        )
        .set(refresh_tokens::revoked_at.eq(now))
        .execute(&mut conn)
        .await
        .map(|_| ())
        .map_err(store_error)
    }

    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.lt(now)))
            .execute(&mut conn)
            .await
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(store_error)
    }
}

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct FailureRow {
    #[diesel(sql_type = Timestamptz)]
    window_start: DateTime<Utc>,
    #[diesel(sql_type = Int4)]
    failures: i32,
}

#[async_trait]
impl LoginThrottle for PgStore {
    async fn record_failure(
        &self,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<(DateTime<Utc>, i32), StoreError> {
        let mut conn = self.conn().await?;
        // One statement: race-free across server processes sharing the database.
        let row: FailureRow = crate::raw::query(
            "INSERT INTO login_failures AS f (username, client_addr, window_start, failures) \
             VALUES ($1, $2, $3, 1) \
             ON CONFLICT (username, client_addr) DO UPDATE SET \
               failures = CASE WHEN f.window_start <= $3 - $4 THEN 1 ELSE f.failures + 1 END, \
               window_start = CASE WHEN f.window_start <= $3 - $4 THEN $3 ELSE f.window_start END \
             RETURNING window_start, failures",
        )
        .bind::<Text, _>(&key.username)
        .bind::<Text, _>(&key.client_addr)
        .bind::<Timestamptz, _>(now)
        .bind::<Interval, _>(minutes(window))
        .get_result(&mut conn)
        .await
        .map_err(store_error)?;
        // Old windows of other keys are dead weight: drop them now and then.
        if row.failures == 1 {
            diesel::delete(
                login_failures::table.filter(login_failures::window_start.le(now - window)),
            )
            .execute(&mut conn)
            .await
            .map_err(store_error)?;
        }
        Ok((row.window_start, row.failures))
    }

    async fn clear_failures(&self, key: &ThrottleKey) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        diesel::delete(
            login_failures::table
                .filter(login_failures::username.eq(&key.username))
                .filter(login_failures::client_addr.eq(&key.client_addr)),
        )
        .execute(&mut conn)
        .await
        .map(|_| ())
        .map_err(store_error)
    }
}

type ApiKeyTuple = (
    Uuid,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    String,
);

fn scopes_from(raw: &str) -> Result<Scopes, StoreError> {
    Scopes::from_stored(raw)
        .map_err(|_bad| StoreError::internal(format!("stored API key scopes {raw:?}")))
}

fn api_key_from(t: ApiKeyTuple) -> Result<ApiKey, StoreError> {
    Ok(ApiKey {
        id: ApiKeyId(t.0),
        name: t.1,
        prefix: t.2,
        created_at: t.3,
        last_used_at: t.4,
        revoked_at: t.5,
        scopes: scopes_from(&t.6)?,
    })
}

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct KeyOwner {
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
    #[diesel(sql_type = Text)]
    scopes: String,
}

#[async_trait]
impl ApiKeyRepository for PgStore {
    async fn create_api_key(&self, key: NewApiKey) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        diesel::insert_into(api_keys::table)
            .values((
                api_keys::id.eq(key.key.id.0),
                api_keys::user_id.eq(key.user_id.0),
                api_keys::name.eq(&key.key.name),
                api_keys::prefix.eq(&key.key.prefix),
                api_keys::key_hash.eq(&key.key_hash),
                api_keys::created_at.eq(key.key.created_at),
                api_keys::scopes.eq(key.key.scopes.stored()),
            ))
            .execute(&mut conn)
            .await
            .map(|_| ())
            .map_err(store_error)
    }

    async fn list_api_keys(&self, user: UserId) -> Result<Vec<ApiKey>, StoreError> {
        let mut conn = self.conn().await?;
        api_keys::table
            .filter(api_keys::user_id.eq(user.0))
            .order((api_keys::created_at.desc(), api_keys::id.desc()))
            .select((
                api_keys::id,
                api_keys::name,
                api_keys::prefix,
                api_keys::created_at,
                api_keys::last_used_at,
                api_keys::revoked_at,
                api_keys::scopes,
            ))
            .load::<ApiKeyTuple>(&mut conn)
            .await
            .map_err(store_error)?
            .into_iter()
            .map(api_key_from)
            .collect()
    }

    async fn revoke_api_key(
        &self,
        user: UserId,
        id: ApiKeyId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        let n = diesel::update(
            api_keys::table
                .filter(api_keys::id.eq(id.0))
                .filter(api_keys::user_id.eq(user.0)),
        )
        .set(
            api_keys::revoked_at.eq(
                diesel::dsl::sql::<diesel::sql_types::Nullable<Timestamptz>>(
                    "COALESCE(revoked_at, ",
                )
                .bind::<Timestamptz, _>(now)
                .sql(")"),
            ),
        )
        .execute(&mut conn)
        .await
        .map_err(store_error)?;
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    async fn authenticate_api_key(
        &self,
        hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Option<(UserId, Scopes)>, StoreError> {
        let mut conn = self.conn().await?;
        // One statement: find the live key and touch last_used_at at most
        // once a minute, so the Siri hot path rarely writes.
        crate::raw::query(
            "WITH k AS (SELECT id, user_id, last_used_at, scopes FROM api_keys \
                        WHERE key_hash = $1 AND revoked_at IS NULL), \
                  t AS (UPDATE api_keys SET last_used_at = $2 FROM k \
                        WHERE api_keys.id = k.id \
                          AND (k.last_used_at IS NULL OR k.last_used_at < $2 - interval '1 minute')) \
             SELECT user_id, scopes FROM k",
        )
        .bind::<Bytea, _>(hash)
        .bind::<Timestamptz, _>(now)
        .get_result::<KeyOwner>(&mut conn)
        .await
        .optional()
        .map_err(store_error)?
        .map(|k| Ok((UserId(k.user_id), scopes_from(&k.scopes)?)))
        .transpose()
    }
}

fn settings_from(tz: &str, week: &str, unit: &str) -> Result<Settings, StoreError> {
    Ok(Settings {
        timezone: tz
            .parse()
            .map_err(|_bad| StoreError::internal(format!("stored time zone {tz} is unknown")))?,
        week_start: WeekStart::parse("week_start", week)
            .map_err(|_bad| StoreError::internal(format!("stored week_start {week}")))?,
        weight_unit: WeightUnit::parse("weight_unit", unit)
            .map_err(|_bad| StoreError::internal(format!("stored weight_unit {unit}")))?,
    })
}

#[derive(AsChangeset)]
#[diesel(table_name = user_settings)]
struct SettingsChangeset {
    timezone: Option<String>,
    week_start: Option<String>,
    weight_unit: Option<String>,
    updated_at: DateTime<Utc>,
}

#[async_trait]
impl SettingsRepository for PgStore {
    async fn get_settings(&self, user: UserId) -> Result<Settings, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<(String, String, String)> = user_settings::table
            .find(user.0)
            .select((
                user_settings::timezone,
                user_settings::week_start,
                user_settings::weight_unit,
            ))
            .first(&mut conn)
            .await
            .optional()
            .map_err(store_error)?;
        match row {
            Some((tz, week, unit)) => settings_from(&tz, &week, &unit),
            None => Ok(Settings::default()),
        }
    }

    async fn update_settings(
        &self,
        user: UserId,
        patch: SettingsPatch,
    ) -> Result<Settings, StoreError> {
        let mut conn = self.conn().await?;
        let changes = SettingsChangeset {
            timezone: patch.timezone.map(|t| t.name().to_string()),
            week_start: patch.week_start.map(|w| w.as_str().to_string()),
            weight_unit: patch.weight_unit.map(|u| u.as_str().to_string()),
            updated_at: Utc::now(),
        };
        let (tz, week, unit): (String, String, String) =
            diesel::update(user_settings::table.find(user.0))
                .set(&changes)
                .returning((
                    user_settings::timezone,
                    user_settings::week_start,
                    user_settings::weight_unit,
                ))
                .get_result(&mut conn)
                .await
                .map_err(store_error)?;
        settings_from(&tz, &week, &unit)
    }
}
