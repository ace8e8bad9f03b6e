//! Table tests. Expectations were produced by the Java libraries themselves:
//! Jackson 2.14 `readTree` validation followed by json-smart 2.2
//! (`MODE_PERMISSIVE`, `DEFAULT_ORDERED`) as the oracle configures them, with
//! `JSONValue.toJSONString` in `LT_COMPRESS` and `NO_COMPRESS` styles.

use super::*;
use crate::value::print::write_java_double;
use crate::value::{Heap, ListKind, MapKind, StrBase, Value};

/// The harness's description of a parsed Java object: `{k:Integer(1),}`, `[String(a),]`.
fn desc(heap: &Heap, v: Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Map(id) => {
            out.push('{');
            for (k, val) in &heap.map(id).entries {
                if let Value::Str(s) = k {
                    out.push_str(heap.str(*s));
                }
                out.push(':');
                desc(heap, *val, out);
                out.push(',');
            }
            out.push('}');
        }
        Value::List(id) => {
            assert_eq!(heap.list(id).kind, ListKind::JsonArray);
            out.push('[');
            for item in &heap.list(id).items {
                desc(heap, *item, out);
                out.push(',');
            }
            out.push(']');
        }
        Value::Str(s) => out.push_str(&format!("String({})", heap.str(s))),
        Value::Int(i) => out.push_str(&format!("Integer({i})")),
        Value::Long(i) => out.push_str(&format!("Long({i})")),
        Value::Double(d) => {
            out.push_str("Double(");
            write_java_double(d, out);
            out.push(')');
        }
        Value::BigInt(id) => out.push_str(&format!("BigInteger({})", heap.big(id))),
        Value::BigDec(id) => out.push_str(&format!("BigDecimal({})", heap.big(id))),
        Value::Bool(b) => out.push_str(&format!("Boolean({b})")),
        other => out.push_str(&format!("{other:?}")),
    }
}

type Row = (
    &'static str,
    Option<(&'static str, &'static str, &'static str)>,
);

#[rustfmt::skip]
const PARSE_TABLE: &[Row] = &[
        ("{} x", Some(("{}", "{}", "{}"))),
        ("{}}", Some(("{}", "{}", "{}"))),
        ("{\"a\":1} {\"b\":2}", Some(("{a:Integer(1),}", "{\"a\":1}", "{\"a\":1}"))),
        ("1 2", Some(("String(1 2)", "\"1 2\"", "\"1 2\""))),
        ("12}", None),
        ("true x", Some(("String(true x)", "\"true x\"", "\"true x\""))),
        ("\"abc\" x", Some(("String(abc)", "\"abc\"", "\"abc\""))),
        ("[1] ]", Some(("[Integer(1),]", "[1]", "[1]"))),
        ("", None),
        ("   ", None),
        ("null", Some(("null", "null", "null"))),
        ("01", None),
        ("-0", Some(("Integer(0)", "0", "0"))),
        ("-0.0", Some(("Double(-0.0)", "-0.0", "-0.0"))),
        ("1e400", Some(("Double(Infinity)", "null", "null"))),
        ("123456789012345678901234567890", Some(("BigInteger(123456789012345678901234567890)", "123456789012345678901234567890", "123456789012345678901234567890"))),
        ("3.14159265358979323846264338327950288", Some(("BigDecimal(3.14159265358979323846264338327950288)", "3.14159265358979323846264338327950288", "3.14159265358979323846264338327950288"))),
        ("[NaN]", None),
        ("[1,]", None),
        ("{\"a\":1,}", None),
        ("[\"a\u{1}\"]", None),
        ("[\"a\u{7f}\"]", Some(("[String(a\u{7f}),]", "[\"a\\u007F\"]", "[\"a\\u007F\"]"))),
        ("[\"a\\\\\u{7f}\"]", Some(("[String(a\\),]", "[\"a\\\\\"]", "[\"a\\\\\"]"))),
        ("[\"\u{7f}a\\n\u{7f}\"]", Some(("[String(a\n),]", "[\"a\\n\"]", "[\"a\\n\"]"))),
        ("{\"a\":1,\"a\":2,\"b\":3}", Some(("{a:Integer(2),b:Integer(3),}", "{\"a\":2,\"b\":3}", "{\"a\":2,\"b\":3}"))),
        ("2147483647", Some(("Integer(2147483647)", "2147483647", "2147483647"))),
        ("2147483648", Some(("Long(2147483648)", "2147483648", "2147483648"))),
        ("-2147483648", Some(("Integer(-2147483648)", "-2147483648", "-2147483648"))),
        ("-2147483649", Some(("Long(-2147483649)", "-2147483649", "-2147483649"))),
        ("9223372036854775807", Some(("Long(9223372036854775807)", "9223372036854775807", "9223372036854775807"))),
        ("9223372036854775808", Some(("BigInteger(9223372036854775808)", "9223372036854775808", "9223372036854775808"))),
        ("-9223372036854775808", Some(("Long(-9223372036854775808)", "-9223372036854775808", "-9223372036854775808"))),
        ("-9223372036854775809", Some(("BigInteger(-9223372036854775809)", "-9223372036854775809", "-9223372036854775809"))),
        ("1.0", Some(("Double(1.0)", "1.0", "1.0"))),
        ("1e2", Some(("Double(100.0)", "100.0", "100.0"))),
        ("1E+2", Some(("Double(100.0)", "100.0", "100.0"))),
        ("0.1", Some(("Double(0.1)", "0.1", "0.1"))),
        ("1.5e-7", Some(("Double(1.5E-7)", "1.5E-7", "1.5E-7"))),
        ("12345678901234567.5", Some(("BigDecimal(12345678901234567.5)", "12345678901234567.5", "12345678901234567.5"))),
        ("123456789012345678.5", Some(("BigDecimal(123456789012345678.5)", "123456789012345678.5", "123456789012345678.5"))),
        ("-0.0000000000000000000", Some(("BigDecimal(0E-19)", "0E-19", "0E-19"))),
        ("1.00000000000000000e5", Some(("BigDecimal(100000.000000000000)", "100000.000000000000", "100000.000000000000"))),
        ("[\"\\ud83d\\ude00\"]", Some(("[String(😀),]", "[\"😀\"]", "[\"😀\"]"))),
        ("[1.0E400]", Some(("[Double(Infinity),]", "[null]", "[null]"))),
        ("1 ", Some(("Integer(1)", "1", "1"))),
        (" [1 , 2 ] ", Some(("[Integer(1),Integer(2),]", "[1,2]", "[1,2]"))),
        ("{\"a\" : [ true , false , null ] }", Some(("{a:[Boolean(true),Boolean(false),null,],}", "{\"a\":[true,false,null]}", "{\"a\":[true,false,null]}"))),
        ("\"x\\/y\"", Some(("String(x/y)", "\"x/y\"", "\"x\\/y\""))),
        ("{\"k\":\"v/w\"}", Some(("{k:String(v/w),}", "{\"k\":\"v/w\"}", "{\"k\":\"v\\/w\"}"))),
        ("[\"\u{2028}\", \"\u{80}\", \"é\", \"\u{9f}\u{a0}\u{20ff}℀\"]", Some(("[String(\u{2028}),String(\u{80}),String(é),String(\u{9f}\u{a0}\u{20ff}℀),]", "[\"\\u2028\",\"\\u0080\",\"é\",\"\\u009F\u{a0}\\u20FF℀\"]", "[\"\\u2028\",\"\\u0080\",\"é\",\"\\u009F\u{a0}\\u20FF℀\"]"))),
        ("{\"a/b\":\"\\u0000\\u001f\\t\\b\\f\\n\\r\\\"\\\\\"}", Some(("{a/b:String(\u{0}\u{1f}\t\u{8}\u{c}\n\r\"\\),}", "{\"a/b\":\"\\u0000\\u001F\\t\\b\\f\\n\\r\\\"\\\\\"}", "{\"a\\/b\":\"\\u0000\\u001F\\t\\b\\f\\n\\r\\\"\\\\\"}"))),
        ("[[[[1]]]]", Some(("[[[[Integer(1),],],],]", "[[[[1]]]]", "[[[[1]]]]"))),
        ("\"a\\u0041\"", Some(("String(aA)", "\"aA\"", "\"aA\""))),
        ("{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}", Some(("{a:{b:[Integer(1),{c:String(d),},],},}", "{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}", "{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}"))),
        ("[1e5]", Some(("[Double(100000.0),]", "[100000.0]", "[100000.0]"))),
        ("[1E-5]", Some(("[Double(1.0E-5),]", "[1.0E-5]", "[1.0E-5]"))),
        ("[123456789012345678]", Some(("[Long(123456789012345678),]", "[123456789012345678]", "[123456789012345678]"))),
        ("[1234567890123456789]", Some(("[Long(1234567890123456789),]", "[1234567890123456789]", "[1234567890123456789]"))),
        ("[1.234567890123456789]", Some(("[BigDecimal(1.234567890123456789),]", "[1.234567890123456789]", "[1.234567890123456789]"))),
        ("[12345678901234567890e-10]", Some(("[BigDecimal(1234567890.1234567890),]", "[1234567890.1234567890]", "[1234567890.1234567890]"))),
        ("[0.0000001]", Some(("[Double(1.0E-7),]", "[1.0E-7]", "[1.0E-7]"))),
        ("[1.5E+300]", Some(("[Double(1.5E300),]", "[1.5E300]", "[1.5E300]"))),
        ("[-1e-400]", Some(("[Double(-0.0),]", "[-0.0]", "[-0.0]"))),
        ("[4.9e-324]", Some(("[Double(4.9E-324),]", "[4.9E-324]", "[4.9E-324]"))),
        ("[2.2250738585072014E-308]", Some(("[BigDecimal(2.2250738585072014E-308),]", "[2.2250738585072014E-308]", "[2.2250738585072014E-308]"))),
        ("true]", Some(("String(true])", "\"true]\"", "\"true]\""))),
        ("true,", Some(("String(true,)", "\"true,\"", "\"true,\""))),
        ("true:", Some(("String(true:)", "\"true:\"", "\"true:\""))),
        ("truex", None),
        ("true}", Some(("String(true})", "\"true}\"", "\"true}\""))),
        ("true\"", Some(("String(true\")", "\"true\\\"\"", "\"true\\\"\""))),
        ("true\u{1a}", Some(("Boolean(true)", "true", "true"))),
        ("null x", Some(("String(null x)", "\"null x\"", "\"null x\""))),
        ("nullx", None),
        ("1 x", Some(("String(1 x)", "\"1 x\"", "\"1 x\""))),
        ("1\tx", Some(("String(1\tx)", "\"1\\tx\"", "\"1\\tx\""))),
        ("1\u{b}x", None),
        ("1\n", Some(("Integer(1)", "1", "1"))),
        ("\"a\"x", Some(("String(a)", "\"a\"", "\"a\""))),
        ("{}x", Some(("{}", "{}", "{}"))),
        ("[]]", Some(("[]", "[]", "[]"))),
        ("1 x\u{1a}y", Some(("String(1 x)", "\"1 x\"", "\"1 x\""))),
        ("1.5 x", Some(("String(1.5 x)", "\"1.5 x\"", "\"1.5 x\""))),
        ("1e5 x", Some(("String(1e5 x)", "\"1e5 x\"", "\"1e5 x\""))),
        ("\u{feff}{}", None),
        ("\u{b}{}", None),
        ("\"a\"\u{0}", Some(("String(a)", "\"a\"", "\"a\""))),
        ("1 \u{0}", Some(("Integer(1)", "1", "1"))),
        ("-", None),
        ("1.", None),
        (".5", None),
        ("1e", None),
        ("+1", None),
        ("[01]", None),
        ("[-01]", None),
        ("[1.5e]", None),
        ("[\"\\x41\"]", None),
        ("[\"\\'\"]", None),
        ("[\"\\a\"]", None),
        ("{\"a\" 1}", None),
        ("{a:1}", None),
        ("{'a':1}", None),
        ("[1 2]", None),
        ("{\"a\":1 \"b\":2}", None),
        ("nul", None),
        ("tru", None),
        ("[true ]", Some(("[Boolean(true),]", "[true]", "[true]"))),
        ("{\"a\":true }", Some(("{a:Boolean(true),}", "{\"a\":true}", "{\"a\":true}"))),
        ("\"\\u00\"", None),
        ("\"abc", None),
        ("[", None),
        ("{\"a\":", None),
        ("\u{a0}{}", None),
        ("True", None),
        ("[1,\n2,\n x]", None),
        ("[-]", None),
        ("[-a]", None),
        ("[1e+]", None),
        ("[0x10]", None),
        ("[Infinity]", None),
        ("[-Infinity]", None),
        ("1\r", Some(("Integer(1)", "1", "1"))),
        ("\"a\" 1", Some(("String(a)", "\"a\"", "\"a\""))),
        ("1 é", Some(("Integer(1)", "1", "1"))),
        ("1 ~x", Some(("Integer(1)", "1", "1"))),
        ("1 \u{b} x  ", Some(("String(1 \u{b} x)", "\"1 \\u000B x\"", "\"1 \\u000B x\""))),
        ("false \u{1a} x", Some(("Boolean(false)", "false", "false"))),
        ("null\u{7f}", None),
        ("true_", None),
        ("true$", Some(("String(true$)", "\"true$\"", "\"true$\""))),
        ("true[", Some(("String(true[)", "\"true[\"", "\"true[\""))),
        ("true{x", Some(("String(true{x)", "\"true{x\"", "\"true{x\""))),
        ("true\u{0}", Some(("Boolean(true)", "true", "true"))),
        ("false\t\n", Some(("Boolean(false)", "false", "false"))),
        ("  \"s\" ", Some(("String(s)", "\"s\"", "\"s\""))),
        ("[] x", Some(("[]", "[]", "[]"))),
        ("{\"a\":\"b\"}", Some(("{a:String(b),}", "{\"a\":\"b\"}", "{\"a\":\"b\"}"))),
        ("{\"\":1}", Some(("{:Integer(1),}", "{\"\":1}", "{\"\":1}"))),
        ("{\"a\\u0062\":1,\"ab\":2}", Some(("{ab:Integer(2),}", "{\"ab\":2}", "{\"ab\":2}"))),
        ("[\"\\uDC00\"]", Some(("[String(\u{fffd}),]", "[\"\u{fffd}\"]", "[\"\u{fffd}\"]"))),
        ("[\"\\ud800x\"]", Some(("[String(\u{fffd}x),]", "[\"\u{fffd}x\"]", "[\"\u{fffd}x\"]"))),
        ("[\"\\ud800\\u0041\"]", Some(("[String(\u{fffd}A),]", "[\"\u{fffd}A\"]", "[\"\u{fffd}A\"]"))),
        ("[1,2,3,{\"x\":[],\"y\":{}}]", Some(("[Integer(1),Integer(2),Integer(3),{x:[],y:{},},]", "[1,2,3,{\"x\":[],\"y\":{}}]", "[1,2,3,{\"x\":[],\"y\":{}}]"))),
        ("[true,false,null,\"\",0,-1,1.5,-2.5e-3]", Some(("[Boolean(true),Boolean(false),null,String(),Integer(0),Integer(-1),Double(1.5),Double(-0.0025),]", "[true,false,null,\"\",0,-1,1.5,-0.0025]", "[true,false,null,\"\",0,-1,1.5,-0.0025]"))),
        ("{\"a\":1, \"b\":2, \"a\":3, \"c\":4, \"b\":5}", Some(("{a:Integer(3),b:Integer(5),c:Integer(4),}", "{\"a\":3,\"b\":5,\"c\":4}", "{\"a\":3,\"b\":5,\"c\":4}"))),
        ("\"😀 日本\"", Some(("String(😀 日本)", "\"😀 日本\"", "\"😀 日本\""))),
        ("[0]", Some(("[Integer(0),]", "[0]", "[0]"))),
        ("[-0.0e0]", Some(("[Double(-0.0),]", "[-0.0]", "[-0.0]"))),
        ("[0e0]", Some(("[Double(0.0),]", "[0.0]", "[0.0]"))),
        ("[1E400]", Some(("[Double(Infinity),]", "[null]", "[null]"))),
        ("[-1E400]", Some(("[Double(-Infinity),]", "[null]", "[null]"))),
        ("12345678901234567890123", Some(("BigInteger(12345678901234567890123)", "12345678901234567890123", "12345678901234567890123"))),
        ("1234567890123456789.0", Some(("BigDecimal(1234567890123456789.0)", "1234567890123456789.0", "1234567890123456789.0"))),
        ("0.000000000000000000001", Some(("BigDecimal(1E-21)", "1E-21", "1E-21"))),
        ("123456789012345678", Some(("Long(123456789012345678)", "123456789012345678", "123456789012345678"))),
        ("-123456789012345678", Some(("Long(-123456789012345678)", "-123456789012345678", "-123456789012345678"))),
        ("1234567890123456789", Some(("Long(1234567890123456789)", "1234567890123456789", "1234567890123456789"))),
        ("-1234567890123456789", Some(("Long(-1234567890123456789)", "-1234567890123456789", "-1234567890123456789"))),
        ("12345678901234567890", Some(("BigInteger(12345678901234567890)", "12345678901234567890", "12345678901234567890"))),
        ("[1.000000000000000001]", Some(("[BigDecimal(1.000000000000000001),]", "[1.000000000000000001]", "[1.000000000000000001]"))),
        ("{\"k\":\"\\u2028\\u2029\\u00ad\\u0085\"}", Some(("{k:String(\u{2028}\u{2029}\u{ad}\u{85}),}", "{\"k\":\"\\u2028\\u2029\u{ad}\\u0085\"}", "{\"k\":\"\\u2028\\u2029\u{ad}\\u0085\"}"))),
        ("[\"a\\/b\", \"</script>\"]", Some(("[String(a/b),String(</script>),]", "[\"a/b\",\"</script>\"]", "[\"a\\/b\",\"<\\/script>\"]"))),
];

#[test]
fn parse_table() {
    let mut failures = Vec::new();
    for (body, want) in PARSE_TABLE {
        let mut heap = Heap::new(body, "");
        let text = heap.body_str(0, body.len());
        let got = parse_json(&mut heap, text);
        let got = match got {
            Err(_) => None,
            Ok(v) => {
                let mut d = String::new();
                desc(&heap, v, &mut d);
                let mut lt = String::new();
                write_json(&heap, v, JsonStyle::Compress, &mut lt).unwrap();
                let mut nc = String::new();
                write_json(&heap, v, JsonStyle::NoCompress, &mut nc).unwrap();
                Some((d, lt, nc))
            }
        };
        let want = want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
        if got != want {
            failures.push(format!("{body:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn empty_body_reads_as_empty_object() {
    let mut heap = Heap::new("", "");
    let v = parse_body(&mut heap).unwrap();
    let Value::Map(id) = v else { panic!("{v:?}") };
    assert_eq!(heap.map(id).kind, MapKind::Plain);
    assert!(heap.map(id).entries.is_empty());
    // ... but empty text given to $util.parseJson is an error.
    let mut heap = Heap::new("", "");
    assert!(parse_json(&mut heap, crate::value::Str::EMPTY).is_err());
}

#[test]
fn strings_without_escapes_are_slices_of_the_text() {
    let body = r#"{"plain":"abc","esc":"a\nb","k\u0041":1}"#;
    let mut heap = Heap::new(body, "");
    let v = parse_body(&mut heap).unwrap();
    let Value::Map(id) = v else { panic!() };
    let entries = heap.map(id).entries.clone();
    let Value::Str(k0) = entries[0].0 else {
        panic!()
    };
    let Value::Str(v0) = entries[0].1 else {
        panic!()
    };
    assert_eq!(k0.base(), StrBase::Body);
    assert_eq!(v0.base(), StrBase::Body);
    assert_eq!(heap.str(v0), "abc");
    let Value::Str(v1) = entries[1].1 else {
        panic!()
    };
    assert_eq!(v1.base(), StrBase::Arena);
    assert_eq!(heap.str(v1), "a\nb");
    let Value::Str(k2) = entries[2].0 else {
        panic!()
    };
    assert_eq!(heap.str(k2), "kA");
}

#[test]
fn parses_text_from_the_arena_and_the_source() {
    let src = r#"xx["s",{"k":"v"}]yy"#;
    let mut heap = Heap::new("", src);
    let text = heap.source_str(2, src.len() - 2);
    let v = parse_json(&mut heap, text).unwrap();
    let mut out = String::new();
    write_json(&heap, v, JsonStyle::Compress, &mut out).unwrap();
    assert_eq!(out, r#"["s",{"k":"v"}]"#);
    let Value::List(id) = v else { panic!() };
    let Value::Str(s) = heap.list(id).items[0] else {
        panic!()
    };
    assert_eq!(s.base(), StrBase::Source(0));

    let mut heap = Heap::new("", "");
    heap.alloc_str("padding");
    let text = heap.alloc_str(r#" {"a":["\u00e9", "x"]} "#);
    let v = parse_json(&mut heap, text).unwrap();
    heap.alloc_str("more");
    let mut out = String::new();
    write_json(&heap, v, JsonStyle::Compress, &mut out).unwrap();
    assert_eq!(out, r#"{"a":["é","x"]}"#);
}

#[test]
fn depth_limit_is_json_smarts() {
    for (depth, ok) in [(400, true), (401, false), (10_000, false)] {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let mut heap = Heap::new(&body, "");
        assert_eq!(parse_body(&mut heap).is_ok(), ok, "arrays {depth}");
        let body = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        let mut heap = Heap::new(&body, "");
        assert_eq!(parse_body(&mut heap).is_ok(), ok, "objects {depth}");
    }
    // Unclosed: an error, never a crash.
    let body = "[".repeat(100_000);
    let mut heap = Heap::new(&body, "");
    assert!(parse_body(&mut heap).is_err());
}

#[test]
fn error_positions() {
    let body = "[1,\n2,\n x]";
    let mut heap = Heap::new(body, "");
    let e = parse_body(&mut heap).unwrap_err();
    assert_eq!((e.line, e.column), (3, 2));
    assert!(
        e.message
            .starts_with("Unexpected character ('x' (code 120))"),
        "{}",
        e.message
    );
}

#[test]
fn large_objects_keep_the_first_position_of_a_repeated_key() {
    let mut body = String::from("{");
    for i in 0..100 {
        body.push_str(&format!("\"k{i}\":{i},"));
    }
    body.push_str(
        "\"k5\":\"five\",\"k99\":null,\"a-long-new-key\":1,\"a-long-new-key\":2,\"last\":true}",
    );
    let mut heap = Heap::new(&body, "");
    let v = parse_body(&mut heap).unwrap();
    let Value::Map(id) = v else { panic!() };
    let m = heap.map(id);
    assert_eq!(m.entries.len(), 102);
    assert!(matches!(m.entries[5].1, Value::Str(_)));
    assert_eq!(m.entries[99].1, Value::Null);
    assert_eq!(m.entries[100].1, Value::Int(2));
    assert_eq!(m.entries[101].1, Value::Bool(true));
    // Small objects: a key of a new length, then the same key again.
    let mut heap = Heap::new(r#"{"a":1,"bb":2,"a":3,"bb":4,"ccc":5}"#, "");
    let v = parse_body(&mut heap).unwrap();
    let mut out = String::new();
    write_json(&heap, v, JsonStyle::Compress, &mut out).unwrap();
    assert_eq!(out, r#"{"a":3,"bb":4,"ccc":5}"#);
}

/// Rough timing of the bench bodies (best of 10 rounds):
/// `cargo test --release --lib json::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing() {
    fn best(mut f: impl FnMut()) -> std::time::Duration {
        let n = 200;
        (0..10)
            .map(|_| {
                let start = std::time::Instant::now();
                for _ in 0..n {
                    f();
                }
                start.elapsed() / n
            })
            .min()
            .unwrap()
    }
    for name in ["w1", "w2"] {
        let path = format!(
            "{}/benches/workloads/{name}.body.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let body = std::fs::read_to_string(path).unwrap();
        let parse = best(|| {
            let mut heap = Heap::new(&body, "");
            let v = parse_body(&mut heap).unwrap();
            std::hint::black_box(v);
        });
        let mut heap = Heap::new(&body, "");
        let v = parse_body(&mut heap).unwrap();
        let mut out = String::new();
        let write = best(|| {
            out.clear();
            write_json(&heap, v, JsonStyle::Compress, &mut out).unwrap();
        });
        eprintln!(
            "{name}: {} bytes, parse {parse:?}, write {write:?}",
            body.len()
        );
    }
}

#[test]
#[ignore]
fn timing_baseline_serde() {
    let path = format!(
        "{}/benches/workloads/w2.body.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read_to_string(path).unwrap();
    let n = 2000;
    let start = std::time::Instant::now();
    for _ in 0..n {
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        std::hint::black_box(v);
    }
    eprintln!("serde_json Value: {:?}", start.elapsed() / n);
    let start = std::time::Instant::now();
    for _ in 0..n {
        let v: serde::de::IgnoredAny = serde_json::from_str(&body).unwrap();
        std::hint::black_box(v);
    }
    eprintln!("serde_json IgnoredAny: {:?}", start.elapsed() / n);
    let start = std::time::Instant::now();
    let mut c = 0usize;
    for _ in 0..n {
        c += body.bytes().filter(|b| *b == b'"').count();
    }
    std::hint::black_box(c);
    eprintln!("count quotes: {:?}", start.elapsed() / n);
}

#[test]
#[ignore]
fn profile_parse_w2() {
    let path = format!(
        "{}/benches/workloads/w2.body.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read_to_string(path).unwrap();
    let iters: usize = std::env::var("PROFILE_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20000);
    for _ in 0..iters {
        let mut heap = Heap::new(&body, "");
        let v = parse_body(&mut heap).unwrap();
        std::hint::black_box(v);
    }
}

/// Writing values a template builds, and the two styles, against the oracle
/// (`$input.path` printing a JSONArray uses `NO_COMPRESS`, `$input.json` `LT_COMPRESS`).
#[test]
fn writer_styles_and_template_values() {
    let body = r#"{"arr": [{"k":"a/b"}, "c/d", 1.0, "é\u2028\u0085\u007f", null, true, 1e400, 12345678901234567890, -0.0, 1.5e300, "\"q\"\\"]}"#;
    let mut heap = Heap::new(body, "");
    let doc = parse_body(&mut heap).unwrap();
    let Value::Map(id) = doc else { panic!() };
    let arr = heap.map(id).entries[0].1;
    let mut nc = String::new();
    write_json(&heap, arr, JsonStyle::NoCompress, &mut nc).unwrap();
    assert_eq!(
        nc,
        r#"[{"k":"a\/b"},"c\/d",1.0,"é\u2028\u0085\u007F",null,true,null,12345678901234567890,-0.0,1.5E300,"\"q\"\\"]"#
    );
    let mut lt = String::new();
    write_json(&heap, arr, JsonStyle::Compress, &mut lt).unwrap();
    assert_eq!(
        lt,
        r#"[{"k":"a/b"},"c/d",1.0,"é\u2028\u0085\u007F",null,true,null,12345678901234567890,-0.0,1.5E300,"\"q\"\\"]"#
    );

    // #set($x = $d.put('l', [1,"a/b",2.5]))#set($x = $d.put(7, 'seven'))#set($x = $d.put('r', [1..3]))
    let mut heap = Heap::new(r#"{"a":"x/y"}"#, "");
    let doc = parse_body(&mut heap).unwrap();
    let Value::Map(id) = doc else { panic!() };
    let ab = heap.string("a/b");
    let l = heap.new_list(
        ListKind::ArrayList,
        vec![Value::Int(1), ab, Value::Double(2.5)],
    );
    let k = heap.string("l");
    heap.map_put(id, k, l);
    let seven = heap.string("seven");
    heap.map_put(id, Value::Int(7), seven);
    let r = heap.new_list(
        ListKind::ArrayList,
        vec![Value::Int(1), Value::Int(2), Value::Int(3)],
    );
    let k = heap.string("r");
    heap.map_put(id, k, r);
    let mut out = String::new();
    write_json(&heap, doc, JsonStyle::Compress, &mut out).unwrap();
    assert_eq!(
        out,
        r#"{"a":"x/y","l":[1,"a/b",2.5],"7":"seven","r":[1,2,3]}"#
    );

    // $util, a Character and $foreach have no properties: `{}`; $input, Class and
    // Map.Entry make json-smart throw.
    let mut heap = Heap::new("", "");
    for (v, want) in [
        (Value::Host(crate::value::Host::Util), Some("{}")),
        (Value::Char(u16::from(b'x')), Some("{}")),
        (Value::Host(crate::value::Host::Foreach(0)), Some("{}")),
        (Value::Host(crate::value::Host::Block(0)), Some("{}")),
        (Value::Host(crate::value::Host::Input), None),
        (
            Value::Host(crate::value::Host::Class(crate::value::JavaClass::String)),
            None,
        ),
        (Value::Float(f32::INFINITY), Some("null")),
        (Value::Float(1.5), Some("1.5")),
        (Value::Long(-9_000_000_000), Some("-9000000000")),
    ] {
        let mut out = String::new();
        let got = try_write_json(&heap, v, JsonStyle::Compress, &mut out)
            .ok()
            .map(|_| out);
        assert_eq!(got.as_deref(), want, "{v:?}");
    }
    let m = heap.new_map(MapKind::Plain);
    let Value::Map(id) = m else { panic!() };
    let k = heap.string("k");
    let e = heap.alloc_entry(crate::value::Entry {
        key: k,
        value: Value::Int(1),
        map: Some(id),
    });
    let mut out = String::new();
    assert!(matches!(
        try_write_json(&heap, Value::Entry(e), JsonStyle::Compress, &mut out),
        Err(WriteError::Unwritable(_))
    ));
    // A map that contains itself is too deep, not a crash.
    heap.map_put(id, k, m);
    let mut out = String::new();
    assert_eq!(
        try_write_json(&heap, m, JsonStyle::Compress, &mut out),
        Err(WriteError::TooDeep)
    );
}

/// Repeated keys in objects of every size, against serde_json's `preserve_order`
/// maps (which also keep the first position and the last value).
#[test]
fn repeated_keys_random() {
    let mut next = xorshift_u64(0x2545_f491_4f6c_dd1d);
    for round in 0..300 {
        let entries = next(if round % 3 == 0 { 80 } else { 12 }) + 1;
        let mut body = String::from("{");
        for i in 0..entries {
            if i > 0 {
                body.push(',');
            }
            let len = next(6) as usize + 1;
            let key: String = (0..len).map(|_| (b'a' + next(3) as u8) as char).collect();
            body.push_str(&format!("\"{key}\":{i}"));
        }
        body.push('}');
        let mut heap = Heap::new(&body, "");
        let v = parse_body(&mut heap).unwrap();
        let mut ours = String::new();
        write_json(&heap, v, JsonStyle::Compress, &mut ours).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(ours, serde_json::to_string(&theirs).unwrap(), "{body}");
    }
}

/// Objects (small and large, with repeated keys) and arrays nested in each
/// other, against serde_json's `preserve_order` maps: each container is read
/// into a vector of its own while the enclosing ones wait, and a large
/// object's key index holds positions in its own vector.
#[test]
fn nested_containers_with_repeated_keys_random() {
    fn value(next: &mut impl FnMut(u64) -> u64, depth: usize, out: &mut String) {
        match if depth > 3 { 2 } else { next(5) } {
            0 => {
                let large = next(3) == 0;
                let entries = next(if large { 60 } else { 8 });
                out.push('{');
                for i in 0..entries {
                    if i > 0 {
                        out.push(',');
                    }
                    let len = next(4) as usize + 1;
                    let key: String = (0..len).map(|_| (b'a' + next(3) as u8) as char).collect();
                    out.push_str(&format!("\"{key}\":"));
                    value(next, depth + 1, out);
                }
                out.push('}');
            }
            1 => {
                let long = next(3) == 0;
                let items = next(if long { 70 } else { 5 });
                out.push('[');
                for i in 0..items {
                    if i > 0 {
                        out.push(',');
                    }
                    value(next, depth + 1, out);
                }
                out.push(']');
            }
            _ => out.push_str(&next(1000).to_string()),
        }
    }
    let mut next = xorshift_u64(0x9e37_79b9_7f4a_7c15);
    for _ in 0..300 {
        let mut body = String::new();
        while !body.starts_with(['{', '[']) {
            body.clear();
            value(&mut next, 0, &mut body);
        }
        let mut heap = Heap::new(&body, "");
        let v = parse_body(&mut heap).unwrap();
        let mut ours = String::new();
        write_json(&heap, v, JsonStyle::Compress, &mut ours).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(ours, serde_json::to_string(&theirs).unwrap(), "{body}");
    }
}

/// Differential check against a file of Java results (`JSON_EXPECT=file.json`, a
/// list of `{body, desc, json, nc}`, desc null when Java rejects the body):
/// `cargo test --lib json::tests::differential -- --ignored --nocapture`.
#[test]
#[ignore]
fn differential() {
    let Ok(file) = std::env::var("JSON_EXPECT") else {
        return;
    };
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut failures = 0;
    for c in &cases {
        let body = c["body"].as_str().unwrap();
        let want = c["desc"].as_str().map(|d| {
            (
                d.to_string(),
                c["json"].as_str().unwrap().to_string(),
                c["nc"].as_str().unwrap().to_string(),
            )
        });
        let mut heap = Heap::new(body, "");
        let text = heap.body_str(0, body.len());
        let got = parse_json(&mut heap, text).ok().map(|v| {
            let mut d = String::new();
            desc(&heap, v, &mut d);
            let mut lt = String::new();
            write_json(&heap, v, JsonStyle::Compress, &mut lt).unwrap();
            let mut nc = String::new();
            write_json(&heap, v, JsonStyle::NoCompress, &mut nc).unwrap();
            // A lone surrogate: Java keeps it (the harness prints `?`), we have U+FFFD.
            let fix = |s: String| s.replace('\u{fffd}', "?");
            (fix(d), fix(lt), fix(nc))
        });
        if got != want {
            failures += 1;
            eprintln!("{body:?}: got {got:?}, want {want:?} {}", c["err"]);
        }
    }
    eprintln!("{failures} of {} differ", cases.len());
    assert_eq!(failures, 0);
}

#[test]
#[ignore]
fn profile_write_w2() {
    let path = format!(
        "{}/benches/workloads/w2.body.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read_to_string(path).unwrap();
    let iters: usize = std::env::var("PROFILE_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20000);
    let mut heap = Heap::new(&body, "");
    let v = parse_body(&mut heap).unwrap();
    let mut out = String::new();
    for _ in 0..iters {
        out.clear();
        write_json(&heap, v, JsonStyle::Compress, &mut out).unwrap();
        std::hint::black_box(&out);
    }
}

/// Random text from JSON's alphabet and some multi-byte characters: never a panic.
#[test]
fn random_text_never_panics() {
    let alphabet = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", "u", "0", "1", "9", "-", "+", ".", "e", "E", " ",
        "\n", "t", "r", "true", "null", "false", "a", "é", "日", "😀", "\u{7f}", "\u{1a}", "\u{0}",
        "\\u", "d8", "00", "\\ud83d", "\\ude00",
    ];
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let len = next(24);
        let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        let mut heap = Heap::new(&text, "");
        if let Ok(v) = parse_body(&mut heap) {
            let mut out = String::new();
            write_json(&heap, v, JsonStyle::NoCompress, &mut out).unwrap();
        }
    }
}

/// Whole renders of the bench workloads, for context (best of 10 rounds):
/// `cargo test --release --lib json::tests::timing_render -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing_render() {
    for name in ["w1", "w2"] {
        let dir = format!("{}/benches/workloads", env!("CARGO_MANIFEST_DIR"));
        let template = std::fs::read_to_string(format!("{dir}/{name}.vtl")).unwrap();
        let body = std::fs::read_to_string(format!("{dir}/{name}.body.json")).unwrap();
        let t = crate::Template::parse(&template).unwrap();
        let inv = crate::Invocation::with_body(body);
        let best = (0..10)
            .map(|_| {
                let start = std::time::Instant::now();
                for _ in 0..200 {
                    std::hint::black_box(t.render(&inv).unwrap());
                }
                start.elapsed() / 200
            })
            .min()
            .unwrap();
        eprintln!("{name}: render {best:?}");
    }
}

#[test]
#[ignore]
fn profile_render_w2() {
    let dir = format!("{}/benches/workloads", env!("CARGO_MANIFEST_DIR"));
    let template = std::fs::read_to_string(format!("{dir}/w2.vtl")).unwrap();
    let body = std::fs::read_to_string(format!("{dir}/w2.body.json")).unwrap();
    let t = crate::Template::parse(&template).unwrap();
    let inv = crate::Invocation::with_body(body);
    let iters: usize = std::env::var("PROFILE_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    for _ in 0..iters {
        std::hint::black_box(t.render(&inv).unwrap());
    }
}

/// Strings with escapes, built from pieces whose unescaped text is known, at
/// every alignment against the unescaper's 8-byte words (runs of 0 to 20 plain
/// bytes between escapes, escapes across word ends, DEL dropped).
#[test]
fn escaped_strings_random() {
    let pieces = [
        "a",
        "xyz0123",
        "\\\"",
        "\\\\",
        "\\/",
        "\\n",
        "\\t\\r\\b\\f",
        "\\u00e9",
        "\\ud83d\\ude00",
        "\\ud83d",
        "\u{7f}",
        "é日",
        "😀",
    ];
    let mut next = xorshift(0x2545_f491_4f6c_dd1d);
    for _ in 0..20_000 {
        let mut text = String::from("[\"");
        // At least one escape, so the unescaper runs.
        text.push_str(&"p".repeat(next(9)));
        text.push_str("\\n");
        for _ in 0..next(12) {
            text.push_str(pieces[next(pieces.len())]);
            text.push_str(&"p".repeat(next(4) * next(6)));
        }
        text.push_str("\", 1]");
        let want = reference_unescape(&text[2..text.len() - 5]);
        let mut heap = Heap::new(&text, "");
        let v = parse_body(&mut heap).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let Value::List(l) = v else { panic!() };
        let Value::Str(s) = heap.list(l).items[0] else {
            panic!()
        };
        assert_eq!(heap.str(s), want, "{text:?}");
    }
}

/// JSON string unescaping one byte at a time (the text has no quote but escaped ones).
fn reference_unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{7f}' => {}
            '\\' => match chars.next().unwrap() {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = (0..4).map(|_| chars.next().unwrap()).collect();
                    let unit = u32::from_str_radix(&hex, 16).unwrap();
                    if (0xD800..0xDC00).contains(&unit) {
                        let rest: String = chars.clone().take(6).collect();
                        match rest
                            .strip_prefix("\\u")
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .filter(|l| (0xDC00..0xE000).contains(l))
                        {
                            Some(low) => {
                                for _ in 0..6 {
                                    chars.next();
                                }
                                let cp = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                out.push(char::from_u32(cp).unwrap());
                            }
                            None => out.push('\u{fffd}'),
                        }
                    } else {
                        out.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
                    }
                }
                e => out.push(e),
            },
            c => out.push(c),
        }
    }
    out
}

/// Numbers with a fraction read as `str::parse::<f64>` reads them, whichever
/// path they take (the division fast path or the general parser).
#[test]
fn doubles_agree_with_the_standard_parser() {
    let mut next = xorshift_u64(0x1234_5678_9abc_def1);
    let mut texts = vec![
        "0.0".to_string(),
        "-0.0".into(),
        "0.1".into(),
        "130.17".into(),
        "9007199254740.991".into(),
        "9007199254740.992".into(),
        "0.0000000000000000000001".into(),
        "0.00000000000000000000001".into(),
        "1.7976931348623157".into(),
        "123456789.12345678".into(),
    ];
    for _ in 0..20_000 {
        let digits = next(10) as u32 + 1;
        let int = next(10u64.pow(digits));
        let frac_len = next(17) as usize + 1;
        let frac: String = (0..frac_len)
            .map(|_| char::from(b'0' + next(10) as u8))
            .collect();
        let sign = if next(2) == 0 { "-" } else { "" };
        texts.push(format!("{sign}{int}.{frac}"));
    }
    for t in texts {
        let doc = format!("[{t}]");
        let mut heap = Heap::new(&doc, "");
        let v = parse_body(&mut heap).unwrap();
        let Value::List(l) = v else { panic!() };
        match heap.list(l).items[0] {
            Value::Double(d) => {
                let want: f64 = t.parse().unwrap();
                assert_eq!(d.to_bits(), want.to_bits(), "{t}");
            }
            // Longer than 18 characters: a BigDecimal, as json-smart makes it.
            Value::BigDec(_) => assert!(t.len() > 18, "{t}"),
            other => panic!("{t}: {other:?}"),
        }
    }
}

/// Long random strings (up to 300 bytes, so every path of the unescaper runs:
/// 16-byte blocks, the 32-byte window, the byte-at-a-time end) with bad
/// escapes, control characters, DEL, truncated `\u` escapes and multi-byte
/// characters: never a panic; when the text is accepted, its string is what
/// the byte-at-a-time reference makes of it, and when it is rejected, the
/// error points inside the text.
#[test]
fn random_strings_with_bad_bytes() {
    let alphabet = [
        "a",
        "bc",
        "0123456789abcdef",
        "\\\"",
        "\\\\",
        "\\n",
        "\\u00e9",
        "\\ud83d\\ude00",
        "\\u12",
        "\\x",
        "\\",
        "\"",
        "\u{1}",
        "\u{1f}",
        "\u{7f}",
        "é",
        "日本",
        "😀",
        " ",
    ];
    let mut next = xorshift(0x0bad_5eed_1234_5678);
    for _ in 0..20_000 {
        let mut inner = String::new();
        let target = next(300);
        while inner.len() < target {
            // Bad pieces rarely, so that many strings are accepted.
            let piece = if next(8) == 0 {
                alphabet[next(alphabet.len())]
            } else {
                alphabet[next(9)]
            };
            inner.push_str(piece);
        }
        let tail = ["\"]", "\"", "", "\" ]   ", "\\"][next(5)];
        let text = format!("[\"{inner}{tail}");
        let mut heap = Heap::new(&text, "");
        match parse_body(&mut heap) {
            Ok(Value::List(l)) => {
                let Value::Str(s) = heap.list(l).items[0] else {
                    panic!("{text:?}")
                };
                let source = &text[2..2 + heap_source_len(&text)];
                // (json-smart drops DEL only in a string with an escape.)
                let want = if source.contains('\\') {
                    reference_unescape(source)
                } else {
                    source.to_string()
                };
                assert_eq!(heap.str(s), want, "{text:?}");
            }
            Ok(other) => panic!("{text:?}: {other:?}"),
            Err(e) => assert!(e.offset <= text.len(), "{text:?}: {e}"),
        }
    }
}

/// Length of the string literal's contents at the start of `text[2..]` (up to
/// its closing quote, skipping escaped characters).
fn heap_source_len(text: &str) -> usize {
    let b = text.as_bytes();
    let mut i = 2;
    while b[i] != b'"' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    i - 2
}

/// A xorshift generator for the randomized tests: `next(n)` is in `0..n`.
fn xorshift(seed: u64) -> impl FnMut(usize) -> usize {
    let mut next = xorshift_u64(seed);
    move |n| next(n as u64) as usize
}

/// [`xorshift`] over `u64`.
fn xorshift_u64(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    }
}

/// A random JSON text: objects with a few keys (some repeated, some
/// escaped), scalars of every kind the parser tells apart, and, for some
/// texts, a random edit that may make it invalid.
fn random_json(rnd: &mut impl FnMut(usize) -> usize, depth: usize, out: &mut String) {
    const SCALARS: [&str; 16] = [
        "1",
        "-0",
        "2147483648",
        "123456789012345678901234",
        "2.5",
        "1e400",
        "0.1000000000000000000001",
        "true",
        "false",
        "null",
        "\"x\"",
        "\"a\\\"b\\u00e9\\n\"",
        "\"d\u{7f}e\\t\"",
        "\"\u{e9}\u{1f600}\"",
        "\"\\ud800\"",
        "\"\"",
    ];
    const KEYS: [&str; 5] = ["\"a\"", "\"b\"", "\"c\"", "\"\\u0061\"", "\"a\u{7f}\""];
    match rnd(if depth > 3 { 2 } else { 4 }) {
        0 | 1 => out.push_str(SCALARS[rnd(SCALARS.len())]),
        2 => {
            out.push('[');
            for i in 0..rnd(4) {
                if i > 0 {
                    out.push_str(", ");
                }
                random_json(rnd, depth + 1, out);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..rnd(5) {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(KEYS[rnd(KEYS.len())]);
                out.push_str(if rnd(2) == 0 { ":" } else { " : " });
                random_json(rnd, depth + 1, out);
            }
            out.push('}');
        }
    }
}

/// A string, number, boolean or null read from the body without parsing all
/// of it is what the full parse and the path give; when the full parse fails,
/// the lookup gives up.
#[test]
fn body_lookup_reads_what_the_full_parse_reads() {
    let mut rnd = xorshift(0x5DEE_CE66_D1CE_4E5B);
    let paths: [&[&str]; 6] = [
        &["a"],
        &["b"],
        &["c"],
        &["a", "a"],
        &["a", "b"],
        &["b", "a", "c"],
    ];
    let mut found = 0;
    for _ in 0..20_000 {
        let mut doc = String::from("{");
        for i in 0..1 + rnd(5) {
            if i > 0 {
                doc.push_str(", ");
            }
            doc.push_str(["\"a\": ", "\"b\": ", "\"c\": ", "\"\\u0061\": "][rnd(4)]);
            random_json(&mut rnd, 1, &mut doc);
        }
        doc.push('}');
        if rnd(3) == 0 {
            // An edit: a byte dropped or one inserted.
            let at = rnd(doc.len() + 1);
            if doc.is_char_boundary(at) {
                if rnd(2) == 0 && at < doc.len() && doc[at..].starts_with(|c: char| c.is_ascii()) {
                    doc.remove(at);
                } else {
                    doc.insert(
                        at,
                        ['"', ',', '}', ']', '\\', ' ', '1', '\u{1}', 'x'][rnd(9)],
                    );
                }
            }
        }
        let mut heap = Heap::new(&doc, "");
        let full = parse_body(&mut heap);
        for path in paths {
            // With the values of the paths' first keys read during the check,
            // and without.
            let all = rnd(2) == 0;
            let wanted = |key: &[u8]| all && (key == b"a" || key == b"b");
            let mut h = Heap::new(&doc, "");
            let got = BodyLookup::default().find(&mut h, &wanted, path.iter().copied());
            let Ok(root) = full else {
                assert!(got.is_none(), "{doc} {path:?}: the full parse fails");
                continue;
            };
            let Some(got) = got else { continue };
            found += 1;
            let text = format!("$.{}", path.join("."));
            let want = crate::jsonpath::read_str(&mut heap, root, &text).unwrap();
            let (mut w, mut g) = (String::new(), String::new());
            desc(&heap, want, &mut w);
            desc(&h, got, &mut g);
            assert_eq!(g, w, "{doc} {path:?}");
        }
    }
    assert!(found > 3_000, "only {found} lookups found a value");
}

/// Integers of every length read as `Integer` or `Long` by value, as
/// `str::parse` reads them.
#[test]
fn integers_agree_with_the_standard_parser() {
    let mut next = xorshift_u64(0x0dd_ba11_cafe_f00d);
    for _ in 0..20_000 {
        let digits = next(18) as u32 + 1;
        let n = next(10u64.pow(digits)).max(u64::from(digits > 1) * 10u64.pow(digits - 1));
        let sign = if next(2) == 0 { "-" } else { "" };
        let t = format!("{sign}{n}");
        let doc = format!("[{t}]");
        let mut heap = Heap::new(&doc, "");
        let Value::List(l) = parse_body(&mut heap).unwrap() else {
            panic!("{t}")
        };
        let want: i64 = t.parse().unwrap();
        match heap.list(l).items[0] {
            Value::Int(i) => assert_eq!(i64::from(i), want, "{t}"),
            Value::Long(i) => {
                assert_eq!(i, want, "{t}");
                assert!(i32::try_from(i).is_err(), "{t} is an int");
            }
            other => panic!("{t}: {other:?}"),
        }
    }
}

#[test]
fn simple_escapes_are_ascii() {
    // `Parser::parse_escaped` relies on it (its SAFETY comment).
    assert!(parse::SIMPLE_ESCAPE.iter().all(|&b| b < 0x80));
}

#[test]
fn unescaped_strings_are_the_chars_of_their_escapes() {
    // Multi-byte characters next to escapes and block boundaries, DEL dropped,
    // surrogate pairs and lone surrogates.
    let cases: &[(&str, &str)] = &[
        (r#""é\"ü\\ß""#, "é\"ü\\ß"),
        (r#""\u00e9\ud83d\ude00x\ud800y""#, "é😀x\u{FFFD}y"),
        ("\"a\u{7F}b\\n\u{1F600}\"", "ab\n😀"),
        (
            "\"0123456789abcdeé\\\"0123456789abcdé\\t€€€€€€€€€€€€€€€€\\\\\"",
            "0123456789abcdeé\"0123456789abcdé\t€€€€€€€€€€€€€€€€\\",
        ),
    ];
    for (json, want) in cases {
        let mut heap = Heap::new(json, "");
        let v = parse_body(&mut heap).unwrap();
        let Value::Str(s) = v else { panic!("{json}") };
        assert_eq!(heap.str(s), *want, "{json}");
    }
}

#[test]
fn escaped_quotes_at_every_alignment_read_as_serde_json_reads_them() {
    escaped_quotes_at_every_alignment();
}

/// The same with the AVX2 unescaping (the path of CPUs without AVX-512).
#[test]
fn escaped_quotes_at_every_alignment_without_avx512() {
    super::parse::with_unescape_level(super::parse::Level::Avx2, escaped_quotes_at_every_alignment);
}

/// The same with the SSSE3 unescaping only (the path of CPUs without AVX2).
#[test]
fn escaped_quotes_at_every_alignment_without_avx2() {
    super::parse::with_unescape_level(
        super::parse::Level::Ssse3,
        escaped_quotes_at_every_alignment,
    );
}

/// The same without SSSE3 either (the path of other CPUs).
#[test]
fn escaped_quotes_at_every_alignment_without_ssse3() {
    super::parse::with_unescape_level(
        super::parse::Level::Portable,
        escaped_quotes_at_every_alignment,
    );
}

fn escaped_quotes_at_every_alignment() {
    // Strings dense in `\"` (JSON text inside a string), with the other
    // escapes and multi-byte characters mixed in, at every offset.
    let pieces = [
        "\\\"", "\\\"", "\\\"", "a", "bc", "é", "€", "😀", "\\\\", "\\n", "\\u00e9", "\\/", " ",
    ];
    let mut seed = 12345u64;
    for n in 0..4000 {
        let mut text = String::from("\"");
        for _ in 0..(n % 11) {
            text.push('x');
        }
        for _ in 0..(1 + n % 40) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        text.push('"');
        let want: String = serde_json::from_str(&text).unwrap();
        let mut heap = Heap::new(&text, "");
        let Value::Str(s) = parse_body(&mut heap).unwrap() else {
            panic!("{text}")
        };
        assert_eq!(heap.str(s), want, "{text}");
    }
}

/// The tree reader skips one space between tokens itself and leaves any
/// other white space to the readers of the next token: every white space, at
/// every place between tokens, reads as the text without it.
#[test]
fn white_space_between_tokens_reads_as_without() {
    let compact =
        r#"{"a":[1,2.5,"s",true,false,null,{},[],{"b":"\n","c":-7}],"d":{"e":[["x"]]},"f":"y"}"#;
    let read = |text: &str| {
        let mut heap = Heap::new(text, "");
        let v = parse_body(&mut heap).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let mut out = String::new();
        desc(&heap, v, &mut out);
        out
    };
    let expected = read(compact);
    let bytes = compact.as_bytes();
    // (No string of the text holds a structural character.)
    let between: Vec<usize> = (1..bytes.len())
        .filter(|&p| b"{}[],:".contains(&bytes[p - 1]) || b"{}[],:".contains(&bytes[p]))
        .collect();
    for ws in [" ", "  ", "\t", "\n", "\r\n", " \t ", "\n "] {
        for &p in &between {
            let text = format!("{}{ws}{}", &compact[..p], &compact[p..]);
            assert_eq!(read(&text), expected, "{text:?}");
        }
        let mut everywhere = String::new();
        for (i, c) in compact.char_indices() {
            if between.contains(&i) {
                everywhere.push_str(ws);
            }
            everywhere.push(c);
        }
        assert_eq!(read(&everywhere), expected, "{everywhere:?}");
    }
}

/// An error after white space is reported at the token after it, with the
/// message of the same error without the white space.
#[test]
fn errors_after_white_space_are_at_the_next_token() {
    for (before, after) in [
        ("[1,", "x]"),
        ("[1", "x]"),
        ("[", "x]"),
        ("{\"a\":", "x}"),
        ("{\"a\":1", "x}"),
        ("{\"a\":1,", "x}"),
        ("{", "x}"),
        ("{\"a\"", "x}"),
        ("{\"a\":[1,", "tru]}"),
    ] {
        let mut heap = Heap::new("", "");
        let text = heap.alloc_str(&format!("{before}{after}"));
        let plain = parse_json(&mut heap, text).unwrap_err();
        for ws in [" ", "  ", "\t", "\n", " \n\t"] {
            let body = format!("{before}{ws}{after}");
            let mut heap = Heap::new(&body, "");
            let e = parse_body(&mut heap).unwrap_err();
            assert_eq!(e.message, plain.message, "{body:?}");
            assert_eq!(e.offset, plain.offset + ws.len(), "{body:?}");
        }
    }
}

/// Keys and string values of every length around the 16-byte blocks the
/// scanner reads (the first one inline, the rest in a loop), at every
/// distance from the end of the text, plain or with an escape or a DEL.
#[test]
fn strings_of_every_length_at_every_distance_from_the_end() {
    for len in 0..40 {
        let plain: String = (0..len)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        for (raw, read) in [
            (plain.clone(), plain.clone()),
            (format!("{plain}\\n"), format!("{plain}\n")),
            (format!("\\t{plain}"), format!("\t{plain}")),
            (format!("{plain}\u{7f}"), format!("{plain}\u{7f}")),
        ] {
            for pad in 0..20 {
                let body = format!("{{\"{raw}\": [\"{raw}\"]{}}}", " ".repeat(pad));
                let mut heap = Heap::new(&body, "");
                let v = parse_body(&mut heap).unwrap_or_else(|e| panic!("{body:?}: {e}"));
                let mut out = String::new();
                desc(&heap, v, &mut out);
                assert_eq!(out, format!("{{{read}:[String({read}),],}}"), "{body:?}");
            }
        }
    }
}

/// Strings of every escape (simple, `\u` with surrogates, runs of
/// backslashes, invalid ones), raw DEL and control characters and
/// multi-byte characters, at every alignment and length around the 32-byte
/// blocks, read alike (value or error) by the AVX2 unescaper (one block of
/// simple escapes at a time) and by the portable loop (one escape at a time).
/// A body that is one JSON string, read: its text, or what else it was, or
/// the error and its offset.
fn read_string_body(text: &str) -> Result<String, String> {
    let mut heap = Heap::new(text, "");
    match parse_body(&mut heap) {
        Ok(Value::Str(s)) => Ok(heap.str(s).to_owned()),
        Ok(other) => Err(format!("{other:?}")),
        Err(e) => Err(format!("{} @{}", e.message, e.offset)),
    }
}

#[test]
fn unescaping_by_blocks_reads_as_one_escape_at_a_time() {
    let pieces = [
        "\\\"",
        "\\\\",
        "\\/",
        "\\b",
        "\\f",
        "\\n",
        "\\r",
        "\\t",
        "\\u00e9",
        "\\ud83d\\ude00",
        "\\ud83d",
        "\\u12",
        "\\x",
        "\\\u{7f}",
        "\\\n",
        "\u{7f}",
        "\u{1}",
        "a",
        "bcdefgh",
        "é",
        "€",
        "😀",
        "n",
        "t",
        "/",
        "\\\\\\\"",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for n in 0..20_000 {
        let mut text = String::from("\"");
        for _ in 0..(n % 37) {
            text.push('x');
        }
        // Mostly valid strings (one piece in 12 is a bad one).
        let valid = 15;
        for _ in 0..(1 + next(30)) {
            let k = if next(12) == 0 {
                next(pieces.len())
            } else {
                next(valid)
            };
            let k = if (10..15).contains(&k) { k + 6 } else { k };
            text.push_str(pieces[k.min(pieces.len() - 1)]);
        }
        text.push('"');
        for tail in ["", " ", "                                  "] {
            let body = format!("{text}{tail}");
            let best = read_string_body(&body);
            let portable = super::parse::with_unescape_level(super::parse::Level::Portable, || {
                read_string_body(&body)
            });
            assert_eq!(best, portable, "{body:?}");
            let avx2 = super::parse::with_unescape_level(super::parse::Level::Avx2, || {
                read_string_body(&body)
            });
            assert_eq!(avx2, portable, "{body:?}");
        }
    }
}

/// An escape at every position around the end of the first and second
/// 64-byte blocks (where AVX-512 carries an escape from one block to the
/// next, or hands a block it does not take to the 16-byte loop), read as
/// the portable loop reads it.
#[test]
fn escapes_across_block_ends_read_as_one_escape_at_a_time() {
    let escapes = [
        "\\\"",
        "\\\\",
        "\\\\\\\"",
        "\\\\\\\\",
        "\\n",
        "\\u00e9",
        "\\ud83d\\ude00",
        "\\x",
        "\u{1}",
        "\u{7f}",
        "\\\u{7f}",
        "\"",
    ];
    for at in 56..136 {
        for first in escapes {
            for second in ["", "\\\"", "\\u0041", "\\q"] {
                let text = format!(
                    "\"{}{first}{}{second}y\"{}",
                    "x".repeat(at),
                    "z".repeat(at % 7),
                    " ".repeat(at % 70)
                );
                let best = read_string_body(&text);
                let portable =
                    super::parse::with_unescape_level(super::parse::Level::Portable, || {
                        read_string_body(&text)
                    });
                assert_eq!(best, portable, "{text:?}");
                let avx2 = super::parse::with_unescape_level(super::parse::Level::Avx2, || {
                    read_string_body(&text)
                });
                assert_eq!(avx2, portable, "{text:?}");
            }
        }
    }
}
