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
    Ok(Compiled {
        sources: shared.sources,
        names: shared.names,
        index,
        ast,
    })
}
