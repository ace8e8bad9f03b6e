//! Gateway cases: read into a [`GatewayCase`] and run through
//! [`crate::gateway`], their integration inline or a route of an
//! [`ApiDefinition`].

use super::doc::Node;
use super::run::Actual;
use crate::gateway::{
    ApiDefinition, CaseError as RunError, Execution, GatewayCase, IntegrationType, run_case,
};

/// Reads a gateway case. The error is the faulty field's path within the
/// case (`integration.responses[1].statusCode`, empty for the case itself)
/// and what is wrong with it.
pub fn read(node: &Node) -> Result<GatewayCase, (String, String)> {
    let case = GatewayCase::from_json(&node.to_json()).map_err(|e| locate_error(node, &e))?;
    // An inline integration says what outcome it needs; a route's is known
    // only when the case runs against its definition.
    if let Some(i) = &case.integration {
        let missing = match i.integration_type {
            IntegrationType::Aws | IntegrationType::AwsProxy if case.lambda.is_none() => {
                Some("lambda")
            }
            IntegrationType::Http | IntegrationType::HttpProxy if case.http.is_none() => {
                Some("http")
            }
            _ => None,
        };
        if let Some(field) = missing {
            let what = if field == "lambda" {
                "the Lambda function's outcome, `{\"result\": ...}` or `{\"error\": {...}}`"
            } else {
                "the HTTP backend's response, `{\"status\": 200, \"headers\": {...}, \"body\": \"...\"}`"
            };
            return Err((
                String::new(),
                format!(
                    "an {} integration needs `{field}`: {what}",
                    i.integration_type
                ),
            ));
        }
    }
    Ok(case)
}

/// An error of the gateway module's readers, `integration.responses[1].statusCode:
/// missing ...`, as the path within `node` and the message. The path is the
/// prefix (ending at one of the `": "`) that leads deepest into `node`: keys
/// may hold `": "` themselves (a selection pattern such as `Bad Request: .*`).
/// No path found: the path is empty and the message the whole error.
pub fn locate_error(node: &Node, error: &str) -> (String, String) {
    let mut best: Option<(usize, &str, &str)> = None;
    for (at, _) in error.match_indices(": ") {
        let (path, rest) = (&error[..at], &error[at + 2..]);
        let (_, used) = node.locate(path);
        if used > 0 && best.is_none_or(|(u, _, _)| used > u) {
            best = Some((used, path, rest));
        }
    }
    match best {
        Some((_, path, message)) => (path.to_owned(), message.to_owned()),
        None => (String::new(), error.to_owned()),
    }
}

/// Runs a gateway case: its own integration, or its route's in `api`.
pub fn execute(case: &GatewayCase, api: Option<&ApiDefinition>) -> Result<Execution, RunError> {
    run_case(case, api)
}

/// The response of an execution as a case's result: the status, every
/// header (several values joined by `,`) and the body as text.
pub fn actual(execution: &Execution) -> Actual {
    let r = &execution.response;
    Actual::Output {
        body: r.body_text().into_owned(),
        status: Some(i64::from(r.status)),
        headers: r.headers.joined(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::doc::parse_json;

    fn read_err(json: &str) -> (String, String) {
        read(&parse_json(json).unwrap()).unwrap_err()
    }

    #[test]
    fn errors_are_located_in_the_case() {
        assert_eq!(
            read_err(
                r#"{"integration": {"type": "AWS", "responses": [{"statusCode": "200"}, {}]}, "lambda": {"result": 1}}"#
            ),
            (
                "integration.responses[1].statusCode".into(),
                "missing (the method response status)".into()
            )
        );
        assert_eq!(
            read_err(
                r#"{"integration": {"type": "AWS", "responses": {"Bad: .*": {"statusCode": "x"}}}, "lambda": {"result": 1}}"#
            ),
            (
                "integration.responses.Bad: .*.statusCode".into(),
                "\"x\" is not an HTTP status code (100-599)".into()
            )
        );
        assert_eq!(
            read_err(r#"{"integration": {"type": "AWS_PROXY"}}"#),
            (
                String::new(),
                "an AWS_PROXY integration needs `lambda`: the Lambda function's outcome, `{\"result\": ...}` or `{\"error\": {...}}`".into()
            )
        );
        assert_eq!(
            read_err(r#"{"route": 7}"#),
            (
                "route".into(),
                "expected a string such as \"GET /pets/{id}\"".into()
            )
        );
    }

    #[test]
    fn the_response_is_the_result() {
        let case = read(
            &parse_json(
                r#"{"integration": {"type": "AWS_PROXY"},
                    "lambda": {"result": {"statusCode": 201, "headers": {"A": "1"}, "multiValueHeaders": {"B": ["2", "3"]}, "body": "x"}}}"#,
            )
            .unwrap(),
        )
        .unwrap();
        let exec = execute(&case, None).unwrap();
        assert_eq!(
            actual(&exec),
            Actual::Output {
                body: "x".into(),
                status: Some(201),
                headers: [("B", "2,3"), ("A", "1")]
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            }
        );
    }
}
