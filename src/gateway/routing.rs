//! Routing a concrete request to a route, as API Gateway picks a resource:
//! literal path parts before `{param}` parts before a greedy `{proxy+}`,
//! compared from the left; then the method, an explicit one before `ANY`.

use super::definition::Route;
use indexmap::IndexMap;

/// A route's key, `GET /pets/{id}`: the method (upper-cased) and the path
/// (without a trailing `/`). `None` when it is not `METHOD /path`.
pub fn parse_route_key(key: &str) -> Option<(String, String)> {
    let (method, path) = key.trim().split_once(char::is_whitespace)?;
    let path = path.trim();
    if method.is_empty() || !path.starts_with('/') {
        return None;
    }
    Some((
        method.to_ascii_uppercase(),
        normalize_path(path).to_string(),
    ))
}

/// `/pets/` → `/pets`; `/` stays `/`.
pub(crate) fn normalize_path(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    if t.is_empty() { "/" } else { t }
}

/// A route chosen for a request, with the path parameters it binds.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteMatch<'a> {
    pub route: &'a Route,
    /// `{id}` → `7`, `{proxy+}` → `a/b` (percent-decoded).
    pub path_parameters: IndexMap<String, String>,
}

/// Why no route takes a request. API Gateway answers both with 403
/// `{"message":"Missing Authentication Token"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteMiss {
    /// No resource matches the path.
    NoResource,
    /// The best resource for the path has no such method; these it has.
    NoMethod { allowed: Vec<String> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seg<'a> {
    Literal(&'a str),
    Param(&'a str),
    Greedy(&'a str),
}

fn segments(template: &str) -> Vec<Seg<'_>> {
    template
        .split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => match name.strip_suffix('+') {
                    Some(greedy) => Seg::Greedy(greedy),
                    None => Seg::Param(name),
                },
                None => Seg::Literal(s),
            },
        )
        .collect()
}

/// `%XX` decoded (as UTF-8, invalid sequences replaced); `+` stays `+`.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|c| char::from(*c).to_digit(16));
        match (b.get(i), hex(i + 1), hex(i + 2)) {
            (Some(b'%'), Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (Some(c), _, _) => {
                out.push(*c);
                i += 1;
            }
            (None, _, _) => break,
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How specifically a template matches the path parts (higher is more
/// specific, compared part by part), and the parameters; `None` if it does not.
fn match_template(template: &str, parts: &[&str]) -> Option<(Vec<u8>, IndexMap<String, String>)> {
    let segs = segments(template);
    let mut score = Vec::with_capacity(segs.len());
    let mut params = IndexMap::new();
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Literal(l) => {
                if parts.get(i).map(|p| percent_decode(p)) != Some((*l).to_string()) {
                    return None;
                }
                score.push(2);
            }
            Seg::Param(name) => {
                params.insert((*name).to_string(), percent_decode(parts.get(i)?));
                score.push(1);
            }
            Seg::Greedy(name) => {
                // Last part of a template, one or more path parts.
                let rest = parts.get(i..).filter(|r| !r.is_empty())?;
                if i + 1 != segs.len() {
                    return None;
                }
                params.insert((*name).to_string(), percent_decode(&rest.join("/")));
                score.push(0);
                return Some((score, params));
            }
        }
    }
    (segs.len() == parts.len()).then_some((score, params))
}

/// The route for `method path` among `routes` (see the module doc).
pub(crate) fn route_request<'a>(
    routes: &'a [Route],
    method: &str,
    path: &str,
) -> Result<RouteMatch<'a>, RouteMiss> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(Vec<u8>, &str)> = None;
    for r in routes {
        if let Some((score, _)) = match_template(&r.path_template, &parts)
            && best.as_ref().is_none_or(|(b, _)| score > *b)
        {
            best = Some((score, normalize_path(&r.path_template)));
        }
    }
    let Some((_, template)) = best else {
        return Err(RouteMiss::NoResource);
    };
    let on_resource = || {
        routes
            .iter()
            .filter(move |r| normalize_path(&r.path_template) == template)
    };
    let route = on_resource()
        .find(|r| r.method.eq_ignore_ascii_case(method))
        .or_else(|| on_resource().find(|r| r.method == "ANY"));
    match route {
        Some(route) => {
            let (_, path_parameters) =
                match_template(&route.path_template, &parts).unwrap_or_default();
            Ok(RouteMatch {
                route,
                path_parameters,
            })
        }
        None => Err(RouteMiss::NoMethod {
            allowed: on_resource().map(|r| r.method.clone()).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(key: &str) -> Route {
        let (method, path) = parse_route_key(key).unwrap();
        Route {
            method,
            path_template: path,
            ..Route::default()
        }
    }

    #[test]
    fn route_keys() {
        assert_eq!(
            parse_route_key("get /pets/{id}/"),
            Some(("GET".into(), "/pets/{id}".into()))
        );
        assert_eq!(parse_route_key("ANY  /"), Some(("ANY".into(), "/".into())));
        assert_eq!(parse_route_key("/pets"), None);
        assert_eq!(parse_route_key("GET pets"), None);
    }

    #[test]
    fn most_specific_route_wins() {
        let routes: Vec<Route> = [
            "GET /",
            "GET /pets",
            "POST /pets",
            "GET /pets/{id}",
            "GET /pets/mine",
            "ANY /pets/{id}/toys",
            "DELETE /pets/{id}/toys",
            "GET /{proxy+}",
            "ANY /files/{path+}",
            "GET /{a}/b",
            "GET /a/{b}",
        ]
        .into_iter()
        .map(route)
        .collect();
        // (method, path, chosen route, parameters)
        type Params<'a> = &'a [(&'a str, &'a str)];
        let table: &[(&str, &str, &str, Params)] = &[
            ("GET", "/", "GET /", &[]),
            ("GET", "/pets", "GET /pets", &[]),
            ("GET", "/pets/", "GET /pets", &[]),
            ("POST", "/pets", "POST /pets", &[]),
            ("GET", "/pets/7", "GET /pets/{id}", &[("id", "7")]),
            ("GET", "/pets/mine", "GET /pets/mine", &[]),
            ("GET", "/pets/a%20b", "GET /pets/{id}", &[("id", "a b")]),
            ("GET", "/pets/7?x=1", "GET /pets/{id}", &[("id", "7")]),
            ("PUT", "/pets/7/toys", "ANY /pets/{id}/toys", &[("id", "7")]),
            (
                "DELETE",
                "/pets/7/toys",
                "DELETE /pets/{id}/toys",
                &[("id", "7")],
            ),
            (
                "GET",
                "/pets/7/toys/1",
                "GET /{proxy+}",
                &[("proxy", "pets/7/toys/1")],
            ),
            ("GET", "/other", "GET /{proxy+}", &[("proxy", "other")]),
            (
                "PATCH",
                "/files/x/y.txt",
                "ANY /files/{path+}",
                &[("path", "x/y.txt")],
            ),
            ("GET", "/a/b", "GET /a/{b}", &[("b", "b")]),
            ("GET", "/z/b", "GET /{a}/b", &[("a", "z")]),
        ];
        for (method, path, want, params) in table {
            let m = route_request(&routes, method, path)
                .unwrap_or_else(|e| panic!("{method} {path}: {e:?}"));
            assert_eq!(m.route.key(), *want, "{method} {path}");
            let got: Vec<(&str, &str)> = m
                .path_parameters
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert_eq!(got, params.to_vec(), "{method} {path}");
        }
    }

    #[test]
    fn misses() {
        let routes: Vec<Route> = ["GET /pets", "POST /pets", "GET /pets/{id}"]
            .into_iter()
            .map(route)
            .collect();
        assert_eq!(
            route_request(&routes, "GET", "/"),
            Err(RouteMiss::NoResource)
        );
        assert_eq!(
            route_request(&routes, "GET", "/pets/1/2"),
            Err(RouteMiss::NoResource)
        );
        assert_eq!(
            route_request(&routes, "DELETE", "/pets"),
            Err(RouteMiss::NoMethod {
                allowed: vec!["GET".into(), "POST".into()]
            })
        );
        // A resource without the method does not fall back to a greedy one.
        let routes: Vec<Route> = ["POST /pets", "ANY /{proxy+}"]
            .into_iter()
            .map(route)
            .collect();
        assert!(matches!(
            route_request(&routes, "GET", "/pets"),
            Err(RouteMiss::NoMethod { .. })
        ));
        assert_eq!(
            route_request(&routes, "GET", "/").err(),
            Some(RouteMiss::NoResource)
        );
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
        assert_eq!(percent_decode("%C3%A9+"), "é+");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
    }
}
