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
    /// Slots for long CPU work off the async workers.
    pub cpu: CpuSlots,
    /// Web settings.
    pub web: WebSettings,
}

/// Long CPU work (a year of calendar occurrences: tens of milliseconds and
/// megabytes each) run off the async workers, at most `parallel` jobs at
/// once on the blocking pool; the others wait in arrival order (tokio's
/// semaphore is fair). An async worker busy for that long would hold up
/// every other request on it, and 32 such answers built at once would hold
/// 32 times their memory: the bound keeps the server's memory and its other
/// requests' latency independent of how many arrive together.
#[derive(Debug, Clone)]
pub struct CpuSlots {
    slots: Arc<tokio::sync::Semaphore>,
    busy: Arc<std::sync::atomic::AtomicUsize>,
    most: Arc<std::sync::atomic::AtomicUsize>,
}

impl CpuSlots {
    /// One job per core.
    #[must_use]
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
    }

    /// At most `parallel` (at least 1) jobs at once.
    #[must_use]
    pub fn new(parallel: usize) -> Self {
        Self {
            slots: Arc::new(tokio::sync::Semaphore::new(parallel.max(1))),
            busy: Arc::default(),
            most: Arc::default(),
        }
    }

    /// The most jobs that ever ran at once.
    #[must_use]
    pub fn most_at_once(&self) -> usize {
        self.most.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Runs `work` on the blocking pool once a slot is free.
    ///
    /// # Errors
    /// When `work` panicked (or the runtime is shutting down).
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        use std::sync::atomic::Ordering::SeqCst;
        let _slot = self.slots.acquire().await.map_err(|e| e.to_string())?;
        let (busy, most) = (self.busy.clone(), self.most.clone());
        tokio::task::spawn_blocking(move || {
            most.fetch_max(busy.fetch_add(1, SeqCst) + 1, SeqCst);
            let out = work();
            busy.fetch_sub(1, SeqCst);
            out
        })
        .await
        .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::CpuSlots;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn long_work_runs_at_most_so_many_at_once_and_all_of_it_runs() {
        let slots = CpuSlots::new(2);
        let jobs: Vec<_> = (0..8u64)
            .map(|i| {
                let slots = slots.clone();
                tokio::spawn(async move {
                    slots
                        .run(move || {
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            i
                        })
                        .await
                })
            })
            .collect();
        let mut sum = 0;
        for j in jobs {
            sum += j.await.unwrap().unwrap();
        }
        assert_eq!(sum, 28);
        assert_eq!(slots.most_at_once(), 2);
        assert!(
            CpuSlots::new(0).run(|| 1).await.is_ok(),
            "at least one slot"
        );
    }
}
