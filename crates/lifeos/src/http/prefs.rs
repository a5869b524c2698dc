//! The signed-in user together with their time preferences: every handler
//! whose answer depends on "today" or "this week" takes this extractor
//! instead of loading the settings itself.

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use lifeos_kernel::{TimePrefs, UserId};
use std::future::Future;
use std::pin::Pin;

/// A [`CurrentUser`] and their time zone and week start.
#[derive(Debug, Clone)]
pub struct UserPrefs {
    /// The signed-in user.
    pub user: CurrentUser,
    /// Their time zone and week start, read once per request.
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

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = CurrentUser::from_request(req, payload);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let user = user.await?;
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let prefs = state.auth.settings(user.id()).await?.time_prefs();
            Ok(Self { user, prefs })
        })
    }
}
