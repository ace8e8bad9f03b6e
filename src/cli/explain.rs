//! How a gateway response came about, for people: which integration
//! response was chosen and why, which template ran, and the template that
//! failed, drawn with its source.

use super::diag;
use apigw_vtl::gateway::{ApiDefinition, GatewayCase, Integration, MappingTemplate, Trace};

/// The integration a case runs: its own, or its route's.
pub fn integration_of<'a>(
    case: &'a GatewayCase,
    api: Option<&'a ApiDefinition>,
) -> Option<&'a Integration> {
    match (&case.integration, &case.route) {
        (Some(i), _) => Some(i),
        (None, Some(r)) => api?.find_route(r)?.integration.as_ref(),
        (None, None) => None,
    }
}

/// The template whose error the trace holds, and what it is ("the response
/// template application/json of integration response 400").
pub fn failed_template<'a>(
    integration: &'a Integration,
    trace: &Trace,
) -> Option<(&'a MappingTemplate, String)> {
    trace.template_error.as_ref()?;
    if let (Some(i), Some(media_type)) = (trace.selected_response, &trace.response_template) {
        let response = integration.responses.get(i)?;
        let t = response.response_templates.get(media_type)?.as_ref()?;
        return Some((
            t,
            format!(
                "the response template {media_type} of integration response {}",
                response.status_code
            ),
        ));
    }
    let media_type = trace.request_template.as_ref()?;
    let t = integration.request_templates.get(media_type)?.as_ref()?;
    Some((t, format!("the request template {media_type}")))
}

/// The trace as notes: the selection, the templates used, and every note
/// of the gateway module.
pub fn notes(integration: &Integration, trace: &Trace) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t) = &trace.request_template {
        out.push(format!("request template: {t}"));
    }
    if let (Some(value), Some(i)) = (&trace.selection_value, trace.selected_response)
        && let Some(r) = integration.responses.get(i)
    {
        let why = match &r.selection_pattern {
            Some(p) => format!(
                "its selectionPattern {} matches {}",
                super::diff::quote(p.source()),
                super::diff::quote(value)
            ),
            None if value.is_empty() => "the default response, for a successful invocation".into(),
            None => format!(
                "the default response: no selectionPattern matches {}",
                super::diff::quote(value)
            ),
        };
        out.push(format!(
            "integration response {} (statusCode {}) chosen: {why}",
            i, r.status_code
        ));
    }
    if let Some(t) = &trace.response_template {
        out.push(format!("response template: {t}"));
    }
    for n in &trace.notes {
        // The template error is drawn on its own.
        if trace.template_error.is_some() && n.contains("template failed: ") {
            continue;
        }
        out.push(n.clone());
    }
    out
}

/// The template that failed (what it is, see [`failed_template`]) and its
/// error drawn with its source, named `NAME :: PREFIX LOCATION` (`cases.json :: my-case :: integration.responses[1]...`,
/// `openapi.yaml :: paths./pets.get...`).
pub fn template_error(
    integration: &Integration,
    trace: &Trace,
    name: &str,
    prefix: &str,
) -> Option<(String, String)> {
    let error = trace.template_error.as_ref()?;
    match failed_template(integration, trace) {
        Some((t, what)) => {
            let at = match t.location() {
                Some(loc) => format!("{name} :: {prefix}{loc}"),
                None => name.to_owned(),
            };
            Some((what, diag::template(error, t.source(), &at)))
        }
        None => Some((
            "a template".to_owned(),
            diag::plain(&error.to_string(), &[], None),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use apigw_vtl::gateway::{GatewayCase, run_case};
    use serde_json::json;

    fn run(case: serde_json::Value) -> (GatewayCase, Trace) {
        let case = GatewayCase::from_json(&case).unwrap();
        let trace = run_case(&case, None).unwrap().trace;
        (case, trace)
    }

    #[test]
    fn the_failing_response_template_is_drawn() {
        let (case, trace) = run(json!({
            "integration": {"type": "AWS", "responses": [
                {"statusCode": "200"},
                {"statusCode": "400", "selectionPattern": "Bad.*",
                 "responseTemplates": {"application/json": "ok\n#if(true)x"}}
            ]},
            "lambda": {"error": {"errorMessage": "Bad input"}}
        }));
        let i = integration_of(&case, None).unwrap();
        assert_eq!(
            notes(i, &trace),
            [
                "integration response 1 (statusCode 400) chosen: its selectionPattern \"Bad.*\" matches \"Bad input\"",
                "response template: application/json"
            ]
        );
        let (what, d) = template_error(i, &trace, "s.json :: c", "integration.").unwrap();
        assert_eq!(
            what,
            "the response template application/json of integration response 400"
        );
        assert!(d.starts_with("error: parse: "), "{d}");
        assert!(
            d.contains(" --> s.json :: c :: integration.responses[1].responseTemplates.application/json:2:1\n"),
            "{d}"
        );
    }

    #[test]
    fn the_default_response_says_why() {
        let (case, trace) = run(json!({
            "integration": {"type": "AWS", "responses": [{"statusCode": "200"}]},
            "lambda": {"error": {"errorMessage": "boom"}}
        }));
        let i = integration_of(&case, None).unwrap();
        assert_eq!(
            notes(i, &trace),
            [
                "integration response 0 (statusCode 200) chosen: the default response: no selectionPattern matches \"boom\""
            ]
        );
        assert_eq!(template_error(i, &trace, "x", ""), None);
    }
}
