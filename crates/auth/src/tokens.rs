//! Access tokens (JWT HS256 with `sub`, `iat`, `exp`) and opaque secrets
//! (refresh tokens, API keys).

use crate::error::AuthError;
use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use lifeos_kernel::UserId;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: i64,
    exp: i64,
}

/// Signs and checks access tokens with the server's secret key.
#[derive(Clone)]
pub struct AccessTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: chrono::Duration,
}

impl std::fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokens")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl AccessTokens {
    /// Tokens signed with `secret`, valid for `ttl`.
    #[must_use]
    pub fn new(secret: &[u8], ttl: chrono::Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl,
        }
    }

    /// How long an access token lives.
    #[must_use]
    pub fn ttl(&self) -> chrono::Duration {
        self.ttl
    }

    /// Issues a token for `user` at `now`.
    ///
    /// # Errors
    /// [`AuthError::Internal`] when signing fails.
    pub fn issue(&self, user: UserId, now: DateTime<Utc>) -> Result<String, AuthError> {
        let claims = Claims {
            sub: user.0.to_string(),
            iat: now.timestamp(),
            exp: (now + self.ttl).timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AuthError::Internal(format!("signing access token: {e}")))
    }

    /// Checks signature, algorithm (HS256 only), expiry and that it was not
    /// issued in the future; returns the user id and when it was issued.
    ///
    /// # Errors
    /// [`AuthError::InvalidToken`] for anything but a valid, unexpired token.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<Verified, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked against the service's clock below, so tests can fix time.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_invalid| AuthError::InvalidToken)?;
        if data.claims.exp <= now.timestamp() || data.claims.iat > now.timestamp() + CLOCK_SKEW_SECS
        {
            return Err(AuthError::InvalidToken);
        }
        let issued_at =
            DateTime::from_timestamp(data.claims.iat, 0).ok_or(AuthError::InvalidToken)?;
        let user = Uuid::parse_str(&data.claims.sub)
            .map(UserId)
            .map_err(|_invalid| AuthError::InvalidToken)?;
        Ok(Verified { user, issued_at })
    }
}

/// How far in the future a token's `iat` may be (replicas' clocks differ
/// a little); beyond it the token was not made by this server.
const CLOCK_SKEW_SECS: i64 = 60;

/// What a valid access token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// Whose it is.
    pub user: UserId,
    /// When it was issued (whole seconds).
    pub issued_at: DateTime<Utc>,
}

/// SHA-256 of `data`.
#[must_use]
pub fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

/// `bytes` random bytes from the OS generator, URL-safe base64 without padding.
pub(crate) fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> AccessTokens {
        AccessTokens::new(&[7u8; 32], chrono::Duration::minutes(15))
    }

    #[test]
    fn a_fresh_token_verifies_to_its_user() {
        let t = tokens();
        let user = UserId(Uuid::now_v7());
        let jwt = t.issue(user, Utc::now()).unwrap();
        assert_eq!(t.verify(&jwt, Utc::now()).unwrap().user, user);
    }

    #[test]
    fn an_expired_token_is_rejected() {
        let t = tokens();
        let jwt = t
            .issue(
                UserId(Uuid::now_v7()),
                Utc::now() - chrono::Duration::minutes(16),
            )
            .unwrap();
        assert!(matches!(
            t.verify(&jwt, Utc::now()),
            Err(AuthError::InvalidToken)
        ));
    }

    #[test]
    fn a_token_signed_with_another_key_is_rejected() {
        let other = AccessTokens::new(&[8u8; 32], chrono::Duration::minutes(15));
        let jwt = other.issue(UserId(Uuid::now_v7()), Utc::now()).unwrap();
        assert!(matches!(
            tokens().verify(&jwt, Utc::now()),
            Err(AuthError::InvalidToken)
        ));
    }

    #[test]
    fn an_unsigned_alg_none_token_is_rejected() {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let exp = Utc::now().timestamp() + 600;
        let jwt = format!(
            "{}.{}.",
            b64(r#"{"alg":"none","typ":"JWT"}"#),
            b64(&format!(
                r#"{{"sub":"{}","iat":0,"exp":{exp}}}"#,
                Uuid::now_v7()
            ))
        );
        assert!(matches!(
            tokens().verify(&jwt, Utc::now()),
            Err(AuthError::InvalidToken)
        ));
    }

    #[test]
    fn a_token_issued_in_the_future_is_rejected_beyond_a_minute_of_skew() {
        let t = tokens();
        let now = Utc::now();
        let user = UserId(Uuid::now_v7());
        let soon = t.issue(user, now + chrono::Duration::seconds(59)).unwrap();
        let later = t.issue(user, now + chrono::Duration::seconds(62)).unwrap();
        let v = t.verify(&soon, now).unwrap();
        assert_eq!(v.issued_at.timestamp(), now.timestamp() + 59);
        assert!(matches!(
            t.verify(&later, now),
            Err(AuthError::InvalidToken)
        ));
    }

    #[test]
    fn random_tokens_carry_the_requested_entropy() {
        let a = random_token(32);
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token(32));
    }
}
