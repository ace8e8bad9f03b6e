//! One method end to end through `gateway::execute`, for each integration
//! type, without mapping templates (those are covered by the conformance
//! and route cases once the engine renders them).

use apigw_vtl::gateway::{
    BackendOutcome, BackendResponse, ContentHandling, Headers, HttpResponse, Integration,
    IntegrationResponse, IntegrationType, LambdaOutcome, MethodRequest, PassthroughBehavior,
    execute,
};
use serde_json::{Value, json};

fn request() -> MethodRequest {
    let mut r = MethodRequest {
        http_method: "POST".into(),
        resource: "/pets/{id}".into(),
        path: "/pets/7".into(),
        context: json!({"requestId": "r-1", "stage": "dev"}),
        ..MethodRequest::default()
    };
    r.path_parameters.insert("id".into(), "7".into());
    r.querystring
        .insert("tag".into(), vec!["a".into(), "b".into()]);
    r.headers.append("Content-Type", "application/json");
    r.body = Some(r#"{"name": "Rex"}"#.into());
    r
}

#[test]
fn lambda_proxy_gets_the_v1_event() {
    let integration = Integration::new(IntegrationType::AwsProxy);
    let mut sent = None;
    let x = execute(&integration, &request(), |ir| {
        sent = Some(ir.body_text().into_owned());
        BackendOutcome::Lambda(LambdaOutcome::Result(
            json!({"statusCode": 201, "headers": {"Location": "/pets/7"}, "body": "{}"}),
        ))
    });
    assert_eq!(x.response.status, 201);
    assert_eq!(x.response.headers.get("location"), Some("/pets/7"));
    let event: Value = serde_json::from_str(&sent.unwrap()).unwrap();
    assert_eq!(
        event,
        json!({
            "resource": "/pets/{id}", "path": "/pets/7", "httpMethod": "POST",
            "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"Content-Type": ["application/json"]},
            "queryStringParameters": {"tag": "b"},
            "multiValueQueryStringParameters": {"tag": ["a", "b"]},
            "pathParameters": {"id": "7"},
            "stageVariables": null,
            "requestContext": {"requestId": "r-1", "stage": "dev", "resourcePath": "/pets/{id}", "httpMethod": "POST"},
            "body": "{\"name\": \"Rex\"}",
            "isBase64Encoded": false
        })
    );
    assert!(!x.trace.rendered_template);
}

#[test]
fn lambda_proxy_function_error_is_502() {
    let integration = Integration::new(IntegrationType::AwsProxy);
    let x = execute(&integration, &request(), |_| {
        BackendOutcome::Lambda(LambdaOutcome::error("boom", "Error"))
    });
    assert_eq!(x.response, HttpResponse::bad_gateway());
    assert_eq!(
        x.trace.notes,
        ["Malformed Lambda proxy response: the function failed"]
    );
}

#[test]
fn lambda_custom_integration_passthrough_request_and_error_selection() {
    let integration = Integration::new(IntegrationType::Aws)
        .with_response(IntegrationResponse::new("200"))
        .with_response(
            IntegrationResponse::new("400")
                .with_pattern("Bad Request: .*")
                .with_parameter("method.response.header.X-Id", "context.requestId"),
        );
    let mut payload = None;
    let x = execute(&integration, &request(), |ir| {
        payload = Some(ir.body_text().into_owned());
        BackendOutcome::Lambda(LambdaOutcome::error("Bad Request: no name", "Error"))
    });
    // No request template: the body passes through (WHEN_NO_MATCH).
    assert_eq!(payload.as_deref(), Some(r#"{"name": "Rex"}"#));
    assert_eq!(x.response.status, 400);
    assert_eq!(x.response.headers.get("X-Id"), Some("r-1"));
    assert_eq!(
        x.response.body_text(),
        r#"{"errorMessage":"Bad Request: no name","errorType":"Error"}"#
    );
    assert_eq!(x.trace.selected_response, Some(1));
    assert_eq!(
        x.trace.selection_value.as_deref(),
        Some("Bad Request: no name")
    );
}

#[test]
fn never_passthrough_refuses_without_calling_the_backend() {
    let integration = Integration::new(IntegrationType::Aws)
        .with_passthrough(PassthroughBehavior::Never)
        .with_response(IntegrationResponse::new("200"));
    let x = execute(&integration, &request(), |_| {
        panic!("the backend must not be called")
    });
    assert_eq!(x.response, HttpResponse::unsupported_media_type());
    assert_eq!(
        x.response.body_text(),
        r#"{"message": "Unsupported Media Type"}"#
    );
}

#[test]
fn http_integration_selects_by_status_and_maps_headers() {
    let integration = Integration::new(IntegrationType::Http)
        .with_response(IntegrationResponse::new("200"))
        .with_response(
            IntegrationResponse::new("404")
                .with_pattern("4\\d{2}")
                .with_parameter(
                    "method.response.header.X-Up",
                    "integration.response.header.X-Upstream",
                )
                .with_parameter(
                    "method.response.header.X-All",
                    "integration.response.multivalueheader.X-Upstream",
                ),
        );
    let headers: Headers = [("X-Upstream", "u1"), ("x-upstream", "u2")]
        .into_iter()
        .collect();
    let x = execute(&integration, &request(), |_| {
        BackendOutcome::Http(BackendResponse {
            status: 410,
            headers,
            body: "gone".into(),
        })
    });
    assert_eq!(x.response.status, 404);
    assert_eq!(x.response.headers.get("X-Up"), Some("u2"));
    assert_eq!(x.response.headers.get("X-All"), Some("u1,u2"));
    assert_eq!(x.response.body_text(), "gone");
}

#[test]
fn http_proxy_passes_everything_through() {
    let integration = Integration::new(IntegrationType::HttpProxy);
    let mut seen = None;
    let x = execute(&integration, &request(), |ir| {
        seen = Some((
            ir.http_method.clone(),
            ir.querystring.clone(),
            ir.body_text().into_owned(),
        ));
        let mut headers = Headers::new();
        headers.append("Set-Cookie", "a=1");
        headers.append("Set-Cookie", "b=2");
        BackendOutcome::Http(BackendResponse {
            status: 418,
            headers,
            body: "teapot".into(),
        })
    });
    let (method, query, body) = seen.unwrap();
    assert_eq!(method.as_deref(), Some("POST"));
    assert_eq!(query["tag"], ["a", "b"]);
    assert_eq!(body, r#"{"name": "Rex"}"#);
    assert_eq!(x.response.status, 418);
    assert_eq!(
        x.response
            .headers
            .get_all("set-cookie")
            .map(<[String]>::len),
        Some(2)
    );
}

#[test]
fn mock_without_request_template() {
    let integration = Integration::new(IntegrationType::Mock)
        .with_response(
            IntegrationResponse::new("200")
                .with_parameter("method.response.header.Access-Control-Allow-Origin", "'*'"),
        )
        .with_response(IntegrationResponse::new("500").with_pattern("5\\d{2}"));
    // The passed-through body carries the status code...
    let mut r = request();
    r.body = Some(r#"{"statusCode": 503}"#.into());
    let x = execute(&integration, &r, |_| panic!("MOCK has no backend"));
    assert_eq!(
        (x.response.status, x.response.body_text().as_ref()),
        (500, "")
    );
    // ...or none: the default response (AWS: "return the default integration
    // response without defining the integration request mapping template").
    r.body = None;
    let x = execute(&integration, &r, |_| panic!("MOCK has no backend"));
    assert_eq!(x.response.status, 200);
    assert_eq!(
        x.response.headers.get("Access-Control-Allow-Origin"),
        Some("*")
    );
    assert_eq!(x.response.body_text(), "");
}

#[test]
fn convert_to_binary_on_the_request() {
    let mut integration =
        Integration::new(IntegrationType::Aws).with_response(IntegrationResponse::new("200"));
    integration.content_handling = Some(ContentHandling::ConvertToBinary);
    let mut r = request();
    r.body = Some("aGk=".into());
    let mut payload = None;
    let x = execute(&integration, &r, |ir| {
        payload = Some(ir.body.clone());
        BackendOutcome::Lambda(LambdaOutcome::Result(json!(null)))
    });
    assert_eq!(payload.as_deref(), Some(&b"hi"[..]));
    assert_eq!(x.response.status, 200);
    r.body = Some("not base64!".into());
    let x = execute(&integration, &r, |_| panic!("not called"));
    assert_eq!(x.response, HttpResponse::internal_server_error());
}

#[test]
fn backend_of_the_wrong_kind_is_500() {
    let integration =
        Integration::new(IntegrationType::Aws).with_response(IntegrationResponse::new("200"));
    let x = execute(&integration, &request(), |_| {
        BackendOutcome::Http(BackendResponse {
            status: 200,
            ..BackendResponse::default()
        })
    });
    assert_eq!(x.response, HttpResponse::internal_server_error());
}
