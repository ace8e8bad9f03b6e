//! Readable differences between an expected and an actual result.

use super::term::Style;
use indexmap::IndexMap;
use similar::{ChangeTag, TextDiff};

/// Widest quoted value shown whole; wider ones show a window around the first difference.
const MAX_WIDTH: usize = 100;

/// `s` as a JSON string literal (so whitespace and control characters show).
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// The difference of two bodies, each line starting with `indent`.
///
/// Bodies of one line are shown quoted, one above the other, with a caret
/// under the first difference; longer bodies as a line diff (`-` expected,
/// `+` actual) with three lines of context.
pub fn body(style: Style, expected: &str, actual: &str, indent: &str) -> String {
    let single = |s: &str| !s.trim_end_matches('\n').contains('\n');
    if single(expected) && single(actual) {
        return quoted_pair(style, expected, actual, indent);
    }
    let mut out = String::new();
    out.push_str(&format!(
        "{indent}{} {}\n",
        style.red("- expected"),
        style.green("+ actual")
    ));
    let diff = TextDiff::from_lines(expected, actual);
    let newline_differs = expected.ends_with('\n') != actual.ends_with('\n');
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push_str(&format!("{indent}{}\n", style.dim("...")));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let (sign, paint): (&str, fn(Style, &str) -> String) = match change.tag() {
                    ChangeTag::Delete => ("-", Style::red),
                    ChangeTag::Insert => ("+", Style::green),
                    ChangeTag::Equal => (" ", |_, s| s.to_owned()),
                };
                let value = change.value();
                let (text, newline) = match value.strip_suffix('\n') {
                    Some(t) => (t, true),
                    None => (value, false),
                };
                let line_no = match change.tag() {
                    ChangeTag::Delete | ChangeTag::Equal => change.old_index(),
                    ChangeTag::Insert => change.new_index(),
                }
                .map_or(0, |n| n + 1);
                let shown = format!("{sign}{line_no:>4} | {}", visible(text));
                out.push_str(&format!("{indent}{}\n", paint(style, &shown)));
                if !newline && newline_differs {
                    out.push_str(&format!(
                        "{indent}{}\n",
                        style.dim("       \\ no newline at the end")
                    ));
                }
            }
        }
    }
    if expected.trim_end() == actual.trim_end() {
        out.push_str(&format!(
            "{indent}{}\n",
            style.dim("(the bodies differ only in whitespace at the end)")
        ));
    } else if squash_trailing(expected) == squash_trailing(actual) {
        out.push_str(&format!(
            "{indent}{}\n",
            style.dim("(the bodies differ only in whitespace at the ends of lines)")
        ));
    }
    out
}

fn squash_trailing(s: &str) -> String {
    s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

/// A line with control characters (other than tab) escaped.
fn visible(line: &str) -> String {
    if !line.chars().any(|c| c.is_control() && c != '\t') {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        match c {
            '\t' => out.push('\t'),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `expected: "..."` over `actual:   "..."` with a caret under the first difference.
fn quoted_pair(style: Style, expected: &str, actual: &str, indent: &str) -> String {
    let e: Vec<char> = quote(expected).chars().collect();
    let a: Vec<char> = quote(actual).chars().collect();
    let first = e.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let (start, cut_left) = if e.len().max(a.len()) > MAX_WIDTH && first > MAX_WIDTH / 2 {
        (first - MAX_WIDTH / 3, true)
    } else {
        (0, false)
    };
    let window = |v: &[char]| -> String {
        let mut s = String::new();
        if cut_left {
            s.push_str("...");
        }
        let end = (start + MAX_WIDTH).min(v.len());
        s.extend(v.get(start..end).unwrap_or(&[]).iter());
        if end < v.len() {
            s.push_str("...");
        }
        s
    };
    let caret_col = first - start + if cut_left { 3 } else { 0 };
    let mut out = String::new();
    out.push_str(&format!("{indent}expected: {}\n", style.red(&window(&e))));
    out.push_str(&format!("{indent}actual:   {}\n", style.green(&window(&a))));
    out.push_str(&format!(
        "{indent}          {}{}\n",
        " ".repeat(caret_col),
        style.bold("^")
    ));
    out
}

/// The headers that differ: `- NAME: "value"` expected, `+ NAME: "value"`
/// actual. With `any_case`, names compare case-insensitively (HTTP headers).
pub fn headers(
    style: Style,
    expected: &IndexMap<String, String>,
    actual: &IndexMap<String, String>,
    indent: &str,
    any_case: bool,
) -> String {
    let find = |map: &IndexMap<String, String>, k: &str| -> Option<String> {
        if any_case {
            map.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.clone())
        } else {
            map.get(k).cloned()
        }
    };
    let mut out = String::new();
    for (k, v) in expected {
        if find(actual, k).as_ref() != Some(v) {
            let line = format!("- {k}: {}", quote(v));
            out.push_str(&format!("{indent}{}\n", style.red(&line)));
        }
    }
    for (k, v) in actual {
        if find(expected, k).as_ref() != Some(v) {
            let line = format!("+ {k}: {}", quote(v));
            out.push_str(&format!("{indent}{}\n", style.green(&line)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Style = Style { color: false };

    #[test]
    fn header_names_compare_as_asked() {
        let map = |pairs: &[(&str, &str)]| -> IndexMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let e = map(&[("x-kind", "client"), ("A", "1")]);
        let a = map(&[("X-Kind", "client"), ("A", "2")]);
        assert_eq!(headers(PLAIN, &e, &a, "", true), "- A: \"1\"\n+ A: \"2\"\n");
        assert_eq!(
            headers(PLAIN, &e, &a, "", false),
            "- x-kind: \"client\"\n- A: \"1\"\n+ X-Kind: \"client\"\n+ A: \"2\"\n"
        );
    }

    #[test]
    fn one_line_bodies_are_quoted_with_a_caret() {
        assert_eq!(
            body(PLAIN, "hello world", "hello there", "  "),
            "  expected: \"hello world\"\n  actual:   \"hello there\"\n                   ^\n"
        );
        assert_eq!(
            body(PLAIN, "x", "x ", ""),
            "expected: \"x\"\nactual:   \"x \"\n            ^\n"
        );
    }

    #[test]
    fn long_one_line_bodies_show_a_window() {
        let e = format!("{}A{}", "x".repeat(300), "y".repeat(300));
        let a = format!("{}B{}", "x".repeat(300), "y".repeat(300));
        let t = body(PLAIN, &e, &a, "");
        let lines: Vec<&str> = t.lines().collect();
        assert!(lines[0].len() < 130, "{}", lines[0]);
        let col = lines[0].find('A').unwrap();
        assert_eq!(lines[1].find('B').unwrap(), col);
        assert_eq!(lines[2].find('^').unwrap(), col);
    }

    #[test]
    fn multi_line_bodies_are_diffed_by_line() {
        let e = "{\n  \"a\": 1,\n  \"b\": 2\n}";
        let a = "{\n  \"a\": 1,\n  \"b\": 3\n}";
        assert_eq!(
            body(PLAIN, e, a, ""),
            concat!(
                "- expected + actual\n",
                "    1 | {\n",
                "    2 |   \"a\": 1,\n",
                "-   3 |   \"b\": 2\n",
                "+   3 |   \"b\": 3\n",
                "    4 | }\n",
            )
        );
        let t = body(PLAIN, "a\nb\n", "a\nb", "");
        assert_eq!(
            t,
            concat!(
                "- expected + actual\n",
                "    1 | a\n",
                "-   2 | b\n",
                "+   2 | b\n",
                "       \\ no newline at the end\n",
                "(the bodies differ only in whitespace at the end)\n",
            )
        );
    }

    #[test]
    fn whitespace_only_differences_are_named() {
        let t = body(PLAIN, "a\nb\n", "a\nb\n\n", "");
        assert!(t.contains("differ only in whitespace at the end"), "{t}");
        let t = body(PLAIN, "a \nb", "a\nb", "");
        assert!(t.contains("whitespace at the ends of lines"), "{t}");
        let t = body(PLAIN, "a\r\nb", "a\nb", "");
        assert!(t.contains("a\\r"), "{t}");
    }

    #[test]
    fn header_differences() {
        let e: IndexMap<String, String> = [("A".into(), "1".into()), ("B".into(), "2".into())]
            .into_iter()
            .collect();
        let a: IndexMap<String, String> = [
            ("A".into(), "1".into()),
            ("B".into(), "3".into()),
            ("C".into(), "x".into()),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            headers(PLAIN, &e, &a, "  ", false),
            "  - B: \"2\"\n  + B: \"3\"\n  + C: \"x\"\n"
        );
    }
}
