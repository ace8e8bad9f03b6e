//! OpenAPI 3 and Swagger 2 documents with `x-amazon-apigateway-integration`.

use super::integration::{CAMEL, join, kind, object, parse_integration, text};
use super::{DefinitionFormat, Problem, Route, method_name};
use serde_json::Value as Json;

/// The extension that holds a method's integration.
const INTEGRATION: &str = "x-amazon-apigateway-integration";

/// OpenAPI 3 or Swagger 2, from the `openapi` / `swagger` field.
pub(crate) fn format(doc: &Json, loc: &str) -> Result<DefinitionFormat, Problem> {
    let m = object(doc, loc)?;
    if let Some(v) = m.get("openapi") {
        let vloc = join(loc, "openapi");
        let version = text(v, &vloc)?;
        if version.starts_with("3.") {
            return Ok(DefinitionFormat::OpenApi3);
        }
        return Err(Problem::new(
            &vloc,
            format!("unsupported OpenAPI version {version:?} (3.x expected)"),
        ));
    }
    if let Some(v) = m.get("swagger") {
        let vloc = join(loc, "swagger");
        let version = text(v, &vloc)?;
        if version == "2.0" || version == "2" {
            return Ok(DefinitionFormat::Swagger2);
        }
        return Err(Problem::new(
            &vloc,
            format!("unsupported Swagger version {version:?} (2.0 expected)"),
        ));
    }
    Err(Problem::new(loc, "neither `openapi` nor `swagger` is set"))
}

/// Adds the routes of the document at `loc` (`""` for a whole file,
/// `Resources.Api.Properties.DefinitionBody` inside a template).
pub(crate) fn read(
    doc: &Json,
    loc: &str,
    api: Option<&str>,
    routes: &mut Vec<Route>,
    warnings: &mut Vec<String>,
) -> Result<(), Problem> {
    format(doc, loc)?;
    let m = object(doc, loc)?;
    let paths_loc = join(loc, "paths");
    let paths = match m.get("paths") {
        None | Some(Json::Null) => return Ok(()),
        Some(p) => object(p, &paths_loc)?,
    };
    for (path, item) in paths {
        let item_loc = join(&paths_loc, path);
        if !path.starts_with('/') {
            return Err(Problem::new(&item_loc, "a path must start with `/`"));
        }
        let item = match item {
            Json::Null => continue,
            other => object(other, &item_loc)?,
        };
        for (key, op) in item {
            let Some(method) = method_name(key).filter(|_| key != "any") else {
                continue;
            };
            let op_loc = join(&item_loc, key);
            let op = object(op, &op_loc)?;
            let integration = match op.get(INTEGRATION) {
                None | Some(Json::Null) => {
                    warnings.push(format!("{op_loc}: no {INTEGRATION}"));
                    None
                }
                Some(i) => Some(parse_integration(
                    i,
                    &CAMEL,
                    &join(&op_loc, INTEGRATION),
                    warnings,
                )?),
            };
            let operation_id = match op.get("operationId") {
                None | Some(Json::Null) => None,
                Some(Json::String(s)) => Some(s.clone()),
                Some(other) => {
                    return Err(Problem::new(
                        &join(&op_loc, "operationId"),
                        format!("expected a string, found {}", kind(other)),
                    ));
                }
            };
            routes.push(Route {
                method,
                path_template: super::routing::normalize_path(path).to_string(),
                integration,
                api: api.map(str::to_string),
                operation_id,
                location: op_loc,
            });
        }
    }
    Ok(())
}
