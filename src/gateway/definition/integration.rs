//! Reading an integration from JSON: `x-amazon-apigateway-integration`
//! (camelCase, responses keyed by selection pattern), the case format
//! (camelCase, responses listed) and CloudFormation's `Integration`
//! (PascalCase, `IntegrationResponses` listed).

use super::Problem;
use crate::gateway::model::{
    ContentHandling, Integration, IntegrationResponse, IntegrationType, PassthroughBehavior,
    Templates, parse_status, template_or_none,
};
use crate::gateway::regex::JavaPattern;
use indexmap::IndexMap;
use serde_json::{Map, Value as Json};

/// The field names of one spelling of an integration.
pub(crate) struct Names {
    type_: &'static str,
    uri: &'static str,
    http_method: &'static str,
    request_templates: &'static str,
    request_parameters: &'static str,
    passthrough: &'static str,
    content_handling: &'static str,
    responses: &'static str,
    status_code: &'static str,
    selection_pattern: &'static str,
    response_templates: &'static str,
    response_parameters: &'static str,
    /// The case format's leniency, as the oracle reads a case: a response
    /// without `statusCode` is 200, and an invalid selection pattern is kept
    /// (it never matches; the trace says so) instead of refused.
    lenient: bool,
}

/// `x-amazon-apigateway-integration` and the case format.
pub(crate) const CAMEL: Names = Names {
    type_: "type",
    uri: "uri",
    http_method: "httpMethod",
    request_templates: "requestTemplates",
    request_parameters: "requestParameters",
    passthrough: "passthroughBehavior",
    content_handling: "contentHandling",
    responses: "responses",
    status_code: "statusCode",
    selection_pattern: "selectionPattern",
    response_templates: "responseTemplates",
    response_parameters: "responseParameters",
    lenient: false,
};

/// The case format: [`CAMEL`], lenient.
pub(crate) const CASE: Names = Names {
    lenient: true,
    ..CAMEL
};

/// CloudFormation `AWS::ApiGateway::Method` `Integration`.
pub(crate) const PASCAL: Names = Names {
    type_: "Type",
    uri: "Uri",
    http_method: "IntegrationHttpMethod",
    request_templates: "RequestTemplates",
    request_parameters: "RequestParameters",
    passthrough: "PassthroughBehavior",
    content_handling: "ContentHandling",
    responses: "IntegrationResponses",
    status_code: "StatusCode",
    selection_pattern: "SelectionPattern",
    response_templates: "ResponseTemplates",
    response_parameters: "ResponseParameters",
    lenient: false,
};

/// `a` + `.b` (a JSON-path-like location).
pub(crate) fn join(loc: &str, key: &str) -> String {
    if loc.is_empty() {
        key.to_string()
    } else {
        format!("{loc}.{key}")
    }
}

pub(crate) fn index(loc: &str, i: usize) -> String {
    format!("{loc}[{i}]")
}

/// What kind of JSON value this is, for messages.
pub(crate) fn kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(m) if intrinsic_name(m).is_some() => "an intrinsic function",
        Json::Object(_) => "an object",
    }
}

/// The name of a CloudFormation intrinsic function object (`{"Fn::Sub": ...}`,
/// `{"Ref": ...}`).
pub(crate) fn intrinsic_name(m: &Map<String, Json>) -> Option<&str> {
    if m.len() != 1 {
        return None;
    }
    let k = m.keys().next()?;
    (k.starts_with("Fn::") || k == "Ref" || k == "Condition").then_some(k.as_str())
}

pub(crate) fn object<'a>(v: &'a Json, loc: &str) -> Result<&'a Map<String, Json>, Problem> {
    match v {
        Json::Object(m) if intrinsic_name(m).is_none() => Ok(m),
        other => Err(Problem::new(
            loc,
            format!("expected an object, found {}", kind(other)),
        )),
    }
}

/// A string, or a number or boolean written without quotes (YAML `200`).
pub(crate) fn text(v: &Json, loc: &str) -> Result<String, Problem> {
    match v {
        Json::String(s) => Ok(s.clone()),
        Json::Number(n) => Ok(n.to_string()),
        Json::Bool(b) => Ok(b.to_string()),
        other => Err(Problem::new(
            loc,
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

fn parse_integration_type(v: &Json, loc: &str) -> Result<IntegrationType, Problem> {
    let s = text(v, loc)?;
    IntegrationType::parse(&s).ok_or_else(|| {
        Problem::new(
            loc,
            format!(
                "unknown integration type {s:?} (expected AWS, AWS_PROXY, HTTP, HTTP_PROXY or MOCK)"
            ),
        )
    })
}

fn parse_content_handling(v: &Json, loc: &str) -> Result<Option<ContentHandling>, Problem> {
    if v.is_null() {
        return Ok(None);
    }
    let s = text(v, loc)?;
    ContentHandling::parse(&s).map(Some).ok_or_else(|| {
        Problem::new(
            loc,
            format!(
                "unknown contentHandling {s:?} (expected CONVERT_TO_TEXT or CONVERT_TO_BINARY)"
            ),
        )
    })
}

/// A mapping template value: a string, null (no template), or a
/// CloudFormation `Fn::Sub` whose text is used with `${!Name}` unescaped and
/// the variables it lists substituted (others left as written; a warning says so).
fn template_text(
    v: &Json,
    loc: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<String>, Problem> {
    match v {
        Json::Null => Ok(None),
        Json::String(s) => Ok(Some(s.clone())),
        Json::Object(m) if intrinsic_name(m) == Some("Fn::Sub") => {
            let arg = m.get("Fn::Sub").unwrap_or(&Json::Null);
            let (source, vars) = match arg {
                Json::String(s) => (s.as_str(), None),
                Json::Array(a) => match (a.first(), a.get(1)) {
                    (Some(Json::String(s)), Some(Json::Object(vars))) => (s.as_str(), Some(vars)),
                    _ => {
                        return Err(Problem::new(
                            loc,
                            "Fn::Sub expects a string or [string, {variables}]",
                        ));
                    }
                },
                other => {
                    return Err(Problem::new(
                        loc,
                        format!("Fn::Sub expects a string, found {}", kind(other)),
                    ));
                }
            };
            let (text, unresolved) = substitute(source, vars);
            if !unresolved.is_empty() {
                warnings.push(format!(
                    "{loc}: Fn::Sub variables left as written: {}",
                    unresolved.join(", ")
                ));
            }
            Ok(Some(text))
        }
        other => Err(Problem::new(
            loc,
            format!(
                "expected a mapping template (a string), found {}",
                kind(other)
            ),
        )),
    }
}

/// CloudFormation `Fn::Sub` on a text: `${!X}` → `${X}`, `${Name}` → the
/// variable's string value when given, else left as written (and reported).
fn substitute(source: &str, vars: Option<&Map<String, Json>>) -> (String, Vec<String>) {
    let mut out = String::with_capacity(source.len());
    let mut unresolved = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            out.push_str(rest.get(start..).unwrap_or(""));
            rest = "";
            break;
        };
        let name = after.get(..end).unwrap_or("");
        if let Some(literal) = name.strip_prefix('!') {
            out.push_str("${");
            out.push_str(literal);
            out.push('}');
        } else if let Some(Json::String(value)) = vars.and_then(|v| v.get(name)) {
            out.push_str(value);
        } else {
            out.push_str("${");
            out.push_str(name);
            out.push('}');
            if !unresolved.iter().any(|u| u == name) {
                unresolved.push(name.to_string());
            }
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    (out, unresolved)
}

fn templates(v: &Json, loc: &str, warnings: &mut Vec<String>) -> Result<Templates, Problem> {
    if v.is_null() {
        return Ok(Templates::new());
    }
    let mut out = Templates::new();
    for (media_type, t) in object(v, loc)? {
        let loc = join(loc, media_type);
        let source = template_text(t, &loc, warnings)?;
        let template = source
            .as_deref()
            .and_then(template_or_none)
            .map(|t| t.at(&loc));
        out.insert(media_type.clone(), template);
    }
    Ok(out)
}

fn parameters(v: &Json, loc: &str) -> Result<IndexMap<String, String>, Problem> {
    if v.is_null() {
        return Ok(IndexMap::new());
    }
    let mut out = IndexMap::new();
    for (key, expr) in object(v, loc)? {
        out.insert(key.clone(), text(expr, &join(loc, key))?);
    }
    Ok(out)
}

fn pattern(s: &str, loc: &str, names: &Names) -> Result<Option<JavaPattern>, Problem> {
    if s.is_empty() {
        return Ok(None);
    }
    let p = JavaPattern::new(s);
    if names.lenient {
        return Ok(Some(p));
    }
    p.validate()
        .map_err(|e| Problem::new(loc, format!("invalid selection pattern {s:?}: {e}")))?;
    Ok(Some(p))
}

fn response(
    v: &Json,
    selection: Option<&str>,
    names: &Names,
    loc: &str,
    warnings: &mut Vec<String>,
) -> Result<IntegrationResponse, Problem> {
    let m = object(v, loc)?;
    let status_loc = join(loc, names.status_code);
    let status_code = match m.get(names.status_code) {
        None | Some(Json::Null) => {
            return Err(Problem::new(
                &status_loc,
                "missing (the method response status)",
            ));
        }
        Some(s) => text(s, &status_loc)?,
    };
    if parse_status(&status_code).is_none() {
        return Err(Problem::new(
            &status_loc,
            format!("{status_code:?} is not an HTTP status code (100-599)"),
        ));
    }
    let selection_pattern = match selection {
        Some(s) => pattern(s, loc, names)?,
        None => match m.get(names.selection_pattern) {
            None | Some(Json::Null) => None,
            Some(p) => {
                let ploc = join(loc, names.selection_pattern);
                pattern(&text(p, &ploc)?, &ploc, names)?
            }
        },
    };
    let get = |k: &str| m.get(k).unwrap_or(&Json::Null);
    Ok(IntegrationResponse {
        status_code,
        selection_pattern,
        response_templates: templates(
            get(names.response_templates),
            &join(loc, names.response_templates),
            warnings,
        )?,
        response_parameters: parameters(
            get(names.response_parameters),
            &join(loc, names.response_parameters),
        )?,
        content_handling: parse_content_handling(
            get(names.content_handling),
            &join(loc, names.content_handling),
        )?,
    })
}

/// An integration from its JSON (in the spelling `names`), at `loc`.
/// Unknown fields are ignored (real definitions carry many: `credentials`,
/// `timeoutInMillis`, `cacheKeyParameters`, ...).
pub(crate) fn parse_integration(
    v: &Json,
    names: &Names,
    loc: &str,
    warnings: &mut Vec<String>,
) -> Result<Integration, Problem> {
    let m = object(v, loc)?;
    let get = |k: &str| m.get(k).unwrap_or(&Json::Null);
    let type_loc = join(loc, names.type_);
    let integration_type = match m.get(names.type_) {
        None | Some(Json::Null) => {
            return Err(Problem::new(
                &type_loc,
                "missing (AWS, AWS_PROXY, HTTP, HTTP_PROXY or MOCK)",
            ));
        }
        Some(t) => parse_integration_type(t, &type_loc)?,
    };
    let http_method = match get(names.http_method) {
        Json::Null => None,
        v => Some(text(v, &join(loc, names.http_method))?),
    };
    let passthrough_behavior = match get(names.passthrough) {
        Json::Null => PassthroughBehavior::default(),
        v => {
            let ploc = join(loc, names.passthrough);
            let s = text(v, &ploc)?;
            PassthroughBehavior::parse(&s).ok_or_else(|| {
                Problem::new(
                    &ploc,
                    format!(
                        "unknown passthroughBehavior {s:?} (expected WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER)"
                    ),
                )
            })?
        }
    };
    let responses_loc = join(loc, names.responses);
    let mut responses = Vec::new();
    match get(names.responses) {
        Json::Null => {}
        Json::Array(items) => {
            for (i, r) in items.iter().enumerate() {
                responses.push(response(
                    r,
                    None,
                    names,
                    &index(&responses_loc, i),
                    warnings,
                )?);
            }
        }
        v => {
            for (key, r) in object(v, &responses_loc)? {
                let selection = if key == "default" { "" } else { key.as_str() };
                responses.push(response(
                    r,
                    Some(selection),
                    names,
                    &join(&responses_loc, key),
                    warnings,
                )?);
            }
        }
    }
    let defaults = responses.iter().filter(|r| r.is_default()).count();
    if defaults > 1 {
        warnings.push(format!(
            "{responses_loc}: {defaults} responses have no selection pattern; the first is the default"
        ));
    }
    Ok(Integration {
        integration_type,
        uri: m.get(names.uri).filter(|u| !u.is_null()).cloned(),
        http_method,
        request_templates: templates(
            get(names.request_templates),
            &join(loc, names.request_templates),
            warnings,
        )?,
        request_parameters: parameters(
            get(names.request_parameters),
            &join(loc, names.request_parameters),
        )?,
        passthrough_behavior,
        content_handling: parse_content_handling(
            get(names.content_handling),
            &join(loc, names.content_handling),
        )?,
        responses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn substitute_like_fn_sub() {
        let vars = json!({"Table": "pets"});
        let table: &[(&str, &str, &[&str])] = &[
            ("plain $input.body", "plain $input.body", &[]),
            ("${!Literal} ${Table}", "${Literal} pets", &[]),
            (
                "${AWS::Region}/${Table}",
                "${AWS::Region}/pets",
                &["AWS::Region"],
            ),
            ("open ${", "open ${", &[]),
        ];
        for (src, want, unresolved) in table {
            let (out, u) = substitute(src, vars.as_object());
            assert_eq!(
                (
                    out.as_str(),
                    u.iter().map(String::as_str).collect::<Vec<_>>()
                ),
                (*want, unresolved.to_vec())
            );
        }
    }

    #[test]
    fn errors_name_the_field() {
        let cases: &[(Json, &str, &str)] = &[
            (json!({}), "i.type", "missing"),
            (
                json!({"type": "LAMBDA"}),
                "i.type",
                "unknown integration type",
            ),
            (
                json!({"type": "aws", "responses": {"default": {}}}),
                "i.responses.default.statusCode",
                "missing",
            ),
            (
                json!({"type": "aws", "responses": {"(x": {"statusCode": "400"}}}),
                "i.responses.(x",
                "invalid selection pattern",
            ),
            (
                json!({"type": "aws", "responses": [{"statusCode": "abc"}]}),
                "i.responses[0].statusCode",
                "not an HTTP status",
            ),
            (
                json!({"type": "aws", "requestTemplates": {"application/json": 1}}),
                "i.requestTemplates.application/json",
                "mapping template",
            ),
            (
                json!({"type": "aws", "requestTemplates": {"application/json": {"Fn::GetAtt": ["a", "b"]}}}),
                "i.requestTemplates.application/json",
                "intrinsic",
            ),
            (
                json!({"type": "aws", "passthroughBehavior": "sometimes"}),
                "i.passthroughBehavior",
                "unknown passthroughBehavior",
            ),
            (
                json!({"type": "aws", "responses": "x"}),
                "i.responses",
                "expected an object",
            ),
            (
                json!({"type": "aws", "contentHandling": "ZIP"}),
                "i.contentHandling",
                "unknown contentHandling",
            ),
        ];
        for (v, loc, msg) in cases {
            let e = parse_integration(v, &CAMEL, "i", &mut Vec::new()).unwrap_err();
            assert_eq!(e.location, *loc, "{v}");
            assert!(e.message.contains(msg), "{v}: {}", e.message);
        }
    }

    #[test]
    fn templates_know_where_they_were_read() {
        let v = json!({
            "type": "aws",
            "requestTemplates": {"application/json": "{}"},
            "responses": {"Bad.*": {"statusCode": "400", "responseTemplates": {"text/plain": "x"}}}
        });
        let i = parse_integration(&v, &CAMEL, "p.get.i", &mut Vec::new()).unwrap();
        let loc = |t: Option<&Option<crate::gateway::MappingTemplate>>| {
            t.and_then(|t| t.as_ref())
                .and_then(|t| t.location().map(str::to_owned))
        };
        assert_eq!(
            loc(i.request_templates.get("application/json")).as_deref(),
            Some("p.get.i.requestTemplates.application/json")
        );
        assert_eq!(
            loc(i.responses[0].response_templates.get("text/plain")).as_deref(),
            Some("p.get.i.responses.Bad.*.responseTemplates.text/plain")
        );
    }

    #[test]
    fn openapi_and_cloudformation_spellings() {
        let openapi = json!({
            "type": "aws", "httpMethod": "POST", "uri": {"Fn::Sub": "arn:${Fn.Arn}"},
            "passthroughBehavior": "when_no_templates",
            "requestTemplates": {"application/json": "{}"},
            "responses": {
                "default": {"statusCode": 200},
                "Bad.*": {"statusCode": "400", "responseTemplates": {"application/json": ""}},
            }
        });
        let i = parse_integration(&openapi, &CAMEL, "", &mut Vec::new()).unwrap();
        assert_eq!(i.integration_type, IntegrationType::Aws);
        assert_eq!(i.passthrough_behavior, PassthroughBehavior::WhenNoTemplates);
        assert_eq!(i.responses.len(), 2);
        assert!(i.responses[0].is_default());
        assert_eq!(i.responses[0].status_code, "200");
        assert_eq!(
            i.responses[1]
                .selection_pattern
                .as_ref()
                .map(|p| p.source()),
            Some("Bad.*")
        );
        assert_eq!(
            i.responses[1].response_templates.get("application/json"),
            Some(&None)
        );
        let cfn = json!({
            "Type": "MOCK",
            "RequestTemplates": {"application/json": "{\"statusCode\": 200}"},
            "IntegrationResponses": [
                {"StatusCode": "200", "ResponseParameters": {"method.response.header.A": "'*'"}},
                {"StatusCode": 500, "SelectionPattern": "5\\d{2}"}
            ]
        });
        let i = parse_integration(&cfn, &PASCAL, "", &mut Vec::new()).unwrap();
        assert_eq!(i.integration_type, IntegrationType::Mock);
        assert_eq!(i.responses[1].status_code, "500");
        assert_eq!(i.responses[0].response_parameters.len(), 1);
    }
}
