//! Running a case and comparing its result with `expect`, field by field as
//! the oracle's `--check` does.

use super::suite::{Case, CaseKind, Category, Expect};
use crate::api::{Invocation, Template};
use crate::gateway::ApiDefinition;
use indexmap::IndexMap;

/// What a case produced.
#[derive(Clone, Debug, PartialEq)]
pub enum Actual {
    /// The rendering of a template case, or the response of a gateway case.
    Output {
        body: String,
        /// The status override (template case; `None` when not set) or the
        /// response status (gateway case).
        status: Option<i64>,
        headers: IndexMap<String, String>,
    },
    /// The template failed (parse error, evaluation error or a limit).
    Error(crate::Error),
}

impl Actual {
    /// The `expect` object that records this result, as the oracle writes it:
    /// `{"body", "status", "headers"}` (gateway: `{"status", "headers", "body"}`)
    /// or `{"error": CATEGORY}`.
    pub fn to_expect(&self, gateway: bool) -> serde_json::Value {
        use serde_json::{Map, Value};
        match self {
            Actual::Error(e) => {
                let mut m = Map::new();
                m.insert("error".into(), Value::String(Category::of(e).name().into()));
                Value::Object(m)
            }
            Actual::Output {
                body,
                status,
                headers,
            } => {
                let headers: Map<String, Value> = headers
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                let status = status.map_or(Value::Null, Value::from);
                let mut m = Map::new();
                if gateway {
                    m.insert("status".into(), status);
                    m.insert("headers".into(), Value::Object(headers));
                    m.insert("body".into(), Value::String(body.clone()));
                } else {
                    m.insert("body".into(), Value::String(body.clone()));
                    m.insert("status".into(), status);
                    m.insert("headers".into(), Value::Object(headers));
                }
                Value::Object(m)
            }
        }
    }
}

/// One difference between `expect` and the actual result.
#[derive(Clone, Debug, PartialEq)]
pub enum Mismatch {
    /// The case has no `expect` (run `apigw-vtl test --update` to record one).
    NoExpect,
    /// The case expects an error of this category; the template rendered
    /// (`actual: None`) or failed with another category.
    Error {
        expected: Category,
        actual: Option<Category>,
    },
    /// The case expects a rendering; the template failed.
    Failed,
    Body {
        expected: String,
        actual: String,
    },
    Status {
        expected: Option<i64>,
        actual: Option<i64>,
    },
    Headers {
        expected: IndexMap<String, String>,
        actual: IndexMap<String, String>,
    },
}

impl Mismatch {
    /// One line saying what differs (the reason column of a known-failures list).
    pub fn summary(&self, actual: &Actual) -> String {
        fn status(s: Option<i64>) -> String {
            s.map_or_else(|| "null".to_owned(), |n| n.to_string())
        }
        match self {
            Mismatch::NoExpect => "the case has no `expect`".into(),
            Mismatch::Error {
                expected,
                actual: None,
            } => format!(
                "expected {} error, but it rendered",
                expected.with_article()
            ),
            Mismatch::Error {
                expected,
                actual: Some(a),
            } => format!(
                "expected {} error, got {} error",
                expected.with_article(),
                a.with_article()
            ),
            Mismatch::Failed => match actual {
                Actual::Error(e) => format!("expected a rendering, got {e}"),
                Actual::Output { .. } => "expected a rendering".into(),
            },
            Mismatch::Body { .. } => "body differs".into(),
            Mismatch::Status { expected, actual } => format!(
                "status: expected {}, got {}",
                status(*expected),
                status(*actual)
            ),
            Mismatch::Headers { .. } => "headers differ".into(),
        }
    }
}

/// The result of running one case.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Passed(Actual),
    Failed(Actual, Vec<Mismatch>),
    /// A gateway case that cannot run: it names a route but no API
    /// definition was given, or the definition has no such route, ...
    CannotRun(crate::gateway::CaseError),
}

/// Runs one case and compares the result with its `expect` (a gateway case
/// naming a `route` fails to run: use [`run_case_with`]).
pub fn run_case(case: &Case) -> Outcome {
    run_case_with(case, None)
}

/// Runs one case, a gateway case's `route` taken from `api`, and compares
/// the result with its `expect`.
pub fn run_case_with(case: &Case, api: Option<&ApiDefinition>) -> Outcome {
    let actual = match &case.kind {
        CaseKind::Template {
            template,
            invocation,
        } => run_template(template, invocation),
        CaseKind::Gateway { case: g } => match super::gateway::execute(g, api) {
            Ok(execution) => super::gateway::actual(&execution),
            Err(e) => return Outcome::CannotRun(e),
        },
    };
    let mismatches = compare_case(case, &actual);
    if mismatches.is_empty() {
        Outcome::Passed(actual)
    } else {
        Outcome::Failed(actual, mismatches)
    }
}

/// Parses and renders a template.
pub fn run_template(template: &str, invocation: &Invocation) -> Actual {
    match Template::parse(template).and_then(|t| t.render(invocation)) {
        Ok(r) => Actual::Output {
            body: r.body,
            status: r.status.map(i64::from),
            headers: r.headers,
        },
        Err(e) => Actual::Error(e),
    }
}

/// The differences between a case's `expect` and `actual` ([`compare`];
/// for a gateway case, header names compare case-insensitively, as HTTP
/// header names do).
pub fn compare_case(case: &Case, actual: &Actual) -> Vec<Mismatch> {
    let mut mismatches = compare(case.expect.as_ref(), actual);
    if case.kind.is_gateway() {
        mismatches.retain(|m| match m {
            Mismatch::Headers { expected, actual } => !same_headers(expected, actual),
            _ => true,
        });
    }
    mismatches
}

/// Whether two header maps are equal, names compared case-insensitively.
fn same_headers(a: &IndexMap<String, String>, b: &IndexMap<String, String>) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.iter().any(|(n, w)| n.eq_ignore_ascii_case(k) && v == w))
}

/// The differences between `expect` and `actual`, for the fields `expect`
/// has: `status`/`headers` left out are not checked, `error` compares the
/// category only (the oracle's `--check`).
pub fn compare(expect: Option<&Expect>, actual: &Actual) -> Vec<Mismatch> {
    let Some(expect) = expect else {
        return vec![Mismatch::NoExpect];
    };
    match (expect, actual) {
        (Expect::Error(want), Actual::Error(e)) => {
            let got = Category::of(e);
            if got == *want {
                vec![]
            } else {
                vec![Mismatch::Error {
                    expected: *want,
                    actual: Some(got),
                }]
            }
        }
        (Expect::Error(want), Actual::Output { .. }) => vec![Mismatch::Error {
            expected: *want,
            actual: None,
        }],
        (Expect::Output { .. }, Actual::Error(_)) => vec![Mismatch::Failed],
        (
            Expect::Output {
                body: eb,
                status: es,
                headers: eh,
            },
            Actual::Output {
                body,
                status,
                headers,
            },
        ) => {
            let mut out = Vec::new();
            if let Some(eb) = eb
                && eb != body
            {
                out.push(Mismatch::Body {
                    expected: eb.clone(),
                    actual: body.clone(),
                });
            }
            if let Some(es) = es
                && es != status
            {
                out.push(Mismatch::Status {
                    expected: *es,
                    actual: *status,
                });
            }
            // IndexMap equality ignores order, as JSON object equality does.
            if let Some(eh) = eh
                && eh != headers
            {
                out.push(Mismatch::Headers {
                    expected: eh.clone(),
                    actual: headers.clone(),
                });
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Span};

    fn out(body: &str, status: Option<i64>, headers: &[(&str, &str)]) -> Actual {
        Actual::Output {
            body: body.into(),
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    fn expect(json: &str) -> Expect {
        let text = format!(r#"{{"cases": [{{"template": "", "expect": {json}}}]}}"#);
        let suite = crate::runner::Suite::from_json(&text).unwrap();
        suite.cases[0].as_ref().unwrap().expect.clone().unwrap()
    }

    #[test]
    fn compares_only_the_fields_expect_has() {
        let a = out("x", Some(400), &[("A", "1")]);
        assert!(compare(Some(&expect(r#"{"body": "x"}"#)), &a).is_empty());
        assert!(compare(Some(&expect(r#"{}"#)), &a).is_empty());
        assert!(compare(Some(&expect(r#"{"status": 400}"#)), &a).is_empty());
        assert!(compare(Some(&expect(r#"{"headers": {"A": "1"}}"#)), &a).is_empty());
        assert_eq!(
            compare(
                Some(&expect(r#"{"body": "y", "status": null, "headers": {}}"#)),
                &a
            ),
            vec![
                Mismatch::Body {
                    expected: "y".into(),
                    actual: "x".into()
                },
                Mismatch::Status {
                    expected: None,
                    actual: Some(400)
                },
                Mismatch::Headers {
                    expected: IndexMap::new(),
                    actual: [("A".to_owned(), "1".to_owned())].into_iter().collect()
                },
            ]
        );
    }

    #[test]
    fn status_null_means_not_set() {
        let a = out("", None, &[]);
        assert!(compare(Some(&expect(r#"{"status": null}"#)), &a).is_empty());
        assert_eq!(
            compare(Some(&expect(r#"{"status": 200}"#)), &a),
            vec![Mismatch::Status {
                expected: Some(200),
                actual: None
            }]
        );
    }

    #[test]
    fn header_order_does_not_matter() {
        let a = out("", None, &[("A", "1"), ("B", "2")]);
        assert!(compare(Some(&expect(r#"{"headers": {"B": "2", "A": "1"}}"#)), &a).is_empty());
    }

    #[test]
    fn errors_compare_by_category() {
        let parse = Actual::Error(Error::parse("m", Span::default()));
        let limit = Actual::Error(Error::limit("m"));
        assert!(compare(Some(&expect(r#"{"error": "parse"}"#)), &parse).is_empty());
        assert!(compare(Some(&expect(r#"{"error": "eval"}"#)), &limit).is_empty());
        assert_eq!(
            compare(Some(&expect(r#"{"error": "eval"}"#)), &parse),
            vec![Mismatch::Error {
                expected: Category::Eval,
                actual: Some(Category::Parse)
            }]
        );
        assert_eq!(
            compare(Some(&expect(r#"{"error": "parse"}"#)), &out("x", None, &[])),
            vec![Mismatch::Error {
                expected: Category::Parse,
                actual: None
            }]
        );
        assert_eq!(
            compare(Some(&expect(r#"{"body": "x"}"#)), &parse),
            vec![Mismatch::Failed]
        );
        // `error` wins over other fields, as in the oracle.
        assert!(compare(Some(&expect(r#"{"error": "parse", "body": "q"}"#)), &parse).is_empty());
    }

    #[test]
    fn gateway_header_names_compare_case_insensitively() {
        let suite = crate::runner::Suite::from_json(
            r#"{"cases": [
                {"integration": {"type": "AWS_PROXY"}, "lambda": {"result": {"headers": {"content-type": "a"}}},
                 "expect": {"status": 200, "headers": {"Content-Type": "a"}, "body": ""}},
                {"integration": {"type": "AWS_PROXY"}, "lambda": {"result": {"headers": {"content-type": "b"}}},
                 "expect": {"status": 200, "headers": {"Content-Type": "a"}, "body": ""}},
                {"template": "x", "expect": {"headers": {"a": "1"}}}
            ]}"#,
        )
        .unwrap();
        let case = |i: usize| suite.cases[i].as_ref().unwrap();
        assert!(matches!(run_case(case(0)), Outcome::Passed(_)));
        assert!(matches!(run_case(case(1)), Outcome::Failed(_, m) if m.len() == 1));
        // Template cases compare header names exactly.
        assert_eq!(
            compare_case(case(2), &out("x", None, &[("A", "1")])).len(),
            1
        );
    }

    #[test]
    fn route_cases_need_a_definition() {
        let suite = crate::runner::Suite::from_json(
            r#"{"cases": [{"route": "GET /pets", "lambda": {"result": {}}, "expect": {"status": 200}}]}"#,
        )
        .unwrap();
        let case = suite.cases[0].as_ref().unwrap();
        assert_eq!(
            run_case(case),
            Outcome::CannotRun(crate::gateway::CaseError::NoApi("GET /pets".into()))
        );
        let api = ApiDefinition::parse(
            "api.yaml",
            "openapi: 3.0.1\npaths:\n  /pets:\n    get:\n      x-amazon-apigateway-integration:\n        type: aws_proxy\n",
        )
        .unwrap();
        assert!(matches!(
            run_case_with(case, Some(&api)),
            Outcome::Passed(_)
        ));
    }

    #[test]
    fn no_expect_fails() {
        assert_eq!(compare(None, &out("", None, &[])), vec![Mismatch::NoExpect]);
    }

    #[test]
    fn to_expect_has_the_oracles_shape() {
        let a = out("b", None, &[("X", "y")]);
        assert_eq!(
            serde_json::to_string(&a.to_expect(false)).unwrap(),
            r#"{"body":"b","status":null,"headers":{"X":"y"}}"#
        );
        assert_eq!(
            serde_json::to_string(&out("b", Some(502), &[]).to_expect(true)).unwrap(),
            r#"{"status":502,"headers":{},"body":"b"}"#
        );
        assert_eq!(
            serde_json::to_string(&Actual::Error(Error::limit("x")).to_expect(false)).unwrap(),
            r#"{"error":"eval"}"#
        );
    }

    #[test]
    fn summaries() {
        let a = Actual::Error(Error::eval("boom"));
        assert_eq!(
            Mismatch::Failed.summary(&a),
            "expected a rendering, got eval error: boom"
        );
        assert_eq!(
            Mismatch::Status {
                expected: Some(400),
                actual: None
            }
            .summary(&a),
            "status: expected 400, got null"
        );
    }
}
