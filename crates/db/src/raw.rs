//! Hand-written SQL that PostgreSQL plans once per connection.
//!
//! `diesel::sql_query` marks every statement unsafe to cache, so each call
//! is parsed and planned again: 6.2× the cost of the same statement
//! prepared, measured on `/journal/status` (docs/performance.md). diesel 2.3
//! keeps the bind call `sql_query` uses (`push_bind_param_value_only`)
//! private, so [`Query`] writes its text between the `$n` placeholders and
//! lets diesel write each placeholder with the ordinary bind pass. The
//! statement is then an ordinary cacheable one: diesel-async keys its cache
//! by the SQL text when a query has no static type id, as here.

use std::borrow::Cow;
use std::marker::PhantomData;

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::result::{Error, QueryResult};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};

/// A statement with `$1`, `$2`, … placeholders and their values; load it
/// into `QueryableByName` rows or execute it like `sql_query`.
#[must_use = "a query runs only when loaded or executed"]
pub(crate) struct Query<'a> {
    sql: Cow<'static, str>,
    binds: Vec<Box<dyn Bind + Send + 'a>>,
}

/// Starts a statement from its text.
pub(crate) fn query(sql: impl Into<Cow<'static, str>>) -> Query<'static> {
    Query {
        sql: sql.into(),
        binds: Vec::new(),
    }
}

impl<'a> Query<'a> {
    /// Gives the next placeholder (`$1` first) its value, as SQL type `ST`.
    pub(crate) fn bind<ST, V>(mut self, value: V) -> Self
    where
        Pg: HasSqlType<ST>,
        V: ToSql<ST, Pg> + Send + 'a,
        ST: 'a,
    {
        self.binds.push(Box::new(Typed::<ST, V> {
            value,
            sql_type: PhantomData,
        }));
        self
    }
}

/// One value with its SQL type, erased so a query can hold any mix.
trait Bind {
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()>;
}

struct Typed<ST, V> {
    value: V,
    sql_type: PhantomData<fn() -> ST>,
}

impl<ST, V> Bind for Typed<ST, V>
where
    Pg: HasSqlType<ST>,
    V: ToSql<ST, Pg>,
{
    fn push<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_bind_param::<ST, V>(&self.value)
    }
}

/// The pieces of `sql`: text, then the 1-based number of the placeholder
/// that follows it (if any). `$` not followed by a digit is text.
fn pieces(sql: &str) -> impl Iterator<Item = (&str, Option<usize>)> {
    let mut rest = sql;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut from = 0;
        while let Some(at) = rest[from..].find('$').map(|i| i + from) {
            let digits = rest[at + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if digits == 0 {
                from = at + 1;
                continue;
            }
            let text = &rest[..at];
            let number = rest[at + 1..at + 1 + digits].parse().ok();
            rest = &rest[at + 1 + digits..];
            return Some((text, number.or(Some(0))));
        }
        let text = rest;
        rest = "";
        Some((text, None))
    })
}

impl QueryFragment<Pg> for Query<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        for (text, number) in pieces(&self.sql) {
            out.push_sql(text);
            if let Some(n) = number {
                let bind = n
                    .checked_sub(1)
                    .and_then(|i| self.binds.get(i))
                    .ok_or_else(|| {
                        Error::QueryBuilderError(
                            format!("${n} has no bound value ({} bound)", self.binds.len()).into(),
                        )
                    })?;
                bind.push(&mut out)?;
            }
        }
        Ok(())
    }
}

impl QueryId for Query<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for Query<'_> {
    type SqlType = Untyped;
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::sql_types::{Integer, Text};

    fn split(sql: &str) -> Vec<(&str, Option<usize>)> {
        pieces(sql).collect()
    }

    #[test]
    fn placeholders_split_the_text_in_order() {
        assert_eq!(
            split("SELECT $1, $2::int WHERE a = $10"),
            vec![
                ("SELECT ", Some(1)),
                (", ", Some(2)),
                ("::int WHERE a = ", Some(10)),
            ]
        );
        assert_eq!(split("SELECT 1"), vec![("SELECT 1", None)]);
        assert_eq!(
            split("SELECT '$' || $1 || 'x$'"),
            vec![("SELECT '$' || ", Some(1)), (" || 'x$'", None)]
        );
        assert_eq!(split(""), Vec::<(&str, Option<usize>)>::new());
    }

    #[test]
    fn the_same_placeholder_twice_binds_its_value_twice() {
        let q = query("SELECT $1 + $2 + $1")
            .bind::<Integer, _>(1)
            .bind::<Integer, _>(2);
        let sql = diesel::debug_query::<Pg, _>(&q).to_string();
        assert_eq!(sql, "SELECT $1 + $2 + $3 -- binds: [1, 2, 1]");
    }

    #[test]
    fn a_placeholder_without_a_value_is_an_error_not_a_panic() {
        let q = query("SELECT $1, $2").bind::<Text, _>("one");
        let mut builder = diesel::pg::PgQueryBuilder::default();
        let err = q.to_sql(&mut builder, &Pg).unwrap_err();
        assert!(err.to_string().contains("$2 has no bound value"), "{err}");
        let zero = query("SELECT $0");
        let err = zero.to_sql(&mut builder, &Pg).unwrap_err();
        assert!(err.to_string().contains("$0"), "{err}");
    }

    #[test]
    fn statements_are_safe_to_cache() {
        let q = query("SELECT $1").bind::<Integer, _>(1);
        assert!(q.is_safe_to_cache_prepared(&Pg).unwrap());
        assert!(
            !diesel::sql_query("SELECT 1")
                .is_safe_to_cache_prepared(&Pg)
                .unwrap()
        );
    }
}
