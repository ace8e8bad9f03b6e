//! Reading one scalar out of a request body without building its tree.
//!
//! `$input.path('$.statusCode')` or `$input.path('$.body')` needs one string,
//! number, boolean or null of the body. [`BodyLookup`] checks the whole body
//! once (it must be plain JSON, so that the full parser would read it without
//! error), notes where the members of the top-level object are, and finds the
//! value of a simple path (`$.a`, `$.a.b`) from there. Values are read by the
//! full parser's own code ([`super::parse::parse_scalar_at`]); the values of
//! the top-level members the template's paths start with are read during the
//! check, so that their text is gone through once.
//!
//! The check is stricter than the parser: anything it does not accept (a key
//! with an escape, nesting deeper than [`MAX_NESTING`], a number the parser
//! reads as `BigDecimal`, text after the object, a body that is not an object)
//! makes it give up, and the caller parses the whole body as before. Giving up
//! is never wrong; it only costs the full parse. A path whose value is an
//! object or array also gives up: those values are mutable and must be the
//! same objects a later `$input.path('$')` returns.

use super::parse::{SIMPLE_ESCAPE, parse_scalar_at};
use super::scan;
use crate::value::{Heap, Value};

/// The deepest nesting the check follows (the parser's limit is 400).
pub const MAX_NESTING: usize = 64;

/// The most members of an object the check notes (the index is not counted
/// in the render's memory, so it stays small).
pub const MAX_MEMBERS: usize = 4096;

/// A member of an object: where its key's text is (between the quotes) and
/// where its value starts.
#[derive(Clone, Copy, Debug)]
pub struct Member {
    key_start: u32,
    key_end: u32,
    value: u32,
    /// The value, when it was read during the check.
    read: Option<Value>,
}

/// What one render knows about its body.
#[derive(Debug, Default)]
pub struct BodyLookup {
    state: State,
    /// When checked: the top-level object's members in order. (Its
    /// allocation is kept from render to render: see [`BodyLookup::reset`].)
    members: Vec<Member>,
    /// When checked: how many more bytes paths into nested objects may scan
    /// (when they have scanned twice the body, the next paths go through the
    /// full parse, which reads it once for all).
    budget: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// Not looked at yet.
    #[default]
    Unchecked,
    /// Not plain JSON, or not an object, or too large to index: every path
    /// goes through the full parse.
    Unusable,
    /// Plain JSON, indexed.
    Checked,
}

impl BodyLookup {
    /// A lookup for a new body, with the index's allocation taken from
    /// `spare` (left by [`BodyLookup::recycle`]; W1's index was a `malloc`
    /// and a `free` per render).
    #[inline(always)]
    pub fn reusing(spare: &mut BodyLookup) -> BodyLookup {
        BodyLookup {
            state: State::Unchecked,
            members: std::mem::take(&mut spare.members),
            budget: 0,
        }
    }

    /// Gives the index's allocation, emptied, to `spare`, for
    /// [`BodyLookup::reusing`].
    #[inline(always)]
    pub fn recycle(&mut self, spare: &mut BodyLookup) {
        std::mem::swap(&mut self.members, &mut spare.members);
        spare.members.clear();
    }

    /// The value of the path `$.keys[0].keys[1]...` in the body, when it is a
    /// string, number, boolean or null, the body is plain JSON, and every
    /// object on the way has plain keys; `None` otherwise (the caller then
    /// reads the path from the parsed body). On first use the body is checked,
    /// and the scalar values of the top-level members whose keys `wanted`
    /// accepts are read on the way.
    pub fn find<'k>(
        &mut self,
        heap: &mut Heap<'_>,
        wanted: &impl Fn(&[u8]) -> bool,
        keys: impl IntoIterator<Item = &'k str>,
    ) -> Option<Value> {
        let (at, read) = self.locate(heap, wanted, keys)?;
        if let Some(v) = read {
            return Some(v);
        }
        let body = heap.body();
        match body.as_bytes().get(at)? {
            b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                // (It cannot fail on a checked body; if it did, the full
                // parse would say why.)
                let text = heap.body_str(0, body.len());
                parse_scalar_at(heap, text, at).ok().map(|(v, _)| v)
            }
            _ => None,
        }
    }

    /// Where the value of the path `$.keys[0].keys[1]...` starts in the body
    /// (any value), when the body is plain JSON and every object on the way
    /// has plain keys, with the value when the check read it; `None`
    /// otherwise. The body is checked on first use, as for [`BodyLookup::find`].
    pub fn locate<'k>(
        &mut self,
        heap: &mut Heap<'_>,
        wanted: &impl Fn(&[u8]) -> bool,
        keys: impl IntoIterator<Item = &'k str>,
    ) -> Option<(usize, Option<Value>)> {
        let body = heap.body();
        let bytes = body.as_bytes();
        let mut keys = keys.into_iter();
        let first = keys.next()?;
        if self.state == State::Unchecked {
            self.members.clear();
            self.state = match index_body(heap, wanted, &mut self.members) {
                Some(()) => {
                    self.budget = bytes.len().saturating_mul(2);
                    State::Checked
                }
                None => State::Unusable,
            };
        }
        if self.state != State::Checked {
            return None;
        }
        let (root, budget) = (&self.members, &mut self.budget);
        let member = *last_member(bytes, root, first)?;
        let mut at = member.value as usize;
        let mut read = member.read;
        let mut members = Vec::new();
        for key in keys {
            read = None;
            members.clear();
            if bytes.get(at) != Some(&b'{') {
                return None;
            }
            let scanned =
                object(bytes, at, &mut members, &|_| false, &mut |_| None).map(|end| end - at);
            match scanned {
                Some(n) if n <= *budget => *budget -= n,
                _ => {
                    self.state = State::Unusable;
                    return None;
                }
            }
            at = last_member(bytes, &members, key)?.value as usize;
        }
        Some((at, read))
    }
}

/// The last member named `key` (json-smart: a repeated key takes the last
/// value).
fn last_member<'m>(bytes: &[u8], members: &'m [Member], key: &str) -> Option<&'m Member> {
    members
        .iter()
        .rev()
        .find(|m| bytes.get(m.key_start as usize..m.key_end as usize) == Some(key.as_bytes()))
}

/// Adds the members of the body's top-level object to `members`, when the
/// body is one plain JSON object (white space around it allowed) and fits in
/// `u32` offsets.
/// The scalar values of the members named in `wanted` are read.
fn index_body(
    heap: &mut Heap<'_>,
    wanted: &impl Fn(&[u8]) -> bool,
    members: &mut Vec<Member>,
) -> Option<()> {
    let body = heap.body();
    let bytes = body.as_bytes();
    if u32::try_from(bytes.len()).is_err() {
        return None;
    }
    let text = heap.body_str(0, body.len());
    let at = skip_ws(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    let end = object(bytes, at, members, wanted, &mut |at| {
        parse_scalar_at(heap, text, at).ok()
    })?;
    (skip_ws(bytes, end) == bytes.len()).then_some(())
}

/// Reads the scalar value of a wanted member during the check, from where it
/// starts: the value and where it ends, or `None` to give up. (A type
/// parameter, not a `dyn`: the reader is inlined into the check.)
trait ReadMember: FnMut(usize) -> Option<(Value, usize)> {}
impl<F: FnMut(usize) -> Option<(Value, usize)>> ReadMember for F {}

// A strict JSON checker (RFC 8259): `object` checks an object and notes its
// members, `value` checks any value inside one.

/// Checks the object whose `{` is at `p`, adds its members to `members`
/// (the scalar values of those whose keys `wanted` accepts read by `read`),
/// and returns where it ends (after its `}`). A key with an escape, or more
/// than [`MAX_MEMBERS`] members, gives up. (Not inlined: inlined into
/// `locate`, twice, its loop kept its values on the stack; W1 9,539 -> 9,395
/// instructions per render.)
#[inline(never)]
fn object(
    b: &[u8],
    p: usize,
    members: &mut Vec<Member>,
    wanted: &impl Fn(&[u8]) -> bool,
    read: &mut impl ReadMember,
) -> Option<usize> {
    let mut p = skip_ws(b, p + 1);
    if *b.get(p)? == b'}' {
        return Some(p + 1);
    }
    loop {
        if *b.get(p)? != b'"' {
            return None;
        }
        let key_start = p + 1;
        let (after, escaped) = string_end(b, p)?;
        let key_end = after - 1;
        p = skip_ws(b, after);
        if *b.get(p)? != b':' {
            return None;
        }
        p = skip_ws(b, p + 1);
        if escaped || members.len() >= MAX_MEMBERS {
            return None;
        }
        let at = p;
        // (`read` is called only for the wanted members, the others do
        // without a call: W1, 3 of 5 members, 53 instructions fewer.)
        let done = match b.get(at)? {
            b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
                if wanted(b.get(key_start..key_end)?) =>
            {
                let (v, end) = read(at)?;
                p = end;
                Some(v)
            }
            _ => {
                p = value(b, at, 1)?;
                None
            }
        };
        members.push(Member {
            key_start: key_start as u32,
            key_end: key_end as u32,
            value: at as u32,
            read: done,
        });
        p = skip_ws(b, p);
        match *b.get(p)? {
            b',' => p = skip_ws(b, p + 1),
            b'}' => return Some(p + 1),
            _ => return None,
        }
    }
}

/// Checks the value at `p` (an object or array, with everything in it, or a
/// scalar), inside `outer` containers, and returns where it ends. Nesting
/// deeper than [`MAX_NESTING`] containers in all gives up.
fn value(b: &[u8], mut p: usize, outer: usize) -> Option<usize> {
    // Bit `d` of `objects`: the container at depth `d` (0: the outermost
    // one of this value) is an object.
    let mut objects = 0u64;
    let mut depth = 0usize;
    loop {
        // At a value.
        match *b.get(p)? {
            open @ (b'{' | b'[') => {
                if outer + depth >= MAX_NESTING {
                    return None;
                }
                let object = open == b'{';
                objects = (objects & !(1 << depth)) | (u64::from(object) << depth);
                depth += 1;
                p = skip_ws(b, p + 1);
                // (`}` and `]` are two after `{` and `[`.)
                if *b.get(p)? == open + 2 {
                    p += 1;
                    depth -= 1;
                } else {
                    if object {
                        p = key(b, p)?;
                    }
                    continue;
                }
            }
            b'"' => p = string_end(b, p)?.0,
            b'-' | b'0'..=b'9' => {
                let (end, decimal) = number_end(b, p)?;
                // Numbers with a fraction or exponent longer than 18
                // characters (read as `BigDecimal`, which can fail) give up.
                if decimal && end - p > 18 {
                    return None;
                }
                p = end;
            }
            b't' => p = word_end(b, p, b"true")?,
            b'f' => p = word_end(b, p, b"false")?,
            b'n' => p = word_end(b, p, b"null")?,
            _ => return None,
        }
        // After a value: the next one, or the ends of containers.
        loop {
            if depth == 0 {
                return Some(p);
            }
            p = skip_ws(b, p);
            let object = objects >> (depth - 1) & 1 == 1;
            match *b.get(p)? {
                b',' => {
                    p = skip_ws(b, p + 1);
                    if object {
                        p = key(b, p)?;
                    }
                    break;
                }
                b'}' if object => {
                    p += 1;
                    depth -= 1;
                }
                b']' if !object => {
                    p += 1;
                    depth -= 1;
                }
                _ => return None,
            }
        }
    }
}

/// The first byte from `p` on that is not white space (or the end).
#[inline(always)]
fn skip_ws(b: &[u8], mut p: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = b.get(p) {
        p += 1;
    }
    p
}

/// A key of a nested object and its colon, at `p`: where the value starts.
#[inline(always)]
fn key(b: &[u8], p: usize) -> Option<usize> {
    if *b.get(p)? != b'"' {
        return None;
    }
    let p = skip_ws(b, string_end(b, p)?.0);
    if *b.get(p)? != b':' {
        return None;
    }
    Some(skip_ws(b, p + 1))
}

/// The special bytes (see [`scan::specials`]) of a 32-byte block, as a
/// 32-bit mask: one test per 32 bytes of a long string, where blocks of 16
/// were twice as many rounds of the loop.
#[inline(always)]
fn specials32(block: &[u8; 32]) -> u32 {
    let (lo, hi) = block.split_at(16);
    let half = |h: &[u8]| h.first_chunk::<16>().map_or(0, scan::specials::<false>);
    half(lo) | half(hi) << 16
}

/// Where the string whose opening quote is at `p` ends (after its closing
/// quote), and whether it holds an escape. Every special byte of a 32-byte
/// block is handled from one mask.
#[inline(always)]
fn string_end(b: &[u8], p: usize) -> Option<(usize, bool)> {
    let mut p = p + 1;
    let mut escaped = false;
    loop {
        let mut mask = match b.get(p..).and_then(|rest| rest.first_chunk::<32>()) {
            Some(block) => specials32(block),
            None => {
                // The last bytes: padded with plain ones.
                let rest = b.get(p..)?;
                let mut padded = [b' '; 32];
                padded.get_mut(..rest.len())?.copy_from_slice(rest);
                let mask = specials32(&padded) & ((1u64 << rest.len()) - 1) as u32;
                if mask == 0 {
                    // No closing quote.
                    return None;
                }
                mask
            }
        };
        // Where the next block starts.
        let mut next = p + 32;
        while mask != 0 {
            let k = p + mask.trailing_zeros() as usize;
            match *b.get(k)? {
                b'"' => return Some((k + 1, escaped)),
                b'\\' => {
                    escaped = true;
                    let after = k + 1 + escape_len(b.get(k + 1..)?)?;
                    if after >= p + 32 {
                        next = after;
                        break;
                    }
                    // Drop the marks up to the end of the escape.
                    mask &= u32::MAX << (after - p);
                }
                // A control character.
                _ => return None,
            }
        }
        p = next;
    }
}

/// Whether a byte (or the end) may follow a number or a literal.
#[inline]
pub(super) fn ends_value(b: Option<&u8>) -> bool {
    matches!(
        b,
        None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}' | b']')
    )
}

/// Where the number in JSON's grammar at `start` ends, when a byte that can
/// follow a value follows it; and whether it has a fraction or an exponent.
#[inline]
pub(super) fn number_end(b: &[u8], start: usize) -> Option<(usize, bool)> {
    let digits = |p: &mut usize| {
        let from = *p;
        while b.get(*p).is_some_and(u8::is_ascii_digit) {
            *p += 1;
        }
        *p > from
    };
    let mut p = start;
    if b.get(p) == Some(&b'-') {
        p += 1;
    }
    match b.get(p)? {
        b'0' => p += 1,
        b'1'..=b'9' => {
            digits(&mut p);
        }
        _ => return None,
    }
    let mut decimal = false;
    if b.get(p) == Some(&b'.') {
        p += 1;
        decimal = true;
        if !digits(&mut p) {
            return None;
        }
    }
    if let Some(b'e' | b'E') = b.get(p) {
        p += 1;
        decimal = true;
        if let Some(b'+' | b'-') = b.get(p) {
            p += 1;
        }
        if !digits(&mut p) {
            return None;
        }
    }
    ends_value(b.get(p)).then_some((p, decimal))
}

/// Where `word` (`true`, `false`, `null`) at `at` ends, when it is there and a
/// byte that can follow a value follows it.
#[inline]
pub(super) fn word_end(b: &[u8], at: usize, word: &[u8]) -> Option<usize> {
    let end = at + word.len();
    (b.get(at..end)? == word && ends_value(b.get(end))).then_some(end)
}

/// The length of a valid escape after its backslash (`n`, `uXXXX`, ...).
fn escape_len(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        &e if SIMPLE_ESCAPE[usize::from(e)] != 0 => Some(1),
        b'u' => rest
            .get(1..5)?
            .iter()
            .all(u8::is_ascii_hexdigit)
            .then_some(5),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::print::write_java_string;

    /// The value found, as Java prints it (a string quoted), or `None`: give
    /// up. `wanted`: the top-level keys whose values are read during the check.
    fn find_with(body: &str, wanted: &[&str], path: &[&str]) -> Option<String> {
        let mut heap = Heap::new(body, "");
        let wanted = |key: &[u8]| wanted.iter().any(|w| w.as_bytes() == key);
        let v = BodyLookup::default().find(&mut heap, &wanted, path.iter().copied())?;
        let mut out = String::new();
        write_java_string(&heap, v, &mut out).unwrap();
        Some(match v {
            Value::Str(_) => format!("{out:?}"),
            _ => out,
        })
    }

    fn find(body: &str, path: &[&str]) -> Option<String> {
        find_with(body, &[], path)
    }

    #[test]
    fn finds_scalars_and_gives_up_on_the_rest() {
        let table: &[(&str, &[&str], Option<&str>)] = &[
            (r#"{"a": 1}"#, &["a"], Some("1")),
            (r#" {"a":"x","b":true} "#, &["b"], Some("true")),
            (r#"{"a": {"b": null}}"#, &["a", "b"], Some("null")),
            (r#"{"a": -2.5e3}"#, &["a"], Some("-2500.0")),
            // The last of a repeated key.
            (r#"{"a": 1, "a": 2}"#, &["a"], Some("2")),
            (r#"{"a": {"b": 1}, "a": {"c": 2}}"#, &["a", "b"], None),
            (r#"{"a": {"b": 1}, "a": {"b": 2}}"#, &["a", "b"], Some("2")),
            // Escapes in values are fine; in keys, give up.
            (
                r#"{"s": "a\"b\\c\u00e9\n", "t": 1}"#,
                &["s"],
                Some(r#""a\"b\\cé\n""#),
            ),
            (r#"{"s": "a\"b\\c\u00e9\n", "t": 1}"#, &["t"], Some("1")),
            (r#"{"\u0061": 1}"#, &["a"], None),
            (r#"{"x": {"\u0061": 1}, "a": 2}"#, &["a"], Some("2")),
            (r#"{"x": 1, "a": {"\u0061": 1}}"#, &["a", "a"], None),
            // Not found, not an object on the way, not a scalar: give up.
            (r#"{"a": 1}"#, &["b"], None),
            (r#"{"a": 1}"#, &["a", "b"], None),
            (r#"{"a": [1]}"#, &["a"], None),
            (r#"{"a": {}}"#, &["a"], None),
            // Not plain JSON: give up.
            (r#"[1]"#, &["a"], None),
            (r#""a""#, &["a"], None),
            (r#"{"a": 1} x"#, &["a"], None),
            (r#"{"a": 1,}"#, &["a"], None),
            (r#"{"a": 01}"#, &["a"], None),
            (r#"{"a": 1.}"#, &["a"], None),
            (r#"{"a": 1e}"#, &["a"], None),
            (r#"{"a": 1x}"#, &["a"], None),
            (r#"{"a": truex}"#, &["a"], None),
            (r#"{"a": "\x"}"#, &["a"], None),
            (r#"{"a": "\u12"}"#, &["a"], None),
            ("{\"a\": \"\u{1}\"}", &["a"], None),
            (r#"{"a": "open}"#, &["a"], None),
            (r#"{"a" 1}"#, &["a"], None),
            (r#"{"a": [1 2]}"#, &["a"], None),
            (r#"{"a": [1}"#, &["a"], None),
            (r#"{"a": 1"#, &["a"], None),
            (r#"{'a': 1}"#, &["a"], None),
            (
                r#"{"a": 12345678901234567890123}"#,
                &["a"],
                Some("12345678901234567890123"),
            ),
            ("\u{feff}{\"a\": 1}", &["a"], None),
        ];
        for (body, path, want) in table {
            // Found after the check, and read during it.
            assert_eq!(find(body, path).as_deref(), *want, "{body} {path:?}");
            assert_eq!(
                find_with(body, &["a", "b", "s", "t", "x"], path).as_deref(),
                *want,
                "{body} {path:?}"
            );
        }
    }

    /// A long decimal (a `BigDecimal`) is left to the parser: the check gives
    /// up on it, reading it during the check does not.
    #[test]
    fn long_decimals_are_read_by_the_parser() {
        let body = r#"{"a": 1.0000000000000000001, "b": 2}"#;
        assert_eq!(find(body, &["a"]), None);
        assert_eq!(find(body, &["b"]), None);
        assert_eq!(
            find_with(body, &["a"], &["a"]).as_deref(),
            Some("1.0000000000000000001")
        );
        assert_eq!(find_with(body, &["a"], &["b"]).as_deref(), Some("2"));
    }

    #[test]
    fn objects_with_more_members_than_the_limit_give_up() {
        let object = |n: usize| {
            let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
            format!("{{{}}}", members.join(", "))
        };
        assert_eq!(find(&object(MAX_MEMBERS), &["k7"]).as_deref(), Some("7"));
        assert_eq!(find(&object(MAX_MEMBERS + 1), &["k7"]), None);
        let nested = format!("{{\"a\": {}}}", object(MAX_MEMBERS + 1));
        assert_eq!(find(&nested, &["a", "k7"]), None);
        let nested = format!("{{\"a\": {}}}", object(MAX_MEMBERS));
        assert_eq!(find(&nested, &["a", "k7"]).as_deref(), Some("7"));
    }

    /// Paths into nested objects stop scanning once they have scanned twice
    /// the body.
    #[test]
    fn nested_paths_scan_at_most_twice_the_body() {
        let body = r#"{"a": {"x": 1, "y": 2, "pad": "0123456789"}}"#;
        let mut heap = Heap::new(body, "");
        let mut lookup = BodyLookup::default();
        let wanted = |_: &[u8]| false;
        let mut found = 0;
        while lookup.find(&mut heap, &wanted, ["a", "x"]).is_some() {
            found += 1;
        }
        // The object `a` is 37 of the 44 bytes: two scans fit in 88, a third does not.
        assert_eq!(found, 2);
        assert_eq!(lookup.state, State::Unusable);
        assert_eq!(lookup.find(&mut heap, &wanted, ["a", "y"]), None);
    }

    #[test]
    fn nesting_deeper_than_the_limit_gives_up() {
        let nested = |n: usize| format!("{{\"x\": {}1{}, \"a\": 1}}", "[".repeat(n), "]".repeat(n));
        assert!(find(&nested(MAX_NESTING - 1), &["a"]).is_some());
        assert!(find(&nested(MAX_NESTING), &["a"]).is_none());
    }

    /// A lookup made from a recycled one's allocation knows nothing of the
    /// earlier body.
    #[test]
    fn recycled_lookups_start_afresh() {
        let wanted = |_: &[u8]| false;
        let mut spare = BodyLookup::default();
        for (body, want) in [
            (r#"{"a": 1, "b": 2}"#, Some("1")),
            (r#"{"b": 3}"#, None),
            (r#"[1]"#, None),
            (r#"{"a": "x"}"#, Some("x")),
        ] {
            let mut heap = Heap::new(body, "");
            let mut lookup = BodyLookup::reusing(&mut spare);
            let found = lookup.find(&mut heap, &wanted, ["a"]);
            let text = found.map(|v| match v {
                Value::Str(s) => heap.str(s).to_string(),
                Value::Int(i) => i.to_string(),
                _ => "?".to_string(),
            });
            assert_eq!(text.as_deref(), want, "{body}");
            lookup.recycle(&mut spare);
            assert!(spare.members.is_empty());
        }
    }

    /// Long strings with escapes and quotes at every position of a block.
    #[test]
    fn strings_at_every_alignment() {
        for pad in 0..40 {
            let s = format!("{}\\\"{}", "x".repeat(pad), "y".repeat(pad % 7));
            let body = format!("{{\"s\": \"{s}\", \"a\": {pad}}}");
            assert_eq!(find(&body, &["a"]), Some(pad.to_string()));
            let want = format!("{:?}", s.replace("\\\"", "\""));
            assert_eq!(find(&body, &["s"]), Some(want.clone()));
            assert_eq!(find_with(&body, &["s"], &["s"]), Some(want));
            let body = format!("{{\"s\": \"{s}");
            assert_eq!(find(&body, &["s"]), None);
            assert_eq!(find_with(&body, &["s"], &["s"]), None);
        }
    }
}
