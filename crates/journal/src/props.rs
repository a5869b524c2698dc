//! Properties of the journal's content parser for arbitrary JSON: it keeps
//! the kind's rule or names the field; never a panic.

use crate::{Content, EntryKind};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("   ".to_string()),
        Just("a\u{0}b".to_string()),
        "[a-z ]{0,12}",
        any::<String>(),
    ]
}

/// Any JSON, with the kinds' field names over-represented.
fn json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("body".to_string()),
        Just("went_well".to_string()),
        Just("to_improve".to_string()),
        Just("grateful_for".to_string()),
        Just("big_wins".to_string()),
        text(),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn holds_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(a) => a.iter().any(holds_nul),
        Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

proptest! {
    #[test]
    fn any_json_is_valid_content_or_a_content_field_error(
        raw in json(),
        kind in prop::sample::select(vec![
            EntryKind::MorningPages,
            EntryKind::DailyReflection,
            EntryKind::WeeklyReview,
        ]),
    ) {
        match Content::parse(kind, raw.clone()) {
            Ok(c) => {
                let words = c.word_count();
                prop_assert!(words >= 0);
                let v = c.into_value();
                prop_assert_eq!(&v, &raw, "content is kept as sent");
                prop_assert!(!holds_nul(&v));
                for field in kind.required_fields() {
                    let s = v[*field].as_str();
                    prop_assert!(s.is_some_and(|s| !s.trim().is_empty()), "{field}");
                }
            }
            Err(e) => prop_assert!(e.field.starts_with("content"), "{}", e.field),
        }
    }
}
