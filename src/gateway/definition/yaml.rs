//! YAML to JSON, with CloudFormation's short-form intrinsics (`!Sub`,
//! `!GetAtt`, `!Ref`, ...) turned into their long form (`{"Fn::Sub": ...}`),
//! kept as opaque values.

use serde_json::{Map, Number, Value as Json};
use serde_norway::Value as Yaml;

/// Deepest nesting converted (serde_norway itself stops at 128).
const MAX_DEPTH: usize = 256;

/// Parses YAML text into JSON. The error is the YAML parser's message
/// (with its line and column).
pub(crate) fn parse(text: &str) -> Result<Json, String> {
    let y: Yaml = serde_norway::from_str(text).map_err(|e| e.to_string())?;
    convert(y, 0)
}

fn key_text(k: Yaml, depth: usize) -> Result<String, String> {
    Ok(match k {
        Yaml::String(s) => s,
        Yaml::Null => "null".to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        other => crate::gateway::jackson::to_string(&convert(other, depth + 1)?),
    })
}

fn convert(y: Yaml, depth: usize) -> Result<Json, String> {
    if depth > MAX_DEPTH {
        return Err("the document is nested too deeply".to_string());
    }
    Ok(match y {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Json::Number(u.into())
            } else {
                n.as_f64()
                    .and_then(Number::from_f64)
                    .map_or(Json::Null, Json::Number)
            }
        }
        Yaml::String(s) => Json::String(s),
        Yaml::Sequence(items) => Json::Array(
            items
                .into_iter()
                .map(|i| convert(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(key_text(k, depth)?, convert(v, depth + 1)?);
            }
            Json::Object(out)
        }
        Yaml::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = convert(t.value, depth + 1)?;
            let (key, value) = match name {
                "Ref" => ("Ref".to_string(), value),
                "Condition" => ("Condition".to_string(), value),
                "GetAtt" => {
                    let value = match value {
                        Json::String(s) => match s.split_once('.') {
                            Some((res, attr)) => Json::Array(vec![
                                Json::String(res.to_string()),
                                Json::String(attr.to_string()),
                            ]),
                            None => Json::String(s),
                        },
                        other => other,
                    };
                    ("Fn::GetAtt".to_string(), value)
                }
                "Sub" | "Join" | "Select" | "Split" | "If" | "Equals" | "And" | "Or" | "Not"
                | "FindInMap" | "Base64" | "Cidr" | "ImportValue" | "GetAZs" | "Transform"
                | "Length" | "ToJsonString" => (format!("Fn::{name}"), value),
                _ => (tag.clone(), value),
            };
            let mut m = Map::new();
            m.insert(key, value);
            Json::Object(m)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_form_intrinsics() {
        let y = "a: !Sub 'arn:${Fn.Arn}'\nb: !GetAtt Fn.Arn\nc: !Ref Api\nd: !Join ['', [a, b]]\ne: !Custom 1\n200: x\nf: 1.5\n";
        assert_eq!(
            parse(y).unwrap(),
            json!({
                "a": {"Fn::Sub": "arn:${Fn.Arn}"},
                "b": {"Fn::GetAtt": ["Fn", "Arn"]},
                "c": {"Ref": "Api"},
                "d": {"Fn::Join": ["", ["a", "b"]]},
                "e": {"!Custom": 1},
                "200": "x",
                "f": 1.5
            })
        );
    }

    #[test]
    fn errors_have_positions() {
        let e = parse("a: [1, 2\nb: 3").unwrap_err();
        assert!(e.contains("line"), "{e}");
    }
}
