use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tracekit::cli::Cli::parse();
    let code = tracekit::commands::run(cli);
    ExitCode::from(code.code())
}
