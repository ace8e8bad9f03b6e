//! The examples under `examples/`: each suite passes with `apigw-vtl test`,
//! and every template in them checks clean.
//!
//! Expectations come from the oracle (`/work/shared/oracle/run-oracle.sh`):
//! template cases and gateway cases with an inline `integration` directly;
//! route cases (a `route` of the suite's `api` definition), which the oracle
//! does not read, through their route's integration inlined by
//! `emit_oracle_suites`:
//!
//! ```text
//! cargo test --test cli_examples -- --ignored emit_oracle_suites
//! run-oracle.sh --out target/examples-oracle/filled target/examples-oracle/*.json
//! ```

mod cli_support;

use apigw_vtl::gateway::ApiDefinition;
use cli_support::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Every JSON suite under `examples/`, sorted.
fn suites() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let root = Path::new(ROOT).join("examples");
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&f).unwrap();
                let v: Value = serde_json::from_str(&text).unwrap();
                if v.get("cases").is_some() {
                    out.push(f);
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_four_scenarios_have_suites() {
    let names: Vec<String> = suites()
        .iter()
        .map(|p| {
            p.strip_prefix(Path::new(ROOT).join("examples"))
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "lambda-error-regex/cases.json",
            "lambda-error-regex/route-cases.json",
            "method-request-passthrough/cases.json",
            "parse-json-error-status/cases.json",
            "proxy-route/cases.json",
        ]
    );
}

#[test]
fn the_examples_check_clean() {
    let r = run(&[
        "check",
        "examples/lambda-error-regex/error-400.vtl",
        "examples/lambda-error-regex/openapi.yaml",
        "examples/method-request-passthrough/passthrough.vtl",
        "examples/parse-json-error-status/error-response.vtl",
        "examples/proxy-route/openapi.yaml",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "", "6 templates checked, no errors\n")
    );
}

/// The route and proxy suites need no JSON reading: they pass now.
#[test]
fn the_route_suites_pass() {
    let r = run(&["test", "examples/proxy-route"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "5 passed, 0 failed\n", "")
    );
}

#[test]
fn every_example_suite_passes() {
    needs_json!();
    let r = run(&["test", "examples"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "21 passed, 0 failed\n", "")
    );
}

/// Writes each example suite that has route cases with the routes'
/// integrations inlined, for the oracle (see the module's documentation).
#[test]
#[ignore]
fn emit_oracle_suites() {
    let out_dir = Path::new(ROOT).join("target/examples-oracle");
    std::fs::create_dir_all(&out_dir).unwrap();
    for path in suites() {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut suite: Value = serde_json::from_str(&text).unwrap();
        let Some(api) = suite.get("api").and_then(Value::as_str) else {
            continue;
        };
        let def =
            ApiDefinition::load(path.parent().unwrap().join(api)).unwrap_or_else(|e| panic!("{e}"));
        for case in suite["cases"].as_array_mut().unwrap() {
            let Some(route) = case.get("route").and_then(Value::as_str) else {
                continue;
            };
            let integration = def
                .find_route(route)
                .and_then(|r| r.integration.as_ref())
                .unwrap_or_else(|| panic!("{}: no route {route}", path.display()));
            case["integration"] = integration.to_json();
        }
        let dir = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        let file = path.file_name().unwrap().to_string_lossy();
        let out = out_dir.join(format!("{dir}--{file}"));
        std::fs::write(&out, serde_json::to_string_pretty(&suite).unwrap()).unwrap();
        eprintln!("wrote {}", out.display());
    }
}
