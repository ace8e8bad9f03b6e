//! One HTTP request through the API: body limit, routing, the method
//! request, the integration (Lambda, HTTP backend or MOCK), the response,
//! and the log line.

use super::Shared;
use super::backend::{self, BackendFailure, HttpAnswer, Invoked};
use super::context::{self, RequestFacts, UtcTime};
use super::request::{self as req, title_case};
use super::target::{self, LambdaFunction};
use crate::gateway::{
    HttpResponse, Integration, IntegrationOutput, IntegrationRequest, IntegrationType,
    LambdaOutcome, MethodRequest, RouteMiss, Trace, execute, jackson_json, map_request,
    proxy_event, proxy_response, respond,
};
use base64::Engine as _;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Request, Response, StatusCode};
use serde_json::Value as Json;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// API Gateway's answer to a request that matches no route (and to a method
/// a resource does not have).
pub const MISSING_AUTHENTICATION_TOKEN_BODY: &str = r#"{"message":"Missing Authentication Token"}"#;
/// The answer to an integration that did not answer in time (504).
pub const ENDPOINT_TIMED_OUT_BODY: &str = r#"{"message": "Endpoint request timed out"}"#;
/// The answer to a payload over the limit (413).
pub const REQUEST_TOO_LONG_BODY: &str = r#"{"message":"Request Too Long"}"#;

/// Longest body shown by `--verbose`.
const VERBOSE_BODY_CHARS: usize = 64 * 1024;
/// Longest selection value quoted in a log line.
const LOG_VALUE_CHARS: usize = 120;

/// What one request did, for its log line.
struct Record {
    started: Instant,
    time: SystemTime,
    request_id: String,
    method: String,
    target: String,
    route: Option<String>,
    integration: Option<String>,
    steps: Vec<String>,
    notes: Vec<String>,
    verbose: Vec<(&'static str, String)>,
}

impl Record {
    fn note(&mut self, s: impl Into<String>) {
        self.notes.push(s.into());
    }

    fn show(&mut self, verbose: bool, label: &'static str, body: &[u8]) {
        if verbose {
            let text = String::from_utf8_lossy(body);
            let mut shown: String = text.chars().take(VERBOSE_BODY_CHARS).collect();
            if shown.len() < text.len() {
                shown.push_str(" [TRUNCATED]");
            }
            self.verbose.push((label, shown));
        }
    }

    /// The log entry: one line, then notes and `--verbose` lines indented.
    fn render(&self, status: u16) -> String {
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let mut line = format!(
            "{} {} {}",
            UtcTime::from_system(self.time).clock(),
            self.method,
            self.target
        );
        match &self.route {
            Some(r) => {
                let _ = write!(line, " -> {r}");
            }
            None => line.push_str(" -> no route"),
        }
        if let Some(i) = &self.integration {
            let _ = write!(line, " ({i})");
        }
        for s in &self.steps {
            let _ = write!(line, ": {s}");
        }
        let _ = write!(line, " -> {status} in {ms:.1} ms [{}]", self.request_id);
        for n in &self.notes {
            let _ = write!(line, "\n    {n}");
        }
        for (label, body) in &self.verbose {
            let _ = write!(line, "\n    {label}: {body}");
        }
        line
    }
}

fn quote(s: &str) -> String {
    let short: String = s.chars().take(LOG_VALUE_CHARS).collect();
    if short.len() < s.len() {
        format!("{:?}...", short)
    } else {
        format!("{short:?}")
    }
}

/// A gateway-made response (no integration involved) with a JSON body.
fn gateway_response(status: u16, body: &str) -> HttpResponse {
    let mut r = HttpResponse::new(status, body);
    r.headers.set("Content-Type", "application/json");
    r
}

/// The identifiers of a request besides its `requestId`.
struct Ids<'a> {
    extended: &'a str,
    trace: &'a str,
}

/// Serves one request.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
    peer: SocketAddr,
    local: SocketAddr,
) -> Response<Full<Bytes>> {
    let time = SystemTime::now();
    let mut rec = Record {
        started: Instant::now(),
        time,
        request_id: context::uuid_v4(),
        method: request.method().as_str().to_string(),
        target: request
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_string(), |p| p.as_str().to_string()),
        route: None,
        integration: None,
        steps: Vec::new(),
        notes: Vec::new(),
        verbose: Vec::new(),
    };
    let extended_id = context::extended_request_id();
    let trace_id = context::trace_id(context::epoch_millis(time) / 1000);
    let ids = Ids {
        extended: &extended_id,
        trace: &trace_id,
    };
    let (response, lambda) = serve(&shared, request, peer, local, &mut rec, &ids).await;
    finish(
        &shared,
        rec,
        response,
        &extended_id,
        lambda.then_some(&*trace_id),
    )
}

/// The response, and whether a Lambda function was involved (for the trace header).
async fn serve(
    shared: &Shared,
    request: Request<Incoming>,
    peer: SocketAddr,
    local: SocketAddr,
    rec: &mut Record,
    ids: &Ids<'_>,
) -> (HttpResponse, bool) {
    let config = &shared.config;
    let max = config.max_body_bytes;
    let declared = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        rec.note(format!(
            "the payload ({} bytes) is over the {max}-byte limit",
            declared.unwrap_or(0)
        ));
        return (gateway_response(413, REQUEST_TOO_LONG_BODY), false);
    }
    let (parts, body) = request.into_parts();
    let bytes = match Limited::new(body, max).collect().await {
        Ok(c) => c.to_bytes(),
        Err(e) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                rec.note(format!("the payload is over the {max}-byte limit"));
                return (gateway_response(413, REQUEST_TOO_LONG_BODY), false);
            }
            rec.note(format!("cannot read the request body: {e}"));
            return (gateway_response(400, r#"{"message":"Bad Request"}"#), false);
        }
    };

    let api = shared.current_api();
    let path = parts.uri.path();
    let m = match api.def.route_request(parts.method.as_str(), path) {
        Ok(m) => m,
        Err(miss) => {
            if let RouteMiss::NoMethod { allowed } = miss {
                rec.note(format!(
                    "the resource has no {} method (it has {})",
                    parts.method,
                    allowed.join(", ")
                ));
            }
            let mut r = gateway_response(403, MISSING_AUTHENTICATION_TOKEN_BODY);
            r.headers
                .set("x-amzn-ErrorType", "MissingAuthenticationTokenException");
            return (r, false);
        }
    };
    let route = m.route;
    rec.route = Some(route.key());

    // The method request.
    let mut headers = crate::gateway::Headers::new();
    for (name, value) in &parts.headers {
        headers.append(
            &title_case(name.as_str()),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        );
    }
    let source_ip = peer.ip().to_canonical();
    req::add_forwarding_headers(
        &mut headers,
        &source_ip.to_string(),
        local.port(),
        ids.trace,
    );
    let binary = req::is_binary_type(headers.get("Content-Type"), &config.binary_media_types);
    let (body, base64_body) = req::method_body(&bytes, binary);
    let user_agent = headers.get("User-Agent").map(str::to_string);
    let host = headers.get("Host").map(str::to_string);
    let facts = RequestFacts {
        request_id: &rec.request_id,
        extended_request_id: ids.extended,
        time: rec.time,
        http_method: parts.method.as_str(),
        resource_path: &route.path_template,
        path,
        stage: &config.stage,
        api_id: &api.api_id,
        domain_name: host.as_deref(),
        source_ip,
        user_agent: user_agent.as_deref(),
        protocol: "HTTP/1.1",
    };
    let method_request = MethodRequest {
        http_method: parts.method.as_str().to_string(),
        resource: route.path_template.clone(),
        path: path.to_string(),
        path_parameters: m.path_parameters.clone(),
        querystring: req::parse_query(parts.uri.query().unwrap_or("")),
        headers,
        body,
        context: context::context_json(&facts),
        stage_variables: config.stage_variables.clone(),
    };
    rec.show(
        config.verbose,
        "Method request body before transformations",
        method_request.body.as_deref().unwrap_or("").as_bytes(),
    );

    let Some(integration) = &route.integration else {
        rec.note(format!(
            "{} ({}) has no integration",
            route.key(),
            route.location
        ));
        return (HttpResponse::internal_server_error(), false);
    };
    run_integration(shared, integration, &method_request, base64_body, rec).await
}

/// An HTTP integration's `uri` as text (intrinsics and stage variables resolved).
fn http_uri(shared: &Shared, integration: &Integration) -> String {
    integration
        .uri
        .as_ref()
        .and_then(|u| target::flatten(u, 0))
        .map(|u| target::with_stage_variables(&u, &shared.config.stage_variables))
        .unwrap_or_default()
}

/// The function an integration invokes, renamed by `--function`.
fn function_of(shared: &Shared, integration: &Integration) -> Result<LambdaFunction, String> {
    let mut f = target::lambda_function(integration.uri.as_ref(), &shared.config.stage_variables)?;
    if let Some(local) = shared.config.functions.get(&f.name) {
        f.name = local.clone();
    }
    Ok(f)
}

/// The response for a backend that did not answer.
fn failure_response(f: &BackendFailure, rec: &mut Record) -> HttpResponse {
    rec.note(f.to_string());
    match f {
        BackendFailure::Timeout(_) => gateway_response(504, ENDPOINT_TIMED_OUT_BODY),
        BackendFailure::Unreachable(_) | BackendFailure::Invalid(_) => HttpResponse::bad_gateway(),
    }
}

/// Describes the integration response chosen, from the trace.
fn describe_selection(integration: &Integration, trace: &Trace, rec: &mut Record) {
    if let Some(i) = trace.selected_response
        && let Some(r) = integration.responses.get(i)
    {
        let how = match &r.selection_pattern {
            Some(p) => format!("selectionPattern {}", quote(p.source())),
            None => "default".to_string(),
        };
        rec.steps
            .push(format!("integration response {} ({how})", r.status_code));
    }
    if let Some(t) = &trace.response_template {
        rec.steps.push(format!("template {t}"));
    }
}

async fn invoke_lambda(
    shared: &Shared,
    function: &LambdaFunction,
    payload: Vec<u8>,
    rec: &mut Record,
) -> Result<Invoked, BackendFailure> {
    let verbose = shared.config.verbose;
    if verbose {
        rec.verbose.push((
            "Endpoint request URI",
            shared.endpoint.invocation_url(function),
        ));
    }
    rec.show(
        verbose,
        "Endpoint request body after transformations",
        &payload,
    );
    let invoked = backend::invoke(
        &shared.client,
        &shared.endpoint,
        function,
        payload,
        shared.config.lambda_timeout,
    )
    .await?;
    if let Some(kind) = &invoked.function_error
        && verbose
    {
        rec.verbose.push((
            "Endpoint response headers",
            format!("{{X-Amz-Function-Error={kind}}}"),
        ));
    }
    rec.show(
        verbose,
        "Endpoint response body before transformations",
        &invoked.payload,
    );
    if let Some(n) = &invoked.note {
        rec.note(n.clone());
    }
    Ok(invoked)
}

fn lambda_step(outcome: &LambdaOutcome) -> String {
    if outcome.is_error() {
        format!("Lambda error {}", quote(&outcome.selection_value()))
    } else {
        "Lambda result".to_string()
    }
}

/// The integration's response, and whether a Lambda function was invoked.
async fn run_integration(
    shared: &Shared,
    integration: &Integration,
    request: &MethodRequest,
    base64_body: bool,
    rec: &mut Record,
) -> (HttpResponse, bool) {
    let mut trace = Trace::default();
    let ty = integration.integration_type;
    let response = match ty {
        IntegrationType::Mock => {
            rec.integration = Some("MOCK".to_string());
            // A MOCK integration never calls its backend.
            let e = execute(integration, request, |_| {
                crate::gateway::BackendOutcome::Lambda(LambdaOutcome::Result(Json::Null))
            });
            trace = e.trace;
            if let Some(ir) = &trace.integration_request {
                rec.show(
                    shared.config.verbose,
                    "Endpoint request body after transformations",
                    &ir.body,
                );
            }
            describe_selection(integration, &trace, rec);
            e.response
        }
        IntegrationType::AwsProxy | IntegrationType::Aws => {
            let function = match function_of(shared, integration) {
                Ok(f) => f,
                Err(e) => {
                    rec.integration = Some(ty.name().to_string());
                    rec.note(e);
                    return (HttpResponse::internal_server_error(), false);
                }
            };
            rec.integration = Some(format!("{} {}", ty.name(), function.name));
            if ty == IntegrationType::AwsProxy {
                let mut event = proxy_event(request);
                if base64_body && let Some(m) = event.as_object_mut() {
                    m.insert("isBase64Encoded".into(), Json::Bool(true));
                }
                let payload = jackson_json(&event).into_bytes();
                match invoke_lambda(shared, &function, payload, rec).await {
                    Ok(invoked) => {
                        rec.steps.push(lambda_step(&invoked.outcome));
                        match proxy_response(&invoked.outcome) {
                            Ok(r) => decode_proxy_body(
                                &invoked.outcome,
                                r,
                                request,
                                &shared.config.binary_media_types,
                                rec,
                            ),
                            Err(e) => {
                                rec.note(format!(
                                    "Execution failed due to configuration error: {e}"
                                ));
                                HttpResponse::bad_gateway()
                            }
                        }
                    }
                    Err(f) => failure_response(&f, rec),
                }
            } else {
                let (ir, carried) = match map_request(integration, request, &mut trace) {
                    Ok(x) => x,
                    Err(refused) => {
                        rec.notes.append(&mut trace.notes);
                        return (refused, false);
                    }
                };
                match invoke_lambda(shared, &function, ir.body, rec).await {
                    Ok(invoked) => {
                        rec.steps.push(lambda_step(&invoked.outcome));
                        let output = IntegrationOutput::lambda(&invoked.outcome);
                        let r = respond(
                            &integration.responses,
                            &output,
                            request,
                            carried.as_ref(),
                            &mut trace,
                        );
                        describe_selection(integration, &trace, rec);
                        r
                    }
                    Err(f) => failure_response(&f, rec),
                }
            }
        }
        IntegrationType::Http => {
            let uri = http_uri(shared, integration);
            rec.integration = Some(format!("HTTP {uri}"));
            match map_request(integration, request, &mut trace) {
                Ok((ir, carried)) => {
                    http_integration(
                        shared,
                        integration,
                        request,
                        &uri,
                        ir,
                        carried.as_ref(),
                        rec,
                        &mut trace,
                    )
                    .await
                }
                Err(refused) => refused,
            }
        }
        IntegrationType::HttpProxy => {
            let uri = http_uri(shared, integration);
            rec.integration = Some(format!("HTTP_PROXY {uri}"));
            let ir = IntegrationRequest {
                http_method: integration.http_method.clone(),
                uri: integration.uri.clone(),
                path: request.path_parameters.clone(),
                querystring: request.querystring.clone(),
                headers: request.headers.clone(),
                body: request.body.clone().unwrap_or_default().into_bytes(),
            };
            match call_http(shared, request, &uri, &ir, rec).await {
                Ok(a) => {
                    rec.steps.push(format!("backend status {}", a.status));
                    HttpResponse {
                        status: a.status,
                        headers: a.headers,
                        body: a.body.to_vec(),
                    }
                }
                Err(f) => failure_response(&f, rec),
            }
        }
    };
    rec.notes.append(&mut trace.notes);
    let lambda = matches!(ty, IntegrationType::Aws | IntegrationType::AwsProxy);
    (response, lambda)
}

/// An `HTTP` (non-proxy) integration after its request mapping.
#[allow(clippy::too_many_arguments)]
async fn http_integration(
    shared: &Shared,
    integration: &Integration,
    request: &MethodRequest,
    uri: &str,
    ir: IntegrationRequest,
    carried: Option<&crate::gateway::ResponseOverride>,
    rec: &mut Record,
    trace: &mut Trace,
) -> HttpResponse {
    let mut ir = ir;
    if ir.headers.get("Content-Type").is_none() && !ir.body.is_empty() {
        ir.headers.set("Content-Type", "application/json");
    }
    match call_http(shared, request, uri, &ir, rec).await {
        Ok(a) => {
            rec.steps.push(format!("backend status {}", a.status));
            let answer = crate::gateway::BackendResponse {
                status: a.status,
                headers: a.headers,
                body: String::from_utf8_lossy(&a.body).into_owned(),
            };
            let output = IntegrationOutput::http(&answer);
            let r = respond(&integration.responses, &output, request, carried, trace);
            describe_selection(integration, trace, rec);
            r
        }
        Err(f) => failure_response(&f, rec),
    }
}

async fn call_http(
    shared: &Shared,
    request: &MethodRequest,
    uri: &str,
    ir: &IntegrationRequest,
    rec: &mut Record,
) -> Result<HttpAnswer, BackendFailure> {
    let url = backend::http_url(uri, &ir.path, &ir.querystring).map_err(BackendFailure::Invalid)?;
    let method = match ir.http_method.as_deref() {
        None | Some("ANY") => request.http_method.as_str(),
        Some(m) => m,
    };
    let verbose = shared.config.verbose;
    if verbose {
        rec.verbose
            .push(("Endpoint request URI", format!("{method} {url}")));
    }
    rec.show(
        verbose,
        "Endpoint request body after transformations",
        &ir.body,
    );
    let answer = backend::http_call(
        &shared.client,
        method,
        &url,
        &ir.headers,
        ir.body.clone(),
        shared.config.lambda_timeout,
    )
    .await?;
    rec.show(
        verbose,
        "Endpoint response body before transformations",
        &answer.body,
    );
    Ok(answer)
}

/// A proxy result with `isBase64Encoded: true` carries its body in base64.
/// As API Gateway does, the client gets the bytes when one of the media
/// types its `Accept` header lists is a binary media type, and the base64
/// text otherwise.
fn decode_proxy_body(
    outcome: &LambdaOutcome,
    mut r: HttpResponse,
    request: &MethodRequest,
    binary_types: &[String],
    rec: &mut Record,
) -> HttpResponse {
    let flagged = matches!(outcome, LambdaOutcome::Result(Json::Object(m))
        if m.get("isBase64Encoded") == Some(&Json::Bool(true)));
    let accepted = request.headers.get_all("Accept").is_some_and(|values| {
        values
            .iter()
            .flat_map(|v| v.split(','))
            .any(|t| req::is_binary_type(Some(t), binary_types))
    });
    if flagged && accepted {
        match base64::engine::general_purpose::STANDARD.decode(&r.body) {
            Ok(bytes) => r.body = bytes,
            Err(e) => rec.note(format!(
                "isBase64Encoded is true but the body is not base64 ({e}); sent as is"
            )),
        }
    }
    r
}

/// Adds what API Gateway adds to every response, logs, and converts.
fn finish(
    shared: &Shared,
    mut rec: Record,
    mut response: HttpResponse,
    extended_id: &str,
    trace_id: Option<&str>,
) -> Response<Full<Bytes>> {
    let config = &shared.config;
    if response.headers.get("Content-Type").is_none()
        && !rec
            .integration
            .as_deref()
            .is_some_and(|i| i.starts_with("HTTP_PROXY"))
    {
        response.headers.set("Content-Type", "application/json");
    }
    response
        .headers
        .set("x-amzn-RequestId", rec.request_id.clone());
    response.headers.set("x-amz-apigw-id", extended_id);
    if let Some(t) = trace_id {
        response
            .headers
            .set("X-Amzn-Trace-Id", format!("{t};Sampled=0"));
    }
    if (100..200).contains(&response.status) {
        rec.note(format!(
            "status {} cannot be a final HTTP/1.1 response; sent as 500",
            response.status
        ));
        response = HttpResponse::internal_server_error();
        response.headers.set("Content-Type", "application/json");
        response
            .headers
            .set("x-amzn-RequestId", rec.request_id.clone());
    }
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder().status(status);
    let mut shown = Vec::new();
    if let Some(h) = builder.headers_mut() {
        for (name, values) in response.headers.iter() {
            let Ok(hn) = HeaderName::from_bytes(name.as_bytes()) else {
                rec.note(format!(
                    "header name {name:?} is not valid in HTTP; dropped"
                ));
                continue;
            };
            if backend::is_hop_by_hop(name) {
                continue;
            }
            if values.is_empty() {
                // A header without values (an empty `multiValueHeaders` array).
                h.append(hn.clone(), HeaderValue::from_static(""));
            }
            for v in values {
                match HeaderValue::from_str(v) {
                    Ok(hv) => {
                        h.append(hn.clone(), hv);
                        if config.verbose {
                            shown.push(format!("{name}={v}"));
                        }
                    }
                    Err(_) => rec.note(format!(
                        "header {name}: value {v:?} is not valid in HTTP; dropped"
                    )),
                }
            }
        }
    }
    rec.show(
        config.verbose,
        "Method response body after transformations",
        &response.body,
    );
    if config.verbose {
        rec.verbose.push((
            "Method response headers",
            format!("{{{}}}", shown.join(", ")),
        ));
    }
    if !config.quiet {
        (shared.log)(&rec.render(status.as_u16()));
    }
    builder
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| {
            let mut r = Response::new(Full::new(Bytes::from_static(
                crate::gateway::INTERNAL_SERVER_ERROR_BODY.as_bytes(),
            )));
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r
        })
}
