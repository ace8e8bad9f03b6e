//! `apigw-vtl gateway`: the HTTP response of a route. Needs the gateway module.

use super::args::GatewayArgs;
use super::diag;
use super::term::Term;

/// The message for everything that waits on the gateway module.
pub const NOT_AVAILABLE: &str = "needs the gateway module, which is not available yet";

pub fn run(term: &mut Term, args: &GatewayArgs) -> u8 {
    // HOOK: load `args.api` (OpenAPI/Swagger/SAM), find `args.route`, read
    // the Lambda result or error, build the method request from
    // `args.request` and `args.body` (see input::invocation), run it through
    // the gateway module and print the status line, headers and body (or,
    // with `args.json`, {"status", "headers", "body"}). Exit 1 when the
    // response is a 5xx caused by a template failure.
    let _ = (
        &args.api,
        &args.route,
        &args.lambda_result,
        &args.lambda_error,
        args.json,
    );
    let d = diag::plain(
        &format!("`apigw-vtl gateway` {NOT_AVAILABLE}"),
        &[],
        Some("render the integration response's template with `apigw-vtl render` meanwhile"),
    );
    let painted = diag::paint(term.err_style, &d);
    term.err(&painted);
    2
}
