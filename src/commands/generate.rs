//! `completions` and `man`: generated from the clap model (the committed `completions/` and
//! `man/` are these outputs; a test fails when they drift).

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::error::{Error, Exit};

pub fn completions(args: CompletionsArgs) -> Result<Exit, Error> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "tracekit", &mut out);
    out.flush().map_err(|e| Error::output("stdout", e))?;
    Ok(Exit::Success)
}

pub fn man(args: ManArgs) -> Result<Exit, Error> {
    std::fs::create_dir_all(&args.dir)
        .map_err(|e| Error::output(args.dir.display().to_string(), e))?;
    clap_mangen::generate_to(Cli::command(), &args.dir)
        .map_err(|e| Error::output(args.dir.display().to_string(), e))?;
    Ok(Exit::Success)
}
