//! Adversarial inputs (README, "Limits and adversarial inputs"): each ends
//! with a result or an error of the right kind, under the default limits.
//! Timing is not asserted here (speed lives in the benchmarks); the README
//! table gives the time and memory measured with `apigw-vtl render`.

use apigw_vtl::{ErrorKind, Invocation, Limits, Template};

fn render(template: &str, body: &str) -> Result<apigw_vtl::Rendered, apigw_vtl::Error> {
    Template::parse(template)?.render(&Invocation::with_body(body))
}

fn kind(r: Result<apigw_vtl::Rendered, apigw_vtl::Error>) -> ErrorKind {
    match r {
        Ok(out) => panic!("expected an error, got {} bytes", out.body.len()),
        Err(e) => e.kind(),
    }
}

#[test]
fn ten_thousand_nested_ifs_are_a_limit_error() {
    let t = format!("{}x{}", "#if(true)".repeat(10_000), "#end".repeat(10_000));
    assert_eq!(kind(render(&t, "")), ErrorKind::Limit);
}

#[test]
fn ten_thousand_nested_json_arrays_are_an_eval_error() {
    let body = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(kind(render("$input.path('$')", &body)), ErrorKind::Eval);
    // The body is only parsed when a template reads it.
    assert_eq!(render("$input.body.length()", &body).unwrap().body, "20000");
}

#[test]
fn a_huge_range_stops_at_a_thousand_iterations() {
    let out = render(
        "#set($n = 0)#foreach($i in [1..2147483647])#set($n = $n + 1)#end$n",
        "",
    )
    .unwrap();
    assert_eq!(out.body, "1000");
}

#[test]
fn a_huge_range_outside_foreach_is_a_limit_error() {
    assert_eq!(
        kind(render("#set($r = [1..2147483647])$r.size()", "")),
        ErrorKind::Limit
    );
}

#[test]
fn a_macro_calling_itself_is_a_limit_error() {
    assert_eq!(kind(render("#macro(m)#m()#end#m()", "")), ErrorKind::Limit);
}

#[test]
fn doubling_a_string_forty_times_is_a_limit_error() {
    let t = format!(
        "#set($s = \"ab\"){}$s.length()",
        "#set($s = \"$s$s\")".repeat(40)
    );
    assert_eq!(kind(render(&t, "")), ErrorKind::Limit);
}

#[test]
fn doubling_a_list_forty_times_is_a_limit_error() {
    // Each `addAll` copies the list into itself: 2^40 items unless refused.
    let t = "#set($l = [1])#foreach($i in [1..40])#set($d = $l.addAll($l))#end$l.size()";
    assert_eq!(kind(render(t, "")), ErrorKind::Limit);
    let t = "#set($m = {})#foreach($i in [1..1000])#foreach($j in [1..1000])\
             #set($d = $m.put(\"k${i}x$j\", $j))#end#end$m.size()";
    assert_eq!(kind(render(t, "")), ErrorKind::Limit);
}

#[test]
fn a_list_that_shares_itself_forty_times_is_a_limit_error() {
    // `[$l, $l]` forty times: 2^40 elements to print, hash or compare.
    let grow = "#set($l = [1])#set($k = [1])#foreach($i in [1..40])\
                #set($l = [$l, $l])#set($k = [$k, $k])#end";
    for use_ in [
        "$l",
        "#set($s = \"$l\")",
        "$l.toString()",
        "$l.hashCode()",
        "$l.equals($k)",
        "#if($l == $k)eq#end",
        // A json-smart array prints as JSON.
        "#set($a = $input.path('$.a'))#set($d = $a.add($l))$a",
    ] {
        let t = format!("{grow}{use_}");
        let e = render(&t, "{\"a\": []}").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Limit, "{use_}: {}", e.message());
        assert!(e.span().is_some(), "{use_}");
    }
    // Identity is equality, as in Java: no walk.
    assert_eq!(
        render(&format!("{grow}$l.equals($l)"), "").unwrap().body,
        "true"
    );
}

#[test]
fn one_call_cannot_multiply_a_string_past_the_limits() {
    let big = "#set($a = \"a\")#set($a = $a.repeat(100000))";
    for use_ in [
        // An empty match between every character: 100,000 copies of $a.
        "$a.replaceAll(\"\", $a).length()",
        "$a.replace(\"\", $a).length()",
        "#set($s = \"ab\")$s.indent(300000000).length()",
    ] {
        let e = render(&format!("{big}{use_}"), "").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Eval, "{use_}: {}", e.message());
        assert!(e.message().contains("OutOfMemoryError"), "{}", e.message());
    }
    // Arrays of millions of one-character strings or chars.
    let big = "#set($a = \"a\")#set($a = $a.repeat(5000000))";
    for use_ in [
        "$a.split(\"\").size()",
        "$a.toCharArray().size()",
        "$a.getBytes().size()",
    ] {
        let e = render(&format!("{big}{use_}"), "").unwrap_err();
        assert!(
            e.message().contains("OutOfMemoryError"),
            "{use_}: {}",
            e.message()
        );
    }
    // A thousand references to a 3 MB string print as 3 GB.
    let t = "#set($a = \"a\")#set($a = $a.repeat(3000000))#set($l = [])\
             #foreach($i in [1..1000])#set($d = $l.add($a))#end$l.toString().length()";
    assert_eq!(kind(render(t, "")), ErrorKind::Limit);
}

#[test]
fn evaluate_is_held_to_the_template_limits() {
    // A 20 MB #evaluate text is refused like a 20 MB template.
    let t = "#set($t = '$a ')#set($t = $t.repeat(10000000))#evaluate($t)";
    assert_eq!(kind(render(t, "")), ErrorKind::Limit);
    // 70,000 #evaluate texts: source ids are 16 bits.
    let t =
        "#foreach($i in [1..1000])#foreach($j in [1..70])#evaluate('#set($x = \"$i\")')#end#end";
    let e = render(t, "").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(
        e.message().contains("too many #evaluate"),
        "{}",
        e.message()
    );
}

#[test]
fn overrides_are_held_to_the_output_limit() {
    // A thousand override headers of a 3 MB string are 3 GB of copies.
    let t = "#set($a = \"a\")#set($a = $a.repeat(3000000))#foreach($i in [1..1000])\
             #set($d = $context.responseOverride.header.put(\"h$i\", $a))#end x";
    let e = render(t, "").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(e.message().contains("overrides"), "{}", e.message());
}

#[test]
fn a_million_small_collections_end() {
    // Memory is counted as collections are made, not summed at every check.
    let t = "#foreach($a in [1..1000])#foreach($b in [1..1000])#set($x = [1])#end#end done";
    assert_eq!(render(t, "").unwrap().body, " done");
}

#[test]
fn a_slow_render_hits_the_time_limit() {
    // Steps are not what is slow here: the time limit stops it.
    let limits = Limits {
        steps: u64::MAX,
        time: Some(std::time::Duration::from_millis(50)),
        ..Limits::default()
    };
    let t = Template::parse_with(
        "#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])\
         $k.toString().length()#end#end#end",
        limits,
    )
    .unwrap();
    let e = t.render(&Invocation::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(e.message().contains("ran for more than"), "{}", e.message());
    assert!(e.span().is_some());
}

#[test]
fn catastrophic_backtracking_regex_ends() {
    let t = format!(
        "#set($s = \"{}\")$s.replaceAll(\"(a+)+b\", \"x\")",
        "a".repeat(50)
    );
    // No match (as Java eventually finds), quickly.
    assert_eq!(render(&t, "").unwrap().body, "a".repeat(50));
}

#[test]
fn a_ten_megabyte_body_renders() {
    let mut body = String::from("{\"items\": [");
    let mut i = 0;
    while body.len() < 10 * 1024 * 1024 - 64 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!("{{\"id\": {i}, \"name\": \"item {i}\"}}"));
        i += 1;
    }
    body.push_str("]}");
    let out = render(
        "$input.path('$.items').size() $input.json('$.items[0]')",
        &body,
    )
    .unwrap();
    assert_eq!(out.body, format!("{i} {{\"id\":0,\"name\":\"item 0\"}}"));
}

#[test]
fn a_template_over_300_kb_is_refused() {
    let t = "x".repeat(301 * 1024);
    let e = Template::parse(&t).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    // The limit is configurable.
    let limits = Limits {
        template_bytes: 400 * 1024,
        ..Limits::default()
    };
    assert!(Template::parse_with(&t, limits).is_ok());
}

#[test]
fn an_invalid_json_body_is_an_eval_error_only_when_read() {
    assert_eq!(
        kind(render("$input.path('$.a')", "{\"a\": ")),
        ErrorKind::Eval
    );
    assert_eq!(render("$input.body", "{\"a\": ").unwrap().body, "{\"a\": ");
    // Replacement characters (what invalid UTF-8 becomes) are just text.
    let body = String::from_utf8_lossy(b"{\"a\": \"\xff\xfe\"}").into_owned();
    assert_eq!(
        render("$input.path('$.a')", &body).unwrap().body,
        "\u{FFFD}\u{FFFD}"
    );
}

#[test]
fn a_ten_thousand_step_path_is_an_eval_error() {
    let t = format!("$input.path('${}')", ".a".repeat(10_000));
    assert_eq!(kind(render(&t, "{\"a\": 1}")), ErrorKind::Eval);
}

#[test]
fn limits_are_configurable() {
    let limits = Limits {
        steps: 1_000,
        ..Limits::default()
    };
    let t = Template::parse_with("#foreach($i in [1..900])$i#end", limits).unwrap();
    assert_eq!(
        t.render(&Invocation::default()).unwrap_err().kind(),
        ErrorKind::Limit
    );
    let limits = Limits {
        output_bytes: 100,
        ..Limits::default()
    };
    let t = Template::parse_with("#foreach($i in [1..900])$i#end", limits).unwrap();
    assert_eq!(
        t.render(&Invocation::default()).unwrap_err().kind(),
        ErrorKind::Limit
    );
    let limits = Limits {
        foreach_iterations: 3,
        ..Limits::default()
    };
    let t = Template::parse_with("#foreach($i in [1..900])$i#end", limits).unwrap();
    assert_eq!(t.render(&Invocation::default()).unwrap().body, "123");
}

#[test]
fn only_the_first_of_many_initialisation_errors_is_reported() {
    // Each of these errors used to get its line and column (a scan of the
    // template up to it) even when an earlier one was already kept: 300 KB
    // of them took seconds to parse (see benches/parse.rs).
    let t = format!(
        "a\n  #evaluate()\n{}{}",
        "#set($s = \"#if(\")\n".repeat(100),
        "#evaluate()\n#evaluate(1 2)\n".repeat(10_000)
    );
    assert!(t.len() > 200 * 1024);
    let e = Template::parse(&t).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
    assert_eq!(e.message(), "`#evaluate()` requires exactly one argument");
    assert_eq!(e.line_col(), Some((2, 3)));
}
