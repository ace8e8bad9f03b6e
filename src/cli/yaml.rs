//! YAML suites: read into the same located [`Node`] tree as JSON (YAML 1.2
//! core schema), and write scalars and mappings back for `test --update`.

use apigw_vtl::runner::doc::{DocError, MAX_DEPTH, Member, Node, NodeValue};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;
use std::ops::Range;

/// Most nodes a document may expand to through aliases (a "billion laughs" guard).
const MAX_NODES: usize = 1_000_000;

/// Parses the first YAML document of `text`.
pub fn parse(text: &str) -> Result<Node, DocError> {
    let offsets = Offsets::new(text);
    let mut b = Builder {
        text,
        offsets: &offsets,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
        documents: 0,
    };
    for event in Parser::new_from_str(text) {
        match event {
            Ok((ev, span)) => {
                if b.event(ev, span)? {
                    break;
                }
            }
            Err(e) => {
                let at = offsets.byte(e.marker().index());
                return Err(DocError {
                    message: e.info().to_owned(),
                    span: at..char_end(text, at),
                });
            }
        }
    }
    Ok(b.root.unwrap_or(Node {
        value: NodeValue::Null,
        span: 0..0,
    }))
}

/// Character index -> byte offset.
struct Offsets {
    /// Empty when the text is ASCII (index == offset).
    table: Vec<usize>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        Offsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, index: usize) -> usize {
        if self.table.is_empty() {
            index.min(self.len)
        } else {
            self.table.get(index).copied().unwrap_or(self.len)
        }
    }
}

fn char_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|s| s.chars().next())
        .map_or(at, |c| at + c.len_utf8())
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        flow: bool,
        items: Vec<Node>,
        end: usize,
    },
    Map {
        start: usize,
        anchor: usize,
        flow: bool,
        members: Vec<Member>,
        key: Option<(String, Range<usize>)>,
        end: usize,
    },
}

struct Builder<'a> {
    text: &'a str,
    offsets: &'a Offsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
    root: Option<Node>,
    documents: usize,
}

fn err(message: impl Into<String>, span: Range<usize>) -> DocError {
    DocError {
        message: message.into(),
        span,
    }
}

impl Builder<'_> {
    fn range(&self, span: Span) -> Range<usize> {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        start..end
    }

    /// Handles one event; `true` when the first document is complete.
    fn event(&mut self, ev: Event<'_>, span: Span) -> Result<bool, DocError> {
        let range = self.range(span);
        match ev {
            Event::StreamStart | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.documents += 1;
            }
            Event::DocumentEnd | Event::StreamEnd => {
                return Ok(self.root.is_some() || matches!(ev, Event::StreamEnd));
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id).cloned() else {
                    return Err(err("alias of an unknown anchor", range));
                };
                self.nodes = self.nodes.saturating_add(count(&node));
                if self.nodes > MAX_NODES {
                    return Err(err(
                        "aliases expand this document past a million values",
                        range,
                    ));
                }
                self.push(node)?;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| (t.handle.clone(), t.suffix.clone()));
                let (value, range) = self.scalar(&value, style, tag, range)?;
                if self.is_key_position() {
                    self.set_key(value, range)?;
                } else {
                    let node = Node { value, span: range };
                    if anchor > 0 {
                        self.anchors.insert(anchor, node.clone());
                    }
                    self.push(node)?;
                }
            }
            Event::SequenceStart(anchor, _) => {
                self.open(range.clone())?;
                let flow = self
                    .text
                    .get(range.start..)
                    .is_some_and(|s| s.starts_with('['));
                self.stack.push(Frame::Seq {
                    start: range.start,
                    anchor,
                    flow,
                    items: Vec::new(),
                    end: range.end,
                });
            }
            Event::MappingStart(anchor, _) => {
                self.open(range.clone())?;
                let flow = self
                    .text
                    .get(range.start..)
                    .is_some_and(|s| s.starts_with('{'));
                self.stack.push(Frame::Map {
                    start: range.start,
                    anchor,
                    flow,
                    members: Vec::new(),
                    key: None,
                    end: range.end,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err(err("unbalanced document", range));
                };
                let (node, anchor) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        flow,
                        items,
                        end,
                    } => {
                        // Flow: up to the `]`; block: up to the end of the last item.
                        let end = if flow {
                            range.end
                        } else {
                            items.last().map_or(end, |n| n.span.end)
                        };
                        (
                            Node {
                                value: NodeValue::Array(items),
                                span: start..end.max(start),
                            },
                            anchor,
                        )
                    }
                    Frame::Map {
                        start,
                        anchor,
                        flow,
                        members,
                        end,
                        ..
                    } => {
                        let end = if flow {
                            range.end
                        } else {
                            members.last().map_or(end, |m| m.value.span.end)
                        };
                        (
                            Node {
                                value: NodeValue::Object(members),
                                span: start..end.max(start),
                            },
                            anchor,
                        )
                    }
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node)?;
            }
        }
        if self.documents > 1 && self.root.is_some() {
            return Ok(true);
        }
        Ok(false)
    }

    fn is_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn set_key(&mut self, value: NodeValue, range: Range<usize>) -> Result<(), DocError> {
        let key = match value {
            NodeValue::String(s) => s,
            NodeValue::Null => "null".to_owned(),
            NodeValue::Bool(b) => b.to_string(),
            NodeValue::Number(n) => n.to_string(),
            _ => return Err(err("only scalar keys are supported", range)),
        };
        if let Some(Frame::Map { key: k, .. }) = self.stack.last_mut() {
            *k = Some((key, range));
        }
        Ok(())
    }

    /// A collection starts: it must not be a mapping key, and nesting is bounded.
    fn open(&mut self, range: Range<usize>) -> Result<(), DocError> {
        if self.is_key_position() {
            return Err(err("only scalar keys are supported", range));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(err(
                format!("the document nests deeper than {MAX_DEPTH} levels"),
                range,
            ));
        }
        self.nodes = self.nodes.saturating_add(1);
        Ok(())
    }

    /// Adds a complete value to the enclosing collection (or makes it the root).
    fn push(&mut self, node: Node) -> Result<(), DocError> {
        self.nodes = self.nodes.saturating_add(1);
        if self.nodes > MAX_NODES {
            return Err(err(
                "the document has more than a million values",
                node.span,
            ));
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { members, key, .. }) => match key.take() {
                Some((k, key_span)) => members.push(Member {
                    key: k,
                    key_span,
                    value: node,
                }),
                None => return Err(err("only scalar keys are supported", node.span)),
            },
        }
        Ok(())
    }

    /// Resolves a scalar (core schema) and fixes the span of block scalars
    /// to run from the `|`/`>` indicator to the end of the last content line.
    fn scalar(
        &self,
        value: &str,
        style: ScalarStyle,
        tag: Option<(String, String)>,
        range: Range<usize>,
    ) -> Result<(NodeValue, Range<usize>), DocError> {
        let range = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => block_span(self.text, range),
            ScalarStyle::DoubleQuoted | ScalarStyle::SingleQuoted => quoted_span(self.text, range),
            _ => trimmed_span(self.text, range),
        };
        let core_tag = match &tag {
            Some((handle, suffix)) if handle == "!!" || handle == "tag:yaml.org,2002:" => {
                Some(suffix.as_str())
            }
            _ => None,
        };
        let value = match (core_tag, style) {
            (Some("str"), _) => NodeValue::String(value.to_owned()),
            (Some(t @ ("int" | "float" | "bool" | "null")), _) => match resolve_plain(value) {
                v @ NodeValue::Number(_) if t == "int" || t == "float" => v,
                v @ NodeValue::Bool(_) if t == "bool" => v,
                v @ NodeValue::Null if t == "null" => v,
                _ => return Err(err(format!("`{value}` is not a valid !!{t}"), range)),
            },
            (_, ScalarStyle::Plain) if tag.is_none() => resolve_plain(value),
            _ => NodeValue::String(value.to_owned()),
        };
        Ok((value, range))
    }
}

fn count(node: &Node) -> usize {
    // Bounded: the tree was built under MAX_DEPTH and MAX_NODES.
    match &node.value {
        NodeValue::Array(items) => 1 + items.iter().map(count).sum::<usize>(),
        NodeValue::Object(members) => 1 + members.iter().map(|m| count(&m.value)).sum::<usize>(),
        _ => 1,
    }
}

/// The span of a block scalar: saphyr gives content start .. next token;
/// we want indicator .. end of the last non-blank content.
fn block_span(text: &str, range: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    // Back over whitespace to the header line.
    let mut i = range.start.min(bytes.len());
    while i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r') {
        i -= 1;
    }
    let header_end = i;
    let header_start = bytes[..header_end]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |p| p + 1);
    let header = &bytes[header_start..header_end];
    let start = (0..header.len())
        .rev()
        .find(|&k| {
            matches!(header[k], b'|' | b'>') && {
                let rest = &header[k + 1..];
                let ind = rest
                    .iter()
                    .take_while(|b| matches!(b, b'-' | b'+' | b'0'..=b'9'))
                    .count();
                let after = &rest[ind..];
                let trimmed = after
                    .iter()
                    .skip_while(|b| matches!(b, b' ' | b'\t'))
                    .count();
                trimmed == 0 || (after.len() > trimmed && after[after.len() - trimmed] == b'#')
            }
        })
        .map_or(range.start, |k| header_start + k);
    let mut end = range.end.min(bytes.len());
    while end > range.start && matches!(bytes[end - 1], b' ' | b'\t' | b'\n' | b'\r') {
        end -= 1;
    }
    if end <= range.start {
        // No content: the span is the header (indicator and its modifiers).
        end = start + 1;
        while end < header_end && matches!(bytes[end], b'-' | b'+' | b'0'..=b'9') {
            end += 1;
        }
    }
    start..end.max(start)
}

/// The span of a quoted scalar: from its opening quote to its closing one
/// (saphyr's may run on over a comment that follows).
fn quoted_span(text: &str, range: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let start = range.start.min(bytes.len());
    let Some(&quote) = bytes.get(start) else {
        return range;
    };
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return start..i + 1,
            _ => i += 1,
        }
    }
    range
}

/// A plain scalar's span without trailing whitespace.
fn trimmed_span(text: &str, range: Range<usize>) -> Range<usize> {
    let s = text.get(range.clone()).unwrap_or("");
    range.start..range.start + s.trim_end().len()
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_plain(s: &str) -> NodeValue {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        _ => {}
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let is_dec_int = !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit());
    if is_dec_int {
        let digits = s.strip_prefix('+').unwrap_or(s);
        if let Ok(n) = digits.parse::<i64>() {
            return NodeValue::Number(n.into());
        }
        if let Ok(n) = digits.parse::<u64>() {
            return NodeValue::Number(n.into());
        }
        if let Some(n) = digits
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return NodeValue::Number(n);
        }
    }
    for (prefix, radix) in [("0o", 8), ("0x", 16)] {
        if let Some(d) = s.strip_prefix(prefix)
            && !d.is_empty()
            && let Ok(n) = i64::from_str_radix(d, radix)
        {
            return NodeValue::Number(n.into());
        }
    }
    if is_core_float(s)
        && let Some(n) = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64)
    {
        return NodeValue::Number(n);
    }
    NodeValue::String(s.to_owned())
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let int_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

// ---------------------------------------------------------------- writing

/// A YAML double-quoted scalar for `s` (always valid, any content).
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters that are not printable in YAML (or that tools mangle).
fn needs_escape(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || (0x7F..=0x9F).contains(&u)
        || matches!(u, 0x2028 | 0x2029 | 0xFEFF | 0xFFFE | 0xFFFF)
}

/// A literal block scalar (`|` or `|-` with content at `indent`) for `s`,
/// when one represents it exactly and safely; `None` otherwise.
pub fn literal_block(s: &str, indent: &str) -> Option<String> {
    if !s.contains('\n') {
        return None;
    }
    let (content, chomp) = match s.strip_suffix('\n') {
        Some(rest) if !rest.ends_with('\n') => (rest, ""),
        Some(_) => return None,
        None => (s, "-"),
    };
    let lines: Vec<&str> = content.split('\n').collect();
    let first = lines.first().copied().unwrap_or("");
    if first.is_empty() || first.starts_with([' ', '\t']) {
        return None;
    }
    for line in &lines {
        if line.ends_with([' ', '\t']) || line.chars().any(|c| c != '\t' && needs_escape(c)) {
            return None;
        }
    }
    let mut out = format!("|{chomp}");
    for line in lines {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
    }
    Some(out)
}

/// A string as a block-context YAML value: a literal block for multi-line
/// text (content at `indent`), plain for a simple word, else double-quoted.
pub fn block_string(s: &str, indent: &str) -> String {
    if let Some(block) = literal_block(s, indent) {
        return block;
    }
    if is_plain_word(s) {
        return s.to_owned();
    }
    quoted(s)
}

/// A word YAML reads back as this very string when written plain
/// (`eval`, `X-Kind`, `application.json`), used for keys and simple values.
pub fn is_plain_word(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && matches!(resolve_plain(s), NodeValue::String(ref r) if r == s)
}

/// A scalar value (string, number, boolean or null) as YAML.
pub fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => quoted(s),
        serde_json::Value::Null => "null".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> serde_json::Value {
        parse(text).unwrap().to_json()
    }

    #[test]
    fn core_schema() {
        assert_eq!(
            json(
                "a: 1\nb: -2\nc: 1.5\nd: 1e3\ne: true\nf: ~\ng: null\nh: x y\ni: '1'\nj: \"true\"\nk: 0x1F\nl: 0o17\nm: !!str 12\nn: .5\no: 1.\np:\n"
            ),
            serde_json::json!({"a": 1, "b": -2, "c": 1.5, "d": 1000.0, "e": true, "f": null,
                "g": null, "h": "x y", "i": "1", "j": "true", "k": 31, "l": 15, "m": "12",
                "n": 0.5, "o": 1.0, "p": null})
        );
        // Not numbers in the core schema.
        assert_eq!(
            json("a: 1_000\nb: .inf\nc: 0b1\nd: 12:30\ne: yes\n"),
            serde_json::json!({"a": "1_000", "b": ".inf", "c": "0b1", "d": "12:30", "e": "yes"})
        );
    }

    #[test]
    fn block_scalars_and_spans() {
        let text = "cases:\n  - name: \"a\"\n    template: |\n      l1\n      l2\n\n    expect: {body: x}\n  - name: b\n    template: >-  # folded\n      f\n      g\n";
        let n = parse(text).unwrap();
        let cases = n.get("cases").unwrap().items().unwrap();
        let t = cases[0].get("template").unwrap();
        assert_eq!(t.as_str(), Some("l1\nl2\n"));
        assert_eq!(&text[t.span.clone()], "|\n      l1\n      l2");
        let t = cases[1].get("template").unwrap();
        assert_eq!(t.as_str(), Some("f g"));
        assert_eq!(&text[t.span.clone()], ">-  # folded\n      f\n      g");
        let e = cases[0].get("expect").unwrap();
        assert_eq!(&text[e.span.clone()], "{body: x}");
        assert_eq!(
            &text[cases[0].span.clone()],
            "name: \"a\"\n    template: |\n      l1\n      l2\n\n    expect: {body: x}"
        );
        let name = cases[0].member("name").unwrap();
        assert_eq!(&text[name.key_span.clone()], "name");
        assert_eq!(&text[name.value.span.clone()], "\"a\"");
    }

    #[test]
    fn quoted_spans_stop_at_the_quote() {
        let text = "a: \"x\\\" y\" # c\nb: 'it''s' # d\nc: plain  # e\n";
        let n = parse(text).unwrap();
        assert_eq!(&text[n.get("a").unwrap().span.clone()], "\"x\\\" y\"");
        assert_eq!(&text[n.get("b").unwrap().span.clone()], "'it''s'");
        assert_eq!(&text[n.get("c").unwrap().span.clone()], "plain");
        assert_eq!(n.get("b").unwrap().as_str(), Some("it's"));
    }

    #[test]
    fn non_ascii_spans_are_bytes() {
        let text = "é: \"ü\"\nk: v\n";
        let n = parse(text).unwrap();
        assert_eq!(&text[n.get("k").unwrap().span.clone()], "v");
        assert_eq!(&text[n.get("é").unwrap().span.clone()], "\"ü\"");
    }

    #[test]
    fn anchors_and_aliases() {
        assert_eq!(
            json("a: &x {k: 1}\nb: *x\n"),
            serde_json::json!({"a": {"k": 1}, "b": {"k": 1}})
        );
    }

    #[test]
    fn errors_are_located() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(!e.message.is_empty());
        let e = parse("? [a]\n: 1\n").unwrap_err();
        assert_eq!(e.message, "only scalar keys are supported");
        let deep = "[".repeat(1000);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='j' {
            text.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = c;
        }
        assert!(parse(&text).is_err());
    }

    #[test]
    fn first_document_only() {
        assert_eq!(json("a: 1\n---\nb: 2\n"), serde_json::json!({"a": 1}));
        assert_eq!(json(""), serde_json::Value::Null);
    }

    #[test]
    fn writes_round_trip() {
        for s in [
            "",
            "x",
            "a \"q\" \\ b",
            "tab\there",
            "nl\n",
            "\u{7f}\u{85}\u{2028}\u{feff}",
            "é😀",
            "\r\n",
        ] {
            let text = format!("k: {}\n", quoted(s));
            assert_eq!(json(&text), serde_json::json!({"k": s}), "{text}");
        }
        for s in ["a\nb", "a\nb\n", "{\n  \"x\": 1\n}", "a\n\nb", "x\n\ty"] {
            let block = literal_block(s, "    ").unwrap();
            let text = format!("k: {block}\nz: 1\n");
            assert_eq!(json(&text), serde_json::json!({"k": s, "z": 1}), "{text}");
        }
        for s in [
            "one line",
            "a\n\n",
            " lead\nx",
            "trail \nx",
            "\nx",
            "a\r\nb",
        ] {
            assert_eq!(literal_block(s, "  "), None, "{s:?}");
        }
        for (s, plain) in [
            ("eval", true),
            ("X-Kind", true),
            ("true", false),
            ("null", false),
            ("a b", false),
            ("1x", false),
            ("", false),
            ("x:", false),
            ("e1", true),
            ("y", true),
        ] {
            assert_eq!(is_plain_word(s), plain, "{s:?}");
            let text = format!("k: {}\n", block_string(s, "  "));
            assert_eq!(json(&text), serde_json::json!({"k": s}), "{text}");
        }
    }
}
