//! Jayway-semantics JSONPath.
