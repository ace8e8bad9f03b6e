//! `apigw-vtl render`, run as a user runs it.

mod cli_support;

use cli_support::*;

fn oversize() -> String {
    "a".repeat(300 * 1024 + 1)
}

#[test]
fn a_failing_template_exits_1_with_a_diagnostic() {
    let dir = scratch("render-fails");
    write(&dir, "big.vtl", &oversize());
    let r = run_in(&dir, &["render", "big.vtl"], None);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(
        r.stderr,
        "error: limit: template is 307201 bytes; the limit is 307200 bytes (API Gateway's maximum is 300 KB)\n --> big.vtl\n"
    );
    let r = run_in(&dir, &["render", "big.vtl", "--json"], None);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "{\"error\":{\"category\":\"eval\",\"kind\":\"limit\",\"message\":\"template is 307201 bytes; the limit is 307200 bytes (API Gateway's maximum is 300 KB)\",\"line\":null,\"column\":null}}\n"
    );
}

#[test]
fn unreadable_inputs_exit_2() {
    let dir = scratch("render-unreadable");
    write(&dir, "t.vtl", "$input.body");
    write(
        &dir,
        "bad-context.json",
        "{\"stage\": \"dev\",\n \"requestId\": r-1}\n",
    );
    write(&dir, "array-context.json", "[1, 2]\n");
    let cases: &[(&str, &[&str])] = &[
        ("missing_template", &["render", "missing.vtl"]),
        (
            "missing_body",
            &["render", "t.vtl", "--body", "missing.json"],
        ),
        (
            "bad_context",
            &["render", "t.vtl", "--context", "bad-context.json"],
        ),
        (
            "array_context",
            &["render", "t.vtl", "--context", "array-context.json"],
        ),
        ("stdin_twice", &["render", "-", "--body", "-"]),
    ];
    for (name, args) in cases {
        let r = run_in(&dir, args, Some(""));
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{name}: {r:?}");
        insta::assert_snapshot!(format!("render_{name}"), r.stderr);
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = scratch("render-usage");
    write(&dir, "t.vtl", "x");
    let r = run_in(&dir, &["render"], None);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("<TEMPLATE_FILE|--eval <TEMPLATE>>"),
        "{}",
        r.stderr
    );
    let r = run_in(&dir, &["render", "t.vtl", "-e", "x"], None);
    assert_eq!(r.code, 2);
    let r = run_in(&dir, &["render", "t.vtl", "--path", "id"], None);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("expected NAME=VALUE, found `id`"),
        "{}",
        r.stderr
    );
    let r = run_in(&dir, &["render", "t.vtl", "--header", "Accept"], None);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("expected NAME=VALUE or 'NAME: VALUE'"),
        "{}",
        r.stderr
    );
    let r = run_in(
        &dir,
        &["render", "t.vtl", "--body", "b", "--body-text", "c"],
        None,
    );
    assert_eq!(r.code, 2);
}

// ------------------------------------------------------------ with the engine (and, where marked, JSON)
// Expected outputs from the oracle (shared/oracle/run-oracle.sh).

#[test]
fn the_body_goes_to_stdout_byte_for_byte_and_overrides_to_stderr() {
    needs_json!();
    let r = run(&[
        "render",
        "examples/parse-json-error-status/error-response.vtl",
        "--body",
        "examples/parse-json-error-status/lambda-error.json",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        r.stdout,
        "{\n  \"type\": \"NotFound\",\n  \"message\": \"There is no pet 7 \\\"Rex\\\"\"\n}\n"
    );
    assert_eq!(
        r.stderr,
        "responseOverride: status=404 header.X-Error-Type=\"NotFound\"\n"
    );
}

#[test]
fn the_lambda_error_example_renders() {
    needs_json!();
    let r = run(&[
        "render",
        "examples/lambda-error-regex/error-400.vtl",
        "--body",
        "examples/lambda-error-regex/lambda-error.json",
        "--context",
        "examples/lambda-error-regex/context.json",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{r:?}");
    assert_eq!(
        r.stdout,
        "{\n  \"error\": \"BadRequest\",\n  \"message\": \"the pet name is missing\",\n  \"requestId\": \"c6af9ac6-7b61-11e6-9a41-93e8deadbeef\"\n}\n"
    );
}

#[test]
fn inline_templates_parameters_and_stdin() {
    needs_json!();
    let dir = scratch("render-inline");
    let r = run_in(
        &dir,
        &[
            "render",
            "-e",
            "$input.params('id') $input.params('q') $input.params('Accept') $stageVariables.env $input.path('$.a')",
            "--path",
            "id=7",
            "--query",
            "q=x=y",
            "--header",
            "Accept: application/json",
            "--stage-var",
            "env=dev",
            "--body",
            "-",
        ],
        Some("{\"a\": [1, 2]}"),
    );
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{r:?}");
    assert_eq!(r.stdout, "7 x=y application/json dev [1,2]");
}

#[test]
fn json_output() {
    needs_engine!();
    let r = run(&[
        "render",
        "-e",
        "#set($context.responseOverride.status = 400)#set($context.responseOverride.header.X-Kind = 'client')#set($context.requestOverride.path.id = '8')$input.body",
        "--body-text",
        "hi",
        "--json",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{r:?}");
    assert_eq!(
        r.stdout,
        "{\"body\":\"hi\",\"status\":400,\"headers\":{\"X-Kind\":\"client\"},\"requestOverride\":{\"path\":{\"id\":\"8\"},\"header\":{},\"querystring\":{}}}\n"
    );
}

#[test]
fn a_parse_error_is_drawn_as_rustc_does() {
    needs_engine!();
    let dir = scratch("render-parse-error");
    write(&dir, "t.vtl", "#set($a = 1)\n#if($a == 1)\n  one\n");
    let r = run_in(&dir, &["render", "t.vtl"], None);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(r.stderr.starts_with("error: parse: "), "{}", r.stderr);
    assert!(r.stderr.contains(" --> t.vtl:"), "{}", r.stderr);
    insta::assert_snapshot!("render_parse_error", r.stderr);
}
