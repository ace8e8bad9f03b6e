//! `$input.json('$')` without building the body's tree.
//!
//! The usual pass-through template writes the whole body back as JSON:
//! parsing it into values and writing them again costs about three times the
//! body in memory, and from a few megabytes on the time per byte grows as that
//! stops fitting in the caches. [`body_as_json`] writes the same text in one
//! pass over the body: white space dropped, structure and plain strings copied,
//! and every string or number whose text may change (escapes, characters
//! json-smart escapes, numbers other than short integers) read and written by
//! the parser's and the writer's own code, one value at a time.
//!
//! Like [`super::lookup`], it gives up (returns `None`, having written nothing
//! the caller keeps) on anything it does not handle: a body that is not plain
//! JSON (RFC 8259) or not an object or array, nesting deeper than
//! [`MAX_NESTING`], a repeated key or a key with an escape or a DEL (where two
//! different texts can name one key, which json-smart's map keeps once), and
//! output or work past the writer's limits. The caller then parses the body
//! and writes it as before, which gives the same text, or the error.

use super::JsonStyle;
use super::lookup::{number_end, word_end};
use super::parse::parse_scalar_at;
use super::scan;
use super::write::{write_quoted, write_value};
use crate::value::{Heap, MAX_PRINT_BYTES, Value};
use std::collections::HashSet;

/// The deepest nesting followed (the parser's limit is 400).
pub const MAX_NESTING: usize = 64;

/// Objects with more keys than this find repeated keys through a hash set.
const LINEAR_KEYS: usize = 16;

/// Writes the body as `$input.json('$')` does (json-smart's compressed
/// style) to the end of `out`; `None` when it gives up (`out` is then cut back
/// to its length before the call).
pub fn body_as_json(heap: &mut Heap<'_>, out: &mut String) -> Option<()> {
    undone_on_none(heap, out, |t, heap, out| {
        t.ws(out)?;
        if !matches!(t.peek()?, b'{' | b'[') {
            return None;
        }
        t.value(heap, out)?;
        t.ws(out)?;
        (t.p == t.b.len()).then_some(())
    })
}

/// Writes the value that starts at byte `at` of the body as
/// `$input.json('$.a.b')` writes it (the body was checked: see
/// [`super::lookup::BodyLookup::locate`]), with the same rules and
/// limits as [`body_as_json`].
pub fn value_as_json(heap: &mut Heap<'_>, at: usize, out: &mut String) -> Option<()> {
    undone_on_none(heap, out, |t, heap, out| {
        t.p = at;
        t.copied = at;
        t.value(heap, out)
    })
}

/// Runs `write` with a transcoder over the body; when it gives up, `out`,
/// the arena and the work budget are as they were.
fn undone_on_none(
    heap: &mut Heap<'_>,
    out: &mut String,
    write: impl FnOnce(&mut Transcoder, &mut Heap<'_>, &mut String) -> Option<()>,
) -> Option<()> {
    let from = out.len();
    let arena = heap.begin_str();
    let work = heap.work_left();
    let mut t = Transcoder::new(heap.body());
    let mut written = write(&mut t, heap, out).and_then(|()| t.copy_to(t.p, out));
    // The writer stops well before this; a text this long is left to it.
    if out.len() - from > MAX_PRINT_BYTES / 2 {
        written = None;
    }
    // Strings and numbers read on the way were made in the arena; none is kept.
    heap.arena_mut().truncate(arena);
    if written.is_none() {
        // As if nothing was done: the caller's full parse and write count
        // their own work.
        heap.set_work_left(work);
        out.truncate(from);
    }
    written
}

/// The keys of one open object.
struct Keys<'b> {
    /// Where the object's keys start in [`Transcoder::keys`].
    start: usize,
    /// The keys' texts as a set, once there are more than [`LINEAR_KEYS`].
    set: Option<HashSet<&'b [u8]>>,
}

/// A key of an open object: a hash of its text, and where the text is.
#[derive(Clone, Copy)]
struct Key {
    hash: u64,
    start: u32,
    end: u32,
}

/// Reads the body and writes its text again. The text written is the body's
/// own, with its white space left out and some strings and numbers replaced:
/// it is copied in runs, from `copied` to the next white space or replaced
/// value, so that a body without white space is one copy.
struct Transcoder<'b> {
    /// The body, as text and as bytes.
    s: &'b str,
    b: &'b [u8],
    p: usize,
    /// The body's text before this is written (or left out).
    copied: usize,
    /// The keys of the open objects.
    keys: Vec<Key>,
    objects: Vec<Keys<'b>>,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'b> Transcoder<'b> {
    fn new(s: &'b str) -> Transcoder<'b> {
        Transcoder {
            s,
            b: s.as_bytes(),
            p: 0,
            copied: 0,
            keys: Vec::new(),
            objects: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.p).copied()
    }

    /// Writes the text not yet written, up to `to` (a position after an
    /// ASCII byte, or the end: a char boundary).
    fn copy_to(&mut self, to: usize, out: &mut String) -> Option<()> {
        out.push_str(self.s.get(self.copied..to)?);
        self.copied = to;
        Some(())
    }

    /// Skips white space, which is not written.
    #[inline(always)]
    fn ws(&mut self, out: &mut String) -> Option<()> {
        if self.peek().is_some_and(is_ws) {
            self.skip_ws(out)?;
        }
        Some(())
    }

    #[inline(never)]
    fn skip_ws(&mut self, out: &mut String) -> Option<()> {
        self.copy_to(self.p, out)?;
        self.p += 1;
        while self.peek().is_some_and(is_ws) {
            self.p += 1;
        }
        self.copied = self.p;
        Some(())
    }

    /// The value at `p` (an object or array with everything in it, or a
    /// scalar), written; `p` moves past it.
    fn value(&mut self, heap: &mut Heap<'_>, out: &mut String) -> Option<()> {
        if u32::try_from(self.b.len()).is_err() {
            return None;
        }
        // Bit `d` of `in_object`: the container at depth `d` is an object.
        let mut in_object = 0u64;
        let mut depth = 0usize;
        loop {
            // At a value: the writer counts each one against its work budget
            // (numbers read and written again count in the writer) and stops
            // when its output is too large.
            let next = self.peek()?;
            if !(matches!(next, b'-' | b'0'..=b'9') || heap.tick())
                || out.len() > MAX_PRINT_BYTES / 2
            {
                return None;
            }
            match next {
                open @ (b'{' | b'[') => {
                    if depth == MAX_NESTING {
                        return None;
                    }
                    let object = open == b'{';
                    in_object = (in_object & !(1 << depth)) | (u64::from(object) << depth);
                    depth += 1;
                    self.p += 1;
                    if object {
                        self.objects.push(Keys {
                            start: self.keys.len(),
                            set: None,
                        });
                    }
                    self.ws(out)?;
                    let close = if object { b'}' } else { b']' };
                    if self.peek()? == close {
                        self.p += 1;
                        self.close(object);
                        depth -= 1;
                    } else {
                        if object {
                            self.key(heap, out)?;
                        }
                        continue;
                    }
                }
                b'"' => {
                    let (end, plain) = self.string_end()?;
                    self.string(heap, out, end, plain)?;
                }
                b'-' | b'0'..=b'9' => self.number(heap, out)?,
                b't' => self.word(b"true")?,
                b'f' => self.word(b"false")?,
                b'n' => self.word(b"null")?,
                _ => return None,
            }
            // After a value: the next one, or the ends of containers.
            loop {
                if depth == 0 {
                    return Some(());
                }
                self.ws(out)?;
                let object = in_object >> (depth - 1) & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.p += 1;
                        self.ws(out)?;
                        if object {
                            self.key(heap, out)?;
                        }
                        break;
                    }
                    b'}' if object => {
                        self.p += 1;
                        self.close(true);
                        depth -= 1;
                    }
                    b']' if !object => {
                        self.p += 1;
                        depth -= 1;
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Forgets the keys of the object that ends.
    fn close(&mut self, object: bool) {
        if object && let Some(keys) = self.objects.pop() {
            self.keys.truncate(keys.start);
        }
    }

    /// A member's key and its colon; gives up on a key seen before in the
    /// same object, and on keys with an escape or a DEL.
    #[inline(always)]
    fn key(&mut self, heap: &mut Heap<'_>, out: &mut String) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.p + 1;
        let (end, plain) = self.string_end()?;
        let b = self.b;
        let text = b.get(start..end)?;
        if !plain && text.iter().any(|&c| c == b'\\' || c == 0x7F) {
            return None;
        }
        let hash = crate::value::fnv1a(text);
        let keys = self.objects.last_mut()?;
        let repeated = match &mut keys.set {
            Some(set) => !set.insert(text),
            None => self.keys[keys.start..]
                .iter()
                .any(|k| k.hash == hash && b.get(k.start as usize..k.end as usize) == Some(text)),
        };
        if repeated {
            return None;
        }
        self.keys.push(Key {
            hash,
            start: start as u32,
            end: end as u32,
        });
        if keys.set.is_none() && self.keys.len() - keys.start > LINEAR_KEYS {
            let earlier = self.keys[keys.start..].iter();
            keys.set = Some(
                earlier
                    .filter_map(|k| b.get(k.start as usize..k.end as usize))
                    .collect(),
            );
        }
        self.string(heap, out, end, plain)?;
        self.ws(out)?;
        if self.peek()? != b':' {
            return None;
        }
        self.p += 1;
        self.ws(out)
    }

    /// The string at `p`, which ends at `end` (its closing quote): left in the
    /// text when it is `plain`, else read and written again.
    #[inline(always)]
    fn string(
        &mut self,
        heap: &mut Heap<'_>,
        out: &mut String,
        end: usize,
        plain: bool,
    ) -> Option<()> {
        if !plain {
            let (v, after) = self.read(heap)?;
            let Value::Str(s) = v else { return None };
            self.copy_to(self.p, out)?;
            write_quoted(heap.str(s), JsonStyle::Compress, out);
            self.copied = after;
        }
        self.p = end + 1;
        Some(())
    }

    /// Where the string at `p` ends (its closing quote), and whether it is
    /// plain: no escape, DEL or non-ASCII byte, so that json-smart reads it as
    /// its text and writes it back unchanged. Gives up on a control character.
    #[inline(always)]
    fn string_end(&self) -> Option<(usize, bool)> {
        let mut p = self.p + 1;
        let mut plain = true;
        loop {
            let (mask, high) = match self.b.get(p..).and_then(|rest| rest.first_chunk::<16>()) {
                Some(chunk) => (scan::specials::<true>(chunk), high_bits(chunk)),
                None => {
                    // The last bytes: padded with plain ones.
                    let rest = self.b.get(p..)?;
                    let mut padded = [b' '; 16];
                    padded[..rest.len()].copy_from_slice(rest);
                    let mask = scan::specials::<true>(&padded) & ((1 << rest.len()) - 1);
                    if mask == 0 {
                        // No closing quote.
                        return None;
                    }
                    (mask, high_bits(&padded))
                }
            };
            let mut mask = mask;
            // Where the next block starts.
            let mut next = p + 16;
            while mask != 0 {
                let k = p + mask.trailing_zeros() as usize;
                match self.b[k] {
                    b'"' => {
                        // Non-ASCII bytes before the quote.
                        let before = (1u128 << (8 * (k - p))) - 1;
                        return Some((k, plain && high & before == 0));
                    }
                    b'\\' => {
                        plain = false;
                        let after = k + 2;
                        if after >= p + 16 {
                            next = after;
                            break;
                        }
                        mask &= u32::MAX << (after - p);
                    }
                    0x7F => {
                        plain = false;
                        mask &= mask - 1;
                    }
                    // A control character.
                    _ => return None,
                }
            }
            plain &= high == 0;
            p = next;
        }
    }

    /// The string or number at `p`, read by the parser; where it ends.
    fn read(&self, heap: &mut Heap<'_>) -> Option<(Value, usize)> {
        let text = heap.body_str(0, heap.body().len());
        parse_scalar_at(heap, text, self.p).ok()
    }

    /// A number in JSON's grammar, followed by a byte that can follow a value:
    /// a short integer is left in the text (json-smart reads it as an
    /// `Integer`, which prints as its text); other numbers are read and
    /// written again.
    fn number(&mut self, heap: &mut Heap<'_>, out: &mut String) -> Option<()> {
        let start = self.p;
        let (p, decimal) = number_end(self.b, start)?;
        let negative = self.b[start] == b'-';
        let int_start = start + usize::from(negative);
        let same = !decimal && p - int_start <= 9 && !(negative && self.b[int_start] == b'0');
        if same {
            if !heap.tick() {
                return None;
            }
        } else {
            let (v, end) = self.read(heap)?;
            if end != p {
                return None;
            }
            self.copy_to(start, out)?;
            write_value(heap, v, JsonStyle::Compress, out, 1).ok()?;
            self.copied = p;
        }
        self.p = p;
        Some(())
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        self.p = word_end(self.b, self.p, word)?;
        Some(())
    }
}

/// The high bit of each byte of `chunk` (in place, as a little-endian
/// number): not zero when a byte is not ASCII.
fn high_bits(chunk: &[u8; 16]) -> u128 {
    u128::from_le_bytes(*chunk) & 0x8080_8080_8080_8080_8080_8080_8080_8080
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse_body, write_json};

    /// What the full parse and write give: the text, or `None` for an error.
    fn tree(body: &str) -> Option<String> {
        let mut heap = Heap::new(body, "");
        let v = parse_body(&mut heap).ok()?;
        let mut out = String::new();
        write_json(&heap, v, JsonStyle::Compress, &mut out).ok()?;
        Some(out)
    }

    fn fast(body: &str) -> Option<String> {
        let mut heap = Heap::new(body, "");
        let mut out = String::from("kept:");
        let arena = heap.begin_str();
        let r = body_as_json(&mut heap, &mut out);
        assert_eq!(heap.begin_str(), arena, "the arena is left as it was");
        match r {
            Some(()) => Some(out["kept:".len()..].to_string()),
            None => {
                assert_eq!(out, "kept:", "nothing is left written on giving up");
                None
            }
        }
    }

    /// Every body the fast path writes, it writes as the full parse does.
    fn agrees(body: &str) -> bool {
        match fast(body) {
            Some(text) => {
                assert_eq!(Some(&text), tree(body).as_ref(), "body {body:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn writes_what_the_full_parse_writes() {
        // (body, whether the fast path takes it)
        let table: &[(&str, bool)] = &[
            (r#"{"a": 1, "b": [true, false, null], "c": {}}"#, true),
            ("  [ ]  ", true),
            (
                r#"{"s": "plain / text", "e": "tab\there \"q\" \u00e9 \/"}"#,
                true,
            ),
            (
                r#"{"n": [0, -1, 123456789, 1234567890, 12345678901234567890]}"#,
                true,
            ),
            (
                r#"{"d": [1.0, 1.50, -0, -0.0, 1e2, 1E-7, 0.1, 123456789.125]}"#,
                true,
            ),
            (r#"{"big": 1.0000000000000000000000001}"#, true),
            ("{\"u\": \"caf\u{e9} \u{2028} \u{85} \u{1F600}\"}", true),
            ("{\"del\": \"a\u{7f}b\"}", true),
            (r#"{"k\u0061": 1}"#, false),
            (r#"{"a": 1, "a": 2}"#, false),
            (r#"{"a": {"b": 1, "b": 2}}"#, false),
            (r#"{"a": {"b": 1}, "b": {"a": 1}}"#, true),
            (r#"{"a": 1,}"#, false),
            (r#"{"a": 01}"#, false),
            (r#"{"a": "x"} x"#, false),
            (r#""just a string""#, false),
            ("", false),
            ("{\"a\": \"ctl\u{1}\"}", false),
            (r#"{"a": "\x"}"#, false),
            (r#"{"a": "unterminated}"#, false),
            (r#"{"a": tru}"#, false),
        ];
        for &(body, taken) in table {
            assert_eq!(agrees(body), taken, "body {body:?}");
        }
    }

    #[test]
    fn repeated_keys_in_large_objects_are_found() {
        let mut body = String::from("{");
        for i in 0..40 {
            body.push_str(&format!("\"k{i}\": {i},"));
        }
        let unique = format!("{}\"last\": 0}}", body);
        assert!(agrees(&unique));
        let repeated = format!("{}\"k3\": 0}}", body);
        assert!(!agrees(&repeated));
    }

    #[test]
    fn too_deep_is_left_to_the_full_parse() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(agrees(&deep(MAX_NESTING)));
        assert!(!agrees(&deep(MAX_NESTING + 1)));
    }

    #[test]
    fn mutated_bodies_agree() {
        let seeds = [
            r#"{"statusCode": 201, "body": "{\"id\":\"a-1\",\"n\":[1,2.5,-3e2]}", "ok": true, "x": null}"#,
            r#"[{"id": "item-0001", "name": "\"pro\" tab\there", "price": 301.26, "tags": ["a", "b"]}]"#,
        ];
        let pieces = [
            "\"", "\\", "\\u00", "\\n", "{", "}", "[", "]", ",", ":", " ", "1", "-", ".", "e", "0",
            "\u{e9}", "\u{7f}", "\u{2028}", "\"a\":", "true", "null",
        ];
        let mut rng = crate::testing::Xorshift(0x2545_f491_4f6c_dd1d);
        let mut rnd = |m: usize| (rng.next() % m as u64) as usize;
        let mut taken = 0;
        for _ in 0..20_000 {
            let mut b = seeds[rnd(seeds.len())].to_string();
            for _ in 0..1 + rnd(3) {
                let mut at = rnd(b.len() + 1);
                while !b.is_char_boundary(at) {
                    at -= 1;
                }
                if rnd(2) == 0 {
                    b.insert_str(at, pieces[rnd(pieces.len())]);
                } else {
                    let mut end = (at + 1 + rnd(3)).min(b.len());
                    while !b.is_char_boundary(end) {
                        end += 1;
                    }
                    b.replace_range(at..end, "");
                }
            }
            taken += usize::from(agrees(&b));
        }
        // Most mutations break the JSON; enough of them still pass for the
        // comparison to mean something.
        assert!(taken > 1_000, "{taken}");
    }

    /// `$input.json(path)` over an unparsed body (the fast paths) and over a
    /// body parsed first (`$input.path('$')` before it): the same text, or
    /// the same error.
    #[test]
    fn template_json_paths_agree_with_the_parsed_body() {
        use crate::{Invocation, Template};
        let bodies = [
            r#"{"a": {"b": [1, 2.50, "x\ty"], "c": null}, "x": "caf\u00e9", "n": -0, "a2": {"b": 1, "b": 2}}"#,
            r#"{"a": {"b": {"c": true}}, "a": {"b": {"d": false}}}"#,
            r#"{"a": 1e3, "x": [{"k": "v"}], "s": "plain"}"#,
            r#"[1, 2]"#,
            r#"{"a": "unterminated}"#,
            "",
        ];
        let paths = [
            "$",
            "$.a",
            "$.a.b",
            "$.a.c",
            "$.x",
            "$.n",
            "$.a2",
            "$.a2.b",
            "$.s",
            "$.missing",
        ];
        for body in bodies {
            for path in paths {
                let fast = Template::parse(&format!("$input.json('{path}')")).unwrap();
                let slow =
                    Template::parse(&format!("#set($d = $input.path('$'))$input.json('{path}')"));
                let inv = Invocation::with_body(body);
                let a = fast.render(&inv).map(|r| r.body).map_err(|e| e.to_string());
                let b = slow
                    .unwrap()
                    .render(&inv)
                    .map(|r| r.body)
                    .map_err(|e| e.to_string());
                // (Errors differ only in where they point in the template.)
                assert_eq!(a.is_ok(), b.is_ok(), "{path} over {body}: {a:?} / {b:?}");
                if a.is_ok() {
                    assert_eq!(a, b, "{path} over {body}");
                }
            }
        }
    }

    #[test]
    fn values_at_simple_paths_are_written_without_the_tree() {
        let body = r#"{"a": {"b": [1, 2.50, "x\ty"], "c": null}, "x": "caf\u00e9", "r": {"k": 1, "k": 2}}"#;
        let cases: &[(&[&str], Option<&str>)] = &[
            (&["a"], Some(r#"{"b":[1,2.5,"x\ty"],"c":null}"#)),
            (&["a", "b"], Some(r#"[1,2.5,"x\ty"]"#)),
            (&["a", "c"], Some("null")),
            (&["x"], Some("\"caf\u{e9}\"")),
            // A repeated key inside: left to the full parse.
            (&["r"], None),
            (&["missing"], None),
        ];
        for (keys, want) in cases {
            let mut heap = Heap::new(body, "");
            let mut lookup = super::super::lookup::BodyLookup::default();
            let at = lookup.locate(&mut heap, &|_| false, keys.iter().copied());
            let mut out = String::new();
            let got = at
                .and_then(|(at, _)| value_as_json(&mut heap, at, &mut out))
                .map(|()| out);
            assert_eq!(got.as_deref(), *want, "{keys:?}");
        }
    }
}
