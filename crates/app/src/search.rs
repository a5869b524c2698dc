//! Search across everything (issue 13, section 3): one ranked list over
//! the journal, tasks, project notes, captures and events. The rules live
//! here — what a query may be, which kinds it covers, how the last word
//! becomes a prefix for search-as-you-type, how a snippet is made safe to
//! show — and the full-text matching, ranking and highlighting are
//! PostgreSQL's (`websearch_to_tsquery`, `ts_rank`, `ts_headline`) behind
//! the [`SearchIndex`] port.

use async_trait::async_trait;
use chrono::NaiveDate;
use lifeos_kernel::{FieldError, Page, PageRequest, StoreError, UserId, storable};
use uuid::Uuid;

/// The longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// The most hits of one kind a search answers: when more of a kind match
/// (a common word, or the first letters of one while typing), the newest
/// this many of them are ranked and the others left out, so a search costs
/// the same on ten years of notes as on one month. The total counts what is
/// answered, so every page of it can be reached (docs/api-notes.md).
pub const HITS_PER_KIND: usize = 100;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A journal entry.
    Journal,
    /// A task.
    Task,
    /// A project note.
    Note,
    /// A capture.
    Capture,
    /// A calendar event.
    Event,
}

impl Kind {
    /// Every kind, in the order `types` lists them.
    pub const ALL: [Self; 5] = [
        Self::Journal,
        Self::Task,
        Self::Note,
        Self::Capture,
        Self::Event,
    ];

    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Journal => "journal",
            Self::Task => "task",
            Self::Note => "note",
            Self::Capture => "capture",
            Self::Event => "event",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A checked query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The words matched whole, in `websearch_to_tsquery` syntax (quotes,
    /// `or`, `-word`); may be empty when the query is one word being typed.
    pub words: String,
    /// The last word, matched as a prefix (`landl` finds "landlord") when
    /// the query ends inside a plain word.
    pub prefix: Option<String>,
    /// The kinds searched.
    pub kinds: Vec<Kind>,
}

impl Query {
    /// Checks `q` (trimmed, 1 to [`MAX_QUERY_CHARS`] characters, no NUL)
    /// and `types` (comma-separated kinds; default all).
    ///
    /// # Errors
    /// A [`FieldError`] on `q` or `types`.
    pub fn parse(q: &str, types: Option<&str>) -> Result<Self, FieldError> {
        storable("q", q)?;
        let trimmed = q.trim();
        if trimmed.is_empty() {
            return Err(FieldError::empty("q"));
        }
        if trimmed.chars().count() > MAX_QUERY_CHARS {
            return Err(FieldError::too_long("q", MAX_QUERY_CHARS));
        }
        let kinds = match types.map(str::trim).filter(|t| !t.is_empty()) {
            None => Kind::ALL.to_vec(),
            Some(list) => {
                let mut kinds = Vec::new();
                for name in list.split(',').map(str::trim) {
                    let kind = Kind::parse(name).ok_or_else(|| {
                        FieldError::new(
                            "types",
                            format!(
                                "types are journal, task, note, capture and event (not {name:?})"
                            ),
                        )
                    })?;
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
                kinds
            }
        };
        // Search-as-you-type: a query that ends inside a plain word (no
        // trailing space, quote or operator) has that word matched as a prefix.
        let ends_in_word = !q.ends_with(char::is_whitespace);
        let (head, last) = match trimmed.rsplit_once(char::is_whitespace) {
            Some((head, last)) => (head.trim_end(), last),
            None => ("", trimmed),
        };
        let plain = !last.is_empty() && last.chars().all(char::is_alphanumeric);
        let (words, prefix) = if ends_in_word && plain && !last.eq_ignore_ascii_case("or") {
            (head.to_string(), Some(last.to_lowercase()))
        } else {
            (trimmed.to_string(), None)
        };
        Ok(Self {
            words,
            prefix,
            kinds,
        })
    }

    /// Whether `kind` is searched.
    #[must_use]
    pub fn covers(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// What it is.
    pub kind: Kind,
    /// Its id.
    pub id: Uuid,
    /// Its title (a journal entry's is its kind and date).
    pub title: String,
    /// The matched passage, with [`MARK_START`]/[`MARK_END`] around the
    /// matched words (as the index returns it; see [`safe_snippet`]).
    pub snippet: String,
    /// Its day: the entry's date, a task's due date (else its creation),
    /// a note's last change, a capture's creation, an event's start.
    pub date: NaiveDate,
    /// `ts_rank`: higher is better.
    pub rank: f32,
}

/// Where the index starts a matched word in a snippet (STX).
pub const MARK_START: char = '\u{2}';
/// Where it ends one (ETX).
pub const MARK_END: char = '\u{3}';

/// The snippet as the API shows it: HTML-escaped text with `<mark>` and
/// `</mark>` around the matched words, so a client may render it as HTML
/// and nothing else of the user's text can become markup.
#[must_use]
pub fn safe_snippet(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            MARK_START => out.push_str("<mark>"),
            MARK_END => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The search port: full-text matching over the user's rows.
#[async_trait]
pub trait SearchIndex: Send + Sync {
    /// A page of `user`'s hits for `query`, best first (rank, then newest
    /// day), and the number of hits; one statement. Of a kind with more
    /// than [`HITS_PER_KIND`] matches, only the newest that many are hits.
    ///
    /// # Errors
    /// Storage errors.
    async fn search(
        &self,
        user: UserId,
        query: &Query,
        page: PageRequest,
    ) -> Result<(Vec<Hit>, i64), StoreError>;
}

/// Why there are no results.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A bad `q` or `types`.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The search use case.
pub struct Search {
    index: std::sync::Arc<dyn SearchIndex>,
}

impl std::fmt::Debug for Search {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search").finish_non_exhaustive()
    }
}

impl Search {
    /// Wires the use case.
    pub fn new(index: std::sync::Arc<dyn SearchIndex>) -> Self {
        Self { index }
    }

    /// A page of `user`'s hits for `q` over `types` (default: every kind).
    ///
    /// # Errors
    /// [`SearchError::Invalid`] on `q` or `types`; storage errors.
    pub async fn run(
        &self,
        user: UserId,
        q: &str,
        types: Option<&str>,
        page: PageRequest,
    ) -> Result<Page<Hit>, SearchError> {
        let query = Query::parse(q, types)?;
        let (hits, total) = self.index.search(user, &query, page).await?;
        Ok(Page::new(hits, total, page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_ending_inside_a_word_matches_it_as_a_prefix() {
        let q = Query::parse("note landl", None).unwrap();
        assert_eq!(q.words, "note");
        assert_eq!(q.prefix.as_deref(), Some("landl"));
        assert_eq!(q.kinds, Kind::ALL);
        let one = Query::parse("  Landl ", None).unwrap();
        assert_eq!((one.words.as_str(), one.prefix), ("Landl", None));
        let typing = Query::parse("Landl", None).unwrap();
        assert_eq!(
            (typing.words.as_str(), typing.prefix.as_deref()),
            ("", Some("landl"))
        );
        for whole in ["\"the landlord\"", "rent -late", "rent or", "rent, boiler."] {
            let q = Query::parse(whole, None).unwrap();
            assert_eq!((q.words.as_str(), q.prefix), (whole, None), "{whole}");
        }
    }

    #[test]
    fn queries_and_types_are_checked() {
        assert_eq!(Query::parse("   ", None).unwrap_err().field, "q");
        assert_eq!(Query::parse("a\0b", None).unwrap_err().field, "q");
        assert_eq!(
            Query::parse(&"a".repeat(MAX_QUERY_CHARS + 1), None)
                .unwrap_err()
                .field,
            "q"
        );
        assert!(Query::parse(&"a".repeat(MAX_QUERY_CHARS), None).is_ok());
        let q = Query::parse("x", Some("task, note,task")).unwrap();
        assert_eq!(q.kinds, [Kind::Task, Kind::Note]);
        assert!(q.covers(Kind::Task) && !q.covers(Kind::Journal));
        assert_eq!(Query::parse("x", Some("")).unwrap().kinds, Kind::ALL);
        assert_eq!(
            Query::parse("x", Some("task,photo")).unwrap_err().field,
            "types"
        );
    }

    #[test]
    fn snippets_are_escaped_but_for_the_marks() {
        assert_eq!(
            safe_snippet("call the \u{2}landlord\u{3} <b>&</b> \"now\" it's"),
            "call the <mark>landlord</mark> &lt;b&gt;&amp;&lt;/b&gt; &quot;now&quot; it&#39;s"
        );
    }

    struct Recorder(std::sync::Mutex<Option<Query>>);

    #[async_trait]
    impl SearchIndex for Recorder {
        async fn search(
            &self,
            _user: UserId,
            query: &Query,
            _page: PageRequest,
        ) -> Result<(Vec<Hit>, i64), StoreError> {
            *self.0.lock().unwrap() = Some(query.clone());
            let hit = Hit {
                kind: Kind::Note,
                id: Uuid::nil(),
                title: "Flat".into(),
                snippet: "x".into(),
                date: "2026-11-30".parse().unwrap(),
                rank: 0.5,
            };
            Ok((vec![hit], 7))
        }
    }

    #[tokio::test]
    async fn a_search_checks_its_query_then_pages_what_the_index_finds() {
        let index = std::sync::Arc::new(Recorder(std::sync::Mutex::default()));
        let search = Search::new(index.clone());
        let page = PageRequest::parse(Some(2), Some(1)).unwrap();
        let found = search
            .run(UserId(Uuid::nil()), "landlord boil", Some("note"), page)
            .await
            .unwrap();
        assert_eq!((found.items.len(), found.total), (1, 7));
        let asked = index.0.lock().unwrap().clone().unwrap();
        assert_eq!(asked.prefix.as_deref(), Some("boil"));
        assert_eq!(asked.kinds, [Kind::Note]);
        assert!(matches!(
            search.run(UserId(Uuid::nil()), "", None, page).await,
            Err(SearchError::Invalid(_))
        ));
    }

    #[test]
    fn kinds_have_wire_names() {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["journal", "task", "note", "capture", "event"]);
    }
}
