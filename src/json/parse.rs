//! JSON text to values, as the oracle's object model does it: the text is first
//! validated by Jackson 2.14 (`ObjectMapper.readTree`, strict JSON, one value,
//! whatever follows it ignored), then read by json-smart 2.2 in permissive mode
//! with the ordered reader. Both happen in one pass here.
//!
//! What json-smart adds to plain JSON, and this parser reproduces:
//! - objects are `LinkedHashMap`s (a repeated key keeps its first position and
//!   takes the last value), arrays are `JSONArray`s;
//! - integers are `Integer`, `Long` or `BigInteger` by size (`-0` is `Integer` 0);
//!   numbers with a fraction or exponent are `Double`, or `BigDecimal` when their
//!   text is longer than 18 characters (`1e400` is `Double` infinity);
//! - nesting deeper than 400 is an error ("Malicious payload");
//! - in a string with a backslash escape, raw DEL characters are dropped;
//! - a top-level number or `true`/`false`/`null` followed by more text (which
//!   Jackson ignores) becomes the whole text as a string (`1 2` reads `"1 2"`).

use super::{bigdec, scan};
use crate::value::{Heap, ListId, ListKind, MapId, MapKind, Str, StrBase, Value};
use std::fmt;

/// json-smart's `JSONParserBase.MAX_DEPTH`.
pub const MAX_DEPTH: usize = 400;

/// JSON text that the oracle's object model rejects, with Jackson's wording where
/// Jackson rejects it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// What is wrong, in Jackson's words (or json-smart's, for the depth limit).
    pub message: String,
    /// Byte offset in the text.
    pub offset: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for JsonError {}

/// Errors travel boxed inside the parser, keeping results small.
type PResult<T> = Result<T, Box<JsonError>>;

/// Parses `text` (a string of the heap, the body or the template source) into a value.
/// Strings without escapes are slices of `text`; the others are unescaped into the arena.
pub fn parse_json(heap: &mut Heap<'_>, text: Str) -> Result<Value, JsonError> {
    with_parser::<true>(heap, text, 0, |p, heap| p.parse_root(heap)).map(|(v, _)| v)
}

#[cfg(test)]
thread_local! {
    static LEVEL: std::cell::Cell<Level> = const { std::cell::Cell::new(Level::Best) };
}

/// Which unescaping loop the tests of this thread run.
#[cfg(test)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Level {
    /// The fastest the CPU allows.
    Best,
    /// Without [`scan::unescape64`] (the loop of CPUs with AVX2 and not
    /// AVX-512).
    Avx2,
    /// Without [`scan::unescape32`] (the loop of CPUs with SSSE3 only).
    Ssse3,
    /// Without [`scan::compact`] either (the loop of other CPUs).
    Portable,
}

/// Runs `f` with strings unescaped with the loop of `level` on this thread
/// (so that tests check every loop on machines that have AVX2).
#[cfg(test)]
pub(super) fn with_unescape_level<R>(level: Level, f: impl FnOnce() -> R) -> R {
    LEVEL.with(|l| l.set(level));
    let r = f();
    LEVEL.with(|l| l.set(Level::Best));
    r
}

/// Whether the AVX-512 loop may run (in tests: whether this thread's tests let it).
#[cfg(test)]
fn avx512_allowed() -> bool {
    LEVEL.with(|l| l.get()) == Level::Best
}

/// Whether the AVX2 loop may run (in tests: whether this thread's tests let it).
#[cfg(test)]
fn avx2_allowed() -> bool {
    matches!(LEVEL.with(|l| l.get()), Level::Best | Level::Avx2)
}

/// Whether the SSSE3 loop may run.
#[cfg(test)]
fn ssse3_allowed() -> bool {
    LEVEL.with(|l| l.get()) != Level::Portable
}

#[cfg(not(test))]
#[inline(always)]
fn avx512_allowed() -> bool {
    true
}

#[cfg(not(test))]
#[inline(always)]
fn avx2_allowed() -> bool {
    true
}

#[cfg(not(test))]
#[inline(always)]
fn ssse3_allowed() -> bool {
    true
}

/// The string, number, `true`, `false` or `null` at byte `at` of `text`, read
/// as [`parse_json`] reads a value inside an object, and where it ends (`text`
/// is a document the caller checks: see [`super::lookup`]).
pub fn parse_scalar_at(
    heap: &mut Heap<'_>,
    text: Str,
    at: usize,
) -> Result<(Value, usize), JsonError> {
    // (Without the stacks, which only objects and arrays use: W1 reads two
    // scalars, 12,640 -> 12,524 instructions per render.)
    with_parser::<false>(heap, text, at, |p, heap| p.parse_scalar(heap))
}

/// Runs `read` with a parser over `text` from byte `at` (with the heap's
/// scratch stacks when `STACKS`, and its byte buffer); gives its result and
/// the position it ended at.
fn with_parser<const STACKS: bool>(
    heap: &mut Heap<'_>,
    text: Str,
    at: usize,
    read: impl FnOnce(&mut Parser, &mut Heap<'_>) -> PResult<Value>,
) -> Result<(Value, usize), JsonError> {
    let (start, end) = (text.start as usize, (text.start + text.len) as usize);
    // The body outlives the heap borrow: read it in place. Other texts are copied
    // first, since the parser adds to the heap while reading.
    let owned: String;
    let src: &str = match text.base() {
        StrBase::Body => heap.body().get(start..end).unwrap_or(""),
        StrBase::Source(_) | StrBase::Arena => {
            owned = heap.str(text).to_owned();
            &owned
        }
    };
    let mut p = Parser {
        src,
        bytes: src.as_bytes(),
        text,
        pos: at,
        vals: Vec::new(),
        ents: Vec::new(),
        outer_vals: Vec::new(),
        outer_ents: Vec::new(),
        frames: Vec::new(),
        indexes: Vec::new(),
        reserved: false,
        unescaped: Vec::new(),
    };
    if STACKS {
        (p.outer_vals, p.outer_ents, p.unescaped) = heap.take_scratch();
    } else {
        p.unescaped = heap.take_scratch_bytes();
    }
    let result = read(&mut p, heap).map_err(|e| *e);
    if STACKS {
        heap.put_scratch((p.outer_vals, p.outer_ents, p.unescaped));
    } else {
        heap.put_scratch_bytes(p.unescaped);
        // A parser of a scalar opens no container: its vectors, stacks and
        // frames were never allocated, and are left without the calls of
        // their drops (W1, which reads two scalars: 8,671 -> 8,631
        // instructions per render; 8,651 before the stacks were of
        // vectors).
        debug_assert!(p.vals.capacity() == 0 && p.ents.capacity() == 0);
        debug_assert!(p.outer_vals.capacity() == 0 && p.outer_ents.capacity() == 0);
        debug_assert!(p.frames.capacity() == 0 && p.indexes.capacity() == 0);
        std::mem::forget(p.vals);
        std::mem::forget(p.ents);
        std::mem::forget(p.outer_vals);
        std::mem::forget(p.outer_ents);
        std::mem::forget(p.frames);
        std::mem::forget(p.indexes);
    }
    result.map(|v| (v, p.pos))
}

/// The body as `$input.path`/`$input.json` see it: parsed, with an empty body read as `{}`.
pub fn parse_body(heap: &mut Heap<'_>) -> Result<Value, JsonError> {
    let len = heap.body().len();
    if len == 0 {
        return Ok(Value::Map(heap.alloc_map(MapKind::Plain, Vec::new())));
    }
    let text = heap.body_str(0, len);
    parse_json(heap, text)
}

/// What the container being read is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Outside the outermost container: its value is the result.
    Root,
    Array,
    Object,
}

/// The state of a container being read; the enclosing ones wait on
/// `Parser::frames`, the innermost one lives in locals of
/// [`Parser::parse_tree`].
#[derive(Clone, Copy)]
struct Frame {
    kind: Kind,
    /// An object's entry (in its vector) whose value is being read: its
    /// key's entry, made when the key is read (with a null value), or the
    /// earlier entry of a repeated key.
    slot: usize,
    /// An object's [`key_bit`]s of the keys seen: a key whose bit is clear
    /// cannot repeat an earlier key.
    seen: u64,
}

/// Objects with more entries than this find repeated keys through a hash index.
const LINEAR_KEYS: usize = 24;

struct Parser<'s> {
    src: &'s str,
    bytes: &'s [u8],
    text: Str,
    pos: usize,
    /// The items of the innermost open array (in the vector its list
    /// takes when it closes)...
    vals: Vec<Value>,
    /// ...and the entries of the innermost open object (likewise).
    ///
    /// (Each container is read into its own vector, taken from the heap's
    /// kept ones, where the items and entries of all open containers were on
    /// two shared stacks and copied to a new vector at each close: W2
    /// 714,647 -> 708,588 instructions per render.)
    ents: Vec<(Value, Value)>,
    /// The vectors of the enclosing open arrays, outermost first (with an
    /// empty one for where there was none)...
    outer_vals: Vec<Vec<Value>>,
    /// ...and of the enclosing open objects.
    outer_ents: Vec<Vec<(Value, Value)>>,
    /// The containers around the innermost one, outermost (a `Root` frame) first.
    frames: Vec<Frame>,
    /// Key indexes of the open large objects (the object's depth, which is
    /// `frames.len()` while it is the innermost; hash of key -> entry
    /// position), innermost last.
    indexes: Vec<(usize, std::collections::HashMap<u64, usize>)>,
    /// The arena has been grown for unescaped strings.
    reserved: bool,
    /// Where a string with escapes is unescaped before it moves to the arena.
    unescaped: Vec<u8>,
}

/// Bytes that end a run of plain string characters: `"`, `\` and control characters.
static STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// What the byte after a backslash stands for; 0 for `u` and invalid escapes.
pub(super) static SIMPLE_ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'/' as usize] = b'/';
    t[b'n' as usize] = b'\n';
    t[b't' as usize] = b'\t';
    t[b'r' as usize] = b'\r';
    t[b'b' as usize] = 8;
    t[b'f' as usize] = 12;
    t
};

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// How Jackson names a character in its messages.
fn describe(c: char) -> String {
    let code = c as u32;
    if code < 0x20 {
        format!("(CTRL-CHAR, code {code})")
    } else {
        format!("('{c}' (code {code}))")
    }
}

/// `Character.isJavaIdentifierPart`, close enough for the characters that can
/// follow a top-level `true`/`false`/`null` (letters, digits, `_`, `$`, and the
/// "ignorable" controls).
fn is_java_identifier_part(c: char) -> bool {
    c.is_alphanumeric()
        || c == '_'
        || c == '$'
        || matches!(c as u32, 0..=8 | 0x0E..=0x1B | 0x7F..=0x9F)
        || matches!(c, '\u{a2}'..='\u{a5}' | '\u{20a0}'..='\u{20c0}' | '\u{203f}' | '\u{2040}')
}

impl<'s> Parser<'s> {
    #[cold]
    fn error(&self, at: usize, message: String) -> Box<JsonError> {
        let at = at.min(self.src.len());
        let (line, column) = crate::error::line_col(self.src, at);
        Box::new(JsonError {
            message,
            offset: at,
            line,
            column,
        })
    }

    fn char_at(&self, at: usize) -> char {
        self.src
            .get(at..)
            .and_then(|s| s.chars().next())
            .unwrap_or('\u{FFFD}')
    }

    #[cold]
    fn unexpected(&self, at: usize, what: &str) -> Box<JsonError> {
        let c = self.char_at(at);
        self.error(at, format!("Unexpected character {}: {what}", describe(c)))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if !is_ws(b) {
                break;
            }
            self.pos += 1;
        }
    }

    fn parse_root(&mut self, heap: &mut Heap<'_>) -> PResult<Value> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            None => Err(self.error(
                start,
                "No content to map due to end-of-input".to_string(),
            )),
            Some(b'{' | b'[') => self.parse_tree(heap),
            Some(b'"') => self.parse_string(heap),
            Some(b'-' | b'0'..=b'9') => {
                let n = self.scan_number()?;
                // Jackson: a root-level number must be followed by white space.
                if let Some(&b) = self.bytes.get(n.end)
                    && !is_ws(b)
                {
                    return Err(self.unexpected(n.end, "Expected space separating root-level values"));
                }
                // json-smart: skipSpace, then anything but the end (or `~` and above) makes it a string.
                let mut p = n.end;
                while let Some(&b) = self.bytes.get(p) {
                    if b > b' ' || b == 0x1A {
                        break;
                    }
                    p += 1;
                }
                match self.bytes.get(p) {
                    None => self.number_value(heap, n),
                    Some(&b) if b == 0x1A || b >= b'~' => self.number_value(heap, n),
                    Some(_) => Ok(self.rest_as_string(start)),
                }
            }
            Some(c @ (b't' | b'f' | b'n')) => {
                let (word, value): (&[u8], Value) = match c {
                    b't' => (b"true", Value::Bool(true)),
                    b'f' => (b"false", Value::Bool(false)),
                    _ => (b"null", Value::Null),
                };
                let end = self.keyword(word)?;
                if end < self.bytes.len() {
                    let next = self.char_at(end);
                    if next >= '0' && next != ']' && next != '}' && is_java_identifier_part(next) {
                        return Err(self.unrecognized_token(start));
                    }
                }
                // json-smart reads everything up to the end as one token.
                match self.rest_as_string(start) {
                    Value::Str(s) if s.len as usize == word.len() => Ok(value),
                    other => Ok(other),
                }
            }
            Some(_) => Err(self.unexpected(
                start,
                "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
            )),
        }
    }

    /// json-smart's reading of a top-level token followed by more text: everything
    /// up to the end (or a U+001A character), trimmed as `String.trim` does.
    fn rest_as_string(&self, start: usize) -> Value {
        let stop =
            memchr::memchr(0x1A, &self.bytes[start..]).map_or(self.bytes.len(), |i| start + i);
        let mut end = stop;
        while end > start && self.bytes[end - 1] <= b' ' {
            end -= 1;
        }
        Value::Str(self.text.slice(start, end))
    }

    #[cold]
    fn unrecognized_token(&self, start: usize) -> Box<JsonError> {
        let mut end = start;
        for (i, c) in self.src[start..].char_indices() {
            if !(c.is_alphanumeric() || c == '_' || c == '$') {
                break;
            }
            end = start + i + c.len_utf8();
        }
        let end = end.max(start + 1).min(self.src.len());
        let token = self.src.get(start..end).unwrap_or("");
        self.error(
            end,
            format!(
                "Unrecognized token '{token}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
            ),
        )
    }

    /// Matches `word` at the current position; returns the position after it.
    fn keyword(&mut self, word: &[u8]) -> PResult<usize> {
        let start = self.pos;
        if self.bytes.get(start..start + word.len()) == Some(word) {
            self.pos = start + word.len();
            Ok(self.pos)
        } else {
            Err(self.unrecognized_token(start))
        }
    }

    #[cold]
    fn eof(&self, what: &str) -> Box<JsonError> {
        self.error(self.bytes.len(), format!("Unexpected end-of-input: {what}"))
    }

    /// Reads `"key"` and the colon after it; leaves the position before the value.
    fn object_key(&mut self, heap: &mut Heap<'_>) -> PResult<Value> {
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.eof("expected close marker for Object")),
            Some(_) => {
                return Err(
                    self.unexpected(self.pos, "was expecting double-quote to start field name")
                );
            }
        }
        let key = self.parse_string(heap)?;
        self.skip_ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                self.skip_ws();
                Ok(key)
            }
            None => Err(self.eof("expected close marker for Object")),
            Some(_) => Err(self.unexpected(
                self.pos,
                "was expecting a colon to separate field name and value",
            )),
        }
    }

    /// A string, number or literal at the position, as [`Parser::parse_tree`]
    /// reads one inside a container.
    fn parse_scalar(&mut self, heap: &mut Heap<'_>) -> PResult<Value> {
        match self.peek() {
            Some(b'"') => self.parse_string(heap),
            Some(b'-' | b'0'..=b'9') => {
                let n = self.scan_number()?;
                self.number_value(heap, n)
            }
            Some(b't') => self.keyword(b"true").map(|_| Value::Bool(true)),
            Some(b'f') => self.keyword(b"false").map(|_| Value::Bool(false)),
            Some(b'n') => self.keyword(b"null").map(|_| Value::Null),
            _ => Err(self.unexpected(self.pos, "expected a string, number or literal")),
        }
    }

    /// An object or array, with everything inside it, without recursion.
    ///
    /// The position and the innermost container's state are kept in locals
    /// (`self.pos` is written only around calls that read it); the common
    /// shapes (plain strings and keys, short numbers, single spaces) are read
    /// inline, everything else by the general readers, which also give the
    /// errors.
    ///
    /// Arrays and objects have a loop each (read a value, attach it, read the
    /// separator and, in an object, the next key), so that the kind of the
    /// innermost container is tested only when a container opens or closes,
    /// not at each value.
    fn parse_tree(&mut self, heap: &mut Heap<'_>) -> PResult<Value> {
        let bytes = self.bytes;
        let mut pos = self.pos;
        // The innermost container's `Frame`, field by field (as one struct
        // in memory, written in pieces and copied to `frames` in 16-byte
        // loads, it stalled the CPU at each container opened: the loads could
        // not be forwarded from the stores).
        let (mut cur_kind, mut cur_slot, mut cur_seen) = (Kind::Root, 0, 0);
        // A value to attach to the innermost container before reading on: a
        // container that has just closed (`have` says whether there is one).
        let mut v = Value::Null;
        let mut have = false;
        // Reads the value at `pos` and runs `$attach` with it as `$v` (a
        // container opens: its frame is pushed and the loop of its kind takes
        // over). (Each kind of value is attached where it is made: a value
        // merged from the branches went through memory.)
        macro_rules! read_value {
            ($tree:lifetime, $eof:expr, $v:ident => $attach:block) => {{
                // (Once more after white space, which is rare before a value.)
                loop {
                    let Some(&b) = bytes.get(pos) else {
                        self.pos = pos;
                        return Err(self.eof($eof));
                    };
                    // (Strings, the most common values, are tested first.)
                    if b == b'"' {
                        let start = pos + 1;
                        let (p, stop) = skip_plain(bytes, start);
                        match stop {
                            b'"' => {
                                pos = p + 1;
                                let $v = Value::Str(self.text.slice(start, p));
                                $attach
                            }
                            b'\\' => {
                                let $v = self.parse_escaped(heap, start)?;
                                pos = self.pos;
                                $attach
                            }
                            _ => {
                                let $v;
                                ($v, pos) = self.bad_string(heap, pos)?;
                                $attach
                            }
                        }
                        break;
                    }
                    match b {
                        b'-' | b'0'..=b'9' => match short_number(bytes, pos) {
                            Some(($v, end)) => {
                                pos = end;
                                $attach
                            }
                            None => {
                                let $v;
                                ($v, pos) = self.long_number(heap, pos)?;
                                $attach
                            }
                        },
                        b'[' | b'{' => {
                            if self.frames.len() + 1 > MAX_DEPTH {
                                return Err(self.too_deep(pos));
                            }
                            pos = skip_ws_from(bytes, pos + 1);
                            if b == b'[' {
                                if bytes.get(pos) == Some(&b']') {
                                    pos += 1;
                                    let $v = Value::List(
                                        heap.alloc_list(ListKind::JsonArray, Vec::new()),
                                    );
                                    $attach
                                } else {
                                    self.frames.push(Frame {
                                        kind: cur_kind,
                                        slot: cur_slot,
                                        seen: cur_seen,
                                    });
                                    self.open_array(heap);
                                    (cur_kind, cur_slot, cur_seen) = (Kind::Array, 0, 0);
                                    continue $tree;
                                }
                            } else if bytes.get(pos) == Some(&b'}') {
                                pos += 1;
                                let $v = Value::Map(heap.alloc_map(MapKind::Plain, Vec::new()));
                                $attach
                            } else {
                                let ((word, base), bit);
                                ((word, base), bit, pos) = self.key_at(heap, pos)?;
                                let key = Str::from_bits(word, base);
                                self.frames.push(Frame {
                                    kind: cur_kind,
                                    slot: cur_slot,
                                    seen: cur_seen,
                                });
                                self.open_object(heap);
                                (cur_kind, cur_seen) = (Kind::Object, 0);
                                cur_slot = self.entry(heap, &mut cur_seen, key, bit);
                                continue $tree;
                            }
                        }
                        b't' | b'f' | b'n' => {
                            // (Compared as one word each, where a slice
                            // comparison called `bcmp`.)
                            let rest = bytes.get(pos..).unwrap_or(&[]);
                            let (len, $v) = match b {
                                b't' if rest.first_chunk() == Some(b"true") => {
                                    (4, Value::Bool(true))
                                }
                                b'f' if rest.first_chunk() == Some(b"false") => {
                                    (5, Value::Bool(false))
                                }
                                b'n' if rest.first_chunk() == Some(b"null") => (4, Value::Null),
                                _ => return Err(self.unrecognized_token(pos)),
                            };
                            pos += len;
                            $attach
                        }
                        _ if is_ws(b) => {
                            pos = skip_ws_from(bytes, pos);
                            continue;
                        }
                        _ => {
                            return Err(self.unexpected(
                                pos,
                                "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                            ));
                        }
                    }
                    break;
                }
            }};
        }
        // Back to the container around the one just closed, whose value is `v`.
        macro_rules! close {
            ($tree:lifetime) => {{
                have = true;
                match self.frames.pop() {
                    Some(outer) => {
                        (cur_kind, cur_slot, cur_seen) = (outer.kind, outer.slot, outer.seen);
                    }
                    None => {
                        self.pos = pos;
                        return Ok(v);
                    }
                }
                continue $tree;
            }};
        }
        'tree: loop {
            match cur_kind {
                Kind::Root => {
                    if !have {
                        read_value!('tree, "expected close marker for Object", x => { v = x; });
                    }
                    self.pos = pos;
                    return Ok(v);
                }
                Kind::Array => {
                    // After the items, at `pos`: a comma (and on to the next
                    // item) or the end of the array.
                    macro_rules! separator {
                        () => {
                            loop {
                                match bytes.get(pos) {
                                    Some(b',') => {
                                        pos = skip_space(bytes, pos + 1);
                                        break;
                                    }
                                    Some(b']') => {
                                        pos += 1;
                                        v = Value::List(self.close_array(heap));
                                        close!('tree);
                                    }
                                    Some(&b) if is_ws(b) => pos = skip_ws_from(bytes, pos),
                                    None => {
                                        return Err(self.eof("expected close marker for Array"));
                                    }
                                    Some(_) => {
                                        return Err(self.unexpected(
                                            pos,
                                            "was expecting comma to separate Array entries",
                                        ));
                                    }
                                }
                            }
                        };
                    }
                    // (Back from an inner container: its value is attached
                    // here, so that the loop over the items tests no flag.)
                    if have {
                        have = false;
                        self.vals.push(v);
                        separator!();
                    }
                    loop {
                        read_value!('tree, "expected close marker for Array", x => {
                            self.vals.push(x);
                        });
                        separator!();
                    }
                }
                Kind::Object => {
                    // After the entries, at `pos`: a comma and the next key
                    // (and on to its value) or the end of the object.
                    macro_rules! separator {
                        () => {
                            loop {
                                match bytes.get(pos) {
                                    Some(b',') => {
                                        // (Most often `, "`: tested at once.)
                                        if pair_at(bytes, pos + 1) == Some(*b" \"")
                                            && let Some((end, bit, p)) =
                                                self.key_fast(bytes, pos + 3)
                                        {
                                            let key = pos + 3..end;
                                            pos = p;
                                            cur_slot =
                                                self.entry_at(heap, &mut cur_seen, key, bit);
                                        } else {
                                            (cur_slot, pos) = self.key_entry(
                                                heap,
                                                skip_space(bytes, pos + 1),
                                                &mut cur_seen,
                                            )?;
                                        }
                                        break;
                                    }
                                    Some(b'}') => {
                                        pos += 1;
                                        v = Value::Map(self.close_object(heap));
                                        close!('tree);
                                    }
                                    Some(&b) if is_ws(b) => pos = skip_ws_from(bytes, pos),
                                    None => {
                                        return Err(self.eof("expected close marker for Object"));
                                    }
                                    Some(_) => {
                                        return Err(self.unexpected(
                                            pos,
                                            "was expecting comma to separate Object entries",
                                        ));
                                    }
                                }
                            }
                        };
                    }
                    if have {
                        have = false;
                        if let Some(entry) = self.ents.get_mut(cur_slot) {
                            entry.1 = v;
                        }
                        separator!();
                    }
                    loop {
                        read_value!('tree, "expected close marker for Object", x => {
                            if let Some(entry) = self.ents.get_mut(cur_slot) {
                                entry.1 = x;
                            }
                        });
                        separator!();
                    }
                }
            }
        }
    }

    /// A number [`short_number`] does not read, at `pos`, and where it ends.
    #[inline(never)]
    fn long_number(&mut self, heap: &mut Heap<'_>, pos: usize) -> PResult<(Value, usize)> {
        self.pos = pos;
        let n = self.scan_number()?;
        Ok((self.number_value(heap, n)?, self.pos))
    }

    /// A string at `pos` with a byte that [`skip_plain`] stops at and that is
    /// neither its closing quote nor a backslash (an error), or without end.
    #[cold]
    #[inline(never)]
    fn bad_string(&mut self, heap: &mut Heap<'_>, pos: usize) -> PResult<(Value, usize)> {
        self.pos = pos;
        Ok((self.parse_string(heap)?, self.pos))
    }

    /// Opens an array: its items go to a vector of its own (`vals`), the
    /// enclosing array's wait on `outer_vals`.
    #[inline(never)]
    fn open_array(&mut self, heap: &mut Heap<'_>) {
        let items = heap.value_vec();
        self.outer_vals
            .push(std::mem::replace(&mut self.vals, items));
    }

    /// Opens an object: its entries go to a vector of its own (`ents`), the
    /// enclosing object's wait on `outer_ents`.
    #[inline(never)]
    fn open_object(&mut self, heap: &mut Heap<'_>) {
        let entries = heap.pair_vec();
        self.outer_ents
            .push(std::mem::replace(&mut self.ents, entries));
    }

    /// The innermost open array, closed: its items become a list, and the
    /// enclosing array's are `vals` again.
    #[inline(never)]
    fn close_array(&mut self, heap: &mut Heap<'_>) -> ListId {
        let outer = self.outer_vals.pop().unwrap_or_default();
        let items = std::mem::replace(&mut self.vals, outer);
        heap.alloc_list(ListKind::JsonArray, items)
    }

    /// The innermost open object, closed: its entries become a map, and the
    /// enclosing object's are `ents` again.
    #[inline(never)]
    fn close_object(&mut self, heap: &mut Heap<'_>) -> MapId {
        // (Its key index, if it is a large object, goes too.)
        if self
            .indexes
            .last()
            .is_some_and(|(f, _)| *f == self.frames.len())
        {
            self.indexes.pop();
        }
        let outer = self.outer_ents.pop().unwrap_or_default();
        let entries = std::mem::replace(&mut self.ents, outer);
        heap.alloc_map(MapKind::Plain, entries)
    }

    /// [`Parser::key_at`] and [`Parser::entry`], for the keys that
    /// [`Parser::key_fast`] does not read after `, "`: the entry and the
    /// position after the colon. (Apart, so that the fast path's key does not
    /// merge with this one's, which went through memory.)
    #[inline(never)]
    fn key_entry(
        &mut self,
        heap: &mut Heap<'_>,
        pos: usize,
        seen: &mut u64,
    ) -> PResult<(usize, usize)> {
        let ((word, base), bit, pos) = self.key_at(heap, pos)?;
        Ok((self.entry(heap, seen, Str::from_bits(word, base), bit), pos))
    }

    /// `"key"` at `pos` (after white space) and the colon after it, as
    /// [`Parser::object_key`] reads them; gives the key, its [`key_bit`] and
    /// a position before the value with only white space between them (see
    /// [`skip_space`]).
    ///
    /// (The key is given as [`Str::to_bits`]: a `Str` merged from the two
    /// paths went through the stack in pieces and was read back whole, a
    /// store-forwarding stall at each object.)
    #[inline(always)]
    fn key_at(&mut self, heap: &mut Heap<'_>, pos: usize) -> PResult<((u64, u32), u64, usize)> {
        if self.bytes.get(pos) == Some(&b'"')
            && let Some((end, bit, p)) = self.key_fast(self.bytes, pos + 1)
        {
            return Ok((self.text.slice(pos + 1, end).to_bits(), bit, p));
        }
        let (key, bit, p) = self.key_slow(heap, pos)?;
        Ok((key.to_bits(), bit, p))
    }

    /// [`Parser::key_at`] where the key's opening quote is known to be at
    /// `start - 1`, for a key without escapes followed by its colon; `None`
    /// for any other (which [`Parser::key_slow`] reads, with its errors).
    /// `bytes` is `self.bytes` (from the caller's register, where reading
    /// the field again cost two loads a key). (An `Option`, where a result
    /// that merged with the slow path's went through memory.) The key is
    /// given as where it ends: see [`Parser::entry_at`].
    #[inline(always)]
    fn key_fast(&self, bytes: &[u8], start: usize) -> Option<(usize, u64, usize)> {
        let (p, stop) = skip_plain(bytes, start);
        if stop != b'"' {
            return None;
        }
        let key = p;
        // (The byte at `start` is the closing quote of an empty key, as
        // `key_bit` takes it.)
        let bit = key_bit_of(p - start, bytes.get(start).copied().unwrap_or(b'"'));
        // (The colon most often follows the key directly, and a space the
        // colon: both tested at once.)
        if pair_at(bytes, p + 1) == Some(*b": ") {
            return Some((key, bit, p + 3));
        }
        let colon = if bytes.get(p + 1) == Some(&b':') {
            p + 1
        } else {
            let q = skip_ws_from(bytes, p + 1);
            if bytes.get(q) != Some(&b':') {
                return None;
            }
            q
        };
        Some((key, bit, skip_space(bytes, colon + 1)))
    }

    /// [`Parser::key_at`] by the general readers (with their errors).
    #[inline(never)]
    fn key_slow(&mut self, heap: &mut Heap<'_>, pos: usize) -> PResult<(Str, u64, usize)> {
        self.pos = skip_ws_from(self.bytes, pos);
        // (A key is always a string.)
        let key = match self.object_key(heap)? {
            Value::Str(s) => s,
            _ => Str::EMPTY,
        };
        Ok((key, key_bit(heap.str_bytes(key)), self.pos))
    }

    #[cold]
    fn too_deep(&self, at: usize) -> Box<JsonError> {
        let c = self.char_at(at);
        self.error(
            at,
            format!(
                "Malicious payload, having non natural depths, parsing stoped on {c} at position {at}."
            ),
        )
    }

    /// The entry of the innermost open object (its entries on `ents`,
    /// `seen` its [`key_bit`]s) that the value of the key `k` (whose
    /// bit is `bit`) goes to, as `LinkedHashMap.put` puts it: a new entry at
    /// the end (with a null value until the value is read), or the entry of
    /// a repeated key, which keeps its position and takes the new value.
    #[inline(always)]
    fn entry(&mut self, heap: &Heap<'_>, seen: &mut u64, k: Str, bit: u64) -> usize {
        // (Large objects go through their key index.)
        if *seen & bit == 0 && self.ents.len() < LINEAR_KEYS {
            *seen |= bit;
            self.ents.push((Value::Str(k), Value::Null));
            return self.ents.len() - 1;
        }
        self.entry_slow(heap, k)
    }

    /// [`Parser::entry`] of the key at `key` of the text. (The key's `Str`
    /// is made here, at the push, from the two positions: a `Str` made
    /// before the call was kept on the stack by 4-byte stores and read back
    /// by an 8-byte load that waited for both, a store-forwarding stall at
    /// each key, 22% of the JSON reader's time on W2 in perf.)
    #[inline(always)]
    fn entry_at(
        &mut self,
        heap: &Heap<'_>,
        seen: &mut u64,
        key: std::ops::Range<usize>,
        bit: u64,
    ) -> usize {
        if *seen & bit == 0 && self.ents.len() < LINEAR_KEYS {
            *seen |= bit;
            self.ents
                .push((Value::Str(self.text.slice(key.start, key.end)), Value::Null));
            return self.ents.len() - 1;
        }
        self.entry_slow(heap, self.text.slice(key.start, key.end))
    }

    /// [`Parser::entry`] of a key that may repeat one: looked for among the
    /// entries, or in the key index (at `self.frames.len()`) of a large object.
    #[inline(never)]
    fn entry_slow(&mut self, heap: &Heap<'_>, k: Str) -> usize {
        let key = Value::Str(k);
        let value = Value::Null;
        let count = self.ents.len();
        if count < LINEAR_KEYS {
            // Compare lengths first: most keys differ in length.
            let mut key_text = None;
            for (i, e) in self.ents.iter().enumerate() {
                if let Value::Str(s) = e.0
                    && s.len == k.len
                    && heap.str(s) == *key_text.get_or_insert_with(|| heap.str(k))
                {
                    return i;
                }
            }
            self.ents.push((key, value));
            return self.ents.len() - 1;
        }
        let key_text = heap.str(k);
        let frame = self.frames.len();
        if self.indexes.last().is_none_or(|(f, _)| *f != frame) {
            let mut m = std::collections::HashMap::with_capacity(count * 2);
            for (i, e) in self.ents.iter().enumerate() {
                if let Value::Str(s) = e.0 {
                    m.entry(crate::value::fnv1a(heap.str(s).as_bytes()))
                        .or_insert(i);
                }
            }
            self.indexes.push((frame, m));
        }
        let Some((_, index)) = self.indexes.last_mut() else {
            self.ents.push((key, value));
            return self.ents.len() - 1;
        };
        let h = crate::value::fnv1a(key_text.as_bytes());
        match index.get(&h) {
            Some(&i) => {
                if matches!(self.ents[i].0, Value::Str(s) if heap.str(s) == key_text) {
                    return i;
                }
                // A hash collision: look through all entries.
                for (i, e) in self.ents.iter().enumerate() {
                    if let Value::Str(s) = e.0
                        && heap.str(s) == key_text
                    {
                        return i;
                    }
                }
                self.ents.push((key, value));
            }
            None => {
                index.insert(h, self.ents.len());
                self.ents.push((key, value));
            }
        }
        self.ents.len() - 1
    }

    /// A string at the current position (on its opening quote).
    fn parse_string(&mut self, heap: &mut Heap<'_>) -> PResult<Value> {
        let start = self.pos + 1;
        let (p, stop) = scan_plain(self.bytes, start);
        match stop {
            b'"' => {
                self.pos = p + 1;
                Ok(Value::Str(self.text.slice(start, p)))
            }
            b'\\' => self.parse_escaped(heap, start),
            _ if p < self.bytes.len() => Err(self.illegal_control(p)),
            _ => Err(self.eof("was expecting closing quote for a string value")),
        }
    }

    #[cold]
    fn illegal_control(&self, at: usize) -> Box<JsonError> {
        let c = self.char_at(at);
        self.error(
            at,
            format!(
                "Illegal unquoted character ({}): has to be escaped using backslash to be included in string value",
                describe(c).trim_start_matches('(').trim_end_matches(')')
            ),
        )
    }

    /// The rest of a string that has escapes, unescaped into the arena
    /// (json-smart's `readString2`, which also drops raw DEL characters).
    ///
    /// The text is unescaped into a byte buffer a word at a time (each word of
    /// plain bytes is copied whole and the copy cut back at the first special
    /// byte), then moved to the arena in one piece: W1's body string, 510 bytes
    /// with 94 escapes, went from 11.2k to 3.1k instructions.
    ///
    /// With AVX2, the whole reading is one function compiled for it
    /// ([`Parser::parse_escaped_avx2`], with the unescaping loop inlined),
    /// called from here (inlined in the tree reader), where the string's
    /// reading took two calls.
    #[inline(always)]
    fn parse_escaped(&mut self, heap: &mut Heap<'_>, start: usize) -> PResult<Value> {
        #[cfg(target_arch = "x86_64")]
        {
            let (avx512, avx2) = scan::Avx512::widest();
            if let Some(proof) = avx512
                && avx512_allowed()
            {
                // SAFETY: `parse_escaped_avx512` is an ordinary safe function
                // whose only requirement is its target features, which
                // `Avx512::widest` (std's runtime detection) found on the
                // running CPU.
                return unsafe { self.parse_escaped_avx512(proof, heap, start) };
            }
            if let Some(proof) = avx2
                && avx2_allowed()
            {
                // SAFETY: `parse_escaped_avx2` is an ordinary safe function
                // whose only requirement is the `avx2` target feature, which
                // `Avx512::widest` (std's runtime detection) found on the
                // running CPU.
                return unsafe { self.parse_escaped_avx2(proof, heap, start) };
            }
        }
        self.parse_escaped_other(heap, start)
    }

    /// [`Parser::parse_escaped`] with AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline(never)]
    fn parse_escaped_avx2(
        &mut self,
        proof: scan::Avx2,
        heap: &mut Heap<'_>,
        start: usize,
    ) -> PResult<Value> {
        self.parse_escaped_with(heap, start, |p, out, start| {
            p.unescape_avx2(proof, out, start)
        })
    }

    /// [`Parser::parse_escaped`] with AVX-512.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt")]
    #[inline(never)]
    fn parse_escaped_avx512(
        &mut self,
        proof: scan::Avx512,
        heap: &mut Heap<'_>,
        start: usize,
    ) -> PResult<Value> {
        self.parse_escaped_with(heap, start, |p, out, start| {
            p.unescape_avx512(proof, out, start)
        })
    }

    /// [`Parser::parse_escaped`] without AVX2.
    #[inline(never)]
    fn parse_escaped_other(&mut self, heap: &mut Heap<'_>, start: usize) -> PResult<Value> {
        self.parse_escaped_with(heap, start, |p, out, start| p.unescape(out, start))
    }

    /// [`Parser::parse_escaped`] with the unescaping loop `unescape`.
    #[inline(always)]
    fn parse_escaped_with(
        &mut self,
        heap: &mut Heap<'_>,
        start: usize,
        unescape: impl FnOnce(&mut Self, &mut Vec<u8>, usize) -> PResult<usize>,
    ) -> PResult<Value> {
        if !self.reserved {
            // Unescaped text is never longer than its source: one reservation for
            // what remains (up to 64 KB) instead of repeated growth.
            self.reserved = true;
            heap.arena_mut()
                .reserve((self.bytes.len() - start).min(64 * 1024));
        }
        let mut out = std::mem::take(&mut self.unescaped);
        let result = unescape(self, &mut out, start);
        let value = result.map(|len| {
            let out = &out[..len];
            debug_assert!(std::str::from_utf8(out).is_ok());
            // SAFETY: `out` is valid UTF-8. `self.bytes` is the bytes of the
            // `&str` `self.src`, and `unescape` writes, in order: (1) the source
            // bytes from just after the opening quote (an ASCII byte) to the
            // closing quote, less some ASCII bytes it drops (DEL, and the
            // backslash of a `\"` it unescapes by keeping the quote) and some
            // sequences of ASCII bytes it replaces (the escapes: a backslash and
            // one ASCII byte, or `\u` and four ASCII hex digits); a run of plain
            // bytes may be stored in pieces (16-byte blocks), but the pieces are
            // contiguous in the source and in `out`, so only whole ASCII bytes
            // are ever left out; (2) in place of each escape, one ASCII byte
            // (`SIMPLE_ESCAPE` holds only bytes below 0x80) or the UTF-8
            // encoding of one `char` (`char::encode_utf8`). Valid UTF-8 with
            // whole ASCII bytes removed is valid UTF-8 (an ASCII byte is never
            // part of a longer sequence), and a complete sequence put at a
            // char boundary keeps it valid. Bytes past `len` (the tail of the
            // last 16-byte store) are not part of `out` here. Measured: W1's
            // body string (1 KB) spent 326 of 14,589 instructions per render
            // validating this again.
            let text = unsafe { std::str::from_utf8_unchecked(out) };
            let mark = heap.begin_str();
            heap.push_str(text);
            Value::Str(heap.finish_str(mark))
        });
        self.unescaped = out;
        value
    }

    /// Unescapes the string from `start` into `out[..len]`, returns `len`, and moves past the string's closing quote.
    ///
    /// `out` is written at `w` (kept in a register), grown in steps and kept at
    /// its length between strings (its old bytes are overwritten). The source is
    /// read 16 bytes at a time with one exact mask of its special bytes
    /// ([`scan::specials`]); the run of plain bytes before each special byte is
    /// stored as one 16-byte copy and `w` advanced past the run only, so an
    /// escape costs a few instructions and no new scan. The last 31 bytes of
    /// the text are read one at a time. (With AVX2, [`Parser::unescape_avx2`]
    /// is the loop.)
    fn unescape(&mut self, out: &mut Vec<u8>, start: usize) -> PResult<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(proof) = scan::Ssse3::detect()
            && ssse3_allowed()
        {
            // SAFETY: `unescape_ssse3` is an ordinary safe function whose only
            // requirement is the `ssse3` target feature, which
            // `Ssse3::detect` (std's runtime detection) just found on the
            // running CPU.
            return unsafe { self.unescape_ssse3(proof, out, start) };
        }
        self.unescape_with(None, out, start)
    }

    /// [`Parser::unescape`] with AVX2: each 32-byte block that
    /// [`scan::unescape32`] takes is unescaped whole, whatever its number of
    /// escapes; the others (with a `\u` escape or an error) go through
    /// [`Parser::unescape_block`].
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[inline]
    fn unescape_avx2(
        &mut self,
        proof: scan::Avx2,
        out: &mut Vec<u8>,
        start: usize,
    ) -> PResult<usize> {
        let bytes = self.bytes;
        let mut p = start;
        let mut w = 0;
        let step = (bytes.len() - p).clamp(64, 4096) + 48;
        loop {
            if out.len() < w + 48 {
                out.resize(w + step, 0);
            }
            let Some(window) = bytes.get(p..).and_then(|rest| rest.first_chunk::<32>()) else {
                break;
            };
            if let Some(dst) = out.get_mut(w..).and_then(|o| o.first_chunk_mut::<32>())
                && let Some(u) = scan::unescape32(window, dst)
            {
                w += u.written;
                p += u.read;
                if u.closed {
                    self.pos = p + 1;
                    return Ok(w);
                }
                continue;
            }
            let chunk = window.first_chunk::<16>().unwrap_or(&[0; 16]);
            let (mask, backslashes, quotes) = scan::specials_split::<true>(chunk);
            let ssse3 = Some(proof.ssse3());
            if let Some(len) = self.unescape_block(
                ssse3,
                window,
                mask,
                backslashes,
                quotes,
                &mut p,
                &mut w,
                out,
            )? {
                return Ok(len);
            }
        }
        self.unescape_tail(p, w, out)
    }

    /// [`Parser::unescape_avx2`] with AVX-512: 64-byte blocks that
    /// [`scan::unescape64`] takes, one after the other at fixed steps (an
    /// escape that crosses from one block to the next is carried as one
    /// bit), so that where a block is read never waits for the work on the
    /// one before; from the first block it does not take, the 16-byte loop.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,avx512f,avx512bw,avx512vbmi,avx512vbmi2,popcnt")]
    #[inline]
    fn unescape_avx512(
        &mut self,
        proof: scan::Avx512,
        out: &mut Vec<u8>,
        start: usize,
    ) -> PResult<usize> {
        let bytes = self.bytes;
        let (mut p, mut w) = (start, 0);
        // 1 when the byte at `p` is escaped by the backslash before it.
        let mut carry = 0;
        let step = (bytes.len() - p).clamp(64, 4096) + 64;
        loop {
            if out.len() < w + 64 {
                out.resize(w + step, 0);
            }
            let (Some(window), Some(dst)) = (
                bytes.get(p..).and_then(|rest| rest.first_chunk::<64>()),
                out.get_mut(w..).and_then(|o| o.first_chunk_mut::<64>()),
            ) else {
                break;
            };
            match scan::unescape64(window, dst, &mut carry) {
                scan::Block64::Whole { written } => {
                    w += written;
                    p += 64;
                }
                scan::Block64::Closed { read, written } => {
                    self.pos = p + read + 1;
                    return Ok(w + written);
                }
                scan::Block64::Other => break,
            }
        }
        // The rest 16 bytes at a time (rare: a `\u` escape, an error, the
        // last 63 bytes of the text; with the AVX2 loop as well, that loop
        // was no longer inlined where it is the main one: W2 +5,200
        // instructions per render on CPUs without AVX-512). An escape's
        // backslash the last block dropped is read again.
        self.unescape_with_from(Some(proof.avx2().ssse3()), out, p - carry as usize, w)
    }

    /// [`Parser::unescape`] compiled for SSSE3, where [`scan::compact`]
    /// is inlined.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "ssse3")]
    fn unescape_ssse3(
        &mut self,
        proof: scan::Ssse3,
        out: &mut Vec<u8>,
        start: usize,
    ) -> PResult<usize> {
        self.unescape_with(Some(proof), out, start)
    }

    /// [`Parser::unescape`] 16 bytes at a time, with [`scan::compact`] when
    /// given the proof that the CPU has SSSE3.
    #[inline(always)]
    fn unescape_with(
        &mut self,
        ssse3: Option<scan::Ssse3>,
        out: &mut Vec<u8>,
        start: usize,
    ) -> PResult<usize> {
        self.unescape_with_from(ssse3, out, start, 0)
    }

    /// [`Parser::unescape_with`] from `p` (outside an escape) of the text,
    /// writing from `w` of `out`.
    #[inline(always)]
    fn unescape_with_from(
        &mut self,
        ssse3: Option<scan::Ssse3>,
        out: &mut Vec<u8>,
        start: usize,
        w: usize,
    ) -> PResult<usize> {
        let bytes = self.bytes;
        // From the string's start: its plain prefix (up to the first escape) is
        // read again, which costs less for short strings than copying it apart
        // (and dropping its DEL characters) before the loop.
        let mut p = start;
        let mut w = w;
        let step = (bytes.len() - p).clamp(64, 4096) + 48;
        loop {
            // Room for one block: its 16 bytes stored whole past the bytes it
            // consumed, plus a `\uXXXX` escape's char.
            if out.len() < w + 48 {
                out.resize(w + step, 0);
            }
            // A block is the first half of a 32-byte window: each run of plain
            // bytes is stored as the 16 bytes of the window from its start.
            let Some(window) = bytes.get(p..).and_then(|rest| rest.first_chunk::<32>()) else {
                break;
            };
            let chunk = window.first_chunk::<16>().unwrap_or(&[0; 16]);
            let (mask, backslashes, quotes) = scan::specials_split::<true>(chunk);
            if let Some(len) = self.unescape_block(
                ssse3,
                window,
                mask,
                backslashes,
                quotes,
                &mut p,
                &mut w,
                out,
            )? {
                return Ok(len);
            }
        }
        self.unescape_tail(p, w, out)
    }

    /// Unescapes the first 16 bytes of `window` (at `p` of the text) to `w` of
    /// `out` (which has room for 48 bytes), given their masks, or fewer when a
    /// `\uXXXX` escape or an escape's pair crosses their end; `p` and `w` move
    /// past what was read and written. `Some(len)` when the string ended.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn unescape_block(
        &mut self,
        ssse3: Option<scan::Ssse3>,
        window: &[u8; 32],
        mut mask: u32,
        backslashes: u32,
        quotes: u32,
        p: &mut usize,
        w: &mut usize,
        out: &mut [u8],
    ) -> PResult<Option<usize>> {
        let chunk = window.first_chunk::<16>().unwrap_or(&[0; 16]);
        if mask == 0 {
            out[*w..*w + 16].copy_from_slice(chunk);
            *w += 16;
            *p += 16;
            return Ok(None);
        }
        // The usual escape of JSON text inside a string, `\"`: when every
        // special byte of the block is a backslash followed by a quote in
        // the block, unescaping is dropping the backslashes (each quote
        // starts the next run). W1's body string, 608 bytes with 98
        // escapes: 13,816 -> 12,674 instructions per render.
        if quotes == backslashes << 1 && mask == backslashes | quotes {
            // With `pshufb`: one shuffle drops them all, without a branch
            // per escape (W1: 12,524 -> 11,861 instructions per render).
            if let Some(proof) = ssse3
                && let Some(dst) = out.get_mut(*w..).and_then(|o| o.first_chunk_mut::<16>())
            {
                *w += scan::compact(proof, chunk, backslashes, dst);
                *p += 16;
                return Ok(None);
            }
            let mut b = backslashes;
            let mut seg = 0;
            while b != 0 {
                let k = b.trailing_zeros() as usize;
                out[*w..*w + 16].copy_from_slice(&window[seg..seg + 16]);
                *w += k - seg;
                seg = k + 1;
                b &= b - 1;
            }
            out[*w..*w + 16].copy_from_slice(&window[seg..seg + 16]);
            *w += 16 - seg;
            *p += 16;
            return Ok(None);
        }
        // The same with the block's last byte a backslash whose quote
        // starts the next block: the pair is taken whole (W1: 6 of its
        // 38 blocks; 11,861 -> 11,368 instructions per render).
        if let Some(proof) = ssse3
            && backslashes & 0x8000 != 0
            && window[16] == b'"'
            && quotes == (backslashes << 1) & 0xFFFF
            && mask == backslashes | quotes
            && let Some(dst) = out.get_mut(*w..).and_then(|o| o.first_chunk_mut::<16>())
        {
            *w += scan::compact(proof, chunk, backslashes, dst);
            out[*w] = b'"';
            *w += 1;
            *p += 17;
            return Ok(None);
        }
        // The block's bytes from `seg` on are not yet consumed.
        let mut seg = 0;
        while mask != 0 {
            let k = mask.trailing_zeros() as usize;
            out[*w..*w + 16].copy_from_slice(&window[seg..seg + 16]);
            *w += k - seg;
            let b = chunk[k];
            if b == b'\\' {
                let e = window[k + 1];
                let c = SIMPLE_ESCAPE[usize::from(e)];
                if c == 0 {
                    if e != b'u' {
                        return Err(self.bad_escape(*p + k + 1));
                    }
                    *p += k + 2;
                    let c = self.unicode_escape(p)?;
                    *w += c.encode_utf8(&mut out[*w..*w + 4]).len();
                    return Ok(None);
                }
                out[*w] = c;
                *w += 1;
                seg = k + 2;
                if seg >= 16 {
                    *p += seg;
                    return Ok(None);
                }
                // Drop the flags of the backslash and the escaped byte.
                mask &= u32::MAX << seg;
            } else if b == b'"' {
                self.pos = *p + k + 1;
                return Ok(Some(*w));
            } else if b == 0x7F {
                // A raw DEL, which json-smart drops.
                seg = k + 1;
                mask &= mask - 1;
            } else {
                return Err(self.illegal_control(*p + k));
            }
        }
        out[*w..*w + 16].copy_from_slice(&window[seg..seg + 16]);
        *w += 16 - seg;
        *p += 16;
        Ok(None)
    }

    /// The end of [`Parser::unescape`]: the last bytes of the text (fewer
    /// than 32 from `p`), one at a time.
    fn unescape_tail(&mut self, mut p: usize, mut w: usize, out: &mut [u8]) -> PResult<usize> {
        let bytes = self.bytes;
        loop {
            let Some(&b) = bytes.get(p) else {
                return Err(self.eof("was expecting closing quote for a string value"));
            };
            p += 1;
            match b {
                b'"' => {
                    self.pos = p;
                    return Ok(w);
                }
                0x7F => {}
                b'\\' => {
                    let Some(&e) = bytes.get(p) else {
                        return Err(self.eof("was expecting closing quote for a string value"));
                    };
                    p += 1;
                    let c = SIMPLE_ESCAPE[usize::from(e)];
                    if c == 0 {
                        if e != b'u' {
                            return Err(self.bad_escape(p - 1));
                        }
                        let c = self.unicode_escape(&mut p)?;
                        w += c.encode_utf8(&mut out[w..w + 4]).len();
                    } else {
                        out[w] = c;
                        w += 1;
                    }
                }
                _ if b < 0x20 => return Err(self.illegal_control(p - 1)),
                _ => {
                    out[w] = b;
                    w += 1;
                }
            }
        }
    }

    #[cold]
    fn bad_escape(&self, at: usize) -> Box<JsonError> {
        let c = self.char_at(at);
        self.error(
            at,
            format!("Unrecognized character escape {}", describe_escape(c)),
        )
    }

    /// The char of a `\uXXXX` escape whose hex digits start at `p` (a surrogate
    /// pair takes a second escape); `p` moves past it.
    fn unicode_escape(&self, p: &mut usize) -> PResult<char> {
        let bytes = self.bytes;
        let unit = self.hex4(*p)?;
        *p += 4;
        Ok(match unit {
            0xD800..=0xDBFF => {
                // A high surrogate: combine with a following `\uDC00`-`\uDFFF`.
                let low = if bytes.get(*p) == Some(&b'\\') && bytes.get(*p + 1) == Some(&b'u') {
                    self.hex4(*p + 2)
                        .ok()
                        .filter(|u| (0xDC00..=0xDFFF).contains(u))
                } else {
                    None
                };
                match low {
                    Some(low) => {
                        *p += 6;
                        let cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        char::from_u32(cp).unwrap_or('\u{FFFD}')
                    }
                    // A lone surrogate: Java keeps it, a Rust string cannot.
                    None => '\u{FFFD}',
                }
            }
            _ => char::from_u32(unit).unwrap_or('\u{FFFD}'),
        })
    }

    fn hex4(&self, at: usize) -> PResult<u32> {
        let mut v = 0u32;
        for i in 0..4 {
            let Some(&b) = self.bytes.get(at + i) else {
                return Err(self.eof("was expecting closing quote for a string value"));
            };
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => {
                    return Err(self
                        .unexpected(at + i, "expected a hex-digit for character escape sequence"));
                }
            };
            v = v * 16 + u32::from(d);
        }
        Ok(v)
    }

    /// Checks a number at the current position against JSON's grammar and moves past it.
    fn scan_number(&mut self) -> PResult<NumberText> {
        let start = self.pos;
        let mut p = start;
        let negative = self.bytes.get(p) == Some(&b'-');
        if negative {
            p += 1;
        }
        // The digits before the exponent as one integer (exact while there are
        // at most 19 of them).
        let mut mantissa = 0u64;
        match self.bytes.get(p) {
            Some(b'0') => {
                p += 1;
                if self.bytes.get(p).is_some_and(u8::is_ascii_digit) {
                    return Err(self.error(
                        p,
                        "Invalid numeric value: Leading zeroes not allowed".to_string(),
                    ));
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(&d) = self.bytes.get(p).filter(|d| d.is_ascii_digit()) {
                    mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                    p += 1;
                }
            }
            Some(_) => {
                return Err(self.unexpected(
                    p,
                    "expected digit (0-9) to follow minus sign, for valid numeric value",
                ));
            }
            None => return Err(self.eof("No digit following minus sign")),
        }
        let int_digits = p - start - usize::from(negative);
        let mut float = false;
        let mut decimals = 0;
        if self.bytes.get(p) == Some(&b'.') {
            p += 1;
            let digits = p;
            while let Some(&d) = self.bytes.get(p).filter(|d| d.is_ascii_digit()) {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                p += 1;
            }
            decimals = p - digits;
            if p == digits {
                return Err(match self.bytes.get(p) {
                    Some(_) => self.unexpected(p, "Decimal point not followed by a digit"),
                    None => self.eof("Decimal point not followed by a digit"),
                });
            }
            float = true;
        }
        let exponent = matches!(self.bytes.get(p), Some(b'e' | b'E'));
        if exponent {
            p += 1;
            if matches!(self.bytes.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            let digits = p;
            while self.bytes.get(p).is_some_and(u8::is_ascii_digit) {
                p += 1;
            }
            if p == digits {
                return Err(match self.bytes.get(p) {
                    Some(_) => self.unexpected(p, "Exponent indicator not followed by a digit"),
                    None => self.eof("expected a digit for number exponent"),
                });
            }
            float = true;
        }
        self.pos = p;
        Ok(NumberText {
            start,
            end: p,
            negative,
            float,
            mantissa,
            digits: if exponent {
                usize::MAX
            } else {
                int_digits + decimals
            },
            decimals,
        })
    }

    /// The number as json-smart stores it.
    fn number_value(&self, heap: &mut Heap<'_>, n: NumberText) -> PResult<Value> {
        // Up to 15 digits and no exponent: the mantissa is exact, and below
        // 2^53 (for a double, Clinger's fast path as in `fast_double`).
        if n.digits <= 15 {
            if !n.float {
                let v = if n.negative {
                    -(n.mantissa as i64)
                } else {
                    n.mantissa as i64
                };
                return Ok(match i32::try_from(v) {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::Long(v),
                });
            }
            if let Some(&scale) = POW10.get(n.decimals) {
                let value = n.mantissa as f64 / scale;
                return Ok(Value::Double(if n.negative { -value } else { value }));
            }
        }
        let text = &self.src[n.start..n.end];
        if !n.float {
            let digits = &self.bytes[n.start + usize::from(n.negative)..n.end];
            // Accumulate negatively, as json-smart does, so that Long.MIN_VALUE fits.
            let mut r: i64 = 0;
            let mut fits = digits.len() <= 19;
            if fits {
                for &d in digits {
                    match r
                        .checked_mul(10)
                        .and_then(|x| x.checked_sub(i64::from(d - b'0')))
                    {
                        Some(x) => r = x,
                        None => {
                            fits = false;
                            break;
                        }
                    }
                }
            }
            let value = if !fits {
                None
            } else if n.negative {
                Some(r)
            } else {
                r.checked_neg()
            };
            return Ok(match value {
                Some(v) => match i32::try_from(v) {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::Long(v),
                },
                None => Value::BigInt(heap.alloc_big(text)),
            });
        }
        if text.len() > 18 {
            return match bigdec::java_string(text) {
                Some(s) => Ok(Value::BigDec(heap.alloc_big(&s))),
                None => Err(self.error(n.start, format!("NumberFormatException: {text}"))),
            };
        }
        if let Some(d) = fast_double(text.as_bytes()) {
            return Ok(Value::Double(d));
        }
        match text.parse::<f64>() {
            Ok(d) => Ok(Value::Double(d)),
            Err(_) => Err(self.error(n.start, format!("NumberFormatException: {text}"))),
        }
    }
}

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A number with a fraction and no exponent whose digits make an integer below
/// 2^53 and that has at most 22 decimals (`130.17`), as the division of two
/// doubles that hold their values exactly, which IEEE division rounds
/// correctly (Clinger's fast path); `None` for any other number. About a third
/// of what `str::parse::<f64>` costs for W2's prices.
fn fast_double(text: &[u8]) -> Option<f64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mut m: u64 = 0;
    let mut decimals: Option<usize> = None;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(b - b'0');
                if let Some(d) = &mut decimals {
                    *d += 1;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return None,
        }
        if m >= 1 << 53 {
            return None;
        }
    }
    let value = m as f64 / *POW10.get(decimals?)?;
    Some(if negative { -value } else { value })
}

/// The position of the first byte at or after `p` that is not JSON white space.
#[inline(always)]
fn skip_ws_from(bytes: &[u8], mut p: usize) -> usize {
    while let Some(&b) = bytes.get(p)
        && is_ws(b)
    {
        p += 1;
    }
    p
}

/// `p`, or `p + 1` when there is a space at `p`: what separates the tokens of
/// most JSON texts (`", "`, `": "`), skipped with one test; the readers of
/// the next token take any other white space.
#[inline(always)]
fn skip_space(bytes: &[u8], p: usize) -> usize {
    p + usize::from(bytes.get(p) == Some(&b' '))
}

/// A bit for a key's text, from its length and first byte; keys
/// with different bits differ, so most keys of an object need no comparison.
fn key_bit(text: &[u8]) -> u64 {
    key_bit_of(text.len(), text.first().copied().unwrap_or(b'"'))
}

/// The two bytes at `p`, if there are two.
#[inline(always)]
fn pair_at(bytes: &[u8], p: usize) -> Option<[u8; 2]> {
    bytes.get(p..).and_then(|rest| rest.first_chunk()).copied()
}

/// [`key_bit`] of a text of `len` bytes whose first is `first` (`"` when empty).
#[inline(always)]
fn key_bit_of(len: usize, first: u8) -> u64 {
    1 << ((len as u32).wrapping_add(u32::from(first) * 3) & 63)
}

/// A number at `pos` of at most 15 digits without an exponent (`130.17`,
/// `-5`), read as [`Parser::number_value`] reads it, and where it ends;
/// `None` for any other number and for bad ones, which the general reader
/// then reads (with its errors).
#[inline(always)]
fn short_number(bytes: &[u8], pos: usize) -> Option<(Value, usize)> {
    let mut p = pos;
    let negative = bytes.get(p) == Some(&b'-');
    if negative {
        p += 1;
    }
    let first = p;
    let mut m: u64 = 0;
    match bytes.get(p) {
        Some(b'0') => p += 1,
        Some(b'1'..=b'9') => {
            while let Some(&d) = bytes.get(p)
                && d.is_ascii_digit()
            {
                m = m.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                p += 1;
            }
        }
        _ => return None,
    }
    let int_digits = p - first;
    let mut decimals = 0;
    match bytes.get(p) {
        Some(b'.') => {
            p += 1;
            let digits = p;
            while let Some(&d) = bytes.get(p)
                && d.is_ascii_digit()
            {
                m = m.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                p += 1;
            }
            decimals = p - digits;
            if decimals == 0 || matches!(bytes.get(p), Some(b'e' | b'E')) {
                return None;
            }
        }
        // A leading zero followed by digits, or an exponent.
        Some(b'0'..=b'9' | b'e' | b'E') => return None,
        _ => {}
    }
    if int_digits + decimals > 15 {
        return None;
    }
    let v = if decimals == 0 {
        let v = if negative { -(m as i64) } else { m as i64 };
        match i32::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Long(v),
        }
    } else {
        // Exact: below 2^53 over an exact power of ten (see `fast_double`).
        let value = m as f64 / *POW10.get(decimals)?;
        Value::Double(if negative { -value } else { value })
    };
    Some((v, p))
}

/// The first position at or after `p` that may end a run of plain string
/// characters (`"`, `\\` or a control character), found 16 bytes at a time,
/// and its byte; the end of the text and 0 if there is none.
///
/// (The byte is taken from the block just scanned, where reading it again
/// from the text cost a bounds check: 1,305 strings and keys in W2.)
///
/// The first block is tested here, inline, and the rest of a longer string
/// in [`skip_plain_rest`]: most keys and many values end in their first 16
/// bytes, and the loop's set-up cost them ~5 instructions each.
#[inline(always)]
fn skip_plain(bytes: &[u8], p: usize) -> (usize, u8) {
    if let Some(chunk) = bytes.get(p..).and_then(|rest| rest.first_chunk::<16>()) {
        let mask = scan::specials::<false>(chunk);
        if mask != 0 {
            let k = mask.trailing_zeros() as usize;
            return (p + k, chunk[k & 15]);
        }
        return skip_plain_rest(bytes, p + 16);
    }
    skip_plain_rest(bytes, p)
}

/// [`skip_plain`] after its first block.
#[inline(never)]
fn skip_plain_rest(bytes: &[u8], p: usize) -> (usize, u8) {
    scan_plain(bytes, p)
}

/// [`skip_plain`] as one loop, for the general readers (W1 reads its body
/// string, 600 bytes, with it: through [`skip_plain`] it took a call more).
fn scan_plain(bytes: &[u8], mut p: usize) -> (usize, u8) {
    while let Some(chunk) = bytes.get(p..).and_then(|rest| rest.first_chunk::<16>()) {
        let mask = scan::specials::<false>(chunk);
        if mask != 0 {
            let k = mask.trailing_zeros() as usize;
            return (p + k, chunk[k & 15]);
        }
        p += 16;
    }
    while let Some(&b) = bytes.get(p) {
        if STRING_STOP[b as usize] {
            return (p, b);
        }
        p += 1;
    }
    (p, 0)
}

fn describe_escape(c: char) -> String {
    format!("'{c}' (code {})", c as u32)
}

#[derive(Clone, Copy)]
struct NumberText {
    start: usize,
    end: usize,
    negative: bool,
    float: bool,
    /// The digits (without the point) as an integer, wrapped when too long.
    mantissa: u64,
    /// How many digits there are (`usize::MAX` with an exponent).
    digits: usize,
    /// How many of them follow the point.
    decimals: usize,
}
