//! The search port: one statement over the journal, tasks, notes, captures
//! and events, matched against each table's stored `search` tsvector (GIN
//! indexed; migrations 000002 and 000015), ranked with `ts_rank`, and the
//! total. Each kind answers at most its newest [`HITS_PER_KIND`] matches,
//! and the journal and captures find those without reading every match
//! (see [`walked`]), so a common word costs the same on five years of data
//! as on a month. The title and the text a snippet is cut from
//! (`ts_headline`) are read for the page's rows only, by primary key.
use crate::{PgStore, store_error};
use async_trait::async_trait;
use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Date, Float4, Nullable, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use lifeos_app::search::{HITS_PER_KIND, Hit, Kind, MARK_END, MARK_START, Query, SearchIndex};
use lifeos_kernel::{PageRequest, StoreError, UserId};
use std::sync::LazyLock;
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

/// How many of a kind's newest rows the walk reads to find its newest
/// [`HITS_PER_KIND`] matches before it falls back to the index.
const WINDOW: usize = 4 * HITS_PER_KIND;

/// A kind that grows every day (the journal, captures): its newest
/// [`HITS_PER_KIND`] matches, read in one of three ways chosen while the
/// statement runs, so its cached generic plan fits every query:
/// - the word index, stopping at one more than the cap (`probe_*`): a rare
///   word's matches are all there, and nothing else is read;
/// - past the cap (a common word), a walk of the newest [`WINDOW`] rows by
///   the date index (`walk_*`), which stops at the cap: its cost does not
///   grow with the years of data;
/// - a word more common than the cap but too rare to fill it within the
///   window: every match from the word index, newest first.
///
/// `table` is aliased `y`; `day` is the hit's date; `o1`, `o2` its newest-
/// first order, which the table's `(user_id, o1 DESC, o2 DESC)` index serves.
fn walked(kind: &str, table: &str, flag: &str, day: &str, o1: &str, o2: &str) -> String {
    let (cap, over, window) = (HITS_PER_KIND, HITS_PER_KIND + 1, WINDOW);
    format!(
        "probe_{kind} AS MATERIALIZED (
  SELECT y.id, {day} AS day, y.search FROM {table} y
   WHERE {flag} AND y.user_id = $1 AND y.search @@ (SELECT tsq FROM q) LIMIT {over}),
walk_{kind} AS MATERIALIZED (
  SELECT x.id, x.day, x.search FROM (
    SELECT y.id, {day} AS day, y.search, y.{o1} AS o1, y.{o2} AS o2 FROM {table} y
     WHERE (SELECT count(*) > {cap} FROM probe_{kind}) AND y.user_id = $1
     ORDER BY y.{o1} DESC, y.{o2} DESC LIMIT {window}) x
   WHERE x.search @@ (SELECT tsq FROM q) ORDER BY x.o1 DESC, x.o2 DESC LIMIT {cap}),
capped_{kind} AS (
  SELECT p.id, p.day, p.search FROM probe_{kind} p WHERE (SELECT count(*) <= {cap} FROM probe_{kind})
  UNION ALL
  SELECT w.id, w.day, w.search FROM walk_{kind} w WHERE (SELECT count(*) = {cap} FROM walk_{kind})
  UNION ALL
  (SELECT y.id, {day}, y.search FROM {table} y
    WHERE (SELECT count(*) > {cap} FROM probe_{kind}) AND (SELECT count(*) < {cap} FROM walk_{kind})
      AND y.user_id = $1 AND y.search @@ (SELECT tsq FROM q)
    ORDER BY y.{o1} DESC, y.{o2} DESC LIMIT {cap})),
"
    )
}

/// A kind that stays small (tasks, notes, events): its newest
/// [`HITS_PER_KIND`] matches from the word index.
fn indexed(kind: &str, table: &str, flag: &str, day: &str, order: &str) -> String {
    let cap = HITS_PER_KIND;
    format!(
        "capped_{kind} AS (
  SELECT y.id, {day} AS day, y.search FROM {table} y
   WHERE {flag} AND y.user_id = $1 AND y.search @@ (SELECT tsq FROM q)
   ORDER BY {order} LIMIT {cap}),
"
    )
}

/// The statement. `$2` whole words (websearch syntax, may be empty), `$3`
/// the prefix word (may be empty), `$4..$8` which kinds, `$9`/`$10` the page.
/// Every kind is capped at its newest [`HITS_PER_KIND`] matches, and only
/// those are ranked and counted.
static SEARCH: LazyLock<String> = LazyLock::new(|| {
    let mut sql = String::from(
        "\
WITH q AS (
  SELECT CASE
           WHEN $2 = '' THEN to_tsquery('english', $3 || ':*')
           WHEN $3 = '' THEN websearch_to_tsquery('english', $2)
           ELSE websearch_to_tsquery('english', $2) && to_tsquery('english', $3 || ':*')
         END AS tsq),
",
    );
    sql += &walked(
        "journal",
        "journal_entries",
        "$4",
        "y.entry_date",
        "entry_date",
        "created_at",
    );
    sql += &indexed(
        "task",
        "tasks",
        "$5",
        "coalesce(y.due_date, y.created_at::date)",
        "2 DESC, y.id",
    );
    sql += &indexed(
        "note",
        "project_notes",
        "$6",
        "y.updated_at::date",
        "y.updated_at DESC, y.id",
    );
    sql += &walked(
        "capture",
        "captures",
        "$7",
        "y.created_at::date",
        "created_at",
        "id",
    );
    sql += &indexed(
        "event",
        "events",
        "$8",
        "y.starts_at::date",
        "y.starts_at DESC, y.id DESC",
    );
    sql += "\
hits AS (
  SELECT 'journal' AS kind, c.id, c.day, ts_rank(c.search, q.tsq) AS rank FROM capped_journal c, q
  UNION ALL
  SELECT 'task', c.id, c.day, ts_rank(c.search, q.tsq) FROM capped_task c, q
  UNION ALL
  SELECT 'note', c.id, c.day, ts_rank(c.search, q.tsq) FROM capped_note c, q
  UNION ALL
  SELECT 'capture', c.id, c.day, ts_rank(c.search, q.tsq) FROM capped_capture c, q
  UNION ALL
  SELECT 'event', c.id, c.day, ts_rank(c.search, q.tsq) FROM capped_event c, q
),
";
    sql += TAIL;
    sql
});

/// The page of the hits, its titles and snippets, and the total.
const TAIL: &str = "\
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
        let rows: Vec<HitRow> = crate::raw::query(SEARCH.as_str())
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
