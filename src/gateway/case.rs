//! Gateway cases of the test-case format: an integration (or a route of an
//! API definition), the backend's outcome, the method request, and the
//! expected HTTP response.

use super::definition::ApiDefinition;
use super::definition::integration::{CASE, parse_integration};
use super::model::{
    BackendOutcome, BackendResponse, Headers, HttpResponse, Integration, IntegrationType,
    LambdaOutcome, MethodRequest,
};
use super::{Execution, execute, jackson, routing};
use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

/// One gateway case.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GatewayCase {
    pub name: String,
    /// The integration, in the `x-amazon-apigateway-integration` shape
    /// (`responses` listed, or keyed by selection pattern).
    pub integration: Option<Integration>,
    /// `"GET /pets/{id}"`: the route of an API definition whose integration
    /// the case runs (when it has no `integration`); with an `integration`,
    /// only the method and resource of the request.
    pub route: Option<String>,
    /// The Lambda function's outcome (`AWS`, `AWS_PROXY`).
    pub lambda: Option<LambdaOutcome>,
    /// The HTTP backend's response (`HTTP`, `HTTP_PROXY`).
    pub http: Option<BackendResponse>,
    pub request: CaseRequest,
    pub expect: Option<GatewayExpect>,
}

/// The method request of a case: `params`, `context`, `stageVariables` as
/// in a template case's `input`, and optionally a `body`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseRequest {
    pub path: IndexMap<String, String>,
    pub querystring: IndexMap<String, String>,
    pub header: IndexMap<String, String>,
    pub context: Json,
    pub stage_variables: IndexMap<String, String>,
    pub body: Option<String>,
}

/// What a case expects; an omitted field is not checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GatewayExpect {
    pub status: Option<u16>,
    /// Every header of the response, name to value (several values joined
    /// by `,`); names compare case-insensitively.
    pub headers: Option<IndexMap<String, String>>,
    pub body: Option<String>,
}

/// Why a case cannot run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("the case has neither an `integration` nor a `route`")]
    NoIntegration,
    #[error("the case names route {0:?} but no API definition was given (--api FILE)")]
    NoApi(String),
    #[error("{0:?} is not a route key (METHOD /path)")]
    BadRoute(String),
    #[error("no route {route:?} in {file}")]
    RouteNotFound { route: String, file: String },
    #[error("route {route:?} in {file} has no integration")]
    RouteWithoutIntegration { route: String, file: String },
    #[error("a {0} integration needs `{1}` in the case")]
    MissingOutcome(IntegrationType, &'static str),
}

/// A JSON value as a parameter string: a string as is, anything else as JSON text.
fn param_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => jackson::to_string(other),
    }
}

fn string_map(v: Option<&Json>) -> IndexMap<String, String> {
    match v {
        Some(Json::Object(m)) => m.iter().map(|(k, v)| (k.clone(), param_text(v))).collect(),
        _ => IndexMap::new(),
    }
}

impl CaseRequest {
    /// Reads a case's `request` object (anything else is an empty request).
    pub fn from_json(v: &Json) -> CaseRequest {
        let params = v.get("params");
        CaseRequest {
            path: string_map(params.and_then(|p| p.get("path"))),
            querystring: string_map(params.and_then(|p| p.get("querystring"))),
            header: string_map(params.and_then(|p| p.get("header"))),
            context: match v.get("context") {
                Some(c @ Json::Object(_)) => c.clone(),
                _ => Json::Object(Default::default()),
            },
            stage_variables: string_map(v.get("stageVariables")),
            body: v.get("body").and_then(|b| match b {
                Json::Null => None,
                other => Some(param_text(other)),
            }),
        }
    }

    /// The method request, for a route (`GET`, `/pets/{id}`) when known,
    /// else the context's `httpMethod` and `resourcePath`.
    pub fn method_request(&self, route: Option<(&str, &str)>) -> MethodRequest {
        let ctx = |k: &str| {
            self.context
                .get(k)
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string()
        };
        let (http_method, resource) = match route {
            Some((m, r)) if m != "ANY" => (m.to_string(), r.to_string()),
            Some((_, r)) => (ctx("httpMethod"), r.to_string()),
            None => (ctx("httpMethod"), ctx("resourcePath")),
        };
        let path = concrete_path(&resource, &self.path);
        MethodRequest {
            http_method,
            resource,
            path,
            path_parameters: self.path.clone(),
            querystring: self
                .querystring
                .iter()
                .map(|(k, v)| (k.clone(), vec![v.clone()]))
                .collect(),
            headers: self
                .header
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Headers>(),
            body: self.body.clone(),
            context: self.context.clone(),
            stage_variables: self.stage_variables.clone(),
        }
    }
}

/// `/pets/{id}` with `id=7` → `/pets/7` (unknown parameters left as written).
fn concrete_path(template: &str, params: &IndexMap<String, String>) -> String {
    template
        .split('/')
        .map(|seg| {
            let name = seg
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .map(|s| s.trim_end_matches('+'));
            match name.and_then(|n| params.get(n)) {
                Some(v) => v.as_str(),
                None => seg,
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

impl GatewayExpect {
    pub fn from_json(v: &Json) -> Result<GatewayExpect, String> {
        let status = match v.get("status") {
            None | Some(Json::Null) => None,
            Some(s) => Some(
                s.as_u64()
                    .and_then(|n| u16::try_from(n).ok())
                    .ok_or_else(|| format!("expect.status: {s} is not an HTTP status"))?,
            ),
        };
        let headers = match v.get("headers") {
            None | Some(Json::Null) => None,
            Some(Json::Object(m)) => {
                Some(m.iter().map(|(k, v)| (k.clone(), param_text(v))).collect())
            }
            Some(_) => return Err("expect.headers: expected an object".into()),
        };
        let body = match v.get("body") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(_) => return Err("expect.body: expected a string".into()),
        };
        Ok(GatewayExpect {
            status,
            headers,
            body,
        })
    }

    /// How the response differs from the expectation (empty: it passes).
    pub fn differences(&self, response: &HttpResponse) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(s) = self.status
            && s != response.status
        {
            out.push(format!("status: expected {s}, got {}", response.status));
        }
        if let Some(want) = &self.headers {
            let got = response.headers.joined();
            for (k, v) in want {
                match got.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)) {
                    None => out.push(format!("header {k}: expected {v:?}, not set")),
                    Some((_, g)) if g != v => {
                        out.push(format!("header {k}: expected {v:?}, got {g:?}"))
                    }
                    Some(_) => {}
                }
            }
            for (k, g) in &got {
                if !want.keys().any(|n| n.eq_ignore_ascii_case(k)) {
                    out.push(format!("header {k}: not expected, got {g:?}"));
                }
            }
        }
        if let Some(b) = &self.body {
            let got = response.body_text();
            if *b != got {
                out.push(format!("body: expected {b:?}, got {got:?}"));
            }
        }
        out
    }
}

impl Integration {
    /// Reads an integration in the `x-amazon-apigateway-integration` /
    /// case-format shape. The error names the field
    /// (`responses[1].statusCode: missing ...`).
    pub fn from_json(v: &Json) -> Result<Integration, String> {
        parse_integration(v, &CASE, "", &mut Vec::new()).map_err(|p| {
            if p.location.is_empty() {
                p.message
            } else {
                format!("{}: {}", p.location, p.message)
            }
        })
    }
}

impl Integration {
    /// The integration in the case format's shape (`responses` listed, each
    /// with its `selectionPattern`), which [`Integration::from_json`] reads back.
    pub fn to_json(&self) -> Json {
        let templates = |t: &super::model::Templates| -> Json {
            Json::Object(
                t.iter()
                    .map(|(k, v)| {
                        let text = v.as_ref().map_or("", |t| t.source());
                        (k.clone(), Json::String(text.to_string()))
                    })
                    .collect(),
            )
        };
        let strings = |m: &IndexMap<String, String>| -> Json {
            Json::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                    .collect(),
            )
        };
        let mut o = serde_json::Map::new();
        o.insert(
            "type".into(),
            Json::String(self.integration_type.name().into()),
        );
        if let Some(u) = &self.uri {
            o.insert("uri".into(), u.clone());
        }
        if let Some(m) = &self.http_method {
            o.insert("httpMethod".into(), Json::String(m.clone()));
        }
        if !self.request_templates.is_empty() {
            o.insert(
                "requestTemplates".into(),
                templates(&self.request_templates),
            );
        }
        if !self.request_parameters.is_empty() {
            o.insert(
                "requestParameters".into(),
                strings(&self.request_parameters),
            );
        }
        o.insert(
            "passthroughBehavior".into(),
            Json::String(self.passthrough_behavior.name().into()),
        );
        if let Some(c) = self.content_handling {
            o.insert("contentHandling".into(), Json::String(c.name().into()));
        }
        let responses = self
            .responses
            .iter()
            .map(|r| {
                let mut ro = serde_json::Map::new();
                ro.insert("statusCode".into(), Json::String(r.status_code.clone()));
                if let Some(p) = &r.selection_pattern {
                    ro.insert("selectionPattern".into(), Json::String(p.source().into()));
                }
                if !r.response_templates.is_empty() {
                    ro.insert("responseTemplates".into(), templates(&r.response_templates));
                }
                if !r.response_parameters.is_empty() {
                    ro.insert("responseParameters".into(), strings(&r.response_parameters));
                }
                if let Some(c) = r.content_handling {
                    ro.insert("contentHandling".into(), Json::String(c.name().into()));
                }
                Json::Object(ro)
            })
            .collect();
        o.insert("responses".into(), Json::Array(responses));
        Json::Object(o)
    }
}

impl<'de> Deserialize<'de> for Integration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Integration, D::Error> {
        let v = Json::deserialize(d)?;
        Integration::from_json(&v).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for LambdaOutcome {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<LambdaOutcome, D::Error> {
        let v = Json::deserialize(d)?;
        LambdaOutcome::from_case_json(&v).ok_or_else(|| {
            serde::de::Error::custom("lambda: expected {\"result\": ...} or {\"error\": {...}}")
        })
    }
}

impl BackendResponse {
    /// Reads `{"status": 404, "headers": {"A": "1", "B": ["2", "3"]}, "body": "..."}`.
    pub fn from_json(v: &Json) -> Result<BackendResponse, String> {
        let status = v
            .get("status")
            .and_then(Json::as_u64)
            .and_then(|n| u16::try_from(n).ok())
            .filter(|s| (100..=599).contains(s))
            .ok_or("http.status: expected an HTTP status code")?;
        let mut headers = Headers::new();
        if let Some(Json::Object(m)) = v.get("headers") {
            for (k, val) in m {
                match val {
                    Json::Array(items) => {
                        items.iter().for_each(|i| headers.append(k, param_text(i)))
                    }
                    other => headers.append(k, param_text(other)),
                }
            }
        }
        let body = match v.get("body") {
            None | Some(Json::Null) => String::new(),
            Some(b) => param_text(b),
        };
        Ok(BackendResponse {
            status,
            headers,
            body,
        })
    }
}

impl GatewayCase {
    /// Reads a gateway case. The error says which field is wrong.
    pub fn from_json(v: &Json) -> Result<GatewayCase, String> {
        let name = v
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let integration = match v.get("integration") {
            None | Some(Json::Null) => None,
            Some(i) => Some(Integration::from_json(i).map_err(|e| format!("integration.{e}"))?),
        };
        let route = match v.get("route") {
            None | Some(Json::Null) => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(_) => return Err("route: expected a string such as \"GET /pets/{id}\"".into()),
        };
        let lambda = match v.get("lambda") {
            None | Some(Json::Null) => None,
            Some(l) => Some(
                LambdaOutcome::from_case_json(l)
                    .ok_or("lambda: expected {\"result\": ...} or {\"error\": {...}}")?,
            ),
        };
        let http = match v.get("http") {
            None | Some(Json::Null) => None,
            Some(h) => Some(BackendResponse::from_json(h)?),
        };
        let expect = match v.get("expect") {
            None | Some(Json::Null) => None,
            Some(e) => Some(GatewayExpect::from_json(e)?),
        };
        Ok(GatewayCase {
            name,
            integration,
            route,
            lambda,
            http,
            request: CaseRequest::from_json(v.get("request").unwrap_or(&Json::Null)),
            expect,
        })
    }

    /// Whether a JSON case is a gateway case (it has `integration`, `route` or `lambda`).
    pub fn is_gateway_case(v: &Json) -> bool {
        ["integration", "route", "lambda"]
            .iter()
            .any(|k| v.get(k).is_some())
    }
}

impl<'de> Deserialize<'de> for GatewayCase {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<GatewayCase, D::Error> {
        let v = Json::deserialize(d)?;
        GatewayCase::from_json(&v).map_err(serde::de::Error::custom)
    }
}

/// Runs one gateway case: its `integration`, or the integration of its
/// `route` in `api`, with its backend outcome and method request.
pub fn run_case(case: &GatewayCase, api: Option<&ApiDefinition>) -> Result<Execution, CaseError> {
    let route_key = match &case.route {
        Some(r) => Some(routing::parse_route_key(r).ok_or_else(|| CaseError::BadRoute(r.clone()))?),
        None => None,
    };
    let integration = match (&case.integration, &case.route) {
        (Some(i), _) => i,
        (None, None) => return Err(CaseError::NoIntegration),
        (None, Some(r)) => {
            let api = api.ok_or_else(|| CaseError::NoApi(r.clone()))?;
            let route = api.find_route(r).ok_or_else(|| CaseError::RouteNotFound {
                route: r.clone(),
                file: api.file.clone(),
            })?;
            route
                .integration
                .as_ref()
                .ok_or_else(|| CaseError::RouteWithoutIntegration {
                    route: r.clone(),
                    file: api.file.clone(),
                })?
        }
    };
    let request = case
        .request
        .method_request(route_key.as_ref().map(|(m, p)| (m.as_str(), p.as_str())));
    let outcome = match integration.integration_type {
        IntegrationType::Aws | IntegrationType::AwsProxy => {
            BackendOutcome::Lambda(case.lambda.clone().ok_or(CaseError::MissingOutcome(
                integration.integration_type,
                "lambda",
            ))?)
        }
        IntegrationType::Http | IntegrationType::HttpProxy => {
            BackendOutcome::Http(case.http.clone().ok_or(CaseError::MissingOutcome(
                integration.integration_type,
                "http",
            ))?)
        }
        // Never invoked.
        IntegrationType::Mock => BackendOutcome::Lambda(LambdaOutcome::Result(Json::Null)),
    };
    Ok(execute(integration, &request, |_| outcome))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn concrete_paths() {
        let params: IndexMap<String, String> = [
            ("id".to_string(), "7".to_string()),
            ("proxy".to_string(), "a/b".to_string()),
        ]
        .into_iter()
        .collect();
        assert_eq!(concrete_path("/pets/{id}", &params), "/pets/7");
        assert_eq!(concrete_path("/{proxy+}", &params), "/a/b");
        assert_eq!(concrete_path("/x/{other}", &params), "/x/{other}");
    }

    #[test]
    fn expect_differences() {
        let e =
            GatewayExpect::from_json(&json!({"status": 400, "headers": {"x-a": "1"}, "body": "b"}))
                .unwrap();
        let mut r = HttpResponse::new(400, "b");
        r.headers.set("X-A", "1");
        assert!(e.differences(&r).is_empty());
        r.headers.set("X-B", "2");
        r.status = 200;
        assert_eq!(e.differences(&r).len(), 2);
    }

    #[test]
    fn case_errors() {
        let run = |v: Json| run_case(&GatewayCase::from_json(&v).unwrap(), None);
        assert_eq!(
            run(json!({"name": "x"})).err(),
            Some(CaseError::NoIntegration)
        );
        assert_eq!(
            run(json!({"route": "GET /a"})).err(),
            Some(CaseError::NoApi("GET /a".into()))
        );
        assert_eq!(
            run(json!({"route": "nope"})).err(),
            Some(CaseError::BadRoute("nope".into()))
        );
        assert_eq!(
            run(json!({"integration": {"type": "AWS"}})).err(),
            Some(CaseError::MissingOutcome(IntegrationType::Aws, "lambda"))
        );
        let e = GatewayCase::from_json(
            &json!({"integration": {"type": "AWS", "responses": [{"statusCode": "200"}, {}]}}),
        )
        .unwrap_err();
        assert_eq!(
            e,
            "integration.responses[1].statusCode: missing (the method response status)"
        );
    }
}
