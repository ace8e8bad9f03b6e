//! `java.util.Formatter` (`String.format`) for the common conversions:
//! `%s %S %b %B %h %H %c %C %d %o %x %X %e %E %f %g %G %% %n`, with argument
//! indexes (`%2$s`, `%<s`), flags `-#+ 0,(`, width and precision, in the
//! default locale (en: `,` groups digits, `.` is the decimal point).
//!
//! Doubles are rounded HALF_UP from their shortest decimal representation, as
//! Java does. Not supported (an error naming the conversion): `%a` and the
//! date/time conversions `%t`/`%T`.

use super::bignum::{BigDec, BigInt};
use super::methods::java_hash;
use super::{JavaException, ex};
use crate::value::print::java_string;
use crate::value::{Heap, Value};

const UNKNOWN_CONVERSION: &str = "java.util.UnknownFormatConversionException";
const MISSING_ARGUMENT: &str = "java.util.MissingFormatArgumentException";
const CONVERSION_MISMATCH: &str = "java.util.IllegalFormatConversionException";
const FLAGS_MISMATCH: &str = "java.util.FormatFlagsConversionMismatchException";
const MISSING_WIDTH: &str = "java.util.MissingFormatWidthException";
const ILLEGAL_PRECISION: &str = "java.util.IllegalFormatPrecisionException";
const ILLEGAL_FLAGS: &str = "java.util.IllegalFormatFlagsException";
const DUPLICATE_FLAG: &str = "java.util.DuplicateFormatFlagsException";

#[derive(Default, Clone, Copy)]
struct Flags {
    left: bool,
    alt: bool,
    plus: bool,
    space: bool,
    zero: bool,
    group: bool,
    paren: bool,
}

/// `String.format(fmt, args)`; `args == None` is a null array.
pub(crate) fn format(
    heap: &Heap,
    fmt: &str,
    args: Option<&[Value]>,
) -> Result<String, JavaException> {
    let mut out = String::new();
    let b = fmt.as_bytes();
    let mut i = 0usize;
    let mut ordinary = 0usize; // next ordinary argument index
    let mut last: Option<usize> = None;
    let mut lit = 0usize;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        out.push_str(&fmt[lit..i]);
        let spec_start = i;
        i += 1;
        // argument index or width: digits followed by '$'
        let mut index: Option<usize> = None;
        let mut relative = false;
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j < b.len() && b[j] == b'$' && j > i {
            index = fmt[i..j].parse::<usize>().ok().filter(|n| *n > 0);
            if index.is_none() {
                return Err(JavaException::new(
                    "java.util.IllegalFormatArgumentIndexException",
                    format!("Illegal format argument index = {}", &fmt[i..j]),
                ));
            }
            i = j + 1;
        }
        // flags
        let mut flags = Flags::default();
        let flag_start = i;
        while i < b.len() {
            let f = match b[i] {
                b'-' => &mut flags.left,
                b'#' => &mut flags.alt,
                b'+' => &mut flags.plus,
                b' ' => &mut flags.space,
                b'0' => &mut flags.zero,
                b',' => &mut flags.group,
                b'(' => &mut flags.paren,
                b'<' => {
                    relative = true;
                    i += 1;
                    continue;
                }
                _ => break,
            };
            if *f {
                return Err(JavaException::new(
                    DUPLICATE_FLAG,
                    format!("Flags = '{}'", b[i] as char),
                ));
            }
            *f = true;
            i += 1;
        }
        let flag_text = &fmt[flag_start..i];
        // width
        let ws = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let width: Option<usize> = if i > ws {
            Some(fmt[ws..i].parse::<usize>().map_err(|_| {
                JavaException::new(
                    "java.util.IllegalFormatWidthException",
                    fmt[ws..i].to_string(),
                )
            })?)
        } else {
            None
        };
        // precision
        let mut precision: Option<usize> = None;
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let ps = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == ps {
                return Err(JavaException::new(UNKNOWN_CONVERSION, "Conversion = '.'"));
            }
            precision = fmt[ps..i].parse::<usize>().ok();
        }
        let Some(&conv) = b.get(i) else {
            return Err(JavaException::new(UNKNOWN_CONVERSION, "Conversion = '%'"));
        };
        let conv_char = fmt[i..].chars().next().unwrap_or('%');
        i += conv_char.len_utf8();
        lit = i;
        let spec = &fmt[spec_start..i];
        if width.is_some_and(|w| w > 1 << 20) || precision.is_some_and(|p| p > 1 << 20) {
            return Err(JavaException::new(ex::OUT_OF_MEMORY, "Java heap space"));
        }
        // Conversions without arguments.
        match conv {
            b'%' => {
                if precision.is_some() {
                    return Err(JavaException::new(
                        ILLEGAL_PRECISION,
                        precision.unwrap_or(0).to_string(),
                    ));
                }
                if flags.left && width.is_none() {
                    return Err(JavaException::new(MISSING_WIDTH, spec.to_string()));
                }
                pad(&mut out, "%", width, flags.left);
                continue;
            }
            b'n' => {
                if width.is_some() || precision.is_some() || !flag_text.is_empty() {
                    return Err(JavaException::new(
                        ILLEGAL_FLAGS,
                        format!("Flags = '{flag_text}'"),
                    ));
                }
                out.push('\n');
                continue;
            }
            _ => {}
        }
        if !matches!(
            conv,
            b'b' | b'B'
                | b'h'
                | b'H'
                | b's'
                | b'S'
                | b'c'
                | b'C'
                | b'd'
                | b'o'
                | b'x'
                | b'X'
                | b'e'
                | b'E'
                | b'f'
                | b'g'
                | b'G'
        ) {
            if matches!(conv, b'a' | b'A' | b't' | b'T') {
                return Err(JavaException::new(
                    UNKNOWN_CONVERSION,
                    format!("Conversion = '{conv_char}' is not supported by this implementation"),
                ));
            }
            return Err(JavaException::new(
                UNKNOWN_CONVERSION,
                format!("Conversion = '{conv_char}'"),
            ));
        }
        if flags.left && width.is_none() || flags.zero && width.is_none() {
            return Err(JavaException::new(MISSING_WIDTH, spec.to_string()));
        }
        if flags.left && flags.zero || flags.plus && flags.space {
            return Err(JavaException::new(
                ILLEGAL_FLAGS,
                format!("Flags = '{flag_text}'"),
            ));
        }
        // The argument.
        let arg_i = if relative {
            match last {
                Some(l) => l,
                None => {
                    return Err(JavaException::new(
                        MISSING_ARGUMENT,
                        format!("Format specifier '{spec}'"),
                    ));
                }
            }
        } else if let Some(n) = index {
            n - 1
        } else {
            ordinary += 1;
            ordinary - 1
        };
        last = Some(arg_i);
        let arg = match args {
            None => Value::Null,
            Some(a) => match a.get(arg_i) {
                Some(v) => *v,
                None => {
                    return Err(JavaException::new(
                        MISSING_ARGUMENT,
                        format!("Format specifier '{spec}'"),
                    ));
                }
            },
        };
        let upper = conv.is_ascii_uppercase();
        let text = match conv.to_ascii_lowercase() {
            b'b' | b'h' | b's' => {
                if flags.alt
                    || flags.plus
                    || flags.space
                    || flags.zero
                    || flags.group
                    || flags.paren
                {
                    return Err(JavaException::new(
                        FLAGS_MISMATCH,
                        format!("Conversion = {conv_char}, Flags = {flag_text}"),
                    ));
                }
                let mut t = match conv.to_ascii_lowercase() {
                    b'b' => match arg {
                        Value::Null => "false".to_string(),
                        Value::Bool(x) => x.to_string(),
                        _ => "true".to_string(),
                    },
                    b'h' => match arg {
                        Value::Null => "null".to_string(),
                        v => format!("{:x}", java_hash(heap, v) as u32),
                    },
                    _ => java_string(heap, arg)
                        .map_err(|_| JavaException::new(ex::STACK_OVERFLOW, ""))?,
                };
                if let Some(p) = precision
                    && let Some((k, _)) = t.char_indices().nth(p)
                {
                    t.truncate(k);
                }
                t
            }
            b'c' => {
                if precision.is_some() {
                    return Err(JavaException::new(
                        ILLEGAL_PRECISION,
                        precision.unwrap_or(0).to_string(),
                    ));
                }
                match arg {
                    Value::Null => "null".to_string(),
                    Value::Char(u) => char::from_u32(u as u32).unwrap_or('\u{FFFD}').to_string(),
                    Value::Int(cp) => match u32::try_from(cp).ok().and_then(char::from_u32) {
                        Some(c) => c.to_string(),
                        None => {
                            return Err(JavaException::new(
                                "java.util.IllegalFormatCodePointException",
                                format!("Code point = 0x{:x}", cp),
                            ));
                        }
                    },
                    v => return Err(mismatch(heap, conv_char, v)),
                }
            }
            b'd' => {
                if precision.is_some() {
                    return Err(JavaException::new(
                        ILLEGAL_PRECISION,
                        precision.unwrap_or(0).to_string(),
                    ));
                }
                let n = match arg {
                    Value::Null => {
                        pad(
                            &mut out,
                            if upper { "NULL" } else { "null" },
                            width,
                            flags.left,
                        );
                        continue;
                    }
                    Value::Int(x) => BigInt::from_i64(x as i64),
                    Value::Long(x) => BigInt::from_i64(x),
                    Value::BigInt(id) => BigInt::parse(heap.big(id)).unwrap_or_default(),
                    v => return Err(mismatch(heap, conv_char, v)),
                };
                let digits = n.mag_string();
                let digits = if flags.group { group(&digits) } else { digits };
                signed(&digits, n.is_negative(), flags, width)
            }
            b'o' | b'x' => {
                if precision.is_some() {
                    return Err(JavaException::new(
                        ILLEGAL_PRECISION,
                        precision.unwrap_or(0).to_string(),
                    ));
                }
                let hex = conv.eq_ignore_ascii_case(&b'x');
                let (digits, neg, big) = match arg {
                    Value::Null => {
                        pad(
                            &mut out,
                            if upper { "NULL" } else { "null" },
                            width,
                            flags.left,
                        );
                        continue;
                    }
                    Value::Int(x) => (radix_u64(x as u32 as u64, hex), false, false),
                    Value::Long(x) => (radix_u64(x as u64, hex), false, false),
                    Value::BigInt(id) => {
                        let n = BigInt::parse(heap.big(id)).unwrap_or_default();
                        (radix_big(&n, hex), n.is_negative(), true)
                    }
                    v => return Err(mismatch(heap, conv_char, v)),
                };
                if flags.group || (!big && (flags.plus || flags.space || flags.paren)) {
                    return Err(JavaException::new(
                        FLAGS_MISMATCH,
                        format!("Conversion = {conv_char}, Flags = {flag_text}"),
                    ));
                }
                let prefix = if flags.alt {
                    if hex { "0x" } else { "0" }
                } else {
                    ""
                };
                let body = format!("{prefix}{digits}");
                if big {
                    signed(&body, neg, flags, width)
                } else if flags.zero {
                    let w = width.unwrap_or(0);
                    let zeros = w.saturating_sub(body.len());
                    format!("{prefix}{}{digits}", "0".repeat(zeros))
                } else {
                    body
                }
            }
            _ => {
                // e, f, g
                let kind = conv.to_ascii_lowercase();
                let (neg, dec) = match arg {
                    Value::Null => {
                        pad(
                            &mut out,
                            if upper { "NULL" } else { "null" },
                            width,
                            flags.left,
                        );
                        continue;
                    }
                    Value::Double(d) => match float_digits(d) {
                        Ok(x) => x,
                        Err(t) => {
                            let t = special(d, t, flags);
                            pad(
                                &mut out,
                                &if upper { t.to_uppercase() } else { t },
                                width,
                                flags.left,
                            );
                            continue;
                        }
                    },
                    Value::Float(f) => match float_digits_f32(f) {
                        Ok(x) => x,
                        Err(t) => {
                            let t = special(f as f64, t, flags);
                            pad(
                                &mut out,
                                &if upper { t.to_uppercase() } else { t },
                                width,
                                flags.left,
                            );
                            continue;
                        }
                    },
                    Value::BigDec(id) => {
                        let d = BigDec::parse(heap.big(id)).unwrap_or(BigDec {
                            unscaled: BigInt::zero(),
                            scale: 0,
                        });
                        let digits = d.unscaled.mag_string();
                        let exp = digits.len() as i64 - d.scale as i64; // value = 0.digits * 10^exp
                        (
                            d.unscaled.is_negative(),
                            Decimal {
                                digits: digits.into_bytes(),
                                exp,
                            },
                        )
                    }
                    v => return Err(mismatch(heap, conv_char, v)),
                };
                if kind == b'e' && flags.group {
                    return Err(JavaException::new(
                        FLAGS_MISMATCH,
                        format!("Conversion = {conv_char}, Flags = {flag_text}"),
                    ));
                }
                let body = match kind {
                    b'f' => fixed(&dec, precision.unwrap_or(6), flags.group),
                    b'e' => sci(&dec, precision.unwrap_or(6)),
                    _ => general(&dec, precision.unwrap_or(6), flags.group),
                };
                signed(&body, neg, flags, width)
            }
        };
        let text = if upper { text.to_uppercase() } else { text };
        pad(&mut out, &text, width, flags.left);
        if out.len() > super::string::MAX_STRING_BYTES {
            return Err(JavaException::new(ex::OUT_OF_MEMORY, "Java heap space"));
        }
    }
    out.push_str(&fmt[lit..]);
    Ok(out)
}

fn mismatch(heap: &Heap, conv: char, v: Value) -> JavaException {
    let class = v.class(heap).map_or("null", |c| c.name());
    JavaException::new(CONVERSION_MISMATCH, format!("{conv} != {class}"))
}

fn pad(out: &mut String, text: &str, width: Option<usize>, left: bool) {
    let n = text.chars().count();
    let w = width.unwrap_or(0);
    if left {
        out.push_str(text);
    }
    for _ in n..w {
        out.push(' ');
    }
    if !left {
        out.push_str(text);
    }
}

/// Sign, parentheses and zero padding around the digits of a number.
fn signed(digits: &str, neg: bool, flags: Flags, width: Option<usize>) -> String {
    let (pre, post) = if neg {
        if flags.paren { ("(", ")") } else { ("-", "") }
    } else if flags.plus {
        ("+", "")
    } else if flags.space {
        (" ", "")
    } else {
        ("", "")
    };
    let mut s = String::from(pre);
    if flags.zero {
        let w = width.unwrap_or(0);
        let used = pre.len() + post.len() + digits.chars().count();
        for _ in used..w {
            s.push('0');
        }
    }
    s.push_str(digits);
    s.push_str(post);
    s
}

fn group(int_digits: &str) -> String {
    let n = int_digits.len();
    let mut s = String::with_capacity(n + n / 3);
    for (i, c) in int_digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(c);
    }
    s
}

fn radix_u64(v: u64, hex: bool) -> String {
    if hex {
        format!("{v:x}")
    } else {
        format!("{v:o}")
    }
}

fn radix_big(n: &BigInt, hex: bool) -> String {
    // Magnitude in base 16/8 by repeated division.
    let radix = if hex { 16 } else { 8 };
    let mut m = n.abs();
    if m.is_zero() {
        return "0".to_string();
    }
    let r = BigInt::from_i64(radix);
    let mut digits = Vec::new();
    while !m.is_zero() {
        let Some((q, rem)) = m.divrem(&r) else { break };
        let d = rem.to_i64().unwrap_or(0) as u32;
        digits.push(char::from_digit(d, radix as u32).unwrap_or('0'));
        m = q;
    }
    digits.iter().rev().collect()
}

fn special(d: f64, t: &'static str, flags: Flags) -> String {
    if d.is_nan() {
        return t.to_string();
    }
    if d < 0.0 {
        if flags.paren {
            "(Infinity)".to_string()
        } else {
            "-Infinity".to_string()
        }
    } else if flags.plus {
        "+Infinity".to_string()
    } else if flags.space {
        " Infinity".to_string()
    } else {
        "Infinity".to_string()
    }
}

/// A non-negative decimal `0.d1d2d3... × 10^exp`.
struct Decimal {
    digits: Vec<u8>,
    exp: i64,
}

fn from_sci(sci: &str) -> Decimal {
    let (mant, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    Decimal {
        digits,
        exp: exp + 1,
    }
}

fn float_digits(d: f64) -> Result<(bool, Decimal), &'static str> {
    if d.is_nan() {
        return Err("NaN");
    }
    if d.is_infinite() {
        return Err("Infinity");
    }
    let neg = d.is_sign_negative();
    if d == 0.0 {
        return Ok((
            neg,
            Decimal {
                digits: vec![b'0'],
                exp: 1,
            },
        ));
    }
    Ok((neg, from_sci(&format!("{:e}", d.abs()))))
}

fn float_digits_f32(f: f32) -> Result<(bool, Decimal), &'static str> {
    if f.is_nan() {
        return Err("NaN");
    }
    if f.is_infinite() {
        return Err("Infinity");
    }
    let neg = f.is_sign_negative();
    if f == 0.0 {
        return Ok((
            neg,
            Decimal {
                digits: vec![b'0'],
                exp: 1,
            },
        ));
    }
    Ok((neg, from_sci(&format!("{:e}", f.abs()))))
}

/// Rounds HALF_UP to keep `keep` digits (counted from the first digit);
/// returns digits (possibly with a carry making one more) and the new exponent.
fn round_digits(d: &Decimal, keep: i64) -> Decimal {
    let mut digits = d.digits.clone();
    while digits.len() > 1 && digits.first() == Some(&b'0') {
        digits.remove(0);
    }
    let mut exp = d.exp;
    if d.digits.iter().all(|c| *c == b'0') {
        return Decimal {
            digits: vec![b'0'],
            exp: 1,
        };
    }
    // Leading zeros removed above shift the exponent.
    exp -= (d.digits.len() - digits.len()) as i64;
    if keep < 0 {
        return Decimal {
            digits: vec![b'0'],
            exp: 1,
        };
    }
    let keep = keep as usize;
    if digits.len() <= keep {
        return Decimal { digits, exp };
    }
    let round_up = digits[keep] >= b'5';
    digits.truncate(keep);
    if round_up {
        let mut k = keep;
        loop {
            if k == 0 {
                digits.insert(0, b'1');
                exp += 1;
                break;
            }
            k -= 1;
            if digits[k] == b'9' {
                digits[k] = b'0';
            } else {
                digits[k] += 1;
                break;
            }
        }
    }
    if digits.is_empty() {
        digits.push(b'0');
        exp = 1;
    }
    Decimal { digits, exp }
}

/// `%.{prec}f`.
fn fixed(d: &Decimal, prec: usize, grouping: bool) -> String {
    let keep = d.exp + prec as i64;
    let r = if keep < 0 {
        Decimal {
            digits: vec![b'0'],
            exp: 1,
        }
    } else if keep == 0 {
        // Only the rounding digit matters: 0.5 or more rounds up to one unit.
        match d.digits.first() {
            Some(c) if *c >= b'5' => Decimal {
                digits: vec![b'1'],
                exp: 1 - prec as i64,
            },
            _ => Decimal {
                digits: vec![b'0'],
                exp: 1,
            },
        }
    } else {
        round_digits(d, keep)
    };
    // Lay out digits with exponent r.exp.
    let mut int = String::new();
    let mut frac = String::new();
    let n = r.digits.len() as i64;
    if r.exp <= 0 {
        int.push('0');
        for _ in 0..(-r.exp).min(prec as i64) {
            frac.push('0');
        }
        for c in &r.digits {
            frac.push(*c as char);
        }
    } else {
        for k in 0..r.exp {
            int.push(if k < n {
                r.digits[k as usize] as char
            } else {
                '0'
            });
        }
        for k in r.exp..n {
            frac.push(r.digits[k as usize] as char);
        }
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() {
        "0".to_string()
    } else {
        int.to_string()
    };
    while frac.len() < prec {
        frac.push('0');
    }
    frac.truncate(prec);
    let int = if grouping { group(&int) } else { int };
    if prec == 0 {
        int
    } else {
        format!("{int}.{frac}")
    }
}

/// `%.{prec}e`.
fn sci(d: &Decimal, prec: usize) -> String {
    let r = round_digits(d, prec as i64 + 1);
    let zero = r.digits.iter().all(|c| *c == b'0');
    let exp = if zero { 0 } else { r.exp - 1 };
    let mut s = String::new();
    s.push(*r.digits.first().unwrap_or(&b'0') as char);
    if prec > 0 {
        s.push('.');
        for k in 1..=prec {
            s.push(*r.digits.get(k).unwrap_or(&b'0') as char);
        }
    }
    s.push('e');
    s.push(if exp < 0 { '-' } else { '+' });
    s.push_str(&format!("{:02}", exp.abs()));
    s
}

/// `%.{prec}g`.
fn general(d: &Decimal, prec: usize, grouping: bool) -> String {
    let prec = if prec == 0 { 1 } else { prec };
    let r = round_digits(d, prec as i64);
    let zero = r.digits.iter().all(|c| *c == b'0');
    // value = 0.digits × 10^exp; magnitude m in [10^(exp-1), 10^exp)
    let e = if zero { 0 } else { r.exp - 1 };
    if zero || (-4..prec as i64).contains(&e) {
        let fprec = (prec as i64 - 1 - e).max(0) as usize;
        fixed(d, fprec, grouping)
    } else {
        sci(d, prec - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(fmt: &str, args: &[Value]) -> String {
        let heap = Heap::new("", "");
        format(&heap, fmt, Some(args)).unwrap_or_else(|e| format!("ERR:{}", e.class))
    }

    /// Expectations from OpenJDK 17 `String.format`.
    #[test]
    fn formatter_table() {
        let table: &[(&str, &[Value], &str)] = &[
            ("%05d", &[Value::Int(42)], "00042"),
            ("%d", &[Value::Int(-42)], "-42"),
            ("%,d", &[Value::Int(1234567)], "1,234,567"),
            ("%+d", &[Value::Int(5)], "+5"),
            ("%(d", &[Value::Int(-5)], "(5)"),
            ("%x", &[Value::Int(255)], "ff"),
            ("%X", &[Value::Int(-1)], "FFFFFFFF"),
            ("%#x", &[Value::Int(255)], "0xff"),
            ("%o", &[Value::Int(8)], "10"),
            ("%08.3f", &[Value::Double(2.56789)], "0002.568"),
            ("%.2f", &[Value::Double(0.125)], "0.13"),
            ("%.1f", &[Value::Double(0.15)], "0.2"),
            ("%.0f", &[Value::Double(2.5)], "3"),
            ("%f", &[Value::Double(1.0)], "1.000000"),
            ("%.3e", &[Value::Double(12345.678)], "1.235e+04"),
            ("%e", &[Value::Double(0.0)], "0.000000e+00"),
            ("%g", &[Value::Double(12345.678)], "12345.7"),
            ("%g", &[Value::Double(0.00001234)], "1.23400e-05"),
            ("%s-%s", &[Value::Int(1), Value::Bool(true)], "1-true"),
            ("%5s|%-5s|", &[Value::Int(1), Value::Int(2)], "    1|2    |"),
            ("%.2s", &[Value::Bool(false)], "fa"),
            ("%S", &[Value::Bool(true)], "TRUE"),
            ("%b %b", &[Value::Null, Value::Int(0)], "false true"),
            ("%c", &[Value::Int(65)], "A"),
            ("%%%n", &[], "%\n"),
            ("%2$s %1$s %<s", &[Value::Int(1), Value::Int(2)], "2 1 1"),
            (
                "%d",
                &[Value::Double(1.5)],
                "ERR:java.util.IllegalFormatConversionException",
            ),
            (
                "%f",
                &[Value::Int(1)],
                "ERR:java.util.IllegalFormatConversionException",
            ),
            (
                "%s %s",
                &[Value::Int(1)],
                "ERR:java.util.MissingFormatArgumentException",
            ),
            (
                "%q",
                &[Value::Int(1)],
                "ERR:java.util.UnknownFormatConversionException",
            ),
            (
                "%-d",
                &[Value::Int(1)],
                "ERR:java.util.MissingFormatWidthException",
            ),
            ("%,.2f", &[Value::Double(1234567.891)], "1,234,567.89"),
            ("%.3f", &[Value::Double(-0.0005)], "-0.001"),
            ("%10.4f|", &[Value::Double(f64::NAN)], "       NaN|"),
            ("%.2f", &[Value::Double(99.995)], "100.00"),
            ("%.2f", &[Value::Double(1e-10)], "0.00"),
            ("%.15f", &[Value::Double(0.1)], "0.100000000000000"),
            ("%.0f", &[Value::Double(0.5)], "1"),
            ("%.0f", &[Value::Double(0.4)], "0"),
            ("%.1f", &[Value::Double(0.05)], "0.1"),
            ("%.2f", &[Value::Double(0.005)], "0.01"),
            ("%g", &[Value::Double(0.0)], "0.00000"),
            ("%.3g", &[Value::Double(1e-5)], "1.00e-05"),
            ("%g", &[Value::Double(100000.0)], "100000"),
            ("%g", &[Value::Double(1000000.0)], "1.00000e+06"),
            ("%.0e", &[Value::Double(15.0)], "2e+01"),
        ];
        for (fmt, args, want) in table {
            assert_eq!(f(fmt, args), *want, "{fmt}");
        }
    }
}
