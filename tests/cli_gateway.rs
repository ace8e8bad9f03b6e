//! `apigw-vtl gateway`: the plumbing is there; the response path waits for
//! the gateway module.

mod cli_support;

use cli_support::*;

#[test]
fn not_available_yet() {
    let r = run(&[
        "gateway",
        "--api",
        "examples/lambda-error-regex/openapi.yaml",
        "--route",
        "GET /pets/{id}",
        "--lambda-error",
        "examples/lambda-error-regex/lambda-error.json",
        "--path",
        "id=7",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    insta::assert_snapshot!("gateway_not_available", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    // Neither --lambda-result nor --lambda-error.
    let r = run(&["gateway", "--api", "a.yaml", "--route", "GET /"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--lambda-result"), "{}", r.stderr);
    let r = run(&[
        "gateway",
        "--api",
        "a.yaml",
        "--route",
        "GET /",
        "--lambda-result",
        "r.json",
        "--lambda-error",
        "e.json",
    ]);
    assert_eq!(r.code, 2);
}
