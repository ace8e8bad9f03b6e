//! `apigw-vtl serve`: a local REST API Gateway (see `apigw_vtl::serve`).
//! Everything it says goes to standard error: the banner, one entry per
//! request, reloads, errors.

use super::args::ServeArgs;
use super::diag;
use super::term::Term;
use apigw_vtl::serve::{ServeConfig, Server};
use std::io::Write as _;
use std::net::ToSocketAddrs as _;
use std::sync::Arc;

pub const AFTER_HELP: &str = "\
Each request is routed as API Gateway routes it (literal path parts before {param}
before {proxy+}; a method before ANY; no route: 403 Missing Authentication Token),
turned into the method request and its $context (a fresh requestId, requestTime,
identity.sourceIp, ...), and run through its integration: the request template,
the Lambda function through the Lambda Invoke API
(POST {endpoint}/2015-03-31/functions/{name}/invocations), the integration
response chosen by selectionPattern, its template, responseParameters and
overrides. AWS_PROXY, MOCK and http:// HTTP/HTTP_PROXY integrations work too.

The function name comes from the integration uri (...:function:NAME/invocations,
or the logical id in a SAM !Sub/!GetAtt, as `sam local` names functions); rename
with --function. The endpoint is plain HTTP with no AWS signing: a local emulator
(sam local start-lambda listens on http://127.0.0.1:3001), not AWS itself.

One line per request on standard error (method, route, Lambda outcome, integration
response, status, time); --verbose adds the bodies before and after each
transformation. The definition is re-read when its file changes. Payloads over
10 MB get 413; a function that does not answer within --lambda-timeout gets 504
{\"message\": \"Endpoint request timed out\"}; an unreachable endpoint gets 502.
Ctrl-C (or SIGTERM) stops accepting, lets requests in flight finish, and exits.

Examples:
  sam local start-lambda &
  apigw-vtl serve --api template.yaml
  curl -i http://127.0.0.1:3000/pets/7

  apigw-vtl serve --api openapi.yaml --port 8080 --stage prod --stage-var env=prod \\
      --lambda-endpoint http://localhost:4566 --function GetPet=get-pet-dev --verbose

Exit status:
  0  stopped by Ctrl-C
  2  usage error, or a definition that cannot be loaded, or an address in use";

fn error(term: &mut Term, message: &str, help: Option<&str>) -> u8 {
    let d = diag::plain(message, &[], help);
    let painted = diag::paint(term.err_style, &d);
    term.err(&painted);
    2
}

pub fn run(term: &mut Term, args: &ServeArgs) -> u8 {
    let addr = match (args.host.as_str(), args.port).to_socket_addrs() {
        Ok(mut addrs) => match addrs.next() {
            Some(a) => a,
            None => return error(term, &format!("--host {}: no address", args.host), None),
        },
        Err(e) => return error(term, &format!("--host {}: {e}", args.host), None),
    };
    let mut config = ServeConfig::new(&args.api);
    config.addr = addr;
    config.lambda_endpoint = args.lambda_endpoint.clone();
    config.stage = args.stage.clone();
    config.stage_variables = args.stage_var.iter().cloned().collect();
    config.functions = args.function.iter().cloned().collect();
    config.lambda_timeout = args.lambda_timeout;
    config.binary_media_types = args.binary_media_type.clone();
    config.verbose = args.verbose;
    config.quiet = args.quiet;

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return error(term, &format!("cannot start the runtime: {e}"), None),
    };
    term.flush();
    // Entries go through a bounded queue to a writer thread, so that request
    // handlers do not wait on standard error (a full queue does make them
    // wait). `None` ends the writer, after what was queued before it.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Option<String>>(16 * 1024);
    let writer = std::thread::spawn(move || {
        let mut err = std::io::BufWriter::new(std::io::stderr());
        while let Ok(Some(entry)) = rx.recv() {
            let _ = writeln!(err, "{entry}");
            let mut end = false;
            while let Ok(more) = rx.try_recv() {
                match more {
                    Some(more) => {
                        let _ = writeln!(err, "{more}");
                    }
                    None => {
                        end = true;
                        break;
                    }
                }
            }
            let _ = err.flush();
            if end {
                break;
            }
        }
        let _ = err.flush();
    });
    let end_writer = tx.clone();
    let log: apigw_vtl::serve::Logger = Arc::new(move |entry: &str| {
        let _ = tx.send(Some(entry.to_string()));
    });
    let timeout = config.lambda_timeout;
    let stage = config.stage.clone();
    let api = args.api.display().to_string();
    let server = match runtime.block_on(Server::bind(config, Arc::clone(&log))) {
        Ok(s) => s,
        Err(e) => {
            let help = match &e {
                apigw_vtl::serve::ServeError::Bind(..) => {
                    Some("choose another --port (0 picks a free one)")
                }
                _ => None,
            };
            return error(term, &e.to_string(), help);
        }
    };
    // Listen for Ctrl-C before saying we are up, so that none is missed.
    let mut stop = runtime.block_on(async { StopSignals::new() });
    let summary = server.summary();
    let mut banner = format!(
        "apigw-vtl serve: listening on http://{} (stage {stage})\n  API     {api} (re-read when it changes)\n  Lambda  {} (Invoke API, timeout {})\n",
        server.local_addr(),
        server.lambda_endpoint(),
        seconds(timeout),
    );
    for line in summary {
        banner.push_str(&line);
        banner.push('\n');
    }
    banner.push_str("Press Ctrl-C to stop.");
    log(&banner);

    let stop_log = Arc::clone(&log);
    let result = runtime.block_on(server.run(async move {
        stop.recv().await;
        stop_log("shutting down: finishing the requests in flight (Ctrl-C again to exit now)");
        tokio::spawn(async move {
            stop.recv().await;
            std::process::exit(130);
        });
    }));
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    let code = match result {
        Ok(()) => {
            log("stopped");
            0
        }
        Err(e) => {
            log(&format!("error: serve: {e}"));
            2
        }
    };
    // The last entries are written before the process exits.
    let _ = end_writer.send(None);
    let _ = writer.join();
    code
}

/// Ctrl-C (SIGINT) and, on Unix, SIGTERM: registered when made.
struct StopSignals {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl StopSignals {
    /// Must run inside the runtime.
    fn new() -> StopSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            StopSignals {
                signals: signal(SignalKind::interrupt())
                    .and_then(|i| Ok((i, signal(SignalKind::terminate())?)))
                    .ok(),
            }
        }
        #[cfg(not(unix))]
        {
            StopSignals {}
        }
    }

    /// The next signal (never, when signals cannot be handled).
    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            match &mut self.signals {
                Some((int, term)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                None => std::future::pending().await,
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

fn seconds(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", d.as_secs_f64())
    }
}
