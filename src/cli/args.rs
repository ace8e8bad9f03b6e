//! The command line's arguments and help texts.

use super::term::ColorChoice;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub const EXIT_CODES: &str = "\
Exit status:
  0  success: everything rendered, checked or passed
  1  a template failed to parse or render, or a test case failed
  2  usage error, or an input that cannot be read (missing file, invalid
     JSON or YAML, a malformed test case)";

#[derive(Debug, Parser)]
#[command(
    name = "apigw-vtl",
    version,
    about = "Render and test Amazon API Gateway mapping templates (VTL) as API Gateway does",
    long_about = "Render and test Amazon API Gateway mapping templates (Velocity Template \
                  Language) exactly as API Gateway does: Velocity 1.7, Jayway JsonPath, \
                  $input, $util, $context and its overrides.",
    after_help = after_help_main(),
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(
        long,
        value_enum,
        global = true,
        default_value = "auto",
        value_name = "WHEN",
        hide_possible_values = true
    )]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

fn after_help_main() -> String {
    format!(
        "Examples:
  apigw-vtl render response.vtl --body lambda-output.json
  apigw-vtl render -e '$input.path(\"$.name\")' --body - <<< '{{\"name\": \"Ann\"}}'
  apigw-vtl check templates/*.vtl openapi.yaml
  apigw-vtl test tests/templates/
  apigw-vtl gateway --api openapi.yaml --route 'GET /pets/{{id}}' --lambda-error error.json

{EXIT_CODES}"
    )
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render one template against a payload and request parameters
    #[command(after_help = after_help_render())]
    Render(RenderArgs),
    /// Parse templates and report every error, without rendering
    #[command(after_help = after_help_check())]
    Check(CheckArgs),
    /// Run test-case files (JSON or YAML suites) and report failures
    #[command(after_help = after_help_test())]
    Test(TestArgs),
    /// Run a method (a route of an API definition, or an integration): the HTTP response a client gets
    #[command(after_help = after_help_gateway())]
    Gateway(GatewayArgs),
    /// Serve an API definition locally over HTTP, with its mapping templates
    #[cfg(feature = "serve")]
    #[command(after_help = super::serve::AFTER_HELP)]
    Serve(ServeArgs),
}

fn after_help_render() -> String {
    format!(
        "The rendered body goes to standard output byte for byte; the status and header
overrides the template set ($context.responseOverride, requestOverride) go to
standard error on one line. With --json, standard output gets one JSON object
{{\"body\", \"status\", \"headers\", \"requestOverride\"}} instead.

Examples:
  apigw-vtl render response.vtl --body lambda-error.json
  apigw-vtl render request.vtl --body - --path id=7 --query q=shoes \\
      --header 'Accept: application/json' --context context.json --stage-var env=dev
  apigw-vtl render -e '#set($context.responseOverride.status = 400)$input.body' --body-text hi --json

{EXIT_CODES}"
    )
}

fn after_help_check() -> String {
    format!(
        "Templates are .vtl or .vm files (any file that is not .json, .yaml or .yml is read
as a template; - reads standard input). A .json, .yaml or .yml file is an API
definition (OpenAPI 3, Swagger 2, SAM, CloudFormation): every request and response
template of every route in it is checked, and named by its JSON path in the file.
Each error is reported as rustc does, with the template line and a marker; the
parser stops at the first error of a template. A $util method that does not exist
is a warning (it renders as nothing), which does not change the exit status.

Examples:
  apigw-vtl check response.vtl request.vm
  apigw-vtl check templates/*.vtl
  apigw-vtl check openapi.yaml template.yaml

{EXIT_CODES}"
    )
}

fn after_help_test() -> String {
    format!(
        "A suite is a JSON (or YAML) file {{\"suite\": NAME, \"cases\": [...]}} in the test-case
format: each case has a name, a template, an input (body, params, context,
stageVariables) and an expect (body, status, headers; or error: parse|eval).
Only the fields expect has are compared; a limit hit while rendering counts as
an eval error. A directory stands for every suite under it (the .json, .yaml
and .yml files with a `cases` array; payloads and API definitions beside them
are skipped).

Gateway cases (with an `integration`, or a `route` of the API definition given
with --api or else named by the suite's \"api\" field, relative to the suite)
run the whole response path and compare the HTTP response: status, headers
(names in any case) and body.

For each failing case, test prints its name and what differs, then the line
'N passed, M failed'.

The snapshot workflow: write cases without expect, run with --update, review
the change with git diff.

Examples:
  apigw-vtl test tests/templates/
  apigw-vtl test cases.json --filter override
  apigw-vtl test --api openapi.yaml route-cases.json
  apigw-vtl test --update cases.yaml

{EXIT_CODES}"
    )
}

fn after_help_gateway() -> String {
    format!(
        "Runs one method as API Gateway does: the request template (by Content-Type),
the Lambda outcome, the integration response its errorMessage selects (a Java
regular expression matching the whole message), the response template (by
Accept), the response parameters and the template's overrides. Standard output
gets the response: the status line, the headers, a blank line and the body
byte for byte (with --json, one object {{\"status\", \"headers\", \"body\"}}).
A template that fails gives 500, its error on standard error, and exit status 1.

Examples:
  apigw-vtl gateway --api openapi.yaml --route 'GET /pets/{{id}}' --path id=7 \\
      --lambda-error error.json
  apigw-vtl gateway --api openapi.yaml --route 'GET /pets/7' --lambda-result pet.json --json
  apigw-vtl gateway --integration integration.json --lambda-error error.json \\
      --header 'Accept: application/json'

{EXIT_CODES}"
    )
}

/// The method request, as a template sees it.
#[derive(Debug, Args, Default)]
pub struct RequestArgs {
    /// A path parameter ($input.params().path), NAME=VALUE; repeatable
    #[arg(long = "path", value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub path: Vec<(String, String)>,
    /// A query string parameter, NAME=VALUE; repeatable
    #[arg(long = "query", value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub query: Vec<(String, String)>,
    /// A header, NAME=VALUE or 'NAME: VALUE'; repeatable
    #[arg(long = "header", value_name = "NAME=VALUE", value_parser = parse_header)]
    pub header: Vec<(String, String)>,
    /// $context values: a JSON object, nested as the names nest ({"identity": {"sourceIp": ...}})
    #[arg(long, value_name = "FILE")]
    pub context: Option<PathBuf>,
    /// A stage variable ($stageVariables), NAME=VALUE; repeatable
    #[arg(long = "stage-var", value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub stage_var: Vec<(String, String)>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["template", "eval"])))]
#[command(group(clap::ArgGroup::new("payload").args(["body", "body_text"])))]
pub struct RenderArgs {
    /// The template file (- for standard input)
    #[arg(value_name = "TEMPLATE_FILE")]
    pub template: Option<PathBuf>,
    /// The template itself, instead of a file
    #[arg(short = 'e', long = "eval", value_name = "TEMPLATE")]
    pub eval: Option<String>,
    /// The payload ($input.body): a file, or - for standard input. For a response
    /// template, the Lambda function's output or its error object
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,
    /// The payload given inline
    #[arg(long = "body-text", value_name = "TEXT")]
    pub body_text: Option<String>,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Print one JSON object {"body", "status", "headers", "requestOverride"}
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Template files (.vtl, .vm; - for standard input), or API definitions (.json, .yaml, .yml)
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Suite files (.json, .yaml, .yml) or directories of them
    #[arg(value_name = "SUITE", required = true)]
    pub suites: Vec<PathBuf>,
    /// Run only the cases whose name (or `FILE :: NAME`) contains SUBSTRING
    #[arg(long, value_name = "SUBSTRING")]
    pub filter: Option<String>,
    /// Rewrite the `expect` of each failing case (or case without one) from the actual result
    #[arg(long)]
    pub update: bool,
    /// Print every case, not only the failures
    #[arg(short, long)]
    pub verbose: bool,
    /// An API definition (OpenAPI, Swagger, SAM, CloudFormation) whose routes gateway cases name
    #[arg(long, value_name = "FILE")]
    pub api: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("method").required(true).args(["api", "integration"])))]
#[command(group(clap::ArgGroup::new("backend").args(["lambda_result", "lambda_error", "http_response"])))]
#[command(group(clap::ArgGroup::new("payload").args(["body", "body_text"])))]
pub struct GatewayArgs {
    /// The API definition: OpenAPI 3, Swagger 2 or SAM/CloudFormation (JSON or YAML)
    #[arg(long, value_name = "FILE", requires = "route")]
    pub api: Option<PathBuf>,
    /// The route: 'METHOD /path' as in the definition ('GET /pets/{id}'), or a
    /// request path that routes to it ('GET /pets/7')
    #[arg(long, value_name = "ROUTE")]
    pub route: Option<String>,
    /// An integration object instead of --api: x-amazon-apigateway-integration's
    /// shape, as in a gateway case (JSON or YAML)
    #[arg(long, value_name = "FILE", conflicts_with = "api")]
    pub integration: Option<PathBuf>,
    /// The Lambda function's result (JSON)
    #[arg(long = "lambda-result", value_name = "FILE")]
    pub lambda_result: Option<PathBuf>,
    /// The Lambda function's error object ({"errorMessage", "errorType"}, JSON)
    #[arg(long = "lambda-error", value_name = "FILE")]
    pub lambda_error: Option<PathBuf>,
    /// An HTTP backend's response {"status", "headers", "body"} (JSON), for HTTP integrations
    #[arg(long = "http-response", value_name = "FILE")]
    pub http_response: Option<PathBuf>,
    /// The method request's body: a file, or - for standard input
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,
    /// The method request's body given inline
    #[arg(long = "body-text", value_name = "TEXT")]
    pub body_text: Option<String>,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Print the response as one JSON object {"status", "headers", "body"}, as a
    /// gateway case's `expect`
    #[arg(long)]
    pub json: bool,
    /// Say on standard error how the response came about (the integration
    /// response chosen, the templates used)
    #[arg(short, long)]
    pub verbose: bool,
}

#[cfg(feature = "serve")]
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The API definition: OpenAPI 3, Swagger 2 or SAM/CloudFormation (JSON or YAML)
    #[arg(long, value_name = "FILE", required = true)]
    pub api: PathBuf,
    /// The port to listen on (0: any free port)
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// The address to listen on
    #[arg(long, value_name = "HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// The Lambda Invoke API endpoint (plain http://: sam local start-lambda, the
    /// Runtime Interface Emulator, LocalStack)
    #[arg(
        long = "lambda-endpoint",
        value_name = "URL",
        default_value = "http://127.0.0.1:3001"
    )]
    pub lambda_endpoint: String,
    /// The stage name ($context.stage)
    #[arg(long, value_name = "NAME", default_value = "dev")]
    pub stage: String,
    /// A stage variable ($stageVariables), NAME=VALUE; repeatable
    #[arg(long = "stage-var", value_name = "NAME=VALUE", value_parser = parse_pair)]
    pub stage_var: Vec<(String, String)>,
    /// Invoke the function the definition calls NAME as LOCAL instead; repeatable
    #[arg(long = "function", value_name = "NAME=LOCAL", value_parser = parse_pair)]
    pub function: Vec<(String, String)>,
    /// Seconds to wait for a Lambda function (or HTTP backend), then 504
    #[arg(long = "lambda-timeout", value_name = "SECONDS", default_value = "29", value_parser = parse_seconds)]
    pub lambda_timeout: std::time::Duration,
    /// A binary media type (image/png, image/*, */*): such payloads reach
    /// templates and proxy events in base64; repeatable
    #[arg(long = "binary-media-type", value_name = "TYPE")]
    pub binary_media_type: Vec<String>,
    /// Log the bodies before and after each transformation
    #[arg(short, long)]
    pub verbose: bool,
    /// No log line per request
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
}

/// Seconds, whole or decimal (`29`, `0.5`), more than 0.
#[cfg(feature = "serve")]
fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("expected a number of seconds, found `{s}`"))?;
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err(format!("expected seconds between 0 and 86400, found `{s}`"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// `NAME=VALUE` (the value may contain `=`).
fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected NAME=VALUE, found `{s}`")),
    }
}

/// `NAME=VALUE`, or `NAME: VALUE` as curl writes headers.
fn parse_header(s: &str) -> Result<(String, String), String> {
    let colon = s.find(':');
    let equals = s.find('=');
    match (colon, equals) {
        (Some(c), e) if e.is_none_or(|e| c < e) && c > 0 => {
            Ok((s[..c].trim().to_owned(), s[c + 1..].trim_start().to_owned()))
        }
        _ => {
            parse_pair(s).map_err(|_| format!("expected NAME=VALUE or 'NAME: VALUE', found `{s}`"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn pairs() {
        assert_eq!(parse_pair("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert_eq!(parse_pair("a="), Ok(("a".into(), "".into())));
        assert!(parse_pair("a").is_err());
        assert!(parse_pair("=b").is_err());
        assert_eq!(
            parse_header("Accept: application/json"),
            Ok(("Accept".into(), "application/json".into()))
        );
        assert_eq!(parse_header("X=a:b"), Ok(("X".into(), "a:b".into())));
        assert_eq!(
            parse_header("Authorization=Bearer x=="),
            Ok(("Authorization".into(), "Bearer x==".into()))
        );
        assert!(parse_header("nothing").is_err());
    }
}
