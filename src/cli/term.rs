//! Where output goes, and whether it is coloured.
//!
//! Colour only on a terminal: never when the stream is piped or redirected,
//! never with `NO_COLOR` set (to anything but the empty string) or
//! `TERM=dumb`, unless `--color always` says otherwise.

use std::io::{IsTerminal, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

/// ANSI styles, or nothing when colour is off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn for_stream(choice: ColorChoice, is_terminal: bool) -> Style {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        };
        Style { color }
    }

    fn paint(self, code: &str, s: &str) -> String {
        if self.color && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    /// `error`, failures.
    pub fn error(self, s: &str) -> String {
        self.paint("1;31", s)
    }
    /// Removed lines.
    pub fn red(self, s: &str) -> String {
        self.paint("31", s)
    }
    /// Added lines, passes.
    pub fn green(self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }
    /// Gutters and arrows of snippets.
    pub fn gutter(self, s: &str) -> String {
        self.paint("1;34", s)
    }
    /// `help`.
    pub fn help(self, s: &str) -> String {
        self.paint("1;36", s)
    }
    /// `warning`, skips.
    pub fn warn(self, s: &str) -> String {
        self.paint("1;33", s)
    }
    pub fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// Standard output and standard error with their styles. Write errors (a
/// closed pipe, say) end the output quietly instead of panicking.
pub struct Term {
    pub out_style: Style,
    pub err_style: Style,
    out: std::io::BufWriter<std::io::Stdout>,
    out_broken: bool,
}

impl Term {
    pub fn new(choice: ColorChoice) -> Term {
        Term {
            out_style: Style::for_stream(choice, std::io::stdout().is_terminal()),
            err_style: Style::for_stream(choice, std::io::stderr().is_terminal()),
            out: std::io::BufWriter::new(std::io::stdout()),
            out_broken: false,
        }
    }

    /// Writes to standard output.
    pub fn out(&mut self, s: &str) {
        self.out_bytes(s.as_bytes());
    }

    pub fn out_bytes(&mut self, b: &[u8]) {
        if !self.out_broken && self.out.write_all(b).is_err() {
            self.out_broken = true;
        }
    }

    /// Writes to standard error (after flushing standard output, so that the
    /// two interleave in order on a terminal).
    pub fn err(&mut self, s: &str) {
        self.flush();
        let _ = std::io::stderr().write_all(s.as_bytes());
    }

    pub fn flush(&mut self) {
        if !self.out_broken && self.out.flush().is_err() {
            self.out_broken = true;
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        self.flush();
    }
}
