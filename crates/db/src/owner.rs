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

use crate::schema::users;
use diesel::prelude::*;

/// `(SELECT id FROM users WHERE id = $1 LIMIT 1)`, to compare a
/// `user_id.nullable()` with.
#[diesel::dsl::auto_type]
pub(crate) fn owner(user: uuid::Uuid) -> _ {
    users::table
        .filter(users::id.eq(user))
        .select(users::id)
        .single_value()
}
