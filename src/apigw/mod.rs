//! The API Gateway variables: `$input`, `$util`, `$context`, `$stageVariables`.

pub mod util;
