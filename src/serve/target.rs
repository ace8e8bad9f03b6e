//! Which backend an integration's `uri` names: the Lambda function (from an
//! invocation ARN, a Lambda ARN, or the CloudFormation intrinsics SAM
//! templates write), or the URL of an HTTP backend.

use super::context::{ACCOUNT_ID, REGION};
use indexmap::IndexMap;
use serde_json::Value as Json;

/// Deepest nesting of intrinsic functions followed.
const MAX_DEPTH: usize = 16;

/// A Lambda function to invoke.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LambdaFunction {
    /// The function name the Invoke API is called with.
    pub name: String,
    /// An alias or version (`function:NAME:QUALIFIER`).
    pub qualifier: Option<String>,
}

/// The ARN a SAM/CloudFormation `Fn::GetAtt [X, Arn]` of a function gives
/// (the logical id stands for the function name, as `sam local` names it).
fn function_arn(logical_id: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{logical_id}")
}

/// A pseudo parameter's value, `None` for anything else.
fn pseudo(name: &str) -> Option<&'static str> {
    match name {
        "AWS::Region" => Some(REGION),
        "AWS::AccountId" => Some(ACCOUNT_ID),
        "AWS::Partition" => Some("aws"),
        "AWS::URLSuffix" => Some("amazonaws.com"),
        _ => None,
    }
}

/// A `Ref` or `${Name}`: a pseudo parameter, else the logical id itself
/// (`Ref` of a function is its name; locally, the logical id).
fn reference(name: &str) -> String {
    pseudo(name).map_or_else(|| name.to_string(), str::to_string)
}

/// `GetAtt X.Attr`: a function's `Arn`; other attributes as `X.Attr`.
fn get_att(resource: &str, attribute: &str) -> String {
    if attribute == "Arn" {
        function_arn(resource)
    } else {
        format!("{resource}.{attribute}")
    }
}

/// `Fn::Sub` text: `${!X}` → `${X}`, `${X.Attr}` → `GetAtt`, `${X}` → the
/// variable given, else `Ref`.
fn substitute(text: &str, vars: Option<&serde_json::Map<String, Json>>, depth: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            out.push_str(rest.get(start..).unwrap_or(""));
            return out;
        };
        let name = after.get(..end).unwrap_or("");
        if let Some(literal) = name.strip_prefix('!') {
            out.push_str("${");
            out.push_str(literal);
            out.push('}');
        } else if let Some(v) = vars.and_then(|v| v.get(name)) {
            match flatten(v, depth + 1) {
                Some(s) => out.push_str(&s),
                None => {
                    out.push_str("${");
                    out.push_str(name);
                    out.push('}');
                }
            }
        } else if pseudo(name).is_none()
            && let Some((res, attr)) = name.split_once('.')
        {
            out.push_str(&get_att(res, attr));
        } else {
            out.push_str(&reference(name));
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// A `uri` value as text, with the intrinsic functions SAM and
/// CloudFormation templates use for it expanded (`Fn::Sub`, `Fn::GetAtt`,
/// `Ref`, `Fn::Join`). `None` when it cannot be made text.
pub fn flatten(v: &Json, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Object(m) if m.len() == 1 => {
            let (k, arg) = m.iter().next()?;
            match (k.as_str(), arg) {
                ("Fn::Sub", Json::String(s)) => Some(substitute(s, None, depth)),
                ("Fn::Sub", Json::Array(a)) => match (a.first(), a.get(1)) {
                    (Some(Json::String(s)), Some(Json::Object(vars))) => {
                        Some(substitute(s, Some(vars), depth))
                    }
                    (Some(Json::String(s)), None) => Some(substitute(s, None, depth)),
                    _ => None,
                },
                ("Fn::GetAtt", Json::Array(a)) => match (a.first(), a.get(1)) {
                    (Some(Json::String(r)), Some(Json::String(attr))) => Some(get_att(r, attr)),
                    _ => None,
                },
                ("Fn::GetAtt", Json::String(s)) => {
                    let (r, attr) = s.split_once('.')?;
                    Some(get_att(r, attr))
                }
                ("Ref", Json::String(name)) => Some(reference(name)),
                ("Fn::Join", Json::Array(a)) => match (a.first(), a.get(1)) {
                    (Some(Json::String(sep)), Some(Json::Array(parts))) => {
                        let parts: Option<Vec<String>> =
                            parts.iter().map(|p| flatten(p, depth + 1)).collect();
                        Some(parts?.join(sep))
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// `${stageVariables.NAME}` replaced by the stage variable's value (API
/// Gateway does so in an integration's `uri`); an unknown one is left.
pub fn with_stage_variables(text: &str, stage_variables: &IndexMap<String, String>) -> String {
    const OPEN: &str = "${stageVariables.";
    if !text.contains(OPEN) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + OPEN.len()..).unwrap_or("");
        let Some(end) = after.find('}') else {
            out.push_str(rest.get(start..).unwrap_or(""));
            return out;
        };
        let name = after.get(..end).unwrap_or("");
        match stage_variables.get(name) {
            Some(v) => out.push_str(v),
            None => out.push_str(rest.get(start..start + OPEN.len() + end + 1).unwrap_or("")),
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The function an integration `uri` invokes:
///
/// - `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations`
///   (`ARN` a Lambda ARN `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`,
///   or a name);
/// - a Lambda ARN itself (what SAM's `Fn::GetAtt [Function, Arn]` gives);
/// - the same written with `Fn::Sub`, `Fn::GetAtt`, `Ref` or `Fn::Join`
///   (a function's logical id stands for its name, as `sam local` names it);
/// - `${stageVariables.NAME}` anywhere is the stage variable's value.
///
/// An error says why no function can be told (an AWS service other than
/// Lambda, an unresolved variable, ...).
pub fn lambda_function(
    uri: Option<&Json>,
    stage_variables: &IndexMap<String, String>,
) -> Result<LambdaFunction, String> {
    let Some(uri) = uri else {
        return Err("the integration has no uri".to_string());
    };
    let Some(text) = flatten(uri, 0) else {
        return Err(format!(
            "cannot read the integration uri {}",
            crate::gateway::jackson_json(uri)
        ));
    };
    let text = with_stage_variables(&text, stage_variables);
    let id = if let Some(i) = text.find("/functions/") {
        let rest = text.get(i + "/functions/".len()..).unwrap_or("");
        rest.find("/invocations")
            .and_then(|e| rest.get(..e))
            .unwrap_or(rest)
    } else if let Some(service) = service_of(&text) {
        if service != "lambda" {
            return Err(format!(
                "{text}: an integration with the AWS service `{service}` is not emulated (only Lambda functions are)"
            ));
        }
        text.as_str()
    } else {
        text.as_str()
    };
    let (name, qualifier) = if let Some(arn) = id.strip_prefix("arn:") {
        // PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
        let parts: Vec<&str> = arn.split(':').collect();
        match (parts.get(1), parts.get(4), parts.get(5)) {
            (Some(&"lambda"), Some(&"function"), Some(name)) => {
                (name.to_string(), parts.get(6).map(|q| q.to_string()))
            }
            _ => {
                return Err(format!(
                    "{text}: not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)"
                ));
            }
        }
    } else {
        match id.split_once(':') {
            Some((n, q)) => (n.to_string(), Some(q.to_string())),
            None => (id.to_string(), None),
        }
    };
    if name.is_empty() || name.contains('/') {
        return Err(format!("{text}: no Lambda function name in the uri"));
    }
    if name.contains("${") || qualifier.as_deref().is_some_and(|q| q.contains("${")) {
        return Err(format!(
            "{text}: the function name has a variable that is not resolved here; name the function with --function"
        ));
    }
    Ok(LambdaFunction {
        name,
        qualifier: qualifier.filter(|q| !q.is_empty()),
    })
}

/// `arn:aws:apigateway:REGION:SERVICE:...` → `SERVICE`; a Lambda ARN → `lambda`.
fn service_of(text: &str) -> Option<&str> {
    let arn = text.strip_prefix("arn:")?;
    let mut parts = arn.splitn(5, ':');
    let _partition = parts.next()?;
    let service = parts.next()?;
    if service == "apigateway" {
        let _region = parts.next()?;
        parts.next()
    } else {
        Some(service)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    type Named = Result<(String, Option<String>), String>;

    fn name(uri: Json) -> Named {
        let mut sv = IndexMap::new();
        sv.insert("fn".to_string(), "FromStage".to_string());
        lambda_function(Some(&uri), &sv).map(|f| (f.name, f.qualifier))
    }

    #[test]
    fn function_names() {
        let ok = |n: &str| Ok((n.to_string(), None));
        let table: Vec<(Json, Named)> = vec![
            (
                json!(
                    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:GetPet/invocations"
                ),
                ok("GetPet"),
            ),
            (
                json!(
                    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:GetPet:live/invocations"
                ),
                Ok(("GetPet".into(), Some("live".into()))),
            ),
            (
                json!(
                    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:${stageVariables.fn}/invocations"
                ),
                ok("FromStage"),
            ),
            (
                json!("arn:aws:lambda:us-east-1:1:function:Plain"),
                ok("Plain"),
            ),
            (json!("Bare"), ok("Bare")),
            // SAM: !Sub with ${Function.Arn}, and with ${Function} (Ref).
            (
                json!({"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${GetPetFunction.Arn}/invocations"}),
                ok("GetPetFunction"),
            ),
            (
                json!({"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${PetsFn}/invocations"}),
                ok("PetsFn"),
            ),
            (
                json!({"Fn::Sub": ["arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Target}/invocations", {"Target": {"Fn::GetAtt": ["Other", "Arn"]}}]}),
                ok("Other"),
            ),
            // SAM's implicit proxy integration: Fn::GetAtt [Function, Arn].
            (
                json!({"Fn::GetAtt": ["ProxyFunction", "Arn"]}),
                ok("ProxyFunction"),
            ),
            (
                json!({"Fn::GetAtt": "ProxyFunction.Arn"}),
                ok("ProxyFunction"),
            ),
            (
                json!({"Fn::Join": ["", ["arn:aws:apigateway:", {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": ["Joined", "Arn"]}, "/invocations"]]}),
                ok("Joined"),
            ),
        ];
        for (uri, want) in table {
            assert_eq!(name(uri.clone()), want, "{uri}");
        }
    }

    #[test]
    fn not_a_function() {
        for uri in [
            json!("arn:aws:apigateway:us-east-1:sqs:path/123456789012/queue"),
            json!("arn:aws:apigateway:us-east-1:dynamodb:action/PutItem"),
            json!(
                "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:${stageVariables.nope}/invocations"
            ),
            json!("arn:aws:states:us-east-1:1:stateMachine:x"),
            json!({"Fn::If": ["c", "a", "b"]}),
            json!(7),
        ] {
            assert!(name(uri.clone()).is_err(), "{uri}");
        }
        assert!(lambda_function(None, &IndexMap::new()).is_err());
    }

    #[test]
    fn stage_variables_in_text() {
        let mut sv = IndexMap::new();
        sv.insert("host".to_string(), "127.0.0.1:9".to_string());
        assert_eq!(
            with_stage_variables("http://${stageVariables.host}/x/${stageVariables.no}", &sv),
            "http://127.0.0.1:9/x/${stageVariables.no}"
        );
        assert_eq!(
            with_stage_variables("${stageVariables.", &sv),
            "${stageVariables."
        );
    }
}
