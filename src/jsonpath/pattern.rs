//! `java.util.regex.Pattern` as Jayway's `=~` uses it (`Pattern.compile(regex, flags)`
//! and `matcher(s).matches()`).
//!
//! TODO(java-regex): this goes through `fancy_regex`, whose syntax and case folding
//! differ from Java's in corners (Java's `CASE_INSENSITIVE` folds ASCII only,
//! `\p{Alpha}`-style classes, possessive quantifiers, ...). Replace the two
//! functions below with `crate::java::regex::JavaRegex` once it exists.

#[derive(Debug)]
pub(crate) struct JavaPattern {
    source: String,
    regex: fancy_regex::Regex,
}

impl JavaPattern {
    /// `Pattern.compile(source, ignore_case ? CASE_INSENSITIVE : 0)`.
    pub(crate) fn compile(source: &str, ignore_case: bool) -> Result<JavaPattern, String> {
        let flags = if ignore_case { "(?i)" } else { "" };
        let anchored = format!("{flags}\\A(?:{source})\\z");
        let regex = fancy_regex::Regex::new(&anchored)
            .map_err(|e| format!("{e} near index 0\n{source}"))?;
        Ok(JavaPattern {
            source: source.to_string(),
            regex,
        })
    }

    /// `pattern.matcher(s).matches()`: the whole of `s` matches.
    pub(crate) fn matches(&self, s: &str) -> Result<bool, String> {
        self.regex.is_match(s).map_err(|e| e.to_string())
    }

    /// `Pattern.toString()`: the source text.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }
}
