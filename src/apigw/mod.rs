//! The API Gateway variables: `$input`, `$util`, `$context`, `$stageVariables`.
