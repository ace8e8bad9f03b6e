//! Java semantics: methods on strings, lists and maps; regular expressions.
//! (Temporary shims until the java branch lands.)

pub mod methods {
    use crate::value::{Heap, Value};
    pub enum Call {
        Value(Value),
        Void,
        NotFound,
    }
    pub fn call_method(
        _heap: &mut Heap,
        _recv: Value,
        _name: &str,
        _args: &[Value],
        _regexes: &mut super::regex::RegexCache,
    ) -> Result<Call, super::JavaException> {
        Ok(Call::NotFound)
    }
    pub fn get_property(
        heap: &mut Heap,
        recv: Value,
        name: &str,
    ) -> Result<Option<Value>, super::JavaException> {
        if let Value::Map(m) = recv {
            return Ok(heap.map_get_str(m, name));
        }
        Ok(None)
    }
}

pub mod regex {
    #[derive(Default)]
    pub struct RegexCache;
    impl RegexCache {
        pub fn new() -> RegexCache {
            RegexCache
        }
    }
}

pub mod number {
    use crate::value::{Heap, Value};
    use std::cmp::Ordering;
    fn f(v: Value) -> Option<f64> {
        match v {
            Value::Int(i) => Some(i as f64),
            Value::Long(l) => Some(l as f64),
            Value::Double(d) => Some(d),
            _ => None,
        }
    }
    fn i(v: Value) -> Option<i64> {
        match v {
            Value::Int(i) => Some(i as i64),
            Value::Long(l) => Some(l),
            _ => None,
        }
    }
    fn wrap(x: i64) -> Value {
        match i32::try_from(x) {
            Ok(v) => Value::Int(v),
            Err(_) => Value::Long(x),
        }
    }
    pub fn add(_h: &mut Heap, a: Value, b: Value) -> Option<Value> {
        match (i(a), i(b)) {
            (Some(x), Some(y)) => Some(wrap(x.wrapping_add(y))),
            _ => Some(Value::Double(f(a)? + f(b)?)),
        }
    }
    pub fn subtract(_h: &mut Heap, a: Value, b: Value) -> Option<Value> {
        match (i(a), i(b)) {
            (Some(x), Some(y)) => Some(wrap(x.wrapping_sub(y))),
            _ => Some(Value::Double(f(a)? - f(b)?)),
        }
    }
    pub fn multiply(_h: &mut Heap, a: Value, b: Value) -> Option<Value> {
        match (i(a), i(b)) {
            (Some(x), Some(y)) => Some(wrap(x.wrapping_mul(y))),
            _ => Some(Value::Double(f(a)? * f(b)?)),
        }
    }
    pub fn divide(_h: &mut Heap, a: Value, b: Value) -> Option<Value> {
        if f(b)? == 0.0 {
            return None;
        }
        match (i(a), i(b)) {
            (Some(x), Some(y)) => Some(wrap(x.wrapping_div(y))),
            _ => Some(Value::Double(f(a)? / f(b)?)),
        }
    }
    pub fn modulo(_h: &mut Heap, a: Value, b: Value) -> Option<Value> {
        if f(b)? == 0.0 {
            return None;
        }
        match (i(a), i(b)) {
            (Some(x), Some(y)) => Some(wrap(x.wrapping_rem(y))),
            _ => Some(Value::Double(f(a)? % f(b)?)),
        }
    }
    pub fn compare(_h: &Heap, a: Value, b: Value) -> Option<Ordering> {
        f(a)?.partial_cmp(&f(b)?)
    }
    pub fn int_value(_h: &Heap, a: Value) -> Option<i32> {
        Some(match a {
            Value::Int(i) => i,
            Value::Long(l) => l as i32,
            Value::Double(d) => d as i32,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct JavaException {
    pub class: &'static str,
    pub message: String,
}
