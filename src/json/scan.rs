//! Finding the bytes that end a run of plain characters, 16 bytes at a time:
//! in a JSON string ([`specials`]) and in the text `$util.escapeJavaScript`
//! rewrites ([`js_specials`]).
//!
//! On x86-64 this is a few SSE2 compares and one `pmovmskb` per 16 bytes (about
//! 14 instructions); elsewhere a portable loop that the compiler may vectorize.

/// Bit `i` is set when byte `i` of `chunk` is `"`, `\`, a control character
/// (below U+0020), or with `DEL` the DEL character (U+007F). The mask is exact:
/// no bit is set for any other byte.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
pub fn specials<const DEL: bool>(chunk: &[u8; 16]) -> u32 {
    // SAFETY: `sse2_specials` is an ordinary safe function whose only
    // requirement is the `sse2` target feature, and the `cfg` on this function
    // compiles it only when `sse2` is enabled for the whole build (it is part of
    // the x86-64 baseline), so every CPU that runs this code has it.
    unsafe { sse2_specials::<DEL>(chunk) }
}

/// The quotes, the backslashes and the other special bytes (control
/// characters, and DEL with `DEL`) of `chunk`, as byte masks.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn sse2_classes<const DEL: bool>(
    chunk: &[u8; 16],
) -> (
    std::arch::x86_64::__m128i,
    std::arch::x86_64::__m128i,
    std::arch::x86_64::__m128i,
) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_max_epu8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    let (lo, hi) = chunk.split_at(8);
    let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or([0; 8])) as i64;
    // (The compiler turns the two halves into one unaligned 16-byte load.)
    let v = _mm_set_epi64x(word(hi), word(lo));
    let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
    let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
    // Unsigned `b <= 0x1F`: max(b, 0x1F) == 0x1F.
    let mut other = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
    if DEL {
        other = _mm_or_si128(other, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
    }
    (quote, backslash, other)
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn sse2_specials<const DEL: bool>(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{_mm_movemask_epi8, _mm_or_si128};
    let (quote, backslash, other) = sse2_classes::<DEL>(chunk);
    // The sign bit of each byte, as 16 bits.
    _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), other)) as u32 & 0xFFFF
}

/// [`specials`], with the masks of the backslashes and of the quotes apart:
/// `(all, backslashes, quotes)`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
pub fn specials_split<const DEL: bool>(chunk: &[u8; 16]) -> (u32, u32, u32) {
    // SAFETY: as for `specials`: the function's only requirement is `sse2`,
    // which the `cfg` guarantees for the whole build.
    unsafe { sse2_specials_split::<DEL>(chunk) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn sse2_specials_split<const DEL: bool>(chunk: &[u8; 16]) -> (u32, u32, u32) {
    use std::arch::x86_64::_mm_movemask_epi8;
    let (quote, backslash, other) = sse2_classes::<DEL>(chunk);
    let q = _mm_movemask_epi8(quote) as u32 & 0xFFFF;
    let b = _mm_movemask_epi8(backslash) as u32 & 0xFFFF;
    let o = _mm_movemask_epi8(other) as u32 & 0xFFFF;
    (q | b | o, b, q)
}

/// For each 8-bit mask of bytes to drop from 8 bytes: the positions of the
/// bytes kept, packed to the front (0x80, which `pshufb` reads as "zero",
/// after them).
#[cfg(target_arch = "x86_64")]
const KEEP_SHUFFLE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut m = 0;
    while m < 256 {
        let mut control = [0x80u8; 8];
        let (mut i, mut k) = (0, 0);
        while i < 8 {
            if m & (1 << i) == 0 {
                control[k] = i as u8;
                k += 1;
            }
            i += 1;
        }
        table[m] = u64::from_le_bytes(control);
        m += 1;
    }
    table
};

/// For each 8-bit mask of bytes to drop from 8 bytes: how many are kept
/// (`count_ones` without the `popcnt` instruction is a dozen instructions).
#[cfg(target_arch = "x86_64")]
const KEEP_COUNT: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut m = 0;
    while m < 256 {
        table[m] = 8 - (m as u8).count_ones() as u8;
        m += 1;
    }
    table
};

/// Proof that the running CPU has SSSE3 (`pshufb`): made only by
/// [`Ssse3::detect`], after std's runtime detection (which caches its
/// answer), and needed to call [`compact`].
#[derive(Clone, Copy, Debug)]
pub struct Ssse3(());

impl Ssse3 {
    /// The proof, when the CPU has SSSE3.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    pub fn detect() -> Option<Ssse3> {
        std::arch::is_x86_feature_detected!("ssse3").then_some(Ssse3(()))
    }

    /// Never on other architectures.
    #[cfg(not(target_arch = "x86_64"))]
    #[inline]
    pub fn detect() -> Option<Ssse3> {
        None
    }
}

/// Stores the bytes of `chunk` whose bits in `drop` (16 bits) are clear, in
/// order, at the start of `out`, and returns how many there are. All 16 bytes
/// of `out` are written (those past the count are left over).
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn compact(_proof: Ssse3, chunk: &[u8; 16], drop: u32, out: &mut [u8; 16]) -> usize {
    // SAFETY: `ssse3_compact` is an ordinary safe function whose only
    // requirement is the `ssse3` target feature, and an `Ssse3` exists only
    // when `Ssse3::detect` found it on the running CPU (std's runtime
    // detection).
    unsafe { ssse3_compact(chunk, drop, out) }
}

/// Never called: no [`Ssse3`] is ever made on other architectures.
#[cfg(not(target_arch = "x86_64"))]
pub fn compact(_proof: Ssse3, _chunk: &[u8; 16], _drop: u32, _out: &mut [u8; 16]) -> usize {
    unreachable!("no Ssse3 is made on this architecture")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
#[inline]
fn ssse3_compact(chunk: &[u8; 16], drop: u32, out: &mut [u8; 16]) -> usize {
    use std::arch::x86_64::{_mm_cvtsi128_si64, _mm_set_epi64x, _mm_shuffle_epi8, _mm_srli_si128};
    let (lo, hi) = chunk.split_at(8);
    let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or([0; 8])) as i64;
    let v = _mm_set_epi64x(word(hi), word(lo));
    let (drop_lo, drop_hi) = ((drop & 0xFF) as usize, ((drop >> 8) & 0xFF) as usize);
    // The high half's positions are 8 on (0x80 + 8 still reads as "zero").
    let control = _mm_set_epi64x(
        KEEP_SHUFFLE[drop_hi].wrapping_add(0x0808_0808_0808_0808) as i64,
        KEEP_SHUFFLE[drop_lo] as i64,
    );
    let packed = _mm_shuffle_epi8(v, control);
    let first = _mm_cvtsi128_si64(packed) as u64;
    let second = _mm_cvtsi128_si64(_mm_srli_si128::<8>(packed)) as u64;
    let kept_lo = usize::from(KEEP_COUNT[drop_lo]);
    let kept_hi = usize::from(KEEP_COUNT[drop_hi]);
    out[..8].copy_from_slice(&first.to_le_bytes());
    out[kept_lo..kept_lo + 8].copy_from_slice(&second.to_le_bytes());
    kept_lo + kept_hi
}

/// Bit `i` is set when byte `i` of `chunk` is one that `escapeJavaScript`
/// rewrites or that starts or continues a non-ASCII character: `'`, `"`, `\`,
/// `/`, a control character (below U+0020), or any byte from 0x80 on. The mask
/// is exact.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
pub fn js_specials(chunk: &[u8; 16]) -> u32 {
    let (lo, hi) = chunk.split_at(8);
    let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap_or([0; 8]));
    js_specials_words(word(lo), word(hi))
}

/// [`js_specials`] of the 16 bytes of `lo` and `hi` (little-endian, `lo`
/// first), for bytes gathered in registers: a chunk just written to memory
/// in two words and read back as one 16-byte load stalls the CPU (the load
/// cannot be forwarded from the two stores).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
pub fn js_specials_words(lo: u64, hi: u64) -> u32 {
    // SAFETY: as in `specials`: `sse2_js_specials` is a safe function whose
    // only requirement is the `sse2` target feature, and this function is
    // compiled only when `sse2` is enabled for the whole build.
    unsafe { sse2_js_specials(lo, hi) }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
#[inline]
fn sse2_js_specials(lo: u64, hi: u64) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x,
        _mm_set1_epi8,
    };
    let v = _mm_set_epi64x(hi as i64, lo as i64);
    let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
    let control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
    let m = _mm_or_si128(
        _mm_or_si128(eq(b'\''), eq(b'"')),
        _mm_or_si128(_mm_or_si128(eq(b'\\'), eq(b'/')), control),
    );
    // Bytes from 0x80 on have their sign bit set already.
    (_mm_movemask_epi8(m) | _mm_movemask_epi8(v)) as u32 & 0xFFFF
}

/// Portable version of the functions above.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
pub fn specials<const DEL: bool>(chunk: &[u8; 16]) -> u32 {
    let mut m = 0u32;
    for (i, &b) in chunk.iter().enumerate() {
        let special = (b == b'"') | (b == b'\\') | (b < 0x20) | (DEL & (b == 0x7F));
        m |= u32::from(special) << i;
    }
    m
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
pub fn js_specials_words(lo: u64, hi: u64) -> u32 {
    let mut chunk = [0u8; 16];
    chunk[..8].copy_from_slice(&lo.to_le_bytes());
    chunk[8..].copy_from_slice(&hi.to_le_bytes());
    js_specials(&chunk)
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
pub fn specials_split<const DEL: bool>(chunk: &[u8; 16]) -> (u32, u32, u32) {
    let (mut b, mut q) = (0u32, 0u32);
    for (i, &c) in chunk.iter().enumerate() {
        b |= u32::from(c == b'\\') << i;
        q |= u32::from(c == b'"') << i;
    }
    (specials::<DEL>(chunk), b, q)
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
pub fn js_specials(chunk: &[u8; 16]) -> u32 {
    let mut m = 0u32;
    for (i, &b) in chunk.iter().enumerate() {
        let special = matches!(b, b'\'' | b'"' | b'\\' | b'/') | (b < 0x20) | (b >= 0x80);
        m |= u32::from(special) << i;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::{Ssse3, compact, js_specials, js_specials_words, specials, specials_split};

    /// Every 16-bit drop mask, on a chunk of distinct bytes, against a filter.
    #[test]
    fn compact_keeps_the_undropped_bytes_in_order() {
        let Some(proof) = Ssse3::detect() else {
            return;
        };
        let chunk: [u8; 16] = std::array::from_fn(|i| b'a' + i as u8);
        for drop in 0..=0xFFFFu32 {
            let mut out = [0u8; 16];
            let n = compact(proof, &chunk, drop, &mut out);
            let want: Vec<u8> = (0..16)
                .filter(|i| drop & (1 << i) == 0)
                .map(|i| chunk[i])
                .collect();
            assert_eq!(&out[..n], &want[..], "drop mask {drop:#06x}");
        }
    }

    /// Every byte value at every position, against the definition.
    #[test]
    fn exact_for_every_byte_at_every_position() {
        for b in 0..=255u8 {
            for i in 0..16 {
                let mut chunk = [b'a'; 16];
                chunk[i] = b;
                let special = b == b'"' || b == b'\\' || b < 0x20;
                let want = if special { 1 << i } else { 0 };
                assert_eq!(specials::<false>(&chunk), want, "{b:#x} at {i}");
                let want = if special || b == 0x7F { 1 << i } else { 0 };
                assert_eq!(specials::<true>(&chunk), want, "{b:#x} at {i}");
                let bit = |c: bool| if c { 1 << i } else { 0 };
                assert_eq!(
                    specials_split::<true>(&chunk),
                    (want, bit(b == b'\\'), bit(b == b'"')),
                    "{b:#x} at {i}"
                );
                assert_eq!(specials_split::<false>(&chunk).0, specials::<false>(&chunk));
                let js = matches!(b, b'\'' | b'"' | b'\\' | b'/') || !(0x20..0x80).contains(&b);
                let want = if js { 1 << i } else { 0 };
                assert_eq!(js_specials(&chunk), want, "{b:#x} at {i}");
                let word = |half: &[u8]| u64::from_le_bytes(half.try_into().unwrap());
                let (lo, hi) = chunk.split_at(8);
                assert_eq!(js_specials_words(word(lo), word(hi)), want, "{b:#x} at {i}");
            }
        }
        let mut chunk = [0u8; 16];
        chunk[3] = b'x';
        assert_eq!(specials::<false>(&chunk), 0xFFFF & !(1 << 3));
    }
}
