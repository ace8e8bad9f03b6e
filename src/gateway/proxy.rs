//! Lambda proxy integrations (`AWS_PROXY`): the request event (version 1.0)
//! and the validation of the function's result.

use super::model::{HttpResponse, LambdaOutcome, MethodRequest};
use serde_json::{Map, Value as Json};
use std::fmt;

/// Why a Lambda proxy result is malformed (the client gets 502).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MalformedProxyResponse(pub String);

impl fmt::Display for MalformedProxyResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Malformed Lambda proxy response: {}", self.0)
    }
}

impl std::error::Error for MalformedProxyResponse {}

const PROXY_KEYS: [&str; 5] = [
    "statusCode",
    "headers",
    "multiValueHeaders",
    "body",
    "isBase64Encoded",
];

fn malformed<T>(why: impl Into<String>) -> Result<T, MalformedProxyResponse> {
    Err(MalformedProxyResponse(why.into()))
}

/// A scalar header value as text; `None` for an object or array.
fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Array(_) | Json::Object(_) => None,
        other => Some(super::jackson::to_string(other)),
    }
}

/// The HTTP response for a Lambda proxy outcome. A function error, or a
/// result that is not `{statusCode, headers, multiValueHeaders, body,
/// isBase64Encoded}` with the right types, is malformed.
///
/// A missing `statusCode` is 200, a missing or null `body` is empty.
/// `multiValueHeaders` come first, then `headers`, merged under one
/// case-insensitive name (first spelling); repeated values are kept once; a
/// `multiValueHeaders` array without values gives the header with no value.
/// The body is returned as given, also when `isBase64Encoded` is true (no
/// binary media types are modelled).
pub fn proxy_response(outcome: &LambdaOutcome) -> Result<HttpResponse, MalformedProxyResponse> {
    let res = match outcome {
        LambdaOutcome::Error(_) => return malformed("the function failed"),
        LambdaOutcome::Result(Json::Object(m)) => m,
        LambdaOutcome::Result(_) => return malformed("the result is not a JSON object"),
    };
    if let Some(k) = res.keys().find(|k| !PROXY_KEYS.contains(&k.as_str())) {
        return malformed(format!("unexpected field {k:?}"));
    }
    let mut out = HttpResponse::new(200, Vec::new());
    match res.get("statusCode") {
        None | Some(Json::Null) => {}
        Some(Json::Number(n)) => match n.as_i64() {
            Some(s) if (100..=599).contains(&s) => out.status = s as u16,
            _ => return malformed(format!("statusCode {n} is not an HTTP status")),
        },
        Some(Json::String(s)) => {
            match (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u16>().ok())
                .flatten()
            {
                Some(st) if (100..=599).contains(&st) => out.status = st,
                _ => return malformed(format!("statusCode {s:?} is not an HTTP status")),
            }
        }
        Some(_) => return malformed("statusCode is not a number"),
    }

    let add = |name: &str, value: String, out: &mut HttpResponse| {
        if out
            .headers
            .get_all(name)
            .is_some_and(|v| v.contains(&value))
        {
            return;
        }
        out.headers.append(name, value);
    };
    match res.get("multiValueHeaders") {
        None | Some(Json::Null) => {}
        Some(Json::Object(m)) => {
            for (name, values) in m {
                match values {
                    Json::Null => {}
                    Json::Array(items) => {
                        // The header exists from here on, even when the array
                        // holds no value (it then reads as "", as the oracle
                        // has it; AWS is not documented for an empty array).
                        if out.headers.get_all(name).is_none() {
                            out.headers.set_all(name, Vec::new());
                        }
                        for v in items {
                            if v.is_null() {
                                continue;
                            }
                            let Some(text) = scalar_text(v) else {
                                return malformed(format!(
                                    "multiValueHeaders.{name} holds a non-scalar value"
                                ));
                            };
                            add(name, text, &mut out);
                        }
                    }
                    _ => return malformed(format!("multiValueHeaders.{name} is not an array")),
                }
            }
        }
        Some(_) => return malformed("multiValueHeaders is not an object"),
    }
    match res.get("headers") {
        None | Some(Json::Null) => {}
        Some(Json::Object(m)) => {
            for (name, v) in m {
                if v.is_null() {
                    continue;
                }
                let Some(text) = scalar_text(v) else {
                    return malformed(format!("headers.{name} is not a scalar"));
                };
                add(name, text, &mut out);
            }
        }
        Some(_) => return malformed("headers is not an object"),
    }

    match res.get("body") {
        None | Some(Json::Null) => {}
        Some(Json::String(s)) => out.body = s.clone().into_bytes(),
        Some(_) => return malformed("body is not a string"),
    }
    match res.get("isBase64Encoded") {
        None | Some(Json::Null) | Some(Json::Bool(_)) => {}
        Some(_) => return malformed("isBase64Encoded is not a boolean"),
    }
    Ok(out)
}

fn string_map<'a>(it: impl Iterator<Item = (&'a str, &'a str)>) -> Json {
    let m: Map<String, Json> = it
        .map(|(k, v)| (k.to_string(), Json::String(v.to_string())))
        .collect();
    if m.is_empty() {
        Json::Null
    } else {
        Json::Object(m)
    }
}

fn multi_map<'a>(it: impl Iterator<Item = (&'a str, &'a [String])>) -> Json {
    let m: Map<String, Json> = it
        .map(|(k, v)| {
            let values = v.iter().map(|s| Json::String(s.clone())).collect();
            (k.to_string(), Json::Array(values))
        })
        .collect();
    if m.is_empty() {
        Json::Null
    } else {
        Json::Object(m)
    }
}

/// The Lambda proxy request event (payload format 1.0) for a method request.
///
/// Single-value maps hold the last value of a repeated header or query
/// parameter; empty maps are `null`. `requestContext` is the request's
/// context as given, with `resourcePath` and `httpMethod` added when it
/// lacks them (nothing else is invented).
pub fn proxy_event(request: &MethodRequest) -> Json {
    let mut e = Map::new();
    e.insert("resource".into(), Json::String(request.resource.clone()));
    e.insert("path".into(), Json::String(request.path.clone()));
    e.insert(
        "httpMethod".into(),
        Json::String(request.http_method.clone()),
    );
    e.insert(
        "headers".into(),
        string_map(
            request
                .headers
                .iter()
                .filter_map(|(k, v)| v.last().map(|l| (k, l.as_str()))),
        ),
    );
    e.insert(
        "multiValueHeaders".into(),
        multi_map(request.headers.iter()),
    );
    e.insert(
        "queryStringParameters".into(),
        string_map(
            request
                .querystring
                .iter()
                .filter_map(|(k, v)| v.last().map(|l| (k.as_str(), l.as_str()))),
        ),
    );
    e.insert(
        "multiValueQueryStringParameters".into(),
        multi_map(
            request
                .querystring
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_slice())),
        ),
    );
    e.insert(
        "pathParameters".into(),
        string_map(
            request
                .path_parameters
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        ),
    );
    e.insert(
        "stageVariables".into(),
        string_map(
            request
                .stage_variables
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        ),
    );
    let mut ctx = match &request.context {
        Json::Object(m) => m.clone(),
        _ => Map::new(),
    };
    if !ctx.contains_key("resourcePath") && !request.resource.is_empty() {
        ctx.insert(
            "resourcePath".into(),
            Json::String(request.resource.clone()),
        );
    }
    if !ctx.contains_key("httpMethod") && !request.http_method.is_empty() {
        ctx.insert(
            "httpMethod".into(),
            Json::String(request.http_method.clone()),
        );
    }
    e.insert("requestContext".into(), Json::Object(ctx));
    e.insert(
        "body".into(),
        request.body.clone().map_or(Json::Null, Json::String),
    );
    e.insert("isBase64Encoded".into(), Json::Bool(false));
    Json::Object(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Status, headers joined by `,`, body.
    type Hs = Vec<(String, String)>;
    type Outcome = (u16, Hs, String);

    fn run(result: Json) -> Result<Outcome, MalformedProxyResponse> {
        proxy_response(&LambdaOutcome::Result(result)).map(|r| {
            let body = r.body_text().into_owned();
            (r.status, r.headers.joined().into_iter().collect(), body)
        })
    }

    #[test]
    fn valid_results() {
        let h = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        // (result, status, headers joined by ",", body); DECISIONS #21-#22.
        let table: Vec<(Json, u16, Hs, &str)> = vec![
            (
                json!({"statusCode": 201, "body": "created"}),
                201,
                h(&[]),
                "created",
            ),
            (json!({"statusCode": "202", "body": "x"}), 202, h(&[]), "x"),
            (json!({}), 200, h(&[]), ""),
            (json!({"body": "no status"}), 200, h(&[]), "no status"),
            (json!({"statusCode": 204, "body": null}), 204, h(&[]), ""),
            (
                json!({"statusCode": 200, "isBase64Encoded": true, "body": "aGk="}),
                200,
                h(&[]),
                "aGk=",
            ),
            (
                json!({"statusCode": 200, "headers": {"A": "1", "B": 2, "C": true, "D": null}}),
                200,
                h(&[("A", "1"), ("B", "2"), ("C", "true")]),
                "",
            ),
            (
                json!({"multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}}),
                200,
                h(&[("Set-Cookie", "a=1,b=2")]),
                "",
            ),
            (
                json!({"headers": {"X-A": "single"}, "multiValueHeaders": {"X-A": ["m1", "m2"]}}),
                200,
                h(&[("X-A", "m1,m2,single")]),
                "",
            ),
            (
                json!({"multiValueHeaders": {"tesT-Multi": ["value-multi"]}, "headers": {"test-multi": "value-solo"}}),
                200,
                h(&[("tesT-Multi", "value-multi,value-solo")]),
                "",
            ),
            (
                json!({"headers": {"X": "v"}, "multiValueHeaders": {"x": ["v"]}}),
                200,
                h(&[("x", "v")]),
                "",
            ),
        ];
        for (result, status, headers, body) in table {
            assert_eq!(
                run(result.clone()),
                Ok((status, headers, body.to_string())),
                "{result}"
            );
        }
    }

    #[test]
    fn malformed_results() {
        let table = [
            json!({"statusCode": 200, "body": {"a": 1}}),
            json!({"statusCode": 200, "body": "x", "extra": 1}),
            json!("just a string"),
            json!(null),
            json!([1]),
            json!({"statusCode": "abc"}),
            json!({"statusCode": "20"}),
            json!({"statusCode": 99}),
            json!({"statusCode": 600}),
            json!({"statusCode": 200.5}),
            json!({"statusCode": true}),
            json!({"headers": {"a": {"b": 1}}}),
            json!({"headers": ["a"]}),
            json!({"multiValueHeaders": {"a": "b"}}),
            json!({"multiValueHeaders": {"a": [["b"]]}}),
            json!({"body": 1}),
            json!({"isBase64Encoded": "true"}),
        ];
        for result in table {
            assert!(run(result.clone()).is_err(), "{result}");
        }
        assert!(proxy_response(&LambdaOutcome::error("x", "Error")).is_err());
    }

    #[test]
    fn event_shape() {
        let mut request = MethodRequest {
            http_method: "GET".into(),
            resource: "/pets/{id}".into(),
            path: "/pets/7".into(),
            context: json!({"requestId": "r-1"}),
            ..MethodRequest::default()
        };
        let empty = proxy_event(&request);
        assert_eq!(
            empty,
            json!({
                "resource": "/pets/{id}", "path": "/pets/7", "httpMethod": "GET",
                "headers": null, "multiValueHeaders": null,
                "queryStringParameters": null, "multiValueQueryStringParameters": null,
                "pathParameters": null, "stageVariables": null,
                "requestContext": {"requestId": "r-1", "resourcePath": "/pets/{id}", "httpMethod": "GET"},
                "body": null, "isBase64Encoded": false
            })
        );
        request.path_parameters.insert("id".into(), "7".into());
        request
            .querystring
            .insert("q".into(), vec!["1".into(), "2".into()]);
        request.headers.append("H", "a");
        request.headers.append("h", "b");
        request.body = Some("{}".into());
        let e = proxy_event(&request);
        assert_eq!(e["queryStringParameters"], json!({"q": "2"}));
        assert_eq!(
            e["multiValueQueryStringParameters"],
            json!({"q": ["1", "2"]})
        );
        assert_eq!(e["headers"], json!({"H": "b"}));
        assert_eq!(e["multiValueHeaders"], json!({"H": ["a", "b"]}));
        assert_eq!(e["pathParameters"], json!({"id": "7"}));
        assert_eq!(e["body"], json!("{}"));
    }
}
