//! Selection patterns: Java regular expressions, matched against the whole
//! subject (`Pattern.matches`) with `java.util.regex` semantics
//! ([`JavaRegex`]): `.` matches no line terminator (`\n`, `\r`, `\u0085`,
//! `\u2028`, `\u2029`), `\d \w \s` are ASCII, `(?i)` folds ASCII only, ...

use crate::java::regex::JavaRegex;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// A selection pattern: its text, compiled on first use.
pub struct JavaPattern {
    source: String,
    compiled: OnceLock<Result<Arc<JavaRegex>, String>>,
}

/// An invalid pattern's error is the first line of Java's message (the
/// lines after it repeat the pattern and point at the place).
fn compile(pattern: &str) -> Result<Arc<JavaRegex>, String> {
    JavaRegex::new(pattern).map(Arc::new).map_err(|e| {
        let text = e.to_string();
        text.lines().next().unwrap_or_default().to_string()
    })
}

impl JavaPattern {
    pub fn new(source: impl Into<String>) -> JavaPattern {
        JavaPattern {
            source: source.into(),
            compiled: OnceLock::new(),
        }
    }

    /// The pattern text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Checks that the pattern compiles; the error says why not.
    pub fn validate(&self) -> Result<(), String> {
        self.compiled().map(|_| ())
    }

    fn compiled(&self) -> Result<&JavaRegex, String> {
        self.compiled
            .get_or_init(|| compile(&self.source))
            .as_ref()
            .map(|r| &**r)
            .map_err(Clone::clone)
    }

    /// Whether the pattern matches the whole of `subject` (Java's
    /// `Pattern.matches(pattern, subject)`). An invalid pattern, or a match
    /// that exceeds the backtracking limit, is an error.
    pub fn matches(&self, subject: &str) -> Result<bool, String> {
        self.compiled()?.matches(subject).map_err(|e| e.to_string())
    }
}

impl Clone for JavaPattern {
    fn clone(&self) -> JavaPattern {
        JavaPattern {
            source: self.source.clone(),
            compiled: self.compiled.clone(),
        }
    }
}

impl PartialEq for JavaPattern {
    fn eq(&self, other: &JavaPattern) -> bool {
        self.source == other.source
    }
}

impl fmt::Debug for JavaPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JavaPattern").field(&self.source).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expectations from `java.util.regex.Pattern.matches` (JDK 17).
    #[test]
    fn full_match_like_java() {
        let table: &[(&str, &str, bool)] = &[
            (
                "Bad Request: .*",
                "Bad Request: You submitted invalid input",
                true,
            ),
            ("Invalid", "Invalid input", false),
            ("Invalid.*", "Invalid input", true),
            ("Invalid*", "Invalidd", true),
            ("Invalid*", "Invalid input", false),
            (".*", "", true),
            (".+", "", false),
            (".*", "a\nb", false),
            ("(.|\\n)*", "a\nb", true),
            ("(\\n|.)*", "a\nb", true),
            ("^.*NotFound.*$", "ItemNotFound: 7", true),
            ("404", "404", true),
            ("404", "Error 404", false),
            (".*404.*", "Error 404", true),
            ("5\\d{2}", "503", true),
            ("5\\d{2}", "404", false),
            // Java's line terminators, ASCII classes and ASCII-only case folding.
            ("(.|\\n)*", "x\r\ny", false),
            ("Bad.*", "Bad\rthing", false),
            (".*", "a\u{2028}b", false),
            ("\\d{3}", "\u{664}\u{660}\u{664}", false),
            ("\\w+: .*", "caf\u{e9}: x", false),
            ("(?i)\u{e4}rger.*", "\u{c4}rger hier", false),
            ("(?i)bad.*", "BAD input", true),
            ("[a-z&&[^aeiou]]+", "xyz", true),
            ("\\Qa.b\\E", "axb", false),
            ("a++b", "aab", true),
        ];
        for (pattern, subject, want) in table {
            assert_eq!(
                JavaPattern::new(*pattern).matches(subject),
                Ok(*want),
                "{pattern:?} on {subject:?}"
            );
        }
    }

    #[test]
    fn invalid_pattern_is_an_error() {
        assert!(JavaPattern::new("(unclosed").matches("x").is_err());
        assert!(JavaPattern::new("(unclosed").validate().is_err());
    }
}
