//! Java semantics: methods on strings, lists and maps; regular expressions;
//! Velocity's arithmetic.

pub mod regex;

pub use regex::{JavaRegex, RegexCache};

use std::fmt;

/// An exception a Java method threw: its class name and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JavaException {
    /// The exception's class, e.g. `java.lang.StringIndexOutOfBoundsException`.
    pub class: &'static str,
    /// `getMessage()`.
    pub message: String,
}

impl JavaException {
    pub fn new(class: &'static str, message: impl Into<String>) -> JavaException {
        JavaException {
            class,
            message: message.into(),
        }
    }
}

impl fmt::Display for JavaException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(self.class)
        } else {
            write!(f, "{}: {}", self.class, self.message)
        }
    }
}

impl std::error::Error for JavaException {}
