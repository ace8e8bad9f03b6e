//! Our own oracle-checked suites (`tests/suites/*.json`): AWS documentation
//! examples (the grocery store, photos, news article, invoice and employee
//! templates of the developer guide, the console's passthrough template) and
//! templates of the kinds people deploy (DynamoDB, Kinesis, SQS, Step
//! Functions integrations, form parsing, error mapping), each over JSON and
//! form-encoded bodies (`realworld.json`, `realworld2.json`), and corner cases
//! found by differential testing (`escapes.json`; `gateway-diff.json`: gateway
//! cases from `tools/difftest/gateway.py`; `jsonpath-diff.json`: paths from
//! `tools/difftest/jsonpath.py`), Java methods beyond the generator's lists
//! (`java-methods.json`), calls that find only a method without parameters
//! (`arity.json`), `$context`/override/`$stageVariables`/`$input.params`
//! corners (`context-corners.json`), directive semantics (`#foreach` scopes,
//! macros, `#define`, `#evaluate`, interpolation, operators:
//! `directives-corners.json`) and `$util` over awkward input
//! (`util-corners.json`), null and mistyped method arguments and big or
//! fractional body numbers (`null-args-numbers.json`), `String.format`
//! (`format.json`), and arrays (`toCharArray`, `getBytes`, `toArray`) and
//! iterators (`arrays-iterators.json`), collections that contain themselves
//! (`self-reference.json`). Expectations were filled by the
//! reference oracle (`../shared/oracle/run-oracle.sh --out`).

use apigw_vtl::runner::{Outcome, Suite, run_case};

#[test]
fn our_suites_pass() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/suites");
    let mut total = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let suite =
            Suite::from_json(&text).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
        for case in &suite.cases {
            let case = case.as_ref().unwrap_or_else(|e| {
                panic!("{}: invalid case {}: {}", path.display(), e.case, e.message)
            });
            total += 1;
            if let Outcome::Failed(actual, mismatches) = run_case(case) {
                failures.push(format!(
                    "{} :: {}: {mismatches:?} (actual {actual:?})",
                    path.display(),
                    case.name
                ));
            }
        }
    }
    assert!(total >= 250, "only {total} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
