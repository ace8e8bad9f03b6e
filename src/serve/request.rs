//! From an HTTP request to the method request API Gateway passes on: the
//! query string, the headers (with those API Gateway adds), the body.

use crate::gateway::Headers;
use base64::Engine as _;
use indexmap::IndexMap;

/// `%XX` decoded (invalid UTF-8 replaced); `+` is a space when `plus` (query strings).
pub fn percent_decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| b.get(j).and_then(|c| char::from(*c).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (b'+', _, _) if plus => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query string's parameters, each with all its values in order, decoded
/// as API Gateway decodes them (`%XX`, `+` as a space). `a` alone is `a=""`.
pub fn parse_query(query: &str) -> IndexMap<String, Vec<String>> {
    let mut out: IndexMap<String, Vec<String>> = IndexMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        out.entry(percent_decode(k, true))
            .or_default()
            .push(percent_decode(v, true));
    }
    out
}

/// `content-type` → `Content-Type`, `x-amzn-trace-id` → `X-Amzn-Trace-Id`:
/// the spelling most clients send (the HTTP/1 server reports names in
/// lower case).
pub fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        upper = c == '-';
    }
    out
}

/// Whether a `Content-Type` is one of the binary media types
/// (`image/png`, `image/*`, `*/*`; parameters ignored, any case).
pub fn is_binary_type(content_type: Option<&str>, binary_types: &[String]) -> bool {
    let Some(ct) = content_type else {
        return false;
    };
    let ct = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    binary_types.iter().any(|t| {
        let t = t.trim().to_ascii_lowercase();
        if t == "*/*" {
            return true;
        }
        match t.strip_suffix("/*") {
            Some(major) => ct.split_once('/').is_some_and(|(m, _)| m == major),
            None => t == ct,
        }
    })
}

/// The method request's body: `None` when empty; the text when it is UTF-8
/// and not of a binary media type; else base64 (the bool says so), as API
/// Gateway hands binary payloads to templates and Lambda proxy events.
pub fn method_body(bytes: &[u8], binary: bool) -> (Option<String>, bool) {
    if bytes.is_empty() {
        return (None, false);
    }
    if !binary && let Ok(text) = std::str::from_utf8(bytes) {
        return (Some(text.to_string()), false);
    }
    (
        Some(base64::engine::general_purpose::STANDARD.encode(bytes)),
        true,
    )
}

/// The headers API Gateway adds to a method request on a regional
/// endpoint: `X-Amzn-Trace-Id`, `X-Forwarded-For` (the client's address
/// appended), `X-Forwarded-Port`, `X-Forwarded-Proto`.
pub fn add_forwarding_headers(headers: &mut Headers, source_ip: &str, port: u16, trace_id: &str) {
    if headers.get("X-Amzn-Trace-Id").is_none() {
        headers.append("X-Amzn-Trace-Id", trace_id);
    }
    let forwarded = match headers.get_last("X-Forwarded-For") {
        Some(prev) if !prev.trim().is_empty() => format!("{prev}, {source_ip}"),
        _ => source_ip.to_string(),
    };
    headers.set("X-Forwarded-For", forwarded);
    headers.set("X-Forwarded-Port", port.to_string());
    headers.set("X-Forwarded-Proto", "http");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        let q = parse_query("a=1&a=2&b=x+y%21&c&&=e&d=%E2%82%AC&f=%zz");
        let got: Vec<(&str, Vec<&str>)> = q
            .iter()
            .map(|(k, v)| (k.as_str(), v.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", vec!["1", "2"]),
                ("b", vec!["x y!"]),
                ("c", vec![""]),
                ("", vec!["e"]),
                ("d", vec!["€"]),
                ("f", vec!["%zz"]),
            ]
        );
        assert!(parse_query("").is_empty());
        assert_eq!(percent_decode("a+b%2B", false), "a+b+");
        assert_eq!(percent_decode("%FF%", true), "\u{fffd}%");
    }

    #[test]
    fn header_names() {
        assert_eq!(title_case("content-type"), "Content-Type");
        assert_eq!(title_case("x-amzn-trace-id"), "X-Amzn-Trace-Id");
        assert_eq!(title_case("accept"), "Accept");
        assert_eq!(title_case("dnt"), "Dnt");
    }

    #[test]
    fn binary_types() {
        let types = vec![
            "image/*".to_string(),
            "application/octet-stream".to_string(),
        ];
        assert!(is_binary_type(Some("image/png"), &types));
        assert!(is_binary_type(
            Some("Application/Octet-Stream; x=1"),
            &types
        ));
        assert!(!is_binary_type(Some("application/json"), &types));
        assert!(!is_binary_type(None, &types));
        assert!(is_binary_type(Some("text/plain"), &["*/*".to_string()]));
    }

    #[test]
    fn bodies() {
        assert_eq!(method_body(b"", false), (None, false));
        assert_eq!(method_body(b"{}", false), (Some("{}".into()), false));
        assert_eq!(method_body(b"{}", true), (Some("e30=".into()), true));
        assert_eq!(
            method_body(&[0xff, 0x00], false),
            (Some("/wA=".into()), true)
        );
    }

    #[test]
    fn forwarding() {
        let mut h = Headers::new();
        h.append("X-Forwarded-For", "10.0.0.1");
        add_forwarding_headers(&mut h, "127.0.0.1", 3000, "Root=1-x");
        assert_eq!(h.get("x-forwarded-for"), Some("10.0.0.1, 127.0.0.1"));
        assert_eq!(h.get("X-Forwarded-Port"), Some("3000"));
        assert_eq!(h.get("X-Forwarded-Proto"), Some("http"));
        assert_eq!(h.get("X-Amzn-Trace-Id"), Some("Root=1-x"));
    }
}
