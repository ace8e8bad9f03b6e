//! `serve` agrees with the gateway module: every gateway case of
//! tests/conformance/gateway/ becomes a route of one API definition, its
//! Lambda outcome what the stub answers for that route's function, and the
//! response `serve` sends over HTTP must be the one `run_case` computes in
//! process (same status, same body, every header `run_case` gives).
//!
//! Left out: cases whose templates or parameters read `$context` (serve makes
//! its own: a fresh requestId, the time, ...), and cases whose integration an
//! OpenAPI file cannot hold (an invalid selection pattern, which the case
//! format tolerates and an API definition refuses).

mod serve_support;

use apigw_vtl::gateway::{ApiDefinition, GatewayCase, LambdaOutcome, jackson_json, run_case};
use serde_json::{Map, Value as Json, json};
use serve_support::{Env, Invocation, Reply, ScratchDir};
use std::collections::HashMap;
use std::path::PathBuf;

struct Prepared {
    name: String,
    case: GatewayCase,
    /// The request path (`/case-7` plus the path parameters).
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The integration of a case as an `x-amazon-apigateway-integration` of the function `Case-N`.
fn integration_for(raw: &Json, n: usize) -> Json {
    let mut integration = raw["integration"].clone();
    if let Some(m) = integration.as_object_mut() {
        m.insert("httpMethod".into(), json!("POST"));
        m.insert(
            "uri".into(),
            json!(format!(
                "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Case-{n}/invocations"
            )),
        );
    }
    integration
}

fn route_path(n: usize, params: &Map<String, Json>) -> (String, String) {
    let mut template = format!("/case-{n}");
    let mut concrete = template.clone();
    for (k, v) in params {
        template.push_str(&format!("/{{{k}}}"));
        concrete.push('/');
        concrete.push_str(&encode(v.as_str().unwrap_or_default()));
    }
    (template, concrete)
}

fn openapi(paths: Map<String, Json>) -> Json {
    json!({"openapi": "3.0.1", "info": {"title": "conformance", "version": "1"}, "paths": paths})
}

#[test]
fn serve_answers_as_the_gateway_module_does() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/gateway");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();

    let mut prepared = Vec::new();
    let mut paths = Map::new();
    let mut outcomes: HashMap<String, LambdaOutcome> = HashMap::new();
    let mut left_out = Vec::new();
    for file in files {
        let suite: Json = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for raw in suite["cases"].as_array().unwrap() {
            let name = raw["name"].as_str().unwrap_or("?").to_string();
            let text = raw.to_string();
            let n = prepared.len() + left_out.len();
            let Ok(case) = GatewayCase::from_json(raw) else {
                left_out.push(format!("{name}: not readable"));
                continue;
            };
            if text.contains("$context") || text.contains("\"context.") {
                left_out.push(format!("{name}: reads $context"));
                continue;
            }
            let Some(lambda) = case.lambda.clone() else {
                left_out.push(format!("{name}: no Lambda outcome"));
                continue;
            };
            let empty = Map::new();
            let params = raw["request"]["params"]["path"]
                .as_object()
                .unwrap_or(&empty);
            let (template, mut concrete) = route_path(n, params);
            let method = if case.request.body.is_some() {
                "post"
            } else {
                "get"
            };
            let mut item = Map::new();
            item.insert(
                method.into(),
                json!({"x-amazon-apigateway-integration": integration_for(raw, n)}),
            );
            // An OpenAPI file must hold it on its own (a selection pattern Java refuses does not).
            let alone = openapi(
                [(template.clone(), Json::Object(item.clone()))]
                    .into_iter()
                    .collect(),
            );
            if let Err(e) = ApiDefinition::from_json("case", alone) {
                left_out.push(format!("{name}: {e}"));
                continue;
            }
            paths.insert(template, Json::Object(item));
            outcomes.insert(format!("Case-{n}"), lambda);
            let mut sep = '?';
            for (k, v) in &case.request.querystring {
                concrete.push(sep);
                concrete.push_str(&format!("{}={}", encode(k), encode(v)));
                sep = '&';
            }
            prepared.push(Prepared {
                name,
                path: concrete,
                headers: case
                    .request
                    .header
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                body: case.request.body.clone().unwrap_or_default().into_bytes(),
                case,
            });
        }
    }
    assert!(
        prepared.len() >= 40,
        "only {} cases to compare; left out: {left_out:#?}",
        prepared.len()
    );

    let scratch = ScratchDir::new();
    let file = scratch.0.join("conformance.json");
    std::fs::write(&file, openapi(paths).to_string()).unwrap();
    let env = Env::start(
        &file,
        move |inv: &Invocation| match outcomes.get(&inv.function) {
            Some(LambdaOutcome::Result(v)) => Reply::Result(jackson_json(v)),
            Some(LambdaOutcome::Error(e)) => Reply::FunctionError(jackson_json(e)),
            None => Reply::ServiceError(404, "ResourceNotFoundException", "{}".into()),
        },
        |c| c.quiet = true,
    );

    let mut failures = Vec::new();
    for p in &prepared {
        let want = run_case(&p.case, None).unwrap().response;
        let headers: Vec<(&str, &str)> = p
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let method = if p.case.request.body.is_some() {
            "POST"
        } else {
            "GET"
        };
        let got = env.send(method, &p.path, &headers, &p.body);
        let mut diffs = Vec::new();
        if got.status != want.status {
            diffs.push(format!(
                "status {} (gateway module: {})",
                got.status, want.status
            ));
        }
        if got.body != want.body {
            diffs.push(format!(
                "body {:?} (gateway module: {:?})",
                got.text(),
                want.body_text()
            ));
        }
        for (name, value) in want.headers.joined() {
            if got.header(&name).as_deref() != Some(value.as_str()) {
                diffs.push(format!(
                    "header {name}: {:?} (gateway module: {value:?})",
                    got.header(&name)
                ));
            }
        }
        if !diffs.is_empty() {
            failures.push(format!("{}: {}", p.name, diffs.join("; ")));
        }
    }
    println!(
        "serve vs gateway module: {} cases compared, {} left out",
        prepared.len(),
        left_out.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}
