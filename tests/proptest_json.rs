//! No-panic properties of the JSON reader and of JSONPath (issue 6): parsing
//! any text as JSON returns a value or an error; compiling any path and
//! reading it against a document returns a value or an error. Bounded: a few
//! hundred small cases each.

use apigw_vtl::json::{JsonStyle, parse_json, try_write_json};
use apigw_vtl::jsonpath::{JsonPath, read};
use apigw_vtl::value::Heap;
use proptest::prelude::*;

const JSON_PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"a\"",
    "\"b\"",
    "\"\\u00e9\"",
    "\"\\ud83d\"",
    "\"\\\\\"",
    "\"x\\ny\"",
    "1",
    "-0",
    "1.5e3",
    "1e400",
    "12345678901234567890",
    "0.1234567890123456789",
    "true",
    "false",
    "null",
    " ",
    "\n",
    "\"",
    "\\",
    "nul",
    "01",
    "-",
    "\u{7f}",
];

const DOCS: &[&str] = &[
    "{\"a\": {\"b\": [1, 2, {\"c\": \"d\"}]}, \"l\": [{\"x\": 1}, {\"x\": 2, \"y\": \"s\"}], \"n\": null}",
    "[1, [2, [3, [4]]], {\"a\": 1}]",
    "\"str\"",
    "42",
    "{}",
];

const PATH_PIECES: &[&str] = &[
    "$",
    "@",
    ".",
    "..",
    "a",
    "b",
    "c",
    "x",
    "*",
    "[",
    "]",
    "[*]",
    "[0]",
    "[1]",
    "[-1]",
    "[-1:]",
    "[:2]",
    "[0,1]",
    "['a']",
    "['a','b']",
    "[(@.length-1)]",
    "[?(",
    ")]",
    "@.x",
    "!@.x",
    " > ",
    " == ",
    " =~ ",
    "/s/i",
    "/[/",
    "'s'",
    "1",
    "$.n",
    " && ",
    " || ",
    "(",
    ")",
    "'",
    "\"",
    " ",
    "length()",
];

fn pieces(set: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            6 => proptest::sample::select(set).prop_map(str::to_string),
            1 => any::<String>().prop_map(|s| s.chars().take(4).collect()),
        ],
        0..max,
    )
    .prop_map(|v| v.concat())
}

fn parse_and_write(text: &str) {
    let mut heap = Heap::new(text, "");
    let s = heap.body_str(0, text.len());
    if let Ok(v) = parse_json(&mut heap, s) {
        let mut out = String::new();
        let _ = try_write_json(&heap, v, JsonStyle::NoCompress, &mut out);
    }
}

fn read_path(path: &str, doc: &str) {
    let Ok(p) = JsonPath::compile(path) else {
        return;
    };
    let mut heap = Heap::new(doc, "");
    let s = heap.body_str(0, doc.len());
    if let Ok(root) = parse_json(&mut heap, s)
        && let Ok(v) = read(&mut heap, root, &p)
    {
        let mut out = String::new();
        let _ = try_write_json(&heap, v, JsonStyle::Compress, &mut out);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn json_any_text_returns(text in any::<String>()) {
        parse_and_write(&text);
    }

    #[test]
    fn json_pieces_return(text in pieces(JSON_PIECES, 30)) {
        parse_and_write(&text);
    }

    #[test]
    fn jsonpath_any_path_returns(path in any::<String>(), doc in proptest::sample::select(DOCS)) {
        read_path(&path, doc);
    }

    #[test]
    fn jsonpath_pieces_return(path in pieces(PATH_PIECES, 12), doc in proptest::sample::select(DOCS)) {
        read_path(&path, doc);
    }
}
