//! `java.util.regex.Pattern` as Jayway's `=~` uses it (`Pattern.compile(regex, flags)`
//! and `matcher(s).matches()`), through [`crate::java::regex::JavaRegex`].

use crate::java::regex::JavaRegex;

#[derive(Debug)]
pub(crate) struct JavaPattern {
    source: String,
    regex: JavaRegex,
}

impl JavaPattern {
    /// `Pattern.compile(source, ignore_case ? CASE_INSENSITIVE : 0)` (the flag is
    /// the embedded `(?i)`).
    pub(crate) fn compile(source: &str, ignore_case: bool) -> Result<JavaPattern, String> {
        let regex = if ignore_case {
            JavaRegex::new(&format!("(?i){source}"))
        } else {
            JavaRegex::new(source)
        }
        .map_err(|e| e.to_string())?;
        Ok(JavaPattern {
            source: source.to_string(),
            regex,
        })
    }

    /// `pattern.matcher(s).matches()`: the whole of `s` matches.
    pub(crate) fn matches(&self, s: &str) -> Result<bool, String> {
        self.regex.matches(s).map_err(|e| e.to_string())
    }

    /// `Pattern.toString()`: the source text.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }
}
