//! Jayway-semantics JSONPath: `$input.path` and `$input.json` evaluate paths as
//! Jayway JsonPath 2.0.0 does with its json-smart provider (the version the oracle
//! runs), over the [`crate::value`] model.
//!
//! What 2.0.0 has, and so what this has (see `grammar/jsonpath.ebnf`):
//! - `$`, `.name`, `['name']`, `['a','b']` (a property merge, giving a map, only
//!   as the last step), `[n]`, `[n,m]`, `[n:]`, `[:n]`, `[n:m]`, `[(@.length-n)]`,
//!   `[*]`, `.*`, `..` (deep scan), `[?(...)]` filters;
//! - filter comparisons `==`, `!=`, `<`, `<=`, `>`, `>=`, `=~ /regex/` (`/i` for
//!   case-insensitive), existence checks `@.a` and `!@.a`, `&&` and `||`, and paths
//!   from the document root (`$.limit`) inside filters;
//! - no functions: `$.list.length()` asks for a property named `length()`, and so
//!   does not exist. `in`, `nin`, `size`, `empty` are not operators either.
//!
//! A path that does not start with `$` or `@` gets `$.` in front (`s` reads `$.s`).
//!
//! Results: a definite path (only names and single indexes) gives the value itself
//! (the live object: templates mutate it), or [`Value::Null`] when it does not
//! exist (Jayway throws `PathNotFoundException`; the oracle reads that as null, see
//! DECISIONS #8). An indefinite path gives a new `JSONArray` of the matches. Some
//! paths fail instead (an index on an object, a filter on a string, a filter
//! comparing a number with a word): [`PathError`], which fails the render.
//!
//! Jayway 2.0.0's own quirks are kept, since the oracle has them: negative single
//! indexes (`[-1]`) do not exist (use `[-1:]`), `$.*.x` is null (not `[]`) when one
//! member lacks `x`, `..` followed by an index applies the step after the index to
//! every element, and filter operators are found by a plain text search.

mod compile;
mod eval;
mod pattern;

#[cfg(test)]
mod tests;

use crate::value::{Heap, Value};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// Compiled paths by their text (FNV-1a: paths are short, and SipHash cost a
/// W1 render about 350 instructions for its two lookups).
pub type PathMap =
    std::collections::HashMap<Box<str>, std::sync::Arc<JsonPath>, BuildHasherDefault<Fnv>>;

/// FNV-1a as a [`Hasher`], taking 8 bytes at a step (the map's keys are
/// whole path texts, hashed on every `$input.path` call: `$.statusCode` was
/// 12 steps, now 2).
#[derive(Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(crate::value::fnv1a(&[]))
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
            // (The rotation carries the multiplication's well-mixed high bits
            // down to the low bits the table indexes with.)
            h = (h ^ w).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
        }
        self.0 = crate::value::fnv1a_extend(h, words.remainder());
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A compiled JSONPath.
#[derive(Debug)]
pub struct JsonPath {
    text: String,
    compiled: compile::CompiledPath,
    /// The first property of a path of single properties from the root.
    first_key: Option<Box<str>>,
}

impl JsonPath {
    /// Compiles `path` as Jayway's `PathCompiler` does; fails where it throws
    /// `InvalidPathException` (or `IllegalArgumentException` for an empty path).
    pub fn compile(path: &str) -> Result<JsonPath, PathError> {
        let compiled = compile::compile(path)?;
        let first_key = compiled
            .simple_keys()
            .and_then(|mut k| k.next())
            .map(Box::from);
        Ok(JsonPath {
            text: path.to_string(),
            compiled,
            first_key,
        })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Does the path name at most one value (no wildcard, scan, slice, filter or index list)?
    pub fn is_definite(&self) -> bool {
        self.compiled.is_definite()
    }

    /// The property names of a path of single properties from the root
    /// (`$.a.b`, `$['a']`), or `None` for any other path.
    pub(crate) fn simple_keys(&self) -> Option<impl Iterator<Item = &str>> {
        self.first_key.as_ref()?;
        self.compiled.simple_keys()
    }

    /// The first property of a path of single properties from the root
    /// (`a` for `$.a.b`), or `None` for any other path.
    pub(crate) fn first_key(&self) -> Option<&str> {
        self.first_key.as_deref()
    }
}

/// Which exception Jayway (or Java under it) throws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathErrorKind {
    /// `InvalidPathException` (or `IllegalArgumentException` for an empty path): the
    /// path does not compile, or a step does not apply (an index on an object, a
    /// filter on a primitive, a property merge before the last step).
    InvalidPath,
    /// Another exception while evaluating (`NumberFormatException` comparing a
    /// number with a word, `NullPointerException`, `ClassCastException`, ...), or
    /// the null document.
    Runtime,
}

/// A JSONPath that fails: the render fails (`eval`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    pub kind: PathErrorKind,
    pub message: String,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PathError {}

/// `JsonPath.using(conf).parse(doc).read(path)`, with a missing definite path read
/// as [`Value::Null`]. New lists and maps (results of indefinite paths, property
/// merges) are made in `heap`.
pub fn read(heap: &mut Heap<'_>, doc: Value, path: &JsonPath) -> Result<Value, PathError> {
    if doc.is_null() {
        return Err(PathError {
            kind: PathErrorKind::Runtime,
            message: "json object can not be null".to_string(),
        });
    }
    if let Some(v) = path.compiled.simple_read(heap, doc) {
        return Ok(v);
    }
    let mut ev = eval::Evaluator::new(heap);
    match ev.evaluate(&path.compiled, doc, doc, false) {
        Ok(v) => Ok(v),
        Err(eval::Fail::NotFound) => Ok(Value::Null),
        Err(eval::Fail::Error(e)) => Err(e),
    }
}

/// [`JsonPath::compile`] and [`read`] in one call.
pub fn read_str(heap: &mut Heap<'_>, doc: Value, path: &str) -> Result<Value, PathError> {
    read(heap, doc, &JsonPath::compile(path)?)
}
