//! An import document kept in a file (the request body, spooled as it
//! arrived) and read as a [`DocumentSource`]: a streaming parse that hands
//! over each section's items in batches of [`BATCH`], so the import holds
//! a batch at a time, never the document nor its body.
//!
//! The parse is serde_json's, with serde_path_to_error's paths, so a
//! malformed document is refused with the same 422 as any other body
//! (`journal[12].entry_date`); unknown top-level fields are read past, as
//! they are in every body.

use crate::http::extract::{describe, trailing};
use chrono::{DateTime, Utc};
use lifeos_app::transfer::{
    ApiKeyDoc, Batch, CaptureDoc, DocumentSource, EventDoc, ExerciseDoc, ImportError, JournalDoc,
    Part, ProgramDoc, ProjectDoc, SECTIONS, UserDoc, WorkoutDoc,
};
use lifeos_kernel::{FieldError, StoreError};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Seek};

/// Items per batch.
pub const BATCH: usize = 500;

/// A JSON document in a file.
#[derive(Debug)]
pub struct JsonFile {
    file: File,
    batch: usize,
}

impl JsonFile {
    /// Reads `file` (from its start, each time).
    #[must_use]
    pub fn new(file: File) -> Self {
        Self { file, batch: BATCH }
    }

    /// With `batch` items per batch.
    #[must_use]
    pub fn with_batch(file: File, batch: usize) -> Self {
        Self {
            file,
            batch: batch.max(1),
        }
    }
}

fn unreadable(e: &std::io::Error) -> ImportError {
    ImportError::Store(StoreError::internal(format!(
        "reading the spooled import: {e}"
    )))
}

impl DocumentSource for JsonFile {
    fn scan(
        &mut self,
        wanted: &dyn Fn(usize) -> bool,
        visit: &mut dyn FnMut(Part) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        self.file.rewind().map_err(|e| unreadable(&e))?;
        let reader = BufReader::with_capacity(64 * 1024, &mut self.file);
        let mut de = serde_json::Deserializer::from_reader(reader);
        let mut stopped = None;
        let mut track = serde_path_to_error::Track::new();
        let read = Whole {
            wanted,
            visit,
            stopped: &mut stopped,
            batch: self.batch,
        }
        .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
        if let Some(why) = stopped {
            return Err(why);
        }
        if let Err(e) = read {
            if e.is_io() {
                return Err(ImportError::Store(StoreError::internal(format!(
                    "reading the spooled import: {e}"
                ))));
            }
            return Err(match describe(&track.path(), &e) {
                (Some(field), detail) => ImportError::Invalid(FieldError::new(field, detail)),
                (None, detail) => ImportError::Malformed(detail),
            });
        }
        de.end().map_err(|e| ImportError::Malformed(trailing(&e)))
    }
}

/// The document: its head fields, and each section.
struct Whole<'v> {
    wanted: &'v dyn Fn(usize) -> bool,
    visit: &'v mut dyn FnMut(Part) -> Result<(), ImportError>,
    /// Why `visit` stopped the read (the parse then fails with a
    /// placeholder error).
    stopped: &'v mut Option<ImportError>,
    batch: usize,
}

impl Whole<'_> {
    fn emit<E: de::Error>(&mut self, part: Part) -> Result<(), E> {
        (self.visit)(part).map_err(|why| {
            *self.stopped = Some(why);
            E::custom("the import stopped")
        })
    }
}

impl<'de> DeserializeSeed<'de> for Whole<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Whole<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an export document (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        // format_version, exported_at, user, then the sections.
        let mut seen = [false; 3 + SECTIONS.len()];
        const HEAD: [&str; 3] = ["format_version", "exported_at", "user"];
        while let Some(key) = map.next_key::<String>()? {
            let slot = HEAD.iter().chain(SECTIONS.iter()).position(|k| *k == key);
            let Some(slot) = slot else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if std::mem::replace(&mut seen[slot], true) {
                let name = HEAD.iter().chain(SECTIONS.iter()).nth(slot).copied();
                return Err(de::Error::duplicate_field(name.unwrap_or("?")));
            }
            match slot {
                0 => {
                    let v: u32 = map.next_value()?;
                    self.emit(Part::Version(v))?;
                }
                1 => {
                    map.next_value::<DateTime<Utc>>()?;
                }
                2 => {
                    map.next_value::<UserDoc>()?;
                }
                _ => {
                    let section = slot - HEAD.len();
                    self.emit(Part::Section(section))?;
                    if (self.wanted)(section) {
                        map.next_value_seed(Section {
                            section,
                            whole: &mut self,
                        })?;
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
        for (slot, name) in HEAD.iter().enumerate() {
            if !seen[slot] {
                return Err(de::Error::missing_field(name));
            }
        }
        Ok(())
    }
}

/// One section's array, handed over in batches.
struct Section<'a, 'v> {
    section: usize,
    whole: &'a mut Whole<'v>,
}

impl<'de> DeserializeSeed<'de> for Section<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl Section<'_, '_> {
    fn items<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
        self,
        mut seq: A,
        wrap: fn(Vec<T>) -> Batch,
    ) -> Result<(), A::Error> {
        let size = self.whole.batch;
        let mut items = Vec::with_capacity(size.min(64));
        while let Some(item) = seq.next_element::<T>()? {
            items.push(item);
            if items.len() == size {
                self.whole
                    .emit(Part::Batch(wrap(std::mem::take(&mut items))))?;
            }
        }
        if !items.is_empty() {
            self.whole.emit(Part::Batch(wrap(items)))?;
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for Section<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        match self.section {
            0 => self.items::<JournalDoc, A>(seq, Batch::Journal),
            1 => self.items::<ExerciseDoc, A>(seq, Batch::Exercises),
            2 => self.items::<ProgramDoc, A>(seq, Batch::Programs),
            3 => self.items::<WorkoutDoc, A>(seq, Batch::Workouts),
            4 => self.items::<ProjectDoc, A>(seq, Batch::Projects),
            5 => self.items::<CaptureDoc, A>(seq, Batch::Captures),
            6 => self.items::<EventDoc, A>(seq, Batch::Events),
            _ => self.items::<ApiKeyDoc, A>(seq, Batch::ApiKeys),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use std::io::Write;

    fn file(text: &str) -> File {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    fn entry(n: u32, date: &str) -> Value {
        json!({"id": format!("00000000-0000-0000-0000-{n:012}"), "entry_type": "morning_pages",
               "entry_date": date, "content": {"body": "a"},
               "created_at": "2026-11-01T07:00:00Z", "updated_at": "2026-11-01T07:00:00Z"})
    }

    fn doc() -> Value {
        json!({
            "format_version": 1,
            "exported_at": "2026-11-30T10:00:00Z",
            "user": {"id": "00000000-0000-0000-0000-000000000001", "username": "ada",
                     "timezone": "UTC", "week_start": "monday", "weight_unit": "kg",
                     "created_at": "2026-01-01T00:00:00Z"},
            "journal": [entry(10, "2026-11-01"), entry(11, "2026-11-02"), entry(12, "2026-11-03")],
            "exercises": [],
            "captures": [{"id": "00000000-0000-0000-0000-000000000060", "content": "x",
                          "source": "web", "status": "inbox",
                          "created_at": "2026-11-01T07:00:00Z"}],
        })
    }

    /// What a scan tells, as text: `v1`, `s0` (section 0 begins), `b0:2`
    /// (a batch of two items of section 0).
    fn scan(text: &str, wanted: &dyn Fn(usize) -> bool) -> Result<Vec<String>, ImportError> {
        let mut source = JsonFile::with_batch(file(text), 2);
        let mut told = Vec::new();
        // Twice: each scan reads from the start.
        for _ in 0..2 {
            told.clear();
            source.scan(wanted, &mut |part| {
                told.push(match part {
                    Part::Version(v) => format!("v{v}"),
                    Part::Section(s) => format!("s{s}"),
                    Part::Batch(b) => {
                        let n = match &b {
                            Batch::Journal(v) => v.len(),
                            Batch::Captures(v) => v.len(),
                            _ => 0,
                        };
                        format!("b{}:{n}", b.section())
                    }
                });
                Ok(())
            })?;
        }
        Ok(told)
    }

    fn refusal(text: &str) -> (Option<String>, String) {
        match scan(text, &|_| true).unwrap_err() {
            ImportError::Invalid(f) => (Some(f.field), f.message),
            ImportError::Malformed(m) => (None, m),
            ImportError::Store(s) => panic!("{s}"),
        }
    }

    #[test]
    fn sections_come_in_batches_in_the_documents_order() {
        // serde_json's object writes its keys in alphabetical order.
        let told = scan(&doc().to_string(), &|_| true).unwrap();
        assert_eq!(told, ["s5", "b5:1", "s1", "v1", "s0", "b0:2", "b0:1"]);
        // A section not wanted is read past, even one that would not parse.
        let mut d = doc();
        d["captures"] = json!([{"id": 7}]);
        d["later"] = json!({"unknown": [1, 2]});
        let told = scan(&d.to_string(), &|s| s == 0).unwrap();
        assert_eq!(told, ["s5", "s1", "v1", "s0", "b0:2", "b0:1"]);
    }

    #[test]
    fn a_malformed_document_is_refused_with_the_bodys_422() {
        let mut d = doc();
        d["journal"][2]["entry_date"] = json!("someday");
        assert_eq!(
            refusal(&d.to_string()).0.as_deref(),
            Some("journal[2].entry_date")
        );
        let mut d = doc();
        d.as_object_mut().unwrap().remove("format_version");
        assert_eq!(refusal(&d.to_string()).0.as_deref(), Some("format_version"));
        let text = doc().to_string();
        let twice = format!(r#"{{"journal":[],{}"#, &text[1..]);
        let (field, message) = refusal(&twice);
        assert_eq!(field, None);
        assert!(message.contains("duplicate field `journal`"), "{message}");
        let (field, message) = refusal(&format!("{text} trailing"));
        assert_eq!(field, None);
        assert!(
            message.starts_with("Invalid request body: trailing"),
            "{message}"
        );
        assert_eq!(refusal("[1, 2]").0, None);
        assert_eq!(
            refusal(r#"{"journal": null}"#).0.as_deref(),
            Some("journal")
        );
    }

    #[test]
    fn the_visitors_refusal_ends_the_read_as_it_is() {
        let mut source = JsonFile::new(file(&doc().to_string()));
        let mut batches = 0;
        let err = source
            .scan(&|_| true, &mut |part| {
                if let Part::Batch(_) = part {
                    batches += 1;
                    return Err(FieldError::new("journal[0]", "no").into());
                }
                Ok(())
            })
            .unwrap_err();
        assert!(matches!(err, ImportError::Invalid(f) if f.field == "journal[0]"));
        assert_eq!(batches, 1);
    }
}
