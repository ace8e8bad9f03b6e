//! The syntax tree. Node names follow Velocity's (`ASTReference`,
//! `ASTSetDirective`, `ASTIfStatement`, ...), simplified where rendering
//! allows: comments, escapes and text blocks become [`Node::Text`].

/// A name interned in the template's symbol table (see [`Ast::names`]).
pub type Sym = u32;

/// A byte range `start..end` of the template source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Range {
    pub start: u32,
    pub end: u32,
}

impl Range {
    pub fn new(start: usize, end: usize) -> Range {
        Range {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// A parsed template (or the template inside an interpolated string literal).
#[derive(Clone, Debug, Default)]
pub struct Ast {
    pub root: Block,
    /// The source its ranges refer to (0: the template itself).
    pub source_id: u16,
}

pub type Block = Vec<Node>;

/// Text to write: a range of the source, or text the parser made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    Source(Range),
    Owned(Box<str>),
}

#[derive(Clone, Debug)]
pub enum Node {
    /// Plain text (`ASTText`, and the output of comments, escapes and `#[[ ]]#` blocks).
    Text(Text),
    /// `$a.b(c)[d]` (`ASTReference`).
    Reference(Box<Reference>),
    /// `#set($a = expr)` (`ASTSetDirective`).
    Set(Box<SetNode>),
    /// `#if ... #elseif ... #else ... #end` (`ASTIfStatement`).
    If(Box<IfNode>),
    /// `#foreach($i in expr) ... #end`.
    Foreach(Box<ForeachNode>),
    /// `#macro(name $a $b) ... #end`: registered before rendering starts.
    Macro(Box<MacroNode>),
    /// `#name(args)` or `#@name(args) ... #end`: a macro call, or text when
    /// no macro has that name.
    MacroCall(Box<MacroCallNode>),
    /// `#define($name) ... #end`.
    Define(Box<DefineNode>),
    /// `#evaluate(expr)`.
    Evaluate(Box<ArgsNode>),
    /// `#break` / `#break($scope)`.
    Break(Box<ArgsNode>),
    /// `#stop`.
    Stop(Range),
    /// `#include(...)` / `#parse(...)`: a template never reads files.
    Include(Box<ArgsNode>),
    /// `#literal() ... #end`: its block's source, unrendered.
    Literal(Box<Text>),
    /// A `Text::Source` of the template itself, copied out of the source by
    /// [`crate::compiler::compile`] (written without slicing the source on
    /// every render; nodes of the same text may share one copy). Its range
    /// is `start..start + text.len()`.
    SourceText {
        start: u32,
        text: std::sync::Arc<str>,
    },
    /// A [`Node::SourceText`] of fewer than [`SHORT_TEXT`] bytes, its copy
    /// padded to [`SHORT_TEXT`] bytes (see [`pad_short_text`]): written as a
    /// copy of that fixed size, then cut to the text's length, without a
    /// `memcpy` call. Its range is `start..start + short_text(text).len()`.
    ShortText {
        start: u32,
        text: std::sync::Arc<str>,
    },
    /// `$util.escapeJavaScript(arg)` / `$util.urlEncode(arg)` (without
    /// escapes or prefixes): a [`Node::Reference`] whose form
    /// [`crate::compiler::compile`] checked once.
    /// Beside it, the argument's form once the evaluator found it (kept in
    /// the node, which has room for it: in the boxed part, the allocation
    /// grew past its size class).
    UtilCall(Box<UtilCallNode>, UtilArgCache),
}

/// The size of a [`Node::ShortText`]'s padded text.
pub const SHORT_TEXT: usize = 32;

/// A text of 2 to [`SHORT_TEXT`] - 1 bytes padded to [`SHORT_TEXT`]
/// bytes: the text, spaces, and the text's length as the last byte (an
/// ASCII character, so the whole is UTF-8 and the text ends at a character
/// boundary). `None` for other texts (a single character is pushed as one).
pub fn pad_short_text(text: &str) -> Option<[u8; SHORT_TEXT]> {
    if text.len() < 2 || text.len() >= SHORT_TEXT {
        return None;
    }
    let mut padded = [b' '; SHORT_TEXT];
    padded[..text.len()].copy_from_slice(text.as_bytes());
    padded[SHORT_TEXT - 1] = text.len() as u8;
    Some(padded)
}

/// The text of a [`Node::ShortText`], from its padded copy.
pub fn short_text(padded: &str) -> &str {
    let n = padded.as_bytes().last().map_or(0, |&n| usize::from(n));
    padded.get(..n).unwrap_or(padded)
}

#[derive(Clone)]
pub struct UtilCallNode {
    /// The reference as parsed (rendered as such when `$util` is not the
    /// util object).
    pub reference: Reference,
    /// `sym::ESCAPE_JAVASCRIPT` or `sym::URL_ENCODE`.
    pub method: Sym,
    /// Where the property of a [`UtilArg::Property`] argument was last
    /// found (as the argument's own [`Hint`], which the general path uses).
    pub hint: Hint,
}

/// The form of a util call's argument, found once by the parser: the
/// evaluator reads the usual `$item.name` without taking the reference
/// apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UtilArg {
    /// `$var.name`: a computable reference (not a runt) whose only
    /// modifier is a property.
    Property { root: Sym, name: Sym },
    /// `$var`: a computable reference (not a runt) without modifiers.
    Var(Sym),
    /// Anything else.
    Other,
}

impl UtilArg {
    /// The form of `arg`.
    pub fn of(arg: &Expr) -> UtilArg {
        match arg {
            Expr::Ref(a) if a.computable && a.kind != RefKind::Runt => match a.chain.only() {
                Some(Modifier::Property { name, .. }) => UtilArg::Property {
                    root: a.root,
                    name: *name,
                },
                _ if a.chain.is_empty() => UtilArg::Var(a.root),
                _ => UtilArg::Other,
            },
            _ => UtilArg::Other,
        }
    }
}

/// A util call's [`UtilArg`], found the first time the call is rendered
/// and kept (a node is shared by the threads rendering its template, as a
/// [`Hint`] is). Found by the parser, it cost the parse of the 300 KB
/// benchmark template 0.2%: each util call's argument taken apart.
///
/// One word: the argument's root symbol in the high half, its property's
/// in the low half; a low half of `VAR` for a [`UtilArg::Var`], `OTHER`
/// for [`UtilArg::Other`] (and, with a root of all ones, while not found
/// yet). (A template's symbols are far fewer than these values.)
pub struct UtilArgCache(std::sync::atomic::AtomicU64);

impl UtilArgCache {
    const VAR: u32 = u32::MAX;
    const OTHER: u32 = u32::MAX - 1;
    /// `OTHER` with a root of all ones (an [`UtilArg::Other`] is kept with
    /// a root of 0).
    const UNKNOWN: u64 = (u32::MAX as u64) << 32 | Self::OTHER as u64;

    /// The form of `arg`, the argument of the call this cache is beside
    /// (found from it the first time). (The usual property is told apart
    /// with one test.)
    #[inline(always)]
    pub fn get<'e>(&self, arg: impl FnOnce() -> Option<&'e Expr>) -> UtilArg {
        let v = self.0.load(std::sync::atomic::Ordering::Relaxed);
        let (root, low) = ((v >> 32) as Sym, v as u32);
        if low < Self::OTHER {
            UtilArg::Property { root, name: low }
        } else if low == Self::VAR {
            UtilArg::Var(root)
        } else if v == Self::UNKNOWN {
            self.find(arg())
        } else {
            UtilArg::Other
        }
    }

    #[inline(never)]
    fn find(&self, arg: Option<&Expr>) -> UtilArg {
        let form = arg.map_or(UtilArg::Other, UtilArg::of);
        let (root, low) = match form {
            UtilArg::Property { root, name } if name < Self::OTHER => (root, name),
            // (A symbol that would read back as another form: not kept.)
            UtilArg::Property { .. } => return form,
            UtilArg::Var(root) => (root, Self::VAR),
            UtilArg::Other => (0, Self::OTHER),
        };
        let v = (u64::from(root) << 32) | u64::from(low);
        if v != Self::UNKNOWN {
            self.0.store(v, std::sync::atomic::Ordering::Relaxed);
        }
        form
    }
}

impl Default for UtilArgCache {
    fn default() -> UtilArgCache {
        UtilArgCache(std::sync::atomic::AtomicU64::new(Self::UNKNOWN))
    }
}

impl Clone for UtilArgCache {
    fn clone(&self) -> UtilArgCache {
        UtilArgCache(std::sync::atomic::AtomicU64::new(
            self.0.load(std::sync::atomic::Ordering::Relaxed),
        ))
    }
}

impl std::fmt::Debug for UtilArgCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UtilArgCache")
    }
}

impl UtilCallNode {
    /// The call's argument: the only argument of the reference's only
    /// method (kept there, not cloned out of it; always present in a node
    /// the compiler made).
    #[inline]
    pub fn arg(&self) -> Option<&Expr> {
        match self.reference.chain.only() {
            Some(Modifier::Method { args, .. }) => args.first(),
            _ => None,
        }
    }
}

/// Shown with its argument, as when the node held a copy of it.
impl std::fmt::Debug for UtilCallNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("UtilCallNode");
        d.field("reference", &self.reference)
            .field("method", &self.method);
        match self.arg() {
            Some(arg) => d.field("arg", arg),
            None => d.field("arg", &None::<Expr>),
        };
        d.finish()
    }
}

/// How a reference began (Velocity's `referenceType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// `$a`
    Normal,
    /// `${a}`
    Formal,
    /// `$!a`, `$!{a}`
    Quiet,
    /// A name without `$` (inside method arguments): evaluates to null.
    Runt,
}

/// Where a map property was last found (a per-node cache, as Velocity's
/// introspection cache): maps parsed from JSON usually share a key order.
#[derive(Debug, Default)]
pub struct Hint(std::sync::atomic::AtomicU32);

impl Hint {
    pub fn get(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Relaxed) as usize
    }

    pub fn set(&self, i: usize) {
        self.0.store(i as u32, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Clone for Hint {
    fn clone(&self) -> Hint {
        Hint(std::sync::atomic::AtomicU32::new(
            self.0.load(std::sync::atomic::Ordering::Relaxed),
        ))
    }
}

/// One step of a reference chain.
#[derive(Clone, Debug)]
pub enum Modifier {
    /// `.name` (`ASTIdentifier`)
    Property { name: Sym, range: Range, hint: Hint },
    /// `.name(args)` (`ASTMethod`)
    Method { name: Sym, args: Args, range: Range },
    /// `[arg]` (`ASTIndex`)
    Index { arg: Box<Expr>, range: Range },
}

/// A method's arguments. Most calls have at most one (`$input.path('$')`,
/// `$util.escapeJavaScript($x)`): it is kept inline then, so that parsing
/// such a call allocates no vector. Read it as a slice of expressions.
pub type Args = Inline<Expr>;

/// A reference's modifiers. Nearly every reference has at most one
/// (`$a.b`, `$util.f($x)`): it is kept inline then, so that parsing such a
/// reference allocates no vector. Read it as a slice of modifiers.
pub type Chain = Inline<Modifier>;

/// A list that keeps a single item inline (no allocation) and more in a
/// vector; read as a slice.
#[derive(Clone)]
pub struct Inline<T>(InlineRepr<T>);

impl<T> Default for Inline<T> {
    fn default() -> Self {
        Inline(InlineRepr::Empty)
    }
}

/// Shown as the list it stands for.
impl<T: std::fmt::Debug> std::fmt::Debug for Inline<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[derive(Clone, Debug)]
enum InlineRepr<T> {
    Empty,
    One(T),
    Many(Vec<T>),
}

impl<T> Inline<T> {
    /// The only item, when there is exactly one (what the slice pattern
    /// `[item]` matches): the usual inline item is found with one test,
    /// where making the slice first told the three forms apart (eight
    /// instructions, at every reference the evaluator reads).
    #[inline(always)]
    pub fn only(&self) -> Option<&T> {
        if let InlineRepr::One(item) = &self.0 {
            return Some(item);
        }
        self.only_slow()
    }

    #[inline(never)]
    fn only_slow(&self) -> Option<&T> {
        match &self.0 {
            InlineRepr::Many(v) if v.len() == 1 => v.first(),
            _ => None,
        }
    }

    /// The first item (`slice.first()`), the usual inline item with one test.
    #[inline(always)]
    pub fn first(&self) -> Option<&T> {
        if let InlineRepr::One(item) = &self.0 {
            return Some(item);
        }
        self.first_slow()
    }

    #[inline(never)]
    fn first_slow(&self) -> Option<&T> {
        match &self.0 {
            InlineRepr::Many(v) => v.first(),
            _ => None,
        }
    }

    /// Whether there is no item (`slice.is_empty()`), without making the slice.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            InlineRepr::Empty => true,
            InlineRepr::One(_) => false,
            InlineRepr::Many(v) => v.is_empty(),
        }
    }

    /// Adds an item (the first one inline, here; the others out of line).
    #[inline]
    pub fn push(&mut self, item: T) {
        if let InlineRepr::Empty = self.0 {
            // (Forgetting the `Empty` replaced, which owns nothing: an
            // assignment called the list's whole drop code on it.)
            std::mem::forget(std::mem::replace(&mut self.0, InlineRepr::One(item)));
        } else {
            self.push_more(item);
        }
    }

    #[inline(never)]
    fn push_more(&mut self, item: T) {
        match &mut self.0 {
            InlineRepr::Empty => self.0 = InlineRepr::One(item),
            InlineRepr::Many(v) => v.push(item),
            InlineRepr::One(_) => {
                if let InlineRepr::One(first) = std::mem::replace(&mut self.0, InlineRepr::Empty) {
                    let mut v = Vec::with_capacity(4);
                    v.push(first);
                    v.push(item);
                    self.0 = InlineRepr::Many(v);
                }
            }
        }
    }
}

impl<T> From<Vec<T>> for Inline<T> {
    fn from(v: Vec<T>) -> Inline<T> {
        Inline(InlineRepr::Many(v))
    }
}

impl<T> std::ops::Deref for Inline<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.0 {
            InlineRepr::Empty => &[],
            InlineRepr::One(item) => std::slice::from_ref(item),
            InlineRepr::Many(v) => v,
        }
    }
}

impl<'a, T> IntoIterator for &'a Inline<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[derive(Clone, Debug)]
pub struct Reference {
    pub range: Range,
    pub kind: RefKind,
    /// `\$a`: an odd number of backslashes; renders the reference's text.
    pub escaped: bool,
    /// False for `$\!a`-style references: they evaluate to null.
    pub computable: bool,
    /// The variable name (for a `Runt`, the text to write).
    pub root: Sym,
    pub chain: Chain,
    /// Velocity's "first token image" after `getRoot` trimmed its escapes and
    /// prefix (`$a`, `$!a`, `${`): where macro parameter names come from.
    pub first_token: Range,
    /// The prefixes and literal of a reference that has any (none for the
    /// usual `$a.b`: a reference stays small, and an `#set` or util call
    /// node that holds one fits in a small allocation).
    pub extra: Option<Box<RefExtra>>,
}

/// The rarely present texts of a [`Reference`].
#[derive(Clone, Debug, Default)]
pub struct RefExtra {
    /// Half the backslashes before `$`, written before the value.
    pub esc_prefix: Box<str>,
    /// Text before the last `$` of the first token (`#$a`, `$$a`), written before the value.
    pub more_prefix: Box<str>,
    /// The reference's text, as written when it is escaped (empty when not
    /// escaped: it is only needed then).
    pub literal: Box<str>,
}

impl Reference {
    /// Half the backslashes before `$`, written before the value.
    #[inline]
    pub fn esc_prefix(&self) -> &str {
        self.extra.as_ref().map_or("", |x| &x.esc_prefix)
    }

    /// Text before the last `$` of the first token (`#$a`, `$$a`).
    #[inline]
    pub fn more_prefix(&self) -> &str {
        self.extra.as_ref().map_or("", |x| &x.more_prefix)
    }

    /// The reference's text, as written when it is escaped.
    #[inline]
    pub fn literal(&self) -> &str {
        self.extra.as_ref().map_or("", |x| &x.literal)
    }
}

#[derive(Clone, Debug)]
pub struct SetNode {
    pub range: Range,
    pub lhs: Reference,
    pub rhs: Expr,
}

#[derive(Clone, Debug)]
pub struct IfNode {
    pub range: Range,
    /// The `#if` and each `#elseif`: condition and block.
    pub branches: Vec<(Expr, Block)>,
    pub otherwise: Option<Block>,
}

#[derive(Clone, Debug)]
pub struct ForeachNode {
    pub range: Range,
    /// The loop variable (`$i`) as written.
    pub var: Sym,
    pub iterable: Expr,
    pub body: Block,
}

#[derive(Clone, Debug)]
pub struct MacroNode {
    pub range: Range,
    pub name: Sym,
    /// Parameter names, without `$`.
    pub params: Vec<Sym>,
    pub body: std::sync::Arc<Block>,
}

#[derive(Clone, Debug)]
pub struct MacroCallNode {
    pub range: Range,
    pub name: Sym,
    pub args: Vec<Expr>,
    /// Each argument's text, as an escaped `\$param` in the macro's body shows it.
    pub arg_literals: Vec<Box<str>>,
    /// `#@name() ... #end`: the body, available as `$bodyContent`.
    pub body: Option<Block>,
    /// The call's text, written when no macro of this name exists.
    pub literal: Box<str>,
}

#[derive(Clone, Debug)]
pub struct DefineNode {
    pub range: Range,
    pub var: Sym,
    pub body: std::sync::Arc<Block>,
}

#[derive(Clone, Debug)]
pub struct ArgsNode {
    pub range: Range,
    pub name: Sym,
    pub args: Vec<Expr>,
}

/// A string literal.
#[derive(Clone, Debug)]
pub struct StringLit {
    pub range: Range,
    /// The text between the quotes, with `""`/`''` and `\uXXXX` processed.
    pub text: Text,
    /// For a double-quoted string with `$` or `#`: the parsed template it
    /// renders (`ASTStringLiteral` parses `text + " "` and drops the last
    /// character again when rendering, unless the text holds `##`).
    pub interpolated: Option<Box<Interpolated>>,
}

#[derive(Clone, Debug)]
pub struct Interpolated {
    /// The source parsed (the literal's text, plus a space unless it holds
    /// `##`): an id in the template's sources.
    pub source_id: u16,
    pub ast: Ast,
    /// Whether a trailing space was added before parsing.
    pub padded: bool,
}

/// An expression (Velocity's expression nodes).
#[derive(Clone, Debug)]
pub enum Expr {
    Str(Box<StringLit>),
    /// An integer literal: `Integer`, `Long` or `BigInteger` by size.
    Int(IntLit),
    /// A floating point literal (`Double`, or `BigDecimal` when out of range).
    Float(FloatLit),
    True,
    False,
    Ref(Box<Reference>),
    /// `[a..b]`
    Range(Box<Expr>, Box<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `{k: v}`
    Map(Vec<(Expr, Expr)>),
    /// A bare word (directive arguments: `in`, a macro name).
    Word(Sym),
    // The binary operators: both operands in one allocation (boxed apart,
    // each operator was two allocations).
    Or(Box<(Expr, Expr)>),
    And(Box<(Expr, Expr)>),
    Eq(Box<(Expr, Expr)>),
    Ne(Box<(Expr, Expr)>),
    Lt(Box<(Expr, Expr)>),
    Gt(Box<(Expr, Expr)>),
    Le(Box<(Expr, Expr)>),
    Ge(Box<(Expr, Expr)>),
    Add(Box<(Expr, Expr)>, Range),
    Sub(Box<(Expr, Expr)>, Range),
    Mul(Box<(Expr, Expr)>, Range),
    Div(Box<(Expr, Expr)>, Range),
    Mod(Box<(Expr, Expr)>, Range),
    Not(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IntLit {
    Int(i32),
    Long(i64),
    /// Too big for a long: kept as text (a `BigInteger`).
    Big(Range),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FloatLit {
    Double(f64),
}

#[cfg(test)]
mod inline_tests {
    use super::Inline;

    /// `only`, `first` and `is_empty` answer as the slice does, whatever the
    /// list's form (a vector of 0, 1 or 2 items included).
    #[test]
    fn accessors_match_the_slice() {
        let mut pushed = Inline::default();
        let mut lists = vec![Inline::default()];
        for i in 0..3 {
            pushed.push(i);
            lists.push(pushed.clone());
        }
        for n in 0..3 {
            lists.push(Inline::from((0..n).collect::<Vec<i32>>()));
        }
        for l in &lists {
            let slice: &[i32] = l;
            let only = match slice {
                [x] => Some(x),
                _ => None,
            };
            assert_eq!(l.only(), only, "{l:?}");
            assert_eq!(l.first(), slice.first(), "{l:?}");
            assert_eq!(l.is_empty(), slice.is_empty(), "{l:?}");
        }
    }
}

#[cfg(test)]
mod size_tests {
    /// A util call's form fits beside its box, and the box in its
    /// allocation size class (88 bytes: a 96-byte chunk).
    #[test]
    fn nodes_stay_small() {
        assert_eq!(std::mem::size_of::<super::Node>(), 24);
        assert!(std::mem::size_of::<super::UtilCallNode>() <= 88);
    }

    /// The cache gives back the form found, for each form.
    #[test]
    fn util_arg_cache_keeps_the_form() {
        use super::*;
        let t = crate::compiler::compile(
            "$util.escapeJavaScript($a.b)$util.escapeJavaScript($a)$util.escapeJavaScript('x')$util.urlEncode($a.b())",
            &crate::api::Limits::default(),
        )
        .unwrap();
        let mut forms = vec![];
        for node in &t.ast.root {
            let Node::UtilCall(u, cache) = node else {
                panic!("{node:?}");
            };
            let first = cache.get(|| u.arg());
            assert_eq!(first, UtilArg::of(u.arg().unwrap()));
            assert_eq!(cache.get(|| unreachable!()), first);
            assert_eq!(cache.clone().get(|| unreachable!()), first);
            forms.push(first);
        }
        let (a, b) = (t.index["a"], t.index["b"]);
        assert_eq!(
            forms,
            [
                UtilArg::Property { root: a, name: b },
                UtilArg::Var(a),
                UtilArg::Other,
                UtilArg::Other
            ]
        );
    }
}
