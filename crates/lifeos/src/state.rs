//! The state every handler shares.

use lifeos_app::transfer::{Export, Import};
use lifeos_app::{ConvertCapture, Dashboard};
use lifeos_auth::AuthService;
use lifeos_calendar::CalendarService;
use lifeos_captures::CaptureService;
use lifeos_db::PgStore;
use lifeos_journal::JournalService;
use lifeos_projects::ProjectService;
use lifeos_workouts::{SessionService, WorkoutService};
use std::sync::Arc;

/// Web-facing settings derived from the configuration.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Whether cookies carry `Secure`.
    pub cookie_secure: bool,
    /// Cookie `Domain`, when set.
    pub cookie_domain: Option<String>,
    /// The browser app's origin (`FRONTEND_URL`).
    pub frontend_origin: Option<String>,
    /// Access cookie lifetime.
    pub access_ttl: chrono::Duration,
    /// Refresh cookie lifetime.
    pub refresh_ttl: chrono::Duration,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Whether `/api/docs/` is served.
    pub api_docs: bool,
    /// How long a request body may take to arrive.
    pub body_timeout: std::time::Duration,
    /// Open client connections at most (all workers together).
    pub max_connections: usize,
}

/// Services and settings, shared by every worker.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Auth use cases.
    pub auth: Arc<AuthService>,
    /// Journal use cases.
    pub journal: Arc<JournalService>,
    /// Project use cases.
    pub projects: Arc<ProjectService>,
    /// Capture use cases.
    pub captures: Arc<CaptureService>,
    /// Calendar use cases.
    pub calendar: Arc<CalendarService>,
    /// The weekly dashboard (application layer).
    pub dashboard: Arc<Dashboard>,
    /// The day at a glance (application layer).
    pub today: Arc<lifeos_app::Today>,
    /// Calendar subscription feeds (application layer).
    pub feeds: Arc<lifeos_app::feed::Feeds>,
    /// Search across every module (application layer).
    pub search: Arc<lifeos_app::search::Search>,
    /// Capture conversion (application layer: captures → tasks, journal).
    pub convert: Arc<ConvertCapture>,
    /// Export of the whole account (application layer).
    pub export: Arc<Export>,
    /// Import of an export (application layer).
    pub import: Arc<Import>,
    /// Workout use cases.
    pub workouts: Arc<WorkoutService>,
    /// Workout session use cases.
    pub sessions: Arc<SessionService>,
    /// The storage adapter (implements every port).
    pub store: PgStore,
    /// Web settings.
    pub web: WebSettings,
}
