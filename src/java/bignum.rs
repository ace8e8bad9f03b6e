//! A small arbitrary-precision integer and decimal, enough for
//! `java.math.BigInteger` / `BigDecimal` as Velocity's arithmetic uses them.
//! Schoolbook algorithms; sizes are capped (an `ArithmeticException` beyond
//! about 300,000 bits) so no template can exhaust memory or time.

use std::cmp::Ordering;

/// Largest magnitude, in 32-bit limbs.
const MAX_LIMBS: usize = 10_000;

/// A signed integer of any size: sign and little-endian magnitude (no high zero limbs).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct BigInt {
    neg: bool,
    mag: Vec<u32>,
}

/// A number too large for the limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge;

fn trim(v: &mut Vec<u32>) {
    while v.last() == Some(&0) {
        v.pop();
    }
}

fn cmp_mag(a: &[u32], b: &[u32]) -> Ordering {
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    for i in (0..a.len()).rev() {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
    }
    Ordering::Equal
}

fn add_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut out = Vec::with_capacity(a.len() + 1);
    let mut carry = 0u64;
    for (i, x) in a.iter().enumerate() {
        let s = *x as u64 + *b.get(i).unwrap_or(&0) as u64 + carry;
        out.push(s as u32);
        carry = s >> 32;
    }
    if carry > 0 {
        out.push(carry as u32);
    }
    out
}

/// `a - b` for `a >= b`.
fn sub_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i64;
    for (i, x) in a.iter().enumerate() {
        let mut d = *x as i64 - *b.get(i).unwrap_or(&0) as i64 - borrow;
        if d < 0 {
            d += 1 << 32;
            borrow = 1;
        } else {
            borrow = 0;
        }
        out.push(d as u32);
    }
    trim(&mut out);
    out
}

fn mul_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let t = out[i + j] as u64 + x as u64 * y as u64 + carry;
            out[i + j] = t as u32;
            carry = t >> 32;
        }
        let mut k = i + b.len();
        while carry > 0 && k < out.len() {
            let t = out[k] as u64 + carry;
            out[k] = t as u32;
            carry = t >> 32;
            k += 1;
        }
    }
    trim(&mut out);
    out
}

/// Divides a magnitude by a small number in place; returns the remainder.
fn divrem_small(a: &mut Vec<u32>, d: u32) -> u32 {
    let mut rem = 0u64;
    for i in (0..a.len()).rev() {
        let cur = (rem << 32) | a[i] as u64;
        a[i] = (cur / d as u64) as u32;
        rem = cur % d as u64;
    }
    trim(a);
    rem as u32
}

fn bit_len(a: &[u32]) -> usize {
    match a.last() {
        Some(&top) => (a.len() - 1) * 32 + (32 - top.leading_zeros() as usize),
        None => 0,
    }
}

/// Long division of magnitudes: (quotient, remainder). `b` must not be zero.
fn divrem_mag(a: &[u32], b: &[u32]) -> (Vec<u32>, Vec<u32>) {
    if cmp_mag(a, b) == Ordering::Less {
        return (Vec::new(), a.to_vec());
    }
    if b.len() == 1 {
        let mut q = a.to_vec();
        let r = divrem_small(&mut q, b[0]);
        let r = if r == 0 { Vec::new() } else { vec![r] };
        return (q, r);
    }
    let n = bit_len(a);
    let mut q = vec![0u32; a.len()];
    let mut r: Vec<u32> = Vec::with_capacity(b.len() + 1);
    for i in (0..n).rev() {
        // r = r << 1 | bit i of a
        let mut carry = (a[i / 32] >> (i % 32)) & 1;
        for limb in r.iter_mut() {
            let next = *limb >> 31;
            *limb = (*limb << 1) | carry;
            carry = next;
        }
        if carry != 0 {
            r.push(carry);
        }
        if cmp_mag(&r, b) != Ordering::Less {
            r = sub_mag(&r, b);
            q[i / 32] |= 1 << (i % 32);
        }
    }
    trim(&mut q);
    trim(&mut r);
    (q, r)
}

impl BigInt {
    pub fn zero() -> BigInt {
        BigInt::default()
    }

    pub fn from_i64(v: i64) -> BigInt {
        BigInt::from_i128(v as i128)
    }

    pub fn from_i128(v: i128) -> BigInt {
        let neg = v < 0;
        let mut m = v.unsigned_abs();
        let mut mag = Vec::new();
        while m > 0 {
            mag.push(m as u32);
            m >>= 32;
        }
        BigInt { neg, mag }
    }

    fn from_mag(neg: bool, mag: Vec<u32>) -> Result<BigInt, TooLarge> {
        if mag.len() > MAX_LIMBS {
            return Err(TooLarge);
        }
        let neg = neg && !mag.is_empty();
        Ok(BigInt { neg, mag })
    }

    pub fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }

    pub fn is_negative(&self) -> bool {
        self.neg
    }

    pub fn signum(&self) -> i32 {
        if self.mag.is_empty() {
            0
        } else if self.neg {
            -1
        } else {
            1
        }
    }

    /// Parses `[+-]digits` (decimal).
    pub fn parse(s: &str) -> Option<BigInt> {
        let (neg, digits) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if digits.len() > MAX_LIMBS * 9 {
            return None;
        }
        let mut mag: Vec<u32> = Vec::new();
        for chunk in digits.as_bytes().chunks(9) {
            let mut v = 0u32;
            for b in chunk {
                v = v * 10 + (b - b'0') as u32;
            }
            let mul = 10u32.pow(chunk.len() as u32);
            // mag = mag * mul + v
            let mut carry = v as u64;
            for limb in mag.iter_mut() {
                let t = *limb as u64 * mul as u64 + carry;
                *limb = t as u32;
                carry = t >> 32;
            }
            if carry > 0 {
                mag.push(carry as u32);
            }
        }
        trim(&mut mag);
        Some(BigInt {
            neg: neg && !mag.is_empty(),
            mag,
        })
    }

    /// The decimal digits of the magnitude.
    pub fn mag_string(&self) -> String {
        if self.mag.is_empty() {
            return "0".to_string();
        }
        let mut m = self.mag.clone();
        let mut chunks = Vec::new();
        while !m.is_empty() {
            chunks.push(divrem_small(&mut m, 1_000_000_000));
        }
        let mut s = String::new();
        for (i, c) in chunks.iter().rev().enumerate() {
            if i == 0 {
                s.push_str(&c.to_string());
            } else {
                s.push_str(&format!("{c:09}"));
            }
        }
        s
    }

    pub fn add(&self, o: &BigInt) -> Result<BigInt, TooLarge> {
        if self.neg == o.neg {
            return BigInt::from_mag(self.neg, add_mag(&self.mag, &o.mag));
        }
        match cmp_mag(&self.mag, &o.mag) {
            Ordering::Equal => Ok(BigInt::zero()),
            Ordering::Greater => BigInt::from_mag(self.neg, sub_mag(&self.mag, &o.mag)),
            Ordering::Less => BigInt::from_mag(o.neg, sub_mag(&o.mag, &self.mag)),
        }
    }

    pub fn neg(&self) -> BigInt {
        BigInt {
            neg: !self.neg && !self.mag.is_empty(),
            mag: self.mag.clone(),
        }
    }

    pub fn abs(&self) -> BigInt {
        BigInt {
            neg: false,
            mag: self.mag.clone(),
        }
    }

    pub fn sub(&self, o: &BigInt) -> Result<BigInt, TooLarge> {
        self.add(&o.neg())
    }

    pub fn mul(&self, o: &BigInt) -> Result<BigInt, TooLarge> {
        if self.mag.len() + o.mag.len() > MAX_LIMBS + 1 {
            return Err(TooLarge);
        }
        BigInt::from_mag(self.neg != o.neg, mul_mag(&self.mag, &o.mag))
    }

    /// Truncating division and remainder (Java's `divide`/`remainder`); `None` for /0.
    pub fn divrem(&self, o: &BigInt) -> Option<(BigInt, BigInt)> {
        if o.is_zero() {
            return None;
        }
        let (q, r) = divrem_mag(&self.mag, &o.mag);
        Some((
            BigInt {
                neg: self.neg != o.neg && !q.is_empty(),
                mag: q,
            },
            BigInt {
                neg: self.neg && !r.is_empty(),
                mag: r,
            },
        ))
    }

    pub fn pow10(n: u32) -> Result<BigInt, TooLarge> {
        if n as usize > MAX_LIMBS * 9 {
            return Err(TooLarge);
        }
        let mut mag = vec![1u32];
        for _ in 0..n / 9 {
            mag = mul_mag(&mag, &[1_000_000_000]);
        }
        mag = mul_mag(&mag, &[10u32.pow(n % 9)]);
        Ok(BigInt { neg: false, mag })
    }

    pub fn compare(&self, o: &BigInt) -> Ordering {
        match (self.neg, o.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => cmp_mag(&self.mag, &o.mag),
            (true, true) => cmp_mag(&o.mag, &self.mag),
        }
    }

    /// Java's `longValue()`: the low 64 bits, two's complement.
    pub fn to_i64_wrapping(&self) -> i64 {
        let lo =
            *self.mag.first().unwrap_or(&0) as u64 | (*self.mag.get(1).unwrap_or(&0) as u64) << 32;
        let v = lo as i64;
        if self.neg { v.wrapping_neg() } else { v }
    }

    /// The value, if it fits an `i64`.
    pub fn to_i64(&self) -> Option<i64> {
        if self.mag.len() > 2 {
            return None;
        }
        let lo =
            *self.mag.first().unwrap_or(&0) as u64 | (*self.mag.get(1).unwrap_or(&0) as u64) << 32;
        if self.neg {
            if lo <= 1u64 << 63 {
                Some((lo as i64).wrapping_neg())
            } else {
                None
            }
        } else {
            i64::try_from(lo).ok()
        }
    }

    /// Java's `BigInteger.hashCode()`.
    pub fn java_hash(&self) -> i32 {
        let mut h: i32 = 0;
        for limb in self.mag.iter().rev() {
            h = h.wrapping_mul(31).wrapping_add(*limb as i32);
        }
        h.wrapping_mul(self.signum())
    }

    /// The number of decimal digits of the magnitude.
    pub fn digits(&self) -> usize {
        self.mag_string().len()
    }
}

impl std::fmt::Display for BigInt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.neg {
            f.write_str("-")?;
        }
        f.write_str(&self.mag_string())
    }
}

/// A `java.math.BigDecimal`: unscaled value and scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BigDec {
    pub unscaled: BigInt,
    pub scale: i32,
}

impl BigDec {
    /// Parses Java's `BigDecimal(String)` syntax: `[+-]digits[.digits][e[+-]digits]`.
    pub fn parse(s: &str) -> Option<BigDec> {
        let (mant, exp) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i64>().ok()?),
            None => (s, 0),
        };
        let (neg, mant) = match mant.as_bytes().first()? {
            b'-' => (true, &mant[1..]),
            b'+' => (false, &mant[1..]),
            _ => (false, mant),
        };
        let (int, frac) = match mant.find('.') {
            Some(i) => (&mant[..i], &mant[i + 1..]),
            None => (mant, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let digits = format!("{int}{frac}");
        let mut u = BigInt::parse(&digits)?;
        if neg {
            u = u.neg();
        }
        let scale = frac.len() as i64 - exp;
        let scale = i32::try_from(scale).ok()?;
        Some(BigDec { unscaled: u, scale })
    }

    pub fn from_bigint(b: BigInt) -> BigDec {
        BigDec {
            unscaled: b,
            scale: 0,
        }
    }

    /// `new BigDecimal(double)`: the exact binary value. `None` for NaN/infinity.
    pub fn from_f64(d: f64) -> Option<BigDec> {
        if !d.is_finite() {
            return None;
        }
        if d == 0.0 {
            return Some(BigDec {
                unscaled: BigInt::zero(),
                scale: 0,
            });
        }
        let bits = d.to_bits();
        let neg = bits >> 63 != 0;
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let mut sig = bits & ((1 << 52) - 1);
        let mut e = if exp == 0 {
            -1074
        } else {
            sig |= 1 << 52;
            exp - 1075
        };
        while sig & 1 == 0 {
            sig >>= 1;
            e += 1;
        }
        let s = BigInt::from_i64(sig as i64);
        let (u, scale) = if e >= 0 {
            let mut v = s;
            for _ in 0..e {
                v = v.mul(&BigInt::from_i64(2)).ok()?;
            }
            (v, 0)
        } else {
            // sig * 2^e = sig * 5^-e / 10^-e
            let mut v = s;
            let five = BigInt::from_i64(5);
            for _ in 0..-e {
                v = v.mul(&five).ok()?;
            }
            (v, -e)
        };
        Some(BigDec {
            unscaled: if neg { u.neg() } else { u },
            scale,
        })
    }

    fn rescaled(&self, scale: i32) -> Result<BigInt, TooLarge> {
        // scale >= self.scale
        let diff = (scale as i64 - self.scale as i64) as u32;
        self.unscaled.mul(&BigInt::pow10(diff)?)
    }

    pub fn add(&self, o: &BigDec) -> Result<BigDec, TooLarge> {
        let s = self.scale.max(o.scale);
        Ok(BigDec {
            unscaled: self.rescaled(s)?.add(&o.rescaled(s)?)?,
            scale: s,
        })
    }

    pub fn sub(&self, o: &BigDec) -> Result<BigDec, TooLarge> {
        let s = self.scale.max(o.scale);
        Ok(BigDec {
            unscaled: self.rescaled(s)?.sub(&o.rescaled(s)?)?,
            scale: s,
        })
    }

    pub fn mul(&self, o: &BigDec) -> Result<BigDec, TooLarge> {
        let scale = self.scale.checked_add(o.scale).ok_or(TooLarge)?;
        Ok(BigDec {
            unscaled: self.unscaled.mul(&o.unscaled)?,
            scale,
        })
    }

    /// `this.divide(o, RoundingMode.HALF_DOWN)` (scale of `this`); `None` for /0.
    pub fn div_half_down(&self, o: &BigDec) -> Result<Option<BigDec>, TooLarge> {
        if o.unscaled.is_zero() {
            return Ok(None);
        }
        let sb = o.scale as i64;
        let (num, den) = if sb >= 0 {
            (
                self.unscaled.mul(&BigInt::pow10(sb as u32)?)?,
                o.unscaled.clone(),
            )
        } else {
            (
                self.unscaled.clone(),
                o.unscaled.mul(&BigInt::pow10((-sb) as u32)?)?,
            )
        };
        let Some((q, r)) = num.divrem(&den) else {
            return Ok(None);
        };
        let twice = r.abs().mul(&BigInt::from_i64(2))?;
        let q = if cmp_mag(&twice.mag, &den.mag) == Ordering::Greater {
            // Round away from zero.
            let one = BigInt::from_i64(if num.is_negative() != den.is_negative() {
                -1
            } else {
                1
            });
            q.add(&one)?
        } else {
            q
        };
        Ok(Some(BigDec {
            unscaled: q,
            scale: self.scale,
        }))
    }

    pub fn compare(&self, o: &BigDec) -> Result<Ordering, TooLarge> {
        let s = self.scale.max(o.scale);
        Ok(self.rescaled(s)?.compare(&o.rescaled(s)?))
    }

    pub fn is_zero(&self) -> bool {
        self.unscaled.is_zero()
    }

    /// `BigDecimal.toString()`.
    pub fn to_java_string(&self) -> String {
        let coeff = self.unscaled.mag_string();
        let mut out = String::new();
        if self.unscaled.is_negative() {
            out.push('-');
        }
        if self.scale == 0 {
            out.push_str(&coeff);
            return out;
        }
        let adjusted = -(self.scale as i64) + (coeff.len() as i64 - 1);
        if self.scale > 0 && adjusted >= -6 {
            let pad = self.scale as i64 - coeff.len() as i64;
            if pad >= 0 {
                out.push_str("0.");
                for _ in 0..pad {
                    out.push('0');
                }
                out.push_str(&coeff);
            } else {
                let split = (-pad) as usize;
                out.push_str(&coeff[..split]);
                out.push('.');
                out.push_str(&coeff[split..]);
            }
        } else {
            out.push_str(&coeff[..1]);
            if coeff.len() > 1 {
                out.push('.');
                out.push_str(&coeff[1..]);
            }
            out.push('E');
            if adjusted >= 0 {
                out.push('+');
            }
            out.push_str(&adjusted.to_string());
        }
        out
    }

    /// `doubleValue()` (correctly rounded).
    pub fn to_f64(&self) -> f64 {
        format!("{}e{}", self.unscaled, -(self.scale as i64))
            .parse()
            .unwrap_or(0.0)
    }

    /// Java's `BigDecimal.hashCode()`.
    pub fn java_hash(&self) -> i32 {
        31i32
            .wrapping_mul(self.unscaled.java_hash())
            .wrapping_add(self.scale)
    }

    /// `toBigInteger()` (truncates).
    pub fn to_bigint(&self) -> Result<BigInt, TooLarge> {
        if self.scale <= 0 {
            return self
                .unscaled
                .mul(&BigInt::pow10((-(self.scale as i64)) as u32)?);
        }
        let p = BigInt::pow10(self.scale as u32)?;
        Ok(self.unscaled.divrem(&p).map(|(q, _)| q).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigint_roundtrip_and_ops() {
        let a = BigInt::parse("123456789012345678901234567890").unwrap();
        let b = BigInt::parse("-987654321098765432109876543210").unwrap();
        assert_eq!(a.to_string(), "123456789012345678901234567890");
        // Expectations from java.math.BigInteger (jshell).
        assert_eq!(
            a.add(&b).unwrap().to_string(),
            "-864197532086419753208641975320"
        );
        assert_eq!(
            a.sub(&b).unwrap().to_string(),
            "1111111110111111111011111111100"
        );
        assert_eq!(
            a.mul(&b).unwrap().to_string(),
            "-121932631137021795226185032733622923332237463801111263526900"
        );
        let (q, r) = b.divrem(&a).unwrap();
        assert_eq!(
            (q.to_string(), r.to_string()),
            ("-8".to_string(), "-9000000000900000000090".to_string())
        );
        assert_eq!(a.java_hash(), 1915528825);
        assert_eq!(
            BigInt::parse("9223372036854775808")
                .unwrap()
                .to_i64_wrapping(),
            i64::MIN
        );
    }

    #[test]
    fn bigdecimal_strings() {
        // new BigDecimal(s).toString() in Java.
        for (s, want) in [
            ("1.23", "1.23"),
            ("1E+3", "1E+3"),
            ("1e400", "1E+400"),
            ("0.0000001", "1E-7"),
            ("0.000001", "0.000001"),
            ("-12.500", "-12.500"),
            ("123e-2", "1.23"),
        ] {
            assert_eq!(BigDec::parse(s).unwrap().to_java_string(), want, "{s}");
        }
        assert_eq!(
            BigDec::from_f64(0.1).unwrap().to_java_string(),
            "0.1000000000000000055511151231257827021181583404541015625"
        );
        assert_eq!(BigDec::from_f64(100.0).unwrap().to_java_string(), "100");
        let a = BigDec::parse("10").unwrap();
        let b = BigDec::parse("3").unwrap();
        assert_eq!(a.div_half_down(&b).unwrap().unwrap().to_java_string(), "3");
        let a = BigDec::parse("10.00").unwrap();
        assert_eq!(
            a.div_half_down(&b).unwrap().unwrap().to_java_string(),
            "3.33"
        );
        let a = BigDec::parse("0.25").unwrap();
        let two = BigDec::parse("2").unwrap();
        // 0.125 rounded HALF_DOWN at scale 2.
        assert_eq!(
            a.div_half_down(&two).unwrap().unwrap().to_java_string(),
            "0.12"
        );
    }
}
