//! Values to JSON text, as json-smart 2.2's `JSONValue.toJSONString(value, style)`
//! writes the Java objects behind them.

use super::JsonStyle;
use crate::value::print::{write_java_double, write_java_float, write_java_string};
use crate::value::{Heap, Host, ListKind, Value};

/// Why a value cannot be written as JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// The value nests deeper than Java's stack would allow (a cycle, typically).
    TooDeep,
    /// json-smart fails on this object in the oracle's JVM: it has no writer for
    /// it and its bean writer throws `IllegalAccessError` (`Map.Entry`, `Class`,
    /// `$input`), or a map has a null key (`NullPointerException`). The text
    /// names the Java exception.
    Unwritable(&'static str),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::TooDeep => f.write_str("value nested too deeply to write as JSON"),
            WriteError::Unwritable(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for WriteError {}

/// As deep as values may nest when written (Java would overflow its stack).
const MAX_WRITE_DEPTH: u32 = 512;

pub(super) fn write_value(
    heap: &Heap<'_>,
    v: Value,
    style: JsonStyle,
    out: &mut String,
    depth: u32,
) -> Result<(), WriteError> {
    if depth > MAX_WRITE_DEPTH || !heap.tick() {
        return Err(WriteError::TooDeep);
    }
    if out.len() > crate::value::MAX_PRINT_BYTES
        || matches!(v, Value::Str(s) if out.len() + s.len as usize > crate::value::MAX_PRINT_BYTES)
    {
        heap.exhaust_work();
        return Err(WriteError::TooDeep);
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Int(i) => push_i64(i64::from(i), out),
        Value::Long(i) => push_i64(i, out),
        Value::Double(d) => {
            if d.is_infinite() {
                out.push_str("null");
            } else {
                write_java_double(d, out);
            }
        }
        Value::Float(f) => {
            if f.is_infinite() {
                out.push_str("null");
            } else {
                write_java_float(f, out);
            }
        }
        Value::BigInt(id) | Value::BigDec(id) => out.push_str(heap.big(id)),
        Value::Str(s) => write_quoted(heap.str(s), style, out),
        // No writer for Character: the bean writer finds no properties.
        Value::Char(_) => out.push_str("{}"),
        Value::List(id) => {
            let list = heap.list(id);
            // json-smart's array writer casts to Object[].
            match list.kind {
                ListKind::CharArray => {
                    return Err(WriteError::Unwritable(
                        "ClassCastException: class [C cannot be cast to class [Ljava.lang.Object;",
                    ));
                }
                ListKind::ByteArray => {
                    return Err(WriteError::Unwritable(
                        "ClassCastException: class [B cannot be cast to class [Ljava.lang.Object;",
                    ));
                }
                _ => {}
            }
            // The Iterable writer (lists, key sets, ...) and the array writer
            // (`String[]`, `Object[]`) write alike.
            out.push('[');
            for (i, item) in list.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(heap, *item, style, out, depth + 1)?;
            }
            out.push(']');
        }
        Value::Map(id) => {
            out.push('{');
            for (i, (k, val)) in heap.map(id).entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                // `entry.getKey().toString()`, always quoted.
                match *k {
                    Value::Str(s) => write_quoted(heap.str(s), style, out),
                    Value::Null => {
                        return Err(WriteError::Unwritable(
                            "NullPointerException: a map key is null",
                        ));
                    }
                    other => {
                        let mut key = String::new();
                        write_java_string(heap, other, &mut key)
                            .map_err(|_| WriteError::TooDeep)?;
                        write_quoted(&key, style, out);
                    }
                }
                out.push(':');
                write_value(heap, *val, style, out, depth + 1)?;
            }
            out.push('}');
        }
        Value::Entry(_) => {
            return Err(WriteError::Unwritable(
                "IllegalAccessError: json-smart cannot write a java.util.LinkedHashMap$Entry",
            ));
        }
        Value::Host(h) => match h {
            // Objects without readable properties: the bean writer gives `{}`
            // (`$util`, `$foreach`, a `#define`d block, `$bodyContent`, an iterator).
            Host::Util | Host::Foreach(_) | Host::Block(_) | Host::Iter(_) => out.push_str("{}"),
            Host::Input => {
                return Err(WriteError::Unwritable(
                    "IllegalAccessError: json-smart cannot write $input",
                ));
            }
            Host::Class(_) => {
                return Err(WriteError::Unwritable(
                    "IllegalAccessError: json-smart cannot write a java.lang.Class",
                ));
            }
        },
    }
    Ok(())
}

/// Appends the decimal digits of `v` (`Long.toString`).
pub(crate) fn push_i64(v: i64, out: &mut String) {
    let mut buf = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    for &b in &buf[i..] {
        out.push(b as char);
    }
}

/// Bytes that may need escaping: `"`, `\`, `/`, controls, DEL, and the lead bytes
/// of U+0080-U+009F (`C2`) and U+2000-U+20FF (`E2`).
static MAY_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'/' as usize] = true;
    t[0x7F] = true;
    t[0xC2] = true;
    t[0xE2] = true;
    t
};

/// `"` + json-smart's escaping (`ESCAPE_LT`, or `Escape4Web` which also escapes `/`) + `"`.
pub(super) fn write_quoted(s: &str, style: JsonStyle, out: &mut String) {
    out.push('"');
    write_escaped(s, style == JsonStyle::NoCompress, out);
    out.push('"');
}

fn push_unicode_escape(unit: u32, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[((unit >> shift) & 0xF) as usize] as char);
    }
}

fn write_escaped(s: &str, escape_slash: bool, out: &mut String) {
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !MAY_ESCAPE[c as usize] {
            i += 1;
            continue;
        }
        let (escape, len): (Option<&str>, usize) = match c {
            b'"' => (Some("\\\""), 1),
            b'\\' => (Some("\\\\"), 1),
            b'/' if escape_slash => (Some("\\/"), 1),
            b'/' => {
                i += 1;
                continue;
            }
            0x08 => (Some("\\b"), 1),
            0x0C => (Some("\\f"), 1),
            b'\n' => (Some("\\n"), 1),
            b'\r' => (Some("\\r"), 1),
            b'\t' => (Some("\\t"), 1),
            0x00..=0x1F | 0x7F => (None, 1),
            0xC2 if matches!(b.get(i + 1), Some(0x80..=0x9F)) => (None, 2),
            0xE2 if matches!(b.get(i + 1), Some(0x80..=0x83)) => (None, 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[run..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => {
                let unit = s[i..].chars().next().map_or(0xFFFD, |ch| ch as u32);
                push_unicode_escape(unit, out);
            }
        }
        i += len;
        run = i;
    }
    out.push_str(&s[run..]);
}
