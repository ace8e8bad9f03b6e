//! Evaluation of a compiled path over the value model, as Jayway 2.0.0's path
//! tokens evaluate it with the json-smart provider and no options.

use super::compile::{ArrayOp, CompareOp, CompiledPath, Criteria, Filter, Operand, Token};
use super::pattern::JavaPattern;
use super::{PathError, PathErrorKind};
use crate::json::bigdec;
use crate::value::print::java_string;
use crate::value::{Heap, ListKind, MapKind, Value};
use std::cmp::Ordering;

/// How deep a deep scan (`..`) may descend (Java would overflow its stack on a cycle).
const MAX_SCAN_DEPTH: u32 = 512;
/// Work allowed for one evaluation (a deep scan over a cyclic structure could
/// otherwise run for ever).
const MAX_STEPS: u64 = 20_000_000;

/// Why an evaluation stopped.
pub(crate) enum Fail {
    /// `PathNotFoundException`: the oracle reads the path as null.
    NotFound,
    /// Any other exception: the render fails.
    Error(PathError),
}

type EResult<T> = Result<T, Fail>;

fn invalid(message: String) -> Fail {
    Fail::Error(PathError {
        kind: PathErrorKind::InvalidPath,
        message,
    })
}

fn runtime(message: String) -> Fail {
    Fail::Error(PathError {
        kind: PathErrorKind::Runtime,
        message,
    })
}

/// Results of one path evaluation (Jayway's `EvaluationContextImpl`).
struct Run<'p> {
    path: &'p CompiledPath,
    root: Value,
    /// `Option.REQUIRE_PROPERTIES` (set for existence checks in filters).
    require: bool,
    /// The first result (all a definite path can have) ...
    first: Option<Value>,
    /// ... and, for an indefinite path, all of them.
    results: Vec<Value>,
}

impl Run<'_> {
    /// `EvaluationContextImpl.addResult`.
    fn add(&mut self, v: Value) {
        if self.first.is_none() {
            self.first = Some(v);
        }
        if !self.path.is_definite() {
            self.results.push(v);
        }
    }
}

pub(crate) struct Evaluator<'h, 'a> {
    pub heap: &'h mut Heap<'a>,
    steps: u64,
}

fn is_map(v: Value) -> bool {
    matches!(v, Value::Map(_))
}

impl<'h, 'a> Evaluator<'h, 'a> {
    pub(crate) fn new(heap: &'h mut Heap<'a>) -> Self {
        Evaluator { heap, steps: 0 }
    }

    fn is_array(&self, v: Value) -> bool {
        matches!(v, Value::List(id) if matches!(self.heap.list(id).kind, ListKind::ArrayList | ListKind::JsonArray))
    }

    fn len(&self, v: Value) -> usize {
        match v {
            Value::List(id) => self.heap.list(id).items.len(),
            Value::Map(id) => self.heap.map(id).entries.len(),
            _ => 0,
        }
    }

    fn step(&mut self) -> EResult<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(runtime(
                "JSONPath evaluation took too many steps".to_string(),
            ));
        }
        Ok(())
    }

    fn describe(&self, v: Value) -> String {
        java_string(self.heap, v).unwrap_or_else(|_| "...".to_string())
    }

    /// `CompiledPath.evaluate(document, root).getValue()`: the single result of a
    /// definite path (`NotFound` if none), else a new JSON array of all results.
    pub(crate) fn evaluate(
        &mut self,
        path: &CompiledPath,
        doc: Value,
        root: Value,
        require: bool,
    ) -> EResult<Value> {
        let mut run = Run {
            path,
            root,
            require,
            first: None,
            results: Vec::new(),
        };
        self.token(&mut run, 0, doc)?;
        if path.is_definite() {
            run.first.ok_or(Fail::NotFound)
        } else {
            Ok(self.heap.new_list(ListKind::JsonArray, run.results))
        }
    }

    /// Token `t` evaluated on `model`.
    fn token(&mut self, run: &mut Run<'_>, t: usize, model: Value) -> EResult<()> {
        self.step()?;
        let path = run.path;
        let leaf = path.is_leaf(t);
        match &path.tokens[t] {
            Token::Root => {
                if leaf {
                    run.add(model);
                    Ok(())
                } else {
                    self.token(run, t + 1, model)
                }
            }
            Token::Property(props) => {
                let Value::Map(id) = model else {
                    return Err(Fail::NotFound);
                };
                if props.len() == 1 {
                    let value = self.heap.map_get_str(id, &props[0]);
                    self.property_value(run, t, value)
                } else {
                    if !leaf {
                        return Err(invalid(format!(
                            "Multi properties can only be used as path leafs: {}",
                            path.tail_string(t)
                        )));
                    }
                    let mut merged: Vec<(Value, Value)> = Vec::new();
                    for p in props {
                        match self.heap.map_find_str(id, p) {
                            Some(i) => {
                                let (k, v) = self.heap.map(id).entries[i];
                                match merged.iter_mut().find(|(mk, _)| *mk == k) {
                                    Some(e) => e.1 = v,
                                    None => merged.push((k, v)),
                                }
                            }
                            None if run.require => return Err(Fail::NotFound),
                            None => {}
                        }
                    }
                    let map = self.heap.alloc_map(MapKind::Plain, merged);
                    run.add(Value::Map(map));
                    Ok(())
                }
            }
            Token::Array(a) => {
                if model.is_null() {
                    return Err(Fail::NotFound);
                }
                if !self.is_array(model) {
                    return Err(invalid(format!(
                        "Filter: {} can only be applied to arrays. Current context is: {}",
                        path.tail_string(t),
                        self.describe(model)
                    )));
                }
                let Some(op) = a.op else {
                    return Err(runtime("java.lang.NullPointerException".to_string()));
                };
                let length = self.len(model) as i64;
                let c = |i: usize| {
                    a.criteria
                        .get(i)
                        .map(|n| i64::from(*n))
                        .ok_or(Fail::NotFound)
                };
                match op {
                    ArrayOp::SingleIndex => self.index(run, t, c(0)?, model),
                    ArrayOp::IndexSequence => {
                        for n in &a.criteria {
                            self.index(run, t, i64::from(*n), model)?;
                        }
                        Ok(())
                    }
                    ArrayOp::ContextSize => self.index(run, t, length + c(0)?, model),
                    ArrayOp::SliceFrom => {
                        let mut from = c(0)?;
                        if from < 0 {
                            from += length;
                        }
                        let from = from.max(0);
                        if length == 0 || from >= length {
                            return Ok(());
                        }
                        for j in from..length {
                            self.index(run, t, j, model)?;
                        }
                        Ok(())
                    }
                    ArrayOp::SliceTo => {
                        let mut to = c(0)?;
                        if to < 0 {
                            to += length;
                        }
                        let to = to.min(length);
                        if length == 0 {
                            return Ok(());
                        }
                        for j in 0..to {
                            self.index(run, t, j, model)?;
                        }
                        Ok(())
                    }
                    ArrayOp::SliceBetween => {
                        let from = c(0)?;
                        let to = c(1)?.min(length);
                        if from >= to || length == 0 {
                            return Ok(());
                        }
                        for j in from..to {
                            self.index(run, t, j, model)?;
                        }
                        Ok(())
                    }
                }
            }
            Token::Wildcard => {
                if let Value::Map(id) = model {
                    for i in 0..self.len(model) {
                        let Some(&(k, v)) = self.heap.map(id).entries.get(i) else {
                            break;
                        };
                        if !matches!(k, Value::Str(_)) {
                            return Err(runtime(
                                "java.lang.ClassCastException: a map key is not a String"
                                    .to_string(),
                            ));
                        }
                        self.property_value(run, t, Some(v))?;
                    }
                } else if self.is_array(model) {
                    let mut idx = 0;
                    while (idx as usize) < self.len(model) {
                        match self.index(run, t, idx, model) {
                            Err(Fail::NotFound) if !run.require => {}
                            other => other?,
                        }
                        idx += 1;
                    }
                }
                Ok(())
            }
            Token::Scan => {
                if leaf {
                    // Only `.` (read as `$..`) gets here.
                    return Err(runtime(
                        "java.lang.IllegalStateException: Current path token is a leaf".to_string(),
                    ));
                }
                self.walk(run, t + 1, model, 0)
            }
            Token::Predicate(filters) => {
                if is_map(model) {
                    if self.accept(run, filters, model)? {
                        if leaf {
                            run.add(model);
                        } else {
                            self.token(run, t + 1, model)?;
                        }
                    }
                    Ok(())
                } else if self.is_array(model) {
                    let Value::List(id) = model else {
                        return Ok(());
                    };
                    let mut idx = 0;
                    while let Some(&item) = self.heap.list(id).items.get(idx) {
                        if self.accept(run, filters, item)? {
                            self.index(run, t, idx as i64, model)?;
                        }
                        idx += 1;
                    }
                    Ok(())
                } else {
                    Err(invalid(format!(
                        "Filter: {} can not be applied to primitives. Current context is: {}",
                        path.tail_string(t),
                        self.describe(model)
                    )))
                }
            }
        }
    }

    /// `handleObjectProperty` for one property whose value is `value` (`None`: absent).
    fn property_value(&mut self, run: &mut Run<'_>, t: usize, value: Option<Value>) -> EResult<()> {
        let path = run.path;
        match value {
            None => {
                if path.is_leaf(t) || path.upstream_definite(t) || run.require {
                    Err(Fail::NotFound)
                } else {
                    Ok(())
                }
            }
            Some(v) => {
                if path.is_leaf(t) {
                    run.add(v);
                    Ok(())
                } else {
                    self.token(run, t + 1, v)
                }
            }
        }
    }

    /// `handleArrayIndex`: `list.get(idx)`, out of bounds being `NotFound`.
    fn index(&mut self, run: &mut Run<'_>, t: usize, idx: i64, model: Value) -> EResult<()> {
        let Value::List(id) = model else {
            return Err(Fail::NotFound);
        };
        let item = usize::try_from(idx)
            .ok()
            .and_then(|i| self.heap.list(id).items.get(i).copied())
            .ok_or(Fail::NotFound)?;
        if run.path.is_leaf(t) {
            run.add(item);
            Ok(())
        } else {
            self.token(run, t + 1, item)
        }
    }

    /// `ScanPathToken.walk`: the deep scan for token `pt`.
    fn walk(&mut self, run: &mut Run<'_>, pt: usize, model: Value, depth: u32) -> EResult<()> {
        if depth > MAX_SCAN_DEPTH {
            return Err(runtime(
                "java.lang.StackOverflowError: deep scan too deep".to_string(),
            ));
        }
        self.step()?;
        match model {
            Value::Map(id) => {
                if self.scan_matches(run, pt, model)? {
                    self.token(run, pt, model)?;
                }
                let mut i = 0;
                while let Some(&(k, v)) = self.heap.map(id).entries.get(i) {
                    if !matches!(k, Value::Str(_)) {
                        return Err(runtime(
                            "java.lang.ClassCastException: a map key is not a String".to_string(),
                        ));
                    }
                    self.walk(run, pt, v, depth + 1)?;
                    i += 1;
                }
                Ok(())
            }
            Value::List(id) if self.is_array(model) => {
                if self.scan_matches(run, pt, model)? {
                    if run.path.is_leaf(pt) {
                        self.token(run, pt, model)?;
                    } else {
                        // Jayway 2.0.0 applies the token after `pt` to every element.
                        let mut i = 0;
                        while let Some(&item) = self.heap.list(id).items.get(i) {
                            self.token(run, pt + 1, item)?;
                            i += 1;
                        }
                    }
                }
                let mut i = 0;
                while let Some(&item) = self.heap.list(id).items.get(i) {
                    self.walk(run, pt, item, depth + 1)?;
                    i += 1;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The scan predicate for the token after `..`.
    fn scan_matches(&mut self, run: &Run<'_>, pt: usize, model: Value) -> EResult<bool> {
        let Some(token) = run.path.tokens.get(pt) else {
            return Ok(false);
        };
        Ok(match token {
            Token::Property(props) => match model {
                Value::Map(id) => props
                    .iter()
                    .all(|p| self.heap.map_find_str(id, p).is_some()),
                _ => false,
            },
            Token::Array(_) => self.is_array(model),
            Token::Wildcard => true,
            Token::Predicate(filters) => self.accept(run, filters, model)?,
            Token::Root | Token::Scan => false,
        })
    }

    /// `PredicatePathToken.accept`: every filter holds for `item`.
    fn accept(&mut self, run: &Run<'_>, filters: &[Option<Filter>], item: Value) -> EResult<bool> {
        for f in filters {
            let Some(f) = f else {
                return Err(runtime(
                    "java.lang.NullPointerException: no predicate for [?]".to_string(),
                ));
            };
            if !self.apply(run.root, f, item)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn apply(&mut self, root: Value, f: &Filter, item: Value) -> EResult<bool> {
        self.step()?;
        match f {
            Filter::Criteria(c) => self.criteria(root, c, item),
            Filter::And(list) => {
                for p in list {
                    if !self.apply(root, p, item)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Filter::Or(left, right) => {
                Ok(self.apply(root, left, item)? || self.apply(root, right, item)?)
            }
        }
    }

    /// `Criteria.eval`.
    fn criteria(&mut self, root: Value, c: &Criteria, item: Value) -> EResult<bool> {
        match c {
            Criteria::Exists { path, exists } => {
                // Evaluated against the item even for a `$` path.
                match self.evaluate(path, item, root, true) {
                    Ok(v) => Ok(if *exists { !v.is_null() } else { v.is_null() }),
                    Err(Fail::NotFound) => Ok(!exists),
                    Err(e) => Err(e),
                }
            }
            Criteria::Compare { left, op, right } => {
                let l = match self.operand(root, left, item) {
                    Ok(v) => v,
                    Err(Fail::NotFound) => return Ok(false),
                    Err(e) => return Err(e),
                };
                let r = match self.operand(root, right, item) {
                    Ok(v) => v,
                    Err(Fail::NotFound) => return Ok(false),
                    Err(e) => return Err(e),
                };
                match self.compare_op(*op, r, l) {
                    Ok(b) => Ok(b),
                    Err(CompareFail::Incomparable) => Ok(false),
                    Err(CompareFail::Error(e)) => Err(e),
                }
            }
        }
    }

    fn operand<'o>(&mut self, root: Value, op: &'o Operand, item: Value) -> EResult<Obj<'o>> {
        Ok(match op {
            Operand::Path(p) => {
                let doc = if p.root_path { root } else { item };
                Obj::Val(self.evaluate(p, doc, root, false)?)
            }
            Operand::Text(s) => Obj::Text(s),
            Operand::Pattern(p) => Obj::Pattern(p),
        })
    }

    /// `CriteriaType.eval(expected, model)`: `expected` is the right operand.
    fn compare_op(
        &self,
        op: CompareOp,
        expected: Obj<'_>,
        model: Obj<'_>,
    ) -> Result<bool, CompareFail> {
        let ordered = |f: fn(i32) -> bool| -> Result<bool, CompareFail> {
            if expected.is_null() != model.is_null() {
                return Ok(false);
            }
            Ok(f(self.safe_compare(expected, model)?))
        };
        match op {
            CompareOp::Eq => Ok(self.safe_compare(expected, model)? == 0),
            CompareOp::Ne => Ok(self.safe_compare(expected, model)? != 0),
            CompareOp::Gt => ordered(|c| c < 0),
            CompareOp::Gte => ordered(|c| c <= 0),
            CompareOp::Lt => ordered(|c| c > 0),
            CompareOp::Lte => ordered(|c| c >= 0),
            CompareOp::Regex => {
                let (pattern, target) = match (model, expected) {
                    (Obj::Pattern(p), target) => (Some(p), target),
                    (target, Obj::Pattern(p)) => (Some(p), target),
                    (target, Obj::Val(Value::Null)) => (None, target),
                    _ => {
                        return Err(CompareFail::Error(runtime(
                            "java.lang.ClassCastException: the right side of =~ is not a regular expression"
                                .to_string(),
                        )));
                    }
                };
                if target.is_null() {
                    return Ok(false);
                }
                let Some(pattern) = pattern else {
                    return Err(CompareFail::Error(runtime(
                        "java.lang.NullPointerException".to_string(),
                    )));
                };
                let text = self.to_java_string(target).map_err(CompareFail::Error)?;
                pattern.matches(&text).map_err(|e| {
                    CompareFail::Error(runtime(format!("regular expression failed: {e}")))
                })
            }
        }
    }

    fn to_java_string(&self, o: Obj<'_>) -> Result<String, Fail> {
        match o {
            Obj::Val(v) => java_string(self.heap, v)
                .map_err(|_| runtime("java.lang.StackOverflowError".to_string())),
            Obj::Text(s) => Ok(s.to_string()),
            Obj::Pattern(p) => Ok(p.source().to_string()),
        }
    }

    fn as_string<'s>(&'s self, o: &Obj<'s>) -> Option<&'s str> {
        match o {
            Obj::Val(Value::Str(s)) => Some(self.heap.str(*s)),
            Obj::Text(s) => Some(s),
            _ => None,
        }
    }

    /// `Criteria.safeCompare(left, right)`.
    fn safe_compare(&self, left: Obj<'_>, right: Obj<'_>) -> Result<i32, CompareFail> {
        // `left == right`: the same object (the same list or map, or both null).
        if let (Obj::Val(a), Obj::Val(b)) = (left, right) {
            match (a, b) {
                (Value::Null, Value::Null) => return Ok(0),
                (Value::List(x), Value::List(y)) if x == y => return Ok(0),
                (Value::Map(x), Value::Map(y)) if x == y => return Ok(0),
                _ => {}
            }
        }
        let nullish = |o: &Obj<'_>| o.is_null() || self.as_string(o) == Some("null");
        match (nullish(&left), nullish(&right)) {
            (true, false) => return Ok(-1),
            (false, true) => return Ok(1),
            (true, true) => return Ok(0),
            (false, false) => {}
        }
        let number = |o: &Obj<'_>| matches!(o, Obj::Val(v) if v.is_number());
        if let (Some(a), Some(b)) = (self.as_string(&left), self.as_string(&right)) {
            let a = if a.contains('\'') {
                std::borrow::Cow::Owned(a.replace("\\'", "'"))
            } else {
                std::borrow::Cow::Borrowed(a)
            };
            return Ok(compare_utf16(&a, b));
        }
        if (number(&left) || self.as_string(&left).is_some()) && number(&right) {
            let a = self.to_java_string(left).map_err(CompareFail::Error)?;
            let b = self.to_java_string(right).map_err(CompareFail::Error)?;
            let (Some(da), Some(db)) = (bigdec::parse(&a), bigdec::parse(&b)) else {
                return Err(CompareFail::Error(runtime(format!(
                    "java.lang.NumberFormatException: {a} or {b} is not a number"
                ))));
            };
            return Ok(match da.compare(&db) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            });
        }
        if let (Some(a), Obj::Val(Value::Bool(b))) = (self.as_string(&left), right) {
            return Ok(bool_compare(a.eq_ignore_ascii_case("true"), b));
        }
        if let (Obj::Val(Value::Bool(a)), Obj::Val(Value::Bool(b))) = (left, right) {
            return Ok(bool_compare(a, b));
        }
        Err(CompareFail::Incomparable)
    }
}

fn bool_compare(a: bool, b: bool) -> i32 {
    i32::from(a) - i32::from(b)
}

/// `String.compareTo`: lexicographic over UTF-16 code units (sign only).
fn compare_utf16(a: &str, b: &str) -> i32 {
    match a.encode_utf16().cmp(b.encode_utf16()) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// A Java object met while evaluating a filter.
#[derive(Clone, Copy)]
enum Obj<'o> {
    Val(Value),
    /// A `String` written in the filter.
    Text(&'o str),
    Pattern(&'o JavaPattern),
}

impl Obj<'_> {
    fn is_null(&self) -> bool {
        matches!(self, Obj::Val(Value::Null))
    }
}

enum CompareFail {
    /// `ValueCompareException`: the filter is false for this item.
    Incomparable,
    Error(Fail),
}

impl From<Fail> for CompareFail {
    fn from(f: Fail) -> Self {
        CompareFail::Error(f)
    }
}

impl CompiledPath {
    /// The value of a path made of `$` and single property names (`$.a.b`,
    /// `$['a']`) read directly, or `None` for any other path. It is what
    /// [`Evaluator::evaluate`] gives for such a path: it is definite, so a
    /// missing property, or a value on the way that is not an object, ends in
    /// `NotFound`, which reads as null. (W1's two paths went from about 600
    /// instructions each through the general evaluator to about 150.)
    pub(crate) fn simple_read(&self, heap: &Heap<'_>, doc: Value) -> Option<Value> {
        let mut v = doc;
        for key in self.simple_keys()? {
            let Value::Map(id) = v else {
                return Some(Value::Null);
            };
            match heap.map_get_str(id, key) {
                Some(x) => v = x,
                None => return Some(Value::Null),
            }
        }
        Some(v)
    }

    /// The property names of a path of single properties from the root
    /// (`$.a.b`, `$['a']`), or `None` for any other path.
    pub(crate) fn simple_keys(&self) -> Option<impl Iterator<Item = &str>> {
        let (Token::Root, rest) = self.tokens.split_first()? else {
            return None;
        };
        if !self.root_path
            || !rest
                .iter()
                .all(|t| matches!(t, Token::Property(p) if p.len() == 1))
        {
            return None;
        }
        Some(rest.iter().filter_map(|t| match t {
            Token::Property(p) => p.first().map(String::as_str),
            _ => None,
        }))
    }
}
