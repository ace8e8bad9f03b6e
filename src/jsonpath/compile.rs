//! Jayway 2.0.0's path compiler (`PathCompiler`, `Filter.parse`, `Criteria.parse`),
//! quirks included: the oracle runs that version, so a path means what it means there.
//!
//! Java works on the path as UTF-16 units; this works on `char`s, which gives the
//! same results (nothing below tests for surrogates).

use super::pattern::JavaPattern;
use super::{PathError, PathErrorKind};

/// Longest path accepted, in tokens (Java would overflow its stack on long paths).
const MAX_TOKENS: usize = 1000;
/// Deepest nesting of paths inside filters inside paths.
const MAX_NESTING: u32 = 16;

/// One step of a compiled path (Jayway's `PathToken` subclasses).
#[derive(Debug)]
pub(crate) enum Token {
    /// `$`
    Root,
    /// `['a']`, `.a`, or a property merge `['a','b']` (possibly with no names at all).
    Property(Vec<String>),
    /// `[0]`, `[0,1]`, `[1:]`, `[:2]`, `[1:2]`, `[(@.length-1)]`.
    Array(ArrayToken),
    /// `[*]`, `.*`
    Wildcard,
    /// `..`
    Scan,
    /// `[?(...)]`; `None` for the `[?]` placeholders (filters passed from Java code,
    /// which templates cannot pass: applying one throws `NullPointerException`).
    Predicate(Vec<Option<Filter>>),
}

#[derive(Debug)]
pub(crate) struct ArrayToken {
    pub criteria: Vec<i32>,
    /// `None` where Jayway's (disabled) assertion would fail: evaluating throws.
    pub op: Option<ArrayOp>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArrayOp {
    ContextSize,
    SliceTo,
    SliceFrom,
    SliceBetween,
    IndexSequence,
    SingleIndex,
}

/// A filter expression: `Filter.parse` builds these from `&&`/`||` chains.
#[derive(Debug)]
pub(crate) enum Filter {
    Criteria(Criteria),
    And(Vec<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

impl Filter {
    /// `Filter.and`, as each Java subclass overrides it.
    fn and(self, other: Filter) -> Filter {
        match self {
            Filter::And(mut list) => {
                list.push(other);
                Filter::And(list)
            }
            Filter::Or(left, right) => Filter::Or(left, Box::new(Filter::And(vec![*right, other]))),
            single => Filter::And(vec![single, other]),
        }
    }

    fn or(self, other: Filter) -> Filter {
        Filter::Or(Box::new(self), Box::new(other))
    }
}

/// One comparison or existence check.
#[derive(Debug)]
pub(crate) enum Criteria {
    /// `[?(@.a)]` (`exists` true) or `[?(!@.a)]` (false).
    Exists {
        path: Box<CompiledPath>,
        exists: bool,
    },
    Compare {
        left: Operand,
        op: CompareOp,
        right: Operand,
    },
}

#[derive(Debug)]
pub(crate) enum Operand {
    /// `@.a`, `$.a`: evaluated against the item or the document.
    Path(Box<CompiledPath>),
    /// `'quoted'` without its quotes, or any other text as written (`10`, `true`, `null`).
    Text(String),
    /// `/regex/` or `/regex/i`
    Pattern(Box<JavaPattern>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    Regex,
}

/// A compiled path (Jayway's `CompiledPath`).
#[derive(Debug)]
pub(crate) struct CompiledPath {
    pub tokens: Vec<Token>,
    /// Starts with `$` (rather than `@`).
    pub root_path: bool,
    /// `definite_from[i]`: every token from `i` to the end is definite.
    pub definite_from: Vec<bool>,
}

impl CompiledPath {
    pub fn is_definite(&self) -> bool {
        self.definite_from.first().copied().unwrap_or(true)
    }

    pub fn is_leaf(&self, t: usize) -> bool {
        t + 1 >= self.tokens.len()
    }

    /// `PathToken.isUpstreamDefinite`, which (despite its name) asks whether the
    /// path from the previous token to the end is definite.
    pub fn upstream_definite(&self, t: usize) -> bool {
        token_definite(&self.tokens[t]) && (t == 0 || self.definite_from[t - 1])
    }

    /// `PathToken.toString()` of token `t`: its fragment and all that follow.
    pub fn tail_string(&self, t: usize) -> String {
        let mut s = String::new();
        for token in &self.tokens[t.min(self.tokens.len())..] {
            fragment(token, &mut s);
        }
        s
    }
}

fn token_definite(t: &Token) -> bool {
    match t {
        Token::Root | Token::Property(_) => true,
        Token::Array(a) => matches!(a.op, Some(ArrayOp::SingleIndex | ArrayOp::ContextSize)),
        Token::Wildcard | Token::Scan | Token::Predicate(_) => false,
    }
}

/// `getPathFragment()`.
fn fragment(t: &Token, s: &mut String) {
    match t {
        Token::Root => s.push('$'),
        Token::Property(props) => {
            s.push('[');
            for (i, p) in props.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push('\'');
                s.push_str(p);
                s.push('\'');
            }
            s.push(']');
        }
        Token::Array(a) => {
            let c = |i: usize| {
                a.criteria
                    .get(i)
                    .map_or_else(String::new, |n| n.to_string())
            };
            match a.op {
                Some(ArrayOp::SingleIndex | ArrayOp::IndexSequence) => {
                    s.push('[');
                    let parts: Vec<String> = a.criteria.iter().map(i32::to_string).collect();
                    s.push_str(&parts.join(","));
                    s.push(']');
                }
                Some(ArrayOp::ContextSize) => s.push_str(&format!("[@.size(){}]", c(0))),
                Some(ArrayOp::SliceFrom) => s.push_str(&format!("[{}:]", c(0))),
                Some(ArrayOp::SliceTo) => s.push_str(&format!("[:{}]", c(0))),
                Some(ArrayOp::SliceBetween) => s.push_str(&format!("[{}:{}]", c(0), c(1))),
                None => s.push_str("NOT IMPLEMENTED"),
            }
        }
        Token::Wildcard => s.push_str("[*]"),
        Token::Scan => s.push_str(".."),
        Token::Predicate(f) => {
            s.push('[');
            for i in 0..f.len() {
                if i > 0 {
                    s.push(',');
                }
                s.push('?');
            }
            s.push(']');
        }
    }
}

/// A Java exception inside the compiler; all of them become `InvalidPathException`.
type CResult<T> = Result<T, String>;

fn index_error(i: usize) -> String {
    format!("java.lang.StringIndexOutOfBoundsException: String index out of range: {i}")
}

fn at(s: &[char], i: usize) -> CResult<char> {
    s.get(i).copied().ok_or_else(|| index_error(i))
}

/// `String.trim()`: strips characters up to U+0020 at both ends.
fn jtrim(s: &[char]) -> &[char] {
    let start = s.iter().position(|c| *c > ' ').unwrap_or(s.len());
    let end = s.iter().rposition(|c| *c > ' ').map_or(start, |i| i + 1);
    &s[start..end.max(start)]
}

fn jtrim_str(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

fn text(s: &[char]) -> String {
    s.iter().collect()
}

/// `Integer.parseInt` (ASCII digits; Java also takes other Unicode digits).
fn parse_int(s: &str) -> CResult<i32> {
    s.parse::<i32>()
        .map_err(|_| format!("java.lang.NumberFormatException: For input string: \"{s}\""))
}

/// `PathCompiler.compile(path)`.
pub(crate) fn compile(path: &str) -> Result<CompiledPath, PathError> {
    compile_nested(path, 0)
}

fn compile_nested(path: &str, nesting: u32) -> Result<CompiledPath, PathError> {
    if path.is_empty() {
        return Err(PathError {
            kind: PathErrorKind::InvalidPath,
            message: "path can not be null or empty".to_string(),
        });
    }
    compile_path(path, nesting).map_err(|message| PathError {
        kind: PathErrorKind::InvalidPath,
        message,
    })
}

fn compile_path(path: &str, nesting: u32) -> CResult<CompiledPath> {
    if nesting > MAX_NESTING {
        return Err("java.lang.StackOverflowError: filters nested too deeply".to_string());
    }
    let chars: Vec<char> = path.chars().collect();
    let trimmed = jtrim(&chars);
    if trimmed.ends_with(&['.', '.']) {
        return Err("A path can not end with a scan.".to_string());
    }
    let first = at(trimmed, 0)?;
    let mut p: Vec<char> = Vec::with_capacity(trimmed.len() + 2);
    if first != '$' && first != '@' {
        p.extend_from_slice(&['$', '.']);
    }
    p.extend_from_slice(trimmed);
    let root_path = p[0] == '$';
    p[0] = '$';
    if p.len() > 1 && p[1] != '.' && p[1] != '[' {
        return Err(format!("Invalid path {}", text(&p)));
    }
    let mut tokens: Vec<Token> = Vec::new();
    let mut i = 0;
    loop {
        let current = p[i];
        let fragment: Vec<char> = match current {
            ' ' => return Err("Space not allowed in path".to_string()),
            '$' => {
                i += 1;
                vec!['$']
            }
            '[' => {
                let n = fast_forward_until_closed(&p, i);
                let f = p[i..i + n].to_vec();
                i += n;
                f
            }
            '.' => {
                i += 1;
                if at(&p, i)? == '.' {
                    i += 1;
                    vec!['.', '.']
                } else {
                    let n = fast_forward(&p, i);
                    if n == 0 {
                        // Java's `continue` in a do-while: straight to the loop condition.
                        if i < p.len() {
                            continue;
                        }
                        break;
                    }
                    let f = if n == 1 && p[i] == '*' {
                        vec!['[', '*', ']']
                    } else {
                        quoted(&p[i..i + n])
                    };
                    i += n;
                    f
                }
            }
            '*' => {
                i += 1;
                vec!['[', '*', ']']
            }
            _ => {
                let n = fast_forward(&p, i);
                let f = quoted(&p[i..i + n]);
                i += n;
                f
            }
        };
        tokens.push(analyze(&fragment, nesting)?);
        if tokens.len() > MAX_TOKENS {
            return Err("java.lang.StackOverflowError: path too long".to_string());
        }
        if i >= p.len() {
            break;
        }
    }
    if !matches!(tokens.first(), Some(Token::Root)) {
        return Err(
            "java.lang.ClassCastException: the path does not start with a root".to_string(),
        );
    }
    let mut definite_from = vec![true; tokens.len()];
    let mut all = true;
    for (t, token) in tokens.iter().enumerate().rev() {
        all = all && token_definite(token);
        definite_from[t] = all;
    }
    Ok(CompiledPath {
        tokens,
        root_path,
        definite_from,
    })
}

/// `"['" + name + "']"`
fn quoted(name: &[char]) -> Vec<char> {
    let mut f = Vec::with_capacity(name.len() + 4);
    f.extend_from_slice(&['[', '\'']);
    f.extend_from_slice(name);
    f.extend_from_slice(&['\'', ']']);
    f
}

fn fast_forward(s: &[char], index: usize) -> usize {
    s[index.min(s.len())..]
        .iter()
        .take_while(|c| !matches!(c, '.' | '[' | ' '))
        .count()
}

fn fast_forward_until_closed(s: &[char], mut index: usize) -> usize {
    let mut skip = 1;
    let mut nested: i64 = 0;
    index += 1;
    while index < s.len() {
        let current = s[index];
        index += 1;
        skip += 1;
        if current == ']' && nested == 0 {
            break;
        }
        if current == '[' {
            nested += 1;
        }
        if current == ']' {
            nested -= 1;
        }
    }
    skip
}

/// `PathComponentAnalyzer.analyze`.
fn analyze(f: &[char], nesting: u32) -> CResult<Token> {
    match f {
        ['$'] => return Ok(Token::Root),
        ['.', '.'] => return Ok(Token::Scan),
        ['[', '*', ']'] | ['.', '*'] => return Ok(Token::Wildcard),
        ['[', '?', ']'] => return Ok(Token::Predicate(vec![None])),
        _ => {}
    }
    if is_filter_placeholders(f) {
        let count = f.iter().filter(|c| **c == '?').count();
        return Ok(Token::Predicate((0..count).map(|_| None).collect()));
    }
    let mut i = 0;
    loop {
        let current = at(f, i)?;
        match current {
            '?' => return analyze_criteria(f, i, nesting),
            '\'' => return analyze_property(f, i),
            c if c.is_ascii_digit() || c == ':' || c == '-' || c == '@' => {
                return analyze_array(f, i);
            }
            _ => i += 1,
        }
        if i >= f.len() {
            break;
        }
    }
    Err(format!("Could not analyze path component: {}", text(f)))
}

/// `^\[\s*\?\s*[,\s*\?]*?\s*]$`
fn is_filter_placeholders(f: &[char]) -> bool {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r');
    let [first, inner @ .., last] = f else {
        return false;
    };
    if *first != '[' || *last != ']' {
        return false;
    }
    let rest: &[char] = {
        let skip = inner.iter().take_while(|c| is_space(**c)).count();
        &inner[skip..]
    };
    match rest.split_first() {
        Some(('?', tail)) => tail
            .iter()
            .all(|c| matches!(c, ',' | '*' | '?') || is_space(*c)),
        _ => false,
    }
}

fn analyze_property(f: &[char], mut i: usize) -> CResult<Token> {
    let mut properties = Vec::new();
    let mut buffer = String::new();
    let mut open = false;
    let mut current = at(f, i)?;
    while current != ']' {
        if current == '\'' {
            if open {
                properties.push(std::mem::take(&mut buffer));
                open = false;
            } else {
                open = true;
            }
        } else if open {
            buffer.push(current);
        }
        i += 1;
        current = at(f, i)?;
    }
    Ok(Token::Property(properties))
}

fn analyze_array(f: &[char], mut i: usize) -> CResult<Token> {
    let mut buffer = String::new();
    let mut numbers: Vec<i32> = Vec::new();
    let mut current = at(f, i)?;
    let context_size = current == '@';
    let (mut slice_to, mut slice_from, mut slice_between, mut index_sequence) =
        (false, false, false, false);
    let next = |i: &mut usize| -> CResult<char> {
        *i += 1;
        at(f, *i)
    };
    let number_char = |c: char| c.is_ascii_digit() || c == ' ' || c == '-';
    if context_size {
        next(&mut i)?;
        current = next(&mut i)?;
        while current != '-' {
            if !matches!(current, ' ' | '(' | ')') {
                buffer.push(current);
            }
            current = next(&mut i)?;
        }
        let function = std::mem::take(&mut buffer);
        if function != "size" && function != "length" {
            return Err(format!(
                "Invalid function: @.{function}. Supported functions are: [(@.length - n)] and [(@.size() - n)]"
            ));
        }
        while current != ')' {
            if current != ' ' {
                buffer.push(current);
            }
            current = next(&mut i)?;
        }
    } else {
        while current.is_ascii_digit() || matches!(current, ',' | ' ' | ':' | '-') {
            match current {
                ' ' => {}
                ':' => {
                    if buffer.is_empty() {
                        slice_to = true;
                        current = next(&mut i)?;
                        while number_char(current) {
                            if current != ' ' {
                                buffer.push(current);
                            }
                            current = next(&mut i)?;
                        }
                        numbers.push(parse_int(&buffer)?);
                        buffer.clear();
                    } else {
                        numbers.push(parse_int(&buffer)?);
                        buffer.clear();
                        current = next(&mut i)?;
                        while number_char(current) {
                            if current != ' ' {
                                buffer.push(current);
                            }
                            current = next(&mut i)?;
                        }
                        if buffer.is_empty() {
                            slice_from = true;
                        } else {
                            slice_between = true;
                            numbers.push(parse_int(&buffer)?);
                            buffer.clear();
                        }
                    }
                }
                ',' => {
                    numbers.push(parse_int(&buffer)?);
                    buffer.clear();
                    index_sequence = true;
                }
                c => buffer.push(c),
            }
            if current == ']' {
                break;
            }
            current = next(&mut i)?;
        }
    }
    if !buffer.is_empty() {
        numbers.push(parse_int(&buffer)?);
    }
    let single = numbers.len() == 1 && !slice_to && !slice_from && !context_size;
    let op = if single {
        Some(ArrayOp::SingleIndex)
    } else if index_sequence {
        Some(ArrayOp::IndexSequence)
    } else if slice_from {
        Some(ArrayOp::SliceFrom)
    } else if slice_to {
        Some(ArrayOp::SliceTo)
    } else if slice_between {
        Some(ArrayOp::SliceBetween)
    } else if context_size {
        Some(ArrayOp::ContextSize)
    } else {
        None
    };
    Ok(Token::Array(ArrayToken {
        criteria: numbers,
        op,
    }))
}

/// `analyzeCriteriaSequence4`: finds the filter's brackets, then `Filter.parse`.
fn analyze_criteria(f: &[char], i: usize, nesting: u32) -> CResult<Token> {
    let mut start = i;
    while at(f, start)? != '[' {
        start = start.checked_sub(1).ok_or_else(|| index_error(0))?;
    }
    let mut end = 0;
    let mut mem = ' ';
    let mut curr = start;
    let mut in_prop = false;
    let (mut square, mut round) = (0i64, 0i64);
    while end == 0 {
        let c = at(f, curr)?;
        match c {
            '(' if !in_prop => round += 1,
            ')' if !in_prop => round -= 1,
            '[' if !in_prop => square += 1,
            ']' if !in_prop => {
                square -= 1;
                if round == 0 {
                    end = curr + 1;
                }
            }
            '\'' if mem != '\\' => in_prop = !in_prop,
            _ => {}
        }
        mem = c;
        curr += 1;
    }
    if round != 0 || square != 0 {
        return Err("Filter brackets are not balanced".to_string());
    }
    let filter: String = f[start..end].iter().collect();
    Ok(Token::Predicate(vec![Some(parse_filter(
        &filter, nesting,
    )?)]))
}

/// `Filter.parse`.
fn parse_filter(filter: &str, nesting: u32) -> CResult<Filter> {
    let filter = jtrim_str(filter);
    if !filter.starts_with('[') || !filter.ends_with(']') {
        return Err(format!(
            "Filter must start with '[' and end with ']'. {filter}"
        ));
    }
    let filter = jtrim_str(&filter[1..filter.len() - 1]);
    if !filter.starts_with('?') {
        return Err(format!(
            "Filter must start with '[?' and end with ']'. {filter}"
        ));
    }
    let filter = jtrim_str(&filter[1..]);
    if !filter.starts_with('(') || !filter.ends_with(')') || filter.len() < 2 {
        return Err(format!(
            "Filter must start with '[?(' and end with ')]'. {filter}"
        ));
    }
    let filter = jtrim_str(&filter[1..filter.len() - 1]);
    let mut operators: Vec<bool> = Vec::new(); // true: &&
    let mut criteria: Vec<Criteria> = Vec::new();
    for exp in split_operators(filter) {
        let exp = jtrim_str(exp);
        match exp {
            "&&" => operators.push(true),
            "||" => operators.push(false),
            _ => criteria.push(parse_criteria(&clean_criteria(exp)?, nesting)?),
        }
    }
    let empty = || "java.util.EmptyStackException".to_string();
    let mut root = Filter::Criteria(criteria.pop().ok_or_else(empty)?);
    while let Some(and) = operators.pop() {
        let next = criteria.pop();
        root = if and {
            root.and(Filter::Criteria(next.ok_or_else(empty)?))
        } else {
            match next {
                Some(c) => root.or(Filter::Criteria(c)),
                None => return Err(format!("Invalid operators {filter}")),
            }
        };
    }
    if !criteria.is_empty() {
        return Err(format!("Invalid operators {filter}"));
    }
    Ok(root)
}

/// `filter.split("((?<=&&|\\|\\|)|(?=&&|\\|\\|))")`: splits before and after every
/// `&&` and `||` (trailing empty parts dropped, as `String.split` does).
fn split_operators(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let is_op = |i: usize| matches!(b.get(i..i + 2), Some(b"&&") | Some(b"||"));
    let mut parts = Vec::new();
    let mut last = 0;
    for p in 1..=b.len() {
        let behind = p >= 2 && is_op(p - 2);
        let ahead = is_op(p);
        if (behind || ahead) && s.is_char_boundary(p) {
            parts.push(&s[last..p]);
            last = p;
        }
    }
    parts.push(&s[last..]);
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// `cleanCriteria`: strips leading `[`, `?`, `(`, spaces and trailing `)`, spaces.
fn clean_criteria(s: &str) -> CResult<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut begin = 0;
    while matches!(at(&chars, begin)?, '[' | '?' | '(' | ' ') {
        begin += 1;
    }
    let mut end = chars.len().checked_sub(1).ok_or_else(|| index_error(0))?;
    while matches!(at(&chars, end)?, ')' | ' ') {
        end = end.checked_sub(1).ok_or_else(|| index_error(0))?;
    }
    if begin > end + 1 {
        return Err(index_error(begin));
    }
    Ok(chars[begin..end + 1].iter().collect())
}

const OPERATORS: [(&str, CompareOp); 7] = [
    ("==", CompareOp::Eq),
    (">=", CompareOp::Gte),
    ("<=", CompareOp::Lte),
    ("!=", CompareOp::Ne),
    ("<", CompareOp::Lt),
    (">", CompareOp::Gt),
    ("=~", CompareOp::Regex),
];

/// `Criteria.parse` and `Criteria.create`.
fn parse_criteria(criteria: &str, nesting: u32) -> CResult<Criteria> {
    // The first operator of the list found anywhere, not the leftmost one.
    let found = OPERATORS
        .iter()
        .find_map(|(text, op)| criteria.find(text).map(|i| (i, text.len(), *op)));
    let (left, op, right) = match found {
        Some((i, len, op)) => (
            jtrim_str(&criteria[..i]),
            Some(op),
            jtrim_str(&criteria[i + len..]),
        ),
        None => (jtrim_str(criteria), None, ""),
    };
    let mut exists = true;
    let left_operand = if is_path(left) {
        let path_text = match left.strip_prefix('!') {
            Some(rest) => {
                exists = false;
                rest
            }
            None => left,
        };
        let path = compile_definite(path_text, nesting)?;
        if op.is_none() {
            return Ok(Criteria::Exists {
                path: Box::new(path),
                exists,
            });
        }
        Operand::Path(Box::new(path))
    } else {
        literal(left)?
    };
    let right_operand = if is_path(right) {
        if right.starts_with('!') {
            return Err(
                "Invalid negation! Can only be used for existence check e.g [?(!@.foo)]"
                    .to_string(),
            );
        }
        Operand::Path(Box::new(compile_definite(right, nesting)?))
    } else {
        literal(right)?
    };
    let op = op.ok_or_else(|| {
        "java.lang.UnsupportedOperationException: CriteriaType  can not be parsed".to_string()
    })?;
    Ok(Criteria::Compare {
        left: left_operand,
        op,
        right: right_operand,
    })
}

fn compile_definite(path: &str, nesting: u32) -> CResult<CompiledPath> {
    let compiled = compile_nested(path, nesting + 1).map_err(|e| e.message)?;
    if !compiled.is_definite() {
        return Err(format!("the predicate path: {path} is not definite"));
    }
    Ok(compiled)
}

fn is_path(s: &str) -> bool {
    s.starts_with('$') || s.starts_with('@') || s.starts_with("!@")
}

/// A quoted string, a `/pattern/`, or the text as it is.
fn literal(s: &str) -> CResult<Operand> {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n > 0 && chars[0] == '\'' && chars[n - 1] == '\'' {
        if n < 2 {
            return Err(index_error(0));
        }
        return Ok(Operand::Text(chars[1..n - 1].iter().collect()));
    }
    let is_pattern = n > 0
        && chars[0] == '/'
        && (chars[n - 1] == '/' || (n >= 2 && chars[n - 2] == '/' && chars[n - 1] == 'i'));
    if is_pattern {
        let last = chars.iter().rposition(|c| *c == '/').unwrap_or(0);
        if last < 1 {
            return Err(index_error(last));
        }
        let regex: String = chars[1..last].iter().collect();
        let ignore_case = chars[n - 1] == 'i';
        let pattern = JavaPattern::compile(&regex, ignore_case)
            .map_err(|e| format!("java.util.regex.PatternSyntaxException: {e}"))?;
        return Ok(Operand::Pattern(Box::new(pattern)));
    }
    Ok(Operand::Text(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_java() {
        assert_eq!(split_operators("a&&b"), vec!["a", "&&", "b"]);
        assert_eq!(
            split_operators("a || b && c"),
            vec!["a ", "||", " b ", "&&", " c"]
        );
        assert_eq!(split_operators("&&a"), vec!["&&", "a"]);
        assert_eq!(split_operators("a&&"), vec!["a", "&&"]);
        assert_eq!(split_operators("a&&&b"), vec!["a", "&", "&", "&", "b"]);
        assert_eq!(split_operators(""), vec![""]);
    }

    #[test]
    fn clean_like_java() {
        assert_eq!(clean_criteria("(@.a == 1)").unwrap(), "@.a == 1");
        assert_eq!(clean_criteria("[?( @.a))  ").unwrap(), "@.a");
        assert_eq!(clean_criteria("a").unwrap(), "a");
        assert!(clean_criteria("").is_err());
        assert!(clean_criteria("((").is_err());
        assert!(clean_criteria(" ) ").is_err());
    }
}
