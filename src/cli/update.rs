//! `apigw-vtl test --update`: rewrite the `expect` of a case from its actual
//! result, touching nothing else in the file.
//!
//! Only the bytes of the values that change are replaced: a failing case
//! whose `expect` checks `body` only gets a new `body` and keeps checking
//! only that; switching between an error and a rendering replaces the whole
//! `expect`; a case without `expect` gets one after its last field, in the
//! file's own layout (indentation, one-line or multi-line, JSON or YAML).

use super::yaml;
use apigw_vtl::runner::doc::Node;
use apigw_vtl::runner::{Actual, Case};
use serde_json::Value;
use std::ops::Range;

/// The syntax of a suite file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

/// Replace `range` of the file with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// The edits that make `case` expect `actual`.
pub fn plan(text: &str, format: Format, case: &Case, actual: &Actual) -> Vec<Edit> {
    let full = actual.to_expect(case.kind.is_gateway());
    let node = &case.node;
    let ctx = Ctx { text, format };
    let Some(member) = node.member("expect") else {
        return vec![ctx.insert(node, "expect", &full)];
    };
    let old = &member.value;
    let flow = ctx.is_flow(node) || ctx.is_flow(old);
    match (old.get("error"), actual) {
        (Some(err), Actual::Error(_)) => {
            vec![ctx.replace(err, &full["error"], flow)]
        }
        (None, Actual::Output { .. }) if old.members().is_some() => {
            let mut edits = Vec::new();
            for field in ["body", "status", "headers"] {
                if let Some(v) = old.get(field)
                    && v.to_json() != full[field]
                {
                    edits.push(ctx.replace(v, &full[field], flow));
                }
            }
            edits
        }
        _ => vec![ctx.replace(old, &full, flow)],
    }
}

/// Applies non-overlapping edits.
pub fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_owned();
    let mut limit = text.len();
    for e in edits {
        if e.range.end <= limit
            && e.range.start <= e.range.end
            && out.is_char_boundary(e.range.start)
            && out.is_char_boundary(e.range.end)
        {
            out.replace_range(e.range.clone(), &e.text);
            limit = e.range.start;
        }
    }
    out
}

struct Ctx<'a> {
    text: &'a str,
    format: Format,
}

impl Ctx<'_> {
    fn at(&self, i: usize) -> &str {
        self.text.get(i..).unwrap_or("")
    }

    fn is_flow(&self, node: &Node) -> bool {
        self.at(node.span.start).starts_with(['{', '['])
    }

    fn spans_lines(&self, node: &Node) -> bool {
        self.text
            .get(node.span.clone())
            .is_some_and(|s| s.contains('\n'))
    }

    /// The whitespace that starts the line holding byte `pos`.
    fn line_indent(&self, pos: usize) -> &str {
        let start = self.line_start(pos);
        let line = self.text.get(start..).unwrap_or("");
        let n = line.len() - line.trim_start_matches([' ', '\t']).len();
        &line[..n]
    }

    fn line_start(&self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        self.text
            .get(..pos)
            .and_then(|s| s.rfind(['\n', '\r']))
            .map_or(0, |p| p + 1)
    }

    /// End of the line holding byte `pos` (before its line break).
    fn line_end(&self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        self.text
            .get(pos..)
            .and_then(|s| s.find(['\n', '\r']))
            .map_or(self.text.len(), |p| pos + p)
    }

    /// As many spaces as there are characters before byte `pos` on its line
    /// (the column of a YAML block mapping that starts after `- `).
    fn column_spaces(&self, pos: usize) -> String {
        let start = self.line_start(pos);
        let n = self.text.get(start..pos).map_or(0, |s| s.chars().count());
        " ".repeat(n)
    }

    /// The file's indentation step, read from a multi-line case.
    fn json_unit(&self, case: &Node) -> String {
        let base = self.line_indent(case.span.start);
        if let Some(m) = case.members().and_then(|m| m.first()) {
            let mi = self.line_indent(m.key_span.start);
            if self.line_start(m.key_span.start) != self.line_start(case.span.start)
                && let Some(unit) = mi.strip_prefix(base)
                && !unit.is_empty()
            {
                return unit.to_owned();
            }
        }
        "  ".to_owned()
    }

    fn replace(&self, target: &Node, value: &Value, flow: bool) -> Edit {
        let text = match self.format {
            Format::Json => match value {
                Value::Object(m) if !m.is_empty() && self.spans_lines(target) => {
                    let base = self.line_indent(target.span.start);
                    let unit = self.json_unit(target);
                    json_pretty(value, base, &unit)
                }
                _ => json_inline(value),
            },
            Format::Yaml => {
                let in_flow = flow || self.is_flow(target);
                match value {
                    Value::Object(m) if !m.is_empty() && !in_flow => {
                        let indent = self.column_spaces(target.span.start);
                        yaml_block(m, &indent)
                    }
                    Value::Object(_) | Value::Array(_) => yaml_inline(value),
                    Value::String(s) => {
                        let rest_of_line = self
                            .text
                            .get(target.span.end..self.line_end(target.span.end))
                            .unwrap_or("");
                        let indent = format!("{}  ", self.line_indent(target.span.start));
                        if yaml::is_plain_word(s) {
                            s.clone()
                        } else if in_flow || !rest_of_line.trim().is_empty() {
                            yaml::quoted(s)
                        } else {
                            yaml::block_string(s, &indent)
                        }
                    }
                    other => yaml::scalar(other),
                }
            }
        };
        Edit {
            range: target.span.clone(),
            text,
        }
    }

    /// Adds `key: value` as the last member of the object `obj`.
    fn insert(&self, obj: &Node, key: &str, value: &Value) -> Edit {
        let last = obj.members().and_then(|m| m.last());
        let quoted_key = serde_json::to_string(key).unwrap_or_default();
        match (self.format, last) {
            (Format::Json, Some(last)) if self.spans_lines(obj) => {
                let indent = self.line_indent(last.key_span.start);
                let unit = self.json_unit(obj);
                let at = last.value.span.end;
                Edit {
                    range: at..at,
                    text: format!(
                        ",\n{indent}{quoted_key}: {}",
                        json_pretty(value, indent, &unit)
                    ),
                }
            }
            (Format::Json, Some(last)) => {
                let at = last.value.span.end;
                Edit {
                    range: at..at,
                    text: format!(", {quoted_key}: {}", json_inline(value)),
                }
            }
            (Format::Yaml, Some(last)) if self.is_flow(obj) => {
                let at = last.value.span.end;
                Edit {
                    range: at..at,
                    text: format!(", {key}: {}", yaml_inline(value)),
                }
            }
            (Format::Yaml, Some(last)) => {
                let first = obj.members().and_then(|m| m.first()).unwrap_or(last);
                let indent = self.column_spaces(first.key_span.start);
                let at = self.line_end(
                    last.value
                        .span
                        .end
                        .saturating_sub(1)
                        .max(last.value.span.start),
                );
                let body = match value {
                    Value::Object(m) if !m.is_empty() => {
                        let inner = format!("{indent}  ");
                        format!("\n{inner}{}", yaml_block(m, &inner))
                    }
                    other => format!(" {}", yaml_inline(other)),
                };
                Edit {
                    range: at..at,
                    text: format!("\n{indent}{key}:{body}"),
                }
            }
            (_, None) => {
                let at = obj.span.start + 1;
                let text = match self.format {
                    Format::Json => format!("{quoted_key}: {}", json_inline(value)),
                    Format::Yaml => format!("{key}: {}", yaml_inline(value)),
                };
                Edit {
                    range: at..at,
                    text,
                }
            }
        }
    }
}

/// JSON on one line: `{"body": "x", "status": null, "headers": {}}`.
fn json_inline(v: &Value) -> String {
    inline(v, &|s| serde_json::to_string(s).unwrap_or_default())
}

/// JSON as YAML flow (strings quoted the YAML way, which is JSON's plus
/// escapes for what YAML cannot hold raw).
fn yaml_inline(v: &Value) -> String {
    inline(v, &|s| {
        if yaml::is_plain_word(s) {
            s.to_owned()
        } else {
            yaml::quoted(s)
        }
    })
}

fn inline(v: &Value, quote: &dyn Fn(&str) -> String) -> String {
    match v {
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", quote(k), inline(v, quote)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(|v| inline(v, quote)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::String(s) => quote(s),
        other => other.to_string(),
    }
}

/// Pretty JSON whose first line continues the current one and whose other
/// lines start at `base`, nested by `unit`.
fn json_pretty(v: &Value, base: &str, unit: &str) -> String {
    match v {
        Value::Object(m) if !m.is_empty() => {
            let inner = format!("{base}{unit}");
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{inner}{}: {}",
                        serde_json::to_string(k).unwrap_or_default(),
                        json_pretty(v, &inner, unit)
                    )
                })
                .collect();
            format!("{{\n{}\n{base}}}", items.join(",\n"))
        }
        Value::Array(a) if !a.is_empty() => {
            let inner = format!("{base}{unit}");
            let items: Vec<String> = a
                .iter()
                .map(|v| format!("{inner}{}", json_pretty(v, &inner, unit)))
                .collect();
            format!("[\n{}\n{base}]", items.join(",\n"))
        }
        other => json_inline(other),
    }
}

/// A YAML block mapping whose first line continues the current one and
/// whose other lines start at `indent`.
fn yaml_block(m: &serde_json::Map<String, Value>, indent: &str) -> String {
    let inner = format!("{indent}  ");
    let lines: Vec<String> = m
        .iter()
        .map(|(k, v)| {
            let key = yaml_key(k);
            match v {
                Value::Object(sub) if !sub.is_empty() => {
                    format!("{key}:\n{inner}{}", yaml_block(sub, &inner))
                }
                Value::Object(_) | Value::Array(_) => format!("{key}: {}", yaml_inline(v)),
                Value::String(s) => format!("{key}: {}", yaml::block_string(s, &inner)),
                other => format!("{key}: {}", yaml::scalar(other)),
            }
        })
        .collect();
    lines.join(&format!("\n{indent}"))
}

/// A mapping key: plain when it is a simple word YAML reads as this string.
fn yaml_key(k: &str) -> String {
    if yaml::is_plain_word(k) {
        k.to_owned()
    } else {
        yaml::quoted(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use apigw_vtl::runner::{Suite, doc::Node};
    use apigw_vtl::{Error, Span};
    use indexmap::IndexMap;

    fn out(body: &str, status: Option<i64>, headers: &[(&str, &str)]) -> Actual {
        Actual::Output {
            body: body.into(),
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<IndexMap<_, _>>(),
        }
    }

    fn suite(text: &str, format: Format) -> Suite {
        let node: Node = match format {
            Format::Json => apigw_vtl::runner::doc::parse_json(text).unwrap(),
            Format::Yaml => yaml::parse(text).unwrap(),
        };
        Suite::from_node(node).unwrap()
    }

    /// Updates every case of `text` to `actual`, checks the result reads back
    /// with exactly that expectation, and returns it.
    fn update(text: &str, format: Format, actual: &Actual) -> String {
        let s = suite(text, format);
        let mut edits = Vec::new();
        for case in s.cases.iter().flatten() {
            edits.extend(plan(text, format, case, actual));
        }
        let new = apply(text, edits);
        let again = suite(&new, format);
        for case in again.cases.iter() {
            let case = case.as_ref().unwrap();
            assert_eq!(
                apigw_vtl::runner::compare(case.expect.as_ref(), actual),
                vec![],
                "{new}"
            );
        }
        new
    }

    #[test]
    fn json_insert_multi_line() {
        let text = "{\n  \"cases\": [\n    {\n      \"name\": \"a\",\n      \"template\": \"x\"\n    }\n  ]\n}\n";
        assert_eq!(
            update(text, Format::Json, &out("x", None, &[])),
            "{\n  \"cases\": [\n    {\n      \"name\": \"a\",\n      \"template\": \"x\",\n      \"expect\": {\n        \"body\": \"x\",\n        \"status\": null,\n        \"headers\": {}\n      }\n    }\n  ]\n}\n"
        );
    }

    #[test]
    fn json_insert_one_line_and_tabs() {
        let text = "{\"cases\": [{\"name\": \"a\", \"template\": \"x\"}]}";
        assert_eq!(
            update(text, Format::Json, &out("x\n", Some(400), &[("A", "b")])),
            "{\"cases\": [{\"name\": \"a\", \"template\": \"x\", \"expect\": {\"body\": \"x\\n\", \"status\": 400, \"headers\": {\"A\": \"b\"}}}]}"
        );
        let text = "{\"cases\": [\n\t{\n\t\t\"template\": \"x\"\n\t}\n]}";
        assert_eq!(
            update(
                text,
                Format::Json,
                &Actual::Error(Error::parse("m", Span::default()))
            ),
            "{\"cases\": [\n\t{\n\t\t\"template\": \"x\",\n\t\t\"expect\": {\n\t\t\t\"error\": \"parse\"\n\t\t}\n\t}\n]}"
        );
    }

    #[test]
    fn json_replaces_only_what_differs() {
        let text = "{\"cases\": [\n  {\"name\": \"a\", \"template\": \"x\",\n   \"expect\": {\"status\": 200, \"body\":   \"old\", \"note\": \"kept\"}}\n]}";
        assert_eq!(
            update(text, Format::Json, &out("new", Some(200), &[("X", "y")])),
            "{\"cases\": [\n  {\"name\": \"a\", \"template\": \"x\",\n   \"expect\": {\"status\": 200, \"body\":   \"new\", \"note\": \"kept\"}}\n]}"
        );
    }

    #[test]
    fn json_switches_between_error_and_output() {
        let text = "{\"cases\": [\n  {\n    \"template\": \"x\",\n    \"expect\": {\n      \"error\": \"parse\"\n    }\n  }\n]}";
        assert_eq!(
            update(text, Format::Json, &out("x", None, &[])),
            "{\"cases\": [\n  {\n    \"template\": \"x\",\n    \"expect\": {\n      \"body\": \"x\",\n      \"status\": null,\n      \"headers\": {}\n    }\n  }\n]}"
        );
        let text = "{\"cases\": [{\"template\": \"x\", \"expect\": {\"error\": \"parse\"}}]}";
        assert_eq!(
            update(text, Format::Json, &Actual::Error(Error::eval("m"))),
            "{\"cases\": [{\"template\": \"x\", \"expect\": {\"error\": \"eval\"}}]}"
        );
    }

    #[test]
    fn json_multi_line_headers() {
        let text = "{\"cases\": [\n  {\n    \"template\": \"x\",\n    \"expect\": {\n      \"headers\": {\n        \"A\": \"1\"\n      }\n    }\n  }\n]}";
        assert_eq!(
            update(
                text,
                Format::Json,
                &out("x", None, &[("A", "2"), ("B", "3")])
            ),
            "{\"cases\": [\n  {\n    \"template\": \"x\",\n    \"expect\": {\n      \"headers\": {\n        \"A\": \"2\",\n        \"B\": \"3\"\n      }\n    }\n  }\n]}"
        );
    }

    #[test]
    fn yaml_insert_block() {
        let text = "suite: s\ncases:\n  - name: a\n    template: |\n      #set($x = 1)\n      $x\n  - name: b  # second\n    template: x # the template\n";
        assert_eq!(
            update(
                text,
                Format::Yaml,
                &out("line 1\nline 2\n", Some(201), &[("X-A", "b")])
            ),
            "suite: s\ncases:\n  - name: a\n    template: |\n      #set($x = 1)\n      $x\n    expect:\n      body: |\n        line 1\n        line 2\n      status: 201\n      headers:\n        X-A: b\n  - name: b  # second\n    template: x # the template\n    expect:\n      body: |\n        line 1\n        line 2\n      status: 201\n      headers:\n        X-A: b\n"
        );
    }

    #[test]
    fn yaml_insert_flow_and_error() {
        let text = "cases:\n- {name: a, template: x}\n";
        assert_eq!(
            update(text, Format::Yaml, &out("a\nb", None, &[])),
            "cases:\n- {name: a, template: x, expect: {body: \"a\\nb\", status: null, headers: {}}}\n"
        );
        let text = "cases:\n- name: a\n  template: x\n";
        assert_eq!(
            update(text, Format::Yaml, &Actual::Error(Error::eval("m"))),
            "cases:\n- name: a\n  template: x\n  expect:\n    error: eval\n"
        );
    }

    #[test]
    fn yaml_replaces_scalars_in_place() {
        let text = "cases:\n  - name: a\n    template: x\n    expect:\n      body: |-\n        old\n        text\n\n      status: null # none\n      headers: {}\n";
        assert_eq!(
            update(text, Format::Yaml, &out("new\ntext", Some(404), &[])),
            "cases:\n  - name: a\n    template: x\n    expect:\n      body: |-\n        new\n        text\n\n      status: 404 # none\n      headers: {}\n"
        );
        // A comment after the value forbids a block scalar.
        let text = "cases:\n  - template: x\n    expect:\n      body: \"o\" # c\n";
        assert_eq!(
            update(text, Format::Yaml, &out("a\nb", None, &[])),
            "cases:\n  - template: x\n    expect:\n      body: \"a\\nb\" # c\n"
        );
    }

    #[test]
    fn yaml_replaces_a_block_mapping() {
        let text = "cases:\n  - template: x\n    expect:\n      error: parse\n    # after\n  - template: y\n    expect: {error: parse}\n";
        assert_eq!(
            update(text, Format::Yaml, &out("", None, &[("K", "v")])),
            "cases:\n  - template: x\n    expect:\n      body: \"\"\n      status: null\n      headers:\n        K: v\n    # after\n  - template: y\n    expect: {body: \"\", status: null, headers: {K: v}}\n"
        );
    }

    #[test]
    fn yaml_awkward_keys_are_quoted() {
        assert_eq!(yaml_key("X-Kind"), "X-Kind");
        assert_eq!(yaml_key("true"), "\"true\"");
        assert_eq!(yaml_key("a b"), "\"a b\"");
        assert_eq!(yaml_key("1x"), "\"1x\"");
        assert_eq!(yaml_key("x: y"), "\"x: y\"");
    }

    #[test]
    fn gateway_expect_order() {
        let text = "{\"cases\": [{\"name\": \"g\", \"integration\": {\"type\": \"MOCK\"}}]}";
        let s = suite(text, Format::Json);
        let case = s.cases[0].as_ref().unwrap();
        let new = apply(
            text,
            plan(text, Format::Json, case, &out("b", Some(200), &[])),
        );
        assert_eq!(
            new,
            "{\"cases\": [{\"name\": \"g\", \"integration\": {\"type\": \"MOCK\"}, \"expect\": {\"status\": 200, \"headers\": {}, \"body\": \"b\"}}]}"
        );
    }
}
