//! The response side of a non-proxy integration (`AWS`, `HTTP`, `MOCK`):
//! choosing the integration response, its template, its response parameters
//! and the template's overrides.

use super::jackson;
use super::model::{
    BackendResponse, ContentHandling, Headers, HttpResponse, IntegrationResponse, LambdaOutcome,
    MappingTemplate, MethodRequest, Templates,
};
use super::{ResponseOverride, Trace};
use base64::Engine as _;
use serde_json::Value as Json;

/// What the integration returned, as the response side sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntegrationOutput {
    /// What selection patterns are matched against: a Lambda error's
    /// `errorMessage` (`""` for a successful invocation), else the status code.
    pub selection_value: String,
    /// The integration response body (`$input.body` of the response template).
    pub body: String,
    /// The integration response headers (`integration.response.header.NAME`).
    pub headers: Headers,
}

impl IntegrationOutput {
    /// The output of a Lambda invocation (custom integration).
    pub fn lambda(outcome: &LambdaOutcome) -> IntegrationOutput {
        IntegrationOutput {
            selection_value: outcome.selection_value(),
            body: outcome.body(),
            headers: Headers::new(),
        }
    }

    /// The output of an HTTP backend: patterns match the status code.
    pub fn http(response: &BackendResponse) -> IntegrationOutput {
        IntegrationOutput {
            selection_value: response.status.to_string(),
            body: response.body.clone(),
            headers: response.headers.clone(),
        }
    }

    /// The output of a MOCK integration: no body; patterns match the status
    /// code the request template chose (`None`: only the default response).
    pub fn mock(status: Option<u16>) -> IntegrationOutput {
        IntegrationOutput {
            selection_value: status.map(|s| s.to_string()).unwrap_or_default(),
            body: String::new(),
            headers: Headers::new(),
        }
    }
}

/// The integration response for a selection value: the first response, in
/// listed order, whose `selectionPattern` matches the whole value; else the
/// default response (the first without a pattern); else none. A pattern
/// that is invalid (or too costly to match) never matches; the trace says so.
pub fn select_response<'a>(
    responses: &'a [IntegrationResponse],
    value: &str,
    trace: &mut Trace,
) -> Option<(usize, &'a IntegrationResponse)> {
    let mut fallback = None;
    for (i, r) in responses.iter().enumerate() {
        match &r.selection_pattern {
            None => {
                if fallback.is_none() {
                    fallback = Some((i, r));
                }
            }
            Some(p) => match p.matches(value) {
                Ok(true) => return Some((i, r)),
                Ok(false) => {}
                Err(e) => trace.notes.push(format!(
                    "selectionPattern {:?} never matches: {e}",
                    p.source()
                )),
            },
        }
    }
    fallback
}

/// The response template for the request's `Accept` media type: the one
/// for that type; with no `Accept`, `application/json`, else the first; with
/// an `Accept` that matches none, the first. `None` when there is no
/// template or the chosen one is empty (the body passes through).
pub fn choose_response_template<'a>(
    templates: &'a Templates,
    accept: Option<&str>,
) -> Option<(&'a str, &'a MappingTemplate)> {
    let (key, t) = match accept {
        Some(a) if templates.contains_key(a) => templates.get_key_value(a)?,
        None if templates.contains_key("application/json") => {
            templates.get_key_value("application/json")?
        }
        _ => templates.first()?,
    };
    t.as_ref().map(|t| (key.as_str(), t))
}

/// The value of one `responseParameters` mapping expression, `None` when it
/// yields nothing (the header is then not set).
///
/// - `'literal'` → literal
/// - `integration.response.body` → the whole body
/// - `integration.response.body.A.B` → the field path on the JSON body,
///   parsing a JSON-encoded string met on the way (a Lambda error whose
///   `errorMessage` is JSON): a string as is, other values as JSON text
/// - `integration.response.header.NAME`, `integration.response.multivalueheader.NAME`
/// - `context.A.B`, `stageVariables.NAME` → from the method request
pub fn map_response_parameter(
    expr: &str,
    output: &IntegrationOutput,
    request: &MethodRequest,
) -> Option<String> {
    let expr = expr.trim();
    if expr.len() >= 2 && expr.starts_with('\'') && expr.ends_with('\'') {
        return expr.get(1..expr.len() - 1).map(str::to_string);
    }
    if expr == "integration.response.body" {
        return Some(output.body.clone());
    }
    if let Some(path) = expr.strip_prefix("integration.response.body.") {
        return body_field(&output.body, path);
    }
    if let Some(name) = expr.strip_prefix("integration.response.header.") {
        return output.headers.get_last(name).map(str::to_string);
    }
    if let Some(name) = expr.strip_prefix("integration.response.multivalueheader.") {
        return output.headers.get_all(name).map(|v| v.join(","));
    }
    if let Some(name) = expr.strip_prefix("stageVariables.") {
        return request.stage_variables.get(name).cloned();
    }
    if let Some(path) = expr.strip_prefix("context.") {
        let mut cur = &request.context;
        for part in path.split('.') {
            cur = cur.as_object()?.get(part)?;
        }
        return match cur {
            Json::Null | Json::Object(_) => None,
            v => Some(java_string(v, 0)),
        };
    }
    None
}

/// Jackson's lenient `readTree`: the first JSON value of the text (trailing
/// text ignored); `None` when there is none or it is not JSON.
fn read_tree(text: &str) -> Option<Json> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Json>()
        .next()?
        .ok()
}

fn body_field(body: &str, path: &str) -> Option<String> {
    let mut cur = read_tree(body)?;
    for part in path.split('.') {
        if let Json::String(s) = &cur {
            cur = read_tree(s)?;
        }
        cur = match cur {
            Json::Object(mut m) => m.swap_remove(part)?,
            _ => return None,
        };
    }
    match cur {
        Json::Null => None,
        Json::String(s) => Some(s),
        v => Some(jackson::to_string(&v)),
    }
}

/// `String.valueOf` of a JSON value converted to Java (`LinkedHashMap`,
/// `ArrayList`, `Integer`, `Double`, ...).
fn java_string(v: &Json, depth: usize) -> String {
    match v {
        Json::Null => "null".to_string(),
        Json::String(s) => s.clone(),
        Json::Bool(_) | Json::Number(_) => jackson::to_string(v),
        _ if depth > 64 => String::new(),
        Json::Array(items) => {
            let parts: Vec<String> = items.iter().map(|i| java_string(i, depth + 1)).collect();
            format!("[{}]", parts.join(", "))
        }
        Json::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, i)| format!("{k}={}", java_string(i, depth + 1)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// The prefix of the `responseParameters` keys that map a header.
const HEADER_PARAM: &str = "method.response.header.";

/// The whole response side of a non-proxy integration: selection, template
/// (by `Accept`), response parameters, overrides (those carried from the
/// request template first, then the response template's, which win).
pub fn respond(
    responses: &[IntegrationResponse],
    output: &IntegrationOutput,
    request: &MethodRequest,
    carried: Option<&ResponseOverride>,
    trace: &mut Trace,
) -> HttpResponse {
    trace.selection_value = Some(output.selection_value.clone());
    let Some((index, response)) = select_response(responses, &output.selection_value, trace) else {
        trace
            .notes
            .push("no integration response matches and there is no default response".to_string());
        return HttpResponse::internal_server_error();
    };
    trace.selected_response = Some(index);
    let Some(status) = response.status() else {
        trace.notes.push(format!(
            "integration response statusCode {:?} is not an HTTP status",
            response.status_code
        ));
        return HttpResponse::internal_server_error();
    };

    let mut out = HttpResponse::new(status, Vec::new());
    let mut overrides = None;
    match choose_response_template(&response.response_templates, request.accept()) {
        None => out.body = output.body.clone().into_bytes(),
        Some((media_type, template)) => {
            trace.response_template = Some(media_type.to_string());
            trace.rendered_template = true;
            let rendered = template
                .compiled()
                .map_err(Clone::clone)
                .and_then(|t| t.render(&request.invocation(output.body.clone())));
            match rendered {
                Ok(r) => {
                    out.body = r.body.into_bytes();
                    overrides = Some(ResponseOverride {
                        status: r.status,
                        headers: r.headers,
                    });
                }
                Err(e) => {
                    trace.notes.push(format!("response template failed: {e}"));
                    trace.template_error = Some(e);
                    return HttpResponse::internal_server_error();
                }
            }
        }
    }

    if response.content_handling == Some(ContentHandling::ConvertToBinary) {
        match base64::engine::general_purpose::STANDARD.decode(&out.body) {
            Ok(bytes) => out.body = bytes,
            Err(e) => {
                trace
                    .notes
                    .push(format!("CONVERT_TO_BINARY: the body is not base64: {e}"));
                return HttpResponse::internal_server_error();
            }
        }
    }

    for (key, expr) in &response.response_parameters {
        let Some(name) = key.strip_prefix(HEADER_PARAM) else {
            trace
                .notes
                .push(format!("responseParameters key {key:?} ignored"));
            continue;
        };
        if let Some(value) = map_response_parameter(expr, output, request) {
            out.headers.set(name, value);
        }
    }

    for o in carried.into_iter().chain(overrides.as_ref()) {
        o.apply(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::model::{IntegrationResponse as R, template_or_none};
    use serde_json::json;

    fn responses() -> Vec<R> {
        vec![
            R::new("200"),
            R::new("400").with_pattern("Bad Request: .*"),
            R::new("404").with_pattern("Not Found: .*"),
            R::new("422").with_pattern("Bad.*"),
            R::new("500").with_pattern("(.|\\n)*Internal(.|\\n)*"),
        ]
    }

    #[test]
    fn selection() {
        // (selection value, selected status): first listed match wins, else default.
        let table: &[(&str, &str)] = &[
            ("Bad Request: x", "400"),
            ("Not Found: 7", "404"),
            ("Bad thing", "422"),
            ("Bad Request", "422"),
            ("line1\nInternal\nline3", "500"),
            ("Bad Request: a\nb", "200"),
            ("", "200"),
            ("whatever", "200"),
        ];
        let rs = responses();
        for (value, want) in table {
            let mut trace = Trace::default();
            let got = select_response(&rs, value, &mut trace).map(|(_, r)| r.status_code.as_str());
            assert_eq!(got, Some(*want), "{value:?}");
        }
    }

    #[test]
    fn selection_without_default_and_invalid_pattern() {
        let rs = vec![
            R::new("400").with_pattern("(bad"),
            R::new("401").with_pattern("x"),
        ];
        let mut trace = Trace::default();
        assert!(select_response(&rs, "(bad", &mut trace).is_none());
        assert_eq!(trace.notes.len(), 1);
    }

    #[test]
    fn dot_star_pattern_catches_success() {
        let rs = vec![R::new("200"), R::new("500").with_pattern(".*")];
        let mut trace = Trace::default();
        let out = IntegrationOutput::lambda(&LambdaOutcome::Result(json!({"a": 1})));
        assert_eq!(
            select_response(&rs, &out.selection_value, &mut trace).map(|x| x.0),
            Some(1)
        );
        let rs = vec![R::new("200"), R::new("500").with_pattern(".+")];
        assert_eq!(
            select_response(&rs, &out.selection_value, &mut trace).map(|x| x.0),
            Some(0)
        );
    }

    fn templates(list: &[(&str, &str)]) -> Templates {
        list.iter()
            .map(|(k, v)| (k.to_string(), template_or_none(v)))
            .collect()
    }

    #[test]
    fn template_by_accept() {
        let both = templates(&[("application/xml", "X"), ("application/json", "J")]);
        let xml_only = templates(&[("application/xml", "X"), ("text/plain", "T")]);
        let empty_json = templates(&[("application/json", ""), ("application/xml", "X")]);
        // (templates, Accept media type, chosen template source)
        let table: &[(&Templates, Option<&str>, Option<&str>)] = &[
            (&both, Some("application/xml"), Some("X")),
            (&both, Some("application/json"), Some("J")),
            (&both, None, Some("J")),
            (&both, Some("text/csv"), Some("X")),
            (&xml_only, None, Some("X")),
            (&xml_only, Some("text/plain"), Some("T")),
            (&empty_json, None, None),
            (&empty_json, Some("application/json"), None),
            (&empty_json, Some("text/csv"), None),
            (&Templates::new(), None, None),
        ];
        for (t, accept, want) in table {
            let got = choose_response_template(t, *accept).map(|(_, t)| t.source());
            assert_eq!(got, *want, "{accept:?}");
        }
    }

    #[test]
    fn accept_header_first_media_type() {
        let mut req = MethodRequest::default();
        req.headers
            .append("accept", "application/xml;q=0.9, application/json");
        assert_eq!(req.accept(), Some("application/xml"));
        req.headers.set("Accept", "");
        assert_eq!(req.accept(), None);
    }

    #[test]
    fn response_parameters() {
        let mut request = MethodRequest {
            context: json!({"requestId": "r-1", "identity": {"sourceIp": "1.2.3.4"}, "n": 5, "f": 1.5, "l": [1, "a"]}),
            ..MethodRequest::default()
        };
        request.stage_variables.insert("env".into(), "dev".into());
        let error = LambdaOutcome::Error(json!({
            "errorMessage": "{\"errorType\":\"InternalServerError\",\"httpStatus\":500,\"trace\":{\"function\":\"abc()\",\"line\":123}}",
            "errorType": "Error"
        }));
        let mut output = IntegrationOutput::lambda(&error);
        output.headers.append("X-Up", "u1");
        output.headers.append("X-Up", "u2");
        // (expression, value): the documented Lambda custom-error mapping and the other sources.
        let table: &[(&str, Option<&str>)] = &[
            ("'static'", Some("static")),
            ("''", Some("")),
            ("integration.response.body.errorType", Some("Error")),
            (
                "integration.response.body.errorMessage.errorType",
                Some("InternalServerError"),
            ),
            (
                "integration.response.body.errorMessage.httpStatus",
                Some("500"),
            ),
            (
                "integration.response.body.errorMessage.trace",
                Some("{\"function\":\"abc()\",\"line\":123}"),
            ),
            (
                "integration.response.body.errorMessage.trace.function",
                Some("abc()"),
            ),
            ("integration.response.body.nope", None),
            ("integration.response.body.errorType.x", None),
            ("integration.response.header.X-Up", Some("u2")),
            ("integration.response.multivalueheader.x-up", Some("u1,u2")),
            ("integration.response.header.Missing", None),
            ("context.requestId", Some("r-1")),
            ("context.identity.sourceIp", Some("1.2.3.4")),
            ("context.identity", None),
            ("context.n", Some("5")),
            ("context.f", Some("1.5")),
            ("context.l", Some("[1, a]")),
            ("context.missing", None),
            ("stageVariables.env", Some("dev")),
            ("stageVariables.nope", None),
            ("method.request.header.X", None),
        ];
        for (expr, want) in table {
            assert_eq!(
                map_response_parameter(expr, &output, &request).as_deref(),
                *want,
                "{expr}"
            );
        }
        let whole = map_response_parameter("integration.response.body", &output, &request);
        assert_eq!(whole.as_deref(), Some(output.body.as_str()));
    }

    #[test]
    fn respond_without_templates() {
        let rs = vec![
            R::new("200").with_parameter("method.response.header.X-A", "'a'"),
            R::new("400")
                .with_pattern("Bad.*")
                .with_parameter("method.response.header.X-Kind", "'client'")
                .with_parameter("method.response.header.x-kind", "'again'")
                .with_parameter("integration.response.header.Y", "'ignored'"),
        ];
        let req = MethodRequest::default();
        let mut trace = Trace::default();
        let out = respond(
            &rs,
            &IntegrationOutput::lambda(&LambdaOutcome::error("Bad input", "Error")),
            &req,
            None,
            &mut trace,
        );
        assert_eq!(out.status, 400);
        assert_eq!(
            out.body_text(),
            r#"{"errorMessage":"Bad input","errorType":"Error"}"#
        );
        assert_eq!(
            out.headers.joined().into_iter().collect::<Vec<_>>(),
            vec![("x-kind".to_string(), "again".to_string())]
        );
        assert!(!trace.rendered_template);

        let out = respond(
            &rs,
            &IntegrationOutput::lambda(&LambdaOutcome::Result(json!("hi"))),
            &req,
            None,
            &mut trace,
        );
        assert_eq!((out.status, out.body_text().as_ref()), (200, "\"hi\""));
        assert_eq!(out.headers.get("X-A"), Some("a"));

        // No match and no default: 500.
        let out = respond(
            &rs[1..],
            &IntegrationOutput::lambda(&LambdaOutcome::Result(json!(1))),
            &req,
            None,
            &mut trace,
        );
        assert_eq!(out, HttpResponse::internal_server_error());
    }

    #[test]
    fn carried_override_applies() {
        let rs = vec![R::new("200").with_parameter("method.response.header.X-A", "'a'")];
        let carried = ResponseOverride {
            status: Some(201),
            headers: [("x-a".to_string(), "o".to_string())].into_iter().collect(),
        };
        let mut trace = Trace::default();
        let out = respond(
            &rs,
            &IntegrationOutput::mock(Some(200)),
            &MethodRequest::default(),
            Some(&carried),
            &mut trace,
        );
        assert_eq!(out.status, 201);
        assert_eq!(
            out.headers.joined().get("x-a").map(String::as_str),
            Some("o")
        );
        assert_eq!(out.headers.len(), 1);
        let bad = ResponseOverride {
            status: Some(600),
            headers: Default::default(),
        };
        let out = respond(
            &rs,
            &IntegrationOutput::mock(Some(200)),
            &MethodRequest::default(),
            Some(&bad),
            &mut trace,
        );
        assert_eq!(out.status, 200);
    }

    #[test]
    fn convert_to_binary() {
        let mut r = R::new("200");
        r.content_handling = Some(ContentHandling::ConvertToBinary);
        let mut trace = Trace::default();
        let out = respond(
            &[r.clone()],
            &IntegrationOutput::lambda(&LambdaOutcome::Result(json!("x"))),
            &MethodRequest::default(),
            None,
            &mut trace,
        );
        assert_eq!(out, HttpResponse::internal_server_error());
        let output = IntegrationOutput {
            body: "aGk=".into(),
            ..IntegrationOutput::default()
        };
        let out = respond(&[r], &output, &MethodRequest::default(), None, &mut trace);
        assert_eq!(out.body, b"hi");
    }
}
