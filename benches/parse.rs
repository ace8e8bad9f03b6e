//! Parsing a 300 KB template (API Gateway's maximum): the W2 template
//! repeated, so it has the usual mix of text, references and directives.

use apigw_vtl::{Limits, Template};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn template_300k() -> String {
    let unit = include_str!("workloads/w2.vtl");
    let mut t = String::with_capacity(300 * 1024);
    while t.len() + unit.len() <= 300 * 1024 {
        t.push_str(unit);
        t.push('\n');
    }
    t
}

/// Times parsing `source` (which must parse). The parsed template is
/// dropped outside the timed part: freeing it is not parsing (an embedder
/// parses once and keeps the template). One parse per batch, so that the
/// templates are not kept alive together (`iter_with_large_drop` keeps a
/// batch's outputs, which made parsing slower through the fresh memory it
/// touched: 7.6 ms against 6.3 ms).
fn bench_parse(c: &mut Criterion, name: &str, source: &str) {
    assert!(Template::parse_with(source, Limits::default()).is_ok());
    c.bench_function(name, |b| {
        b.iter_batched(
            || (),
            |()| Template::parse(black_box(source)).unwrap(),
            BatchSize::PerIteration,
        )
    });
}

fn parse(c: &mut Criterion) {
    let t = template_300k();
    bench_parse(c, "parse_300k", &t);
    // 300 KB of `#evaluate` directives: each once worked out its line and
    // column by scanning the template up to it (2.3 s per parse).
    bench_parse(
        c,
        "parse_300k_evaluate",
        &"#evaluate($x)\n".repeat(300 * 1024 / 14),
    );
    // 300 KB of `$-x` lines: text that is not one range of the source, once
    // merged into the text before it by copying both (5.7 s per parse).
    bench_parse(c, "parse_300k_text_pieces", &"$-x\n".repeat(300 * 1024 / 4));
    // Parsing and dropping, both timed.
    c.bench_function("parse_300k_and_drop", |b| {
        b.iter(|| black_box(Template::parse(black_box(&t)).unwrap()))
    });
}

criterion_group!(benches, parse);
criterion_main!(benches);
