//! `apigw-vtl`: render, check and test API Gateway mapping templates.
//! The command logic lives in `src/cli/`; see `apigw-vtl --help`.

#[path = "../cli/mod.rs"]
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
