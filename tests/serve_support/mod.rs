//! What the `serve` tests share: a Lambda Invoke API stub on 127.0.0.1, a
//! server started in-process on an ephemeral port, and a plain blocking
//! HTTP/1.1 client. No fixed ports and no sleeps: every wait is on an
//! event, under a generous timeout.

#![allow(dead_code)]

use apigw_vtl::serve::{Logger, ServeConfig, Server};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

/// How long any single wait of a test may take before it fails (a 2-core
/// CI machine building other things can be slow).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// One call the stub received.
#[derive(Clone, Debug)]
pub struct Invocation {
    /// The function name in the URL.
    pub function: String,
    /// The query string (`Qualifier=...`), if any.
    pub query: Option<String>,
    pub invocation_type: Option<String>,
    pub payload: Vec<u8>,
}

impl Invocation {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.payload)
            .unwrap_or_else(|e| panic!("payload is not JSON ({e}): {:?}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.payload).into_owned()
    }
}

/// What the stub answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with this payload.
    Result(String),
    /// 200, `X-Amz-Function-Error: Unhandled`, this payload.
    FunctionError(String),
    /// An Invoke API error (`x-amzn-ErrorType`), with this status and body.
    ServiceError(u16, &'static str, String),
    /// Never answers.
    Hang,
    /// Answers 200 with this payload once the gate is opened
    /// (`notify_one`; a permit given before the call is kept).
    Gated(Arc<tokio::sync::Notify>, String),
}

pub type Behavior = Arc<dyn Fn(&Invocation) -> Reply + Send + Sync>;

/// A Lambda Invoke API stub (`POST /2015-03-31/functions/{name}/invocations`).
pub struct Stub {
    pub addr: SocketAddr,
    pub calls: Arc<Mutex<Vec<Invocation>>>,
}

impl Stub {
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn calls(&self) -> Vec<Invocation> {
        self.calls.lock().unwrap().clone()
    }

    /// Starts a stub on the runtime; it runs until the runtime stops.
    pub fn start(rt: &Runtime, behavior: Behavior) -> Stub {
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind the stub");
        let addr = listener.local_addr().unwrap();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&calls);
        rt.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let behavior = Arc::clone(&behavior);
                let recorded = Arc::clone(&recorded);
                let service = service_fn(move |req: Request<Incoming>| {
                    let behavior = Arc::clone(&behavior);
                    let recorded = Arc::clone(&recorded);
                    async move {
                        Ok::<_, std::convert::Infallible>(
                            stub_answer(req, &behavior, &recorded).await,
                        )
                    }
                });
                tokio::spawn(async move {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Stub { addr, calls }
    }
}

async fn stub_answer(
    req: Request<Incoming>,
    behavior: &Behavior,
    recorded: &Mutex<Vec<Invocation>>,
) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    if !path.starts_with("/2015-03-31/functions/") {
        return echo(req).await;
    }
    let invocation_type = req
        .headers()
        .get("x-amz-invocation-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let ok_method = req.method() == hyper::Method::POST;
    let payload = req
        .into_body()
        .collect()
        .await
        .map(|c| c.to_bytes().to_vec())
        .unwrap_or_default();
    let function = path
        .strip_prefix("/2015-03-31/functions/")
        .and_then(|r| r.strip_suffix("/invocations"))
        .map(str::to_string);
    let (Some(function), true) = (function, ok_method) else {
        return Response::builder()
            .status(404)
            .header("x-amzn-ErrorType", "UnknownOperationException")
            .body(Full::new(Bytes::from_static(
                b"{\"message\":\"unknown operation\"}",
            )))
            .unwrap();
    };
    let inv = Invocation {
        function,
        query,
        invocation_type,
        payload,
    };
    recorded.lock().unwrap().push(inv.clone());
    let reply = behavior(&inv);
    let json = |status: u16| {
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
    };
    match reply {
        Reply::Result(p) => json(200).body(Full::new(Bytes::from(p))).unwrap(),
        Reply::FunctionError(p) => json(200)
            .header("X-Amz-Function-Error", "Unhandled")
            .body(Full::new(Bytes::from(p)))
            .unwrap(),
        Reply::ServiceError(status, kind, body) => json(status)
            .header("x-amzn-ErrorType", kind)
            .body(Full::new(Bytes::from(body)))
            .unwrap(),
        Reply::Hang => std::future::pending().await,
        Reply::Gated(gate, p) => {
            gate.notified().await;
            json(200).body(Full::new(Bytes::from(p))).unwrap()
        }
    }
}

/// Any other path: an HTTP backend that answers with what it received,
/// `{"method", "path", "query", "headers", "body"}` (header names in lower
/// case), with the status the `X-Status` header asks for (default 200)
/// and an `X-Backend: echo` header.
async fn echo(req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let mut headers = serde_json::Map::new();
    for (n, v) in req.headers() {
        headers.insert(
            n.as_str().to_string(),
            serde_json::Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()),
        );
    }
    let status: u16 = req
        .headers()
        .get("x-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let body = req
        .into_body()
        .collect()
        .await
        .map(|c| String::from_utf8_lossy(&c.to_bytes()).into_owned())
        .unwrap_or_default();
    let answer = serde_json::json!({
        "method": method, "path": path, "query": query, "headers": headers, "body": body
    });
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-backend", "echo")
        .body(Full::new(Bytes::from(answer.to_string())))
        .unwrap()
}

/// A unique scratch directory under the system's temporary directory,
/// removed on drop.
pub struct ScratchDir(pub PathBuf);

impl ScratchDir {
    pub fn new() -> ScratchDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "apigw-vtl-serve-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        ScratchDir(dir)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The repository's `tests/serve/` directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("serve")
}

/// A server under test: its runtime, its stub and its log.
pub struct Env {
    pub rt: Runtime,
    pub addr: SocketAddr,
    pub stub: Stub,
    pub log: Arc<Mutex<Vec<String>>>,
    shutdown: Option<oneshot::Sender<()>>,
    done: Option<oneshot::Receiver<()>>,
}

impl Env {
    /// Starts a stub answering with `behavior`, and a server for the
    /// definition `api` pointed at the stub, with `tweak` applied to its
    /// configuration.
    pub fn start(
        api: &Path,
        behavior: impl Fn(&Invocation) -> Reply + Send + Sync + 'static,
        tweak: impl FnOnce(&mut ServeConfig),
    ) -> Env {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let stub = Stub::start(&rt, Arc::new(behavior));
        let mut config = ServeConfig::new(api);
        config.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        config.lambda_endpoint = stub.endpoint();
        tweak(&mut config);
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        let logger: Logger =
            Arc::new(move |entry: &str| sink.lock().unwrap().push(entry.to_string()));
        let server = rt
            .block_on(Server::bind(config, logger))
            .unwrap_or_else(|e| panic!("serve: {e}"));
        let addr = server.local_addr();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let (done_tx, done_rx) = oneshot::channel::<()>();
        rt.spawn(async move {
            let _ = server
                .run(async {
                    let _ = stop_rx.await;
                })
                .await;
            let _ = done_tx.send(());
        });
        Env {
            rt,
            addr,
            stub,
            log,
            shutdown: Some(stop_tx),
            done: Some(done_rx),
        }
    }

    pub fn get(&self, path: &str) -> HttpReply {
        self.send("GET", path, &[], b"")
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> HttpReply {
        send(self.addr, method, path, headers, body)
    }

    /// The log entries so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// The log entry that names this request id.
    pub fn entry_for(&self, request_id: &str) -> String {
        self.log()
            .into_iter()
            .find(|e| e.contains(request_id))
            .unwrap_or_else(|| panic!("no log entry for {request_id}: {:#?}", self.log()))
    }

    /// Stops the server (as Ctrl-C would) and waits until it has stopped.
    pub fn stop(&mut self) -> bool {
        self.request_stop();
        self.wait_stopped()
    }

    /// Asks the server to stop (as Ctrl-C does), without waiting.
    pub fn request_stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Waits until the server has stopped (false: not within [`PATIENCE`]).
    pub fn wait_stopped(&mut self) -> bool {
        match self.done.take() {
            Some(rx) => self
                .rt
                .block_on(async { tokio::time::timeout(PATIENCE, rx).await })
                .is_ok_and(|r| r.is_ok()),
            None => true,
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A response as read off the wire.
#[derive(Clone, Debug)]
pub struct HttpReply {
    pub status: u16,
    /// Names in lower case, in order, repeated names kept.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    /// The values of a header joined by `,` (any spelling of the name).
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            None
        } else {
            Some(values.join(","))
        }
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn request_id(&self) -> String {
        self.header("x-amzn-RequestId")
            .unwrap_or_else(|| panic!("no x-amzn-RequestId: {self:?}"))
    }
}

/// Sends one request on a new connection (`Connection: close`) and reads
/// the whole response.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpReply {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    let mut has_length = false;
    for (n, v) in headers {
        has_length |= n.eq_ignore_ascii_case("content-length");
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if !has_length && (!body.is_empty() || method == "POST" || method == "PUT") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("read the response to {method} {path}: {e}"));
    parse_response(&raw)
        .unwrap_or_else(|| panic!("not an HTTP response: {:?}", String::from_utf8_lossy(&raw)))
}

/// Status line, headers, and a `Content-Length` body.
pub fn parse_response(raw: &[u8]) -> Option<HttpReply> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(raw.get(..end)?).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut headers = Vec::new();
    for line in lines {
        let (n, v) = line.split_once(':')?;
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let rest = raw.get(end + 4..)?;
    let body = match headers.iter().find(|(n, _)| n == "content-length") {
        Some((_, len)) => rest.get(..len.parse::<usize>().ok()?)?.to_vec(),
        None => rest.to_vec(),
    };
    Some(HttpReply {
        status,
        headers,
        body,
    })
}

/// The `expect` of a case of tests/serve/oracle.json (filled by the oracle).
pub fn oracle_expect(name: &str) -> serde_json::Value {
    let path = fixtures().join("oracle.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let suite: serde_json::Value = serde_json::from_str(&text).unwrap();
    suite["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name} in {}", path.display()))["expect"]
        .clone()
}
