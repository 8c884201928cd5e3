//! `completions` and `man`: generated from the clap model (the committed `completions/` and
//! `man/` are these outputs; a test fails when they drift).

use std::io::Write;
use std::path::Path;

use crate::cli::{CompletionsArgs, ManArgs, command};
use crate::error::{Error, Exit};
use crate::output::{self, Existing, Inputs, Output};

pub fn completions(args: CompletionsArgs) -> Result<Exit, Error> {
    let mut cmd = command();
    // clap_complete panics when a write fails (`| head` closes the pipe): generate into memory,
    // then write like any other output.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "tracekit", &mut script);
    let mut out = Output::stdout();
    out.write_all(&script).map_err(output::write_err)?;
    out.commit()?;
    Ok(Exit::Success)
}

/// One page per command (as `clap_mangen::generate_to` names them), each written by the output
/// rule (atomically; through symlinks; devices in place).
pub fn man(args: ManArgs) -> Result<Exit, Error> {
    output::create_dir(&args.dir)?;
    let mut cmd = command().disable_help_subcommand(true);
    cmd.build();
    write_pages(cmd, &args.dir)?;
    Ok(Exit::Success)
}

fn write_pages(cmd: clap::Command, dir: &Path) -> Result<(), Error> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
        write_pages(sub, dir)?;
    }
    let man = clap_mangen::Man::new(cmd);
    let mut page = Vec::new();
    man.render(&mut page)
        .map_err(|e| Error::output(dir.display().to_string(), e))?;
    output::write_file(
        &dir.join(man.get_filename()),
        &Inputs::none(),
        Existing::Replace,
        &page,
    )
}
