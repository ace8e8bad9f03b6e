//! Calling backends over HTTP/1.1: the Lambda Invoke API
//! (`POST {endpoint}/2015-03-31/functions/{name}/invocations`, which
//! `sam local start-lambda`, the Lambda Runtime Interface Emulator and
//! LocalStack expose) and plain `http://` backends of `HTTP`/`HTTP_PROXY`
//! integrations. No TLS and no request signing: local endpoints only.

use super::target::LambdaFunction;
use crate::gateway::{Headers, LambdaOutcome};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value as Json;
use std::fmt;
use std::time::Duration;

/// Largest backend response read (Lambda's own limit is 6 MB; API
/// Gateway's payload limit is 10 MB).
pub const MAX_BACKEND_RESPONSE: usize = 10 * 1024 * 1024;

/// The HTTP client every backend call goes through (pooled keep-alive
/// connections; plain TCP).
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

pub fn client() -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(Duration::from_secs(10)));
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector)
}

/// Why a backend gave no answer. API Gateway answers 504 for a timeout,
/// and we answer 502 for the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendFailure {
    /// No answer within the integration timeout.
    Timeout(Duration),
    /// The connection failed (refused, reset, DNS, ...).
    Unreachable(String),
    /// An answer that is not a usable one (the Invoke API's own errors such
    /// as 404 ResourceNotFoundException, a body over the limit, ...).
    Invalid(String),
}

impl fmt::Display for BackendFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendFailure::Timeout(d) => write!(
                f,
                "Execution failed due to a timeout error: no answer within {}",
                seconds(*d)
            ),
            BackendFailure::Unreachable(why) => write!(f, "{why}"),
            BackendFailure::Invalid(why) => write!(f, "{why}"),
        }
    }
}

/// `29 s`, `1.5 s`.
pub fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{} s", d.as_secs_f64())
    }
}

/// The Lambda Invoke API endpoint: `http://host:port` with an optional path prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LambdaEndpoint {
    /// `http://127.0.0.1:3001` (no trailing `/`).
    base: String,
}

impl LambdaEndpoint {
    /// Checks an endpoint URL: `http://HOST[:PORT][/PREFIX]`. HTTPS is refused
    /// (no TLS: local emulators speak plain HTTP).
    pub fn parse(url: &str) -> Result<LambdaEndpoint, String> {
        let url = url.trim();
        if url.starts_with("https://") {
            return Err(format!(
                "{url}: https endpoints are not supported (serve talks plain HTTP to a local Lambda emulator such as `sam local start-lambda`)"
            ));
        }
        let with_scheme = if url.contains("://") {
            url.to_string()
        } else {
            format!("http://{url}")
        };
        let uri: Uri = with_scheme
            .parse()
            .map_err(|e| format!("{url}: not a URL: {e}"))?;
        if uri.scheme_str() != Some("http") {
            return Err(format!("{url}: only http:// endpoints are supported"));
        }
        if uri.authority().is_none() {
            return Err(format!("{url}: no host"));
        }
        if uri.query().is_some() {
            return Err(format!("{url}: an endpoint has no query string"));
        }
        Ok(LambdaEndpoint {
            base: with_scheme.trim_end_matches('/').to_string(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// `{endpoint}/2015-03-31/functions/{name}/invocations[?Qualifier=Q]`.
    pub fn invocation_url(&self, f: &LambdaFunction) -> String {
        let mut url = format!(
            "{}/2015-03-31/functions/{}/invocations",
            self.base,
            encode_component(&f.name)
        );
        if let Some(q) = &f.qualifier {
            url.push_str("?Qualifier=");
            url.push_str(&encode_component(q));
        }
        url
    }
}

/// Percent-encodes what may not stand in a path segment or query value.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Like [`encode_component`], keeping `/` (a greedy path parameter's value
/// put into a URL path).
fn encode_path(s: &str) -> String {
    s.split('/')
        .map(encode_component)
        .collect::<Vec<_>>()
        .join("/")
}

/// What the Invoke API answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Invoked {
    pub outcome: LambdaOutcome,
    /// The payload as received (for `--verbose`).
    pub payload: Bytes,
    /// The `X-Amz-Function-Error` value (`Unhandled`, `Handled`), if any.
    pub function_error: Option<String>,
    /// A remark on a payload that is not JSON.
    pub note: Option<String>,
}

/// The outcome of an Invoke API answer: a function error when the
/// `X-Amz-Function-Error` header is present, else the result. The payload
/// is JSON; an empty payload is `null`; one that is not JSON is taken as a
/// string (an error payload as `{"errorMessage": TEXT}`).
pub fn lambda_outcome(payload: &[u8], function_error: bool) -> (LambdaOutcome, Option<String>) {
    let text = String::from_utf8_lossy(payload);
    let (json, note) = if text.trim().is_empty() {
        (Json::Null, None)
    } else {
        match serde_json::from_str::<Json>(&text) {
            Ok(v) => (v, None),
            Err(e) => (
                Json::String(text.clone().into_owned()),
                Some(format!(
                    "the Lambda payload is not JSON ({e}); taken as a string"
                )),
            ),
        }
    };
    if function_error {
        let error = match json {
            Json::String(s) if note.is_some() => {
                let mut m = serde_json::Map::new();
                m.insert("errorMessage".into(), Json::String(s));
                Json::Object(m)
            }
            other => other,
        };
        (LambdaOutcome::Error(error), note)
    } else {
        (LambdaOutcome::Result(json), note)
    }
}

/// The reason a connection error gives, without hyper's wrapping.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Sends a request and reads the whole answer within `timeout`.
async fn send(
    client: &HttpClient,
    request: Request<Full<Bytes>>,
    timeout: Duration,
    what: &str,
) -> Result<(hyper::http::response::Parts, Bytes), BackendFailure> {
    let call = async {
        let response = client.request(request).await.map_err(|e| {
            if e.is_connect() {
                BackendFailure::Unreachable(format!("{what} is unreachable: {}", root_cause(&e)))
            } else {
                BackendFailure::Unreachable(format!("{what} failed: {}", root_cause(&e)))
            }
        })?;
        let (parts, body) = response.into_parts();
        let body = Limited::new(body, MAX_BACKEND_RESPONSE)
            .collect()
            .await
            .map_err(|e| BackendFailure::Invalid(format!("{what}: cannot read the answer: {e}")))?
            .to_bytes();
        Ok((parts, body))
    };
    match tokio::time::timeout(timeout, call).await {
        Ok(r) => r,
        Err(_) => Err(BackendFailure::Timeout(timeout)),
    }
}

/// Invokes a function synchronously (`RequestResponse`) with `payload`.
pub async fn invoke(
    client: &HttpClient,
    endpoint: &LambdaEndpoint,
    function: &LambdaFunction,
    payload: Vec<u8>,
    timeout: Duration,
) -> Result<Invoked, BackendFailure> {
    let url = endpoint.invocation_url(function);
    let request = Request::builder()
        .method(Method::POST)
        .uri(&url)
        .header("content-type", "application/json")
        .header("x-amz-invocation-type", "RequestResponse")
        .header("x-amz-log-type", "None")
        .body(Full::new(Bytes::from(payload)))
        .map_err(|e| BackendFailure::Invalid(format!("{url}: {e}")))?;
    let what = format!("the Lambda Invoke API at {}", endpoint.as_str());
    let (parts, body) = send(client, request, timeout, &what)
        .await
        .map_err(|f| match f {
            BackendFailure::Unreachable(why) => BackendFailure::Unreachable(format!(
                "{why} (is `sam local start-lambda` or another Lambda emulator running there? see --lambda-endpoint)"
            )),
            other => other,
        })?;
    if !parts.status.is_success() {
        let kind = parts
            .headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        let text: String = text.chars().take(300).collect();
        return Err(BackendFailure::Invalid(format!(
            "{what} answered {}{kind} for function {:?}: {text}",
            parts.status.as_u16(),
            function.name
        )));
    }
    let function_error = parts
        .headers
        .get("x-amz-function-error")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let (outcome, note) = lambda_outcome(&body, function_error.is_some());
    Ok(Invoked {
        outcome,
        payload: body,
        function_error,
        note,
    })
}

/// An HTTP backend's answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpAnswer {
    pub status: u16,
    pub headers: Headers,
    pub body: Bytes,
}

/// Headers that belong to one connection and are not forwarded.
pub fn is_hop_by_hop(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "host",
        "content-length",
    ]
    .iter()
    .any(|h| h.eq_ignore_ascii_case(name))
}

/// The URL of an HTTP integration request: `{name}` placeholders replaced
/// by the integration request's path parameters, its query string added.
pub fn http_url(
    uri: &str,
    path: &indexmap::IndexMap<String, String>,
    query: &indexmap::IndexMap<String, Vec<String>>,
) -> Result<String, String> {
    if uri.starts_with("https://") {
        return Err(format!(
            "{uri}: https backends are not supported by serve (plain http:// only)"
        ));
    }
    if !uri.starts_with("http://") {
        return Err(format!("{uri}: not an http:// URL"));
    }
    let mut url = String::with_capacity(uri.len());
    let mut rest = uri;
    while let Some(start) = rest.find('{') {
        url.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + 1..).unwrap_or("");
        let Some(end) = after.find('}') else {
            url.push_str(rest.get(start..).unwrap_or(""));
            rest = "";
            break;
        };
        let name = after.get(..end).unwrap_or("");
        let key = name.trim_end_matches('+');
        match path.get(key) {
            Some(v) => url.push_str(&encode_path(v)),
            None => return Err(format!("{uri}: no value for the path parameter {{{name}}}")),
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    url.push_str(rest);
    let mut sep = if url.contains('?') { '&' } else { '?' };
    for (name, values) in query {
        for v in values {
            url.push(sep);
            url.push_str(&encode_component(name));
            url.push('=');
            url.push_str(&encode_component(v));
            sep = '&';
        }
    }
    Ok(url)
}

/// Calls an HTTP backend.
pub async fn http_call(
    client: &HttpClient,
    method: &str,
    url: &str,
    headers: &Headers,
    body: Vec<u8>,
    timeout: Duration,
) -> Result<HttpAnswer, BackendFailure> {
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| BackendFailure::Invalid(format!("{method:?} is not an HTTP method")))?;
    let mut builder = Request::builder().method(method).uri(url);
    for (name, values) in headers.iter() {
        if is_hop_by_hop(name) {
            continue;
        }
        for v in values {
            builder = builder.header(name, v.as_str());
        }
    }
    let request = builder
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| BackendFailure::Invalid(format!("{url}: {e}")))?;
    let what = format!("the HTTP backend {url}");
    let (parts, body) = send(client, request, timeout, &what).await?;
    let mut out = Headers::new();
    for (name, value) in &parts.headers {
        if is_hop_by_hop(name.as_str()) {
            continue;
        }
        out.append(
            name.as_str(),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        );
    }
    Ok(HttpAnswer {
        status: parts.status.as_u16(),
        headers: out,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoints() {
        let e = LambdaEndpoint::parse("http://127.0.0.1:3001/").unwrap();
        let f = LambdaFunction {
            name: "GetPet".into(),
            qualifier: None,
        };
        assert_eq!(
            e.invocation_url(&f),
            "http://127.0.0.1:3001/2015-03-31/functions/GetPet/invocations"
        );
        let e = LambdaEndpoint::parse("localhost:4566/prefix").unwrap();
        let f = LambdaFunction {
            name: "a b".into(),
            qualifier: Some("live".into()),
        };
        assert_eq!(
            e.invocation_url(&f),
            "http://localhost:4566/prefix/2015-03-31/functions/a%20b/invocations?Qualifier=live"
        );
        assert!(LambdaEndpoint::parse("https://lambda.us-east-1.amazonaws.com").is_err());
        assert!(LambdaEndpoint::parse("ftp://x").is_err());
        assert!(LambdaEndpoint::parse("http://x?y=1").is_err());
    }

    #[test]
    fn outcomes() {
        let (o, n) = lambda_outcome(br#"{"a": 1}"#, false);
        assert_eq!((o, n), (LambdaOutcome::Result(json!({"a": 1})), None));
        let (o, _) = lambda_outcome(b"", false);
        assert_eq!(o, LambdaOutcome::Result(Json::Null));
        let (o, _) = lambda_outcome(br#"{"errorMessage": "Bad Request: x"}"#, true);
        assert_eq!(o.selection_value(), "Bad Request: x");
        let (o, n) = lambda_outcome(b"boom", true);
        assert_eq!(o, LambdaOutcome::Error(json!({"errorMessage": "boom"})));
        assert!(n.is_some());
        let (o, n) = lambda_outcome(b"plain", false);
        assert_eq!(o, LambdaOutcome::Result(json!("plain")));
        assert!(n.is_some());
    }

    #[test]
    fn http_urls() {
        let mut path = indexmap::IndexMap::new();
        path.insert("id".to_string(), "7 8".to_string());
        path.insert("proxy".to_string(), "a/b c".to_string());
        let mut q = indexmap::IndexMap::new();
        q.insert("x".to_string(), vec!["1".to_string(), "&".to_string()]);
        assert_eq!(
            http_url("http://h:1/pets/{id}/{proxy+}", &path, &q).unwrap(),
            "http://h:1/pets/7%208/a/b%20c?x=1&x=%26"
        );
        assert!(http_url("https://h/x", &path, &q).is_err());
        assert!(http_url("http://h/{nope}", &path, &q).is_err());
        assert_eq!(
            http_url("http://h/p?a=b", &path, &indexmap::IndexMap::new()).unwrap(),
            "http://h/p?a=b"
        );
    }
}
