//! Helpers for the tests that run the `apigw-vtl` binary.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_apigw-vtl");
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Whether the library can parse and render yet (the engine is written in
/// parallel; tests of rendered output wait for it).
pub fn engine_ready() -> bool {
    apigw_vtl::Template::parse("x")
        .and_then(|t| t.render(&apigw_vtl::Invocation::default()))
        .is_ok_and(|r| r.body == "x")
}

/// Skips the rest of a test until the engine is in, saying so.
#[macro_export]
macro_rules! needs_engine {
    () => {
        if !$crate::cli_support::engine_ready() {
            eprintln!("skipped until the engine renders templates");
            return;
        }
    };
}

/// Whether `$input.path` reads JSON yet (the JSON and JSONPath modules are
/// written in parallel; until they land, a temporary stand-in answers).
pub fn json_ready() -> bool {
    apigw_vtl::Template::parse("$input.path('$.a')")
        .and_then(|t| t.render(&apigw_vtl::Invocation::with_body(r#"{"a": "x"}"#)))
        .is_ok_and(|r| r.body == "x")
}

/// Skips the rest of a test until `$input.path` reads JSON, saying so.
#[macro_export]
macro_rules! needs_json {
    () => {
        if !$crate::cli_support::json_ready() {
            eprintln!("skipped until $input.path reads JSON (the JSON branch)");
            return;
        }
    };
}

/// A fresh, empty directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary in `dir` with `args` (and `stdin`), colour left to its default.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    run_env(dir, args, stdin, &[])
}

pub fn run_env(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Runs the binary in the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(Path::new(ROOT), args, None)
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}
