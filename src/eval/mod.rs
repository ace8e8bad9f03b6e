//! The evaluator: walks the AST and writes the output.

use crate::api::{Invocation, Limits, Rendered};
use crate::compiler::Compiled;
use crate::error::{Error, Result};

/// Renders a parsed template against one invocation.
pub fn render(_t: &Compiled, _inv: &Invocation, _limits: &Limits) -> Result<Rendered> {
    Err(Error::eval("the evaluator is not written yet"))
}
