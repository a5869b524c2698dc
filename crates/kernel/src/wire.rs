//! Closed sets of wire names (`status`, `priority`, `category`, ...) and the
//! `#RRGGBB` color several modules share.

use crate::FieldError;

/// Declares an enum of wire names with `as_str` and a `parse` that names the
/// field and lists the allowed values in its error:
///
/// ```
/// lifeos_kernel::wire_enum!(
///     /// A fruit.
///     Fruit { /// Red.
///         Apple = "apple", /// Yellow.
///         Banana = "banana" }
/// );
/// assert_eq!(Fruit::parse("fruit", "apple").unwrap().as_str(), "apple");
/// assert_eq!(
///     Fruit::parse("fruit", "kiwi").unwrap_err().message,
///     "fruit must be one of: apple, banana"
/// );
/// ```
#[macro_export]
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$v),+];

            /// Wire name.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }

            /// Parses the wire name; `field` names the field in the error.
            ///
            /// # Errors
            /// A [`FieldError`](lifeos_kernel::FieldError) listing the allowed values.
            pub fn parse(field: &str, s: &str) -> Result<Self, $crate::FieldError> {
                match s {
                    $($s => Ok(Self::$v),)+
                    _ => Err($crate::FieldError::new(
                        field,
                        format!("{field} must be one of: {}", [$($s),+].join(", ")),
                    )),
                }
            }
        }
    };
}

/// A `#RRGGBB` color.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Color(String);

impl Color {
    /// Parses `#RRGGBB` (hex digits, either case).
    ///
    /// # Errors
    /// A [`FieldError`] on `color`.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let ok = raw.len() == 7
            && raw.starts_with('#')
            && raw[1..].chars().all(|c| c.is_ascii_hexdigit());
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(FieldError::new("color", "color must look like #RRGGBB"))
        }
    }

    /// The color text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The color text, owned.
    #[must_use]
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_are_hash_and_six_hex_digits() {
        let c = Color::parse("#A0b1C2").unwrap();
        assert_eq!(c.as_str(), "#A0b1C2");
        assert_eq!(c.into_string(), "#A0b1C2");
        for bad in ["", "#12345", "#1234567", "123456#", "#12345g", "#ééé"] {
            assert_eq!(Color::parse(bad).unwrap_err().field, "color", "{bad}");
        }
    }
}
