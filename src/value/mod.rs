//! The Java object model a template sees, stored in a per-render [`Heap`].
//!
//! Velocity hands Java objects around: `Integer`, `Long`, `Double`, `String`,
//! `ArrayList`, `LinkedHashMap`, json-smart's `JSONArray`, ... A [`Value`] is a
//! small `Copy` handle to one of them. Scalars live inside the handle; strings,
//! lists and maps live in the [`Heap`] that belongs to one render, so creating
//! and copying values costs no reference counting and no per-value allocation
//! (strings are ranges of a byte arena, of the request body or of the template
//! source). The heap is dropped when the render ends.

mod heap;
pub mod print;

pub use heap::{
    Entry, Heap, HeapBuffers, IterState, List, ListKind, MAX_COMPARE_DEPTH, MAX_PRINT_BYTES, Map,
    MapKind, WORK_BUDGET,
};

/// FNV-1a (64-bit) of some bytes: the hash of short keys that need no
/// defence against collision attacks (a collision only costs a scan).
#[inline]
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_extend(0xcbf2_9ce4_8422_2325, bytes)
}

/// FNV-1a of `bytes` continued from the hash `h` of what came before.
#[inline]
pub(crate) fn fnv1a_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Where the bytes of a [`Str`] live.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StrBase {
    /// The heap's string arena (strings made while rendering, unescaped JSON strings).
    Arena,
    /// The request body (`$input.body`), for JSON strings without escapes.
    Body,
    /// A template source: 0 is the template being rendered, others are
    /// interpolated string literals and `#evaluate`d texts.
    Source(u16),
}

/// A string: a range of bytes in one of the [`StrBase`]s, always valid UTF-8.
///
/// Three `u32`s (the base is encoded), so that a [`Value`] is a one-byte tag
/// and a 12-byte payload that copies cheaply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Str {
    pub start: u32,
    pub len: u32,
    base: u32,
}

impl StrBase {
    const fn encode(self) -> u32 {
        match self {
            StrBase::Arena => 0,
            StrBase::Body => 1,
            StrBase::Source(id) => 2 + id as u32,
        }
    }
}

impl Str {
    pub const EMPTY: Str = Str {
        start: 0,
        len: 0,
        base: 0,
    };

    /// A string of bytes `start..start + len` of `base`.
    pub const fn new(base: StrBase, start: u32, len: u32) -> Str {
        Str {
            start,
            len,
            base: base.encode(),
        }
    }

    /// Where its bytes live.
    pub fn base(self) -> StrBase {
        match self.base {
            0 => StrBase::Arena,
            1 => StrBase::Body,
            n => StrBase::Source((n - 2) as u16),
        }
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The string as one word (`start` and `len`) and its encoded base, to
    /// pass where two paths that make it merge: kept in registers, where a
    /// `Str` went through the stack in 4-byte pieces read back as one word
    /// (a store-forwarding stall; see `json::parse::Parser::key_at`).
    #[inline(always)]
    pub(crate) fn to_bits(self) -> (u64, u32) {
        (u64::from(self.start) | u64::from(self.len) << 32, self.base)
    }

    /// The string of [`Str::to_bits`].
    #[inline(always)]
    pub(crate) fn from_bits(word: u64, base: u32) -> Str {
        Str {
            start: word as u32,
            len: (word >> 32) as u32,
            base,
        }
    }

    /// A sub-range of this string, `start..end` in bytes relative to it.
    pub fn slice(self, start: usize, end: usize) -> Str {
        debug_assert!(start <= end && end <= self.len as usize);
        Str {
            base: self.base,
            start: self.start + start as u32,
            len: (end - start) as u32,
        }
    }
}

/// Index of a list in the [`Heap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ListId(pub u32);

/// Index of a map in the [`Heap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MapId(pub u32);

/// Index of a `Map.Entry` in the [`Heap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EntryId(pub u32);

/// Index of an arbitrary-precision number's text in the [`Heap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BigId(pub u32);

/// Objects that are not plain data: the API Gateway variables and Velocity's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Host {
    /// `$input`
    Input,
    /// `$util`
    Util,
    /// `$foreach` of the loop at this depth (0 = outermost) of the current render.
    Foreach(u32),
    /// A `java.lang.Class`, as `getClass()` returns it (the class name).
    Class(JavaClass),
    /// A block of template to render: a `#define`d reference or a block
    /// macro's `$bodyContent` (index in the render's table of blocks).
    Block(u32),
    /// A `java.util.Iterator` over a list (index in the heap's iterators).
    Iter(u32),
}

/// The Java classes whose `Class` object a template can obtain with `getClass()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JavaClass {
    String,
    Integer,
    Long,
    Double,
    Float,
    BigInteger,
    BigDecimal,
    Boolean,
    Character,
    ArrayList,
    JsonArray,
    StringArray,
    CharArray,
    ByteArray,
    ObjectArray,
    /// `ArrayList.iterator()` (also of a `JSONArray`).
    ArrayListItr,
    /// `ArrayList.listIterator()`.
    ArrayListListItr,
    /// The iterator of an array (through Velocity's `ArrayListWrapper`).
    AbstractListItr,
    /// The list iterator of an array.
    AbstractListListItr,
    LinkedKeyIterator,
    LinkedValueIterator,
    LinkedEntryIterator,
    LinkedHashMap,
    KeySet,
    Values,
    EntrySet,
    Entry,
    Input,
    Util,
    Foreach,
    Class,
    Block,
}

impl JavaClass {
    /// An array class (`String[]`, `char[]`, `byte[]`, `Object[]`).
    pub fn is_array(self) -> bool {
        matches!(
            self,
            JavaClass::StringArray
                | JavaClass::CharArray
                | JavaClass::ByteArray
                | JavaClass::ObjectArray
        )
    }

    /// `Class.getName()`.
    pub fn name(self) -> &'static str {
        match self {
            JavaClass::String => "java.lang.String",
            JavaClass::Integer => "java.lang.Integer",
            JavaClass::Long => "java.lang.Long",
            JavaClass::Double => "java.lang.Double",
            JavaClass::Float => "java.lang.Float",
            JavaClass::BigInteger => "java.math.BigInteger",
            JavaClass::BigDecimal => "java.math.BigDecimal",
            JavaClass::Boolean => "java.lang.Boolean",
            JavaClass::Character => "java.lang.Character",
            JavaClass::ArrayList => "java.util.ArrayList",
            JavaClass::JsonArray => "net.minidev.json.JSONArray",
            JavaClass::StringArray => "[Ljava.lang.String;",
            JavaClass::CharArray => "[C",
            JavaClass::ByteArray => "[B",
            JavaClass::ObjectArray => "[Ljava.lang.Object;",
            JavaClass::ArrayListItr => "java.util.ArrayList$Itr",
            JavaClass::ArrayListListItr => "java.util.ArrayList$ListItr",
            JavaClass::AbstractListItr => "java.util.AbstractList$Itr",
            JavaClass::AbstractListListItr => "java.util.AbstractList$ListItr",
            JavaClass::LinkedKeyIterator => "java.util.LinkedHashMap$LinkedKeyIterator",
            JavaClass::LinkedValueIterator => "java.util.LinkedHashMap$LinkedValueIterator",
            JavaClass::LinkedEntryIterator => "java.util.LinkedHashMap$LinkedEntryIterator",
            JavaClass::LinkedHashMap => "java.util.LinkedHashMap",
            JavaClass::KeySet => "java.util.LinkedHashMap$LinkedKeySet",
            JavaClass::Values => "java.util.LinkedHashMap$LinkedValues",
            JavaClass::EntrySet => "java.util.LinkedHashMap$LinkedEntrySet",
            JavaClass::Entry => "java.util.LinkedHashMap$Entry",
            JavaClass::Input => "com.amazonaws.apigateway.Input",
            JavaClass::Util => "com.amazonaws.apigateway.Util",
            JavaClass::Foreach => "org.apache.velocity.runtime.directive.ForeachScope",
            JavaClass::Class => "java.lang.Class",
            JavaClass::Block => "org.apache.velocity.runtime.directive.Block$Reference",
        }
    }

    /// `Class.getSimpleName()`.
    pub fn simple_name(self) -> &'static str {
        match self {
            JavaClass::StringArray => "String[]",
            JavaClass::CharArray => "char[]",
            JavaClass::ByteArray => "byte[]",
            JavaClass::ObjectArray => "Object[]",
            JavaClass::Entry => "Entry",
            other => {
                let n = other.name();
                let n = n.rsplit('.').next().unwrap_or(n);
                n.rsplit('$').next().unwrap_or(n)
            }
        }
    }
}

/// A Java value as a template sees it. `Copy`: the data lives in the [`Heap`].
///
/// `repr(u32)`: a 4-byte tag, so that every payload sits at offset 4 or 8
/// and a `Value` (or a `Result` of one) is copied as two words; with the
/// default 1-byte tag, copies were made of unaligned pieces (still 16 bytes).
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(u32)]
pub enum Value {
    /// Java `null`.
    Null,
    /// `java.lang.Boolean`
    Bool(bool),
    /// `java.lang.Integer`
    Int(i32),
    /// `java.lang.Long`
    Long(i64),
    /// `java.lang.Double`
    Double(f64),
    /// `java.lang.Float` (only from arithmetic on floats, which JSON never yields)
    Float(f32),
    /// `java.math.BigInteger` (its decimal digits, in the heap)
    BigInt(BigId),
    /// `java.math.BigDecimal` (its text, in the heap)
    BigDec(BigId),
    /// `java.lang.Character` (a UTF-16 code unit)
    Char(u16),
    /// `java.lang.String`
    Str(Str),
    /// A `java.util.List` (or array, or collection view): see [`ListKind`].
    List(ListId),
    /// A `java.util.Map`: see [`MapKind`].
    Map(MapId),
    /// A `java.util.Map.Entry` from `entrySet()`.
    Entry(EntryId),
    /// `$input`, `$util`, `$foreach`, a `Class`.
    Host(Host),
}

impl Value {
    pub fn is_null(self) -> bool {
        matches!(self, Value::Null)
    }

    /// Is this a `java.lang.Number`?
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Value::Int(_)
                | Value::Long(_)
                | Value::Double(_)
                | Value::Float(_)
                | Value::BigInt(_)
                | Value::BigDec(_)
        )
    }

    /// The Java class of this value (`getClass()`); `None` for null.
    pub fn class(self, heap: &Heap) -> Option<JavaClass> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(_) => JavaClass::Boolean,
            Value::Int(_) => JavaClass::Integer,
            Value::Long(_) => JavaClass::Long,
            Value::Double(_) => JavaClass::Double,
            Value::Float(_) => JavaClass::Float,
            Value::BigInt(_) => JavaClass::BigInteger,
            Value::BigDec(_) => JavaClass::BigDecimal,
            Value::Char(_) => JavaClass::Character,
            Value::Str(_) => JavaClass::String,
            Value::List(id) => match heap.list(id).kind {
                ListKind::ArrayList => JavaClass::ArrayList,
                ListKind::JsonArray => JavaClass::JsonArray,
                ListKind::StringArray => JavaClass::StringArray,
                ListKind::CharArray => JavaClass::CharArray,
                ListKind::ByteArray => JavaClass::ByteArray,
                ListKind::ObjectArray => JavaClass::ObjectArray,
                ListKind::KeySet => JavaClass::KeySet,
                ListKind::Values => JavaClass::Values,
                ListKind::EntrySet => JavaClass::EntrySet,
            },
            Value::Map(_) => JavaClass::LinkedHashMap,
            Value::Entry(_) => JavaClass::Entry,
            Value::Host(h) => match h {
                Host::Input => JavaClass::Input,
                Host::Util => JavaClass::Util,
                Host::Foreach(_) => JavaClass::Foreach,
                Host::Class(_) => JavaClass::Class,
                Host::Block(_) => JavaClass::Block,
                Host::Iter(id) => heap.iter(id).class,
            },
        })
    }
}
