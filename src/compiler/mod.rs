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
    pub ast: ast::Ast,
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
const WELL_KNOWN: [&str; 8] = [
    "foreach",
    "velocityCount",
    "velocityHasNext",
    "bodyContent",
    "input",
    "util",
    "context",
    "stageVariables",
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
}

/// Parses a template.
pub fn compile(source: &str, limits: &Limits) -> Result<Compiled> {
    let mut shared = parser::Shared::default();
    for name in WELL_KNOWN {
        shared.intern(name);
    }
    let src: Arc<str> = source.into();
    shared.sources.push(src.clone());
    let ast = parser::parse(&src, &mut shared, 0, limits.depth)?;
    let index = shared
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as ast::Sym))
        .collect();
    let mut paths = crate::jsonpath::PathMap::default();
    collect_paths(
        &ast.root,
        ast.source_id,
        &shared.names,
        &shared.sources,
        &mut paths,
    );
    Ok(Compiled {
        sources: shared.sources,
        names: shared.names,
        index,
        paths,
        ast,
    })
}

/// Compiles the literal arguments of `.path(...)` and `.json(...)` calls.
fn collect_paths(
    block: &ast::Block,
    src: u16,
    names: &[Box<str>],
    sources: &[Arc<str>],
    out: &mut crate::jsonpath::PathMap,
) {
    use ast::*;
    fn expr(
        e: &Expr,
        src: u16,
        names: &[Box<str>],
        sources: &[Arc<str>],
        out: &mut crate::jsonpath::PathMap,
    ) {
        match e {
            Expr::Ref(r) => reference(r, src, names, sources, out),
            Expr::Str(s) => {
                if let Some(i) = &s.interpolated {
                    collect_paths(&i.ast.root, i.source_id, names, sources, out);
                }
            }
            Expr::List(items) => items.iter().for_each(|i| expr(i, src, names, sources, out)),
            Expr::Map(entries) => entries.iter().for_each(|(k, v)| {
                expr(k, src, names, sources, out);
                expr(v, src, names, sources, out);
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
                expr(a, src, names, sources, out);
                expr(b, src, names, sources, out);
            }
            Expr::Not(a) => expr(a, src, names, sources, out),
            Expr::Int(_) | Expr::Float(_) | Expr::True | Expr::False | Expr::Word(_) => {}
        }
    }
    fn reference(
        r: &Reference,
        src: u16,
        names: &[Box<str>],
        sources: &[Arc<str>],
        out: &mut crate::jsonpath::PathMap,
    ) {
        for m in &r.chain {
            match m {
                Modifier::Method { name, args, .. } => {
                    let n = &*names[*name as usize];
                    if let ([Expr::Str(lit)], "path" | "json") = (&args[..], n)
                        && lit.interpolated.is_none()
                    {
                        // A literal's range is in the source its template was parsed
                        // from (an interpolated string's own, inside one).
                        let text: &str = match &lit.text {
                            Text::Source(range) => sources
                                .get(src as usize)
                                .and_then(|s| s.get(range.start as usize..range.end as usize))
                                .unwrap_or(""),
                            Text::Owned(t) => t,
                        };
                        if !text.is_empty()
                            && !out.contains_key(text)
                            && let Ok(p) = crate::jsonpath::JsonPath::compile(text)
                        {
                            out.insert(text.into(), Arc::new(p));
                        }
                    }
                    args.iter().for_each(|a| expr(a, src, names, sources, out));
                }
                Modifier::Index { arg, .. } => expr(arg, src, names, sources, out),
                Modifier::Property { .. } => {}
            }
        }
    }
    for node in block {
        match node {
            Node::Reference(r) => reference(r, src, names, sources, out),
            Node::Set(s) => {
                reference(&s.lhs, src, names, sources, out);
                expr(&s.rhs, src, names, sources, out);
            }
            Node::If(n) => {
                for (c, b) in &n.branches {
                    expr(c, src, names, sources, out);
                    collect_paths(b, src, names, sources, out);
                }
                if let Some(b) = &n.otherwise {
                    collect_paths(b, src, names, sources, out);
                }
            }
            Node::Foreach(n) => {
                expr(&n.iterable, src, names, sources, out);
                collect_paths(&n.body, src, names, sources, out);
            }
            Node::Macro(m) => collect_paths(&m.body, src, names, sources, out),
            Node::MacroCall(n) => {
                n.args
                    .iter()
                    .for_each(|a| expr(a, src, names, sources, out));
                if let Some(b) = &n.body {
                    collect_paths(b, src, names, sources, out);
                }
            }
            Node::Define(d) => collect_paths(&d.body, src, names, sources, out),
            Node::Evaluate(n) | Node::Break(n) | Node::Include(n) => {
                n.args
                    .iter()
                    .for_each(|a| expr(a, src, names, sources, out));
            }
            Node::Text(_) | Node::Stop(_) | Node::Literal(_) => {}
        }
    }
}
