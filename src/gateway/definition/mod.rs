//! API definitions: OpenAPI 3 and Swagger 2 files with
//! `x-amazon-apigateway-integration`, and AWS SAM / CloudFormation templates,
//! as JSON or YAML, read into routes.

mod cfn;
pub(crate) mod integration;
mod openapi;
mod yaml;

use super::model::Integration;
use super::routing::{self, RouteMatch, RouteMiss};
use serde_json::Value as Json;
use std::fmt;
use std::path::{Path, PathBuf};

/// A problem at a location of a document (before the file is known).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub location: String,
    pub message: String,
}

impl Problem {
    pub(crate) fn new(location: &str, message: impl Into<String>) -> Problem {
        Problem {
            location: location.to_string(),
            message: message.into(),
        }
    }

    fn in_file(self, file: &str) -> LoadError {
        LoadError {
            file: file.to_string(),
            location: self.location,
            message: self.message,
        }
    }
}

/// Why a definition could not be loaded: the file, where in it (a
/// JSON-path-like location such as
/// `paths./pets/{id}.get.x-amazon-apigateway-integration.responses`, empty
/// for the whole file) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub location: String,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.location, self.message)
        }
    }
}

impl std::error::Error for LoadError {}

/// What kind of document a definition came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DefinitionFormat {
    #[default]
    OpenApi3,
    Swagger2,
    /// An AWS SAM template (`Transform: AWS::Serverless-2016-10-31`).
    Sam,
    /// A CloudFormation template.
    CloudFormation,
}

/// One method of an API: `GET /pets/{id}` and its integration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Route {
    /// Upper-case method, or `ANY`.
    pub method: String,
    /// The resource path, `/pets/{id}` (no trailing `/`).
    pub path_template: String,
    /// The integration; `None` for a method defined without one.
    pub integration: Option<Integration>,
    /// The API the route belongs to, in a template that defines several
    /// (the logical ID of the `RestApi` / `Serverless::Api`).
    pub api: Option<String>,
    /// The OpenAPI `operationId`.
    pub operation_id: Option<String>,
    /// Where the route is defined in its file.
    pub location: String,
}

impl Route {
    /// `GET /pets/{id}`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path_template)
    }
}

/// The routes of an API definition file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiDefinition {
    /// The file name used in errors and warnings.
    pub file: String,
    pub format: DefinitionFormat,
    /// The routes, in the order the file defines them.
    pub routes: Vec<Route>,
    /// What was read but not modelled (an S3 `DefinitionUri`, an HTTP API
    /// event, an `Fn::Sub` variable left unresolved, ...).
    pub warnings: Vec<String>,
}

/// Methods an API Gateway resource can have, as OpenAPI keys.
const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// `get` → `GET`, `x-amazon-apigateway-any-method` / `any` → `ANY`.
pub(crate) fn method_name(key: &str) -> Option<String> {
    if key.eq_ignore_ascii_case("x-amazon-apigateway-any-method") || key.eq_ignore_ascii_case("any")
    {
        Some("ANY".to_string())
    } else {
        METHODS
            .iter()
            .find(|m| m.eq_ignore_ascii_case(key))
            .map(|m| m.to_ascii_uppercase())
    }
}

/// Whether the text is JSON rather than YAML: by extension, else by its first character.
fn looks_like_json(name: &str, text: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        return true;
    }
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return false;
    }
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// JSON or YAML text to JSON.
pub(crate) fn parse_text(name: &str, text: &str) -> Result<Json, LoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if looks_like_json(name, text) {
        serde_json::from_str(text).map_err(|e| LoadError {
            file: name.to_string(),
            location: String::new(),
            message: format!("invalid JSON: {e}"),
        })
    } else {
        yaml::parse(text).map_err(|e| LoadError {
            file: name.to_string(),
            location: String::new(),
            message: format!("invalid YAML: {e}"),
        })
    }
}

impl ApiDefinition {
    /// Loads a definition file (JSON or YAML; `.json`, `.yaml`, `.yml`, or
    /// by its first character). A SAM `DefinitionUri` naming a local file is
    /// read relative to this file.
    pub fn load(path: impl AsRef<Path>) -> Result<ApiDefinition, LoadError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| LoadError {
            file: name.clone(),
            location: String::new(),
            message: format!("cannot read: {e}"),
        })?;
        let doc = parse_text(&name, &text)?;
        let base = path.parent().map(Path::to_path_buf);
        ApiDefinition::from_json_in(doc, &name, base.as_deref())
    }

    /// Reads a definition from its text; `name` is used in errors.
    /// (A SAM `DefinitionUri` is not followed: there is no directory.)
    pub fn parse(name: &str, text: &str) -> Result<ApiDefinition, LoadError> {
        let doc = parse_text(name, text)?;
        ApiDefinition::from_json_in(doc, name, None)
    }

    /// Reads a definition from a JSON value; `name` is used in errors.
    pub fn from_json(name: &str, doc: Json) -> Result<ApiDefinition, LoadError> {
        ApiDefinition::from_json_in(doc, name, None)
    }

    fn from_json_in(
        doc: Json,
        name: &str,
        base: Option<&Path>,
    ) -> Result<ApiDefinition, LoadError> {
        let mut def = ApiDefinition {
            file: name.to_string(),
            ..ApiDefinition::default()
        };
        let Json::Object(m) = &doc else {
            return Err(Problem::new("", format!(
                "expected an OpenAPI 3, Swagger 2, SAM or CloudFormation document (an object), found {}",
                integration::kind(&doc)
            ))
            .in_file(name));
        };
        if m.contains_key("openapi") || m.contains_key("swagger") {
            def.format = openapi::format(&doc, "").map_err(|p| p.in_file(name))?;
            openapi::read(&doc, "", None, &mut def.routes, &mut def.warnings)
                .map_err(|p| p.in_file(name))?;
        } else if m.contains_key("Resources") {
            def.format = if cfn::is_sam(&doc) {
                DefinitionFormat::Sam
            } else {
                DefinitionFormat::CloudFormation
            };
            cfn::read(&doc, name, base, &mut def)?;
        } else {
            return Err(Problem::new(
                "",
                "not an OpenAPI 3, Swagger 2, SAM or CloudFormation document (it has no `openapi`, `swagger` or `Resources`)",
            )
            .in_file(name));
        }
        Ok(def)
    }

    /// The route with this key (`GET /pets/{id}`; the method in any case, a
    /// trailing `/` ignored). An `ANY` route is found only as `ANY /path`.
    pub fn find_route(&self, key: &str) -> Option<&Route> {
        let (method, path) = routing::parse_route_key(key)?;
        self.routes
            .iter()
            .find(|r| r.method == method && routing::normalize_path(&r.path_template) == path)
    }

    /// The route that takes a concrete request (`GET`, `/pets/7`), as API
    /// Gateway chooses it (see [`crate::gateway::RouteMatch`]).
    pub fn route_request(&self, method: &str, path: &str) -> Result<RouteMatch<'_>, RouteMiss> {
        routing::route_request(&self.routes, method, path)
    }
}

/// A path a SAM `DefinitionUri` names, relative to the template's directory.
pub(crate) fn resolve(base: Option<&Path>, uri: &str) -> Option<PathBuf> {
    let base = base?;
    Some(base.join(uri))
}
