//! The `apigw-vtl` command line (compiled into the binary only; the library
//! never prints). Exit status: 0 success, 1 a template or case failed,
//! 2 usage error or unreadable input.

mod api;
mod args;
mod check;
mod diag;
mod diff;
mod explain;
mod gateway;
mod input;
mod lint;
mod render;
#[cfg(feature = "serve")]
mod serve;
mod term;
mod test;
mod update;
mod yaml;

use args::{Cli, Command};
use clap::Parser;
use std::process::ExitCode;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version exit 0; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let mut term = term::Term::new(cli.color);
    let code = match &cli.command {
        Command::Render(a) => render::run(&mut term, a),
        Command::Check(a) => check::run(&mut term, a),
        Command::Test(a) => test::run(&mut term, a),
        Command::Gateway(a) => gateway::run(&mut term, a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::run(&mut term, a),
    };
    term.flush();
    ExitCode::from(code)
}
