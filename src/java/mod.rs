//! Java semantics: methods on strings, lists and maps; regular expressions.
