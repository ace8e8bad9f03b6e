//! Looks for inputs whose cost grows faster than their size, which the
//! fuzzers miss (their inputs are small, and a quadratic 300 KB template
//! takes seconds, not their 10 s timeout). Each template is repeated to
//! about 100 KB and to about 300 KB (API Gateway's maximum), parsed and
//! rendered against its body; the slowest are listed with both times, so
//! that a cost three times larger at three times the size is linear and
//! anything well above is worth a look (fuzz/RESULTS.md, finding F3).
//!
//! ```text
//! cargo run --release --example complexity_scan -- fuzz/corpus/render fuzz/corpus/parse
//! ```
//!
//! A file is a template, or `TEMPLATE \0 BODY \0 ...` (the render fuzz
//! target's layout). Timings are wall time on whatever else the machine is
//! doing: rerun a suspect alone before believing it.

use apigw_vtl::{Invocation, Template};
use std::time::Instant;

/// Parse and render times (ms) of `template` repeated to about `size` bytes,
/// and what the render gave.
fn run(template: &str, body: &str, size: usize) -> (f64, f64, String) {
    let copies = (size / (template.len() + 1)).max(1);
    let mut source = String::with_capacity(size + template.len() + 1);
    for _ in 0..copies {
        source.push_str(template);
        source.push('\n');
    }
    let start = Instant::now();
    let parsed = Template::parse(&source);
    let parse_ms = start.elapsed().as_secs_f64() * 1e3;
    let Ok(parsed) = parsed else {
        return (parse_ms, 0.0, "parse error".to_string());
    };
    let invocation = Invocation::with_body(body);
    let start = Instant::now();
    let rendered = parsed.render(&invocation);
    let render_ms = start.elapsed().as_secs_f64() * 1e3;
    let what = match rendered {
        Ok(out) => format!("{} bytes out", out.body.len()),
        Err(e) => format!("{:?} error", e.kind()),
    };
    (parse_ms, render_ms, what)
}

struct Row {
    big: (f64, f64),
    small: (f64, f64),
    what: String,
    template: String,
}

fn main() {
    let dirs: Vec<String> = std::env::args().skip(1).collect();
    if dirs.is_empty() {
        eprintln!("usage: complexity_scan DIR...");
        std::process::exit(2);
    }
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    for dir in &dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("cannot read {dir}");
            continue;
        };
        for entry in entries.flatten() {
            let Ok(bytes) = std::fs::read(entry.path()) else {
                continue;
            };
            let mut parts = bytes.splitn(3, |b| *b == 0);
            let template = parts.next().unwrap_or_default();
            let body = parts.next().unwrap_or_default();
            let (Ok(template), Ok(body)) =
                (std::str::from_utf8(template), std::str::from_utf8(body))
            else {
                continue;
            };
            if template.is_empty() || template.len() > 4096 || !seen.insert(template.to_string()) {
                continue;
            }
            let small = run(template, body, 100 * 1024);
            // (Most templates take a millisecond or two: only the others are
            // timed at the larger size.)
            if small.0 + small.1 < 3.0 {
                continue;
            }
            let big = run(template, body, 300 * 1024);
            rows.push(Row {
                big: (big.0, big.1),
                small: (small.0, small.1),
                what: big.2,
                template: template.chars().take(60).collect(),
            });
        }
    }
    rows.sort_by(|a, b| (b.big.0 + b.big.1).total_cmp(&(a.big.0 + a.big.1)));
    println!(
        "{} templates timed at 300 KB (the others took under 3 ms at 100 KB)",
        rows.len()
    );
    println!("300 KB: parse + render ms | 100 KB: parse + render ms | result | template");
    for r in rows.iter().take(30) {
        println!(
            "{:8.1} {:8.1} | {:8.1} {:8.1} | {} | {:?}",
            r.big.0, r.big.1, r.small.0, r.small.1, r.what, r.template
        );
    }
}
