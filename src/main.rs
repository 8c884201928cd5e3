use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = tracekit::cli::parse();
    tracekit::output::on_interrupt();
    let code = tracekit::commands::run(cli);
    ExitCode::from(code.code())
}
