//! A list's page with its size written into the SQL, so PostgreSQL can
//! keep one plan for it.
//!
//! A prepared statement whose `LIMIT` or `OFFSET` is a parameter has a
//! generic plan costed for 10 % of the rows (PostgreSQL cannot guess the
//! page size), which loses to the custom plan for 20 rows every time: with
//! `plan_cache_mode = auto` such a list is planned again on every request
//! (`pg_stat_statements`: `plans` = `calls`), 0.07–0.09 ms of the
//! database's time on each one (`docs/performance.md`). The page size is one
//! of 100 values and the first page has no offset, so writing both into the
//! text costs at most 200 cached statements per list and connection; later
//! pages bind their offset as before (and are planned each time).

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::sql_types::BigInt;
use lifeos_kernel::PageRequest;
use std::borrow::Borrow;

/// `query LIMIT <per_page> [OFFSET $n]`.
#[derive(Debug, Clone)]
#[must_use = "a query runs only when loaded"]
pub(crate) struct Paged<Q> {
    query: Q,
    limit: i64,
    offset: i64,
}

/// Cuts an ordered query to one page.
pub(crate) trait Paginate: Sized {
    /// This query's rows on `page` (the query must be ordered and have no
    /// `LIMIT` of its own).
    fn paged(self, page: impl Borrow<PageRequest>) -> Paged<Self> {
        let page = page.borrow();
        Paged {
            query: self,
            limit: page.limit(),
            offset: page.offset(),
        }
    }
}

impl<Q: Query> Paginate for Q {}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Paged<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        // An integer the page request validated (1..=100), not client text.
        out.push_sql(&format!(" LIMIT {}", self.limit));
        if self.offset != 0 {
            out.push_sql(" OFFSET ");
            out.push_bind_param::<BigInt, _>(&self.offset)?;
        }
        Ok(())
    }
}

// No static id: the statement cache keys it by its text, which differs by
// page size.
impl<Q> QueryId for Paged<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Paged<Q> {
    type SqlType = Q::SqlType;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::captures;
    use diesel::prelude::*;

    fn sql(page: Option<i64>, per_page: Option<i64>) -> String {
        let page = PageRequest::parse(page, per_page).unwrap_or_default();
        diesel::debug_query::<Pg, _>(
            &captures::table
                .select(captures::id)
                .order(captures::created_at.desc())
                .paged(page),
        )
        .to_string()
    }

    #[test]
    fn the_first_page_has_its_size_in_the_text_and_no_offset() {
        let first = sql(None, Some(7));
        assert!(first.contains(" LIMIT 7 -- binds: []"), "{first}");
        assert!(!first.contains("OFFSET"), "{first}");
    }

    #[test]
    fn later_pages_bind_their_offset() {
        let third = sql(Some(3), Some(20));
        assert!(
            third.ends_with(" LIMIT 20 OFFSET $1 -- binds: [40]"),
            "{third}"
        );
    }
}
