//! The shared benchmark workloads (../shared/bench): W1 and W2.
//!
//! "One render" is the whole per-request work for a response template: the
//! template is parsed once, the body JSON is parsed on every render.
//! Run with `cargo bench --bench workloads`.

use apigw_vtl::{Invocation, Template};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn invocation(case_file: &str) -> (Template, Invocation) {
    let suite: serde_json::Value = serde_json::from_str(case_file).unwrap();
    let case = &suite["cases"][0];
    let template = Template::parse(case["template"].as_str().unwrap()).unwrap();
    let input = &case["input"];
    let mut inv = Invocation::with_body(input["body"].as_str().unwrap());
    if let Some(h) = input["params"]["header"].as_object() {
        for (k, v) in h {
            inv.header
                .insert(k.clone(), v.as_str().unwrap().to_string());
        }
    }
    inv.context = input.get("context").cloned().unwrap_or_default();
    (template, inv)
}

fn workloads(c: &mut Criterion) {
    let (w1, inv1) = invocation(include_str!("workloads/w1.json"));
    c.bench_function("W1", |b| {
        b.iter(|| black_box(w1.render(black_box(&inv1)).unwrap()))
    });
    let (w2, inv2) = invocation(include_str!("workloads/w2.json"));
    c.bench_function("W2", |b| {
        b.iter(|| black_box(w2.render(black_box(&inv2)).unwrap()))
    });
}

criterion_group!(benches, workloads);
criterion_main!(benches);
