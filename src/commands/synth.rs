//! STUB
use crate::cli::SynthArgs;
use crate::error::{Error, Exit};
use crate::term::Term;

pub fn run(_args: SynthArgs, _term: &Term) -> Result<Exit, Error> {
    Err(Error::usage("synth: not written yet"))
}
