//! Properties of the captures' parsers of client input: content, source,
//! the Idempotency-Key header and the spoken message; never a panic.

use crate::{CaptureContent, CaptureSource, IdempotencyKey, capture_message};
use proptest::prelude::*;

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('\0'),
            Just(' '),
            Just('\n'),
            Just('é'),
            Just('🦀'),
            any::<char>()
        ],
        0..max,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn content_is_trimmed_bounded_and_storable_or_refused(raw in prop_oneof![
        text(30),
        Just("x".repeat(10_000)),
        Just("é".repeat(10_001)),
    ]) {
        let t = raw.trim();
        match CaptureContent::parse(&raw) {
            Ok(c) => {
                prop_assert_eq!(c.as_str(), t);
                prop_assert!((1..=10_000).contains(&t.chars().count()));
                prop_assert!(!t.contains('\0'));
            }
            Err(e) => {
                prop_assert_eq!(e.field, "content");
                prop_assert!(t.is_empty() || t.chars().count() > 10_000 || t.contains('\0'));
            }
        }
    }

    #[test]
    fn a_source_is_1_to_50_characters_or_refused(raw in text(60)) {
        match CaptureSource::parse(&raw) {
            Ok(s) => prop_assert!((1..=50).contains(&s.as_str().chars().count())),
            Err(e) => prop_assert_eq!(e.field, "source"),
        }
    }

    #[test]
    fn an_idempotency_key_is_visible_ascii_or_refused(
        raw in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        match IdempotencyKey::parse(&raw) {
            Ok(k) => {
                prop_assert!(!k.as_str().is_empty());
                prop_assert!(k.as_str().len() <= IdempotencyKey::MAX);
                prop_assert!(k.as_str().bytes().all(|b| b.is_ascii_graphic()));
            }
            Err(e) => prop_assert_eq!(e.field, "Idempotency-Key"),
        }
    }

    #[test]
    fn the_message_is_the_first_60_characters(content in text(120)) {
        let m = capture_message(&content);
        let head = m.strip_prefix("Captured: ");
        prop_assert!(head.is_some());
        let head = head.unwrap_or_default();
        prop_assert!(head.chars().count() <= 60);
        prop_assert!(content.starts_with(head));
    }
}
