//! The usual mistakes in mapping templates, recognised in their text:
//!
//! - `\"` inside a double-quoted string: Velocity 1.7 has no backslash
//!   escapes, so the string ends at the backslash's quote and the parser
//!   fails just after. A quote is written `""` inside `"..."`.
//! - `$util.NAME` where `$util` has no method `NAME`: the call reads as null,
//!   which renders as an empty string, silently.

use super::diag;
use std::ops::Range;

/// The methods of `$util`.
pub const UTIL_METHODS: [&str; 6] = [
    "escapeJavaScript",
    "parseJson",
    "urlEncode",
    "urlDecode",
    "base64Encode",
    "base64Decode",
];

/// The help for a parse error that follows a `\"` on its line.
pub const QUOTE_HELP: &str = "Velocity 1.7 has no `\\\"` escape: inside a \"...\" string write a quote as `\"\"` (\"say \"\"hi\"\"\"), or use a '...' string";

/// Whether a parse error is at what follows a `\"` (blanks aside): the
/// string ended at the `\"`'s quote.
pub fn after_backslash_quote(error: &apigw_vtl::Error, source: &str) -> bool {
    if error.kind() != apigw_vtl::ErrorKind::Parse {
        return false;
    }
    let Some(span) = error.span() else {
        return false;
    };
    let start = floor_char(source, (span.offset as usize).min(source.len()));
    // The string ended at the `\"`'s quote, and the parser choked on what
    // follows it (blanks aside).
    source[..start].trim_end().ends_with("\\\"")
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A `$util.NAME` whose method does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownUtil {
    /// Bytes of `NAME` in the template.
    pub span: Range<usize>,
    pub name: String,
    /// The method meant, when the name is close to one.
    pub suggestion: Option<&'static str>,
}

/// Every `$util.NAME` (also `$!util.`, `${util.`, `$!{util.`) naming no method
/// of `$util`, outside comments and escapes (`\$util`).
pub fn unknown_util_methods(source: &str) -> Vec<UnknownUtil> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' if b.get(i + 1) == Some(&b'#') => {
                i = memchr_from(b, b'\n', i).unwrap_or(b.len());
            }
            b'#' if b.get(i + 1) == Some(&b'*') => {
                i = source
                    .get(i + 2..)
                    .and_then(|r| r.find("*#"))
                    .map_or(b.len(), |p| i + 2 + p + 2);
            }
            b'\\' => {
                // `\$util.x` renders literally; `\\$util.x` is a backslash
                // and the call (an odd run of backslashes escapes).
                let run = b
                    .get(i..)
                    .map_or(0, |r| r.iter().take_while(|c| **c == b'\\').count());
                i += run;
                if run % 2 == 1 && b.get(i) == Some(&b'$') {
                    i += 1;
                }
            }
            b'$' => {
                let mut j = i + 1;
                if b.get(j) == Some(&b'!') {
                    j += 1;
                }
                if b.get(j) == Some(&b'{') {
                    j += 1;
                }
                if source.get(j..).is_some_and(|r| r.starts_with("util.")) {
                    let name_start = j + 5;
                    let name_len = source.get(name_start..).map_or(0, |r| {
                        r.bytes()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
                            .count()
                    });
                    let starts_well = b
                        .get(name_start)
                        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
                    if name_len > 0 && starts_well {
                        let name = &source[name_start..name_start + name_len];
                        if !UTIL_METHODS.contains(&name) {
                            out.push(UnknownUtil {
                                span: name_start..name_start + name_len,
                                name: name.to_owned(),
                                suggestion: suggest(name),
                            });
                        }
                    }
                    i = name_start + name_len;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn memchr_from(b: &[u8], needle: u8, from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|c| *c == needle)
        .map(|p| from + p)
}

/// The method a misspelt name means: same letters in another case, else the
/// closest within two edits (a getter such as `getParseJson` too).
fn suggest(name: &str) -> Option<&'static str> {
    let plain = name
        .strip_prefix("get")
        .filter(|r| r.starts_with(|c: char| c.is_ascii_uppercase()))
        .unwrap_or(name);
    if let Some(m) = UTIL_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(name) || m.eq_ignore_ascii_case(plain))
    {
        return Some(m);
    }
    UTIL_METHODS
        .iter()
        .map(|m| {
            (
                distance(&name.to_ascii_lowercase(), &m.to_ascii_lowercase()),
                *m,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, m)| m)
}

/// Levenshtein distance (the names are short).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The warning for an unknown `$util` method, drawn in the template `source` called `name`.
pub fn util_warning(w: &UnknownUtil, source: &str, name: &str) -> String {
    let list = UTIL_METHODS.join(", ");
    let help = match w.suggestion {
        Some(s) => format!("did you mean `{s}`? $util has six methods: {list}"),
        None => format!("$util has six methods: {list}"),
    };
    diag::located_level(
        "warning",
        &format!(
            "`$util.{}` is not a method of $util: it reads as null and renders as nothing",
            w.name
        ),
        source,
        name,
        w.span.clone(),
        &[],
        Some(&help),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<(String, Option<&'static str>)> {
        unknown_util_methods(src)
            .into_iter()
            .map(|w| (w.name, w.suggestion))
            .collect()
    }

    /// A template and the unknown names found in it, with their suggestions.
    type Row<'a> = (&'a str, &'a [(&'a str, Option<&'a str>)]);

    #[test]
    fn unknown_util_methods_are_found() {
        let table: &[Row] = &[
            ("$util.escapeJavaScript($x) $util.parseJson('{}')", &[]),
            (
                "$util.escapeJavascript($x)",
                &[("escapeJavascript", Some("escapeJavaScript"))],
            ),
            ("$!util.parseJSON($x)", &[("parseJSON", Some("parseJson"))]),
            ("${util.urlencode($x)}", &[("urlencode", Some("urlEncode"))]),
            (
                "$!{util.base64encode($x)}",
                &[("base64encode", Some("base64Encode"))],
            ),
            ("$util.toJson($x)", &[("toJson", None)]),
            (
                "$util.getParseJson()",
                &[("getParseJson", Some("parseJson"))],
            ),
            ("$util.urlEncod($x)", &[("urlEncod", Some("urlEncode"))]),
            // Comments, escapes and other references are not calls.
            ("## $util.nope()\n#* $util.nope() *#\\$util.nope()", &[]),
            ("$utility.nope() $util $util. $util.(", &[]),
            ("\\\\$util.nope()", &[("nope", None)]),
        ];
        for (src, want) in table {
            let want: Vec<(String, Option<&str>)> =
                want.iter().map(|(n, s)| ((*n).to_owned(), *s)).collect();
            assert_eq!(names(src), want, "{src}");
        }
        let w = &unknown_util_methods("é $util.nope()")[0];
        assert_eq!(&"é $util.nope()"[w.span.clone()], "nope");
    }

    #[test]
    fn the_warning_lists_the_six() {
        let src = "x $util.escapeJavascript($a)";
        let w = &unknown_util_methods(src)[0];
        assert_eq!(
            util_warning(w, src, "t.vtl"),
            concat!(
                "warning: `$util.escapeJavascript` is not a method of $util: it reads as null and renders as nothing\n",
                " --> t.vtl:1:9\n",
                "  |\n",
                "1 | x $util.escapeJavascript($a)\n",
                "  |         ^^^^^^^^^^^^^^^^\n",
                "help: did you mean `escapeJavaScript`? $util has six methods: escapeJavaScript, parseJson, urlEncode, urlDecode, base64Encode, base64Decode\n",
            )
        );
    }

    #[test]
    fn backslash_quotes_are_recognised() {
        let check = |src: &str| match apigw_vtl::Template::parse(src) {
            Ok(_) => None,
            Err(e) => Some(after_backslash_quote(&e, src)),
        };
        assert_eq!(check("#set($s = \"say \\\"hi\\\"\")"), Some(true));
        assert_eq!(check("$util.escapeJavaScript(\"a \\\"b\\\"\")"), Some(true));
        assert_eq!(check("{\"a\": \"\\\"\"}\n#if(true)"), Some(false));
        assert_eq!(check("#if($x == \"a \\\" b\")#end"), Some(true));
        assert_eq!(check("{\"a\": \"\\\"x\\\"\"} #if($x"), Some(false));
        assert_eq!(check("#set($s = \"say \"\"hi\"\"\")"), None);
    }
}
