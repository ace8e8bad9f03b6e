//! The one error type of the library: a kind, a message and a position.

use std::fmt;

/// A position in a template: byte offset, 1-based line and 1-based column
/// (columns count characters, as Velocity's do).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the start.
    pub offset: u32,
    /// Length in bytes (0 for a point, e.g. the end of the template).
    pub len: u32,
    /// 1-based line of the start.
    pub line: u32,
    /// 1-based column (in characters) of the start.
    pub column: u32,
}

impl Span {
    /// The span of bytes `start..end` of `source`, with line and column computed.
    pub fn of(source: &str, start: usize, end: usize) -> Span {
        let start = start.min(source.len());
        let end = end.clamp(start, source.len());
        let (line, column) = line_col(source, start);
        Span {
            offset: start as u32,
            len: (end - start) as u32,
            line,
            column,
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
/// A `\r\n`, `\n` or lone `\r` ends a line, as in Velocity.
pub fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(source.len());
    let before = &source.as_bytes()[..offset];
    let mut line = 1u32;
    let mut line_start = 0usize;
    let mut i = 0usize;
    while i < before.len() {
        match before[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' if before.get(i + 1) != Some(&b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let column = source
        .get(line_start..offset)
        .map_or(offset - line_start, |s| s.chars().count()) as u32
        + 1;
    (line, column)
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The template is not valid VTL (Velocity's `ParseErrorException`).
    Parse,
    /// Rendering failed: a method threw, the body is not JSON, an invalid
    /// JSONPath, an override assigned twice, `#parse`/`#include`, ...
    Eval,
    /// A limit was hit: template size, output size, loop iterations, nesting
    /// depth, evaluation steps, memory.
    Limit,
}

impl ErrorKind {
    /// `parse`, `eval` or `limit`: the category names of the test-case format.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Parse => "parse",
            ErrorKind::Eval => "eval",
            ErrorKind::Limit => "limit",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error with its kind, message and (when known) where in the template it happened.
///
/// Boxed, so that `Result<T, Error>` stays small on the render path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Error {
    repr: Box<Repr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Repr {
    kind: ErrorKind,
    message: String,
    span: Option<Span>,
    help: Option<String>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error", self.repr.kind)?;
        if let Some(s) = self.repr.span {
            write!(f, " at line {}, column {}", s.line, s.column)?;
        }
        write!(f, ": {}", self.repr.message)
    }
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            repr: Box::new(Repr {
                kind,
                message: message.into(),
                span: None,
                help: None,
            }),
        }
    }

    pub fn parse(message: impl Into<String>, span: Span) -> Error {
        Error::new(ErrorKind::Parse, message).with_span(span)
    }

    pub fn eval(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Eval, message)
    }

    pub fn limit(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Limit, message)
    }

    /// Attaches a position (keeps an existing one).
    pub fn with_span(mut self, span: Span) -> Error {
        if self.repr.span.is_none() {
            self.repr.span = Some(span);
        }
        self
    }

    /// Attaches a hint on the usual fix.
    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        self.repr.help = Some(help.into());
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.repr.kind
    }

    pub fn message(&self) -> &str {
        &self.repr.message
    }

    pub fn span(&self) -> Option<Span> {
        self.repr.span
    }

    /// 1-based line and column, when the error has a position.
    pub fn line_col(&self) -> Option<(u32, u32)> {
        self.repr.span.map(|s| (s.line, s.column))
    }

    /// A hint on the usual fix, when there is one.
    pub fn help(&self) -> Option<&str> {
        self.repr.help.as_deref()
    }

    /// The error as rustc writes one, with the source line and a marker under
    /// the fault:
    ///
    /// ```text
    /// error: parse: `#if` is not closed
    ///  --> template.vtl:1:1
    ///   |
    /// 1 | #if(true)x
    ///   | ^^^
    /// ```
    pub fn render(&self, source: &str, name: &str) -> String {
        let mut out = format!("error: {}: {}\n", self.repr.kind, self.repr.message);
        if let Some(span) = self.repr.span {
            let line_no = span.line as usize;
            let text = source
                .split_inclusive('\n')
                .flat_map(|l| l.split_inclusive('\r'))
                .filter(|l| *l != "\n")
                .nth(line_no.saturating_sub(1))
                .unwrap_or("")
                .trim_end_matches(['\n', '\r']);
            let gutter = line_no.to_string().len();
            let pad = " ".repeat(gutter);
            out.push_str(&format!(
                "{pad}--> {name}:{}:{}\n{pad} |\n",
                span.line, span.column
            ));
            out.push_str(&format!("{line_no} | {text}\n"));
            let col = span.column.saturating_sub(1) as usize;
            let indent: String = text
                .chars()
                .take(col)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let rest: String = text.chars().skip(col).collect();
            let marker_len = if span.len == 0 {
                1
            } else {
                let bytes = (span.offset + span.len) as usize;
                let covered = source
                    .get(span.offset as usize..bytes.min(source.len()))
                    .unwrap_or("");
                covered
                    .lines()
                    .next()
                    .map_or(1, |l| l.chars().count().max(1))
                    .min(rest.chars().count().max(1))
            };
            out.push_str(&format!("{pad} | {indent}{}\n", "^".repeat(marker_len)));
        }
        if let Some(help) = &self.repr.help {
            out.push_str(&format!("help: {help}\n"));
        }
        out
    }
}

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_chars() {
        let s = "ab\ncé\r\nx\ry";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 3), (2, 1));
        assert_eq!(line_col(s, 6), (2, 3));
        assert_eq!(line_col(s, 8), (3, 1));
        assert_eq!(line_col(s, 10), (4, 1));
    }

    #[test]
    fn render_marks_the_span() {
        let src = "line one\n#if(true)x";
        let e = Error::parse("`#if` is not closed", Span::of(src, 9, 12))
            .with_help("close it with `#end`");
        assert_eq!(
            e.render(src, "t.vtl"),
            "error: parse: `#if` is not closed\n --> t.vtl:2:1\n  |\n2 | #if(true)x\n  | ^^^\nhelp: close it with `#end`\n"
        );
    }
}
