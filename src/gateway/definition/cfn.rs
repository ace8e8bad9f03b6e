//! AWS SAM and CloudFormation templates: `AWS::Serverless::Api`
//! (`DefinitionBody`, local `DefinitionUri`), `AWS::ApiGateway::RestApi`
//! (`Body`), `AWS::ApiGateway::Resource` + `AWS::ApiGateway::Method`
//! (`Integration`), and `AWS::Serverless::Function` events of type `Api`
//! (Lambda proxy routes).

use super::integration::{PASCAL, intrinsic_name, join, kind, object, parse_integration, text};
use super::{ApiDefinition, LoadError, Problem, Route, method_name, openapi, parse_text, resolve};
use crate::gateway::model::{Integration, IntegrationType};
use serde_json::{Map, Value as Json};
use std::path::Path;

/// The API SAM creates for function events that name none.
const IMPLICIT_API: &str = "ServerlessRestApi";

/// Deepest `AWS::ApiGateway::Resource` parent chain followed.
const MAX_RESOURCE_DEPTH: usize = 64;

pub(crate) fn is_sam(doc: &Json) -> bool {
    let is = |v: &Json| v.as_str().is_some_and(|s| s.starts_with("AWS::Serverless"));
    match doc.get("Transform") {
        Some(Json::Array(items)) => items.iter().any(is),
        Some(v) => is(v),
        None => false,
    }
}

/// The logical ID a `{"Ref": "X"}` names.
fn ref_name(v: &Json) -> Option<&str> {
    v.as_object().filter(|m| m.len() == 1)?.get("Ref")?.as_str()
}

/// `{"Fn::GetAtt": ["Api", "RootResourceId"]}` (or `"Api.RootResourceId"`) → `Api`.
fn root_resource_of(v: &Json) -> Option<&str> {
    match v.as_object().filter(|m| m.len() == 1)?.get("Fn::GetAtt")? {
        Json::Array(a) => match (a.first()?.as_str(), a.get(1)?.as_str()) {
            (Some(api), Some("RootResourceId")) => Some(api),
            _ => None,
        },
        Json::String(s) => s.strip_suffix(".RootResourceId"),
        _ => None,
    }
}

/// The path of the resource a `ResourceId`/`ParentId` value designates.
fn resource_path(
    id: &Json,
    resources: &Map<String, Json>,
    loc: &str,
    depth: usize,
) -> Result<String, Problem> {
    if depth > MAX_RESOURCE_DEPTH {
        return Err(Problem::new(
            loc,
            "the resource parents form a cycle or are nested too deeply",
        ));
    }
    if root_resource_of(id).is_some() {
        return Ok("/".to_string());
    }
    let Some(name) = ref_name(id) else {
        return Err(Problem::new(
            loc,
            format!(
                "cannot resolve {}: expected !Ref to an AWS::ApiGateway::Resource or !GetAtt API.RootResourceId",
                kind(id)
            ),
        ));
    };
    let res_loc = join("Resources", name);
    let Some(res) = resources.get(name) else {
        return Err(Problem::new(
            loc,
            format!("no resource {name:?} in Resources"),
        ));
    };
    if res.get("Type").and_then(Json::as_str) != Some("AWS::ApiGateway::Resource") {
        return Err(Problem::new(
            loc,
            format!("{name:?} is not an AWS::ApiGateway::Resource"),
        ));
    }
    let props_loc = join(&res_loc, "Properties");
    let props = object(res.get("Properties").unwrap_or(&Json::Null), &props_loc)?;
    let part_loc = join(&props_loc, "PathPart");
    let part = text(props.get("PathPart").unwrap_or(&Json::Null), &part_loc)?;
    let parent_loc = join(&props_loc, "ParentId");
    let parent = resource_path(
        props.get("ParentId").unwrap_or(&Json::Null),
        resources,
        &parent_loc,
        depth + 1,
    )?;
    Ok(if parent == "/" {
        format!("/{part}")
    } else {
        format!("{parent}/{part}")
    })
}

/// A string-valued property that must be present.
fn required_text(props: &Map<String, Json>, key: &str, loc: &str) -> Result<String, Problem> {
    let kloc = join(loc, key);
    match props.get(key) {
        None | Some(Json::Null) => Err(Problem::new(&kloc, "missing")),
        Some(v) => text(v, &kloc),
    }
}

fn method_of(s: &str, loc: &str) -> Result<String, Problem> {
    method_name(s.trim()).ok_or_else(|| {
        Problem::new(
            loc,
            format!("unknown method {s:?} (GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH or ANY)"),
        )
    })
}

/// A function event's route, added after the explicit definitions.
struct EventRoute {
    route: Route,
}

pub(crate) fn read(
    doc: &Json,
    file: &str,
    base: Option<&Path>,
    def: &mut ApiDefinition,
) -> Result<(), LoadError> {
    let in_file = |p: Problem| p.in_file(file);
    let resources =
        object(doc.get("Resources").unwrap_or(&Json::Null), "Resources").map_err(in_file)?;
    let mut events = Vec::new();
    for (id, res) in resources {
        let loc = join("Resources", id);
        let res = object(res, &loc).map_err(in_file)?;
        let Some(ty) = res.get("Type").and_then(Json::as_str) else {
            continue;
        };
        let props_loc = join(&loc, "Properties");
        let props = match res.get("Properties") {
            None | Some(Json::Null) => None,
            Some(p) => Some(object(p, &props_loc).map_err(in_file)?),
        };
        let empty = Map::new();
        let props_or_empty = props.unwrap_or(&empty);
        match ty {
            "AWS::Serverless::Api" | "AWS::ApiGateway::RestApi" => {
                let body_key = if ty == "AWS::Serverless::Api" {
                    "DefinitionBody"
                } else {
                    "Body"
                };
                let uri_key = if ty == "AWS::Serverless::Api" {
                    "DefinitionUri"
                } else {
                    "BodyS3Location"
                };
                let body_loc = join(&props_loc, body_key);
                match props_or_empty.get(body_key) {
                    None | Some(Json::Null) => {}
                    Some(Json::Object(m)) if intrinsic_name(m).is_some() => {
                        def.warnings.push(format!(
                            "{body_loc}: {} is not expanded; its routes are not known",
                            intrinsic_name(m).unwrap_or("")
                        ))
                    }
                    Some(body) => {
                        openapi::read(
                            body,
                            &body_loc,
                            Some(id),
                            &mut def.routes,
                            &mut def.warnings,
                        )
                        .map_err(in_file)?;
                    }
                }
                let uri_loc = join(&props_loc, uri_key);
                match props_or_empty.get(uri_key) {
                    None | Some(Json::Null) => {}
                    Some(Json::String(uri)) if !uri.starts_with("s3://") => {
                        let Some(path) = resolve(base, uri) else {
                            def.warnings.push(format!(
                                "{uri_loc}: {uri:?} not read (no directory to read it from)"
                            ));
                            continue;
                        };
                        let name = path.display().to_string();
                        let text = std::fs::read_to_string(&path).map_err(|e| {
                            Problem::new(&uri_loc, format!("cannot read {name}: {e}")).in_file(file)
                        })?;
                        let body = parse_text(&name, &text)?;
                        openapi::read(&body, "", Some(id), &mut def.routes, &mut def.warnings)
                            .map_err(|p| p.in_file(&name))?;
                    }
                    Some(other) => def.warnings.push(format!(
                        "{uri_loc}: {} not read (only a local file is)",
                        kind(other)
                    )),
                }
            }
            "AWS::ApiGateway::Method" => {
                let method_loc = join(&props_loc, "HttpMethod");
                let method = method_of(
                    &required_text(props_or_empty, "HttpMethod", &props_loc).map_err(in_file)?,
                    &method_loc,
                )
                .map_err(in_file)?;
                let rid_loc = join(&props_loc, "ResourceId");
                let path = resource_path(
                    props_or_empty.get("ResourceId").unwrap_or(&Json::Null),
                    resources,
                    &rid_loc,
                    0,
                )
                .map_err(in_file)?;
                let integration = match props_or_empty.get("Integration") {
                    None | Some(Json::Null) => None,
                    Some(i) => Some(
                        parse_integration(
                            i,
                            &PASCAL,
                            &join(&props_loc, "Integration"),
                            &mut def.warnings,
                        )
                        .map_err(in_file)?,
                    ),
                };
                let api = props_or_empty
                    .get("RestApiId")
                    .and_then(ref_name)
                    .map(str::to_string);
                def.routes.push(Route {
                    method,
                    path_template: path,
                    integration,
                    api,
                    operation_id: props_or_empty
                        .get("OperationName")
                        .and_then(Json::as_str)
                        .map(str::to_string),
                    location: loc.clone(),
                });
            }
            "AWS::Serverless::Function" => {
                let events_loc = join(&props_loc, "Events");
                let evs = match props_or_empty.get("Events") {
                    None | Some(Json::Null) => continue,
                    Some(e) => object(e, &events_loc).map_err(in_file)?,
                };
                for (name, ev) in evs {
                    let ev_loc = join(&events_loc, name);
                    let ev = object(ev, &ev_loc).map_err(in_file)?;
                    let ev_type = ev.get("Type").and_then(Json::as_str).unwrap_or("");
                    if ev_type == "HttpApi" {
                        def.warnings.push(format!(
                            "{ev_loc}: HttpApi events (HTTP APIs) are not modelled"
                        ));
                        continue;
                    }
                    if ev_type != "Api" {
                        continue;
                    }
                    let p_loc = join(&ev_loc, "Properties");
                    let p = object(ev.get("Properties").unwrap_or(&Json::Null), &p_loc)
                        .map_err(in_file)?;
                    let path = required_text(p, "Path", &p_loc).map_err(in_file)?;
                    if !path.starts_with('/') {
                        return Err(Problem::new(
                            &join(&p_loc, "Path"),
                            "a path must start with `/`",
                        )
                        .in_file(file));
                    }
                    let method_loc = join(&p_loc, "Method");
                    let method = method_of(
                        &required_text(p, "Method", &p_loc).map_err(in_file)?,
                        &method_loc,
                    )
                    .map_err(in_file)?;
                    let api = p
                        .get("RestApiId")
                        .and_then(ref_name)
                        .unwrap_or(IMPLICIT_API)
                        .to_string();
                    let mut uri = Map::new();
                    uri.insert(
                        "Fn::GetAtt".into(),
                        Json::Array(vec![Json::String(id.clone()), Json::String("Arn".into())]),
                    );
                    let integration = Integration {
                        uri: Some(Json::Object(uri)),
                        http_method: Some("POST".into()),
                        ..Integration::new(IntegrationType::AwsProxy)
                    };
                    events.push(EventRoute {
                        route: Route {
                            method,
                            path_template: super::routing::normalize_path(&path).to_string(),
                            integration: Some(integration),
                            api: Some(api),
                            operation_id: None,
                            location: ev_loc,
                        },
                    });
                }
            }
            _ => {}
        }
    }
    // SAM adds a function event to its API's definition unless the
    // definition already integrates that method.
    for EventRoute { route } in events {
        let same = |r: &Route| {
            r.method == route.method
                && r.path_template == route.path_template
                && (r.api == route.api || r.api.is_none())
        };
        match def.routes.iter_mut().find(|r| same(r)) {
            Some(existing) if existing.integration.is_some() => {}
            Some(existing) => existing.integration = route.integration,
            None => def.routes.push(route),
        }
    }
    Ok(())
}
