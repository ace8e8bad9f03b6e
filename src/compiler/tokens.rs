//! Token kinds and lexical states of Velocity 1.7's grammar (`Parser.jjt`).
//!
//! The numbers are those of Velocity's `ParserConstants`, so our token
//! streams can be compared one to one with Velocity's own.

/// A token kind (Velocity's `ParserConstants`).
///
/// (Four bytes wide: a [`Token`] is then 20 bytes with no padding, and is
/// copied as one 16-byte and one 4-byte move. With a one-byte kind its
/// padding was copied byte by byte, and reading a token just written that
/// way stalled: parse_300k took about 5% longer.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum Kind {
    Eof = 0,
    /// `[` after a reference name: `$a[`
    IndexLbracket = 1,
    /// `]` closing a reference index
    IndexRbracket = 2,
    /// `[` in an expression
    Lbracket = 3,
    /// `]` in an expression
    Rbracket = 4,
    Comma = 5,
    /// `..` in a range
    DoubleDot = 6,
    Colon = 7,
    /// `{` of a map literal
    LeftCurley = 8,
    /// `}` of a map literal
    RightCurley = 9,
    Lparen = 10,
    /// `)` closing a directive, with the blanks and newline after it
    Rparen = 11,
    /// `)` closing a method call's arguments
    Refmod2Rparen = 12,
    /// `\#if`, `\\\#end`, ...
    EscapeDirective = 13,
    /// `#set(` with the blanks before it
    SetDirective = 14,
    /// `$` (a prefix, never a token of its own)
    Dollar = 15,
    /// `$!` (a prefix)
    DollarBang = 16,
    /// `#[[` (a prefix)
    TextblockStart = 17,
    /// `#**` (a prefix)
    FormalCommentStart = 18,
    /// `#*` (a prefix)
    MultiLineCommentStart = 19,
    /// `#` (a prefix)
    Hash = 20,
    /// `##`
    SingleLineCommentStart = 21,
    /// `\\`
    DoubleEscape = 22,
    /// `\`
    Escape = 23,
    Text = 24,
    /// The newline ending a `##` comment
    SingleLineComment = 25,
    /// `*#` ending a `#**` comment
    FormalComment = 26,
    /// `*#` ending a `#*` comment
    MultiLineComment = 27,
    /// `]]#` ending a `#[[` block (the token holds the whole block)
    Textblock = 28,
    /// A skipped character inside a comment
    CommentChar = 29,
    /// A character inside a `#[[ ]]#` block (a prefix)
    TextblockChar = 30,
    Whitespace = 31,
    StringLiteral = 32,
    True = 33,
    False = 34,
    Newline = 35,
    Minus = 36,
    Plus = 37,
    Multiply = 38,
    Divide = 39,
    Modulus = 40,
    LogicalAnd = 41,
    LogicalOr = 42,
    LogicalLt = 43,
    LogicalLe = 44,
    LogicalGt = 45,
    LogicalGe = 46,
    LogicalEquals = 47,
    LogicalNotEquals = 48,
    LogicalNot = 49,
    Equals = 50,
    End = 51,
    IfDirective = 52,
    ElseifDirective = 53,
    ElseDirective = 54,
    IntegerLiteral = 56,
    FloatingPointLiteral = 57,
    Word = 61,
    BracketedWord = 62,
    Identifier = 66,
    Dot = 67,
    /// `{` of a formal reference `${`
    Lcurly = 68,
    /// `}` of a formal reference
    Rcurly = 69,
    /// The character that ends a reference (a special token)
    ReferenceTerminator = 70,
    /// The character after `#` that is not a directive (a special token)
    DirectiveTerminator = 71,
    /// `$[`, `$![`, `$\![`, `$.`
    EmptyIndex = 72,
}

impl Kind {
    /// How Velocity names the token in "Encountered ... Was expecting ..." messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Eof => "end of template",
            Kind::IndexLbracket | Kind::Lbracket => "`[`",
            Kind::IndexRbracket | Kind::Rbracket => "`]`",
            Kind::Comma => "`,`",
            Kind::DoubleDot => "`..`",
            Kind::Colon => "`:`",
            Kind::LeftCurley | Kind::Lcurly => "`{`",
            Kind::RightCurley | Kind::Rcurly => "`}`",
            Kind::Lparen => "`(`",
            Kind::Rparen | Kind::Refmod2Rparen => "`)`",
            Kind::EscapeDirective => "an escaped directive",
            Kind::SetDirective => "`#set(`",
            Kind::Dollar | Kind::DollarBang => "`$`",
            Kind::TextblockStart | Kind::Textblock | Kind::TextblockChar => "`#[[ ]]#` block",
            Kind::FormalCommentStart
            | Kind::MultiLineCommentStart
            | Kind::FormalComment
            | Kind::MultiLineComment
            | Kind::CommentChar => "a comment",
            Kind::Hash => "`#`",
            Kind::SingleLineCommentStart | Kind::SingleLineComment => "`##` comment",
            Kind::DoubleEscape | Kind::Escape => "`\\`",
            Kind::Text => "text",
            Kind::Whitespace => "whitespace",
            Kind::StringLiteral => "a string literal",
            Kind::True => "`true`",
            Kind::False => "`false`",
            Kind::Newline => "a newline",
            Kind::Minus => "`-`",
            Kind::Plus => "`+`",
            Kind::Multiply => "`*`",
            Kind::Divide => "`/`",
            Kind::Modulus => "`%`",
            Kind::LogicalAnd => "`&&`",
            Kind::LogicalOr => "`||`",
            Kind::LogicalLt => "`<`",
            Kind::LogicalLe => "`<=`",
            Kind::LogicalGt => "`>`",
            Kind::LogicalGe => "`>=`",
            Kind::LogicalEquals => "`==`",
            Kind::LogicalNotEquals => "`!=`",
            Kind::LogicalNot => "`!`",
            Kind::Equals => "`=`",
            Kind::End => "`#end`",
            Kind::IfDirective => "`#if`",
            Kind::ElseifDirective => "`#elseif`",
            Kind::ElseDirective => "`#else`",
            Kind::IntegerLiteral => "an integer",
            Kind::FloatingPointLiteral => "a number",
            Kind::Word | Kind::BracketedWord => "a directive name",
            Kind::Identifier => "a name",
            Kind::Dot => "`.`",
            Kind::ReferenceTerminator | Kind::DirectiveTerminator => "a character",
            Kind::EmptyIndex => "`$[`",
        }
    }
}

/// A lexical state of Velocity's token manager (numbers as in `ParserConstants`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum LexState {
    /// After `$`: the reference name.
    Reference = 0,
    /// After `$name.`: a property or method name.
    RefModifier = 1,
    /// Inside `$a[ ... ]`.
    RefIndex = 2,
    /// Inside a directive's parentheses, or `#set(`.
    Directive = 3,
    /// Inside a method call's parentheses `$a.b( ... )`.
    RefMod2 = 4,
    /// Template text.
    Default = 5,
    /// Declared by the grammar, never entered.
    RefMod = 6,
    /// Inside `#[[ ... ]]#`.
    InTextblock = 7,
    /// Inside `#* ... *#`.
    InMultiLineComment = 8,
    /// Inside `#** ... *#`.
    InFormalComment = 9,
    /// Inside `## ...` up to the end of the line.
    InSingleLineComment = 10,
    /// After `#`: the directive name.
    PreDirective = 11,
}

impl LexState {
    pub const fn from_u8(n: u8) -> Option<LexState> {
        Some(match n {
            0 => LexState::Reference,
            1 => LexState::RefModifier,
            2 => LexState::RefIndex,
            3 => LexState::Directive,
            4 => LexState::RefMod2,
            5 => LexState::Default,
            6 => LexState::RefMod,
            7 => LexState::InTextblock,
            8 => LexState::InMultiLineComment,
            9 => LexState::InFormalComment,
            10 => LexState::InSingleLineComment,
            11 => LexState::PreDirective,
            _ => return None,
        })
    }
}

/// A token: its kind and its bytes `start..end` in the source. The text
/// includes any prefix (`$`, `$!`, `#`, backslashes) that led to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    /// The special tokens (reference/directive terminators) met just before
    /// this token: indexes `specials.0..specials.1` in the lexer's list.
    pub specials: (u32, u32),
}

/// A special token: a character that ended a reference or a `#` that began
/// no directive. Velocity keeps its `$` and `#` characters as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Special {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
}
