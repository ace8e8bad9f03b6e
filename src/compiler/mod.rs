//! Source → tokens → AST: Velocity 1.7's lexer and parser.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod tokens;

use crate::api::Limits;
use crate::error::Result;
use std::sync::Arc;

/// A parsed template: its sources, names and syntax tree.
#[derive(Debug)]
pub struct Compiled {
    pub ast: ast::Ast,
    /// Source texts: 0 is the template, the others the interpolated string
    /// literals inside it.
    pub sources: Vec<Arc<str>>,
    /// Interned names (variables, properties, methods, macros).
    pub names: Vec<Box<str>>,
    /// Symbol of each name.
    pub index: std::collections::HashMap<Box<str>, ast::Sym>,
    /// JSONPaths written literally in the template (`$input.path('$.a')`),
    /// compiled once with the template.
    pub paths: crate::jsonpath::PathMap,
    /// The first keys of the simple paths among them (`a` for `$.a.b`):
    /// the top-level members whose values the body's check reads on its way.
    pub first_keys: Vec<Box<str>>,
}

impl Compiled {
    pub fn source(&self) -> &str {
        &self.sources[0]
    }

    pub fn name(&self, sym: ast::Sym) -> &str {
        &self.names[sym as usize]
    }
}

/// Names the evaluator needs, interned first so that their symbols are the
/// constants of [`sym`].
const WELL_KNOWN: [&str; 12] = [
    "foreach",
    "velocityCount",
    "velocityHasNext",
    "bodyContent",
    "input",
    "util",
    "context",
    "stageVariables",
    "escapeJavaScript",
    "urlEncode",
    "hasNext",
    "path",
];

/// Symbols of the names every template has.
pub mod sym {
    use super::ast::Sym;
    pub const FOREACH: Sym = 0;
    pub const VELOCITY_COUNT: Sym = 1;
    pub const VELOCITY_HAS_NEXT: Sym = 2;
    pub const BODY_CONTENT: Sym = 3;
    pub const INPUT: Sym = 4;
    pub const UTIL: Sym = 5;
    pub const CONTEXT: Sym = 6;
    pub const STAGE_VARIABLES: Sym = 7;
    /// `$util`'s methods written straight to the output.
    pub const ESCAPE_JAVASCRIPT: Sym = 8;
    pub const URL_ENCODE: Sym = 9;
    /// `$foreach.hasNext`
    pub const HAS_NEXT: Sym = 10;
    /// `$input.path`
    pub const PATH: Sym = 11;
}

/// Parses a template.
pub fn compile(source: &str, limits: &Limits) -> Result<Compiled> {
    let mut shared = parser::Shared::default();
    for name in WELL_KNOWN {
        shared.intern(name);
    }
    let src: Arc<str> = source.into();
    shared.sources.push(src.clone());
    let ast = parser::Parser::new(&src, &mut shared, 0, limits.depth)
        .prepared()
        .parse_template()?;
    let mut ast = ast;
    prepare_texts(&mut ast.root, &src);
    let index = shared
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as ast::Sym))
        .collect();
    let mut paths = crate::jsonpath::PathMap::default();
    // Only calls named `path` or `json` are compiled (`path` is always
    // interned; when `json` was not, the template has no such call).
    let mut walk = PathWalk {
        path: sym::PATH,
        json: shared.lookup("json").unwrap_or(ast::Sym::MAX),
        sources: &shared.sources,
        out: &mut paths,
    };
    walk.block(&ast.root, ast.source_id);
    let mut first_keys: Vec<Box<str>> = paths
        .values()
        .filter_map(|p| p.first_key())
        .map(Box::from)
        .collect();
    first_keys.sort_unstable();
    first_keys.dedup();
    Ok(Compiled {
        sources: shared.sources,
        names: shared.names,
        index,
        paths,
        first_keys,
        ast,
    })
}

/// The template's source texts as [`ast::Node::SourceText`] (macro and
/// `#define` bodies included; not interpolated string literals), in a
/// pass after the parse: their copies then take the room the parser's
/// scratch vectors gave back. (Made as each block ended, they extended
/// the heap instead, and dropping the template let glibc trim it: about
/// 800 page faults and 20 `brk` calls per parse of a 300 KB template.)
fn prepare_texts(block: &mut ast::Block, src: &str) {
    use ast::Node;
    for node in block.iter_mut() {
        match node {
            Node::If(n) => {
                for (_, b) in &mut n.branches {
                    prepare_texts(b, src);
                }
                if let Some(b) = &mut n.otherwise {
                    prepare_texts(b, src);
                }
            }
            Node::Foreach(n) => prepare_texts(&mut n.body, src),
            Node::Macro(m) => {
                if let Some(b) = Arc::get_mut(&mut m.body) {
                    prepare_texts(b, src);
                }
            }
            Node::MacroCall(n) => {
                if let Some(b) = &mut n.body {
                    prepare_texts(b, src);
                }
            }
            Node::Define(d) => {
                if let Some(b) = Arc::get_mut(&mut d.body) {
                    prepare_texts(b, src);
                }
            }
            n => parser::prepare_text(n, src),
        }
    }
}

/// The method and argument of `$util.escapeJavaScript(arg)` or
/// `$util.urlEncode(arg)` written plainly (not escaped, no prefix).
pub(crate) fn util_call(r: &ast::Reference) -> Option<(ast::Sym, &ast::Expr)> {
    if r.root != sym::UTIL
        || r.escaped
        || r.kind == ast::RefKind::Runt
        || !r.esc_prefix.is_empty()
        || !r.more_prefix.is_empty()
    {
        return None;
    }
    let [ast::Modifier::Method { name, args, .. }] = &r.chain[..] else {
        return None;
    };
    let [arg] = &args[..] else { return None };
    matches!(*name, sym::ESCAPE_JAVASCRIPT | sym::URL_ENCODE).then_some((*name, arg))
}

/// Compiles the literal arguments of `.path(...)` and `.json(...)` calls.
struct PathWalk<'a> {
    /// Symbols of `path` and `json` (`Sym::MAX` when not interned).
    path: ast::Sym,
    json: ast::Sym,
    sources: &'a [Arc<str>],
    out: &'a mut crate::jsonpath::PathMap,
}

impl PathWalk<'_> {
    fn exprs(&mut self, es: &[ast::Expr], src: u16) {
        for e in es {
            self.expr(e, src);
        }
    }

    fn expr(&mut self, e: &ast::Expr, src: u16) {
        use ast::Expr;
        match e {
            Expr::Ref(r) => self.reference(r, src),
            Expr::Str(s) => {
                if let Some(i) = &s.interpolated {
                    self.block(&i.ast.root, i.source_id);
                }
            }
            Expr::List(items) => self.exprs(items, src),
            Expr::Map(entries) => entries.iter().for_each(|(k, v)| {
                self.expr(k, src);
                self.expr(v, src);
            }),
            Expr::Range(a, b)
            | Expr::Or(a, b)
            | Expr::And(a, b)
            | Expr::Eq(a, b)
            | Expr::Ne(a, b)
            | Expr::Lt(a, b)
            | Expr::Gt(a, b)
            | Expr::Le(a, b)
            | Expr::Ge(a, b)
            | Expr::Add(a, b, _)
            | Expr::Sub(a, b, _)
            | Expr::Mul(a, b, _)
            | Expr::Div(a, b, _)
            | Expr::Mod(a, b, _) => {
                self.expr(a, src);
                self.expr(b, src);
            }
            Expr::Not(a) => self.expr(a, src),
            Expr::Int(_) | Expr::Float(_) | Expr::True | Expr::False | Expr::Word(_) => {}
        }
    }

    fn reference(&mut self, r: &ast::Reference, src: u16) {
        use ast::{Expr, Modifier, Text};
        for m in &r.chain {
            match m {
                Modifier::Method { name, args, .. } => {
                    if let [Expr::Str(lit)] = &args[..]
                        && (*name == self.path || *name == self.json)
                        && lit.interpolated.is_none()
                    {
                        // A literal's range is in the source its template was parsed
                        // from (an interpolated string's own, inside one).
                        let text: &str = match &lit.text {
                            Text::Source(range) => self
                                .sources
                                .get(src as usize)
                                .and_then(|s| s.get(range.start as usize..range.end as usize))
                                .unwrap_or(""),
                            Text::Owned(t) => t,
                        };
                        if !text.is_empty()
                            && !self.out.contains_key(text)
                            && let Ok(p) = crate::jsonpath::JsonPath::compile(text)
                        {
                            self.out.insert(text.into(), Arc::new(p));
                        }
                    }
                    self.exprs(args, src);
                }
                Modifier::Index { arg, .. } => self.expr(arg, src),
                Modifier::Property { .. } => {}
            }
        }
    }

    fn block(&mut self, block: &ast::Block, src: u16) {
        use ast::Node;
        for node in block {
            match node {
                Node::Reference(r) => self.reference(r, src),
                Node::UtilCall(u) => self.reference(&u.reference, src),
                Node::Set(s) => {
                    self.reference(&s.lhs, src);
                    self.expr(&s.rhs, src);
                }
                Node::If(n) => {
                    for (c, b) in &n.branches {
                        self.expr(c, src);
                        self.block(b, src);
                    }
                    if let Some(b) = &n.otherwise {
                        self.block(b, src);
                    }
                }
                Node::Foreach(n) => {
                    self.expr(&n.iterable, src);
                    self.block(&n.body, src);
                }
                Node::Macro(m) => self.block(&m.body, src),
                Node::MacroCall(n) => {
                    self.exprs(&n.args, src);
                    if let Some(b) = &n.body {
                        self.block(b, src);
                    }
                }
                Node::Define(d) => self.block(&d.body, src),
                Node::Evaluate(n) | Node::Break(n) | Node::Include(n) => self.exprs(&n.args, src),
                Node::Text(_) | Node::SourceText { .. } | Node::Stop(_) | Node::Literal(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_symbols_name_their_names() {
        let c = compile("$util.escapeJavaScript($x)", &Limits::default()).unwrap();
        for (s, name) in [
            (sym::FOREACH, "foreach"),
            (sym::VELOCITY_COUNT, "velocityCount"),
            (sym::VELOCITY_HAS_NEXT, "velocityHasNext"),
            (sym::BODY_CONTENT, "bodyContent"),
            (sym::INPUT, "input"),
            (sym::UTIL, "util"),
            (sym::CONTEXT, "context"),
            (sym::STAGE_VARIABLES, "stageVariables"),
            (sym::ESCAPE_JAVASCRIPT, "escapeJavaScript"),
            (sym::URL_ENCODE, "urlEncode"),
            (sym::HAS_NEXT, "hasNext"),
            (sym::PATH, "path"),
        ] {
            assert_eq!(c.name(s), name);
            assert_eq!(c.index.get(name), Some(&s));
        }
    }

    #[test]
    fn source_texts_are_copied_and_nodes_stay_small() {
        use ast::Node;
        assert_eq!(std::mem::size_of::<Node>(), 24);
        let c = compile("ab$x#if($y)cd#end", &Limits::default()).unwrap();
        let Node::SourceText { start: 0, text } = &c.ast.root[0] else {
            panic!("{:?}", c.ast.root[0]);
        };
        assert_eq!(&**text, "ab");
        let Node::If(n) = &c.ast.root[2] else {
            panic!("{:?}", c.ast.root[2]);
        };
        let Node::SourceText { start: 11, text } = &n.branches[0].1[0] else {
            panic!("{:?}", n.branches[0].1);
        };
        assert_eq!(&**text, "cd");
    }

    #[test]
    fn plain_util_calls_become_util_call_nodes() {
        use ast::Node;
        let c = compile(
            "$util.escapeJavaScript($a)$util.urlEncode('b')\\\\$util.escapeJavaScript($a)\\$util.escapeJavaScript($a)$!util.urlEncode($a)$util.base64Encode($a)$util.urlEncode($a, $b)",
            &Limits::default(),
        )
        .unwrap();
        let kinds: Vec<&str> = c
            .ast
            .root
            .iter()
            .map(|n| match n {
                Node::UtilCall(u) if u.method == sym::ESCAPE_JAVASCRIPT => "escape",
                Node::UtilCall(u) if u.method == sym::URL_ENCODE => "url",
                Node::Reference(_) => "ref",
                _ => "other",
            })
            .collect();
        // Escaped or prefixed references, other methods and other arities stay references.
        assert_eq!(kinds, ["escape", "url", "ref", "ref", "url", "ref", "ref"]);
    }

    #[test]
    fn nested_blocks_are_prepared_but_not_interpolated_literals() {
        use ast::{Expr, Node};
        let c = compile(
            "#if($a)x$util.urlEncode($b)#end#foreach($i in $l)y#end#macro(m)$util.urlEncode($b)#end#foreach($i in $l $util.urlEncode($b))#end#set($s = \"$util.urlEncode($b) z\")",
            &Limits::default(),
        )
        .unwrap();
        let Node::If(n) = &c.ast.root[0] else {
            panic!("{:?}", c.ast.root[0]);
        };
        assert!(matches!(n.branches[0].1[0], Node::SourceText { .. }));
        assert!(matches!(n.branches[0].1[1], Node::UtilCall(_)));
        let Node::Foreach(f) = &c.ast.root[1] else {
            panic!("{:?}", c.ast.root[1]);
        };
        assert!(matches!(f.body[0], Node::SourceText { .. }));
        let Node::Macro(m) = &c.ast.root[2] else {
            panic!("{:?}", c.ast.root[2]);
        };
        assert!(matches!(m.body[0], Node::UtilCall(_)));
        // A fourth `#foreach` argument is rendered instead of the block.
        let Node::Foreach(f) = &c.ast.root[3] else {
            panic!("{:?}", c.ast.root[3]);
        };
        assert!(matches!(f.body[..], [Node::UtilCall(_)]));
        let Node::Set(s) = &c.ast.root[4] else {
            panic!("{:?}", c.ast.root[4]);
        };
        let Expr::Str(lit) = &s.rhs else {
            panic!("{:?}", s.rhs);
        };
        let body = &lit.interpolated.as_ref().unwrap().ast.root;
        assert!(
            matches!(body[..], [Node::Reference(_), Node::Text(_)]),
            "{body:?}"
        );
    }
}
