//! # apigw-vtl
//!
//! Amazon API Gateway mapping templates (Velocity Template Language), rendered
//! exactly as API Gateway renders them: Apache Velocity 1.7 semantics, Jayway
//! JsonPath for `$input.path`/`$input.json`, the `$util` functions, `$context`
//! with its overrides, and the rule API Gateway adds to Velocity: a null
//! reference reads as the empty string everywhere.
//!
//! ```
//! use apigw_vtl::{Invocation, Template};
//!
//! let template = Template::parse(
//!     "#set($context.responseOverride.status = $input.path('$.statusCode'))$input.path('$.body')",
//! ).unwrap();
//! let out = template
//!     .render(&Invocation::with_body(r#"{"statusCode": 400, "body": "bad"}"#))
//!     .unwrap();
//! assert_eq!(out.body, "bad");
//! assert_eq!(out.status, Some(400));
//! ```
//!
//! The flow: source → [`compiler::lexer`] (Velocity's lexical states) →
//! [`compiler::parser`] → [`compiler::ast`] → [`eval`] (a tree-walking
//! evaluator over the [`value`] model) → output. [`apigw`] holds the API
//! Gateway variables, [`jsonpath`] the Jayway-semantics JSONPath evaluator,
//! [`json`] the json-smart object model, [`java`] the Java methods and regular
//! expressions, and [`gateway`] the response path around a template.

pub mod apigw;
pub mod compiler;
pub mod error;
pub mod eval;
pub mod gateway;
pub mod java;
pub mod json;
pub mod jsonpath;
pub mod runner;
#[cfg(feature = "serve")]
pub mod serve;
pub mod value;

mod api;
mod bytes;
#[cfg(test)]
mod testing;

pub use api::{Invocation, Limits, Rendered, RequestOverride, Template};
pub use error::{Error, ErrorKind, Result, Span};
