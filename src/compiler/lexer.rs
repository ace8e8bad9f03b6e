//! The lexer: Velocity 1.7's token manager, state for state.
//!
//! Velocity's lexer is a JavaCC token manager with twelve lexical states, a
//! stack of saved states, parenthesis counters and a few flags; its token
//! boundaries decide everything about VTL's "schmoo" rules (which `$` and `#`
//! are text) and its whitespace rules (`#set(` takes the blanks before it, a
//! directive's `)` takes the blanks and newline after it). This module
//! reproduces it: at each position it finds the longest match among the
//! token definitions of the current state (the earliest definition wins a
//! tie), treats prefix tokens (`$`, `$!`, `#`, `#*`, ...) as JavaCC's `MORE`,
//! and runs the same lexical actions. The parser drives it token by token and
//! switches its state where Velocity's parser does.

use super::tokens::{Kind, LexState, Special, Token};

/// A lexical error: input that no token of the current state matches
/// (Velocity: `TokenMgrError`, reported as a parse error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    /// Byte offset where lexing failed.
    pub offset: usize,
    /// Byte offset where the unfinished token began.
    pub token_start: usize,
    pub message: String,
}

#[derive(Clone, Copy, Debug)]
struct Saved {
    lparen: i32,
    rparen: i32,
    state: LexState,
}

/// How deep the lexer's state stack may grow (each `$`, `#`, `(`... nests).
const MAX_STACK: usize = 100_000;

/// Velocity's token manager over one source text.
#[derive(Clone, Debug)]
pub struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    state: LexState,
    stack: Vec<Saved>,
    lparen: i32,
    rparen: i32,
    in_reference: bool,
    in_directive: bool,
    in_comment: bool,
    /// Inside `#set( ... )`; the parser clears it after the `)`.
    pub in_set: bool,
    specials: Vec<Special>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Token,
    More,
    Skip,
    Special,
}

fn class_of(kind: Kind) -> Class {
    match kind {
        Kind::Dollar
        | Kind::DollarBang
        | Kind::TextblockStart
        | Kind::FormalCommentStart
        | Kind::MultiLineCommentStart
        | Kind::Hash
        | Kind::TextblockChar => Class::More,
        Kind::CommentChar => Class::Skip,
        Kind::ReferenceTerminator | Kind::DirectiveTerminator => Class::Special,
        _ => Class::Token,
    }
}

/// The token definitions of each state, in definition order (which breaks ties).
const fn candidates(state: LexState) -> &'static [Kind] {
    use Kind::*;
    // `##` is a token in DEFAULT, REFERENCE, DIRECTIVE and PRE_DIRECTIVE only.
    const MORE: [Kind; 6] = [
        Dollar,
        DollarBang,
        TextblockStart,
        FormalCommentStart,
        MultiLineCommentStart,
        Hash,
    ];
    match state {
        LexState::Reference => &[
            IndexLbracket,
            SetDirective,
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            SingleLineCommentStart,
            True,
            False,
            Identifier,
            Dot,
            Lcurly,
            Rcurly,
            EmptyIndex,
        ],
        LexState::RefModifier => &[
            IndexLbracket,
            Lparen,
            SetDirective,
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            True,
            False,
            Identifier,
            Dot,
            Lcurly,
            Rcurly,
        ],
        LexState::RefIndex => &[
            IndexRbracket,
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            Whitespace,
            StringLiteral,
            True,
            False,
            IntegerLiteral,
            FloatingPointLiteral,
        ],
        LexState::Directive => &[
            Lbracket,
            Rbracket,
            Comma,
            DoubleDot,
            Colon,
            LeftCurley,
            RightCurley,
            Lparen,
            Rparen,
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            SingleLineCommentStart,
            Whitespace,
            StringLiteral,
            True,
            False,
            Minus,
            Plus,
            Multiply,
            Divide,
            Modulus,
            LogicalAnd,
            LogicalOr,
            LogicalLt,
            LogicalLe,
            LogicalGt,
            LogicalGe,
            LogicalEquals,
            LogicalNotEquals,
            LogicalNot,
            Equals,
            IntegerLiteral,
            FloatingPointLiteral,
            Word,
            BracketedWord,
        ],
        LexState::RefMod2 => &[
            Lbracket,
            Rbracket,
            Comma,
            DoubleDot,
            Colon,
            LeftCurley,
            RightCurley,
            Refmod2Rparen,
            SetDirective,
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            Whitespace,
            StringLiteral,
            True,
            False,
            IntegerLiteral,
            FloatingPointLiteral,
            Identifier,
            Dot,
        ],
        LexState::Default => &[
            EscapeDirective,
            SetDirective,
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            SingleLineCommentStart,
            DoubleEscape,
            Escape,
            Text,
            EmptyIndex,
        ],
        LexState::RefMod => &MORE,
        LexState::InTextblock => &[
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            Textblock,
        ],
        LexState::InMultiLineComment => &[
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            MultiLineComment,
        ],
        LexState::InFormalComment => &[
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            FormalComment,
        ],
        LexState::InSingleLineComment => &[
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            SingleLineComment,
        ],
        LexState::PreDirective => &[
            Dollar,
            DollarBang,
            TextblockStart,
            FormalCommentStart,
            MultiLineCommentStart,
            Hash,
            SingleLineCommentStart,
            End,
            IfDirective,
            ElseifDirective,
            ElseDirective,
            IntegerLiteral,
            FloatingPointLiteral,
            Word,
            BracketedWord,
        ],
    }
}

/// Can a token of this kind start with byte `b`? (A quick filter before
/// trying to match; every kind's first character is known.)
const fn can_start(kind: Kind, b: u8) -> bool {
    use Kind::*;
    match kind {
        IndexLbracket | Lbracket => b == b'[',
        IndexRbracket | Rbracket | Textblock => b == b']',
        Comma => b == b',',
        DoubleDot | Dot => b == b'.',
        Colon => b == b':',
        LeftCurley | Lcurly | BracketedWord => b == b'{',
        RightCurley | Rcurly => b == b'}',
        Lparen => b == b'(',
        Rparen | Refmod2Rparen => b == b')',
        EscapeDirective | DoubleEscape | Escape => b == b'\\',
        SetDirective => matches!(b, b' ' | b'\t' | b'#'),
        Dollar | DollarBang => matches!(b, b'\\' | b'$'),
        TextblockStart
        | FormalCommentStart
        | MultiLineCommentStart
        | Hash
        | SingleLineCommentStart => b == b'#',
        Text => !matches!(b, b'$' | b'#' | b'\\'),
        SingleLineComment | Newline => matches!(b, b'\n' | b'\r'),
        FormalComment | MultiLineComment | Multiply => b == b'*',
        Whitespace => matches!(b, b' ' | b'\t' | b'\n' | b'\r'),
        StringLiteral => matches!(b, b'"' | b'\''),
        True => b == b't',
        False => b == b'f',
        Minus => b == b'-',
        Plus => b == b'+',
        Divide => b == b'/',
        Modulus => b == b'%',
        LogicalAnd => matches!(b, b'&' | b'a'),
        LogicalOr => matches!(b, b'|' | b'o'),
        LogicalLt | LogicalLe => matches!(b, b'<' | b'l'),
        LogicalGt | LogicalGe => matches!(b, b'>' | b'g'),
        LogicalEquals => matches!(b, b'=' | b'e'),
        LogicalNotEquals | LogicalNot => matches!(b, b'!' | b'n'),
        Equals => b == b'=',
        End | ElseifDirective | ElseDirective => matches!(b, b'e' | b'{'),
        IfDirective => matches!(b, b'i' | b'{'),
        IntegerLiteral => b == b'-' || b.is_ascii_digit(),
        FloatingPointLiteral => b == b'-' || b == b'.' || b.is_ascii_digit(),
        Word => b.is_ascii_alphabetic() || b == b'_' || b == b'@',
        Identifier => b.is_ascii_alphabetic() || b == b'_',
        EmptyIndex => b == b'$',
        Eof | CommentChar | TextblockChar | ReferenceTerminator | DirectiveTerminator => false,
    }
}

/// The candidates of a state that can start with byte `b`, in definition
/// order, from a table computed at compile time (bit `i` of `MASKS[state][b]`
/// is the state's `i`-th candidate; building it at run time took 1.4 million
/// instructions, a fifth of a one-template `apigw-vtl render`).
static MASKS: [[u64; 256]; 12] = {
    let mut t = [[0u64; 256]; 12];
    let mut s = 0;
    while s < 12 {
        let state = match LexState::from_u8(s as u8) {
            Some(st) => st,
            None => panic!("12 states"),
        };
        let cands = candidates(state);
        assert!(cands.len() <= 64, "a state has at most 64 candidates");
        let mut b = 0;
        while b < 256 {
            let mut i = 0;
            while i < cands.len() {
                if can_start(cands[i], b as u8) {
                    t[s][b] |= 1 << i;
                }
                i += 1;
            }
            b += 1;
        }
        s += 1;
    }
    t
};

fn starting_with(state: LexState, b: u8) -> impl Iterator<Item = Kind> {
    let cands = candidates(state);
    let mut bits = MASKS[state as usize][b as usize];
    std::iter::from_fn(move || {
        if bits == 0 {
            return None;
        }
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        Some(cands[i])
    })
}

/// The single-character token a state falls back to when nothing else
/// matches (JavaCC's `~[]` definitions).
fn fallback(state: LexState) -> Option<Kind> {
    match state {
        LexState::Reference | LexState::RefModifier | LexState::RefMod => {
            Some(Kind::ReferenceTerminator)
        }
        LexState::PreDirective => Some(Kind::DirectiveTerminator),
        LexState::InMultiLineComment
        | LexState::InFormalComment
        | LexState::InSingleLineComment => Some(Kind::CommentChar),
        LexState::InTextblock => Some(Kind::TextblockChar),
        _ => None,
    }
}

fn is_letter(b: u8) -> bool {
    b.is_ascii_alphabetic()
}

fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

fn is_directive_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'@'
}

/// `CHARS[b] & IDENT`: `b` is an `IDENTIFIER_CHAR` (LETTER | DIGIT | "-" | "_").
const IDENT: u8 = 1;
/// `CHARS[b] & DIRECTIVE`: `b` is a `DIRECTIVE_CHAR` (LETTER | DIGIT | "_" | "@").
const DIRECTIVE: u8 = 2;

/// Character classes of the bytes (a table lookup per byte: names are most
/// of a template's reference and directive text).
static CHARS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' {
            t[b] |= IDENT;
        }
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'@' {
            t[b] |= DIRECTIVE;
        }
        b += 1;
    }
    t
};

/// Length of the run of bytes of class `class` at the start of `s`.
#[inline(always)]
fn run_of(s: &[u8], class: u8) -> usize {
    s.iter()
        .position(|b| CHARS[*b as usize] & class == 0)
        .unwrap_or(s.len())
}

/// Length of the run of `IDENTIFIER_CHAR`s at the start of `s`.
fn identifier_chars(s: &[u8]) -> usize {
    run_of(s, IDENT)
}

/// Length of an optional `( " " | "\t" )* ( "\n" | "\r" | "\r\n" )` at `s`.
fn blanks_and_newline(s: &[u8]) -> usize {
    let mut i = 0;
    while i < s.len() && (s[i] == b' ' || s[i] == b'\t') {
        i += 1;
    }
    match s.get(i) {
        Some(b'\n') => i + 1,
        Some(b'\r') => {
            if s.get(i + 1) == Some(&b'\n') {
                i + 2
            } else {
                i + 1
            }
        }
        _ => 0,
    }
}

/// Length of a `WORD`: `( LETTER | "_" | "@" ) DIRECTIVE_CHAR*`.
fn word_len(s: &[u8]) -> usize {
    match s.first() {
        Some(&b) if is_letter(b) || b == b'_' || b == b'@' => 1 + run_of(&s[1..], DIRECTIVE),
        _ => 0,
    }
}

/// Length of a `BRACKETED_WORD`: `"{" ( LETTER | "_" ) DIRECTIVE_CHAR* "}"`.
fn bracketed_word_len(s: &[u8]) -> usize {
    if s.first() != Some(&b'{') {
        return 0;
    }
    match s.get(1) {
        Some(&b) if is_letter(b) || b == b'_' => {
            let n = 2 + s[2..].iter().take_while(|b| is_directive_char(**b)).count();
            if s.get(n) == Some(&b'}') { n + 1 } else { 0 }
        }
        _ => 0,
    }
}

/// A directive name in `PRE_DIRECTIVE` (`s` starts with a letter): the
/// keywords precede `<WORD>` and win a tie. A keyword can only match when
/// the word is exactly the keyword: a longer word is a longer `<WORD>`
/// (and `#end` / `#else` take the blanks and newline after them, which
/// cannot follow a longer word's characters).
fn directive_name(s: &[u8]) -> (Kind, usize) {
    let n = word_len(s);
    match s.get(..n) {
        Some(b"end") => (Kind::End, 3 + blanks_and_newline(&s[3..])),
        Some(b"if") => (Kind::IfDirective, 2),
        Some(b"else") => (Kind::ElseDirective, 4 + blanks_and_newline(&s[4..])),
        Some(b"elseif") => (Kind::ElseifDirective, 6),
        _ => (Kind::Word, n),
    }
}

/// Length of `lit` at the start of `s`, or 0.
fn lit(s: &[u8], lit: &[u8]) -> usize {
    if s.starts_with(lit) { lit.len() } else { 0 }
}

/// Length of a keyword that may be followed by `( " " | "\t" )* newline`.
fn keyword_nl(s: &[u8], word: &[u8]) -> usize {
    let n = lit(s, word);
    if n == 0 {
        0
    } else {
        n + blanks_and_newline(&s[n..])
    }
}

fn digits(s: &[u8]) -> usize {
    s.iter().take_while(|b| is_digit(**b)).count()
}

fn exponent_len(s: &[u8]) -> usize {
    if !matches!(s.first(), Some(b'e' | b'E')) {
        return 0;
    }
    let mut i = 1;
    if matches!(s.get(1), Some(b'+' | b'-')) {
        i += 1;
    }
    let d = digits(&s[i..]);
    if d == 0 { 0 } else { i + d }
}

/// `("-")? DIGIT+ ("..")?`
fn integer_len(s: &[u8]) -> usize {
    let sign = usize::from(s.first() == Some(&b'-'));
    let d = digits(&s[sign..]);
    if d == 0 {
        return 0;
    }
    let n = sign + d;
    if s[n..].starts_with(b"..") { n + 2 } else { n }
}

/// `("-")? DIGIT+ "." DIGIT* EXPONENT? | ("-")? "." DIGIT+ EXPONENT? | ("-")? DIGIT+ EXPONENT`
fn float_len(s: &[u8]) -> usize {
    let sign = usize::from(s.first() == Some(&b'-'));
    let t = &s[sign..];
    let d = digits(t);
    let mut best = 0;
    if d > 0 {
        if t.get(d) == Some(&b'.') {
            let d2 = digits(&t[d + 1..]);
            let n = d + 1 + d2;
            best = best.max(sign + n + exponent_len(&t[n..]));
        }
        let e = exponent_len(&t[d..]);
        if e > 0 {
            best = best.max(sign + d + e);
        }
    } else if t.first() == Some(&b'.') {
        let d2 = digits(&t[1..]);
        if d2 > 0 {
            best = best.max(sign + 1 + d2 + exponent_len(&t[1 + d2..]));
        }
    }
    best
}

/// `"` ( not-`"` | `""` )* `"` (and the same with `'`): a doubled quote stands
/// for one quote; Velocity 1.7's lexer does not let `\"` continue a string.
/// The longest such prefix wins.
fn string_len(s: &[u8]) -> usize {
    let Some(&q @ (b'"' | b'\'')) = s.first() else {
        return 0;
    };
    let mut i = 1;
    let mut best = 0;
    while let Some(j) = memchr::memchr(q, &s[i..]) {
        let at = i + j;
        best = at + 1;
        if s.get(at + 1) == Some(&q) {
            i = at + 2;
        } else {
            return best;
        }
    }
    best
}

impl<'s> Lexer<'s> {
    /// A lexer at the start of `src`, in the `DEFAULT` state.
    pub fn new(src: &'s str) -> Lexer<'s> {
        Lexer {
            src,
            pos: 0,
            state: LexState::Default,
            stack: Vec::new(),
            lparen: 0,
            rparen: 0,
            in_reference: false,
            in_directive: false,
            in_comment: false,
            in_set: false,
            specials: Vec::new(),
        }
    }

    pub fn source(&self) -> &'s str {
        self.src
    }

    /// Current byte offset (where the next token starts).
    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn state(&self) -> LexState {
        self.state
    }

    /// Velocity's `SwitchTo`.
    pub fn switch_to(&mut self, state: LexState) {
        self.state = state;
    }

    /// The special tokens met so far.
    pub fn specials(&self) -> &[Special] {
        &self.specials
    }

    /// Forgets the special tokens met so far (when no token refers to them
    /// any more): the list stays as short as a statement's.
    pub fn clear_specials(&mut self) {
        self.specials.clear();
    }

    /// Clears the "inside a directive" flag (Velocity's parser does it when a
    /// `#word` turns out not to be a directive).
    pub fn set_in_directive(&mut self, v: bool) {
        self.in_directive = v;
    }

    /// Velocity's `stateStackPush`.
    fn push(&mut self) {
        self.stack.push(Saved {
            lparen: self.lparen,
            rparen: self.rparen,
            state: self.state,
        });
        self.lparen = 0;
    }

    /// Velocity's `stateStackPop`: back to the saved state, or to `DEFAULT`
    /// (returning false) when the stack is empty.
    pub fn pop(&mut self) -> bool {
        match self.stack.pop() {
            Some(s) => {
                self.lparen = s.lparen;
                self.rparen = s.rparen;
                self.state = s.state;
                true
            }
            None => {
                self.lparen = 0;
                self.state = LexState::Default;
                false
            }
        }
    }

    fn rparen_handler(&mut self) {
        if self.in_comment {
            return;
        }
        loop {
            if self.lparen > 0 {
                if self.lparen == self.rparen + 1 {
                    self.pop();
                } else {
                    self.rparen += 1;
                }
                return;
            }
            if !self.pop() {
                return;
            }
        }
    }

    /// Length of a match of `kind` at byte `p` (0 when it does not match).
    fn match_len(&self, kind: Kind, p: usize) -> usize {
        let s = &self.src.as_bytes()[p..];
        use Kind::*;
        match kind {
            IndexLbracket | Lbracket => lit(s, b"["),
            IndexRbracket | Rbracket => lit(s, b"]"),
            Comma => lit(s, b","),
            DoubleDot => lit(s, b".."),
            Colon => lit(s, b":"),
            LeftCurley | Lcurly => lit(s, b"{"),
            RightCurley | Rcurly => lit(s, b"}"),
            Lparen => lit(s, b"("),
            Rparen => keyword_nl(s, b")"),
            Refmod2Rparen => lit(s, b")"),
            EscapeDirective => {
                // ("\\\\")* "\\#" ( WORD | BRACKETED_WORD )
                let n = s.iter().take_while(|b| **b == b'\\').count();
                if n % 2 == 1 && s.get(n) == Some(&b'#') {
                    let rest = &s[n + 1..];
                    let w = word_len(rest).max(bracketed_word_len(rest));
                    if w > 0 { n + 1 + w } else { 0 }
                } else if n >= 1 && s.get(n) == Some(&b'#') {
                    // an even run: the longest odd prefix cannot end at '#'
                    0
                } else {
                    0
                }
            }
            SetDirective => {
                let mut i = s.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
                let w = lit(&s[i..], b"#set").max(lit(&s[i..], b"#{set}"));
                if w == 0 {
                    return 0;
                }
                i += w;
                i += s[i..].iter().take_while(|b| **b == b' ').count();
                if s.get(i) == Some(&b'(') { i + 1 } else { 0 }
            }
            Dollar => {
                let n = s.iter().take_while(|b| **b == b'\\').count();
                if s.get(n) == Some(&b'$') { n + 1 } else { 0 }
            }
            DollarBang => {
                let n = s.iter().take_while(|b| **b == b'\\').count();
                if s.get(n) != Some(&b'$') {
                    return 0;
                }
                let m = s[n + 1..].iter().take_while(|b| **b == b'\\').count();
                if s.get(n + 1 + m) == Some(&b'!') {
                    n + 1 + m + 1
                } else {
                    0
                }
            }
            TextblockStart => lit(s, b"#[["),
            FormalCommentStart => {
                if s.starts_with(b"#**") {
                    match self.src[p + 3..].chars().next() {
                        Some(c) if c != '#' => 3 + c.len_utf8(),
                        _ => 0,
                    }
                } else {
                    0
                }
            }
            MultiLineCommentStart => lit(s, b"#*"),
            Hash => lit(s, b"#"),
            SingleLineCommentStart => lit(s, b"##"),
            DoubleEscape => lit(s, b"\\\\"),
            Escape => lit(s, b"\\"),
            Text => memchr::memchr3(b'$', b'#', b'\\', s).unwrap_or(s.len()),
            SingleLineComment => match s.first() {
                Some(b'\n') => 1,
                Some(b'\r') => {
                    if s.get(1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    }
                }
                _ => 0,
            },
            FormalComment | MultiLineComment => lit(s, b"*#"),
            Textblock => lit(s, b"]]#"),
            Whitespace => s
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .count(),
            StringLiteral => string_len(s),
            True => lit(s, b"true"),
            False => lit(s, b"false"),
            Minus => lit(s, b"-"),
            Plus => lit(s, b"+"),
            Multiply => lit(s, b"*"),
            Divide => lit(s, b"/"),
            Modulus => lit(s, b"%"),
            LogicalAnd => lit(s, b"&&").max(lit(s, b"and")),
            LogicalOr => lit(s, b"||").max(lit(s, b"or")),
            LogicalLt => lit(s, b"<").max(lit(s, b"lt")),
            LogicalLe => lit(s, b"<=").max(lit(s, b"le")),
            LogicalGt => lit(s, b">").max(lit(s, b"gt")),
            LogicalGe => lit(s, b">=").max(lit(s, b"ge")),
            LogicalEquals => lit(s, b"==").max(lit(s, b"eq")),
            LogicalNotEquals => lit(s, b"!=").max(lit(s, b"ne")),
            LogicalNot => lit(s, b"!").max(lit(s, b"not")),
            Equals => lit(s, b"="),
            End => keyword_nl(s, b"end").max(keyword_nl(s, b"{end}")),
            IfDirective => lit(s, b"if").max(lit(s, b"{if}")),
            ElseifDirective => lit(s, b"elseif").max(lit(s, b"{elseif}")),
            ElseDirective => keyword_nl(s, b"else").max(keyword_nl(s, b"{else}")),
            IntegerLiteral => integer_len(s),
            FloatingPointLiteral => float_len(s),
            Word => word_len(s),
            BracketedWord => bracketed_word_len(s),
            Identifier => match s.first() {
                Some(&b) if is_letter(b) || b == b'_' => 1 + identifier_chars(&s[1..]),
                _ => 0,
            },
            Dot => {
                if s.first() == Some(&b'.') && s.get(1).is_some_and(|b| is_letter(*b)) {
                    2
                } else {
                    0
                }
            }
            EmptyIndex => {
                if s.starts_with(b"$[") || s.starts_with(b"$.") {
                    2
                } else if s.starts_with(b"$![") {
                    3
                } else if s.starts_with(b"$\\![") {
                    4
                } else {
                    0
                }
            }
            Eof | Newline | CommentChar | TextblockChar | ReferenceTerminator
            | DirectiveTerminator => 0,
        }
    }

    /// The longest match at `p` in the current state (earliest definition
    /// wins a tie), or the state's one-character fallback.
    fn best_match(&self, p: usize) -> Option<(Kind, usize)> {
        let s = &self.src.as_bytes()[p..];
        let first = s[0];
        // Fast paths for the most frequent cases, where a single definition
        // can match (the general search below gives the same answer).
        match first {
            // `$name`, `${`: of `$`, `$!` and `$[` / `$.` only `$` matches, and
            // it precedes every fallback kind.
            b'$' if s
                .get(1)
                .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'{')) =>
            {
                return Some((Kind::Dollar, 1));
            }
            // `#name` (not `#set`, `#{...}`, `##`, `#*`, `#[[`): only `#` matches.
            b'#' if s
                .get(1)
                .is_some_and(|b| b.is_ascii_alphabetic() && *b != b's') =>
            {
                return Some((Kind::Hash, 1));
            }
            _ => {}
        }
        let bits = MASKS[self.state as usize][first as usize];
        if bits == 0 {
            // No definition can start here: only the state's fallback.
            return fallback(self.state).map(|f| (f, self.one_char(p)));
        }
        match self.state {
            // Text up to the next `$`, `#` or `\\` (blanks may start `#set(`).
            LexState::Default if !matches!(first, b'$' | b'#' | b'\\' | b' ' | b'\t') => {
                return Some((
                    Kind::Text,
                    memchr::memchr3(b'$', b'#', b'\\', s).unwrap_or(s.len()),
                ));
            }
            // Blanks not followed by `#`: `#set(` cannot match, so text in
            // DEFAULT, the fallback in a reference.
            LexState::Default | LexState::Reference | LexState::RefModifier
                if matches!(first, b' ' | b'\t')
                    && s.iter().find(|b| !matches!(b, b' ' | b'\t')) != Some(&b'#') =>
            {
                return Some(if self.state == LexState::Default {
                    (
                        Kind::Text,
                        memchr::memchr3(b'$', b'#', b'\\', s).unwrap_or(s.len()),
                    )
                } else {
                    (Kind::ReferenceTerminator, 1)
                });
            }
            // A name, or the keyword `true` / `false` (which precede
            // `<IDENTIFIER>` and so win a tie).
            LexState::Reference | LexState::RefModifier | LexState::RefMod2
                if first.is_ascii_alphabetic() || first == b'_' =>
            {
                let n = 1 + identifier_chars(&s[1..]);
                return Some(if n == 4 && s.starts_with(b"true") {
                    (Kind::True, 4)
                } else if n == 5 && s.starts_with(b"false") {
                    (Kind::False, 5)
                } else {
                    (Kind::Identifier, n)
                });
            }
            // `#set(` (or `#s...`, then only `#` matches) where `#set(` is defined.
            LexState::Default | LexState::Reference | LexState::RefModifier | LexState::RefMod2
                if first == b'#' && s.get(1) == Some(&b's') =>
            {
                let n = self.match_len(Kind::SetDirective, p);
                return Some(if n > 0 {
                    (Kind::SetDirective, n)
                } else {
                    (Kind::Hash, 1)
                });
            }
            // A directive name: the keywords precede `<WORD>` and win a tie.
            LexState::PreDirective if first.is_ascii_alphabetic() => {
                return Some(directive_name(s));
            }
            // `=` or `==`.
            LexState::Directive if first == b'=' => {
                return Some(if s.get(1) == Some(&b'=') {
                    (Kind::LogicalEquals, 2)
                } else {
                    (Kind::Equals, 1)
                });
            }
            // A word: no operator keyword starts with this letter.
            LexState::Directive
                if first.is_ascii_alphabetic()
                    && !matches!(first, b't' | b'f' | b'a' | b'o' | b'l' | b'g' | b'e' | b'n') =>
            {
                return Some((Kind::Word, word_len(s)));
            }
            // A string literal: the only definition starting with a quote
            // in these states, which have no fallback.
            LexState::Directive | LexState::RefMod2 | LexState::RefIndex
                if matches!(first, b'"' | b'\'') =>
            {
                let n = string_len(s);
                return if n > 0 {
                    Some((Kind::StringLiteral, n))
                } else {
                    None
                };
            }
            // `.name`: the only definition starting with `.` in these states.
            LexState::Reference | LexState::RefModifier
                if first == b'.' && s.get(1).is_some_and(|b| is_letter(*b)) =>
            {
                return Some((Kind::Dot, 2));
            }
            // Blanks: only `<WHITESPACE>` starts with them in these states.
            LexState::Directive | LexState::RefIndex
                if matches!(first, b' ' | b'\t' | b'\n' | b'\r') =>
            {
                return Some((
                    Kind::Whitespace,
                    s.iter()
                        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                        .count(),
                ));
            }
            LexState::Directive if first == b')' => {
                return Some((Kind::Rparen, keyword_nl(s, b")")));
            }
            LexState::RefMod2 if first == b')' => return Some((Kind::Refmod2Rparen, 1)),
            // `(` precedes the fallback of REF_MODIFIER.
            LexState::Directive | LexState::RefModifier if first == b'(' => {
                return Some((Kind::Lparen, 1));
            }
            _ => {}
        }
        let mut best: Option<(Kind, usize)> = None;
        for kind in starting_with(self.state, first) {
            let n = self.match_len(kind, p);
            if n > 0 && best.is_none_or(|(_, bn)| n > bn) {
                best = Some((kind, n));
            }
        }
        let Some(f) = fallback(self.state) else {
            return best;
        };
        let one_char = self.one_char(p);
        match (best, Some(f)) {
            (None, Some(f)) => Some((f, one_char)),
            (Some((k, n)), Some(f)) if n == one_char && k > f => Some((f, one_char)),
            (b, _) => b,
        }
    }

    /// The length of the character at `p`.
    fn one_char(&self, p: usize) -> usize {
        match self.src.as_bytes().get(p) {
            Some(b) if *b < 0x80 => 1,
            _ => self.src[p..].chars().next().map_or(1, char::len_utf8),
        }
    }

    #[cold]
    fn lex_error(&self, token_start: usize, at: usize) -> Box<LexError> {
        let found = match self.src[at..].chars().next() {
            None => "the end of the template".to_string(),
            Some(c) => format!("{c:?}"),
        };
        let after = &self.src[token_start..at];
        let message = if after.is_empty() {
            format!("lexical error: unexpected {found}")
        } else {
            format!("lexical error: unexpected {found} after {after:?}")
        };
        Box::new(LexError {
            offset: at,
            token_start,
            message,
        })
    }

    /// The next token (Velocity's `getNextToken`). (The error is boxed:
    /// the result stays small on the hot path.)
    #[inline]
    pub fn next_token(&mut self) -> Result<Token, Box<LexError>> {
        let specials_start = self.specials.len() as u32;
        if let Some(t) = self.quick_token(specials_start, true) {
            return Ok(t);
        }
        self.next_token_general(specials_start)
    }

    /// [`Lexer::next_token`], pushed onto `toks`; returns its kind.
    ///
    /// (The parser's way: a token lexed by `quick_token` goes from
    /// registers straight into the vector. Returned as a whole token
    /// from either path, it was written to the stack field by field and
    /// read back at once to be pushed, a load the CPU cannot forward from
    /// those stores: a stall of a dozen cycles or more for every token,
    /// about a tenth of the time of a parse.)
    #[inline]
    pub fn next_token_into(&mut self, toks: &mut Vec<Token>) -> Result<Kind, Box<LexError>> {
        let specials_start = self.specials.len() as u32;
        if let Some(t) = self.quick_token(specials_start, true) {
            toks.push(t);
            return Ok(t.kind);
        }
        self.next_token_general_into(specials_start, toks)
    }

    /// `next_token_general`, pushed onto `toks` (out of line, as it).
    #[inline(never)]
    fn next_token_general_into(
        &mut self,
        specials_start: u32,
        toks: &mut Vec<Token>,
    ) -> Result<Kind, Box<LexError>> {
        let t = self.next_token_general_inline(specials_start)?;
        toks.push(t);
        Ok(t.kind)
    }

    /// The most frequent tokens, lexed directly: text in `DEFAULT`, a name
    /// in a reference, and `$name` (the `$` prefix and the name after it).
    /// None of them has a token action; `best_match` gives the same kinds
    /// and lengths, and the `$` runs the same prefix action.
    #[inline]
    fn quick_token(&mut self, specials_start: u32, first_round: bool) -> Option<Token> {
        let bytes = self.src.as_bytes();
        let start = self.pos;
        let first = *bytes.get(start)?;
        if first_round
            && matches!(self.state, LexState::Reference | LexState::RefModifier)
            && first < 0x80
            && (MASKS[self.state as usize][first as usize] == 0
                || (matches!(first, b' ' | b'\t')
                    && bytes[start..].iter().find(|b| !matches!(b, b' ' | b'\t')) != Some(&b'#')))
        {
            // The character that ends a reference (no definition of these
            // states can match here, `#set(` included): a special token,
            // then backup(1) and its action, as in `next_token_general`;
            // then one more round for the token after it.
            self.specials.push(Special {
                kind: Kind::ReferenceTerminator,
                start: start as u32,
                end: start as u32 + 1,
            });
            self.in_reference = false;
            self.pop();
            return self.quick_token(specials_start, false);
        }
        let mut p = start;
        if first == b'$' {
            if self.in_comment {
                return None;
            }
            let b1 = *bytes.get(start + 1)?;
            if !(b1.is_ascii_alphabetic() || b1 == b'_') || self.stack.len() >= MAX_STACK {
                return None;
            }
            self.pos = start + 1;
            // more_action(Dollar), outside a comment.
            self.dollar_action();
            p = start + 1;
        } else {
            // One arm per state (a jump on the state, then on the character).
            match self.state {
                LexState::Default => {
                    // Text up to the next `$`, `#` or `\`; blanks may start
                    // `#set(` (then not text).
                    if matches!(first, b'#' | b'\\')
                        || (matches!(first, b' ' | b'\t')
                            && bytes[start..].iter().find(|b| !matches!(b, b' ' | b'\t'))
                                == Some(&b'#'))
                    {
                        return None;
                    }
                    let n = memchr::memchr3(b'$', b'#', b'\\', &bytes[start..])
                        .unwrap_or(bytes.len() - start);
                    self.pos = start + n;
                    return Some(self.quick(Kind::Text, start, specials_start));
                }
                LexState::Reference | LexState::RefModifier => {
                    if first.is_ascii_alphabetic() || first == b'_' {
                        // A name: below.
                    } else if first == b'.' && bytes.get(start + 1).is_some_and(|b| is_letter(*b)) {
                        // `<DOT>` matches `.` and the letter, then backs up one.
                        self.pos = start + 1;
                        self.switch_to(LexState::RefModifier);
                        return Some(self.quick(Kind::Dot, start, specials_start));
                    } else if first == b'(' && self.state == LexState::RefModifier {
                        self.pos = start + 1;
                        if !self.in_comment {
                            self.lparen += 1;
                        }
                        self.switch_to(LexState::RefMod2);
                        return Some(self.quick(Kind::Lparen, start, specials_start));
                    } else {
                        return None;
                    }
                }
                LexState::RefMod2 => match first {
                    b'a'..=b'z' | b'A'..=b'Z' | b'_' => {}
                    // A string literal in a method's arguments (no action there).
                    b'"' | b'\'' => {
                        let n = string_len(&bytes[start..]);
                        if n == 0 {
                            return None;
                        }
                        self.pos = start + n;
                        return Some(self.quick(Kind::StringLiteral, start, specials_start));
                    }
                    b')' => {
                        self.pos = start + 1;
                        self.switch_to(LexState::Reference);
                        return Some(self.quick(Kind::Refmod2Rparen, start, specials_start));
                    }
                    _ => return None,
                },
                LexState::Directive => match first {
                    b'(' => {
                        self.pos = start + 1;
                        if !self.in_comment {
                            self.lparen += 1;
                        }
                        return Some(self.quick(Kind::Lparen, start, specials_start));
                    }
                    b'=' => {
                        let kind = if bytes.get(start + 1) == Some(&b'=') {
                            Kind::LogicalEquals
                        } else {
                            Kind::Equals
                        };
                        self.pos = start + if kind == Kind::Equals { 1 } else { 2 };
                        return Some(self.quick(kind, start, specials_start));
                    }
                    b' ' | b'\t' | b'\n' | b'\r' => {
                        self.pos = start
                            + bytes[start..]
                                .iter()
                                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                                .count();
                        return Some(self.quick(Kind::Whitespace, start, specials_start));
                    }
                    b')' => {
                        self.pos = start + keyword_nl(&bytes[start..], b")");
                        self.rparen_handler();
                        return Some(self.quick(Kind::Rparen, start, specials_start));
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
        // A name (or `true` / `false`) at `p`, in a reference state.
        let s = &bytes[p..];
        let n = 1 + identifier_chars(&s[1..]);
        let kind = if n == 4 && s.starts_with(b"true") {
            Kind::True
        } else if n == 5 && s.starts_with(b"false") {
            Kind::False
        } else {
            Kind::Identifier
        };
        self.pos = p + n;
        Some(Token {
            kind,
            start: start as u32,
            end: self.pos as u32,
            specials: (specials_start, self.specials.len() as u32),
        })
    }

    /// `#name` (not `#set`) outside comments: the `#` prefix with its
    /// action, then the directive name in `PRE_DIRECTIVE` with its action,
    /// as the general loop lexes them.
    #[inline]
    fn quick_directive(&mut self, specials_start: u32) -> Option<Token> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        if bytes.get(start) != Some(&b'#') || self.in_comment || self.stack.len() >= MAX_STACK {
            return None;
        }
        let b1 = *bytes.get(start + 1)?;
        if !b1.is_ascii_alphabetic() || b1 == b's' {
            return None;
        }
        self.pos = start + 1;
        self.more_action(Kind::Hash);
        let (kind, n) = directive_name(&bytes[start + 1..]);
        self.pos = start + 1 + n;
        let mut tok = self.quick(kind, start, specials_start);
        self.token_action(&mut tok);
        Some(tok)
    }

    /// The token `start..pos`.
    #[inline]
    fn quick(&self, kind: Kind, start: usize, specials_start: u32) -> Token {
        Token {
            kind,
            start: start as u32,
            end: self.pos as u32,
            specials: (specials_start, self.specials.len() as u32),
        }
    }

    #[inline(never)]
    fn next_token_general(&mut self, specials_start: u32) -> Result<Token, Box<LexError>> {
        self.next_token_general_inline(specials_start)
    }

    #[inline(always)]
    fn next_token_general_inline(&mut self, specials_start: u32) -> Result<Token, Box<LexError>> {
        if let Some(t) = self.quick_directive(specials_start) {
            return Ok(t);
        }
        'token: loop {
            let token_start = self.pos;
            if self.pos >= self.src.len() {
                return Ok(Token {
                    kind: Kind::Eof,
                    start: self.pos as u32,
                    end: self.pos as u32,
                    specials: (specials_start, self.specials.len() as u32),
                });
            }
            loop {
                let Some((kind, len)) = self.best_match(self.pos) else {
                    return Err(self.lex_error(token_start, self.pos));
                };
                self.pos += len;
                match class_of(kind) {
                    Class::Token => {
                        let mut tok = Token {
                            kind,
                            start: token_start as u32,
                            end: self.pos as u32,
                            specials: (specials_start, self.specials.len() as u32),
                        };
                        self.token_action(&mut tok);
                        return Ok(tok);
                    }
                    Class::More => {
                        self.more_action(kind);
                        if self.stack.len() > MAX_STACK {
                            return Err(Box::new(LexError {
                                offset: self.pos,
                                token_start,
                                message: "template nests too deeply".into(),
                            }));
                        }
                        if self.pos >= self.src.len() {
                            return Err(self.lex_error(token_start, self.pos));
                        }
                    }
                    Class::Skip => continue 'token,
                    Class::Special => {
                        self.specials.push(Special {
                            kind,
                            start: token_start as u32,
                            end: self.pos as u32,
                        });
                        // backup(1)
                        let back = self.src[..self.pos]
                            .chars()
                            .next_back()
                            .map_or(1, char::len_utf8);
                        self.pos -= back;
                        if kind == Kind::ReferenceTerminator {
                            self.in_reference = false;
                        } else {
                            self.in_directive = false;
                        }
                        self.pop();
                        continue 'token;
                    }
                }
            }
        }
    }

    /// The action of `$` / `$!` (outside a comment): a reference starts,
    /// ending one that was open.
    #[inline(always)]
    fn dollar_action(&mut self) {
        if self.state == LexState::Reference {
            self.in_reference = false;
            self.pop();
        }
        self.in_reference = true;
        self.push();
        self.switch_to(LexState::Reference);
    }

    fn more_action(&mut self, kind: Kind) {
        if self.in_comment {
            return;
        }
        match kind {
            Kind::Dollar | Kind::DollarBang => self.dollar_action(),
            Kind::TextblockStart => {
                self.in_comment = true;
                self.push();
                self.switch_to(LexState::InTextblock);
            }
            Kind::FormalCommentStart => {
                let back = self.src[..self.pos]
                    .chars()
                    .next_back()
                    .map_or(1, char::len_utf8);
                self.pos -= back;
                self.in_comment = true;
                self.push();
                self.switch_to(LexState::InFormalComment);
            }
            Kind::MultiLineCommentStart => {
                self.in_comment = true;
                self.push();
                self.switch_to(LexState::InMultiLineComment);
            }
            Kind::Hash => {
                if matches!(self.state, LexState::Reference | LexState::RefModifier) {
                    self.in_reference = false;
                    self.pop();
                }
                self.in_directive = true;
                self.push();
                self.switch_to(LexState::PreDirective);
            }
            _ => {}
        }
    }

    fn token_action(&mut self, tok: &mut Token) {
        match tok.kind {
            Kind::IndexLbracket => {
                self.push();
                self.switch_to(LexState::RefIndex);
            }
            Kind::IndexRbracket => {
                self.pop();
            }
            Kind::Lparen => {
                if !self.in_comment {
                    self.lparen += 1;
                }
                if self.state == LexState::RefModifier {
                    self.switch_to(LexState::RefMod2);
                }
            }
            Kind::Rparen => self.rparen_handler(),
            Kind::Refmod2Rparen => self.switch_to(LexState::Reference),
            Kind::SetDirective if !self.in_comment => {
                self.in_directive = true;
                self.push();
                self.in_set = true;
                self.switch_to(LexState::Directive);
                self.lparen += 1;
                if self.state == LexState::RefModifier {
                    self.switch_to(LexState::RefMod2);
                }
            }
            Kind::SingleLineCommentStart if !self.in_comment => {
                if self.state == LexState::Reference {
                    self.in_reference = false;
                    self.pop();
                }
                self.in_comment = true;
                self.push();
                self.switch_to(LexState::InSingleLineComment);
            }
            Kind::SingleLineComment
            | Kind::FormalComment
            | Kind::MultiLineComment
            | Kind::Textblock => {
                self.in_comment = false;
                self.pop();
            }
            Kind::StringLiteral
                if self.state == LexState::Directive && !self.in_set && self.lparen == 0 =>
            {
                self.pop();
            }
            Kind::Newline => {
                self.pop();
                self.in_set = false;
                self.in_directive = false;
            }
            Kind::End | Kind::ElseDirective => {
                self.in_directive = false;
                self.pop();
            }
            Kind::IfDirective | Kind::ElseifDirective => self.switch_to(LexState::Directive),
            Kind::IntegerLiteral => {
                if self.src.as_bytes()[..tok.end as usize].ends_with(b"..") {
                    tok.end -= 2;
                    self.pos -= 2;
                }
                if self.lparen == 0
                    && !self.in_set
                    && self.state != LexState::RefMod2
                    && self.state != LexState::RefIndex
                {
                    self.pop();
                }
            }
            Kind::FloatingPointLiteral
                if self.lparen == 0 && !self.in_set && self.state != LexState::RefMod2 =>
            {
                self.pop();
            }
            Kind::Dot => {
                // backup(1): the letter after the dot starts the next token
                tok.end -= 1;
                self.pos -= 1;
                self.switch_to(LexState::RefModifier);
            }
            Kind::Rcurly => {
                self.pop();
            }
            _ => {}
        }
    }

    /// Velocity's `isLeftParenthesis()`: is the next non-blank character `(`?
    pub fn is_left_parenthesis(&self) -> bool {
        for b in self.src.as_bytes()[self.pos..].iter() {
            match b {
                b'(' => return true,
                b' ' | b'\n' | b'\r' | b'\t' => {}
                _ => return false,
            }
        }
        false
    }
}

/// The text of a token as Velocity's parser sees it (its `image`).
pub fn image<'s>(src: &'s str, tok: &Token) -> &'s str {
    if tok.kind == Kind::Dot {
        "."
    } else {
        &src[tok.start as usize..tok.end as usize]
    }
}

/// Lexes a whole source standalone (no parser switching states), from the
/// given state: the token stream Velocity's token manager produces on its own.
/// Used to compare our lexer with Velocity's.
pub fn tokenize_from(
    src: &str,
    state: LexState,
) -> (Vec<(Token, LexState)>, Vec<Special>, Option<LexError>) {
    let mut lx = Lexer::new(src);
    lx.switch_to(state);
    let mut out = Vec::new();
    loop {
        match lx.next_token() {
            Ok(t) => {
                out.push((t, lx.state()));
                if t.kind == Kind::Eof {
                    return (out, lx.specials, None);
                }
            }
            Err(e) => return (out, lx.specials, Some(*e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The directive-name fast path gives what the longest-match search over
    /// `PRE_DIRECTIVE`'s definitions gives.
    #[test]
    fn directive_name_agrees_with_the_general_search() {
        for name in [
            "end",
            "end ",
            "end \n",
            "end\r\n",
            "endx",
            "end_",
            "end@",
            "end(",
            "if",
            "if(",
            "ifx",
            "i",
            "e",
            "el",
            "els",
            "else",
            "else\t\n",
            "elsex",
            "elseif",
            "elseif(",
            "elseifx",
            "elseif \n",
            "foreach",
            "foreach(",
            "set",
            "e1",
            "if1",
            "end-",
            "a",
            "macro@x",
        ] {
            let lx = Lexer::new(name);
            let mut best: Option<(Kind, usize)> = None;
            for kind in starting_with(LexState::PreDirective, name.as_bytes()[0]) {
                let n = lx.match_len(kind, 0);
                if n > 0 && best.is_none_or(|(_, bn)| n > bn) {
                    best = Some((kind, n));
                }
            }
            assert_eq!(Some(directive_name(name.as_bytes())), best, "{name:?}");
        }
    }
}
