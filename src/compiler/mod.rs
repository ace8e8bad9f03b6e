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
    /// Whether the tree holds a `#macro` (when not, a render skips the walk
    /// that registers them). Counted by the parser as it makes them: a walk
    /// over the finished tree cost 0.25 million instructions per parse of
    /// the 300 KB benchmark template.
    pub defines_macros: bool,
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
    shared.path_literals = Some(Vec::new());
    for name in WELL_KNOWN {
        shared.intern(name);
    }
    let src: Arc<str> = source.into();
    shared.sources.push(src.clone());
    let ast = parser::Parser::new(&src, &mut shared, 0, limits.depth)
        .prepared()
        .parse_template()?;
    let mut ast = ast;
    prepare_texts(&mut ast.root, &src, &mut parser::TextCache::default());
    let index = shared
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as ast::Sym))
        .collect();
    // The literal arguments of the `.path(...)` and `.json(...)` calls in
    // the tree, compiled once.
    let mut paths = crate::jsonpath::PathMap::default();
    for (src, text) in shared.path_literals.take().unwrap_or_default() {
        // A literal's range is in the source its template was parsed from
        // (an interpolated string's own, inside one).
        let text: &str = match &text {
            ast::Text::Source(range) => shared
                .sources
                .get(src as usize)
                .and_then(|s| s.get(range.start as usize..range.end as usize))
                .unwrap_or(""),
            ast::Text::Owned(t) => t,
        };
        if !text.is_empty()
            && !paths.contains_key(text)
            && let Ok(p) = crate::jsonpath::JsonPath::compile(text)
        {
            paths.insert(text.into(), Arc::new(p));
        }
    }
    let mut first_keys: Vec<Box<str>> = paths
        .values()
        .filter_map(|p| p.first_key())
        .map(Box::from)
        .collect();
    first_keys.sort_unstable();
    first_keys.dedup();
    let defines_macros = shared.macros > 0;
    Ok(Compiled {
        sources: shared.sources,
        names: shared.names,
        index,
        paths,
        first_keys,
        ast,
        defines_macros,
    })
}

/// The template's source texts as [`ast::Node::SourceText`] (macro and
/// `#define` bodies included; not interpolated string literals), in a
/// pass after the parse: their copies then take the room the parser's
/// scratch vectors gave back. (Made as each block ended, they extended
/// the heap instead, and dropping the template let glibc trim it: about
/// 800 page faults and 20 `brk` calls per parse of a 300 KB template.)
fn prepare_texts(block: &mut ast::Block, src: &str, texts: &mut parser::TextCache) {
    use ast::Node;
    for node in block.iter_mut() {
        match node {
            Node::If(n) => {
                for (_, b) in &mut n.branches {
                    prepare_texts(b, src, texts);
                }
                if let Some(b) = &mut n.otherwise {
                    prepare_texts(b, src, texts);
                }
            }
            Node::Foreach(n) => prepare_texts(&mut n.body, src, texts),
            Node::Macro(m) => {
                if let Some(b) = Arc::get_mut(&mut m.body) {
                    prepare_texts(b, src, texts);
                }
            }
            Node::MacroCall(n) => {
                if let Some(b) = &mut n.body {
                    prepare_texts(b, src, texts);
                }
            }
            Node::Define(d) => {
                if let Some(b) = Arc::get_mut(&mut d.body) {
                    prepare_texts(b, src, texts);
                }
            }
            n => parser::prepare_text(n, src, texts),
        }
    }
}

/// The method and argument of `$util.escapeJavaScript(arg)` or
/// `$util.urlEncode(arg)` written plainly (not escaped, no prefix).
pub(crate) fn util_call(r: &ast::Reference) -> Option<(ast::Sym, &ast::Expr)> {
    if r.root != sym::UTIL
        || r.escaped
        || r.kind == ast::RefKind::Runt
        || !r.esc_prefix().is_empty()
        || !r.more_prefix().is_empty()
    {
        return None;
    }
    let [ast::Modifier::Method { name, args, .. }] = &r.chain[..] else {
        return None;
    };
    let [arg] = &args[..] else { return None };
    matches!(*name, sym::ESCAPE_JAVASCRIPT | sym::URL_ENCODE).then_some((*name, arg))
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
        let long = "x".repeat(ast::SHORT_TEXT);
        let c = compile(&format!("ab$x#if($y)c#{{end}}{long}"), &Limits::default()).unwrap();
        // Short texts padded (see `ast::pad_short_text`), one character and
        // longer texts as they are.
        let Node::ShortText { start: 0, text } = &c.ast.root[0] else {
            panic!("{:?}", c.ast.root[0]);
        };
        assert_eq!(text.len(), ast::SHORT_TEXT);
        assert_eq!(ast::short_text(text), "ab");
        assert_eq!(
            &text[2..ast::SHORT_TEXT - 1],
            &" ".repeat(ast::SHORT_TEXT - 3)
        );
        let Node::If(n) = &c.ast.root[2] else {
            panic!("{:?}", c.ast.root[2]);
        };
        let Node::SourceText { start: 11, text } = &n.branches[0].1[0] else {
            panic!("{:?}", n.branches[0].1);
        };
        assert_eq!(&**text, "c");
        let Node::SourceText { start: 18, text } = &c.ast.root[3] else {
            panic!("{:?}", c.ast.root[3]);
        };
        assert_eq!(**text, *long);
    }

    #[test]
    fn short_texts_are_padded_and_read_back() {
        let (e15, x31) = ("é".repeat(15), "x".repeat(31));
        for text in ["ab", "é", "日本", "a\u{1F600}", &e15, &x31] {
            let padded = ast::pad_short_text(text).map(|p| String::from_utf8(p.to_vec()));
            match padded {
                Some(Ok(p)) => {
                    assert_eq!(p.len(), ast::SHORT_TEXT);
                    assert_eq!(ast::short_text(&p), text);
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
        // One byte (pushed as a character), and 32 bytes or more.
        for text in ["", "a", &"x".repeat(ast::SHORT_TEXT), &"é".repeat(16)] {
            assert_eq!(ast::pad_short_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn equal_source_texts_share_their_copy() {
        use ast::Node;
        // Texts of the same length and ends, different in the middle, and
        // a text longer than those shared.
        let long = "- ".repeat(50);
        // (The first 32 texts get their own copies: 32 `$a`s and texts before.)
        let template = format!(
            "{}ab\n$x\n$y\n$z a-b$w axb$v a-b$u{long}$t{long}",
            "$a;".repeat(32)
        );
        let c = compile(&template, &Limits::default()).unwrap();
        let texts: Vec<(u32, &std::sync::Arc<str>, &str)> = c
            .ast
            .root
            .iter()
            .filter_map(|n| match n {
                Node::SourceText { start, text } => Some((*start, text, &**text)),
                Node::ShortText { start, text } => Some((*start, text, ast::short_text(text))),
                _ => None,
            })
            .collect();
        for (start, _, text) in &texts {
            let at = *start as usize;
            assert_eq!(template.get(at..at + text.len()), Some(*text));
        }
        assert_eq!(texts.len(), 39, "{texts:?}");
        // Before the cache was made: each its own copy.
        assert!(!std::sync::Arc::ptr_eq(texts[0].1, texts[1].1));
        let texts = &texts[32..];
        assert!(std::sync::Arc::ptr_eq(texts[0].1, texts[1].1));
        assert!(std::sync::Arc::ptr_eq(texts[2].1, texts[4].1));
        assert!(!std::sync::Arc::ptr_eq(texts[2].1, texts[3].1));
        assert!(!std::sync::Arc::ptr_eq(texts[5].1, texts[6].1));
    }

    #[test]
    fn foreach_variables_and_the_arguments_vector_reused_after_a_foreach() {
        // A loop variable given as a reference keeps only its name (also
        // `${j}` and `$k.x`, whose name is `k`); the directives after a
        // `#foreach` get its emptied arguments vector. (Expected: the
        // oracle, Velocity 1.7.)
        let t = crate::Template::parse(
            "#foreach($i in [1,2])$i#end#evaluate(\"x$i\")#foreach(${j} in [3])$j#end#macro(m $a $b)[$a$b]#end#m(4 5)#foreach($k.x in [6])$k#end#set($l = [7])#foreach($n in $l)$n#end",
        )
        .unwrap();
        let out = t.render(&crate::Invocation::with_body("{}")).unwrap();
        assert_eq!(out.body, "12x3[45]67");
    }

    #[test]
    fn literal_paths_of_the_tree_are_compiled() {
        // Arguments and blocks a directive drops are not in the tree: their
        // paths are not compiled (as a walk over the finished tree found).
        for (template, paths) in [
            (
                "$a.path('$.a')$b.json('$.b')$c.other('$.c')",
                &["$.a", "$.b"][..],
            ),
            (
                "$a.path('$.a', 1)$a.path($x)$a.path('')$a.path('$..[')",
                &[],
            ),
            ("#if($a.path('$.i'))$b[$c.path('$.x')]#end", &["$.i", "$.x"]),
            ("#set($s = \"$b.path('$.b')\")$x.path(\"$.y\")", &["$.b"]),
            (
                "#foreach($a.path('$.v') in $l.path('$.i'))$b.path('$.b')#end",
                &["$.b", "$.i"],
            ),
            (
                "#foreach($a in $l.path('$.i') $m.path('$.f') $n.path('$.g'))$b.path('$.b')#end",
                &["$.f", "$.i"],
            ),
            (
                "#foreach($a in $l.path('$.i') [$m.path('$.f')])$b.path('$.b')#end",
                &["$.i"],
            ),
            ("#foreach($a $l.path('$.i'))$b.path('$.b')#end", &[]),
            (
                "#foreach($a in $l)#foreach($b $m.path('$.x'))#end$c.path('$.c')#end",
                &["$.c"],
            ),
            ("#macro(m $p.path('$.p'))$b.path('$.b')#end", &["$.b"]),
            ("#define($d.path('$.d'))$b.path('$.b')#end", &["$.b"]),
            ("#literal()$b.path('$.b')#end#stop($c.path('$.c'))", &[]),
            (
                "#mc($b.path('$.b'))#@mc($c.path('$.c'))$d.path('$.d')#end",
                &["$.b", "$.c", "$.d"],
            ),
            (
                "#evaluate($a.path('$.e'))#break($a.path('$.k'))#include($a.path('$.n'))",
                &["$.e", "$.k", "$.n"],
            ),
        ] {
            let c = compile(template, &Limits::default()).unwrap();
            let mut got: Vec<&str> = c.paths.keys().map(|k| &**k).collect();
            got.sort_unstable();
            assert_eq!(got, paths, "{template}");
        }
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
                Node::UtilCall(u, _) if u.method == sym::ESCAPE_JAVASCRIPT => "escape",
                Node::UtilCall(u, _) if u.method == sym::URL_ENCODE => "url",
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
        assert!(matches!(n.branches[0].1[1], Node::UtilCall(..)));
        let Node::Foreach(f) = &c.ast.root[1] else {
            panic!("{:?}", c.ast.root[1]);
        };
        assert!(matches!(f.body[0], Node::SourceText { .. }));
        let Node::Macro(m) = &c.ast.root[2] else {
            panic!("{:?}", c.ast.root[2]);
        };
        assert!(matches!(m.body[0], Node::UtilCall(..)));
        // A fourth `#foreach` argument is rendered instead of the block.
        let Node::Foreach(f) = &c.ast.root[3] else {
            panic!("{:?}", c.ast.root[3]);
        };
        assert!(matches!(f.body[..], [Node::UtilCall(..)]));
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
