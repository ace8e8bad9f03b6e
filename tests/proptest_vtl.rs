//! No-panic properties of the template engine (issue 6): parsing any string
//! returns `Ok` or `Err`; rendering any parsed template under the default
//! limits ends with `Ok` or `Err`. Templates are generated from VTL-ish
//! fragments (directives, references, `$input`/`$util`/`$context`, Java
//! methods, literals) and from arbitrary strings. Bounded so `cargo test` stays
//! fast: a few hundred small cases each.

use apigw_vtl::{ErrorKind, Invocation, Limits, Template};
use proptest::prelude::*;

/// Pieces of VTL, valid or not on their own: concatenations of them reach
/// the parser's and the evaluator's corners (unbalanced `#end`, dangling
/// `$`, nested loops, macros, escapes...).
const FRAGMENTS: &[&str] = &[
    "#set($a = ",
    "#set($b = $a + 1)",
    "#set($m = {})",
    "#set($l = [])",
    "#set($s = \"$s$s\")",
    "#set($s = 'x')",
    "#set($m.k = 1)",
    "#set($context.responseOverride.status = 400)",
    "#set($context.responseOverride.header.X = 'v')",
    "#if(",
    "#if($a)",
    "#if($a == 1)",
    "#elseif($b)",
    "#else",
    "#end",
    "#foreach($i in [1..3])",
    "#foreach($i in $l)",
    "#foreach($i in [1..2147483647])",
    "#foreach($k in $input.path('$').keySet())",
    "#break",
    "#stop",
    "#macro(m $x)",
    "#m(1)",
    "#m($i)",
    "#evaluate('$a')",
    "#evaluate($s)",
    "#define($d)",
    "$d",
    "#{if}(true)",
    "#{end}",
    "## comment\n",
    "#* block *#",
    "#[[ raw ]]#",
    "$",
    "$!",
    "${",
    "}",
    "$!{a}",
    "\\$a",
    "\\#if",
    "$a",
    "$a.b",
    "$a.b()",
    "$m.get('k')",
    "$m.put('k', $l)",
    "$l.add($m)",
    "$l.get(0)",
    "$l.size()",
    "$s.length()",
    "$s.substring(1, 2)",
    "$s.replaceAll('(a+)+b', '$1')",
    "$s.split(',')",
    "$s.matches('[a-z]*')",
    "$s.charAt(0)",
    "$s.toUpperCase()",
    "$i",
    "$foreach.count",
    "$foreach.hasNext",
    "$velocityCount",
    "$input.body",
    "$input.json('$')",
    "$input.json('$.a')",
    "$input.path('$')",
    "$input.path('$.a')",
    "$input.path('$..b')",
    "$input.path('$.l[*]')",
    "$input.path('$.l[?(@.x > 1)]')",
    "$input.params()",
    "$input.params('p')",
    "$input.params().header",
    "$util.escapeJavaScript($s)",
    "$util.urlEncode($s)",
    "$util.urlDecode('%zz')",
    "$util.base64Encode($s)",
    "$util.base64Decode('!!')",
    "$util.parseJson('{\"a\":[1,2]}')",
    "$util.parseJson($input.body)",
    "$context.requestId",
    "$context.identity.sourceIp",
    "$stageVariables.x",
    "(",
    ")",
    "[",
    "]",
    "{",
    ",",
    "'",
    "\"",
    " ",
    "\n",
    " = ",
    " + ",
    " - ",
    " * ",
    " / ",
    " % ",
    " == ",
    " && ",
    " || ",
    "!",
    "0",
    "1",
    "-1",
    "2147483647",
    "9223372036854775807",
    "1.5",
    "1e308",
    "true",
    "null",
    "'str'",
    "\"i$a\"",
    "[1, 'a', {'k': 2}]",
    "{'k': [1..3]}",
    "[1..$a]",
    "é",
    "\u{1F600}",
];

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => proptest::sample::select(FRAGMENTS).prop_map(str::to_string),
        1 => "[ -~]{0,6}",
        1 => any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

fn vtl_template() -> impl Strategy<Value = String> {
    proptest::collection::vec(fragment(), 0..24).prop_map(|v| v.concat())
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("{\"a\": 1, \"l\": [{\"x\": 1}, {\"x\": 2}], \"s\": \"a,b\"}".to_string()),
        Just("[1, [2, [3]], {\"b\": {\"b\": null}}]".to_string()),
        Just("not json".to_string()),
        Just("{\"a\": ".to_string()),
        "[ -~]{0,20}",
    ]
}

fn check_render(template: &Template, body: &str) {
    match template.render(&Invocation::with_body(body)) {
        Ok(out) => assert!(out.body.len() <= Limits::default().output_bytes),
        Err(e) => {
            // A rendering error is an evaluation or limit error, never a parse error.
            assert_ne!(e.kind(), ErrorKind::Parse, "{e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn parsing_any_string_returns(source in any::<String>()) {
        let _ = Template::parse(&source);
    }

    #[test]
    fn parsing_vtl_fragments_returns(source in vtl_template()) {
        let _ = Template::parse(&source);
    }

    #[test]
    fn rendering_vtl_fragments_ends(source in vtl_template(), body in body()) {
        if let Ok(t) = Template::parse(&source) {
            check_render(&t, &body);
        }
    }

    #[test]
    fn rendering_any_string_ends(source in "[ -~\n]{0,40}", body in body()) {
        if let Ok(t) = Template::parse(&source) {
            check_render(&t, &body);
        }
    }
}
