//! `grammar/vtl.ebnf` and the parser kept in step: every rule of the grammar
//! is implemented by a parser function and exercised by an example whose
//! expected output came from the reference (Velocity 1.7).

use apigw_vtl::compiler::parser::GRAMMAR;
use apigw_vtl::{Invocation, Template};

fn ebnf_rules() -> Vec<String> {
    include_str!("../grammar/vtl.ebnf")
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once("::=")?;
            let name = name.trim();
            (!name.is_empty()
                && !rest.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric()))
            .then(|| name.to_string())
        })
        .collect()
}

#[test]
fn every_rule_is_implemented() {
    let rules = ebnf_rules();
    assert!(rules.len() > 30, "grammar has only {} rules", rules.len());
    let parser = include_str!("../src/compiler/parser.rs");
    let lexer = include_str!("../src/compiler/lexer.rs");
    for rule in &rules {
        let Some((_, f)) = GRAMMAR.iter().find(|(r, _)| r == rule) else {
            panic!("grammar rule {rule} has no entry in compiler::parser::GRAMMAR");
        };
        let def = format!("fn {f}(");
        assert!(
            parser.contains(&def) || lexer.contains(&def),
            "rule {rule}: function {f} not found in the parser or lexer"
        );
    }
    for (rule, _) in GRAMMAR {
        assert!(
            rules.iter().any(|r| r == rule),
            "GRAMMAR lists {rule}, which grammar/vtl.ebnf does not have"
        );
    }
}

#[test]
fn every_rule_has_an_example_rendering_as_velocity_does() {
    let examples: serde_json::Value =
        serde_json::from_str(include_str!("grammar/examples.json")).unwrap();
    let cases = examples["cases"].as_array().unwrap();
    for rule in ebnf_rules() {
        assert!(
            cases.iter().any(|c| c["name"] == rule.as_str()),
            "no example for grammar rule {rule} in tests/grammar/examples.json"
        );
    }
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let template = c["template"].as_str().unwrap();
        let want = c["expect"]["body"].as_str().unwrap();
        let got = Template::parse(template)
            .and_then(|t| t.render(&Invocation::default()))
            .unwrap_or_else(|e| panic!("{name}: {template:?} failed: {e}"));
        assert_eq!(got.body, want, "{name}: {template:?}");
    }
}
