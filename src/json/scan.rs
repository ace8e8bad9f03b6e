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
    // (Read as one `u128`: the compiler makes one unaligned 16-byte load of
    // it, where two 8-byte halves were loaded apart and then combined.)
    let x = u128::from_le_bytes(*chunk);
    let v = _mm_set_epi64x((x >> 64) as i64, x as i64);
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

/// Proof that the running CPU has AVX2 (and so SSSE3): made only by
/// [`Avx2::detect`], after std's runtime detection, and needed to call
/// [`specials_split32`] and [`compact32`].
#[derive(Clone, Copy, Debug)]
pub struct Avx2(());

impl Avx2 {
    /// The proof, when the CPU has AVX2 and SSSE3.
    #[cfg(target_arch = "x86_64")]
    #[inline]
    pub fn detect() -> Option<Avx2> {
        (std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("ssse3"))
        .then_some(Avx2(()))
    }

    /// Never on other architectures.
    #[cfg(not(target_arch = "x86_64"))]
    #[inline]
    pub fn detect() -> Option<Avx2> {
        None
    }

    /// The CPU has SSSE3 too.
    #[inline]
    pub fn ssse3(self) -> Ssse3 {
        Ssse3(())
    }
}

/// [`specials_split`] with DEL of a 32-byte block: the special bytes, the
/// backslashes and the quotes, as 32-bit masks.
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn specials_split32(_proof: Avx2, chunk: &[u8; 32]) -> (u32, u32, u32) {
    // SAFETY: `avx2_specials_split` is an ordinary safe function whose only
    // requirement is the `avx2` target feature, and an `Avx2` exists only
    // when `Avx2::detect` found it on the running CPU (std's runtime
    // detection).
    unsafe { avx2_specials_split(chunk) }
}

/// Never called: no [`Avx2`] is ever made on other architectures.
#[cfg(not(target_arch = "x86_64"))]
pub fn specials_split32(_proof: Avx2, _chunk: &[u8; 32]) -> (u32, u32, u32) {
    unreachable!("no Avx2 is made on this architecture")
}

/// The four little-endian words of a 32-byte block.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn words32(chunk: &[u8; 32]) -> [i64; 4] {
    std::array::from_fn(|i| {
        let word = chunk.get(8 * i..8 * i + 8).unwrap_or(&[0; 8]);
        u64::from_le_bytes(word.try_into().unwrap_or([0; 8])) as i64
    })
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn avx2_specials_split(chunk: &[u8; 32]) -> (u32, u32, u32) {
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_max_epu8, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set_epi64x, _mm256_set1_epi8,
    };
    let [w0, w1, w2, w3] = words32(chunk);
    // (The compiler turns the four words into one unaligned 32-byte load.)
    let v = _mm256_set_epi64x(w3, w2, w1, w0);
    let quote = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8));
    let backslash = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\\' as i8));
    // Unsigned `b <= 0x1F`: max(b, 0x1F) == 0x1F; and DEL.
    let control = _mm256_cmpeq_epi8(
        _mm256_max_epu8(v, _mm256_set1_epi8(0x1F)),
        _mm256_set1_epi8(0x1F),
    );
    let other = _mm256_or_si256(control, _mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7F)));
    let q = _mm256_movemask_epi8(quote) as u32;
    let b = _mm256_movemask_epi8(backslash) as u32;
    let o = _mm256_movemask_epi8(other) as u32;
    (q | b | o, b, q)
}

/// [`compact`] of a 32-byte block: stores the bytes of `chunk` whose bits in
/// `drop` (32 bits) are clear, in order, at the start of `out`, and returns
/// how many there are (bytes of `out` past the count are left over).
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn compact32(_proof: Avx2, chunk: &[u8; 32], drop: u32, out: &mut [u8; 32]) -> usize {
    // SAFETY: `avx2_compact` is an ordinary safe function whose only
    // requirement is the `avx2` target feature, and an `Avx2` exists only
    // when `Avx2::detect` found it on the running CPU (std's runtime
    // detection).
    unsafe { avx2_compact(chunk, drop, out) }
}

/// Never called: no [`Avx2`] is ever made on other architectures.
#[cfg(not(target_arch = "x86_64"))]
pub fn compact32(_proof: Avx2, _chunk: &[u8; 32], _drop: u32, _out: &mut [u8; 32]) -> usize {
    unreachable!("no Avx2 is made on this architecture")
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn avx2_compact(chunk: &[u8; 32], drop: u32, out: &mut [u8; 32]) -> usize {
    use std::arch::x86_64::{_mm256_extract_epi64, _mm256_set_epi64x, _mm256_shuffle_epi8};
    let [w0, w1, w2, w3] = words32(chunk);
    let v = _mm256_set_epi64x(w3, w2, w1, w0);
    let d = drop.to_le_bytes().map(usize::from);
    // `vpshufb` shuffles each 16-byte half apart: the second 8 bytes of a
    // half are at positions 8 on (0x80 + 8 still reads as "zero").
    const HIGH: u64 = 0x0808_0808_0808_0808;
    let control = _mm256_set_epi64x(
        KEEP_SHUFFLE[d[3]].wrapping_add(HIGH) as i64,
        KEEP_SHUFFLE[d[2]] as i64,
        KEEP_SHUFFLE[d[1]].wrapping_add(HIGH) as i64,
        KEEP_SHUFFLE[d[0]] as i64,
    );
    let packed = _mm256_shuffle_epi8(v, control);
    let words = [
        _mm256_extract_epi64::<0>(packed) as u64,
        _mm256_extract_epi64::<1>(packed) as u64,
        _mm256_extract_epi64::<2>(packed) as u64,
        _mm256_extract_epi64::<3>(packed) as u64,
    ];
    let mut n = 0;
    for (word, d) in words.iter().zip(d) {
        // `n` is at most 24 before the last word (each word keeps at most 8).
        if let Some(slot) = out.get_mut(n..n + 8) {
            slot.copy_from_slice(&word.to_le_bytes());
        }
        n += usize::from(KEEP_COUNT[d]);
    }
    n
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
        _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x,
        _mm_set1_epi8,
    };
    let v = _mm_set_epi64x(hi as i64, lo as i64);
    let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
    // Control characters and bytes from 0x80 on, at once: the bytes below
    // 0x20 as signed bytes (one compare and one mask less per block).
    let low = _mm_cmpgt_epi8(_mm_set1_epi8(0x20), v);
    let m = _mm_or_si128(
        _mm_or_si128(eq(b'\''), eq(b'"')),
        _mm_or_si128(_mm_or_si128(eq(b'\\'), eq(b'/')), low),
    );
    _mm_movemask_epi8(m) as u32
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
    use super::{
        Avx2, Ssse3, compact, compact32, js_specials, js_specials_words, specials, specials_split,
        specials_split32,
    };

    /// Random 32-bit drop masks and every mask of each 8-byte group, on a
    /// chunk of distinct bytes, against a filter.
    #[test]
    fn compact32_keeps_the_undropped_bytes_in_order() {
        let Some(proof) = Avx2::detect() else {
            return;
        };
        let chunk: [u8; 32] = std::array::from_fn(|i| b'A' + i as u8);
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut masks: Vec<u32> = (0..256u32)
            .flat_map(|m| [m, m << 8, m << 16, m << 24, m * 0x0101_0101])
            .collect();
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            masks.push(seed as u32);
        }
        for drop in masks {
            let mut out = [0u8; 32];
            let n = compact32(proof, &chunk, drop, &mut out);
            let want: Vec<u8> = (0..32)
                .filter(|i| drop & (1 << i) == 0)
                .map(|i| chunk[i])
                .collect();
            assert_eq!(&out[..n], &want[..], "drop mask {drop:#010x}");
        }
    }

    /// Every byte value at every position of a 32-byte block, against the
    /// 16-byte masks.
    #[test]
    fn specials_split32_is_the_two_halves() {
        let Some(proof) = Avx2::detect() else {
            return;
        };
        for b in 0..=255u8 {
            for i in 0..32 {
                let mut chunk = [b'a'; 32];
                chunk[i] = b;
                chunk[(i + 7) % 32] = b'\\';
                let (lo, hi) = chunk.split_at(16);
                let (lo, hi) = (lo.try_into().unwrap(), hi.try_into().unwrap());
                let (m0, b0, q0) = specials_split::<true>(lo);
                let (m1, b1, q1) = specials_split::<true>(hi);
                assert_eq!(
                    specials_split32(proof, &chunk),
                    (m0 | m1 << 16, b0 | b1 << 16, q0 | q1 << 16),
                    "{b:#x} at {i}"
                );
            }
        }
    }

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
