//! Text rules every module shares: lengths count characters (Unicode scalar
//! values), and no text may hold what PostgreSQL cannot store (`U+0000`).
//! These are the one place such a rule is decided, so every text input of
//! every module refuses a NUL with a 422 naming its field instead of reaching
//! the database and failing there.

use crate::FieldError;

/// Counts characters (Unicode scalar values) of `s`, as the contract measures lengths.
#[must_use]
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Checks that `s` can be stored as PostgreSQL `text` (no NUL character).
///
/// # Errors
/// A [`FieldError`] on `field` when `s` holds `U+0000`.
pub fn storable(field: &str, s: &str) -> Result<(), FieldError> {
    if s.contains('\0') {
        Err(FieldError::new(
            field,
            format!("{field} must not contain the NUL character (U+0000)"),
        ))
    } else {
        Ok(())
    }
}

/// Trims `raw` and checks it holds `1..=max` storable characters.
///
/// # Errors
/// [`FieldError`] naming `field` when empty, too long or not storable.
pub fn trimmed_text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let t = raw.trim();
    storable(field, t)?;
    match char_len(t) {
        0 => Err(FieldError::empty(field)),
        n if n > max => Err(FieldError::too_long(field, max)),
        _ => Ok(t.to_string()),
    }
}

/// Untrimmed text of at most `max` storable characters (may be empty).
///
/// # Errors
/// [`FieldError`] naming `field` when too long or not storable.
pub fn plain_text(field: &str, raw: String, max: usize) -> Result<String, FieldError> {
    storable(field, &raw)?;
    if char_len(&raw) > max {
        return Err(FieldError::too_long(field, max));
    }
    Ok(raw)
}

/// An optional free text of at most `max` storable characters (not trimmed).
///
/// # Errors
/// [`FieldError`] naming `field` when too long or not storable.
pub fn optional_text(
    field: &str,
    v: Option<String>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    v.map(|s| plain_text(field, s, max)).transpose()
}

/// Declares a parse-only text value type: a tuple struct with a private
/// `String` that only [`trimmed_text`] (`trimmed`: trimmed, 1..=max) or
/// [`plain_text`] (`plain`: as sent, 0..=max) can build, so holding one
/// proves the text is valid and storable.
///
/// ```
/// lifeos_kernel::text_value!(
///     /// A title.
///     Title, "title", trimmed, 5
/// );
/// assert_eq!(Title::parse("  abc ").unwrap().as_str(), "abc");
/// assert_eq!(Title::parse("abcdef").unwrap_err().field, "title");
/// assert_eq!(Title::parse_at("[2].title", "").unwrap_err().field, "[2].title");
/// ```
#[macro_export]
macro_rules! text_value {
    ($(#[$m:meta])* $name:ident, $field:literal, trimmed, $max:expr) => {
        $crate::text_value!(@def $(#[$m])* $name, $field, $max,
            |field: &str, raw: &str| $crate::trimmed_text(field, raw, $max));
    };
    ($(#[$m:meta])* $name:ident, $field:literal, plain, $max:expr) => {
        $crate::text_value!(@def $(#[$m])* $name, $field, $max,
            |field: &str, raw: &str| $crate::plain_text(field, raw.to_string(), $max));
    };
    (@def $(#[$m:meta])* $name:ident, $field:literal, $max:expr, $check:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// The most characters it may hold.
            pub const MAX: usize = $max;

            /// Parses the text of the field of the same name.
            ///
            /// # Errors
            /// A [`FieldError`]($crate::FieldError) naming the field.
            pub fn parse(raw: &str) -> Result<Self, $crate::FieldError> {
                Self::parse_at($field, raw)
            }

            /// Parses text found at `field` (`[3].notes`).
            ///
            /// # Errors
            /// A [`FieldError`]($crate::FieldError) naming `field`.
            pub fn parse_at(field: &str, raw: &str) -> Result<Self, $crate::FieldError> {
                let check = $check;
                check(field, raw).map(Self)
            }

            /// The text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, owned.
            #[must_use]
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimmed_text_counts_characters_not_bytes() {
        let ok = "é".repeat(10);
        assert_eq!(trimmed_text("t", &ok, 10).unwrap(), ok);
        let long = "é".repeat(11);
        assert_eq!(
            trimmed_text("t", &long, 10).unwrap_err(),
            FieldError::too_long("t", 10)
        );
    }

    #[test]
    fn trimmed_text_rejects_whitespace_only() {
        assert_eq!(
            trimmed_text("t", " \n\t ", 10).unwrap_err(),
            FieldError::empty("t")
        );
        assert_eq!(trimmed_text("t", "  a  ", 10).unwrap(), "a");
    }

    #[test]
    fn every_text_rule_refuses_a_nul_character_naming_the_field() {
        assert_eq!(
            trimmed_text("title", "a\0b", 10).unwrap_err().field,
            "title"
        );
        assert_eq!(
            optional_text("notes", Some("\0".into()), 10)
                .unwrap_err()
                .field,
            "notes"
        );
        assert_eq!(plain_text("x", "\0".into(), 10).unwrap_err().field, "x");
        assert!(storable("x", "a\u{1}b").is_ok());
    }

    #[test]
    fn optional_text_bounds_characters_and_keeps_none() {
        assert_eq!(optional_text("d", None, 1).unwrap(), None);
        assert_eq!(
            optional_text("d", Some("éé".into()), 2).unwrap().as_deref(),
            Some("éé")
        );
        assert_eq!(
            optional_text("d", Some("ééé".into()), 2).unwrap_err(),
            FieldError::too_long("d", 2)
        );
        assert_eq!(plain_text("d", String::new(), 0).unwrap(), "");
    }
}
