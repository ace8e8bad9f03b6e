//! A JSONPath read against a JSON document, and the result written back as
//! JSON and as Java prints it. Input layout: `PATH \0 DOCUMENT` (lossy UTF-8).
//! Also: the document written back by `body_as_json` (`$input.json('$')`
//! without the tree), which must be what the full parse and write give.
#![no_main]

use apigw_vtl::json::{JsonStyle, body_as_json, parse_body, parse_json, try_write_json};
use apigw_vtl::jsonpath::{JsonPath, read};
use apigw_vtl::value::{Heap, print::write_java_string};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |&b| b == 0);
    let path = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
    let doc = String::from_utf8_lossy(parts.next().unwrap_or(&[])).into_owned();
    let mut fast = String::new();
    if body_as_json(&mut Heap::new(&doc, ""), &mut fast).is_some() {
        let mut heap = Heap::new(&doc, "");
        let whole = parse_body(&mut heap).expect("a body the fast path writes parses");
        let mut slow = String::new();
        try_write_json(&heap, whole, JsonStyle::Compress, &mut slow)
            .expect("a body the fast path writes is written");
        assert_eq!(fast, slow, "body_as_json differs from parse and write");
    }
    let Ok(path) = JsonPath::compile(&path) else {
        return;
    };
    let mut heap = Heap::new(&doc, "");
    let text = heap.body_str(0, doc.len());
    let Ok(root) = parse_json(&mut heap, text) else {
        return;
    };
    if let Ok(v) = read(&mut heap, root, &path) {
        let mut out = String::new();
        let _ = try_write_json(&heap, v, JsonStyle::Compress, &mut out);
        out.clear();
        let _ = write_java_string(&heap, v, &mut out);
    }
});
