//! A list's owner as a scalar subquery, so PostgreSQL keeps one plan for
//! every user.
//!
//! With `user_id = $1`, the planner estimates a custom plan from that
//! user's share of the table (its statistics' most common values) and a
//! generic plan from the average user's; for a user with fewer rows than
//! average the custom plan looks cheaper every time and the list is planned
//! on every request (0.06–0.07 ms; measured in `docs/performance.md`).
//! With `user_id = (SELECT id FROM users WHERE id = $1)` neither plan can
//! see the value, both have the average's estimate, and the generic plan
//! is kept after five runs, for every user. The subquery is one primary-key
//! probe, run once per statement (an InitPlan).
//!
//! For a [`Caller`] whose access token only its signature has vouched for,
//! the same probe also checks the token's standing ([`caller_owner`]): a
//! user whose password was set after the token was issued (or who is gone)
//! owns nothing, the read finds nothing, and [`stands`] then tells an empty
//! list from an ended session — the session check folded into the list's
//! own statement, a second statement only for an empty page.

use crate::schema::users;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use lifeos_kernel::{Caller, StoreError};

/// `(SELECT id FROM users WHERE id = $1 LIMIT 1)`, to compare a
/// `user_id.nullable()` with.
#[diesel::dsl::auto_type]
pub(crate) fn owner(user: uuid::Uuid) -> _ {
    users::table
        .filter(users::id.eq(user))
        .select(users::id)
        .single_value()
}

/// The first instant whose password change ends a token issued at
/// `issued_at` (whole seconds): `users.updated_at` is written only when
/// the password is set (create, change, reset), and a token of the second
/// of the change counts as after it (its `iat` has no fraction).
pub(crate) fn token_bound(issued_at: DateTime<Utc>) -> DateTime<Utc> {
    issued_at + chrono::Duration::seconds(1)
}

/// As [`owner`], and NULL too when the user's password was set at or
/// after `bound` (see [`token_bound`]).
#[diesel::dsl::auto_type]
pub(crate) fn standing_owner(user: uuid::Uuid, bound: DateTime<Utc>) -> _ {
    users::table
        .filter(users::id.eq(user))
        .filter(users::updated_at.lt(bound))
        .select(users::id)
        .single_value()
}

/// `query.filter(column.nullable().eq(owner))` for a boxed `query` and a
/// [`Caller`]: [`owner`] for a caller already checked, [`standing_owner`]
/// for one whose token the read checks.
macro_rules! filter_owner {
    ($query:expr, $column:expr, $caller:expr) => {{
        let caller: lifeos_kernel::Caller = $caller;
        match caller.token_issued_at {
            None => $query.filter($column.nullable().eq($crate::owner::owner(caller.user.0))),
            Some(t) => $query.filter($column.nullable().eq($crate::owner::standing_owner(
                caller.user.0,
                $crate::owner::token_bound(t),
            ))),
        }
    }};
}
pub(crate) use filter_owner;

/// After a read filtered by [`filter_owner`] found no rows: whether that
/// is because the caller's token no longer speaks for the user (one
/// primary-key probe; nothing to ask for a caller already checked).
///
/// # Errors
/// [`StoreError::SessionEnded`] then; storage errors.
pub(crate) async fn stands(c: &mut AsyncPgConnection, caller: Caller) -> Result<(), StoreError> {
    let Some(issued_at) = caller.token_issued_at else {
        return Ok(());
    };
    let found: Option<uuid::Uuid> =
        diesel::select(standing_owner(caller.user.0, token_bound(issued_at)))
            .get_result(c)
            .await
            .map_err(crate::store_error)?;
    found.map(|_| ()).ok_or(StoreError::SessionEnded)
}
