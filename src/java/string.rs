//! `java.lang.String` methods over UTF-8 text.
//!
//! Java strings are UTF-16: lengths and indexes count UTF-16 code units. Our
//! strings are UTF-8, so indexes are converted (ASCII text, the usual case,
//! takes a fast path where bytes are code units). A result that would split a
//! surrogate pair (e.g. `substring` in the middle of an emoji) holds U+FFFD
//! for the lone half, since UTF-8 cannot hold a lone surrogate.

use super::methods::{Call, arg_i32, arg_i64};
use super::regex::RegexCache;
use super::{JavaException, ex};
use crate::value::{Heap, ListKind, Str, Value};

/// Largest string a method may build (Java would need a huge heap; we refuse).
pub(crate) const MAX_STRING_BYTES: usize = 64 << 20;

/// Most items an array made from a string (`split`, `toCharArray`,
/// `getBytes`) may have: 16 bytes each, the string limit in all.
pub(crate) const MAX_ARRAY_ITEMS: usize = MAX_STRING_BYTES / 16;

pub(crate) fn too_big() -> JavaException {
    JavaException::new(ex::OUT_OF_MEMORY, "Java heap space")
}

/// UTF-16 length of `s`.
pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// Where a UTF-16 index falls in UTF-8 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pos {
    /// On a character boundary: this byte offset.
    At(usize),
    /// Between the two halves of the surrogate pair of the char at this byte offset.
    Mid(usize),
}

impl Pos {
    /// The byte offset of the char boundary at or before the index.
    fn floor(self) -> usize {
        match self {
            Pos::At(b) | Pos::Mid(b) => b,
        }
    }
}

/// The byte position of UTF-16 index `i`; `None` when `i` is past the end.
pub(crate) fn byte_pos(s: &str, i: usize) -> Option<Pos> {
    if s.is_ascii() {
        return (i <= s.len()).then_some(Pos::At(i));
    }
    let mut u = 0usize;
    for (b, c) in s.char_indices() {
        if u == i {
            return Some(Pos::At(b));
        }
        let w = c.len_utf16();
        if w == 2 && u + 1 == i {
            return Some(Pos::Mid(b));
        }
        u += w;
    }
    (u == i).then_some(Pos::At(s.len()))
}

/// The UTF-16 index of byte offset `b` (a char boundary).
pub(crate) fn utf16_index(s: &str, b: usize) -> usize {
    let head = s.get(..b).unwrap_or(s);
    if head.is_ascii() {
        head.len()
    } else {
        utf16_len(head)
    }
}

/// The UTF-16 code unit at index `i`.
pub(crate) fn unit_at(s: &str, i: usize) -> Option<u16> {
    if s.is_ascii() {
        return s.as_bytes().get(i).map(|b| *b as u16);
    }
    match byte_pos(s, i)? {
        Pos::At(b) => {
            let c = s.get(b..)?.chars().next()?;
            let mut buf = [0u16; 2];
            Some(c.encode_utf16(&mut buf)[0])
        }
        Pos::Mid(b) => {
            let c = s.get(b..)?.chars().next()?;
            let mut buf = [0u16; 2];
            Some(c.encode_utf16(&mut buf)[1])
        }
    }
}

fn sioobe(msg: String) -> JavaException {
    JavaException::new(ex::STRING_INDEX_OUT_OF_BOUNDS, msg)
}

/// `s.substring(begin, end)` as a `Str` of `s` when it falls on char
/// boundaries, else a new string with U+FFFD for a split surrogate pair.
pub(crate) fn substring(
    heap: &mut Heap,
    s: Str,
    begin: i32,
    end: Option<i32>,
) -> Result<Value, JavaException> {
    let text = heap.str(s);
    let len = utf16_len(text);
    let end_i = end.unwrap_or(len as i32);
    if begin < 0 || end_i as i64 > len as i64 || begin > end_i {
        return Err(sioobe(format!("begin {begin}, end {end_i}, length {len}")));
    }
    let (Some(b), Some(e)) = (
        byte_pos(text, begin as usize),
        byte_pos(text, end_i as usize),
    ) else {
        return Err(sioobe(format!("begin {begin}, end {end_i}, length {len}")));
    };
    match (b, e) {
        (Pos::At(b), Pos::At(e)) => Ok(Value::Str(s.slice(b, e))),
        _ => {
            let mut out = String::new();
            let start = match b {
                Pos::At(b) => b,
                Pos::Mid(b) => {
                    out.push('\u{FFFD}');
                    b + text
                        .get(b..)
                        .and_then(|r| r.chars().next())
                        .map_or(0, char::len_utf8)
                }
            };
            let stop = e.floor();
            if start <= stop {
                out.push_str(text.get(start..stop).unwrap_or(""));
            }
            if let Pos::Mid(_) = e
                && begin != end_i
            {
                out.push('\u{FFFD}');
            }
            Ok(heap.string(&out))
        }
    }
}

/// Java's `Character.isWhitespace`.
pub fn java_is_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | '\u{1C}'..='\u{1F}' | ' ' | '\u{1680}'
            | '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200A}' | '\u{2028}' | '\u{2029}'
            | '\u{205F}' | '\u{3000}'
    )
}

/// `String.hashCode()`.
pub fn java_string_hash(s: &str) -> i32 {
    let mut h: i32 = 0;
    if s.is_ascii() {
        for b in s.bytes() {
            h = h.wrapping_mul(31).wrapping_add(b as i32);
        }
    } else {
        for u in s.encode_utf16() {
            h = h.wrapping_mul(31).wrapping_add(u as i32);
        }
    }
    h
}

/// `String.compareTo` (UTF-16 code unit order).
pub fn java_compare(a: &str, b: &str) -> i32 {
    if a.is_ascii() && b.is_ascii() {
        for (x, y) in a.bytes().zip(b.bytes()) {
            if x != y {
                return x as i32 - y as i32;
            }
        }
        return a.len() as i32 - b.len() as i32;
    }
    let (mut ia, mut ib) = (a.encode_utf16(), b.encode_utf16());
    let (mut la, mut lb) = (0i32, 0i32);
    loop {
        match (ia.next(), ib.next()) {
            (Some(x), Some(y)) => {
                if x != y {
                    return x as i32 - y as i32;
                }
                la += 1;
                lb += 1;
            }
            (Some(_), None) => return (la + 1 + ia.count() as i32) - lb,
            (None, Some(_)) => return la - (lb + 1 + ib.count() as i32),
            (None, None) => return la - lb,
        }
    }
}

/// `Character.toUpperCase(int)` (simple case mapping).
pub(crate) fn simple_upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    match c as u32 {
        // Greek with ypogegrammeni: the simple mapping is the titlecase letter.
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => {
            return char::from_u32(c as u32 + 8).unwrap_or(c);
        }
        0x1FB3 => return '\u{1FBC}',
        0x1FC3 => return '\u{1FCC}',
        0x1FF3 => return '\u{1FFC}',
        _ => {}
    }
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// `Character.toLowerCase(int)` (simple case mapping).
pub(crate) fn simple_lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn chars_eq_ignore_case(a: char, b: char) -> bool {
    if a == b {
        return true;
    }
    let (ua, ub) = (simple_upper(a), simple_upper(b));
    ua == ub || simple_lower(ua) == simple_lower(ub)
}

/// `String.equalsIgnoreCase`.
pub fn java_equals_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    if utf16_len(a) != utf16_len(b) {
        return false;
    }
    a.chars()
        .zip(b.chars())
        .all(|(x, y)| chars_eq_ignore_case(x, y))
}

/// `String.compareToIgnoreCase`.
pub fn java_compare_ignore_case(a: &str, b: &str) -> i32 {
    let (mut ia, mut ib) = (a.chars(), b.chars());
    loop {
        match (ia.next(), ib.next()) {
            (Some(x), Some(y)) => {
                if x != y {
                    let x2 = simple_lower(simple_upper(x));
                    let y2 = simple_lower(simple_upper(y));
                    if x2 != y2 {
                        return x2 as i32 - y2 as i32;
                    }
                }
            }
            _ => return utf16_len(a) as i32 - utf16_len(b) as i32,
        }
    }
}

/// `String.indexOf(String, from)`: UTF-16 index or -1.
pub(crate) fn index_of(s: &str, needle: &str, from: i32) -> i32 {
    let len = utf16_len(s) as i32;
    if from >= len {
        return if needle.is_empty() { len } else { -1 };
    }
    let from = from.max(0);
    if needle.is_empty() {
        return from;
    }
    let Some(p) = byte_pos(s, from as usize) else {
        return -1;
    };
    let start = match p {
        Pos::At(b) => b,
        Pos::Mid(b) => {
            b + s
                .get(b..)
                .and_then(|r| r.chars().next())
                .map_or(0, char::len_utf8)
        }
    };
    match s
        .get(start..)
        .and_then(|r| memchr::memmem::find(r.as_bytes(), needle.as_bytes()))
    {
        Some(i) => utf16_index(s, start + i) as i32,
        None => -1,
    }
}

/// `String.lastIndexOf(String, from)`.
pub(crate) fn last_index_of(s: &str, needle: &str, from: i32) -> i32 {
    let len = utf16_len(s) as i32;
    let nlen = utf16_len(needle) as i32;
    let right = len - nlen;
    let from = from.min(right);
    if from < 0 {
        return -1;
    }
    if needle.is_empty() {
        return from;
    }
    let Some(p) = byte_pos(s, from as usize) else {
        return -1;
    };
    let limit = p.floor();
    let end = (limit + needle.len()).min(s.len());
    match s
        .get(..end)
        .and_then(|r| memchr::memmem::rfind(r.as_bytes(), needle.as_bytes()))
    {
        Some(i) => utf16_index(s, i) as i32,
        None => -1,
    }
}

/// `String.indexOf(int ch, from)`.
pub(crate) fn index_of_char(s: &str, ch: i32, from: i32) -> i32 {
    let from = from.max(0) as usize;
    if (0xD800..0xE000).contains(&ch) || s.is_ascii() {
        // Search code units.
        if s.is_ascii() {
            if !(0..128).contains(&ch) {
                return -1;
            }
            return s
                .as_bytes()
                .get(from..)
                .and_then(|r| memchr::memchr(ch as u8, r))
                .map_or(-1, |i| (from + i) as i32);
        }
        return s
            .encode_utf16()
            .enumerate()
            .skip(from)
            .find(|(_, u)| *u as i32 == ch)
            .map_or(-1, |(i, _)| i as i32);
    }
    let Some(c) = u32::try_from(ch).ok().and_then(char::from_u32) else {
        return -1;
    };
    let mut buf = [0u8; 4];
    index_of(
        s,
        c.encode_utf8(&mut buf),
        from.min(i32::MAX as usize) as i32,
    )
}

/// `String.lastIndexOf(int ch, from)`.
pub(crate) fn last_index_of_char(s: &str, ch: i32, from: i32) -> i32 {
    if from < 0 {
        return -1;
    }
    if (0xD800..0xE000).contains(&ch) {
        let units: Vec<u16> = s.encode_utf16().collect();
        let start = (from as usize).min(units.len().saturating_sub(1));
        if units.is_empty() {
            return -1;
        }
        return (0..=start)
            .rev()
            .find(|&i| units[i] as i32 == ch)
            .map_or(-1, |i| i as i32);
    }
    let Some(c) = u32::try_from(ch).ok().and_then(char::from_u32) else {
        return -1;
    };
    let mut buf = [0u8; 4];
    last_index_of(s, c.encode_utf8(&mut buf), from)
}

/// `String.toUpperCase()` / `toLowerCase()` (locale en).
fn change_case(heap: &mut Heap, s: Str, upper: bool) -> Result<Value, JavaException> {
    let text = heap.str(s);
    let unchanged = if upper {
        !text.bytes().any(|b| b.is_ascii_lowercase() || b >= 0x80)
    } else {
        !text.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80)
    };
    if unchanged {
        return Ok(Value::Str(s));
    }
    let out = if text.is_ascii() {
        if upper {
            text.to_ascii_uppercase()
        } else {
            text.to_ascii_lowercase()
        }
    } else if upper {
        text.to_uppercase()
    } else {
        text.to_lowercase()
    };
    if out == heap.str(s) {
        return Ok(Value::Str(s));
    }
    Ok(heap.string(&out))
}

fn trim(heap: &Heap, s: Str) -> Str {
    let t = heap.str(s);
    let b = t.as_bytes();
    let mut a = 0;
    let mut e = b.len();
    while a < e && b[a] <= b' ' {
        a += 1;
    }
    while e > a && b[e - 1] <= b' ' {
        e -= 1;
    }
    s.slice(a, e)
}

fn strip(heap: &Heap, s: Str, lead: bool, trail: bool) -> Str {
    let t = heap.str(s);
    let mut a = 0;
    let mut e = t.len();
    if lead {
        a = t.len() - t.trim_start_matches(java_is_whitespace).len();
    }
    if trail {
        e = t.trim_end_matches(java_is_whitespace).len().max(a);
    }
    s.slice(a, e)
}

fn repeat(heap: &mut Heap, s: Str, count: i32) -> Result<Value, JavaException> {
    if count < 0 {
        return Err(JavaException::new(
            ex::ILLEGAL_ARGUMENT,
            format!("count is negative: {count}"),
        ));
    }
    let n = heap.str(s).len();
    if count == 1 || n == 0 {
        return Ok(Value::Str(s));
    }
    if count == 0 {
        return Ok(Value::Str(Str::EMPTY));
    }
    let total = n.checked_mul(count as usize).ok_or_else(too_big)?;
    if total > MAX_STRING_BYTES
        || utf16_len(heap.str(s)).saturating_mul(count as usize) > i32::MAX as usize
    {
        return Err(JavaException::new(
            ex::OUT_OF_MEMORY,
            "Required length exceeds implementation limit",
        ));
    }
    let mark = heap.begin_str();
    for _ in 0..count {
        heap.push_from(s);
    }
    Ok(Value::Str(heap.finish_str(mark)))
}

/// `String.replace(CharSequence, CharSequence)`.
fn replace_literal(
    heap: &mut Heap,
    s: Str,
    target: &str,
    rep: &str,
) -> Result<Value, JavaException> {
    let text = heap.str(s);
    if target.is_empty() {
        // Java inserts the replacement around every code unit; we insert
        // around every character.
        let n = text.chars().count();
        if (n + 1).saturating_mul(rep.len()).saturating_add(text.len()) > MAX_STRING_BYTES {
            return Err(too_big());
        }
        let mut out = String::with_capacity(text.len() + (n + 1) * rep.len());
        out.push_str(rep);
        for c in text.chars() {
            out.push(c);
            out.push_str(rep);
        }
        return Ok(heap.string(&out));
    }
    let finder = memchr::memmem::Finder::new(target.as_bytes());
    if finder.find(text.as_bytes()).is_none() {
        return Ok(Value::Str(s));
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for i in finder.find_iter(text.as_bytes()) {
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + target.len();
        if out.len() > MAX_STRING_BYTES {
            return Err(too_big());
        }
    }
    out.push_str(&text[last..]);
    Ok(heap.string(&out))
}

/// A code point at UTF-16 index `i` (Java's `codePointAt`).
fn code_point_at(text: &str, i: usize) -> Option<i32> {
    match byte_pos(text, i)? {
        Pos::At(b) => text.get(b..)?.chars().next().map(|c| c as i32),
        Pos::Mid(_) => unit_at(text, i).map(|u| u as i32),
    }
}

/// `String.split` with Java's fast path for one literal char.
pub(crate) fn split(
    heap: &mut Heap,
    s: Str,
    regex: &str,
    limit: i32,
    regexes: &mut RegexCache,
) -> Result<Value, JavaException> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    {
        let text = heap.str(s);
        let re = regexes.get(regex)?;
        re.split_spans(text, limit, &mut spans)?;
    }
    let items = spans
        .into_iter()
        .map(|(a, b)| Value::Str(s.slice(a, b)))
        .collect();
    Ok(heap.new_list(ListKind::StringArray, items))
}

/// `String.join(delimiter, elements)`.
fn join(heap: &mut Heap, delim: Value, items: &[Value]) -> Result<Value, JavaException> {
    let Value::Str(d) = delim else {
        return Err(JavaException::new(ex::NULL_POINTER, ""));
    };
    let mark = heap.begin_str();
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            heap.push_from(d);
        }
        match v {
            Value::Str(x) => heap.push_from(*x),
            Value::Null => heap.push_str("null"),
            other => {
                heap.arena_mut().truncate(mark);
                return Err(super::methods::class_cast(
                    heap,
                    *other,
                    "java.lang.CharSequence",
                ));
            }
        }
        if heap.arena_len() - mark > MAX_STRING_BYTES {
            heap.arena_mut().truncate(mark);
            return Err(too_big());
        }
    }
    Ok(Value::Str(heap.finish_str(mark)))
}

fn indent(text: &str, n: i32) -> String {
    if text.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, next) = match rest.find(['\n', '\r']) {
            Some(i) => {
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (&rest[..i], &rest[i + skip..])
            }
            None => (rest, ""),
        };
        if n > 0 {
            for _ in 0..n {
                out.push(' ');
            }
            out.push_str(line);
        } else if n < 0 {
            let mut l = line;
            let mut k = 0;
            while k < -(n as i64) {
                match l.chars().next() {
                    Some(c) if java_is_whitespace(c) => {
                        l = &l[c.len_utf8()..];
                        k += 1;
                    }
                    _ => break,
                }
            }
            out.push_str(l);
        } else {
            out.push_str(line);
        }
        out.push('\n');
        rest = next;
    }
    out
}

/// Calls a `java.lang.String` method (already resolved to `sig`).
pub(crate) fn call(
    heap: &mut Heap,
    s: Str,
    sig: &str,
    args: &[Value],
    regexes: &mut RegexCache,
) -> Result<Call, JavaException> {
    let a = |i: usize| args.get(i).copied().unwrap_or(Value::Null);
    let int = |i: usize| arg_i32(a(i));
    let v = match sig {
        "length()" => Value::Int(utf16_len(heap.str(s)) as i32),
        "isEmpty()" => Value::Bool(s.is_empty()),
        "isBlank()" => Value::Bool(heap.str(s).chars().all(java_is_whitespace)),
        "charAt(int)" => {
            let text = heap.str(s);
            let i = int(0);
            match usize::try_from(i).ok().and_then(|i| unit_at(text, i)) {
                Some(u) => Value::Char(u),
                None => return Err(sioobe(format!("String index out of range: {i}"))),
            }
        }
        "codePointAt(int)" => {
            let text = heap.str(s);
            let i = int(0);
            let len = utf16_len(text);
            match usize::try_from(i)
                .ok()
                .filter(|i| *i < len)
                .and_then(|i| code_point_at(text, i))
            {
                Some(c) => Value::Int(c),
                None => return Err(sioobe(format!("index {i}, length {len}"))),
            }
        }
        "codePointBefore(int)" => {
            let text = heap.str(s);
            let i = int(0);
            let len = utf16_len(text);
            if i < 1 || i as usize > len {
                return Err(sioobe(format!("index {i}, length {len}")));
            }
            let units: Vec<u16> = text.encode_utf16().collect();
            let i = i as usize;
            let lo = units[i - 1];
            if (0xDC00..0xE000).contains(&lo) && i >= 2 && (0xD800..0xDC00).contains(&units[i - 2])
            {
                let hi = units[i - 2];
                Value::Int(0x10000 + (((hi as i32) - 0xD800) << 10) + (lo as i32 - 0xDC00))
            } else {
                Value::Int(lo as i32)
            }
        }
        "codePointCount(int,int)" => {
            let text = heap.str(s);
            let (b, e) = (int(0), int(1));
            let len = utf16_len(text);
            if b < 0 || e as i64 > len as i64 || b > e {
                return Err(JavaException::new(
                    ex::INDEX_OUT_OF_BOUNDS,
                    format!("begin {b}, end {e}, length {len}"),
                ));
            }
            let units: Vec<u16> = text.encode_utf16().collect();
            let slice = &units[b as usize..e as usize];
            Value::Int(char::decode_utf16(slice.iter().copied()).count() as i32)
        }
        "offsetByCodePoints(int,int)" => {
            let units: Vec<u16> = heap.str(s).encode_utf16().collect();
            match offset_by_code_points(&units, int(0), int(1)) {
                Some(i) => Value::Int(i),
                None => return Err(JavaException::new(ex::INDEX_OUT_OF_BOUNDS, "")),
            }
        }
        "substring(int)" => substring(heap, s, int(0), None)?,
        "substring(int,int)" | "subSequence(int,int)" => substring(heap, s, int(0), Some(int(1)))?,
        "indexOf(String)" => match a(0) {
            Value::Str(n) => Value::Int(index_of(heap.str(s), heap.str(n), 0)),
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "indexOf(String,int)" => match a(0) {
            Value::Str(n) => Value::Int(index_of(heap.str(s), heap.str(n), int(1))),
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "indexOf(int)" => Value::Int(index_of_char(heap.str(s), int(0), 0)),
        "indexOf(int,int)" => Value::Int(index_of_char(heap.str(s), int(0), int(1))),
        "lastIndexOf(String)" => match a(0) {
            Value::Str(n) => Value::Int(last_index_of(heap.str(s), heap.str(n), i32::MAX)),
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "lastIndexOf(String,int)" => match a(0) {
            Value::Str(n) => Value::Int(last_index_of(heap.str(s), heap.str(n), int(1))),
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "lastIndexOf(int)" => Value::Int(last_index_of_char(heap.str(s), int(0), i32::MAX)),
        "lastIndexOf(int,int)" => Value::Int(last_index_of_char(heap.str(s), int(0), int(1))),
        "contains(CharSequence)" => match a(0) {
            Value::Str(n) => {
                let (h, n) = (heap.str(s), heap.str(n));
                Value::Bool(memchr::memmem::find(h.as_bytes(), n.as_bytes()).is_some())
            }
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "startsWith(String)" => match a(0) {
            Value::Str(n) => Value::Bool(heap.str(s).starts_with(heap.str(n))),
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "startsWith(String,int)" => match a(0) {
            Value::Str(n) => {
                let text = heap.str(s);
                let off = int(1);
                let ok = match usize::try_from(off).ok().and_then(|o| byte_pos(text, o)) {
                    Some(Pos::At(b)) => text[b..].starts_with(heap.str(n)),
                    Some(Pos::Mid(_)) => heap.str(n).is_empty(),
                    None => false,
                };
                Value::Bool(ok)
            }
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "endsWith(String)" => match a(0) {
            Value::Str(n) => Value::Bool(heap.str(s).ends_with(heap.str(n))),
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "equals(Object)" | "contentEquals(CharSequence)" => match a(0) {
            Value::Str(n) => Value::Bool(heap.str(s) == heap.str(n)),
            Value::Null if sig.starts_with("content") => {
                return Err(JavaException::new(ex::NULL_POINTER, ""));
            }
            _ => Value::Bool(false),
        },
        "equalsIgnoreCase(String)" => match a(0) {
            Value::Str(n) => Value::Bool(java_equals_ignore_case(heap.str(s), heap.str(n))),
            _ => Value::Bool(false),
        },
        "compareTo(String)" | "compareTo(Object)" => match a(0) {
            Value::Str(n) => Value::Int(java_compare(heap.str(s), heap.str(n))),
            Value::Null => return Err(JavaException::new(ex::NULL_POINTER, "")),
            other => return Err(super::methods::class_cast(heap, other, "java.lang.String")),
        },
        "compare(CharSequence,CharSequence)" => match (a(0), a(1)) {
            (Value::Str(x), Value::Str(y)) => Value::Int(java_compare(heap.str(x), heap.str(y))),
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "compareToIgnoreCase(String)" => match a(0) {
            Value::Str(n) => Value::Int(java_compare_ignore_case(heap.str(s), heap.str(n))),
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "regionMatches(int,String,int,int)" | "regionMatches(boolean,int,String,int,int)" => {
            let (ci, k) = if sig.starts_with("regionMatches(boolean") {
                (matches!(a(0), Value::Bool(true)), 1)
            } else {
                (false, 0)
            };
            let Value::Str(other) = a(k + 1) else {
                return Err(JavaException::new(ex::NULL_POINTER, ""));
            };
            let (to, oo, len) = (arg_i64(a(k)), arg_i64(a(k + 2)), arg_i64(a(k + 3)));
            let x: Vec<u16> = heap.str(s).encode_utf16().collect();
            let y: Vec<u16> = heap.str(other).encode_utf16().collect();
            let ok = if oo < 0 || to < 0 || to > x.len() as i64 - len || oo > y.len() as i64 - len {
                false
            } else if len <= 0 {
                true
            } else {
                let xs = &x[to as usize..(to + len) as usize];
                let ys = &y[oo as usize..(oo + len) as usize];
                if ci {
                    xs.iter().zip(ys).all(|(p, q)| {
                        let (p, q) = (
                            char::from_u32(*p as u32).unwrap_or('\u{FFFD}'),
                            char::from_u32(*q as u32).unwrap_or('\u{FFFD}'),
                        );
                        chars_eq_ignore_case(p, q)
                    })
                } else {
                    xs == ys
                }
            };
            Value::Bool(ok)
        }
        "concat(String)" => match a(0) {
            Value::Str(n) => {
                if n.is_empty() {
                    Value::Str(s)
                } else {
                    let mark = heap.begin_str();
                    heap.push_from(s);
                    heap.push_from(n);
                    Value::Str(heap.finish_str(mark))
                }
            }
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "toUpperCase()" => change_case(heap, s, true)?,
        "toLowerCase()" => change_case(heap, s, false)?,
        "trim()" => Value::Str(trim(heap, s)),
        "strip()" => Value::Str(strip(heap, s, true, true)),
        "stripLeading()" => Value::Str(strip(heap, s, true, false)),
        "stripTrailing()" => Value::Str(strip(heap, s, false, true)),
        "repeat(int)" => repeat(heap, s, int(0))?,
        "toString()" | "intern()" => Value::Str(s),
        "hashCode()" => Value::Int(java_string_hash(heap.str(s))),
        "replace(char,char)" => match (a(0), a(1)) {
            (Value::Char(x), Value::Char(y)) => {
                let (Some(x), Some(y)) = (char::from_u32(x as u32), char::from_u32(y as u32))
                else {
                    return Ok(Call::NotFound);
                };
                let text = heap.str(s);
                if !text.contains(x) {
                    Value::Str(s)
                } else {
                    let out: String = text.chars().map(|c| if c == x { y } else { c }).collect();
                    heap.string(&out)
                }
            }
            _ => return Ok(Call::NotFound),
        },
        "replace(CharSequence,CharSequence)" => match (a(0), a(1)) {
            (Value::Str(t), Value::Str(r)) => {
                let (t, r) = (heap.str(t).to_string(), heap.str(r).to_string());
                replace_literal(heap, s, &t, &r)?
            }
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "replaceAll(String,String)" | "replaceFirst(String,String)" => match (a(0), a(1)) {
            (Value::Str(p), Value::Str(r)) => {
                let out = {
                    let re = regexes.get(heap.str(p))?;
                    if sig.starts_with("replaceAll") {
                        re.replace_all(heap.str(s), heap.str(r))?
                    } else {
                        re.replace_first(heap.str(s), heap.str(r))?
                    }
                };
                if out.len() > MAX_STRING_BYTES {
                    return Err(too_big());
                }
                if out == heap.str(s) {
                    Value::Str(s)
                } else {
                    heap.string(&out)
                }
            }
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "matches(String)" => match a(0) {
            Value::Str(p) => {
                let re = regexes.get(heap.str(p))?;
                Value::Bool(re.matches(heap.str(s))?)
            }
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "split(String)" => match a(0) {
            Value::Str(p) => {
                let p = heap.str(p).to_string();
                split(heap, s, &p, 0, regexes)?
            }
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "split(String,int)" => match a(0) {
            Value::Str(p) => {
                let p = heap.str(p).to_string();
                split(heap, s, &p, int(1), regexes)?
            }
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "indent(int)" => {
            let text = heap.str(s);
            let lines = text.matches('\n').count() + text.matches('\r').count() + 1;
            let n = usize::try_from(int(0)).unwrap_or(0);
            if lines.saturating_mul(n).saturating_add(text.len() + lines) > MAX_STRING_BYTES {
                return Err(too_big());
            }
            let out = indent(text, int(0));
            heap.string(&out)
        }
        "toCharArray()" => {
            if utf16_len(heap.str(s)) > MAX_ARRAY_ITEMS {
                return Err(too_big());
            }
            let units = heap.str(s).encode_utf16().map(Value::Char).collect();
            heap.new_list(ListKind::CharArray, units)
        }
        "getBytes()" => {
            if s.len as usize > MAX_ARRAY_ITEMS {
                return Err(too_big());
            }
            let bytes = bytes_value(heap.str(s).as_bytes().to_vec());
            heap.new_list(ListKind::ByteArray, bytes)
        }
        "getBytes(String)" => {
            let Value::Str(name) = a(0) else {
                return Err(JavaException::new(ex::NULL_POINTER, ""));
            };
            // UTF-16 is the longest encoding: two bytes a unit, and a mark.
            if utf16_len(heap.str(s)) > MAX_ARRAY_ITEMS / 2 - 1 {
                return Err(too_big());
            }
            let bytes = encode(heap.str(s), heap.str(name))?;
            heap.new_list(ListKind::ByteArray, bytes_value(bytes))
        }
        "valueOf(char[])" | "copyValueOf(char[])" => {
            let units = char_array(heap, a(0))?;
            heap.string(&String::from_utf16_lossy(&units))
        }
        "valueOf(char[],int,int)" | "copyValueOf(char[],int,int)" => {
            let units = char_array(heap, a(0))?;
            let (offset, count) = (int(1), int(2));
            let len = units.len() as i64;
            if offset < 0 || count < 0 || offset as i64 + count as i64 > len {
                return Err(sioobe(format!(
                    "offset {offset}, count {count}, length {len}"
                )));
            }
            let part = &units[offset as usize..(offset + count) as usize];
            heap.string(&String::from_utf16_lossy(part))
        }
        "valueOf(int)" | "valueOf(long)" | "valueOf(double)" | "valueOf(float)"
        | "valueOf(boolean)" | "valueOf(char)" | "valueOf(Object)" => {
            let v = a(0);
            let v = match (sig, v) {
                ("valueOf(double)", Value::Int(i)) => Value::Double(i as f64),
                ("valueOf(double)", Value::Long(i)) => Value::Double(i as f64),
                ("valueOf(double)", Value::Float(f)) => Value::Double(f as f64),
                ("valueOf(long)", Value::Int(i)) => Value::Long(i as i64),
                ("valueOf(float)", Value::Int(i)) => Value::Float(i as f32),
                ("valueOf(float)", Value::Long(i)) => Value::Float(i as f32),
                _ => v,
            };
            if let Value::Str(x) = v {
                Value::Str(x)
            } else {
                super::methods::to_java_string(heap, v)?
            }
        }
        "join(CharSequence,CharSequence[])" => {
            let items = super::methods::varargs(heap, args, 1);
            match items {
                Some(items) => join(heap, a(0), &items)?,
                None => return Err(JavaException::new(ex::NULL_POINTER, "")),
            }
        }
        "join(CharSequence,Iterable)" => match a(1) {
            Value::List(id) => {
                let items = heap.list(id).items.clone();
                join(heap, a(0), &items)?
            }
            _ => return Err(JavaException::new(ex::NULL_POINTER, "")),
        },
        "format(String,Object[])" | "formatted(Object[])" => {
            let (fmt, rest) = if sig.starts_with("format(") {
                (a(0), 1)
            } else {
                (Value::Str(s), 0)
            };
            let Value::Str(fmt) = fmt else {
                return Err(JavaException::new(ex::NULL_POINTER, ""));
            };
            let items = super::methods::varargs(heap, args, rest);
            let fmt = heap.str(fmt).to_string();
            let out = super::format::format(heap, &fmt, items.as_deref())?;
            heap.string(&out)
        }
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

/// Bytes as a `byte[]`'s items (signed, as `Integer`s).
fn bytes_value(bytes: Vec<u8>) -> Vec<Value> {
    bytes
        .into_iter()
        .map(|b| Value::Int(b as i8 as i32))
        .collect()
}

/// The UTF-16 units of a `char[]` argument.
fn char_array(heap: &Heap, v: Value) -> Result<Vec<u16>, JavaException> {
    match v {
        Value::List(id) if heap.list(id).kind == ListKind::CharArray => Ok(heap
            .list(id)
            .items
            .iter()
            .map(|c| match c {
                Value::Char(u) => *u,
                _ => 0,
            })
            .collect()),
        Value::Null => Err(JavaException::new(ex::NULL_POINTER, "")),
        _ => Err(JavaException::new(
            ex::ILLEGAL_ARGUMENT,
            "argument type mismatch",
        )),
    }
}

/// `String.getBytes(charsetName)` for the charsets every JDK has; another
/// name is `UnsupportedEncodingException`. Characters a charset cannot encode
/// become `?`, as Java's encoders replace them.
fn encode(text: &str, charset: &str) -> Result<Vec<u8>, JavaException> {
    let name = charset.to_ascii_uppercase().replace('_', "-");
    Ok(match name.as_str() {
        "UTF-8" | "UTF8" => text.as_bytes().to_vec(),
        "ISO-8859-1" | "ISO8859-1" | "LATIN1" | "ISO-LATIN-1" | "8859-1" | "L1" => {
            // A surrogate pair is one unencodable character: one `?`.
            let mut out = Vec::new();
            for c in text.chars() {
                out.push(if (c as u32) <= 0xFF {
                    c as u32 as u8
                } else {
                    b'?'
                });
            }
            out
        }
        "US-ASCII" | "ASCII" | "ASCII7" | "646" | "ISO646-US" => text
            .chars()
            .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
            .collect(),
        "UTF-16" => {
            let mut out = vec![0xFE, 0xFF];
            out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            out
        }
        "UTF-16BE" => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        "UTF-16LE" => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        _ => {
            return Err(JavaException::new(ex::UNSUPPORTED_ENCODING, charset));
        }
    })
}

/// `Character.offsetByCodePoints`: the index `offset` code points from
/// `index` (a surrogate pair counts once); `None` out of range.
fn offset_by_code_points(units: &[u16], index: i32, offset: i32) -> Option<i32> {
    let len = units.len() as i64;
    let mut x = i64::from(index);
    if x < 0 || x > len {
        return None;
    }
    let is_high = |u: u16| (0xD800..0xDC00).contains(&u);
    let is_low = |u: u16| (0xDC00..0xE000).contains(&u);
    if offset >= 0 {
        for _ in 0..offset {
            if x >= len {
                return None;
            }
            let u = units[x as usize];
            x += 1;
            if is_high(u) && x < len && is_low(units[x as usize]) {
                x += 1;
            }
        }
    } else {
        for _ in offset..0 {
            if x <= 0 {
                return None;
            }
            x -= 1;
            let u = units[x as usize];
            if is_low(u) && x > 0 && is_high(units[x as usize - 1]) {
                x -= 1;
            }
        }
    }
    Some(x as i32)
}
