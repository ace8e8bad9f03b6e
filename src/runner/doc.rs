//! A JSON document that remembers where each value came from.
//!
//! Suites are read into [`Node`]s rather than straight into
//! `serde_json::Value` so that an error in a case can name the file, the line
//! and column, and the JSON path (`cases[3].input.body`), and so that
//! `apigw-vtl test --update` can rewrite one `expect` in place and leave the
//! rest of the file byte for byte as it was. The YAML reader of the command
//! line produces the same tree.

use std::fmt::Write as _;
use std::ops::Range;

/// Deepest nesting a document may have (serde_json's own default).
pub const MAX_DEPTH: usize = 128;

/// A value and the bytes of the source it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    /// Byte range in the source: the whole value, quotes and brackets included.
    pub span: Range<usize>,
}

/// The JSON data model.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Node>),
    /// Members in source order (a repeated key is kept twice; lookups take the last).
    Object(Vec<Member>),
}

/// One `"key": value` of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    /// Byte range of the key (with its quotes, if any).
    pub key_span: Range<usize>,
    pub value: Node,
}

impl Node {
    /// The member `key` of an object (the last one, if repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    /// The member `key` of an object with its key span (the last one, if repeated).
    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.value {
            NodeValue::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            NodeValue::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, NodeValue::Null)
    }

    /// What kind of value this is, for messages: "a string", "an object", ...
    pub fn describe(&self) -> &'static str {
        match &self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Number(_) => "a number",
            NodeValue::String(_) => "a string",
            NodeValue::Array(_) => "an array",
            NodeValue::Object(_) => "an object",
        }
    }

    /// The plain JSON value (a repeated key keeps its first position and last value).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Number(n) => Value::Number(n.clone()),
            NodeValue::String(s) => Value::String(s.clone()),
            NodeValue::Array(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Object(members) => {
                let mut map = serde_json::Map::new();
                for m in members {
                    map.insert(m.key.clone(), m.value.to_json());
                }
                Value::Object(map)
            }
        }
    }
}

/// Most steps [`Node::locate`] takes (keys with dots can make it backtrack).
const LOCATE_BUDGET: usize = 10_000;

impl Node {
    /// The deepest value a JSON-path-like location leads to, and how many
    /// bytes of `path` it took to get there (`path.len()` when the whole
    /// location resolves). Understands `a.b[0]`, `a["x.y"]` (as
    /// [`join_key`] writes paths) and keys written plainly even when they
    /// hold dots or brackets (`responses.Bad Request: .*.statusCode`, as
    /// the gateway module names places in API definitions), trying each key
    /// that fits, longest first.
    pub fn locate(&self, path: &str) -> (&Node, usize) {
        let mut best = (self, 0);
        let mut budget = LOCATE_BUDGET;
        locate_in(self, path, 0, 0, &mut best, &mut budget);
        best
    }
}

fn locate_in<'a>(
    node: &'a Node,
    path: &str,
    pos: usize,
    depth: usize,
    best: &mut (&'a Node, usize),
    budget: &mut usize,
) -> bool {
    if pos > best.1 {
        *best = (node, pos);
    }
    let Some(rest) = path.get(pos..) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    if *budget == 0 || depth >= MAX_DEPTH {
        return false;
    }
    *budget -= 1;
    if let Some(inner) = rest.strip_prefix('[') {
        // `[N]` into an array, `["key"]` into an object.
        let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && inner.as_bytes().get(digits) == Some(&b']') {
            if let (Some(items), Ok(i)) = (node.items(), inner[..digits].parse::<usize>())
                && let Some(item) = items.get(i)
                && locate_in(item, path, pos + digits + 2, depth + 1, best, budget)
            {
                return true;
            }
        } else if inner.starts_with('"') {
            let mut de = serde_json::Deserializer::from_str(inner).into_iter::<String>();
            if let Some(Ok(key)) = de.next() {
                let used = de.byte_offset();
                if inner.as_bytes().get(used) == Some(&b']')
                    && let Some(value) = node.get(&key)
                    && locate_in(value, path, pos + used + 2, depth + 1, best, budget)
                {
                    return true;
                }
            }
        }
    }
    let (rest, skip) = match rest.strip_prefix('.') {
        Some(r) if pos > 0 => (r, 1),
        _ => (rest, 0),
    };
    let Some(members) = node.members() else {
        return false;
    };
    let mut candidates: Vec<&Member> = members
        .iter()
        .rev()
        .filter(|m| {
            !m.key.is_empty()
                && rest.starts_with(m.key.as_str())
                && matches!(rest.as_bytes().get(m.key.len()), None | Some(b'.' | b'['))
        })
        .collect();
    candidates.sort_by_key(|m| std::cmp::Reverse(m.key.len()));
    candidates.iter().any(|m| {
        locate_in(
            &m.value,
            path,
            pos + skip + m.key.len(),
            depth + 1,
            best,
            budget,
        )
    })
}

/// Appends `.key` (or `["key"]` when the key is not a plain name) to a JSON path.
pub fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        let quoted = serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""));
        let _ = write!(path, "[{quoted}]");
    }
}

/// `path` followed by `.key` / `["key"]`.
pub fn join_key(path: &str, key: &str) -> String {
    let mut p = path.to_owned();
    push_key(&mut p, key);
    p
}

/// `path[index]`.
pub fn join_index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// A document that could not be read: what and where (a byte range of the source).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocError {
    pub message: String,
    pub span: Range<usize>,
}

impl DocError {
    fn at(message: impl Into<String>, span: Range<usize>) -> DocError {
        DocError {
            message: message.into(),
            span,
        }
    }
}

/// Parses strict JSON (RFC 8259; a leading byte-order mark is skipped) into a [`Node`].
pub fn parse_json(text: &str) -> Result<Node, DocError> {
    let mut p = JsonParser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    if text.starts_with('\u{feff}') {
        p.pos = '\u{feff}'.len_utf8();
    }
    p.skip_ws();
    let node = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(DocError::at(
            "unexpected text after the JSON value",
            p.pos..p.char_end(p.pos),
        ));
    }
    Ok(node)
}

struct JsonParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl JsonParser<'_> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// End of the character starting at byte `at` (for one-character spans).
    fn char_end(&self, at: usize) -> usize {
        self.text
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(at, |c| at + c.len_utf8())
    }

    fn unexpected(&self, expected: &str) -> DocError {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            None => DocError::at(
                format!("unexpected end of the file; expected {expected}"),
                self.pos..self.pos,
            ),
            Some(c) => DocError::at(
                format!("unexpected `{}`; expected {expected}", c.escape_debug()),
                self.pos..self.pos + c.len_utf8(),
            ),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, DocError> {
        if depth >= MAX_DEPTH {
            return Err(DocError::at(
                format!("the document nests deeper than {MAX_DEPTH} levels"),
                self.pos..self.char_end(self.pos),
            ));
        }
        let start = self.pos;
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node {
                    value: NodeValue::String(s),
                    span: start..self.pos,
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.word("true", NodeValue::Bool(true)),
            Some(b'f') => self.word("false", NodeValue::Bool(false)),
            Some(b'n') => self.word("null", NodeValue::Null),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    fn word(&mut self, word: &str, value: NodeValue) -> Result<Node, DocError> {
        let start = self.pos;
        if self.bytes.get(start..start + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(Node {
                value,
                span: start..self.pos,
            })
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Node, DocError> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        let token = self.text.get(start..self.pos).unwrap_or("");
        match serde_json::from_str::<serde_json::Number>(token) {
            Ok(n) => Ok(Node {
                value: NodeValue::Number(n),
                span: start..self.pos,
            }),
            Err(_) => Err(DocError::at(
                format!("`{token}` is not a JSON number"),
                start..self.pos,
            )),
        }
    }

    /// A string literal; `pos` is at its opening quote and ends after the closing one.
    fn string(&mut self) -> Result<String, DocError> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match memchr::memchr2(b'"', b'\\', self.bytes.get(self.pos..).unwrap_or(&[])) {
                None => {
                    return Err(DocError::at(
                        "unterminated string",
                        start..self.char_end(start),
                    ));
                }
                Some(i) => {
                    self.pos += i;
                    if self.bytes.get(self.pos) == Some(&b'\\') {
                        self.pos += 2;
                        if self.pos > self.bytes.len() {
                            return Err(DocError::at(
                                "unterminated string",
                                start..self.char_end(start),
                            ));
                        }
                    } else {
                        self.pos += 1;
                        break;
                    }
                }
            }
        }
        let raw = self.text.get(start..self.pos).unwrap_or("\"\"");
        serde_json::from_str::<String>(raw).map_err(|e| {
            // serde's column is 1-based within `raw` (one line: raw newlines are errors).
            // A raw control character (a newline, say) is the usual fault:
            // point at it; otherwise at serde's column (1-based, one line).
            let at = match raw.bytes().position(|b| b < 0x20) {
                Some(i) => start + i,
                None => raw
                    .char_indices()
                    .nth(e.column().saturating_sub(1))
                    .map_or(start, |(i, _)| start + i),
            };
            let reason = e.to_string();
            let reason = reason.split(" at line").next().unwrap_or("invalid string");
            DocError::at(
                format!("invalid string: {reason}"),
                at..self.char_end(at).max(at + 1).min(self.pos),
            )
        })
    }

    fn array(&mut self, depth: usize) -> Result<Node, DocError> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Node {
                value: NodeValue::Array(items),
                span: start..self.pos,
            });
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node {
                        value: NodeValue::Array(items),
                        span: start..self.pos,
                    });
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, DocError> {
        let start = self.pos;
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Node {
                value: NodeValue::Object(members),
                span: start..self.pos,
            });
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.unexpected("a key in double quotes"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = key_start..self.pos;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.unexpected("`:`"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node {
                        value: NodeValue::Object(members),
                        span: start..self.pos,
                    });
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_spans() {
        let text = r#" {"a": [1, "x\n", null], "b": {"c": true}} "#;
        let n = parse_json(text).unwrap();
        assert_eq!(
            &text[n.span.clone()],
            r#"{"a": [1, "x\n", null], "b": {"c": true}}"#
        );
        let a = n.get("a").unwrap();
        assert_eq!(&text[a.span.clone()], r#"[1, "x\n", null]"#);
        let items = a.items().unwrap();
        assert_eq!(items[1].as_str(), Some("x\n"));
        assert_eq!(&text[items[1].span.clone()], r#""x\n""#);
        let b = n.member("b").unwrap();
        assert_eq!(&text[b.key_span.clone()], r#""b""#);
        assert_eq!(
            n.to_json(),
            serde_json::json!({"a": [1, "x\n", null], "b": {"c": true}})
        );
    }

    #[test]
    fn agrees_with_serde_json_on_values() {
        for text in [
            r#"{"k": "\u00e9\ud83d\ude00", "n": -1.5e3, "z": 0, "big": 123456789012345678901234}"#,
            r#"[[], {}, [{}], "\"\\\/\b\f\n\r\t"]"#,
            "\u{feff}{\"bom\": 1}",
        ] {
            let ours = parse_json(text).unwrap().to_json();
            let theirs: serde_json::Value =
                serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn errors_point_at_the_fault() {
        let cases: &[(&str, &str, usize)] = &[
            (
                "{\"a\": 1,}",
                "unexpected `}`; expected a key in double quotes",
                8,
            ),
            ("{\"a\" 1}", "unexpected `1`; expected `:`", 5),
            ("[1 2]", "unexpected `2`; expected `,` or `]`", 3),
            ("{\"a\": tru}", "unexpected `t`; expected a JSON value", 6),
            ("{\"a\": 01}", "`01` is not a JSON number", 6),
            ("\"abc", "unterminated string", 0),
            ("{} x", "unexpected text after the JSON value", 3),
            ("", "unexpected end of the file; expected a JSON value", 0),
            ("{\"a\": \"x\\qy\"}", "invalid string: invalid escape", 9),
            (
                "{\"a\": \"x\ny\"}",
                "invalid string: control character (\\u0000-\\u001F) found while parsing a string",
                8,
            ),
        ];
        for (text, message, at) in cases {
            let e = parse_json(text).unwrap_err();
            assert_eq!(
                (e.message.as_str(), e.span.start),
                (*message, *at),
                "{text:?}"
            );
        }
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(100_000);
        let e = parse_json(&deep).unwrap_err();
        assert!(e.message.contains("deeper than"), "{}", e.message);
    }

    #[test]
    fn paths() {
        let mut p = "cases[3]".to_owned();
        push_key(&mut p, "input");
        assert_eq!(p, "cases[3].input");
        assert_eq!(join_key("x", "X-Kind"), "x.X-Kind");
        assert_eq!(join_key("x", "a b"), "x[\"a b\"]");
        assert_eq!(join_key("", "cases"), "cases");
        assert_eq!(join_index("cases", 2), "cases[2]");
    }

    #[test]
    fn locate_follows_both_spellings_of_paths() {
        let doc = parse_json(
            r#"{"a": {"b": [1, {"c": 2}]}, "responses": {"Bad.*": {"x": 1}, "Bad": {"y": 2}}, "k.l": {"m": 3}}"#,
        )
        .unwrap();
        let text = |path: &str| {
            let (n, used) = doc.locate(path);
            (n.to_json().to_string(), used)
        };
        assert_eq!(text("a.b[1].c"), ("2".into(), 8));
        assert_eq!(text("a.b[1]"), (r#"{"c":2}"#.into(), 6));
        assert_eq!(text("responses.Bad.*.x"), ("1".into(), 17));
        assert_eq!(text("responses.Bad.y"), ("2".into(), 15));
        assert_eq!(text(r#"["k.l"].m"#), ("3".into(), 9));
        assert_eq!(text("k.l.m"), ("3".into(), 5));
        // The deepest value reached when the rest does not resolve.
        assert_eq!(text("a.b[7]"), (r#"[1,{"c":2}]"#.into(), 3));
        assert_eq!(
            text("responses.Bad.*.statusCode"),
            (r#"{"x":1}"#.into(), 15)
        );
        assert_eq!(text("nothing"), (doc.to_json().to_string(), 0));
        assert_eq!(text(""), (doc.to_json().to_string(), 0));
    }
}
