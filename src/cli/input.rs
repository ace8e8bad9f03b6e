//! Reading the files a command is given, and building an invocation from flags.

use super::args::RequestArgs;
use super::diag;
use apigw_vtl::Invocation;
use apigw_vtl::runner::doc::{self, NodeValue};
use indexmap::IndexMap;
use std::io::Read;
use std::path::Path;

/// A failure that makes the command exit with status 2: the diagnostic to print.
#[derive(Debug)]
pub struct InputError(pub String);

/// How a path is shown in messages.
pub fn display(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads a UTF-8 text file, or standard input for `-`.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let bytes = if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|e| {
            InputError(diag::plain(
                &format!("cannot read standard input: {e}"),
                &[],
                None,
            ))
        })?;
        buf
    } else {
        std::fs::read(path).map_err(|e| {
            let reason = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_owned(),
                std::io::ErrorKind::IsADirectory => "it is a directory".to_owned(),
                _ => e.to_string(),
            };
            InputError(diag::plain(
                &format!("cannot read `{}`: {reason}", display(path)),
                &[],
                None,
            ))
        })?
    };
    String::from_utf8(bytes).map_err(|e| {
        InputError(diag::plain(
            &format!(
                "`{}` is not UTF-8 text (invalid byte at offset {})",
                display(path),
                e.utf8_error().valid_up_to()
            ),
            &[],
            None,
        ))
    })
}

/// Builds the invocation a render sees from the request flags and a payload.
pub fn invocation(body: String, req: &RequestArgs) -> Result<Invocation, InputError> {
    let map = |pairs: &[(String, String)]| -> IndexMap<String, String> {
        pairs.iter().cloned().collect()
    };
    let context = match &req.context {
        None => serde_json::Value::Object(serde_json::Map::new()),
        Some(path) => {
            let text = read_text(path)?;
            let name = display(path);
            let node = doc::parse_json(&text).map_err(|e| {
                InputError(diag::located(
                    &format!("invalid JSON in the context file: {}", e.message),
                    &text,
                    &name,
                    e.span,
                    &[],
                    None,
                ))
            })?;
            if !matches!(node.value, NodeValue::Object(_)) {
                return Err(InputError(diag::located(
                    &format!(
                        "the context must be a JSON object, found {}",
                        node.describe()
                    ),
                    &text,
                    &name,
                    node.span.start..node.span.start + 1,
                    &[],
                    Some(
                        "write the $context values nested as their names: {\"identity\": {\"sourceIp\": \"127.0.0.1\"}}",
                    ),
                )));
            }
            node.to_json()
        }
    };
    Ok(Invocation {
        body,
        path: map(&req.path),
        querystring: map(&req.query),
        header: map(&req.header),
        context,
        stage_variables: map(&req.stage_var),
    })
}
