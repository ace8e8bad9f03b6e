//! `$input.path('$.x')` and `$input.json('$')` over bodies of 1 KB, 100 KB,
//! 1 MB and 10 MB (API Gateway's payload limit): the time must grow linearly.

use apigw_vtl::{Invocation, Template};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// A JSON object of about `size` bytes: `x` first, then records.
fn body(size: usize) -> String {
    let mut b = String::from("{\"x\": \"the value\", \"items\": [");
    let mut i = 0;
    while b.len() < size.saturating_sub(80) {
        if i > 0 {
            b.push(',');
        }
        b.push_str(&format!(
            "{{\"id\": {i}, \"name\": \"item number {i}\", \"price\": {}.5, \"tags\": [\"a\", \"b\"]}}",
            i % 997
        ));
        i += 1;
    }
    b.push_str("]}");
    b
}

fn body_size(c: &mut Criterion) {
    let path = Template::parse("$input.path('$.x')").unwrap();
    let json = Template::parse("$input.json('$')").unwrap();
    let mut group = c.benchmark_group("body_size");
    group.sample_size(10);
    for (label, size) in [
        ("1KB", 1024),
        ("100KB", 100 * 1024),
        ("1MB", 1024 * 1024),
        ("10MB", 10 * 1024 * 1024),
    ] {
        let inv = Invocation::with_body(body(size));
        group.throughput(Throughput::Bytes(inv.body.len() as u64));
        group.bench_with_input(BenchmarkId::new("path", label), &inv, |b, inv| {
            b.iter(|| black_box(path.render(black_box(inv)).unwrap()))
        });
        group.bench_with_input(BenchmarkId::new("json", label), &inv, |b, inv| {
            b.iter(|| black_box(json.render(black_box(inv)).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(benches, body_size);
criterion_main!(benches);
