//! Diagnostics as rustc writes them:
//!
//! ```text
//! error: `expect.status` must be an integer or null, found a string
//!  --> cases.json:9:19
//!   |
//! 9 |         "status": "400"
//!   |                   ^^^^^
//! note: in case "bad-status" (cases[0].expect.status)
//! help: write the number without quotes: 400
//! ```
//!
//! Template errors come from the library's [`apigw_vtl::Error::render`];
//! errors located in files we read (suites, contexts) are drawn here in the
//! same layout. [`paint`] colours either for a terminal.

use super::term::Style;
use apigw_vtl::error::line_col;
use std::ops::Range;

/// Longest source line shown whole; longer lines show a window around the span.
const MAX_LINE: usize = 120;

/// An error located in a file: message, snippet, notes and help.
pub fn located(
    message: &str,
    source: &str,
    name: &str,
    span: Range<usize>,
    notes: &[String],
    help: Option<&str>,
) -> String {
    located_level("error", message, source, name, span, notes, help)
}

/// [`located`] at another level (`warning`).
pub fn located_level(
    level: &str,
    message: &str,
    source: &str,
    name: &str,
    span: Range<usize>,
    notes: &[String],
    help: Option<&str>,
) -> String {
    let start = floor_char(source, span.start.min(source.len()));
    let end = floor_char(source, span.end.clamp(start, source.len()));
    let (line_no, col) = line_col(source, start);
    let line_start = source[..start].rfind(['\n', '\r']).map_or(0, |p| p + 1);
    let line_end = source[start..]
        .find(['\n', '\r'])
        .map_or(source.len(), |p| start + p);
    let line = &source[line_start..line_end];
    let before: Vec<char> = source[line_start..start].chars().collect();
    let marked = source[start..end.min(line_end)].chars().count().max(1);

    // Window long lines around the span.
    let after = &source[start..line_end];
    let mut prefix = "";
    let (shown_before, shown_after): (String, String) = if line.chars().count() <= MAX_LINE {
        (before.iter().collect(), after.to_owned())
    } else {
        let shown_before: String = if before.len() > MAX_LINE / 2 {
            prefix = "...";
            before[before.len() - MAX_LINE / 3..].iter().collect()
        } else {
            before.iter().collect()
        };
        let room = MAX_LINE
            .saturating_sub(shown_before.chars().count())
            .max(marked.min(MAX_LINE));
        let shown_after = if after.chars().count() > room {
            let mut s: String = after.chars().take(room).collect();
            s.push_str("...");
            s
        } else {
            after.to_owned()
        };
        (shown_before, shown_after)
    };
    let marked = marked.min(shown_after.chars().count().max(1));
    let indent: String = prefix
        .chars()
        .chain(shown_before.chars())
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();

    let gutter = line_no.to_string().len();
    let pad = " ".repeat(gutter);
    let mut out = format!("{level}: {message}\n");
    out.push_str(&format!("{pad}--> {name}:{line_no}:{col}\n"));
    out.push_str(&format!("{pad} |\n"));
    out.push_str(&format!(
        "{line_no} | {prefix}{shown_before}{shown_after}\n"
    ));
    out.push_str(&format!("{pad} | {indent}{}\n", "^".repeat(marked)));
    for note in notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if let Some(help) = help {
        out.push_str(&format!("help: {help}\n"));
    }
    out
}

/// An error with no location: `error: MESSAGE`, then notes and help.
pub fn plain(message: &str, notes: &[String], help: Option<&str>) -> String {
    let mut out = format!("error: {message}\n");
    for note in notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if let Some(help) = help {
        out.push_str(&format!("help: {help}\n"));
    }
    out
}

/// A template error, rendered by the library, for the template `source` called `name`.
///
/// An error without a position (a limit, say) still names the template. A
/// parse error after a `\"` gets the help that Velocity escapes a quote by
/// doubling it.
pub fn template(error: &apigw_vtl::Error, source: &str, name: &str) -> String {
    let mut text = error.render(source, name);
    if super::lint::after_backslash_quote(error, source) {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("help: {}\n", super::lint::QUOTE_HELP));
    }
    if error.span().is_some() {
        return text;
    }
    match text.split_once('\n') {
        Some((first, rest)) => format!("{first}\n --> {name}\n{rest}"),
        None => format!("{text}\n --> {name}\n"),
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Colours a diagnostic drawn by [`located`], [`plain`] or `Error::render`.
pub fn paint(style: Style, text: &str) -> String {
    if !style.color {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut after_source = false;
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let mut was_source = false;
        if let Some(rest) = body.strip_prefix("error:") {
            out.push_str(&style.error("error"));
            out.push_str(&style.bold(&format!(":{rest}")));
        } else if let Some(rest) = body.strip_prefix("warning:") {
            out.push_str(&style.warn("warning"));
            out.push_str(&style.bold(&format!(":{rest}")));
        } else if let Some(rest) = body.strip_prefix("help:") {
            out.push_str(&style.help("help"));
            out.push_str(&format!(":{rest}"));
        } else if let Some(rest) = body.strip_prefix("note:") {
            out.push_str(&style.bold("note"));
            out.push_str(&format!(":{rest}"));
        } else if let Some((pad, rest)) = body.split_once("--> ")
            && pad.chars().all(|c| c == ' ')
        {
            out.push_str(pad);
            out.push_str(&style.gutter("-->"));
            out.push(' ');
            out.push_str(rest);
        } else if let Some((gutter, rest)) = body.split_once(" |")
            && gutter.chars().all(|c| c == ' ' || c.is_ascii_digit())
        {
            out.push_str(&style.gutter(&format!("{gutter} |")));
            if after_source && gutter.trim().is_empty() {
                out.push_str(&style.error(rest));
            } else {
                out.push_str(rest);
            }
            was_source = !gutter.trim().is_empty();
        } else {
            out.push_str(body);
        }
        out.push_str(nl);
        after_source = was_source;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_matches_the_librarys_layout() {
        let src = "{\n  \"a\": 1,\n  \"b\": \"400\"\n}";
        let at = src.find("\"400\"").unwrap();
        let text = located(
            "`b` must be a number",
            src,
            "f.json",
            at..at + 5,
            &["in case \"x\" (cases[0].b)".into()],
            Some("drop the quotes"),
        );
        assert_eq!(
            text,
            "error: `b` must be a number\n --> f.json:3:8\n  |\n3 |   \"b\": \"400\"\n  |        ^^^^^\nnote: in case \"x\" (cases[0].b)\nhelp: drop the quotes\n"
        );
        // Same drawing as the library's for the same position.
        let e = apigw_vtl::Error::parse("m", apigw_vtl::Span::of(src, at, at + 5));
        let lib = e.render(src, "f.json");
        let ours = located("parse: m", src, "f.json", at..at + 5, &[], None);
        assert_eq!(lib, ours);
    }

    #[test]
    fn template_errors_without_a_position_name_the_template() {
        let e = apigw_vtl::Error::limit("too big").with_help("split it");
        assert_eq!(
            template(&e, "x", "t.vtl"),
            "error: limit: too big\n --> t.vtl\nhelp: split it\n"
        );
    }

    #[test]
    fn long_lines_are_windowed() {
        let src = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let text = located("m", &src, "f", 500..501, &[], None);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[3].len() < 200, "{}", lines[3]);
        let col = lines[3].find('X').unwrap();
        assert_eq!(lines[4].find('^').unwrap(), col);
        assert!(lines[3].starts_with("1 | ...a"));
        assert!(lines[3].ends_with("b..."));
    }

    #[test]
    fn spans_off_char_boundaries_and_past_the_end_are_safe() {
        let src = "é\nx";
        let t = located("m", src, "f", 1..99, &[], None);
        assert!(t.contains("--> f:1:1"), "{t}");
        let t = located("m", src, "f", 99..120, &[], None);
        assert!(t.contains("--> f:2:2"), "{t}");
    }

    #[test]
    fn paint_colours_only_when_asked() {
        let t = located("m", "ab", "f", 1..2, &[], Some("h"));
        assert_eq!(paint(Style { color: false }, &t), t);
        let p = paint(Style { color: true }, &t);
        assert!(
            p.starts_with("\x1b[1;31merror\x1b[0m\x1b[1m: m\x1b[0m\n"),
            "{p:?}"
        );
        assert!(p.contains("\x1b[1;34m-->\x1b[0m f:1:2"), "{p:?}");
        assert!(p.contains("\x1b[1;31m  ^\x1b[0m"), "{p:?}");
        assert!(p.contains("\x1b[1;36mhelp\x1b[0m: h"), "{p:?}");
    }
}
