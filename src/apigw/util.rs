//! The `$util` functions on strings, as the Java libraries behind them compute them:
//! commons-lang 2.6 `StringEscapeUtils.escapeJavaScript`, `java.net.URLEncoder` /
//! `URLDecoder` with UTF-8, `java.util.Base64`'s basic encoder and decoder with
//! UTF-8 text (`$util.parseJson` is [`crate::json::parse_json`]).

use crate::json::scan;
use std::fmt;

/// A `$util` function threw (`IllegalArgumentException`): the render fails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UtilError {
    /// The Java exception's message.
    pub message: String,
}

impl fmt::Display for UtilError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UtilError {}

fn error(message: impl Into<String>) -> UtilError {
    UtilError {
        message: message.into(),
    }
}

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// How `escapeJavaScript` writes each ASCII byte: 0 as it is, 1 as `\u00XX`,
/// otherwise the index + 2 of its two-character escape in [`JS_SHORT_TEXT`].
static JS_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[b'\'' as usize] = 2;
    t[b'"' as usize] = 3;
    t[b'\\' as usize] = 4;
    t[b'/' as usize] = 5;
    t[0x08] = 6;
    t[b'\n' as usize] = 7;
    t[b'\t' as usize] = 8;
    t[0x0C] = 9;
    t[b'\r' as usize] = 10;
    t
};

/// `$util.escapeJavaScript(s)`: commons-lang 2.6 `StringEscapeUtils.escapeJavaScript`.
/// Escapes `'` `"` `\` `/` as `\'` `\"` `\\` `\/`, `\b` `\t` `\n` `\f` `\r`, other
/// control characters and everything above U+007F as `\uXXXX` (upper-case hex, a
/// character beyond U+FFFF as its two UTF-16 surrogates). DEL stays as it is.
///
/// The text is read 16 bytes at a time with an exact mask of the bytes to
/// rewrite ([`scan::js_specials`]); the runs between them are copied whole.
pub fn escape_javascript(s: &str, out: &mut String) {
    // A text shorter than 16 bytes (most ids, names and tags) is read in one
    // step, and copied at once when it has nothing to escape, without the
    // set-up of the general loop (W2's 601 escaped texts: 113.1k -> 101.8k
    // instructions).
    if s.len() < 16 {
        let mask = short_js_specials(s.as_bytes());
        if mask == 0 {
            out.push_str(s);
        } else {
            escape_short_marked(s, 0, s.len(), mask, out);
        }
        return;
    }
    escape_long_text(s, out);
}

/// [`escape_javascript`] of `text[start..end]` (a string of the heap: on char
/// boundaries; nothing is written when it is not).
///
/// A string shorter than 16 bytes with 16 bytes of `text` from its start (in
/// the body, most of W2's ids, names and tags) is read as one 16-byte block
/// and, when it has nothing to escape, written as the block cut back to the
/// string: no slice of the string to check, no `memcpy` call. (The other
/// cases are escaped by another function, called last: this one then saves
/// no registers.)
#[inline(never)]
pub fn escape_javascript_in(text: &str, start: usize, end: usize, out: &mut String) {
    let n = end.wrapping_sub(start);
    // (`checked_add`: the block is then known to be 16 bytes long, and is
    // copied as such; with `saturating_add`, it was copied by a `memcpy` call.)
    if n < 16
        && let Some(block_end) = start.checked_add(16)
        && let Some(block) = text.get(start..block_end)
        && let Some(chunk) = block.as_bytes().first_chunk::<16>()
    {
        // (No check that `end` is a char boundary here: with no marks before
        // it, the byte before it is ASCII, or it is `start`; a slice checks
        // it in the other case. W2: 1.8k instructions less.)
        let mask = scan::js_specials(chunk) & ((1 << n) - 1);
        // (The output not grown here: this function then saves no registers.)
        if mask == 0 && out.capacity() - out.len() >= 16 {
            let len = out.len();
            out.push_str(block);
            out.truncate(len + n);
            return;
        }
        // A string with bytes to rewrite (names such as "o'reilly"): escaped
        // with the marks read here, without a slice to check and read again
        // through `escape_javascript` (W2: 2.6k instructions less).
        if mask != 0 && text.is_char_boundary(end) {
            return escape_short_marked(text, start, end, mask, out);
        }
    }
    escape_javascript_slice(text, start, end, out);
}

/// [`escape_javascript`] of `text[start..end]` (nothing when not on char
/// boundaries), with AVX-512 where the CPU has it.
#[inline(never)]
fn escape_javascript_slice(text: &str, start: usize, end: usize, out: &mut String) {
    #[cfg(target_arch = "x86_64")]
    if let (Some(proof), _) = scan::Avx512::widest()
        && avx512_allowed()
        && text.is_char_boundary(start)
        && text.is_char_boundary(end)
    {
        // SAFETY: `escape_avx512` is an ordinary safe function whose only
        // requirement is its target features, which `Avx512::widest` (std's
        // runtime detection) found on the running CPU.
        return unsafe { escape_avx512(proof, text, start, end, out) };
    }
    escape_javascript_scalar(text, start, end, out);
}

/// [`escape_javascript`] of `text[start..end]` (nothing when not on char boundaries).
fn escape_javascript_scalar(text: &str, start: usize, end: usize, out: &mut String) {
    if let Some(s) = text.get(start..end) {
        escape_javascript(s, out);
    }
}

/// [`escape_javascript_slice`] with AVX-512 ([`scan::escape_js64`]): 64
/// bytes at a time while `text` has 64 bytes from there and they are ASCII
/// without `\uXXXX` escapes; the rest 16 bytes at a time. (`start` and `end`
/// are on char boundaries.) W2's descriptions: one block each, without a
/// `memcpy` call for each run between escapes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt")]
fn escape_avx512(_proof: scan::Avx512, text: &str, start: usize, end: usize, out: &mut String) {
    use std::arch::x86_64::_mm512_storeu_si512;
    let bytes = text.as_bytes();
    let mut p = start;
    while p < end {
        let Some(window) = bytes.get(p..).and_then(|rest| rest.first_chunk::<64>()) else {
            break;
        };
        let n = (end - p).min(64);
        let Some([(first, first_len), (second, second_len)]) = scan::escape_js64(window, n) else {
            break;
        };
        out.reserve(128);
        let len = out.len();
        // SAFETY: after `reserve(128)` the allocation holds at least
        // `len + 128` bytes. The two unaligned 64-byte stores write
        // `len..len + 64` and `len + first_len..len + first_len + 64`, with
        // `first_len <= 64`: inside the allocation, past the string's bytes.
        // The new length `len + first_len + second_len` (at most `len + 128`)
        // covers only bytes these stores wrote, and `escape_js64` returns
        // registers whose every byte is below 0x80: the string stays UTF-8.
        unsafe {
            let vec = out.as_mut_vec();
            let dst = vec.as_mut_ptr().add(len);
            _mm512_storeu_si512(dst.cast(), first);
            _mm512_storeu_si512(dst.add(first_len).cast(), second);
            vec.set_len(len + first_len + second_len);
        }
        p += n;
    }
    // The rest (from a char boundary: every byte before `p` was ASCII).
    if p < end {
        escape_javascript_scalar(text, p, end, out);
    }
}

/// Whether the AVX-512 escaper may run (in tests: whether this thread's tests let it).
#[cfg(all(test, target_arch = "x86_64"))]
fn avx512_allowed() -> bool {
    !SCALAR_ONLY.with(|s| s.get())
}

#[cfg(all(not(test), target_arch = "x86_64"))]
#[inline(always)]
fn avx512_allowed() -> bool {
    true
}

#[cfg(all(test, target_arch = "x86_64"))]
thread_local! {
    /// Set by tests that compare the AVX-512 escaper with the scalar one.
    static SCALAR_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// [`escape_javascript`] of `text[start..end]`, shorter than 16 bytes and on
/// char boundaries, whose bytes to rewrite are `mask` (bit `i`: byte
/// `start + i`). (The runs between them are read from `text`, which may have
/// 16 bytes from where they start: see [`push_run`].)
#[inline(never)]
fn escape_short_marked(text: &str, start: usize, end: usize, mask: u32, out: &mut String) {
    let run = escape_marked(text, start, mask, start, out);
    push_run(text, run, end, out);
}

/// [`escape_javascript`] of a text of 16 bytes or more (any text is escaped
/// right here, though).
#[inline(never)]
fn escape_long_text(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    // `bytes[run..]` is not written yet; every byte of `bytes[run..p]` is plain.
    let mut run = 0;
    let mut p = 0;
    while let Some(chunk) = bytes.get(p..).and_then(|rest| rest.first_chunk::<16>()) {
        run = escape_marked(s, p, scan::js_specials(chunk), run, out);
        p += 16;
    }
    // The last bytes (fewer than 16): the text's last 16 bytes again, without
    // the marks of those already read, or a short text padded with spaces.
    if p < bytes.len() {
        let (base, mask) = match bytes.last_chunk::<16>() {
            Some(last) => {
                let base = bytes.len() - 16;
                (base, scan::js_specials(last) & (u32::MAX << (p - base)))
            }
            None => (0, short_js_specials(bytes)),
        };
        run = escape_marked(s, base, mask, run, out);
    }
    out.push_str(s.get(run..).unwrap_or(""));
}

/// [`scan::js_specials`] of a text shorter than 16 bytes (bit `i`: byte `i`).
/// The text is read as two overlapping words, without copying it into a
/// padded chunk (a `memcpy` call for each short id, name or tag).
#[inline(always)]
fn short_js_specials(bytes: &[u8]) -> u32 {
    let n = bytes.len();
    // Words of 8 (or 4) bytes at both ends of the text (they overlap when the
    // text is shorter than 16, or 8), side by side in two registers; then the
    // mask of the second word is moved to the positions of its bytes. (Put
    // side by side in a chunk in memory, they were read back as one 16-byte
    // load that the CPU cannot forward from the two stores: a stall.)
    if let (Some(lo), Some(hi)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        let m = scan::js_specials_words(u64::from_le_bytes(*lo), u64::from_le_bytes(*hi));
        return (m & 0xFF) | (m >> 8) << (n - 8);
    }
    const SPACES: u64 = 0x2020_2020_2020_2020;
    if let (Some(lo), Some(hi)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let words = u64::from(u32::from_le_bytes(*lo)) | u64::from(u32::from_le_bytes(*hi)) << 32;
        let m = scan::js_specials_words(words, SPACES);
        return (m & 0xF) | ((m >> 4) & 0xF) << (n - 4);
    }
    // Up to 3 bytes, padded with spaces.
    let mut word = SPACES;
    for (i, &b) in bytes.iter().enumerate() {
        let shift = 8 * i as u32;
        word = (word & !(0xFF << shift)) | (u64::from(b) << shift);
    }
    scan::js_specials_words(word, SPACES)
}

/// Escapes the marked bytes of the 16 from `base` (bit `i`: byte `base + i`)
/// that are not yet written; returns the new `run`.
#[inline(always)]
fn escape_marked(s: &str, base: usize, mut mask: u32, mut run: usize, out: &mut String) -> usize {
    while mask != 0 {
        let k = base + mask.trailing_zeros() as usize;
        mask &= mask - 1;
        // The other bytes of a non-ASCII character already written.
        if k < run {
            continue;
        }
        push_run(s, run, k, out);
        let b = s.as_bytes().get(k).copied().unwrap_or(0);
        // The two-character escapes (the usual ones) here, the others apart.
        match JS_SHORT_TEXT
            .get(usize::from(JS_CLASS.get(usize::from(b)).copied().unwrap_or(0)).wrapping_sub(2))
        {
            Some(text) => {
                out.push_str(text);
                run = k + 1;
            }
            None => run = escape_long(s, k, out),
        }
    }
    run
}

/// Writes `s[run..k]`, plain bytes. A run of up to 16 bytes with 16 bytes of
/// `s` from its start is written as those 16 bytes cut back to the run: a
/// copy of a size the compiler knows, where a copy of the run's length was a
/// `memcpy` call (W2's descriptions without AVX-512: 539 a render).
#[inline(always)]
fn push_run(s: &str, run: usize, k: usize, out: &mut String) {
    let n = k.wrapping_sub(run);
    if n <= 16
        && out.capacity() - out.len() >= 16
        && let Some(block) = run.checked_add(16).and_then(|end| s.get(run..end))
    {
        let len = out.len();
        out.push_str(block);
        // (`k` is a char boundary: the bytes from `run` to it are plain.)
        out.truncate(len + n);
        return;
    }
    out.push_str(s.get(run..k).unwrap_or(""));
}

/// The two-character escapes (classes 2.. of [`JS_CLASS`]).
const JS_SHORT_TEXT: [&str; 9] = [
    "\\'", "\\\"", "\\\\", "\\/", "\\b", "\\n", "\\t", "\\f", "\\r",
];

/// Writes the `\uXXXX` escape(s) of the character at `k` (a control
/// character or a non-ASCII one); returns the position after it.
#[inline(never)]
fn escape_long(s: &str, k: usize, out: &mut String) -> usize {
    let c = s
        .get(k..)
        .and_then(|t| t.chars().next())
        .unwrap_or('\u{FFFD}');
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        push_u_escape(*unit, out);
    }
    k + c.len_utf8()
}

fn push_u_escape(unit: u16, out: &mut String) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(UPPER_HEX[usize::from((unit >> shift) & 0xF)] as char);
    }
}

/// `$util.urlEncode(s)`: `URLEncoder.encode(s, UTF_8)`. Letters, digits and `.-*_`
/// stay, a space becomes `+`, every other byte of the UTF-8 text is `%XX`
/// (upper-case hex); `~` is encoded.
pub fn url_encode(s: &str, out: &mut String) {
    out.reserve(s.len());
    for &b in s.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(UPPER_HEX[usize::from(b >> 4)] as char);
                out.push(UPPER_HEX[usize::from(b & 0xF)] as char);
            }
        }
    }
}

/// The zeros of the runs of ten decimal digits (Unicode category Nd) in the Basic
/// Multilingual Plane, as JDK 17 knows them.
const DIGIT_ZEROS: [u16; 37] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

/// `Character.digit(c, 16)`: any decimal digit, and the ASCII and full-width letters a-f.
fn hex_digit(c: u16) -> Option<i32> {
    match c {
        0x41..=0x46 => Some(i32::from(c) - 0x41 + 10),
        0x61..=0x66 => Some(i32::from(c) - 0x61 + 10),
        0xFF21..=0xFF26 => Some(i32::from(c) - 0xFF21 + 10),
        0xFF41..=0xFF46 => Some(i32::from(c) - 0xFF41 + 10),
        _ => {
            let i = DIGIT_ZEROS.partition_point(|z| *z <= c).checked_sub(1)?;
            let d = c - DIGIT_ZEROS[i];
            (d < 10).then_some(i32::from(d))
        }
    }
}

/// `Integer.parseInt(s, i + 1, i + 3, 16)` on the two characters after a `%`: an
/// optional sign and hex digits.
fn parse_escape(a: u16, b: u16) -> Result<i32, UtilError> {
    let bad = || {
        error(format!(
            "URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 in: \"{}\"",
            String::from_utf16_lossy(&[a, b])
        ))
    };
    match a {
        0x2B | 0x2D => {
            let d = hex_digit(b).ok_or_else(bad)?;
            Ok(if a == 0x2D { -d } else { d })
        }
        _ => Ok(hex_digit(a).ok_or_else(bad)? * 16 + hex_digit(b).ok_or_else(bad)?),
    }
}

/// `$util.urlDecode(s)`: `URLDecoder.decode(s, UTF_8)`. `+` is a space; each run of
/// `%XX` escapes is decoded as UTF-8 (malformed bytes become U+FFFD, as
/// `new String(bytes, UTF_8)` does). A bad or incomplete escape throws. Java's
/// `Integer.parseInt` reads the escapes, so `%+1` is byte 1 and other scripts'
/// digits count as digits.
pub fn url_decode(s: &str) -> Result<String, UtilError> {
    if !s.contains(['+', '%']) {
        return Ok(s.to_string());
    }
    // Java counts UTF-16 units.
    let units: Vec<u16> = s.encode_utf16().collect();
    let n = units.len();
    let mut out: Vec<u16> = Vec::with_capacity(n);
    let mut bytes: Vec<u8> = Vec::new();
    let mut decoded = String::new();
    let mut i = 0;
    while i < n {
        match units[i] {
            0x2B => {
                out.push(0x20);
                i += 1;
            }
            0x25 => {
                bytes.clear();
                let mut c = 0x25;
                while i + 2 < n && c == 0x25 {
                    let v = parse_escape(units[i + 1], units[i + 2])?;
                    if v < 0 {
                        return Err(error(
                            "URLDecoder: Illegal hex characters in escape (%) pattern - negative value",
                        ));
                    }
                    bytes.push(v as u8);
                    i += 3;
                    if i < n {
                        c = units[i];
                    }
                }
                if i < n && c == 0x25 {
                    return Err(error("URLDecoder: Incomplete trailing escape (%) pattern"));
                }
                decoded.clear();
                java_utf8_decode(&bytes, &mut decoded);
                out.extend(decoded.encode_utf16());
            }
            u => {
                out.push(u);
                i += 1;
            }
        }
    }
    Ok(String::from_utf16_lossy(&out))
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `$util.base64Encode(s)`: `Base64.getEncoder().encodeToString(s.getBytes(UTF_8))`
/// (standard alphabet, with padding).
pub fn base64_encode(s: &str, out: &mut String) {
    let b = s.as_bytes();
    out.reserve(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        out.push(BASE64[(v >> 18) as usize & 63] as char);
        out.push(BASE64[(v >> 12) as usize & 63] as char);
        out.push(if n > 1 {
            BASE64[(v >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if n > 2 {
            BASE64[v as usize & 63] as char
        } else {
            '='
        });
    }
}

fn base64_value(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// `$util.base64Decode(s)`: `new String(Base64.getDecoder().decode(s), UTF_8)`.
/// The basic decoder: standard alphabet only (no `-`/`_`, no white space), padding
/// optional but, when present, correct; nothing may follow it. The decoded bytes
/// are read as UTF-8, malformed ones becoming U+FFFD.
pub fn base64_decode(s: &str) -> Result<String, UtilError> {
    // `decode(String)` takes the ISO-8859-1 bytes of the text: other characters become `?`.
    let src: Vec<u8> = s
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    let sl = src.len();
    if sl == 0 {
        return Ok(String::new());
    }
    if sl < 2 {
        return Err(error(
            "Input byte[] should at least have 2 bytes for base64 bytes",
        ));
    }
    let mut dst: Vec<u8> = Vec::with_capacity(sl / 4 * 3 + 3);
    let mut bits: u32 = 0;
    let mut shiftto: i32 = 18;
    let mut sp = 0;
    while sp < sl {
        let b = src[sp];
        sp += 1;
        match base64_value(b) {
            Some(v) => {
                bits |= v << shiftto;
                shiftto -= 6;
                if shiftto < 0 {
                    dst.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]);
                    shiftto = 18;
                    bits = 0;
                }
            }
            None if b == b'=' => {
                // "=" with nothing before it in the unit, or "xx=" not followed by "=".
                let bad = if shiftto == 6 {
                    if sp == sl {
                        true
                    } else {
                        let next = src[sp];
                        sp += 1;
                        next != b'='
                    }
                } else {
                    shiftto == 18
                };
                if bad {
                    return Err(error("Input byte array has wrong 4-byte ending unit"));
                }
                break;
            }
            None => {
                return Err(error(format!("Illegal base64 character {:x}", b as i8)));
            }
        }
    }
    match shiftto {
        6 => dst.push((bits >> 16) as u8),
        0 => dst.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8]),
        12 => return Err(error("Last unit does not have enough valid bits")),
        _ => {}
    }
    if sp < sl {
        return Err(error(format!(
            "Input byte array has incorrect ending byte at {sp}"
        )));
    }
    let mut out = String::with_capacity(dst.len());
    java_utf8_decode(&dst, &mut out);
    Ok(out)
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// `new String(bytes, UTF_8)` (JDK 17): valid UTF-8 decoded, each malformed
/// sequence replaced by U+FFFD exactly where Java's decoder puts one (it differs from
/// [`String::from_utf8_lossy`], e.g. an encoded surrogate `ED A0 80` is one U+FFFD).
pub fn java_utf8_decode(src: &[u8], out: &mut String) {
    if let Ok(s) = std::str::from_utf8(src) {
        out.push_str(s);
        return;
    }
    const REPL: char = '\u{FFFD}';
    let sl = src.len();
    let mut sp = 0;
    let push = |out: &mut String, cp: u32| out.push(char::from_u32(cp).unwrap_or(REPL));
    while sp < sl {
        let b1 = src[sp];
        sp += 1;
        if b1 < 0x80 {
            out.push(b1 as char);
        } else if (0xC2..=0xDF).contains(&b1) {
            if sp < sl {
                let b2 = src[sp];
                if !is_continuation(b2) {
                    out.push(REPL);
                } else {
                    sp += 1;
                    push(out, (u32::from(b1 & 0x1F) << 6) | u32::from(b2 & 0x3F));
                }
                continue;
            }
            out.push(REPL);
            break;
        } else if (0xE0..=0xEF).contains(&b1) {
            let malformed3_2 = |b2: u8| (b1 == 0xE0 && (b2 & 0xE0) == 0x80) || !is_continuation(b2);
            if sp + 1 < sl {
                let (b2, b3) = (src[sp], src[sp + 1]);
                sp += 2;
                if malformed3_2(b2) || !is_continuation(b3) {
                    out.push(REPL);
                    sp -= 2;
                    // `malformed3`: skip one byte more when b2 was a fine continuation.
                    if !malformed3_2(b2) {
                        sp += 1;
                    }
                } else {
                    let cp = (u32::from(b1 & 0x0F) << 12)
                        | (u32::from(b2 & 0x3F) << 6)
                        | u32::from(b3 & 0x3F);
                    if (0xD800..=0xDFFF).contains(&cp) {
                        out.push(REPL);
                    } else {
                        push(out, cp);
                    }
                }
                continue;
            }
            if sp < sl && malformed3_2(src[sp]) {
                out.push(REPL);
                continue;
            }
            out.push(REPL);
            break;
        } else if (0xF0..=0xF7).contains(&b1) {
            let malformed4_2 = |b2: u8| {
                (b1 == 0xF0 && !(0x90..=0xBF).contains(&b2))
                    || (b1 == 0xF4 && (b2 & 0xF0) != 0x80)
                    || !is_continuation(b2)
            };
            if sp + 2 < sl {
                let (b2, b3, b4) = (src[sp], src[sp + 1], src[sp + 2]);
                sp += 3;
                let cp = (u32::from(b1 & 0x07) << 18)
                    | (u32::from(b2 & 0x3F) << 12)
                    | (u32::from(b3 & 0x3F) << 6)
                    | u32::from(b4 & 0x3F);
                if !is_continuation(b2)
                    || !is_continuation(b3)
                    || !is_continuation(b4)
                    || !(0x10000..=0x10FFFF).contains(&cp)
                {
                    out.push(REPL);
                    sp -= 3;
                    // `malformed4`: how many bytes the malformed sequence spans.
                    sp += if b1 > 0xF4 || malformed4_2(b2) {
                        0
                    } else if !is_continuation(b3) {
                        1
                    } else {
                        2
                    };
                } else {
                    push(out, cp);
                }
                continue;
            }
            if b1 > 0xF4 || (sp < sl && malformed4_2(src[sp])) {
                out.push(REPL);
                continue;
            }
            sp += 1;
            out.push(REPL);
            if sp < sl && !is_continuation(src[sp]) {
                continue;
            }
            break;
        } else {
            out.push(REPL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut out = String::new();
        escape_javascript(s, &mut out);
        out
    }

    fn enc(s: &str) -> String {
        let mut out = String::new();
        url_encode(s, &mut out);
        out
    }

    fn b64(s: &str) -> String {
        let mut out = String::new();
        base64_encode(s, &mut out);
        out
    }

    /// `escapeJavaScript`, one character at a time.
    fn slow(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '\'' => out.push_str("\\'"),
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '/' => out.push_str("\\/"),
                '\u{8}' => out.push_str("\\b"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\u{c}' => out.push_str("\\f"),
                '\r' => out.push_str("\\r"),
                c if !(' '..='\u{7f}').contains(&c) => {
                    let mut units = [0u16; 2];
                    for u in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{:04X}", u));
                    }
                }
                c => out.push(c),
            }
        }
        out
    }

    /// Expectations from commons-lang 2.6 and JDK 17 (run through a Java harness),
    /// and from the conformance corpus (util.json).
    #[test]
    fn escape_javascript_table() {
        let table = [
            ("hello", "hello"),
            ("", ""),
            ("say \"hi\"", "say \\\"hi\\\""),
            ("it's", "it\\'s"),
            ("a\nb\tc\rd", "a\\nb\\tc\\rd"),
            ("a/b", "a\\/b"),
            ("a\\b", "a\\\\b"),
            ("h\u{e9}llo", "h\\u00E9llo"),
            ("\u{65e5}\u{672c}", "\\u65E5\\u672C"),
            ("\u{1f600}", "\\uD83D\\uDE00"),
            ("\u{1}x", "\\u0001x"),
            (
                "\u{0}\u{1}\u{f}\u{10}\u{1f}\u{80}\u{ff}\u{100}\u{fff}\u{1000}\u{ffff}",
                "\\u0000\\u0001\\u000F\\u0010\\u001F\\u0080\\u00FF\\u0100\\u0FFF\\u1000\\uFFFF",
            ),
            ("\u{8}\t\n\u{c}\r", "\\b\\t\\n\\f\\r"),
            ("\u{7f}", "\u{7f}"),
            (
                "{\"k\":\"v's\",\"n\":1}",
                "{\\\"k\\\":\\\"v\\'s\\\",\\\"n\\\":1}",
            ),
        ];
        for (input, want) in table {
            assert_eq!(esc(input), want, "{input:?}");
        }
    }

    /// Texts shorter than 16 bytes (read as two overlapping words): one
    /// special character at every position of every length.
    #[test]
    fn escape_javascript_short_texts() {
        let specials = [
            ('"', "\\\""),
            ('\'', "\\'"),
            ('\\', "\\\\"),
            ('/', "\\/"),
            ('\n', "\\n"),
            ('\u{1}', "\\u0001"),
            ('\u{e9}', "\\u00E9"),
            ('\u{65e5}', "\\u65E5"),
        ];
        for n in 1..17 {
            for i in 0..n {
                for (c, escaped) in specials {
                    let text: String = (0..n).map(|j| if j == i { c } else { 'a' }).collect();
                    let want = format!("{}{escaped}{}", "a".repeat(i), "a".repeat(n - i - 1));
                    assert_eq!(esc(&text), want, "{text:?}");
                }
            }
            assert_eq!(esc(&"b".repeat(n)), "b".repeat(n));
        }
    }

    /// A string read in place in a larger text (16-byte blocks that run past
    /// its end) is escaped as the string alone: every slice of texts
    /// whose bytes after the slice are special, plain or multi-byte.
    #[test]
    fn escape_javascript_in_matches_the_slice() {
        let texts = [
            r#"item-0001","name": "Blue \"pro\" #1"}"#,
            "abc'def/ghi\"jkl\nmno\u{e9}pqr\u{65e5}stu\u{1F600}vwx",
            "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}xyz",
            "short",
            "",
        ];
        for text in texts {
            for start in 0..=text.len() {
                for end in start..=text.len() {
                    let Some(s) = text.get(start..end) else {
                        continue;
                    };
                    // Without and with room for a 16-byte block (the
                    // block is written only when the output has room).
                    for room in [0, 64] {
                        let mut out = String::with_capacity(room);
                        out.push('<');
                        escape_javascript_in(text, start, end, &mut out);
                        assert_eq!(out, format!("<{}", esc(s)), "{text:?} {start}..{end}");
                    }
                }
            }
        }
    }

    /// Slices of long texts (mostly ASCII, with escapes of all kinds and
    /// some other characters) escaped by the AVX-512 loop where the CPU has
    /// it (64-byte blocks, which need 64 bytes of the text from where they
    /// start), and by the scalar loop alone: both as one character at a time.
    #[test]
    fn escape_javascript_in_with_and_without_avx512() {
        let alphabet = [
            "a",
            "b",
            " ",
            "'",
            "\"",
            "\\",
            "/",
            "\n",
            "\t",
            "\r",
            "\u{8}",
            "\u{c}",
            "\u{1}",
            "\u{1f}",
            "\u{7f}",
            "~",
            "\u{e9}",
            "\u{65e5}",
            "\u{1f600}",
        ];
        let mut rng = crate::testing::Xorshift(0x9E37_79B9_7F4A_7C15);
        let mut next = || rng.next();
        for round in 0..400 {
            // One character in `rare` from the last four of the alphabet
            // (non-ASCII, DEL, `~`), so that many blocks are plain ASCII.
            let rare = [4, 40, 400][round % 3];
            let len = (next() % 300) as usize;
            let text: String = (0..len)
                .map(|_| {
                    let r = next();
                    let i = if r % rare == 0 {
                        alphabet.len() - 1 - (r >> 8) as usize % 4
                    } else {
                        (r >> 8) as usize % (alphabet.len() - 4)
                    };
                    alphabet[i]
                })
                .collect();
            for _ in 0..20 {
                let (a, b) = (next() as usize % (len + 1), next() as usize % (len + 1));
                let (start, end) = (a.min(b), a.max(b));
                let want = match text.get(start..end) {
                    Some(s) => format!("<{}", slow(s)),
                    None => "<".to_string(),
                };
                for scalar_only in [false, true] {
                    SCALAR_ONLY.with(|s| s.set(scalar_only));
                    let mut out = String::from("<");
                    escape_javascript_in(&text, start, end, &mut out);
                    SCALAR_ONLY.with(|s| s.set(false));
                    assert_eq!(
                        out, want,
                        "{text:?} {start}..{end} scalar only: {scalar_only}"
                    );
                }
            }
        }
    }

    /// A slice that is not on char boundaries writes nothing, whatever
    /// comes before its end (plain bytes, specials, other characters).
    #[test]
    fn escape_javascript_in_off_boundaries_writes_nothing() {
        let texts = [
            "abc\u{e9}defghijklmnopqrstuvwxyz",
            "a'c\u{e9}defghijklmnopqrstuvwxyz",
            "\u{e9}\u{65e5}\u{1F600}abcdefghijklmnopqrstuvwxyz",
            "abcdefghijklmnopqrstuvwxyz\u{65e5}",
        ];
        for text in texts {
            for start in 0..=text.len() {
                for end in 0..=text.len() {
                    if text.get(start..end).is_some() {
                        continue;
                    }
                    let mut out = String::with_capacity(64);
                    escape_javascript_in(text, start, end, &mut out);
                    assert_eq!(out, "", "{text:?} {start}..{end}");
                }
            }
        }
    }

    /// The word-at-a-time scan gives what a character-by-character escape gives.
    #[test]
    fn escape_javascript_matches_per_char() {
        let alphabet = [
            'a',
            'b',
            '&',
            '!',
            ' ',
            '\'',
            '"',
            '\\',
            '/',
            '\n',
            '\t',
            '\u{1}',
            '\u{1f}',
            '0',
            '.',
            '\u{7f}',
            '\u{e9}',
            '\u{65e5}',
            '\u{1f600}',
            '#',
            '(',
            '.',
        ];
        let mut rng = crate::testing::Xorshift(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let state = rng.next();
            let len = (state % 40) as usize;
            let mut r = state;
            let s: String = (0..len)
                .map(|i| {
                    if i % 10 == 9 {
                        r = r.rotate_left(17) ^ 0x9E37_79B9_7F4A_7C15;
                    }
                    alphabet[(r >> ((i % 10) * 6)) as usize % alphabet.len()]
                })
                .collect();
            assert_eq!(esc(&s), slow(&s), "{s:?}");
        }
    }

    #[test]
    fn url_encode_table() {
        let table = [
            ("abc", "abc"),
            ("a b+c", "a+b%2Bc"),
            ("a&b=c/d?e#f%g", "a%26b%3Dc%2Fd%3Fe%23f%25g"),
            ("A-z_0.9~*", "A-z_0.9%7E*"),
            ("h\u{e9}llo \u{2713}", "h%C3%A9llo+%E2%9C%93"),
            ("\u{1f600}", "%F0%9F%98%80"),
            ("", ""),
            ("\u{0}\u{7f}", "%00%7F"),
            ("!'()~", "%21%27%28%29%7E"),
        ];
        for (input, want) in table {
            assert_eq!(enc(input), want, "{input:?}");
        }
    }

    #[test]
    fn url_decode_table() {
        let ok = [
            ("a+b%20c%2Bd", "a b c+d"),
            ("%+1", "\u{1}"),
            ("%C3%A9", "\u{e9}"),
            ("%C3x%A9", "\u{fffd}x\u{fffd}"),
            ("%e2%82%ac", "\u{20ac}"),
            ("%\u{ff21}\u{ff21}", "\u{fffd}"),
            ("%\u{663}\u{663}", "3"),
            ("%E2%82", "\u{fffd}"),
            ("%ED%A0%80", "\u{fffd}"),
            ("\u{e9}%41", "\u{e9}A"),
            ("plain", "plain"),
        ];
        for (input, want) in ok {
            assert_eq!(url_decode(input).as_deref(), Ok(want), "{input:?}");
        }
        for bad in ["100%", "100%zz", "%-1", "%4", "%41%", "a%2", "%%41"] {
            assert!(url_decode(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn base64_table() {
        assert_eq!(b64("hello"), "aGVsbG8=");
        assert_eq!(b64(""), "");
        assert_eq!(b64("h\u{e9}llo"), "aMOpbGxv");
        assert_eq!(b64("a"), "YQ==");
        let ok = [
            ("aGVsbG8=", "hello"),
            ("aGVsbG8", "hello"),
            ("aGVsbA", "hell"),
            ("aGVsbA==", "hell"),
            ("YR==", "a"),
            ("YQ", "a"),
            ("", ""),
            ("aMOpbGxv", "h\u{e9}llo"),
            ("7aCA", "\u{fffd}"),
            ("wIA=", "\u{fffd}\u{fffd}"),
            ("YfCfmGI=", "a\u{fffd}b"),
        ];
        for (input, want) in ok {
            assert_eq!(base64_decode(input).as_deref(), Ok(want), "{input:?}");
        }
        for bad in [
            "aGVsbA=",
            "aGVsbA===",
            "Y",
            "=",
            "==",
            "YQ==YQ==",
            "aGVs bG8=",
            "aGVs\nbG8=",
            "-_-_",
            "YQ=x",
            "YWJj=",
            "YWJjZA=",
            "\u{e9}",
            "Y===",
            "YW=",
            "YW==x",
            "!!!not-base64",
        ] {
            assert!(base64_decode(bad).is_err(), "{bad:?}");
        }
    }

    /// The corpus cases of util.json that call one function on a literal or on
    /// `$input.path('P')`, optionally in brackets.
    #[test]
    fn corpus_util_cases() {
        use crate::value::{Heap, Value};
        let file = format!(
            "{}/tests/conformance/template/util.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let suite: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut checked = 0;
        for case in suite["cases"].as_array().unwrap() {
            let template = case["template"].as_str().unwrap();
            let (inner, bracketed) =
                match template.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                    Some(inner) => (inner, true),
                    None => (template, false),
                };
            let Some((name, arg)) = inner.strip_prefix("$util.").and_then(|t| t.split_once('('))
            else {
                continue;
            };
            let Some(arg) = arg.strip_suffix(')') else {
                continue;
            };
            let body = case["input"]["body"].as_str().unwrap_or("");
            let value: Option<String> = if let Some(path) = arg
                .strip_prefix("$input.path('")
                .and_then(|a| a.strip_suffix("')"))
            {
                let mut heap = Heap::new(body, "");
                let doc = crate::json::parse_body(&mut heap).unwrap();
                match crate::jsonpath::read_str(&mut heap, doc, path).unwrap() {
                    Value::Null => None,
                    v => Some(crate::value::print::java_string(&heap, v).unwrap()),
                }
            } else if arg.len() >= 2
                && arg.starts_with('\'')
                && arg.ends_with('\'')
                && !arg[1..arg.len() - 1].contains('\'')
            {
                Some(arg[1..arg.len() - 1].to_string())
            } else {
                continue;
            };
            let result: Option<Result<String, UtilError>> = value.map(|v| {
                let mut out = String::new();
                match name {
                    "escapeJavaScript" => escape_javascript(&v, &mut out),
                    "urlEncode" => url_encode(&v, &mut out),
                    "base64Encode" => base64_encode(&v, &mut out),
                    "urlDecode" => return url_decode(&v),
                    "base64Decode" => return base64_decode(&v),
                    _ => return Err(error("skip")),
                }
                Ok(out)
            });
            let got = match result {
                Some(Err(e)) if e.message == "skip" => continue,
                Some(Err(_)) => None,
                Some(Ok(s)) => Some(s),
                None => Some(String::new()),
            };
            let got = got.map(|s| if bracketed { format!("[{s}]") } else { s });
            assert_eq!(
                got.as_deref(),
                case["expect"]["body"].as_str(),
                "{}: {template}",
                case["name"]
            );
            checked += 1;
        }
        assert!(checked >= 25, "only {checked} corpus cases checked");
    }

    /// Differential check against a file of Java results (`UTIL_EXPECT=file.json`, a
    /// list of `{op, s, want}`): `cargo test --lib apigw::util -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn differential() {
        let Ok(file) = std::env::var("UTIL_EXPECT") else {
            return;
        };
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let mut failures = 0;
        for c in &cases {
            let s = c["s"].as_str().unwrap();
            let want = c["want"].as_str();
            let got: Option<String> = match c["op"].as_str().unwrap() {
                "esc" => Some(esc(s)),
                "urlenc" => Some(enc(s)),
                "b64enc" => Some(b64(s)),
                "urldec" => url_decode(s).ok(),
                "b64dec" => base64_decode(s).ok(),
                other => panic!("{other}"),
            };
            if got.as_deref() != want {
                failures += 1;
                eprintln!("{} {s:?}: got {got:?}, want {want:?} {}", c["op"], c["err"]);
            }
        }
        eprintln!("{failures} of {} differ", cases.len());
        assert_eq!(failures, 0);
    }
}
