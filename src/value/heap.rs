//! The per-render store behind [`Value`] handles.

use super::{BigId, EntryId, ListId, MapId, Str, StrBase, Value};
use std::borrow::Cow;

/// What kind of Java collection a list is; it decides how it prints and which
/// methods it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// `java.util.ArrayList` (list literals, ranges): prints `[a, b]`.
    ArrayList,
    /// `net.minidev.json.JSONArray` (arrays from `$input.path`, `$util.parseJson`):
    /// prints as JSON text, `["a","b"]`.
    JsonArray,
    /// `String[]` (from `String.split`): Velocity lets templates index it and call
    /// `size()`/`get()` on it.
    StringArray,
    /// `char[]` (from `String.toCharArray()`): `Character` items; arrays
    /// print as their identity (`[C@1b6d3586`).
    CharArray,
    /// `byte[]` (from `String.getBytes()`): the bytes, signed, as `Integer`
    /// items (Java's are `Byte`; only `getClass()` of an item tells).
    ByteArray,
    /// `Object[]` (from `toArray()`).
    ObjectArray,
    /// `LinkedHashMap.keySet()` (a copy here): prints `[a, b]`.
    KeySet,
    /// `LinkedHashMap.values()` (a copy here): prints `[1, 2]`.
    Values,
    /// `LinkedHashMap.entrySet()` (a copy here): prints `[a=1, b=2]`.
    EntrySet,
}

impl ListKind {
    /// A Java array (fixed size, identity equality, printed as its identity).
    pub fn is_array(self) -> bool {
        matches!(
            self,
            ListKind::StringArray
                | ListKind::CharArray
                | ListKind::ByteArray
                | ListKind::ObjectArray
        )
    }
}

/// A `java.util.Iterator` over a list of the heap (`ArrayList.Itr` semantics:
/// a cursor, the index last returned, and the list length it expects, so a
/// change made past it throws `ConcurrentModificationException`).
#[derive(Clone, Copy, Debug)]
pub struct IterState {
    pub list: ListId,
    pub cursor: usize,
    pub last: Option<usize>,
    pub expected_len: usize,
    pub class: super::JavaClass,
}

/// What kind of Java map a map is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapKind {
    /// `java.util.LinkedHashMap`: prints `{a=1, b=2}`.
    Plain,
    /// A map inside `$context`: prints as the empty string (recorded AWS output).
    Context,
    /// `$context.responseOverride` / `requestOverride` and their parts: print as
    /// the empty string, and each key may be assigned only once.
    Override,
}

/// A list in the heap.
#[derive(Clone, Debug)]
pub struct List {
    pub kind: ListKind,
    pub items: Vec<Value>,
}

/// A map in the heap: entries in insertion order (`LinkedHashMap`).
#[derive(Clone, Debug)]
pub struct Map {
    pub kind: MapKind,
    pub entries: Vec<(Value, Value)>,
    /// For [`MapKind::Override`]: the first key that was assigned a second time.
    pub repeated: Option<Value>,
    /// Positions of the string keys of a large map, built on the first lookup
    /// and dropped by [`Heap::map_mut`] (every structural change goes through
    /// it), so a lookup is not a scan of every entry. (Boxed: a `Map` is
    /// moved whole when made and recycled, and most maps have none.)
    pub(crate) index: std::cell::OnceCell<Box<KeyIndex>>,
}

impl Map {
    /// A new map of `entries` (no repeated key, no key index yet).
    #[inline(always)]
    fn new(kind: MapKind, entries: Vec<(Value, Value)>) -> Map {
        Map {
            kind,
            entries,
            repeated: None,
            index: std::cell::OnceCell::new(),
        }
    }
}

/// A map's string keys by hash (FNV-1a of the bytes) to position.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyIndex {
    positions: std::collections::HashMap<u64, u32>,
    /// Two keys share a hash: lookups scan instead.
    collided: bool,
}

/// Values a walk over values may visit between two resets of the budget
/// (the evaluator resets it every few hundred steps).
pub const WORK_BUDGET: u64 = 20_000_000;

/// How deep `hashCode()` and `equals()` recurse into collections before
/// they count as Java's `StackOverflowError`.
pub const MAX_COMPARE_DEPTH: u32 = 1000;

/// The longest text printing or JSON-writing one value may produce (a list
/// of a thousand references to a 30 MB string prints as 30 GB).
pub const MAX_PRINT_BYTES: usize = 64 << 20;

/// Maps with more entries than this are looked up through a [`KeyIndex`].
const INDEX_FROM: usize = 16;

fn key_hash(key: &str) -> u64 {
    super::fnv1a(key.as_bytes())
}

/// `a == b` without a call to `bcmp` for the usual map keys (up to 16
/// bytes: two overlapping word compares).
#[inline(always)]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n > 16 {
        return a == b;
    }
    if n >= 8 {
        let w = |s: &[u8], i: usize| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&s[i..i + 8]);
            u64::from_le_bytes(x)
        };
        return w(a, 0) == w(b, 0) && w(a, n - 8) == w(b, n - 8);
    }
    if n >= 4 {
        let w = |s: &[u8], i: usize| {
            let mut x = [0u8; 4];
            x.copy_from_slice(&s[i..i + 4]);
            u32::from_le_bytes(x)
        };
        return w(a, 0) == w(b, 0) && w(a, n - 4) == w(b, n - 4);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// A `Map.Entry` (from `entrySet()`), remembering its map so `setValue` writes through.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub key: Value,
    pub value: Value,
    pub map: Option<MapId>,
}

/// A JSON parser's working space: the vectors of its open arrays and of its
/// open objects (but the innermost of each), and the bytes of the string it
/// is unescaping.
pub type Scratch = (Vec<Vec<Value>>, Vec<Vec<(Value, Value)>>, Vec<u8>);

/// The store of one render: a string arena, the request body, the template
/// source, and every list, map, entry and big number made while rendering.
#[derive(Debug)]
pub struct Heap<'a> {
    arena: String,
    body: &'a str,
    /// The template source (source 0)...
    source0: &'a str,
    /// ...and the others, from 1 on (a render of a template without
    /// interpolated strings or `#evaluate` allocates no vector for them).
    sources: Vec<Cow<'a, str>>,
    lists: Vec<List>,
    maps: Vec<Map>,
    entries: Vec<Entry>,
    bigs: Vec<Box<str>>,
    iters: Vec<IterState>,
    /// Approximate bytes of everything but the arena (see
    /// [`Heap::approx_size`]): counted when made, and adjusted by
    /// [`Heap::resized`] when a collection grows or shrinks.
    counted: usize,
    /// Work left for printing, hashing and comparing values (see
    /// [`Heap::tick`]): collections can share themselves (`[$l, $l]` forty
    /// times is 2^40 elements to print), so these walks are budgeted.
    work: std::cell::Cell<u64>,
    /// A hash or comparison recursed past [`MAX_COMPARE_DEPTH`]: a collection
    /// that contains itself, where Java throws `StackOverflowError`.
    overflowed: std::cell::Cell<bool>,
    /// `String.hashCode()` of long strings, as Java caches it in the string.
    str_hashes: std::cell::RefCell<
        std::collections::HashMap<
            Str,
            i32,
            std::hash::BuildHasherDefault<std::hash::DefaultHasher>,
        >,
    >,
    /// Whether an override map has had a key assigned twice (see
    /// [`Map::repeated`]): when not, the end of a render looks at none of them.
    override_repeated: bool,
    /// Emptied vectors for new lists and maps (kept from earlier renders).
    free_values: Vec<Vec<Value>>,
    free_pairs: Vec<Vec<(Value, Value)>>,
    /// The JSON parser's working space (see [`Scratch`]): the byte buffer
    /// (every parse uses it)...
    scratch_bytes: Vec<u8>,
    /// ...and the two stacks (a parse of a whole document uses them), made
    /// at the first such parse. Boxed: a render moves them in from
    /// [`HeapBuffers`] and back as one pointer, where they were six words
    /// each way.
    scratch_stacks: Option<Box<Stacks>>,
}

/// A JSON parser's stacks (see [`Scratch`]).
type Stacks = (Vec<Vec<Value>>, Vec<Vec<(Value, Value)>>);

/// The allocations of a heap, emptied, for the next render to reuse (a render
/// then grows no buffer it grew before: W1 makes 8 reallocations fewer).
#[derive(Debug, Default)]
pub struct HeapBuffers {
    arena: String,
    lists: Vec<List>,
    maps: Vec<Map>,
    entries: Vec<Entry>,
    free_values: Vec<Vec<Value>>,
    free_pairs: Vec<Vec<(Value, Value)>>,
    /// The JSON parser's working space (see [`Scratch`]).
    scratch_bytes: Vec<u8>,
    scratch_stacks: Option<Box<Stacks>>,
}

impl HeapBuffers {
    /// Buffers larger than this are freed rather than kept.
    const KEEP_BYTES: usize = 1 << 20;
    /// At most this many emptied list and map vectors are kept...
    const KEEP_VECS: usize = 1024;
    /// ...each of at most this many elements (so at most 2 MB per thread).
    const KEEP_ELEMENTS: usize = 64;
}

/// Keeps `v`, emptied, in `free` unless it is large or `free` is full.
fn recycle<T>(free: &mut Vec<Vec<T>>, mut v: Vec<T>) {
    if v.capacity() != 0
        && v.capacity() <= HeapBuffers::KEEP_ELEMENTS
        && free.len() < HeapBuffers::KEEP_VECS
    {
        v.clear();
        free.push(v);
    }
}

impl<'a> Heap<'a> {
    /// A heap for rendering `source` against the request `body`.
    pub fn new(body: &'a str, source: &'a str) -> Heap<'a> {
        Heap::with_buffers(body, source, &mut HeapBuffers::default())
    }

    /// A heap that reuses `buffers` (left by [`Heap::return_buffers`]),
    /// taking them field by field (moves of 24 bytes each, where moving a
    /// whole `HeapBuffers` was a `memcpy` call).
    #[inline(always)]
    pub fn with_buffers(body: &'a str, source: &'a str, buffers: &mut HeapBuffers) -> Heap<'a> {
        Heap {
            arena: std::mem::take(&mut buffers.arena),
            body,
            source0: source,
            sources: Vec::new(),
            lists: std::mem::take(&mut buffers.lists),
            maps: std::mem::take(&mut buffers.maps),
            entries: std::mem::take(&mut buffers.entries),
            bigs: Vec::new(),
            iters: Vec::new(),
            counted: 0,
            work: std::cell::Cell::new(WORK_BUDGET),
            overflowed: std::cell::Cell::new(false),
            str_hashes: Default::default(),
            override_repeated: false,
            free_values: std::mem::take(&mut buffers.free_values),
            free_pairs: std::mem::take(&mut buffers.free_pairs),
            scratch_bytes: std::mem::take(&mut buffers.scratch_bytes),
            scratch_stacks: buffers.scratch_stacks.take(),
        }
    }

    /// Empties the heap and puts its allocations (those small enough to be
    /// worth keeping) into `b`, for [`Heap::with_buffers`].
    ///
    /// (Out of line: inlined into `Ctx`'s drop, its swaps were made of
    /// 8-byte moves or 16-byte ones depending on the code around them.)
    #[inline(never)]
    pub fn return_buffers(&mut self, b: &mut HeapBuffers) {
        self.counted = 0;
        let keep = |bytes: usize| bytes <= HeapBuffers::KEEP_BYTES;
        // Swapped, not assigned: `b`'s fields are the empty ones
        // `with_buffers` left (nothing to drop), and the heap's become empty.
        std::mem::swap(&mut b.arena, &mut self.arena);
        std::mem::swap(&mut b.lists, &mut self.lists);
        std::mem::swap(&mut b.maps, &mut self.maps);
        std::mem::swap(&mut b.entries, &mut self.entries);
        std::mem::swap(&mut b.free_values, &mut self.free_values);
        std::mem::swap(&mut b.free_pairs, &mut self.free_pairs);
        std::mem::swap(&mut b.scratch_bytes, &mut self.scratch_bytes);
        std::mem::swap(&mut b.scratch_stacks, &mut self.scratch_stacks);
        b.arena.clear();
        // (Popped, not drained: `Drain`'s drop was a call of its own. The
        // last vector kept is the first taken: the first map made next time
        // gets the first map's vector.)
        while let Some(list) = b.lists.pop() {
            recycle(&mut b.free_values, list.items);
        }
        while let Some(map) = b.maps.pop() {
            recycle(&mut b.free_pairs, map.entries);
        }
        b.entries.clear();
        if !keep(b.arena.capacity()) {
            b.arena = String::new();
        }
        if !keep(b.lists.capacity() * std::mem::size_of::<List>()) {
            b.lists = Vec::new();
        }
        if !keep(b.maps.capacity() * std::mem::size_of::<Map>()) {
            b.maps = Vec::new();
        }
        if let Some(stacks) = &mut b.scratch_stacks {
            if !keep(stacks.0.capacity() * std::mem::size_of::<Vec<Value>>()) {
                stacks.0 = Vec::new();
            }
            if !keep(stacks.1.capacity() * std::mem::size_of::<Vec<(Value, Value)>>()) {
                stacks.1 = Vec::new();
            }
        }
        if !keep(b.scratch_bytes.capacity()) {
            b.scratch_bytes = Vec::new();
        }
        if !keep(b.entries.capacity() * std::mem::size_of::<Entry>()) {
            b.entries = Vec::new();
        }
    }

    /// Whether some override map has had a key assigned twice.
    pub fn override_repeated(&self) -> bool {
        self.override_repeated
    }

    /// The request body.
    pub fn body(&self) -> &'a str {
        self.body
    }

    /// The template source (source 0).
    pub fn source(&self) -> &str {
        self.source0
    }

    /// Registers another source text (an interpolated string literal's
    /// template, an `#evaluate`d text) and returns its id for [`StrBase::Source`].
    /// How many sources the heap holds (ids are `u16`).
    pub fn source_count(&self) -> usize {
        self.sources.len() + 1
    }

    pub fn add_source(&mut self, text: Cow<'a, str>) -> u16 {
        self.counted += text.len();
        self.sources.push(text);
        self.sources.len().min(u16::MAX as usize) as u16
    }

    /// The text of source `id`.
    #[inline]
    pub fn source_text(&self, id: u16) -> &str {
        match id {
            0 => self.source0,
            n => &self.sources[n as usize - 1],
        }
    }

    /// Bytes held by the string arena (for memory limits).
    pub fn arena_len(&self) -> usize {
        self.arena.len()
    }

    /// Rough count of bytes held by the heap (for memory limits).
    pub fn approx_size(&self) -> usize {
        self.arena.len() + self.counted
    }

    /// One unit of work for a walk over values (printing, hashing,
    /// comparing); false once the budget is spent: the walk then stops
    /// early and its caller reports a limit.
    #[inline]
    pub fn tick(&self) -> bool {
        let w = self.work.get();
        if w == 0 {
            return false;
        }
        self.work.set(w - 1);
        true
    }

    /// `n` units of work at once (a long string compared or hashed counts
    /// one unit per 64 bytes); false once the budget is spent.
    pub fn tick_n(&self, n: u64) -> bool {
        let w = self.work.get();
        self.work.set(w.saturating_sub(n));
        w >= n && w > 0
    }

    /// `String.hashCode()`, computed once for a long string (Java caches it).
    pub fn str_hash(&self, s: Str, hash: impl Fn(&str) -> i32) -> i32 {
        if s.len < 1024 {
            return hash(self.str(s));
        }
        if let Some(&h) = self.str_hashes.borrow().get(&s) {
            return h;
        }
        let h = hash(self.str(s));
        self.str_hashes.borrow_mut().insert(s, h);
        h
    }

    /// Spends the whole budget: a walk made a string larger than any a render
    /// may hold (see [`MAX_PRINT_BYTES`]) and reports it as running out.
    pub fn exhaust_work(&self) {
        self.work.set(0);
    }

    /// Records that a hash or comparison recursed too deep.
    pub fn note_overflow(&self) {
        self.overflowed.set(true);
    }

    /// Whether a hash or comparison recursed too deep.
    pub fn overflowed(&self) -> bool {
        self.overflowed.get()
    }

    /// The work left (see [`Heap::tick`]), for a walk that may be undone.
    pub fn work_left(&self) -> u64 {
        self.work.get()
    }

    /// Restores the work left to what [`Heap::work_left`] gave.
    pub fn set_work_left(&self, work: u64) {
        self.work.set(work);
    }

    /// Whether a walk over values ran out of its budget.
    pub fn work_exhausted(&self) -> bool {
        self.work.get() == 0
    }

    /// Restores the budget of walks over values.
    pub fn reset_work(&self) {
        self.work.set(WORK_BUDGET);
    }

    /// Bytes a list of `n` items is counted as.
    pub const fn list_bytes(n: usize) -> usize {
        n * 16 + 32
    }

    /// Bytes a map of `n` entries is counted as.
    pub const fn map_bytes(n: usize) -> usize {
        n * 32 + 48
    }

    /// Records that a collection counted as `before` bytes is now `after`.
    pub fn resized(&mut self, before: usize, after: usize) {
        self.counted = (self.counted + after).saturating_sub(before);
    }

    /// The bytes a list or map value is counted as (0 for other values).
    pub fn collection_bytes(&self, v: Value) -> usize {
        match v {
            Value::List(id) => Self::list_bytes(self.list(id).items.len()),
            Value::Map(id) => Self::map_bytes(self.map(id).entries.len()),
            Value::Host(super::Host::Iter(i)) => {
                Self::list_bytes(self.list(self.iter(i).list).items.len())
            }
            _ => 0,
        }
    }

    // ------------------------------------------------------------------ strings

    /// The text of a string.
    #[inline(always)]
    pub fn str(&self, s: Str) -> &str {
        let (text, start, end) = self.str_parts(s);
        &text[start..end]
    }

    /// The text a string is a slice of (the arena, the body or a source) and
    /// the string's byte range in it: `str(s)` is `text[start..end]`.
    #[inline(always)]
    pub fn str_parts(&self, s: Str) -> (&str, usize, usize) {
        let text: &str = match s.base() {
            StrBase::Arena => &self.arena,
            StrBase::Body => self.body,
            StrBase::Source(id) => self.source_text(id),
        };
        (text, s.start as usize, (s.start + s.len) as usize)
    }

    /// The bytes of a string (for comparing: no char-boundary checks).
    #[inline(always)]
    pub fn str_bytes(&self, s: Str) -> &[u8] {
        let (start, end) = (s.start as usize, (s.start + s.len) as usize);
        let base: &str = match s.base {
            0 => &self.arena,
            1 => self.body,
            n => self.source_text((n - 2) as u16),
        };
        &base.as_bytes()[start..end]
    }

    /// A string of the body's bytes `start..end` (must be on char boundaries).
    pub fn body_str(&self, start: usize, end: usize) -> Str {
        debug_assert!(self.body.is_char_boundary(start) && self.body.is_char_boundary(end));
        Str::new(StrBase::Body, start as u32, (end - start) as u32)
    }

    /// A string of the template source's bytes `start..end`.
    pub fn source_str(&self, start: usize, end: usize) -> Str {
        self.source_str_in(0, start, end)
    }

    /// A string of bytes `start..end` of source `id`.
    pub fn source_str_in(&self, id: u16, start: usize, end: usize) -> Str {
        debug_assert!(
            self.source_text(id).is_char_boundary(start)
                && self.source_text(id).is_char_boundary(end)
        );
        Str::new(StrBase::Source(id), start as u32, (end - start) as u32)
    }

    /// Copies `text` into the arena.
    pub fn alloc_str(&mut self, text: &str) -> Str {
        let start = self.arena.len();
        self.arena.push_str(text);
        self.finish_str(start)
    }

    /// A string value holding `text`.
    pub fn string(&mut self, text: &str) -> Value {
        Value::Str(self.alloc_str(text))
    }

    /// Starts building a string in the arena: append with [`Heap::push_str`],
    /// [`Heap::push_char`] or [`Heap::push_from`], then call [`Heap::finish_str`]
    /// with the returned mark.
    pub fn begin_str(&self) -> usize {
        self.arena.len()
    }

    /// Appends text to the string being built.
    pub fn push_str(&mut self, text: &str) {
        self.arena.push_str(text);
    }

    /// Appends a char to the string being built.
    pub fn push_char(&mut self, c: char) {
        self.arena.push(c);
    }

    /// Appends the text of another string to the string being built.
    pub fn push_from(&mut self, s: Str) {
        let (start, end) = (s.start as usize, (s.start + s.len) as usize);
        match s.base() {
            StrBase::Arena => self.arena.extend_from_within(start..end),
            StrBase::Body => self.arena.push_str(&self.body[start..end]),
            StrBase::Source(id) => {
                let text: &str = match id {
                    0 => self.source0,
                    n => &self.sources[n as usize - 1],
                };
                self.arena.push_str(&text[start..end])
            }
        }
    }

    /// The string built since `mark` (from [`Heap::begin_str`]).
    pub fn finish_str(&self, mark: usize) -> Str {
        Str::new(
            StrBase::Arena,
            mark as u32,
            (self.arena.len() - mark) as u32,
        )
    }

    /// Direct access to the arena for writers that build a string in place
    /// (between [`Heap::begin_str`] and [`Heap::finish_str`]).
    pub fn arena_mut(&mut self) -> &mut String {
        &mut self.arena
    }

    // ------------------------------------------------------------------ big numbers

    /// Stores the text of a `BigInteger` / `BigDecimal`.
    pub fn alloc_big(&mut self, text: &str) -> BigId {
        self.counted += text.len() + 16;
        self.bigs.push(text.into());
        BigId(self.bigs.len() as u32 - 1)
    }

    /// The text of a `BigInteger` / `BigDecimal`.
    pub fn big(&self, id: BigId) -> &str {
        &self.bigs[id.0 as usize]
    }

    // ------------------------------------------------------------------ iterators

    /// A new iterator over `list`, at its start.
    pub fn new_iter(&mut self, list: ListId, class: super::JavaClass, cursor: usize) -> Value {
        let expected_len = self.list(list).items.len();
        self.counted += std::mem::size_of::<IterState>();
        self.iters.push(IterState {
            list,
            cursor,
            last: None,
            expected_len,
            class,
        });
        Value::Host(super::Host::Iter(self.iters.len() as u32 - 1))
    }

    pub fn iter(&self, id: u32) -> &IterState {
        &self.iters[id as usize]
    }

    pub fn iter_mut(&mut self, id: u32) -> &mut IterState {
        &mut self.iters[id as usize]
    }

    // ------------------------------------------------------------------ lists

    /// Two empty stacks for a parser, and its byte buffer (whose contents are
    /// overwritten, not cleared; see [`Heap::put_scratch`]).
    pub fn take_scratch(&mut self) -> Scratch {
        let (mut a, mut b) = self
            .scratch_stacks
            .as_mut()
            .map(|s| std::mem::take(&mut **s))
            .unwrap_or_default();
        let c = std::mem::take(&mut self.scratch_bytes);
        a.clear();
        b.clear();
        if a.capacity() == 0 {
            a.reserve(32);
            b.reserve(32);
        }
        (a, b, c)
    }

    /// Gives back the stacks from [`Heap::take_scratch`].
    pub fn put_scratch(&mut self, scratch: Scratch) {
        let (a, b, c) = scratch;
        self.scratch_bytes = c;
        match &mut self.scratch_stacks {
            Some(s) => **s = (a, b),
            None => self.scratch_stacks = Some(Box::new((a, b))),
        }
    }

    /// The byte buffer of [`Heap::take_scratch`] alone (for a parser that
    /// reads a scalar).
    pub fn take_scratch_bytes(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.scratch_bytes)
    }

    /// Gives back the buffer from [`Heap::take_scratch_bytes`].
    pub fn put_scratch_bytes(&mut self, bytes: Vec<u8>) {
        self.scratch_bytes = bytes;
    }

    /// An empty vector for a list's items (a kept one when there is one).
    pub fn value_vec(&mut self) -> Vec<Value> {
        self.free_values.pop().unwrap_or_default()
    }

    /// An empty vector for a map's entries (a kept one when there is one).
    pub fn pair_vec(&mut self) -> Vec<(Value, Value)> {
        self.free_pairs.pop().unwrap_or_default()
    }

    /// Keeps an unused vector from [`Heap::value_vec`] for the next list.
    pub fn recycle_value_vec(&mut self, v: Vec<Value>) {
        recycle(&mut self.free_values, v);
    }

    /// Keeps an unused vector from [`Heap::pair_vec`] for the next map.
    pub fn recycle_pair_vec(&mut self, v: Vec<(Value, Value)>) {
        recycle(&mut self.free_pairs, v);
    }

    pub fn alloc_list(&mut self, kind: ListKind, mut items: Vec<Value>) -> ListId {
        if items.capacity() == 0 {
            items = self.value_vec();
        }
        self.counted += Self::list_bytes(items.len());
        self.lists.push(List { kind, items });
        ListId(self.lists.len() as u32 - 1)
    }

    /// A new list value.
    pub fn new_list(&mut self, kind: ListKind, items: Vec<Value>) -> Value {
        Value::List(self.alloc_list(kind, items))
    }

    pub fn list(&self, id: ListId) -> &List {
        &self.lists[id.0 as usize]
    }

    pub fn list_mut(&mut self, id: ListId) -> &mut List {
        &mut self.lists[id.0 as usize]
    }

    // ------------------------------------------------------------------ maps

    #[inline]
    pub fn alloc_map(&mut self, kind: MapKind, mut entries: Vec<(Value, Value)>) -> MapId {
        if entries.capacity() == 0 {
            entries = self.pair_vec();
        }
        self.push_map(kind, entries)
    }

    /// A new map whose entry vector is allocated only when an entry is added
    /// (for the maps every render makes and few fill, such as `$context`'s
    /// override maps: taking a kept vector and giving it back cost more).
    #[inline]
    pub fn alloc_empty_map(&mut self, kind: MapKind) -> MapId {
        self.push_map(kind, Vec::new())
    }

    /// `n` empty maps at once (see [`Heap::alloc_empty_map`]), with
    /// consecutive ids from the returned one: one capacity check and one
    /// count for all (`$context` makes four each render).
    pub fn alloc_empty_maps(&mut self, kind: MapKind, n: usize) -> MapId {
        self.counted += n * Self::map_bytes(0);
        let first = self.maps.len() as u32;
        // (Made in place, as in `push_map`.)
        self.maps
            .extend(std::iter::repeat_with(|| Map::new(kind, Vec::new())).take(n));
        MapId(first)
    }

    fn push_map(&mut self, kind: MapKind, entries: Vec<(Value, Value)>) -> MapId {
        self.counted += Self::map_bytes(entries.len());
        // Made in its slot: `push` made the map on the stack, field by
        // field, and copied it with 16-byte loads, each of which waited for
        // the narrower stores it spans (a store-forwarding stall at each
        // map a render makes; `$context` alone makes six). `extend` with
        // `once_with` makes room first, then writes the map where it goes.
        self.maps
            .extend(std::iter::once_with(|| Map::new(kind, entries)));
        MapId(self.maps.len() as u32 - 1)
    }

    /// A new map value.
    pub fn new_map(&mut self, kind: MapKind) -> Value {
        Value::Map(self.alloc_map(kind, Vec::new()))
    }

    pub fn map(&self, id: MapId) -> &Map {
        &self.maps[id.0 as usize]
    }

    /// The map, to change: its key index is dropped (use
    /// [`Heap::map_value_mut`] to replace a value only).
    pub fn map_mut(&mut self, id: MapId) -> &mut Map {
        let map = &mut self.maps[id.0 as usize];
        map.index.take();
        map
    }

    /// The value of entry `i`, to replace (the keys stay as they are).
    pub fn map_value_mut(&mut self, id: MapId, i: usize) -> &mut Value {
        &mut self.maps[id.0 as usize].entries[i].1
    }

    /// Position of the string key `key` through the map's index; `None` when
    /// the map is too small to have one or two keys share a hash (the
    /// caller scans), `Some(None)` when the key is absent.
    #[inline]
    fn indexed_find(&self, map: &Map, key: &str) -> Option<Option<usize>> {
        if map.entries.len() <= INDEX_FROM {
            return None;
        }
        self.indexed_find_large(map, key)
    }

    #[inline(never)]
    fn indexed_find_large(&self, map: &Map, key: &str) -> Option<Option<usize>> {
        let index = map.index.get_or_init(|| {
            let mut ix = KeyIndex::default();
            for (i, (k, _)) in map.entries.iter().enumerate() {
                if let Value::Str(s) = k
                    && ix
                        .positions
                        .insert(key_hash(self.str(*s)), i as u32)
                        .is_some()
                {
                    ix.collided = true;
                }
            }
            Box::new(ix)
        });
        if index.collided {
            return None;
        }
        Some(
            index
                .positions
                .get(&key_hash(key))
                .map(|&i| i as usize)
                .filter(|&i| matches!(map.entries[i].0, Value::Str(s) if self.str(s) == key)),
        )
    }

    /// Position of `key` in the map (Java `equals`), if present.
    pub fn map_find(&self, id: MapId, key: Value) -> Option<usize> {
        let map = self.map(id);
        // Fast path for the usual case: a string key.
        if let Value::Str(k) = key {
            let k = self.str(k);
            if let Some(found) = self.indexed_find(map, k) {
                return found;
            }
            return map
                .entries
                .iter()
                .position(|(ek, _)| matches!(ek, Value::Str(s) if self.str(*s) == k));
        }
        map.entries
            .iter()
            .position(|(ek, _)| self.java_equals(*ek, key))
    }

    /// Position of the string key `key` in the map, if present.
    pub fn map_find_str(&self, id: MapId, key: &str) -> Option<usize> {
        let map = self.map(id);
        if let Some(found) = self.indexed_find(map, key) {
            return found;
        }
        map.entries
            .iter()
            .position(|(ek, _)| {
                matches!(ek, Value::Str(s) if s.len as usize == key.len() && self.str_bytes(*s) == key.as_bytes())
            })
    }

    /// `Map.get(key)`: the value, or `None` when the key is absent.
    pub fn map_get(&self, id: MapId, key: Value) -> Option<Value> {
        self.map_find(id, key).map(|i| self.map(id).entries[i].1)
    }

    /// `Map.get(key)` with a string key, trying position `hint` first; the
    /// position found is written back to `hint`. The hit is inlined (W2
    /// reads 870 properties per render, all at their hint).
    #[inline(always)]
    pub fn map_get_str_hinted(&self, id: MapId, key: &str, hint: &mut usize) -> Option<Value> {
        let entries = &self.map(id).entries;
        if let Some((Value::Str(s), v)) = entries.get(*hint)
            && s.len as usize == key.len()
            && short_eq(self.str_bytes(*s), key.as_bytes())
        {
            return Some(*v);
        }
        self.map_get_str_missed(id, key, hint)
    }

    /// [`Heap::map_get_str_hinted`], giving the value where the map holds it.
    #[inline(always)]
    pub fn map_get_str_hinted_ref(&self, id: MapId, key: &str, hint: &mut usize) -> Option<&Value> {
        let entries = &self.map(id).entries;
        if let Some((Value::Str(s), v)) = entries.get(*hint)
            && s.len as usize == key.len()
            && short_eq(self.str_bytes(*s), key.as_bytes())
        {
            return Some(v);
        }
        let i = self.map_find_str(id, key)?;
        *hint = i;
        self.map(id).entries.get(i).map(|e| &e.1)
    }

    #[inline(never)]
    fn map_get_str_missed(&self, id: MapId, key: &str, hint: &mut usize) -> Option<Value> {
        let i = self.map_find_str(id, key)?;
        *hint = i;
        Some(self.map(id).entries[i].1)
    }

    /// `Map.get(key)` with a string key.
    pub fn map_get_str(&self, id: MapId, key: &str) -> Option<Value> {
        self.map_find_str(id, key)
            .map(|i| self.map(id).entries[i].1)
    }

    /// `Map.put(key, value)`: returns the previous value (`None` when absent).
    /// An existing key keeps its position, as in a `LinkedHashMap`. For an
    /// override map, a second assignment of the same key is recorded.
    pub fn map_put(&mut self, id: MapId, key: Value, value: Value) -> Option<Value> {
        match self.map_find(id, key) {
            Some(i) => {
                let map = &mut self.maps[id.0 as usize];
                if map.kind == MapKind::Override && map.repeated.is_none() {
                    map.repeated = Some(key);
                    self.override_repeated = true;
                }
                Some(std::mem::replace(&mut map.entries[i].1, value))
            }
            None => {
                self.counted += Self::map_bytes(1) - Self::map_bytes(0);
                self.map_push(id, key, value);
                None
            }
        }
    }

    /// Appends an entry whose key is not in the map, keeping its index.
    pub fn map_push(&mut self, id: MapId, key: Value, value: Value) {
        // (The key's hash is needed only when the map has an index.)
        let indexed = self.maps[id.0 as usize].index.get().is_some();
        let hash = match key {
            Value::Str(s) if indexed => Some(key_hash(self.str(s))),
            _ => None,
        };
        let map = &mut self.maps[id.0 as usize];
        // A map made by `alloc_empty_map` takes a kept vector on its first entry.
        if map.entries.capacity() == 0
            && let Some(v) = self.free_pairs.pop()
        {
            map.entries = v;
        }
        map.entries.push((key, value));
        let pos = map.entries.len() as u32 - 1;
        if let Some(ix) = map.index.get_mut()
            && let Some(h) = hash
            && ix.positions.insert(h, pos).is_some()
        {
            ix.collided = true;
        }
    }

    /// `Map.remove(key)`: returns the removed value.
    pub fn map_remove(&mut self, id: MapId, key: Value) -> Option<Value> {
        let i = self.map_find(id, key)?;
        Some(self.map_mut(id).entries.remove(i).1)
    }

    // ------------------------------------------------------------------ entries

    pub fn alloc_entry(&mut self, entry: Entry) -> EntryId {
        self.counted += 40;
        self.entries.push(entry);
        EntryId(self.entries.len() as u32 - 1)
    }

    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.entries[id.0 as usize]
    }

    pub fn entry_mut(&mut self, id: EntryId) -> &mut Entry {
        &mut self.entries[id.0 as usize]
    }

    // ------------------------------------------------------------------ equality

    /// Java's `a.equals(b)` (type-strict: `Integer(1)` is not `Long(1)`, a
    /// `List` equals any `List` with equal elements, a `Map` any `Map` with
    /// equal mappings; arrays compare by identity).
    pub fn java_equals(&self, a: Value, b: Value) -> bool {
        self.java_equals_depth(a, b, 0)
    }

    fn java_equals_depth(&self, a: Value, b: Value, depth: u32) -> bool {
        if depth > MAX_COMPARE_DEPTH {
            self.note_overflow();
            return false;
        }
        if !self.tick() {
            return false;
        }
        match (a, b) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Long(x), Value::Long(y)) => x == y,
            // Double.equals compares bits: NaN equals NaN, 0.0 is not -0.0.
            (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::BigInt(x), Value::BigInt(y)) => self.big(x) == self.big(y),
            (Value::BigDec(x), Value::BigDec(y)) => self.big(x) == self.big(y),
            (Value::Char(x), Value::Char(y)) => x == y,
            (Value::Str(x), Value::Str(y)) => {
                x == y
                    || (x.len == y.len
                        && self.tick_n(u64::from(x.len) / 64)
                        && self.str(x) == self.str(y))
            }
            (Value::List(x), Value::List(y)) => {
                let (lx, ly) = (self.list(x), self.list(y));
                // `AbstractList.equals` begins with `o == this`.
                if x == y || lx.kind.is_array() || ly.kind.is_array() {
                    return x == y;
                }
                let set = |k: ListKind| matches!(k, ListKind::KeySet | ListKind::EntrySet);
                if set(lx.kind) != set(ly.kind) {
                    // A Set never equals a List.
                    return false;
                }
                if set(lx.kind) {
                    return lx.items.len() == ly.items.len()
                        && lx.items.iter().all(|a| {
                            ly.items
                                .iter()
                                .any(|b| self.java_equals_depth(*a, *b, depth + 1))
                        });
                }
                lx.items.len() == ly.items.len()
                    && lx
                        .items
                        .iter()
                        .zip(&ly.items)
                        .all(|(a, b)| self.java_equals_depth(*a, *b, depth + 1))
            }
            (Value::Map(x), Value::Map(y)) => {
                if x == y {
                    return true;
                }
                let (mx, my) = (self.map(x), self.map(y));
                // `AbstractMap.equals`: each entry's key looked up in the other map.
                mx.entries.len() == my.entries.len()
                    && mx.entries.iter().all(|(k, v)| {
                        self.map_find(y, *k)
                            .is_some_and(|i| self.java_equals_depth(*v, my.entries[i].1, depth + 1))
                    })
            }
            (Value::Entry(x), Value::Entry(y)) => {
                let (ex, ey) = (self.entry(x), self.entry(y));
                self.java_equals_depth(ex.key, ey.key, depth + 1)
                    && self.java_equals_depth(ex.value, ey.value, depth + 1)
            }
            (Value::Host(x), Value::Host(y)) => x == y,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::short_eq;

    #[test]
    fn short_eq_is_slice_eq() {
        let words: Vec<Vec<u8>> = (0..40)
            .map(|n| (0..n).map(|i| b'a' + (i % 7) as u8).collect())
            .collect();
        for a in &words {
            for b in &words {
                assert_eq!(short_eq(a, b), a == b);
                // One byte changed anywhere.
                for i in 0..b.len() {
                    let mut c = b.clone();
                    c[i] ^= 0x20;
                    assert_eq!(short_eq(a, &c), *a == c);
                }
            }
        }
    }
}
