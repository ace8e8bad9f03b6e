//! The parser: Velocity 1.7's grammar (`Parser.jjt`), production for
//! production, including its lookaheads and the places where it switches the
//! lexer's state, so that every input parses (or fails) as in Velocity.
//!
//! JavaCC parsers fetch tokens lazily; a syntactic lookahead scans ahead
//! through the grammar (with backtracking) until it has matched `k` tokens or
//! the whole expansion. This parser does the same with a token buffer, so the
//! lexer sees the same state changes at the same points.

use super::ast::*;
use super::lexer::{LexError, Lexer, image};
use super::tokens::{Kind, LexState, Token};
use crate::bytes::short_eq;
use crate::error::{Error, ErrorKind, Span};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Each rule of `grammar/vtl.ebnf` and the function of this parser that
/// implements it (`tests/grammar.rs` keeps the two in step).
pub const GRAMMAR: &[(&str, &str)] = &[
    ("process", "parse_template"),
    ("Statement", "statement_inner"),
    ("Text", "statement_inner"),
    ("Comment", "statement_inner"),
    ("Textblock", "statement_inner"),
    ("EscapedDirective", "escaped_directive"),
    ("Escape", "escape"),
    ("SetDirective", "set_directive"),
    ("IfStatement", "if_statement"),
    ("ElseIfStatement", "if_statement"),
    ("ElseStatement", "if_statement"),
    ("Block", "block"),
    ("Directive", "directive"),
    ("DirectiveArgs", "scan_next_directive_arg"),
    ("DirectiveArg", "directive_arg"),
    ("Word", "directive_arg"),
    ("Reference", "reference_inner"),
    ("ReferenceHead", "finish_reference"),
    ("ReferenceModifier", "scan_ref_modifier"),
    ("Identifier", "reference_inner"),
    ("Method", "method"),
    ("Index", "index"),
    ("IndexParameter", "index"),
    ("Parameter", "parameter_inner"),
    ("Map", "map_inner"),
    ("ObjectArray", "object_array_inner"),
    ("IntegerRange", "integer_range"),
    ("Expression", "expression"),
    ("ConditionalOrExpression", "or_expr"),
    ("ConditionalAndExpression", "and_expr"),
    ("EqualityExpression", "equality"),
    ("RelationalExpression", "relational"),
    ("AdditiveExpression", "additive"),
    ("MultiplicativeExpression", "multiplicative"),
    ("UnaryExpression", "unary_inner"),
    ("PrimaryExpression", "primary"),
    ("StringLiteral", "string_literal"),
    ("IntegerLiteral", "integer_literal"),
    ("FloatingPointLiteral", "float_literal"),
    ("Exponent", "exponent_len"),
    ("True", "primary"),
    ("False", "primary"),
];

/// Names of the directives Velocity 1.7 registers, and whether each takes a block.
fn directive_kind(name: &str) -> Option<bool> {
    Some(match name {
        "foreach" | "macro" | "literal" | "define" => true,
        "include" | "parse" | "evaluate" | "break" | "stop" => false,
        _ => return None,
    })
}

/// Tokens that may start a statement (Velocity's `Statement()` first set).
fn starts_statement(k: Kind) -> bool {
    use Kind::*;
    matches!(
        k,
        Lparen
            | Rparen
            | EscapeDirective
            | SetDirective
            | SingleLineCommentStart
            | DoubleEscape
            | Escape
            | Text
            | FormalComment
            | MultiLineComment
            | Textblock
            | StringLiteral
            | IfDirective
            | IntegerLiteral
            | FloatingPointLiteral
            | Word
            | BracketedWord
            | Identifier
            | Dot
            | Lcurly
            | Rcurly
            | EmptyIndex
    )
}

/// Interned names and template sources shared by a template and the string
/// literals parsed inside it.
#[derive(Debug, Default)]
pub struct Shared {
    pub names: Vec<Box<str>>,
    index: HashMap<Box<str>, Sym, std::hash::BuildHasherDefault<Fnv>>,
    /// Sources: 0 is the template; interpolated string literals follow.
    pub sources: Vec<Arc<str>>,
    /// The id of `sources[0]` (an `#evaluate`d text's literals are numbered
    /// after the render's sources).
    pub source_base: usize,
    /// A direct-mapped cache in front of `index`, by length and first and
    /// last bytes: a template uses a few names over and over. A slot holds a
    /// symbol (checked against `names`) or `Sym::MAX`.
    recent: Vec<Sym>,
    /// When set (a template's parse, see `compiler::compile`): the literal
    /// arguments of the `.path('...')` and `.json('...')` calls in the
    /// tree, with the id of the source their ranges are in, in parse order.
    /// Recorded by [`Parser::method`], so that no pass over the finished
    /// tree looks for them; a directive drops those of the arguments and
    /// blocks it does not keep (see [`PathMarks`]).
    pub path_literals: Option<Vec<(u16, Text)>>,
    /// How many `#macro` nodes were made (in the template and its
    /// interpolated string literals).
    pub macros: usize,
}

/// Where each of a directive's first five arguments and its block began in
/// [`Shared::path_literals`] (an argument it does not have: where the block
/// began).
#[derive(Clone, Copy)]
struct PathMarks {
    args: [usize; 5],
    block: usize,
}

impl Shared {
    /// The symbol of `name` if it was interned.
    pub fn lookup(&self, name: &str) -> Option<Sym> {
        self.index.get(name).copied()
    }

    #[inline]
    pub fn intern(&mut self, name: &str) -> Sym {
        let b = name.as_bytes();
        let slot = match (b.first(), b.last()) {
            (Some(&f), Some(&l)) => {
                (b.len() ^ (usize::from(f) << 2) ^ (usize::from(l) << 5)) % RECENT_SLOTS
            }
            _ => 0,
        };
        if let Some(&s) = self.recent.get(slot)
            && self
                .names
                .get(s as usize)
                .is_some_and(|n| short_eq(n.as_bytes(), b, MAX_SHARED_TEXT))
        {
            return s;
        }
        self.intern_slow(name, slot)
    }

    #[inline(never)]
    fn intern_slow(&mut self, name: &str, slot: usize) -> Sym {
        let s = match self.index.get(name) {
            Some(&s) => s,
            None => {
                let s = self.names.len() as Sym;
                self.names.push(name.into());
                self.index.insert(name.into(), s);
                s
            }
        };
        if self.recent.is_empty() {
            self.recent = vec![Sym::MAX; RECENT_SLOTS];
        }
        self.recent[slot] = s;
        s
    }
}

const RECENT_SLOTS: usize = 512;

/// FNV-1a: names are short, and SipHash's defence against collision
/// attacks is not needed for a template's own names.
#[derive(Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The result of a syntactic lookahead scan step.
enum Scan {
    /// The expansion matched (so far).
    Matched,
    /// It did not match: backtrack.
    Failed,
}

/// The lookahead matched its `k` tokens: stop scanning, the lookahead succeeds.
struct LimitReached;

type ScanResult = Result<Scan, ScanStop>;

enum ScanStop {
    Success(LimitReached),
    Error(Error),
}

impl From<Error> for ScanStop {
    fn from(e: Error) -> ScanStop {
        ScanStop::Error(e)
    }
}

macro_rules! scan_try {
    ($e:expr) => {
        match $e? {
            Scan::Matched => {}
            Scan::Failed => return Ok(Scan::Failed),
        }
    };
}

pub struct Parser<'s, 'sh> {
    src: &'s str,
    lx: Lexer<'s>,
    /// Tokens fetched: `toks[..next]` are consumed (kept for node literals;
    /// dropped between top-level statements), `toks[next..]` were fetched by
    /// lookaheads and not yet consumed.
    toks: Vec<Token>,
    next: usize,
    shared: &'sh mut Shared,
    source_id: u16,
    macro_names: HashSet<String>,
    /// The first error Velocity reports when it initialises the parsed tree
    /// (after parsing succeeds): arguments a directive cannot work with, a
    /// string literal that does not parse.
    init_error: Option<Error>,
    depth: usize,
    max_depth: usize,
    // lookahead scan state (indexes into `buf`)
    scan_pos: usize,
    last_pos: usize,
    la: usize,
    /// Results of unlimited lookahead scans of a production at a position,
    /// within one lookahead (`(production, position)` to the end position,
    /// or `None` for a failed scan). JavaCC rescans: nested `[$a.b(` made it
    /// exponential.
    memo: HashMap<(u8, u32), Option<u32>, std::hash::BuildHasherDefault<Fnv>>,
    /// Tokens scanned by lookaheads so far (a budget against pathological input).
    scanned: u64,
    /// Reference tokens whose image lost its leading backslashes (and any text
    /// before its last `$`): token start to the start of what is left. Velocity's
    /// `ASTReference.getRoot()` cuts `Token.image` itself, so every literal built
    /// afterwards (an enclosing escaped reference, an unknown `#name(...)`) shows
    /// `\$p` inside it as `$p`.
    stripped: HashMap<u32, u32, std::hash::BuildHasherDefault<Fnv>>,
    /// The nodes of the blocks being parsed, innermost last: a block's
    /// nodes are `nodes[block_start..]`, moved into a vector of the exact
    /// size when the block ends (one allocation per block, no regrowth).
    nodes: Vec<Node>,
    block_start: usize,
    /// While a text node made of pieces is being built (the last node, at
    /// this index; `usize::MAX` when none is): its text, which the node gets
    /// when the next node comes or its block ends (see `merge_into_last`).
    open_text: usize,
    text_buf: String,
    /// Whether the nodes are prepared for rendering as they are made (the
    /// template itself, not `#evaluate`d texts or interpolated literals):
    /// see [`Parser::prepared`].
    prepare: bool,
    /// A `#foreach`'s arguments vector, emptied and kept for the next
    /// directive (a `#foreach` keeps no vector: see `foreach_node`).
    spare_args: Vec<Expr>,
}

/// Tokens all lookaheads of one parse may scan before the parse is stopped.
const SCAN_BUDGET: u64 = 50_000_000;

type PResult<T> = Result<T, Error>;

impl<'s, 'sh> Parser<'s, 'sh> {
    pub fn new(src: &'s str, shared: &'sh mut Shared, source_id: u16, max_depth: usize) -> Self {
        Parser {
            src,
            lx: Lexer::new(src),
            toks: Vec::new(),
            next: 0,
            shared,
            source_id,
            macro_names: HashSet::new(),
            init_error: None,
            depth: 0,
            max_depth,
            scan_pos: 0,
            last_pos: 0,
            la: 0,
            memo: HashMap::default(),
            scanned: 0,
            stripped: HashMap::default(),
            nodes: Vec::with_capacity(src.len() / 32),
            block_start: 0,
            open_text: usize::MAX,
            text_buf: String::new(),
            prepare: false,
            spare_args: Vec::new(),
        }
    }

    /// A parser whose plain `$util.escapeJavaScript(x)` /
    /// `$util.urlEncode(x)` references come out as [`Node::UtilCall`]
    /// (macro and `#define` bodies included; not interpolated string
    /// literals, which get a parser of their own): the reference is moved
    /// into its node instead of boxed and cloned. (Source texts become
    /// [`Node::SourceText`] in a pass after the parse,
    /// `compiler::prepare_texts`: made while parsing, their copies came
    /// after the parser's scratch vectors instead of filling their room,
    /// and glibc gave the heap back and grew it again on every parse.)
    pub fn prepared(mut self) -> Self {
        self.prepare = true;
        self
    }

    // ------------------------------------------------------------------ tokens

    #[cold]
    fn lex_error(&self, e: LexError) -> Error {
        let span = Span::of(self.src, e.offset, e.offset);
        let mut err = Error::parse(e.message, span);
        if self.src[e.token_start..e.offset].ends_with('$') && e.offset >= self.src.len() {
            err = err.with_help("a `$` at the end of a template is an error in Velocity; write `\\$` or `${D}` with a variable");
        } else if e.offset >= self.src.len() && self.src[e.token_start..].starts_with('#') {
            err = err.with_help("a `#` at the end of a template is an error in Velocity");
        }
        err
    }

    /// The token `i` places ahead (0 = next), fetching as needed.
    #[inline]
    fn peek(&mut self, i: usize) -> PResult<Token> {
        if let Some(t) = self.toks.get(self.next + i) {
            return Ok(*t);
        }
        self.fetch(i)?;
        Ok(self.toks[self.next + i])
    }

    /// Lexes tokens up to the one `i` places ahead; returns its kind.
    /// (Only the kind comes back, in registers: most callers want no more,
    /// and a whole token would be written through memory.)
    #[inline(never)]
    fn fetch(&mut self, i: usize) -> PResult<Kind> {
        let want = self.next + i;
        while self.toks.len() <= want {
            match self.lx.next_token_into(&mut self.toks) {
                Ok(kind) => {
                    // (The wanted token is the one just lexed: no lookup.)
                    if self.toks.len() > want {
                        return Ok(kind);
                    }
                }
                Err(e) => return Err(self.lex_error(*e)),
            }
        }
        Ok(self.toks[want].kind)
    }

    /// The kind of the token `i` places ahead.
    #[inline]
    fn kind_at(&mut self, i: usize) -> PResult<Kind> {
        if let Some(t) = self.toks.get(self.next + i) {
            return Ok(t.kind);
        }
        self.fetch(i)
    }

    #[inline]
    fn ntk(&mut self) -> PResult<Kind> {
        if let Some(t) = self.toks.get(self.next) {
            return Ok(t.kind);
        }
        self.fetch(0)
    }

    #[inline]
    fn img(&self, t: &Token) -> &'s str {
        if t.kind == Kind::Eof || !self.stripped.is_empty() {
            return self.img_rare(t);
        }
        image(self.src, t)
    }

    /// `img` of the end of the template, or while some references' images
    /// are cut (out of line: rare).
    #[inline(never)]
    fn img_rare(&self, t: &Token) -> &'s str {
        if t.kind == Kind::Eof {
            // JavaCC's EOF token holds the last character read.
            return self
                .src
                .char_indices()
                .next_back()
                .map_or("", |(i, _)| &self.src[i..]);
        }
        if let Some(&start) = self.stripped.get(&t.start) {
            return &self.src[start as usize..t.end as usize];
        }
        image(self.src, t)
    }

    fn span_of(&self, t: &Token) -> Span {
        Span::of(self.src, t.start as usize, t.end as usize)
    }

    #[cold]
    fn unexpected(&mut self, expected: &str) -> Error {
        match self.peek(0) {
            Ok(t) => {
                let found = if t.kind == Kind::Eof {
                    "the end of the template".to_string()
                } else {
                    format!("{:?}", self.img(&t))
                };
                Error::parse(
                    format!("expected {expected}, found {found}"),
                    self.span_of(&t),
                )
            }
            Err(e) => e,
        }
    }

    #[inline]
    fn consume(&mut self, kind: Kind, expected: &str) -> PResult<Token> {
        let t = self.peek(0)?;
        if t.kind != kind {
            return Err(self.unexpected(expected));
        }
        self.next += 1;
        Ok(t)
    }

    #[inline]
    fn consume_if(&mut self, kind: Kind) -> PResult<Option<Token>> {
        if self.ntk()? == kind {
            let t = self.toks[self.next];
            self.next += 1;
            Ok(Some(t))
        } else {
            Ok(None)
        }
    }

    #[inline]
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self.too_deep());
        }
        Ok(())
    }

    #[cold]
    fn too_deep(&mut self) -> Error {
        match self.peek(0) {
            Ok(t) => Error::limit(format!(
                "template nests deeper than {} levels",
                self.max_depth
            ))
            .with_span(self.span_of(&t)),
            Err(e) => e,
        }
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The tokens consumed (since the current top-level statement began).
    fn consumed(&self) -> &[Token] {
        &self.toks[..self.next]
    }

    fn range_from(&self, first: usize) -> Range {
        let consumed = self.consumed();
        let start = consumed.get(first).map_or(0, |t| t.start as usize);
        let end = consumed.last().map_or(start, |t| t.end as usize);
        Range::new(start, end.max(start))
    }

    fn source_range_text(&self, r: Range) -> &'s str {
        &self.src[r.start as usize..r.end as usize]
    }

    /// Velocity's `NodeUtils.specialText`: the `$`, `#` and `\...$` of the
    /// special tokens before `t`.
    fn special_text(&self, t: &Token) -> String {
        let mut out = String::new();
        for s in &self.lx.specials()[t.specials.0 as usize..t.specials.1 as usize] {
            let st = &self.src[s.start as usize..s.end as usize];
            let b = st.as_bytes();
            let mut i = 0;
            while i < b.len() {
                let c = b[i];
                if c == b'#' || c == b'$' {
                    out.push(c as char);
                }
                if c == b'\\' {
                    let mut j = i;
                    let mut term = false;
                    while j < b.len() {
                        match b[j] {
                            b'\\' => j += 1,
                            b'$' => {
                                term = true;
                                j += 1;
                                break;
                            }
                            _ => {
                                j += 1;
                                break;
                            }
                        }
                    }
                    if term {
                        out.push_str(&st[i..j]);
                        i = j;
                    }
                }
                i += 1;
            }
        }
        out
    }

    /// Whether `special_text(t)` is not empty: it writes every `#` and `$`
    /// of the special tokens (with the backslashes before a `$`), nothing else.
    fn has_special_text(&self, t: &Token) -> bool {
        t.specials.0 != t.specials.1
            && self.lx.specials()[t.specials.0 as usize..t.specials.1 as usize]
                .iter()
                .any(|s| {
                    self.src.as_bytes()[s.start as usize..s.end as usize]
                        .iter()
                        .any(|c| matches!(c, b'#' | b'$'))
                })
    }

    /// Velocity's `NodeUtils.tokenLiteral`.
    fn token_literal(&self, t: &Token) -> String {
        if t.kind == Kind::MultiLineComment {
            return String::new();
        }
        let mut s = self.special_text(t);
        s.push_str(self.img(t));
        s
    }

    // ------------------------------------------------------------------ lookahead scans

    /// Runs a syntactic lookahead of `k` tokens (`usize::MAX` for unlimited).
    /// (Out of line: the fast paths that call it as their fallback stay small.)
    #[inline(never)]
    fn lookahead(&mut self, k: usize, f: fn(&mut Self) -> ScanResult) -> PResult<bool> {
        self.scan_pos = 0;
        self.last_pos = 0;
        self.la = k;
        self.memo.clear();
        match f(self) {
            Ok(Scan::Matched) => Ok(true),
            Ok(Scan::Failed) => Ok(false),
            Err(ScanStop::Success(LimitReached)) => Ok(true),
            Err(ScanStop::Error(e)) => Err(e),
        }
    }

    fn scan_token(&mut self, kind: Kind) -> ScanResult {
        self.scanned += 1;
        if self.scanned > SCAN_BUDGET {
            let t = self.peek(self.scan_pos)?;
            return Err(ScanStop::Error(
                Error::limit("the template is too complex to parse (lookahead budget exhausted)")
                    .with_span(self.span_of(&t)),
            ));
        }
        if self.scan_pos == self.last_pos {
            self.la = self.la.saturating_sub(1);
            self.last_pos += 1;
        }
        let t = self.peek(self.scan_pos)?;
        self.scan_pos += 1;
        if t.kind != kind {
            return Ok(Scan::Failed);
        }
        if self.la == 0 && self.scan_pos == self.last_pos {
            return Err(ScanStop::Success(LimitReached));
        }
        Ok(Scan::Matched)
    }

    /// `[ kind ]`: never fails.
    fn scan_opt(&mut self, kind: Kind) -> ScanResult {
        let save = self.scan_pos;
        if let Scan::Failed = self.scan_token(kind)? {
            self.scan_pos = save;
        }
        Ok(Scan::Matched)
    }

    /// Tries alternatives in order, restoring the position between them.
    fn scan_alt(&mut self, alts: &[fn(&mut Self) -> ScanResult]) -> ScanResult {
        let save = self.scan_pos;
        for alt in alts {
            self.scan_pos = save;
            if let Scan::Matched = alt(self)? {
                return Ok(Scan::Matched);
            }
        }
        Ok(Scan::Failed)
    }

    /// `( f )*`
    fn scan_star(&mut self, f: fn(&mut Self) -> ScanResult) -> ScanResult {
        let mut guard = 0usize;
        loop {
            let save = self.scan_pos;
            if let Scan::Failed = f(self)? {
                self.scan_pos = save;
                return Ok(Scan::Matched);
            }
            guard += 1;
            if guard > 1_000_000 || self.scan_pos == save {
                return Ok(Scan::Matched);
            }
        }
    }

    fn scan_enter(&mut self) -> Result<(), ScanStop> {
        self.depth += 1;
        if self.depth > self.max_depth {
            self.depth -= 1;
            let t = self.peek(self.scan_pos)?;
            return Err(ScanStop::Error(
                Error::limit(format!(
                    "template nests deeper than {} levels",
                    self.max_depth
                ))
                .with_span(self.span_of(&t)),
            ));
        }
        Ok(())
    }

    /// Runs a scan of production `id` through the memo when the lookahead
    /// is unlimited (then its result depends only on the position).
    fn memo_scan(&mut self, id: u8, f: fn(&mut Self) -> ScanResult) -> ScanResult {
        if self.la < (1 << 40) {
            return f(self);
        }
        let key = (id, self.scan_pos as u32);
        if let Some(r) = self.memo.get(&key) {
            return Ok(match r {
                Some(end) => {
                    self.scan_pos = *end as usize;
                    Scan::Matched
                }
                None => Scan::Failed,
            });
        }
        let r = f(self)?;
        self.memo.insert(
            key,
            match r {
                Scan::Matched => Some(self.scan_pos as u32),
                Scan::Failed => None,
            },
        );
        Ok(r)
    }

    /// `Reference()`
    fn scan_reference(&mut self) -> ScanResult {
        self.memo_scan(0, |p| {
            p.scan_enter()?;
            let r = p.scan_alt(&[Self::scan_plain_reference, Self::scan_formal_reference]);
            p.depth -= 1;
            r
        })
    }

    fn scan_plain_reference(&mut self) -> ScanResult {
        scan_try!(self.scan_token(Kind::Identifier));
        self.scan_star(Self::scan_index)?;
        self.scan_star(Self::scan_ref_modifier)?;
        Ok(Scan::Matched)
    }

    fn scan_formal_reference(&mut self) -> ScanResult {
        scan_try!(self.scan_token(Kind::Lcurly));
        scan_try!(self.scan_token(Kind::Identifier));
        self.scan_star(Self::scan_index)?;
        self.scan_star(Self::scan_ref_modifier)?;
        self.scan_token(Kind::Rcurly)
    }

    /// `<DOT> ( Method() | Identifier() ) ( Index() )*`
    fn scan_ref_modifier(&mut self) -> ScanResult {
        scan_try!(self.scan_token(Kind::Dot));
        scan_try!(self.scan_alt(&[Self::scan_method, |p| p.scan_token(Kind::Identifier)]));
        self.scan_star(Self::scan_index)
    }

    /// `Identifier() <LPAREN> [ Parameter() ( <COMMA> Parameter() )* ] <REFMOD2_RPAREN>`
    fn scan_method(&mut self) -> ScanResult {
        scan_try!(self.scan_token(Kind::Identifier));
        scan_try!(self.scan_token(Kind::Lparen));
        let save = self.scan_pos;
        if let Scan::Failed = self.scan_parameter_list()? {
            self.scan_pos = save;
        }
        self.scan_token(Kind::Refmod2Rparen)
    }

    fn scan_parameter_list(&mut self) -> ScanResult {
        scan_try!(self.scan_parameter());
        self.scan_star(|p| {
            scan_try!(p.scan_token(Kind::Comma));
            p.scan_parameter()
        })
    }

    /// `<INDEX_LBRACKET> IndexParameter() <INDEX_RBRACKET>`
    fn scan_index(&mut self) -> ScanResult {
        scan_try!(self.scan_token(Kind::IndexLbracket));
        self.scan_opt(Kind::Whitespace)?;
        scan_try!(self.scan_alt(&[
            |p| p.scan_token(Kind::StringLiteral),
            |p| p.scan_token(Kind::IntegerLiteral),
            |p| p.scan_token(Kind::True),
            |p| p.scan_token(Kind::False),
            Self::scan_reference,
        ]));
        self.scan_opt(Kind::Whitespace)?;
        self.scan_token(Kind::IndexRbracket)
    }

    /// `Parameter()`
    fn scan_parameter(&mut self) -> ScanResult {
        self.memo_scan(1, |p| {
            p.scan_enter()?;
            let r = p.scan_parameter_inner();
            p.depth -= 1;
            r
        })
    }

    fn scan_parameter_inner(&mut self) -> ScanResult {
        self.scan_opt(Kind::Whitespace)?;
        scan_try!(self.scan_alt(&[
            |p| p.scan_token(Kind::StringLiteral),
            |p| p.scan_token(Kind::IntegerLiteral),
            Self::scan_integer_range,
            Self::scan_map,
            Self::scan_object_array,
            |p| p.scan_token(Kind::True),
            |p| p.scan_token(Kind::False),
            Self::scan_reference,
            |p| p.scan_token(Kind::FloatingPointLiteral),
        ]));
        self.scan_opt(Kind::Whitespace)
    }

    /// The lookahead before an `IntegerRange()`:
    /// `<LBRACKET> [<WS>] ( Reference() | IntegerLiteral() ) [<WS>] <DOUBLEDOT>`
    fn scan_range_head(&mut self) -> ScanResult {
        scan_try!(self.scan_token(Kind::Lbracket));
        self.scan_opt(Kind::Whitespace)?;
        scan_try!(self.scan_alt(&[Self::scan_reference, |p| p.scan_token(Kind::IntegerLiteral)]));
        self.scan_opt(Kind::Whitespace)?;
        self.scan_token(Kind::DoubleDot)
    }

    /// `IntegerRange()`
    fn scan_integer_range(&mut self) -> ScanResult {
        scan_try!(self.scan_range_head());
        self.scan_opt(Kind::Whitespace)?;
        scan_try!(self.scan_alt(&[Self::scan_reference, |p| p.scan_token(Kind::IntegerLiteral)]));
        self.scan_opt(Kind::Whitespace)?;
        self.scan_token(Kind::Rbracket)
    }

    /// `Map()`
    fn scan_map(&mut self) -> ScanResult {
        scan_try!(self.scan_token(Kind::LeftCurley));
        let save = self.scan_pos;
        let entries = (|| -> ScanResult {
            scan_try!(self.scan_parameter());
            scan_try!(self.scan_token(Kind::Colon));
            scan_try!(self.scan_parameter());
            self.scan_star(|p| {
                scan_try!(p.scan_token(Kind::Comma));
                scan_try!(p.scan_parameter());
                scan_try!(p.scan_token(Kind::Colon));
                p.scan_parameter()
            })
        })()?;
        if let Scan::Failed = entries {
            self.scan_pos = save;
            self.scan_opt(Kind::Whitespace)?;
        }
        self.scan_alt(&[
            |p| p.scan_token(Kind::RightCurley),
            |p| p.scan_token(Kind::Rcurly),
        ])
    }

    /// `ObjectArray()`
    fn scan_object_array(&mut self) -> ScanResult {
        scan_try!(self.scan_token(Kind::Lbracket));
        let save = self.scan_pos;
        if let Scan::Failed = self.scan_parameter_list()? {
            self.scan_pos = save;
        }
        self.scan_token(Kind::Rbracket)
    }

    /// `DirectiveArg()`
    fn scan_directive_arg(&mut self) -> ScanResult {
        self.scan_alt(&[
            Self::scan_reference,
            |p| p.scan_token(Kind::Word),
            |p| p.scan_token(Kind::StringLiteral),
            |p| p.scan_token(Kind::IntegerLiteral),
            Self::scan_integer_range,
            |p| p.scan_token(Kind::FloatingPointLiteral),
            Self::scan_map,
            Self::scan_object_array,
            |p| p.scan_token(Kind::True),
            |p| p.scan_token(Kind::False),
        ])
    }

    /// The loop guard of a directive's arguments:
    /// `[<WS>] [<COMMA> [<WS>]] DirectiveArg()`
    fn scan_next_directive_arg(&mut self) -> ScanResult {
        self.scan_opt(Kind::Whitespace)?;
        let save = self.scan_pos;
        let comma = (|| -> ScanResult {
            scan_try!(self.scan_token(Kind::Comma));
            self.scan_opt(Kind::Whitespace)
        })()?;
        if let Scan::Failed = comma {
            self.scan_pos = save;
        }
        self.scan_directive_arg()
    }

    /// `[<WS>] <LOGICAL_NOT> UnaryExpression()`
    fn scan_not(&mut self) -> ScanResult {
        self.scan_opt(Kind::Whitespace)?;
        scan_try!(self.scan_token(Kind::LogicalNot));
        self.scan_unary()
    }

    fn scan_unary(&mut self) -> ScanResult {
        self.scan_enter()?;
        let r = self.scan_alt(&[Self::scan_not, Self::scan_primary]);
        self.depth -= 1;
        r
    }

    fn scan_primary(&mut self) -> ScanResult {
        self.scan_opt(Kind::Whitespace)?;
        scan_try!(self.scan_alt(&[
            |p| p.scan_token(Kind::StringLiteral),
            Self::scan_reference,
            |p| p.scan_token(Kind::IntegerLiteral),
            Self::scan_integer_range,
            |p| p.scan_token(Kind::FloatingPointLiteral),
            Self::scan_map,
            Self::scan_object_array,
            |p| p.scan_token(Kind::True),
            |p| p.scan_token(Kind::False),
            |p| {
                scan_try!(p.scan_token(Kind::Lparen));
                scan_try!(p.scan_expression());
                p.scan_token(Kind::Rparen)
            },
        ]));
        self.scan_opt(Kind::Whitespace)
    }

    fn scan_binary(&mut self, ops: &[Kind], operand: fn(&mut Self) -> ScanResult) -> ScanResult {
        scan_try!(operand(self));
        loop {
            let save = self.scan_pos;
            let mut matched = false;
            for &op in ops {
                self.scan_pos = save;
                if let Scan::Matched = self.scan_token(op)? {
                    matched = true;
                    break;
                }
            }
            if !matched {
                self.scan_pos = save;
                return Ok(Scan::Matched);
            }
            if let Scan::Failed = operand(self)? {
                self.scan_pos = save;
                return Ok(Scan::Matched);
            }
        }
    }

    fn scan_expression(&mut self) -> ScanResult {
        self.scan_enter()?;
        let r = self.scan_binary(&[Kind::LogicalOr], |p| {
            p.scan_binary(&[Kind::LogicalAnd], |p| {
                p.scan_binary(&[Kind::LogicalEquals, Kind::LogicalNotEquals], |p| {
                    p.scan_binary(
                        &[
                            Kind::LogicalLt,
                            Kind::LogicalGt,
                            Kind::LogicalLe,
                            Kind::LogicalGe,
                        ],
                        |p| {
                            p.scan_binary(&[Kind::Plus, Kind::Minus], |p| {
                                p.scan_binary(
                                    &[Kind::Multiply, Kind::Divide, Kind::Modulus],
                                    Self::scan_unary,
                                )
                            })
                        },
                    )
                })
            })
        });
        self.depth -= 1;
        r
    }

    // ------------------------------------------------------------------ lookahead fast paths
    //
    // The lookaheads below run for nearly every token, and in the common
    // cases their outcome is decided by the kinds of the next one to three
    // tokens. Each fast path decides such a case directly: it fetches exactly
    // the tokens the scan would fetch (so the lexer changes state at the same
    // points), and adds to `scanned` exactly the number of `scan_token` calls
    // the scan makes. It only runs when neither the lookahead budget nor the
    // depth limit can be reached during the scan it replaces (so that scan
    // could not have failed with an error); otherwise the scan itself runs.

    /// Whether a fast path may stand for a scan of at most `tokens`
    /// `scan_token` calls and `levels` nested `scan_enter`s.
    fn fast_ok(&self, tokens: u64, levels: usize) -> bool {
        self.scanned + tokens <= SCAN_BUDGET && self.depth + levels <= self.max_depth
    }

    /// `LOOKAHEAD(2) Reference()` at the start of a statement.
    fn reference_follows(&mut self) -> PResult<bool> {
        if self.fast_ok(3, 1) {
            // scan_plain_reference: <IDENTIFIER> then (Index())* tries
            // <INDEX_LBRACKET> (its match reaches k = 2), then
            // (ReferenceModifier())* tries <DOT>; scan_formal_reference:
            // <LCURLY> <IDENTIFIER>.
            let r = match self.ntk()? {
                Kind::Identifier => {
                    let k1 = self.kind_at(1)?;
                    self.scanned += if k1 == Kind::IndexLbracket { 2 } else { 3 };
                    true
                }
                Kind::Lcurly => {
                    let k1 = self.kind_at(1)?;
                    self.scanned += 3;
                    k1 == Kind::Identifier
                }
                _ => {
                    self.scanned += 2;
                    false
                }
            };
            return Ok(r);
        }
        self.lookahead(2, Self::scan_reference)
    }

    /// `LOOKAHEAD(2) <DOT> ( Method() | Identifier() )` in a reference.
    fn modifier_follows(&mut self) -> PResult<bool> {
        if self.fast_ok(3, 0) {
            if self.ntk()? != Kind::Dot {
                self.scanned += 1;
                return Ok(false);
            }
            // scan_method's <IDENTIFIER> reaches k = 2; when it fails, the
            // second alternative tries <IDENTIFIER> again.
            let k1 = self.kind_at(1)?;
            self.scanned += if k1 == Kind::Identifier { 2 } else { 3 };
            return Ok(k1 == Kind::Identifier);
        }
        self.lookahead(2, |p| {
            scan_try!(p.scan_token(Kind::Dot));
            p.scan_alt(&[Self::scan_method, |p| p.scan_token(Kind::Identifier)])
        })
    }

    /// `LOOKAHEAD(3) Method()` after a reference's `.`.
    fn method_follows(&mut self) -> PResult<bool> {
        // The first token of each alternative of `Parameter()`, in order
        // (`IntegerRange()` and `ObjectArray()` both start with `[`,
        // `Reference()` with a name or `{`).
        const PARAMETER_FIRST: [Kind; 10] = [
            Kind::StringLiteral,
            Kind::IntegerLiteral,
            Kind::Lbracket,
            Kind::LeftCurley,
            Kind::Lbracket,
            Kind::True,
            Kind::False,
            Kind::Identifier,
            Kind::Lcurly,
            Kind::FloatingPointLiteral,
        ];
        if self.fast_ok(3 + PARAMETER_FIRST.len() as u64 + 1, 2) {
            if self.ntk()? != Kind::Identifier {
                self.scanned += 1;
                return Ok(false);
            }
            if self.kind_at(1)? != Kind::Lparen {
                self.scanned += 2;
                return Ok(false);
            }
            // The third token is the k-th: the first token matched in it ends the scan.
            let k2 = self.kind_at(2)?;
            if k2 == Kind::Whitespace {
                self.scanned += 3;
                return Ok(true);
            }
            if let Some(i) = PARAMETER_FIRST.iter().position(|k| *k == k2) {
                self.scanned += 3 + i as u64 + 1;
                return Ok(true);
            }
            self.scanned += 3 + PARAMETER_FIRST.len() as u64 + 1;
            return Ok(k2 == Kind::Refmod2Rparen);
        }
        self.lookahead(3, Self::scan_method)
    }

    /// `LOOKAHEAD(2) [<WS>] <LOGICAL_NOT> UnaryExpression()`.
    fn not_follows(&mut self) -> PResult<bool> {
        if self.fast_ok(2, 0) {
            match self.ntk()? {
                Kind::Whitespace => {
                    let k1 = self.kind_at(1)?;
                    self.scanned += 2;
                    return Ok(k1 == Kind::LogicalNot);
                }
                Kind::LogicalNot => {}
                _ => {
                    self.scanned += 2;
                    return Ok(false);
                }
            }
        }
        self.lookahead(2, Self::scan_not)
    }

    /// `LOOKAHEAD(2) [<WS>] [<COMMA> [<WS>]] DirectiveArg()`: the loop
    /// guard of a directive's arguments.
    fn directive_arg_follows(&mut self) -> PResult<bool> {
        // The first token of each alternative of `DirectiveArg()`, in the
        // order scanned (`Reference()` tries a name, then `{`;
        // `IntegerRange()` and `ObjectArray()` both start with `[`).
        const ARG_FIRST: [Kind; 11] = [
            Kind::Identifier,
            Kind::Lcurly,
            Kind::Word,
            Kind::StringLiteral,
            Kind::IntegerLiteral,
            Kind::Lbracket,
            Kind::FloatingPointLiteral,
            Kind::LeftCurley,
            Kind::Lbracket,
            Kind::True,
            Kind::False,
        ];
        // The scan tries <WS> (1), <COMMA> (1), then the alternatives.
        if self.fast_ok(2 + ARG_FIRST.len() as u64, 1) {
            match self.ntk()? {
                Kind::Whitespace => {
                    // <WS> matched; <COMMA> and each alternative's first
                    // token are tried on the second token, the k-th.
                    let k1 = self.kind_at(1)?;
                    if k1 == Kind::Comma {
                        self.scanned += 2;
                        return Ok(true);
                    }
                    return Ok(match ARG_FIRST.iter().position(|k| *k == k1) {
                        Some(i) => {
                            self.scanned += 2 + i as u64 + 1;
                            true
                        }
                        None => {
                            self.scanned += 2 + ARG_FIRST.len() as u64;
                            false
                        }
                    });
                }
                Kind::Identifier => {
                    // `Reference()` matches the name; its `( Index() )*`
                    // tries <INDEX_LBRACKET> on the second token (a match
                    // ends the scan), then `( ReferenceModifier() )*` <DOT>.
                    let k1 = self.kind_at(1)?;
                    self.scanned += if k1 == Kind::IndexLbracket { 4 } else { 5 };
                    return Ok(true);
                }
                k if k != Kind::Comma && !ARG_FIRST.contains(&k) => {
                    self.scanned += 2 + ARG_FIRST.len() as u64;
                    return Ok(false);
                }
                _ => {}
            }
        }
        self.lookahead(2, Self::scan_next_directive_arg)
    }

    /// The unlimited lookahead before `IntegerRange()`: it fails at once
    /// unless the next token is `[`.
    fn range_follows(&mut self) -> PResult<bool> {
        if self.fast_ok(1, 0) && self.ntk()? != Kind::Lbracket {
            self.scanned += 1;
            return Ok(false);
        }
        self.lookahead(usize::MAX, Self::scan_range_head)
    }

    // ------------------------------------------------------------------ productions

    /// `process()`: the whole template.
    pub fn parse_template(mut self) -> PResult<Ast> {
        while starts_statement(self.ntk()?) {
            self.statement()?;
            // No production holds an index into the consumed tokens between
            // top-level statements: drop them.
            self.toks.drain(..self.next);
            self.next = 0;
            // Nor to the special tokens, unless a lookahead token holds them.
            if self.toks.is_empty() {
                self.lx.clear_specials();
            }
        }
        if self.ntk()? != Kind::Eof {
            let t = self.peek(0)?;
            let what = match t.kind {
                Kind::End => "`#end` without an open `#if`, `#foreach`, `#macro` or `#define`",
                Kind::ElseDirective => "`#else` without an open `#if`",
                Kind::ElseifDirective => "`#elseif` without an open `#if`",
                _ => "",
            };
            let err = if what.is_empty() {
                self.unexpected("text, a reference or a directive")
            } else {
                Error::parse(format!("unexpected {what}"), self.span_of(&t))
            };
            return Err(err);
        }
        if let Some(e) = self.init_error {
            return Err(e);
        }
        self.close_text();
        // (The scratch stack becomes the root block; its spare room is given back.)
        self.nodes.shrink_to_fit();
        Ok(Ast {
            root: self.nodes,
            source_id: self.source_id,
        })
    }

    fn block(&mut self) -> PResult<Block> {
        let outer = self.block_start;
        self.block_start = self.nodes.len();
        while starts_statement(self.ntk()?) {
            self.statement()?;
        }
        self.close_text();
        // (`split_off` copies the block's nodes into a vector of their
        // number at once; at 0 it would hand over the whole scratch stack.)
        let nodes = if self.block_start > 0 {
            self.nodes.split_off(self.block_start)
        } else {
            self.nodes.drain(..).collect()
        };
        self.block_start = outer;
        Ok(nodes)
    }

    /// A reference statement's node: a [`Node::UtilCall`] when preparing
    /// and the reference is a plain util call.
    #[inline]
    fn reference_node(&self, r: Reference) -> Node {
        if self.prepare && r.root == super::sym::UTIL {
            return self.util_reference_node(r);
        }
        Node::Reference(Box::new(r))
    }

    /// `emit` of the `reference_node` of a `$util...` reference (out of
    /// line). (Emitted here, the node goes from registers into the block:
    /// returned by `reference_node` from out of line, it was read back at
    /// once from the stores that wrote it, a load the CPU cannot forward.)
    #[inline(never)]
    fn emit_util_reference(&mut self, r: Reference) {
        let node = self.util_reference_node(r);
        self.emit(node);
    }

    /// `reference_node` for a `$util...` reference (inlined into
    /// `emit_util_reference`, which is out of line, so that the node is
    /// made where it is stored).
    #[inline(always)]
    fn util_reference_node(&self, r: Reference) -> Node {
        if let Some((method, _)) = super::util_call(&r) {
            return Node::UtilCall(
                Box::new(UtilCallNode {
                    reference: r,
                    method,
                    hint: Hint::default(),
                }),
                UtilArgCache::default(),
            );
        }
        Node::Reference(Box::new(r))
    }

    /// `Text()`: a token written as text (with the `$` and `#` of the
    /// special tokens before it).
    fn emit_text(&mut self, t: &Token) {
        if t.kind != Kind::Dot && !self.has_special_text(t) {
            let range = Range::new(t.start as usize, t.end as usize);
            // (`emit` is inlined: the node is made where it is stored.)
            self.emit(Node::Text(Text::Source(range)));
        } else {
            self.emit(Node::Text(Text::Owned(self.token_literal(t).into())));
        }
    }

    /// Adds a node to the current block, merging adjacent text nodes.
    /// (Inlined into its callers, so that a node made there goes from
    /// registers into the vector: passed in memory, it was written field
    /// by field and read back at once, a load the CPU cannot forward from
    /// those stores; perf put half of `emit`'s time on it.)
    #[inline(always)]
    fn emit(&mut self, node: Node) {
        if matches!(node, Node::Text(_))
            && self.nodes.len() > self.block_start
            && matches!(self.nodes.last(), Some(Node::Text(_)))
        {
            self.merge_into_last(&node);
            return;
        }
        if self.open_text != usize::MAX {
            self.close_text();
        }
        self.nodes.push(node);
    }

    /// Merges a text node into the text node that ends the current block
    /// (out of line: rare). Adjacent source ranges join; other texts are
    /// gathered in `text_buf`, which grows by doubling (copying the text so
    /// far at each merge made 300 KB of `$-x` lines take 5.7 s to parse).
    #[inline(never)]
    fn merge_into_last(&mut self, node: &Node) {
        let Node::Text(b) = node else { return };
        let last = self.nodes.len() - 1;
        if self.open_text == last {
            self.text_buf.push_str(text_of(b, self.src));
            return;
        }
        if let Some(Node::Text(a)) = self.nodes.last_mut() {
            if let Text::Source(x) = a
                && let Text::Source(y) = b
                && x.end == y.start
            {
                x.end = y.end;
                return;
            }
            self.text_buf.clear();
            self.text_buf.push_str(text_of(a, self.src));
            self.text_buf.push_str(text_of(b, self.src));
            self.open_text = last;
        }
    }

    /// Gives the text node being built (see `merge_into_last`) its text.
    fn close_text(&mut self) {
        if let Some(Node::Text(t)) = self.nodes.get_mut(self.open_text) {
            *t = Text::Owned(self.text_buf.as_str().into());
        }
        self.open_text = usize::MAX;
    }

    fn statement(&mut self) -> PResult<()> {
        self.enter()?;
        let r = self.statement_inner();
        self.leave();
        r
    }

    fn statement_inner(&mut self) -> PResult<()> {
        let k = self.ntk()?;
        if k == Kind::IfDirective {
            return self.if_statement();
        }
        if k == Kind::Text && self.fast_ok(3, 1) {
            // Plain text, the most frequent statement: what the general path
            // below does for it (`reference_follows` counts its two scanned
            // tokens and fails, then `Text()`).
            self.scanned += 2;
            let t = self.toks[self.next];
            self.next += 1;
            self.emit_text(&t);
            return Ok(());
        }
        if self.reference_follows()? {
            let r = self.reference()?;
            // (The node made where it is stored: see `emit_util_reference`.)
            if self.prepare && r.root == super::sym::UTIL {
                self.emit_util_reference(r);
            } else {
                self.emit(Node::Reference(Box::new(r)));
            }
            return Ok(());
        }
        match k {
            Kind::SingleLineCommentStart | Kind::FormalComment | Kind::MultiLineComment => {
                let t = self.toks[self.next];
                self.next += 1;
                if t.kind == Kind::SingleLineCommentStart {
                    self.consume_if(Kind::SingleLineComment)?;
                }
                let img = self.img(&t);
                let cut = img.find("##").or_else(|| img.find("#*"));
                if let Some(cut) = cut
                    && cut > 0
                {
                    self.emit(Node::Text(Text::Owned(img[..cut].into())));
                }
                Ok(())
            }
            Kind::Textblock => {
                let t = self.consume(Kind::Textblock, "a text block")?;
                let img = self.img(&t);
                // Velocity cuts 3 characters at each end of the token's image.
                let inner = java_substring(img, 3, img.encode_utf16().count().saturating_sub(3));
                if !inner.is_empty() {
                    self.emit(Node::Text(Text::Owned(inner.into())));
                }
                Ok(())
            }
            Kind::SetDirective => self.set_directive(),
            Kind::EscapeDirective => {
                let t = self.consume(Kind::EscapeDirective, "an escaped directive")?;
                let text = self.escaped_directive(self.img(&t));
                self.emit(Node::Text(Text::Owned(text.into())));
                Ok(())
            }
            Kind::DoubleEscape => self.escape(),
            Kind::Word | Kind::BracketedWord => self.directive(),
            _ => {
                // Text(): TEXT DOT RPAREN LPAREN INTEGER FLOAT STRING ESCAPE LCURLY RCURLY EMPTY_INDEX
                let t = self.peek(0)?;
                if matches!(
                    t.kind,
                    Kind::Text
                        | Kind::Dot
                        | Kind::Rparen
                        | Kind::Lparen
                        | Kind::IntegerLiteral
                        | Kind::FloatingPointLiteral
                        | Kind::StringLiteral
                        | Kind::Escape
                        | Kind::Lcurly
                        | Kind::Rcurly
                        | Kind::EmptyIndex
                ) {
                    self.next += 1;
                    self.emit_text(&t);
                    Ok(())
                } else {
                    Err(self.unexpected("text, a reference or a directive"))
                }
            }
        }
    }

    /// Velocity's `Parser.escapedDirective`.
    fn escaped_directive(&self, img: &str) -> String {
        let i_last = img.rfind('\\').unwrap_or(0);
        let directive = &img[i_last + 1..];
        let mut tag = &directive[1..];
        if tag.starts_with('{') && tag.len() >= 2 {
            tag = &tag[1..tag.len() - 1];
        }
        let recognized = directive_kind(tag).is_some()
            || self.macro_names.contains(tag)
            || matches!(tag, "if" | "end" | "set" | "else" | "elseif");
        if recognized {
            format!("{}{}", &img[..i_last / 2], directive)
        } else {
            img.to_string()
        }
    }

    /// `Escape()`: a run of `\\` before a directive or text.
    fn escape(&mut self) -> PResult<()> {
        let mut count = 0usize;
        loop {
            self.consume(Kind::DoubleEscape, "`\\\\`")?;
            count += 1;
            if !self.lookahead(2, |p| p.scan_token(Kind::DoubleEscape))? {
                break;
            }
        }
        let next = self.peek(0)?;
        let mut control = matches!(
            next.kind,
            Kind::End | Kind::IfDirective | Kind::ElseifDirective | Kind::ElseDirective
        );
        let img = self.img(&next);
        let tag = java_substring(img, 1, img.encode_utf16().count());
        if directive_kind(tag).is_some() || self.macro_names.contains(tag) {
            control = true;
        }
        let text = if control { "\\" } else { "\\\\" }.repeat(count);
        self.emit(Node::Text(Text::Owned(text.into())));
        Ok(())
    }

    /// `SetDirective()`
    fn set_directive(&mut self) -> PResult<()> {
        let first = self.next;
        let set_tok = self.consume(Kind::SetDirective, "`#set(`")?;
        self.consume_if(Kind::Whitespace)?;
        if !matches!(self.ntk()?, Kind::Identifier | Kind::Lcurly) {
            return Err(self
                .unexpected("a reference to assign to, such as `$name`")
                .with_help("write `#set($name = value)`"));
        }
        let lhs = self.reference()?;
        self.consume_if(Kind::Whitespace)?;
        if self.ntk()? != Kind::Equals {
            return Err(self.unexpected("`=`"));
        }
        self.consume(Kind::Equals, "`=`")?;
        let rhs = self.expression()?;
        if self.ntk()? != Kind::Rparen {
            let e = self.unexpected("`)` closing `#set(`");
            return Err(e.with_help(format!(
                "`#set(` at line {} is not closed",
                self.span_of(&set_tok).line
            )));
        }
        self.consume(Kind::Rparen, "`)`")?;
        self.lx.in_set = false;
        self.consume_if(Kind::Newline)?;
        self.emit(Node::Set(Box::new(SetNode {
            range: self.range_from(first),
            lhs,
            rhs,
        })));
        Ok(())
    }

    /// `IfStatement()`
    fn if_statement(&mut self) -> PResult<()> {
        let first = self.next;
        let if_tok = self.consume(Kind::IfDirective, "`#if`")?;
        // Most `#if`s have no `#elseif`: room for exactly one branch (a
        // small allocation, where a first push would make room for four).
        let mut branches = Vec::with_capacity(1);
        let cond = self.condition("#if")?;
        let block = self.block()?;
        branches.push((cond, block));
        while self.ntk()? == Kind::ElseifDirective {
            self.consume(Kind::ElseifDirective, "`#elseif`")?;
            let cond = self.condition("#elseif")?;
            let block = self.block()?;
            branches.push((cond, block));
        }
        let mut otherwise = None;
        if self.ntk()? == Kind::ElseDirective {
            self.consume(Kind::ElseDirective, "`#else`")?;
            otherwise = Some(self.block()?);
        }
        if self.ntk()? != Kind::End {
            let opened = self.span_of(&if_tok);
            return Err(self.unclosed("#if", opened));
        }
        self.consume(Kind::End, "`#end`")?;
        self.emit(Node::If(Box::new(IfNode {
            range: self.range_from(first),
            branches,
            otherwise,
        })));
        Ok(())
    }

    fn unclosed(&mut self, what: &str, opened: Span) -> Error {
        match self.peek(0) {
            Ok(t) if t.kind == Kind::Eof => Error::parse(
                format!("`{what}` is not closed: the template ends before its `#end`"),
                opened,
            )
            .with_help(format!("add `#end` to close the `{what}` opened here")),
            Ok(_) => self.unexpected("`#end`").with_help(format!(
                "the `{what}` at line {} is still open here",
                opened.line
            )),
            Err(e) => e,
        }
    }

    /// `[<WS>] <LPAREN> Expression() <RPAREN>` after `#if` / `#elseif`.
    fn condition(&mut self, what: &str) -> PResult<Expr> {
        self.consume_if(Kind::Whitespace)?;
        if self.ntk()? != Kind::Lparen {
            return Err(self.unexpected("`(`").with_help(format!(
                "a condition goes in parentheses: `{what}($a == 1)`"
            )));
        }
        self.consume(Kind::Lparen, "`(`")?;
        let e = self.expression()?;
        if self.ntk()? != Kind::Rparen {
            return Err(self.unexpected("`)`"));
        }
        self.consume(Kind::Rparen, "`)`")?;
        Ok(e)
    }

    /// `Directive()`: `#foreach`, `#macro`, macro calls, and `#word` text.
    fn directive(&mut self) -> PResult<()> {
        let first = self.next;
        let t = self.peek(0)?;
        self.next += 1;
        let img = self.img(&t);
        let name: &'s str = if t.kind == Kind::BracketedWord {
            &img[2..img.len() - 1]
        } else {
            &img[1..]
        };
        let kind = directive_kind(name);
        let is_macro = name == "macro";
        let is_block = match kind {
            Some(b) => b,
            None => name.starts_with('@'),
        };
        self.lx.switch_to(LexState::Directive);
        debug_assert!(self.next == self.toks.len());
        if !self.lx.is_left_parenthesis() {
            if is_macro {
                return Err(Error::parse(
                    "`#macro` needs parentheses with at least the macro's name",
                    self.span_of(&t),
                )
                .with_help("write `#macro(name $arg1 $arg2) ... #end`"));
            }
            self.lx.pop();
            self.lx.set_in_directive(false);
            let at = self.paths_len();
            let marks = PathMarks {
                args: [at; 5],
                block: at,
            };
            self.push_directive(
                first,
                name,
                kind,
                (Vec::new(), Vec::new(), None),
                None,
                marks,
            )?;
            return Ok(());
        }
        self.consume_if(Kind::Whitespace)?;
        self.consume(Kind::Lparen, "`(`")?;
        let mut args = std::mem::take(&mut self.spare_args);
        let mut arg_literals = Vec::new();
        let mut arg_pos = 0usize;
        // A `#foreach`'s loop variable, when it is a reference: only its
        // name is kept (its place in `args` holds a placeholder), so the
        // reference is not boxed.
        let mut foreach_var = None;
        let mut marks = PathMarks {
            args: [0; 5],
            block: 0,
        };
        while self.directive_arg_follows()? {
            self.consume_if(Kind::Whitespace)?;
            if self.consume_if(Kind::Comma)?.is_some() {
                self.consume_if(Kind::Whitespace)?;
            }
            if let Some(m) = marks.args.get_mut(arg_pos) {
                *m = self.paths_len();
            }
            let arg_tok = self.peek(0)?;
            let arg_first = self.next;
            let arg = if arg_pos == 0
                && name == "foreach"
                && matches!(arg_tok.kind, Kind::Identifier | Kind::Lcurly)
            {
                // (What `directive_arg` does with it, but the box.)
                foreach_var = Some(self.reference()?.root);
                Expr::True
            } else {
                self.directive_arg()?
            };
            if kind.is_none() {
                // A macro argument's text (`Node.literal()`), for `\$param` in the body.
                let mut lit = String::new();
                for t in &self.consumed()[arg_first..] {
                    lit.push_str(&self.token_literal(t));
                }
                arg_literals.push(lit.into_boxed_str());
            }
            if let Expr::Word(_) = arg {
                if !(is_macro && arg_pos == 0)
                    && kind.is_some()
                    && (name != "foreach" || arg_pos != 1)
                {
                    return Err(Error::parse(
                        format!("invalid argument {arg_pos} of `#{name}`: a bare word"),
                        self.span_of(&arg_tok),
                    ));
                }
            } else if is_macro && arg_pos == 0 {
                return Err(Error::parse(
                    "the first argument of `#macro` must be the macro's name, without quotes",
                    self.span_of(&arg_tok),
                ));
            }
            args.push(arg);
            arg_pos += 1;
        }
        self.consume_if(Kind::Whitespace)?;
        if self.ntk()? != Kind::Rparen {
            return Err(self.unexpected(&format!("`)` closing the arguments of `#{name}`")));
        }
        self.consume(Kind::Rparen, "`)`")?;
        if args.is_empty() {
            // (Kept for the next directive: a node keeps no empty vector's room.)
            self.spare_args = std::mem::take(&mut args);
        }
        marks.block = self.paths_len();
        for m in marks.args.iter_mut().skip(arg_pos) {
            *m = marks.block;
        }
        if !is_block {
            self.push_directive(
                first,
                name,
                kind,
                (args, arg_literals, foreach_var),
                None,
                marks,
            )?;
            return Ok(());
        }
        let block = self.block()?;
        if self.ntk()? != Kind::End {
            let opened = self.span_of(&t);
            return Err(self.unclosed(&format!("#{name}"), opened));
        }
        self.consume(Kind::End, "`#end`")?;
        if is_macro {
            if args.is_empty() {
                return Err(Error::parse(
                    "`#macro` needs the macro's name as its first argument",
                    self.span_of(&t),
                )
                .with_help("write `#macro(name $arg1 $arg2) ... #end`"));
            }
            if let Expr::Word(sym) = args[0] {
                let n = self.shared.names[sym as usize].to_string();
                self.macro_names.insert(n);
            } else {
                return Err(Error::parse(
                    "the first argument of `#macro` must be the macro's name, without quotes",
                    self.span_of(&t),
                ));
            }
        }
        self.push_directive(
            first,
            name,
            kind,
            (args, arg_literals, foreach_var),
            Some(block),
            marks,
        )
    }

    /// The length of [`Shared::path_literals`] (0 when not recording).
    fn paths_len(&self) -> usize {
        self.shared.path_literals.as_ref().map_or(0, Vec::len)
    }

    /// Drops the path literals recorded since `from`, but those in `keep`
    /// (marks taken in order: `from <= keep.start <= keep.end`; clamped all
    /// the same).
    fn keep_paths(&mut self, from: usize, keep: std::ops::Range<usize>) {
        if let Some(list) = &mut self.shared.path_literals {
            let end = keep.end.min(list.len());
            let start = keep.start.min(end);
            list.truncate(end);
            list.drain(from.min(start)..start);
        }
    }

    fn push_directive(
        &mut self,
        first: usize,
        name: &str,
        kind: Option<bool>,
        (args, arg_literals, foreach_var): (Vec<Expr>, Vec<Box<str>>, Option<Sym>),
        block: Option<Block>,
        marks: PathMarks,
    ) -> PResult<()> {
        let range = self.range_from(first);
        let sym = self.shared.intern(name);
        let [a0, _, a2, a3, a4] = marks.args;
        let end = self.paths_len();
        let node = match (name, kind) {
            ("foreach", _) => match block {
                Some(body) => {
                    // The node keeps the third argument and the block (or,
                    // with more than three arguments, a fourth that is a
                    // reference instead of the block): see `foreach_node`.
                    let keep = match args.len() {
                        3 => a2..end,
                        n if n > 3 && matches!(args[3], Expr::Ref(_)) => a2..a4,
                        n if n > 3 => a2..a3,
                        _ => a0..a0,
                    };
                    self.keep_paths(a0, keep);
                    Node::Foreach(Box::new(self.foreach_node(
                        range,
                        args,
                        foreach_var,
                        body,
                    )?))
                }
                None => {
                    self.init_error_at(
                        Error::eval("`#foreach` needs arguments: `#foreach($item in $list)`"),
                        range,
                    );
                    return Ok(());
                }
            },
            ("macro", _) => {
                // (The parameters are kept as names only.)
                self.keep_paths(a0, marks.block..end);
                let body = block.unwrap_or_default();
                let mut it = args.into_iter();
                let name = match it.next() {
                    Some(Expr::Word(s)) => s,
                    _ => sym,
                };
                let params = it.map(|a| self.macro_param(&a)).collect();
                self.shared.macros += 1;
                Node::Macro(Box::new(MacroNode {
                    range,
                    name,
                    params,
                    body: Arc::new(body),
                }))
            }
            ("define", _) => {
                let var = match args.first() {
                    Some(Expr::Ref(r)) => r.root,
                    Some(e) => {
                        let s = self.first_image_of(e);
                        self.shared
                            .intern(java_substring(&s, 1, s.encode_utf16().count()))
                    }
                    None => {
                        self.init_error_at(
                            Error::eval("`#define` needs a reference: `#define($name) ... #end`"),
                            range,
                        );
                        return Ok(());
                    }
                };
                if args.len() != 1 {
                    // Velocity only logs this; the block is still defined.
                }
                self.keep_paths(a0, marks.block..end);
                Node::Define(Box::new(DefineNode {
                    range,
                    var,
                    body: Arc::new(block.unwrap_or_default()),
                }))
            }
            ("literal", _) => {
                if block.is_none() {
                    self.init_error_at(
                        Error::eval(
                            "`#literal` needs parentheses and a block: `#literal() ... #end`",
                        ),
                        range,
                    );
                    return Ok(());
                }
                self.keep_paths(a0, a0..a0);
                let text = match &block {
                    Some(_) => {
                        // The block's literal: its tokens' text (after the `)`).
                        let start = self
                            .consumed()
                            .iter()
                            .skip(first)
                            .position(|t| t.kind == Kind::Rparen)
                            .map(|i| first + i + 1);
                        let end = self.next.saturating_sub(1);
                        let mut s = String::new();
                        if let Some(start) = start {
                            for i in start..end {
                                let t = self.toks[i];
                                s.push_str(&self.token_literal(&t));
                            }
                        }
                        s
                    }
                    None => String::new(),
                };
                Node::Literal(Box::new(Text::Owned(text.into())))
            }
            ("evaluate", _) => {
                if args.len() != 1 {
                    self.init_error_at(
                        Error::new(
                            ErrorKind::Parse,
                            "`#evaluate()` requires exactly one argument",
                        ),
                        range,
                    );
                    return Ok(());
                }
                if !matches!(args[0], Expr::Str(_) | Expr::Ref(_)) {
                    self.init_error_at(
                        Error::new(
                            ErrorKind::Parse,
                            "the argument of `#evaluate()` must be a string literal or a reference",
                        ),
                        range,
                    );
                    return Ok(());
                }
                Node::Evaluate(Box::new(ArgsNode {
                    range,
                    name: sym,
                    args,
                }))
            }
            ("break", _) => Node::Break(Box::new(ArgsNode {
                range,
                name: sym,
                args,
            })),
            ("stop", _) => {
                self.keep_paths(a0, a0..a0);
                Node::Stop(range)
            }
            ("include", _) | ("parse", _) => Node::Include(Box::new(ArgsNode {
                range,
                name: sym,
                args,
            })),
            _ if name.starts_with('@') && args.is_empty() && block.is_none() => {
                // `#@name` with neither arguments nor a body is no directive:
                // `ASTDirective.render` writes `#` and the name (which differs
                // from the source text when the `#` ended a reference, `#$@@`).
                Node::Text(Text::Owned(format!("#{name}").into()))
            }
            _ => {
                // A macro call (or text when no such macro exists at render time).
                let mut literal = String::new();
                for t in &self.consumed()[first..] {
                    literal.push_str(self.img(t));
                }
                let name = if name.starts_with('@') && block.is_some() {
                    self.shared.intern(&name[1..])
                } else {
                    sym
                };
                Node::MacroCall(Box::new(MacroCallNode {
                    range,
                    name,
                    args,
                    arg_literals,
                    body: block,
                    literal: literal.into(),
                }))
            }
        };
        self.emit(node);
        Ok(())
    }

    /// Records an error of Velocity's initialisation phase (reported only if
    /// the whole template parses).
    fn init_error(&mut self, e: Error) {
        if self.init_error.is_none() {
            self.init_error = Some(e);
        }
    }

    /// [`Parser::init_error`] at `range`, whose line and column are worked
    /// out only for the error kept (each costs a scan of the source up to
    /// it: computed for every `#evaluate`, a 300 KB template of them took
    /// 2.3 s to parse).
    fn init_error_at(&mut self, e: Error, range: Range) {
        if self.init_error.is_none() {
            let span = Span::of(self.src, range.start as usize, range.end as usize);
            self.init_error = Some(e.with_span(span));
        }
    }

    /// A `#foreach` node of its arguments (`var`: the name of the first,
    /// when that is a reference, whose place holds a placeholder) and block.
    fn foreach_node(
        &mut self,
        range: Range,
        args: Vec<Expr>,
        var: Option<Sym>,
        body: Block,
    ) -> PResult<ForeachNode> {
        let var = match (var, args.first()) {
            (Some(var), _) => var,
            (None, Some(Expr::Ref(r))) => r.root,
            (None, Some(e)) => {
                let s = self.first_image_of(e);
                self.shared
                    .intern(java_substring(&s, 1, s.encode_utf16().count()))
            }
            (None, None) => {
                return Err(
                    Error::eval("`#foreach` needs arguments: `#foreach($item in $list)`")
                        .with_span(Span::of(self.src, range.start as usize, range.end as usize)),
                );
            }
        };
        let mut args = args;
        // Velocity iterates over child 2 and renders child 3: with fewer than
        // three arguments the "list" is the block (null: no iterations); with
        // more, the fourth argument is rendered instead of the block.
        let (iterable, body) = if args.len() == 3 {
            (args.pop().expect("3 args"), body)
        } else if args.len() > 3 {
            let fourth = args.swap_remove(3);
            let third = args.swap_remove(2);
            let body = match fourth {
                Expr::Ref(r) => vec![self.reference_node(*r)],
                _ => Vec::new(),
            };
            (third, body)
        } else {
            (Expr::Word(self.shared.intern("")), Vec::new())
        };
        // The emptied vector serves the next directive's arguments.
        args.clear();
        if args.capacity() > self.spare_args.capacity() {
            self.spare_args = args;
        }
        Ok(ForeachNode {
            range,
            var,
            iterable,
            body,
        })
    }

    /// A `#macro` parameter's name: the first token's image, without `$`.
    fn macro_param(&mut self, e: &Expr) -> Sym {
        let s = self.first_image_of(e);
        let s = s.strip_prefix('$').unwrap_or(&s).to_string();
        self.shared.intern(&s)
    }

    /// The image of an argument's first token, as Velocity's
    /// `getFirstToken().image` (for references, after `getRoot` trimmed it).
    fn first_image_of(&self, e: &Expr) -> String {
        match e {
            Expr::Ref(r) => self.source_range_text(r.first_token).to_string(),
            Expr::Word(s) => self.shared.names[*s as usize].to_string(),
            Expr::Str(s) => self.source_range_text(s.range).to_string(),
            _ => String::new(),
        }
    }

    /// `DirectiveArg()`
    fn directive_arg(&mut self) -> PResult<Expr> {
        match self.ntk()? {
            Kind::Identifier | Kind::Lcurly => Ok(Expr::Ref(Box::new(self.reference()?))),
            Kind::Word => {
                let t = self.consume(Kind::Word, "a word")?;
                let w = self.img(&t);
                Ok(Expr::Word(self.shared.intern(w)))
            }
            Kind::StringLiteral => self.string_literal(),
            Kind::IntegerLiteral => self.integer_literal(),
            _ => {
                if self.range_follows()? {
                    return self.integer_range();
                }
                match self.ntk()? {
                    Kind::FloatingPointLiteral => self.float_literal(),
                    Kind::LeftCurley => self.map(),
                    Kind::Lbracket => self.object_array(),
                    Kind::True => {
                        self.consume(Kind::True, "`true`")?;
                        Ok(Expr::True)
                    }
                    Kind::False => {
                        self.consume(Kind::False, "`false`")?;
                        Ok(Expr::False)
                    }
                    _ => Err(self.unexpected("an argument")),
                }
            }
        }
    }

    /// `Reference()`
    fn reference(&mut self) -> PResult<Reference> {
        self.enter()?;
        let r = self.reference_inner();
        self.leave();
        r
    }

    fn reference_inner(&mut self) -> PResult<Reference> {
        let first_index = self.next;
        let first = self.peek(0)?;
        let formal = first.kind == Kind::Lcurly;
        let root_tok = if formal {
            self.consume(Kind::Lcurly, "`{`")?;
            self.consume(Kind::Identifier, "a name after `${`")?
        } else {
            self.consume(Kind::Identifier, "a name")?
        };
        let mut chain = Chain::default();
        loop {
            while self.ntk()? == Kind::IndexLbracket {
                chain.push(self.index()?);
            }
            if !self.modifier_follows()? {
                break;
            }
            self.consume(Kind::Dot, "`.`")?;
            if self.method_follows()? {
                chain.push(self.method()?);
            } else {
                let t = self.consume(Kind::Identifier, "a property name")?;
                let name = self.shared.intern(self.img(&t));
                chain.push(Modifier::Property {
                    name,
                    range: Range::new(t.start as usize, t.end as usize),
                    hint: Hint::default(),
                });
            }
        }
        if formal {
            if self.ntk()? != Kind::Rcurly {
                return Err(self
                    .unexpected("`}` closing `${`")
                    .with_help("a formal reference is written `${name}` or `${name.property}`"));
            }
            self.consume(Kind::Rcurly, "`}`")?;
        }
        let first_tok = self.toks[first_index];
        self.finish_reference(first_index, first_tok, root_tok, chain)
    }

    /// Velocity's `ASTReference.getRoot()` and `literal()`: the usual forms
    /// here, the others in `finish_reference_rest`.
    #[inline]
    fn finish_reference(
        &mut self,
        first_index: usize,
        first_tok: Token,
        root_tok: Token,
        chain: Chain,
    ) -> PResult<Reference> {
        let range = self.range_from(first_index);
        let src = self.src;
        let first_img: &str = &src[first_tok.start as usize..first_tok.end as usize];
        // The usual `$name`, `$!name`, `${`, `$!{`: one `$` first and no
        // backslash, so no escape, no prefix, nothing stripped.
        // (`$` then a letter or `_`: the `$` prefix and a name, which holds
        // neither `$` nor a backslash.)
        let b = first_img.as_bytes();
        let plain = b
            .get(1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
        if b.first() == Some(&b'$') && (plain || !b[1..].iter().any(|c| matches!(c, b'$' | b'\\')))
        {
            let (kind, root_name) = if plain {
                (RefKind::Normal, &first_img[1..])
            } else {
                let root_img = &src[root_tok.start as usize..root_tok.end as usize];
                match first_img.strip_prefix("$!") {
                    Some(rest) if rest.starts_with('{') => (RefKind::Quiet, root_img),
                    Some(rest) => (RefKind::Quiet, rest),
                    None if first_img == "${" => (RefKind::Formal, root_img),
                    None => (RefKind::Normal, &first_img[1..]),
                }
            };
            let root = self.shared.intern(root_name);
            return Ok(Reference {
                range,
                kind,
                escaped: false,
                root,
                chain,
                first_token: Range::new(first_tok.start as usize, first_tok.end as usize),
                computable: true,
                extra: None,
            });
        }
        self.finish_reference_rest(range, first_index, first_tok, root_tok, chain)
    }

    /// `finish_reference` for references with escapes, prefixes or `$\!`.
    #[inline(never)]
    fn finish_reference_rest(
        &mut self,
        range: Range,
        first_index: usize,
        first_tok: Token,
        root_tok: Token,
        chain: Chain,
    ) -> PResult<Reference> {
        let src = self.src;
        let mut first_img: &str = &src[first_tok.start as usize..first_tok.end as usize];
        let literal_rest = |p: &Self, first: &str| -> String {
            let mut s = p.special_text(&first_tok);
            s.push_str(first);
            for t in &p.consumed()[first_index + 1..] {
                s.push_str(&p.token_literal(t));
            }
            s
        };
        if first_img.as_bytes().windows(2).any(|w| w == b"\\!") {
            // `$\!name`: not a reference; its text with one backslash removed.
            let b = first_img.as_bytes();
            let mut i = first_img.find('$').unwrap_or(0);
            while i < b.len() && b[i] != b'\\' {
                i += 1;
            }
            let start = i;
            let mut count = 0;
            while i < b.len() && b[i] == b'\\' {
                i += 1;
                count += 1;
            }
            let null_string = format!(
                "{}{}{}",
                &first_img[..start],
                &first_img[start..start + count - 1],
                &first_img[start + count..]
            );
            let root = self.shared.intern(&null_string);
            return Ok(Reference {
                range,
                kind: RefKind::Normal,
                escaped: false,
                root,
                chain,
                first_token: Range::new(first_tok.start as usize, first_tok.end as usize),
                computable: false,
                extra: ref_extra("", "", null_string),
            });
        }
        let mut escaped = false;
        let mut esc_prefix = "";
        if first_img.starts_with('\\') {
            let n = first_img.bytes().take_while(|b| *b == b'\\').count();
            escaped = n % 2 == 1;
            esc_prefix = &first_img[..n / 2];
            first_img = &first_img[n..];
        }
        let mut more_prefix = "";
        if let Some(loc) = first_img.bytes().rposition(|b| b == b'$')
            && loc > 0
        {
            more_prefix = &first_img[..loc];
            first_img = &first_img[loc..];
        }
        // The literal is only written for an escaped reference.
        let literal = if escaped {
            literal_rest(self, first_img)
        } else {
            String::new()
        };
        let first_token = Range::new(
            first_tok.end as usize - first_img.len(),
            first_tok.end as usize,
        );
        if first_token.start != first_tok.start {
            self.stripped.insert(first_tok.start, first_token.start);
        }
        let root_img = &src[root_tok.start as usize..root_tok.end as usize];
        let (kind, root_name): (RefKind, &str) = if let Some(rest) = first_img.strip_prefix("$!") {
            if rest.starts_with('{') {
                (RefKind::Quiet, root_img)
            } else {
                (RefKind::Quiet, rest)
            }
        } else if first_img == "${" {
            (RefKind::Formal, root_img)
        } else if let Some(rest) = first_img.strip_prefix('$') {
            (RefKind::Normal, rest)
        } else {
            (RefKind::Runt, first_img)
        };
        let root = self.shared.intern(root_name);
        Ok(Reference {
            range,
            kind,
            escaped,
            root,
            chain,
            first_token,
            computable: true,
            extra: ref_extra(esc_prefix, more_prefix, literal),
        })
    }

    /// `Index()`: `[ IndexParameter ]`
    fn index(&mut self) -> PResult<Modifier> {
        let open = self.consume(Kind::IndexLbracket, "`[`")?;
        self.consume_if(Kind::Whitespace)?;
        let arg = match self.ntk()? {
            Kind::StringLiteral => self.string_literal()?,
            Kind::IntegerLiteral => self.integer_literal()?,
            Kind::True => {
                self.consume(Kind::True, "`true`")?;
                Expr::True
            }
            Kind::False => {
                self.consume(Kind::False, "`false`")?;
                Expr::False
            }
            Kind::Identifier | Kind::Lcurly => Expr::Ref(Box::new(self.reference()?)),
            _ => {
                return Err(self
                    .unexpected("an index: a number, a string or a reference")
                    .with_help("index a list with `$list[0]` or a map with `$map['key']`"));
            }
        };
        self.consume_if(Kind::Whitespace)?;
        let close = self.consume(Kind::IndexRbracket, "`]`")?;
        Ok(Modifier::Index {
            arg: Box::new(arg),
            range: Range::new(open.start as usize, close.end as usize),
        })
    }

    /// `[ Parameter() ( <COMMA> Parameter() )* ]`: method arguments and list items.
    fn parameter_list(&mut self) -> PResult<Vec<Expr>> {
        let mut items = Vec::new();
        self.parameters(|e| items.push(e))?;
        Ok(items)
    }

    /// `parameter_list` for a method's arguments, kept as [`Args`].
    fn method_args(&mut self) -> PResult<Args> {
        let mut items = Args::default();
        self.parameters(|e| items.push(e))?;
        Ok(items)
    }

    /// The parameters of `parameter_list`, each handed to `push`.
    fn parameters(&mut self, mut push: impl FnMut(Expr)) -> PResult<()> {
        if matches!(
            self.ntk()?,
            Kind::Lbracket
                | Kind::LeftCurley
                | Kind::Whitespace
                | Kind::StringLiteral
                | Kind::True
                | Kind::False
                | Kind::IntegerLiteral
                | Kind::FloatingPointLiteral
                | Kind::Identifier
                | Kind::Lcurly
        ) {
            push(self.parameter()?);
            while self.ntk()? == Kind::Comma {
                self.consume(Kind::Comma, "`,`")?;
                push(self.parameter()?);
            }
        }
        Ok(())
    }

    /// `Method()`: `name( Parameter, ... )`
    fn method(&mut self) -> PResult<Modifier> {
        let name_tok = self.consume(Kind::Identifier, "a method name")?;
        self.consume(Kind::Lparen, "`(`")?;
        let args = self.method_args()?;
        if self.ntk()? != Kind::Refmod2Rparen {
            let name = self.img(&name_tok).to_string();
            return Err(self
                .unexpected(&format!("`)` closing the arguments of `{name}(`"))
                .with_help("arguments are separated by commas: `$s.substring(0, 3)`"));
        }
        let close = self.consume(Kind::Refmod2Rparen, "`)`")?;
        let name = self.shared.intern(self.img(&name_tok));
        if let [Expr::Str(lit)] = &args[..]
            && lit.interpolated.is_none()
            && (name == super::sym::PATH || self.img(&name_tok) == "json")
            && let Some(list) = &mut self.shared.path_literals
        {
            list.push((self.source_id, lit.text.clone()));
        }
        Ok(Modifier::Method {
            name,
            args,
            range: Range::new(name_tok.start as usize, close.end as usize),
        })
    }

    /// `Parameter()`
    fn parameter(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.parameter_inner();
        self.leave();
        r
    }

    fn parameter_inner(&mut self) -> PResult<Expr> {
        self.consume_if(Kind::Whitespace)?;
        let e = match self.ntk()? {
            Kind::StringLiteral => self.string_literal()?,
            Kind::IntegerLiteral => self.integer_literal()?,
            _ => {
                if self.range_follows()? {
                    self.integer_range()?
                } else {
                    match self.ntk()? {
                        Kind::LeftCurley => self.map()?,
                        Kind::Lbracket => self.object_array()?,
                        Kind::True => {
                            self.consume(Kind::True, "`true`")?;
                            Expr::True
                        }
                        Kind::False => {
                            self.consume(Kind::False, "`false`")?;
                            Expr::False
                        }
                        Kind::Identifier | Kind::Lcurly => Expr::Ref(Box::new(self.reference()?)),
                        Kind::FloatingPointLiteral => self.float_literal()?,
                        _ => return Err(self.unexpected("a value")),
                    }
                }
            }
        };
        self.consume_if(Kind::Whitespace)?;
        Ok(e)
    }

    /// `IntegerRange()`: `[ a .. b ]`
    fn integer_range(&mut self) -> PResult<Expr> {
        self.consume(Kind::Lbracket, "`[`")?;
        self.consume_if(Kind::Whitespace)?;
        let a = self.range_end()?;
        self.consume_if(Kind::Whitespace)?;
        self.consume(Kind::DoubleDot, "`..`")?;
        self.consume_if(Kind::Whitespace)?;
        let b = self.range_end()?;
        self.consume_if(Kind::Whitespace)?;
        if self.ntk()? != Kind::Rbracket {
            return Err(self.unexpected("`]` closing the range"));
        }
        self.consume(Kind::Rbracket, "`]`")?;
        Ok(Expr::Range(Box::new(a), Box::new(b)))
    }

    fn range_end(&mut self) -> PResult<Expr> {
        match self.ntk()? {
            Kind::Identifier | Kind::Lcurly => Ok(Expr::Ref(Box::new(self.reference()?))),
            Kind::IntegerLiteral => self.integer_literal(),
            _ => Err(self.unexpected("an integer or a reference")),
        }
    }

    /// `Map()`: `{ k : v, ... }`
    fn map(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.map_inner();
        self.leave();
        r
    }

    fn map_inner(&mut self) -> PResult<Expr> {
        self.consume(Kind::LeftCurley, "`{`")?;
        let mut entries = Vec::new();
        if self.lookahead(2, |p| {
            scan_try!(p.scan_parameter());
            scan_try!(p.scan_token(Kind::Colon));
            p.scan_parameter()
        })? {
            let k = self.parameter()?;
            self.consume(Kind::Colon, "`:`")?;
            let v = self.parameter()?;
            entries.push((k, v));
            while self.ntk()? == Kind::Comma {
                self.consume(Kind::Comma, "`,`")?;
                let k = self.parameter()?;
                if self.ntk()? != Kind::Colon {
                    return Err(self.unexpected("`:` between a key and its value"));
                }
                self.consume(Kind::Colon, "`:`")?;
                let v = self.parameter()?;
                entries.push((k, v));
            }
        } else {
            self.consume_if(Kind::Whitespace)?;
        }
        match self.ntk()? {
            Kind::RightCurley => {
                self.consume(Kind::RightCurley, "`}`")?;
            }
            Kind::Rcurly => {
                self.consume(Kind::Rcurly, "`}`")?;
            }
            _ => {
                return Err(self
                    .unexpected("`}` closing the map")
                    .with_help("a map literal is written `{\"key\": value, \"other\": value}`"));
            }
        }
        Ok(Expr::Map(entries))
    }

    /// `ObjectArray()`: `[ a, b ]`
    fn object_array(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.object_array_inner();
        self.leave();
        r
    }

    fn object_array_inner(&mut self) -> PResult<Expr> {
        self.consume(Kind::Lbracket, "`[`")?;
        let items = self.parameter_list()?;
        if self.ntk()? != Kind::Rbracket {
            return Err(self
                .unexpected("`]` closing the list")
                .with_help("a list literal is written `[1, 2, 3]`"));
        }
        self.consume(Kind::Rbracket, "`]`")?;
        Ok(Expr::List(items))
    }

    fn integer_literal(&mut self) -> PResult<Expr> {
        let t = self.consume(Kind::IntegerLiteral, "an integer")?;
        let s = self.img(&t);
        Ok(Expr::Int(if let Ok(i) = s.parse::<i32>() {
            IntLit::Int(i)
        } else if let Ok(l) = s.parse::<i64>() {
            IntLit::Long(l)
        } else {
            IntLit::Big(Range::new(t.start as usize, t.end as usize))
        }))
    }

    fn float_literal(&mut self) -> PResult<Expr> {
        let t = self.consume(Kind::FloatingPointLiteral, "a number")?;
        let s = self.img(&t);
        Ok(Expr::Float(FloatLit::Double(
            s.parse::<f64>().unwrap_or(f64::NAN),
        )))
    }

    /// `StringLiteral()`, with `ASTStringLiteral.init`'s processing.
    fn string_literal(&mut self) -> PResult<Expr> {
        let t = self.consume(Kind::StringLiteral, "a string")?;
        let img = self.img(&t);
        let quote = img.as_bytes()[0];
        let inner = &img[1..img.len() - 1];
        let mut text: std::borrow::Cow<str> = std::borrow::Cow::Borrowed(inner);
        if quote == b'"' {
            text =
                unescape_unicode(inner).map_err(|m| Error::eval(m).with_span(self.span_of(&t)))?;
        }
        let (doubled, single) = if quote == b'"' {
            ("\"\"", "\"")
        } else {
            ("''", "'")
        };
        if text.contains(doubled) {
            text = std::borrow::Cow::Owned(text.replace(doubled, single));
        }
        let interpolate = quote == b'"' && (img.contains('$') || img.contains('#'));
        let range = Range::new(t.start as usize, t.end as usize);
        let text_node = match &text {
            std::borrow::Cow::Borrowed(_) => {
                Text::Source(Range::new(t.start as usize + 1, t.end as usize - 1))
            }
            std::borrow::Cow::Owned(s) => Text::Owned(s.as_str().into()),
        };
        let interpolated = if interpolate {
            let padded = !text.contains("##");
            let mut source = text.to_string();
            if padded {
                source.push(' ');
            }
            let id = self.shared.source_base + self.shared.sources.len();
            if id >= u16::MAX as usize {
                return Err(Error::limit("too many string literals").with_span(self.span_of(&t)));
            }
            let source: Arc<str> = source.into();
            self.shared.sources.push(source.clone());
            let max_depth = self.max_depth.saturating_sub(self.depth);
            let sub = Parser::new(&source, self.shared, id as u16, max_depth);
            match sub.parse_template() {
                Ok(ast) => Some(Box::new(Interpolated {
                    source_id: id as u16,
                    ast,
                    padded,
                })),
                Err(e) => {
                    // (Only the first is kept: see `init_error_at`.)
                    if self.init_error.is_none() {
                        let mut err =
                            Error::new(e.kind(), format!("in the string literal: {}", e.message()))
                                .with_span(self.span_of(&t));
                        if let Some(h) = e.help() {
                            err = err.with_help(h.to_string());
                        }
                        self.init_error(err);
                    }
                    None
                }
            }
        } else {
            None
        };
        Ok(Expr::Str(Box::new(StringLit {
            range,
            text: text_node,
            interpolated,
        })))
    }

    // ------------------------------------------------------------------ expressions

    /// `Expression()`
    fn expression(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.or_expr();
        self.leave();
        r
    }

    /// `ConditionalOrExpression()` down to `MultiplicativeExpression()`,
    /// by precedence climbing: each level's `*_rest` continues from an
    /// operand already parsed, so an expression whose first operand is
    /// followed by no binary operator (the usual case) returns at once
    /// instead of passing through seven levels.
    fn or_expr(&mut self) -> PResult<Expr> {
        let e = self.unary()?;
        if !is_binary_operator(self.ntk()?) {
            return Ok(e);
        }
        self.or_rest(e)
    }

    fn or_rest(&mut self, e: Expr) -> PResult<Expr> {
        let mut e = self.and_rest(e)?;
        while self.ntk()? == Kind::LogicalOr {
            self.consume(Kind::LogicalOr, "`||`")?;
            let r = self.and_expr()?;
            e = Expr::Or(Box::new((e, r)));
        }
        Ok(e)
    }

    fn and_expr(&mut self) -> PResult<Expr> {
        let e = self.unary()?;
        self.and_rest(e)
    }

    fn and_rest(&mut self, e: Expr) -> PResult<Expr> {
        let mut e = self.equality_rest(e)?;
        while self.ntk()? == Kind::LogicalAnd {
            self.consume(Kind::LogicalAnd, "`&&`")?;
            let r = self.equality()?;
            e = Expr::And(Box::new((e, r)));
        }
        Ok(e)
    }

    fn equality(&mut self) -> PResult<Expr> {
        let e = self.unary()?;
        self.equality_rest(e)
    }

    fn equality_rest(&mut self, e: Expr) -> PResult<Expr> {
        let mut e = self.relational_rest(e)?;
        loop {
            match self.ntk()? {
                Kind::LogicalEquals => {
                    self.consume(Kind::LogicalEquals, "`==`")?;
                    let r = self.relational()?;
                    e = Expr::Eq(Box::new((e, r)));
                }
                Kind::LogicalNotEquals => {
                    self.consume(Kind::LogicalNotEquals, "`!=`")?;
                    let r = self.relational()?;
                    e = Expr::Ne(Box::new((e, r)));
                }
                _ => return Ok(e),
            }
        }
    }

    fn relational(&mut self) -> PResult<Expr> {
        let e = self.unary()?;
        self.relational_rest(e)
    }

    fn relational_rest(&mut self, e: Expr) -> PResult<Expr> {
        let mut e = self.additive_rest(e)?;
        loop {
            let k = self.ntk()?;
            let make: fn(Box<(Expr, Expr)>) -> Expr = match k {
                Kind::LogicalLt => Expr::Lt,
                Kind::LogicalGt => Expr::Gt,
                Kind::LogicalLe => Expr::Le,
                Kind::LogicalGe => Expr::Ge,
                _ => return Ok(e),
            };
            self.consume(k, "an operator")?;
            let r = self.additive()?;
            e = make(Box::new((e, r)));
        }
    }

    fn additive(&mut self) -> PResult<Expr> {
        let e = self.unary()?;
        self.additive_rest(e)
    }

    fn additive_rest(&mut self, e: Expr) -> PResult<Expr> {
        let mut e = self.multiplicative_rest(e)?;
        loop {
            let k = self.ntk()?;
            if !matches!(k, Kind::Plus | Kind::Minus) {
                return Ok(e);
            }
            let op = self.consume(k, "an operator")?;
            let r = self.multiplicative()?;
            let range = Range::new(op.start as usize, op.end as usize);
            e = if k == Kind::Plus {
                Expr::Add(Box::new((e, r)), range)
            } else {
                Expr::Sub(Box::new((e, r)), range)
            };
        }
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        let e = self.unary()?;
        self.multiplicative_rest(e)
    }

    fn multiplicative_rest(&mut self, mut e: Expr) -> PResult<Expr> {
        loop {
            let k = self.ntk()?;
            if !matches!(k, Kind::Multiply | Kind::Divide | Kind::Modulus) {
                return Ok(e);
            }
            let op = self.consume(k, "an operator")?;
            let r = self.unary()?;
            let range = Range::new(op.start as usize, op.end as usize);
            e = match k {
                Kind::Multiply => Expr::Mul(Box::new((e, r)), range),
                Kind::Divide => Expr::Div(Box::new((e, r)), range),
                _ => Expr::Mod(Box::new((e, r)), range),
            };
        }
    }

    fn unary(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.unary_inner();
        self.leave();
        r
    }

    fn unary_inner(&mut self) -> PResult<Expr> {
        if self.not_follows()? {
            self.consume_if(Kind::Whitespace)?;
            self.consume(Kind::LogicalNot, "`!`")?;
            let e = self.unary()?;
            return Ok(Expr::Not(Box::new(e)));
        }
        match self.ntk()? {
            Kind::Lbracket
            | Kind::LeftCurley
            | Kind::Lparen
            | Kind::Whitespace
            | Kind::StringLiteral
            | Kind::True
            | Kind::False
            | Kind::IntegerLiteral
            | Kind::FloatingPointLiteral
            | Kind::Identifier
            | Kind::Lcurly => self.primary(),
            _ => Err(self.unexpected("an expression")),
        }
    }

    /// `PrimaryExpression()`
    fn primary(&mut self) -> PResult<Expr> {
        self.consume_if(Kind::Whitespace)?;
        let e = match self.ntk()? {
            Kind::StringLiteral => self.string_literal()?,
            Kind::Identifier | Kind::Lcurly => Expr::Ref(Box::new(self.reference()?)),
            Kind::IntegerLiteral => self.integer_literal()?,
            _ => {
                if self.range_follows()? {
                    self.integer_range()?
                } else {
                    match self.ntk()? {
                        Kind::FloatingPointLiteral => self.float_literal()?,
                        Kind::LeftCurley => self.map()?,
                        Kind::Lbracket => self.object_array()?,
                        Kind::True => {
                            self.consume(Kind::True, "`true`")?;
                            Expr::True
                        }
                        Kind::False => {
                            self.consume(Kind::False, "`false`")?;
                            Expr::False
                        }
                        Kind::Lparen => {
                            self.consume(Kind::Lparen, "`(`")?;
                            let e = self.expression()?;
                            if self.ntk()? != Kind::Rparen {
                                return Err(self.unexpected("`)`"));
                            }
                            self.consume(Kind::Rparen, "`)`")?;
                            e
                        }
                        Kind::Identifier if false => unreachable!(),
                        _ => {
                            let mut err = self.unexpected("a value");
                            if self.peek(0).is_ok_and(|t| t.kind == Kind::Word) {
                                err = err.with_help(
                                    "a method cannot be called on a literal; `#set` a variable first",
                                );
                            }
                            return Err(err);
                        }
                    }
                }
            }
        };
        self.consume_if(Kind::Whitespace)?;
        Ok(e)
    }
}

/// Whether a token continues an expression as a binary operator.
fn is_binary_operator(k: Kind) -> bool {
    matches!(
        k,
        Kind::LogicalOr
            | Kind::LogicalAnd
            | Kind::LogicalEquals
            | Kind::LogicalNotEquals
            | Kind::LogicalLt
            | Kind::LogicalGt
            | Kind::LogicalLe
            | Kind::LogicalGe
            | Kind::Plus
            | Kind::Minus
            | Kind::Multiply
            | Kind::Divide
            | Kind::Modulus
    )
}

/// Java's `s.substring(begin, end)` counted in UTF-16 units, clamped to the
/// string (callers only pass in-range indexes for ASCII prefixes).
fn java_substring(s: &str, begin: usize, end: usize) -> &str {
    let mut units = 0usize;
    let mut b = s.len();
    let mut e = s.len();
    for (i, c) in s.char_indices() {
        if units == begin && b == s.len() {
            b = i;
        }
        if units == end {
            e = i;
            break;
        }
        units += c.len_utf16();
    }
    if b > e { "" } else { &s[b..e] }
}

/// `ASTStringLiteral.unescape`: `\uXXXX` sequences become characters.
fn unescape_unicode(s: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    let Some(mut u) = s.find("\\u") else {
        return Ok(std::borrow::Cow::Borrowed(s));
    };
    let mut out = String::new();
    let mut last = 0;
    let mut units: Vec<u16> = Vec::new();
    loop {
        out.push_str(&s[last..u]);
        let hex = s
            .get(u + 2..u + 6)
            .ok_or_else(|| format!("invalid unicode escape in string literal: {:?}", &s[u..]))?;
        let code = u16::from_str_radix(hex, 16)
            .map_err(|_| format!("invalid unicode escape in string literal: \\u{hex}"))?;
        units.clear();
        units.push(code);
        last = u + 6;
        // A surrogate pair written as two escapes.
        if (0xD800..0xDC00).contains(&code)
            && s[last..].starts_with("\\u")
            && let Some(low) = s
                .get(last + 2..last + 6)
                .and_then(|h| u16::from_str_radix(h, 16).ok())
            && (0xDC00..0xE000).contains(&low)
        {
            units.push(low);
            last += 6;
        }
        out.extend(char::decode_utf16(units.iter().copied()).map(|r| r.unwrap_or('\u{FFFD}')));
        match s[last..].find("\\u") {
            Some(i) => u = last + i,
            None => break,
        }
    }
    out.push_str(&s[last..]);
    Ok(std::borrow::Cow::Owned(out))
}

/// The cache slot of a text: a hash of its length and its first and last
/// eight bytes (texts that differ in the middle only are rare).
#[inline]
fn text_slot(b: &[u8]) -> usize {
    let word = |s: &[u8]| s.iter().fold(0u64, |h, &c| (h << 8) | u64::from(c));
    let (head, tail) = match (b.first_chunk::<8>(), b.last_chunk::<8>()) {
        (Some(h), Some(t)) => (u64::from_le_bytes(*h), u64::from_le_bytes(*t)),
        _ => (word(b), 0),
    };
    let h = (head ^ tail.rotate_left(29) ^ (b.len() as u64)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (h >> 56) as usize % TEXT_SLOTS
}

/// A reference's [`RefExtra`], when it has any of those texts.
fn ref_extra(esc_prefix: &str, more_prefix: &str, literal: String) -> Option<Box<RefExtra>> {
    if esc_prefix.is_empty() && more_prefix.is_empty() && literal.is_empty() {
        return None;
    }
    Some(Box::new(RefExtra {
        esc_prefix: esc_prefix.into(),
        more_prefix: more_prefix.into(),
        literal: literal.into(),
    }))
}

/// A `Text::Source` node as [`Node::ShortText`] or [`Node::SourceText`]
/// (its text copied out of the source, so that rendering it does not
/// slice the source; a text that `texts` saw recently shares that copy).
#[inline]
pub(super) fn prepare_text(node: &mut Node, src: &str, texts: &mut TextCache) {
    if let Node::Text(Text::Source(r)) = node
        && let Some(text) = src.get(r.start as usize..r.end as usize)
    {
        let start = r.start;
        *node = match texts.get_padded(text) {
            Some(padded) => Node::ShortText {
                start,
                text: padded,
            },
            None => Node::SourceText {
                start,
                text: texts.get(text),
            },
        };
    }
}

/// A direct-mapped cache of the copies of source texts, by their length and
/// first, middle and last bytes: a template repeats the same short texts
/// (line breaks and indentation, `",` and `"` around values), and a node of
/// a text seen before shares its copy instead of allocating its own. (Made
/// after the first [`UNCACHED_TEXTS`] texts: a small template does not
/// pay for its slots.)
#[derive(Default)]
pub(super) struct TextCache {
    /// A copy, and whether it is padded (see [`pad_short_text`]).
    slots: Vec<Option<(Arc<str>, bool)>>,
    uncached: usize,
}

const TEXT_SLOTS: usize = 256;

/// Texts longer than this get their own copy (repeats are less likely,
/// and comparing costs more).
const MAX_SHARED_TEXT: usize = 64;

/// How many texts get their own copy before the cache is made.
const UNCACHED_TEXTS: usize = 32;

impl TextCache {
    /// A copy of `text`.
    #[inline]
    fn get(&mut self, text: &str) -> Arc<str> {
        self.lookup(text, false, || Some(text.into()))
            .unwrap_or_else(|| text.into())
    }

    /// A padded copy of `text` (see [`pad_short_text`]), when it has one.
    #[inline]
    fn get_padded(&mut self, text: &str) -> Option<Arc<str>> {
        if !(2..SHORT_TEXT).contains(&text.len()) {
            return None;
        }
        // (The padded copy is UTF-8: the text, then ASCII bytes.)
        let make = || {
            let padded = pad_short_text(text)?;
            std::str::from_utf8(&padded).ok().map(Arc::from)
        };
        self.lookup(text, true, make)
    }

    /// The copy (padded or not) of `text` in its slot, or the one `make`
    /// makes, then kept in the slot.
    #[inline]
    fn lookup(
        &mut self,
        text: &str,
        padded: bool,
        make: impl FnOnce() -> Option<Arc<str>>,
    ) -> Option<Arc<str>> {
        if self.slots.is_empty() {
            if self.uncached < UNCACHED_TEXTS {
                self.uncached += 1;
                return make();
            }
            self.slots = vec![None; TEXT_SLOTS];
        }
        let b = text.as_bytes();
        if b.len() > MAX_SHARED_TEXT {
            return make();
        }
        let Some(slot) = self.slots.get_mut(text_slot(b)) else {
            return make();
        };
        match slot {
            Some((t, p))
                if *p == padded
                    && short_eq(copied_text(t, padded).as_bytes(), b, MAX_SHARED_TEXT) =>
            {
                Some(t.clone())
            }
            _ => {
                let t = make()?;
                *slot = Some((t.clone(), padded));
                Some(t)
            }
        }
    }
}

/// The text of a copy in a [`TextCache`].
#[inline]
fn copied_text(copy: &str, padded: bool) -> &str {
    if padded { short_text(copy) } else { copy }
}

/// A text node's text.
fn text_of<'a>(t: &'a Text, src: &'a str) -> &'a str {
    match t {
        Text::Source(r) => &src[r.start as usize..r.end as usize],
        Text::Owned(s) => s,
    }
}

/// Parses a whole template (source id 0 of `shared`).
pub fn parse(
    src: &str,
    shared: &mut Shared,
    source_id: u16,
    max_depth: usize,
) -> Result<Ast, Error> {
    Parser::new(src, shared, source_id, max_depth).parse_template()
}
