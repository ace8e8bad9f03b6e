//! Velocity 1.7's method lookup: `ClassMap.MethodCache.get` (an exact match of
//! the argument classes first) and `MethodMap.getBestMatch` (the most specific
//! applicable method under method invocation conversion), over the tables of
//! public methods in [`super::jdk`].

use super::jdk::{self, JMethod, Ty};
use crate::value::{Heap, Host, JavaClass, ListKind, Value};

/// The methods of a class, grouped by name and sorted by name.
pub(crate) type Table = &'static [(&'static str, &'static [JMethod])];

/// The method table of a Java class.
pub(crate) fn table(c: JavaClass) -> Option<Table> {
    Some(match c {
        JavaClass::String => jdk::STRING,
        JavaClass::Integer => jdk::INTEGER,
        JavaClass::Long => jdk::LONG,
        JavaClass::Double => jdk::DOUBLE,
        JavaClass::Float => jdk::FLOAT,
        JavaClass::BigInteger => jdk::BIG_INTEGER,
        JavaClass::BigDecimal => jdk::BIG_DECIMAL,
        JavaClass::Boolean => jdk::BOOLEAN,
        JavaClass::Character => jdk::CHARACTER,
        JavaClass::ArrayList => jdk::ARRAY_LIST,
        JavaClass::JsonArray => jdk::JSON_ARRAY,
        JavaClass::StringArray => jdk::STRING_ARRAY,
        JavaClass::CharArray => jdk::CHAR_ARRAY,
        JavaClass::ByteArray => jdk::BYTE_ARRAY,
        JavaClass::ObjectArray => jdk::OBJECT_ARRAY,
        // The iterator classes are private: their public methods are those of
        // `Iterator` / `ListIterator`, the same for each.
        JavaClass::ArrayListItr
        | JavaClass::AbstractListItr
        | JavaClass::LinkedKeyIterator
        | JavaClass::LinkedValueIterator
        | JavaClass::LinkedEntryIterator => jdk::ITERATOR,
        JavaClass::ArrayListListItr | JavaClass::AbstractListListItr => jdk::LIST_ITERATOR,
        JavaClass::LinkedHashMap => jdk::LINKED_HASH_MAP,
        JavaClass::KeySet => jdk::KEY_SET,
        JavaClass::Values => jdk::VALUES,
        JavaClass::EntrySet => jdk::ENTRY_SET,
        JavaClass::Entry => jdk::ENTRY,
        JavaClass::Class => jdk::CLASS,
        JavaClass::Input | JavaClass::Util | JavaClass::Foreach | JavaClass::Block => return None,
    })
}

/// The Java type of a value, as an argument (`None` for null).
pub(crate) fn value_ty(heap: &Heap, v: Value) -> Option<Ty> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(_) => Ty::JavaLangBoolean,
        Value::Int(_) => Ty::JavaLangInteger,
        Value::Long(_) => Ty::JavaLangLong,
        Value::Double(_) => Ty::JavaLangDouble,
        Value::Float(_) => Ty::JavaLangFloat,
        Value::BigInt(_) => Ty::JavaMathBigInteger,
        Value::BigDec(_) => Ty::JavaMathBigDecimal,
        Value::Char(_) => Ty::JavaLangCharacter,
        Value::Str(_) => Ty::JavaLangString,
        Value::List(id) => match heap.list(id).kind {
            ListKind::ArrayList => Ty::JavaUtilArrayList,
            ListKind::JsonArray => Ty::NetMinidevJsonJSONArray,
            ListKind::StringArray => Ty::ArrJavaLangString,
            ListKind::CharArray => Ty::ArrPChar,
            ListKind::ByteArray => Ty::ArrPByte,
            ListKind::ObjectArray => Ty::ArrJavaLangObject,
            ListKind::KeySet => Ty::JavaUtilLinkedHashMapLinkedKeySet,
            ListKind::Values => Ty::JavaUtilLinkedHashMapLinkedValues,
            ListKind::EntrySet => Ty::JavaUtilLinkedHashMapLinkedEntrySet,
        },
        Value::Map(_) => Ty::JavaUtilLinkedHashMap,
        Value::Entry(_) => Ty::JavaUtilLinkedHashMapEntry,
        Value::Host(Host::Class(_)) => Ty::JavaLangClass,
        Value::Host(Host::Iter(id)) => match heap.iter(id).class {
            JavaClass::ArrayListItr => Ty::JavaUtilArrayListItr,
            JavaClass::ArrayListListItr => Ty::JavaUtilArrayListListItr,
            JavaClass::AbstractListListItr => Ty::JavaUtilListIterator,
            _ => Ty::JavaUtilIterator,
        },
        // $input, $util, $foreach: only an Object parameter takes them.
        Value::Host(_) => Ty::JavaLangObject,
    })
}

/// The wrapper class of a primitive type (as in a method cache key).
fn boxed(t: Ty) -> Ty {
    match t {
        Ty::PBoolean => Ty::JavaLangBoolean,
        Ty::PByte => Ty::JavaLangByte,
        Ty::PChar => Ty::JavaLangCharacter,
        Ty::PShort => Ty::JavaLangShort,
        Ty::PInt => Ty::JavaLangInteger,
        Ty::PLong => Ty::JavaLangLong,
        Ty::PFloat => Ty::JavaLangFloat,
        Ty::PDouble => Ty::JavaLangDouble,
        t => t,
    }
}

fn assignable(formal: Ty, actual: Ty) -> bool {
    formal == actual || formal.is_assignable_from(actual)
}

/// `IntrospectionUtils.isMethodInvocationConvertible`.
fn convertible(formal: Ty, actual: Option<Ty>, possible_vararg: bool) -> bool {
    let Some(actual) = actual else {
        return !formal.is_primitive();
    };
    if !formal.is_primitive() && assignable(formal, actual) {
        return true;
    }
    use Ty::*;
    let widened = match formal {
        PBoolean => actual == JavaLangBoolean,
        PChar => actual == JavaLangCharacter,
        PByte => actual == JavaLangByte,
        PShort => matches!(actual, JavaLangShort | JavaLangByte),
        PInt => matches!(actual, JavaLangInteger | JavaLangShort | JavaLangByte),
        PLong => matches!(
            actual,
            JavaLangLong | JavaLangInteger | JavaLangShort | JavaLangByte
        ),
        PFloat => matches!(
            actual,
            JavaLangFloat | JavaLangLong | JavaLangInteger | JavaLangShort | JavaLangByte
        ),
        PDouble => matches!(
            actual,
            JavaLangDouble
                | JavaLangFloat
                | JavaLangLong
                | JavaLangInteger
                | JavaLangShort
                | JavaLangByte
        ),
        _ => false,
    };
    if widened {
        return true;
    }
    if possible_vararg && let Some(fc) = formal.component() {
        let a = actual.component().unwrap_or(actual);
        return convertible(fc, Some(a), false);
    }
    false
}

/// `IntrospectionUtils.isStrictMethodInvocationConvertible` (between parameter types).
fn strict_convertible(formal: Ty, actual: Ty, possible_vararg: bool) -> bool {
    if assignable(formal, actual) && (formal.is_primitive() == actual.is_primitive()) {
        return true;
    }
    use Ty::*;
    let widened = match formal {
        PShort => actual == PByte,
        PInt => matches!(actual, PShort | PByte),
        PLong => matches!(actual, PInt | PShort | PByte),
        PFloat => matches!(actual, PLong | PInt | PShort | PByte),
        PDouble => matches!(actual, PFloat | PLong | PInt | PShort | PByte),
        _ => false,
    };
    if widened {
        return true;
    }
    if possible_vararg && let Some(fc) = formal.component() {
        let a = actual.component().unwrap_or(actual);
        return strict_convertible(fc, a, false);
    }
    false
}

/// `MethodMap.isApplicable`.
fn applicable(m: &JMethod, args: &[Option<Ty>]) -> bool {
    let p = m.params;
    if p.len() <= args.len() {
        if p.len() == args.len() {
            for i in 0..args.len() {
                if !convertible(p[i], args[i], false) {
                    return i == args.len() - 1
                        && p[i].component().is_some()
                        && convertible(p[i], args[i], true);
                }
            }
        } else if !p.is_empty() {
            let last = p[p.len() - 1];
            let Some(vararg) = last.component() else {
                return false;
            };
            for j in 0..p.len() - 1 {
                if !convertible(p[j], args[j], false) {
                    return false;
                }
            }
            for a in &args[p.len() - 1..] {
                if !convertible(vararg, *a, false) {
                    return false;
                }
            }
        }
        return true;
    }
    if p.len() == args.len() + 1 && p[p.len() - 1].component().is_some() {
        return (0..args.len()).all(|i| convertible(p[i], args[i], false));
    }
    false
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Specificity {
    More,
    Less,
    Incomparable,
}

/// `MethodMap.compare`.
fn compare(c1: &[Ty], c2: &[Ty]) -> Specificity {
    if c1.len() > c2.len() {
        return Specificity::More;
    }
    if c2.len() > c1.len() {
        return Specificity::Less;
    }
    let (mut c1_more, mut c2_more) = (false, false);
    for i in 0..c1.len() {
        if c1[i] != c2[i] {
            let last = i == c1.len() - 1;
            c1_more =
                c1_more || strict_convertible(c2[i], c1[i], last) || c2[i] == Ty::JavaLangObject;
            c2_more =
                c2_more || strict_convertible(c1[i], c2[i], last) || c1[i] == Ty::JavaLangObject;
        }
    }
    if c1_more {
        if !c2_more {
            return Specificity::More;
        }
        let a1 = c1.last().is_some_and(|t| t.component().is_some());
        let a2 = c2.last().is_some_and(|t| t.component().is_some());
        if a1 && !a2 {
            return Specificity::Less;
        }
        if !a1 && a2 {
            return Specificity::More;
        }
        return Specificity::Incomparable;
    }
    if c2_more {
        return Specificity::Less;
    }
    Specificity::Incomparable
}

/// `MethodMap.getBestMatch`: `Err(())` when ambiguous.
fn best_match(
    methods: &'static [JMethod],
    args: &[Option<Ty>],
) -> Result<Option<&'static JMethod>, ()> {
    let mut equivalent: Option<Vec<&'static JMethod>> = None;
    let mut best: Option<&'static JMethod> = None;
    for m in methods {
        if !applicable(m, args) {
            continue;
        }
        let Some(b) = best else {
            best = Some(m);
            continue;
        };
        match compare(m.params, b.params) {
            Specificity::More => match &mut equivalent {
                None => best = Some(m),
                Some(eq) => {
                    // Velocity's loop over the ambiguities (with its quirks).
                    let n = eq.len();
                    let mut a = 0;
                    while a < n {
                        match compare(m.params, eq[a].params) {
                            Specificity::More => {
                                best = Some(m);
                                equivalent = None;
                                break;
                            }
                            Specificity::Incomparable => eq.push(m),
                            Specificity::Less => {}
                        }
                        a += 1;
                    }
                }
            },
            Specificity::Incomparable => equivalent.get_or_insert_with(Vec::new).push(m),
            Specificity::Less => {}
        }
    }
    if equivalent.is_some() {
        return Err(());
    }
    Ok(best)
}

/// The overloads of `name` in a table.
pub(crate) fn overloads(table: Table, name: &str) -> &'static [JMethod] {
    match table.binary_search_by(|(n, _)| (*n).cmp(name)) {
        Ok(i) => table[i].1,
        Err(_) => &[],
    }
}

/// `ClassMap.findMethod`: the method Velocity invokes for `name(args)`, or
/// `None` when there is none or the call is ambiguous.
pub(crate) fn find(table: Table, name: &str, args: &[Option<Ty>]) -> Option<&'static JMethod> {
    let methods = overloads(table, name);
    if methods.is_empty() {
        return None;
    }
    // The method cache is keyed by name and argument classes (null: Object),
    // with primitive parameters keyed by their wrapper class.
    let exact = methods.iter().find(|m| {
        m.params.len() == args.len()
            && m.params
                .iter()
                .zip(args)
                .all(|(p, a)| boxed(*p) == a.unwrap_or(Ty::JavaLangObject))
    });
    if exact.is_some() {
        return exact;
    }
    best_match(methods, args).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(table: Table, name: &str, args: &[Option<Ty>]) -> &'static str {
        find(table, name, args).map_or("-", |m| m.sig)
    }

    #[test]
    fn resolution_follows_velocity() {
        use Ty::*;
        let s = Some(JavaLangString);
        let i = Some(JavaLangInteger);
        let l = Some(JavaLangLong);
        let table: &[(Table, &str, &[Option<Ty>], &str)] = &[
            (jdk::ARRAY_LIST, "remove", &[i], "remove(int)"),
            (jdk::ARRAY_LIST, "remove", &[s], "remove(Object)"),
            (jdk::ARRAY_LIST, "remove", &[None], "remove(Object)"),
            (jdk::ARRAY_LIST, "remove", &[l], "remove(Object)"),
            (jdk::STRING, "substring", &[s], "-"),
            (jdk::STRING, "substring", &[i], "substring(int)"),
            (jdk::STRING, "substring", &[l], "-"),
            (jdk::STRING, "indexOf", &[s], "indexOf(String)"),
            (jdk::STRING, "indexOf", &[i], "indexOf(int)"),
            (jdk::STRING, "indexOf", &[Some(JavaLangCharacter)], "-"),
            (jdk::STRING, "compareTo", &[i], "compareTo(Object)"),
            (jdk::STRING, "valueOf", &[i], "valueOf(int)"),
            (jdk::STRING, "valueOf", &[s], "valueOf(Object)"),
            (jdk::STRING, "valueOf", &[None], "valueOf(Object)"),
            (
                jdk::STRING,
                "valueOf",
                &[Some(JavaLangDouble)],
                "valueOf(double)",
            ),
            (jdk::STRING, "format", &[s, i], "format(String,Object[])"),
            (jdk::STRING, "format", &[s], "format(String,Object[])"),
            (jdk::STRING, "format", &[s, s, i], "format(String,Object[])"),
            (
                jdk::STRING,
                "join",
                &[s, s, s],
                "join(CharSequence,CharSequence[])",
            ),
            (
                jdk::STRING,
                "join",
                &[s, Some(JavaUtilArrayList)],
                "join(CharSequence,Iterable)",
            ),
            (
                jdk::STRING,
                "join",
                &[s, Some(ArrJavaLangString)],
                "join(CharSequence,CharSequence[])",
            ),
            (
                jdk::STRING,
                "replace",
                &[s, s],
                "replace(CharSequence,CharSequence)",
            ),
            (jdk::LINKED_HASH_MAP, "get", &[s], "get(Object)"),
            (jdk::LINKED_HASH_MAP, "put", &[s, i], "put(Object,Object)"),
        ];
        for (t, name, args, want) in table {
            assert_eq!(sig(t, name, args), *want, "{name}{args:?}");
        }
    }
}
