//! `apigw-vtl render`: one template, one invocation.

use super::args::RenderArgs;
use super::diag;
use super::diff::quote;
use super::input::{self, InputError};
use super::term::Term;
use apigw_vtl::{Rendered, Template};
use serde_json::{Map, Value, json};

pub fn run(term: &mut Term, args: &RenderArgs) -> u8 {
    match render(term, args) {
        Ok(code) => code,
        Err(InputError(d)) => {
            let painted = diag::paint(term.err_style, &d);
            term.err(&painted);
            2
        }
    }
}

fn render(term: &mut Term, args: &RenderArgs) -> Result<u8, InputError> {
    let stdin_template = args.template.as_ref().is_some_and(|p| p.as_os_str() == "-");
    let stdin_body = args.body.as_ref().is_some_and(|p| p.as_os_str() == "-");
    let stdin_context = args
        .request
        .context
        .as_ref()
        .is_some_and(|p| p.as_os_str() == "-");
    if usize::from(stdin_template) + usize::from(stdin_body) + usize::from(stdin_context) > 1 {
        return Err(InputError(diag::plain(
            "standard input (-) can be read only once",
            &[],
            Some("give the template, the body or the context as a file"),
        )));
    }
    let (source, name) = match (&args.eval, &args.template) {
        (Some(t), _) => (t.clone(), "<-e>".to_owned()),
        (None, Some(path)) => (input::read_text(path)?, input::display(path)),
        (None, None) => {
            return Err(InputError(diag::plain(
                "no template given",
                &[],
                Some("give a template file, or the template itself with -e"),
            )));
        }
    };
    let body = match (&args.body, &args.body_text) {
        (Some(path), _) => input::read_text(path)?,
        (None, Some(text)) => text.clone(),
        (None, None) => String::new(),
    };
    let invocation = input::invocation(body, &args.request)?;
    for w in super::lint::unknown_util_methods(&source) {
        let d = super::lint::util_warning(&w, &source, &name);
        let painted = diag::paint(term.err_style, &d);
        term.err(&painted);
    }
    let result = Template::parse(&source).and_then(|t| t.render(&invocation));
    match result {
        Ok(r) => {
            if args.json {
                let mut text = serde_json::to_string(&to_json(&r)).unwrap_or_default();
                text.push('\n');
                term.out(&text);
            } else {
                term.out(&r.body);
                if let Some(line) = overrides_line(&r) {
                    term.err(&format!("{line}\n"));
                }
            }
            Ok(0)
        }
        Err(e) => {
            if args.json {
                let (line, column) = e.line_col().map_or((Value::Null, Value::Null), |(l, c)| {
                    (Value::from(l), Value::from(c))
                });
                let v = json!({"error": {
                    "category": apigw_vtl::runner::Category::of(&e).name(),
                    "kind": e.kind().name(),
                    "message": e.message(),
                    "line": line,
                    "column": column,
                }});
                term.out(&format!("{v}\n"));
            }
            let d = diag::template(&e, &source, &name);
            let painted = diag::paint(term.err_style, &d);
            term.err(&painted);
            Ok(1)
        }
    }
}

/// `{"body", "status", "headers", "requestOverride": {"path", "header", "querystring"}}`.
pub fn to_json(r: &Rendered) -> Value {
    let strings = |m: &indexmap::IndexMap<String, String>| -> Value {
        Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect(),
        )
    };
    let lists = |m: &indexmap::IndexMap<String, Vec<String>>| -> Value {
        Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                .collect::<Map<_, _>>(),
        )
    };
    json!({
        "body": r.body,
        "status": r.status,
        "headers": strings(&r.headers),
        "requestOverride": {
            "path": strings(&r.request_override.path),
            "header": lists(&r.request_override.header),
            "querystring": lists(&r.request_override.querystring),
        },
    })
}

/// The overrides a template set, on one line; `None` when it set none.
///
/// `responseOverride: status=400 header.X-Kind="client"; requestOverride: path.id="7"`
pub fn overrides_line(r: &Rendered) -> Option<String> {
    let mut parts = Vec::new();
    let mut response = Vec::new();
    if let Some(s) = r.status {
        response.push(format!("status={s}"));
    }
    for (k, v) in &r.headers {
        response.push(format!("header.{k}={}", quote(v)));
    }
    if !response.is_empty() {
        parts.push(format!("responseOverride: {}", response.join(" ")));
    }
    let ro = &r.request_override;
    let mut request = Vec::new();
    for (k, v) in &ro.path {
        request.push(format!("path.{k}={}", quote(v)));
    }
    let list = |v: &[String]| -> String {
        match v {
            [one] => quote(one),
            many => serde_json::to_string(many).unwrap_or_default(),
        }
    };
    for (k, v) in &ro.header {
        request.push(format!("header.{k}={}", list(v)));
    }
    for (k, v) in &ro.querystring {
        request.push(format!("querystring.{k}={}", list(v)));
    }
    if !request.is_empty() {
        parts.push(format!("requestOverride: {}", request.join(" ")));
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_on_one_line() {
        let mut r = Rendered::default();
        assert_eq!(overrides_line(&r), None);
        r.status = Some(400);
        r.headers.insert("X-Kind".into(), "client".into());
        assert_eq!(
            overrides_line(&r).unwrap(),
            "responseOverride: status=400 header.X-Kind=\"client\""
        );
        r.request_override.path.insert("id".into(), "7".into());
        r.request_override
            .querystring
            .insert("q".into(), vec!["a".into(), "b\n".into()]);
        assert_eq!(
            overrides_line(&r).unwrap(),
            "responseOverride: status=400 header.X-Kind=\"client\"; requestOverride: path.id=\"7\" querystring.q=[\"a\",\"b\\n\"]"
        );
    }

    #[test]
    fn json_shape() {
        let mut r = Rendered {
            body: "b".into(),
            ..Rendered::default()
        };
        r.request_override
            .header
            .insert("H".into(), vec!["1".into()]);
        assert_eq!(
            to_json(&r).to_string(),
            r#"{"body":"b","status":null,"headers":{},"requestOverride":{"path":{},"header":{"H":["1"]},"querystring":{}}}"#
        );
    }
}
