//! One method end to end: method request → integration request → backend →
//! integration response → HTTP response.

use super::model::{BackendOutcome, HttpResponse, Integration, IntegrationType, MethodRequest};
use super::proxy::{proxy_event, proxy_response};
use super::request::{IntegrationRequest, map_request, mock_status_code};
use super::response::{IntegrationOutput, respond};
use super::{Execution, Trace};

/// Runs a method: maps the request, calls `invoke` with the integration
/// request (not called for `MOCK`, nor when the request is refused), and
/// maps the backend's outcome to the HTTP response, as API Gateway does for
/// the integration's type:
///
/// - `AWS`, `HTTP`: request template by `Content-Type` (415 per
///   `passthroughBehavior`), then the integration responses.
/// - `MOCK`: the request template's `statusCode` selects the integration
///   response (no request template: the default response).
/// - `AWS_PROXY`: the v1.0 proxy event is the payload; the result must be a
///   valid proxy response, else 502.
/// - `HTTP_PROXY`: the request and the backend's response pass through.
///
/// A backend outcome of the wrong kind for the type (an HTTP response for a
/// Lambda integration, ...) gives 500.
pub fn execute<F>(integration: &Integration, request: &MethodRequest, invoke: F) -> Execution
where
    F: FnOnce(&IntegrationRequest) -> BackendOutcome,
{
    let mut trace = Trace::default();
    let response = execute_traced(integration, request, invoke, &mut trace);
    Execution { response, trace }
}

fn execute_traced<F>(
    integration: &Integration,
    request: &MethodRequest,
    invoke: F,
    trace: &mut Trace,
) -> HttpResponse
where
    F: FnOnce(&IntegrationRequest) -> BackendOutcome,
{
    match integration.integration_type {
        IntegrationType::AwsProxy => {
            let event = proxy_event(request);
            let ir = IntegrationRequest {
                http_method: integration.http_method.clone(),
                uri: integration.uri.clone(),
                body: super::jackson::to_string(&event).into_bytes(),
                ..IntegrationRequest::default()
            };
            trace.integration_request = Some(ir.clone());
            match invoke(&ir) {
                BackendOutcome::Lambda(outcome) => match proxy_response(&outcome) {
                    Ok(r) => r,
                    Err(e) => {
                        trace.notes.push(e.to_string());
                        HttpResponse::bad_gateway()
                    }
                },
                BackendOutcome::Http(_) => wrong_kind(integration, trace),
            }
        }
        IntegrationType::HttpProxy => {
            let ir = IntegrationRequest {
                http_method: Some(
                    integration
                        .http_method
                        .clone()
                        .unwrap_or_else(|| request.http_method.clone()),
                ),
                uri: integration.uri.clone(),
                path: request.path_parameters.clone(),
                querystring: request.querystring.clone(),
                headers: request.headers.clone(),
                body: request.body.clone().unwrap_or_default().into_bytes(),
            };
            trace.integration_request = Some(ir.clone());
            match invoke(&ir) {
                BackendOutcome::Http(r) => HttpResponse {
                    status: r.status,
                    headers: r.headers,
                    body: r.body.into_bytes(),
                },
                BackendOutcome::Lambda(_) => wrong_kind(integration, trace),
            }
        }
        IntegrationType::Aws | IntegrationType::Http => {
            let (ir, carried) = match map_request(integration, request, trace) {
                Ok(x) => x,
                Err(refused) => return refused,
            };
            let output = match (integration.integration_type, invoke(&ir)) {
                (IntegrationType::Aws, BackendOutcome::Lambda(o)) => IntegrationOutput::lambda(&o),
                (IntegrationType::Http, BackendOutcome::Http(r)) => IntegrationOutput::http(&r),
                _ => return wrong_kind(integration, trace),
            };
            respond(
                &integration.responses,
                &output,
                request,
                carried.as_ref(),
                trace,
            )
        }
        IntegrationType::Mock => {
            let (ir, carried) = match map_request(integration, request, trace) {
                Ok(x) => x,
                Err(refused) => return refused,
            };
            let status = mock_status_code(&ir.body_text());
            if status.is_none() && trace.request_template.is_some() {
                trace.notes.push(
                    "MOCK: the request template did not produce an integer statusCode".into(),
                );
                return HttpResponse::internal_server_error();
            }
            respond(
                &integration.responses,
                &IntegrationOutput::mock(status),
                request,
                carried.as_ref(),
                trace,
            )
        }
    }
}

fn wrong_kind(integration: &Integration, trace: &mut Trace) -> HttpResponse {
    trace.notes.push(format!(
        "the backend's outcome does not fit a {} integration",
        integration.integration_type
    ));
    HttpResponse::internal_server_error()
}
