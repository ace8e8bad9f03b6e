//! `apigw-vtl check`, run as a user runs it.

mod cli_support;

use cli_support::*;

/// An OpenAPI file with a good request template, a response template with
/// `\"` in a string, an unclosed `#if`, and a misspelt `$util` method.
const API: &str = r##"openapi: 3.0.1
info: {title: pets, version: "1"}
paths:
  /pets/{id}:
    get:
      x-amazon-apigateway-integration:
        type: aws
        requestTemplates:
          application/json: |
            {"id": "$input.params('id')", "q": "$util.escapeJavascript($input.params('q'))"}
        responses:
          default:
            statusCode: "200"
          "Bad Request: .*":
            statusCode: "400"
            responseTemplates:
              application/json: |
                #set($m = "say \"hi\"")
                $m
          "Not Found: .*":
            statusCode: "404"
            responseTemplates:
              application/json: "#if($x)\nfoo"
"##;

#[test]
fn every_template_of_an_api_definition_is_checked() {
    let dir = scratch("check-api");
    write(&dir, "openapi.yaml", API);
    let r = run_in(&dir, &["check", "openapi.yaml"], None);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    insta::assert_snapshot!("check_api_definition", r.stderr);
}

#[test]
fn the_real_definitions_check_clean() {
    let r = run(&[
        "check",
        "tests/apis/petstore-openapi3.json",
        "tests/apis/petstore-swagger2.yaml",
        "tests/apis/sam-template.yaml",
        "tests/apis/cfn-template.yaml",
        "examples/lambda-error-regex/openapi.yaml",
        "examples/proxy-route/openapi.yaml",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    insta::assert_snapshot!("check_real_definitions", r.stderr);
}

#[test]
fn invalid_definitions_exit_2_with_the_place() {
    let dir = scratch("check-api-invalid");
    write(
        &dir,
        "bad.json",
        "{\n  \"openapi\": \"3.0.1\",\n  \"paths\": {\"/a\": {\"get\": {\"x-amazon-apigateway-integration\": {\n    \"type\": \"aws\",\n    \"responses\": {\"(unclosed\": {\"statusCode\": \"400\"}}\n  }}}}\n}\n",
    );
    write(&dir, "suite.json", "{\"cases\": []}");
    let r = run_in(&dir, &["check", "bad.json", "suite.json"], None);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    insta::assert_snapshot!("check_invalid_definitions", r.stderr);
}

#[test]
fn unknown_util_methods_are_warnings() {
    let dir = scratch("check-util");
    write(
        &dir,
        "t.vtl",
        "$util.parseJSON($input.body).a\n$util.toJson($x)\n",
    );
    let r = run_in(&dir, &["check", "t.vtl"], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    insta::assert_snapshot!("check_util_warnings", r.stderr);
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
