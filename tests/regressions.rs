//! Inputs found by fuzzing (`fuzz/`, see fuzz/README.md and fuzz/RESULTS.md)
//! that crashed, hung or exhausted the library, minimized, through the public
//! API. A test of a bug not yet fixed is `#[ignore]`d with a comment; remove
//! the `#[ignore]` with the fix.

use apigw_vtl::Template;
use std::sync::mpsc;
use std::time::Duration;

/// Runs `f` on its own thread and fails if it does not end within `limit`
/// (a hung thread is left behind; the test process ends anyway).
fn ends_within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(v) => v,
        Err(_) => panic!("did not end within {limit:?}"),
    }
}

/// `fuzz/artifacts/parse/timeout-8ff4351c…` (parse target, found after 3.5
/// minutes), minimized: method calls whose arguments open `[` and call a
/// method again. The syntactic lookahead (`Parser::scan_*`, JavaCC's
/// `jj_3R_*`) tries `[` first as an `IntegerRange` head and then as an
/// `ObjectArray`, each of which rescans the nested reference: time doubles
/// with every level (n = 20: 7 s in the fuzz build; n = 40 would take days).
/// Velocity 1.7 has the same exponential lookahead (the oracle takes 1.8 s at
/// n = 12 and over 120 s at n = 16), but a 301 KB template must still parse
/// within a second. Fixed by memoizing the scans of `Reference` and `Parameter`
/// within an unlimited lookahead, with a budget on scanned tokens.
#[test]
fn nested_method_calls_in_brackets_parse_quickly() {
    for prefix in ["#if(", "$a.b(", "#set($x = ", "#foreach($i in "] {
        let source = format!("{prefix}{}x", "[$a.b(".repeat(40));
        let result = ends_within(Duration::from_secs(2), move || {
            Template::parse(&source).map(|_| ())
        });
        assert!(result.is_err(), "{prefix}: an unclosed template parses");
    }
}

/// `fuzz/artifacts/parse/crash-243e568d…` and `crash-cdffc536…` (parse target,
/// fuzzing main after the lookahead fix): a `$input.path('…')` literal inside
/// an interpolated string was looked up in the template's text at the offsets
/// it has in the string's own source, so parsing panicked when they fell inside
/// a multi-byte character (or past the end). The literal must be read from the
/// source it was parsed from, and the path must work.
#[test]
fn path_literal_inside_interpolated_string() {
    for prefix in ["", "€", "€€", "€€€", "ééé", "😀😀"] {
        for n in 0..6 {
            let source = format!(
                "{}{prefix}#set($x = \"[$input.path('$.a')|$input.json('$.b')]\")$x",
                "€".repeat(n)
            );
            let t = Template::parse(&source).unwrap_or_else(|e| panic!("{source}: {e}"));
            let out = t
                .render(&apigw_vtl::Invocation::with_body(r#"{"a": "A", "b": [1]}"#))
                .unwrap();
            assert!(out.body.ends_with("[A|[1]]"), "{source}: {}", out.body);
        }
    }
}

/// Found by timing 300 KB repetitions of each conformance template (not by
/// the fuzzers, whose inputs are small): parsing was quadratic in two ways.
/// Text that is not one range of the source (`$-x`: a `$` that begins no
/// reference) was merged into the text before it by copying both (5.7 s for
/// 300 KB of `$-x` lines in a release build), and each `#evaluate` (and
/// each initialisation error after the first) worked out its line and
/// column by scanning the template up to it (2.3 s for 300 KB of
/// `#evaluate($x)` lines). Both are linear now (9 ms and 6 ms; criterion
/// measures the second as `parse_300k_evaluate`).
#[test]
fn three_hundred_kilobytes_of_text_pieces_or_evaluates_parse_quickly() {
    for line in [
        "$-x\n",
        "#evaluate($x)\n",
        "a#[[b]]#\n",
        "#set($s = \"#if(\")\n",
    ] {
        let source = line.repeat(299 * 1024 / line.len());
        // (About 0.2 s each in a debug build; the quadratic merging took
        // 7 s there for `$-x`.)
        let result = ends_within(Duration::from_secs(3), move || {
            Template::parse(&source).map(|t| t.render(&apigw_vtl::Invocation::with_body("")))
        });
        match line {
            "#set($s = \"#if(\")\n" => assert!(result.is_err(), "{line:?}"),
            _ => assert!(result.is_ok_and(|r| r.is_ok()), "{line:?}"),
        }
    }
}
