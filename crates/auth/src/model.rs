//! Entities and value types of the auth module.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use lifeos_kernel::{FieldError, TimePrefs, UserId, WeekStart, char_len};
use uuid::Uuid;

/// A user account as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The account id.
    pub id: UserId,
    /// The login name.
    pub username: String,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

/// A user with the stored password hash, for login.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    /// The account.
    pub user: User,
    /// bcrypt hash of the SHA-256 pre-hash of the password.
    pub password_hash: String,
}

/// A valid username: trimmed, 1 to 64 characters, no whitespace or control
/// characters inside. Compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// The longest username, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Parses a username.
    ///
    /// # Errors
    /// A [`FieldError`] on `username` when empty, too long, or holding
    /// whitespace or control characters.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let t = raw.trim();
        if t.is_empty() {
            return Err(FieldError::empty("username"));
        }
        if char_len(t) > Self::MAX_CHARS {
            return Err(FieldError::too_long("username", Self::MAX_CHARS));
        }
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(FieldError::new(
                "username",
                "username must not contain spaces or control characters",
            ));
        }
        Ok(Self(t.to_string()))
    }

    /// The username as given (trimmed).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy: 8 to 128 characters, taken as typed
/// (not trimmed), never truncated.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Shortest accepted password, in characters.
    pub const MIN: usize = 8;
    /// Longest accepted password, in characters.
    pub const MAX: usize = 128;

    /// Checks the policy; `field` names the field in errors.
    ///
    /// # Errors
    /// A [`FieldError`] on `field` when shorter than 8 or longer than 128 characters.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let n = char_len(raw);
        if n < Self::MIN {
            return Err(FieldError::new(
                field,
                format!("{field} must be at least {} characters", Self::MIN),
            ));
        }
        if n > Self::MAX {
            return Err(FieldError::too_long(field, Self::MAX));
        }
        Ok(Self(raw.to_string()))
    }

    /// The password text.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

lifeos_kernel::wire_enum!(
    /// Display preference for weights.
    #[derive(Default)]
    WeightUnit { /// Kilograms (the default, and the unit weights are stored in).
        #[default]
        Kg = "kg", /// Pounds.
        Lb = "lb" }
);

/// A user's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settings {
    /// IANA time zone for "today" and "this week".
    pub timezone: Tz,
    /// First day of the week.
    pub week_start: WeekStart,
    /// Weight display unit.
    pub weight_unit: WeightUnit,
}

impl Settings {
    /// The time preferences every module uses.
    #[must_use]
    pub fn time_prefs(&self) -> TimePrefs {
        TimePrefs {
            timezone: self.timezone,
            week_start: self.week_start,
        }
    }

    /// Parses a time zone name against the IANA database.
    ///
    /// # Errors
    /// A [`FieldError`] on `timezone` for an unknown name.
    pub fn parse_timezone(raw: &str) -> Result<Tz, FieldError> {
        lifeos_kernel::parse_timezone(raw)
    }
}

/// A partial update of settings; `None` leaves a field unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SettingsPatch {
    /// New time zone.
    pub timezone: Option<Tz>,
    /// New week start.
    pub week_start: Option<WeekStart>,
    /// New weight unit.
    pub weight_unit: Option<WeightUnit>,
}

impl SettingsPatch {
    /// Applies the patch to `s`.
    #[must_use]
    pub fn apply(&self, mut s: Settings) -> Settings {
        if let Some(tz) = self.timezone {
            s.timezone = tz;
        }
        if let Some(w) = self.week_start {
            s.week_start = w;
        }
        if let Some(u) = self.weight_unit {
            s.weight_unit = u;
        }
        s
    }
}

/// A refresh token to store: only its SHA-256 is kept.
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    /// Row id.
    pub id: Uuid,
    /// Owner.
    pub user_id: UserId,
    /// The login this token descends from.
    pub family_id: Uuid,
    /// SHA-256 of the opaque token.
    pub token_hash: Vec<u8>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// What presenting a refresh token did.
#[derive(Debug, Clone)]
pub enum RotateOutcome {
    /// The token was live: it is retired and the next one stored.
    Rotated(User),
    /// The token had already been retired: its whole family is now revoked.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

/// A fresh pair of tokens for the cookies.
#[derive(Clone)]
pub struct Session {
    /// The user it belongs to.
    pub user: User,
    /// The signed JWT for the `access_token` cookie.
    pub access_token: String,
    /// The opaque token for the `refresh_token` cookie.
    pub refresh_token: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// The id of an API key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiKeyId(pub Uuid);

/// An API key as listed (never the key or its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Key id.
    pub id: ApiKeyId,
    /// The name the user gave it.
    pub name: String,
    /// The first characters of the key, for recognising it.
    pub prefix: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last successful use (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// What it may do.
    pub scopes: Scopes,
}

/// One thing an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Post captures (`POST /captures/external`): what every key could do
    /// before scopes existed, and the default.
    Capture,
    /// Read the day (`GET /today`).
    Today,
}

impl Scope {
    /// Every scope, in listing order.
    pub const ALL: [Self; 2] = [Self::Capture, Self::Today];

    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Capture => "capture",
            Self::Today => "today",
        }
    }
}

/// The scopes of a key: a non-empty set. Stored space-separated, as
/// OAuth writes its `scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scopes {
    capture: bool,
    today: bool,
}

impl Default for Scopes {
    /// `capture` alone.
    fn default() -> Self {
        Self {
            capture: true,
            today: false,
        }
    }
}

impl Scopes {
    /// Parses wire names (each once at most, at least one).
    ///
    /// # Errors
    /// A [`FieldError`] on `scopes` (empty) or `scopes[i]` (unknown).
    pub fn parse(names: &[String]) -> Result<Self, FieldError> {
        let mut s = Self {
            capture: false,
            today: false,
        };
        for (i, name) in names.iter().enumerate() {
            match name.as_str() {
                "capture" => s.capture = true,
                "today" => s.today = true,
                _ => {
                    return Err(FieldError::new(
                        format!("scopes[{i}]"),
                        "scopes are `capture` and `today`",
                    ));
                }
            }
        }
        if s.list().is_empty() {
            return Err(FieldError::new("scopes", "a key needs at least one scope"));
        }
        Ok(s)
    }

    /// Whether `scope` is among them.
    #[must_use]
    pub fn allows(self, scope: Scope) -> bool {
        match scope {
            Scope::Capture => self.capture,
            Scope::Today => self.today,
        }
    }

    /// The scopes, in [`Scope::ALL`] order.
    #[must_use]
    pub fn list(self) -> Vec<Scope> {
        Scope::ALL.into_iter().filter(|s| self.allows(*s)).collect()
    }

    /// The stored form: `capture today`.
    #[must_use]
    pub fn stored(self) -> String {
        self.list()
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Reads the stored form.
    ///
    /// # Errors
    /// A [`FieldError`] when it is not a stored scope list.
    pub fn from_stored(raw: &str) -> Result<Self, FieldError> {
        let names: Vec<String> = raw.split(' ').map(ToString::to_string).collect();
        Self::parse(&names)
    }
}

/// An API key to store.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    /// Owner.
    pub user_id: UserId,
    /// The listed part.
    pub key: ApiKey,
    /// SHA-256 of the secret.
    pub key_hash: Vec<u8>,
}

/// A key just created: the secret is shown this once.
#[derive(Debug, Clone)]
pub struct CreatedApiKey {
    /// The listed part.
    pub key: ApiKey,
    /// `sk_live_...`.
    pub secret: String,
}

/// Who is throttled: one username (lower-cased) from one client address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ThrottleKey {
    /// Lower-cased username as typed.
    pub username: String,
    /// Client address.
    pub client_addr: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_list_and_store_in_one_order() {
        let names = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        let both = Scopes::parse(&names(&["today", "capture", "today"])).unwrap();
        assert_eq!(both.list(), [Scope::Capture, Scope::Today]);
        assert_eq!(both.stored(), "capture today");
        assert_eq!(Scopes::from_stored("capture today").unwrap(), both);
        let today = Scopes::parse(&names(&["today"])).unwrap();
        assert!(today.allows(Scope::Today) && !today.allows(Scope::Capture));
        assert_eq!(today.stored(), "today");
        let default = Scopes::default();
        assert!(default.allows(Scope::Capture) && !default.allows(Scope::Today));
        assert_eq!(Scopes::from_stored("capture").unwrap(), default);
        assert_eq!(Scopes::parse(&[]).unwrap_err().field, "scopes");
        assert_eq!(
            Scopes::parse(&names(&["capture", "admin"]))
                .unwrap_err()
                .field,
            "scopes[1]"
        );
        assert!(Scopes::from_stored("").is_err());
    }

    #[test]
    fn a_username_holds_at_most_64_characters() {
        assert!(Username::parse(&"é".repeat(64)).is_ok());
        assert_eq!(
            Username::parse(&"é".repeat(65)).unwrap_err().field,
            "username"
        );
    }

    #[test]
    fn weight_units_round_trip_their_wire_names() {
        for u in [WeightUnit::Kg, WeightUnit::Lb] {
            assert_eq!(WeightUnit::parse("weight_unit", u.as_str()).unwrap(), u);
        }
        assert_eq!(WeightUnit::Lb.as_str(), "lb");
        assert_eq!(WeightUnit::default(), WeightUnit::Kg);
        assert_eq!(
            WeightUnit::parse("weight_unit", "stone").unwrap_err().field,
            "weight_unit"
        );
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let base = Settings::default();
        let p = SettingsPatch {
            week_start: Some(WeekStart::Sunday),
            ..Default::default()
        };
        let s = p.apply(base);
        assert_eq!(s.week_start, WeekStart::Sunday);
        assert_eq!(
            (s.timezone, s.weight_unit),
            (base.timezone, base.weight_unit)
        );
        let tz = SettingsPatch {
            timezone: Some(chrono_tz::Asia::Tokyo),
            weight_unit: Some(WeightUnit::Lb),
            ..Default::default()
        }
        .apply(s);
        assert_eq!(
            (tz.timezone, tz.weight_unit, tz.week_start),
            (chrono_tz::Asia::Tokyo, WeightUnit::Lb, WeekStart::Sunday)
        );
    }

    #[test]
    fn password_bounds_count_characters() {
        assert!(Password::parse("p", &"é".repeat(8)).is_ok());
        assert!(Password::parse("p", &"é".repeat(7)).is_err());
        assert!(Password::parse("p", &"a".repeat(128)).is_ok());
        assert_eq!(
            Password::parse("new_password", &"a".repeat(129))
                .unwrap_err()
                .field,
            "new_password"
        );
    }

    #[test]
    fn username_is_trimmed_and_rejects_inner_spaces() {
        assert_eq!(Username::parse("  ada ").unwrap().as_str(), "ada");
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse("   ").is_err());
        assert!(Username::parse(&"x".repeat(65)).is_err());
    }

    #[test]
    fn timezone_must_be_iana() {
        assert!(Settings::parse_timezone("Europe/Berlin").is_ok());
        assert_eq!(
            Settings::parse_timezone("Mars/Olympus").unwrap_err().field,
            "timezone"
        );
    }

    #[test]
    fn password_debug_hides_the_text() {
        let p = Password::parse("p", "hunter22hunter22").unwrap();
        assert!(!format!("{p:?}").contains("hunter"));
    }
}
