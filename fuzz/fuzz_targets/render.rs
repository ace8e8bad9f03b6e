//! A template rendered against a body, parameters and `$context`, under small
//! limits so that no loop can hang the fuzzer.
//!
//! Input layout (so that seeds stay readable text): `TEMPLATE \0 BODY \0 REST`,
//! where REST is decoded with `arbitrary` into the parameters, stage variables
//! and `$context` (an empty REST gives none). A missing `\0` means an empty
//! body (and no parameters).
#![no_main]

use apigw_vtl::{Invocation, Limits, Template};
use arbitrary::{Arbitrary, Unstructured};
use indexmap::IndexMap;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value as Json};

/// Parameters and context, built by `arbitrary` from the bytes after the body.
#[derive(Arbitrary, Debug, Default)]
struct Params {
    path: Vec<(String, String)>,
    querystring: Vec<(String, String)>,
    header: Vec<(String, String)>,
    stage_variables: Vec<(String, String)>,
    /// `a.b.c` = value pairs, nested into the context object.
    context: Vec<(String, Leaf)>,
}

#[derive(Arbitrary, Debug)]
enum Leaf {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
}

impl Leaf {
    fn json(&self) -> Json {
        match self {
            Leaf::Str(s) => Json::String(s.clone()),
            Leaf::Int(i) => Json::from(*i),
            Leaf::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Leaf::Bool(b) => Json::Bool(*b),
            Leaf::Null => Json::Null,
        }
    }
}

#[derive(Debug)]
struct Input {
    template: String,
    body: String,
    params: Params,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Input> {
        let data = u.bytes(u.len())?;
        let mut parts = data.splitn(3, |&b| b == 0);
        let template = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
        let body = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
        let rest = parts.next().unwrap_or(&[]);
        let params = Params::arbitrary_take_rest(Unstructured::new(rest)).unwrap_or_default();
        Ok(Input {
            template,
            body,
            params,
        })
    }
}

fn map(pairs: &[(String, String)]) -> IndexMap<String, String> {
    pairs.iter().cloned().collect()
}

/// Puts `value` at the dotted `key` (at most 4 levels) of `root`.
fn insert(root: &mut Map<String, Json>, key: &str, value: Json) {
    let mut obj = root;
    let names: Vec<&str> = key.splitn(4, '.').collect();
    let Some((last, init)) = names.split_last() else {
        return;
    };
    for name in init {
        let slot = obj
            .entry((*name).to_string())
            .or_insert_with(|| Json::Object(Map::new()));
        if !slot.is_object() {
            *slot = Json::Object(Map::new());
        }
        let Json::Object(next) = slot else { return };
        obj = next;
    }
    obj.insert((*last).to_string(), value);
}

fn limits() -> Limits {
    Limits {
        steps: 50_000,
        output_bytes: 1024 * 1024,
        memory_bytes: 16 * 1024 * 1024,
        time: None,
        ..Limits::default()
    }
}

fuzz_target!(|input: Input| {
    let Ok(template) = Template::parse_with(&input.template, limits()) else {
        return;
    };
    let mut context = Map::new();
    for (k, v) in &input.params.context {
        insert(&mut context, k, v.json());
    }
    let invocation = Invocation {
        body: input.body,
        path: map(&input.params.path),
        querystring: map(&input.params.querystring),
        header: map(&input.params.header),
        context: Json::Object(context),
        stage_variables: map(&input.params.stage_variables),
    };
    if let Ok(out) = template.render(&invocation) {
        // The output limit holds.
        assert!(out.body.len() <= 1024 * 1024, "output over the limit");
    }
});
