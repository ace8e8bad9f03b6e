//! Selection patterns: Java regular expressions, matched against the whole
//! subject (`Pattern.matches`), `.` not matching a newline.
//!
//! TODO(java-regex): the matching below is a stand-in (fancy-regex with an
//! anchored pattern) until `crate::java::regex::JavaRegex` lands in main;
//! then `compile` and `JavaPattern::matches` call it instead, and nothing
//! else in `gateway` changes.

use std::fmt;
use std::sync::OnceLock;

/// A selection pattern: its text, compiled on first use.
pub struct JavaPattern {
    source: String,
    compiled: OnceLock<Result<fancy_regex::Regex, String>>,
}

/// Backtracking steps one match may take before it is abandoned.
const BACKTRACK_LIMIT: usize = 1_000_000;

// TODO(java-regex): replace with `JavaRegex::new(pattern)`.
fn compile(pattern: &str) -> Result<fancy_regex::Regex, String> {
    fancy_regex::RegexBuilder::new(&format!(r"\A(?:{pattern})\z"))
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| e.to_string())
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

    fn compiled(&self) -> Result<&fancy_regex::Regex, String> {
        self.compiled
            .get_or_init(|| compile(&self.source))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Whether the pattern matches the whole of `subject` (Java's
    /// `Pattern.matches(pattern, subject)`). An invalid pattern, or a match
    /// that exceeds the backtracking limit, is an error.
    // TODO(java-regex): replace with `JavaRegex::matches`.
    pub fn matches(&self, subject: &str) -> Result<bool, String> {
        self.compiled()?
            .is_match(subject)
            .map_err(|e| e.to_string())
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
