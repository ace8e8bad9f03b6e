//! The types of the response path: integrations, backend outcomes, method
//! requests and HTTP responses.

use super::regex::JavaPattern;
use crate::Template;
use indexmap::IndexMap;
use serde_json::Value as Json;
use std::fmt;
use std::sync::OnceLock;

/// The body API Gateway answers with when something fails inside it
/// (a template error, a malformed proxy result, no integration response).
pub const INTERNAL_SERVER_ERROR_BODY: &str = r#"{"message": "Internal server error"}"#;

/// The body of the `UNSUPPORTED_MEDIA_TYPE` gateway response (415).
pub const UNSUPPORTED_MEDIA_TYPE_BODY: &str = r#"{"message": "Unsupported Media Type"}"#;

/// An integration's `type`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum IntegrationType {
    /// `AWS`: an AWS service, here a Lambda function, with integration
    /// responses and mapping templates (a "custom" or "non-proxy" integration).
    #[default]
    Aws,
    /// `AWS_PROXY`: Lambda proxy; the function's result object is the response.
    AwsProxy,
    /// `HTTP`: an HTTP backend with integration responses; selection by status code.
    Http,
    /// `HTTP_PROXY`: an HTTP backend whose response passes through.
    HttpProxy,
    /// `MOCK`: no backend; the request template's `statusCode` selects the
    /// integration response.
    Mock,
}

impl IntegrationType {
    /// Parses a type name as API Gateway spells it (any case: OpenAPI files
    /// often write `aws_proxy`).
    pub fn parse(s: &str) -> Option<IntegrationType> {
        let t = s.trim();
        [
            ("AWS", IntegrationType::Aws),
            ("AWS_PROXY", IntegrationType::AwsProxy),
            ("HTTP", IntegrationType::Http),
            ("HTTP_PROXY", IntegrationType::HttpProxy),
            ("MOCK", IntegrationType::Mock),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(t))
        .map(|(_, ty)| ty)
    }

    /// The name API Gateway uses (`AWS_PROXY`, ...).
    pub fn name(self) -> &'static str {
        match self {
            IntegrationType::Aws => "AWS",
            IntegrationType::AwsProxy => "AWS_PROXY",
            IntegrationType::Http => "HTTP",
            IntegrationType::HttpProxy => "HTTP_PROXY",
            IntegrationType::Mock => "MOCK",
        }
    }

    /// Whether the backend's response passes through without integration responses.
    pub fn is_proxy(self) -> bool {
        matches!(self, IntegrationType::AwsProxy | IntegrationType::HttpProxy)
    }
}

impl fmt::Display for IntegrationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `passthroughBehavior`: what happens to a request whose `Content-Type` has
/// no request template.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PassthroughBehavior {
    /// Pass the body through unchanged when no template matches (the default).
    #[default]
    WhenNoMatch,
    /// Pass through only when the integration has no templates at all; 415 otherwise.
    WhenNoTemplates,
    /// Never pass through: 415 when no template matches.
    Never,
}

impl PassthroughBehavior {
    /// Parses `WHEN_NO_MATCH`, `WHEN_NO_TEMPLATES` or `NEVER` (any case).
    pub fn parse(s: &str) -> Option<PassthroughBehavior> {
        let t = s.trim();
        [
            ("WHEN_NO_MATCH", PassthroughBehavior::WhenNoMatch),
            ("WHEN_NO_TEMPLATES", PassthroughBehavior::WhenNoTemplates),
            ("NEVER", PassthroughBehavior::Never),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(t))
        .map(|(_, b)| b)
    }

    pub fn name(self) -> &'static str {
        match self {
            PassthroughBehavior::WhenNoMatch => "WHEN_NO_MATCH",
            PassthroughBehavior::WhenNoTemplates => "WHEN_NO_TEMPLATES",
            PassthroughBehavior::Never => "NEVER",
        }
    }
}

/// `contentHandling` of an integration (request) or integration response.
/// Unset means the payload passes through as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContentHandling {
    /// `CONVERT_TO_TEXT`: a binary payload becomes base64 text (text stays text).
    ConvertToText,
    /// `CONVERT_TO_BINARY`: the (text) payload is base64-decoded; a payload
    /// that is not base64 fails with 500.
    ConvertToBinary,
}

impl ContentHandling {
    pub fn parse(s: &str) -> Option<ContentHandling> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("CONVERT_TO_TEXT") {
            Some(ContentHandling::ConvertToText)
        } else if t.eq_ignore_ascii_case("CONVERT_TO_BINARY") {
            Some(ContentHandling::ConvertToBinary)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ContentHandling::ConvertToText => "CONVERT_TO_TEXT",
            ContentHandling::ConvertToBinary => "CONVERT_TO_BINARY",
        }
    }
}

/// A mapping template's text, parsed on first use (once, then shared by
/// every render, from any thread).
pub struct MappingTemplate {
    source: String,
    /// Where the template was read from, as a JSON-path-like location in its
    /// definition file (`paths./pets.get.x-amazon-apigateway-integration.requestTemplates.application/json`).
    location: Option<String>,
    compiled: OnceLock<Result<Template, crate::Error>>,
}

impl MappingTemplate {
    pub fn new(source: impl Into<String>) -> MappingTemplate {
        MappingTemplate {
            source: source.into(),
            location: None,
            compiled: OnceLock::new(),
        }
    }

    /// The template text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Where the template was read from (a JSON-path-like location in its
    /// API definition or case), when it was read from a document.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The template with the location it was read from.
    pub fn at(mut self, location: impl Into<String>) -> MappingTemplate {
        self.location = Some(location.into());
        self
    }

    /// The parsed template, or the parse error (computed once).
    pub fn compiled(&self) -> Result<&Template, &crate::Error> {
        self.compiled
            .get_or_init(|| Template::parse(&self.source))
            .as_ref()
    }
}

impl Clone for MappingTemplate {
    fn clone(&self) -> MappingTemplate {
        MappingTemplate {
            source: self.source.clone(),
            location: self.location.clone(),
            compiled: self.compiled.clone(),
        }
    }
}

impl PartialEq for MappingTemplate {
    fn eq(&self, other: &MappingTemplate) -> bool {
        self.source == other.source
    }
}

impl fmt::Debug for MappingTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MappingTemplate")
            .field(&self.source)
            .finish()
    }
}

/// Templates keyed by media type, in their listed order. A `None` value is a
/// template set to null or `""`: API Gateway stores `""` as null, and such
/// a template means "pass the body through".
pub type Templates = IndexMap<String, Option<MappingTemplate>>;

/// One integration response (`x-amazon-apigateway-integration.responses`
/// entry, `Integration.IntegrationResponses` item).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntegrationResponse {
    /// The method response status, as written (`"400"`).
    pub status_code: String,
    /// The Java regular expression that selects this response, `None` for
    /// the default response.
    pub selection_pattern: Option<JavaPattern>,
    pub response_templates: Templates,
    /// `method.response.header.NAME` → mapping expression.
    pub response_parameters: IndexMap<String, String>,
    pub content_handling: Option<ContentHandling>,
}

impl IntegrationResponse {
    /// A response with this status code and nothing else (a default response).
    pub fn new(status_code: impl Into<String>) -> IntegrationResponse {
        IntegrationResponse {
            status_code: status_code.into(),
            ..IntegrationResponse::default()
        }
    }

    /// Sets the selection pattern (`""` makes it the default response).
    pub fn with_pattern(mut self, pattern: &str) -> IntegrationResponse {
        self.selection_pattern = if pattern.is_empty() {
            None
        } else {
            Some(JavaPattern::new(pattern))
        };
        self
    }

    /// Adds a response template.
    pub fn with_template(mut self, media_type: &str, source: &str) -> IntegrationResponse {
        self.response_templates
            .insert(media_type.to_string(), template_or_none(source));
        self
    }

    /// Adds a response parameter (`method.response.header.X` → expression).
    pub fn with_parameter(mut self, key: &str, expr: &str) -> IntegrationResponse {
        self.response_parameters
            .insert(key.to_string(), expr.to_string());
        self
    }

    /// Whether this is the default response (no selection pattern).
    pub fn is_default(&self) -> bool {
        self.selection_pattern.is_none()
    }

    /// The status code as a number, when it is a valid HTTP status (100-599).
    pub fn status(&self) -> Option<u16> {
        parse_status(&self.status_code)
    }
}

/// A template from its text: `""` is no template.
pub(crate) fn template_or_none(source: &str) -> Option<MappingTemplate> {
    if source.is_empty() {
        None
    } else {
        Some(MappingTemplate::new(source))
    }
}

/// A status code written as text (`"200"`, `" 404 "`), when within 100-599.
pub(crate) fn parse_status(s: &str) -> Option<u16> {
    let t = s.trim();
    if t.is_empty() || t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<u16>().ok().filter(|s| (100..=599).contains(s))
}

/// A method's integration: what `x-amazon-apigateway-integration` or a
/// CloudFormation `AWS::ApiGateway::Method`'s `Integration` describes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Integration {
    pub integration_type: IntegrationType,
    /// The backend (a Lambda invocation ARN, an HTTP URL, ...). Kept as
    /// written: CloudFormation intrinsics such as `{"Fn::Sub": ...}` stay opaque.
    pub uri: Option<Json>,
    /// The method of the integration request (`httpMethod`, `IntegrationHttpMethod`).
    pub http_method: Option<String>,
    /// Request templates by `Content-Type`.
    pub request_templates: Templates,
    /// `integration.request.{header,querystring,path}.NAME` → mapping expression.
    pub request_parameters: IndexMap<String, String>,
    pub passthrough_behavior: PassthroughBehavior,
    /// Conversion of the integration request payload.
    pub content_handling: Option<ContentHandling>,
    /// The integration responses, in their listed order (tried in that order).
    pub responses: Vec<IntegrationResponse>,
}

impl Integration {
    /// An integration of this type and nothing else.
    pub fn new(integration_type: IntegrationType) -> Integration {
        Integration {
            integration_type,
            ..Integration::default()
        }
    }

    /// Adds an integration response.
    pub fn with_response(mut self, response: IntegrationResponse) -> Integration {
        self.responses.push(response);
        self
    }

    /// Adds a request template.
    pub fn with_request_template(mut self, media_type: &str, source: &str) -> Integration {
        self.request_templates
            .insert(media_type.to_string(), template_or_none(source));
        self
    }

    /// Sets the passthrough behaviour.
    pub fn with_passthrough(mut self, behavior: PassthroughBehavior) -> Integration {
        self.passthrough_behavior = behavior;
        self
    }
}

/// What a Lambda invocation produced.
#[derive(Clone, Debug, PartialEq)]
pub enum LambdaOutcome {
    /// A successful invocation and its result (any JSON).
    Result(Json),
    /// A failed invocation: the error object (`errorMessage`, `errorType`,
    /// `stackTrace`, ...) in its given key order, as `context.fail`,
    /// `callback(err)` or a thrown error produces it.
    Error(Json),
}

impl LambdaOutcome {
    /// An error outcome `{"errorMessage": message, "errorType": error_type}`.
    pub fn error(message: &str, error_type: &str) -> LambdaOutcome {
        let mut m = serde_json::Map::new();
        m.insert("errorMessage".into(), Json::String(message.into()));
        m.insert("errorType".into(), Json::String(error_type.into()));
        LambdaOutcome::Error(Json::Object(m))
    }

    /// The value a selection pattern is matched against: the `errorMessage`
    /// of a failed invocation (a non-string message as JSON text; missing or
    /// null: `""`), `""` for a successful one.
    pub fn selection_value(&self) -> String {
        match self {
            LambdaOutcome::Result(_) => String::new(),
            LambdaOutcome::Error(e) => match e.get("errorMessage") {
                None | Some(Json::Null) => String::new(),
                Some(Json::String(s)) => s.clone(),
                Some(other) => super::jackson::to_string(other),
            },
        }
    }

    /// The integration response body: the result or the error object,
    /// serialized compactly as API Gateway (Jackson) writes it.
    pub fn body(&self) -> String {
        match self {
            LambdaOutcome::Result(v) | LambdaOutcome::Error(v) => super::jackson::to_string(v),
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, LambdaOutcome::Error(_))
    }

    /// Reads the case format's `{"result": ANY}` / `{"error": {...}}`.
    pub fn from_case_json(v: &Json) -> Option<LambdaOutcome> {
        let obj = v.as_object()?;
        if let Some(e) = obj.get("error") {
            Some(LambdaOutcome::Error(e.clone()))
        } else {
            Some(LambdaOutcome::Result(
                obj.get("result").cloned().unwrap_or(Json::Null),
            ))
        }
    }
}

/// An HTTP backend's response (for `HTTP` integrations).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BackendResponse {
    pub status: u16,
    pub headers: Headers,
    pub body: String,
}

/// What the backend of an integration produced.
#[derive(Clone, Debug, PartialEq)]
pub enum BackendOutcome {
    Lambda(LambdaOutcome),
    Http(BackendResponse),
}

/// HTTP headers: names in order of first appearance, each with its values;
/// names compare case-insensitively and keep their first spelling.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, Vec<String>)>,
}

impl Headers {
    pub fn new() -> Headers {
        Headers::default()
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The values of a header (any spelling).
    pub fn get_all(&self, name: &str) -> Option<&[String]> {
        self.position(name)
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v.as_slice())
    }

    /// The first value of a header.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_all(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// The last value of a header.
    pub fn get_last(&self, name: &str) -> Option<&str> {
        self.get_all(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Sets a header to one value: any header of that name (any spelling) is
    /// removed and this one added at the end, with this spelling.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.remove(name);
        self.entries.push((name.to_string(), vec![value.into()]));
    }

    /// Sets a header to several values (see [`Headers::set`]).
    pub fn set_all(&mut self, name: &str, values: Vec<String>) {
        self.remove(name);
        self.entries.push((name.to_string(), values));
    }

    /// Adds a value to a header, keeping its first spelling.
    pub fn append(&mut self, name: &str, value: impl Into<String>) {
        match self.position(name) {
            Some(i) => {
                if let Some((_, v)) = self.entries.get_mut(i) {
                    v.push(value.into());
                }
            }
            None => self.entries.push((name.to_string(), vec![value.into()])),
        }
    }

    /// Removes a header (any spelling).
    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Every header with its values, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_slice()))
    }

    /// Every header with its values joined by `,` (as the case format reports them).
    pub fn joined(&self) -> IndexMap<String, String> {
        self.entries
            .iter()
            .map(|(n, v)| (n.clone(), v.join(",")))
            .collect()
    }
}

impl<N: Into<String>, V: Into<String>> FromIterator<(N, V)> for Headers {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Headers {
        let mut h = Headers::new();
        for (n, v) in iter {
            let n: String = n.into();
            h.append(&n, v);
        }
        h
    }
}

/// The request a client sent to a method, as API Gateway passes it on.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MethodRequest {
    /// `GET`, `POST`, ...
    pub http_method: String,
    /// The resource (route) path template, `/pets/{id}`.
    pub resource: String,
    /// The concrete request path, `/pets/7` (without the stage).
    pub path: String,
    /// Path parameters (`{id}` → `7`, `{proxy+}` → `a/b`).
    pub path_parameters: IndexMap<String, String>,
    /// Query string parameters, each with all its values.
    pub querystring: IndexMap<String, Vec<String>>,
    /// Headers, each with all its values.
    pub headers: Headers,
    /// The payload, `None` when the request has none.
    pub body: Option<String>,
    /// `$context` values, nested (`{"identity": {"sourceIp": ...}}`).
    pub context: Json,
    /// Stage variables.
    pub stage_variables: IndexMap<String, String>,
}

impl MethodRequest {
    /// What a mapping template of this request sees, with `body` as
    /// `$input.body`. A repeated query parameter or header gives its last
    /// value, as in the proxy event's `queryStringParameters` and `headers`.
    pub fn invocation(&self, body: String) -> crate::Invocation {
        crate::Invocation {
            body,
            path: self.path_parameters.clone(),
            querystring: self
                .querystring
                .iter()
                .filter_map(|(k, v)| v.last().map(|last| (k.clone(), last.clone())))
                .collect(),
            header: self
                .headers
                .iter()
                .filter_map(|(k, v)| v.last().map(|last| (k.to_string(), last.clone())))
                .collect(),
            context: self.context.clone(),
            stage_variables: self.stage_variables.clone(),
        }
    }

    /// The first media type of the `Accept` header, without parameters.
    pub fn accept(&self) -> Option<&str> {
        first_media_type(self.headers.get("Accept")?)
    }

    /// The media type of the `Content-Type` header, without parameters.
    pub fn content_type(&self) -> Option<&str> {
        first_media_type(self.headers.get("Content-Type")?)
    }
}

/// `text/html, application/json;q=0.9` → `text/html`; empty → None.
pub(crate) fn first_media_type(header: &str) -> Option<&str> {
    let first = header.split(',').next()?.split(';').next()?.trim();
    if first.is_empty() { None } else { Some(first) }
}

/// The HTTP response a client receives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Headers,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> HttpResponse {
        HttpResponse {
            status,
            headers: Headers::new(),
            body: body.into(),
        }
    }

    /// 500 `{"message": "Internal server error"}`.
    pub fn internal_server_error() -> HttpResponse {
        HttpResponse::new(500, INTERNAL_SERVER_ERROR_BODY)
    }

    /// 502 `{"message": "Internal server error"}` (a malformed proxy result).
    pub fn bad_gateway() -> HttpResponse {
        HttpResponse::new(502, INTERNAL_SERVER_ERROR_BODY)
    }

    /// 415 `{"message": "Unsupported Media Type"}`.
    pub fn unsupported_media_type() -> HttpResponse {
        HttpResponse::new(415, UNSUPPORTED_MEDIA_TYPE_BODY)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}
