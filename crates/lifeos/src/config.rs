//! Typed settings, read once from the environment (and `.env`) at start.
//! A bad value is one clear error naming the variable, never a panic.
//! Secrets are wrapped so they never reach `Debug` output or logs.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// A secret string that prints as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    #[must_use]
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The secret itself; call only where it is used.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Where the database is.
#[derive(Debug, Clone)]
pub enum Database {
    /// `DATABASE_URL`: an external server (production).
    External(Secret),
    /// No `DATABASE_URL`: a PostgreSQL managed under the data folder.
    Managed,
}

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Database location.
    pub database: Database,
    /// `SECRET_KEY`; `None` only in managed mode, where a generated key is kept in the data folder.
    pub secret_key: Option<Secret>,
    /// `ACCESS_TOKEN_EXPIRE_MINUTES` (default 15).
    pub access_token_minutes: i64,
    /// `REFRESH_TOKEN_EXPIRE_DAYS` (default 7).
    pub refresh_token_days: i64,
    /// `FRONTEND_URL`: the browser app's origin (CORS and CSRF).
    pub frontend_url: Option<String>,
    /// `DEBUG`.
    pub debug: bool,
    /// `API_DOCS` (default: `DEBUG`): serve the browsable docs at `/api/docs/`.
    pub api_docs: bool,
    /// `REQUEST_BODY_TIMEOUT_SECONDS` (default 30): how long a request body
    /// may take to arrive in full.
    pub body_timeout: Duration,
    /// `MAX_CONNECTIONS` (default 1024): open client connections at most,
    /// shared among the workers; more wait in the listen backlog. With the
    /// body limits this bounds the memory slow clients can hold.
    pub max_connections: usize,
    /// `COOKIE_DOMAIN`.
    pub cookie_domain: Option<String>,
    /// `COOKIE_SECURE` (default true).
    pub cookie_secure: bool,
    /// `BIND` (default `127.0.0.1:8000`).
    pub bind: SocketAddr,
    /// `LOGIN_MAX_FAILURES` (default 5).
    pub login_max_failures: u32,
    /// `LOG_FORMAT` (default pretty).
    pub log_format: LogFormat,
    /// `LIFEOS_DATA_DIR` (default `./data`).
    pub data_dir: PathBuf,
    /// `BCRYPT_COST` (default 12).
    pub bcrypt_cost: u32,
    /// `DATABASE_POOL_SIZE` (default 10).
    pub pool_size: usize,
    /// `DATABASE_POOL_TIMEOUT_SECONDS` (default 5).
    pub pool_timeout: Duration,
    /// `TRUSTED_PROXIES`: peers whose `X-Forwarded-For` is believed,
    /// addresses or CIDR ranges (`172.28.0.0/16`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// A configuration error: the variable and what is wrong with it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("configuration error: {var} {problem}")]
pub struct ConfigError {
    /// The variable's name.
    pub var: &'static str,
    /// What is wrong, as the rest of a sentence.
    pub problem: String,
}

fn err(var: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        problem: problem.into(),
    }
}

/// Words of placeholder keys (the project's example files and the usual
/// ones of other projects); a key containing one is not a random key.
const PLACEHOLDERS: &[&str] = &[
    "change-me",
    "changeme",
    "change_me",
    "replace",
    "placeholder",
    "your-secret",
    "your_secret",
    "secret-key",
    "secret_key",
    "example",
    "openssl",
];

/// Fewest distinct bytes a key must have. Not 16: 64 random hex digits
/// (`openssl rand -hex 32`) miss one of the 16 digits about one time in
/// four, but fewer than 10 distinct about never (< 10⁻¹²).
const MIN_DISTINCT_BYTES: usize = 10;

/// Checks a secret key: at least 32 bytes, not a placeholder, and not of
/// low entropy (a repeated character or pattern).
///
/// # Errors
/// A [`ConfigError`] on `SECRET_KEY`.
pub fn validate_secret_key(key: &str) -> Result<(), ConfigError> {
    const HOW: &str = "generate one with `openssl rand -hex 32`";
    if key.len() < 32 {
        return Err(err(
            "SECRET_KEY",
            format!("must be at least 32 bytes ({HOW})"),
        ));
    }
    let lower = key.to_ascii_lowercase();
    if PLACEHOLDERS.iter().any(|p| lower.contains(p)) {
        return Err(err(
            "SECRET_KEY",
            format!("is a placeholder, not a random value ({HOW})"),
        ));
    }
    let distinct = key.bytes().collect::<std::collections::HashSet<u8>>().len();
    if distinct < MIN_DISTINCT_BYTES {
        return Err(err(
            "SECRET_KEY",
            format!("has only {distinct} distinct characters, too few for a random key ({HOW})"),
        ));
    }
    Ok(())
}

impl Config {
    /// Reads the configuration through `get` (the process environment in
    /// production, a map in tests). Empty values count as unset.
    ///
    /// # Errors
    /// The first invalid variable.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let database = match get("DATABASE_URL") {
            Some(url) => {
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    return Err(err(
                        "DATABASE_URL",
                        "must start with postgres:// or postgresql://",
                    ));
                }
                Database::External(Secret::new(url))
            }
            None => Database::Managed,
        };
        let secret_key = get("SECRET_KEY").map(Secret::new);
        match (&database, &secret_key) {
            (Database::External(_), None) => {
                return Err(err(
                    "SECRET_KEY",
                    "is required when DATABASE_URL is set (at least 32 random bytes)",
                ));
            }
            (_, Some(k)) => validate_secret_key(k.expose())?,
            (Database::Managed, None) => {}
        }
        let frontend_url = match get("FRONTEND_URL") {
            Some(u) => Some(parse_origin(&u)?),
            None => None,
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(err(
                    "LOG_FORMAT",
                    format!("must be pretty or json, not {other:?}"),
                ));
            }
        };
        let bind = match get("BIND") {
            Some(b) => b.parse().map_err(|_bad| {
                err(
                    "BIND",
                    format!("must be an address:port like 127.0.0.1:8000, not {b:?}"),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8000)),
        };
        let trusted_proxies = match get("TRUSTED_PROXIES") {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<ipnet::IpNet>()
                        .or_else(|_| s.parse::<IpAddr>().map(ipnet::IpNet::from))
                        .map(|net| net.trunc())
                        .map_err(|_bad| {
                            err(
                                "TRUSTED_PROXIES",
                                format!("has {s:?}, which is not an IP address or CIDR range"),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        Ok(Self {
            database,
            secret_key,
            access_token_minutes: number(&get, "ACCESS_TOKEN_EXPIRE_MINUTES", 15, 1, 24 * 60)?,
            refresh_token_days: number(&get, "REFRESH_TOKEN_EXPIRE_DAYS", 7, 1, 365)?,
            frontend_url,
            debug: boolean(&get, "DEBUG", false)?,
            api_docs: boolean(&get, "API_DOCS", boolean(&get, "DEBUG", false)?)?,
            body_timeout: Duration::from_secs(
                u64::try_from(number(&get, "REQUEST_BODY_TIMEOUT_SECONDS", 30, 1, 3600)?)
                    .unwrap_or(30),
            ),
            max_connections: usize::try_from(number(&get, "MAX_CONNECTIONS", 1024, 1, 1_000_000)?)
                .unwrap_or(1024),
            cookie_domain: get("COOKIE_DOMAIN"),
            cookie_secure: boolean(&get, "COOKIE_SECURE", true)?,
            bind,
            login_max_failures: u32::try_from(number(&get, "LOGIN_MAX_FAILURES", 5, 1, 1000)?)
                .unwrap_or(5),
            log_format,
            data_dir: PathBuf::from(get("LIFEOS_DATA_DIR").unwrap_or_else(|| "data".into())),
            bcrypt_cost: u32::try_from(number(&get, "BCRYPT_COST", 12, 4, 31)?).unwrap_or(12),
            pool_size: usize::try_from(number(&get, "DATABASE_POOL_SIZE", 10, 1, 1000)?)
                .unwrap_or(10),
            pool_timeout: Duration::from_secs(
                u64::try_from(number(&get, "DATABASE_POOL_TIMEOUT_SECONDS", 5, 1, 300)?)
                    .unwrap_or(5),
            ),
            trusted_proxies,
        })
    }

    /// Reads the process environment (after loading `.env`, if present).
    ///
    /// # Errors
    /// The first invalid variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a present one is applied without
        // overriding variables already set.
        let _loaded = dotenvy::dotenv();
        Self::from_lookup(|k| std::env::var(k).ok())
    }
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, ConfigError> {
    let Some(raw) = get(var) else {
        return Ok(default);
    };
    let n: i64 = raw
        .trim()
        .parse()
        .map_err(|_bad| err(var, format!("must be a whole number, not {raw:?}")))?;
    if !(min..=max).contains(&n) {
        return Err(err(
            var,
            format!("must be between {min} and {max}, not {n}"),
        ));
    }
    Ok(n)
}

fn boolean(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: bool,
) -> Result<bool, ConfigError> {
    match get(var).map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(err(var, format!("must be true or false, not {other:?}"))),
    }
}

/// Normalises an origin (`scheme://host[:port]`, no path or trailing slash).
fn parse_origin(raw: &str) -> Result<String, ConfigError> {
    let t = raw.trim().trim_end_matches('/');
    let ok_scheme = t.starts_with("http://") || t.starts_with("https://");
    let rest = t.split_once("://").map_or("", |(_, r)| r);
    if !ok_scheme || rest.is_empty() || rest.contains('/') {
        return Err(err(
            "FRONTEND_URL",
            format!("must be an origin like https://lifeos.example.com, not {raw:?}"),
        ));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn no_configuration_means_managed_database_and_defaults() {
        let c = cfg(&[]).unwrap();
        assert!(matches!(c.database, Database::Managed));
        assert!(c.secret_key.is_none());
        assert_eq!(c.access_token_minutes, 15);
        assert_eq!(c.refresh_token_days, 7);
        assert!(c.cookie_secure);
        assert_eq!(c.bind.to_string(), "127.0.0.1:8000");
        assert_eq!(c.login_max_failures, 5);
        assert_eq!(c.log_format, LogFormat::Pretty);
    }

    #[test]
    fn database_url_requires_a_secret_key() {
        let e = cfg(&[("DATABASE_URL", "postgres://x/y")]).unwrap_err();
        assert_eq!(e.var, "SECRET_KEY");
        assert!(cfg(&[("DATABASE_URL", "postgres://x/y"), ("SECRET_KEY", KEY)]).is_ok());
    }

    #[test]
    fn short_or_placeholder_secret_keys_are_refused() {
        for bad in [
            "short",
            "change-me-change-me-change-me-change-me",
            "replace-with-output-of-openssl-rand-hex-32",
            &"a".repeat(64),
            &"abcdefghi".repeat(8),
            &"012345678".repeat(4),
        ] {
            let e = cfg(&[("DATABASE_URL", "postgres://x/y"), ("SECRET_KEY", bad)]).unwrap_err();
            assert_eq!(e.var, "SECRET_KEY", "{bad}");
        }
        // Ten distinct characters are enough (a hex key may miss digits).
        assert!(validate_secret_key(&"012345678".repeat(4)).is_err());
        assert!(validate_secret_key(&"0123456789".repeat(4)).is_ok());
        validate_secret_key(KEY).unwrap();
    }

    /// Every `SECRET_KEY=` value in the example files the project ships is
    /// refused (or empty, which the operator must fill in).
    #[test]
    fn the_shipped_example_keys_are_refused() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut checked = 0;
        for file in [".env.example", "deploy/.env.example"] {
            let text = std::fs::read_to_string(root.join(file)).unwrap();
            for line in text.lines() {
                let line = line.trim_start_matches('#').trim();
                if let Some(value) = line.strip_prefix("SECRET_KEY=") {
                    checked += 1;
                    let value = value.trim().trim_matches('"');
                    assert!(
                        value.is_empty() || validate_secret_key(value).is_err(),
                        "{file}: {value}"
                    );
                }
            }
        }
        assert_eq!(checked, 2, "both example files name SECRET_KEY");
        // The key the deploy check generates passes.
        validate_secret_key("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
            .unwrap();
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges() {
        let c = cfg(&[
            ("SECRET_KEY", KEY),
            ("TRUSTED_PROXIES", "172.28.0.10, 10.1.2.3/8,::1"),
        ])
        .unwrap();
        let shown: Vec<String> = c.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["172.28.0.10/32", "10.0.0.0/8", "::1/128"]);
    }

    #[test]
    fn bad_values_name_their_variable() {
        let cases = [
            ("ACCESS_TOKEN_EXPIRE_MINUTES", "abc"),
            ("ACCESS_TOKEN_EXPIRE_MINUTES", "0"),
            ("REFRESH_TOKEN_EXPIRE_DAYS", "-1"),
            ("COOKIE_SECURE", "maybe"),
            ("BIND", "nowhere"),
            ("LOGIN_MAX_FAILURES", "x"),
            ("LOG_FORMAT", "xml"),
            ("FRONTEND_URL", "not a url"),
            ("DATABASE_URL", "mysql://x"),
            ("TRUSTED_PROXIES", "1.2.3.4,banana"),
            ("TRUSTED_PROXIES", "10.0.0.0/33"),
            ("DEBUG", "2"),
        ];
        for (var, value) in cases {
            let e = cfg(&[(var, value), ("SECRET_KEY", KEY)]).unwrap_err();
            assert_eq!(e.var, var, "{var}={value}: {e}");
            assert!(e.to_string().contains(var));
        }
    }

    #[test]
    fn frontend_url_is_normalised_to_an_origin() {
        let c = cfg(&[("FRONTEND_URL", "https://app.example.com/")]).unwrap();
        assert_eq!(c.frontend_url.as_deref(), Some("https://app.example.com"));
    }

    #[test]
    fn secrets_do_not_print() {
        let c = cfg(&[
            ("DATABASE_URL", "postgres://u:pw@h/db"),
            ("SECRET_KEY", KEY),
        ])
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains(KEY));
        assert!(!dbg.contains("pw@"));
    }
}
