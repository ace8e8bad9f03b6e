//! A gateway case (the test-case format: an integration, the Lambda or HTTP
//! backend's outcome, and the method request) as JSON text, run through
//! `apigw_vtl::gateway::run_case`: integration request, selection by a Java
//! regular expression, mapping templates, parameter mapping, proxy results.
#![no_main]

use apigw_vtl::gateway::{GatewayCase, run_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    let Ok(case) = GatewayCase::from_json(&json) else {
        return;
    };
    if let Ok(execution) = run_case(&case, None) {
        let status = execution.response.status;
        assert!((100..=599).contains(&status), "status {status}");
    }
});
