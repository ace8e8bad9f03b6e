//! The conformance corpus (`tests/conformance/`, copied from the shared
//! oracle-checked cases) run through the same runner as `apigw-vtl test`.
//!
//! Every case (template cases of `template/`, gateway cases of `gateway/`)
//! must pass unless it is listed in `tests/conformance/known-failures.txt`,
//! and every listed case must still fail: the list only shrinks. On failure
//! the test prints the offending cases as lines ready for that file.

use apigw_vtl::runner::{Outcome, Suite, run_case};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");

/// `SUITE-FILE :: CASE-NAME` -> reason.
fn known_failures() -> BTreeMap<String, String> {
    let path = Path::new(ROOT).join("known-failures.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut known = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(3, " :: ").collect();
        let [file, case, reason] = parts[..] else {
            panic!(
                "known-failures.txt:{}: expected `SUITE-FILE :: CASE-NAME :: REASON`",
                i + 1
            );
        };
        assert!(
            !reason.trim().is_empty(),
            "known-failures.txt:{}: give a reason",
            i + 1
        );
        let key = format!("{file} :: {case}");
        assert!(
            known.insert(key.clone(), reason.to_owned()).is_none(),
            "known-failures.txt:{}: `{key}` is listed twice",
            i + 1
        );
    }
    known
}

fn suites(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .unwrap_or_else(|e| panic!("cannot read tests/conformance/{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no suites in tests/conformance/{dir}");
    files
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs every case under `tests/conformance/{dir}` against the known failures.
fn check(dir: &str) {
    let known = known_failures();
    let (mut passed, mut failed, mut known_failed) = (0, 0, 0);
    let mut seen = Vec::new();
    let mut unlisted = Vec::new();
    let mut now_passing = Vec::new();
    let mut cannot_run = Vec::new();
    for path in suites(dir) {
        let file = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&path).unwrap();
        let suite = Suite::from_json(&text)
            .unwrap_or_else(|e| panic!("{file}: not a suite: {}", e.message));
        for entry in &suite.cases {
            let case = entry.as_ref().unwrap_or_else(|e| {
                panic!(
                    "{file}: invalid case {} at {}: {}",
                    e.case, e.path, e.message
                )
            });
            let key = format!("{file} :: {}", case.name);
            seen.push(key.clone());
            match run_case(case) {
                Outcome::Passed(_) => {
                    passed += 1;
                    if known.contains_key(&key) {
                        now_passing.push(key);
                    }
                }
                Outcome::Failed(actual, mismatches) => {
                    failed += 1;
                    if known.contains_key(&key) {
                        known_failed += 1;
                    } else {
                        let reason: Vec<String> =
                            mismatches.iter().map(|m| m.summary(&actual)).collect();
                        unlisted.push(format!("{key} :: {}", one_line(&reason.join("; "))));
                    }
                }
                Outcome::CannotRun(e) => cannot_run.push(format!("{key}: {e}")),
            }
        }
    }
    println!("{dir}: {passed} passed, {failed} failed ({known_failed} known)");
    let stale: Vec<&String> = known
        .keys()
        .filter(|k| k.starts_with(&format!("{dir}/")) && !seen.contains(k))
        .collect();
    let mut problems = String::new();
    if !cannot_run.is_empty() {
        problems.push_str(&format!(
            "\n{} case(s) cannot run:\n{}\n",
            cannot_run.len(),
            cannot_run.join("\n")
        ));
    }
    if !unlisted.is_empty() {
        problems.push_str(&format!(
            "\n{} case(s) fail that known-failures.txt does not list (fix them, or add these lines with a real reason):\n{}\n",
            unlisted.len(),
            unlisted.join("\n")
        ));
    }
    if !now_passing.is_empty() {
        problems.push_str(&format!(
            "\n{} listed case(s) now pass: remove them from known-failures.txt:\n{}\n",
            now_passing.len(),
            now_passing.join("\n")
        ));
    }
    if !stale.is_empty() {
        problems.push_str(&format!(
            "\nknown-failures.txt lists case(s) that do not exist:\n{}\n",
            stale
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    assert!(problems.is_empty(), "{problems}");
}

#[test]
fn template_cases() {
    check("template");
}

/// The 58 gateway cases: the whole response path, from the Lambda outcome
/// to the HTTP response.
#[test]
fn gateway_cases() {
    check("gateway");
}

#[test]
fn every_gateway_case_is_a_gateway_case() {
    let mut n = 0;
    for path in suites("gateway") {
        let text = std::fs::read_to_string(&path).unwrap();
        let suite = Suite::from_json(&text).unwrap();
        for case in suite.cases.iter().flatten() {
            assert!(case.kind.is_gateway(), "{}", case.name);
            n += 1;
        }
    }
    assert_eq!(n, 58);
}
