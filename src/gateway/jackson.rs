//! Compact JSON text as API Gateway (Jackson's `ObjectMapper`) writes a
//! Lambda result: no spaces, keys in their given order, doubles as Java's
//! `Double.toString` (`1.0`, `1.0E-5`), control characters as `\n`-style
//! escapes or `\u00XX` with upper-case hex, non-ASCII and `/` as they are.

use crate::value::print::write_java_double;
use serde_json::Value as Json;

/// Deepest nesting written; deeper values are written as `null`. serde_json
/// itself refuses to read more than 128 levels, so only values built in code
/// can reach this.
const MAX_DEPTH: usize = 512;

/// The compact JSON text of `v`.
pub fn to_string(v: &Json) -> String {
    let mut out = String::new();
    write(v, &mut out, 0);
    out
}

fn write(v: &Json, out: &mut String, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("null");
        return;
    }
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                // serde_json keeps the number's text (`arbitrary_precision`).
                let text = n.to_string();
                if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                    // An integer beyond 64 bits: Jackson reads a `BigInteger`
                    // and writes its digits.
                    out.push_str(&text);
                } else if let Some(f) = n.as_f64() {
                    write_java_double(f, out);
                } else {
                    out.push_str(&text);
                }
            }
        }
        Json::String(s) => write_str(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out, depth + 1);
            }
            out.push(']');
        }
        Json::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write(item, out, depth + 1);
            }
            out.push('}');
        }
    }
}

fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let b = c as u32 as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[(b >> 4) & 0xf]));
                out.push(char::from(HEX[b & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expectations from Jackson 2 `ObjectMapper.writeValueAsString(readTree(json))`.
    #[test]
    fn writes_like_jackson() {
        let table: &[(&str, &str)] = &[
            (
                r#"{"a": 1, "b": [true, null]}"#,
                r#"{"a":1,"b":[true,null]}"#,
            ),
            (r#"{"z": 1, "a": 2}"#, r#"{"z":1,"a":2}"#),
            ("12.5", "12.5"),
            ("1.0", "1.0"),
            ("1e2", "100.0"),
            ("1e-5", "1.0E-5"),
            ("-0.0", "-0.0"),
            ("12345678901234", "12345678901234"),
            (r#""a/b\u0001\n\"é""#, r#""a/b\u0001\n\"é""#),
            (r#""\u001f\u007f""#, "\"\\u001F\u{7f}\""),
            ("null", "null"),
        ];
        for (input, want) in table {
            let v: Json = serde_json::from_str(input).unwrap();
            assert_eq!(to_string(&v), *want, "{input}");
        }
    }
}
