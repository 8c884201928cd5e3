use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = tracekit::cli::parse();
    let code = tracekit::commands::run(cli);
    ExitCode::from(code.code())
}
