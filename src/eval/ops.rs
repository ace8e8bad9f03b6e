//! Expressions: Velocity's `value()` and `evaluate()` of each expression node.

use super::{Ctx, Env};
use crate::compiler::ast::*;
use crate::error::{Error, Result};
use crate::java::number;
use crate::value::{Heap, ListKind, MapKind, Str, Value};
use std::cmp::Ordering;

/// The value of an expression (may be null).
pub(crate) fn value(ctx: &mut Ctx, e: &Expr, env: Env) -> Result<Value> {
    Ok(match e {
        Expr::Str(s) => ctx.eval_string(s, env)?,
        Expr::Int(i) => match *i {
            IntLit::Int(i) => Value::Int(i),
            IntLit::Long(l) => Value::Long(l),
            IntLit::Big(r) => {
                let text =
                    ctx.heap.source_text(env.src)[r.start as usize..r.end as usize].to_string();
                Value::BigInt(ctx.heap.alloc_big(&text))
            }
        },
        Expr::Float(FloatLit::Double(d)) => Value::Double(*d),
        Expr::True => Value::Bool(true),
        Expr::False => Value::Bool(false),
        Expr::Ref(r) => {
            if !r.computable {
                Value::Null
            } else {
                ctx.eval_reference(r, env)?
            }
        }
        // A bare word has no value.
        Expr::Word(_) => Value::Null,
        Expr::Range(a, b) => {
            let a = value(ctx, a, env)?;
            let b = value(ctx, b, env)?;
            match range_bounds(&mut ctx.heap, a, b) {
                None => Value::Null,
                Some((l, r)) => {
                    let n = (l.wrapping_sub(r)).unsigned_abs() as usize + 1;
                    if n.saturating_mul(16) > ctx.limits.memory_bytes {
                        return Err(Error::limit(format!(
                            "the range [{l}..{r}] has {n} elements, more than the memory limit allows"
                        )));
                    }
                    let mut items = Vec::with_capacity(n);
                    let delta: i32 = if l >= r { -1 } else { 1 };
                    let mut v = l;
                    for _ in 0..n {
                        items.push(Value::Int(v));
                        v = v.wrapping_add(delta);
                    }
                    ctx.heap.new_list(ListKind::ArrayList, items)
                }
            }
        }
        Expr::List(items) => {
            let mut values = Vec::with_capacity(items.len());
            for i in items {
                values.push(value(ctx, i, env)?);
            }
            ctx.heap.new_list(ListKind::ArrayList, values)
        }
        Expr::Map(entries) => {
            let m = ctx
                .heap
                .alloc_map(MapKind::Plain, Vec::with_capacity(entries.len()));
            for (k, v) in entries {
                let k = value(ctx, k, env)?;
                let v = value(ctx, v, env)?;
                ctx.heap.map_put(m, k, v);
            }
            Value::Map(m)
        }
        Expr::Or(..)
        | Expr::And(..)
        | Expr::Eq(..)
        | Expr::Ne(..)
        | Expr::Lt(..)
        | Expr::Gt(..)
        | Expr::Le(..)
        | Expr::Ge(..)
        | Expr::Not(..) => Value::Bool(evaluate(ctx, e, env)?),
        Expr::Add(ab, _) => add(ctx, &ab.0, &ab.1, env)?,
        Expr::Sub(ab, _) => {
            let (a, b) = &**ab;
            let l = value(ctx, a, env)?;
            let r = value(ctx, b, env)?;
            if let (Value::Int(x), Value::Int(y)) = (l, r) {
                return Ok(int_or_long(i64::from(x) - i64::from(y)));
            }
            arith(&mut ctx.heap, l, r, number::subtract)?
        }
        Expr::Mul(ab, _) => {
            let (a, b) = &**ab;
            let l = value(ctx, a, env)?;
            let r = value(ctx, b, env)?;
            arith(&mut ctx.heap, l, r, number::multiply)?
        }
        Expr::Div(ab, _) => {
            let (a, b) = &**ab;
            let l = value(ctx, a, env)?;
            let r = value(ctx, b, env)?;
            arith(&mut ctx.heap, l, r, number::divide)?
        }
        Expr::Mod(ab, _) => {
            let (a, b) = &**ab;
            let l = value(ctx, a, env)?;
            let r = value(ctx, b, env)?;
            arith(&mut ctx.heap, l, r, number::modulo)?
        }
    })
}

/// `a + b` (ASTAddNode).
#[inline(always)]
fn add(ctx: &mut Ctx, a: &Expr, b: &Expr, env: Env) -> Result<Value> {
    let l = operand(ctx, a, env)?;
    let r = operand(ctx, b, env)?;
    if let (Value::Int(x), Value::Int(y)) = (l, r) {
        return Ok(int_or_long(i64::from(x) + i64::from(y)));
    }
    add_values(ctx, l, r, env)
}

/// `l + r` of the operands' values, other than two Integers (which
/// `int_or_long` adds): if either side is a String, concatenation; else
/// math.
pub(crate) fn add_values(ctx: &mut Ctx, l: Value, r: Value, env: Env) -> Result<Value> {
    if matches!(l, Value::Str(_)) || matches!(r, Value::Str(_)) {
        let ls = ctx.string_of(l, env)?;
        let rs = ctx.string_of(r, env)?;
        let mark = ctx.heap.begin_str();
        ctx.heap.push_from(ls);
        ctx.heap.push_from(rs);
        let v = Value::Str(ctx.heap.finish_str(mark));
        ctx.check_strings()?;
        Ok(v)
    } else {
        arith(&mut ctx.heap, l, r, number::add)
    }
}

/// `value` of an operand, the usual ones (`$count + 1`) without the
/// dispatch (and the recursive call) of [`value`].
#[inline(always)]
pub(crate) fn operand(ctx: &mut Ctx, e: &Expr, env: Env) -> Result<Value> {
    match e {
        Expr::Ref(r) if r.computable => ctx.eval_reference(r, env),
        Expr::Int(IntLit::Int(i)) => Ok(Value::Int(*i)),
        e => value(ctx, e, env),
    }
}

/// `MathUtils.add`/`subtract` of two Integers: computed as longs (never
/// overflowing), an Integer when the result fits (`wrapPrimitive`), else a Long.
pub(crate) fn int_or_long(v: i64) -> Value {
    match i32::try_from(v) {
        Ok(i) => Value::Int(i),
        Err(_) => Value::Long(v),
    }
}

type MathOp =
    fn(&mut Heap, Value, Value) -> std::result::Result<Option<Value>, crate::java::JavaException>;

/// Math on two numbers; null when either side is not a number (or for a
/// division by zero).
fn arith(heap: &mut Heap, l: Value, r: Value, op: MathOp) -> Result<Value> {
    if l.is_number() && r.is_number() {
        Ok(op(heap, l, r)
            .map_err(super::java_error)?
            .unwrap_or(Value::Null))
    } else {
        Ok(Value::Null)
    }
}

/// `Number.intValue()`.
fn int_value(heap: &mut Heap, v: Value) -> Option<i32> {
    // An Integer's is itself (through the method call, with the regex cache
    // it needs made and dropped, a range's bounds cost 1,800 instructions).
    if let Value::Int(i) = v {
        return Some(i);
    }
    if !v.is_number() {
        return None;
    }
    let mut regexes = crate::java::RegexCache::new();
    match crate::java::call_method(heap, v, "intValue", &[], &mut regexes) {
        Ok(crate::java::Call::Value(Value::Int(i))) => Some(i),
        _ => None,
    }
}

/// `[l..r]`: both ends must be numbers (`intValue()` of each).
pub(crate) fn range_bounds(heap: &mut Heap, a: Value, b: Value) -> Option<(i32, i32)> {
    Some((int_value(heap, a)?, int_value(heap, b)?))
}

/// The truth of an expression (Velocity's `evaluate()`): only references,
/// `true`/`false`, comparisons and logic have one; other literals are false.
pub(crate) fn evaluate(ctx: &mut Ctx, e: &Expr, env: Env) -> Result<bool> {
    Ok(match e {
        Expr::True => true,
        Expr::False => false,
        Expr::Ref(r) => {
            // `ASTReference.evaluate()` executes even a `$\!name` reference (which
            // `value()` gives as null).
            let v = ctx.eval_reference(r, env)?;
            match v {
                Value::Null => false,
                Value::Bool(b) => b,
                _ => true,
            }
        }
        Expr::Or(ab) => evaluate(ctx, &ab.0, env)? || evaluate(ctx, &ab.1, env)?,
        Expr::And(ab) => evaluate(ctx, &ab.0, env)? && evaluate(ctx, &ab.1, env)?,
        Expr::Not(a) => !evaluate(ctx, a, env)?,
        Expr::Eq(ab) => {
            let (a, b) = &**ab;
            let l = value(ctx, a, env)?;
            let r = value(ctx, b, env)?;
            equals(ctx, l, r, env)?
        }
        Expr::Ne(ab) => {
            let (a, b) = &**ab;
            let l = value(ctx, a, env)?;
            let r = value(ctx, b, env)?;
            !equals(ctx, l, r, env)?
        }
        Expr::Lt(ab) => compare(ctx, &ab.0, &ab.1, env)? == Some(Ordering::Less),
        Expr::Gt(ab) => compare(ctx, &ab.0, &ab.1, env)? == Some(Ordering::Greater),
        Expr::Le(ab) => matches!(
            compare(ctx, &ab.0, &ab.1, env)?,
            Some(Ordering::Less | Ordering::Equal)
        ),
        Expr::Ge(ab) => matches!(
            compare(ctx, &ab.0, &ab.1, env)?,
            Some(Ordering::Greater | Ordering::Equal)
        ),
        // Literals, maps, lists, ranges, math: Velocity's SimpleNode.evaluate
        // is false, without computing anything.
        _ => false,
    })
}

/// `<`, `>`, `<=`, `>=`: numbers only; anything else compares as false.
/// (Inlined in `evaluate`: `#if($item.discount > 0)` without a second call.)
#[inline(always)]
fn compare(ctx: &mut Ctx, a: &Expr, b: &Expr, env: Env) -> Result<Option<Ordering>> {
    // `value` of the usual operands (`$item.discount > 0`) without its dispatch.
    let l = match a {
        Expr::Ref(r) if r.computable => match ctx.map_property_value(r, env) {
            Some(v) => v?,
            None => ctx.eval_reference(r, env)?,
        },
        a => value(ctx, a, env)?,
    };
    let r = match b {
        Expr::Int(IntLit::Int(y)) => Value::Int(*y),
        b => value(ctx, b, env)?,
    };
    if let (Value::Int(x), Value::Int(y)) = (l, r) {
        // (`number::compare` of two ints.)
        return Ok(Some(x.cmp(&y)));
    }
    if l.is_number() && r.is_number() {
        number::compare(&ctx.heap, l, r).map_err(super::java_error)
    } else {
        Ok(None)
    }
}

/// Are two classes related by inheritance (Velocity's `isAssignableFrom`
/// test in `==`)?
fn related_classes(heap: &Heap, l: Value, r: Value) -> bool {
    use crate::value::JavaClass as C;
    let (Some(a), Some(b)) = (l.class(heap), r.class(heap)) else {
        return false;
    };
    if a == b {
        return true;
    }
    let list = |c| matches!(c, C::ArrayList | C::JsonArray);
    if list(a) && list(b) {
        // JSONArray extends ArrayList.
        return true;
    }
    false
}

/// `==` (ASTEQNode): numbers by value; objects of related classes by
/// `equals`; anything else by `toString()`.
pub(crate) fn equals(ctx: &mut Ctx, l: Value, r: Value, env: Env) -> Result<bool> {
    if l.is_number() && r.is_number() {
        let c = number::compare(&ctx.heap, l, r).map_err(super::java_error)?;
        return Ok(c == Some(Ordering::Equal));
    }
    if !l.is_null() && !r.is_null() && related_classes(&ctx.heap, l, r) {
        return Ok(ctx.heap.java_equals(l, r));
    }
    match (l.is_null(), r.is_null()) {
        (true, true) => Ok(true),
        (true, false) | (false, true) => Ok(false),
        _ => {
            let ls: Str = ctx.string_of(l, env)?;
            let rs: Str = ctx.string_of(r, env)?;
            Ok(ctx.heap.str(ls) == ctx.heap.str(rs))
        }
    }
}
