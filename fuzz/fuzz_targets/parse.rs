//! Any bytes (as lossy UTF-8) as a template: parsing returns Ok or Err, never
//! panics, hangs or overflows the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let _ = apigw_vtl::Template::parse(&source);
});
