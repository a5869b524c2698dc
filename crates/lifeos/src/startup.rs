//! Builds the application: pool, services, routes and middleware, bound to
//! its own listener (port 0 in tests) so callers can read the port.

use crate::config::Config;
use crate::http::{self, error, middleware};
use crate::state::{AppState, WebSettings};
use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::{App, HttpServer, web};
use lifeos_auth::{AccessTokens, AuthConfig, AuthService, BcryptHasher};
use lifeos_db::{PgStore, PoolConfig};
use lifeos_kernel::SystemClock;
use std::net::TcpListener;
use std::sync::Arc;

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// Builds the shared state from the configuration.
///
/// # Errors
/// When the pool configuration is rejected.
pub fn build_state(config: &Config, database_url: &str, secret: &[u8]) -> Result<AppState, String> {
    let pool = lifeos_db::connect(
        database_url,
        PoolConfig {
            max_size: config.pool_size,
            wait_timeout: config.pool_timeout,
            connect_timeout: config.pool_timeout,
            ..PoolConfig::default()
        },
    )?;
    let store = PgStore::new(pool);
    let access_ttl = chrono::Duration::minutes(config.access_token_minutes);
    let refresh_ttl = chrono::Duration::days(config.refresh_token_days);
    let auth = AuthService::new(
        Arc::new(store.clone()),
        Arc::new(BcryptHasher::new(config.bcrypt_cost)),
        AccessTokens::new(secret, access_ttl),
        Arc::new(SystemClock),
        AuthConfig {
            refresh_ttl,
            max_failures: config.login_max_failures,
            failure_window: chrono::Duration::minutes(15),
        },
    );
    let clock: Arc<dyn lifeos_kernel::Clock> = Arc::new(SystemClock);
    let repo = Arc::new(store.clone());
    let journal = Arc::new(lifeos_journal::JournalService::new(
        repo.clone(),
        clock.clone(),
    ));
    let projects = Arc::new(lifeos_projects::ProjectService::new(
        repo.clone(),
        clock.clone(),
    ));
    let captures = Arc::new(lifeos_captures::CaptureService::new(
        repo.clone(),
        clock.clone(),
    ));
    let calendar = Arc::new(lifeos_calendar::CalendarService::new(
        repo.clone(),
        clock.clone(),
    ));
    let convert = Arc::new(lifeos_app::ConvertCapture::new(
        captures.clone(),
        projects.clone(),
        journal.clone(),
        calendar.clone(),
        repo.clone(),
        clock.clone(),
    ));
    let dashboard = Arc::new(lifeos_app::Dashboard::new(
        repo.clone(),
        journal.clone(),
        calendar.clone(),
        clock.clone(),
    ));
    let today = Arc::new(lifeos_app::Today::new(
        repo.clone(),
        journal.clone(),
        calendar.clone(),
        clock.clone(),
    ));
    let feeds = Arc::new(lifeos_app::feed::Feeds::new(
        repo.clone(),
        calendar.clone(),
        clock.clone(),
    ));
    Ok(AppState {
        today,
        feeds,
        search: Arc::new(lifeos_app::search::Search::new(repo.clone())),
        auth: Arc::new(auth),
        journal,
        projects,
        captures,
        calendar,
        dashboard,
        convert,
        export: Arc::new(lifeos_app::transfer::Export::new(
            repo.clone(),
            clock.clone(),
        )),
        import: Arc::new(lifeos_app::transfer::Import::new(repo.clone())),
        sessions: Arc::new(lifeos_workouts::SessionService::new(
            repo.clone(),
            repo.clone(),
            clock.clone(),
        )),
        workouts: Arc::new(lifeos_workouts::WorkoutService::new(
            repo.clone(),
            repo.clone(),
            clock.clone(),
        )),
        store,
        cpu: crate::state::CpuSlots::per_core()?,
        web: WebSettings {
            cookie_secure: config.cookie_secure,
            cookie_domain: config.cookie_domain.clone(),
            frontend_origin: config.frontend_url.clone(),
            access_ttl,
            refresh_ttl,
            trusted_proxies: config.trusted_proxies.clone(),
            api_docs: config.api_docs,
            body_timeout: config.body_timeout,
            max_connections: config.max_connections,
        },
    })
}

fn cors(frontend: Option<&str>) -> Cors {
    let mut cors = Cors::default()
        .supports_credentials()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
            header::CONTENT_DISPOSITION,
        ])
        // A foreign Origin on a simple request is not a CORS error: the
        // response just lacks CORS headers, and CSRF rules decide writes.
        .block_on_origin_mismatch(false)
        .max_age(3600);
    if let Some(origin) = frontend {
        cors = cors.allowed_origin(origin);
    }
    cors
}

impl Application {
    /// Binds the listener and prepares the server.
    ///
    /// # Errors
    /// When the address cannot be bound or the pool cannot be built.
    pub fn build(config: &Config, database_url: &str, secret: &[u8]) -> Result<Self, String> {
        let state = build_state(config, database_url, secret)?;
        let listener =
            TcpListener::bind(config.bind).map_err(|e| format!("binding {}: {e}", config.bind))?;
        Self::with_listener(state, listener, None)
    }

    /// Prepares the server on `listener` (tests bind port 0). `workers`
    /// defaults to one per core.
    ///
    /// # Errors
    /// When the listener cannot be used.
    pub fn with_listener(
        state: AppState,
        listener: TcpListener,
        workers: Option<usize>,
    ) -> Result<Self, String> {
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let data = web::Data::new(state.clone());
        let frontend = state.web.frontend_origin.clone();
        let api_docs = state.web.api_docs;
        let workers = workers.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        // actix counts connections per worker.
        let per_worker = state.web.max_connections.div_ceil(workers);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .configure(|cfg| {
                    if api_docs {
                        http::openapi::docs_page(cfg);
                    }
                })
                .configure(|cfg| http::routes().register(cfg))
                .default_service(web::to(error::not_found))
                .wrap(actix_web::middleware::from_fn(middleware::catch_panics))
                .wrap(cors(frontend.as_deref()))
                .wrap(actix_web::middleware::from_fn(middleware::contract_errors))
                .wrap(actix_web::middleware::from_fn(middleware::trace_requests))
        })
        .shutdown_timeout(10)
        .workers(workers)
        .max_connections(per_worker);
        let server = server
            .listen(listener)
            .map_err(|e| format!("listening: {e}"))?
            .run();
        Ok(Self {
            port,
            server,
            state,
        })
    }

    /// The bound port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state.
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// A handle to stop the server.
    #[must_use]
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGINT/SIGTERM: in-flight requests finish).
    ///
    /// # Errors
    /// When the server fails.
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}
