//! The request side of a non-proxy integration: the request template chosen
//! by `Content-Type`, `passthroughBehavior`, `requestParameters`, the
//! template's `requestOverride`, and a MOCK integration's `statusCode`.

use super::model::{
    ContentHandling, Headers, HttpResponse, Integration, MappingTemplate, MethodRequest,
    PassthroughBehavior, Templates,
};
use super::{ResponseOverride, Trace};
use base64::Engine as _;
use indexmap::IndexMap;
use serde_json::Value as Json;

/// The request API Gateway sends to the backend.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntegrationRequest {
    /// The integration's `httpMethod`, when it has one.
    pub http_method: Option<String>,
    /// The integration's `uri` (opaque).
    pub uri: Option<Json>,
    /// Path parameters mapped by `requestParameters` or set by `requestOverride.path`.
    pub path: IndexMap<String, String>,
    /// Query parameters mapped or overridden.
    pub querystring: IndexMap<String, Vec<String>>,
    /// Headers mapped or overridden.
    pub headers: Headers,
    /// The payload: the request template's output, or the method request's
    /// body passed through.
    pub body: Vec<u8>,
}

impl IntegrationRequest {
    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// What to do with a request body, given the request templates and the
/// passthrough behaviour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RequestTemplateChoice<'a> {
    /// Transform the body with this template (registered for this media type).
    Template(&'a str, &'a MappingTemplate),
    /// Pass the body through unchanged.
    Passthrough,
    /// Refuse the request: 415 Unsupported Media Type.
    Unsupported,
}

/// The request template for a `Content-Type` media type (`None`: no header,
/// read as `application/json`), following `passthroughBehavior`:
///
/// | templates | media type has one | WHEN_NO_MATCH | WHEN_NO_TEMPLATES | NEVER |
/// |---|---|---|---|---|
/// | some | yes | template | template | template |
/// | some | no | passthrough | 415 | 415 |
/// | none | - | passthrough | passthrough | 415 |
///
/// A template registered for the type but empty is a passthrough. Media
/// types compare case-insensitively.
pub fn choose_request_template<'a>(
    templates: &'a Templates,
    content_type: Option<&str>,
    behavior: PassthroughBehavior,
) -> RequestTemplateChoice<'a> {
    let media_type = content_type.unwrap_or("application/json");
    let found = templates.get_key_value(media_type).or_else(|| {
        templates
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(media_type))
    });
    match found {
        Some((key, Some(t))) => RequestTemplateChoice::Template(key, t),
        Some((_, None)) => RequestTemplateChoice::Passthrough,
        None => match behavior {
            PassthroughBehavior::WhenNoMatch => RequestTemplateChoice::Passthrough,
            PassthroughBehavior::WhenNoTemplates if templates.is_empty() => {
                RequestTemplateChoice::Passthrough
            }
            _ => RequestTemplateChoice::Unsupported,
        },
    }
}

/// The integration request for a method request: body (template or
/// passthrough), `requestParameters`, then the template's `requestOverride`.
/// Also returns the response overrides the request template set (they carry
/// into the response). A refused request is the response to send instead
/// (415, or 500 when the template fails).
pub fn map_request(
    integration: &Integration,
    request: &MethodRequest,
    trace: &mut Trace,
) -> Result<(IntegrationRequest, Option<ResponseOverride>), HttpResponse> {
    let mut out = IntegrationRequest {
        http_method: integration.http_method.clone(),
        uri: integration.uri.clone(),
        ..IntegrationRequest::default()
    };
    let body = request.body.clone().unwrap_or_default();
    let mut carried = None;
    let mut request_override = None;
    match choose_request_template(
        &integration.request_templates,
        request.content_type(),
        integration.passthrough_behavior,
    ) {
        RequestTemplateChoice::Unsupported => {
            trace.notes.push(format!(
                "no request template for Content-Type {:?} and passthroughBehavior {}",
                request.content_type().unwrap_or("application/json"),
                integration.passthrough_behavior.name()
            ));
            return Err(HttpResponse::unsupported_media_type());
        }
        RequestTemplateChoice::Passthrough => out.body = body.into_bytes(),
        RequestTemplateChoice::Template(media_type, template) => {
            trace.request_template = Some(media_type.to_string());
            trace.rendered_template = true;
            let rendered = template
                .compiled()
                .map_err(Clone::clone)
                .and_then(|t| t.render(&request.invocation(body)));
            match rendered {
                Ok(r) => {
                    out.body = r.body.into_bytes();
                    if r.status.is_some() || !r.headers.is_empty() {
                        carried = Some(ResponseOverride {
                            status: r.status,
                            headers: r.headers,
                        });
                    }
                    request_override = Some(r.request_override);
                }
                Err(e) => {
                    trace.notes.push(format!("request template failed: {e}"));
                    trace.template_error = Some(e);
                    return Err(HttpResponse::internal_server_error());
                }
            }
        }
    }

    if integration.content_handling == Some(ContentHandling::ConvertToBinary) {
        match base64::engine::general_purpose::STANDARD.decode(&out.body) {
            Ok(bytes) => out.body = bytes,
            Err(e) => {
                trace.notes.push(format!(
                    "CONVERT_TO_BINARY: the request body is not base64: {e}"
                ));
                return Err(HttpResponse::internal_server_error());
            }
        }
    }

    for (key, expr) in &integration.request_parameters {
        let Some(values) = map_request_parameter(expr, request) else {
            continue;
        };
        if let Some(name) = key.strip_prefix("integration.request.header.") {
            out.headers.set_all(name, values);
        } else if let Some(name) = key.strip_prefix("integration.request.querystring.") {
            out.querystring.insert(name.to_string(), values);
        } else if let Some(name) = key.strip_prefix("integration.request.path.") {
            out.path
                .insert(name.to_string(), values.last().cloned().unwrap_or_default());
        } else {
            trace
                .notes
                .push(format!("requestParameters key {key:?} ignored"));
        }
    }

    if let Some(o) = request_override {
        for (name, values) in o.header {
            out.headers.set_all(&name, values);
        }
        for (name, value) in o.path {
            out.path.insert(name, value);
        }
        for (name, values) in o.querystring {
            out.querystring.insert(name, values);
        }
    }
    trace.integration_request = Some(out.clone());
    Ok((out, carried))
}

/// The values of one `requestParameters` mapping expression: `'literal'`,
/// `method.request.{path,querystring,header}.NAME`,
/// `method.request.multivalue{querystring,header}.NAME`,
/// `method.request.body`, `method.request.body.A.B`, `context.A.B`,
/// `stageVariables.NAME`. `None` when it yields nothing.
pub fn map_request_parameter(expr: &str, request: &MethodRequest) -> Option<Vec<String>> {
    let expr = expr.trim();
    if expr.len() >= 2 && expr.starts_with('\'') && expr.ends_with('\'') {
        return expr.get(1..expr.len() - 1).map(|s| vec![s.to_string()]);
    }
    let one = |s: Option<&String>| s.map(|v| vec![v.clone()]);
    if let Some(name) = expr.strip_prefix("method.request.path.") {
        return one(request.path_parameters.get(name));
    }
    if let Some(name) = expr.strip_prefix("method.request.querystring.") {
        return one(request.querystring.get(name).and_then(|v| v.last()));
    }
    if let Some(name) = expr.strip_prefix("method.request.multivaluequerystring.") {
        return request.querystring.get(name).cloned();
    }
    if let Some(name) = expr.strip_prefix("method.request.header.") {
        return request.headers.get_last(name).map(|v| vec![v.to_string()]);
    }
    if let Some(name) = expr.strip_prefix("method.request.multivalueheader.") {
        return request.headers.get_all(name).map(<[String]>::to_vec);
    }
    if expr == "method.request.body" {
        return request.body.clone().map(|b| vec![b]);
    }
    if let Some(path) = expr.strip_prefix("method.request.body.") {
        let mut cur: Json = serde_json::from_str(request.body.as_deref()?).ok()?;
        for part in path.split('.') {
            cur = match cur {
                Json::Object(mut m) => m.swap_remove(part)?,
                _ => return None,
            };
        }
        return match cur {
            Json::Null => None,
            Json::String(s) => Some(vec![s]),
            v => Some(vec![super::jackson::to_string(&v)]),
        };
    }
    if let Some(name) = expr.strip_prefix("stageVariables.") {
        return one(request.stage_variables.get(name));
    }
    if let Some(path) = expr.strip_prefix("context.") {
        let mut cur = &request.context;
        for part in path.split('.') {
            cur = cur.as_object()?.get(part)?;
        }
        return match cur {
            Json::Null | Json::Object(_) | Json::Array(_) => None,
            Json::String(s) => Some(vec![s.clone()]),
            v => Some(vec![super::jackson::to_string(v)]),
        };
    }
    None
}

/// The status code a MOCK integration's request template chose: the
/// integer `statusCode` of the JSON it rendered. Like API Gateway, it also
/// reads the not-quite-JSON that tools generate (`{statusCode: 200}`).
pub fn mock_status_code(body: &str) -> Option<u16> {
    match serde_json::from_str::<Json>(body) {
        Ok(v) => v
            .get("statusCode")?
            .as_u64()
            .and_then(|n| u16::try_from(n).ok()),
        Err(_) => lenient_status_code(body),
    }
}

/// `statusCode` (bare, `'quoted'` or `"quoted"`) `:` digits, in an object.
fn lenient_status_code(body: &str) -> Option<u16> {
    let t = body.trim();
    if !t.starts_with('{') || !t.ends_with('}') {
        return None;
    }
    let mut rest = t;
    while let Some(i) = rest.find("statusCode") {
        let before = rest.get(..i)?.trim_end();
        let after = rest.get(i + "statusCode".len()..)?;
        rest = after;
        let after = after.strip_prefix(['"', '\'']).unwrap_or(after);
        let key_start = before.ends_with(['{', ',', '"', '\'']);
        let Some(value) = after.trim_start().strip_prefix(':') else {
            continue;
        };
        if !key_start {
            continue;
        }
        let value = value.trim_start();
        let digits: &str = value
            .get(..value.bytes().take_while(u8::is_ascii_digit).count())
            .unwrap_or("");
        if !digits.is_empty() {
            return digits.parse().ok();
        }
        return None;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::model::template_or_none;
    use PassthroughBehavior::*;

    fn templates(list: &[&str]) -> Templates {
        list.iter()
            .map(|k| (k.to_string(), template_or_none("T")))
            .collect()
    }

    /// The three tables of AWS's "integration passthrough behaviors" page.
    #[test]
    fn passthrough_behavior() {
        #[derive(Debug, PartialEq)]
        enum C {
            T,
            P,
            U,
        }
        let json = templates(&["application/json"]);
        let xml = templates(&["application/xml"]);
        let none = templates(&[]);
        let table: &[(&Templates, Option<&str>, PassthroughBehavior, C)] = &[
            (&json, None, WhenNoMatch, C::T),
            (&json, Some("application/json"), WhenNoTemplates, C::T),
            (&json, Some("application/json"), Never, C::T),
            (&json, Some("application/xml"), WhenNoMatch, C::P),
            (&json, Some("application/xml"), WhenNoTemplates, C::U),
            (&json, Some("application/xml"), Never, C::U),
            (&xml, None, WhenNoMatch, C::P),
            (&xml, Some("application/json"), WhenNoTemplates, C::U),
            (&xml, None, Never, C::U),
            (&xml, Some("application/xml"), WhenNoMatch, C::T),
            (&xml, Some("application/xml"), WhenNoTemplates, C::T),
            (&xml, Some("Application/XML"), Never, C::T),
            (&none, None, WhenNoMatch, C::P),
            (&none, Some("application/xml"), WhenNoTemplates, C::P),
            (&none, None, Never, C::U),
            (&none, Some("text/plain"), Never, C::U),
        ];
        for (t, ct, b, want) in table {
            let got = match choose_request_template(t, *ct, *b) {
                RequestTemplateChoice::Template(..) => C::T,
                RequestTemplateChoice::Passthrough => C::P,
                RequestTemplateChoice::Unsupported => C::U,
            };
            assert_eq!(
                &got,
                want,
                "{:?} {ct:?} {b:?}",
                t.keys().collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn empty_template_is_passthrough() {
        let t: Templates = [("application/json".to_string(), None)]
            .into_iter()
            .collect();
        assert_eq!(
            choose_request_template(&t, None, Never),
            RequestTemplateChoice::Passthrough
        );
    }

    #[test]
    fn passthrough_415_and_parameters() {
        let mut integration = Integration::default().with_passthrough(Never);
        let mut request = MethodRequest {
            body: Some(r#"{"a": {"b": 2}}"#.into()),
            ..MethodRequest::default()
        };
        let mut trace = Trace::default();
        assert_eq!(
            map_request(&integration, &request, &mut trace).err(),
            Some(HttpResponse::unsupported_media_type())
        );
        integration.passthrough_behavior = WhenNoMatch;
        request.path_parameters.insert("id".into(), "7".into());
        request
            .querystring
            .insert("q".into(), vec!["1".into(), "2".into()]);
        request.headers.append("X-In", "h");
        for (k, v) in [
            ("integration.request.path.pid", "method.request.path.id"),
            (
                "integration.request.querystring.q1",
                "method.request.querystring.q",
            ),
            (
                "integration.request.querystring.qm",
                "method.request.multivaluequerystring.q",
            ),
            (
                "integration.request.header.X-Out",
                "method.request.header.x-in",
            ),
            ("integration.request.header.X-B", "method.request.body.a.b"),
            ("integration.request.header.X-L", "'lit'"),
            (
                "integration.request.header.X-None",
                "method.request.header.nope",
            ),
        ] {
            integration.request_parameters.insert(k.into(), v.into());
        }
        let (ir, carried) = map_request(&integration, &request, &mut trace).unwrap();
        assert_eq!(ir.body_text(), r#"{"a": {"b": 2}}"#);
        assert!(carried.is_none());
        assert_eq!(ir.path.get("pid").map(String::as_str), Some("7"));
        assert_eq!(ir.querystring.get("q1"), Some(&vec!["2".to_string()]));
        assert_eq!(ir.querystring.get("qm").map(Vec::len), Some(2));
        assert_eq!(ir.headers.get("x-out"), Some("h"));
        assert_eq!(ir.headers.get("X-B"), Some("2"));
        assert_eq!(ir.headers.get("X-L"), Some("lit"));
        assert_eq!(ir.headers.get("X-None"), None);
    }

    #[test]
    fn mock_status() {
        let table: &[(&str, Option<u16>)] = &[
            (r#"{"statusCode": 200}"#, Some(200)),
            ("{\n  \"statusCode\" : 500\n}", Some(500)),
            ("{statusCode: 200}", Some(200)),
            ("{ 'statusCode': 404, x: 1 }", Some(404)),
            (r#"{"statusCode": "200"}"#, None),
            (r#"{"other": 1}"#, None),
            ("", None),
            ("{mystatusCode: 200}", None),
            ("{ #if(x) statusCode: 200 }", None),
        ];
        for (body, want) in table {
            assert_eq!(mock_status_code(body), *want, "{body}");
        }
    }
}
