//! Helpers shared by the unit tests.

/// Marsaglia's xorshift64 (shifts 13, 7, 17): the pseudo-random numbers the
/// randomized tests draw from a fixed seed, so that every run checks the
/// same inputs.
pub(crate) struct Xorshift(pub u64);

impl Xorshift {
    /// The next number (the state after one step).
    pub(crate) fn next(&mut self) -> u64 {
        let mut s = self.0;
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        self.0 = s;
        s
    }
}
