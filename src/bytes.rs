//! Byte-slice helpers shared by the compiler and the evaluator.

/// `a == b`, without a call to `memcmp` for slices of 4 to `words` bytes:
/// two overlapping 4-byte compares below 8 bytes, then the 8-byte words at
/// 0, 8, 16, ... and the last eight bytes. Longer (or shorter) slices go
/// through `==`. For the short texts and names a template repeats (the
/// parser's shared texts, up to 64 bytes) and the keys a body check looks
/// for (up to 16: W1 9,395 -> 9,374 instructions per render).
#[inline(always)]
pub(crate) fn short_eq(a: &[u8], b: &[u8], words: usize) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], i: usize| {
        s.get(i..)
            .and_then(|w| w.first_chunk::<8>())
            .map(|w| u64::from_le_bytes(*w))
    };
    let half = |s: &[u8], i: usize| {
        s.get(i..)
            .and_then(|w| w.first_chunk::<4>())
            .map(|w| u32::from_le_bytes(*w))
    };
    if n < 4 || n > words.max(8) {
        return a == b;
    }
    if n < 8 {
        return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
    }
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

#[cfg(test)]
mod tests {
    use super::short_eq;

    #[test]
    fn short_eq_is_slice_eq() {
        // Every pair of lengths 0 to 70 (past the word compares), equal or
        // differing in one byte at each place, for both limits in use.
        let text = |n: usize| -> Vec<u8> { (0..n).map(|i| b'a' + (i % 11) as u8).collect() };
        for words in [16, 64] {
            for n in 0..70 {
                let a = text(n);
                for m in 0..70 {
                    assert_eq!(short_eq(&a, &text(m), words), n == m, "{n} {m}");
                }
                for i in 0..n {
                    let mut b = a.clone();
                    b[i] ^= 1;
                    assert!(!short_eq(&a, &b, words), "{n} {i}");
                }
            }
        }
    }
}
