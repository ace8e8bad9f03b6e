//! `apigw-vtl gateway`: the HTTP response a client gets from one method.

use super::api;
use super::args::GatewayArgs;
use super::diag;
use super::explain;
use super::input::{self, InputError};
use super::term::Term;
use super::yaml;
use apigw_vtl::gateway::{
    ApiDefinition, BackendOutcome, BackendResponse, CaseRequest, HttpResponse, Integration,
    IntegrationType, LambdaOutcome, Trace, execute, parse_route_key,
};
use apigw_vtl::runner::doc::{self, Node, NodeValue};
use serde_json::{Map, Value, json};
use std::path::Path;

pub fn run(term: &mut Term, args: &GatewayArgs) -> u8 {
    match gateway(term, args) {
        Ok(code) => code,
        Err(InputError(d)) => {
            let painted = diag::paint(term.err_style, &d);
            term.err(&painted);
            2
        }
    }
}

/// The integration to run, where it came from, and the request's method and resource.
struct Method {
    integration: Integration,
    /// `(method, resource)` for the method request, when known.
    route: Option<(String, String)>,
    /// Path parameters the route binds (`GET /pets/7` on `/pets/{id}`).
    path_parameters: Vec<(String, String)>,
    /// The name a template's location is shown under: the definition file,
    /// or the integration file with the prefix of its locations.
    name: String,
    prefix: &'static str,
}

fn gateway(term: &mut Term, args: &GatewayArgs) -> Result<u8, InputError> {
    let stdin_uses = [
        args.api.as_deref(),
        args.integration.as_deref(),
        args.lambda_result.as_deref(),
        args.lambda_error.as_deref(),
        args.http_response.as_deref(),
        args.body.as_deref(),
        args.request.context.as_deref(),
    ]
    .iter()
    .filter(|p| p.is_some_and(|p| p.as_os_str() == "-"))
    .count();
    if stdin_uses > 1 {
        return Err(InputError(diag::plain(
            "standard input (-) can be read only once",
            &[],
            Some("give the other inputs as files"),
        )));
    }
    let method = match (&args.api, &args.integration) {
        (Some(path), _) => {
            let loaded = api::load(path)?;
            let w = api::warnings(&loaded);
            if !w.is_empty() && args.verbose {
                term.err(&diag::paint(term.err_style, &w));
            }
            let route = args.route.as_deref().unwrap_or("");
            route_method(&loaded.definition, route)?
        }
        (None, Some(path)) => {
            let route = match &args.route {
                None => None,
                Some(r) => Some(parse_route_key(r).ok_or_else(|| bad_route(r))?),
            };
            Method {
                integration: read_integration(path)?,
                route,
                path_parameters: vec![],
                name: input::display(path),
                prefix: "",
            }
        }
        (None, None) => {
            return Err(InputError(diag::plain(
                "give the method to run: --api FILE --route ROUTE, or --integration FILE",
                &[],
                None,
            )));
        }
    };
    let outcome = backend(args, method.integration.integration_type)?;
    let body = match (&args.body, &args.body_text) {
        (Some(path), _) => Some(input::read_text(path)?),
        (None, Some(text)) => Some(text.clone()),
        (None, None) => None,
    };
    let inv = input::invocation(String::new(), &args.request)?;
    let mut path = inv.path;
    for (k, v) in &method.path_parameters {
        path.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let request = CaseRequest {
        path,
        querystring: inv.querystring,
        header: inv.header,
        context: inv.context,
        stage_variables: inv.stage_variables,
        body,
    }
    .method_request(method.route.as_ref().map(|(m, r)| (m.as_str(), r.as_str())));
    let execution = execute(&method.integration, &request, |_| outcome);
    let response = &execution.response;
    let trace = &execution.trace;

    if args.json {
        let mut text = serde_json::to_string(&to_json(response, trace)).unwrap_or_default();
        text.push('\n');
        term.out(&text);
    } else {
        term.out(&head(response));
        term.out_bytes(&response.body);
    }
    let mut report = String::new();
    let notes = explain::notes(&method.integration, trace);
    let shown: Vec<String> = if args.verbose {
        notes
    } else {
        // Without -v, only what explains a failure (the gateway module's notes).
        trace
            .notes
            .iter()
            .filter(|n| !(trace.template_error.is_some() && n.contains("template failed: ")))
            .cloned()
            .collect()
    };
    if let Some((what, d)) =
        explain::template_error(&method.integration, trace, &method.name, method.prefix)
    {
        report.push_str(&d);
        report.push_str(&format!(
            "note: {what} failed: API Gateway answers {} {}\n",
            response.status,
            response.body_text()
        ));
    }
    for n in shown {
        report.push_str(&format!("note: {n}\n"));
    }
    if !report.is_empty() {
        if !args.json && !response.body.is_empty() && !response.body.ends_with(b"\n") {
            term.out("\n");
        }
        term.err(&diag::paint(term.err_style, &report));
    }
    Ok(if trace.template_error.is_some() { 1 } else { 0 })
}

/// The route of a definition: by its key (`GET /pets/{id}`, or `ANY
/// /{proxy+}` for any method), else by routing a request path (`GET /pets/7`)
/// as API Gateway does.
fn route_method(def: &ApiDefinition, key: &str) -> Result<Method, InputError> {
    let (http_method, path) = parse_route_key(key).ok_or_else(|| bad_route(key))?;
    let found = def.find_route(key).map(|r| (r, vec![])).or_else(|| {
        // An `ANY` route serves every method.
        let any = format!("ANY {path}");
        def.find_route(&any).map(|r| (r, vec![]))
    });
    let (route, params) = match found {
        Some(x) => x,
        None => match def.route_request(&http_method, &path) {
            Ok(m) => (
                m.route,
                m.path_parameters
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            Err(_) => {
                let keys: Vec<String> = def.routes.iter().map(|r| r.key()).collect();
                let help = if keys.is_empty() {
                    "the definition has no routes".to_owned()
                } else {
                    format!("its routes are: {}", keys.join(", "))
                };
                return Err(InputError(diag::plain(
                    &format!("no route `{key}` in `{}`", def.file),
                    &[],
                    Some(&help),
                )));
            }
        },
    };
    let Some(integration) = route.integration.clone() else {
        return Err(InputError(diag::plain(
            &format!(
                "route `{}` in `{}` has no integration",
                route.key(),
                def.file
            ),
            &[format!("at {}", route.location)],
            Some("add an `x-amazon-apigateway-integration` to the method"),
        )));
    };
    // A request on an `ANY` route keeps the method it was given.
    let method = if route.method == "ANY" && http_method != "ANY" {
        http_method
    } else {
        route.method.clone()
    };
    Ok(Method {
        integration,
        route: Some((method, route.path_template.clone())),
        path_parameters: params,
        name: def.file.clone(),
        prefix: "",
    })
}

fn bad_route(key: &str) -> InputError {
    InputError(diag::plain(
        &format!("`{key}` is not a route"),
        &[],
        Some("write the method and the path: --route 'GET /pets/{id}'"),
    ))
}

/// A JSON (or YAML, by extension) file as a located tree.
fn read_tree(path: &Path, what: &str) -> Result<(String, String, Node), InputError> {
    let text = input::read_text(path)?;
    let name = input::display(path);
    let lower = name.to_ascii_lowercase();
    let (lang, parsed) = if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        ("YAML", yaml::parse(&text))
    } else {
        ("JSON", doc::parse_json(&text))
    };
    let node = parsed.map_err(|e| {
        InputError(diag::located(
            &format!("invalid {lang} in the {what}: {}", e.message),
            &text,
            &name,
            e.span,
            &[],
            None,
        ))
    })?;
    Ok((text, name, node))
}

fn read_integration(path: &Path) -> Result<Integration, InputError> {
    let (text, name, node) = read_tree(path, "integration file")?;
    Integration::from_json(&node.to_json()).map_err(|e| {
        let (at, message) = apigw_vtl::runner::gateway::locate_error(&node, &e);
        let (target, _) = node.locate(&at);
        let notes = if at.is_empty() {
            vec![]
        } else {
            vec![format!("at {at}")]
        };
        let span = if std::ptr::eq(target, &node) {
            node.span.start..node.span.start.saturating_add(1).min(node.span.end)
        } else {
            target.span.clone()
        };
        InputError(diag::located(
            &format!("invalid integration: {message}"),
            &text,
            &name,
            span,
            &notes,
            None,
        ))
    })
}

/// The backend's outcome from --lambda-result, --lambda-error or --http-response.
fn backend(args: &GatewayArgs, kind: IntegrationType) -> Result<BackendOutcome, InputError> {
    if let Some(path) = &args.lambda_result {
        let (_, _, node) = read_tree(path, "Lambda result")?;
        return Ok(BackendOutcome::Lambda(LambdaOutcome::Result(
            node.to_json(),
        )));
    }
    if let Some(path) = &args.lambda_error {
        let (text, name, node) = read_tree(path, "Lambda error")?;
        if !matches!(node.value, NodeValue::Object(_)) {
            return Err(InputError(diag::located(
                &format!(
                    "the Lambda error must be an object, found {}",
                    node.describe()
                ),
                &text,
                &name,
                node.span.start..node.span.start.saturating_add(1).min(node.span.end),
                &[],
                Some(
                    "write the error object the function fails with: {\"errorMessage\": \"Bad Request: ...\", \"errorType\": \"Error\"}",
                ),
            )));
        }
        return Ok(BackendOutcome::Lambda(LambdaOutcome::Error(node.to_json())));
    }
    if let Some(path) = &args.http_response {
        let (text, name, node) = read_tree(path, "HTTP response")?;
        return BackendResponse::from_json(&node.to_json())
            .map(BackendOutcome::Http)
            .map_err(|e| {
                InputError(diag::located(
                    &format!("invalid HTTP response: {e}"),
                    &text,
                    &name,
                    node.span.start..node.span.start.saturating_add(1).min(node.span.end),
                    &[],
                    None,
                ))
            });
    }
    match kind {
        // Never invoked.
        IntegrationType::Mock => Ok(BackendOutcome::Lambda(LambdaOutcome::Result(Value::Null))),
        IntegrationType::Aws | IntegrationType::AwsProxy => Err(InputError(diag::plain(
            &format!("the method's integration is {kind} (Lambda): give the function's outcome"),
            &[],
            Some(
                "--lambda-result FILE (what it returned) or --lambda-error FILE (the error object it failed with)",
            ),
        ))),
        IntegrationType::Http | IntegrationType::HttpProxy => Err(InputError(diag::plain(
            &format!("the method's integration is {kind}: give the backend's response"),
            &[],
            Some(
                "--http-response FILE with {\"status\": 200, \"headers\": {...}, \"body\": \"...\"}",
            ),
        ))),
    }
}

/// `HTTP/1.1 400 Bad Request`, the headers (one line per value) and a blank line.
fn head(response: &HttpResponse) -> String {
    let mut out = match reason(response.status) {
        Some(r) => format!("HTTP/1.1 {} {r}\n", response.status),
        None => format!("HTTP/1.1 {}\n", response.status),
    };
    for (name, values) in response.headers.iter() {
        for v in values {
            out.push_str(&format!("{name}: {v}\n"));
        }
    }
    out.push('\n');
    out
}

/// `{"status", "headers", "body"}` as a gateway case's `expect` (several
/// values of a header joined by `,`); a body that is not UTF-8 is base64
/// with `"isBase64Encoded": true`; a template failure adds `error`.
fn to_json(response: &HttpResponse, trace: &Trace) -> Value {
    let headers: Map<String, Value> = response
        .headers
        .joined()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let mut out = Map::new();
    out.insert("status".into(), Value::from(response.status));
    out.insert("headers".into(), Value::Object(headers));
    match std::str::from_utf8(&response.body) {
        Ok(text) => {
            out.insert("body".into(), Value::String(text.to_owned()));
        }
        Err(_) => {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(&response.body);
            out.insert("body".into(), Value::String(b64));
            out.insert("isBase64Encoded".into(), Value::Bool(true));
        }
    }
    if let Some(e) = &trace.template_error {
        let (line, column) = e.line_col().map_or((Value::Null, Value::Null), |(l, c)| {
            (Value::from(l), Value::from(c))
        });
        out.insert(
            "error".into(),
            json!({
                "category": apigw_vtl::runner::Category::of(e).name(),
                "kind": e.kind().name(),
                "message": e.message(),
                "line": line,
                "column": column,
            }),
        );
    }
    Value::Object(out)
}

/// The reason phrase of a status code (RFC 9110 and friends).
fn reason(status: u16) -> Option<&'static str> {
    Some(match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_line_and_headers() {
        let mut r = HttpResponse::new(400, "b");
        r.headers.append("X-A", "1");
        r.headers.append("X-A", "2");
        r.headers.append("Y", "3");
        assert_eq!(
            head(&r),
            "HTTP/1.1 400 Bad Request\nX-A: 1\nX-A: 2\nY: 3\n\n"
        );
        assert_eq!(head(&HttpResponse::new(299, "")), "HTTP/1.1 299\n\n");
    }

    #[test]
    fn json_is_an_expect() {
        let mut r = HttpResponse::new(201, "made");
        r.headers.append("X-A", "1");
        r.headers.append("X-A", "2");
        assert_eq!(
            to_json(&r, &Trace::default()).to_string(),
            r#"{"status":201,"headers":{"X-A":"1,2"},"body":"made"}"#
        );
        let r = HttpResponse::new(200, vec![0xff, 0x00]);
        assert_eq!(
            to_json(&r, &Trace::default()).to_string(),
            r#"{"status":200,"headers":{},"body":"/wA=","isBase64Encoded":true}"#
        );
    }
}
