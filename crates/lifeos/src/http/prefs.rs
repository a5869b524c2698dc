//! The signed-in user together with their time preferences: every handler
//! whose answer depends on "today" or "this week" takes this extractor
//! instead of loading the settings itself.

use crate::http::auth::{CurrentUser, current_user_with_settings};
use crate::http::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use lifeos_kernel::{TimePrefs, UserId};
use std::future::Future;
use std::pin::Pin;

/// A [`CurrentUser`] and their time zone and week start.
#[derive(Debug, Clone)]
pub struct UserPrefs {
    /// The signed-in user.
    pub user: CurrentUser,
    /// Their time zone and week start, read with the user in one statement.
    pub prefs: TimePrefs,
}

impl UserPrefs {
    /// The user's id.
    #[must_use]
    pub fn id(&self) -> UserId {
        self.user.id()
    }
}

impl FromRequest for UserPrefs {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (user, settings) = current_user_with_settings(&req).await?;
            Ok(Self {
                user,
                prefs: settings.time_prefs(),
            })
        })
    }
}
