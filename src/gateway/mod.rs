//! What API Gateway does around a mapping template: the request and response
//! paths of a REST API method, and the API definitions that describe them.
//!
//! - [`execute`] runs one method: [`MethodRequest`] → integration request
//!   ([`map_request`]: request template by `Content-Type`,
//!   `passthroughBehavior`, `requestParameters`, `requestOverride`) →
//!   backend ([`BackendOutcome`]) → integration response ([`respond`]:
//!   selection by a Java regular expression, template by `Accept`,
//!   `responseParameters`, `responseOverride`) → [`HttpResponse`]. Lambda
//!   proxy integrations go through [`proxy_event`] and [`proxy_response`].
//! - [`GatewayCase`] is a gateway case of the test-case format, and
//!   [`run_case`] runs one.
//! - [`ApiDefinition`] loads OpenAPI 3, Swagger 2, SAM and CloudFormation
//!   files into routes, and routes a concrete request to one.
//!
//! Nothing here fails at run time: every failure API Gateway turns into a
//! response (500, 502, 415) is that response, and the [`Trace`] says why.

mod case;
mod definition;
mod jackson;
mod method;
mod model;
mod proxy;
mod regex;
mod request;
mod response;
mod routing;

pub use case::{CaseError, CaseRequest, GatewayCase, GatewayExpect, run_case};
pub use definition::{ApiDefinition, DefinitionFormat, LoadError, Route};
pub use jackson::to_string as jackson_json;
pub use method::execute;
pub use model::{
    BackendOutcome, BackendResponse, ContentHandling, Headers, HttpResponse,
    INTERNAL_SERVER_ERROR_BODY, Integration, IntegrationResponse, IntegrationType, LambdaOutcome,
    MappingTemplate, MethodRequest, PassthroughBehavior, Templates, UNSUPPORTED_MEDIA_TYPE_BODY,
};
pub use proxy::{MalformedProxyResponse, proxy_event, proxy_response};
pub use regex::JavaPattern;
pub use request::{
    IntegrationRequest, RequestTemplateChoice, choose_request_template, map_request,
    map_request_parameter, mock_status_code,
};
pub use response::{
    IntegrationOutput, choose_response_template, map_response_parameter, respond, select_response,
};
pub use routing::{RouteMatch, RouteMiss, parse_route_key};

use indexmap::IndexMap;

/// The `responseOverride` a template set: the status (applied only within
/// 100-599) and headers (replacing mapped headers of the same name).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseOverride {
    pub status: Option<i32>,
    pub headers: IndexMap<String, String>,
}

impl ResponseOverride {
    /// Applies the override to a response.
    pub fn apply(&self, response: &mut HttpResponse) {
        if let Some(s) = self.status.and_then(|s| u16::try_from(s).ok())
            && (100..=599).contains(&s)
        {
            response.status = s;
        }
        for (name, value) in &self.headers {
            response.headers.set(name, value.clone());
        }
    }
}

/// What happened on the way to a response: for explaining it (the CLI) and
/// for tests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trace {
    /// The request sent to the backend, when one was made.
    pub integration_request: Option<IntegrationRequest>,
    /// The media type of the request template used.
    pub request_template: Option<String>,
    /// The value selection patterns were matched against.
    pub selection_value: Option<String>,
    /// The index of the integration response selected.
    pub selected_response: Option<usize>,
    /// The media type of the response template used.
    pub response_template: Option<String>,
    /// Whether a mapping template was parsed and rendered.
    pub rendered_template: bool,
    /// The error of a template that failed (parse or render).
    pub template_error: Option<crate::Error>,
    /// Everything else worth knowing (ignored parameters, invalid patterns,
    /// why a response is 500/502/415), in order.
    pub notes: Vec<String>,
}

/// A method's outcome: the response and how it came about.
#[derive(Clone, Debug, PartialEq)]
pub struct Execution {
    pub response: HttpResponse,
    pub trace: Trace,
}
