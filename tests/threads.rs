//! One parsed `Template` rendered from many threads at once (issue 6): every
//! thread renders its own bodies and checks every output exactly. The
//! expected text was checked against the oracle (Velocity 1.7 + Jayway) for
//! one body: `{"id": 123, "name": "n-1-2", "tags": ["a1", "b/2"], "q": "x\"y/é",
//! "status": 404}` with no parameters gives `123|n-1-2|["a1","b/2"]|A1,B/2|x\"y\/\u00E9|`
//! and status 404.

use apigw_vtl::{Invocation, Template};
use std::sync::Arc;

const TEMPLATE: &str = "$input.path('$.id')|$input.path('$.name')|$input.json('$.tags')|\
#foreach($t in $input.path('$.tags'))$t.toUpperCase()#if($foreach.hasNext),#end#end|\
$util.escapeJavaScript($input.path('$.q'))|$input.params('h')\
#set($context.responseOverride.status = $input.path('$.status'))";

const THREADS: usize = 8;
const RENDERS: usize = 200;

fn invocation(t: usize, i: usize) -> (Invocation, String, i32) {
    let id = t * 1000 + i;
    let status = 200 + (id % 300) as i32;
    let body = format!(
        r#"{{"id": {id}, "name": "n-{t}-{i}", "tags": ["a{t}", "b/{i}"], "q": "x\"y/é{i}", "status": {status}}}"#
    );
    let mut inv = Invocation::with_body(body);
    inv.header.insert("h".to_string(), format!("h{t}"));
    let expected = format!(r#"{id}|n-{t}-{i}|["a{t}","b/{i}"]|A{t},B/{i}|x\"y\/\u00E9{i}|h{t}"#);
    (inv, expected, status)
}

#[test]
fn the_expected_output_of_one_render() {
    let template = Template::parse(TEMPLATE).unwrap();
    let out = template
        .render(&Invocation::with_body(
            r#"{"id": 123, "name": "n-1-2", "tags": ["a1", "b/2"], "q": "x\"y/é", "status": 404}"#,
        ))
        .unwrap();
    assert_eq!(out.body, r#"123|n-1-2|["a1","b/2"]|A1,B/2|x\"y\/\u00E9|"#);
    assert_eq!(out.status, Some(404));
}

#[test]
fn one_template_rendered_from_many_threads() {
    let template = Arc::new(Template::parse(TEMPLATE).unwrap());
    // All threads start together, to render at the same time.
    let barrier = Arc::new(std::sync::Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let template = Arc::clone(&template);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                for i in 0..RENDERS {
                    let (inv, expected, status) = invocation(t, i);
                    let out = template.render(&inv).unwrap();
                    assert_eq!(out.body, expected, "thread {t}, render {i}");
                    assert_eq!(out.status, Some(status), "thread {t}, render {i}");
                }
                RENDERS
            })
        })
        .collect();
    let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(total, THREADS * RENDERS);
}

#[test]
fn clones_share_one_parse_across_threads() {
    // A clone of a Template is cheap (shared parse) and renders the same.
    let template = Template::parse(TEMPLATE).unwrap();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let template = template.clone();
            std::thread::spawn(move || {
                for i in (0..RENDERS).step_by(10) {
                    let (inv, expected, _) = invocation(t, i);
                    assert_eq!(template.render(&inv).unwrap().body, expected);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}
