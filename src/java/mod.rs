//! Java semantics: methods on strings, lists and maps; regular expressions;
//! Velocity's arithmetic.

pub mod bignum;
mod format;
#[rustfmt::skip]
#[allow(clippy::all, dead_code)]
mod jdk;
pub mod methods;
pub mod number;
pub mod regex;
mod resolve;
#[rustfmt::skip]
mod unicode_blocks;
pub mod string;

pub use methods::{Call, call_method, get_property, java_hash};
pub use regex::{JavaRegex, RegexCache};

/// Java exception class names.
pub mod ex {
    pub const ARITHMETIC: &str = "java.lang.ArithmeticException";
    pub const ARRAY_INDEX_OUT_OF_BOUNDS: &str = "java.lang.ArrayIndexOutOfBoundsException";
    pub const CLASS_CAST: &str = "java.lang.ClassCastException";
    pub const CONCURRENT_MODIFICATION: &str = "java.util.ConcurrentModificationException";
    pub const ILLEGAL_ARGUMENT: &str = "java.lang.IllegalArgumentException";
    pub const ILLEGAL_MONITOR_STATE: &str = "java.lang.IllegalMonitorStateException";
    pub const ILLEGAL_STATE: &str = "java.lang.IllegalStateException";
    pub const INDEX_OUT_OF_BOUNDS: &str = "java.lang.IndexOutOfBoundsException";
    pub const NO_SUCH_ELEMENT: &str = "java.util.NoSuchElementException";
    pub const NULL_POINTER: &str = "java.lang.NullPointerException";
    pub const NUMBER_FORMAT: &str = "java.lang.NumberFormatException";
    pub const OUT_OF_MEMORY: &str = "java.lang.OutOfMemoryError";
    pub const STACK_OVERFLOW: &str = "java.lang.StackOverflowError";
    pub const STRING_INDEX_OUT_OF_BOUNDS: &str = "java.lang.StringIndexOutOfBoundsException";
    pub const UNSUPPORTED_ENCODING: &str = "java.io.UnsupportedEncodingException";
    pub const UNSUPPORTED_OPERATION: &str = "java.lang.UnsupportedOperationException";
}

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
