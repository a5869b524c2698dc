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

/// Long CPU work with a large answer (a year of calendar occurrences: tens
/// of milliseconds and megabytes each) run off the async workers, at most
/// `parallel` jobs at once on threads of their own, the others waiting in
/// arrival order (tokio's semaphore is fair). A job's slot can be held
/// until its answer is sent ([`Slot`]), so the answers not yet read by
/// their clients count too: memory is bounded by `parallel` answers however
/// many requests arrive together, and no async worker is held up for tens
/// of milliseconds.
#[derive(Debug, Clone)]
pub struct CpuSlots {
    /// Its own threads, as many as slots: a job's allocations stay in their
    /// allocator arenas (tokio's blocking pool would spread them over every
    /// thread it ever started, each arena keeping its high-water mark).
    threads: Arc<rayon_core::ThreadPool>,
    slots: Arc<tokio::sync::Semaphore>,
    busy: Arc<std::sync::atomic::AtomicUsize>,
    most: Arc<std::sync::atomic::AtomicUsize>,
}

/// A job's slot, held until dropped (after the job's answer is sent).
#[derive(Debug)]
pub struct Slot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    busy: Arc<std::sync::atomic::AtomicUsize>,
    threads: Arc<rayon_core::ThreadPool>,
    release: bool,
}

impl Slot {
    /// When dropped, hands the allocator's free pages back to the system
    /// (on a slot thread, see [`release_free_memory`]): for a job whose
    /// answer was megabytes.
    pub fn release_memory_when_done(&mut self) {
        self.release = true;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.busy.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        if self.release {
            self.threads.spawn(release_free_memory);
        }
    }
}

/// Hands the allocator's free pages back to the system.
///
/// glibc keeps what a thread's allocations freed in that thread's arena, up
/// to the arena's high-water mark, and gives back only the free space at
/// an arena's top: after a job of megabytes (a year of occurrences, an
/// import), the pages it used stay resident and the next large job stacks
/// on them, so the server's peak grew with how the last jobs happened to
/// fragment the heap (`docs/performance.md`, "Memory handed back").
/// `malloc_trim` releases the free pages anywhere in every arena. It walks
/// the arenas' free lists (a fraction of a millisecond here): call it after
/// large jobs, off the async workers, not per request.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[allow(unsafe_code)]
    // SAFETY: `malloc_trim` takes no pointers; it changes only the
    // allocator's own state, under the allocator's locks, and any thread may
    // call it at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

impl CpuSlots {
    /// One job per core.
    ///
    /// # Errors
    /// When the threads cannot be started.
    pub fn per_core() -> Result<Self, String> {
        Self::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
    }

    /// At most `parallel` (at least 1) jobs at once.
    ///
    /// # Errors
    /// When the threads cannot be started.
    pub fn new(parallel: usize) -> Result<Self, String> {
        let threads = rayon_core::ThreadPoolBuilder::new()
            .num_threads(parallel.max(1))
            .thread_name(|i| format!("lifeos-cpu-{i}"))
            .build()
            .map_err(|e| format!("starting the CPU threads: {e}"))?;
        Ok(Self {
            threads: Arc::new(threads),
            slots: Arc::new(tokio::sync::Semaphore::new(parallel.max(1))),
            busy: Arc::default(),
            most: Arc::default(),
        })
    }

    /// The most jobs that ever held a slot at once.
    #[must_use]
    pub fn most_at_once(&self) -> usize {
        self.most.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Runs `work` on one of the slots' threads once a slot is free;
    /// answers its output and the slot, which stays taken until it is
    /// dropped.
    ///
    /// # Errors
    /// When `work` panicked (or the runtime is shutting down).
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<(T, Slot), String> {
        use std::sync::atomic::Ordering::SeqCst;
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        self.most
            .fetch_max(self.busy.fetch_add(1, SeqCst) + 1, SeqCst);
        let slot = Slot {
            _permit: permit,
            busy: self.busy.clone(),
            threads: self.threads.clone(),
            release: false,
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.threads.spawn(move || {
            // A panic drops `tx`: the caller gets an error, the thread lives.
            let _ = tx.send(work());
        });
        let out = rx
            .await
            .map_err(|_panicked| "the job panicked".to_string())?;
        Ok((out, slot))
    }
}

#[cfg(test)]
mod tests {
    use super::CpuSlots;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn long_work_runs_at_most_so_many_at_once_and_all_of_it_runs() {
        let slots = CpuSlots::new(2).unwrap();
        let jobs: Vec<_> = (0..8u64)
            .map(|i| {
                let slots = slots.clone();
                tokio::spawn(async move {
                    let (out, slot) = slots
                        .run(move || {
                            std::thread::sleep(std::time::Duration::from_millis(10));
                            i
                        })
                        .await
                        .unwrap();
                    // The answer is "sent" while the slot is held.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    drop(slot);
                    out
                })
            })
            .collect();
        let mut sum = 0;
        for j in jobs {
            sum += j.await.unwrap();
        }
        assert_eq!(sum, 28);
        assert_eq!(slots.most_at_once(), 2);
        assert!(
            CpuSlots::new(0).unwrap().run(|| 1).await.is_ok(),
            "at least one slot"
        );
    }

    #[tokio::test]
    async fn a_slot_is_free_again_once_dropped() {
        let slots = CpuSlots::new(1).unwrap();
        let (_, held) = slots.run(|| ()).await.unwrap();
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(50), slots.run(|| ()));
        assert!(waiting.await.is_err(), "the only slot is held");
        drop(held);
        assert!(slots.run(|| ()).await.is_ok());
    }

    /// This process's resident memory, in MiB.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn rss_mib() -> f64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: f64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        pages * 4096.0 / 1_048_576.0
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[tokio::test]
    async fn a_slot_marked_large_hands_the_freed_pages_back() {
        let slots = CpuSlots::new(1).unwrap();
        let before = rss_mib();
        // 100 MB in small blocks on the slot's thread, one block in 64 kept:
        // the freed runs between them stay resident in the thread's arena.
        let (kept, slot) = slots
            .run(|| {
                let blocks: Vec<Vec<u8>> = (0..200_000).map(|_| vec![1u8; 500]).collect();
                blocks.into_iter().step_by(64).collect::<Vec<_>>()
            })
            .await
            .unwrap();
        drop(slot);
        slots.run(|| ()).await.unwrap();
        let kept_freed = rss_mib();
        assert!(
            kept_freed - before > 60.0,
            "glibc keeps the freed pages: {before:.1} → {kept_freed:.1} MiB"
        );
        let (_, mut slot) = slots.run(|| ()).await.unwrap();
        slot.release_memory_when_done();
        drop(slot);
        // The release runs on the slot's thread, before this job.
        slots.run(|| ()).await.unwrap();
        let released = rss_mib();
        assert!(
            kept_freed - released > 50.0,
            "handed back: {kept_freed:.1} → {released:.1} MiB"
        );
        drop(kept);
    }
}
