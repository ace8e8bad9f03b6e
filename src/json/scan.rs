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
/// (in tests) [`compact32`]; [`unescape32`] is called from functions
/// compiled for AVX2 after the detection.
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

/// The first `W` little-endian words of a block (four of a 32-byte block,
/// eight of a 64-byte one).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn words<const W: usize>(chunk: &[u8]) -> [i64; W] {
    std::array::from_fn(|i| {
        let word = chunk.get(8 * i..8 * i + 8).unwrap_or(&[0; 8]);
        u64::from_le_bytes(word.try_into().unwrap_or([0; 8])) as i64
    })
}

/// [`compact`] of a 32-byte block: stores the bytes of `chunk` whose bits in
/// `drop` (32 bits) are clear, in order, at the start of `out`, and returns
/// how many there are (bytes of `out` past the count are left over). (For
/// the tests of [`avx2_compact_vec`], which [`unescape32`] uses.)
#[cfg(all(test, target_arch = "x86_64"))]
pub fn compact32(_proof: Avx2, chunk: &[u8; 32], drop: u32, out: &mut [u8; 32]) -> usize {
    // SAFETY: `avx2_compact` is an ordinary safe function whose only
    // requirement is the `avx2` target feature, and an `Avx2` exists only
    // when `Avx2::detect` found it on the running CPU (std's runtime
    // detection).
    unsafe { avx2_compact(chunk, drop, out) }
}

/// Never called: no [`Avx2`] is ever made on other architectures.
#[cfg(all(test, not(target_arch = "x86_64")))]
pub fn compact32(_proof: Avx2, _chunk: &[u8; 32], _drop: u32, _out: &mut [u8; 32]) -> usize {
    unreachable!("no Avx2 is made on this architecture")
}

#[cfg(all(test, target_arch = "x86_64"))]
#[target_feature(enable = "avx2")]
fn avx2_compact(chunk: &[u8; 32], drop: u32, out: &mut [u8; 32]) -> usize {
    use std::arch::x86_64::_mm256_set_epi64x;
    let [w0, w1, w2, w3] = words(chunk);
    avx2_compact_vec(_mm256_set_epi64x(w3, w2, w1, w0), drop, out)
}

/// Stores the bytes of `v` whose bits in `drop` (32 bits) are clear, in
/// order, at the start of `out`, and returns how many there are (bytes of
/// `out` past the count are left over).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn avx2_compact_vec(v: std::arch::x86_64::__m256i, drop: u32, out: &mut [u8; 32]) -> usize {
    use std::arch::x86_64::{_mm256_extract_epi64, _mm256_set_epi64x, _mm256_shuffle_epi8};
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

/// What [`unescape32`] read of a block and wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unescaped {
    /// Source bytes read: up to the closing quote (not included), 31 when the
    /// block's last byte is a backslash that escapes the next block's first,
    /// 32 otherwise.
    pub read: usize,
    /// Bytes stored at the start of `out`.
    pub written: usize,
    /// The closing quote follows the bytes read.
    pub closed: bool,
}

/// For the bytes that may follow a backslash as a letter escape (`b`, `f`,
/// `n`, `r`, `t`), indexed by bits 1-4 of the byte: the letter (and at the
/// other indexes a byte whose bits 1-4 differ from the index, which no byte
/// with that index equals)...
#[cfg(target_arch = "x86_64")]
const LETTER_AT: [u8; 16] = {
    let mut t = [0u8; 16];
    let mut i = 0;
    while i < 16 {
        // ((i + 1) % 16) << 1 has bits 1-4 = i + 1 (mod 16), never i.
        t[i] = (((i + 1) % 16) << 1) as u8;
        i += 1;
    }
    let letters = [b'b', b'f', b'n', b'r', b't'];
    let mut k = 0;
    while k < letters.len() {
        t[((letters[k] >> 1) & 15) as usize] = letters[k];
        k += 1;
    }
    t
};

/// ...and what it stands for.
#[cfg(target_arch = "x86_64")]
const LETTER_MEANS: [u8; 16] = {
    let mut t = [0u8; 16];
    let pairs = [
        (b'b', 8u8),
        (b'f', 12),
        (b'n', b'\n'),
        (b'r', b'\r'),
        (b't', b'\t'),
    ];
    let mut k = 0;
    while k < pairs.len() {
        t[((pairs[k].0 >> 1) & 15) as usize] = pairs[k].1;
        k += 1;
    }
    t
};

/// Unescapes a 32-byte block of the inside of a JSON string with a few
/// vector instructions and one compaction ([`avx2_compact_vec`]), whatever the number
/// of escapes, when the block (up to the string's closing quote, if it is
/// in the block) holds only plain bytes, raw DEL characters (dropped, as
/// json-smart drops them) and simple escapes (a backslash and one of
/// `"\/bfnrt`); the bytes written are those json-smart's reader makes of
/// them. `None` for any other block (an escape `\u`, an invalid escape, a
/// control character), which the caller reads byte by byte: it has the
/// errors.
///
/// The block must start outside an escape (the caller never splits one: a
/// block whose last byte starts an escape stops before it). Bytes of `out`
/// past `written` are left over.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
pub fn unescape32(window: &[u8; 32], out: &mut [u8; 32]) -> Option<Unescaped> {
    use std::arch::x86_64::{
        _mm256_and_si256, _mm256_blendv_epi8, _mm256_cmpeq_epi8, _mm256_max_epu8,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set_epi64x, _mm256_set1_epi8,
        _mm256_set1_epi32, _mm256_set1_epi64x, _mm256_setr_epi8, _mm256_shuffle_epi8,
        _mm256_srli_epi16,
    };
    let [w0, w1, w2, w3] = words(window);
    let v = _mm256_set_epi64x(w3, w2, w1, w0);
    let eq = |b: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(b as i8));
    let bit = |m| _mm256_movemask_epi8(m) as u32;
    let (quote, backslash) = (eq(b'"'), eq(b'\\'));
    let control = _mm256_cmpeq_epi8(
        _mm256_max_epu8(v, _mm256_set1_epi8(0x1F)),
        _mm256_set1_epi8(0x1F),
    );
    let (quotes, backslashes) = (bit(quote), bit(backslash));
    let others = bit(_mm256_or_si256(control, eq(0x7F)));
    // The usual escape of JSON text inside a string, `\"`, alone: each
    // backslash is followed by a quote, every quote follows a backslash, and
    // the last byte is no backslash. Unescaping is dropping the backslashes.
    if others == 0 && quotes == backslashes << 1 && backslashes >> 31 == 0 {
        return Some(Unescaped {
            read: 32,
            written: avx2_compact_vec(v, backslashes, out),
            closed: false,
        });
    }
    let (controls, dels) = (bit(control), bit(eq(0x7F)));
    // The letter escapes by bits 1-4 of each byte (one table lookup each).
    let index = _mm256_and_si256(_mm256_srli_epi16::<1>(v), _mm256_set1_epi8(15));
    let table = |t: [u8; 16]| {
        let t = t.map(|b| b as i8);
        _mm256_setr_epi8(
            t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13],
            t[14], t[15], t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11],
            t[12], t[13], t[14], t[15],
        )
    };
    let letter = _mm256_cmpeq_epi8(v, _mm256_shuffle_epi8(table(LETTER_AT), index));
    let letters = bit(letter);
    let escapable = bit(_mm256_or_si256(
        _mm256_or_si256(quote, backslash),
        _mm256_or_si256(eq(b'/'), letter),
    ));
    // The backslashes that escape and the bytes they escape, in runs of
    // backslashes (simdjson's odd-run trick: a run that starts at an even
    // position and has an odd length ends on an odd one, and so on).
    const ODD: u32 = 0xAAAA_AAAA;
    let codes = ((backslashes << 1) | ODD).wrapping_sub(backslashes) ^ ODD;
    let escaped = codes ^ backslashes;
    let escapes = codes & backslashes;
    // The bytes read: up to the first quote not escaped, and not a last
    // backslash that escapes (its byte is in the next block).
    let ends = quotes & !escaped;
    let read_mask = (ends & ends.wrapping_neg()).wrapping_sub(1) & !(escapes & 0x8000_0000);
    let bad = ((controls & !escaped) | (escaped & !escapable)) & read_mask;
    if bad != 0 {
        return None;
    }
    let mut unescaped = v;
    if escaped & letters != 0 {
        // The escaped letters, replaced by what they stand for: the bits of
        // `escaped` spread to bytes (byte `i` of the mask is 0xFF when bit
        // `i` is set).
        let spread = _mm256_shuffle_epi8(
            _mm256_set1_epi32(escaped as i32),
            _mm256_setr_epi8(
                0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3,
                3, 3, 3, 3,
            ),
        );
        let bits = _mm256_set1_epi64x(0x8040_2010_0804_0201u64 as i64);
        let escaped_bytes = _mm256_cmpeq_epi8(_mm256_and_si256(spread, bits), bits);
        let means = _mm256_shuffle_epi8(table(LETTER_MEANS), index);
        unescaped = _mm256_blendv_epi8(v, means, _mm256_and_si256(letter, escaped_bytes));
    }
    let read = read_mask.trailing_ones() as usize;
    let drop = (escapes | dels) & read_mask;
    let written = if drop == 0 {
        // (Most often the last block of a string: stored whole.)
        avx2_store(unescaped, out);
        read
    } else {
        avx2_compact_vec(unescaped, drop | !read_mask, out)
    };
    Some(Unescaped {
        read,
        written,
        closed: ends != 0,
    })
}

/// Proof that the running CPU has the AVX-512 parts [`unescape64`] uses
/// (F, BW, VBMI for the byte permutes, VBMI2 for `vpcompressb`), and AVX2:
/// made only by [`Avx512::widest`], after std's runtime detection.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug)]
pub struct Avx512(());

#[cfg(target_arch = "x86_64")]
impl Avx512 {
    /// The proofs for the CPU's widest vectors: AVX-512 (with AVX2) or AVX2
    /// alone. (Found once and kept in one byte: asking std for each of the
    /// seven features at every escaped string cost some 13 instructions
    /// per string.)
    #[cfg(target_arch = "x86_64")]
    #[inline]
    pub fn widest() -> (Option<Avx512>, Option<Avx2>) {
        use std::sync::atomic::{AtomicU8, Ordering::Relaxed};
        // 0: not found yet; 1: neither; 2: AVX2; 3: AVX-512 and AVX2.
        static FOUND: AtomicU8 = AtomicU8::new(0);
        let mut found = FOUND.load(Relaxed);
        if found == 0 {
            let avx2 = Avx2::detect().is_some();
            let avx512 = avx2
                && std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("avx512vbmi")
                && std::arch::is_x86_feature_detected!("avx512vbmi2")
                && std::arch::is_x86_feature_detected!("popcnt");
            found = 1 + u8::from(avx2) + u8::from(avx512);
            FOUND.store(found, Relaxed);
        }
        (
            (found == 3).then_some(Avx512(())),
            (found >= 2).then_some(Avx2(())),
        )
    }

    /// The CPU has AVX2 too.
    #[inline]
    pub fn avx2(self) -> Avx2 {
        Avx2(())
    }
}

/// What each byte that may follow a backslash stands for, by its low seven
/// bits (0 for the bytes that may not: `u` and the rest).
#[cfg(target_arch = "x86_64")]
const ESCAPE_MEANS: [u8; 128] = {
    let mut t = [0u8; 128];
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'/' as usize] = b'/';
    t[b'b' as usize] = 8;
    t[b'f' as usize] = 12;
    t[b'n' as usize] = b'\n';
    t[b'r' as usize] = b'\r';
    t[b't' as usize] = b'\t';
    t
};

/// What [`unescape64`] made of a block.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block64 {
    /// All 64 bytes were read (the string goes on), and `written` stored.
    Whole { written: usize },
    /// The closing quote is at `read`; `written` bytes stored before it.
    Closed { read: usize, written: usize },
    /// Not taken (a `\u` escape, an invalid escape, a control character
    /// before the end): nothing stored, the carry unchanged.
    Other,
}

/// Unescapes a 64-byte block of the inside of a JSON string with AVX-512,
/// whatever the number of escapes, when the block (up to the string's
/// closing quote, if it is in the block) holds only plain bytes, raw DEL
/// characters (dropped, as json-smart drops them) and simple escapes (a
/// backslash and one of `"\/bfnrt`); the bytes written are those
/// json-smart's reader makes of them, as for [`unescape32`]. The escaped
/// bytes are translated by one 128-entry byte permute, the backslashes and
/// DEL characters dropped by one `vpcompressb`.
///
/// `carry` is 1 when the block's first byte is escaped by the backslash
/// that ended the block before (which that block dropped), and is set for
/// the next block (simdjson's carried odd-run trick), so that blocks follow
/// at fixed steps and where one is read never waits for the work on the one
/// before. W1's 900-byte string of dense `\"` escapes: 15 blocks.
/// (valgrind does not run AVX-512: under it the CPU reports none, and the
/// AVX2 loop runs.)
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt")]
#[inline]
pub fn unescape64(window: &[u8; 64], out: &mut [u8; 64], carry: &mut u64) -> Block64 {
    use std::arch::x86_64::{
        _mm256_extract_epi64, _mm512_cmpeq_epi8_mask, _mm512_cmplt_epu8_mask,
        _mm512_extracti64x4_epi64, _mm512_mask_blend_epi8, _mm512_maskz_compress_epi8,
        _mm512_permutex2var_epi8, _mm512_set_epi64, _mm512_set1_epi8, _mm512_test_epi8_mask,
    };
    let vector = |b: &[u8; 64]| {
        let [w0, w1, w2, w3, w4, w5, w6, w7] = words(b);
        _mm512_set_epi64(w7, w6, w5, w4, w3, w2, w1, w0)
    };
    let v = vector(window);
    let eq = |b: u8| _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b as i8));
    let (quotes, dels) = (eq(b'"'), eq(0x7F));
    let controls = _mm512_cmplt_epu8_mask(v, _mm512_set1_epi8(0x20));
    // The escaped bytes (simdjson's find_escaped): in each run of
    // backslashes, every other one escapes the byte after it, counting from
    // the run's start; a first byte escaped from the block before is no
    // escape of its own.
    const EVEN: u64 = 0x5555_5555_5555_5555;
    let prev = *carry;
    let backslashes = eq(b'\\') & !prev;
    let follows = (backslashes << 1) | prev;
    let odd_starts = backslashes & !EVEN & !follows;
    let (runs, next) = odd_starts.overflowing_add(backslashes);
    let escaped = (EVEN ^ (runs << 1)) & follows;
    // The backslashes that escape.
    let escapes = backslashes & !escaped;
    let ends = quotes & !escaped;
    // The bytes read: up to the first quote not escaped.
    let read_mask = (ends & ends.wrapping_neg()).wrapping_sub(1);
    let mut unescaped = v;
    if escaped & read_mask != 0 {
        let (low, high) = ESCAPE_MEANS.split_at(64);
        let (Some(low), Some(high)) = (low.first_chunk::<64>(), high.first_chunk::<64>()) else {
            return Block64::Other;
        };
        // Indexed by each byte's low seven bits; bytes from 0x80 on are
        // never escapable.
        let means = _mm512_permutex2var_epi8(vector(low), v, vector(high));
        let escapable = _mm512_test_epi8_mask(means, means)
            & _mm512_cmplt_epu8_mask(v, _mm512_set1_epi8(0x80u8 as i8));
        if ((controls & !escaped) | (escaped & !escapable)) & read_mask != 0 {
            return Block64::Other;
        }
        unescaped = _mm512_mask_blend_epi8(escaped, v, means);
    } else if controls & read_mask != 0 {
        return Block64::Other;
    }
    let keep = read_mask & !(escapes | dels);
    let packed = _mm512_maskz_compress_epi8(keep, unescaped);
    let (low, high) = (
        _mm512_extracti64x4_epi64::<0>(packed),
        _mm512_extracti64x4_epi64::<1>(packed),
    );
    let words = [
        _mm256_extract_epi64::<0>(low),
        _mm256_extract_epi64::<1>(low),
        _mm256_extract_epi64::<2>(low),
        _mm256_extract_epi64::<3>(low),
        _mm256_extract_epi64::<0>(high),
        _mm256_extract_epi64::<1>(high),
        _mm256_extract_epi64::<2>(high),
        _mm256_extract_epi64::<3>(high),
    ];
    // (The compiler makes one 64-byte store of this.)
    for (slot, word) in out.chunks_exact_mut(8).zip(words) {
        slot.copy_from_slice(&(word as u64).to_le_bytes());
    }
    let written = keep.count_ones() as usize;
    if ends != 0 {
        return Block64::Closed {
            read: ends.trailing_zeros() as usize,
            written,
        };
    }
    *carry = u64::from(next);
    Block64::Whole { written }
}

/// The letters of the two-character escapes `escapeJavaScript` writes for
/// control characters (`\b` `\t` `\n` `\f` `\r`), by byte; 0 for the other
/// control characters (written as `\u00XX`).
#[cfg(target_arch = "x86_64")]
const JS_CONTROL_LETTERS: [u8; 64] = {
    let mut t = [0u8; 64];
    t[0x08] = b'b';
    t[b'\t' as usize] = b't';
    t[b'\n' as usize] = b'n';
    t[0x0C] = b'f';
    t[b'\r' as usize] = b'r';
    t
};

/// `escapeJavaScript` (commons-lang 2.6) of the first `n` bytes of `window`
/// (`n` at most 64) with AVX-512, when they are ASCII with no control
/// characters other than `\b` `\t` `\n` `\f` `\r` (`None` otherwise: those
/// are written as `\uXXXX`). Every byte becomes a pair of bytes in two
/// registers of 32 pairs (the first and the second 32 bytes): a backslash
/// (or 0) and the byte (or the letter of its escape); one `vpcompressb` per
/// register then drops the zero bytes. Returns the two registers and the
/// number of bytes of each that are the escaped text (every byte of both
/// registers is below 0x80).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt")]
#[inline]
pub fn escape_js64(
    window: &[u8; 64],
    n: usize,
) -> Option<[(std::arch::x86_64::__m512i, usize); 2]> {
    use std::arch::x86_64::{
        _mm512_cmpeq_epi8_mask, _mm512_cmplt_epu8_mask, _mm512_cvtepu8_epi16,
        _mm512_extracti64x4_epi64, _mm512_mask_blend_epi8, _mm512_maskz_compress_epi8,
        _mm512_maskz_mov_epi8, _mm512_movepi8_mask, _mm512_or_si512, _mm512_permutexvar_epi8,
        _mm512_set_epi64, _mm512_set1_epi8, _mm512_slli_epi16, _mm512_test_epi8_mask,
    };
    let vector = |b: &[u8; 64]| {
        let [w0, w1, w2, w3, w4, w5, w6, w7] = words(b);
        _mm512_set_epi64(w7, w6, w5, w4, w3, w2, w1, w0)
    };
    let v = vector(window);
    let taken = u64::MAX >> (64 - n.clamp(1, 64));
    let eq = |b: u8| _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b as i8));
    let controls = _mm512_cmplt_epu8_mask(v, _mm512_set1_epi8(0x20));
    // The letters of the control characters, indexed by their six low bits.
    let letters = _mm512_permutexvar_epi8(v, vector(&JS_CONTROL_LETTERS));
    let lettered = _mm512_test_epi8_mask(letters, letters);
    if (_mm512_movepi8_mask(v) | (controls & !lettered)) & taken != 0 {
        return None;
    }
    let specials = (controls | eq(b'\'') | eq(b'"') | eq(b'\\') | eq(b'/')) & taken;
    let chars = _mm512_maskz_mov_epi8(taken, _mm512_mask_blend_epi8(controls, v, letters));
    let backslashes = _mm512_maskz_mov_epi8(specials, _mm512_set1_epi8(b'\\' as i8));
    // Pair `i` of a register: byte `2i` the backslash (or 0), byte `2i + 1`
    // the character (0 past `n`); the zero bytes dropped.
    let pairs = |backslashes, chars| {
        let pairs = _mm512_or_si512(
            _mm512_cvtepu8_epi16(backslashes),
            _mm512_slli_epi16::<8>(_mm512_cvtepu8_epi16(chars)),
        );
        let keep = _mm512_test_epi8_mask(pairs, pairs);
        (
            _mm512_maskz_compress_epi8(keep, pairs),
            keep.count_ones() as usize,
        )
    };
    Some([
        pairs(
            _mm512_extracti64x4_epi64::<0>(backslashes),
            _mm512_extracti64x4_epi64::<0>(chars),
        ),
        pairs(
            _mm512_extracti64x4_epi64::<1>(backslashes),
            _mm512_extracti64x4_epi64::<1>(chars),
        ),
    ])
}

/// Stores the bytes of a register.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn avx2_store(v: std::arch::x86_64::__m256i, out: &mut [u8; 32]) {
    use std::arch::x86_64::_mm256_extract_epi64;
    let words = [
        _mm256_extract_epi64::<0>(v) as u64,
        _mm256_extract_epi64::<1>(v) as u64,
        _mm256_extract_epi64::<2>(v) as u64,
        _mm256_extract_epi64::<3>(v) as u64,
    ];
    for (slot, word) in out.chunks_exact_mut(8).zip(words) {
        slot.copy_from_slice(&word.to_le_bytes());
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
