#![doc = include_str!("../README.md")]

/// The reserved prefix, as a literal for `concat!`.
macro_rules! reserved_prefix {
    () => {
        "/_emulator"
    };
}

mod connection;
/// Holding traffic to the contract (feature `contract`): what `proxy`,
/// `verify --audit` and the receiver example's `--audit` report.
#[cfg(feature = "contract")]
pub mod contract;
mod faults;
mod routes;
mod store;
mod trigger;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use live_record_callbacks::auth::{AkSkCredentials, IamToken};
use live_record_callbacks::clock::{Clock, SystemClock};

pub use faults::{FaultKind, FaultReport, FaultSpecError, Faults};
use store::Store;
pub use trigger::{TriggerReport, TriggerRequest, TRIGGER_PATH};

/// Routes under this prefix are the emulator's own, not the service's.
pub const RESERVED_PREFIX: &str = reserved_prefix!();

/// How the emulator authenticates requests and reports itself.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    aksk: Option<AkSkCredentials>,
    token: Option<IamToken>,
    clock: Arc<dyn Clock>,
    body_limit: usize,
    hostname: String,
    faults: Option<Faults>,
}

impl Default for EmulatorConfig {
    /// No authentication: every request is accepted.
    fn default() -> Self {
        Self {
            aksk: None,
            token: None,
            clock: Arc::new(SystemClock),
            body_limit: live_record_callbacks::MAX_BODY,
            hostname: "live-emulator".to_owned(),
            faults: None,
        }
    }
}

impl EmulatorConfig {
    /// Requires AK/SK-signed requests made with these credentials (or the
    /// token, if one is also set). Requests without credentials are refused,
    /// on the API and on the reserved routes alike.
    pub fn with_aksk(mut self, credentials: AkSkCredentials) -> Self {
        self.aksk = Some(credentials);
        self
    }

    /// Accepts requests that carry this IAM token in `X-Auth-Token`.
    pub fn with_token(mut self, token: IamToken) -> Self {
        self.token = Some(token);
        self
    }

    /// Replaces the clock that dates configs and checks `X-Sdk-Date`.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sets the largest request body read (default
    /// [`MAX_BODY`](live_record_callbacks::MAX_BODY)).
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Injects `faults` into the API's answers (none by default); see
    /// [`Faults`] for the spec. Keep a clone to read its
    /// [`report`](Faults::report). Dropping the connection (`reset`,
    /// `lost`) needs the emulator's own server ([`Emulator::start`]); an
    /// embedded [`router`] breaks the answer's body instead.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = Some(faults);
        self
    }

    /// The faults injected, if any.
    pub fn faults(&self) -> Option<&Faults> {
        self.faults.as_ref()
    }

    /// Whether any credentials are required.
    pub fn requires_auth(&self) -> bool {
        self.aksk.is_some() || self.token.is_some()
    }
}

/// State shared by the handlers.
pub(crate) struct Shared {
    pub(crate) config: EmulatorConfig,
    pub(crate) store: Mutex<Store>,
    /// Posts notifications to receivers.
    pub(crate) http: reqwest::Client,
}

/// The emulator as an axum router, to embed in another server.
pub fn router(config: EmulatorConfig) -> axum::Router {
    routes::router(Arc::new(Shared {
        config,
        store: Mutex::new(Store::default()),
        http: reqwest::Client::builder()
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "/",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(std::time::Duration::from_secs(10))
            .build()
            // As in `reqwest::Client::new`, which panics too: with only a user
            // agent and a timeout set, building fails only if TLS cannot be
            // set up at all.
            .expect("the HTTP client that posts notifications cannot be built"),
    }))
}

/// A running emulator (see [`Emulator::start`]).
pub struct Emulator {
    addr: SocketAddr,
    base_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Emulator {
    /// Serves on a random port of 127.0.0.1.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Serves on `addr` (port 0 picks a free one).
    pub async fn start_on(addr: SocketAddr, config: EmulatorConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let faults = config.faults.is_some();
        let app = router(config);
        let stopped = async {
            let _ = rx.await;
        };
        let task = if faults {
            // Each connection keeps a handle to its socket, so that a fault
            // can drop it before the answer.
            let service = app.into_make_service_with_connect_info::<connection::Handle>();
            tokio::spawn(async move {
                axum::serve(connection::Listener(listener), service)
                    .with_graceful_shutdown(stopped)
                    .await
            })
        } else {
            tokio::spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(stopped)
                    .await
            })
        };
        Ok(Self {
            addr,
            base_url: format!("http://{addr}"),
            shutdown: Some(tx),
            task,
        })
    }

    /// `http://127.0.0.1:PORT`, the base URL for a client.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting requests and waits for the server to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
