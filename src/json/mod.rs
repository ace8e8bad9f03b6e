//! The json-smart object model: parsing JSON text into values, writing values as JSON.
//!
//! The oracle (and, as far as known, API Gateway) reads request bodies with
//! Jackson's strict validation followed by json-smart 2.2's permissive ordered
//! reader; see [`parse_json`]. `$input.json` and the printing of a json-smart
//! `JSONArray` write JSON text with json-smart's writer; see [`write_json`].

pub(crate) mod bigdec;
mod lookup;
mod parse;
pub(crate) mod scan;
mod transcode;
mod write;

pub(crate) use lookup::BodyLookup;
pub use parse::{JsonError, MAX_DEPTH, parse_body, parse_json};
pub use transcode::{body_as_json, value_as_json};
pub use write::WriteError;

use crate::value::print::TooDeep;
use crate::value::{Heap, Value};

/// How json-smart writes JSON text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonStyle {
    /// `JSONStyle.NO_COMPRESS`, what `JSONArray.toString()` uses: every string
    /// quoted, `/` escaped as `\/`.
    NoCompress,
    /// `JSONStyle.LT_COMPRESS`, what `$input.json` uses: `/` not escaped.
    Compress,
}

/// Appends `v` as JSON text to `out` (json-smart's `JSONValue.toJSONString(v, style)`).
///
/// Every failure is reported as [`TooDeep`]; [`try_write_json`] tells them apart.
pub fn write_json(
    heap: &Heap,
    v: Value,
    style: JsonStyle,
    out: &mut String,
) -> Result<(), TooDeep> {
    try_write_json(heap, v, style, out).map_err(|_| TooDeep)
}

/// Like [`write_json`], saying why a value cannot be written: nesting too deep, or
/// an object json-smart fails on (Java throws, so the render fails).
pub fn try_write_json(
    heap: &Heap,
    v: Value,
    style: JsonStyle,
    out: &mut String,
) -> Result<(), WriteError> {
    write::write_value(heap, v, style, out, 0)
}

#[cfg(test)]
mod tests;
