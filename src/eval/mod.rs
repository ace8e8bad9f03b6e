//! The evaluator: walks the syntax tree, as Velocity 1.7's nodes render
//! themselves, with API Gateway's rule that a null reference reads as "".
//!
//! Variables live in a global table; a macro call pushes a [`Frame`] (on the
//! Rust stack) holding its constant arguments and its by-name arguments, as
//! Velocity's `ProxyVMContext` does. `#break` and `#stop` travel up as a
//! [`Flow`].

mod input;
mod ops;

use crate::api::{Invocation, Limits, Rendered, RequestOverride};
use crate::compiler::ast::*;
use crate::compiler::parser::{self, Shared};
use crate::compiler::{Compiled, sym};
use crate::error::{Error, ErrorKind, Result, Span};
use crate::java::regex::RegexCache;
use crate::value::print::write_java_string;
use crate::value::{Heap, HeapBuffers, Host, ListKind, MapKind, Str, StrBase, Value};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

/// How rendering a node ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    Normal,
    /// `#break`: ends the nearest loop, macro call, `#evaluate` or block.
    BreakNearest,
    /// `#break($foreach...)`: ends the loop whose id is `Ctx::break_target`.
    /// (The id is not carried here: with it, `Flow` was 8 bytes that a
    /// caller read as one word after the callee had written only its
    /// 4-byte tag, a load the CPU cannot forward from the store: a stall
    /// after every block rendered.)
    BreakLoop,
    /// `#stop`: ends the template (or the `#evaluate` being rendered).
    Stop,
}

/// A macro call's variables (Velocity's `ProxyVMContext`).
pub(crate) struct Frame<'f> {
    parent: Option<&'f Frame<'f>>,
    /// Arguments evaluated once, and variables `#set` inside the macro.
    locals: RefCell<Vec<(Sym, Value)>>,
    /// Arguments passed by name: re-evaluated, in the caller's environment
    /// (the parent frame), each time the macro reads them.
    proxies: Vec<Proxy<'f>>,
    depth: usize,
}

/// A by-name macro argument.
pub(crate) struct Proxy<'f> {
    sym: Sym,
    expr: &'f Expr,
    /// The source of the caller's template.
    src: u16,
    /// `#foreach` over the parameter's name removes it (`ProxyVMContext.remove`).
    removed: Cell<bool>,
    /// The argument's text (`.literal.$name` in Velocity's context), which an
    /// escaped `\$name` in the body writes.
    literal: &'f str,
}

/// Where an expression is evaluated: the macro frame (if any) and the source
/// its ranges refer to.
#[derive(Clone, Copy)]
pub(crate) struct Env<'f> {
    frame: Option<&'f Frame<'f>>,
    src: u16,
}

/// The clock of [`Limits::time`] (see [`Ctx::check_time`]).
#[derive(Clone, Copy)]
struct Clock {
    /// When the render passed its first few hundred steps.
    start: std::time::Instant,
    /// When the clock was last read.
    read: std::time::Instant,
    /// Limit checks left to pass before the clock is read again.
    skip: u32,
}

/// A registered macro.
struct MacroDef {
    params: Vec<Sym>,
    body: Arc<Block>,
    src: u16,
}

/// A `#foreach` loop's `$foreach` object.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoopScope {
    index: i32,
    has_next: bool,
    parent: Option<u32>,
    /// What `$foreach` held before, when it was not a loop scope (null
    /// when it was; a plain `Value`: an `Option` of one was copied byte by
    /// byte at each loop).
    replaced: Value,
}

/// A block of template held by a value (`#define`, `$bodyContent`).
struct BlockRef {
    body: Arc<Block>,
    src: u16,
    /// Renders in progress (Velocity stops a `#define` recursing past 2).
    depth: u32,
}

/// Evaluated `#evaluate` templates (kept for the whole render).
struct Dynamic {
    ast: Ast,
}

pub(crate) struct Ctx<'a> {
    pub(crate) c: &'a Compiled,
    inv: &'a Invocation,
    limits: &'a Limits,
    pub(crate) heap: Heap<'a>,
    /// Global variables, by symbol.
    vars: Vec<Option<Value>>,
    /// What few renders use, made at the first use (see [`Rare`]).
    rare: Option<Box<Rare>>,
    loops: Vec<LoopScope>,
    /// Loop variables currently bound to a null element (Velocity's `NullHolderContext`).
    null_held: Vec<Sym>,
    pub(crate) regexes: RegexCache,
    /// A reusable buffer for copying a string out of the heap.
    pub(crate) scratch: String,
    /// With [`render_traced`]: where each piece of the top-level output came from.
    trace: Option<Vec<TraceEntry>>,
    /// The top-level output buffer (trace entries are recorded for it only).
    top: *const String,
    pub(crate) input: input::InputState,
    /// The step count at which the limits are checked next...
    next_check: u64,
    /// ...and how many steps are left until then (always at least 1 between
    /// steps): the steps taken so far are `next_check - steps_left`. A
    /// countdown, so that a step is one decrement and one test.
    steps_left: u64,
    /// Bytes of override keys and values copied into the result so far.
    override_bytes: usize,
    /// When the render passed its first few hundred steps (the clock for
    /// [`Limits::time`] starts there: short renders never read it).
    clock: Option<Clock>,
    depth: usize,
    macro_depth: usize,
    /// `limits.output_bytes`, at hand for the check after every node.
    output_bytes: usize,
    context_map: Value,
    /// How many entries `$context` had when built (the override maps are the last two).
    context_len: usize,
    /// The emptied buffers' holder, kept to hand them back at the end.
    spare: Option<Box<Spare>>,
    /// The loop a [`Flow::BreakLoop`] on its way up ends.
    break_target: u32,
}

/// The parts of a render that few templates use: names from `#evaluate`,
/// macros, `#define`d blocks and evaluated templates. Apart, behind one
/// pointer made at the first use (and kept, emptied, for the thread's next
/// render), so that a render without them neither makes nor drops them.
#[derive(Default)]
struct Rare {
    /// Names beyond the compiled template's (from `#evaluate`).
    extra_names: Vec<Box<str>>,
    extra_index: HashMap<Box<str>, Sym>,
    macros: HashMap<Sym, Arc<MacroDef>>,
    blocks: Vec<BlockRef>,
    dynamics: Vec<Arc<Dynamic>>,
    /// `$input.path` expressions made while rendering, compiled, by text.
    paths: HashMap<String, crate::jsonpath::JsonPath>,
}

impl Rare {
    /// Most elements of each kind kept for the next render.
    const KEEP: usize = 256;

    /// Emptied for the next render; `None` when it grew too large to keep.
    fn recycled(mut self: Box<Rare>) -> Option<Box<Rare>> {
        if self.extra_names.capacity() > Rare::KEEP
            || self.extra_index.capacity() > Rare::KEEP
            || self.macros.capacity() > Rare::KEEP
            || self.blocks.capacity() > Rare::KEEP
            || self.dynamics.capacity() > Rare::KEEP
            || self.paths.capacity() > Rare::KEEP
        {
            return None;
        }
        self.extra_names.clear();
        self.extra_index.clear();
        self.macros.clear();
        self.blocks.clear();
        self.dynamics.clear();
        self.paths.clear();
        Some(self)
    }

    /// The one the thread's last render left, or a new one.
    fn spare() -> Box<Rare> {
        SPARE_RARE
            .try_with(|s| s.take())
            .ok()
            .flatten()
            .unwrap_or_default()
    }
}

/// What a finished render leaves for the next one on the same thread (boxed:
/// taken and put back as a pointer, where moving the whole struct in and out
/// of the thread-local slot was two `memcpy` calls per render).
#[derive(Default)]
struct Spare {
    heap: HeapBuffers,
    vars: Vec<Option<Value>>,
    /// The body's index (W1: a `malloc` and a `free` fewer per render).
    lookup: crate::json::BodyLookup,
    /// The loop scopes' vector, emptied (W2: its three allocations, 32,
    /// 64 and 128 scopes, made once per thread).
    loops: Vec<LoopScope>,
}

impl Spare {
    /// Most loop scopes kept room for (32 bytes each).
    const KEEP_LOOPS: usize = 1024;
}

thread_local! {
    static SPARE: std::cell::Cell<Option<Box<Spare>>> = const { std::cell::Cell::new(None) };
    /// The last render's [`Rare`], emptied (apart from [`Spare`]: renders
    /// without one do not touch it).
    static SPARE_RARE: std::cell::Cell<Option<Box<Rare>>> = const { std::cell::Cell::new(None) };
}

impl Drop for Ctx<'_> {
    // (Inlined into the drop glue, which then knows the fields this empties.)
    #[inline(always)]
    fn drop(&mut self) {
        let Some(mut spare) = self.spare.take() else {
            return;
        };
        self.heap.return_buffers(&mut spare.heap);
        spare.vars = std::mem::take(&mut self.vars);
        spare.vars.clear();
        // (`spare.loops` is empty, taken by `Ctx::new`; a render without
        // loops leaves it so.)
        if self.loops.capacity() != 0 && self.loops.capacity() <= Spare::KEEP_LOOPS {
            self.loops.clear();
            std::mem::swap(&mut spare.loops, &mut self.loops);
        }
        if let Some(rare) = self.rare.take()
            && let Some(rare) = rare.recycled()
        {
            let _ = SPARE_RARE.try_with(|s| s.set(Some(rare)));
        }
        self.input.recycle(&mut spare.lookup);
        // A thread being torn down has no slot any more; the buffers are just freed.
        let _ = SPARE.try_with(|s| s.set(Some(spare)));
    }
}

/// Renders a parsed template against one invocation.
pub fn render(c: &Compiled, inv: &Invocation, limits: &Limits) -> Result<Rendered> {
    let mut extra = None;
    let (body, status) = render_with(c, inv, limits, None, None, &mut extra)?;
    if let Some(x) = extra {
        return with_overrides(body, status, x);
    }
    Ok(without_overrides(body, status))
}

/// [`render`], with the output size of an earlier render of the template
/// (`hint`, updated after a successful render) as the output buffer's
/// starting capacity.
pub fn render_hinted(
    c: &Compiled,
    inv: &Invocation,
    limits: &Limits,
    hint: &std::sync::atomic::AtomicUsize,
) -> Result<Rendered> {
    let mut extra = None;
    let (body, status) = render_with(c, inv, limits, None, Some(hint), &mut extra)?;
    // (Two returns: with one `Rendered` made by a `match`, the two were
    // merged into one made on the stack and then copied.)
    if let Some(x) = extra {
        return with_overrides(body, status, x);
    }
    Ok(without_overrides(body, status))
}

/// The header and request overrides, when a template set any (most set
/// none: their maps are made only then).
#[derive(Default)]
struct Overrides {
    headers: indexmap::IndexMap<String, String>,
    request: RequestOverride,
}

/// The result of a render without header or request overrides: made only
/// at the end, from its parts, so that it is written straight into the
/// caller's result (a `Rendered` is a few hundred bytes: filled in place and
/// then returned, it was copied by a `memcpy` call; W1: 64 instructions).
#[inline(always)]
fn without_overrides(body: String, status: Option<i32>) -> Rendered {
    Rendered {
        body,
        status,
        headers: Default::default(),
        request_override: Default::default(),
    }
}

/// The result of a render with overrides (returning the `Result` itself:
/// written into the caller's).
#[inline(never)]
fn with_overrides(body: String, status: Option<i32>, x: Overrides) -> Result<Rendered> {
    Ok(Rendered {
        body,
        status,
        headers: x.headers,
        request_override: x.request,
    })
}

/// Which template text produced which output bytes (see [`render_traced`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    entries: Vec<TraceEntry>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TraceEntry {
    /// Output offset where the piece starts.
    at: u32,
    /// The template text (text or reference) that wrote it.
    range: Range,
}

impl Trace {
    /// The byte range of the template (its source 0) that wrote output byte
    /// `offset`, when known.
    pub fn source_range(&self, offset: usize) -> Option<(usize, usize)> {
        let i = self.entries.partition_point(|e| e.at as usize <= offset);
        let e = self.entries.get(i.checked_sub(1)?)?;
        Some((e.range.start as usize, e.range.end as usize))
    }
}

/// Renders, recording which template text wrote each part of the output
/// (text and references of the template itself; output written by macros
/// and `#evaluate` is attributed to the call).
pub fn render_traced(c: &Compiled, inv: &Invocation, limits: &Limits) -> Result<(Rendered, Trace)> {
    let mut extra = None;
    let mut entries = Vec::new();
    let (body, status) = render_with(c, inv, limits, Some(&mut entries), None, &mut extra)?;
    let rendered = match extra {
        Some(x) => with_overrides(body, status, x)?,
        None => without_overrides(body, status),
    };
    Ok((rendered, Trace { entries }))
}

fn render_with(
    c: &Compiled,
    inv: &Invocation,
    limits: &Limits,
    trace: Option<&mut Vec<TraceEntry>>,
    hint: Option<&std::sync::atomic::AtomicUsize>,
    extra: &mut Option<Overrides>,
) -> Result<(String, Option<i32>)> {
    use std::sync::atomic::Ordering::Relaxed;
    let mut ctx = Ctx::new(c, inv, limits);
    ctx.init();
    // (Skipped when the parser made no `#macro`: the walk cost W2 about 850
    // instructions per render.)
    if c.defines_macros {
        ctx.register_macros(&c.ast.root, 0);
    }
    // The last render's output size (W2's buffer grew twice per render,
    // copying 12 KB then 24 KB), never more than the output limit.
    let last = hint.map_or(0, |h| h.load(Relaxed));
    let last = last.saturating_add(last / 8).min(limits.output_bytes);
    let mut out = String::with_capacity((c.sources[0].len() + inv.body.len() / 2).max(last));
    let traced = trace.is_some();
    if traced {
        ctx.trace = Some(Vec::new());
        ctx.top = &out;
    }
    let env = Env {
        frame: None,
        src: c.ast.source_id,
    };
    ctx.render_block(&c.ast.root, env, &mut out)?;
    if let Some(h) = hint {
        h.store(out.len(), Relaxed);
    }
    let status = ctx.finish(extra)?;
    if let Some(t) = trace {
        *t = ctx.trace.take().unwrap_or_default();
    }
    Ok((out, status))
}

/// Whether a template defines a macro anywhere, by a walk of its tree (the
/// parser counts them as it makes them: [`Compiled::defines_macros`]; the
/// tests check that both agree).
#[cfg(test)]
pub(crate) fn defines_macros(c: &Compiled) -> bool {
    let mut found = false;
    each_macro(&c.ast.root, c.ast.source_id, &mut |_, _| found = true);
    found
}

/// Calls `f` on every `#macro` in a tree and the source it is in, in
/// document order (those in a macro's body before the macro).
fn each_macro(block: &Block, src: u16, f: &mut impl FnMut(&MacroNode, u16)) {
    for node in block {
        each_macro_node(node, src, f);
    }
}

fn each_macro_node(node: &Node, src: u16, f: &mut impl FnMut(&MacroNode, u16)) {
    match node {
        Node::Macro(m) => {
            each_macro(&m.body, src, f);
            f(m, src);
        }
        Node::If(n) => {
            for (c, b) in &n.branches {
                each_macro_expr(c, f);
                each_macro(b, src, f);
            }
            if let Some(b) = &n.otherwise {
                each_macro(b, src, f);
            }
        }
        Node::Foreach(n) => {
            each_macro_expr(&n.iterable, f);
            each_macro(&n.body, src, f);
        }
        Node::MacroCall(n) => {
            for a in &n.args {
                each_macro_expr(a, f);
            }
            if let Some(b) = &n.body {
                each_macro(b, src, f);
            }
        }
        Node::Define(n) => each_macro(&n.body, src, f),
        Node::Set(n) => each_macro_expr(&n.rhs, f),
        _ => {}
    }
}

fn each_macro_expr(e: &Expr, f: &mut impl FnMut(&MacroNode, u16)) {
    if let Expr::Str(s) = e
        && let Some(i) = &s.interpolated
    {
        each_macro(&i.ast.root, i.source_id, f);
    }
}

impl<'a> Ctx<'a> {
    fn new(c: &'a Compiled, inv: &'a Invocation, limits: &'a Limits) -> Ctx<'a> {
        let body: &'a str = if inv.body.is_empty() { "{}" } else { &inv.body };
        let mut spare = SPARE.with(|s| s.take()).unwrap_or_default();
        let mut vars = std::mem::take(&mut spare.vars);
        vars.resize(c.names.len(), None);
        let source0: &'a str = &c.sources[0];
        // Built in place: the heap inside the literal, the globals by
        // `init` on the caller's variable (a `Ctx` is large; each move of it
        // was a memcpy call). The heap is the literal's last field: made
        // before a field that can unwind (there was a `HashMap`, whose
        // `RandomState` can), it was made aside, for the unwinding to drop,
        // and copied in by a `memcpy` call (W1: 64 instructions).
        Ctx {
            c,
            inv,
            limits,
            vars,
            rare: None,
            loops: std::mem::take(&mut spare.loops),
            null_held: Vec::new(),
            regexes: RegexCache::new(),
            scratch: String::new(),
            trace: None,
            top: std::ptr::null(),
            input: input::InputState::reusing(&mut spare.lookup),
            // The first step checks the limits.
            next_check: 1,
            steps_left: 1,
            override_bytes: 0,
            clock: None,
            depth: 0,
            macro_depth: 0,
            output_bytes: limits.output_bytes,
            context_map: Value::Null,
            context_len: 0,
            break_target: 0,
            heap: Heap::with_buffers(body, source0, &mut spare.heap),
            spare: Some(spare),
        }
    }

    /// The template's other sources and the global variables (`$input`,
    /// `$util`, `$context`, `$stageVariables`).
    fn init(&mut self) {
        let c: &'a Compiled = self.c;
        for s in &c.sources[1..] {
            self.heap.add_source(Cow::Borrowed(&s[..]));
        }
        let ctx = self;
        let inv = ctx.inv;
        let context = ctx.build_context();
        ctx.context_map = context;
        if let Value::Map(m) = context {
            ctx.context_len = ctx.heap.map(m).entries.len();
        }
        let stage = if inv.stage_variables.is_empty() {
            ctx.heap.alloc_empty_map(MapKind::Plain)
        } else {
            ctx.heap.alloc_map(MapKind::Plain, Vec::new())
        };
        for (k, v) in &inv.stage_variables {
            let k = ctx.heap.string(k);
            let v = ctx.heap.string(v);
            ctx.heap.map_mut(stage).entries.push((k, v));
        }
        // The four globals' symbols follow each other (one bounds check).
        const _: () = assert!(
            sym::UTIL == sym::INPUT + 1
                && sym::CONTEXT == sym::INPUT + 2
                && sym::STAGE_VARIABLES == sym::INPUT + 3
        );
        let first = sym::INPUT as usize;
        if ctx.vars.len() < first + 4 {
            ctx.vars.resize(first + 4, None);
        }
        ctx.vars[first..first + 4].copy_from_slice(&[
            Some(Value::Host(Host::Input)),
            Some(Value::Host(Host::Util)),
            Some(context),
            Some(Value::Map(stage)),
        ]);
    }

    /// `$context`: the invocation's values (maps print as ""), plus empty
    /// `responseOverride` and `requestOverride` maps.
    fn build_context(&mut self) -> Value {
        let root = self.heap.alloc_map(MapKind::Context, Vec::new());
        if let serde_json::Value::Object(obj) = &self.inv.context {
            for (k, v) in obj {
                if k == "responseOverride" || k == "requestOverride" {
                    continue;
                }
                let key = self.heap.string(k);
                // (A string, the usual value, without the call.)
                let val = match v {
                    serde_json::Value::String(s) => self.heap.string(s),
                    v => self.context_value(v, 0),
                };
                self.heap.map_mut(root).entries.push((key, val));
            }
        }
        // The override maps' keys: one string in the arena, sliced.
        let keys = self
            .heap
            .alloc_str("headerpathquerystringresponseOverriderequestOverride");
        let key = |a: usize, b: usize| Value::Str(keys.slice(a, b));
        // The four empty ones (`responseOverride.header`, and
        // `requestOverride`'s `path`, `header` and `querystring`) made at once,
        // then the two that hold them.
        let empty = self.heap.alloc_empty_maps(MapKind::Override, 4);
        let map = |i: u32| Value::Map(crate::value::MapId(empty.0 + i));
        let mut entries = self.heap.pair_vec();
        entries.push((key(0, 6), map(0)));
        let response = self.heap.alloc_map(MapKind::Override, entries);
        let mut parts = self.heap.pair_vec();
        parts.extend_from_slice(&[
            (key(6, 10), map(1)),
            (key(0, 6), map(2)),
            (key(10, 21), map(3)),
        ]);
        let request = self.heap.alloc_map(MapKind::Override, parts);
        self.heap.map_mut(root).entries.extend_from_slice(&[
            (key(21, 37), Value::Map(response)),
            (key(37, 52), Value::Map(request)),
        ]);
        Value::Map(root)
    }

    fn context_value(&mut self, v: &serde_json::Value, depth: u32) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    match i32::try_from(i) {
                        Ok(i) => Value::Int(i),
                        Err(_) => Value::Long(i),
                    }
                } else if let Some(f) = n.as_f64() {
                    Value::Double(f)
                } else {
                    self.heap.string(&n.to_string())
                }
            }
            serde_json::Value::String(s) => self.heap.string(s),
            serde_json::Value::Array(items) => {
                let items = if depth > 64 {
                    Vec::new()
                } else {
                    items
                        .iter()
                        .map(|i| self.context_value(i, depth + 1))
                        .collect()
                };
                self.heap.new_list(ListKind::ArrayList, items)
            }
            serde_json::Value::Object(obj) => {
                let m = self.heap.alloc_map(MapKind::Context, Vec::new());
                if depth <= 64 {
                    for (k, v) in obj {
                        let key = self.heap.string(k);
                        let val = self.context_value(v, depth + 1);
                        self.heap.map_mut(m).entries.push((key, val));
                    }
                }
                Value::Map(m)
            }
        }
    }

    // ------------------------------------------------------------------ names

    /// The symbol of a name (interning names the template does not have).
    pub(crate) fn sym(&mut self, name: &str) -> Sym {
        if let Some(&i) = self.c.index.get(name) {
            return i;
        }
        if let Some(r) = &self.rare
            && let Some(&s) = r.extra_index.get(name)
        {
            return s;
        }
        let known = self.c.names.len();
        let r = self.rare();
        let s = (known + r.extra_names.len()) as Sym;
        r.extra_names.push(name.into());
        r.extra_index.insert(name.into(), s);
        s
    }

    /// The names beyond the compiled template's.
    fn extra_names(&self) -> &[Box<str>] {
        self.rare.as_ref().map_or(&[], |r| &r.extra_names)
    }

    /// The [`Rare`] parts, made (or taken from the last render) at the first use.
    fn rare(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Rare::spare)
    }

    /// A name, without borrowing the context (names of the template itself
    /// are borrowed from it; names from `#evaluate` are copied).
    pub(crate) fn name_cow(&self, sym: Sym) -> Cow<'a, str> {
        let c: &'a Compiled = self.c;
        match c.names.get(sym as usize) {
            Some(n) => Cow::Borrowed(n),
            None => Cow::Owned(self.name(sym).to_string()),
        }
    }

    pub(crate) fn name(&self, sym: Sym) -> &str {
        let n = self.c.names.len();
        if (sym as usize) < n {
            &self.c.names[sym as usize]
        } else {
            &self.extra_names()[sym as usize - n]
        }
    }

    // ------------------------------------------------------------------ limits

    #[inline]
    fn step(&mut self) -> Result<()> {
        self.steps_left -= 1;
        if self.steps_left == 0 {
            return self.step_checks();
        }
        Ok(())
    }

    /// The limit checks [`Ctx::step`] makes every few hundred steps.
    #[cold]
    fn step_checks(&mut self) -> Result<()> {
        // The countdown reached 0: this is step `next_check`.
        let steps = self.next_check;
        let next = (steps + 256).min(self.limits.steps.saturating_add(1));
        // Past the step limit the limits are checked at every step (this one
        // fails below).
        self.next_check = next.max(steps + 1);
        self.steps_left = self.next_check - steps;
        self.check_work()?;
        self.heap.reset_work();
        if let Some(limit) = self.limits.time
            && steps > 1
        {
            self.check_time(limit)?;
        }
        if steps > self.limits.steps {
            return Err(Error::limit(format!(
                "the template took more than {} evaluation steps",
                self.limits.steps
            )));
        }
        if self.heap.arena_len() > self.limits.memory_bytes {
            return Err(Error::limit(format!(
                "the template made more than {} bytes of strings",
                self.limits.memory_bytes
            )));
        }
        self.check_memory()
    }

    /// The time limit, at a limit check. The clock starts at the first check
    /// after the first step, and is read at the next check (256 steps
    /// later). When the steps since its last reading took less than 1/256
    /// of the limit, it is read again 16 checks (4,096 steps) later rather
    /// than at the next check: a render whose steps are all slow is still
    /// timed every 256 steps, and one whose steps turn slow overruns the
    /// limit by at most 4,096 of them. (Read every 256 steps, the clock was
    /// 22 readings and 1% of W2's time.)
    fn check_time(&mut self, limit: std::time::Duration) -> Result<()> {
        let Some(clock) = &mut self.clock else {
            let now = std::time::Instant::now();
            self.clock = Some(Clock {
                start: now,
                read: now,
                skip: 0,
            });
            return Ok(());
        };
        if clock.skip > 0 {
            clock.skip -= 1;
            return Ok(());
        }
        let now = std::time::Instant::now();
        if now.duration_since(clock.start) > limit {
            return Err(Error::limit(format!(
                "the template ran for more than {} s",
                limit.as_secs_f64()
            )));
        }
        clock.skip = if now.duration_since(clock.read) < limit / 256 {
            15
        } else {
            0
        };
        clock.read = now;
        Ok(())
    }

    /// A walk over values (printing, hashing, comparing) that ran out of its
    /// budget stopped early with a wrong result: the render fails instead.
    pub(crate) fn check_work(&self) -> Result<()> {
        if self.heap.overflowed() {
            return Err(Error::eval(
                "java.lang.StackOverflowError: a collection that contains itself was hashed or compared",
            ));
        }
        if self.heap.work_exhausted() {
            return Err(Error::limit(format!(
                "a value is too large to print, hash or compare (more than {} elements, counting shared ones each time, or more than {} MB of text)",
                crate::value::WORK_BUDGET,
                crate::value::MAX_PRINT_BYTES >> 20
            )));
        }
        Ok(())
    }

    /// Strings can double at every step: check the arena after making one.
    pub(crate) fn check_strings(&self) -> Result<()> {
        if self.heap.arena_len() > self.limits.memory_bytes {
            return Err(Error::limit(format!(
                "the template made more than {} bytes of strings",
                self.limits.memory_bytes
            )));
        }
        Ok(())
    }

    fn check_memory(&self) -> Result<()> {
        self.check_memory_with(0)
    }

    /// The memory limit, with `extra` bytes about to be made.
    fn check_memory_with(&self, extra: usize) -> Result<()> {
        if self.heap.approx_size().saturating_add(extra) > self.limits.memory_bytes {
            return Err(Error::limit(format!(
                "the template used more than {} bytes of memory",
                self.limits.memory_bytes
            )));
        }
        Ok(())
    }

    fn check_output(&self, out: &str) -> Result<()> {
        if out.len() > self.output_bytes {
            return Err(Error::limit(format!(
                "the output is larger than {} bytes",
                self.limits.output_bytes
            )));
        }
        Ok(())
    }

    #[inline]
    fn enter(&mut self, range: Range, env: Env) -> Result<()> {
        self.depth += 1;
        if self.depth > self.limits.depth {
            return Err(self.too_deep(range, env));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self, range: Range, env: Env) -> Error {
        Error::limit(format!(
            "rendering nests deeper than {} levels",
            self.limits.depth
        ))
        .with_span(self.span(range, env))
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The span of a range, when it is in the template itself.
    fn span(&self, range: Range, env: Env) -> Span {
        if env.src == 0 {
            Span::of(self.c.source(), range.start as usize, range.end as usize)
        } else {
            Span::default()
        }
    }

    fn at(&self, e: Error, range: Range, env: Env) -> Error {
        if env.src == 0 {
            e.with_span(self.span(range, env))
        } else {
            e
        }
    }

    // ------------------------------------------------------------------ macros

    /// Registers every `#macro` in a tree, in document order (Velocity does
    /// it when initialising the template, before rendering).
    fn register_macros(&mut self, block: &Block, src: u16) {
        let macros = &mut self.rare().macros;
        each_macro(block, src, &mut |m, src| {
            macros.insert(
                m.name,
                Arc::new(MacroDef {
                    params: m.params.clone(),
                    body: m.body.clone(),
                    src,
                }),
            );
        });
    }

    // ------------------------------------------------------------------ variables

    fn put_global(&mut self, sym: Sym, v: Value) {
        let i = sym as usize;
        if i >= self.vars.len() {
            self.vars.resize(i + 1, None);
        }
        self.vars[i] = Some(v);
    }

    /// `context.get(name)`: `None` when the name is not defined anywhere.
    fn lookup(&mut self, sym: Sym, env: Env) -> Result<Option<Value>> {
        if self.null_held.last() == Some(&sym) || self.null_held.contains(&sym) {
            return Ok(Some(Value::Null));
        }
        let mut frame = env.frame;
        while let Some(f) = frame {
            if let Some((_, v)) = f.locals.borrow().iter().rev().find(|(s, _)| *s == sym)
                && !v.is_null()
            {
                return Ok(Some(*v));
            }
            let proxy = f
                .proxies
                .iter()
                .find(|p| p.sym == sym && !p.removed.get())
                .map(|p| {
                    (
                        p.expr,
                        Env {
                            frame: f.parent,
                            src: p.src,
                        },
                    )
                });
            if let Some((expr, caller)) = proxy {
                // A by-name argument, evaluated where the macro was called.
                let v = match expr {
                    Expr::Ref(r) if r.chain.is_empty() => {
                        if r.kind == RefKind::Runt || !r.computable {
                            None
                        } else {
                            self.lookup(r.root, caller)?
                        }
                    }
                    e => Some(self.eval(e, caller)?),
                };
                return Ok(v);
            }
            frame = f.parent;
        }
        Ok(self.vars.get(sym as usize).copied().flatten())
    }

    /// A variable's value as a reference reads it: undefined names read as "".
    #[inline]
    fn get_var(&mut self, sym: Sym, env: Env) -> Result<Value> {
        // Fast path (inlined): no macro frame and no null-held loop variable.
        if env.frame.is_none()
            && self.null_held.is_empty()
            && let Some(Some(v)) = self.vars.get(sym as usize)
        {
            return Ok(*v);
        }
        self.get_var_slow(sym, env)
    }

    #[inline(never)]
    fn get_var_slow(&mut self, sym: Sym, env: Env) -> Result<Value> {
        // (Without a macro frame or a held name, `lookup` reads the slot:
        // the usual case here is a name not set, e.g. an outer `#foreach`'s
        // four saved names.)
        let found = if env.frame.is_none() && self.null_held.is_empty() {
            self.vars.get(sym as usize).copied().flatten()
        } else {
            self.lookup(sym, env)?
        };
        Ok(match found {
            Some(v) => v,
            None => self.undefined_value(sym),
        })
    }

    /// What `get_var` reads for a name defined nowhere: "" for an identifier.
    fn undefined_value(&self, sym: Sym) -> Value {
        // (The loop's names, `$foreach`, `$velocityCount` and
        // `$velocityHasNext`, are identifiers.)
        if sym <= sym::VELOCITY_HAS_NEXT {
            return Value::Str(Str::EMPTY);
        }
        let identifier = self
            .name(sym)
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$');
        if identifier {
            Value::Str(Str::EMPTY)
        } else {
            Value::Null
        }
    }

    /// `context.put(name, value)`: through every macro frame to the globals.
    #[inline]
    fn put_var(&mut self, sym: Sym, v: Value, env: Env) {
        // Fast path (inlined): no macro frame, a symbol of the table.
        if env.frame.is_none()
            && let Some(slot) = self.vars.get_mut(sym as usize)
        {
            *slot = Some(v);
            return;
        }
        self.put_var_slow(sym, v, env);
    }

    #[inline(never)]
    fn put_var_slow(&mut self, sym: Sym, v: Value, env: Env) {
        let mut frame = env.frame;
        while let Some(f) = frame {
            let mut locals = f.locals.borrow_mut();
            match locals.iter_mut().find(|(s, _)| *s == sym) {
                Some(slot) => slot.1 = v,
                None => locals.push((sym, v)),
            }
            frame = f.parent;
        }
        self.put_global(sym, v);
    }

    /// What a `#foreach` iteration sets: `$velocityCount`, `$velocityHasNext`
    /// and the loop variable, in this order.
    ///
    /// (The loop writes them straight into their slots when it can: through
    /// `put_var`, each value was first assembled in a stack slot piece by
    /// piece and then copied as one 16-byte word, a load the CPU cannot
    /// forward from the smaller stores just before it: a stall of a dozen
    /// cycles or more, three times per iteration, a tenth of W2's time.)
    fn put_loop_vars(&mut self, var: Sym, counter: i32, has_next: bool, item: Value, env: Env) {
        self.put_var(sym::VELOCITY_COUNT, Value::Int(counter), env);
        self.put_var(sym::VELOCITY_HAS_NEXT, Value::Bool(has_next), env);
        self.put_var(var, item, env);
    }

    /// `put_var($foreach, loop scope id)`, written straight into the slot when
    /// there is no macro frame (see [`Ctx::put_loop_vars`]).
    #[inline(always)]
    fn put_foreach(&mut self, id: u32, env: Env) {
        if env.frame.is_none()
            && let Some(slot) = self.vars.get_mut(sym::FOREACH as usize)
        {
            *slot = Some(Value::Host(Host::Foreach(id)));
        } else {
            self.put_var(sym::FOREACH, Value::Host(Host::Foreach(id)), env);
        }
    }

    /// `context.remove(name)`.
    #[inline]
    fn remove_var(&mut self, sym: Sym, env: Env) {
        // Fast path (inlined): no macro frame.
        if env.frame.is_none() {
            if let Some(slot) = self.vars.get_mut(sym as usize) {
                *slot = None;
            }
            return;
        }
        self.remove_var_slow(sym, env);
    }

    #[inline(never)]
    fn remove_var_slow(&mut self, sym: Sym, env: Env) {
        let mut frame = env.frame;
        while let Some(f) = frame {
            f.locals.borrow_mut().retain(|(s, _)| *s != sym);
            for p in &f.proxies {
                if p.sym == sym {
                    p.removed.set(true);
                }
            }
            frame = f.parent;
        }
        if let Some(slot) = self.vars.get_mut(sym as usize) {
            *slot = None;
        }
    }

    // ------------------------------------------------------------------ rendering

    /// Renders a block's nodes. With a trace, see [`Ctx::render_traced_block`].
    #[inline(always)]
    fn render_block(&mut self, block: &[Node], env: Env, out: &mut String) -> Result<Flow> {
        if self.trace.is_some() {
            return self.render_traced_block(block, env, out);
        }
        self.render_nodes(block, env, out)
    }

    /// [`Ctx::render_block`] with a trace: each node is traced, then rendered
    /// by [`Ctx::render_nodes`] as a block of its own. (Checked once per block
    /// rather than at every node of `render_nodes`: three instructions less
    /// per node, 1% of W2.)
    #[cold]
    #[inline(never)]
    fn render_traced_block(&mut self, block: &[Node], env: Env, out: &mut String) -> Result<Flow> {
        for node in block {
            self.trace_node(node, env, out);
            let flow = self.render_nodes(std::slice::from_ref(node), env, out)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    /// Renders a block's nodes without tracing them: the usual kinds here,
    /// the others in [`Ctx::render_other`]. (A node that cannot change the
    /// flow goes straight on to the next one: through one `Result<Flow>` for
    /// every node, each result was stored, loaded back and tested.)
    fn render_nodes(&mut self, block: &[Node], env: Env, out: &mut String) -> Result<Flow> {
        for node in block {
            if let Err(e) = self.step() {
                return Err(self.node_error(e, node, env));
            }
            let flow = match node {
                Node::ShortText { start, text } => {
                    self.render_short_text(*start, text, env, out)?;
                    continue;
                }
                Node::SourceText { start, text } => {
                    self.render_source_text(*start, text, env, out)?;
                    continue;
                }
                Node::Text(t) => {
                    self.render_text(t, env, out)?;
                    continue;
                }
                Node::Reference(r) => {
                    // `$item.price`: what `render_reference` does first with
                    // such a reference, done here without the call (see
                    // `render_reference`).
                    let done = if let Some(Modifier::Property { .. }) = r.chain.only()
                        && r.root != sym::UTIL
                        && !r.escaped
                    {
                        self.render_map_property(r, env, out)
                    } else {
                        None
                    };
                    match done {
                        Some(done) => done,
                        None => self.render_reference(r, env, out),
                    }
                    .map_err(|e| self.at(e, r.range, env))?;
                    self.check_output(out)
                        .map_err(|e| self.at(e, r.range, env))?;
                    continue;
                }
                Node::UtilCall(u, form) => {
                    let r = &u.reference;
                    self.render_util_node(u, form.get(|| u.arg()), env, out)
                        .map_err(|e| self.at(e, r.range, env))?;
                    self.check_output(out)
                        .map_err(|e| self.at(e, r.range, env))?;
                    continue;
                }
                Node::Set(s) => {
                    self.render_set(s, env)
                        .map_err(|e| self.at(e, s.range, env))?;
                    self.check_work().map_err(|e| self.at(e, s.range, env))?;
                    continue;
                }
                Node::If(n) => self.render_if(n, env, out)?,
                Node::Foreach(n) => self.render_foreach(n, env, out)?,
                _ => self.render_other(node, env, out)?,
            };
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn text<'t>(&'t self, t: &'t Text, env: Env) -> &'t str {
        match t {
            Text::Owned(s) => s,
            Text::Source(r) => &self.source_text(env.src)[r.start as usize..r.end as usize],
        }
    }

    fn source_text(&self, src: u16) -> &str {
        self.heap.source_text(src)
    }

    /// Records that the output from `out.len()` on comes from `range`.
    fn traced(&mut self, range: Range, env: Env, out: &String) {
        if let Some(t) = &mut self.trace
            && env.src == 0
            && std::ptr::eq(out, self.top)
        {
            t.push(TraceEntry {
                at: out.len() as u32,
                range,
            });
        }
    }

    /// An `#if`: the first branch whose condition holds, or the `#else`.
    #[inline(always)]
    fn render_if(&mut self, n: &IfNode, env: Env, out: &mut String) -> Result<Flow> {
        for (cond, block) in &n.branches {
            let yes = match cond {
                // `ops::evaluate` of a reference (`#if($item.inStock)`,
                // `#if($foreach.hasNext)`), without its dispatch.
                Expr::Ref(r) => match self.ref_truthy(r, env) {
                    Some(yes) => yes?,
                    None => !matches!(
                        self.eval_reference(r, env)?,
                        Value::Null | Value::Bool(false)
                    ),
                },
                c => self.truthy(c, env)?,
            };
            self.check_work().map_err(|e| self.at(e, n.range, env))?;
            if yes {
                return self.render_branch(block, env, out);
            }
        }
        if let Some(block) = &n.otherwise {
            return self.render_branch(block, env, out);
        }
        Ok(Flow::Normal)
    }

    /// A limit hit at a node's step points at the node that was next.
    #[cold]
    #[inline(never)]
    fn node_error(&self, e: Error, node: &Node, env: Env) -> Error {
        match node_range(node) {
            Some(r) => self.at(e, r, env),
            None => e,
        }
    }

    #[cold]
    #[inline(never)]
    fn trace_node(&mut self, node: &Node, env: Env, out: &String) {
        let range = match node {
            Node::Text(Text::Source(r)) => Some(*r),
            Node::SourceText { start, text } => Some(source_text_range(*start, text)),
            Node::ShortText { start, text } => Some(source_text_range(*start, short_text(text))),
            Node::Reference(r) => Some(r.range),
            Node::UtilCall(u, _) => Some(u.reference.range),
            Node::MacroCall(n) => Some(n.range),
            Node::Evaluate(n) => Some(n.range),
            _ => None,
        };
        if let Some(r) = range {
            self.traced(r, env, out);
        }
    }

    #[inline(always)]
    fn render_text(&mut self, t: &Text, env: Env, out: &mut String) -> Result<()> {
        let s = self.text(t, env);
        out.push_str(s);
        if let Err(e) = self.check_output(out) {
            return Err(match t {
                Text::Source(r) => self.at(e, *r, env),
                Text::Owned(_) => e,
            });
        }
        Ok(())
    }

    #[inline(always)]
    fn render_source_text(
        &mut self,
        start: u32,
        text: &str,
        env: Env,
        out: &mut String,
    ) -> Result<()> {
        match text.as_bytes() {
            // One ASCII character (`,` between items): no memcpy call.
            [b] if b.is_ascii() => out.push(char::from(*b)),
            _ => out.push_str(text),
        }
        if let Err(e) = self.check_output(out) {
            return Err(self.at(e, source_text_range(start, text), env));
        }
        Ok(())
    }

    /// A [`Node::ShortText`]: its padded copy written whole, a copy of a
    /// size known here (two vector moves), then the output cut back to the
    /// text's end. (Through `push_str` of the text, each was a `memcpy`
    /// call: W2 writes 900 texts per render, most of them under 32 bytes.)
    #[inline(always)]
    fn render_short_text(
        &mut self,
        start: u32,
        padded: &str,
        env: Env,
        out: &mut String,
    ) -> Result<()> {
        if padded.len() == SHORT_TEXT {
            let len = out.len();
            let n = padded.as_bytes()[SHORT_TEXT - 1];
            out.push_str(padded);
            out.truncate(len + usize::from(n));
        } else {
            out.push_str(short_text(padded));
        }
        if let Err(e) = self.check_output(out) {
            return Err(self.at(e, source_text_range(start, short_text(padded)), env));
        }
        Ok(())
    }

    /// An `#if` branch: a block of one template text node
    /// (`#if($foreach.hasNext),#end`) is rendered here, as `render_block`
    /// would render it.
    #[inline(always)]
    fn render_branch(&mut self, block: &[Node], env: Env, out: &mut String) -> Result<Flow> {
        if let [node @ Node::SourceText { start, text }] = block {
            if let Err(e) = self.step() {
                return Err(self.node_error(e, node, env));
            }
            if self.trace.is_some() {
                self.trace_node(node, env, out);
            }
            self.render_source_text(*start, text, env, out)?;
            return Ok(Flow::Normal);
        }
        self.render_block(block, env, out)
    }

    /// The nodes other than text, references, `#set` and `#if`.
    #[inline(never)]
    fn render_other(&mut self, node: &Node, env: Env, out: &mut String) -> Result<Flow> {
        match node {
            // Rendered by `render_block`, which never passes them here.
            Node::Text(_)
            | Node::SourceText { .. }
            | Node::ShortText { .. }
            | Node::UtilCall(..)
            | Node::Reference(_)
            | Node::Set(_)
            | Node::If(_)
            | Node::Foreach(_) => {}
            Node::Macro(_) => {}
            Node::MacroCall(n) => return self.render_macro_call(n, env, out),
            Node::Define(n) => {
                let blocks = &mut self.rare().blocks;
                let id = blocks.len() as u32;
                blocks.push(BlockRef {
                    body: n.body.clone(),
                    src: env.src,
                    depth: 0,
                });
                self.put_var(n.var, Value::Host(Host::Block(id)), env);
            }
            Node::Evaluate(n) => {
                return self
                    .render_evaluate(n, env, out)
                    .map_err(|e| self.at(e, n.range, env));
            }
            Node::Break(n) => {
                if n.args.len() == 1 {
                    let v = self.eval(&n.args[0], env)?;
                    if let Value::Host(Host::Foreach(id)) = v {
                        self.break_target = id;
                        return Ok(Flow::BreakLoop);
                    }
                    return Ok(Flow::Normal);
                }
                return Ok(Flow::BreakNearest);
            }
            Node::Stop(_) => return Ok(Flow::Stop),
            Node::Include(n) => {
                let what = self.name(n.name).to_string();
                return Err(self.at(
                    Error::eval(format!(
                        "#{what} is not available: a mapping template cannot read other templates or files"
                    )),
                    n.range,
                    env,
                ));
            }
            Node::Literal(t) => out.push_str(self.text(t, env)),
        }
        Ok(Flow::Normal)
    }

    fn render_reference(&mut self, r: &Reference, env: Env, out: &mut String) -> Result<()> {
        if r.kind == RefKind::Runt {
            let name = self.name(r.root).to_string();
            out.push_str(&name);
            return Ok(());
        }
        if self.render_util_call(r, env, out)?.is_some() {
            return Ok(());
        }
        if !r.escaped
            && let Some(done) = self.render_map_property(r, env, out)
        {
            return done;
        }
        let value = self.eval_reference(r, env)?;
        if r.escaped {
            out.push_str(r.esc_prefix());
            if value.is_null() {
                out.push('\\');
            }
            out.push_str(self.null_string(r, env));
            return Ok(());
        }
        if let Some(x) = &r.extra {
            out.push_str(&x.esc_prefix);
            out.push_str(&x.more_prefix);
        }
        // API Gateway: a null value renders as "".
        self.write_value(value, env, out)
    }

    /// What an escaped reference writes (`ASTReference.getNullString`): its own
    /// text, or for `\$name` naming a by-name macro parameter, the text of the
    /// argument (`.literal.$name`, visible from nested macro calls too).
    fn null_string<'r>(&self, r: &'r Reference, env: Env<'r>) -> &'r str {
        if r.chain.is_empty()
            && r.kind == RefKind::Normal
            && r.literal().strip_prefix('$') == Some(self.name(r.root))
        {
            let mut frame = env.frame;
            while let Some(f) = frame {
                if let Some(p) = f.proxies.iter().find(|p| p.sym == r.root) {
                    return p.literal;
                }
                frame = f.parent;
            }
        }
        r.literal()
    }

    /// `$util.escapeJavaScript(x)` / `$util.urlEncode(x)` written straight to
    /// the output (the usual case, and the hot one): `Some(())` when done.
    fn render_util_call(
        &mut self,
        r: &Reference,
        env: Env,
        out: &mut String,
    ) -> Result<Option<()>> {
        // `$util` itself (another variable holding it takes the general path).
        if r.root != sym::UTIL || r.escaped || r.kind == RefKind::Runt {
            return Ok(None);
        }
        let Some(Modifier::Method { name, args, .. }) = r.chain.only() else {
            return Ok(None);
        };
        let Some(arg) = args.only() else {
            return Ok(None);
        };
        // (Fixed symbols: every template interns these names first.)
        let escape: fn(&str, &mut String) = match *name {
            sym::ESCAPE_JAVASCRIPT => crate::apigw::util::escape_javascript,
            sym::URL_ENCODE => crate::apigw::util::url_encode,
            _ => return Ok(None),
        };
        if self.get_var(r.root, env)? != Value::Host(Host::Util) {
            return Ok(None);
        }
        self.step()?;
        // (`ops::value` of a reference, without its dispatch.)
        let v = match arg {
            Expr::Ref(a) if a.computable => self.eval_reference(a, env)?,
            a => self.eval(a, env)?,
        };
        if let Some(x) = &r.extra {
            out.push_str(&x.esc_prefix);
            out.push_str(&x.more_prefix);
        }
        if let Value::Str(s) = v {
            escape(self.heap.str(s), out);
        }
        Ok(Some(()))
    }

    /// A [`Node::UtilCall`]: what [`Ctx::render_reference`] does with its
    /// reference, with the reference's form known.
    #[inline(always)]
    fn render_util_node(
        &mut self,
        u: &UtilCallNode,
        form: UtilArg,
        env: Env,
        out: &mut String,
    ) -> Result<()> {
        // `$util` is the util object (read as `get_var` reads it; with a
        // macro frame or a null-held loop variable, the general path).
        if env.frame.is_none()
            && self.null_held.is_empty()
            && let Some(Some(Value::Host(Host::Util))) = self.vars.get(sym::UTIL as usize)
        {
            // The argument's usual forms, as `util_map_property` reads
            // them, known from the node (a form this does not read goes on
            // below, nothing done yet but the step).
            match form {
                UtilArg::Property { root, name } => {
                    if let Some(Some(Value::Map(id))) = self.vars.get(root as usize) {
                        let id = *id;
                        self.step()?;
                        match self.map_entry(id, name, &u.hint) {
                            Some(Ok(found)) => {
                                // (Null, missing or not a string: nothing written.)
                                if let Some(Value::Str(s)) = found {
                                    self.util_escape(u.method, s, out);
                                }
                                return Ok(());
                            }
                            Some(Err(e)) => return Err(e),
                            None => return self.render_util_arg(u, env, out),
                        }
                    }
                }
                UtilArg::Var(root) => {
                    if let Some(Some(v)) = self.vars.get(root as usize) {
                        let v = *v;
                        self.step()?;
                        if let Value::Str(s) = v {
                            self.util_escape(u.method, s, out);
                        }
                        return Ok(());
                    }
                }
                UtilArg::Other => {}
            }
        }
        self.render_util_general(u, env, out)
    }

    /// [`Ctx::render_util_node`] after its step, the argument not of the
    /// forms read there (out of line: rare).
    #[inline(never)]
    fn render_util_arg(&mut self, u: &UtilCallNode, env: Env, out: &mut String) -> Result<()> {
        let Some(arg) = u.arg() else {
            return Ok(());
        };
        let v = match arg {
            Expr::Ref(a) if a.computable => self.eval_reference(a, env)?,
            a => self.eval(a, env)?,
        };
        if let Value::Str(s) = v {
            self.util_escape(u.method, s, out);
        }
        Ok(())
    }

    /// [`Ctx::render_util_node`] of the other util calls (out of line).
    #[inline(never)]
    fn render_util_general(&mut self, u: &UtilCallNode, env: Env, out: &mut String) -> Result<()> {
        if env.frame.is_none()
            && self.null_held.is_empty()
            && let Some(Some(Value::Host(Host::Util))) = self.vars.get(sym::UTIL as usize)
            && let Some(arg) = u.arg()
        {
            self.step()?;
            if let Expr::Ref(a) = arg
                && a.computable
                && let Some(done) = self.util_map_property(u.method, a, env, out)
            {
                return done;
            }
            // (`ops::value` of a reference, without its dispatch.)
            let v = match arg {
                Expr::Ref(a) if a.computable => self.eval_reference(a, env)?,
                a => self.eval(a, env)?,
            };
            if let Value::Str(s) = v {
                self.util_escape(u.method, s, out);
            }
            return Ok(());
        }
        self.render_reference(&u.reference, env, out)
    }

    /// `$util.escapeJavaScript($item.name)` (or `urlEncode`): the argument
    /// read as the fast paths of [`Ctx::eval_reference`] read a map's property
    /// or a variable, and escaped from where the map or the variable holds
    /// it; `None` when those paths do not apply.
    ///
    /// (Through `eval_reference`, the string was copied to the stack piece by
    /// piece and read back in other pieces, a load the CPU cannot forward
    /// from the stores just before it: a stall of a dozen cycles or more for
    /// each of W2's 700 escaped properties.)
    #[inline(always)]
    fn util_map_property(
        &mut self,
        method: Sym,
        r: &Reference,
        env: Env,
        out: &mut String,
    ) -> Option<Result<()>> {
        if !self.plain_read(r, env) {
            return None;
        }
        // (The variable read once, then its property or itself: the map's
        // property path first, as `map_property` tests it.)
        let Some(Some(v)) = self.vars.get(r.root as usize) else {
            return None;
        };
        if let Value::Map(id) = *v
            && let Some(Modifier::Property { name, hint, .. }) = r.chain.only()
        {
            let found = match self.map_entry(id, *name, hint)? {
                Ok(found) => found,
                Err(e) => return Some(Err(e)),
            };
            // (A null or missing property reads as "", which writes nothing, as
            // does a value that is not a string.)
            if let Some(Value::Str(s)) = found {
                self.util_escape(method, s, out);
            }
            return Some(Ok(()));
        }
        if r.chain.is_empty() {
            // A variable (`$t`), as the second fast path of `eval_reference` reads it.
            if let Value::Str(s) = *v {
                self.util_escape(method, s, out);
            }
            return Some(Ok(()));
        }
        None
    }

    /// `$util.escapeJavaScript(s)` (`method` is `sym::ESCAPE_JAVASCRIPT`) or
    /// `$util.urlEncode(s)` of a heap string, written to `out`. The first is
    /// given the text the string is a slice of (see
    /// [`crate::apigw::util::escape_javascript_in`]).
    #[inline(always)]
    fn util_escape(&self, method: Sym, s: Str, out: &mut String) {
        if method == sym::ESCAPE_JAVASCRIPT {
            let (text, start, end) = self.heap.str_parts(s);
            crate::apigw::util::escape_javascript_in(text, start, end, out);
        } else {
            crate::apigw::util::url_encode(self.heap.str(s), out);
        }
    }

    /// Whether `#if($item.inStock)` / `#if($foreach.hasNext)` holds, read as
    /// the first fast path of [`Ctx::eval_reference`] reads the reference,
    /// from where the map or the loop holds the value; `None` when that path
    /// does not apply. (Copied out through `eval_reference`, the value was
    /// stored and loaded back in pieces of other sizes: see
    /// [`Ctx::util_map_property`].)
    #[inline(always)]
    fn ref_truthy(&mut self, r: &Reference, env: Env) -> Option<Result<bool>> {
        let Some(Modifier::Property { name, hint, .. }) = r.chain.only() else {
            return None;
        };
        if !self.plain_read(r, env) {
            return None;
        }
        match self.vars.get(r.root as usize) {
            // (The map's entry read here: through `map_property`, the chain
            // and the variable were looked up a second time.)
            Some(Some(Value::Map(id))) => Some(
                self.map_entry(*id, *name, hint)?
                    // (A null or missing property reads as "", which is true.)
                    .map(|found| !matches!(found, Some(Value::Bool(false)))),
            ),
            Some(Some(Value::Host(Host::Foreach(id)))) if *name == sym::HAS_NEXT => {
                let id = *id;
                if let Err(e) = self.step() {
                    return Some(Err(e));
                }
                Some(Ok(self.loops[id as usize].has_next))
            }
            _ => None,
        }
    }

    /// The value of `$item.discount` in `#if($item.discount > 0)`: what the
    /// first fast path of [`Ctx::eval_reference`] gives, copied from where
    /// the map holds it; `None` when that path does not apply. (Returned
    /// through `eval_reference`'s result, the value was stored and loaded
    /// back in pieces of other sizes: see [`Ctx::util_map_property`].)
    #[inline(always)]
    pub(crate) fn map_property_value(&mut self, r: &Reference, env: Env) -> Option<Result<Value>> {
        if !self.plain_read(r, env) {
            return None;
        }
        Some(self.map_property(r)?.map(|found| match found {
            Some(v) if !v.is_null() => v,
            _ => Value::Str(Str::EMPTY),
        }))
    }

    /// Whether `r` may be read as the fast paths of [`Ctx::eval_reference`]
    /// read it: outside a macro's frame, with no loop variable bound to a
    /// null element, and not a "runt" reference.
    #[inline(always)]
    fn plain_read(&self, r: &Reference, env: Env) -> bool {
        env.frame.is_none() && self.null_held.is_empty() && r.kind != RefKind::Runt
    }

    /// `$var.name` as the first fast path of [`Ctx::eval_reference`] reads a
    /// map's property (a variable holding a map, a property other than
    /// `class`; the caller checked the other conditions): a step, then the
    /// entry's value where the map holds it, or `None` when it has none;
    /// `None` outside when that path does not apply.
    #[inline(always)]
    fn map_property(&mut self, r: &Reference) -> Option<Result<Option<Value>>> {
        let Some(Modifier::Property { name, hint, .. }) = r.chain.only() else {
            return None;
        };
        let Some(Some(Value::Map(id))) = self.vars.get(r.root as usize) else {
            return None;
        };
        self.map_entry(*id, *name, hint)
    }

    /// [`Ctx::map_property`] of map `id` and property `name`, the reference
    /// already taken apart.
    #[inline(always)]
    fn map_entry(
        &mut self,
        id: crate::value::MapId,
        name: Sym,
        hint: &Hint,
    ) -> Option<Result<Option<Value>>> {
        let key = self.template_name(name)?;
        if key == "class" || key == "Class" {
            return None;
        }
        if let Err(e) = self.step() {
            return Some(Err(e));
        }
        let mut h = hint.get();
        // (Copied from the entry the body's parse wrote long before: no
        // store-forwarding stall.)
        let found = self.heap.map_get_str_hinted_ref(id, key, &mut h).copied();
        hint.set(h);
        Some(Ok(found))
    }

    /// `$item.price` (not escaped): what [`Ctx::render_reference`] does with
    /// the value the first fast path of [`Ctx::eval_reference`] reads (a map's
    /// property), copied straight from where the map holds it; `None` when
    /// that path does not apply. (See [`Ctx::util_map_property`].)
    #[inline(always)]
    fn render_map_property(
        &mut self,
        r: &Reference,
        env: Env,
        out: &mut String,
    ) -> Option<Result<()>> {
        if !self.plain_read(r, env) {
            return None;
        }
        let found = match self.map_property(r)? {
            Ok(found) => found,
            Err(e) => return Some(Err(e)),
        };
        if let Some(x) = &r.extra {
            out.push_str(&x.esc_prefix);
            out.push_str(&x.more_prefix);
        }
        // (A null or missing property reads as "", which writes nothing.)
        match found {
            Some(v) if !v.is_null() => Some(self.write_value(v, env, out)),
            _ => Some(Ok(())),
        }
    }

    /// Writes `String.valueOf(v)`, rendering template blocks.
    #[inline]
    fn write_value(&mut self, v: Value, env: Env, out: &mut String) -> Result<()> {
        match v {
            Value::Null => Ok(()),
            Value::Str(s) => {
                out.push_str(self.heap.str(s));
                Ok(())
            }
            Value::Host(Host::Block(id)) => self.render_block_ref(id, env, out).map(|_| ()),
            v => write_java_string(&self.heap, v, out).map_err(|_| {
                self.check_work().err().unwrap_or_else(|| {
                    Error::eval("a collection nests too deeply to print (StackOverflowError)")
                })
            }),
        }
    }

    /// Renders a `#define`d block or `$bodyContent`; false when it recursed too deep.
    fn render_block_ref(&mut self, id: u32, env: Env, out: &mut String) -> Result<bool> {
        let (body, src, depth) = {
            let b = &self.rare().blocks[id as usize];
            (b.body.clone(), b.src, b.depth)
        };
        if depth >= 2 {
            return Ok(false);
        }
        self.rare().blocks[id as usize].depth += 1;
        let r = self.render_block(
            &body,
            Env {
                frame: env.frame,
                src,
            },
            out,
        );
        self.rare().blocks[id as usize].depth -= 1;
        r.map(|_| true)
    }

    /// `String.valueOf(v)` as a heap string (blocks rendered).
    pub(crate) fn string_of(&mut self, v: Value, env: Env) -> Result<Str> {
        match v {
            Value::Str(s) => Ok(s),
            _ => {
                let mut s = String::new();
                self.write_value(v, env, &mut s)?;
                if v.is_null() {
                    s.push_str("null");
                }
                Ok(self.heap.alloc_str(&s))
            }
        }
    }

    fn render_set(&mut self, s: &SetNode, env: Env) -> Result<()> {
        // `#set($n = $n + 1)`: the sum stored as soon as it is made. (Through
        // `ops::value`, an Integer result was written in pieces, then read
        // back as one 16-byte word for the variable's slot: a load the CPU
        // cannot forward from those stores, a stall at each such `#set`.)
        if let Expr::Add(ab, _) = &s.rhs
            && s.lhs.chain.is_empty()
        {
            // (`ops::value`'s `add`, with the store in the Integers' case.)
            let l = ops::operand(self, &ab.0, env)?;
            let r = ops::operand(self, &ab.1, env)?;
            if let (Value::Int(x), Value::Int(y)) = (l, r)
                && env.frame.is_none()
                && let Some(slot) = self.vars.get_mut(s.lhs.root as usize)
            {
                *slot = Some(ops::int_or_long(i64::from(x) + i64::from(y)));
                return Ok(());
            }
            let value = match (l, r) {
                (Value::Int(x), Value::Int(y)) => ops::int_or_long(i64::from(x) + i64::from(y)),
                _ => ops::add_values(self, l, r, env)?,
            };
            if !value.is_null() {
                self.put_var(s.lhs.root, value, env);
            }
            return Ok(());
        }
        let value = self.eval(&s.rhs, env)?;
        if value.is_null() {
            // Velocity leaves the variable as it was.
            return Ok(());
        }
        if s.lhs.chain.is_empty() {
            self.put_var(s.lhs.root, value, env);
            return Ok(());
        }
        self.set_value(&s.lhs, value, env)
            .map_err(|e| self.at(e, s.range, env))
    }

    /// `ASTReference.setValue`: assigns to the last step of `$a.b.c` / `$a.b[i]`.
    fn set_value(&mut self, r: &Reference, value: Value, env: Env) -> Result<()> {
        let mut target = self.get_var(r.root, env)?;
        if target.is_null() {
            return Ok(());
        }
        let (last, init) = r.chain.split_last().expect("non-empty chain");
        for m in init {
            target = self.apply_modifier(target, m, env)?;
            if target.is_null() {
                return Ok(());
            }
        }
        match last {
            Modifier::Property { name, .. } | Modifier::Method { name, .. } => {
                let name = self.name_cow(*name);
                self.set_property(target, &name, value)
            }
            Modifier::Index { arg, range } => {
                let arg = self.eval(arg, env)?;
                let arg = self.adjust_negative_index(target, arg)?;
                // Velocity looks for `set(index, value)`; the oracle's
                // introspector finds "a" `set` on any object (a no-op when
                // there is none), so `put` is never tried.
                let args = [arg, value];
                match self.call(target, "set", &args, env) {
                    Ok(_) => Ok(()),
                    Err(e) => Err(self.at(e, *range, env)),
                }
            }
        }
    }

    /// Velocity's property set: `Map.put(name, v)`, or a `setName(v)` setter.
    fn set_property(&mut self, target: Value, name: &str, value: Value) -> Result<()> {
        if let Value::Map(id) = target {
            let key = self.heap.string(name);
            self.heap.map_put(id, key, value);
        }
        Ok(())
    }

    fn truthy(&mut self, e: &Expr, env: Env) -> Result<bool> {
        ops::evaluate(self, e, env)
    }

    // ------------------------------------------------------------------ #foreach

    #[inline(never)]
    fn render_foreach(&mut self, n: &ForeachNode, env: Env, out: &mut String) -> Result<Flow> {
        self.enter(n.range, env)?;
        let r = self.render_foreach_inner(n, env, out);
        self.leave();
        r
    }

    fn render_foreach_inner(
        &mut self,
        n: &ForeachNode,
        env: Env,
        out: &mut String,
    ) -> Result<Flow> {
        // A literal range is iterated lazily (`[1..2147483647]` must not allocate).
        let mut iter = match &n.iterable {
            Expr::Range(a, b) => {
                let a = self.eval(a, env)?;
                let b = self.eval(b, env)?;
                match ops::range_bounds(&mut self.heap, a, b) {
                    Some((l, r)) => ItemIter::Range {
                        next: l,
                        last: r,
                        done: false,
                    },
                    None => return Ok(Flow::Normal),
                }
            }
            e => {
                let fast = match e {
                    Expr::Ref(r) if r.computable => self.map_property_iterator(r, env),
                    _ => None,
                };
                let it = match fast {
                    Some(it) => it?,
                    None => {
                        let v = match e {
                            Expr::Ref(r) if r.computable => self.eval_reference(r, env)?,
                            e => self.eval(e, env)?,
                        };
                        self.iterator(v)
                    }
                };
                match it {
                    Some(it) => it,
                    None => return Ok(Flow::Normal),
                }
            }
        };
        // What the loop replaces (`get_var` of the loop variable,
        // `$velocityCount`, `$velocityHasNext` and `$foreach`): read in their
        // slots together when `get_var` would read each in its slot.
        let slots = self
            .vars
            .get(..=(n.var as usize).max(2))
            .filter(|_| env.frame.is_none() && self.null_held.is_empty());
        // (Bound here, in one `if let`: an `Option` of the four made first
        // and taken apart after was copied through the stack with loads
        // wider than the stores before them, a store-forwarding stall at
        // each loop.)
        let (saved, saved_counter, saved_next, previous) = if let Some(vars) = slots
            && let (Some(Some(item)), [Some(foreach), Some(count), Some(next)]) =
                (vars.get(n.var as usize), vars.get(..3).unwrap_or(&[]))
        {
            (*item, *count, *next, *foreach)
        } else {
            (
                self.get_var(n.var, env)?,
                self.get_var(sym::VELOCITY_COUNT, env)?,
                self.get_var(sym::VELOCITY_HAS_NEXT, env)?,
                // `$foreach`
                self.get_var(sym::FOREACH, env)?,
            )
        };
        let (parent, replaced) = match previous {
            Value::Host(Host::Foreach(p)) => (Some(p), Value::Null),
            v => (None, v),
        };
        let id = self.loops.len() as u32;
        if self.loops.len() == self.loops.capacity() {
            self.grow_loops();
        }
        self.loops.push(LoopScope {
            index: -1,
            has_next: false,
            parent,
            replaced,
        });
        self.put_foreach(id, env);

        let mut counter: i64 = 1;
        let mut flow = Flow::Normal;
        let mut result = Ok(());
        // (Read once: the limit, and whether the loop's variables may be
        // written straight into their slots, see below.)
        let max = self.limits.foreach_iterations;
        let slots = env.frame.is_none() && n.var > sym::VELOCITY_HAS_NEXT;
        // (`render_block`'s test, made once: a render is traced or not.)
        let traced = self.trace.is_some();
        loop {
            if (counter - 1) as usize >= max {
                break;
            }
            let (item, has_next) = match self.next_item_peek(&mut iter) {
                Ok(Some(next)) => next,
                Ok(None) => break,
                Err(e) => {
                    result = Err(self.at(e, n.range, env));
                    break;
                }
            };
            // Without a macro frame, the loop's variables are written
            // straight into their slots (see `put_loop_vars`): the loop
            // variable's and, below it, `$velocityCount`'s and
            // `$velocityHasNext`'s (slots 1 and 2), all through one length
            // test. (Before the step: the step reads no variable, and the
            // loop's end restores them whatever happens.)
            let direct = slots
                && match self.vars.get_mut(..=n.var as usize) {
                    Some([_, count, next, .., slot]) => {
                        *slot = Some(item);
                        *count = Some(Value::Int(counter as i32));
                        *next = Some(Value::Bool(has_next));
                        true
                    }
                    _ => false,
                };
            if !direct {
                self.put_loop_vars(n.var, counter as i32, has_next, item, env);
            }
            // (The scope too, before the step; its index stored, not
            // incremented in memory.)
            if let Some(scope) = self.loops.get_mut(id as usize) {
                scope.index = (counter - 1) as i32;
                scope.has_next = has_next;
            }
            if let Err(e) = self.step() {
                result = Err(self.at(e, n.range, env));
                break;
            }
            // (A null element is held while the body renders, out of line:
            // the usual iteration tests the element once.)
            let r = if item.is_null() {
                self.render_held_body(n, traced, env, out)
            } else if traced {
                self.render_traced_block(&n.body, env, out)
            } else {
                self.render_nodes(&n.body, env, out)
            };
            match r {
                Ok(Flow::Normal) => {}
                Ok(Flow::BreakNearest) => break,
                Ok(Flow::BreakLoop) if self.break_target == id => break,
                Ok(other) => {
                    flow = other;
                    break;
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
            counter += 1;
        }
        // Restore what the loop replaced.
        if !saved.is_null() {
            self.put_var(n.var, saved, env);
        } else {
            self.remove_var(n.var, env);
        }
        if !saved_counter.is_null() {
            self.put_var(sym::VELOCITY_COUNT, saved_counter, env);
        } else {
            self.remove_var(sym::VELOCITY_COUNT, env);
        }
        if !saved_next.is_null() {
            self.put_var(sym::VELOCITY_HAS_NEXT, saved_next, env);
        } else {
            self.remove_var(sym::VELOCITY_HAS_NEXT, env);
        }
        // The usual end of an inner loop (no macro frame, `$foreach` still
        // this loop's scope): its parent put back in the slot at once.
        if let Some(p) = parent
            && env.frame.is_none()
            && self.null_held.is_empty()
            && let Some(slot) = self.vars.get_mut(sym::FOREACH as usize)
            && matches!(slot, Some(Value::Host(Host::Foreach(cur))) if *cur == id)
        {
            *slot = Some(Value::Host(Host::Foreach(p)));
            result?;
            return Ok(flow);
        }
        // (`get_var`, read in its slot without a macro frame: see `put_loop_vars`.)
        let current = if env.frame.is_none()
            && self.null_held.is_empty()
            && let Some(Some(v)) = self.vars.get(sym::FOREACH as usize)
        {
            match v {
                Value::Host(Host::Foreach(cur)) => Some(*cur),
                _ => None,
            }
        } else {
            match self.get_var(sym::FOREACH, env)? {
                Value::Host(Host::Foreach(cur)) => Some(cur),
                _ => None,
            }
        };
        if let Some(cur) = current {
            let scope = self.loops[cur as usize];
            if let Some(p) = scope.parent {
                self.put_foreach(p, env);
            } else if let Some(r) = self.replaced_of(cur) {
                self.put_var(sym::FOREACH, r, env);
            } else {
                self.remove_var(sym::FOREACH, env);
            }
        }
        result?;
        Ok(flow)
    }

    /// The iterator over `$item.tags` (a map's property), read as the first
    /// fast path of [`Ctx::eval_reference`] reads the reference, from where
    /// the map holds the value (see [`Ctx::util_map_property`]); `None` when
    /// that path does not apply.
    fn map_property_iterator(
        &mut self,
        r: &Reference,
        env: Env,
    ) -> Option<Result<Option<ItemIter>>> {
        if !self.plain_read(r, env) {
            return None;
        }
        let found = match self.map_property(r)? {
            Ok(found) => found,
            Err(e) => return Some(Err(e)),
        };
        // (What `iterator` gives; a null or missing property reads as "",
        // which is not iterable.)
        Some(Ok(match found {
            Some(Value::List(id)) => Some(ItemIter::List {
                id,
                pos: 0,
                len: self.heap.list(id).items.len(),
            }),
            Some(Value::Map(id)) => Some(ItemIter::MapValues {
                id,
                pos: 0,
                len: self.heap.map(id).entries.len(),
            }),
            Some(Value::Host(Host::Iter(id))) => Some(ItemIter::Iter(id)),
            _ => None,
        }))
    }

    /// A `#foreach` body rendered with the loop variable bound to a null
    /// element (Velocity's `NullHolderContext`).
    #[cold]
    #[inline(never)]
    fn render_held_body(
        &mut self,
        n: &ForeachNode,
        traced: bool,
        env: Env,
        out: &mut String,
    ) -> Result<Flow> {
        self.null_held.push(n.var);
        let r = if traced {
            self.render_traced_block(&n.body, env, out)
        } else {
            self.render_nodes(&n.body, env, out)
        };
        self.null_held.pop();
        r
    }

    /// Room for more loop scopes (one per loop run, kept for the whole
    /// render: a `$foreach` may outlive its loop): 32 at first, then
    /// doubling. (From `Vec`'s 4, W2's 101 loops grew the vector 6 times,
    /// 2,200 instructions per render.)
    #[cold]
    #[inline(never)]
    fn grow_loops(&mut self) {
        self.loops.reserve(self.loops.len().max(32));
    }

    fn replaced_of(&self, id: u32) -> Option<Value> {
        let scope = self.loops[id as usize];
        match (scope.replaced, scope.parent) {
            (Value::Null, Some(p)) => self.replaced_of(p),
            (Value::Null, None) => None,
            (v, _) => Some(v),
        }
    }

    /// Velocity's `getIterator`: lists and arrays, a map's values; anything
    /// else is not iterable (the loop is skipped).
    fn iterator(&self, v: Value) -> Option<ItemIter> {
        match v {
            Value::List(id) => Some(ItemIter::List {
                id,
                pos: 0,
                len: self.heap.list(id).items.len(),
            }),
            Value::Map(id) => Some(ItemIter::MapValues {
                id,
                pos: 0,
                len: self.heap.map(id).entries.len(),
            }),
            // Velocity iterates an Iterator itself, consuming it.
            Value::Host(Host::Iter(id)) => Some(ItemIter::Iter(id)),
            _ => None,
        }
    }

    /// The next item and whether another follows ([`Ctx::next_item`] then
    /// [`Ctx::has_next`]); a list's read here at once, with one look-up.
    #[inline(always)]
    fn next_item_peek(&mut self, it: &mut ItemIter) -> Result<Option<(Value, bool)>> {
        if let ItemIter::List { id, pos, len } = it {
            let items = &self.heap.list(*id).items;
            let Some(&v) = items.get(*pos) else {
                return Ok(None);
            };
            if items.len() != *len {
                return Err(concurrent_list_change());
            }
            *pos += 1;
            return Ok(Some((v, *pos < items.len())));
        }
        Ok(self.next_item(it)?.map(|v| (v, self.has_next(it))))
    }

    fn next_item(&mut self, it: &mut ItemIter) -> Result<Option<Value>> {
        match it {
            ItemIter::Range { next, last, done } => {
                if *done {
                    return Ok(None);
                }
                let v = *next;
                if v == *last {
                    *done = true;
                } else if v < *last {
                    *next += 1;
                } else {
                    *next -= 1;
                }
                Ok(Some(Value::Int(v)))
            }
            ItemIter::List { id, pos, len } => {
                let items = &self.heap.list(*id).items;
                if *pos >= items.len() {
                    return Ok(None);
                }
                if items.len() != *len {
                    return Err(concurrent_list_change());
                }
                let v = items[*pos];
                *pos += 1;
                Ok(Some(v))
            }
            ItemIter::MapValues { id, pos, len } => {
                let entries = &self.heap.map(*id).entries;
                if *pos >= entries.len() {
                    return Ok(None);
                }
                if entries.len() != *len {
                    return Err(Error::eval(
                        "java.util.ConcurrentModificationException: the map changed while #foreach iterated over it",
                    ));
                }
                let v = entries[*pos].1;
                *pos += 1;
                Ok(Some(v))
            }
            ItemIter::Iter(id) => {
                if !crate::java::methods::iter_has_next(&self.heap, *id) {
                    return Ok(None);
                }
                crate::java::methods::iter_next(&mut self.heap, *id)
                    .map(Some)
                    .map_err(java_error)
            }
        }
    }

    fn has_next(&self, it: &ItemIter) -> bool {
        match it {
            ItemIter::Range { done, .. } => !*done,
            ItemIter::List { id, pos, .. } => *pos < self.heap.list(*id).items.len(),
            ItemIter::MapValues { id, pos, .. } => *pos < self.heap.map(*id).entries.len(),
            ItemIter::Iter(id) => crate::java::methods::iter_has_next(&self.heap, *id),
        }
    }

    // ------------------------------------------------------------------ macros

    fn render_macro_call(&mut self, n: &MacroCallNode, env: Env, out: &mut String) -> Result<Flow> {
        let Some(def) = self
            .rare
            .as_ref()
            .and_then(|r| r.macros.get(&n.name).cloned())
        else {
            out.push_str(&n.literal);
            return Ok(Flow::Normal);
        };
        if let Some(Expr::Word(w)) = n.args.iter().find(|a| matches!(a, Expr::Word(_))) {
            let w = self.name(*w).to_string();
            let name = self.name(n.name).to_string();
            return Err(self.at(
                Error::eval(format!("invalid argument '{w}' in macro #{name}")),
                n.range,
                env,
            ));
        }
        if self.macro_depth >= 20 {
            let name = self.name(n.name).to_string();
            return Err(self.at(
                Error::limit(format!(
                    "macro #{name} calls itself too deeply: Velocity allows 20 nested macro calls"
                )),
                n.range,
                env,
            ));
        }
        self.enter(n.range, env)?;
        let mut locals = Vec::new();
        let mut proxies = Vec::new();
        let mut result = Ok(());
        for (i, (param, arg)) in def.params.iter().zip(&n.args).enumerate() {
            let by_name = matches!(
                arg,
                Expr::Str(_) | Expr::Map(_) | Expr::List(_) | Expr::Range(..) | Expr::Ref(_)
            );
            if by_name {
                proxies.push(Proxy {
                    sym: *param,
                    expr: arg,
                    src: env.src,
                    removed: Cell::new(false),
                    literal: n.arg_literals.get(i).map_or("", |l| &l[..]),
                });
            } else {
                match self.eval(arg, env) {
                    Ok(v) => locals.push((*param, v)),
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
        }
        let frame = Frame {
            parent: env.frame,
            locals: RefCell::new(locals),
            proxies,
            depth: env.frame.map_or(1, |f| f.depth + 1),
        };
        if let Some(body) = &n.body {
            let blocks = &mut self.rare().blocks;
            let id = blocks.len() as u32;
            blocks.push(BlockRef {
                body: Arc::new(body.clone()),
                src: env.src,
                depth: 0,
            });
            frame
                .locals
                .borrow_mut()
                .push((sym::BODY_CONTENT, Value::Host(Host::Block(id))));
        }
        if let Err(e) = result {
            self.leave();
            return Err(e);
        }
        self.macro_depth += 1;
        let inner = Env {
            frame: Some(&frame),
            src: def.src,
        };
        let r = self.render_block(&def.body, inner, out);
        self.macro_depth -= 1;
        self.leave();
        match r? {
            Flow::BreakNearest => Ok(Flow::Normal),
            other => Ok(other),
        }
    }

    // ------------------------------------------------------------------ #evaluate

    fn render_evaluate(&mut self, n: &ArgsNode, env: Env, out: &mut String) -> Result<Flow> {
        let v = self.eval(&n.args[0], env)?;
        let text = if v.is_null() {
            String::new()
        } else {
            let s = self.string_of(v, env)?;
            self.heap.str(s).to_string()
        };
        // Evaluated text is a template: it gets the template size limit.
        if text.len() > self.limits.template_bytes {
            return Err(self.at(
                Error::limit(format!(
                    "the #evaluate text is larger than {} bytes (the template size limit)",
                    self.limits.template_bytes
                )),
                n.range,
                env,
            ));
        }
        // Source ids are u16: the template, its literals and every
        // `#evaluate`d text (and its literals) of this render.
        if self.heap.source_count() >= u16::MAX as usize - 1 {
            return Err(self.at(
                Error::limit("too many #evaluate texts in one render"),
                n.range,
                env,
            ));
        }
        self.enter(n.range, env)?;
        let mut shared = Shared::default();
        for name in self.c.names.iter().chain(self.extra_names()) {
            shared.intern(name);
        }
        let src_id = self.heap.add_source(Cow::Owned(text.clone()));
        let text: Arc<str> = text.into();
        // Interpolated literals inside get ids after it.
        shared.source_base = src_id as usize + 1;
        let parsed = parser::parse(
            &text,
            &mut shared,
            src_id,
            self.limits.depth.saturating_sub(self.depth),
        );
        let ast = match parsed {
            Ok(ast) => ast,
            Err(e) => {
                self.leave();
                let kind = if e.kind() == ErrorKind::Limit {
                    ErrorKind::Limit
                } else {
                    ErrorKind::Parse
                };
                return Err(self.at(
                    Error::new(kind, format!("in #evaluate: {}", e.message())),
                    n.range,
                    env,
                ));
            }
        };
        // New names and interpolated sources of the evaluated text.
        let known = self.c.names.len() + self.extra_names().len();
        for name in &shared.names[known.min(shared.names.len())..] {
            let _ = self.sym(name);
        }
        for s in &shared.sources {
            self.heap.add_source(Cow::Owned(s.to_string()));
        }
        let dynamic = Arc::new(Dynamic { ast });
        self.rare().dynamics.push(dynamic.clone());
        self.register_macros(&dynamic.ast.root, src_id);
        let inner = Env {
            frame: env.frame,
            src: src_id,
        };
        let r = self.render_block(&dynamic.ast.root, inner, out);
        self.leave();
        match r? {
            Flow::BreakNearest | Flow::Stop => Ok(Flow::Normal),
            other => Ok(other),
        }
    }

    // ------------------------------------------------------------------ references

    /// `ASTReference.execute`: the value of `$a.b(c)[d]`, or null.
    ///
    /// The usual reference, a global variable's property (`$item.name`,
    /// `$foreach.hasNext`), is read here, inlined in the callers; the others
    /// in [`Ctx::eval_reference_general`] (which reads these the same way).
    #[inline(always)]
    pub(crate) fn eval_reference(&mut self, r: &Reference, env: Env) -> Result<Value> {
        if let Some(Modifier::Property { name, hint, .. }) = r.chain.only()
            && self.plain_read(r, env)
        {
            match self.vars.get(r.root as usize) {
                Some(Some(Value::Map(id))) => {
                    let id = *id;
                    if let Some(key) = self.template_name(*name)
                        && key != "class"
                        && key != "Class"
                    {
                        self.step()?;
                        let mut h = hint.get();
                        let found = self.heap.map_get_str_hinted(id, key, &mut h);
                        hint.set(h);
                        return Ok(match found {
                            Some(v) if !v.is_null() => v,
                            _ => Value::Str(Str::EMPTY),
                        });
                    }
                }
                Some(Some(Value::Host(Host::Foreach(id)))) if *name == sym::HAS_NEXT => {
                    let id = *id;
                    self.step()?;
                    return Ok(Value::Bool(self.loops[id as usize].has_next));
                }
                _ => {}
            }
        }
        // A variable (`$t` of `#foreach($t in ...)`): its value, as `get_var`
        // reads it (the general path would also give null for null).
        if r.chain.is_empty()
            && self.plain_read(r, env)
            && let Some(Some(v)) = self.vars.get(r.root as usize)
        {
            return Ok(*v);
        }
        self.eval_reference_general(r, env)
    }

    #[inline(never)]
    fn eval_reference_general(&mut self, r: &Reference, env: Env) -> Result<Value> {
        if r.kind == RefKind::Runt {
            return Ok(Value::Null);
        }
        let mut v = self.get_var(r.root, env)?;
        if v.is_null() {
            return Ok(Value::Null);
        }
        for m in &r.chain {
            v = match (v, m) {
                // The usual steps, without the general dispatch: a map's
                // property and `$foreach`'s (as `apply_modifier` does them).
                (Value::Map(id), Modifier::Property { name, hint, .. }) => {
                    let Some(name) = self.template_name(*name) else {
                        v = self.apply_modifier(v, m, env)?;
                        continue;
                    };
                    if name == "class" || name == "Class" {
                        v = self.apply_modifier(v, m, env)?;
                        continue;
                    }
                    self.step()?;
                    let mut h = hint.get();
                    let found = self.heap.map_get_str_hinted(id, name, &mut h);
                    hint.set(h);
                    match found {
                        Some(v) if !v.is_null() => v,
                        _ => Value::Str(Str::EMPTY),
                    }
                }
                (Value::Host(Host::Foreach(id)), Modifier::Property { name, .. }) => {
                    if *name == sym::HAS_NEXT {
                        // (`foreach_property(id, "hasNext")`, by its fixed symbol.)
                        self.step()?;
                        v = Value::Bool(self.loops[id as usize].has_next);
                        continue;
                    }
                    let Some(name) = self.template_name(*name) else {
                        v = self.apply_modifier(v, m, env)?;
                        continue;
                    };
                    self.step()?;
                    match self.foreach_property(id, name) {
                        Some(v) if !v.is_null() => v,
                        _ => Value::Str(Str::EMPTY),
                    }
                }
                // `$list.size()`: what `apply_modifier` and `call` do for it,
                // without the method's look-up: every list kind's `size()`
                // (`ArrayList`, `JSONArray`, the key, value and entry views
                // of a map, and the arrays', through Velocity's
                // `ArrayListWrapper`) is the item count, `invoke_list`'s.
                (Value::List(id), Modifier::Method { name, args, range })
                    if args.is_empty() && self.template_name(*name) == Some("size") =>
                {
                    self.step()?;
                    let n = self.heap.list(id).items.len() as i32;
                    // (`call`'s checks after a call, for their errors' order.)
                    self.check_work()
                        .and_then(|()| self.check_strings())
                        .and_then(|()| self.check_memory())
                        .map_err(|e| self.at(e, *range, env))?;
                    Value::Int(n)
                }
                (
                    Value::Host(Host::Input),
                    Modifier::Method {
                        name: sym::PATH,
                        args,
                        range,
                    },
                ) => match &args[..] {
                    [Expr::Str(lit)] if lit.interpolated.is_none() => {
                        self.input_path(lit, *range, env)?
                    }
                    _ => self.apply_modifier(v, m, env)?,
                },
                _ => self.apply_modifier(v, m, env)?,
            };
            if v.is_null() {
                return Ok(Value::Null);
            }
        }
        Ok(v)
    }

    /// `$input.path('literal')`: what `apply_modifier` and `call` do for it,
    /// in their order, without their dispatch on the method's name.
    fn input_path(&mut self, lit: &StringLit, range: Range, env: Env) -> Result<Value> {
        self.step()?;
        // (A literal without `$` or `#` is a string: the other arm is never taken.)
        let Value::Str(p) = self.eval_string(lit, env)? else {
            return Ok(Value::Null);
        };
        let r = (|| {
            let v = self.read_path(p)?;
            self.check_strings()?;
            self.check_memory()?;
            Ok(v)
        })();
        match r {
            Ok(v) if !v.is_null() => Ok(v),
            Ok(_) => Ok(Value::Str(Str::EMPTY)),
            Err(e) => Err(self.at(e, range, env)),
        }
    }

    /// A name of the template itself (`None` for names `#evaluate` added).
    #[inline]
    fn template_name(&self, sym: Sym) -> Option<&'a str> {
        let c: &'a Compiled = self.c;
        c.names.get(sym as usize).map(|n| &n[..])
    }

    fn apply_modifier(&mut self, target: Value, m: &Modifier, env: Env) -> Result<Value> {
        self.step()?;
        match m {
            Modifier::Property { name, range, hint } => {
                let name = self.name_cow(*name);
                // Fast path: a map's property other than `class` is `get(name)`.
                if let Value::Map(id) = target
                    && name != "class"
                    && name != "Class"
                {
                    let mut h = hint.get();
                    let v = self.heap.map_get_str_hinted(id, &name, &mut h);
                    hint.set(h);
                    return Ok(match v {
                        Some(v) if !v.is_null() => v,
                        _ => Value::Str(Str::EMPTY),
                    });
                }
                let v = self
                    .property(target, &name, env)
                    .map_err(|e| self.at(e, *range, env))?;
                // The oracle's introspector: a missing or null property reads as "".
                Ok(match v {
                    Some(v) if !v.is_null() => v,
                    _ => Value::Str(Str::EMPTY),
                })
            }
            Modifier::Method { name, args, range } => {
                // Arguments on the stack for the usual few (no allocation per call).
                let mut few = [Value::Null; 4];
                let mut many = Vec::new();
                let values: &[Value] = if args.len() <= few.len() {
                    for (slot, a) in few.iter_mut().zip(args) {
                        *slot = self.eval(a, env)?;
                    }
                    &few[..args.len()]
                } else {
                    for a in args {
                        many.push(self.eval(a, env)?);
                    }
                    &many
                };
                let name = self.name_cow(*name);
                self.call(target, &name, values, env)
                    .map_err(|e| self.at(e, *range, env))
            }
            Modifier::Index { arg, range } => {
                let a = self.eval(arg, env)?;
                let r = (|| {
                    let a = self.adjust_negative_index(target, a)?;
                    self.call(target, "get", &[a], env)
                })();
                r.map_err(|e| self.at(e, *range, env))
            }
        }
    }

    /// `ASTIndex.adjMinusIndexArg`: `$list[-1]` is `$list[$list.size() - 1]`.
    fn adjust_negative_index(&mut self, target: Value, arg: Value) -> Result<Value> {
        if let Value::Int(i) = arg
            && i < 0
        {
            let size = self.call(
                target,
                "size",
                &[],
                Env {
                    frame: None,
                    src: 0,
                },
            )?;
            return match size {
                Value::Int(n) => Ok(Value::Int(n.wrapping_add(i))),
                _ => Err(Error::eval(format!(
                    "a size() method is required for the negative index {i}"
                ))),
            };
        }
        Ok(arg)
    }

    /// Calls a method as the oracle's introspector does: a method that does
    /// not exist, returns null or returns nothing reads as "".
    fn call(&mut self, target: Value, name: &str, args: &[Value], env: Env) -> Result<Value> {
        let r = match target {
            Value::Host(h) if !matches!(h, Host::Class(_) | Host::Iter(_)) => {
                self.call_host(h, name, args, env)?
            }
            _ => {
                if let Some(v) = self.call_special(target, name, args, env)? {
                    Some(v)
                } else {
                    // A collection can double in one call (`$l.addAll($l)`):
                    // refuse a call whose copying would pass the memory
                    // limit, and count what the receiver grew by.
                    let before = self.heap.collection_bytes(target);
                    if matches!(
                        name,
                        "addAll"
                            | "putAll"
                            | "toArray"
                            | "subList"
                            | "keySet"
                            | "values"
                            | "entrySet"
                            | "containsAll"
                            | "removeAll"
                            | "retainAll"
                    ) {
                        let copied = before
                            + args
                                .iter()
                                .map(|a| self.heap.collection_bytes(*a))
                                .sum::<usize>();
                        self.check_memory_with(copied)?;
                    }
                    let r = crate::java::methods::call_method(
                        &mut self.heap,
                        target,
                        name,
                        args,
                        &mut self.regexes,
                    );
                    let after = self.heap.collection_bytes(target);
                    self.heap.resized(before, after);
                    self.check_work()?;
                    match r {
                        Ok(crate::java::methods::Call::Value(v)) => Some(v),
                        Ok(_) => None,
                        Err(e) => return Err(java_error(e)),
                    }
                }
            }
        };
        self.check_strings()?;
        self.check_memory()?;
        Ok(match r {
            Some(v) if !v.is_null() => v,
            _ => Value::Str(Str::EMPTY),
        })
    }

    /// Methods whose result needs the evaluator (`toString` of a block).
    fn call_special(
        &mut self,
        target: Value,
        name: &str,
        args: &[Value],
        env: Env,
    ) -> Result<Option<Value>> {
        let _ = (target, name, args, env);
        Ok(None)
    }

    /// A property (`$a.b`); `None` when it does not exist.
    fn property(&mut self, target: Value, name: &str, env: Env) -> Result<Option<Value>> {
        match target {
            Value::Host(h) if !matches!(h, Host::Class(_) | Host::Iter(_)) => {
                self.property_host(h, name, env)
            }
            _ => {
                crate::java::methods::get_property(&mut self.heap, target, name).map_err(java_error)
            }
        }
    }

    fn property_host(&mut self, h: Host, name: &str, env: Env) -> Result<Option<Value>> {
        match h {
            Host::Input => Ok(match name {
                "body" => Some(Value::Str(self.heap.body_str(0, self.heap.body().len()))),
                _ => None,
            }),
            Host::Util => Ok(None),
            Host::Foreach(id) => Ok(self.foreach_property(id, name)),
            Host::Class(c) => Ok(match name {
                "name" => Some(self.heap.string(c.name())),
                "simpleName" => Some(self.heap.string(c.simple_name())),
                _ => None,
            }),
            Host::Block(_) => {
                let _ = env;
                Ok(None)
            }
            Host::Iter(_) => Ok(None),
        }
    }

    fn foreach_property(&self, id: u32, name: &str) -> Option<Value> {
        let s = self.loops[id as usize];
        Some(match name {
            "index" => Value::Int(s.index),
            "count" => Value::Int(s.index + 1),
            "hasNext" => Value::Bool(s.has_next),
            "first" => Value::Bool(s.index < 1),
            "last" => Value::Bool(!s.has_next),
            "parent" => return s.parent.map(|p| Value::Host(Host::Foreach(p))),
            "topmost" => {
                let mut cur = id;
                while let Some(p) = self.loops[cur as usize].parent {
                    cur = p;
                }
                Value::Host(Host::Foreach(cur))
            }
            "replaced" => return self.replaced_of(id),
            "class" => Value::Host(Host::Class(crate::value::JavaClass::Foreach)),
            _ => return None,
        })
    }

    fn call_host(
        &mut self,
        h: Host,
        name: &str,
        args: &[Value],
        env: Env,
    ) -> Result<Option<Value>> {
        if host_arity_error(h, name, args) {
            return Err(java_error(crate::java::methods::wrong_arity()));
        }
        match h {
            Host::Input => input::call_input(self, name, args),
            Host::Util => input::call_util(self, name, args),
            Host::Foreach(id) => {
                let s = self.loops[id as usize];
                Ok(match (name, args.len()) {
                    ("getIndex", 0) => Some(Value::Int(s.index)),
                    ("getCount", 0) => Some(Value::Int(s.index + 1)),
                    ("hasNext" | "getHasNext", 0) => Some(Value::Bool(s.has_next)),
                    ("isFirst" | "getFirst", 0) => Some(Value::Bool(s.index < 1)),
                    ("isLast" | "getLast", 0) => Some(Value::Bool(!s.has_next)),
                    ("getParent", 0) => s.parent.map(|p| Value::Host(Host::Foreach(p))),
                    ("getTopmost", 0) => self.foreach_property(id, "topmost"),
                    ("getReplaced", 0) => self.replaced_of(id),
                    ("size", 0) => Some(Value::Int(0)),
                    ("isEmpty", 0) => Some(Value::Bool(true)),
                    ("toString", 0) => Some(self.heap.string("{}")),
                    ("getClass", 0) => {
                        Some(Value::Host(Host::Class(crate::value::JavaClass::Foreach)))
                    }
                    _ => None,
                })
            }
            Host::Class(c) => Ok(match (name, args.len()) {
                ("getName" | "getTypeName" | "getCanonicalName", 0) => {
                    Some(self.heap.string(c.name()))
                }
                ("getSimpleName", 0) => Some(self.heap.string(c.simple_name())),
                ("toString", 0) => {
                    let s = format!("class {}", c.name());
                    Some(self.heap.string(&s))
                }
                _ => None,
            }),
            Host::Block(id) => Ok(match (name, args.len()) {
                ("toString", 0) => {
                    let mut s = String::new();
                    if self.render_block_ref(id, env, &mut s)? {
                        Some(self.heap.string(&s))
                    } else {
                        None
                    }
                }
                _ => None,
            }),
            Host::Iter(_) => Ok(None),
        }
    }

    // ------------------------------------------------------------------ expressions

    /// An expression's value (Velocity's `value()`); may be null.
    pub(crate) fn eval(&mut self, e: &Expr, env: Env) -> Result<Value> {
        ops::value(self, e, env)
    }

    /// A string literal's value, interpolated when it holds `$` or `#`.
    pub(crate) fn eval_string(&mut self, s: &StringLit, env: Env) -> Result<Value> {
        match &s.interpolated {
            None => Ok(Value::Str(match &s.text {
                Text::Source(r) => Str::new(StrBase::Source(env.src), r.start, r.end - r.start),
                Text::Owned(t) => self.heap.alloc_str(t),
            })),
            Some(i) => {
                self.enter(s.range, env)?;
                let mut buf = String::new();
                let inner = Env {
                    frame: env.frame,
                    src: i.source_id,
                };
                let r = self.render_block(&i.ast.root, inner, &mut buf);
                self.leave();
                r?;
                if i.padded && !buf.is_empty() {
                    buf.pop();
                }
                let v = self.heap.string(&buf);
                self.check_strings()?;
                Ok(v)
            }
        }
    }

    // ------------------------------------------------------------------ the end

    /// The status override, returned, and the header and request overrides,
    /// into `extra` (made when there is one).
    fn finish(&mut self, extra: &mut Option<Overrides>) -> Result<Option<i32>> {
        self.check_work()?;
        let ctx_map = match self.context_map {
            Value::Map(m) => m,
            _ => unreachable!("context is a map"),
        };
        // `build_context` put the two override maps last, where they stay
        // unless a template removes them: their positions are the hints (a
        // missed hint falls back to a search).
        let n = self.context_len;
        let response =
            self.heap
                .map_get_str_hinted(ctx_map, "responseOverride", &mut n.wrapping_sub(2));
        let request =
            self.heap
                .map_get_str_hinted(ctx_map, "requestOverride", &mut n.wrapping_sub(1));
        // (Looked for only when some override map recorded a repeated key.)
        if self.heap.override_repeated() {
            for root in [response, request].into_iter().flatten() {
                if let Some(twice) = self.repeated_override(root) {
                    return Err(Error::eval(format!(
                        "the override `{twice}` was set more than once; API Gateway allows each override once"
                    )));
                }
            }
        }
        let mut code = None;
        if let Some(Value::Map(ro)) = response {
            let (status, header) = self.status_and_header(ro);
            if let Some(status) = status {
                code = self.to_status(status);
            }
            if let Some(Value::Map(h)) = header
                && !self.heap.map(h).entries.is_empty()
            {
                let entries = self.heap.map(h).entries.clone();
                for (k, v) in entries {
                    if k.is_null() || v.is_null() {
                        continue;
                    }
                    let k = self.display(k)?;
                    let v = self.display(v)?;
                    let x = extra.get_or_insert_with(Overrides::default);
                    x.headers.insert(k, v);
                }
            }
        }
        if let Some(Value::Map(rq)) = request {
            self.request_override(rq, extra)?;
        }
        Ok(code)
    }

    /// `responseOverride`'s `status` and `header` values. The map is usually
    /// small (`header`, and `status` when set): one pass finds both, where a
    /// missing `status` was a search of its own.
    fn status_and_header(&self, ro: crate::value::MapId) -> (Option<Value>, Option<Value>) {
        let entries = &self.heap.map(ro).entries;
        if entries.len() > 8 {
            // `build_context` put `header` first; a template's `status` is
            // usually the second entry (the hints; a miss searches).
            return (
                self.heap.map_get_str_hinted(ro, "status", &mut 1),
                self.heap.map_get_str_hinted(ro, "header", &mut 0),
            );
        }
        let (mut status, mut header) = (None, None);
        for (k, v) in entries {
            if let Value::Str(s) = k
                && s.len == 6
            {
                match self.heap.str_bytes(*s) {
                    b"status" => status = status.or(Some(*v)),
                    b"header" => header = header.or(Some(*v)),
                    _ => {}
                }
            }
        }
        (status, header)
    }

    /// An override's key or value as the text API Gateway sends. All of them
    /// together may be at most as large as the output (a thousand headers of
    /// a 30 MB string are 30 GB of copies).
    fn display(&mut self, v: Value) -> Result<String> {
        let env = Env {
            frame: None,
            src: 0,
        };
        let s = self.string_of(v, env)?;
        self.override_bytes += s.len as usize;
        if self.override_bytes > self.limits.output_bytes {
            return Err(Error::limit(format!(
                "the overrides (headers, query string and path values) are larger than {} bytes",
                self.limits.output_bytes
            )));
        }
        Ok(self.heap.str(s).to_string())
    }

    fn repeated_override(&self, v: Value) -> Option<String> {
        let Value::Map(m) = v else { return None };
        let map = self.heap.map(m);
        if let Some(k) = map.repeated {
            return Some(crate::value::print::java_string(&self.heap, k).unwrap_or_default());
        }
        for (_, child) in &map.entries {
            if let Value::Map(c) = child {
                let cm = self.heap.map(*c);
                if cm.kind == MapKind::Override
                    && let Some(k) = cm.repeated
                {
                    return Some(
                        crate::value::print::java_string(&self.heap, k).unwrap_or_default(),
                    );
                }
            }
        }
        None
    }

    /// `responseOverride.status` as a status code: a whole number, or a
    /// string of digits; anything else is not a status.
    fn to_status(&self, v: Value) -> Option<i32> {
        match v {
            Value::Int(i) => Some(i),
            Value::Long(l) => Some(l as i32),
            Value::Double(d) if d.is_finite() && d == d.trunc() => Some(d as i64 as i32),
            Value::Float(f) if f.is_finite() && f == f.trunc() => Some(f as i64 as i32),
            Value::BigInt(id) => self.heap.big(id).parse::<i128>().ok().map(|i| i as i32),
            Value::BigDec(id) => {
                let d: f64 = self.heap.big(id).parse().ok()?;
                (d == d.trunc()).then_some(d as i64 as i32)
            }
            Value::Str(s) => {
                let t = self.heap.str(s).trim_matches(|c: char| c <= ' ');
                let digits = t.strip_prefix('-').unwrap_or(t);
                if !digits.is_empty()
                    && digits.len() <= 9
                    && digits.bytes().all(|b| b.is_ascii_digit())
                {
                    t.parse().ok()
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Fills `extra`'s request overrides (made at the first one).
    fn request_override(
        &mut self,
        rq: crate::value::MapId,
        extra: &mut Option<Overrides>,
    ) -> Result<()> {
        // The parts with entries, found in one pass over the (small) map.
        let mut parts: [Option<crate::value::MapId>; 3] = [None; 3];
        let entries = &self.heap.map(rq).entries;
        if entries.len() > 8 {
            // `build_context`'s positions of the parts are the hints.
            for (i, (part, mut hint)) in [("header", 1), ("path", 0), ("querystring", 2)]
                .into_iter()
                .enumerate()
            {
                if let Some(Value::Map(m)) = self.heap.map_get_str_hinted(rq, part, &mut hint) {
                    parts[i] = Some(m);
                }
            }
        } else {
            for (k, v) in entries {
                // (Empty parts, the usual case, are passed over before their
                // keys are compared.)
                if let (Value::Str(s), Value::Map(m)) = (k, v)
                    && !self.heap.map(*m).entries.is_empty()
                {
                    let i = match self.heap.str_bytes(*s) {
                        b"header" => 0,
                        b"path" => 1,
                        b"querystring" => 2,
                        _ => continue,
                    };
                    if parts[i].is_none() {
                        parts[i] = Some(*m);
                    }
                }
            }
        }
        // (Most templates set no request override: then there is no loop.)
        if parts == [None; 3] {
            return Ok(());
        }
        // The parts by position: 0 `header`, 1 `path`, 2 `querystring`.
        for (part, m) in parts.into_iter().enumerate() {
            let Some(m) = m else {
                continue;
            };
            if self.heap.map(m).entries.is_empty() {
                continue;
            }
            let entries = self.heap.map(m).entries.clone();
            for (k, v) in entries {
                if k.is_null() || v.is_null() {
                    continue;
                }
                let key = self.display(k)?;
                let values = match v {
                    Value::List(l) => {
                        let items = self.heap.list(l).items.clone();
                        let mut out = Vec::new();
                        for i in items {
                            out.push(self.display(i)?);
                        }
                        out
                    }
                    v => vec![self.display(v)?],
                };
                let ro = &mut extra.get_or_insert_with(Overrides::default).request;
                match part {
                    0 => {
                        ro.header.insert(key, values);
                    }
                    2 => {
                        ro.querystring.insert(key, values);
                    }
                    _ => {
                        ro.path.insert(key, values.join(","));
                    }
                }
            }
        }
        Ok(())
    }
}

/// What a `#foreach` iterates over.
enum ItemIter {
    Range {
        next: i32,
        last: i32,
        done: bool,
    },
    List {
        id: crate::value::ListId,
        pos: usize,
        len: usize,
    },
    MapValues {
        id: crate::value::MapId,
        pos: usize,
        len: usize,
    },
    Iter(u32),
}

/// A list changed while `#foreach` iterated over it.
#[cold]
fn concurrent_list_change() -> Error {
    Error::eval(
        "java.util.ConcurrentModificationException: the list changed while #foreach iterated over it",
    )
}

/// A Java exception thrown by a method: the template fails.
pub(crate) fn java_error(e: crate::java::JavaException) -> Error {
    Error::eval(format!("{}: {}", e.class, e.message))
}

/// Whether `h.name(args)` finds only a method without parameters, which
/// Velocity 1.7 takes for a call with arguments and reflection then refuses
/// (see `java::methods::arity`): `$input.params(1)`, `$util.toString(1)`,
/// `$foreach.hasNext(1)` are errors.
fn host_arity_error(h: Host, name: &str, args: &[Value]) -> bool {
    if args.is_empty() {
        return false;
    }
    let object = matches!(
        name,
        "getClass" | "hashCode" | "toString" | "notify" | "notifyAll"
    );
    match h {
        Host::Input => match name {
            "getBody" => true,
            // `params(String)` takes one String (or null) argument.
            "params" => !matches!(args, [Value::Str(_) | Value::Null]),
            _ => object,
        },
        Host::Util => object,
        // Velocity 1.7's ForeachScope (a Scope, an AbstractMap).
        Host::Foreach(_) => {
            object
                || matches!(
                    name,
                    "getIndex"
                        | "getCount"
                        | "hasNext"
                        | "getHasNext"
                        | "isFirst"
                        | "getFirst"
                        | "isLast"
                        | "getLast"
                        | "getParent"
                        | "getTopmost"
                        | "getReplaced"
                        | "getInfo"
                        | "size"
                        | "isEmpty"
                        | "keySet"
                        | "values"
                        | "entrySet"
                        | "clear"
                )
        }
        Host::Class(_) | Host::Block(_) | Host::Iter(_) => false,
    }
}

/// The range of a [`Node::SourceText`] (or of a [`Node::ShortText`]'s text).
fn source_text_range(start: u32, text: &str) -> Range {
    Range {
        start,
        end: start.saturating_add(text.len() as u32),
    }
}

/// The template range of a node, where it has one.
fn node_range(node: &Node) -> Option<Range> {
    Some(match node {
        Node::Text(Text::Source(r)) => *r,
        Node::SourceText { start, text } => source_text_range(*start, text),
        Node::ShortText { start, text } => source_text_range(*start, short_text(text)),
        Node::Reference(r) => r.range,
        Node::UtilCall(u, _) => u.reference.range,
        Node::Set(n) => n.range,
        Node::If(n) => n.range,
        Node::Foreach(n) => n.range,
        Node::MacroCall(n) => n.range,
        Node::Evaluate(n) | Node::Break(n) | Node::Include(n) => n.range,
        Node::Stop(r) => *r,
        _ => return None,
    })
}

#[cfg(test)]
mod macro_walk_tests {
    use crate::api::{Invocation, Limits, Template};

    /// Templates whose macros are defined in nested places render them
    /// (outputs from Velocity 1.7), and `defines_macros` sees them.
    #[test]
    fn macros_found_where_defined() {
        let cases = [
            ("x", false, "x"),
            ("#if(false)#macro(m)X#end#end#m()", true, "X"),
            ("#set($s = \"#macro(n)Y#end\")#n()", true, "Y"),
            (
                "#foreach($i in [1])#end#macro(k $a)[$a]#end#k(2)",
                true,
                "[2]",
            ),
        ];
        for (src, defines, out) in cases {
            let c = crate::compiler::compile(src, &Limits::default()).expect(src);
            assert_eq!(super::defines_macros(&c), defines, "{src}");
            assert_eq!(c.defines_macros, defines, "{src}");
            let t = Template::parse(src).expect(src);
            let r = t.render(&Invocation::with_body("{}")).expect(src);
            assert_eq!(r.body, out, "{src}");
        }
    }
}

#[cfg(test)]
mod override_tests {
    use crate::api::{Invocation, Template};

    fn render(src: &str) -> crate::error::Result<crate::api::Rendered> {
        Template::parse(src)
            .expect(src)
            .render(&Invocation::with_body("{}"))
    }

    /// API Gateway allows each override once (spec/apigw-semantics.md:
    /// "Overrides are final"): a second assignment fails the render.
    #[test]
    fn an_override_assigned_twice_fails() {
        for src in [
            "#set($context.responseOverride.status = 201)#set($context.responseOverride.status = 202)x",
            "#set($context.responseOverride.header.A = \"1\")#set($context.responseOverride.header.A = \"2\")x",
            "#set($context.requestOverride.path.p = \"1\")#set($context.requestOverride.path.p = \"2\")x",
            "#set($context.requestOverride.querystring.q = \"1\")#set($context.requestOverride.querystring.q = \"2\")x",
        ] {
            let e = render(src).expect_err(src);
            assert!(e.to_string().contains("more than once"), "{src}: {e}");
        }
    }

    #[test]
    fn overrides_assigned_once_are_returned() {
        let r = render(
            "#set($context.responseOverride.status = 201)#set($context.responseOverride.header.A = \"1\")#set($context.requestOverride.path.p = \"v\")#set($context.requestOverride.header.h = \"w\")#set($context.requestOverride.querystring.q = \"z\")x",
        )
        .expect("renders");
        assert_eq!(r.body, "x");
        assert_eq!(r.status, Some(201));
        assert_eq!(r.headers.get("A").map(String::as_str), Some("1"));
        assert_eq!(
            r.request_override.path.get("p").map(String::as_str),
            Some("v")
        );
        assert_eq!(
            r.request_override.header.get("h"),
            Some(&vec!["w".to_string()])
        );
        assert_eq!(
            r.request_override.querystring.get("q"),
            Some(&vec!["z".to_string()])
        );
        let r = render("x").expect("renders");
        assert_eq!((r.status, r.headers.len()), (None, 0));
        assert!(r.request_override.is_empty());
    }
}

#[cfg(test)]
mod trace_tests {
    use crate::api::{Invocation, Template};
    use crate::compiler::ast::SHORT_TEXT;

    fn render(src: &str) -> crate::error::Result<crate::api::Rendered> {
        Template::parse(src)
            .expect(src)
            .render(&Invocation::with_body("{}"))
    }

    /// Each output byte is traced to the template text that wrote it, in
    /// nested blocks too (a loop's body, an `#if` branch of one text node and
    /// one of several nodes).
    #[test]
    fn output_bytes_traced_to_their_template_text() {
        let src = "ab#foreach($i in [1, 2])-$i#end;#if(true)x#end#if(true)y$util.escapeJavaScript('z')#end";
        let t = Template::parse(src).expect("parses");
        let (r, trace) = t
            .render_traced(&Invocation::with_body("{}"))
            .expect("renders");
        assert_eq!(r.body, "ab-1-2;xyz");
        let origins: Vec<&str> = (0..r.body.len())
            .map(|at| {
                let (start, end) = trace.source_range(at).expect("traced");
                &src[start..end]
            })
            .collect();
        let util = "$util.escapeJavaScript('z')";
        assert_eq!(
            origins,
            ["ab", "ab", "-", "$i", "-", "$i", ";", "x", "y", util]
        );
    }

    /// Texts of every length around [`SHORT_TEXT`] (written from their
    /// padded copies below it), with characters of 1 to 4 bytes at their
    /// ends, in a loop and in `#if` branches.
    #[test]
    fn texts_of_every_length_render_as_written() {
        for len in 1..=2 * SHORT_TEXT + 1 {
            for last in ["x", "é", "日", "\u{1F600}"] {
                let text: String = "ab-".chars().cycle().take(len).collect::<String>() + last;
                let src = format!(
                    "{text}$x#foreach($i in [1, 2])#if($i == 2){text}#{{else}}{text}$i#{{end}}#{{end}}{text}"
                );
                let want = format!("{text}{text}1{text}{text}");
                assert_eq!(render(&src).expect(&src).body, want, "{src}");
            }
        }
    }

    /// The output limit hit at a short text points at that text.
    #[test]
    fn the_output_limit_points_at_the_short_text_that_passed_it() {
        let limits = crate::api::Limits {
            output_bytes: 10,
            ..Default::default()
        };
        let t = Template::parse_with("#foreach($i in [1..3])ab-cd#end", limits).expect("parses");
        let e = t.render(&Invocation::with_body("{}")).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Limit);
        assert_eq!(e.message(), "the output is larger than 10 bytes");
        assert_eq!(e.line_col(), Some((1, 23)));
        let span = e.span().expect("a span");
        assert_eq!((span.offset, span.len), (22, 5));
    }
}

#[cfg(test)]
mod reference_node_tests {
    use crate::api::{Invocation, Template};

    /// Reference nodes of one property (read in `render_nodes` itself) and
    /// those that are not (escaped, with a prefix, on `$util`, `class`, in a
    /// macro, on a null loop element): outputs from Velocity 1.7 (the oracle).
    #[test]
    fn property_references_render_as_in_velocity() {
        let cases = [
            (
                r#"{"a": {"b": "x", "n": null, "d": 1.5, "i": 7}, "l": [null, {"b": "y"}]}"#,
                r"#set($m = $input.path('$.a'))[$m.b][$m.n][$!m.n][$m.zz][\$m.b][$m.d][$m.i]#foreach($e in $input.path('$.l'))[$e.b]#end",
                "[x][][][][$m.b][1.5][7][][y]",
            ),
            (
                r#"{"a": {"b": "x"}}"#,
                "#set($m = $input.path('$.a'))#macro(show $p)[$p.b][$m.b]#end#show($m)[$m.class.simpleName][$util.b][#$m.b][$$m.b]",
                "[x][x][LinkedHashMap][][#x][$x]",
            ),
        ];
        for (body, src, want) in cases {
            let t = Template::parse(src).expect(src);
            let r = t.render(&Invocation::with_body(body)).expect(src);
            assert_eq!(r.body, want, "{src}");
        }
    }
}

#[cfg(test)]
mod break_tests {
    use crate::api::{Invocation, Template};

    /// Each template renders (with an empty object as the body) as given.
    fn renders_as(cases: &[(&str, &str)]) {
        for &(src, want) in cases {
            let t = Template::parse(src).expect(src);
            let r = t.render(&Invocation::with_body("{}")).expect(src);
            assert_eq!(r.body, want, "{src}");
        }
    }

    /// A render's macros, `#define`d blocks and `#evaluate` names are kept
    /// (emptied) for the thread's next render: none of them leaks into it.
    #[test]
    fn rare_parts_do_not_outlive_their_render() {
        renders_as(&[
            ("#macro(m)M#end#m()#define($d)D#end$d", "MD"),
            ("#m()$d", "#m()"),
            ("#evaluate('#macro(e)E#end#set($zz = 1)')#e()$zz", "E1"),
            ("#e()$zz#macro(m)N#end#m()", "#e()N"),
            ("#evaluate('$zz#set($zz = 2)$zz')", "2"),
            (
                "#set($p = '$.a')[$input.path($p)]#set($p = '$')$input.path($p)",
                "[]{}",
            ),
            ("#set($p = '$.a')[$input.path($p)]", "[]"),
        ]);
    }

    /// The loop scopes' vector is kept (emptied) for the thread's next
    /// render: no scope of a render is seen by the next one.
    #[test]
    fn loop_scopes_do_not_outlive_their_render() {
        renders_as(&[
            (
                "#set($f = 0)#foreach($i in [1,2])#foreach($j in [1])#set($f = $foreach)#end#end$f.index $f.parent.count $foreach|",
                "0 2 |",
            ),
            ("$foreach|$f|$foreach.index|", "|||"),
            (
                "#foreach($i in [1,2,3])#end#foreach($k in [7])$foreach.count $foreach.parent|#end",
                "1 |",
            ),
            (
                "#set($foreach = 'x')#foreach($i in [1])$foreach.replaced#end$foreach",
                "xx",
            ),
            (
                "$foreach.replaced|#foreach($i in [1])$foreach.replaced#end",
                "|",
            ),
        ]);
    }

    /// `#break($foreach...)` ends the loop it names, through inner loops and
    /// macro calls (the loop's id waits in `Ctx::break_target` while the
    /// break goes up): outputs from Velocity 1.7 (the oracle).
    #[test]
    fn break_of_a_named_loop_ends_that_loop() {
        let cases = [
            (
                "#foreach($i in [1,2])#foreach($j in [1,2])#foreach($k in [1,2])#break($foreach.parent.parent)$k#end$j#end$i#end|",
                "|",
            ),
            (
                "#macro(m $s)#break($s)x#end#foreach($i in [1,2,3])#m($foreach)$i#end|",
                "|",
            ),
            (
                "#foreach($i in [1,2,3])#foreach($j in [1,2])#if($i == 2)#break($foreach.parent)#end$i$j #end#end|",
                "11 12 |",
            ),
        ];
        renders_as(&cases);
    }

    /// A range's bounds are the `intValue()` of each end (ints read at
    /// once, the other numbers through the method): the outputs of the
    /// code before the ints' shortcut (406a3f4), in both directions.
    #[test]
    fn range_bounds_are_int_values() {
        let cases = [
            ("#foreach($i in [1..3])$i,#end", "1,2,3,"),
            ("#foreach($i in [3..1])$i,#end", "3,2,1,"),
            ("#foreach($i in [-1..1])$i,#end", "-1,0,1,"),
            (
                "#set($a = 2)#set($b = 4)#foreach($i in [$a..$b])$i,#end",
                "2,3,4,",
            ),
            ("#set($d = 2.7)#foreach($i in [$d..4])$i,#end", "2,3,4,"),
            // (A Long's `intValue()` keeps its low 32 bits: 2^32 + 2 gives 2.)
            (
                "#set($l = 4294967298)#foreach($i in [1..$l])$i,#end",
                "1,2,",
            ),
            ("#set($s = '1')#foreach($i in [$s..2])$i,#end|", "|"),
            ("#set($r = [1..2])$r", "[1, 2]"),
        ];
        renders_as(&cases);
    }
    /// A loop's variables (`$velocityCount`, `$velocityHasNext`, the loop
    /// variable, `$foreach`) at each iteration and after the loop, written
    /// in their slots or (in a macro, or for a name `#evaluate` added)
    /// through `put_var`: the outputs of the code before the slots'
    /// single bounds check (406a3f4).
    #[test]
    fn loop_variables_in_and_after_loops() {
        let cases = [
            (
                "#foreach($i in [1,2])$velocityCount$velocityHasNext$i #end|$velocityCount|$i|",
                "1true1 2false2 |||",
            ),
            (
                "#foreach($a in [1,2])#foreach($b in [3,4])$velocityCount$foreach.index$foreach.parent.index$a$b #end$velocityCount$a;#end",
                "10013 21014 11;10123 21124 22;",
            ),
            (
                "#macro(m)#foreach($x in [1,2])$velocityCount$x$velocityHasNext #end#end#m()|$x|",
                "11true 22false ||",
            ),
            (
                "#evaluate('#foreach($zz in [1,2])$zz$velocityCount #end')|$zz|",
                "11 22 ||",
            ),
            ("#set($i = 7)#foreach($i in [1,$null,3])$i,#end$i", "1,,3,7"),
            // (All four defined before: read in their slots together.)
            (
                "#set($i = 'x')#set($velocityCount = 9)#set($velocityHasNext = 'h')#foreach($i in [1,2])#foreach($i in [3])$i$velocityCount$velocityHasNext#end$i$velocityCount$velocityHasNext;#end$i$velocityCount$velocityHasNext",
                "31false11true;31false22false;x9h",
            ),
            (
                "#set($foreach = 'f')#foreach($a in [1])#foreach($b in [2])$foreach.index#end$foreach.index#end$foreach",
                "00f",
            ),
        ];
        renders_as(&cases);
    }

    /// A loop whose body replaces `$foreach`, `$velocityCount` or the loop
    /// variable, or reads a null element, and the variables after it: the
    /// outputs of the code before the loop variables were written together
    /// (ee5fcea).
    #[test]
    fn loop_variables_replaced_in_the_body() {
        let cases = [
            (
                "#foreach($a in [1,2])#set($foreach = 'u')$foreach#end|$foreach|",
                "uu|u|",
            ),
            (
                "#foreach($a in [1,2])#foreach($b in [3])#set($foreach = 'u')#end$foreach.index#end|$foreach|",
                "|u|",
            ),
            (
                "#foreach($a in [1,2,3])#set($velocityCount = 'c')#set($a = 'z')$velocityCount$a$foreach.count#end|$velocityCount|$a|",
                "cz1cz2cz3|||",
            ),
            (
                "#set($n = 1)#foreach($a in [$null,2])#set($n = $a)[$a]$velocityHasNext#end|$a|$n|$velocityHasNext|",
                "[]true[2]false||2||",
            ),
            (
                "#macro(m $v)#foreach($t in $v)$t$velocityCount#if($foreach.hasNext),#end#end#end#foreach($a in [[1,2],[3]])#m($a);$velocityCount#end",
                "11,22;131;2",
            ),
            (
                "#foreach($a in [1,2])#foreach($b in [3,4])#set($foreach = $foreach.parent)$foreach.index#end$foreach.index;#end|$foreach|",
                "0;;||",
            ),
            (
                "#foreach($a in [1,2])#foreach($b in [3,4])#set($x = $foreach)#end$foreach.index$x.index$x.parent.index;#end$x.hasNext",
                "010;111;false",
            ),
        ];
        renders_as(&cases);
    }

    /// `#set` of a sum (stored in the variable's slot at once when both
    /// sides are Integers): overflow to a Long, strings, other numbers, a
    /// null sum (the variable keeps its value), in a macro, into a map: the
    /// outputs of the code before that shortcut (ee5fcea).
    #[test]
    fn set_of_a_sum() {
        let cases = [
            ("#set($n = 1)#set($n = $n + 1)$n", "2"),
            ("#set($n = 2147483647)#set($n = $n + 1)$n", "2147483648"),
            ("#set($n = -2147483648)#set($n = $n + -1)$n", "-2147483649"),
            ("#set($n = 'a')#set($n = $n + 1)$n", "a1"),
            ("#set($n = 1)#set($n = 1 + $n)#set($n = $n + 2.5)$n", "4.5"),
            ("#set($n = 5)#set($n = $m + 1)$n|$m", "1|"),
            ("#set($m = {})#set($n = 5)#set($n = $m.x + 1)$n", "1"),
            ("#set($n = 5)#set($n = [1] + 1)$n", "5"),
            ("#set($n = 5)#set($n = true + 1)$n", "5"),
            (
                "#macro(inc $v)#set($v = $v + 1)#set($w = $v + 1)$v,$w#end#set($x = 1)#inc($x)|$x|$w",
                "2,3|1|3",
            ),
            (
                "#set($m = {})#set($m.n = 1)#set($m.n = $m.n + 1)$m",
                "{n=2}",
            ),
            (
                "#foreach($i in [1..3])#set($s = $velocityCount + $i)$s,#end$s",
                "2,4,6,6",
            ),
        ];
        renders_as(&cases);
    }

    /// The step limit, hit at a loop's iteration, points at the loop.
    #[test]
    fn the_step_limit_in_a_loop_points_at_the_loop() {
        let limits = crate::api::Limits {
            steps: 20,
            ..Default::default()
        };
        let t = Template::parse_with("ab\n#foreach($i in [1..100])$i#end", limits).expect("parses");
        let e = t.render(&Invocation::with_body("{}")).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Limit);
        assert_eq!(
            e.message(),
            "the template took more than 20 evaluation steps"
        );
        assert_eq!(e.line_col(), Some((2, 1)));
    }
}
