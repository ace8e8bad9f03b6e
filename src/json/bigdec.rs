//! `java.math.BigDecimal` as far as this crate needs it: `new BigDecimal(String)`
//! followed by `toString()` (json-smart stores long decimal numbers as
//! `BigDecimal`), and `compareTo` (Jayway compares numbers through
//! `new BigDecimal(x.toString())`).

use std::cmp::Ordering;

/// A decimal number as `new BigDecimal(String)` reads it: `±digits × 10^-scale`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub negative: bool,
    /// The unscaled digits with leading zeros removed (empty for zero).
    pub digits: String,
    /// Java's `scale()`: the number of digits after the point, minus the exponent.
    pub scale: i64,
}

/// `new BigDecimal(s)`: `None` where Java throws `NumberFormatException`.
/// Only ASCII digits are accepted (Java also takes other Unicode digits).
pub(crate) fn parse(s: &str) -> Option<Decimal> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut negative = false;
    match b.first() {
        Some(b'-') => {
            negative = true;
            i = 1;
        }
        Some(b'+') => i = 1,
        _ => {}
    }
    let mut digits = String::new();
    let mut any_digit = false;
    let mut frac_len: i64 = 0;
    let mut seen_point = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                any_digit = true;
                if seen_point {
                    frac_len += 1;
                }
                if !(digits.is_empty() && c == b'0') {
                    digits.push(c as char);
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if !any_digit {
        return None;
    }
    let mut exponent: i64 = 0;
    if let Some(&c) = b.get(i) {
        if c != b'e' && c != b'E' {
            return None;
        }
        i += 1;
        let mut exp_negative = false;
        match b.get(i) {
            Some(b'-') => {
                exp_negative = true;
                i += 1;
            }
            Some(b'+') => i += 1,
            _ => {}
        }
        let start = i;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                return None;
            }
            exponent = exponent.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
            if exponent > i64::from(i32::MAX) + 1 {
                // Java: "Exponent overflow."
                return None;
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        if exp_negative {
            exponent = -exponent;
        }
        if exponent > i64::from(i32::MAX) {
            return None;
        }
    }
    let scale = frac_len - exponent;
    if scale > i64::from(i32::MAX) || scale < i64::from(i32::MIN) {
        return None;
    }
    Some(Decimal {
        negative: negative && !digits.is_empty(),
        digits,
        scale,
    })
}

impl Decimal {
    /// `BigDecimal.toString()` (scientific notation when the exponent is small or the scale negative).
    pub(crate) fn to_java_string(&self) -> String {
        let coeff: &str = if self.digits.is_empty() {
            "0"
        } else {
            &self.digits
        };
        let mut out = String::with_capacity(coeff.len() + 8);
        if self.negative {
            out.push('-');
        }
        if self.scale == 0 {
            out.push_str(coeff);
            return out;
        }
        let adjusted = -self.scale + (coeff.len() as i64 - 1);
        if self.scale > 0 && adjusted >= -6 {
            let pad = self.scale - coeff.len() as i64;
            if pad >= 0 {
                out.push_str("0.");
                for _ in 0..pad {
                    out.push('0');
                }
                out.push_str(coeff);
            } else {
                let int_len = (-pad) as usize;
                out.push_str(&coeff[..int_len]);
                out.push('.');
                out.push_str(&coeff[int_len..]);
            }
        } else {
            out.push_str(&coeff[..1]);
            if coeff.len() > 1 {
                out.push('.');
                out.push_str(&coeff[1..]);
            }
            if adjusted != 0 {
                out.push('E');
                if adjusted > 0 {
                    out.push('+');
                }
                out.push_str(&adjusted.to_string());
            }
        }
        out
    }

    /// `BigDecimal.compareTo`: numeric order, ignoring the scale.
    pub(crate) fn compare(&self, other: &Decimal) -> Ordering {
        let sign = |d: &Decimal| -> i32 {
            if d.digits.is_empty() {
                0
            } else if d.negative {
                -1
            } else {
                1
            }
        };
        let (sa, sb) = (sign(self), sign(other));
        if sa != sb {
            return sa.cmp(&sb);
        }
        if sa == 0 {
            return Ordering::Equal;
        }
        let magnitude = self.compare_magnitude(other);
        if sa < 0 {
            magnitude.reverse()
        } else {
            magnitude
        }
    }

    fn compare_magnitude(&self, other: &Decimal) -> Ordering {
        // value = 0.d1d2... × 10^(len - scale): compare the exponents, then the digits.
        let ea = self.digits.len() as i64 - self.scale;
        let eb = other.digits.len() as i64 - other.scale;
        if ea != eb {
            return ea.cmp(&eb);
        }
        let a = self.digits.trim_end_matches('0');
        let b = other.digits.trim_end_matches('0');
        a.cmp(b)
    }
}

/// `new BigDecimal(text).toString()`; `None` where Java throws.
pub(crate) fn java_string(text: &str) -> Option<String> {
    parse(text).map(|d| d.to_java_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expectations from `new java.math.BigDecimal(s).toString()` (JDK 17, and json-smart
    /// results seen through the oracle's object model).
    #[test]
    fn to_string_table() {
        let table = [
            (
                "3.14159265358979323846264338327950288",
                "3.14159265358979323846264338327950288",
            ),
            ("12345678901234567.5", "12345678901234567.5"),
            ("-0.0000000000000000000", "0E-19"),
            ("1.00000000000000000e5", "100000.000000000000"),
            ("12345678901234567890e-10", "1234567890.1234567890"),
            ("2.2250738585072014E-308", "2.2250738585072014E-308"),
            ("1.234567890123456789", "1.234567890123456789"),
            ("1e5", "1E+5"),
            ("100", "100"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1E-7"),
            ("-1.5", "-1.5"),
            ("0", "0"),
            ("0.00", "0.00"),
            ("123.456e-2", "1.23456"),
            ("1E+0", "1"),
        ];
        for (input, want) in table {
            assert_eq!(java_string(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn rejects_what_java_rejects() {
        for s in [
            "",
            "-",
            "+",
            ".",
            "e5",
            "1e",
            "1e+",
            "abc",
            "1.2.3",
            " 1",
            "1 ",
            "NaN",
            "Infinity",
            "1e99999999999",
        ] {
            assert!(parse(s).is_none(), "{s:?}");
        }
        for s in ["+1", "1.", ".5", "-.5e-3", "00012"] {
            assert!(parse(s).is_some(), "{s:?}");
        }
    }

    #[test]
    fn compare_table() {
        let c = |a: &str, b: &str| parse(a).unwrap().compare(&parse(b).unwrap());
        assert_eq!(c("1", "1.0"), Ordering::Equal);
        assert_eq!(c("10", "9.99"), Ordering::Greater);
        assert_eq!(c("-10", "9.99"), Ordering::Less);
        assert_eq!(c("-10", "-9.99"), Ordering::Less);
        assert_eq!(c("0", "-0.0"), Ordering::Equal);
        assert_eq!(c("1E+3", "999"), Ordering::Greater);
        assert_eq!(c("0.001", "1E-3"), Ordering::Equal);
        assert_eq!(c("123", "1234"), Ordering::Less);
        assert_eq!(c("5", "10"), Ordering::Less);
    }
}
