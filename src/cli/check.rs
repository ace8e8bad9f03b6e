//! `apigw-vtl check`: parse templates and report every error.

use super::api;
use super::args::CheckArgs;
use super::diag;
use super::input::{self, InputError};
use super::lint;
use super::term::Term;
use apigw_vtl::Template;
use apigw_vtl::error::line_col;
use apigw_vtl::gateway::MappingTemplate;
use std::path::Path;

/// Whether a file is an API definition (OpenAPI, Swagger, SAM) rather than a template.
pub fn is_api_definition(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("json" | "yaml" | "yml")
    )
}

#[derive(Default)]
struct Counts {
    checked: usize,
    failed: usize,
    warnings: usize,
    unreadable: bool,
}

pub fn run(term: &mut Term, args: &CheckArgs) -> u8 {
    let mut counts = Counts::default();
    for path in &args.files {
        if is_api_definition(path) {
            check_definition(term, path, &mut counts);
            continue;
        }
        let source = match input::read_text(path) {
            Ok(s) => s,
            Err(InputError(d)) => {
                report(term, &d);
                counts.unreadable = true;
                continue;
            }
        };
        check_template(term, &source, &input::display(path), &[], &mut counts);
    }
    let plural = |n: usize| if n == 1 { "template" } else { "templates" };
    let warnings = match counts.warnings {
        0 => String::new(),
        1 => ", 1 warning".to_owned(),
        n => format!(", {n} warnings"),
    };
    if counts.failed > 0 {
        let d = diag::plain(
            &format!(
                "{} of {} {} {} errors{warnings}",
                counts.failed,
                counts.checked,
                plural(counts.checked),
                if counts.failed == 1 { "has" } else { "have" }
            ),
            &[],
            None,
        );
        let painted = diag::paint(term.err_style, &d);
        term.err(&painted);
    } else if counts.checked > 0 {
        term.err(&format!(
            "{} {} checked, no errors{warnings}\n",
            counts.checked,
            plural(counts.checked)
        ));
    }
    if counts.unreadable {
        2
    } else if counts.failed > 0 {
        1
    } else {
        0
    }
}

/// A diagnostic on standard error, followed by a blank line as rustc does.
fn report(term: &mut Term, d: &str) {
    let painted = diag::paint(term.err_style, &format!("{d}\n"));
    term.err(&painted);
}

/// Parses one template and reports its error and warnings, each followed by `notes`.
fn check_template(
    term: &mut Term,
    source: &str,
    name: &str,
    notes: &[String],
    counts: &mut Counts,
) {
    counts.checked += 1;
    let with_notes = |d: String| -> String {
        let mut d = d;
        for n in notes {
            d.push_str(&format!("note: {n}\n"));
        }
        d
    };
    if let Err(e) = Template::parse(source) {
        counts.failed += 1;
        report(term, &with_notes(diag::template(&e, source, name)));
    }
    for w in lint::unknown_util_methods(source) {
        counts.warnings += 1;
        report(term, &with_notes(lint::util_warning(&w, source, name)));
    }
}

/// Every mapping template of a definition: request and response templates
/// of every route, each named `FILE :: LOCATION` (its JSON path).
fn check_definition(term: &mut Term, path: &Path, counts: &mut Counts) {
    let loaded = match api::load(path) {
        Ok(l) => l,
        Err(InputError(d)) => {
            let mut d = d;
            if let Some(tree) = api::tree(
                &input::display(path),
                &input::read_text(path).unwrap_or_default(),
            ) && tree.get("cases").is_some()
            {
                d.push_str("help: this is a test suite: run it with `apigw-vtl test`\n");
            }
            report(term, &d);
            counts.unreadable = true;
            return;
        }
    };
    let w = api::warnings(&loaded);
    if !w.is_empty() {
        counts.warnings += loaded.definition.warnings.len();
        report(term, w.trim_end_matches('\n'));
    }
    let mut seen: Vec<&str> = Vec::new();
    for route in &loaded.definition.routes {
        let Some(integration) = &route.integration else {
            continue;
        };
        let mut templates: Vec<(String, &MappingTemplate)> = Vec::new();
        for (media_type, t) in &integration.request_templates {
            if let Some(t) = t {
                templates.push((format!("the request template {media_type}"), t));
            }
        }
        for r in &integration.responses {
            for (media_type, t) in &r.response_templates {
                if let Some(t) = t {
                    templates.push((
                        format!(
                            "the response template {media_type} of integration response {}",
                            r.status_code
                        ),
                        t,
                    ));
                }
            }
        }
        for (what, t) in templates {
            let location = t.location().unwrap_or("");
            if seen.contains(&location) && !location.is_empty() {
                continue;
            }
            seen.push(location);
            let name = if location.is_empty() {
                loaded.name.clone()
            } else {
                format!("{} :: {location}", loaded.name)
            };
            let at = loaded
                .span_of(location)
                .filter(|_| !location.is_empty())
                .map(|span| {
                    let (line, col) = line_col(&loaded.text, span.start);
                    format!(", the value at {}:{line}:{col}", loaded.name)
                })
                .unwrap_or_default();
            let notes = [format!("in {what} of {}{at}", route.key())];
            check_template(term, t.source(), &name, &notes, counts);
        }
    }
}
