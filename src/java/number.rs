//! Velocity 1.7's arithmetic (`MathUtils`) and the methods of `Integer`,
//! `Long`, `Double`, `Float`, `BigInteger` and `BigDecimal`.
//!
//! `BigInteger`/`BigDecimal` are exact ([`super::bignum`]) up to about 300,000
//! bits; beyond, an `ArithmeticException`. Velocity never makes `Byte` or
//! `Short`, so the `typesBySize` widening reduces to Integer → Long → BigInteger.

use super::bignum::{BigDec, BigInt, TooLarge};
use super::methods::{Call, arg_f64, arg_i32, arg_i64, class_cast, string_arg};
use super::{JavaException, ex};
use crate::value::{Heap, Value};
use std::cmp::Ordering;

fn too_large(_: TooLarge) -> JavaException {
    JavaException::new(ex::ARITHMETIC, "BigInteger would overflow supported range")
}

/// A number operand as `MathUtils` sees it.
enum Num {
    Int(i32),
    Long(i64),
    Float(f32),
    Double(f64),
    BigInt(BigInt),
    BigDec(BigDec),
}

fn num(heap: &Heap, v: Value) -> Option<Num> {
    Some(match v {
        Value::Int(i) => Num::Int(i),
        Value::Long(l) => Num::Long(l),
        Value::Float(f) => Num::Float(f),
        Value::Double(d) => Num::Double(d),
        Value::BigInt(id) => Num::BigInt(BigInt::parse(heap.big(id)).unwrap_or_default()),
        Value::BigDec(id) => Num::BigDec(BigDec::parse(heap.big(id)).unwrap_or(BigDec {
            unscaled: BigInt::zero(),
            scale: 0,
        })),
        _ => return None,
    })
}

impl Num {
    fn is_integer(&self) -> bool {
        matches!(self, Num::Int(_) | Num::Long(_) | Num::BigInt(_))
    }

    fn long_value(&self) -> i64 {
        match self {
            Num::Int(i) => *i as i64,
            Num::Long(l) => *l,
            Num::Float(f) => *f as i64,
            Num::Double(d) => *d as i64,
            Num::BigInt(b) => b.to_i64_wrapping(),
            Num::BigDec(d) => d.to_bigint().map(|b| b.to_i64_wrapping()).unwrap_or(0),
        }
    }

    fn double_value(&self) -> f64 {
        match self {
            Num::Int(i) => *i as f64,
            Num::Long(l) => *l as f64,
            Num::Float(f) => *f as f64,
            Num::Double(d) => *d,
            Num::BigInt(b) => b.to_string().parse().unwrap_or(0.0),
            Num::BigDec(d) => d.to_f64(),
        }
    }

    fn float_value(&self) -> f32 {
        match self {
            Num::Int(i) => *i as f32,
            Num::Long(l) => *l as f32,
            Num::Float(f) => *f,
            Num::Double(d) => *d as f32,
            Num::BigInt(b) => b.to_string().parse().unwrap_or(0.0),
            Num::BigDec(d) => d.to_f64() as f32,
        }
    }

    fn to_bigint(&self) -> BigInt {
        match self {
            Num::BigInt(b) => b.clone(),
            other => BigInt::from_i64(other.long_value()),
        }
    }

    fn to_bigdec(&self) -> Result<BigDec, JavaException> {
        match self {
            Num::BigDec(d) => Ok(d.clone()),
            Num::BigInt(b) => Ok(BigDec::from_bigint(b.clone())),
            other => BigDec::from_f64(other.double_value())
                .ok_or_else(|| JavaException::new(ex::NUMBER_FORMAT, "Infinite or NaN")),
        }
    }

    fn is_zero(&self) -> bool {
        match self {
            Num::Int(i) => *i == 0,
            Num::Long(l) => *l == 0,
            Num::Float(f) => *f == 0.0,
            Num::Double(d) => *d == 0.0,
            Num::BigInt(b) => b.is_zero(),
            Num::BigDec(d) => d.is_zero(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Base {
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
}

fn base(a: &Num, b: &Num) -> Base {
    let (ai, bi) = (a.is_integer(), b.is_integer());
    let big_int = matches!(a, Num::BigInt(_)) || matches!(b, Num::BigInt(_));
    if matches!(a, Num::BigDec(_)) || matches!(b, Num::BigDec(_)) || ((!ai || !bi) && big_int) {
        return Base::BigDecimal;
    }
    if ai && bi {
        return if big_int {
            Base::BigInteger
        } else {
            Base::Long
        };
    }
    if matches!(a, Num::Double(_)) || matches!(b, Num::Double(_)) {
        Base::Double
    } else {
        Base::Float
    }
}

/// `wrapPrimitive(value, op1, op2)`: Integer when both are Integers and it
/// fits, else Long.
fn wrap(value: i64, a: &Num, b: &Num) -> Value {
    let both_int = matches!(a, Num::Int(_)) && matches!(b, Num::Int(_));
    if both_int && let Ok(i) = i32::try_from(value) {
        return Value::Int(i);
    }
    Value::Long(value)
}

fn big_int_value(heap: &mut Heap, b: &BigInt) -> Value {
    Value::BigInt(heap.alloc_big(&b.to_string()))
}

fn big_dec_value(heap: &mut Heap, d: &BigDec) -> Value {
    Value::BigDec(heap.alloc_big(&d.to_java_string()))
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

fn arith(heap: &mut Heap, a: Value, b: Value, op: Op) -> Result<Option<Value>, JavaException> {
    let (Some(x), Some(y)) = (num(heap, a), num(heap, b)) else {
        return Ok(None);
    };
    if matches!(op, Op::Div | Op::Mod) && y.is_zero() {
        // ASTDivNode / ASTModNode: a zero divisor gives null.
        return Ok(None);
    }
    let v = match base(&x, &y) {
        Base::BigInteger => {
            let (p, q) = (x.to_bigint(), y.to_bigint());
            let r = match op {
                Op::Add => p.add(&q).map_err(too_large)?,
                Op::Sub => p.sub(&q).map_err(too_large)?,
                Op::Mul => p.mul(&q).map_err(too_large)?,
                Op::Div => p.divrem(&q).map(|(d, _)| d).unwrap_or_default(),
                Op::Mod => {
                    // BigInteger.mod: the divisor must be positive; the result is non-negative.
                    if q.is_negative() {
                        return Err(JavaException::new(
                            ex::ARITHMETIC,
                            "BigInteger: modulus not positive",
                        ));
                    }
                    let r = p.divrem(&q).map(|(_, r)| r).unwrap_or_default();
                    if r.is_negative() {
                        r.add(&q).map_err(too_large)?
                    } else {
                        r
                    }
                }
            };
            big_int_value(heap, &r)
        }
        Base::Long => {
            let (l1, l2) = (x.long_value(), y.long_value());
            let r = match op {
                Op::Add => l1.checked_add(l2),
                Op::Sub => l1.checked_sub(l2),
                Op::Mul => l1.checked_mul(l2),
                Op::Div => Some(l1.wrapping_div(l2)),
                Op::Mod => Some(l1.wrapping_rem(l2)),
            };
            match r {
                Some(r) => wrap(r, &x, &y),
                None => {
                    let (p, q) = (BigInt::from_i64(l1), BigInt::from_i64(l2));
                    let r = match op {
                        Op::Add => p.add(&q),
                        Op::Sub => p.sub(&q),
                        _ => p.mul(&q),
                    }
                    .map_err(too_large)?;
                    big_int_value(heap, &r)
                }
            }
        }
        Base::Float => {
            let (f1, f2) = (x.float_value(), y.float_value());
            Value::Float(match op {
                Op::Add => f1 + f2,
                Op::Sub => f1 - f2,
                Op::Mul => f1 * f2,
                Op::Div => f1 / f2,
                Op::Mod => f1 % f2,
            })
        }
        Base::Double => {
            let (d1, d2) = (x.double_value(), y.double_value());
            Value::Double(match op {
                Op::Add => d1 + d2,
                Op::Sub => d1 - d2,
                Op::Mul => d1 * d2,
                Op::Div => d1 / d2,
                Op::Mod => d1 % d2,
            })
        }
        Base::BigDecimal => {
            let (p, q) = (x.to_bigdec()?, y.to_bigdec()?);
            let r = match op {
                Op::Add => p.add(&q).map_err(too_large)?,
                Op::Sub => p.sub(&q).map_err(too_large)?,
                Op::Mul => p.mul(&q).map_err(too_large)?,
                Op::Div => match p.div_half_down(&q).map_err(too_large)? {
                    Some(r) => r,
                    None => return Ok(None),
                },
                Op::Mod => {
                    return Err(JavaException::new(
                        ex::ARITHMETIC,
                        "Cannot calculate the modulo of BigDecimals.",
                    ));
                }
            };
            big_dec_value(heap, &r)
        }
    };
    Ok(Some(v))
}

/// `a + b` for two numbers (`MathUtils.add`); `Ok(None)` when either is not a number.
pub fn add(heap: &mut Heap, a: Value, b: Value) -> Result<Option<Value>, JavaException> {
    arith(heap, a, b, Op::Add)
}

/// `a - b` (`MathUtils.subtract`).
pub fn subtract(heap: &mut Heap, a: Value, b: Value) -> Result<Option<Value>, JavaException> {
    arith(heap, a, b, Op::Sub)
}

/// `a * b` (`MathUtils.multiply`).
pub fn multiply(heap: &mut Heap, a: Value, b: Value) -> Result<Option<Value>, JavaException> {
    arith(heap, a, b, Op::Mul)
}

/// `a / b` (`ASTDivNode`: `Ok(None)` for a zero divisor, else `MathUtils.divide`).
pub fn divide(heap: &mut Heap, a: Value, b: Value) -> Result<Option<Value>, JavaException> {
    arith(heap, a, b, Op::Div)
}

/// `a % b` (`ASTModNode`: `Ok(None)` for a zero divisor; BigDecimals throw).
pub fn modulo(heap: &mut Heap, a: Value, b: Value) -> Result<Option<Value>, JavaException> {
    arith(heap, a, b, Op::Mod)
}

/// `MathUtils.compare` for `<`, `>`, `==`, ... between two numbers
/// (`Ok(None)` when either is not a number). NaN compares equal to
/// everything, as in Velocity. A BigDecimal against NaN or infinity throws.
pub fn compare(heap: &Heap, a: Value, b: Value) -> Result<Option<Ordering>, JavaException> {
    // The usual operands, without building `Num`s (W2: 220 -> ~20 instructions).
    let ordered = |x: f64, y: f64| {
        Some(if x < y {
            Ordering::Less
        } else if x > y {
            Ordering::Greater
        } else {
            Ordering::Equal
        })
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => return Ok(Some(x.cmp(&y))),
        (Value::Double(x), Value::Double(y)) => return Ok(ordered(x, y)),
        (Value::Double(x), Value::Int(y)) => return Ok(ordered(x, f64::from(y))),
        (Value::Int(x), Value::Double(y)) => return Ok(ordered(f64::from(x), y)),
        _ => {}
    }
    let (Some(x), Some(y)) = (num(heap, a), num(heap, b)) else {
        return Ok(None);
    };
    let o = match base(&x, &y) {
        Base::BigInteger => x.to_bigint().compare(&y.to_bigint()),
        Base::Long => x.long_value().cmp(&y.long_value()),
        Base::Float => {
            let (f1, f2) = (x.float_value(), y.float_value());
            if f1 < f2 {
                Ordering::Less
            } else if f1 > f2 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        Base::Double => {
            let (d1, d2) = (x.double_value(), y.double_value());
            if d1 < d2 {
                Ordering::Less
            } else if d1 > d2 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        Base::BigDecimal => x.to_bigdec()?.compare(&y.to_bigdec()?).map_err(too_large)?,
    };
    Ok(Some(o))
}

/// `Double.compare`.
pub fn double_compare(a: f64, b: f64) -> Ordering {
    if a < b {
        return Ordering::Less;
    }
    if a > b {
        return Ordering::Greater;
    }
    let (x, y) = (canonical_bits(a) as i64, canonical_bits(b) as i64);
    x.cmp(&y)
}

fn canonical_bits(d: f64) -> u64 {
    if d.is_nan() {
        0x7ff8_0000_0000_0000
    } else {
        d.to_bits()
    }
}

pub(crate) fn big_integer_hash(text: &str) -> i32 {
    BigInt::parse(text).map_or(0, |b| b.java_hash())
}

pub(crate) fn big_decimal_hash(text: &str) -> i32 {
    BigDec::parse(text).map_or(0, |d| d.java_hash())
}

// ---------------------------------------------------------------------------
// Parsing as Integer.parseInt / Long.parseLong / Double.parseDouble

fn nfe(s: &str, radix: i32) -> JavaException {
    if radix == 10 {
        JavaException::new(ex::NUMBER_FORMAT, format!("For input string: \"{s}\""))
    } else {
        JavaException::new(
            ex::NUMBER_FORMAT,
            format!("For input string: \"{s}\" under radix {radix}"),
        )
    }
}

/// `Long.parseLong(s, radix)` restricted to `[min, max]` (`Integer.parseInt` too).
fn parse_integer(s: Option<&str>, radix: i32, min: i64, max: i64) -> Result<i64, JavaException> {
    let Some(s) = s else {
        return Err(JavaException::new(
            ex::NUMBER_FORMAT,
            "Cannot parse null string: null",
        ));
    };
    if !(2..=36).contains(&radix) {
        return Err(JavaException::new(
            ex::NUMBER_FORMAT,
            format!(
                "radix {radix} {} Character.MIN_RADIX",
                if radix < 2 {
                    "less than"
                } else {
                    "greater than"
                }
            ),
        ));
    }
    let (neg, digits) = match s.chars().next() {
        Some('-') => (true, &s[1..]),
        Some('+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(nfe(s, radix));
    }
    let mut v: i128 = 0;
    for c in digits.chars() {
        let Some(d) = c.to_digit(radix as u32) else {
            return Err(nfe(s, radix));
        };
        v = v * radix as i128 + d as i128;
        if v > (max as i128) + 1 {
            return Err(nfe(s, radix));
        }
    }
    let v = if neg { -v } else { v };
    if v < min as i128 || v > max as i128 {
        return Err(nfe(s, radix));
    }
    Ok(v as i64)
}

/// `Double.parseDouble(s)` (decimal syntax, `NaN`, `Infinity`, `f`/`d` suffixes).
pub(crate) fn parse_double(s: Option<&str>) -> Result<f64, JavaException> {
    let Some(s) = s else {
        return Err(JavaException::new(ex::NULL_POINTER, ""));
    };
    let t = s.trim_matches(|c: char| c <= ' ');
    let bad = || JavaException::new(ex::NUMBER_FORMAT, format!("For input string: \"{t}\""));
    if t.is_empty() {
        return Err(JavaException::new(ex::NUMBER_FORMAT, "empty String"));
    }
    let (neg, body) = match t.as_bytes()[0] {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let v = match body {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        _ => {
            let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
            let (mant, exp) = match body.find(['e', 'E']) {
                Some(i) => (&body[..i], Some(&body[i + 1..])),
                None => (body, None),
            };
            let digits = mant.bytes().filter(u8::is_ascii_digit).count();
            let dots = mant.bytes().filter(|b| *b == b'.').count();
            if digits == 0 || dots > 1 || digits + dots != mant.len() {
                return Err(bad());
            }
            if let Some(e) = exp {
                let e = e.strip_prefix(['+', '-']).unwrap_or(e);
                if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
            }
            body.parse::<f64>().map_err(|_| bad())?
        }
    };
    Ok(if neg { -v } else { v })
}

fn to_radix_string(mut v: i128, radix: u32) -> String {
    if v == 0 {
        return "0".into();
    }
    let neg = v < 0;
    let mut digits = Vec::new();
    while v != 0 {
        let d = (v % radix as i128).unsigned_abs() as u32;
        digits.push(char::from_digit(d, radix).unwrap_or('0'));
        v /= radix as i128;
    }
    if neg {
        digits.push('-');
    }
    digits.iter().rev().collect()
}

fn unsigned_string(v: u64, shift: u32) -> String {
    let radix = 1u64 << shift;
    to_radix_string(v as i128, radix as u32)
}

// ---------------------------------------------------------------------------
// Methods

/// Calls a method of a number (already resolved to `sig`).
pub(crate) fn call(
    heap: &mut Heap,
    recv: Value,
    sig: &str,
    args: &[Value],
) -> Result<Call, JavaException> {
    let a = |i: usize| args.get(i).copied().unwrap_or(Value::Null);
    let Some(n) = num(heap, recv) else {
        return Ok(Call::NotFound);
    };
    let v = match sig {
        "intValue()" | "shortValue()" | "byteValue()" => {
            let i = match &n {
                Num::Double(d) => *d as i32,
                Num::Float(f) => *f as i32,
                other => other.long_value() as i32,
            };
            Value::Int(match sig {
                "shortValue()" => i as i16 as i32,
                "byteValue()" => i as i8 as i32,
                _ => i,
            })
        }
        "longValue()" => Value::Long(n.long_value()),
        "doubleValue()" => Value::Double(n.double_value()),
        "floatValue()" => Value::Float(n.float_value()),
        "isNaN()" => Value::Bool(n.double_value().is_nan()),
        "isInfinite()" => Value::Bool(n.double_value().is_infinite()),
        "compareTo(Integer)"
        | "compareTo(Long)"
        | "compareTo(Double)"
        | "compareTo(Float)"
        | "compareTo(BigInteger)"
        | "compareTo(BigDecimal)"
        | "compareTo(Object)" => {
            let other = a(0);
            if other.is_null() {
                return Err(JavaException::new(ex::NULL_POINTER, ""));
            }
            let same = std::mem::discriminant(&recv) == std::mem::discriminant(&other);
            if !same {
                let target = recv.class(heap).map_or("", |c| c.name());
                return Err(class_cast(heap, other, target));
            }
            let o = match (recv, other) {
                (Value::Double(x), Value::Double(y)) => double_compare(x, y),
                (Value::Float(x), Value::Float(y)) => double_compare(x as f64, y as f64),
                _ => compare(heap, recv, other)?.unwrap_or(Ordering::Equal),
            };
            Value::Int(o as i32)
        }
        // Integer statics
        "parseInt(String)" | "valueOf(String)" if matches!(recv, Value::Int(_)) => Value::Int(
            parse_integer(string_arg(heap, a(0)), 10, i32::MIN as i64, i32::MAX as i64)? as i32,
        ),
        "parseInt(String,int)" | "valueOf(String,int)" => Value::Int(parse_integer(
            string_arg(heap, a(0)),
            arg_i32(a(1)),
            i32::MIN as i64,
            i32::MAX as i64,
        )? as i32),
        "parseLong(String)" | "valueOf(String)" if matches!(recv, Value::Long(_)) => Value::Long(
            parse_integer(string_arg(heap, a(0)), 10, i64::MIN, i64::MAX)?,
        ),
        "parseLong(String,int)" => Value::Long(parse_integer(
            string_arg(heap, a(0)),
            arg_i32(a(1)),
            i64::MIN,
            i64::MAX,
        )?),
        "parseDouble(String)" => Value::Double(parse_double(string_arg(heap, a(0)))?),
        "valueOf(String)" if matches!(recv, Value::Double(_)) => {
            Value::Double(parse_double(string_arg(heap, a(0)))?)
        }
        "parseFloat(String)" => Value::Float(parse_double(string_arg(heap, a(0)))? as f32),
        "valueOf(String)" if matches!(recv, Value::Float(_)) => {
            Value::Float(parse_double(string_arg(heap, a(0)))? as f32)
        }
        "valueOf(int)" => Value::Int(arg_i32(a(0))),
        "valueOf(long)" if matches!(recv, Value::Long(_)) => Value::Long(arg_i64(a(0))),
        "valueOf(double)" if matches!(recv, Value::Double(_)) => Value::Double(arg_f64(a(0))),
        "valueOf(float)" => Value::Float(arg_f64(a(0)) as f32),
        "toString(int)" => heap.string(&arg_i32(a(0)).to_string()),
        "toString(long)" => heap.string(&arg_i64(a(0)).to_string()),
        "toString(double)" => {
            let mut s = String::new();
            crate::value::print::write_java_double(arg_f64(a(0)), &mut s);
            heap.string(&s)
        }
        "toString(float)" => {
            let mut s = String::new();
            crate::value::print::write_java_float(arg_f64(a(0)) as f32, &mut s);
            heap.string(&s)
        }
        "toString(int,int)" | "toString(long,int)" => {
            let radix = arg_i32(a(1));
            let radix = if (2..=36).contains(&radix) {
                radix as u32
            } else {
                10
            };
            heap.string(&to_radix_string(arg_i64(a(0)) as i128, radix))
        }
        "toHexString(int)" => heap.string(&unsigned_string(arg_i32(a(0)) as u32 as u64, 4)),
        "toOctalString(int)" => heap.string(&unsigned_string(arg_i32(a(0)) as u32 as u64, 3)),
        "toBinaryString(int)" => heap.string(&unsigned_string(arg_i32(a(0)) as u32 as u64, 1)),
        "toHexString(long)" => heap.string(&unsigned_string(arg_i64(a(0)) as u64, 4)),
        "toOctalString(long)" => heap.string(&unsigned_string(arg_i64(a(0)) as u64, 3)),
        "toBinaryString(long)" => heap.string(&unsigned_string(arg_i64(a(0)) as u64, 1)),
        "max(int,int)" => Value::Int(arg_i32(a(0)).max(arg_i32(a(1)))),
        "min(int,int)" => Value::Int(arg_i32(a(0)).min(arg_i32(a(1)))),
        "sum(int,int)" => Value::Int(arg_i32(a(0)).wrapping_add(arg_i32(a(1)))),
        "compare(int,int)" => Value::Int(arg_i32(a(0)).cmp(&arg_i32(a(1))) as i32),
        "signum(int)" => Value::Int(arg_i32(a(0)).signum()),
        "hashCode(int)" => Value::Int(arg_i32(a(0))),
        "bitCount(int)" => Value::Int(arg_i32(a(0)).count_ones() as i32),
        "reverse(int)" => Value::Int(arg_i32(a(0)).reverse_bits()),
        "reverseBytes(int)" => Value::Int(arg_i32(a(0)).swap_bytes()),
        "highestOneBit(int)" => {
            let i = arg_i32(a(0)) as u32;
            Value::Int(if i == 0 {
                0
            } else {
                (1u32 << (31 - i.leading_zeros())) as i32
            })
        }
        "lowestOneBit(int)" => {
            let i = arg_i32(a(0));
            Value::Int(i & i.wrapping_neg())
        }
        "numberOfLeadingZeros(int)" => Value::Int(arg_i32(a(0)).leading_zeros() as i32),
        "numberOfTrailingZeros(int)" => Value::Int(arg_i32(a(0)).trailing_zeros() as i32),
        "rotateLeft(int,int)" => Value::Int(arg_i32(a(0)).rotate_left(arg_i32(a(1)) as u32 & 31)),
        "rotateRight(int,int)" => Value::Int(arg_i32(a(0)).rotate_right(arg_i32(a(1)) as u32 & 31)),
        "bitCount(long)" => Value::Int(arg_i64(a(0)).count_ones() as i32),
        "reverse(long)" => Value::Long(arg_i64(a(0)).reverse_bits()),
        "reverseBytes(long)" => Value::Long(arg_i64(a(0)).swap_bytes()),
        "highestOneBit(long)" => {
            let i = arg_i64(a(0)) as u64;
            Value::Long(if i == 0 {
                0
            } else {
                (1u64 << (63 - i.leading_zeros())) as i64
            })
        }
        "lowestOneBit(long)" => {
            let i = arg_i64(a(0));
            Value::Long(i & i.wrapping_neg())
        }
        "numberOfLeadingZeros(long)" => Value::Int(arg_i64(a(0)).leading_zeros() as i32),
        "numberOfTrailingZeros(long)" => Value::Int(arg_i64(a(0)).trailing_zeros() as i32),
        "rotateLeft(long,int)" => Value::Long(arg_i64(a(0)).rotate_left(arg_i32(a(1)) as u32 & 63)),
        "rotateRight(long,int)" => {
            Value::Long(arg_i64(a(0)).rotate_right(arg_i32(a(1)) as u32 & 63))
        }
        "max(long,long)" => Value::Long(arg_i64(a(0)).max(arg_i64(a(1)))),
        "min(long,long)" => Value::Long(arg_i64(a(0)).min(arg_i64(a(1)))),
        "sum(long,long)" => Value::Long(arg_i64(a(0)).wrapping_add(arg_i64(a(1)))),
        "compare(long,long)" => Value::Int(arg_i64(a(0)).cmp(&arg_i64(a(1))) as i32),
        "signum(long)" => Value::Int(arg_i64(a(0)).signum() as i32),
        "hashCode(long)" => {
            let l = arg_i64(a(0));
            Value::Int((l ^ ((l as u64) >> 32) as i64) as i32)
        }
        "max(double,double)" => Value::Double(java_max(arg_f64(a(0)), arg_f64(a(1)))),
        "min(double,double)" => Value::Double(java_min(arg_f64(a(0)), arg_f64(a(1)))),
        "sum(double,double)" => Value::Double(arg_f64(a(0)) + arg_f64(a(1))),
        "compare(double,double)" => Value::Int(double_compare(arg_f64(a(0)), arg_f64(a(1))) as i32),
        "isNaN(double)" => Value::Bool(arg_f64(a(0)).is_nan()),
        "isInfinite(double)" => Value::Bool(arg_f64(a(0)).is_infinite()),
        "isFinite(double)" => Value::Bool(arg_f64(a(0)).is_finite()),
        "doubleToLongBits(double)" => Value::Long(canonical_bits(arg_f64(a(0))) as i64),
        "doubleToRawLongBits(double)" => Value::Long(arg_f64(a(0)).to_bits() as i64),
        "longBitsToDouble(long)" => Value::Double(f64::from_bits(arg_i64(a(0)) as u64)),
        "hashCode(double)" => {
            let bits = canonical_bits(arg_f64(a(0)));
            Value::Int((bits ^ (bits >> 32)) as i32)
        }
        "decode(String)" => {
            let s = string_arg(heap, a(0)).map(str::to_string);
            let is_long = matches!(recv, Value::Long(_));
            let (min, max) = if is_long {
                (i64::MIN, i64::MAX)
            } else {
                (i32::MIN as i64, i32::MAX as i64)
            };
            let v = decode(s.as_deref(), min, max)?;
            if is_long {
                Value::Long(v)
            } else {
                Value::Int(v as i32)
            }
        }
        _ => match (&n, sig) {
            (Num::BigInt(b), _) => return call_big_integer(heap, b, sig, args),
            (Num::BigDec(d), _) => return call_big_decimal(heap, d, sig, args),
            _ => return Ok(Call::NotFound),
        },
    };
    Ok(Call::Value(v))
}

fn java_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_positive() { a } else { b }
    } else {
        a.max(b)
    }
}

fn java_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == 0.0 && b == 0.0 {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}

/// `Integer.decode` / `Long.decode`.
fn decode(s: Option<&str>, min: i64, max: i64) -> Result<i64, JavaException> {
    let Some(s) = s else {
        return Err(JavaException::new(ex::NULL_POINTER, ""));
    };
    if s.is_empty() {
        return Err(JavaException::new(ex::NUMBER_FORMAT, "Zero length string"));
    }
    let (neg, rest) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(r) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, r)
        } else if let Some(r) = rest.strip_prefix('#') {
            (16, r)
        } else if rest.len() > 1 && rest.starts_with('0') {
            (8, &rest[1..])
        } else {
            (10, rest)
        };
    if digits.starts_with(['-', '+']) {
        return Err(JavaException::new(
            ex::NUMBER_FORMAT,
            "Sign character in wrong position",
        ));
    }
    let signed = if neg {
        format!("-{digits}")
    } else {
        digits.to_string()
    };
    parse_integer(Some(&signed), radix, min, max).map_err(|_| nfe(s, 10))
}

fn call_big_integer(
    heap: &mut Heap,
    b: &BigInt,
    sig: &str,
    args: &[Value],
) -> Result<Call, JavaException> {
    let a = |i: usize| args.get(i).copied().unwrap_or(Value::Null);
    let other = |heap: &Heap| -> Result<BigInt, JavaException> {
        match a(0) {
            Value::BigInt(id) => Ok(BigInt::parse(heap.big(id)).unwrap_or_default()),
            _ => Err(JavaException::new(ex::NULL_POINTER, "")),
        }
    };
    let v = match sig {
        "add(BigInteger)" => big_int_value(heap, &b.add(&other(heap)?).map_err(too_large)?),
        "subtract(BigInteger)" => big_int_value(heap, &b.sub(&other(heap)?).map_err(too_large)?),
        "multiply(BigInteger)" => big_int_value(heap, &b.mul(&other(heap)?).map_err(too_large)?),
        "divide(BigInteger)" | "remainder(BigInteger)" => {
            let o = other(heap)?;
            let Some((q, r)) = b.divrem(&o) else {
                return Err(JavaException::new(
                    ex::ARITHMETIC,
                    "BigInteger divide by zero",
                ));
            };
            big_int_value(heap, if sig.starts_with("divide") { &q } else { &r })
        }
        "negate()" => big_int_value(heap, &b.neg()),
        "abs()" => big_int_value(heap, &b.abs()),
        "signum()" => Value::Int(b.signum()),
        "toString(int)" if arg_i32(a(0)) == 10 => heap.string(&b.to_string()),
        "valueOf(long)" => big_int_value(heap, &BigInt::from_i64(arg_i64(a(0)))),
        "max(BigInteger)" | "min(BigInteger)" => {
            let o = other(heap)?;
            let pick_self = (b.compare(&o) == Ordering::Greater) == sig.starts_with("max");
            big_int_value(heap, if pick_self { b } else { &o })
        }
        "longValueExact()" => match b.to_i64() {
            Some(l) => Value::Long(l),
            None => {
                return Err(JavaException::new(
                    ex::ARITHMETIC,
                    "BigInteger out of long range",
                ));
            }
        },
        "intValueExact()" => match b.to_i64().and_then(|l| i32::try_from(l).ok()) {
            Some(i) => Value::Int(i),
            None => {
                return Err(JavaException::new(
                    ex::ARITHMETIC,
                    "BigInteger out of int range",
                ));
            }
        },
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

fn call_big_decimal(
    heap: &mut Heap,
    d: &BigDec,
    sig: &str,
    args: &[Value],
) -> Result<Call, JavaException> {
    let a = |i: usize| args.get(i).copied().unwrap_or(Value::Null);
    let other = |heap: &Heap| -> Result<BigDec, JavaException> {
        match a(0) {
            Value::BigDec(id) => {
                BigDec::parse(heap.big(id)).ok_or_else(|| JavaException::new(ex::NUMBER_FORMAT, ""))
            }
            _ => Err(JavaException::new(ex::NULL_POINTER, "")),
        }
    };
    let v = match sig {
        "add(BigDecimal)" => big_dec_value(heap, &d.add(&other(heap)?).map_err(too_large)?),
        "subtract(BigDecimal)" => big_dec_value(heap, &d.sub(&other(heap)?).map_err(too_large)?),
        "multiply(BigDecimal)" => big_dec_value(heap, &d.mul(&other(heap)?).map_err(too_large)?),
        "negate()" => big_dec_value(
            heap,
            &BigDec {
                unscaled: d.unscaled.neg(),
                scale: d.scale,
            },
        ),
        "abs()" => big_dec_value(
            heap,
            &BigDec {
                unscaled: d.unscaled.abs(),
                scale: d.scale,
            },
        ),
        "signum()" => Value::Int(d.unscaled.signum()),
        "scale()" => Value::Int(d.scale),
        "precision()" => Value::Int(d.unscaled.digits() as i32),
        "unscaledValue()" => big_int_value(heap, &d.unscaled),
        "toBigInteger()" => big_int_value(heap, &d.to_bigint().map_err(too_large)?),
        "toPlainString()" => {
            let s = plain_string(d);
            heap.string(&s)
        }
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

/// `BigDecimal.toPlainString()`.
fn plain_string(d: &BigDec) -> String {
    let coeff = d.unscaled.mag_string();
    let sign = if d.unscaled.is_negative() { "-" } else { "" };
    if d.scale <= 0 {
        let zeros = if d.unscaled.is_zero() {
            0
        } else {
            (-(d.scale as i64)) as usize
        };
        return format!("{sign}{coeff}{}", "0".repeat(zeros.min(1 << 20)));
    }
    let scale = d.scale as usize;
    if coeff.len() > scale {
        let (i, f) = coeff.split_at(coeff.len() - scale);
        format!("{sign}{i}.{f}")
    } else {
        format!("{sign}0.{}{coeff}", "0".repeat(scale - coeff.len()))
    }
}
