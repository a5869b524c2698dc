//! The search port: one statement over the journal, tasks, notes, captures
//! and events, matched against each table's stored `search` tsvector (GIN
//! indexed; migrations 000002 and 000015), ranked with `ts_rank`, and the
//! total. A match costs its index entry, its heap row and its rank; the
//! title and the text a snippet is cut from (`ts_headline`) are read for
//! the page's rows only, by primary key: building them for every match
//! (the journal's title with `initcap`, its text from the JSON) made a
//! search where every entry of five years matches several times slower
//! than one over a month.
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Date, Float4, Nullable, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use lifeos_app::search::{Hit, Kind, MARK_END, MARK_START, Query, SearchIndex};
use lifeos_kernel::{PageRequest, StoreError, UserId};
use uuid::Uuid;

#[derive(QueryableByName)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct HitRow {
    #[diesel(sql_type = Nullable<Text>)]
    kind: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    title: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    snippet: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    day: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Float4>)]
    rank: Option<f32>,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

/// The statement. `$2` whole words (websearch syntax, may be empty), `$3`
/// the prefix word (may be empty), `$4..$8` which kinds, `$9`/`$10` the page.
const SEARCH: &str = "\
WITH q AS (
  SELECT CASE
           WHEN $2 = '' THEN to_tsquery('english', $3 || ':*')
           WHEN $3 = '' THEN websearch_to_tsquery('english', $2)
           ELSE websearch_to_tsquery('english', $2) && to_tsquery('english', $3 || ':*')
         END AS tsq),
hits AS (
  SELECT 'journal' AS kind, e.id, e.entry_date AS day, ts_rank(e.search, q.tsq) AS rank
    FROM journal_entries e, q
   WHERE $4 AND e.user_id = $1 AND e.search @@ q.tsq
  UNION ALL
  SELECT 'task', t.id, coalesce(t.due_date, t.created_at::date), ts_rank(t.search, q.tsq)
    FROM tasks t, q
   WHERE $5 AND t.user_id = $1 AND t.search @@ q.tsq
  UNION ALL
  SELECT 'note', n.id, n.updated_at::date, ts_rank(n.search, q.tsq)
    FROM project_notes n, q
   WHERE $6 AND n.user_id = $1 AND n.search @@ q.tsq
  UNION ALL
  SELECT 'capture', c.id, c.created_at::date, ts_rank(c.search, q.tsq)
    FROM captures c, q
   WHERE $7 AND c.user_id = $1 AND c.search @@ q.tsq
  UNION ALL
  SELECT 'event', v.id, v.starts_at::date, ts_rank(v.search, q.tsq)
    FROM events v, q
   WHERE $8 AND v.user_id = $1 AND v.search @@ q.tsq
),
page AS (
  SELECT * FROM hits ORDER BY rank DESC, day DESC, id LIMIT $9 OFFSET $10),
texts AS (
  SELECT p.*, d.title, d.body
    FROM page p
    JOIN LATERAL (
      SELECT initcap(replace(e.entry_type, '_', ' ')) || ', ' || e.entry_date::text AS title,
             (SELECT string_agg(s #>> '{}', ' … ')
                FROM jsonb_path_query(e.content, 'strict $.** ? (@.type() == \"string\")') AS s) AS body
        FROM journal_entries e WHERE p.kind = 'journal' AND e.id = p.id
      UNION ALL
      SELECT t.title, t.title || ' ' || coalesce(t.description, '') FROM tasks t WHERE p.kind = 'task' AND t.id = p.id
      UNION ALL
      SELECT n.title, n.title || ' ' || n.body FROM project_notes n WHERE p.kind = 'note' AND n.id = p.id
      UNION ALL
      SELECT left(c.content, 80), c.content FROM captures c WHERE p.kind = 'capture' AND c.id = p.id
      UNION ALL
      SELECT v.title, v.title || ' ' || coalesce(v.description, '') || ' ' || coalesce(v.location, '')
        FROM events v WHERE p.kind = 'event' AND v.id = p.id) d ON true)
SELECT p.kind, p.id, p.title,
       ts_headline('english', coalesce(p.body, ''), q.tsq,
                   'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet,
       p.day, p.rank, t.n AS total
  FROM (SELECT count(*) AS n FROM hits) t
  LEFT JOIN (texts p CROSS JOIN q) ON true
 ORDER BY p.rank DESC, p.day DESC, p.id";

fn kind(raw: &str) -> Result<Kind, StoreError> {
    Kind::ALL
        .into_iter()
        .find(|k| k.as_str() == raw)
        .ok_or_else(|| StoreError::internal(format!("search kind {raw:?}")))
}

#[async_trait]
impl SearchIndex for PgStore {
    async fn search(
        &self,
        user: UserId,
        query: &Query,
        page: PageRequest,
    ) -> Result<(Vec<Hit>, i64), StoreError> {
        debug_assert_eq!((MARK_START, MARK_END), ('\u{2}', '\u{3}'));
        let mut conn = self.conn().await?;
        let rows: Vec<HitRow> = crate::raw::query(SEARCH)
            .bind::<SqlUuid, _>(user.0)
            .bind::<Text, _>(&query.words)
            .bind::<Text, _>(query.prefix.as_deref().unwrap_or(""))
            .bind::<Bool, _>(query.covers(Kind::Journal))
            .bind::<Bool, _>(query.covers(Kind::Task))
            .bind::<Bool, _>(query.covers(Kind::Note))
            .bind::<Bool, _>(query.covers(Kind::Capture))
            .bind::<Bool, _>(query.covers(Kind::Event))
            .bind::<BigInt, _>(page.limit())
            .bind::<BigInt, _>(page.offset())
            .load(&mut conn)
            .await
            .map_err(store_error)?;
        // One row at least (the count); a page past the end has no hit in it.
        let total = <[HitRow]>::first(&rows).map_or(0, |r| r.total);
        let hits = rows
            .into_iter()
            .filter_map(
                |r| match (r.kind, r.id, r.title, r.snippet, r.day, r.rank) {
                    (Some(k), Some(id), Some(title), Some(snippet), Some(date), Some(rank)) => {
                        Some(kind(&k).map(|kind| Hit {
                            kind,
                            id,
                            title,
                            snippet,
                            date,
                            rank,
                        }))
                    }
                    _ => None,
                },
            )
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((hits, total))
    }
}
