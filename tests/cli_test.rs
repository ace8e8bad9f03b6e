//! `apigw-vtl test`, run as a user runs it.
//!
//! Until the engine renders, the cases here use templates whose outcome does
//! not depend on it: a template over API Gateway's 300 KB limit fails with a
//! limit error (category `eval`) before it is parsed. Tests of rendered
//! output are marked `needs_engine!` and skip until then.

mod cli_support;

use cli_support::*;

/// A template one byte over API Gateway's 300 KB: refused before parsing.
fn oversize() -> String {
    "a".repeat(300 * 1024 + 1)
}

fn big_case(name: &str, expect: &str) -> String {
    let expect = if expect.is_empty() {
        String::new()
    } else {
        format!(", \"expect\": {expect}")
    };
    format!(
        r#"{{"name": "{name}", "template": "{}"{expect}}}"#,
        oversize()
    )
}

#[test]
fn a_passing_suite_exits_0_with_the_closing_line() {
    let dir = scratch("passing");
    write(
        &dir,
        "s.json",
        &format!(
            r#"{{"suite": "s", "cases": [{}]}}"#,
            big_case("big", r#"{"error": "eval"}"#)
        ),
    );
    let r = run_in(&dir, &["test", "s.json"], None);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "1 passed, 0 failed\n", "")
    );
    let r = run_in(&dir, &["test", "-v", "s.json"], None);
    assert_eq!(r.stdout, "ok   s.json :: big\n1 passed, 0 failed\n");
}

#[test]
fn gateway_cases_run_next_to_template_cases() {
    let dir = scratch("gateway-cases");
    let gateway = r#"{"name": "gw", "integration": {"type": "AWS_PROXY"},
        "lambda": {"result": {"statusCode": 201, "headers": {"location": "/pets/8"}, "body": "made"}},
        "request": {"params": {"header": {"Accept": "application/json"}}},
        "expect": {"status": 201, "headers": {"Location": "/pets/8"}, "body": "made"}}"#;
    write(
        &dir,
        "s.json",
        &format!(
            r#"{{"cases": [{gateway}, {}]}}"#,
            big_case("big", r#"{"error": "eval"}"#)
        ),
    );
    let r = run_in(&dir, &["test", "-v", "s.json"], None);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "ok   s.json :: gw\nok   s.json :: big\n2 passed, 0 failed\n",
            ""
        )
    );
}

#[test]
fn a_failing_case_shows_its_name_and_what_differs() {
    let dir = scratch("failing");
    write(
        &dir,
        "s.json",
        &format!(
            r#"{{"cases": [{}, {}, {}]}}"#,
            big_case("wants-a-body", r#"{"body": "x", "status": null}"#),
            big_case("wants-a-parse-error", r#"{"error": "parse"}"#),
            big_case("passes", r#"{"error": "eval"}"#),
        ),
    );
    let r = run_in(&dir, &["test", "s.json"], None);
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "");
    insta::assert_snapshot!("test_failures", r.stdout);
}

#[test]
fn a_case_without_expect_fails_and_says_how_to_record_it() {
    let dir = scratch("no-expect");
    write(
        &dir,
        "s.json",
        &format!(r#"{{"cases": [{}]}}"#, big_case("new", "")),
    );
    let r = run_in(&dir, &["test", "s.json"], None);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        concat!(
            "FAIL s.json :: new\n",
            "  the case has no `expect`; the actual result is:\n",
            "    {\"error\":\"eval\"}\n",
            "  help: `apigw-vtl test --update s.json` records it\n",
            "\n",
            "0 passed, 1 failed\n"
        )
    );
}

#[test]
fn update_writes_expect_in_the_files_own_layout() {
    let dir = scratch("update-json");
    let big = oversize();
    let text = format!(
        "{{\n  \"suite\": \"s\",\n  \"cases\": [\n    {{\n      \"name\": \"new\",\n      \"template\": \"{big}\"\n    }},\n    {{\"name\": \"wrong\", \"template\": \"{big}\", \"expect\": {{\"error\": \"parse\"}}, \"note\": \"kept\"}},\n    {{\"name\": \"fine\", \"template\": \"{big}\", \"expect\": {{ \"error\" : \"eval\" }}}}\n  ]\n}}\n"
    );
    let path = write(&dir, "s.json", &text);
    let r = run_in(&dir, &["test", "--update", "s.json"], None);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stderr, "updated 2 cases in s.json\n");
    assert!(
        r.stdout.starts_with("UPDATE s.json :: new\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .ends_with("\n2 cases updated\n1 passed, 0 failed\n"),
        "{}",
        r.stdout
    );
    let updated = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        updated,
        format!(
            "{{\n  \"suite\": \"s\",\n  \"cases\": [\n    {{\n      \"name\": \"new\",\n      \"template\": \"{big}\",\n      \"expect\": {{\n        \"error\": \"eval\"\n      }}\n    }},\n    {{\"name\": \"wrong\", \"template\": \"{big}\", \"expect\": {{\"error\": \"eval\"}}, \"note\": \"kept\"}},\n    {{\"name\": \"fine\", \"template\": \"{big}\", \"expect\": {{ \"error\" : \"eval\" }}}}\n  ]\n}}\n"
        )
    );
    let r = run_in(&dir, &["test", "s.json"], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, "3 passed, 0 failed\n"));
    // Nothing to update: the file is left alone.
    let r = run_in(&dir, &["test", "--update", "s.json"], None);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), updated);
}

#[test]
fn update_works_on_yaml_suites() {
    let dir = scratch("update-yaml");
    let big = oversize();
    let text = format!(
        "# my cases\nsuite: s\ncases:\n  - name: new   # no expect yet\n    template: {big}\n  - name: flow\n    template: {big}\n    expect: {{error: parse}}\n"
    );
    let path = write(&dir, "s.yaml", &text);
    let r = run_in(&dir, &["test", "--update", "s.yaml"], None);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "updated 2 cases in s.yaml\n"),
        "{r:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!(
            "# my cases\nsuite: s\ncases:\n  - name: new   # no expect yet\n    template: {big}\n    expect:\n      error: eval\n  - name: flow\n    template: {big}\n    expect: {{error: eval}}\n"
        )
    );
    let r = run_in(&dir, &["test", "s.yaml"], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, "2 passed, 0 failed\n"));
}

#[test]
fn a_suite_from_standard_input() {
    let dir = scratch("stdin");
    let suite = format!("{{\"cases\": [{}]}}", big_case("c", ""));
    let r = run_in(&dir, &["test", "-"], Some(&suite));
    assert_eq!(r.code, 1);
    assert!(r.stdout.starts_with("FAIL <stdin> :: c\n"), "{}", r.stdout);
    let r = run_in(&dir, &["test", "--update", "-"], Some(&suite));
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: cannot update a suite read from standard input\nhelp: give the suite as a file\n\n"
    );
}

#[test]
fn filter_selects_cases_by_name_or_file() {
    let dir = scratch("filter");
    write(
        &dir,
        "s.json",
        &format!(
            r#"{{"cases": [{}, {}]}}"#,
            big_case("alpha", r#"{"error": "eval"}"#),
            big_case("beta", r#"{"error": "parse"}"#)
        ),
    );
    let r = run_in(&dir, &["test", "s.json", "--filter", "alph"], None);
    assert_eq!((r.code, r.stdout.as_str()), (0, "1 passed, 0 failed\n"));
    let r = run_in(
        &dir,
        &["test", "s.json", "--filter", "s.json :: beta"],
        None,
    );
    assert_eq!(r.code, 1);
    assert!(r.stdout.ends_with("0 passed, 1 failed\n"), "{}", r.stdout);
    let r = run_in(&dir, &["test", "s.json", "--filter", "gamma"], None);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            0,
            "0 passed, 0 failed\n",
            "warning: no case matches --filter \"gamma\"\n"
        )
    );
}

#[test]
fn a_directory_stands_for_its_suites() {
    let dir = scratch("directory");
    std::fs::create_dir_all(dir.join("suites/nested")).unwrap();
    let ok = format!(
        r#"{{"cases": [{}]}}"#,
        big_case("c", r#"{"error": "eval"}"#)
    );
    write(&dir, "suites/a.json", &ok);
    write(&dir, "suites/nested/b.json", &ok);
    write(&dir, "suites/notes.txt", "not a suite");
    write(&dir, "suites/payload.json", "{\"errorMessage\": \"x\"}");
    write(&dir, "suites/openapi.yaml", "openapi: 3.0.1\npaths: {}\n");
    write(
        &dir,
        "suites/c.yml",
        &format!(
            "cases:\n  - name: y\n    template: {}\n    expect: {{error: eval}}\n",
            oversize()
        ),
    );
    let r = run_in(&dir, &["test", "-v", "suites"], None);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            0,
            "ok   suites/a.json :: c\nok   suites/c.yml :: y\nok   suites/nested/b.json :: c\nskip suites/openapi.yaml (not a suite)\nskip suites/payload.json (not a suite)\n3 passed, 0 failed\n"
        )
    );
    // Named explicitly, a file that is not a suite is an error.
    let r = run_in(&dir, &["test", "suites/payload.json"], None);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: not a test suite: a suite needs a `cases` array\n"),
        "{}",
        r.stderr
    );
    std::fs::create_dir_all(dir.join("fixtures")).unwrap();
    write(&dir, "fixtures/payload.json", "{}");
    let r = run_in(&dir, &["test", "fixtures"], None);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "0 passed, 0 failed\n", "warning: no test cases found\n")
    );
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let r = run_in(&dir, &["test", "empty"], None);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: no suite files (.json, .yaml, .yml) in `empty`\n\n"
    );
}

#[test]
fn malformed_cases_are_reported_with_file_line_and_path() {
    let dir = scratch("malformed");
    write(
        &dir,
        "bad.json",
        r#"{
  "suite": "bad",
  "cases": [
    {
      "name": "bad-status",
      "template": "x",
      "expect": {"body": "x", "status": "400"}
    },
    {
      "name": "json-body",
      "template": "x",
      "input": {"body": {"a": 1}}
    },
    {
      "template": "x",
      "input": {"params": {"path": {"id": 7}}}
    },
    {
      "name": "no-template"
    },
    {
      "name": "limit",
      "template": "x",
      "expect": {"error": "limit"}
    }
  ]
}
"#,
    );
    let r = run_in(&dir, &["test", "bad.json"], None);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stdout,
        "5 invalid (see the errors above)\n0 passed, 0 failed\n"
    );
    insta::assert_snapshot!("test_malformed_cases", r.stderr);
}

#[test]
fn unreadable_suites_exit_2() {
    let dir = scratch("unreadable");
    write(
        &dir,
        "broken.json",
        "{\"cases\": [\n  {\"name\": \"a\",\n   \"template\": \"x\",}\n]}\n",
    );
    write(
        &dir,
        "broken.yaml",
        "cases:\n  - name: a\n    template: [x\n",
    );
    write(&dir, "array.json", "[]\n");
    write(&dir, "latin1.json", "");
    std::fs::write(dir.join("latin1.json"), b"{\"cases\": [\"caf\xe9\"]}").unwrap();
    write(
        &dir,
        "ok.json",
        &format!(
            r#"{{"cases": [{}]}}"#,
            big_case("c", r#"{"error": "eval"}"#)
        ),
    );
    let r = run_in(
        &dir,
        &[
            "test",
            "broken.json",
            "broken.yaml",
            "array.json",
            "latin1.json",
            "missing.json",
            "ok.json",
        ],
        None,
    );
    // The readable suite still runs; the exit status says some input was bad.
    assert_eq!((r.code, r.stdout.as_str()), (2, "1 passed, 0 failed\n"));
    insta::assert_snapshot!("test_unreadable_suites", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let dir = scratch("usage");
    let r = run_in(&dir, &["test"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("<SUITE>..."), "{}", r.stderr);
    let r = run_in(&dir, &["test", "--frobnicate", "x.json"], None);
    assert_eq!(r.code, 2);
    let r = run_in(&dir, &["test", "--api", "openapi.yaml", "x.json"], None);
    assert_eq!((r.code, r.stdout.as_str()), (2, ""));
    assert_eq!(
        r.stderr,
        "error: cannot read `openapi.yaml`: no such file\n\n"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = scratch("colour");
    write(
        &dir,
        "s.json",
        &format!(r#"{{"cases": [{}]}}"#, big_case("c", r#"{"body": "x"}"#)),
    );
    // Piped: no colour, with or without NO_COLOR.
    let r = run_in(&dir, &["test", "s.json"], None);
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
    let r = run_env(&dir, &["test", "s.json"], None, &[("NO_COLOR", "1")]);
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
    let r = run_in(&dir, &["test", "--color", "always", "s.json"], None);
    assert!(
        r.stdout
            .starts_with("\x1b[1;31mFAIL\x1b[0m \x1b[1ms.json :: c\x1b[0m\n"),
        "{:?}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\x1b[1;31merror\x1b[0m"),
        "{:?}",
        r.stdout
    );
    let r = run_in(&dir, &["test", "--color", "never", "s.json"], None);
    assert!(!r.stdout.contains('\x1b'));
}

/// On a terminal (a pseudo-terminal made by `script`, where it exists),
/// colour is on unless NO_COLOR is set.
#[test]
fn colour_on_a_terminal() {
    let dir = scratch("colour-tty");
    write(
        &dir,
        "s.json",
        &format!(r#"{{"cases": [{}]}}"#, big_case("c", r#"{"body": "x"}"#)),
    );
    let on_tty = |no_color: bool| -> Option<Run> {
        let mut cmd = std::process::Command::new("script");
        cmd.args(["-qec", &format!("{BIN} test s.json"), "/dev/null"])
            .current_dir(&dir)
            .env_remove("NO_COLOR")
            .env("TERM", "xterm")
            .stdin(std::process::Stdio::null());
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.output().ok()?;
        Some(Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::new(),
        })
    };
    let Some(r) = on_tty(false) else {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    };
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("\x1b[1;31mFAIL\x1b[0m"), "{:?}", r.stdout);
    let r = on_tty(true).unwrap();
    assert!(r.stdout.contains("FAIL s.json :: c"), "{:?}", r.stdout);
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
}

#[test]
fn help_has_examples_and_exit_codes() {
    for sub in ["render", "check", "test", "gateway"] {
        let r = run(&[sub, "--help"]);
        assert_eq!(r.code, 0, "{sub}");
        assert!(r.stdout.contains("Examples:\n"), "{sub}: {}", r.stdout);
        assert!(
            r.stdout.contains("Exit status:\n  0  success"),
            "{sub}: {}",
            r.stdout
        );
        insta::assert_snapshot!(format!("help_{sub}"), r.stdout);
    }
    let r = run(&["--help"]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("help_main", r.stdout);
    let r = run(&[]);
    assert_eq!(r.code, 2);
}

// ------------------------------------------------------------ with the engine and JSON

#[test]
fn the_examples_pass() {
    needs_json!();
    let r = run(&["test", "examples"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.ends_with(" passed, 0 failed\n"), "{}", r.stdout);
}

#[test]
fn body_differences_are_diffed_by_line() {
    needs_json!();
    let dir = scratch("body-diff");
    write(
        &dir,
        "s.json",
        r##"{"cases": [
  {"name": "lines", "template": "{\n  \"id\": $input.path('$.id'),\n  \"name\": \"$input.path('$.name')\"\n}",
   "input": {"body": "{\"id\": 7, \"name\": \"Rex\"}"},
   "expect": {"body": "{\n  \"id\": 7,\n  \"name\": \"Max\"\n}", "status": null, "headers": {}}},
  {"name": "one-line", "template": "#set($context.responseOverride.status = 404)Hello $input.path('$.name')",
   "input": {"body": "{\"name\": \"Rex\"}"},
   "expect": {"body": "Hello Max", "status": 400, "headers": {"X-A": "1"}}}
]}"##,
    );
    let r = run_in(&dir, &["test", "s.json"], None);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        concat!(
            "FAIL s.json :: lines\n",
            "  body:\n",
            "    - expected + actual\n",
            "        1 | {\n",
            "        2 |   \"id\": 7,\n",
            "    -   3 |   \"name\": \"Max\"\n",
            "    +   3 |   \"name\": \"Rex\"\n",
            "        4 | }\n",
            "\n",
            "FAIL s.json :: one-line\n",
            "  body:\n",
            "    expected: \"Hello Max\"\n",
            "    actual:   \"Hello Rex\"\n",
            "                     ^\n",
            "  status: expected 400, actual 404\n",
            "  headers (- expected, + actual):\n",
            "    - X-A: \"1\"\n",
            "\n",
            "0 passed, 2 failed\n",
        )
    );
}

#[test]
fn update_records_rendered_output() {
    needs_json!();
    let dir = scratch("update-rendered");
    let path = write(
        &dir,
        "s.json",
        "{\n  \"cases\": [\n    {\n      \"name\": \"n\",\n      \"template\": \"#set($context.responseOverride.status = 201)$input.path('$.a')\",\n      \"input\": {\"body\": \"{\\\"a\\\": \\\"x\\\"}\"}\n    }\n  ]\n}\n",
    );
    let r = run_in(&dir, &["test", "--update", "s.json"], None);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{\n  \"cases\": [\n    {\n      \"name\": \"n\",\n      \"template\": \"#set($context.responseOverride.status = 201)$input.path('$.a')\",\n      \"input\": {\"body\": \"{\\\"a\\\": \\\"x\\\"}\"},\n      \"expect\": {\n        \"body\": \"x\",\n        \"status\": 201,\n        \"headers\": {}\n      }\n    }\n  ]\n}\n"
    );
}
