//! `apigw-vtl test`: run suites of test cases.

use super::api;
use super::args::TestArgs;
use super::diag;
use super::diff;
use super::explain;
use super::input::{self, InputError};
use super::term::{Style, Term};
use super::update::{self, Format};
use super::yaml;
use apigw_vtl::gateway::{ApiDefinition, CaseError as RunError};
use apigw_vtl::runner::doc::{self, Node};
use apigw_vtl::runner::{
    Actual, Case, CaseError, CaseKind, Mismatch, Outcome, Suite, run_case_with,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Deepest directory walk when a directory is given.
const MAX_DIR_DEPTH: usize = 32;

#[derive(Default)]
struct Counts {
    passed: usize,
    failed: usize,
    updated: usize,
    invalid: usize,
    /// Unreadable file, not a suite, a malformed case, a failed write: exit 2.
    input_errors: bool,
}

/// The API definitions route cases run against: `--api`, else the one a
/// suite names (`"api": "openapi.yaml"`), each loaded once.
struct Apis {
    given: Option<api::Loaded>,
    by_suite: HashMap<PathBuf, Option<api::Loaded>>,
}

pub fn run(term: &mut Term, args: &TestArgs) -> u8 {
    let given = match &args.api {
        None => None,
        Some(path) => match api::load(path) {
            Ok(loaded) => {
                if args.verbose {
                    let w = api::warnings(&loaded);
                    term.err(&diag::paint(term.err_style, &w));
                }
                Some(loaded)
            }
            Err(InputError(d)) => {
                report_err(term, &d);
                return 2;
            }
        },
    };
    let mut apis = Apis {
        given,
        by_suite: HashMap::new(),
    };
    let mut counts = Counts::default();
    let mut files = Vec::new();
    for path in &args.suites {
        if let Err(InputError(d)) = collect(path, 0, &mut files) {
            report_err(term, &d);
            counts.input_errors = true;
        }
    }
    for (file, explicit) in &files {
        run_file(term, args, file, *explicit, &mut apis, &mut counts);
    }
    let style = term.out_style;
    if counts.invalid > 0 {
        term.out(&format!(
            "{} invalid (see the errors above)\n",
            style.error(&counts.invalid.to_string())
        ));
    }
    if counts.updated > 0 {
        let s = if counts.updated == 1 { "" } else { "s" };
        term.out(&format!("{} case{s} updated\n", counts.updated));
    }
    if let Some(f) = &args.filter
        && counts.passed + counts.failed + counts.updated + counts.invalid == 0
        && !counts.input_errors
    {
        let d = format!("warning: no case matches --filter {}\n", diff::quote(f));
        let painted = diag::paint(term.err_style, &d);
        term.err(&painted);
    }
    if args.filter.is_none()
        && counts.passed + counts.failed + counts.updated + counts.invalid == 0
        && !counts.input_errors
    {
        let painted = diag::paint(term.err_style, "warning: no test cases found\n");
        term.err(&painted);
    }
    let passed = format!("{} passed", counts.passed);
    let failed = format!("{} failed", counts.failed);
    let (passed, failed) = if counts.failed > 0 {
        (passed, style.error(&failed))
    } else {
        (style.green(&passed), failed)
    };
    term.out(&format!("{passed}, {failed}\n"));
    if counts.input_errors {
        2
    } else if counts.failed > 0 {
        1
    } else {
        0
    }
}

/// A diagnostic on standard error, followed by a blank line as rustc does.
fn report_err(term: &mut Term, d: &str) {
    let painted = diag::paint(term.err_style, &format!("{d}\n"));
    term.err(&painted);
}

/// A file as given (`true`: named explicitly), or every JSON/YAML file under
/// a directory (sorted; those that are not suites are skipped later).
fn collect(path: &Path, depth: usize, out: &mut Vec<(PathBuf, bool)>) -> Result<(), InputError> {
    if path.as_os_str() != "-" && path.is_dir() {
        if depth > MAX_DIR_DEPTH {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| {
                InputError(diag::plain(
                    &format!("cannot read the directory `{}`: {e}", path.display()),
                    &[],
                    None,
                ))
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                !p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
            })
            .collect();
        entries.sort();
        let before = out.len();
        for p in entries {
            if p.is_dir() {
                collect(&p, depth + 1, out)?;
            } else if suite_format(&p).is_some() {
                out.push((p, false));
            }
        }
        if depth == 0 && out.len() == before {
            return Err(InputError(diag::plain(
                &format!(
                    "no suite files (.json, .yaml, .yml) in `{}`",
                    path.display()
                ),
                &[],
                None,
            )));
        }
        return Ok(());
    }
    out.push((path.to_owned(), true));
    Ok(())
}

/// The format a file's extension names, if any.
fn suite_format(path: &Path) -> Option<Format> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => Some(Format::Json),
        Some("yaml" | "yml") => Some(Format::Yaml),
        _ => None,
    }
}

/// Why a file could not be run.
enum LoadError {
    /// A JSON/YAML document that is no suite at all (no `cases`): skipped
    /// when it was found in a directory (a payload, an API definition).
    NotASuite(String),
    Other(String),
}

impl From<InputError> for LoadError {
    fn from(InputError(d): InputError) -> LoadError {
        LoadError::Other(d)
    }
}

/// Reads a suite file: its text, format and suite, or the diagnostic.
fn load(path: &Path) -> Result<(String, Format, Suite), LoadError> {
    let text = input::read_text(path)?;
    let name = input::display(path);
    let format = suite_format(path).unwrap_or_else(|| {
        if text.trim_start().starts_with(['{', '[']) {
            Format::Json
        } else {
            Format::Yaml
        }
    });
    let parsed: Result<Node, doc::DocError> = match format {
        Format::Json => doc::parse_json(&text),
        Format::Yaml => yaml::parse(&text),
    };
    let lang = if format == Format::Json {
        "JSON"
    } else {
        "YAML"
    };
    let node = parsed.map_err(|e| {
        LoadError::Other(diag::located(
            &format!("invalid {lang}: {}", e.message),
            &text,
            &name,
            e.span,
            &[],
            None,
        ))
    })?;
    let no_cases = node.member("cases").is_none();
    let suite = Suite::from_node(node).map_err(|e| {
        let d = diag::located(
            &format!("not a test suite: {}", e.message),
            &text,
            &name,
            e.span,
            &[],
            e.help.as_deref(),
        );
        if no_cases {
            LoadError::NotASuite(d)
        } else {
            LoadError::Other(d)
        }
    })?;
    Ok((text, format, suite))
}

/// The API definition of a suite: `--api`, else the suite's `api` (loaded
/// once per file; `Err` when it cannot be loaded, after reporting why).
fn suite_api<'a>(
    term: &mut Term,
    args: &TestArgs,
    apis: &'a mut Apis,
    path: &Path,
    suite: &Suite,
) -> Result<Option<&'a ApiDefinition>, ()> {
    if apis.given.is_some() {
        return Ok(apis.given.as_ref().map(|l| &l.definition));
    }
    let Some(file) = &suite.api else {
        return Ok(None);
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    let api_path = if path.as_os_str() == "-" {
        PathBuf::from(file)
    } else {
        dir.join(file)
    };
    let loaded =
        apis.by_suite
            .entry(api_path.clone())
            .or_insert_with(|| match api::load(&api_path) {
                Ok(l) => {
                    if args.verbose {
                        let w = api::warnings(&l);
                        term.err(&diag::paint(term.err_style, &w));
                    }
                    Some(l)
                }
                Err(InputError(d)) => {
                    let note = format!(
                        "the API definition named by `api` in `{}`",
                        input::display(path)
                    );
                    report_err(term, &format!("{d}note: {note}\n"));
                    None
                }
            });
    match loaded {
        Some(l) => Ok(Some(&l.definition)),
        None => Err(()),
    }
}

fn run_file(
    term: &mut Term,
    args: &TestArgs,
    path: &Path,
    explicit: bool,
    apis: &mut Apis,
    counts: &mut Counts,
) {
    let name = input::display(path);
    let (text, format, suite) = match load(path) {
        Ok(x) => x,
        Err(LoadError::NotASuite(_)) if !explicit => {
            if args.verbose {
                term.out(&format!(
                    "{} {name} (not a suite)\n",
                    term.out_style.dim("skip")
                ));
            }
            return;
        }
        Err(LoadError::NotASuite(d) | LoadError::Other(d)) => {
            report_err(term, &d);
            counts.input_errors = true;
            return;
        }
    };
    let Ok(api) = suite_api(term, args, apis, path, &suite) else {
        counts.input_errors = true;
        return;
    };
    let matches = |case_name: &str| {
        args.filter.as_ref().is_none_or(|f| {
            case_name.contains(f.as_str()) || format!("{name} :: {case_name}").contains(f.as_str())
        })
    };
    let mut edits = Vec::new();
    let mut updated_here: Vec<(&Case, Actual)> = Vec::new();
    for entry in &suite.cases {
        let case = match entry {
            Err(e) => {
                if matches(&e.case) {
                    report_err(term, &case_error(e, &text, &name));
                    counts.invalid += 1;
                    counts.input_errors = true;
                }
                continue;
            }
            Ok(c) => c,
        };
        if !matches(&case.name) {
            continue;
        }
        let title = format!("{name} :: {}", case.name);
        match run_case_with(case, api) {
            Outcome::Passed(_) => {
                counts.passed += 1;
                if args.verbose {
                    term.out(&format!("{} {title}\n", term.out_style.green("ok  ")));
                }
            }
            Outcome::CannotRun(e) => {
                report_err(term, &cannot_run(&e, case, &text, &name, api));
                counts.invalid += 1;
                counts.input_errors = true;
            }
            Outcome::Failed(actual, mismatches) => {
                let style = term.out_style;
                let head = if args.update {
                    style.warn("UPDATE")
                } else {
                    style.error("FAIL")
                };
                let mut report = format!("{head} {}\n", style.bold(&title));
                report.push_str(&explain(
                    style,
                    case,
                    &title,
                    &actual,
                    &mismatches,
                    args,
                    &name,
                ));
                if let CaseKind::Gateway { case: g } = &case.kind {
                    report.push_str(&explain_gateway(style, g, api, &title));
                }
                report.push('\n');
                term.out(&report);
                if args.update {
                    edits.extend(update::plan(&text, format, case, &actual));
                    updated_here.push((case, actual));
                } else {
                    counts.failed += 1;
                }
            }
        }
    }
    if updated_here.is_empty() {
        return;
    }
    if path.as_os_str() == "-" {
        report_err(
            term,
            &diag::plain(
                "cannot update a suite read from standard input",
                &[],
                Some("give the suite as a file"),
            ),
        );
        counts.input_errors = true;
        counts.failed += updated_here.len();
        return;
    }
    let new_text = update::apply(&text, edits);
    // Read the result back: every updated case must now pass, and nothing
    // else may have changed, before the file is written.
    let verified = verify(&new_text, format, &suite, &updated_here);
    if let Err(why) = verified {
        report_err(
            term,
            &diag::plain(
                &format!(
                    "not updating `{name}`: the rewritten file does not read back as intended ({why})"
                ),
                &[],
                Some("please report this; update the `expect` by hand meanwhile"),
            ),
        );
        counts.input_errors = true;
        counts.failed += updated_here.len();
        return;
    }
    if let Err(e) = write_atomically(path, &new_text) {
        report_err(
            term,
            &diag::plain(&format!("cannot write `{name}`: {e}"), &[], None),
        );
        counts.input_errors = true;
        counts.failed += updated_here.len();
        return;
    }
    counts.updated += updated_here.len();
    let n = updated_here.len();
    let s = if n == 1 { "" } else { "s" };
    term.err(&format!("updated {n} case{s} in {name}\n"));
}

fn verify(
    new_text: &str,
    format: Format,
    old: &Suite,
    updated: &[(&Case, Actual)],
) -> Result<(), String> {
    let node = match format {
        Format::Json => doc::parse_json(new_text),
        Format::Yaml => yaml::parse(new_text),
    }
    .map_err(|e| e.message)?;
    let new = Suite::from_node(node).map_err(|e| e.message)?;
    let without = |v: &Node, key: &str| {
        let mut j = v.to_json();
        if let Some(m) = j.as_object_mut() {
            m.shift_remove(key);
        }
        j
    };
    if without(&old.root, "cases") != without(&new.root, "cases") {
        return Err("the suite's other fields changed".into());
    }
    if new.cases.len() != old.cases.len() {
        return Err("the number of cases changed".into());
    }
    for (i, (a, b)) in old.cases.iter().zip(&new.cases).enumerate() {
        let updated_case = updated.iter().find(|(c, _)| c.index == i);
        match (a, b, updated_case) {
            (Ok(a), Ok(b), Some((_, actual))) => {
                if without(&a.node, "expect") != without(&b.node, "expect") {
                    return Err(format!("cases[{i}] changed beyond its `expect`"));
                }
                if !apigw_vtl::runner::compare_case(b, actual).is_empty() {
                    return Err(format!("cases[{i}] does not expect its actual result"));
                }
            }
            (Ok(a), Ok(b), None) if a.node.to_json() == b.node.to_json() => {}
            (Err(a), Err(b), None) if a.message == b.message => {}
            _ => return Err(format!("cases[{i}] changed")),
        }
    }
    Ok(())
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let file_name = path
        .file_name()
        .map_or_else(|| "suite".into(), |n| n.to_string_lossy().into_owned());
    let tmp_name = format!(".{file_name}.apigw-vtl-update");
    let tmp = match dir {
        Some(d) => d.join(&tmp_name),
        None => PathBuf::from(&tmp_name),
    };
    std::fs::write(&tmp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// A gateway case that cannot run (its route is unknown, no API definition
/// was given, ...), drawn at its `route`.
fn cannot_run(
    e: &RunError,
    case: &Case,
    text: &str,
    file: &str,
    api: Option<&ApiDefinition>,
) -> String {
    let at = case.node.get("route").unwrap_or(&case.node);
    let mut notes = vec![format!(
        "in case {} ({})",
        diff::quote(&case.name),
        case.path
    )];
    let help = match e {
        RunError::NoApi(_) => Some(
            "give the API definition with `--api FILE`, or name it in the suite: `\"api\": \"openapi.yaml\"`"
                .to_owned(),
        ),
        RunError::RouteNotFound { .. } => api.map(|a| {
            let keys: Vec<String> = a.routes.iter().map(|r| r.key()).collect();
            if keys.is_empty() {
                "the definition has no routes".to_owned()
            } else {
                format!("its routes are: {}", keys.join(", "))
            }
        }),
        _ => None,
    };
    if matches!(e, RunError::RouteWithoutIntegration { .. }) {
        notes.push("add an `x-amazon-apigateway-integration` to the method".into());
    }
    let span = if std::ptr::eq(at, &case.node) {
        at.span.start..at.span.start.saturating_add(1).min(at.span.end)
    } else {
        at.span.clone()
    };
    diag::located(
        &format!("cannot run the case: {e}"),
        text,
        file,
        span,
        &notes,
        help.as_deref(),
    )
}

/// For a failing gateway case: how the response came about, and the error
/// of a template that failed.
fn explain_gateway(
    style: Style,
    case: &apigw_vtl::gateway::GatewayCase,
    api: Option<&ApiDefinition>,
    title: &str,
) -> String {
    let Some(integration) = explain::integration_of(case, api) else {
        return String::new();
    };
    let Ok(execution) = apigw_vtl::runner::gateway::execute(case, api) else {
        return String::new();
    };
    let trace = &execution.trace;
    let mut out = String::new();
    for n in explain::notes(integration, trace) {
        out.push_str(&format!("  {}: {n}\n", style.bold("note")));
    }
    let (name, prefix) = match (&case.integration, api) {
        (Some(_), _) => (title.to_owned(), "integration."),
        (None, Some(a)) => (a.file.clone(), ""),
        (None, None) => (title.to_owned(), ""),
    };
    if let Some((what, d)) = explain::template_error(integration, trace, &name, prefix) {
        out.push_str(&format!("  {what} failed:\n"));
        out.push_str(&indent(&diag::paint(style, &d), "    "));
    }
    out
}

/// A malformed case, drawn at its place in the file.
fn case_error(e: &CaseError, text: &str, file: &str) -> String {
    let note = if e.case == e.path || e.path.starts_with(&format!("{}.", e.case)) {
        format!("at {}", e.path)
    } else {
        format!("in case {} ({})", diff::quote(&e.case), e.path)
    };
    diag::located(
        &format!("invalid case: {}", e.message),
        text,
        file,
        e.span.clone(),
        &[note],
        e.help.as_deref(),
    )
}

/// What differs, indented under the case's title.
fn explain(
    style: Style,
    case: &Case,
    title: &str,
    actual: &Actual,
    mismatches: &[Mismatch],
    args: &TestArgs,
    file: &str,
) -> String {
    let mut out = String::new();
    let template = match &case.kind {
        apigw_vtl::runner::CaseKind::Template { template, .. } => template.as_str(),
        apigw_vtl::runner::CaseKind::Gateway { .. } => "",
    };
    let error_block = |e: &apigw_vtl::Error| -> String {
        let d = diag::paint(style, &diag::template(e, template, title));
        indent(&d, "    ")
    };
    for m in mismatches {
        match m {
            Mismatch::NoExpect => {
                let recorded = serde_json::to_string(&actual.to_expect(case.kind.is_gateway()))
                    .unwrap_or_default();
                out.push_str("  the case has no `expect`; the actual result is:\n");
                out.push_str(&format!("    {recorded}\n"));
                if !args.update {
                    out.push_str(&format!(
                        "  {}: `apigw-vtl test --update {file}` records it\n",
                        style.help("help")
                    ));
                }
            }
            Mismatch::Error {
                expected,
                actual: None,
            } => {
                out.push_str(&format!(
                    "  expected {} error, but the template rendered:\n",
                    expected.with_article()
                ));
                if let Actual::Output { body, .. } = actual {
                    out.push_str(&format!("    body: {}\n", shorten(&diff::quote(body), 200)));
                }
            }
            Mismatch::Error {
                expected,
                actual: Some(got),
            } => {
                out.push_str(&format!(
                    "  expected {} error, but the template failed with {} error:\n",
                    expected.with_article(),
                    got.with_article()
                ));
                if let Actual::Error(e) = actual {
                    out.push_str(&error_block(e));
                }
            }
            Mismatch::Failed => {
                out.push_str("  expected a rendering, but the template failed:\n");
                if let Actual::Error(e) = actual {
                    out.push_str(&error_block(e));
                }
            }
            Mismatch::Body { expected, actual } => {
                out.push_str("  body:\n");
                out.push_str(&diff::body(style, expected, actual, "    "));
            }
            Mismatch::Status { expected, actual } => {
                let show = |s: &Option<i64>| {
                    s.map_or_else(|| "null (not set)".to_owned(), |n| n.to_string())
                };
                out.push_str(&format!(
                    "  status: expected {}, actual {}\n",
                    style.red(&show(expected)),
                    style.green(&show(actual))
                ));
            }
            Mismatch::Headers { expected, actual } => {
                out.push_str(&format!(
                    "  headers ({} expected, {} actual):\n",
                    style.red("-"),
                    style.green("+")
                ));
                out.push_str(&diff::headers(
                    style,
                    expected,
                    actual,
                    "    ",
                    case.kind.is_gateway(),
                ));
            }
        }
    }
    out
}

/// At most `max` characters, with `...` when cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_owned(),
        Some((i, _)) => format!("{}...", &s[..i]),
    }
}

fn indent(text: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(prefix);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use apigw_vtl::runner::Suite;
    use apigw_vtl::{Error, Span};

    const PLAIN: Style = Style { color: false };

    fn args() -> TestArgs {
        TestArgs {
            suites: vec![],
            filter: None,
            update: false,
            verbose: false,
            api: None,
        }
    }

    fn case(json: &str) -> Case {
        let text = format!("{{\"cases\": [{json}]}}");
        Suite::from_json(&text).unwrap().cases.remove(0).unwrap()
    }

    fn out(body: &str, status: Option<i64>) -> Actual {
        Actual::Output {
            body: body.into(),
            status,
            headers: Default::default(),
        }
    }

    fn explained(c: &Case, actual: &Actual) -> String {
        let m = apigw_vtl::runner::compare(c.expect.as_ref(), actual);
        explain(PLAIN, c, "f.json :: n", actual, &m, &args(), "f.json")
    }

    #[test]
    fn explains_each_kind_of_difference() {
        let c =
            case(r#"{"name": "n", "template": "t", "expect": {"body": "a\nb\n", "status": 200}}"#);
        assert_eq!(
            explained(&c, &out("a\nc\n", None)),
            concat!(
                "  body:\n",
                "    - expected + actual\n",
                "        1 | a\n",
                "    -   2 | b\n",
                "    +   2 | c\n",
                "  status: expected 200, actual null (not set)\n",
            )
        );
        let c = case(r#"{"name": "n", "template": "t", "expect": {"error": "parse"}}"#);
        assert_eq!(
            explained(&c, &out("x\n", Some(400))),
            "  expected a parse error, but the template rendered:\n    body: \"x\\n\"\n"
        );
        let src = "ok\n#if(true)x";
        let c = case(&format!(
            r#"{{"name": "n", "template": {}, "expect": {{"error": "eval"}}}}"#,
            serde_json::to_string(src).unwrap()
        ));
        let e = Error::parse("`#if` is not closed", Span::of(src, 3, 6))
            .with_help("close it with `#end`");
        assert_eq!(
            explained(&c, &Actual::Error(e.clone())),
            concat!(
                "  expected an eval error, but the template failed with a parse error:\n",
                "    error: parse: `#if` is not closed\n",
                "     --> f.json :: n:2:1\n",
                "      |\n",
                "    2 | #if(true)x\n",
                "      | ^^^\n",
                "    help: close it with `#end`\n",
            )
        );
        let c = case(&format!(
            r#"{{"name": "n", "template": {}, "expect": {{"body": ""}}}}"#,
            serde_json::to_string(src).unwrap()
        ));
        assert!(
            explained(&c, &Actual::Error(e))
                .starts_with("  expected a rendering, but the template failed:\n    error: parse:")
        );
    }

    #[test]
    fn a_case_without_expect_shows_what_to_record() {
        let c = case(r#"{"name": "n", "template": "t"}"#);
        assert_eq!(
            explained(&c, &out("x", None)),
            concat!(
                "  the case has no `expect`; the actual result is:\n",
                "    {\"body\":\"x\",\"status\":null,\"headers\":{}}\n",
                "  help: `apigw-vtl test --update f.json` records it\n",
            )
        );
    }

    #[test]
    fn malformed_cases_are_drawn_in_the_file() {
        let text = "{\"cases\": [\n  {\"name\": \"n\", \"template\": 1}\n]}";
        let suite = Suite::from_json(text).unwrap();
        let e = suite.cases[0].as_ref().unwrap_err();
        assert_eq!(
            case_error(e, text, "f.json"),
            concat!(
                "error: invalid case: `template` must be a string, found a number\n",
                " --> f.json:2:29\n",
                "  |\n",
                "2 |   {\"name\": \"n\", \"template\": 1}\n",
                "  |                             ^\n",
                "note: in case \"n\" (cases[0].template)\n",
            )
        );
    }
}
