//! `apigw-vtl serve`: a local REST API Gateway. It loads an API definition
//! (OpenAPI 3, Swagger 2, SAM or CloudFormation), serves it over HTTP/1.1
//! and runs each request through the [`crate::gateway`] module, with real
//! mapping templates, in front of Lambda functions reached through the
//! Lambda Invoke API (`sam local start-lambda`, the Runtime Interface
//! Emulator, LocalStack), `http://` backends, or `MOCK` integrations.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use apigw_vtl::serve::{ServeConfig, Server};
//! use std::sync::Arc;
//!
//! let mut config = ServeConfig::new("template.yaml");
//! config.lambda_endpoint = "http://127.0.0.1:3001".into();
//! let server = Server::bind(config, Arc::new(|line: &str| eprintln!("{line}"))).await?;
//! println!("listening on http://{}", server.local_addr());
//! server.run(async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```
//!
//! Behind the `serve` feature (on in the command line's build): embedders
//! that use `default-features = false` do not compile tokio or hyper.
//!
//! Each request: the body (413 over [`ServeConfig::max_body_bytes`]) →
//! routing (403 `{"message":"Missing Authentication Token"}` when no route
//! takes it) → the method request with its `$context` (a fresh `requestId`,
//! `requestTime`, `identity.sourceIp` from the socket, ...) → the
//! integration → the response, with `x-amzn-RequestId` → one log entry.

mod backend;
mod context;
mod handler;
mod request;
mod target;

pub use backend::LambdaEndpoint;
pub use context::{RequestFacts, UtcTime, context_json, uuid_v4};
pub use handler::{
    ENDPOINT_TIMED_OUT_BODY, MISSING_AUTHENTICATION_TOKEN_BODY, REQUEST_TOO_LONG_BODY,
};
pub use target::{LambdaFunction, lambda_function};

use crate::gateway::{ApiDefinition, IntegrationType, LoadError};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use indexmap::IndexMap;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};
use tokio::net::TcpListener;

/// Where log entries go: one call per entry (a request's entry may span
/// several lines). The library never prints; the command line writes them
/// to standard error.
pub type Logger = Arc<dyn Fn(&str) + Send + Sync>;

/// API Gateway's payload limit: 10 MB.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// API Gateway's integration timeout: 29 s.
pub const LAMBDA_TIMEOUT: Duration = Duration::from_secs(29);
/// Where `sam local start-lambda` listens by default.
pub const DEFAULT_LAMBDA_ENDPOINT: &str = "http://127.0.0.1:3001";

/// How to serve an API.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// The API definition file (re-read when it changes).
    pub api: PathBuf,
    /// The address to listen on (port 0: any free port).
    pub addr: SocketAddr,
    /// The Lambda Invoke API endpoint, `http://HOST:PORT` (plain HTTP only).
    pub lambda_endpoint: String,
    /// `$context.stage`.
    pub stage: String,
    /// `$stageVariables`.
    pub stage_variables: IndexMap<String, String>,
    /// Function names as the definition has them → the names the endpoint
    /// knows (`GetPet` → `GetPetFunction`).
    pub functions: IndexMap<String, String>,
    /// The timeout of a Lambda (or HTTP backend) call; then 504.
    pub lambda_timeout: Duration,
    /// The largest request payload; larger ones get 413.
    pub max_body_bytes: usize,
    /// Media types whose payloads are binary (base64 in templates and
    /// proxy events): `image/png`, `image/*`, `*/*`.
    pub binary_media_types: Vec<String>,
    /// Log the bodies before and after each transformation.
    pub verbose: bool,
    /// No entry per request (startup, reloads and errors of the server
    /// itself are still logged).
    pub quiet: bool,
    /// Re-read the definition when its file changes (checked on each request).
    pub reload: bool,
    /// How long a shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

impl ServeConfig {
    /// The defaults: `127.0.0.1:3000`, `sam local start-lambda`'s endpoint,
    /// stage `dev`, API Gateway's limits (10 MB, 29 s).
    pub fn new(api: impl Into<PathBuf>) -> ServeConfig {
        ServeConfig {
            api: api.into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            lambda_endpoint: DEFAULT_LAMBDA_ENDPOINT.to_string(),
            stage: "dev".to_string(),
            stage_variables: IndexMap::new(),
            functions: IndexMap::new(),
            lambda_timeout: LAMBDA_TIMEOUT,
            max_body_bytes: MAX_BODY_BYTES,
            binary_media_types: Vec::new(),
            verbose: false,
            quiet: false,
            reload: true,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Why a server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The definition cannot be loaded.
    Load(LoadError),
    /// The Lambda endpoint URL is not usable.
    Endpoint(String),
    /// The address cannot be listened on.
    Bind(SocketAddr, std::io::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Load(e) => write!(f, "{e}"),
            ServeError::Endpoint(e) => write!(f, "--lambda-endpoint {e}"),
            ServeError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// The definition file's identity, to notice a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

fn stamp_of(path: &std::path::Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        modified: m.modified().ok(),
        len: m.len(),
    })
}

/// A loaded definition.
pub(crate) struct LoadedApi {
    pub def: ApiDefinition,
    stamp: Option<Stamp>,
    /// `$context.apiId`: stable for a file.
    pub api_id: String,
}

/// What every request handler shares.
pub(crate) struct Shared {
    pub config: ServeConfig,
    pub endpoint: LambdaEndpoint,
    pub client: backend::HttpClient,
    api: RwLock<Arc<LoadedApi>>,
    reloading: Mutex<()>,
    pub log: Logger,
}

impl Shared {
    fn read_api(&self) -> Arc<LoadedApi> {
        match self.api.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn store_api(&self, api: Arc<LoadedApi>) {
        match self.api.write() {
            Ok(mut g) => *g = api,
            Err(poisoned) => *poisoned.into_inner() = api,
        }
    }

    /// The definition to serve a request with, re-read first when its file
    /// has changed. A definition that no longer loads is reported and the
    /// previous one kept.
    pub(crate) fn current_api(&self) -> Arc<LoadedApi> {
        let current = self.read_api();
        if !self.config.reload {
            return current;
        }
        let stamp = stamp_of(&self.config.api);
        if stamp == current.stamp {
            return current;
        }
        // One reload at a time; the others serve with what is there.
        let Ok(_guard) = self.reloading.try_lock() else {
            return current;
        };
        let current = self.read_api();
        if stamp == current.stamp {
            return current;
        }
        match ApiDefinition::load(&self.config.api) {
            Ok(def) => {
                let mut text = format!(
                    "reloaded {} ({} routes)",
                    self.config.api.display(),
                    def.routes.len()
                );
                for w in &def.warnings {
                    text.push_str("\n    warning: ");
                    text.push_str(w);
                }
                (self.log)(&text);
                let api = Arc::new(LoadedApi {
                    def,
                    stamp,
                    api_id: current.api_id.clone(),
                });
                self.store_api(Arc::clone(&api));
                api
            }
            Err(e) => {
                (self.log)(&format!(
                    "error: {e}\n    still serving the previous definition"
                ));
                let api = Arc::new(LoadedApi {
                    def: current.def.clone(),
                    stamp,
                    api_id: current.api_id.clone(),
                });
                self.store_api(Arc::clone(&api));
                api
            }
        }
    }
}

/// A server bound to its address, ready to [`run`](Server::run).
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    /// Loads the definition, checks the Lambda endpoint and binds the address.
    pub async fn bind(config: ServeConfig, log: Logger) -> Result<Server, ServeError> {
        let endpoint =
            LambdaEndpoint::parse(&config.lambda_endpoint).map_err(ServeError::Endpoint)?;
        let stamp = stamp_of(&config.api);
        let def = ApiDefinition::load(&config.api).map_err(ServeError::Load)?;
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| ServeError::Bind(config.addr, e))?;
        let local_addr = listener
            .local_addr()
            .map_err(|e| ServeError::Bind(config.addr, e))?;
        let api_id = context::stable_id(&config.api.display().to_string(), 10);
        let shared = Arc::new(Shared {
            endpoint,
            client: backend::client(),
            api: RwLock::new(Arc::new(LoadedApi { def, stamp, api_id })),
            reloading: Mutex::new(()),
            log,
            config,
        });
        Ok(Server {
            listener,
            local_addr,
            shared,
        })
    }

    /// The address listened on (with the port chosen when it was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// What is served: the routes, each with its integration and backend,
    /// and the definition's warnings. Lines for a startup banner.
    pub fn summary(&self) -> Vec<String> {
        let shared = &self.shared;
        let api = shared.read_api();
        let mut out = Vec::new();
        let width = api
            .def
            .routes
            .iter()
            .map(|r| r.path_template.len())
            .max()
            .unwrap_or(0);
        let mut seen: Vec<String> = Vec::new();
        for r in &api.def.routes {
            let backend = match &r.integration {
                None => "no integration (500)".to_string(),
                Some(i) => match i.integration_type {
                    IntegrationType::Mock => "MOCK".to_string(),
                    IntegrationType::Aws | IntegrationType::AwsProxy => {
                        let name = match target::lambda_function(
                            i.uri.as_ref(),
                            &shared.config.stage_variables,
                        ) {
                            Ok(mut f) => {
                                if let Some(local) = shared.config.functions.get(&f.name) {
                                    f.name = local.clone();
                                }
                                format!("Lambda {}", f.name)
                            }
                            Err(e) => format!("(500: {e})"),
                        };
                        format!("{:<9} {name}", i.integration_type.name())
                    }
                    IntegrationType::Http | IntegrationType::HttpProxy => format!(
                        "{:<9} {}",
                        i.integration_type.name(),
                        i.uri
                            .as_ref()
                            .and_then(|u| target::flatten(u, 0))
                            .unwrap_or_default()
                    ),
                },
            };
            let key = r.key();
            let shadowed = if seen.contains(&key) {
                "  (shadowed by an earlier route with the same key)"
            } else {
                ""
            };
            seen.push(key);
            out.push(format!(
                "  {:<7} {:<width$}  {backend}{shadowed}",
                r.method, r.path_template
            ));
        }
        for w in &api.def.warnings {
            out.push(format!("  warning: {w}"));
        }
        out
    }

    /// The Lambda endpoint in use.
    pub fn lambda_endpoint(&self) -> &str {
        self.shared.endpoint.as_str()
    }

    /// Serves until `shutdown` completes, then stops accepting, lets the
    /// requests in flight finish (for at most [`ServeConfig::shutdown_grace`])
    /// and returns.
    pub async fn run<F>(self, shutdown: F) -> std::io::Result<()>
    where
        F: Future<Output = ()>,
    {
        let Server {
            listener, shared, ..
        } = self;
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                () = &mut shutdown => break,
            };
            let (stream, peer) = match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: report, breathe, go on.
                    (shared.log)(&format!("error: accepting a connection: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let local = stream
                .local_addr()
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)));
            let conn_shared = Arc::clone(&shared);
            let service = service_fn(move |req| {
                let shared = Arc::clone(&conn_shared);
                async move {
                    Ok::<_, std::convert::Infallible>(
                        handler::handle(shared, req, peer, local).await,
                    )
                }
            });
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            let conn = graceful.watch(conn);
            tokio::spawn(async move {
                // A client that goes away mid-request is not our error.
                let _ = conn.await;
            });
        }
        drop(listener);
        let grace = shared.config.shutdown_grace;
        tokio::select! {
            () = graceful.shutdown() => {}
            () = tokio::time::sleep(grace) => {
                (shared.log)(&format!(
                    "requests still in flight after {}; stopping anyway",
                    backend::seconds(grace)
                ));
            }
        }
        Ok(())
    }
}
