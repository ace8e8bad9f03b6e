//! `apigw-vtl check`: parse templates and report every error.

use super::args::CheckArgs;
use super::diag;
use super::input;
use super::term::Term;
use apigw_vtl::Template;
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

pub fn run(term: &mut Term, args: &CheckArgs) -> u8 {
    let mut unreadable = false;
    let mut checked = 0usize;
    let mut failed = 0usize;
    for path in &args.files {
        if is_api_definition(path) {
            // HOOK: with the gateway module, load the definition and check
            // every requestTemplates/responseTemplates value in it, naming
            // the file and the JSON path of each template.
            let d = diag::plain(
                &format!(
                    "`{}`: checking the templates of an API definition needs the gateway module, which is not available yet",
                    input::display(path)
                ),
                &[],
                Some("check the templates as .vtl files for now"),
            );
            let painted = diag::paint(term.err_style, &format!("{d}\n"));
            term.err(&painted);
            unreadable = true;
            continue;
        }
        let source = match input::read_text(path) {
            Ok(s) => s,
            Err(input::InputError(d)) => {
                let painted = diag::paint(term.err_style, &format!("{d}\n"));
                term.err(&painted);
                unreadable = true;
                continue;
            }
        };
        checked += 1;
        if let Err(e) = Template::parse(&source) {
            failed += 1;
            let d = diag::template(&e, &source, &input::display(path));
            let painted = diag::paint(term.err_style, &format!("{d}\n"));
            term.err(&painted);
        }
    }
    let plural = |n: usize| if n == 1 { "template" } else { "templates" };
    if failed > 0 {
        let d = diag::plain(
            &format!(
                "{failed} of {checked} {} {} errors",
                plural(checked),
                if failed == 1 { "has" } else { "have" }
            ),
            &[],
            None,
        );
        let painted = diag::paint(term.err_style, &d);
        term.err(&painted);
    } else if checked > 0 {
        term.err(&format!(
            "{checked} {} checked, no errors\n",
            plural(checked)
        ));
    }
    if unreadable {
        2
    } else if failed > 0 {
        1
    } else {
        0
    }
}
