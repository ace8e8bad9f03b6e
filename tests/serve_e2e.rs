//! `serve` end to end: a server on 127.0.0.1 (ephemeral port) for
//! tests/serve/api.yaml, a Lambda Invoke API stub on 127.0.0.1, real HTTP
//! requests. Expected responses of mapping templates come from
//! tests/serve/oracle.json (filled by the reference oracle; see
//! tests/serve/make-oracle-suite.py); the others are API Gateway's
//! documented answers (403, 415, 502, 504, 413) and the gateway module's.

mod serve_support;

use serde_json::{Value as Json, json};
use serve_support::{Env, Invocation, PATIENCE, Reply, ScratchDir, fixtures, oracle_expect};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn api() -> std::path::PathBuf {
    fixtures().join("api.yaml")
}

/// The status, the headers `expect.headers` names, and the body (with the
/// oracle's `REQUEST-ID` standing for the response's request id).
fn assert_oracle(case: &str, reply: &serve_support::HttpReply) {
    let expect = oracle_expect(case);
    assert_eq!(
        u64::from(reply.status),
        expect["status"].as_u64().unwrap(),
        "{case}: status; body {:?}",
        reply.text()
    );
    for (name, value) in expect["headers"].as_object().unwrap() {
        assert_eq!(
            reply.header(name).as_deref(),
            value.as_str(),
            "{case}: header {name}"
        );
    }
    let body = expect["body"]
        .as_str()
        .unwrap()
        .replace("REQUEST-ID", &reply.request_id());
    assert_eq!(reply.text(), body, "{case}: body");
}

fn error_payload(message: &str) -> String {
    json!({
        "errorMessage": message,
        "errorType": "Error",
        "stackTrace": ["at handler (/var/task/index.js:7:11)"]
    })
    .to_string()
}

#[test]
fn seed_lambda_error_regex_gives_400() {
    let env = Env::start(
        &api(),
        |inv: &Invocation| match inv.function.as_str() {
            "GetPet" => Reply::FunctionError(error_payload(
                "Bad Request: the pet name \"Rex/2\" is missing",
            )),
            _ => Reply::ServiceError(404, "ResourceNotFoundException", "{}".into()),
        },
        |_| {},
    );
    let reply = env.send("GET", "/pets/7", &[("Accept", "application/json")], b"");
    assert_oracle("seed-bad-request-400", &reply);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("application/json")
    );
    let calls = env.stub.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].function, "GetPet");
    assert_eq!(calls[0].invocation_type.as_deref(), Some("RequestResponse"));
    assert_eq!(calls[0].text(), "{\"id\": \"7\"}\n");
    let entry = env.entry_for(&reply.request_id());
    for part in [
        "GET /pets/7 -> GET /pets/{id} (AWS GetPet)",
        "Lambda error \"Bad Request: the pet name \\\"Rex/2\\\" is missing\"",
        "integration response 400 (selectionPattern \"Bad Request: .*\")",
        "-> 400 in ",
    ] {
        assert!(entry.contains(part), "{part:?} not in {entry}");
    }
}

#[test]
fn seed_success_takes_the_default_response() {
    let env = Env::start(
        &api(),
        |_: &Invocation| Reply::Result(r#"{"id": 7, "name": "Rex"}"#.into()),
        |_| {},
    );
    let reply = env.get("/pets/7");
    assert_oracle("seed-success-passthrough-200", &reply);
    let entry = env.entry_for(&reply.request_id());
    assert!(
        entry.contains("Lambda result: integration response 200 (default)"),
        "{entry}"
    );
}

#[test]
fn response_override_status_201_from_the_lambda_output() {
    let env = Env::start(
        &api(),
        |_: &Invocation| {
            Reply::Result(
                r#"{"statusCode": 201, "body": {"id": 8, "name": "Fido", "tags": ["a/b"]}}"#.into(),
            )
        },
        |_| {},
    );
    let body = br#"{"name": "Fido"}"#;
    let reply = env.send(
        "POST",
        "/pets",
        &[
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ],
        body,
    );
    assert_oracle("override-status-201", &reply);
    let calls = env.stub.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].function, "CreatePet");
    // No request template: the body passes through (WHEN_NO_MATCH).
    assert_eq!(calls[0].payload, body);
}

#[test]
fn proxy_route_returns_409_with_headers() {
    let env = Env::start(
        &api(),
        |_: &Invocation| {
            Reply::Result(
                json!({
                    "statusCode": 409,
                    "headers": {"X-Conflict": "name", "Content-Type": "application/json"},
                    "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
                    "body": "{\"message\":\"Rex exists\"}"
                })
                .to_string(),
            )
        },
        |c| c.stage = "test".into(),
    );
    let reply = env.send(
        "POST",
        "/shop/items?a=1&a=2&b=x+y%21",
        &[
            ("Content-Type", "application/json"),
            ("User-Agent", "serve-e2e/1.0"),
            ("X-Custom", "v1"),
        ],
        br#"{"name": "Rex"}"#,
    );
    assert_oracle("proxy-409-with-headers", &reply);
    // Two Set-Cookie lines, not one joined value.
    let cookies: Vec<&str> = reply
        .headers
        .iter()
        .filter(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(cookies, ["a=1", "b=2"]);

    let calls = env.stub.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].function, "Proxy");
    let event = calls[0].json();
    assert_eq!(event["resource"], "/{proxy+}");
    assert_eq!(event["path"], "/shop/items");
    assert_eq!(event["httpMethod"], "POST");
    assert_eq!(event["pathParameters"], json!({"proxy": "shop/items"}));
    assert_eq!(
        event["queryStringParameters"],
        json!({"a": "2", "b": "x y!"})
    );
    assert_eq!(
        event["multiValueQueryStringParameters"],
        json!({"a": ["1", "2"], "b": ["x y!"]})
    );
    assert_eq!(event["headers"]["X-Custom"], "v1");
    assert_eq!(event["headers"]["User-Agent"], "serve-e2e/1.0");
    assert_eq!(event["headers"]["X-Forwarded-For"], "127.0.0.1");
    assert_eq!(event["multiValueHeaders"]["X-Custom"], json!(["v1"]));
    assert_eq!(event["body"], r#"{"name": "Rex"}"#);
    assert_eq!(event["isBase64Encoded"], false);
    let rc = &event["requestContext"];
    assert_eq!(rc["requestId"], reply.request_id().as_str());
    assert_eq!(rc["resourcePath"], "/{proxy+}");
    assert_eq!(rc["httpMethod"], "POST");
    assert_eq!(rc["path"], "/test/shop/items");
    assert_eq!(rc["stage"], "test");
    assert_eq!(rc["protocol"], "HTTP/1.1");
    assert_eq!(rc["identity"]["sourceIp"], "127.0.0.1");
    assert_eq!(rc["identity"]["userAgent"], "serve-e2e/1.0");
    assert!(rc["requestTimeEpoch"].is_u64());
    assert_eq!(
        reply.header("x-amz-apigw-id").as_deref(),
        rc["extendedRequestId"].as_str()
    );
    let entry = env.entry_for(&reply.request_id());
    assert!(
        entry.contains("POST /shop/items?a=1&a=2&b=x+y%21 -> ANY /{proxy+} (AWS_PROXY Proxy): Lambda result -> 409 in "),
        "{entry}"
    );
}

#[test]
fn malformed_proxy_result_is_502() {
    let env = Env::start(
        &api(),
        |_: &Invocation| {
            Reply::Result(r#"{"statusCode": 200, "body": {"not": "a string"}}"#.into())
        },
        |_| {},
    );
    let reply = env.get("/anything");
    assert_oracle("proxy-malformed-502", &reply);
    let entry = env.entry_for(&reply.request_id());
    assert!(
        entry.contains(
            "Execution failed due to configuration error: Malformed Lambda proxy response"
        ),
        "{entry}"
    );
    // A function error on a proxy route is a 502 too.
    let env = Env::start(
        &api(),
        |_: &Invocation| Reply::FunctionError(error_payload("boom")),
        |_| {},
    );
    let reply = env.get("/anything");
    assert_eq!(reply.status, 502);
    assert_eq!(reply.text(), r#"{"message": "Internal server error"}"#);
}

#[test]
fn mock_cors_preflight() {
    let env = Env::start(&api(), |_: &Invocation| Reply::Hang, |_| {});
    let reply = env.send(
        "OPTIONS",
        "/pets/7",
        &[
            ("Origin", "http://localhost:8080"),
            ("Access-Control-Request-Method", "GET"),
        ],
        b"",
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("Access-Control-Allow-Origin").as_deref(),
        Some("*")
    );
    assert_eq!(
        reply.header("Access-Control-Allow-Methods").as_deref(),
        Some("GET,POST,OPTIONS")
    );
    assert_eq!(
        reply.header("Access-Control-Allow-Headers").as_deref(),
        Some("Content-Type,Authorization")
    );
    assert_eq!(reply.text(), "");
    assert!(
        env.stub.calls().is_empty(),
        "a MOCK integration calls no function"
    );
    let entry = env.entry_for(&reply.request_id());
    assert!(
        entry.contains(
            "OPTIONS /pets/7 -> OPTIONS /pets/{id} (MOCK): integration response 200 (default)"
        ),
        "{entry}"
    );
}

#[test]
fn passthrough_never_gives_415() {
    let env = Env::start(
        &api(),
        |_: &Invocation| Reply::Result(r#"{"ok": true}"#.into()),
        |_| {},
    );
    let reply = env.send(
        "POST",
        "/orders",
        &[("Content-Type", "text/plain")],
        b"one pizza",
    );
    assert_eq!(reply.status, 415);
    assert_eq!(reply.text(), r#"{"message": "Unsupported Media Type"}"#);
    assert!(env.stub.calls().is_empty());
    let entry = env.entry_for(&reply.request_id());
    assert!(entry.contains("passthroughBehavior NEVER"), "{entry}");

    // The media type that has a template goes through.
    let reply = env.send(
        "POST",
        "/orders",
        &[("Content-Type", "application/json; charset=utf-8")],
        br#"{"pizza": 1}"#,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), r#"{"ok":true}"#);
    let calls = env.stub.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].function, "CreateOrder");
    assert_eq!(calls[0].text(), r#"{"order": {"pizza": 1}}"#);
}

#[test]
fn no_route_is_403_missing_authentication_token() {
    let env = Env::start(&api(), |_: &Invocation| Reply::Hang, |_| {});
    // `/` has no resource (the greedy one needs a segment); /pets/{id} has no DELETE.
    for (method, path) in [("GET", "/"), ("DELETE", "/pets/7")] {
        let reply = env.send(method, path, &[], b"");
        assert_eq!(reply.status, 403, "{method} {path}");
        assert_eq!(
            reply.text(),
            r#"{"message":"Missing Authentication Token"}"#
        );
        assert_eq!(
            reply.header("x-amzn-ErrorType").as_deref(),
            Some("MissingAuthenticationTokenException")
        );
        let entry = env.entry_for(&reply.request_id());
        assert!(
            entry.contains(&format!("{method} {path} -> no route -> 403")),
            "{entry}"
        );
    }
    assert!(env.stub.calls().is_empty());
}

#[test]
fn request_template_sees_the_request_and_context() {
    let env = Env::start(
        &api(),
        |inv: &Invocation| Reply::Result(inv.text()),
        |c| {
            c.stage = "prod".into();
            c.stage_variables.insert("echo".into(), "Echo".into());
            c.stage_variables.insert("env".into(), "production".into());
        },
    );
    let before = SystemTime::now();
    let reply = env.send(
        "GET",
        "/context?q=shoes+red&q=ignored",
        &[("User-Agent", "curl/8.5.0"), ("X-Custom", "hello")],
        b"",
    );
    let after = SystemTime::now();
    assert_eq!(reply.status, 200, "{}", reply.text());
    let calls = env.stub.calls();
    assert_eq!(calls.len(), 1);
    // The function name came from ${stageVariables.echo} in the uri.
    assert_eq!(calls[0].function, "Echo");
    let seen = calls[0].json();
    assert_eq!(seen["requestId"], reply.request_id().as_str());
    assert_eq!(seen["httpMethod"], "GET");
    assert_eq!(seen["resourcePath"], "/context");
    assert_eq!(seen["path"], "/prod/context");
    assert_eq!(seen["stage"], "prod");
    assert_eq!(seen["sourceIp"], "127.0.0.1");
    assert_eq!(seen["userAgent"], "curl/8.5.0");
    assert_eq!(seen["q"], "ignored");
    assert_eq!(seen["header"], "hello");
    assert_eq!(seen["env"], "production");
    let epoch: u128 = seen["requestTimeEpoch"].as_str().unwrap().parse().unwrap();
    let ms = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_millis();
    assert!(ms(before) <= epoch && epoch <= ms(after), "{epoch}");
    let t = apigw_vtl::serve::UtcTime::from_system(
        UNIX_EPOCH + Duration::from_millis(u64::try_from(epoch).unwrap()),
    );
    assert_eq!(seen["requestTime"], t.clf().as_str());
    // The response is the function's result passed through.
    assert_eq!(reply.text(), serde_json::to_string(&seen).unwrap());
    // Each request has its own id.
    let again = env.send("GET", "/context", &[], b"");
    assert_ne!(again.request_id(), reply.request_id());
}

#[test]
fn lambda_timeout_is_504() {
    let env = Env::start(
        &api(),
        |_: &Invocation| Reply::Hang,
        |c| {
            c.lambda_timeout = Duration::from_millis(300);
        },
    );
    let reply = env.get("/pets/7");
    assert_eq!(reply.status, 504);
    assert_eq!(reply.text(), r#"{"message": "Endpoint request timed out"}"#);
    let entry = env.entry_for(&reply.request_id());
    assert!(
        entry.contains("Execution failed due to a timeout error"),
        "{entry}"
    );
    assert!(entry.contains("-> 504 in "), "{entry}");
}

#[test]
fn unreachable_endpoint_is_502_with_a_clear_log_line() {
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let env = Env::start(
        &api(),
        |_: &Invocation| Reply::Hang,
        |c| {
            c.lambda_endpoint = format!("http://127.0.0.1:{port}");
        },
    );
    for path in ["/pets/7", "/proxied"] {
        let reply = env.get(path);
        assert_eq!(reply.status, 502, "{path}");
        assert_eq!(reply.text(), r#"{"message": "Internal server error"}"#);
        let entry = env.entry_for(&reply.request_id());
        assert!(
            entry.contains(&format!(
                "the Lambda Invoke API at http://127.0.0.1:{port} is unreachable"
            )),
            "{entry}"
        );
    }
}

#[test]
fn invoke_api_error_is_502() {
    let env = Env::start(
        &api(),
        |_: &Invocation| {
            Reply::ServiceError(
                404,
                "ResourceNotFoundException",
                r#"{"Type":"User","Message":"Function not found: GetPet"}"#.into(),
            )
        },
        |_| {},
    );
    let reply = env.get("/pets/7");
    assert_eq!(reply.status, 502);
    let entry = env.entry_for(&reply.request_id());
    assert!(
        entry.contains("answered 404 ResourceNotFoundException"),
        "{entry}"
    );
}

#[test]
fn payload_over_the_limit_is_413() {
    let env = Env::start(
        &api(),
        |_: &Invocation| Reply::Result(r#"{"statusCode": 200, "body": "ok"}"#.into()),
        |c| c.max_body_bytes = 1000,
    );
    // Declared too long: refused before it is read.
    let reply = env.send(
        "POST",
        "/upload",
        &[("Content-Length", "1001")],
        &[b'x'; 1001],
    );
    assert_eq!(reply.status, 413);
    assert_eq!(reply.text(), r#"{"message":"Request Too Long"}"#);
    // Chunked, found too long while reading.
    let mut raw = format!(
        "POST /upload HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
        600
    )
    .into_bytes();
    raw.extend_from_slice(&[b'y'; 600]);
    raw.extend_from_slice(format!("\r\n{:x}\r\n", 600).as_bytes());
    raw.extend_from_slice(&[b'z'; 600]);
    raw.extend_from_slice(b"\r\n0\r\n\r\n");
    let reply = raw_exchange(env.addr, &raw);
    assert_eq!(reply.status, 413);
    // At the limit: served.
    let reply = env.send("POST", "/upload", &[], &[b'x'; 1000]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), "ok");
    assert_eq!(env.stub.calls().len(), 1);
}

#[test]
fn the_default_limit_is_api_gateways_10_mb() {
    let env = Env::start(&api(), |_: &Invocation| Reply::Hang, |_| {});
    let reply = env.send(
        "POST",
        "/upload",
        &[("Content-Length", &(10 * 1024 * 1024 + 1).to_string())],
        b"",
    );
    assert_eq!(reply.status, 413);
}

fn raw_exchange(addr: std::net::SocketAddr, raw: &[u8]) -> serve_support::HttpReply {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.write_all(raw).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    serve_support::parse_response(&out)
        .unwrap_or_else(|| panic!("not a response: {:?}", String::from_utf8_lossy(&out)))
}

#[test]
fn binary_payloads_are_base64() {
    let env = Env::start(
        &api(),
        |_: &Invocation| {
            Reply::Result(
                json!({"statusCode": 200, "isBase64Encoded": true, "body": "AP8B",
                       "headers": {"Content-Type": "application/octet-stream"}})
                .to_string(),
            )
        },
        |c| c.binary_media_types = vec!["image/*".into()],
    );
    // The client accepts a binary media type: it gets the bytes.
    let reply = env.send(
        "PUT",
        "/files/a.png",
        &[
            ("Content-Type", "image/png"),
            ("Accept", "text/html, image/webp"),
        ],
        b"PNG",
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, [0x00, 0xff, 0x01]);
    // Not valid UTF-8: base64 whatever the media type. The client accepts
    // no binary type: it gets the base64 text, as API Gateway sends it.
    let reply = env.send(
        "PUT",
        "/files/b",
        &[("Content-Type", "text/plain")],
        &[0xff, 0xfe],
    );
    assert_eq!(reply.text(), "AP8B");
    let calls = env.stub.calls();
    let events: Vec<Json> = calls.iter().map(Invocation::json).collect();
    assert_eq!(events[0]["body"], "UE5H");
    assert_eq!(events[0]["isBase64Encoded"], true);
    assert_eq!(events[1]["body"], "//4=");
    assert_eq!(events[1]["isBase64Encoded"], true);
}

#[test]
fn sam_template_function_names() {
    let sam = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apis/sam-template.yaml");
    let env = Env::start(
        &sam,
        |_: &Invocation| Reply::Result(r#"{"statusCode": 200, "body": "up"}"#.into()),
        |c| {
            c.functions
                .insert("ProxyFunction".into(), "LocalProxy".into());
        },
    );
    env.get("/pets/7");
    let health = env.get("/health");
    assert_eq!(health.status, 200);
    assert_eq!(health.text(), "up");
    let names: Vec<String> = env.stub.calls().into_iter().map(|c| c.function).collect();
    // !Sub "...functions/${GetPetFunction.Arn}/invocations", and the event's
    // implicit Fn::GetAtt [ProxyFunction, Arn] renamed by --function.
    assert_eq!(names, ["GetPetFunction", "LocalProxy"]);
}

#[test]
fn the_definition_is_reread_when_it_changes() {
    let dir = ScratchDir::new();
    let file = dir.0.join("api.yaml");
    let original = std::fs::read_to_string(api()).unwrap();
    std::fs::write(&file, &original).unwrap();
    let env = Env::start(&file, |_: &Invocation| Reply::Hang, |_| {});
    let methods = |env: &Env| {
        env.send("OPTIONS", "/pets/7", &[], b"")
            .header("Access-Control-Allow-Methods")
    };
    assert_eq!(methods(&env).as_deref(), Some("GET,POST,OPTIONS"));

    std::fs::write(&file, original.replace("'GET,POST,OPTIONS'", "'GET'")).unwrap();
    assert_eq!(methods(&env).as_deref(), Some("GET"));
    assert!(
        env.log().iter().any(|e| e.starts_with("reloaded ")),
        "{:#?}",
        env.log()
    );

    // A definition that no longer loads: reported, the previous one kept.
    std::fs::write(&file, "openapi: [unclosed").unwrap();
    assert_eq!(methods(&env).as_deref(), Some("GET"));
    assert!(
        env.log().iter().any(
            |e| e.starts_with("error: ") && e.contains("still serving the previous definition")
        ),
        "{:#?}",
        env.log()
    );
}

#[test]
fn verbose_logs_the_bodies_around_each_transformation() {
    let env = Env::start(
        &api(),
        |_: &Invocation| Reply::Result(r#"{"id": 7}"#.into()),
        |c| c.verbose = true,
    );
    let reply = env.get("/pets/7");
    let entry = env.entry_for(&reply.request_id());
    for line in [
        "    Endpoint request URI: http://",
        "/2015-03-31/functions/GetPet/invocations",
        "    Endpoint request body after transformations: {\"id\": \"7\"}",
        "    Endpoint response body before transformations: {\"id\": 7}",
        "    Method response body after transformations: {\"id\":7}",
        "    Method response headers: {",
    ] {
        assert!(entry.contains(line), "{line:?} not in {entry}");
    }
}

#[test]
fn shutdown_lets_the_request_in_flight_finish() {
    let gate = Arc::new(tokio::sync::Notify::new());
    let (called_tx, called_rx) = mpsc::channel::<()>();
    let called_tx = Mutex::new(called_tx);
    let stub_gate = Arc::clone(&gate);
    let mut env = Env::start(
        &api(),
        move |_: &Invocation| {
            let _ = called_tx.lock().unwrap().send(());
            Reply::Gated(Arc::clone(&stub_gate), r#"{"id": 7}"#.into())
        },
        |_| {},
    );
    let addr = env.addr;
    let client = std::thread::spawn(move || serve_support::send(addr, "GET", "/pets/7", &[], b""));
    called_rx
        .recv_timeout(PATIENCE)
        .expect("the request reaches the function");
    // Stop while the request waits on its function: the listener closes...
    env.request_stop();
    let deadline = std::time::Instant::now() + PATIENCE;
    while std::net::TcpStream::connect(addr).is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the listener stays open"
        );
        std::thread::yield_now();
    }
    // ...and the request in flight still gets its answer.
    gate.notify_one();
    assert!(
        env.wait_stopped(),
        "the server stops once the request is answered"
    );
    let reply = client.join().unwrap();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), r#"{"id":7}"#);
}

#[test]
fn http_and_http_proxy_integrations_reach_an_http_backend() {
    let dir = ScratchDir::new();
    let file = dir.0.join("http.json");
    // The stub's address is known only once it runs: start with a
    // placeholder definition, then write the real one (it is re-read).
    std::fs::write(&file, r#"{"openapi": "3.0.1", "paths": {}}"#).unwrap();
    let env = Env::start(&file, |_: &Invocation| Reply::Hang, |_| {});
    let backend = env.stub.endpoint();
    let api = json!({
        "openapi": "3.0.1",
        "paths": {
            "/web/{proxy+}": {"x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": {
                "type": "http_proxy", "httpMethod": "ANY",
                "uri": format!("{backend}/backend/{{proxy}}"),
                "requestParameters": {"integration.request.path.proxy": "method.request.path.proxy"}
            }}},
            "/items/{id}": {"post": {"x-amazon-apigateway-integration": {
                "type": "http", "httpMethod": "PUT",
                "uri": format!("{backend}/items/{{id}}"),
                "requestParameters": {
                    "integration.request.path.id": "method.request.path.id",
                    "integration.request.header.X-Status": "method.request.querystring.status",
                    "integration.request.header.X-Up": "'v'"
                },
                "requestTemplates": {"application/json": "{\"id\": \"$input.params('id')\", \"raw\": $input.body}"},
                "responses": {
                    "default": {"statusCode": "200",
                        "responseParameters": {"method.response.header.X-From": "integration.response.header.X-Backend"}},
                    "404": {"statusCode": "404",
                        "responseTemplates": {"application/json": "{\"gone\": \"$input.params('id')\"}"}}
                }
            }}}
        }
    });
    std::fs::write(&file, api.to_string()).unwrap();

    let reply = env.send("GET", "/web/a/b%20c?x=1&x=2", &[("X-In", "in")], b"");
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("X-Backend").as_deref(), Some("echo"));
    let seen: Json = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(seen["method"], "GET");
    assert_eq!(seen["path"], "/backend/a/b%20c");
    assert_eq!(seen["query"], "x=1&x=2");
    assert_eq!(seen["headers"]["x-in"], "in");

    let reply = env.send(
        "POST",
        "/items/7",
        &[("Content-Type", "application/json")],
        br#"{"n": 1}"#,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("X-From").as_deref(), Some("echo"));
    let seen: Json = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(seen["method"], "PUT");
    assert_eq!(seen["path"], "/items/7");
    assert_eq!(seen["headers"]["x-up"], "v");
    assert_eq!(seen["body"], r#"{"id": "7", "raw": {"n": 1}}"#);

    // The backend's status selects the integration response.
    let reply = env.send(
        "POST",
        "/items/7?status=404",
        &[("Content-Type", "application/json")],
        b"{}",
    );
    assert_eq!(reply.status, 404);
    assert_eq!(reply.text(), r#"{"gone": "7"}"#);
    let entry = env.entry_for(&reply.request_id());
    assert!(
        entry.contains("backend status 404: integration response 404"),
        "{entry}"
    );

    // https backends are refused with a clear line.
    let https = json!({"openapi": "3.0.1", "paths": {"/s": {"get": {"x-amazon-apigateway-integration": {
        "type": "http_proxy", "httpMethod": "GET", "uri": "https://example.com/"}}}}});
    std::fs::write(&file, https.to_string()).unwrap();
    let reply = env.get("/s");
    assert_eq!(reply.status, 502);
    let entry = env.entry_for(&reply.request_id());
    assert!(
        entry.contains("https backends are not supported"),
        "{entry}"
    );
}
