//! STUB
use crate::cli::ShowArgs;
use crate::error::{Error, Exit};
use crate::term::Term;

pub fn run(_args: ShowArgs, _term: &Term) -> Result<Exit, Error> {
    Err(Error::usage("show: not written yet"))
}
