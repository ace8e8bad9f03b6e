//! Java methods called on template values, resolved as Velocity 1.7 resolves
//! them (see [`super::resolve`]), and Velocity's property lookup.
//!
//! Deviations (documented, rare in templates):
//! - `keySet()`, `values()`, `entrySet()` and `subList()` return copies, not
//!   views: changing them does not change the map or list (adding to a
//!   `keySet()` still throws `UnsupportedOperationException`).
//! - Methods returning types a template value cannot be (streams,
//!   `Optional`, functional interfaces, reflection objects) are not
//!   supported: the call reads as "not found". Arrays (`String[]`, `char[]`,
//!   `byte[]`, `Object[]`) and iterators are; a `byte[]` holds `Integer`s
//!   (Java's `Byte`: only `getClass()` of an item tells), and
//!   `byteValue()`/`shortValue()` return an `Integer`.
//! - Iterators of `keySet()`, `values()` and `entrySet()` iterate the copies:
//!   their `remove()` does not change the map.
//! - `hashCode()` of a `Class`, of `$input`/`$util` and of a `String[]` is an
//!   identity hash in Java; here it is a fixed number.

use super::jdk::{JMethod, Ty};
use super::regex::RegexCache;
use super::resolve;
use super::{JavaException, ex, number, string};
use crate::value::print::java_string;
use crate::value::{Entry, Heap, Host, JavaClass, ListKind, MapId, MapKind, Value};
use std::cmp::Ordering;

/// The outcome of a method call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Call {
    /// The method returned this value (possibly `Value::Null`).
    Value(Value),
    /// A `void` method ran (Velocity 1.7 renders it as the empty string).
    Void,
    /// No such method for these arguments (or an ambiguous call): Velocity
    /// treats the reference as null.
    NotFound,
}

/// Calls `recv.name(args)` as Velocity 1.7 does. `$input`, `$util` and
/// `$foreach` are the evaluator's: for them this returns `NotFound`.
pub fn call_method(
    heap: &mut Heap,
    recv: Value,
    name: &str,
    args: &[Value],
    regexes: &mut RegexCache,
) -> Result<Call, JavaException> {
    let Some(class) = recv.class(heap) else {
        return Ok(Call::NotFound);
    };
    let Some(table) = resolve::table(class) else {
        return Ok(Call::NotFound);
    };
    let mut arg_tys: [Option<Ty>; 8] = [None; 8];
    let tys: Vec<Option<Ty>>;
    let arg_tys: &[Option<Ty>] = if args.len() <= 8 {
        for (i, a) in args.iter().enumerate() {
            arg_tys[i] = resolve::value_ty(heap, *a);
        }
        &arg_tys[..args.len()]
    } else {
        tys = args.iter().map(|a| resolve::value_ty(heap, *a)).collect();
        &tys
    };
    if let Some(m) = resolve::find(table, name, arg_tys) {
        arity(m, args)?;
        return invoke(heap, recv, class, m, args, regexes);
    }
    match (class, recv) {
        (c, _) if c.is_array() => {
            // Velocity wraps arrays in an ArrayListWrapper.
            match resolve::find(super::jdk::ARRAY_LIST_WRAPPER, name, arg_tys) {
                Some(m) => {
                    arity(m, args)?;
                    invoke_list(heap, recv, m.sig, args)
                }
                None => Ok(Call::NotFound),
            }
        }
        (JavaClass::Class, Value::Host(Host::Class(target))) => {
            // Static methods of the class itself.
            let Some(t) = resolve::table(target) else {
                return Ok(Call::NotFound);
            };
            let Some(m) = resolve::find(t, name, arg_tys) else {
                return Ok(Call::NotFound);
            };
            arity(m, args)?;
            if !m.is_static {
                return Err(JavaException::new(
                    ex::ILLEGAL_ARGUMENT,
                    "object is not an instance of declaring class",
                ));
            }
            let dummy = match target {
                JavaClass::String => Value::Str(crate::value::Str::EMPTY),
                JavaClass::Integer => Value::Int(0),
                JavaClass::Long => Value::Long(0),
                JavaClass::Double => Value::Double(0.0),
                JavaClass::Float => Value::Float(0.0),
                JavaClass::Boolean => Value::Bool(false),
                JavaClass::Character => Value::Char(0),
                _ => return Ok(Call::NotFound),
            };
            invoke(heap, dummy, target, m, args, regexes)
        }
        _ => Ok(Call::NotFound),
    }
}

/// Velocity 1.7 finds a method without parameters applicable to a call with
/// arguments (`MethodMap.isApplicable` falls through to `true`); reflection
/// then refuses the call: `$s.toUpperCase("x")` is an error, while a call
/// no overload of the name accepts (`$s.substring("x")`) reads as null.
pub(crate) fn arity(m: &JMethod, args: &[Value]) -> Result<(), JavaException> {
    if m.params.is_empty() && !args.is_empty() {
        return Err(wrong_arity());
    }
    Ok(())
}

/// What reflection throws for a call with the wrong number of arguments.
pub(crate) fn wrong_arity() -> JavaException {
    JavaException::new(ex::ILLEGAL_ARGUMENT, "wrong number of arguments")
}

fn invoke(
    heap: &mut Heap,
    recv: Value,
    class: JavaClass,
    m: &'static JMethod,
    args: &[Value],
    regexes: &mut RegexCache,
) -> Result<Call, JavaException> {
    // java.lang.Object's methods.
    match m.sig {
        "getClass()" => return Ok(Call::Value(Value::Host(Host::Class(class)))),
        "wait()" | "wait(long)" | "wait(long,int)" | "notify()" | "notifyAll()" => {
            return Err(JavaException::new(
                ex::ILLEGAL_MONITOR_STATE,
                "current thread is not owner",
            ));
        }
        "hashCode()" => return Ok(Call::Value(Value::Int(java_hash(heap, recv)))),
        "toString()" if !matches!(recv, Value::Str(_)) => {
            return Ok(Call::Value(to_java_string(heap, recv)?));
        }
        "equals(Object)" if !matches!(recv, Value::Str(_)) => {
            let eq = match (recv, args.first()) {
                (Value::List(a), Some(Value::List(b))) if heap.list(a).kind.is_array() => a == *b,
                (_, Some(o)) => heap.java_equals(recv, *o),
                _ => false,
            };
            return Ok(Call::Value(Value::Bool(eq)));
        }
        _ => {}
    }
    let r = match recv {
        Value::Str(s) => string::call(heap, s, m.sig, args, regexes)?,
        Value::Int(_)
        | Value::Long(_)
        | Value::Double(_)
        | Value::Float(_)
        | Value::BigInt(_)
        | Value::BigDec(_) => number::call(heap, recv, m.sig, args)?,
        Value::Bool(b) => call_boolean(heap, b, m.sig, args)?,
        Value::Char(c) => call_character(heap, c, m.sig, args)?,
        Value::List(_) => invoke_list(heap, recv, m.sig, args)?,
        Value::Map(id) => call_map(heap, id, m.sig, args)?,
        Value::Entry(id) => call_entry(heap, id, m.sig, args)?,
        Value::Host(Host::Class(c)) => call_class(heap, c, m.sig, args)?,
        Value::Host(Host::Iter(id)) => call_iter(heap, id, m.sig, args)?,
        _ => Call::NotFound,
    };
    // A void method that ran reports Void whatever the implementation returned.
    if m.ret == Ty::PVoid && r != Call::NotFound {
        return Ok(Call::Void);
    }
    Ok(r)
}

/// Velocity's `$a.b`: `getB()`/`getb()`, then `Map.get("b")`, then
/// `get("b")`, then `isB()`/`isb()` returning a boolean. `Ok(None)`: no such
/// property; `Ok(Some(Value::Null))`: the property is null (e.g. a missing map key).
pub fn get_property(
    heap: &mut Heap,
    recv: Value,
    name: &str,
) -> Result<Option<Value>, JavaException> {
    // Fast path: a map's only zero-argument getter is getClass(), so any
    // other property is MapGetExecutor's `get(name)`.
    if let Value::Map(id) = recv
        && name != "class"
        && name != "Class"
    {
        return Ok(Some(heap.map_get_str(id, name).unwrap_or(Value::Null)));
    }
    let Some(class) = recv.class(heap) else {
        return Ok(None);
    };
    let Some(table) = resolve::table(class) else {
        return Ok(None);
    };
    let mut scratch = RegexCache::new();
    if !name.is_empty() {
        // PropertyExecutor: "get" + name, then with the first letter's case flipped.
        for flip in [false, true] {
            let getter = accessor("get", name, flip);
            if let Some(m) = resolve::find(table, &getter, &[]) {
                return match invoke(heap, recv, class, m, &[], &mut scratch)? {
                    Call::Value(v) => Ok(Some(v)),
                    Call::Void => Ok(Some(Value::Str(crate::value::Str::EMPTY))),
                    Call::NotFound => Ok(None),
                };
            }
        }
    }
    // MapGetExecutor.
    if let Value::Map(id) = recv {
        return Ok(Some(heap.map_get_str(id, name).unwrap_or(Value::Null)));
    }
    // GetExecutor: get(String).
    if let Some(m) = resolve::find(table, "get", &[Some(Ty::JavaLangString)]) {
        let key = heap.string(name);
        return match invoke(heap, recv, class, m, &[key], &mut scratch)? {
            Call::Value(v) => Ok(Some(v)),
            _ => Ok(None),
        };
    }
    // BooleanPropertyExecutor: "is" + name.
    if !name.is_empty() {
        for flip in [false, true] {
            let getter = accessor("is", name, flip);
            if let Some(m) = resolve::find(table, &getter, &[]) {
                if m.ret != Ty::PBoolean && m.ret != Ty::JavaLangBoolean {
                    break;
                }
                return match invoke(heap, recv, class, m, &[], &mut scratch)? {
                    Call::Value(v) => Ok(Some(v)),
                    _ => Ok(None),
                };
            }
        }
    }
    Ok(None)
}

/// `prefix + name`, with the first letter of `name` case-flipped when asked
/// (Java's `Character.isLowerCase`/`toUpperCase` on one char).
fn accessor(prefix: &str, name: &str, flip: bool) -> String {
    let mut s = String::with_capacity(prefix.len() + name.len());
    s.push_str(prefix);
    let mut chars = name.chars();
    if let Some(c) = chars.next() {
        if flip {
            if c.is_lowercase() {
                s.push(string::simple_upper(c));
            } else {
                s.push(string::simple_lower(c));
            }
        } else {
            s.push(c);
        }
    }
    s.push_str(chars.as_str());
    s
}

// ---------------------------------------------------------------------------
// Helpers

/// An `int` argument (resolution guarantees an `Integer`).
pub(crate) fn arg_i32(v: Value) -> i32 {
    match v {
        Value::Int(i) => i,
        Value::Long(l) => l as i32,
        Value::Char(c) => c as i32,
        _ => 0,
    }
}

/// A `long` argument (`Integer` or `Long`).
pub(crate) fn arg_i64(v: Value) -> i64 {
    match v {
        Value::Int(i) => i as i64,
        Value::Long(l) => l,
        Value::Char(c) => c as i64,
        _ => 0,
    }
}

/// A `double` argument (`Integer`, `Long`, `Float` or `Double`).
pub(crate) fn arg_f64(v: Value) -> f64 {
    match v {
        Value::Int(i) => i as f64,
        Value::Long(l) => l as f64,
        Value::Float(f) => f as f64,
        Value::Double(d) => d,
        _ => 0.0,
    }
}

/// The text of a `String` argument (`None` for null).
pub(crate) fn string_arg<'h>(heap: &'h Heap, v: Value) -> Option<&'h str> {
    match v {
        Value::Str(s) => Some(heap.str(s)),
        _ => None,
    }
}

/// `String.valueOf(v)` as a string value.
pub(crate) fn to_java_string(heap: &mut Heap, v: Value) -> Result<Value, JavaException> {
    if let Value::Str(s) = v {
        return Ok(Value::Str(s));
    }
    let text = java_string(heap, v).map_err(|_| JavaException::new(ex::STACK_OVERFLOW, ""))?;
    Ok(heap.string(&text))
}

/// A `ClassCastException` for casting `v` to `target`.
pub(crate) fn class_cast(heap: &Heap, v: Value, target: &str) -> JavaException {
    let from = v.class(heap).map_or("null", JavaClass::name);
    JavaException::new(
        ex::CLASS_CAST,
        format!("class {from} cannot be cast to class {target}"),
    )
}

/// The arguments of a varargs parameter at `index`, as Velocity packs them
/// (`None`: a null array).
pub(crate) fn varargs(heap: &Heap, args: &[Value], index: usize) -> Option<Vec<Value>> {
    if args.len() <= index {
        return Some(Vec::new());
    }
    if args.len() == index + 1 {
        return match args[index] {
            Value::Null => None,
            // A String[] or Object[] is the varargs array itself.
            Value::List(id)
                if matches!(
                    heap.list(id).kind,
                    ListKind::StringArray | ListKind::ObjectArray
                ) =>
            {
                Some(heap.list(id).items.clone())
            }
            v => Some(vec![v]),
        };
    }
    Some(args[index..].to_vec())
}

fn npe() -> JavaException {
    JavaException::new(ex::NULL_POINTER, "")
}

fn unsupported_op() -> JavaException {
    JavaException::new(ex::UNSUPPORTED_OPERATION, "")
}

fn index_oob(i: i64, len: usize) -> JavaException {
    JavaException::new(
        ex::INDEX_OUT_OF_BOUNDS,
        format!("Index {i} out of bounds for length {len}"),
    )
}

/// Java's `hashCode()` of a value.
pub fn java_hash(heap: &Heap, v: Value) -> i32 {
    hash_depth(heap, v, 0)
}

fn hash_depth(heap: &Heap, v: Value, depth: u32) -> i32 {
    // Out of the work budget: the evaluator reports a limit.
    if depth > crate::value::MAX_COMPARE_DEPTH {
        heap.note_overflow();
        return 0;
    }
    if !heap.tick() {
        return 0;
    }
    match v {
        Value::Null => 0,
        Value::Bool(b) => {
            if b {
                1231
            } else {
                1237
            }
        }
        Value::Int(i) => i,
        Value::Long(l) => (l ^ ((l as u64) >> 32) as i64) as i32,
        Value::Double(d) => {
            let bits = if d.is_nan() {
                0x7ff8_0000_0000_0000u64
            } else {
                d.to_bits()
            };
            (bits ^ (bits >> 32)) as i32
        }
        Value::Float(f) => {
            if f.is_nan() {
                0x7fc0_0000
            } else {
                f.to_bits() as i32
            }
        }
        Value::BigInt(id) => number::big_integer_hash(heap.big(id)),
        Value::BigDec(id) => number::big_decimal_hash(heap.big(id)),
        Value::Char(c) => c as i32,
        Value::Str(s) => heap.str_hash(s, string::java_string_hash),
        Value::List(id) => {
            let list = heap.list(id);
            match list.kind {
                kind if kind.is_array() => 0x1b6d_3586 ^ id.0 as i32,
                ListKind::KeySet | ListKind::EntrySet => list
                    .items
                    .iter()
                    .fold(0i32, |h, x| h.wrapping_add(hash_depth(heap, *x, depth + 1))),
                _ => list.items.iter().fold(1i32, |h, x| {
                    h.wrapping_mul(31)
                        .wrapping_add(hash_depth(heap, *x, depth + 1))
                }),
            }
        }
        Value::Map(id) => heap.map(id).entries.iter().fold(0i32, |h, (k, val)| {
            h.wrapping_add(hash_depth(heap, *k, depth + 1) ^ hash_depth(heap, *val, depth + 1))
        }),
        Value::Entry(id) => {
            let e = heap.entry(id);
            hash_depth(heap, e.key, depth + 1) ^ hash_depth(heap, e.value, depth + 1)
        }
        Value::Host(Host::Foreach(_)) => 0,
        Value::Host(_) => 0x4554_617c,
    }
}

/// The elements of a `Collection` argument.
fn collection_items(heap: &Heap, v: Value) -> Result<Vec<Value>, JavaException> {
    match v {
        Value::List(id) => Ok(heap.list(id).items.clone()),
        Value::Null => Err(npe()),
        _ => Err(class_cast(heap, v, "java.util.Collection")),
    }
}

fn contains(heap: &Heap, items: &[Value], x: Value) -> bool {
    items.iter().any(|e| heap.java_equals(x, *e))
}

// ---------------------------------------------------------------------------
// Lists: ArrayList, JSONArray, String[] (through ArrayListWrapper), and the
// keySet()/values()/entrySet() copies.

pub(crate) fn invoke_list(
    heap: &mut Heap,
    recv: Value,
    sig: &str,
    args: &[Value],
) -> Result<Call, JavaException> {
    let Value::List(id) = recv else {
        return Ok(Call::NotFound);
    };
    let kind = heap.list(id).kind;
    let fixed = kind.is_array();
    let view = matches!(
        kind,
        ListKind::KeySet | ListKind::Values | ListKind::EntrySet
    );
    let a = |i: usize| args.get(i).copied().unwrap_or(Value::Null);
    let len = heap.list(id).items.len();
    let v = match sig {
        "size()" => Value::Int(len as i32),
        "isEmpty()" => Value::Bool(len == 0),
        "toArray()" => {
            let items = heap.list(id).items.clone();
            heap.new_list(ListKind::ObjectArray, items)
        }
        "iterator()" | "listIterator()" | "listIterator(int)" => {
            let Some(class) = iterator_class(kind, sig != "iterator()") else {
                return Ok(Call::NotFound);
            };
            let at = if sig == "listIterator(int)" {
                let i = arg_i32(a(0));
                if i < 0 || i as usize > len {
                    return Err(JavaException::new(
                        ex::INDEX_OUT_OF_BOUNDS,
                        format!("Index: {i}"),
                    ));
                }
                i as usize
            } else {
                0
            };
            heap.new_iter(id, class, at)
        }
        "get(int)" => {
            let i = arg_i32(a(0));
            match usize::try_from(i)
                .ok()
                .and_then(|i| heap.list(id).items.get(i))
            {
                Some(v) => *v,
                None => {
                    if fixed {
                        return Err(JavaException::new(
                            ex::ARRAY_INDEX_OUT_OF_BOUNDS,
                            format!("Index {i} out of bounds for length {len}"),
                        ));
                    }
                    return Err(index_oob(i as i64, len));
                }
            }
        }
        "contains(Object)" => Value::Bool(contains(heap, &heap.list(id).items, a(0))),
        "indexOf(Object)" => {
            let x = a(0);
            Value::Int(
                heap.list(id)
                    .items
                    .iter()
                    .position(|e| heap.java_equals(x, *e))
                    .map_or(-1, |i| i as i32),
            )
        }
        "lastIndexOf(Object)" => {
            let x = a(0);
            Value::Int(
                heap.list(id)
                    .items
                    .iter()
                    .rposition(|e| heap.java_equals(x, *e))
                    .map_or(-1, |i| i as i32),
            )
        }
        "containsAll(Collection)" => {
            let other = collection_items(heap, a(0))?;
            let items = &heap.list(id).items;
            Value::Bool(other.iter().all(|x| contains(heap, items, *x)))
        }
        "add(Object)" => {
            if fixed || view {
                return Err(unsupported_op());
            }
            heap.list_mut(id).items.push(a(0));
            Value::Bool(true)
        }
        "add(int,Object)" => {
            if fixed || view {
                return Err(unsupported_op());
            }
            let i = arg_i32(a(0));
            if i < 0 || i as usize > len {
                return Err(JavaException::new(
                    ex::INDEX_OUT_OF_BOUNDS,
                    format!("Index: {i}, Size: {len}"),
                ));
            }
            heap.list_mut(id).items.insert(i as usize, a(1));
            return Ok(Call::Void);
        }
        "addAll(Collection)" => {
            let other = collection_items(heap, a(0))?;
            if other.is_empty() {
                Value::Bool(false)
            } else if fixed || view {
                return Err(unsupported_op());
            } else {
                heap.list_mut(id).items.extend(other);
                Value::Bool(true)
            }
        }
        "addAll(int,Collection)" => {
            let i = arg_i32(a(0));
            if i < 0 || i as usize > len {
                return Err(JavaException::new(
                    ex::INDEX_OUT_OF_BOUNDS,
                    format!("Index: {i}, Size: {len}"),
                ));
            }
            let other = collection_items(heap, a(1))?;
            if other.is_empty() {
                Value::Bool(false)
            } else if fixed {
                return Err(unsupported_op());
            } else {
                let items = &mut heap.list_mut(id).items;
                let tail = items.split_off(i as usize);
                items.extend(other);
                items.extend(tail);
                Value::Bool(true)
            }
        }
        "set(int,Object)" => {
            let i = arg_i32(a(0));
            if i < 0 || i as usize >= len {
                if fixed {
                    return Err(JavaException::new(
                        ex::ARRAY_INDEX_OUT_OF_BOUNDS,
                        format!("Index {i} out of bounds for length {len}"),
                    ));
                }
                return Err(index_oob(i as i64, len));
            }
            let x = a(1);
            // `Array.set` takes only what the component type holds (a byte[]
            // nothing: template values are never `Byte`).
            let fits = match kind {
                ListKind::StringArray => matches!(x, Value::Str(_) | Value::Null),
                ListKind::CharArray => matches!(x, Value::Char(_)),
                ListKind::ByteArray => false,
                _ => true,
            };
            if !fits {
                return Err(JavaException::new(
                    ex::ILLEGAL_ARGUMENT,
                    "array element type mismatch",
                ));
            }
            std::mem::replace(&mut heap.list_mut(id).items[i as usize], x)
        }
        "remove(int)" => {
            let i = arg_i32(a(0));
            if fixed {
                return Err(unsupported_op());
            }
            if i < 0 || i as usize >= len {
                return Err(index_oob(i as i64, len));
            }
            heap.list_mut(id).items.remove(i as usize)
        }
        "remove(Object)" => {
            let x = a(0);
            match heap
                .list(id)
                .items
                .iter()
                .position(|e| heap.java_equals(x, *e))
            {
                Some(i) => {
                    if fixed {
                        return Err(unsupported_op());
                    }
                    heap.list_mut(id).items.remove(i);
                    Value::Bool(true)
                }
                None => Value::Bool(false),
            }
        }
        "removeAll(Collection)" | "retainAll(Collection)" => {
            let other = collection_items(heap, a(0))?;
            let retain = sig.starts_with("retain");
            let keep: Vec<bool> = heap
                .list(id)
                .items
                .iter()
                .map(|e| contains(heap, &other, *e) == retain)
                .collect();
            let changed = keep.iter().any(|k| !k);
            if changed && fixed {
                return Err(unsupported_op());
            }
            let mut k = keep.into_iter();
            heap.list_mut(id).items.retain(|_| k.next().unwrap_or(true));
            Value::Bool(changed)
        }
        "clear()" => {
            if len > 0 && fixed {
                return Err(unsupported_op());
            }
            heap.list_mut(id).items.clear();
            return Ok(Call::Void);
        }
        "subList(int,int)" => {
            let (f, t) = (arg_i32(a(0)), arg_i32(a(1)));
            if f < 0 {
                return Err(JavaException::new(
                    ex::INDEX_OUT_OF_BOUNDS,
                    format!("fromIndex = {f}"),
                ));
            }
            if t as i64 > len as i64 {
                return Err(JavaException::new(
                    ex::INDEX_OUT_OF_BOUNDS,
                    format!("toIndex = {t}"),
                ));
            }
            if f > t {
                return Err(JavaException::new(
                    ex::ILLEGAL_ARGUMENT,
                    format!("fromIndex({f}) > toIndex({t})"),
                ));
            }
            let items = heap.list(id).items[f as usize..t as usize].to_vec();
            heap.new_list(ListKind::ArrayList, items)
        }
        "clone()" => {
            let items = heap.list(id).items.clone();
            heap.new_list(kind, items)
        }
        "ensureCapacity(int)" | "trimToSize()" => return Ok(Call::Void),
        "sort(Comparator)" => {
            if !a(0).is_null() {
                return Ok(Call::NotFound);
            }
            let mut items = heap.list(id).items.clone();
            let mut err = None;
            items.sort_by(|x, y| match natural_compare(heap, *x, *y) {
                Ok(o) => o,
                Err(e) => {
                    err.get_or_insert(e);
                    Ordering::Equal
                }
            });
            if let Some(e) = err {
                return Err(e);
            }
            heap.list_mut(id).items = items;
            return Ok(Call::Void);
        }
        "toJSONString()" => {
            let mut out = String::new();
            crate::json::write_json(heap, recv, crate::json::JsonStyle::NoCompress, &mut out)
                .map_err(|_| JavaException::new(ex::STACK_OVERFLOW, ""))?;
            heap.string(&out)
        }
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

/// `Comparable.compareTo` between two elements (natural ordering).
fn natural_compare(heap: &Heap, x: Value, y: Value) -> Result<Ordering, JavaException> {
    Ok(match (x, y) {
        (Value::Null, _) | (_, Value::Null) => return Err(npe()),
        (Value::Str(a), Value::Str(b)) => string::java_compare(heap.str(a), heap.str(b)).cmp(&0),
        (Value::Int(a), Value::Int(b)) => a.cmp(&b),
        (Value::Long(a), Value::Long(b)) => a.cmp(&b),
        (Value::Double(a), Value::Double(b)) => number::double_compare(a, b),
        (Value::Float(a), Value::Float(b)) => number::double_compare(a as f64, b as f64),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(&b),
        (Value::Char(a), Value::Char(b)) => a.cmp(&b),
        (Value::BigInt(_), Value::BigInt(_)) | (Value::BigDec(_), Value::BigDec(_)) => {
            number::compare(heap, x, y)?.unwrap_or(Ordering::Equal)
        }
        _ => {
            let target = y.class(heap).map_or("null", JavaClass::name);
            return Err(class_cast(heap, x, target));
        }
    })
}

// ---------------------------------------------------------------------------
// Maps and entries

fn map_put_raw(heap: &mut Heap, id: MapId, key: Value, value: Value) -> Value {
    match heap.map_find(id, key) {
        Some(i) => std::mem::replace(heap.map_value_mut(id, i), value),
        None => {
            heap.map_push(id, key, value);
            Value::Null
        }
    }
}

fn call_map(heap: &mut Heap, id: MapId, sig: &str, args: &[Value]) -> Result<Call, JavaException> {
    let a = |i: usize| args.get(i).copied().unwrap_or(Value::Null);
    let v = match sig {
        "get(Object)" => heap.map_get(id, a(0)).unwrap_or(Value::Null),
        "getOrDefault(Object,Object)" => heap.map_get(id, a(0)).unwrap_or(a(1)),
        "put(Object,Object)" => heap.map_put(id, a(0), a(1)).unwrap_or(Value::Null),
        "putIfAbsent(Object,Object)" => match heap.map_find(id, a(0)) {
            Some(i) if !heap.map(id).entries[i].1.is_null() => heap.map(id).entries[i].1,
            _ => map_put_raw(heap, id, a(0), a(1)),
        },
        "putAll(Map)" => {
            let Value::Map(other) = a(0) else {
                return Err(npe());
            };
            let entries = heap.map(other).entries.clone();
            for (k, v) in entries {
                map_put_raw(heap, id, k, v);
            }
            return Ok(Call::Void);
        }
        "remove(Object)" => heap.map_remove(id, a(0)).unwrap_or(Value::Null),
        "remove(Object,Object)" => match heap.map_find(id, a(0)) {
            Some(i) if heap.java_equals(heap.map(id).entries[i].1, a(1)) => {
                heap.map_mut(id).entries.remove(i);
                Value::Bool(true)
            }
            _ => Value::Bool(false),
        },
        "replace(Object,Object)" => match heap.map_find(id, a(0)) {
            Some(i) => std::mem::replace(heap.map_value_mut(id, i), a(1)),
            None => Value::Null,
        },
        "replace(Object,Object,Object)" => match heap.map_find(id, a(0)) {
            Some(i) if heap.java_equals(heap.map(id).entries[i].1, a(1)) => {
                *heap.map_value_mut(id, i) = a(2);
                Value::Bool(true)
            }
            _ => Value::Bool(false),
        },
        "containsKey(Object)" => Value::Bool(heap.map_find(id, a(0)).is_some()),
        "containsValue(Object)" => {
            let x = a(0);
            Value::Bool(
                heap.map(id)
                    .entries
                    .iter()
                    .any(|(_, v)| heap.java_equals(x, *v)),
            )
        }
        "size()" => Value::Int(heap.map(id).entries.len() as i32),
        "isEmpty()" => Value::Bool(heap.map(id).entries.is_empty()),
        "clear()" => {
            heap.map_mut(id).entries.clear();
            return Ok(Call::Void);
        }
        "keySet()" => {
            let items = heap.map(id).entries.iter().map(|(k, _)| *k).collect();
            heap.new_list(ListKind::KeySet, items)
        }
        "values()" => {
            let items = heap.map(id).entries.iter().map(|(_, v)| *v).collect();
            heap.new_list(ListKind::Values, items)
        }
        "entrySet()" => {
            let entries = heap.map(id).entries.clone();
            let items = entries
                .into_iter()
                .map(|(key, value)| {
                    Value::Entry(heap.alloc_entry(Entry {
                        key,
                        value,
                        map: Some(id),
                    }))
                })
                .collect();
            heap.new_list(ListKind::EntrySet, items)
        }
        "clone()" => {
            let entries = heap.map(id).entries.clone();
            let kind = heap.map(id).kind;
            let kind = if kind == MapKind::Override {
                MapKind::Override
            } else {
                kind
            };
            Value::Map(heap.alloc_map(kind, entries))
        }
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

fn call_entry(
    heap: &mut Heap,
    id: crate::value::EntryId,
    sig: &str,
    args: &[Value],
) -> Result<Call, JavaException> {
    let e = *heap.entry(id);
    let v = match sig {
        "getKey()" => e.key,
        "getValue()" => e.value,
        "setValue(Object)" => {
            let new = args.first().copied().unwrap_or(Value::Null);
            heap.entry_mut(id).value = new;
            if let Some(m) = e.map
                && let Some(i) = heap.map_find(m, e.key)
            {
                *heap.map_value_mut(m, i) = new;
            }
            e.value
        }
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

// ---------------------------------------------------------------------------
// Boolean, Character, Class

fn call_boolean(
    heap: &mut Heap,
    b: bool,
    sig: &str,
    args: &[Value],
) -> Result<Call, JavaException> {
    let a = |i: usize| args.get(i).copied().unwrap_or(Value::Null);
    let flag = |i: usize| matches!(a(i), Value::Bool(true));
    let v = match sig {
        "booleanValue()" => Value::Bool(b),
        "compareTo(Boolean)" | "compareTo(Object)" => match a(0) {
            Value::Bool(o) => Value::Int(b as i32 - o as i32),
            Value::Null => return Err(npe()),
            other => return Err(class_cast(heap, other, "java.lang.Boolean")),
        },
        "compare(boolean,boolean)" => Value::Int(flag(0) as i32 - flag(1) as i32),
        "hashCode(boolean)" => Value::Int(if flag(0) { 1231 } else { 1237 }),
        "logicalAnd(boolean,boolean)" => Value::Bool(flag(0) && flag(1)),
        "logicalOr(boolean,boolean)" => Value::Bool(flag(0) || flag(1)),
        "logicalXor(boolean,boolean)" => Value::Bool(flag(0) ^ flag(1)),
        "parseBoolean(String)" | "valueOf(String)" => {
            Value::Bool(string_arg(heap, a(0)).is_some_and(|s| s.eq_ignore_ascii_case("true")))
        }
        "valueOf(boolean)" => Value::Bool(flag(0)),
        "toString(boolean)" => heap.string(if flag(0) { "true" } else { "false" }),
        "getBoolean(String)" => Value::Bool(false),
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

// ---------------------------------------------------------------------------
// Iterators: `ArrayList.Itr`/`ListItr` (and `AbstractList`'s, for arrays),
// `LinkedHashMap`'s key/value/entry iterators over the copied views.

/// The iterator class `iterator()` (`list: false`) or `listIterator()`
/// (`list: true`) of a list of this kind returns; `None` when it has none.
fn iterator_class(kind: ListKind, list: bool) -> Option<JavaClass> {
    Some(match (kind, list) {
        (ListKind::ArrayList | ListKind::JsonArray, false) => JavaClass::ArrayListItr,
        (ListKind::ArrayList | ListKind::JsonArray, true) => JavaClass::ArrayListListItr,
        (k, false) if k.is_array() => JavaClass::AbstractListItr,
        (k, true) if k.is_array() => JavaClass::AbstractListListItr,
        (ListKind::KeySet, false) => JavaClass::LinkedKeyIterator,
        (ListKind::Values, false) => JavaClass::LinkedValueIterator,
        (ListKind::EntrySet, false) => JavaClass::LinkedEntryIterator,
        _ => return None,
    })
}

/// `Iterator.next()` as `ArrayList.Itr` does it (also for `#foreach` over an
/// iterator): past the end, `NoSuchElementException`; after the list changed
/// under it, `ConcurrentModificationException`.
pub(crate) fn iter_next(heap: &mut Heap, id: u32) -> Result<Value, JavaException> {
    let it = *heap.iter(id);
    let items = &heap.list(it.list).items;
    if items.len() != it.expected_len {
        return Err(JavaException::new(ex::CONCURRENT_MODIFICATION, ""));
    }
    let Some(&v) = items.get(it.cursor) else {
        return Err(JavaException::new(ex::NO_SUCH_ELEMENT, ""));
    };
    let state = heap.iter_mut(id);
    state.last = Some(state.cursor);
    state.cursor += 1;
    Ok(v)
}

/// `Iterator.hasNext()`: `cursor != size`.
pub(crate) fn iter_has_next(heap: &Heap, id: u32) -> bool {
    let it = heap.iter(id);
    it.cursor != heap.list(it.list).items.len()
}

fn call_iter(heap: &mut Heap, id: u32, sig: &str, args: &[Value]) -> Result<Call, JavaException> {
    let it = *heap.iter(id);
    let kind = heap.list(it.list).kind;
    let len = heap.list(it.list).items.len();
    let modified = || {
        if len != it.expected_len {
            Err(JavaException::new(ex::CONCURRENT_MODIFICATION, ""))
        } else {
            Ok(())
        }
    };
    let no_last = || JavaException::new(ex::ILLEGAL_STATE, "");
    let v = match sig {
        "hasNext()" => Value::Bool(iter_has_next(heap, id)),
        "next()" => iter_next(heap, id)?,
        "hasPrevious()" => Value::Bool(it.cursor != 0),
        "nextIndex()" => Value::Int(it.cursor as i32),
        "previousIndex()" => Value::Int(it.cursor as i32 - 1),
        "previous()" => {
            modified()?;
            let Some(i) = it.cursor.checked_sub(1) else {
                return Err(JavaException::new(ex::NO_SUCH_ELEMENT, ""));
            };
            let Some(&v) = heap.list(it.list).items.get(i) else {
                return Err(JavaException::new(ex::CONCURRENT_MODIFICATION, ""));
            };
            let state = heap.iter_mut(id);
            state.cursor = i;
            state.last = Some(i);
            v
        }
        "remove()" => {
            let Some(last) = it.last else {
                return Err(no_last());
            };
            modified()?;
            if kind.is_array() {
                return Err(unsupported_op());
            }
            if last >= len {
                return Err(JavaException::new(ex::CONCURRENT_MODIFICATION, ""));
            }
            heap.list_mut(it.list).items.remove(last);
            let state = heap.iter_mut(id);
            state.cursor = last;
            state.last = None;
            state.expected_len = len - 1;
            return Ok(Call::Void);
        }
        "set(Object)" => {
            let Some(last) = it.last else {
                return Err(no_last());
            };
            modified()?;
            let args = [
                Value::Int(last as i32),
                args.first().copied().unwrap_or(Value::Null),
            ];
            invoke_list(heap, Value::List(it.list), "set(int,Object)", &args)?;
            return Ok(Call::Void);
        }
        "add(Object)" => {
            modified()?;
            if kind.is_array() {
                return Err(unsupported_op());
            }
            let x = args.first().copied().unwrap_or(Value::Null);
            let at = it.cursor.min(len);
            heap.list_mut(it.list).items.insert(at, x);
            let state = heap.iter_mut(id);
            state.cursor = at + 1;
            state.last = None;
            state.expected_len = len + 1;
            return Ok(Call::Void);
        }
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

fn call_character(
    heap: &mut Heap,
    c: u16,
    sig: &str,
    args: &[Value],
) -> Result<Call, JavaException> {
    let a = |i: usize| args.get(i).copied().unwrap_or(Value::Null);
    // The code point argument of a static method (`char` or `int` parameter).
    let cp = |i: usize| -> Option<char> {
        match a(i) {
            Value::Char(u) => char::from_u32(u as u32),
            Value::Int(i) => u32::try_from(i).ok().and_then(char::from_u32),
            _ => None,
        }
    };
    let is = |f: fn(char) -> bool| Value::Bool(cp(0).is_some_and(f));
    let v = match sig {
        "charValue()" => Value::Char(c),
        "compareTo(Character)" | "compareTo(Object)" => match a(0) {
            Value::Char(o) => Value::Int(c as i32 - o as i32),
            Value::Null => return Err(npe()),
            other => return Err(class_cast(heap, other, "java.lang.Character")),
        },
        "compare(char,char)" => Value::Int(arg_i32(a(0)) - arg_i32(a(1))),
        "hashCode(char)" => Value::Int(arg_i32(a(0))),
        "valueOf(char)" => a(0),
        "toString(char)" | "toString(int)" => match cp(0) {
            Some(ch) => heap.string(ch.encode_utf8(&mut [0; 4])),
            None => match a(0) {
                Value::Char(_) => heap.string("\u{FFFD}"),
                _ => {
                    return Err(JavaException::new(
                        ex::ILLEGAL_ARGUMENT,
                        format!("Not a valid Unicode code point: 0x{:X}", arg_i32(a(0))),
                    ));
                }
            },
        },
        "isDigit(char)" | "isDigit(int)" => is(|c| {
            c.is_ascii_digit()
                || (!c.is_ascii() && c.is_numeric() && c.to_digit(10).is_none() && is_nd(c))
        }),
        "isLetter(char)" | "isLetter(int)" => {
            is(|c| c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic()))
        }
        "isLetterOrDigit(char)" | "isLetterOrDigit(int)" => {
            is(|c| c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric()))
        }
        "isAlphabetic(int)" => is(char::is_alphabetic),
        "isUpperCase(char)" | "isUpperCase(int)" => is(char::is_uppercase),
        "isLowerCase(char)" | "isLowerCase(int)" => is(char::is_lowercase),
        "isWhitespace(char)" | "isWhitespace(int)" => is(string::java_is_whitespace),
        "isSpaceChar(char)" | "isSpaceChar(int)" => is(|c| {
            matches!(
                c,
                ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
                    ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
            )
        }),
        "isISOControl(char)" | "isISOControl(int)" => {
            is(|c| matches!(c as u32, 0..=0x1F | 0x7F..=0x9F))
        }
        "toUpperCase(char)" => match a(0) {
            Value::Char(u) => Value::Char(map_unit(u, string::simple_upper)),
            _ => return Ok(Call::NotFound),
        },
        "toLowerCase(char)" => match a(0) {
            Value::Char(u) => Value::Char(map_unit(u, string::simple_lower)),
            _ => return Ok(Call::NotFound),
        },
        "toUpperCase(int)" => {
            Value::Int(cp(0).map_or(arg_i32(a(0)), |c| string::simple_upper(c) as i32))
        }
        "toLowerCase(int)" => {
            Value::Int(cp(0).map_or(arg_i32(a(0)), |c| string::simple_lower(c) as i32))
        }
        "getNumericValue(char)" | "getNumericValue(int)" => Value::Int(match cp(0) {
            Some(c) if c.is_ascii_digit() => c as i32 - '0' as i32,
            Some(c) if c.is_ascii_alphabetic() => c.to_ascii_lowercase() as i32 - 'a' as i32 + 10,
            _ => -1,
        }),
        "digit(char,int)" | "digit(int,int)" => {
            let radix = arg_i32(a(1));
            Value::Int(match cp(0) {
                Some(c) if (2..=36).contains(&radix) => {
                    c.to_digit(radix as u32).map_or(-1, |d| d as i32)
                }
                _ => -1,
            })
        }
        "forDigit(int,int)" => {
            let (d, radix) = (arg_i32(a(0)), arg_i32(a(1)));
            if !(2..=36).contains(&radix) || d < 0 || d >= radix {
                Value::Char(0)
            } else {
                Value::Char(char::from_digit(d as u32, radix as u32).map_or(0, |c| c as u16))
            }
        }
        "isSurrogate(char)" => {
            Value::Bool(matches!(a(0), Value::Char(u) if (0xD800..0xE000).contains(&u)))
        }
        "isHighSurrogate(char)" => {
            Value::Bool(matches!(a(0), Value::Char(u) if (0xD800..0xDC00).contains(&u)))
        }
        "isLowSurrogate(char)" => {
            Value::Bool(matches!(a(0), Value::Char(u) if (0xDC00..0xE000).contains(&u)))
        }
        "isValidCodePoint(int)" => Value::Bool((0..=0x10FFFF).contains(&arg_i32(a(0)))),
        "isBmpCodePoint(int)" => Value::Bool((0..=0xFFFF).contains(&arg_i32(a(0)))),
        "isSupplementaryCodePoint(int)" => {
            Value::Bool((0x10000..=0x10FFFF).contains(&arg_i32(a(0))))
        }
        "charCount(int)" => Value::Int(if arg_i32(a(0)) >= 0x10000 { 2 } else { 1 }),
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

fn is_nd(c: char) -> bool {
    // Decimal digits outside ASCII: chars whose numeric value is a single digit.
    c.is_numeric() && !c.is_alphabetic()
}

fn map_unit(u: u16, f: fn(char) -> char) -> u16 {
    match char::from_u32(u as u32) {
        Some(c) => {
            let m = f(c);
            if (m as u32) <= 0xFFFF { m as u16 } else { u }
        }
        None => u,
    }
}

fn call_class(
    heap: &mut Heap,
    c: JavaClass,
    sig: &str,
    args: &[Value],
) -> Result<Call, JavaException> {
    let v = match sig {
        "getName()" | "getTypeName()" => {
            if sig == "getTypeName()"
                && let Some(t) = array_type_name(c)
            {
                heap.string(t)
            } else {
                heap.string(c.name())
            }
        }
        "getSimpleName()" => heap.string(c.simple_name()),
        "getCanonicalName()" => match c {
            c if c.is_array() => heap.string(array_type_name(c).unwrap_or_default()),
            JavaClass::KeySet
            | JavaClass::Values
            | JavaClass::EntrySet
            | JavaClass::ArrayListItr
            | JavaClass::ArrayListListItr
            | JavaClass::AbstractListItr
            | JavaClass::AbstractListListItr
            | JavaClass::LinkedKeyIterator
            | JavaClass::LinkedValueIterator
            | JavaClass::LinkedEntryIterator => Value::Null,
            _ => heap.string(&c.name().replace('$', ".")),
        },
        "getPackageName()" => {
            // An array's package is its component type's (`java.lang` for
            // primitive ones).
            let p = if c.is_array() {
                "java.lang"
            } else {
                c.name().rsplit_once('.').map_or("", |(p, _)| p)
            };
            heap.string(p)
        }
        "isArray()" => Value::Bool(c.is_array()),
        "isPrimitive()" | "isInterface()" | "isAnnotation()" | "isEnum()" | "isRecord()"
        | "isSynthetic()" | "isAnonymousClass()" | "isLocalClass()" | "isHidden()"
        | "isSealed()" => Value::Bool(false),
        "isMemberClass()" => Value::Bool(matches!(
            c,
            JavaClass::KeySet | JavaClass::Values | JavaClass::EntrySet | JavaClass::Entry
        )),
        "isInstance(Object)" => {
            let Some(t) = class_ty(c) else {
                return Ok(Call::NotFound);
            };
            let a = args.first().copied().unwrap_or(Value::Null);
            Value::Bool(
                resolve::value_ty(heap, a).is_some_and(|at| at == t || t.is_assignable_from(at)),
            )
        }
        "desiredAssertionStatus()" => Value::Bool(false),
        _ => return Ok(Call::NotFound),
    };
    Ok(Call::Value(v))
}

/// `Class.getTypeName()` / `getCanonicalName()` of an array class.
fn array_type_name(c: JavaClass) -> Option<&'static str> {
    Some(match c {
        JavaClass::StringArray => "java.lang.String[]",
        JavaClass::CharArray => "char[]",
        JavaClass::ByteArray => "byte[]",
        JavaClass::ObjectArray => "java.lang.Object[]",
        _ => return None,
    })
}

fn class_ty(c: JavaClass) -> Option<Ty> {
    Some(match c {
        JavaClass::String => Ty::JavaLangString,
        JavaClass::Integer => Ty::JavaLangInteger,
        JavaClass::Long => Ty::JavaLangLong,
        JavaClass::Double => Ty::JavaLangDouble,
        JavaClass::Float => Ty::JavaLangFloat,
        JavaClass::BigInteger => Ty::JavaMathBigInteger,
        JavaClass::BigDecimal => Ty::JavaMathBigDecimal,
        JavaClass::Boolean => Ty::JavaLangBoolean,
        JavaClass::Character => Ty::JavaLangCharacter,
        JavaClass::ArrayList => Ty::JavaUtilArrayList,
        JavaClass::JsonArray => Ty::NetMinidevJsonJSONArray,
        JavaClass::StringArray => Ty::ArrJavaLangString,
        JavaClass::CharArray => Ty::ArrPChar,
        JavaClass::ByteArray => Ty::ArrPByte,
        JavaClass::ObjectArray => Ty::ArrJavaLangObject,
        JavaClass::ArrayListItr => Ty::JavaUtilArrayListItr,
        JavaClass::ArrayListListItr => Ty::JavaUtilArrayListListItr,
        JavaClass::LinkedHashMap => Ty::JavaUtilLinkedHashMap,
        JavaClass::KeySet => Ty::JavaUtilLinkedHashMapLinkedKeySet,
        JavaClass::Values => Ty::JavaUtilLinkedHashMapLinkedValues,
        JavaClass::EntrySet => Ty::JavaUtilLinkedHashMapLinkedEntrySet,
        JavaClass::Entry => Ty::JavaUtilLinkedHashMapEntry,
        JavaClass::Class => Ty::JavaLangClass,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::MapKind;

    /// The outcome of a call as the oracle prints it inside `[...]`:
    /// the value's text, "" for void/not found/null, or `ERR:<class>`.
    fn show(heap: &mut Heap, r: Result<Call, JavaException>) -> String {
        match r {
            Ok(Call::Value(Value::Null)) | Ok(Call::Void) | Ok(Call::NotFound) => String::new(),
            Ok(Call::Value(v)) => java_string(heap, v).unwrap_or_default(),
            Err(e) => format!("ERR:{}", e.class),
        }
    }

    struct T<'a> {
        heap: Heap<'a>,
        re: RegexCache,
    }

    impl T<'_> {
        fn new() -> Self {
            T {
                heap: Heap::new("", ""),
                re: RegexCache::new(),
            }
        }
        fn s(&mut self, t: &str) -> Value {
            self.heap.string(t)
        }
        fn list(&mut self, items: Vec<Value>) -> Value {
            self.heap.new_list(ListKind::ArrayList, items)
        }
        fn map(&mut self, kv: &[(&str, Value)]) -> Value {
            let entries = kv.iter().map(|(k, v)| (self.heap.string(k), *v)).collect();
            Value::Map(self.heap.alloc_map(MapKind::Plain, entries))
        }
        fn call(&mut self, recv: Value, name: &str, args: &[Value]) -> String {
            let r = call_method(&mut self.heap, recv, name, args, &mut self.re);
            show(&mut self.heap, r)
        }
        fn prop(&mut self, recv: Value, name: &str) -> String {
            match get_property(&mut self.heap, recv, name) {
                Ok(Some(v)) if !v.is_null() => java_string(&self.heap, v).unwrap_or_default(),
                Ok(_) => String::new(),
                Err(e) => format!("ERR:{}", e.class),
            }
        }
    }

    use Value::{Bool as B, Double as D, Int as I};

    /// Expectations from the oracle (Velocity 1.7 on JDK 17): see
    /// shared/conformance/template/strings.json and collections.json, and probes.
    #[test]
    fn string_methods() {
        let mut t = T::new();
        let hw = t.s("Hello, World");
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("length", vec![], "12"),
            ("substring", vec![I(0), I(5)], "Hello"),
            (
                "substring",
                vec![I(50)],
                "ERR:java.lang.StringIndexOutOfBoundsException",
            ),
            ("indexOf", vec![t.s("o")], "4"),
            ("indexOf", vec![t.s("zz")], "-1"),
            ("lastIndexOf", vec![t.s("o")], "8"),
            ("contains", vec![t.s("World")], "true"),
            ("contains", vec![t.s("world")], "false"),
            ("startsWith", vec![t.s("Hell")], "true"),
            ("endsWith", vec![t.s("!")], "false"),
            ("toUpperCase", vec![], "HELLO, WORLD"),
            ("toLowerCase", vec![], "hello, world"),
            ("replace", vec![t.s("World"), t.s("There")], "Hello, There"),
            ("equals", vec![t.s("Hello, World")], "true"),
            ("equalsIgnoreCase", vec![t.s("hello, world")], "true"),
            ("isEmpty", vec![], "false"),
            ("charAt", vec![I(4)], "o"),
            ("concat", vec![t.s("!")], "Hello, World!"),
            ("toString", vec![], "Hello, World"),
            ("substring", vec![t.s("1")], ""),
            ("empty", vec![], ""),
        ];
        for (name, args, want) in cases {
            assert_eq!(t.call(hw, name, &args), want, "{name}{args:?}");
        }
        let cases: Vec<(&str, &str, Vec<Value>, &str)> = vec![
            ("日本", "length", vec![], "2"),
            ("straße", "toUpperCase", vec![], "STRASSE"),
            ("ß", "equalsIgnoreCase", vec![t.s("SS")], "false"),
            ("  \t padded \n ", "trim", vec![], "padded"),
            (
                "a1b22c333",
                "replaceAll",
                vec![t.s("[0-9]+"), t.s("#")],
                "a#b#c#",
            ),
            (
                "2024-01-31",
                "replaceAll",
                vec![t.s(r"(\d+)-(\d+)-(\d+)"), t.s("$3/$2/$1")],
                "31/01/2024",
            ),
            (
                "a  b\tc",
                "replaceAll",
                vec![t.s(r"\s+"), t.s("_")],
                "a_b_c",
            ),
            ("a\\sb", "replaceAll", vec![t.s(r"\\s"), t.s("X")], "aXb"),
            ("aaa", "replaceFirst", vec![t.s("a"), t.s("b")], "baa"),
            ("a.b", "replace", vec![t.s("."), t.s("-")], "a-b"),
            ("a.b", "replaceAll", vec![t.s("."), t.s("-")], "---"),
            (
                "a.b",
                "replaceFirst",
                vec![t.s(r"(\w)"), t.s("[$1]")],
                "[a].b",
            ),
            ("abc123", "matches", vec![t.s("[a-z]+[0-9]+")], "true"),
            ("b", "compareTo", vec![t.s("a")], "1"),
            ("x", "compareTo", vec![t.s("xy")], "-1"),
            ("x", "compareTo", vec![t.s("a")], "23"),
            (
                "abc",
                "compareTo",
                vec![I(5)],
                "ERR:java.lang.ClassCastException",
            ),
            ("x", "lastIndexOf", vec![t.s("")], "1"),
            ("x", "indexOf", vec![t.s(""), I(5)], "1"),
            ("x", "contains", vec![t.s("")], "true"),
            ("abc", "indexOf", vec![I(98)], "1"),
            ("abc", "hashCode", vec![], "96354"),
            (
                "abc",
                "charAt",
                vec![I(3)],
                "ERR:java.lang.StringIndexOutOfBoundsException",
            ),
            ("a😀b", "length", vec![], "4"),
            ("a😀b", "indexOf", vec![t.s("b")], "3"),
            ("a😀b", "codePointAt", vec![I(1)], "128512"),
            ("a😀b", "substring", vec![I(0), I(2)], "a\u{FFFD}"),
            ("a😀b", "substring", vec![I(1), I(3)], "😀"),
            ("  hi  ", "strip", vec![], "hi"),
            ("  hi  ", "repeat", vec![I(2)], "  hi    hi  "),
            ("  hi  ", "isBlank", vec![], "false"),
            ("  hi  ", "indent", vec![I(2)], "    hi  \n"),
            ("ABC", "compareToIgnoreCase", vec![t.s("abd")], "-1"),
            (
                "ABC",
                "regionMatches",
                vec![B(true), I(0), t.s("ab"), I(0), I(2)],
                "true",
            ),
            ("ABC", "contentEquals", vec![t.s("ABC")], "true"),
            ("", "format", vec![t.s("%05d"), I(42)], "00042"),
            (
                "x",
                "format",
                vec![t.s("%s|%5.2f|%x"), t.s("a"), D(3.14158), I(255)],
                "a| 3.14|ff",
            ),
            (
                "x",
                "format",
                vec![t.s("%d"), D(2.5)],
                "ERR:java.util.IllegalFormatConversionException",
            ),
            ("", "valueOf", vec![I(12)], "12"),
            ("x", "valueOf", vec![D(1.5)], "1.5"),
            ("x", "valueOf", vec![B(true)], "true"),
            ("x", "valueOf", vec![Value::Long(2147483648)], "2147483648"),
            ("x", "copyValueOf", vec![t.s("ab")], ""),
            (
                "x",
                "join",
                vec![t.s("-"), t.s("a"), t.s("b"), t.s("c")],
                "a-b-c",
            ),
            ("x", "compare", vec![t.s("a"), t.s("b")], "-1"),
            (
                "x",
                "wait",
                vec![],
                "ERR:java.lang.IllegalMonitorStateException",
            ),
        ];
        for (recv, name, args, want) in cases {
            let r = t.s(recv);
            assert_eq!(t.call(r, name, &args), want, "{recv:?}.{name}{args:?}");
        }
        let (sa, sb) = (t.s("a"), t.s("b"));
        let ab = t.list(vec![sa, sb]);
        let x = t.s("x");
        let dash = t.s("-");
        assert_eq!(t.call(x, "join", &[dash, ab]), "a-b");
        let nums = t.list(vec![I(1), I(2)]);
        assert_eq!(
            t.call(x, "join", &[dash, nums]),
            "ERR:java.lang.ClassCastException"
        );
        let hello = t.s("Hello");
        assert_eq!(t.prop(hello, "empty"), "false");
        assert_eq!(t.prop(hello, "size"), "");
        assert_eq!(t.prop(hello, "blank"), "false");
        let class = call_method(&mut t.heap, hello, "getClass", &[], &mut t.re).unwrap();
        let Call::Value(class) = class else { panic!() };
        assert_eq!(t.prop(class, "simpleName"), "String");
        assert_eq!(t.prop(class, "name"), "java.lang.String");
        // Static methods through a Class object.
        let i = I(5);
        let c = call_method(&mut t.heap, i, "getClass", &[], &mut t.re).unwrap();
        let Call::Value(c) = c else { panic!() };
        let n43 = t.s("43");
        assert_eq!(t.call(c, "parseInt", &[n43]), "43");
    }

    #[test]
    fn split_results() {
        let mut t = T::new();
        let cases: Vec<(&str, &str, Option<i32>, &str)> = vec![
            ("a,b,c", ",", None, "3|b"),
            ("a,b,,", ",", None, "2|b"),
            ("a.b.c", ".", None, "0|"),
            ("a.b.c", r"\.", None, "3|b"),
            ("a=b=c", "=", Some(2), "2|b=c"),
            ("a,b,,c,,", ",", None, "4|b"),
            ("a,b,,c,,", ",", Some(-1), "6|b"),
        ];
        for (src, re, limit, want) in cases {
            let s = t.s(src);
            let p = t.s(re);
            let mut args = vec![p];
            if let Some(l) = limit {
                args.push(I(l));
            }
            let r = call_method(&mut t.heap, s, "split", &args, &mut t.re).unwrap();
            let Call::Value(arr) = r else { panic!() };
            let size = t.call(arr, "size", &[]);
            let second = t.call(arr, "get", &[I(1)]);
            let second = if second.starts_with("ERR") {
                String::new()
            } else {
                second
            };
            assert_eq!(format!("{size}|{second}"), want, "{src:?}.split({re:?})");
        }
        // String[] through ArrayListWrapper.
        let src = t.s("a,b");
        let comma = t.s(",");
        let Call::Value(arr) = call_method(&mut t.heap, src, "split", &[comma], &mut t.re).unwrap()
        else {
            panic!()
        };
        let a = t.s("a");
        let b = t.s("b");
        let z = t.s("z");
        let c = t.s("c");
        assert_eq!(t.call(arr, "contains", &[a]), "true");
        assert_eq!(t.call(arr, "set", &[I(0), z]), "a");
        assert_eq!(t.call(arr, "get", &[I(0)]), "z");
        assert_eq!(t.call(arr, "isEmpty", &[]), "false");
        assert_eq!(t.call(arr, "indexOf", &[b]), "1");
        assert_eq!(
            t.call(arr, "add", &[c]),
            "ERR:java.lang.UnsupportedOperationException"
        );
        assert_eq!(
            t.call(arr, "set", &[I(0), I(5)]),
            "ERR:java.lang.IllegalArgumentException"
        );
        assert_eq!(
            t.call(arr, "get", &[I(5)]),
            "ERR:java.lang.ArrayIndexOutOfBoundsException"
        );
        let class = t.prop(arr, "class");
        assert_eq!(class, "class [Ljava.lang.String;");
    }

    #[test]
    fn list_methods() {
        let mut t = T::new();
        let l = t.list(vec![I(1), I(2), I(3)]);
        let two = t.s("2");
        let x = t.s("x");
        assert_eq!(t.call(l, "size", &[]), "3");
        assert_eq!(t.call(l, "get", &[I(0)]), "1");
        assert_eq!(
            t.call(l, "get", &[I(9)]),
            "ERR:java.lang.IndexOutOfBoundsException"
        );
        assert_eq!(
            t.call(l, "get", &[I(-1)]),
            "ERR:java.lang.IndexOutOfBoundsException"
        );
        assert_eq!(t.call(l, "contains", &[I(2)]), "true");
        assert_eq!(t.call(l, "contains", &[two]), "false");
        assert_eq!(t.call(l, "indexOf", &[I(3)]), "2");
        assert_eq!(t.call(l, "remove", &[I(1)]), "2");
        assert_eq!(java_string(&t.heap, l).unwrap(), "[1, 3]");
        assert_eq!(t.call(l, "remove", &[x]), "false");
        assert_eq!(
            t.call(l, "remove", &[I(5)]),
            "ERR:java.lang.IndexOutOfBoundsException"
        );
        assert_eq!(t.prop(l, "size"), "");
        assert_eq!(t.prop(l, "empty"), "false");
        let e = t.list(vec![]);
        assert_eq!(t.call(e, "add", &[I(1)]), "true");
        assert_eq!(t.call(e, "add", &[I(0), I(2)]), "");
        assert_eq!(java_string(&t.heap, e).unwrap(), "[2, 1]");
        assert_eq!(t.call(e, "set", &[I(0), I(5)]), "2");
        assert_eq!(java_string(&t.heap, e).unwrap(), "[5, 1]");
        assert_eq!(t.call(e, "clear", &[]), "");
        assert_eq!(java_string(&t.heap, e).unwrap(), "[]");
        let l = t.list(vec![I(3), I(1), I(2)]);
        let sub = t.list(vec![I(1), I(2)]);
        let same = t.list(vec![I(3), I(1), I(2)]);
        assert_eq!(t.call(l, "subList", &[I(0), I(2)]), "[3, 1]");
        assert_eq!(t.call(l, "lastIndexOf", &[I(9)]), "-1");
        assert_eq!(t.call(l, "containsAll", &[sub]), "true");
        assert_eq!(t.call(l, "hashCode", &[]), "32707");
        assert_eq!(t.call(l, "equals", &[same]), "true");
        let l4 = t.list(vec![I(1), I(2), I(3), I(4)]);
        assert_eq!(t.call(l4, "subList", &[I(1), I(3)]), "[2, 3]");
        assert_eq!(t.call(l4, "getClass", &[]), "class java.util.ArrayList");
    }

    #[test]
    fn map_methods() {
        let mut t = T::new();
        let m = t.map(&[("a", I(1)), ("b", I(2))]);
        let (a, z, c) = (t.s("a"), t.s("z"), t.s("c"));
        assert_eq!(t.call(m, "get", &[a]), "1");
        assert_eq!(t.call(m, "get", &[z]), "");
        assert_eq!(t.call(m, "put", &[a, I(10)]), "1");
        assert_eq!(t.prop(m, "a"), "10");
        assert_eq!(t.call(m, "put", &[c, I(3)]), "");
        assert_eq!(t.call(m, "size", &[]), "3");
        assert_eq!(t.call(m, "keySet", &[]), "[a, b, c]");
        assert_eq!(t.call(m, "values", &[]), "[10, 2, 3]");
        assert_eq!(t.call(m, "containsKey", &[a]), "true");
        assert_eq!(t.call(m, "containsKey", &[z]), "false");
        assert_eq!(t.call(m, "getOrDefault", &[z, I(0)]), "0");
        assert_eq!(t.prop(m, "class"), "class java.util.LinkedHashMap");
        assert_eq!(t.prop(m, "size"), "");
        let m2 = t.map(&[("a", I(1)), ("empty", I(5))]);
        assert_eq!(t.prop(m2, "empty"), "5");
        assert_eq!(t.call(m2, "isEmpty", &[]), "false");
        let m3 = t.map(&[("a", I(1))]);
        let b = t.s("b");
        assert_eq!(t.call(m3, "getOrDefault", &[b, I(7)]), "7");
        assert_eq!(t.call(m3, "putIfAbsent", &[a, I(5)]), "1");
        assert_eq!(t.call(m3, "putIfAbsent", &[c, I(5)]), "");
        assert_eq!(t.call(m3, "remove", &[a]), "1");
        assert_eq!(t.call(m3, "containsValue", &[I(5)]), "true");
        assert_eq!(java_string(&t.heap, m3).unwrap(), "{c=5}");
        // Entries write through.
        let m4 = t.map(&[("a", I(1)), ("b", I(2))]);
        let Call::Value(Value::List(es)) =
            call_method(&mut t.heap, m4, "entrySet", &[], &mut t.re).unwrap()
        else {
            panic!()
        };
        let items = t.heap.list(es).items.clone();
        let mut out = String::new();
        for e in items {
            let k = t.prop(e, "key");
            let v = t.prop(e, "value");
            let old = t.call(e, "setValue", &[I(9)]);
            out.push_str(&format!("[{k}={v} {old}]"));
        }
        assert_eq!(
            format!("{out}{}", java_string(&t.heap, m4).unwrap()),
            "[a=1 1][b=2 2]{a=9, b=9}"
        );
        // keySet() is a Set.
        let m5 = t.map(&[("b", I(1)), ("a", I(2))]);
        let Call::Value(k) = call_method(&mut t.heap, m5, "keySet", &[], &mut t.re).unwrap() else {
            panic!()
        };
        let Call::Value(k2) = call_method(&mut t.heap, m5, "keySet", &[], &mut t.re).unwrap()
        else {
            panic!()
        };
        assert_eq!(t.call(k, "contains", &[a]), "true");
        assert_eq!(t.call(k, "hashCode", &[]), "195");
        assert_eq!(t.call(k, "equals", &[k2]), "true");
        assert_eq!(
            t.call(k, "add", &[c]),
            "ERR:java.lang.UnsupportedOperationException"
        );
    }

    #[test]
    fn number_and_boolean_methods() {
        let mut t = T::new();
        let five = I(5);
        assert_eq!(t.call(five, "toString", &[]), "5");
        assert_eq!(t.call(five, "hashCode", &[]), "5");
        assert_eq!(t.call(five, "doubleValue", &[]), "5.0");
        assert_eq!(t.call(five, "compareTo", &[I(3)]), "1");
        assert_eq!(
            t.call(five, "compareTo", &[D(3.0)]),
            "ERR:java.lang.ClassCastException"
        );
        assert_eq!(t.call(five, "equals", &[I(5)]), "true");
        assert_eq!(t.call(five, "byteValue", &[]), "5");
        assert_eq!(t.prop(five, "class"), "class java.lang.Integer");
        let (n42, ff, n7, x) = (t.s("42"), t.s("ff"), t.s("7"), t.s("x"));
        assert_eq!(t.call(I(0), "parseInt", &[n42]), "42");
        assert_eq!(t.call(I(0), "parseInt", &[ff, I(16)]), "255");
        assert_eq!(t.call(I(0), "valueOf", &[n7]), "7");
        assert_eq!(t.call(I(0), "toHexString", &[I(-1)]), "ffffffff");
        assert_eq!(t.call(I(0), "max", &[I(3), I(9)]), "9");
        assert_eq!(
            t.call(I(0), "parseInt", &[x]),
            "ERR:java.lang.NumberFormatException"
        );
        let d = D(2.5);
        assert_eq!(t.call(d, "intValue", &[]), "2");
        assert_eq!(t.call(d, "longValue", &[]), "2");
        assert_eq!(t.call(d, "isNaN", &[]), "false");
        assert_eq!(t.call(d, "toString", &[]), "2.5");
        assert_eq!(t.call(d, "hashCode", &[]), "1074003968");
        let d = D(1.5);
        let (s25, s1e3) = (t.s(" 2.5 "), t.s("1e3"));
        assert_eq!(t.call(d, "compareTo", &[D(2.5)]), "-1");
        assert_eq!(t.call(d, "equals", &[D(1.5)]), "true");
        assert_eq!(t.call(d, "parseDouble", &[s25]), "2.5");
        assert_eq!(t.call(d, "valueOf", &[s1e3]), "1000.0");
        assert_eq!(t.call(d, "isInfinite", &[]), "false");
        let b = B(true);
        let tr = t.s("TRUE");
        assert_eq!(t.call(b, "booleanValue", &[]), "true");
        assert_eq!(t.call(b, "toString", &[]), "true");
        assert_eq!(t.call(b, "compareTo", &[B(false)]), "1");
        assert_eq!(t.call(b, "hashCode", &[]), "1231");
        assert_eq!(t.call(b, "parseBoolean", &[tr]), "true");
    }

    #[test]
    fn arithmetic_as_mathutils() {
        let mut h = Heap::new("", "");
        let show = |h: &mut Heap, v: Result<Option<Value>, JavaException>| -> String {
            match v {
                Ok(Some(v)) => format!(
                    "{}:{}",
                    java_string(h, v).unwrap(),
                    v.class(h).unwrap().simple_name()
                ),
                Ok(None) => "null".into(),
                Err(e) => format!("ERR:{}", e.class),
            }
        };
        // Oracle: #set($r = $a OP $b)[$r][$r.class.simpleName]
        let r = number::divide(&mut h, I(10), I(4));
        assert_eq!(show(&mut h, r), "2:Integer");
        let r = number::divide(&mut h, I(10), D(4.0));
        assert_eq!(show(&mut h, r), "2.5:Double");
        let r = number::add(&mut h, I(2147483647), I(1));
        assert_eq!(show(&mut h, r), "2147483648:Long");
        let r = number::modulo(&mut h, I(10), I(3));
        assert_eq!(show(&mut h, r), "1:Integer");
        let r = number::divide(&mut h, I(10), I(0));
        assert_eq!(show(&mut h, r), "null");
        let big = Value::Long(i64::MAX);
        let r = number::add(&mut h, big, I(1));
        let s = show(&mut h, r);
        assert_eq!(s, "9223372036854775808:BigInteger");
        let Ok(Some(b)) = number::add(&mut h, big, I(1)) else {
            panic!()
        };
        let r = number::subtract(&mut h, b, I(1));
        assert_eq!(show(&mut h, r), "9223372036854775807:BigInteger");
        let r = number::multiply(&mut h, big, big);
        assert_eq!(
            show(&mut h, r),
            "85070591730234615847396907784232501249:BigInteger"
        );
        let r = number::add(&mut h, I(1), Value::Long(1));
        assert_eq!(show(&mut h, r), "2:Long");
        assert_eq!(
            number::compare(&h, I(1), D(1.0)).unwrap(),
            Some(Ordering::Equal)
        );
        assert_eq!(
            number::compare(&h, D(f64::NAN), I(1)).unwrap(),
            Some(Ordering::Equal)
        );
        assert_eq!(number::compare(&h, I(1), Value::Bool(true)).unwrap(), None);
    }
}
