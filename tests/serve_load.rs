//! A bounded load test of `apigw-vtl serve` on the loopback interface:
//! the binary serves tests/serve/api.yaml in front of an in-process Lambda
//! Invoke API stub that answers at once; N requests (default 20,000) go over
//! C keep-alive connections (default 64). Every answer must be the expected
//! one; throughput and latency percentiles are printed.
//!
//! Ignored by `cargo test` (it wants a release build and a quiet machine):
//!
//!     tests/serve/load.sh                      # 20,000 requests, 64 connections
//!     tests/serve/load.sh 50000 128 /anything  # requests, connections, path
//!
//! Environment: SERVE_LOAD_REQUESTS, SERVE_LOAD_CONNECTIONS, SERVE_LOAD_PATH
//! (`/pets/7`: the seed route, a request template, a Lambda error, a
//! selection pattern and a response template; `/anything`: a Lambda proxy
//! route), SERVE_LOAD_LOG=1 to keep the log line per request (to a pipe
//! drained by the test).

mod serve_support;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use serve_support::{Invocation, Reply, Stub, fixtures};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `p`-th percentile (0-100) of sorted values.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[test]
#[ignore = "load test: run tests/serve/load.sh (release build)"]
fn load() {
    let total: usize = env_or("SERVE_LOAD_REQUESTS", 20_000);
    let connections: usize = env_or("SERVE_LOAD_CONNECTIONS", 64);
    let path: String = env_or("SERVE_LOAD_PATH", "/pets/7".to_string());
    let log = std::env::var("SERVE_LOAD_LOG").is_ok_and(|v| v == "1");
    let expected_status: u16 = if path.starts_with("/pets/") { 400 } else { 200 };

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let stub = Stub::start(
        &rt,
        Arc::new(|inv: &Invocation| {
            match inv.function.as_str() {
            "GetPet" => Reply::FunctionError(
                r#"{"errorMessage":"Bad Request: the pet name is missing","errorType":"Error","stackTrace":["at handler (/var/task/index.js:7:11)"]}"#.into(),
            ),
            _ => Reply::Result(
                r#"{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\"ok\":true}"}"#.into(),
            ),
        }
        }),
    );
    // The stub keeps every call; for a load test only the count matters.
    let api = fixtures().join("api.yaml");
    let mut args = vec![
        "serve".to_string(),
        "--api".into(),
        api.display().to_string(),
        "--port".into(),
        "0".into(),
        "--lambda-endpoint".into(),
        stub.endpoint(),
    ];
    if !log {
        args.push("--quiet".into());
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_apigw-vtl"))
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let log_lines = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&log_lines);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if line.contains("listening on http://") {
                let _ = tx.send(line);
            } else if line.contains(" ms [") {
                counted.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let line = rx
        .recv_timeout(serve_support::PATIENCE)
        .expect("serve starts");
    let addr: std::net::SocketAddr = line
        .split("listening on http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap();

    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let started = Instant::now();
    let latencies: Vec<Duration> = rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let next = Arc::clone(&next);
            let errors = Arc::clone(&errors);
            let path = path.clone();
            tasks.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                let stream = match tokio::net::TcpStream::connect(addr).await {
                    Ok(s) => s,
                    Err(e) => {
                        errors.lock().unwrap().push(format!("connect: {e}"));
                        return mine;
                    }
                };
                let _ = stream.set_nodelay(true);
                let (mut sender, conn) = match hyper::client::conn::http1::handshake(
                    hyper_util::rt::TokioIo::new(stream),
                )
                .await
                {
                    Ok(x) => x,
                    Err(e) => {
                        errors.lock().unwrap().push(format!("handshake: {e}"));
                        return mine;
                    }
                };
                tokio::spawn(conn);
                while next.fetch_add(1, Ordering::Relaxed) < total {
                    let req = hyper::Request::builder()
                        .uri(path.as_str())
                        .header("host", addr.to_string())
                        .header("accept", "application/json")
                        .body(Empty::<Bytes>::new())
                        .unwrap();
                    let t = Instant::now();
                    let outcome = async {
                        let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
                        let status = resp.status().as_u16();
                        let body = resp
                            .into_body()
                            .collect()
                            .await
                            .map_err(|e| e.to_string())?;
                        Ok::<_, String>((status, body.to_bytes()))
                    }
                    .await;
                    mine.push(t.elapsed());
                    match outcome {
                        Ok((s, _)) if s == expected_status => {}
                        Ok((s, body)) => errors
                            .lock()
                            .unwrap()
                            .push(format!("status {s}: {}", String::from_utf8_lossy(&body))),
                        Err(e) => {
                            errors.lock().unwrap().push(e);
                            break;
                        }
                    }
                }
                mine
            }));
        }
        let mut all = Vec::with_capacity(total);
        let run = async {
            for t in tasks {
                all.extend(t.await.unwrap_or_default());
            }
        };
        tokio::time::timeout(Duration::from_secs(600), run)
            .await
            .expect("the load test finishes within 10 minutes");
        all
    });
    let elapsed = started.elapsed();
    let mut sorted = latencies.clone();
    sorted.sort();
    let errors = errors.lock().unwrap().clone();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "serve load: {} requests to {path} over {connections} connections in {:.2} s: {:.0} requests/s; \
         latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} errors; {} Lambda calls; log lines {}",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&sorted, 50.0)),
        ms(percentile(&sorted, 90.0)),
        ms(percentile(&sorted, 99.0)),
        ms(percentile(&sorted, 100.0)),
        errors.len(),
        stub.calls.lock().unwrap().len(),
        if log {
            log_lines.load(Ordering::Relaxed).to_string()
        } else {
            "off".to_string()
        },
    );
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    assert_eq!(latencies.len(), total);
}
