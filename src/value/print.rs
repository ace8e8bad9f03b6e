//! Java's `String.valueOf` for template values: how Velocity prints them.

use super::{Heap, Host, ListKind, MapKind, Value};
use std::fmt::Write;

/// Printing stopped: the value nests deeper than Java's stack would allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep;

/// How deep collections may nest when printed (Java would overflow its stack).
const MAX_PRINT_DEPTH: u32 = 512;

/// Appends `String.valueOf(v)` to `out`: `null`, `true`, `1`, `1.0`, `[a, b]`,
/// `{a=1, b=2}`, JSON text for a json-smart array, `""` for `$context` maps.
#[inline]
pub fn write_java_string(heap: &Heap, v: Value, out: &mut String) -> Result<(), TooDeep> {
    // Numbers without `write_depth`'s dispatch (its checks, in its order:
    // a spent budget or a full output go on to fail there).
    match v {
        Value::Int(i) if out.len() <= super::MAX_PRINT_BYTES && heap.tick() => {
            write_i64(i64::from(i), out);
            Ok(())
        }
        Value::Double(d) if out.len() <= super::MAX_PRINT_BYTES && heap.tick() => {
            write_java_double(d, out);
            Ok(())
        }
        _ => write_depth(heap, v, out, 0),
    }
}

/// `String.valueOf(v)` as a new `String`.
pub fn java_string(heap: &Heap, v: Value) -> Result<String, TooDeep> {
    let mut s = String::new();
    write_java_string(heap, v, &mut s)?;
    Ok(s)
}

fn write_depth(heap: &Heap, v: Value, out: &mut String, depth: u32) -> Result<(), TooDeep> {
    // Out of depth, or of the heap's work budget (a collection that shares
    // itself can print as 2^40 elements).
    if depth > MAX_PRINT_DEPTH || !heap.tick() {
        return Err(TooDeep);
    }
    if out.len() > super::MAX_PRINT_BYTES
        || matches!(v, Value::Str(s) if out.len() + s.len as usize > super::MAX_PRINT_BYTES)
    {
        heap.exhaust_work();
        return Err(TooDeep);
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Int(i) => write_i64(i64::from(i), out),
        Value::Long(i) => write_i64(i, out),
        Value::Double(d) => write_java_double(d, out),
        Value::Float(f) => write_java_float(f, out),
        Value::BigInt(id) | Value::BigDec(id) => out.push_str(heap.big(id)),
        Value::Char(c) => out.push(char::from_u32(c as u32).unwrap_or('\u{FFFD}')),
        Value::Str(s) => out.push_str(heap.str(s)),
        Value::List(id) => {
            let list = heap.list(id);
            match list.kind {
                ListKind::JsonArray => {
                    crate::json::write_json(heap, v, crate::json::JsonStyle::NoCompress, out)
                        .map_err(|_| TooDeep)?;
                }
                kind if kind.is_array() => {
                    // Object.toString of an array: the hash is not reproducible.
                    let class = v.class(heap).map_or("", |c| c.name());
                    let _ = write!(out, "{class}@{:x}", 0x1b6d_3586u32 ^ id.0);
                }
                _ => {
                    out.push('[');
                    for (i, item) in list.items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        if *item == v {
                            out.push_str("(this Collection)");
                        } else {
                            write_depth(heap, *item, out, depth + 1)?;
                        }
                    }
                    out.push(']');
                }
            }
        }
        Value::Map(id) => {
            let map = heap.map(id);
            if map.kind != MapKind::Plain {
                return Ok(());
            }
            out.push('{');
            for (i, (k, val)) in map.entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if *k == v {
                    out.push_str("(this Map)");
                } else {
                    write_depth(heap, *k, out, depth + 1)?;
                }
                out.push('=');
                if *val == v {
                    out.push_str("(this Map)");
                } else {
                    write_depth(heap, *val, out, depth + 1)?;
                }
            }
            out.push('}');
        }
        Value::Entry(id) => {
            let e = *heap.entry(id);
            write_depth(heap, e.key, out, depth + 1)?;
            out.push('=');
            write_depth(heap, e.value, out, depth + 1)?;
        }
        Value::Host(h) => match h {
            Host::Input => out.push_str("com.amazonaws.apigateway.Input@1b6d3586"),
            Host::Util => out.push_str("com.amazonaws.apigateway.Util@4554617c"),
            // ForeachScope is an (empty) AbstractMap.
            Host::Foreach(_) => out.push_str("{}"),
            Host::Class(c) => {
                out.push_str("class ");
                out.push_str(c.name());
            }
            // Rendered by the evaluator, which has the template.
            Host::Block(_) => {}
            Host::Iter(i) => {
                let class = heap.iter(i).class.name();
                let _ = write!(out, "{class}@{:x}", 0x7a81_197du32 ^ i);
            }
        },
    }
    Ok(())
}

/// Java's `Double.toString(d)`.
pub fn write_java_double(d: f64, out: &mut String) {
    if write_short_decimal(d, out) {
        return;
    }
    write_java_double_general(d, out);
}

/// [`write_java_double`] from ryu's shortest digits (apart: the short path
/// then needs no stack frame for ryu's buffer; W2: 360 instructions less).
#[inline(never)]
fn write_java_double_general(d: f64, out: &mut String) {
    let mut buf = ryu::Buffer::new();
    write_java_number(
        d,
        (d.is_finite() && d != 0.0).then(|| buf.format_finite(d.abs())),
        || format!("{:.1e}", d.abs()),
        out,
    );
}

/// `Double.toString` of a double in Java's plain range `[1e-3, 1e7)` that is
/// the nearest double to a decimal of at most 3 decimals (prices, amounts):
/// written from that decimal, without ryu's digit search (W2 prints 100
/// prices, ~500 instructions less each). False (nothing written) otherwise.
///
/// The decimal is the shortest representation ryu finds: unique with 3
/// decimals (near 1e7 a double's rounding interval is ~2e-9 wide, far less
/// than 1e-3), and written with its trailing zeros dropped, that is with the
/// fewest decimals `k` that read back as `d` (a decimal with `k < 3`
/// decimals that reads back as `d` is that same 3-decimal one). `m / 1000`
/// is correctly rounded, so `m / 1000 == |d|` is exactly "the decimal reads
/// back as `d`"; a decimal never falls on a midpoint between two doubles here.
fn write_short_decimal(d: f64, out: &mut String) -> bool {
    let a = d.abs();
    if !(1e-3..1e7).contains(&a) {
        return false;
    }
    // The nearest integer (a * 1000 < 1e10); one that is off only fails the
    // check below. (Through `i64`: one instruction each way, where `u64`
    // takes a dozen.)
    let m = (a * 1000.0 + 0.5) as i64;
    if m as f64 / 1000.0 != a {
        return false;
    }
    if d < 0.0 {
        out.push('-');
    }
    // The integer part, then the decimals without their trailing zeros (one
    // zero for none) character by character: no loop to drop the zeros, no
    // slices of itoa's text copied by `memcpy` calls (with the `i64`
    // conversions, W2's 100 prices: 3.2k instructions less).
    let (int, frac) = ((m / 1000) as u32, (m % 1000) as u32);
    if int < 1000 {
        // (Most prices: up to three characters, without itoa's call and a
        // `memcpy` call.)
        if int >= 100 {
            out.push(digit(int / 100));
        }
        if int >= 10 {
            out.push(digit(int / 10));
        }
        out.push(digit(int));
    } else {
        out.push_str(itoa::Buffer::new().format(int));
    }
    out.push('.');
    let (d1, d2, d3) = (frac / 100, frac / 10 % 10, frac % 10);
    out.push(digit(d1));
    if d2 != 0 || d3 != 0 {
        out.push(digit(d2));
        if d3 != 0 {
            out.push(digit(d3));
        }
    }
    true
}

/// The character of the decimal digit `d` (below 10).
#[inline(always)]
fn digit(d: u32) -> char {
    char::from(b'0' + (d % 10) as u8)
}

/// The decimal text of `n` (as `Integer.toString` / `Long.toString`).
pub(crate) fn write_i64(n: i64, out: &mut String) {
    // One or two digits (counts, small amounts: W2's discounts) character by
    // character, without itoa's buffer copied by a `memcpy` call.
    if let Ok(small @ 0..100) = u32::try_from(n) {
        if small >= 10 {
            out.push(digit(small / 10));
        }
        out.push(digit(small));
        return;
    }
    out.push_str(itoa::Buffer::new().format(n));
}

/// Java's `Float.toString(f)`.
pub fn write_java_float(f: f32, out: &mut String) {
    let mut buf = ryu::Buffer::new();
    write_java_number(
        f64::from(f),
        (f.is_finite() && f != 0.0).then(|| buf.format_finite(f.abs())),
        || format!("{:.1e}", f.abs()),
        out,
    );
}

/// `Double.toString` / `Float.toString` of `x`, given its shortest digits
/// (`None` for NaN, infinities and zeros).
fn write_java_number(
    x: f64,
    shortest: Option<&str>,
    two: impl FnOnce() -> String,
    out: &mut String,
) {
    match shortest {
        Some(s) => {
            let a = x.abs();
            let plain = (1e-3..1e7).contains(&a);
            if plain && !s.contains('e') {
                // In Java's plain range ryu writes the same text (`130.17`, `100.0`,
                // `0.001`): W2 prints 100 prices, 700 instructions less each.
                if x < 0.0 {
                    out.push('-');
                }
                out.push_str(s);
                return;
            }
            write_java_floating(x < 0.0, plain, s, two, out);
        }
        None if x.is_nan() => out.push_str("NaN"),
        None if x.is_infinite() => out.push_str(if x > 0.0 { "Infinity" } else { "-Infinity" }),
        None => out.push_str(if x.is_sign_negative() { "-0.0" } else { "0.0" }),
    }
}

/// The significant digits and the decimal exponent of the first one, of a
/// shortest representation written by ryu (`166.5`, `1e21`, `1.5e-7`,
/// `0.001`): digits in a stack buffer, no allocation.
fn digits_and_exponent(s: &str) -> ([u8; 32], usize, i32) {
    let (mant, exp) = match s.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let mut digits = [0u8; 32];
    let mut n = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if n < digits.len() {
            digits[n] = b;
            n += 1;
        }
    }
    // The exponent of the first digit of `int`.
    let mut e = exp + int.len() as i32 - 1;
    let lead = digits[..n].iter().take_while(|b| **b == b'0').count();
    digits.copy_within(lead..n, 0);
    n -= lead;
    e -= lead as i32;
    while n > 1 && digits[n - 1] == b'0' {
        n -= 1;
    }
    if n == 0 {
        digits[0] = b'0';
        n = 1;
    }
    (digits, n, e)
}

/// Lays out shortest digits as Java does: plain decimal in `[1e-3, 1e7)`,
/// else `d.dddE±n` with at least two significant digits (`two` gives the
/// closest two-digit form, as Rust's `{:.1e}`).
fn write_java_floating(
    negative: bool,
    plain: bool,
    shortest: &str,
    two: impl FnOnce() -> String,
    out: &mut String,
) {
    let (buf, n, exp) = digits_and_exponent(shortest);
    // ASCII digits only.
    let digits = std::str::from_utf8(&buf[..n]).unwrap_or("0");
    if negative {
        out.push('-');
    }
    if plain {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(digits);
                for _ in digits.len()..int_len {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        } else {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(digits);
        }
    } else if digits.len() == 1 {
        let t = two();
        let (m2, e2) = t.split_once('e').unwrap_or((&t, "0"));
        let mut it = m2.chars().filter(|c| *c != '.');
        if let Some(c) = it.next() {
            out.push(c);
        }
        out.push('.');
        out.extend(it);
        out.push('E');
        out.push_str(e2);
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        out.push_str(&digits[1..]);
        out.push('E');
        let _ = write!(out, "{exp}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(x: f64) -> String {
        let mut s = String::new();
        write_java_double(x, &mut s);
        s
    }

    /// Integers as `Long.toString` writes them, around the one- and
    /// two-digit shortcut and at the ends of the range.
    #[test]
    fn integers_as_long_to_string() {
        let ends = [i64::MIN, i64::MIN + 1, i64::MAX, -4294967296, 4294967296];
        for n in (-1000..1000).chain(ends) {
            let mut s = String::from("<");
            write_i64(n, &mut s);
            assert_eq!(s, format!("<{n}"));
        }
    }

    /// The plain-range shortcut writes what the general layout writes.
    #[test]
    fn plain_shortcut_matches_layout() {
        let mut rng = crate::testing::Xorshift(0x9E37_79B9_7F4A_7C15);
        for i in 0..200_000 {
            let r = rng.next();
            let x = match i % 3 {
                // Any double in [1e-3, 1e7).
                0 => 1e-3 + (r >> 11) as f64 / (1u64 << 53) as f64 * (1e7 - 1e-3),
                // Prices and counts: a few decimals.
                1 => (r % 100_000_000) as f64 / [1.0, 10.0, 100.0, 1000.0][(r >> 60) as usize % 4],
                // Around the range's ends.
                _ => {
                    [1e-3, 1e7, 9_999_999.999, 0.000_999_9][(r >> 62) as usize]
                        * (1.0 + (r % 1000) as f64 * 1e-12)
                }
            };
            for x in [x, -x] {
                if !x.is_finite() || x == 0.0 {
                    continue;
                }
                let mut buf = ryu::Buffer::new();
                let shortest = buf.format_finite(x.abs());
                let mut general = String::new();
                write_java_floating(
                    x < 0.0,
                    (1e-3..1e7).contains(&x.abs()),
                    shortest,
                    || format!("{:.1e}", x.abs()),
                    &mut general,
                );
                assert_eq!(d(x), general, "{x:e}");
            }
        }
    }

    /// Expected strings are what OpenJDK 17 prints for `Double.toString`.
    #[test]
    fn double_to_string_table() {
        let table: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (100.0, "100.0"),
            (1e2, "100.0"),
            (8.95, "8.95"),
            (0.1 + 0.2, "0.30000000000000004"),
            (100.0 / 3.0, "33.333333333333336"),
            (1.0 / 3.0, "0.3333333333333333"),
            (9999999.0, "9999999.0"),
            (1e7, "1.0E7"),
            (1.5e7, "1.5E7"),
            (0.001, "0.001"),
            (1e-4, "1.0E-4"),
            (0.0025, "0.0025"),
            (1.23456789e8, "1.23456789E8"),
            (2.5e10, "2.5E10"),
            (5e-324, "4.9E-324"),
            (f64::MAX, "1.7976931348623157E308"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (-1.5, "-1.5"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (123456.789, "123456.789"),
            (1e21, "1.0E21"),
            (3.0, "3.0"),
            (10.0, "10.0"),
            (1000.0, "1000.0"),
        ];
        for (x, want) in table {
            assert_eq!(d(*x), *want, "Double.toString({x:e})");
        }
    }

    /// The short-decimal path's cases: decimals with inner and trailing
    /// zeros, no decimals, an integer part of 0 and of 7 digits, signs.
    #[test]
    fn short_decimal_layout() {
        let table: &[(f64, &str)] = &[
            (130.17, "130.17"),
            (0.005, "0.005"),
            (0.05, "0.05"),
            (0.5, "0.5"),
            (1.05, "1.05"),
            (1.005, "1.005"),
            (1.1, "1.1"),
            (100.1, "100.1"),
            (100.01, "100.01"),
            (1.0, "1.0"),
            (0.001, "0.001"),
            (0.101, "0.101"),
            (0.11, "0.11"),
            (9_999_999.999, "9999999.999"),
            (9_999_999.0, "9999999.0"),
            (1_234_567.5, "1234567.5"),
            (-0.05, "-0.05"),
            (-42.0, "-42.0"),
            (-301.26, "-301.26"),
        ];
        for (x, want) in table {
            let mut fast = String::new();
            assert!(write_short_decimal(*x, &mut fast), "{x:e}");
            assert_eq!(fast, *want, "{x:e}");
            assert_eq!(d(*x), *want, "{x:e}");
        }
    }

    #[test]
    fn integers() {
        for n in [
            0,
            1,
            -1,
            9,
            10,
            -10,
            123_456,
            i64::from(i32::MIN),
            i64::MAX,
            i64::MIN,
        ] {
            let mut s = String::new();
            write_i64(n, &mut s);
            assert_eq!(s, n.to_string());
        }
    }

    /// The short-decimal shortcut writes what ryu's layout writes.
    #[test]
    fn short_decimal_matches_ryu() {
        let mut n = 0u64;
        for scale in [1.0, 10.0, 100.0, 1000.0, 10_000.0] {
            for m in (0..20_000_000u64).step_by(997).chain(9_999_990..10_000_010) {
                let x = m as f64 / scale;
                for x in [x, -x, x * 1e3, x / 1e3] {
                    let mut fast = String::new();
                    if !write_short_decimal(x, &mut fast) {
                        continue;
                    }
                    n += 1;
                    let mut buf = ryu::Buffer::new();
                    let mut general = String::new();
                    write_java_floating(
                        x < 0.0,
                        true,
                        buf.format_finite(x.abs()),
                        || format!("{:.1e}", x.abs()),
                        &mut general,
                    );
                    assert_eq!(fast, general, "{x:e}");
                }
            }
        }
        assert!(n > 10_000);
    }

    #[test]
    fn float_to_string() {
        let mut s = String::new();
        write_java_float(0.1f32 + 0.2f32, &mut s);
        assert_eq!(s, "0.3");
        s.clear();
        write_java_float(1e10f32, &mut s);
        assert_eq!(s, "1.0E10");
    }
}
