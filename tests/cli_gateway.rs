//! `apigw-vtl gateway`, and `apigw-vtl test` on route cases, run as a user
//! runs them.

mod cli_support;

use cli_support::*;

/// An integration whose templates need no JSON reading: the response
/// template copies `$input.body` and `$context`, sets overrides; a response
/// parameter maps a field of the error.
const INTEGRATION: &str = r##"{
  "type": "AWS",
  "requestTemplates": {"application/json": "{\"id\": \"$input.params('id')\"}"},
  "responses": [
    {"statusCode": "200"},
    {"statusCode": "400", "selectionPattern": "Bad Request: .*",
     "responseParameters": {"method.response.header.X-Error-Type": "integration.response.body.errorType",
                            "method.response.header.X-Kind": "'client'"},
     "responseTemplates": {"application/json": "#set($context.responseOverride.header.X-Request-Id = $context.requestId)\n{\"requestId\": \"$context.requestId\", \"error\": $input.body}\n"}},
    {"statusCode": "500", "selectionPattern": "Internal: .*",
     "responseTemplates": {"application/json": "#set($m = \"say \\\"hi\\\"\")\n$m\n"}}
  ]
}
"##;

fn integration_dir(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    write(&dir, "integration.json", INTEGRATION);
    write(
        &dir,
        "bad-request.json",
        r#"{"errorMessage": "Bad Request: no name", "errorType": "ValidationError"}"#,
    );
    write(
        &dir,
        "internal.json",
        r#"{"errorMessage": "Internal: down", "errorType": "Error"}"#,
    );
    write(&dir, "context.json", r#"{"requestId": "r-1"}"#);
    dir
}

#[test]
fn an_error_selects_its_response() {
    let dir = integration_dir("gw-error");
    let args = [
        "gateway",
        "--integration",
        "integration.json",
        "--lambda-error",
        "bad-request.json",
        "--context",
        "context.json",
    ];
    let r = run_in(&dir, &args, None);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            concat!(
                "HTTP/1.1 400 Bad Request\n",
                "X-Error-Type: ValidationError\n",
                "X-Kind: client\n",
                "X-Request-Id: r-1\n",
                "\n",
                "{\"requestId\": \"r-1\", \"error\": {\"errorMessage\":\"Bad Request: no name\",\"errorType\":\"ValidationError\"}}\n",
            ),
            ""
        )
    );
    let mut json = args.to_vec();
    json.push("--json");
    let r = run_in(&dir, &json, None);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "{\"status\":400,\"headers\":{\"X-Error-Type\":\"ValidationError\",\"X-Kind\":\"client\",\"X-Request-Id\":\"r-1\"},\"body\":\"{\\\"requestId\\\": \\\"r-1\\\", \\\"error\\\": {\\\"errorMessage\\\":\\\"Bad Request: no name\\\",\\\"errorType\\\":\\\"ValidationError\\\"}}\\n\"}\n",
            ""
        )
    );
    // -v says how the response came about.
    let mut verbose = args.to_vec();
    verbose.push("-v");
    let r = run_in(&dir, &verbose, None);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("gateway_verbose", r.stderr);
}

#[test]
fn a_success_takes_the_default_response() {
    let dir = integration_dir("gw-success");
    write(
        &dir,
        "pet.json",
        r#"{"id": 7, "name": "Rex", "weight": 1.0}"#,
    );
    let r = run_in(
        &dir,
        &[
            "gateway",
            "--integration",
            "integration.json",
            "--lambda-result",
            "pet.json",
        ],
        None,
    );
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "HTTP/1.1 200 OK\n\n{\"id\":7,\"name\":\"Rex\",\"weight\":1.0}",
            ""
        )
    );
}

#[test]
fn a_failing_template_is_a_500_and_exit_1() {
    let dir = integration_dir("gw-template-error");
    let r = run_in(
        &dir,
        &[
            "gateway",
            "--integration",
            "integration.json",
            "--lambda-error",
            "internal.json",
        ],
        None,
    );
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            1,
            "HTTP/1.1 500 Internal Server Error\n\n{\"message\": \"Internal server error\"}\n"
        )
    );
    insta::assert_snapshot!("gateway_template_error", r.stderr);
    let r = run_in(
        &dir,
        &[
            "gateway",
            "--integration",
            "integration.json",
            "--lambda-error",
            "internal.json",
            "--json",
        ],
        None,
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "{\"status\":500,\"headers\":{},\"body\":\"{\\\"message\\\": \\\"Internal server error\\\"}\",\"error\":{\"category\":\"parse\",\"kind\":\"parse\",\"message\":\"expected `)` closing `#set(`, found \\\"hi\\\"\",\"line\":1,\"column\":18}}\n"
    );
}

#[test]
fn routes_of_an_api_definition() {
    // A proxy route: `ANY /{proxy+}` takes any method and path.
    let r = run(&[
        "gateway",
        "--api",
        "examples/proxy-route/openapi.yaml",
        "--route",
        "POST /pets",
        "--lambda-result",
        "examples/proxy-route/lambda-result.json",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "HTTP/1.1 201 Created\nContent-Type: application/json\nLocation: /pets/8\n\n{\"id\":8,\"name\":\"Rex\"}",
            ""
        )
    );
    // A function error on a proxy route is a 502; the note says why.
    let r = run(&[
        "gateway",
        "--api",
        "examples/proxy-route/openapi.yaml",
        "--route",
        "ANY /{proxy+}",
        "--lambda-error",
        "examples/lambda-error-regex/lambda-error.json",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "HTTP/1.1 502 Bad Gateway\n\n{\"message\": \"Internal server error\"}\n",
            "note: Malformed Lambda proxy response: the function failed\n"
        )
    );
    // A CORS MOCK method needs no Lambda outcome.
    let r = run(&[
        "gateway",
        "--api",
        "tests/apis/petstore-openapi3.json",
        "--route",
        "OPTIONS /pets",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            concat!(
                "HTTP/1.1 200 OK\n",
                "Access-Control-Allow-Headers: Content-Type,X-Amz-Date,Authorization,X-Api-Key\n",
                "Access-Control-Allow-Methods: GET,POST,OPTIONS\n",
                "Access-Control-Allow-Origin: *\n",
                "\n"
            ),
            ""
        )
    );
}

#[test]
fn input_errors_exit_2() {
    let dir = integration_dir("gw-input-errors");
    write(&dir, "list.json", "[1, 2]");
    write(
        &dir,
        "bad-integration.yaml",
        "type: AWS\nresponses:\n  - statusCode: \"200\"\n  - {statusCode: \"abc\", selectionPattern: \"B: .*\"}\n",
    );
    let api = format!("{ROOT}/examples/lambda-error-regex/openapi.yaml");
    let runs: &[&[&str]] = &[
        &[
            "gateway",
            "--api",
            &api,
            "--route",
            "GET /owners/{id}",
            "--lambda-error",
            "bad-request.json",
        ],
        &[
            "gateway",
            "--api",
            &api,
            "--route",
            "pets",
            "--lambda-error",
            "bad-request.json",
        ],
        &["gateway", "--api", &api, "--route", "GET /pets/7"],
        &[
            "gateway",
            "--integration",
            "integration.json",
            "--lambda-error",
            "list.json",
        ],
        &[
            "gateway",
            "--integration",
            "bad-integration.yaml",
            "--lambda-error",
            "bad-request.json",
        ],
        &[
            "gateway",
            "--integration",
            "missing.json",
            "--lambda-error",
            "bad-request.json",
        ],
    ];
    let mut all = String::new();
    for args in runs {
        let r = run_in(&dir, args, None);
        assert_eq!((r.code, r.stdout.as_str()), (2, ""), "{args:?}");
        all.push_str(&r.stderr.replace(ROOT, "ROOT"));
        all.push_str("---\n");
    }
    insta::assert_snapshot!("gateway_input_errors", all);
}

#[test]
fn usage_errors_exit_2() {
    // Neither --api nor --integration.
    let r = run(&["gateway", "--lambda-result", "r.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--api"), "{}", r.stderr);
    // --api needs --route.
    let r = run(&["gateway", "--api", "a.yaml", "--lambda-result", "r.json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--route"), "{}", r.stderr);
    // Two outcomes.
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
    // --api and --integration.
    let r = run(&[
        "gateway",
        "--api",
        "a.yaml",
        "--route",
        "GET /",
        "--integration",
        "i.json",
    ]);
    assert_eq!(r.code, 2);
}

// ------------------------------------------------------------ test --api

const ROUTE_API: &str = "openapi: 3.0.1
info: {title: t, version: \"1\"}
paths:
  /pets/{id}:
    get:
      x-amazon-apigateway-integration:
        type: aws
        responses:
          default:
            statusCode: \"200\"
            responseTemplates:
              application/json: '{\"id\": \"$input.params(''id'')\", \"raw\": $input.body}'
          \"Bad Request: .*\":
            statusCode: \"400\"
            responseParameters:
              method.response.header.X-Kind: \"'client'\"
";

fn route_case(route: &str) -> String {
    format!(
        r#"{{"name": "get-pet", "route": "{route}", "lambda": {{"result": {{"name": "Rex"}}}},
          "request": {{"params": {{"path": {{"id": "7"}}}}}},
          "expect": {{"status": 200, "headers": {{}}, "body": "{{\"id\": \"7\", \"raw\": {{\"name\":\"Rex\"}}}}"}}}}"#
    )
}

#[test]
fn route_cases_run_against_the_api_given() {
    let dir = scratch("test-api");
    write(&dir, "api.yaml", ROUTE_API);
    write(
        &dir,
        "cases.json",
        &format!(r#"{{"cases": [{}]}}"#, route_case("GET /pets/{id}")),
    );
    // --api on the command line.
    let r = run_in(&dir, &["test", "--api", "api.yaml", "cases.json"], None);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "1 passed, 0 failed\n", "")
    );
    // Without it, the case cannot run.
    let r = run_in(&dir, &["test", "cases.json"], None);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (2, "1 invalid (see the errors above)\n0 passed, 0 failed\n")
    );
    insta::assert_snapshot!("test_route_without_api", r.stderr);
    // A route the definition does not have.
    write(
        &dir,
        "unknown.json",
        &format!(r#"{{"cases": [{}]}}"#, route_case("GET /owners/{id}")),
    );
    let r = run_in(&dir, &["test", "--api", "api.yaml", "unknown.json"], None);
    assert_eq!(r.code, 2);
    insta::assert_snapshot!("test_route_not_found", r.stderr);
}

#[test]
fn a_suite_names_its_api() {
    let dir = scratch("test-suite-api");
    std::fs::create_dir_all(dir.join("apis")).unwrap();
    write(&dir, "apis/api.yaml", ROUTE_API);
    std::fs::create_dir_all(dir.join("suites")).unwrap();
    write(
        &dir,
        "suites/cases.json",
        &format!(
            r#"{{"api": "../apis/api.yaml", "cases": [{}]}}"#,
            route_case("GET /pets/{id}")
        ),
    );
    // From another directory, and through a directory walk.
    let r = run_in(&dir, &["test", "-v", "suites"], None);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "ok   suites/cases.json :: get-pet\n1 passed, 0 failed\n",
            ""
        )
    );
    // A suite whose API cannot be read does not run.
    write(
        &dir,
        "suites/broken.json",
        &format!(
            r#"{{"api": "nope.yaml", "cases": [{}]}}"#,
            route_case("GET /pets/{id}")
        ),
    );
    let r = run_in(&dir, &["test", "suites/broken.json"], None);
    assert_eq!((r.code, r.stdout.as_str()), (2, "0 passed, 0 failed\n"));
    insta::assert_snapshot!("test_suite_api_unreadable", r.stderr);
}

#[test]
fn a_failing_gateway_case_explains_the_response() {
    let dir = integration_dir("test-gateway-failure");
    let integration = INTEGRATION.trim();
    write(
        &dir,
        "cases.json",
        &format!(
            r#"{{"cases": [
  {{"name": "internal", "integration": {integration},
    "lambda": {{"error": {{"errorMessage": "Internal: down"}}}},
    "expect": {{"status": 500, "headers": {{}}, "body": "say \"hi\"\n"}}}},
  {{"name": "bad-request", "integration": {integration},
    "lambda": {{"error": {{"errorMessage": "Bad Request: x", "errorType": "E"}}}},
    "request": {{"context": {{"requestId": "r-2"}}}},
    "expect": {{"status": 400, "headers": {{"x-kind": "client", "X-Error-Type": "E"}}, "body": ""}}}}
]}}"#
        ),
    );
    let r = run_in(&dir, &["test", "cases.json"], None);
    assert_eq!(r.code, 1);
    insta::assert_snapshot!("test_gateway_failures", r.stdout);
}

// ------------------------------------------------------------ with JSON

#[test]
fn the_lambda_error_example_end_to_end() {
    needs_json!();
    let r = run(&[
        "gateway",
        "--api",
        "examples/lambda-error-regex/openapi.yaml",
        "--route",
        "GET /pets/{id}",
        "--path",
        "id=7",
        "--lambda-error",
        "examples/lambda-error-regex/lambda-error.json",
        "--context",
        "examples/lambda-error-regex/context.json",
    ]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            concat!(
                "HTTP/1.1 400 Bad Request\n",
                "X-Error-Kind: client\n",
                "\n",
                "{\n",
                "  \"error\": \"BadRequest\",\n",
                "  \"message\": \"the pet name is missing\",\n",
                "  \"requestId\": \"c6af9ac6-7b61-11e6-9a41-93e8deadbeef\"\n",
                "}\n",
            ),
            ""
        )
    );
}

#[test]
fn the_real_definitions_route_cases_pass() {
    needs_json!();
    for (api, cases) in [
        (
            "tests/apis/petstore-openapi3.json",
            "tests/apis/petstore-openapi3.cases.json",
        ),
        (
            "tests/apis/sam-template.yaml",
            "tests/apis/sam-template.cases.json",
        ),
        (
            "tests/apis/cfn-template.yaml",
            "tests/apis/cfn-template.cases.json",
        ),
    ] {
        let r = run(&["test", "--api", api, cases]);
        assert_eq!(r.code, 0, "{cases}:\n{}{}", r.stdout, r.stderr);
    }
}
