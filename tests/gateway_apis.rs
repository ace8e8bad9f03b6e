//! Real API definitions (tests/apis/): loading, routes, routing, errors, and
//! gateway cases run against their routes (`tests/apis/NAME.cases.json`
//! against `tests/apis/NAME.{json,yaml}`).
//!
//! Expectations of the `AWS` / `AWS_PROXY` route cases come from the oracle
//! (`run-oracle.sh` on the suite with each route's integration inlined, as
//! `emit_oracle_suites` writes it); `MOCK` and 415 cases, which the oracle
//! does not model, carry a `source` naming the AWS documentation.

use apigw_vtl::gateway::{
    ApiDefinition, DefinitionFormat, GatewayCase, IntegrationType, PassthroughBehavior, RouteMiss,
    run_case,
};
use serde_json::Value;
use std::path::PathBuf;

fn apis_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/apis")
}

fn load(name: &str) -> ApiDefinition {
    ApiDefinition::load(apis_dir().join(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn keys(def: &ApiDefinition) -> Vec<String> {
    def.routes.iter().map(|r| r.key()).collect()
}

fn integration_type(def: &ApiDefinition, key: &str) -> Option<IntegrationType> {
    def.find_route(key)?
        .integration
        .as_ref()
        .map(|i| i.integration_type)
}

#[test]
fn openapi3_json() {
    let def = load("petstore-openapi3.json");
    assert_eq!(def.format, DefinitionFormat::OpenApi3);
    assert_eq!(
        keys(&def),
        [
            "GET /pets",
            "POST /pets",
            "OPTIONS /pets",
            "GET /pets/{petId}",
            "ANY /{proxy+}"
        ]
    );
    assert_eq!(
        integration_type(&def, "get /pets/{petId}/"),
        Some(IntegrationType::Aws)
    );
    assert_eq!(
        integration_type(&def, "OPTIONS /pets"),
        Some(IntegrationType::Mock)
    );
    assert_eq!(
        integration_type(&def, "ANY /{proxy+}"),
        Some(IntegrationType::AwsProxy)
    );
    let get_pet = def.find_route("GET /pets/{petId}").unwrap();
    assert_eq!(get_pet.operation_id.as_deref(), Some("GetPet"));
    assert_eq!(get_pet.location, "paths./pets/{petId}.get");
    let i = get_pet.integration.as_ref().unwrap();
    let patterns: Vec<Option<&str>> = i
        .responses
        .iter()
        .map(|r| r.selection_pattern.as_ref().map(|p| p.source()))
        .collect();
    assert_eq!(
        patterns,
        [
            None,
            Some("Bad Request: .*"),
            Some("Not Found: .*"),
            Some("(.|\\n)*\"httpStatus\":5(.|\\n)*")
        ]
    );
    let post = def
        .find_route("POST /pets")
        .unwrap()
        .integration
        .as_ref()
        .unwrap();
    assert_eq!(post.passthrough_behavior, PassthroughBehavior::Never);
    assert!(def.find_route("DELETE /pets").is_none());
    assert!(def.warnings.is_empty(), "{:?}", def.warnings);
}

#[test]
fn swagger2_yaml() {
    let def = load("petstore-swagger2.yaml");
    assert_eq!(def.format, DefinitionFormat::Swagger2);
    assert_eq!(
        keys(&def),
        [
            "GET /pets/{petId}",
            "PUT /pets/{petId}/photo",
            "GET /health",
            "ANY /health"
        ]
    );
    let get = def
        .find_route("GET /pets/{petId}")
        .unwrap()
        .integration
        .as_ref()
        .unwrap();
    // YAML integer status codes read as text; the default response first.
    assert_eq!(get.responses[0].status_code, "200");
    assert_eq!(get.responses[1].status_code, "404");
    assert_eq!(
        get.responses[0]
            .response_templates
            .keys()
            .collect::<Vec<_>>(),
        ["application/json", "application/xml"]
    );
    let put = def
        .find_route("PUT /pets/{petId}/photo")
        .unwrap()
        .integration
        .as_ref()
        .unwrap();
    assert_eq!(put.integration_type, IntegrationType::Http);
    assert_eq!(put.request_parameters.len(), 2);
    assert_eq!(def.find_route("GET /health").unwrap().integration, None);
    assert_eq!(
        integration_type(&def, "ANY /health"),
        Some(IntegrationType::HttpProxy)
    );
    assert_eq!(
        def.warnings,
        ["paths./health.get: no x-amazon-apigateway-integration"]
    );
}

#[test]
fn sam_template() {
    let def = load("sam-template.yaml");
    assert_eq!(def.format, DefinitionFormat::Sam);
    assert_eq!(
        keys(&def),
        [
            "GET /pets/{id}",
            "OPTIONS /pets/{id}",
            "ANY /{proxy+}",
            "GET /health"
        ]
    );
    let get = def.find_route("GET /pets/{id}").unwrap();
    assert_eq!(get.api.as_deref(), Some("PetApi"));
    let i = get.integration.as_ref().unwrap();
    // The DefinitionBody's integration wins over the function's Api event.
    assert_eq!(i.integration_type, IntegrationType::Aws);
    assert_eq!(
        i.uri,
        Some(
            serde_json::json!({"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${GetPetFunction.Arn}/invocations"})
        )
    );
    // !Sub request template: ${!x} unescaped, unknown variables kept and reported.
    let t = i.request_templates["application/json"].as_ref().unwrap();
    assert_eq!(
        t.source(),
        "{\"id\": \"$input.params('id')\", \"table\": \"${PetTable}\", \"stage\": \"${stageVariables.env}\"}\n"
    );
    assert_eq!(
        def.warnings,
        [
            "Resources.PetApi.Properties.DefinitionBody.paths./pets/{id}.get.x-amazon-apigateway-integration.requestTemplates.application/json: Fn::Sub variables left as written: PetTable"
        ]
    );
    let proxy = def.find_route("ANY /{proxy+}").unwrap();
    assert_eq!(proxy.api.as_deref(), Some("PetApi"));
    assert_eq!(
        proxy.location,
        "Resources.ProxyFunction.Properties.Events.Catchall"
    );
    assert_eq!(
        integration_type(&def, "ANY /{proxy+}"),
        Some(IntegrationType::AwsProxy)
    );
    let health = def.find_route("GET /health").unwrap();
    assert_eq!(health.api.as_deref(), Some("ServerlessRestApi"));
    assert_eq!(
        health.integration.as_ref().unwrap().uri,
        Some(serde_json::json!({"Fn::GetAtt": ["ProxyFunction", "Arn"]}))
    );
}

#[test]
fn cloudformation_template() {
    let def = load("cfn-template.yaml");
    assert_eq!(def.format, DefinitionFormat::CloudFormation);
    assert_eq!(
        keys(&def),
        ["GET /", "GET /pets/{petId}", "OPTIONS /pets", "ANY /pets"]
    );
    let get = def.find_route("GET /pets/{petId}").unwrap();
    assert_eq!(get.api.as_deref(), Some("Api"));
    let i = get.integration.as_ref().unwrap();
    assert_eq!(i.integration_type, IntegrationType::Aws);
    assert_eq!(i.passthrough_behavior, PassthroughBehavior::WhenNoTemplates);
    assert_eq!(i.http_method.as_deref(), Some("POST"));
    let statuses: Vec<&str> = i.responses.iter().map(|r| r.status_code.as_str()).collect();
    assert_eq!(statuses, ["200", "404", "500"]);
    assert_eq!(integration_type(&def, "GET /"), Some(IntegrationType::Mock));
    assert_eq!(
        integration_type(&def, "ANY /pets"),
        Some(IntegrationType::AwsProxy)
    );
}

#[test]
fn routing_concrete_requests() {
    let def = load("petstore-openapi3.json");
    type Params<'a> = &'a [(&'a str, &'a str)];
    let table: &[(&str, &str, &str, Params)] = &[
        ("GET", "/pets", "GET /pets", &[]),
        ("OPTIONS", "/pets/", "OPTIONS /pets", &[]),
        ("GET", "/pets/7", "GET /pets/{petId}", &[("petId", "7")]),
        (
            "GET",
            "/pets/7/toys",
            "ANY /{proxy+}",
            &[("proxy", "pets/7/toys")],
        ),
        (
            "PATCH",
            "/anything/else",
            "ANY /{proxy+}",
            &[("proxy", "anything/else")],
        ),
    ];
    for (method, path, want, params) in table {
        match def.route_request(method, path) {
            Ok(m) => {
                assert_eq!(m.route.key(), *want, "{method} {path}");
                let got: Vec<(&str, &str)> = m
                    .path_parameters
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                assert_eq!(got, params.to_vec(), "{method} {path}");
            }
            Err(e) => panic!("{method} {path}: {e:?}"),
        }
    }
    // `/` has no method and `{proxy+}` needs at least one path part.
    assert_eq!(
        def.route_request("GET", "/").err(),
        Some(RouteMiss::NoResource)
    );
    // The most specific resource lacks the method: no fallback to `{proxy+}`.
    assert_eq!(
        def.route_request("DELETE", "/pets/7").err(),
        Some(RouteMiss::NoMethod {
            allowed: vec!["GET".into()]
        })
    );
    let cfn = load("cfn-template.yaml");
    assert_eq!(
        cfn.route_request("GET", "/").map(|m| m.route.key()),
        Ok("GET /".to_string())
    );
    assert_eq!(
        cfn.route_request("PUT", "/pets/7").err(),
        Some(RouteMiss::NoMethod {
            allowed: vec!["GET".into()]
        })
    );
}

#[test]
fn malformed_definitions_name_file_location_and_field() {
    // (document, location, part of the message)
    let table: &[(&str, &str, &str)] = &[
        (
            r#"{"openapi": "3.0.1", "paths": {"/pets/{id}": {"get": {"x-amazon-apigateway-integration": {"type": "aws", "responses": {"default": {"statusCode": "abc"}}}}}}}"#,
            "paths./pets/{id}.get.x-amazon-apigateway-integration.responses.default.statusCode",
            "not an HTTP status code",
        ),
        (
            r#"{"openapi": "3.0.1", "paths": {"/pets/{id}": {"get": {"x-amazon-apigateway-integration": {"type": "aws", "responses": []}}}}}"#,
            "paths./pets/{id}.get.x-amazon-apigateway-integration.responses",
            "",
        ),
        (
            r#"{"openapi": "3.0.1", "paths": {"/pets/{id}": {"get": {"x-amazon-apigateway-integration": {"type": "aws", "responses": 5}}}}}"#,
            "paths./pets/{id}.get.x-amazon-apigateway-integration.responses",
            "expected an object, found a number",
        ),
        (
            r#"{"openapi": "3.0.1", "paths": {"/pets": {"post": {"x-amazon-apigateway-integration": {"type": "lambda"}}}}}"#,
            "paths./pets.post.x-amazon-apigateway-integration.type",
            "unknown integration type \"lambda\"",
        ),
        (
            r#"{"swagger": "2.0", "paths": {"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws", "responses": {"Bad(": {"statusCode": "400"}}}}}}}"#,
            "paths./a.get.x-amazon-apigateway-integration.responses.Bad(",
            "invalid selection pattern",
        ),
        (
            r#"{"openapi": "2.0", "paths": {}}"#,
            "openapi",
            "unsupported OpenAPI version",
        ),
        (
            r#"{"paths": {}}"#,
            "",
            "not an OpenAPI 3, Swagger 2, SAM or CloudFormation document",
        ),
        (
            r#"{"openapi": "3.0.0", "paths": {"pets": {}}}"#,
            "paths.pets",
            "must start with `/`",
        ),
    ];
    for (doc, location, message) in table {
        if message.is_empty() {
            // An empty responses list is valid (API Gateway then answers 500).
            assert!(ApiDefinition::parse("api.json", doc).is_ok(), "{doc}");
            continue;
        }
        let e = ApiDefinition::parse("api.json", doc).unwrap_err();
        assert_eq!(e.file, "api.json");
        assert_eq!(e.location, *location, "{doc}");
        assert!(e.message.contains(message), "{doc}: {}", e.message);
        assert!(
            e.to_string().starts_with(&format!("api.json: {location}")),
            "{e}"
        );
    }

    let yaml_table: &[(&str, &str, &str)] = &[
        (
            "Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: GET\n      ResourceId: !Ref Nowhere\n",
            "Resources.M.Properties.ResourceId",
            "no resource \"Nowhere\"",
        ),
        (
            "Resources:\n  R:\n    Type: AWS::ApiGateway::Resource\n    Properties:\n      ParentId: !Ref R\n      PathPart: x\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: GET\n      ResourceId: !Ref R\n",
            "Resources.R.Properties.ParentId",
            "cycle",
        ),
        (
            "Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: FETCH\n      ResourceId: !GetAtt Api.RootResourceId\n",
            "Resources.M.Properties.HttpMethod",
            "unknown method",
        ),
        (
            "Resources:\n  M:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: GET\n      ResourceId: !GetAtt Api.RootResourceId\n      Integration:\n        Type: AWS\n        IntegrationResponses:\n          - SelectionPattern: x\n",
            "Resources.M.Properties.Integration.IntegrationResponses[0].StatusCode",
            "missing",
        ),
        (
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E:\n          Type: Api\n          Properties:\n            Method: get\n",
            "Resources.F.Properties.Events.E.Properties.Path",
            "missing",
        ),
        ("a: [1, 2\nb: 3", "", "invalid YAML"),
    ];
    for (doc, location, message) in yaml_table {
        let e = ApiDefinition::parse("template.yaml", doc).unwrap_err();
        assert_eq!(e.file, "template.yaml");
        assert_eq!(e.location, *location, "{doc}");
        assert!(e.message.contains(message), "{doc}: {}", e.message);
    }

    let missing = ApiDefinition::load(apis_dir().join("no-such-file.yaml")).unwrap_err();
    assert!(missing.file.ends_with("no-such-file.yaml"));
    assert!(missing.message.starts_with("cannot read"));
}

/// (cases file, API definition) pairs.
const ROUTE_SUITES: &[(&str, &str)] = &[
    ("petstore-openapi3.cases.json", "petstore-openapi3.json"),
    ("sam-template.cases.json", "sam-template.yaml"),
    ("cfn-template.cases.json", "cfn-template.yaml"),
];

#[test]
fn route_cases_against_real_definitions() {
    let engine = apigw_vtl::Template::parse("x").is_ok();
    let (mut passed, mut pending) = (0, 0);
    let mut failures = Vec::new();
    for (cases_file, api_file) in ROUTE_SUITES {
        let api = load(api_file);
        let text = std::fs::read_to_string(apis_dir().join(cases_file)).unwrap();
        let suite: Value = serde_json::from_str(&text).unwrap();
        for raw in suite["cases"].as_array().unwrap() {
            let case = GatewayCase::from_json(raw).unwrap_or_else(|e| panic!("{cases_file}: {e}"));
            let exec = run_case(&case, Some(&api)).unwrap_or_else(|e| panic!("{}: {e}", case.name));
            let expect = case.expect.as_ref().expect("every case has `expect`");
            assert!(
                expect.status.is_some() && expect.headers.is_some() && expect.body.is_some(),
                "{}: `expect` must give status, headers and body",
                case.name
            );
            let diffs = expect.differences(&exec.response);
            if diffs.is_empty() {
                passed += 1;
            } else if !engine && exec.trace.rendered_template {
                pending += 1;
            } else {
                failures.push(format!("{}: {}", case.name, diffs.join("; ")));
            }
        }
    }
    eprintln!(
        "route cases: {passed} passed, {} failed, {pending} pending the template engine",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Writes each route suite with the route's integration inlined, for the
/// oracle: `cargo test --test gateway_apis -- --ignored emit_oracle_suites`,
/// then `run-oracle.sh --out DIR target/gateway-oracle/*.json`.
#[test]
#[ignore]
fn emit_oracle_suites() {
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/gateway-oracle");
    std::fs::create_dir_all(&out_dir).unwrap();
    for (cases_file, api_file) in ROUTE_SUITES {
        let api = load(api_file);
        let text = std::fs::read_to_string(apis_dir().join(cases_file)).unwrap();
        let mut suite: Value = serde_json::from_str(&text).unwrap();
        let mut kept = Vec::new();
        for raw in suite["cases"].as_array().unwrap() {
            let route = api.find_route(raw["route"].as_str().unwrap()).unwrap();
            let integration = route.integration.as_ref().unwrap();
            if !matches!(
                integration.integration_type,
                IntegrationType::Aws | IntegrationType::AwsProxy
            ) {
                continue;
            }
            let mut c = raw.clone();
            c["integration"] = integration.to_json();
            kept.push(c);
        }
        suite["cases"] = Value::Array(kept);
        std::fs::write(
            out_dir.join(cases_file),
            serde_json::to_string_pretty(&suite).unwrap(),
        )
        .unwrap();
    }
}
