//! `apigw-vtl serve` as a user runs it: the binary on an ephemeral port
//! (`--port 0`), its banner and log lines on standard error, Ctrl-C (SIGINT)
//! to stop it, and its usage errors.

mod serve_support;

use serve_support::{Invocation, PATIENCE, Reply, Stub, fixtures};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, mpsc};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_apigw-vtl"))
}

/// A running `serve` whose standard error lines arrive on a channel.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        let mut child = bin()
            .arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start apigw-vtl serve");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        // Drains standard error until the process ends (so it never blocks on a full pipe).
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The next line containing `needle` (lines before it are kept in `seen`).
    fn wait_for(&mut self, needle: &str) -> String {
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(e) => panic!("no line with {needle:?} ({e}); got {:#?}", self.seen),
            }
        }
    }

    fn address(&mut self) -> std::net::SocketAddr {
        let line = self.wait_for("listening on http://");
        let rest = line.split("listening on http://").nth(1).unwrap();
        rest.split_whitespace().next().unwrap().parse().unwrap()
    }

    /// Sends SIGINT (Ctrl-C) and waits for the exit status.
    fn interrupt(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill -INT");
        assert!(status.success());
        let (tx, rx) = mpsc::channel();
        let mut child = self.child;
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        let exit = rx
            .recv_timeout(PATIENCE)
            .expect("serve exits after Ctrl-C")
            .unwrap();
        // The rest of standard error (the pipe closes with the process).
        while let Ok(line) = self.lines.recv_timeout(PATIENCE) {
            self.seen.push(line);
        }
        (exit, self.seen)
    }
}

#[test]
fn serve_runs_logs_and_stops_on_ctrl_c() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let stub = Stub::start(
        &rt,
        Arc::new(|inv: &Invocation| match inv.function.as_str() {
            "GetPet" => Reply::FunctionError(
                r#"{"errorMessage": "Bad Request: no name", "errorType": "Error"}"#.into(),
            ),
            _ => Reply::Result(r#"{"statusCode": 204}"#.into()),
        }),
    );
    let api = fixtures().join("api.yaml");
    let mut serve = Running::start(&[
        "--api",
        api.to_str().unwrap(),
        "--port",
        "0",
        "--lambda-endpoint",
        &stub.endpoint(),
        "--stage",
        "local",
    ]);
    let addr = serve.address();
    assert!(addr.ip().is_loopback());
    serve.wait_for("Press Ctrl-C to stop.");
    let banner = serve.seen.join("\n");
    for part in [
        "(stage local)",
        &format!("Lambda  {} (Invoke API, timeout 29 s)", stub.endpoint()),
        "GET     /pets/{id}",
        "AWS       Lambda GetPet",
        "OPTIONS /pets/{id}",
        "MOCK",
        "ANY     /{proxy+}",
        "AWS_PROXY Lambda Proxy",
    ] {
        assert!(banner.contains(part), "{part:?} not in\n{banner}");
    }

    let reply = serve_support::send(addr, "GET", "/pets/7", &[], b"");
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("X-Error-Kind").as_deref(), Some("client"));
    let line = serve.wait_for(&reply.request_id());
    assert!(
        line.contains("GET /pets/7 -> GET /pets/{id} (AWS GetPet): Lambda error \"Bad Request: no name\": integration response 400"),
        "{line}"
    );
    assert!(line.contains("-> 400 in "), "{line}");

    let reply = serve_support::send(addr, "DELETE", "/x/y", &[], b"");
    assert_eq!(reply.status, 204);
    assert_eq!(stub.calls().len(), 2);

    let (exit, lines) = serve.interrupt();
    assert_eq!(exit.code(), Some(0), "{lines:#?}");
    assert!(
        lines.iter().any(|l| l.starts_with("shutting down")),
        "{lines:#?}"
    );
    assert!(lines.iter().any(|l| l == "stopped"), "{lines:#?}");
}

#[test]
fn usage_errors_exit_2() {
    let api = fixtures().join("api.yaml");
    let cases: &[(&[&str], &str)] = &[
        (&["--api", "no/such/file.yaml"], "cannot read"),
        (
            &[
                "--api",
                api.to_str().unwrap(),
                "--lambda-endpoint",
                "https://lambda.us-east-1.amazonaws.com",
            ],
            "https endpoints are not supported",
        ),
        (
            &["--api", api.to_str().unwrap(), "--lambda-timeout", "0"],
            "--lambda-timeout",
        ),
        (&["--port", "0"], "--api"),
    ];
    for (args, message) in cases {
        let out = bin().arg("serve").args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn an_address_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let api = fixtures().join("api.yaml");
    let out = bin()
        .args(["serve", "--api", api.to_str().unwrap(), "--port", &port])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
}

#[test]
fn help_explains_serve() {
    let out = bin().args(["serve", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for part in [
        "--lambda-endpoint",
        "--stage-var",
        "--lambda-timeout",
        "sam local start-lambda",
    ] {
        assert!(text.contains(part), "{part:?} not in\n{text}");
    }
}
