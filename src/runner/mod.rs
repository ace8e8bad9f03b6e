//! Running test-case files: the engine behind `apigw-vtl test` and the
//! conformance tests.
//!
//! A suite (`shared/spec/case-format.md`, version 1) is read into a
//! [`Suite`] whose cases are each either a [`Case`] or a [`CaseError`] that
//! says what is wrong, at which JSON path and which bytes of the file.
//! [`run_case`] renders a template case, or runs a gateway case through
//! [`crate::gateway`] ([`run_case_with`] for a case naming a `route` of an
//! API definition), and compares the result with the case's `expect`
//! exactly as the oracle's `--check` does: only the fields `expect` has are compared; `"status": null` means
//! "no override" while a missing `status` is not checked; an expected
//! `error` compares the category only. A limit hit while rendering
//! ([`crate::ErrorKind::Limit`]) has the category `eval`: the format knows
//! only `parse` and `eval`, and a template that fails on API Gateway fails
//! the same way whatever stopped it. A gateway case's result is the HTTP
//! response: its status, every header (names compared case-insensitively)
//! and its body.
//!
//! ```
//! use apigw_vtl::runner::{Outcome, Suite, run_case};
//!
//! let suite = Suite::from_json(r##"{"cases": [
//!     {"name": "unclosed-if", "template": "#if(true)x", "expect": {"error": "parse"}}
//! ]}"##).unwrap();
//! for case in suite.cases.iter().flatten() {
//!     match run_case(case) {
//!         Outcome::Passed(_) => {}
//!         Outcome::Failed(actual, mismatches) => {
//!             for m in &mismatches {
//!                 eprintln!("{}: {}", case.name, m.summary(&actual));
//!             }
//!         }
//!         Outcome::CannotRun(why) => eprintln!("{}: cannot run: {why}", case.name),
//!     }
//! }
//! ```
//!
//! The library never prints: presenting outcomes (diffs, colours) is the
//! command line's business.

pub mod doc;
pub mod gateway;
mod run;
mod suite;

pub use run::{
    Actual, Mismatch, Outcome, compare, compare_case, run_case, run_case_with, run_template,
};
pub use suite::{Case, CaseError, CaseKind, Category, Expect, Suite, SuiteError};
