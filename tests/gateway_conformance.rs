//! Runs every gateway case of `tests/conformance/gateway/*.json` and
//! reports each failure.
//!
//! Until the template engine is in place (`Template::parse` fails on any
//! text), cases whose response path renders a template are counted as
//! pending rather than failed; every other case must pass.

use apigw_vtl::gateway::{GatewayCase, run_case};
use serde_json::Value;
use std::path::PathBuf;

/// Cases known to fail, with the reason (listed in README.md as well).
const KNOWN_FAILURES: &[(&str, &str)] = &[];

fn suites() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/gateway");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn gateway_conformance_cases() {
    let engine = apigw_vtl::Template::parse("x").is_ok();
    let (mut passed, mut pending, mut known) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for file in suites() {
        let text = std::fs::read_to_string(&file).unwrap();
        let suite: Value = serde_json::from_str(&text).unwrap();
        let cases = suite["cases"].as_array().expect("a suite has `cases`");
        for raw in cases {
            let name = raw["name"].as_str().unwrap_or("?").to_string();
            let case = match GatewayCase::from_json(raw) {
                Ok(c) => c,
                Err(e) => {
                    failures.push(format!("{name}: cannot read the case: {e}"));
                    continue;
                }
            };
            let exec = match run_case(&case, None) {
                Ok(x) => x,
                Err(e) => {
                    failures.push(format!("{name}: cannot run: {e}"));
                    continue;
                }
            };
            let diffs = case
                .expect
                .as_ref()
                .map(|e| e.differences(&exec.response))
                .unwrap_or_else(|| vec!["no `expect`".to_string()]);
            if diffs.is_empty() {
                passed += 1;
            } else if !engine && exec.trace.rendered_template {
                pending += 1;
            } else if KNOWN_FAILURES.iter().any(|(n, _)| *n == name) {
                known += 1;
            } else {
                failures.push(format!("{name}:\n    {}", diffs.join("\n    ")));
            }
        }
    }
    eprintln!(
        "gateway cases: {passed} passed, {} failed, {known} known failures, {pending} pending the template engine",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} gateway case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(passed + pending + known > 0, "no gateway cases found");
}
