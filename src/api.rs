//! The public entry points: [`Template`], [`Invocation`], [`Rendered`], [`Limits`].

use crate::error::{Error, Result};
use indexmap::IndexMap;
use std::sync::Arc;

/// API Gateway's maximum mapping template size: 300 KB.
pub const MAX_TEMPLATE_BYTES: usize = 300 * 1024;

/// Limits a render runs under. API Gateway's own (1,000 `#foreach`
/// iterations, 300 KB templates) plus ours, so that no template can hang,
/// overflow the stack or exhaust memory. Hitting one is an error of kind
/// [`crate::ErrorKind::Limit`], except `foreach_iterations`, where Velocity
/// (as API Gateway configures it) quietly ends the loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest template accepted by [`Template::parse_with`] (default 300 KB, API Gateway's).
    pub template_bytes: usize,
    /// Iterations after which a `#foreach` stops, as Velocity's
    /// `directive.foreach.maxloops` (default 1,000, API Gateway's).
    pub foreach_iterations: usize,
    /// Largest output, in bytes (default 10 MB, API Gateway's payload limit).
    pub output_bytes: usize,
    /// Largest size of all strings and collections made while rendering (default 64 MB).
    pub memory_bytes: usize,
    /// Deepest nesting of directives, macro calls, `#evaluate` and expressions,
    /// when parsing and when rendering (default 256).
    pub depth: usize,
    /// Evaluation steps (nodes visited, loop iterations, method calls) before
    /// the render is stopped (default 10,000,000).
    pub steps: u64,
    /// Wall-clock time a render may take (default 10 s): the last guard
    /// against a template whose every step is expensive (a method over a 10 MB
    /// string, a million times). Unlike the other limits it depends on the
    /// machine; `None` turns it off (the fuzz targets do, to stay
    /// deterministic). The clock is read every 256 evaluation steps, or
    /// every 4,096 while the steps between two readings take less than
    /// 1/256 of the limit: a render whose steps turn slow can overrun it by
    /// up to 4,096 of them.
    pub time: Option<std::time::Duration>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            template_bytes: MAX_TEMPLATE_BYTES,
            foreach_iterations: 1000,
            output_bytes: 10 * 1024 * 1024,
            memory_bytes: 64 * 1024 * 1024,
            depth: 256,
            steps: 10_000_000,
            time: Some(std::time::Duration::from_secs(10)),
        }
    }
}

/// One invocation as a template sees it: the payload (`$input.body`), the
/// method request's parameters, `$context` and `$stageVariables`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Invocation {
    /// The raw payload: for a response template the Lambda function's output,
    /// or the error object of a failed invocation. Need not be JSON.
    pub body: String,
    /// Path parameters (`$input.params().path`).
    pub path: IndexMap<String, String>,
    /// Query string parameters (`$input.params().querystring`).
    pub querystring: IndexMap<String, String>,
    /// Headers (`$input.params().header`).
    pub header: IndexMap<String, String>,
    /// `$context` values, nested as the variable names nest (a JSON object;
    /// anything else is treated as empty).
    pub context: serde_json::Value,
    /// `$stageVariables`.
    pub stage_variables: IndexMap<String, String>,
}

impl Invocation {
    /// An invocation with this body and nothing else.
    pub fn with_body(body: impl Into<String>) -> Invocation {
        Invocation {
            body: body.into(),
            ..Invocation::default()
        }
    }
}

/// The overrides a request template set through `$context.requestOverride`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOverride {
    /// `requestOverride.header.NAME`; a list value gives several values.
    pub header: IndexMap<String, Vec<String>>,
    /// `requestOverride.path.NAME`
    pub path: IndexMap<String, String>,
    /// `requestOverride.querystring.NAME`; a list value gives several values.
    pub querystring: IndexMap<String, Vec<String>>,
}

impl RequestOverride {
    pub fn is_empty(&self) -> bool {
        self.header.is_empty() && self.path.is_empty() && self.querystring.is_empty()
    }
}

/// What a render produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The rendered text.
    pub body: String,
    /// `$context.responseOverride.status`, when set to a whole number or a
    /// string of digits (as is; a gateway applies it only within 100-599).
    pub status: Option<i32>,
    /// Every header set through `$context.responseOverride.header.NAME`.
    pub headers: IndexMap<String, String>,
    /// The request overrides.
    pub request_override: RequestOverride,
}

/// A parsed mapping template: parse once, render many times, from any thread.
#[derive(Clone, Debug)]
pub struct Template {
    inner: Arc<crate::compiler::Compiled>,
    limits: Limits,
    /// The output size of the last successful render (shared by clones):
    /// the next render's output buffer starts that large instead of growing
    /// (and copying) its way there.
    out_hint: Arc<std::sync::atomic::AtomicUsize>,
}

impl Template {
    /// Parses a template under the default [`Limits`].
    pub fn parse(source: &str) -> Result<Template> {
        Template::parse_with(source, Limits::default())
    }

    /// Parses a template under the given limits (which its renders use too).
    pub fn parse_with(source: &str, limits: Limits) -> Result<Template> {
        if source.len() > limits.template_bytes {
            return Err(Error::limit(format!(
                "template is {} bytes; the limit is {} bytes (API Gateway's maximum is 300 KB)",
                source.len(),
                limits.template_bytes
            )));
        }
        let compiled = crate::compiler::compile(source, &limits)?;
        Ok(Template {
            inner: Arc::new(compiled),
            limits,
            out_hint: Arc::default(),
        })
    }

    /// The template text.
    pub fn source(&self) -> &str {
        self.inner.source()
    }

    /// The limits renders run under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Renders the template against one invocation.
    pub fn render(&self, invocation: &Invocation) -> Result<Rendered> {
        crate::eval::render_hinted(&self.inner, invocation, &self.limits, &self.out_hint)
    }

    /// Renders, and says which template text wrote which output bytes (for
    /// pointing at the line that produced a difference).
    pub fn render_traced(&self, invocation: &Invocation) -> Result<(Rendered, crate::eval::Trace)> {
        crate::eval::render_traced(&self.inner, invocation, &self.limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Template>();
    }
}
