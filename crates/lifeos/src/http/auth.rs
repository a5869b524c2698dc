//! Who is calling: the cookie-session extractor (with the CSRF origin
//! check), the Bearer API key extractor, session cookies and the client
//! address used for login throttling.

use crate::http::error::{ApiError, Code};
use crate::state::{AppState, WebSettings};
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use lifeos_auth::{Session, User};
use lifeos_kernel::UserId;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;

/// Name of the access-token cookie.
pub const ACCESS_COOKIE: &str = "access_token";
/// Name of the refresh-token cookie.
pub const REFRESH_COOKIE: &str = "refresh_token";

pub(crate) fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state is not registered"))
}

fn is_write(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// Rejects a cookie-authenticated write whose `Origin` is neither
/// `FRONTEND_URL` nor the server's own origin. Requests without `Origin`
/// pass (non-browser clients, same-origin GET-like navigations).
///
/// # Errors
/// 403 `CSRF_REJECTED`.
pub fn check_origin(req: &HttpRequest, web: &WebSettings) -> Result<(), ApiError> {
    if !is_write(req.method()) {
        return Ok(());
    }
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or_default().trim_end_matches('/');
    let frontend = web.frontend_origin.as_deref().is_some_and(|f| f == origin);
    let own = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| {
            origin == format!("http://{host}") || origin == format!("https://{host}")
        });
    if frontend || own {
        Ok(())
    } else {
        Err(ApiError::new(
            Code::CsrfRejected,
            "This request's Origin is not allowed to make changes.",
        ))
    }
}

/// The session's access token from its cookie, or 401.
fn access_token(req: &HttpRequest) -> Result<String, ApiError> {
    req.cookie(ACCESS_COOKIE)
        .map(|c| c.value().to_string())
        .ok_or_else(|| ApiError::new(Code::NotAuthenticated, "Authentication is required."))
}

/// The user of a cookie session (`access_token` cookie).
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl CurrentUser {
    /// The user's id.
    #[must_use]
    pub fn id(&self) -> UserId {
        self.0.id
    }
}

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            cookie_session(
                &req,
                async |s: &AppState, token: &str| Ok(s.auth.user_from_access_token(token).await?),
                |user: &User| user.id,
            )
            .await
            .map(Self)
        })
    }
}

/// A cookie request's session: `find` reads who it is from the access
/// token, then the CSRF origin check runs (so a bad session is 401 before
/// a foreign origin is 403) and the user's id goes into the request's span.
async fn cookie_session<T>(
    req: &HttpRequest,
    find: impl AsyncFnOnce(&AppState, &str) -> Result<T, ApiError>,
    user: impl FnOnce(&T) -> UserId,
) -> Result<T, ApiError> {
    let state = state(req)?;
    let token = access_token(req)?;
    let found = find(&state, &token).await?;
    check_origin(req, &state.web)?;
    tracing::Span::current().record("user.id", tracing::field::display(user(&found)));
    Ok(found)
}

/// The caller of a cookie session whose access token only its signature,
/// expiry and issue time have been checked: the read it is for checks
/// that the token still speaks for its user in its own statement
/// ([`lifeos_kernel::Caller`]), so a list costs one statement, not a user
/// lookup and the page. For reads whose store does that check; every
/// other handler takes [`CurrentUser`].
#[derive(Debug, Clone, Copy)]
pub struct SessionCaller(pub lifeos_kernel::Caller);

impl FromRequest for SessionCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        // Run inside the request's span, as the other extractors.
        Box::pin(async move {
            cookie_session(
                &req,
                async |s: &AppState, token: &str| Ok(s.auth.caller_from_access_token(token)?),
                |caller: &lifeos_kernel::Caller| caller.user,
            )
            .await
            .map(Self)
        })
    }
}

/// The cookie session's user with their settings, read together (one
/// statement): the CSRF origin check as for [`CurrentUser`].
///
/// # Errors
/// As [`CurrentUser`].
pub async fn current_user_with_settings(
    req: &HttpRequest,
) -> Result<(CurrentUser, lifeos_auth::Settings), ApiError> {
    let (user, settings) = cookie_session(
        req,
        async |s: &AppState, token: &str| {
            Ok(s.auth.user_and_settings_from_access_token(token).await?)
        },
        |(user, _): &(User, lifeos_auth::Settings)| user.id,
    )
    .await?;
    Ok((CurrentUser(user), settings))
}

/// The owner of the Bearer API key (`Authorization: Bearer sk_live_...`)
/// with the `capture` scope. Cookies are ignored and CSRF does not apply.
#[derive(Debug, Clone, Copy)]
pub struct ApiKeyUser(pub UserId);

impl FromRequest for ApiKeyUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            bearer_user(&req, lifeos_auth::Scope::Capture)
                .await
                .map(Self)
        })
    }
}

/// The owner of the request's Bearer API key, which must have `scope`.
///
/// # Errors
/// 401 `NOT_AUTHENTICATED` without the header, `INVALID_API_KEY` for a bad
/// or revoked key; 403 `INSUFFICIENT_SCOPE` for a key without `scope`.
pub async fn bearer_user(req: &HttpRequest, scope: lifeos_auth::Scope) -> Result<UserId, ApiError> {
    let state = state(req)?;
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(ApiError::new(
            Code::NotAuthenticated,
            "An API key is required.",
        ));
    };
    let raw = value.to_str().unwrap_or_default();
    let key = match raw.split_once(' ') {
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => key.trim(),
        _ => return Err(lifeos_auth::AuthError::InvalidApiKey.into()),
    };
    let user = state.auth.user_from_api_key(key, scope).await?;
    tracing::Span::current().record("user.id", tracing::field::display(user));
    Ok(user)
}

fn base_cookie<'a>(web: &WebSettings, name: &'a str, value: String, path: &'a str) -> Cookie<'a> {
    let mut c = Cookie::build(name, value)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(web.cookie_secure)
        .path(path)
        .finish();
    if let Some(d) = &web.cookie_domain {
        c.set_domain(d.clone());
    }
    c
}

fn seconds(d: chrono::Duration) -> CookieDuration {
    CookieDuration::seconds(d.num_seconds())
}

/// The two session cookies for `session`.
#[must_use]
pub fn session_cookies(web: &WebSettings, session: &Session) -> [Cookie<'static>; 2] {
    let mut access = base_cookie(web, ACCESS_COOKIE, session.access_token.clone(), "/");
    access.set_max_age(seconds(web.access_ttl));
    let mut refresh = base_cookie(
        web,
        REFRESH_COOKIE,
        session.refresh_token.clone(),
        "/api/auth",
    );
    refresh.set_max_age(seconds(web.refresh_ttl));
    [access.into_owned(), refresh.into_owned()]
}

/// Cookies that clear the session (`Max-Age=0`).
#[must_use]
pub fn cleared_cookies(web: &WebSettings) -> [Cookie<'static>; 2] {
    let mut access = base_cookie(web, ACCESS_COOKIE, String::new(), "/");
    access.set_max_age(CookieDuration::ZERO);
    let mut refresh = base_cookie(web, REFRESH_COOKIE, String::new(), "/api/auth");
    refresh.set_max_age(CookieDuration::ZERO);
    [access.into_owned(), refresh.into_owned()]
}

/// The client address for throttling: the peer, or, when the peer is a
/// trusted proxy, what [`forwarded_client`] finds in `X-Forwarded-For`.
#[must_use]
pub fn client_addr(req: &HttpRequest, web: &WebSettings) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    let hops: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    forwarded_client(peer, &hops, &web.trusted_proxies).to_string()
}

/// `::ffff:10.0.0.1` is `10.0.0.1` (a dual-stack socket reports IPv4 peers so).
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The client behind `peer`: walking `X-Forwarded-For` (`hops`, in header
/// order) from the right while the address seen is a trusted proxy, the
/// first untrusted one. An entry that is not an address ends the walk at
/// the last address believed (a proxy then stands for its clients, which
/// is safe: the throttle gets stricter, not dodgeable).
#[must_use]
pub fn forwarded_client(peer: IpAddr, hops: &[&str], trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = canonical(peer);
    for hop in hops.iter().rev() {
        if !is_trusted(&client) {
            break;
        }
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => client = canonical(ip),
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::forwarded_client;
    use std::net::IpAddr;

    fn nets(list: &[&str]) -> Vec<ipnet::IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let trusted = nets(&["172.28.0.0/16"]);
        assert_eq!(
            forwarded_client(ip("203.0.113.9"), &["1.2.3.4"], &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_cidr_range_of_proxies_is_walked_from_the_right() {
        let trusted = nets(&["172.28.0.0/16", "10.0.0.1/32"]);
        let hops = ["6.6.6.6", "198.51.100.7", "10.0.0.1", " 172.28.5.5"];
        assert_eq!(
            forwarded_client(ip("172.28.0.10"), &hops, &trusted),
            ip("198.51.100.7"),
            "the spoofed left-most entry is not believed"
        );
    }

    #[test]
    fn mapped_ipv4_addresses_are_ipv4() {
        let trusted = nets(&["172.28.0.0/16"]);
        assert_eq!(
            forwarded_client(ip("::ffff:172.28.0.10"), &["::ffff:198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            forwarded_client(ip("::ffff:203.0.113.9"), &[], &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn an_unparseable_entry_stops_the_walk_at_the_last_believed_address() {
        let trusted = nets(&["172.28.0.0/16"]);
        let hops = ["198.51.100.7", "unknown", "172.28.5.5"];
        assert_eq!(
            forwarded_client(ip("172.28.0.10"), &hops, &trusted),
            ip("172.28.5.5")
        );
        // Nothing forwarded: the proxy itself.
        assert_eq!(
            forwarded_client(ip("172.28.0.10"), &[], &trusted),
            ip("172.28.0.10")
        );
    }
}
