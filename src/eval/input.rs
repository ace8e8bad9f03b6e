//! `$input` and `$util`: the methods templates call on them.

use super::Ctx;
use crate::apigw::util;
use crate::compiler::Compiled;
use crate::error::{Error, Result};
use crate::json::{self, JsonStyle};
use crate::jsonpath::{self, JsonPath};
use crate::value::{MapId, MapKind, Str, Value};

/// What `$input` has computed during one render.
#[derive(Default)]
pub(crate) struct InputState {
    /// The body parsed as JSON (once, on first use).
    document: Option<Value>,
    /// `$input.params()`'s three maps, made on first use.
    params: Option<[MapId; 3]>,
    /// Scalars read from the body before (or instead of) parsing it.
    lookup: json::BodyLookup,
}

impl InputState {
    /// A state whose body index reuses the allocation `spare` holds (left
    /// by [`InputState::recycle`] at the end of an earlier render).
    #[inline(always)]
    pub(super) fn reusing(spare: &mut json::BodyLookup) -> InputState {
        InputState {
            document: None,
            params: None,
            lookup: json::BodyLookup::reusing(spare),
        }
    }

    /// Gives the body index's allocation to `spare`, for the next render.
    #[inline(always)]
    pub(super) fn recycle(&mut self, spare: &mut json::BodyLookup) {
        self.lookup.recycle(spare);
    }
}

impl Ctx<'_> {
    /// The body as JSON (an empty body reads as `{}`).
    fn document(&mut self) -> Result<Value> {
        if let Some(d) = self.input.document {
            return Ok(d);
        }
        let d = json::parse_body(&mut self.heap)
            .map_err(|e| Error::eval(format!("Could not parse the body into json: {e}")))?;
        self.input.document = Some(d);
        Ok(d)
    }

    pub(super) fn read_path(&mut self, path: Str) -> Result<Value> {
        // Paths written in the template were compiled with it (borrowed from the
        // template, not from `self`: no reference count to touch).
        let c: &Compiled = self.c;
        let compiled = c.paths.get(self.heap.str(path));
        // A string, number, boolean or null at a simple path is read without
        // parsing the whole body, until something needs the whole body.
        if self.input.document.is_none()
            && let Some(keys) = compiled.and_then(|p| p.simple_keys())
        {
            // The values of the top-level members the template's simple paths
            // start with are read while the body is checked.
            if let Some(v) = self.input.lookup.find(&mut self.heap, &first_keys(c), keys) {
                return Ok(v);
            }
        }
        let doc = self.document()?;
        if let Some(p) = compiled {
            return jsonpath::read(&mut self.heap, doc, p)
                .map_err(|e| Error::eval(format!("JSONPath {}: {e}", short(p.as_str()))));
        }
        let text = self.heap.str(path).to_string();
        // (Paths made while rendering are compiled once per render.)
        let rare = self.rare.get_or_insert_with(super::Rare::spare);
        if !rare.paths.contains_key(&text) {
            let compiled = JsonPath::compile(&text)
                .map_err(|e| Error::eval(format!("invalid JSONPath {}: {e}", short(&text))))?;
            rare.paths.insert(text.clone(), compiled);
        }
        let compiled = &rare.paths[&text];
        jsonpath::read(&mut self.heap, doc, compiled)
            .map_err(|e| Error::eval(format!("JSONPath {}: {e}", short(&text))))
    }

    /// `$input.json(path)` for `$` and simple paths (`$.a.b`) before anything
    /// parsed the body: written in one pass over the body's text, when that
    /// can be done (see `json::body_as_json`); false when it cannot, and the
    /// caller reads and writes the path as usual.
    fn json_unparsed(&mut self, path: Str, out: &mut String) -> bool {
        if self.input.document.is_some() {
            return false;
        }
        if self.heap.str(path) == "$" {
            // What it writes is about the body's length.
            out.reserve(self.heap.body().len());
            return json::body_as_json(&mut self.heap, out).is_some();
        }
        let c: &Compiled = self.c;
        let Some(keys) = c
            .paths
            .get(self.heap.str(path))
            .and_then(|p| p.simple_keys())
        else {
            return false;
        };
        match self
            .input
            .lookup
            .locate(&mut self.heap, &first_keys(c), keys)
        {
            Some((at, _)) => json::value_as_json(&mut self.heap, at, out).is_some(),
            None => false,
        }
    }

    /// The maps of `$input.params()`: path, querystring, header.
    fn params_maps(&mut self) -> [MapId; 3] {
        if let Some(p) = self.input.params {
            return p;
        }
        let inv = self.inv;
        let mut ids = [MapId(0); 3];
        for (i, src) in [&inv.path, &inv.querystring, &inv.header]
            .into_iter()
            .enumerate()
        {
            // (A kept vector, as `alloc_map` takes for an empty one: a new
            // one was a `malloc` per render for the headers.)
            let mut entries = self.heap.pair_vec();
            entries.reserve(src.len());
            let m = self.heap.alloc_map(MapKind::Plain, entries);
            for (k, v) in src {
                let k = self.heap.string(k);
                let v = self.heap.string(v);
                self.heap.map_mut(m).entries.push((k, v));
            }
            ids[i] = m;
        }
        self.input.params = Some(ids);
        ids
    }
}

/// Whether a top-level key of the body is the first key of one of the
/// template's simple paths (whose values the body's check reads on its way).
fn first_keys(c: &Compiled) -> impl Fn(&[u8]) -> bool + '_ {
    |key: &[u8]| {
        c.first_keys
            .iter()
            .any(|k| crate::bytes::short_eq(k.as_bytes(), key, 16))
    }
}

/// A text for a message: quoted, and cut when long.
fn short(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{:?}...", &text[..i]),
        None => format!("{text:?}"),
    }
}

/// A method of `$input`; `None` when there is no such method.
pub(crate) fn call_input(ctx: &mut Ctx, name: &str, args: &[Value]) -> Result<Option<Value>> {
    Ok(match (name, args) {
        ("getBody", []) => Some(Value::Str(ctx.heap.body_str(0, ctx.heap.body().len()))),
        ("path", [Value::Str(p)]) => Some(ctx.read_path(*p)?),
        ("json", [Value::Str(p)]) => {
            let mut s = String::new();
            if ctx.json_unparsed(*p, &mut s) {
                return Ok(Some(Value::Str(ctx.heap.alloc_str(&s))));
            }
            let v = ctx.read_path(*p)?;
            let mark = ctx.heap.begin_str();
            json::write_json(&ctx.heap, v, JsonStyle::Compress, &mut s).map_err(|_| {
                // Too large (a walk out of its budget) or too deep.
                ctx.check_work()
                    .err()
                    .unwrap_or_else(|| Error::eval("the JSON is nested too deeply to write"))
            })?;
            ctx.heap.push_str(&s);
            Some(Value::Str(ctx.heap.finish_str(mark)))
        }
        // A null argument finds the method; the result is null.
        ("path" | "json", [Value::Null]) => None,
        ("params", []) => {
            let [p, q, h] = ctx.params_maps();
            let keys = ["path", "querystring", "header"].map(|k| ctx.heap.string(k));
            let entries = vec![
                (keys[0], Value::Map(p)),
                (keys[1], Value::Map(q)),
                (keys[2], Value::Map(h)),
            ];
            Some(Value::Map(ctx.heap.alloc_map(MapKind::Plain, entries)))
        }
        ("params", [Value::Str(n)]) => {
            let maps = ctx.params_maps();
            // (Read in place: the look-ups do not change the heap.)
            let name = ctx.heap.str(*n);
            let mut found = None;
            for m in maps {
                if let Some(v) = ctx.heap.map_get_str(m, name) {
                    found = Some(v);
                    break;
                }
            }
            if found.is_none() {
                let h = maps[2];
                found = ctx
                    .heap
                    .map(h)
                    .entries
                    .iter()
                    .find(|(k, _)| match k {
                        Value::Str(s) => ctx.heap.str(*s).eq_ignore_ascii_case(name),
                        _ => false,
                    })
                    .map(|(_, v)| *v);
            }
            Some(found.unwrap_or(Value::Str(Str::EMPTY)))
        }
        ("params", [Value::Null]) => Some(Value::Str(Str::EMPTY)),
        ("getClass", []) => Some(Value::Host(crate::value::Host::Class(
            crate::value::JavaClass::Input,
        ))),
        ("toString", []) => Some(ctx.heap.string("com.amazonaws.apigateway.Input@1b6d3586")),
        _ => None,
    })
}

/// A method of `$util`; `None` when there is no such method (any argument
/// that is not a string finds none).
pub(crate) fn call_util(ctx: &mut Ctx, name: &str, args: &[Value]) -> Result<Option<Value>> {
    let s = match args {
        [Value::Str(s)] => *s,
        [Value::Null] => {
            return Ok(match name {
                "escapeJavaScript" | "parseJson" | "urlEncode" | "urlDecode" | "base64Encode"
                | "base64Decode" => None,
                _ => None,
            });
        }
        [] => {
            return Ok(match name {
                "getClass" => Some(Value::Host(crate::value::Host::Class(
                    crate::value::JavaClass::Util,
                ))),
                "toString" => Some(ctx.heap.string("com.amazonaws.apigateway.Util@4554617c")),
                _ => None,
            });
        }
        _ => return Ok(None),
    };
    // The argument may live in the arena the result is written to: copy it
    // to a scratch buffer first.
    let mut text = std::mem::take(&mut ctx.scratch);
    text.clear();
    text.push_str(ctx.heap.str(s));
    let encoded = |ctx: &mut Ctx, f: fn(&str, &mut String), text: &str| {
        let mark = ctx.heap.begin_str();
        f(text, ctx.heap.arena_mut());
        Value::Str(ctx.heap.finish_str(mark))
    };
    let r = match name {
        "escapeJavaScript" => encoded(ctx, util::escape_javascript, &text),
        "urlEncode" => encoded(ctx, util::url_encode, &text),
        "base64Encode" => encoded(ctx, util::base64_encode, &text),
        _ => {
            let r = call_util_other(ctx, name, s, &text);
            ctx.scratch = text;
            return r;
        }
    };
    ctx.scratch = text;
    Ok(Some(r))
}

fn call_util_other(ctx: &mut Ctx, name: &str, s: Str, text: &str) -> Result<Option<Value>> {
    Ok(Some(match name {
        "urlDecode" => {
            let d = util::url_decode(text).map_err(|e| Error::eval(e.to_string()))?;
            ctx.heap.string(&d)
        }
        "base64Decode" => {
            let d = util::base64_decode(text).map_err(|e| Error::eval(e.to_string()))?;
            ctx.heap.string(&d)
        }
        "parseJson" => json::parse_json(&mut ctx.heap, s)
            .map_err(|e| Error::eval(format!("$util.parseJson: invalid JSON: {e}")))?,
        _ => return Ok(None),
    }))
}
