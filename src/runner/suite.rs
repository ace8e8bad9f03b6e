//! Suites and cases of the test-case format (`shared/spec/case-format.md`,
//! version 1), read from a [`Node`] tree with every fault located.

use super::doc::{self, DocError, Node, NodeValue, join_index, join_key};
use crate::api::Invocation;
use indexmap::IndexMap;
use std::ops::Range;

/// A suite file, read: its cases, each either usable or invalid.
#[derive(Clone, Debug)]
pub struct Suite {
    /// The `suite` field, when present.
    pub name: Option<String>,
    /// The `api` field, when present: the API definition file (relative to
    /// the suite's directory) whose routes the suite's route cases name.
    pub api: Option<String>,
    /// The whole document.
    pub root: Node,
    /// Every element of `cases`, in order.
    pub cases: Vec<Result<Case, CaseError>>,
}

/// One usable case.
#[derive(Clone, Debug)]
pub struct Case {
    /// Position in `cases`.
    pub index: usize,
    /// The `name` field, or `cases[N]` when it has none.
    pub name: String,
    /// JSON path of the case in its file (`cases[3]`).
    pub path: String,
    pub kind: CaseKind,
    /// The `expect` field, checked; `None` when the case has none (it then fails,
    /// and `--update` writes one).
    pub expect: Option<Expect>,
    /// The case as written.
    pub node: Node,
}

/// What a case runs.
#[derive(Clone, Debug)]
pub enum CaseKind {
    /// A template case: `template` rendered against `input`.
    Template {
        template: String,
        invocation: Box<Invocation>,
    },
    /// A gateway case (it has `integration`, or `route`): the whole response path.
    Gateway {
        case: Box<crate::gateway::GatewayCase>,
    },
}

impl CaseKind {
    pub fn is_gateway(&self) -> bool {
        matches!(self, CaseKind::Gateway { .. })
    }
}

/// The error categories of the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// The template is not valid VTL.
    Parse,
    /// The template failed while rendering. A limit that stops a render
    /// (output size, nesting depth, evaluation steps, ...) counts as `eval`:
    /// the format knows only these two categories, and the oracle reports a
    /// Java stack overflow as `eval` too.
    Eval,
}

impl Category {
    pub fn name(self) -> &'static str {
        match self {
            Category::Parse => "parse",
            Category::Eval => "eval",
        }
    }

    /// The name with its article: "a parse", "an eval".
    pub fn with_article(self) -> &'static str {
        match self {
            Category::Parse => "a parse",
            Category::Eval => "an eval",
        }
    }

    /// The category of a library error (`limit` is `eval`; see [`Category::Eval`]).
    pub fn of(error: &crate::Error) -> Category {
        match error.kind() {
            crate::ErrorKind::Parse => Category::Parse,
            _ => Category::Eval,
        }
    }
}

/// A case's `expect`, checked. Only the fields present are compared.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// `{"error": "parse"|"eval"}`: the case expects the template to fail.
    Error(Category),
    /// The expected output.
    Output {
        body: Option<String>,
        /// `Some(None)` is `"status": null` (no override); `None` is "not checked".
        status: Option<Option<i64>>,
        headers: Option<IndexMap<String, String>>,
    },
}

/// A case that cannot be run: what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseError {
    /// The case's name when it has one, else its path.
    pub case: String,
    /// JSON path of the faulty value (`cases[3].input.body`).
    pub path: String,
    pub message: String,
    /// Byte range of the faulty value in the file.
    pub span: Range<usize>,
    pub help: Option<String>,
}

/// A file that is not a suite at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuiteError {
    pub message: String,
    pub span: Range<usize>,
    pub help: Option<String>,
}

impl From<DocError> for SuiteError {
    fn from(e: DocError) -> SuiteError {
        SuiteError {
            message: e.message,
            span: e.span,
            help: None,
        }
    }
}

impl Suite {
    /// Reads a JSON suite.
    pub fn from_json(text: &str) -> Result<Suite, SuiteError> {
        let root = doc::parse_json(text)?;
        Suite::from_node(root)
    }

    /// Reads a suite from a document tree (from JSON or YAML).
    pub fn from_node(root: Node) -> Result<Suite, SuiteError> {
        if !matches!(root.value, NodeValue::Object(_)) {
            return Err(SuiteError {
                message: format!(
                    "a suite is an object with a `cases` array; this file holds {}",
                    root.describe()
                ),
                span: root.span.start..root.span.start.saturating_add(1).min(root.span.end),
                help: Some("write `{\"suite\": \"NAME\", \"cases\": [...]}`".into()),
            });
        }
        let name = root.get("suite").and_then(Node::as_str).map(str::to_owned);
        let api = match root.get("api") {
            None => None,
            Some(n) => match n.as_str() {
                Some(s) => Some(s.to_owned()),
                None => {
                    return Err(SuiteError {
                        message: format!(
                            "`api` must be a string (the API definition file), found {}",
                            n.describe()
                        ),
                        span: n.span.clone(),
                        help: Some(
                            "write `\"api\": \"openapi.yaml\"`, relative to the suite".into(),
                        ),
                    });
                }
            },
        };
        let cases_node = match root.member("cases") {
            None => {
                return Err(SuiteError {
                    message: "a suite needs a `cases` array".into(),
                    span: root.span.start..root.span.start.saturating_add(1).min(root.span.end),
                    help: Some("write `{\"suite\": \"NAME\", \"cases\": [...]}`".into()),
                });
            }
            Some(m) => &m.value,
        };
        let Some(items) = cases_node.items() else {
            return Err(SuiteError {
                message: format!("`cases` must be an array, found {}", cases_node.describe()),
                span: cases_node.span.clone(),
                help: None,
            });
        };
        let cases = items
            .iter()
            .enumerate()
            .map(|(i, n)| read_case(i, n))
            .collect();
        Ok(Suite {
            name,
            api,
            root,
            cases,
        })
    }
}

struct Ctx<'a> {
    case: &'a str,
}

impl Ctx<'_> {
    fn err(&self, path: &str, node: &Node, message: impl Into<String>) -> CaseError {
        CaseError {
            case: self.case.to_owned(),
            path: path.to_owned(),
            message: message.into(),
            span: node.span.clone(),
            help: None,
        }
    }
}

fn read_case(index: usize, node: &Node) -> Result<Case, CaseError> {
    let path = join_index("cases", index);
    let ctx = Ctx { case: &path };
    if !matches!(node.value, NodeValue::Object(_)) {
        return Err(ctx.err(
            &path,
            node,
            format!("a case must be an object, found {}", node.describe()),
        ));
    }
    let name = match node.get("name") {
        None => path.clone(),
        Some(n) => match n.as_str() {
            Some(s) => s.to_owned(),
            None => {
                return Err(ctx.err(
                    &join_key(&path, "name"),
                    n,
                    format!("`name` must be a string, found {}", n.describe()),
                ));
            }
        },
    };
    let ctx = Ctx { case: &name };
    let kind = if node.get("integration").is_some() || node.get("route").is_some() {
        match super::gateway::read(node) {
            Ok(case) => CaseKind::Gateway {
                case: Box::new(case),
            },
            Err((at, message)) => {
                let (target, _) = node.locate(&at);
                let full = if at.is_empty() {
                    path.clone()
                } else {
                    format!("{path}.{at}")
                };
                let mut e = ctx.err(&full, target, message);
                if std::ptr::eq(target, node) {
                    e.span = node.span.start..node.span.start.saturating_add(1).min(node.span.end);
                }
                return Err(e);
            }
        }
    } else {
        let Some(t) = node.get("template") else {
            let mut e = ctx.err(
                &path,
                node,
                "this case has neither `template` (a template case) nor `integration` or `route` (a gateway case)",
            );
            e.span = node.span.start..node.span.start.saturating_add(1).min(node.span.end);
            e.help = Some("add `\"template\": \"...\"` with the mapping template to render".into());
            return Err(e);
        };
        let Some(template) = t.as_str() else {
            return Err(ctx.err(
                &join_key(&path, "template"),
                t,
                format!("`template` must be a string, found {}", t.describe()),
            ));
        };
        let invocation = read_invocation(&ctx, &join_key(&path, "input"), node.get("input"), true)?;
        CaseKind::Template {
            template: template.to_owned(),
            invocation: Box::new(invocation),
        }
    };
    let expect = match node.get("expect") {
        None => None,
        Some(e) => Some(read_expect(
            &ctx,
            &join_key(&path, "expect"),
            e,
            kind.is_gateway(),
        )?),
    };
    Ok(Case {
        index,
        name,
        path,
        kind,
        expect,
        node: node.clone(),
    })
}

/// Reads a template case's `input` (or, for a gateway case, `request`).
fn read_invocation(
    ctx: &Ctx<'_>,
    path: &str,
    node: Option<&Node>,
    with_body: bool,
) -> Result<Invocation, CaseError> {
    let mut inv = Invocation::default();
    let Some(node) = node else {
        return Ok(inv);
    };
    if node.is_null() {
        return Ok(inv);
    }
    if !matches!(node.value, NodeValue::Object(_)) {
        return Err(ctx.err(
            path,
            node,
            format!("`input` must be an object, found {}", node.describe()),
        ));
    }
    if with_body && let Some(b) = node.get("body") {
        match &b.value {
            NodeValue::String(s) => inv.body = s.clone(),
            NodeValue::Null => {}
            _ => {
                let mut e = ctx.err(
                    &join_key(path, "body"),
                    b,
                    format!(
                        "`input.body` must be a string (the raw payload), found {}",
                        b.describe()
                    ),
                );
                if matches!(b.value, NodeValue::Object(_) | NodeValue::Array(_)) {
                    let json = b.to_json().to_string();
                    let quoted = serde_json::to_string(&json).unwrap_or_default();
                    e.help = Some(format!(
                        "a JSON payload is written as a string: {}",
                        shorten(&quoted, 60)
                    ));
                }
                return Err(e);
            }
        }
    }
    if let Some(params) = node.get("params")
        && !params.is_null()
    {
        let ppath = join_key(path, "params");
        if !matches!(params.value, NodeValue::Object(_)) {
            return Err(ctx.err(
                &ppath,
                params,
                format!("`params` must be an object, found {}", params.describe()),
            ));
        }
        inv.path = string_map(ctx, &join_key(&ppath, "path"), params.get("path"))?;
        inv.querystring = string_map(
            ctx,
            &join_key(&ppath, "querystring"),
            params.get("querystring"),
        )?;
        inv.header = string_map(ctx, &join_key(&ppath, "header"), params.get("header"))?;
    }
    inv.stage_variables = string_map(
        ctx,
        &join_key(path, "stageVariables"),
        node.get("stageVariables"),
    )?;
    inv.context = match node.get("context") {
        None => serde_json::Value::Object(serde_json::Map::new()),
        Some(c) => match c.value {
            NodeValue::Object(_) => c.to_json(),
            NodeValue::Null => serde_json::Value::Object(serde_json::Map::new()),
            _ => {
                return Err(ctx.err(
                    &join_key(path, "context"),
                    c,
                    format!("`context` must be an object, found {}", c.describe()),
                ));
            }
        },
    };
    Ok(inv)
}

/// A path within its case: `cases[3].input.body` -> `input.body`.
fn relative(path: &str) -> &str {
    match path.split_once("].") {
        Some((head, rest)) if head.starts_with("cases[") => rest,
        _ => path,
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push_str("...");
        out
    }
}

fn string_map(
    ctx: &Ctx<'_>,
    path: &str,
    node: Option<&Node>,
) -> Result<IndexMap<String, String>, CaseError> {
    let mut map = IndexMap::new();
    let Some(node) = node else {
        return Ok(map);
    };
    if node.is_null() {
        return Ok(map);
    }
    let Some(members) = node.members() else {
        return Err(ctx.err(
            path,
            node,
            format!(
                "`{}` must be an object of names to strings, found {}",
                relative(path),
                node.describe()
            ),
        ));
    };
    for m in members {
        match &m.value.value {
            NodeValue::String(s) => {
                map.insert(m.key.clone(), s.clone());
            }
            _ => {
                let at = join_key(path, &m.key);
                let mut e = ctx.err(
                    &at,
                    &m.value,
                    format!(
                        "`{}` must be a string, found {}",
                        relative(&at),
                        m.value.describe()
                    ),
                );
                if matches!(m.value.value, NodeValue::Number(_) | NodeValue::Bool(_)) {
                    let json = m.value.to_json().to_string();
                    e.help = Some(format!("write it as a string: \"{json}\""));
                }
                return Err(e);
            }
        }
    }
    Ok(map)
}

fn read_expect(ctx: &Ctx<'_>, path: &str, node: &Node, gateway: bool) -> Result<Expect, CaseError> {
    if !matches!(node.value, NodeValue::Object(_)) {
        let mut e = ctx.err(
            path,
            node,
            format!("`expect` must be an object, found {}", node.describe()),
        );
        e.help = Some(
            "remove it and run `apigw-vtl test --update` to record what the template renders"
                .into(),
        );
        return Err(e);
    }
    if let Some(err) = node.get("error") {
        let epath = join_key(path, "error");
        return match err.as_str() {
            Some("parse") if !gateway => Ok(Expect::Error(Category::Parse)),
            Some("eval") if !gateway => Ok(Expect::Error(Category::Eval)),
            _ if gateway => Err(ctx.err(
                &epath,
                err,
                "a gateway case expects a response (`status`, `headers`, `body`), not `error`",
            )),
            _ => {
                let mut e = ctx.err(
                    &epath,
                    err,
                    format!(
                        "`expect.error` must be \"parse\" or \"eval\", found {}",
                        compact(&err.to_json())
                    ),
                );
                if err.as_str() == Some("limit") {
                    e.help = Some("a limit hit while rendering is an `eval` error".into());
                }
                Err(e)
            }
        };
    }
    let body = match node.get("body") {
        None => None,
        Some(b) => match b.as_str() {
            Some(s) => Some(s.to_owned()),
            None => {
                return Err(ctx.err(
                    &join_key(path, "body"),
                    b,
                    format!(
                        "`expect.body` must be a string (the exact text rendered), found {}",
                        b.describe()
                    ),
                ));
            }
        },
    };
    let status = match node.get("status") {
        None => None,
        Some(s) => match &s.value {
            NodeValue::Null if !gateway => Some(None),
            NodeValue::Number(n) if n.as_i64().is_some() => Some(n.as_i64()),
            _ => {
                let what = if gateway {
                    "an integer"
                } else {
                    "an integer or null"
                };
                let mut e = ctx.err(
                    &join_key(path, "status"),
                    s,
                    format!("`expect.status` must be {what}, found {}", s.describe()),
                );
                if let Some(t) = s.as_str()
                    && t.parse::<i64>().is_ok()
                {
                    e.help = Some(format!("write the number without quotes: {t}"));
                }
                return Err(e);
            }
        },
    };
    let headers = match node.get("headers") {
        None => None,
        Some(h) if h.is_null() => {
            return Err(ctx.err(
                &join_key(path, "headers"),
                h,
                "`expect.headers` must be an object (`{}` for none; leave it out not to check headers)",
            ));
        }
        Some(h) => Some(string_map(ctx, &join_key(path, "headers"), Some(h))?),
    };
    Ok(Expect::Output {
        body,
        status,
        headers,
    })
}

fn compact(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(case: &str) -> Result<Case, CaseError> {
        let text = format!("{{\"suite\": \"s\", \"cases\": [{case}]}}");
        let mut s = Suite::from_json(&text).unwrap();
        s.cases.remove(0)
    }

    #[test]
    fn reads_a_template_case() {
        let c = one(
            r#"{"name": "n", "template": "$input.body", "input": {"body": "b",
               "params": {"path": {"id": "7"}, "querystring": {"q": "x"}, "header": {"A": "j"}},
               "context": {"stage": "dev"}, "stageVariables": {"env": "t"}},
               "expect": {"body": "b", "status": null, "headers": {}}}"#,
        )
        .unwrap();
        assert_eq!(c.name, "n");
        let CaseKind::Template {
            template,
            invocation,
        } = &c.kind
        else {
            panic!("not a template case")
        };
        assert_eq!(template, "$input.body");
        assert_eq!(invocation.body, "b");
        assert_eq!(invocation.path["id"], "7");
        assert_eq!(invocation.querystring["q"], "x");
        assert_eq!(invocation.header["A"], "j");
        assert_eq!(invocation.stage_variables["env"], "t");
        assert_eq!(invocation.context, serde_json::json!({"stage": "dev"}));
        assert_eq!(
            c.expect,
            Some(Expect::Output {
                body: Some("b".into()),
                status: Some(None),
                headers: Some(IndexMap::new())
            })
        );
    }

    #[test]
    fn gateway_cases_are_recognised() {
        let c = one(
            r#"{"name": "g", "integration": {"type": "AWS"}, "lambda": {"result": 1}, "expect": {"status": 200}}"#,
        )
        .unwrap();
        assert!(c.kind.is_gateway());
        let c = one(r#"{"name": "g", "route": "GET /x"}"#).unwrap();
        assert!(c.kind.is_gateway());
    }

    #[test]
    fn missing_name_and_input() {
        let c = one(r#"{"template": "x"}"#).unwrap();
        assert_eq!(c.name, "cases[0]");
        assert_eq!(c.expect, None);
    }

    #[test]
    fn invalid_cases_name_the_path() {
        let table: &[(&str, &str, &str)] = &[
            (
                r#"7"#,
                "cases[0]",
                "a case must be an object, found a number",
            ),
            (
                r#"{"name": 1, "template": "x"}"#,
                "cases[0].name",
                "`name` must be a string, found a number",
            ),
            (
                r#"{"name": "n"}"#,
                "cases[0]",
                "this case has neither `template` (a template case) nor `integration` or `route` (a gateway case)",
            ),
            (
                r#"{"name": "n", "template": 5}"#,
                "cases[0].template",
                "`template` must be a string, found a number",
            ),
            (
                r#"{"name": "n", "template": "x", "input": {"body": {"a": 1}}}"#,
                "cases[0].input.body",
                "`input.body` must be a string (the raw payload), found an object",
            ),
            (
                r#"{"name": "n", "template": "x", "input": {"params": {"path": {"id": 7}}}}"#,
                "cases[0].input.params.path.id",
                "`input.params.path.id` must be a string, found a number",
            ),
            (
                r#"{"name": "n", "template": "x", "input": {"context": []}}"#,
                "cases[0].input.context",
                "`context` must be an object, found an array",
            ),
            (
                r#"{"name": "n", "template": "x", "expect": {"error": "limit"}}"#,
                "cases[0].expect.error",
                "`expect.error` must be \"parse\" or \"eval\", found \"limit\"",
            ),
            (
                r#"{"name": "n", "template": "x", "expect": {"body": 1}}"#,
                "cases[0].expect.body",
                "`expect.body` must be a string (the exact text rendered), found a number",
            ),
            (
                r#"{"name": "n", "template": "x", "expect": {"status": "400"}}"#,
                "cases[0].expect.status",
                "`expect.status` must be an integer or null, found a string",
            ),
            (
                r#"{"name": "n", "template": "x", "expect": {"headers": {"X": 1}}}"#,
                "cases[0].expect.headers.X",
                "`expect.headers.X` must be a string, found a number",
            ),
            (
                r#"{"name": "n", "template": "x", "expect": []}"#,
                "cases[0].expect",
                "`expect` must be an object, found an array",
            ),
            (
                r#"{"name": "n", "integration": {"type": "MOCK"}, "expect": {"error": "eval"}}"#,
                "cases[0].expect.error",
                "a gateway case expects a response (`status`, `headers`, `body`), not `error`",
            ),
        ];
        for (case, path, message) in table {
            let e = one(case).unwrap_err();
            assert_eq!(
                (e.path.as_str(), e.message.as_str()),
                (*path, *message),
                "{case}"
            );
        }
    }

    #[test]
    fn helps_where_the_fix_is_known() {
        let e = one(r#"{"name": "n", "template": "x", "expect": {"status": "400"}}"#).unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some("write the number without quotes: 400")
        );
        let e = one(r#"{"name": "n", "template": "x", "input": {"body": {"a": 1}}}"#).unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some(r#"a JSON payload is written as a string: "{\"a\":1}""#)
        );
    }

    #[test]
    fn a_suite_may_name_its_api() {
        let s = Suite::from_json(r#"{"api": "openapi.yaml", "cases": []}"#).unwrap();
        assert_eq!(s.api.as_deref(), Some("openapi.yaml"));
        assert_eq!(Suite::from_json(r#"{"cases": []}"#).unwrap().api, None);
        assert_eq!(
            Suite::from_json(r#"{"api": 1, "cases": []}"#)
                .unwrap_err()
                .message,
            "`api` must be a string (the API definition file), found a number"
        );
    }

    #[test]
    fn not_a_suite() {
        assert_eq!(
            Suite::from_json("[]").unwrap_err().message,
            "a suite is an object with a `cases` array; this file holds an array"
        );
        assert_eq!(
            Suite::from_json("{}").unwrap_err().message,
            "a suite needs a `cases` array"
        );
        assert_eq!(
            Suite::from_json("{\"cases\": {}}").unwrap_err().message,
            "`cases` must be an array, found an object"
        );
    }

    #[test]
    fn category_of_errors() {
        assert_eq!(Category::of(&crate::Error::limit("x")), Category::Eval);
        assert_eq!(
            Category::of(&crate::Error::parse("x", crate::Span::default())),
            Category::Parse
        );
        assert_eq!(Category::of(&crate::Error::eval("x")), Category::Eval);
    }
}
