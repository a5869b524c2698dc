//! Properties of the shared parsers of client input: arbitrary input gives
//! a value that keeps the rule, or a field error naming the field; never a
//! panic.

use crate::{Color, PageRequest, parse_timezone, plain_text, trimmed_text};
use proptest::prelude::*;

/// Text with the awkward parts over-represented: NUL, whitespace of every
/// kind, multi-byte characters.
fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('\0'),
            Just(' '),
            Just('\t'),
            Just('\u{a0}'),
            Just('é'),
            Just('🦀'),
            any::<char>(),
        ],
        0..max,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn trimmed_text_keeps_its_rule(raw in text(40), max in 1usize..20) {
        match trimmed_text("name", &raw, max) {
            Ok(t) => {
                prop_assert_eq!(t.as_str(), raw.trim());
                prop_assert!((1..=max).contains(&t.chars().count()));
                prop_assert!(!t.contains('\0'));
            }
            Err(e) => {
                prop_assert_eq!(e.field, "name");
                let t = raw.trim();
                prop_assert!(t.is_empty() || t.chars().count() > max || t.contains('\0'));
            }
        }
    }

    #[test]
    fn plain_text_keeps_its_rule(raw in text(40), max in 0usize..20) {
        match plain_text("notes", raw.clone(), max) {
            Ok(t) => {
                prop_assert_eq!(&t, &raw);
                prop_assert!(t.chars().count() <= max && !t.contains('\0'));
            }
            Err(e) => {
                prop_assert_eq!(e.field, "notes");
                prop_assert!(raw.chars().count() > max || raw.contains('\0'));
            }
        }
    }

    #[test]
    fn a_color_is_exactly_hash_and_six_hex_digits(raw in prop_oneof![
        text(9),
        "#[0-9a-fA-F]{6}",
        "#[0-9a-zA-Z]{5,7}",
    ]) {
        let valid = raw.len() == 7
            && raw.starts_with('#')
            && raw[1..].bytes().all(|b| b.is_ascii_hexdigit());
        match Color::parse(&raw) {
            Ok(c) => prop_assert!(valid && c.as_str() == raw),
            Err(e) => prop_assert!(!valid && e.field == "color"),
        }
    }

    #[test]
    fn any_time_zone_name_is_known_or_refused(raw in prop_oneof![
        text(30),
        "[A-Z][a-z]{2,8}/[A-Z][a-z_]{2,12}",
        Just("Europe/Berlin".to_string()),
    ]) {
        match parse_timezone(&raw) {
            Ok(tz) => prop_assert_eq!(tz.name(), raw.as_str()),
            Err(e) => prop_assert_eq!(e.field, "timezone"),
        }
    }

    #[test]
    fn any_page_numbers_are_in_bounds_or_refused(
        page in prop::option::of(any::<i64>()),
        per_page in prop::option::of(prop_oneof![any::<i64>(), -5i64..120]),
    ) {
        match PageRequest::parse(page, per_page) {
            Ok(p) => {
                prop_assert!(p.page() >= 1);
                prop_assert!((1..=100).contains(&p.per_page()));
                prop_assert!(p.offset() >= 0);
                prop_assert_eq!(i64::from(p.page()), page.unwrap_or(1));
            }
            Err(e) => prop_assert!(e.field == "page" || e.field == "per_page"),
        }
    }
}
