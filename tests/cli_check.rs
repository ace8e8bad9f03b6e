//! `apigw-vtl check`, run as a user runs it.

mod cli_support;

use cli_support::*;

#[test]
fn api_definitions_wait_for_the_gateway_module() {
    let dir = scratch("check-api");
    write(&dir, "openapi.yaml", "openapi: 3.0.1\n");
    let r = run_in(&dir, &["check", "openapi.yaml"], None);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    insta::assert_snapshot!("check_api_definition", r.stderr);
}

#[test]
fn every_failing_template_is_reported() {
    let dir = scratch("check-limit");
    write(&dir, "big.vtl", &"a".repeat(300 * 1024 + 1));
    write(&dir, "big.vm", &"b".repeat(400 * 1024));
    let r = run_in(&dir, &["check", "big.vtl", "big.vm", "missing.vtl"], None);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    insta::assert_snapshot!("check_limits_and_missing", r.stderr);
    let r = run_in(&dir, &["check", "big.vtl"], None);
    assert_eq!(r.code, 1);
}

#[test]
fn usage_errors_exit_2() {
    let r = run(&["check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("<FILE>..."), "{}", r.stderr);
}

// ------------------------------------------------------------ with the engine

#[test]
fn good_templates_pass() {
    needs_engine!();
    let r = run(&[
        "check",
        "examples/lambda-error-regex/error-400.vtl",
        "examples/parse-json-error-status/error-response.vtl",
        "examples/method-request-passthrough/passthrough.vtl",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "", "3 templates checked, no errors\n")
    );
}

#[test]
fn parse_errors_are_drawn_as_rustc_does() {
    needs_engine!();
    let dir = scratch("check-parse-errors");
    write(&dir, "ok.vtl", "$input.body");
    write(&dir, "unclosed.vtl", "#set($a = 1)\n#if($a == 1)\n  one\n");
    write(&dir, "quote.vtl", "#set($s = \"say \\\"hi\\\"\")\n$s\n");
    let r = run_in(&dir, &["check", "ok.vtl", "unclosed.vtl"], None);
    assert_eq!(r.code, 1);
    let r2 = run_in(
        &dir,
        &["check", "-"],
        Some("#set($s = \"say \\\"hi\\\"\")\n"),
    );
    assert_eq!(r2.code, 1);
    insta::assert_snapshot!(
        "check_parse_errors",
        format!("{}\n---\n{}", r.stderr, r2.stderr)
    );
}
