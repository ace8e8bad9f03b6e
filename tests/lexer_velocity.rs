//! Our lexer against Velocity 1.7's own token manager.
//!
//! `tests/lexer/velocity-1.7-tokens.txt` holds random VTL-like strings, each
//! with the lexical state it starts in and the token stream Velocity 1.7's
//! `ParserTokenManager` produced for it (kind, image and state after each
//! token; special tokens as `S:kind|image`; `LEXERR` for a lexical error).
//! The file was made with the real library (see tools/velocity-probes); this
//! test needs no Java.

use apigw_vtl::compiler::lexer::{image, tokenize_from};
use apigw_vtl::compiler::tokens::{Kind, LexState};

fn esc(s: &str) -> String {
    let mut b = String::from("\"");
    for u in s.encode_utf16() {
        match u {
            0x22 => b.push_str("\\\""),
            0x5c => b.push_str("\\\\"),
            0x20..=0x7e => b.push(u as u8 as char),
            _ => b.push_str(&format!("\\u{u:04x}")),
        }
    }
    b.push('"');
    b
}

/// Java reads one UTF-16 unit as "a character": a terminator that is a
/// character outside the BMP holds only its high surrogate.
fn esc_special(s: &str) -> String {
    match s.chars().next_back() {
        Some(c) if c.len_utf16() == 2 => {
            let mut e = esc(&s[..s.len() - c.len_utf8()]);
            e.pop();
            let mut units = [0u16; 2];
            c.encode_utf16(&mut units);
            format!("{e}\\u{:04x}\"", units[0])
        }
        _ => esc(s),
    }
}

fn dump(src: &str, state: LexState) -> String {
    let (tokens, specials, err) = tokenize_from(src, state);
    let mut out = String::new();
    for (t, st) in &tokens {
        for s in &specials[t.specials.0 as usize..t.specials.1 as usize] {
            out.push_str(&format!(
                "S:{}|{} ",
                s.kind as u8,
                esc_special(&src[s.start as usize..s.end as usize])
            ));
        }
        let img = if t.kind == Kind::Eof {
            "<EOF>".to_string()
        } else {
            esc(image(src, t))
        };
        out.push_str(&format!("{}|{}|{} ", t.kind as u8, img, *st as u8));
    }
    if err.is_some() {
        out.push_str("LEXERR");
    }
    out.trim_end().to_string()
}

#[test]
fn lexer_matches_velocity_token_manager() {
    let fixture = include_str!("lexer/velocity-1.7-tokens.txt");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in fixture.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(input), Some(state), Some(expected)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        total += 1;
        let src: String = serde_json::from_str(input).expect("fixture input is a JSON string");
        let state = LexState::from_u8(state.parse().unwrap()).unwrap();
        let got = dump(&src, state);
        if got != expected {
            failures.push(format!(
                "input {input} from state {state:?}\n  velocity: {expected}\n  ours:     {got}"
            ));
        }
    }
    assert!(total > 1000, "fixture too small");
    if !failures.is_empty() {
        let n = failures.len();
        failures.truncate(15);
        panic!(
            "{n} of {total} token streams differ:\n{}",
            failures.join("\n")
        );
    }
}
