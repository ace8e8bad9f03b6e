//! API definitions (OpenAPI, Swagger, SAM, CloudFormation) as the command
//! line reads them: loaded by the gateway module, with errors drawn at their
//! place in the file.

use super::diag;
use super::input::{self, InputError};
use super::yaml;
use apigw_vtl::gateway::{ApiDefinition, LoadError};
use apigw_vtl::runner::doc::{self, Node};
use std::ops::Range;
use std::path::Path;

/// A definition file: its text, its located tree (when the command line's
/// own readers can read it) and the definition.
pub struct Loaded {
    pub name: String,
    pub text: String,
    pub tree: Option<Node>,
    pub definition: ApiDefinition,
}

impl Loaded {
    /// The bytes of the value at a location of the gateway module
    /// (`paths./pets.get.x-amazon-apigateway-integration.responses`), or of
    /// the deepest value on the way to it.
    pub fn span_of(&self, location: &str) -> Option<Range<usize>> {
        span_in(self.tree.as_ref()?, location)
    }
}

fn span_in(tree: &Node, location: &str) -> Option<Range<usize>> {
    let (node, _) = tree.locate(location);
    Some(node.span.clone())
}

/// The located tree of a JSON or YAML file (by extension, else by its first character).
pub fn tree(name: &str, text: &str) -> Option<Node> {
    let lower = name.to_ascii_lowercase();
    let json = lower.ends_with(".json")
        || (!lower.ends_with(".yaml")
            && !lower.ends_with(".yml")
            && text
                .trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('{'));
    if json {
        doc::parse_json(text).ok()
    } else {
        yaml::parse(text).ok()
    }
}

/// Loads a definition; the error is a diagnostic naming the file, the place
/// in it and the field.
pub fn load(path: &Path) -> Result<Loaded, InputError> {
    let text = input::read_text(path)?;
    let name = input::display(path);
    let tree = tree(&name, &text);
    // `load` rather than `parse`: a SAM `DefinitionUri` is read relative to the file.
    let definition = if path.as_os_str() == "-" {
        ApiDefinition::parse(&name, &text)
    } else {
        ApiDefinition::load(path)
    };
    match definition {
        Ok(mut definition) => {
            definition.file = name.clone();
            Ok(Loaded {
                name,
                text,
                tree,
                definition,
            })
        }
        Err(e) => Err(InputError(load_error(&e, &name, &text, tree.as_ref()))),
    }
}

/// A load error, drawn at the value it is about when that can be found.
fn load_error(e: &LoadError, name: &str, text: &str, tree: Option<&Node>) -> String {
    let message = format!("invalid API definition: {}", e.message);
    let span = if e.location.is_empty() {
        None
    } else {
        tree.and_then(|t| span_in(t, &e.location))
    };
    let notes: Vec<String> = if e.location.is_empty() {
        vec![]
    } else {
        vec![format!("at {}", e.location)]
    };
    match span {
        Some(span) if span.end > span.start => {
            diag::located(&message, text, name, span, &notes, None)
        }
        _ => diag::plain(&format!("{name}: {message}"), &notes, None),
    }
}

/// The definition's warnings (`warning: FILE: ...`), one per line.
pub fn warnings(loaded: &Loaded) -> String {
    loaded
        .definition
        .warnings
        .iter()
        .map(|w| format!("warning: {}: {w}\n", loaded.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_errors_point_at_the_field() {
        let text = "openapi: 3.0.1\npaths:\n  /pets:\n    get:\n      x-amazon-apigateway-integration:\n        type: LAMBDA\n";
        let e = ApiDefinition::parse("api.yaml", text).unwrap_err();
        let t = tree("api.yaml", text);
        assert_eq!(
            load_error(&e, "api.yaml", text, t.as_ref()),
            concat!(
                "error: invalid API definition: unknown integration type \"LAMBDA\" (expected AWS, AWS_PROXY, HTTP, HTTP_PROXY or MOCK)\n",
                " --> api.yaml:6:15\n",
                "  |\n",
                "6 |         type: LAMBDA\n",
                "  |               ^^^^^^\n",
                "note: at paths./pets.get.x-amazon-apigateway-integration.type\n",
            )
        );
        let e = ApiDefinition::parse("api.yaml", "info: {}\n").unwrap_err();
        assert_eq!(
            load_error(&e, "api.yaml", "info: {}\n", None),
            "error: api.yaml: invalid API definition: not an OpenAPI 3, Swagger 2, SAM or CloudFormation document (it has no `openapi`, `swagger` or `Resources`)\n"
        );
    }
}
