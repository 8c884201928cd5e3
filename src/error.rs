//! Errors that know their exit code. Typed inside; `main` maps them to the exit-code table.

use std::fmt;
use std::sync::Arc;

/// The documented exit codes (SPEC "Exit codes").
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    /// Findings at or above `--fail-on`, a failed gate, a diff beyond tolerance.
    Findings = 1,
    /// Usage or configuration error (clap uses 2 too).
    Usage = 2,
    /// Input could not be read or parsed.
    Input = 3,
    /// Backend unreachable or answered with an error.
    Backend = 4,
    /// An output could not be written (an extension of the SPEC's table: disk full, no such
    /// directory, not a directory…). Refusing an output path (an input, an existing file
    /// without `--force`) is a usage error (2), not this.
    Output = 5,
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The exit code of a run whose inputs gave `input` (3 when one was bad, which wins) and
    /// whose checks `failed` (1) or not (0).
    pub fn verdict(input: Exit, failed: bool) -> Exit {
        match (input, failed) {
            (Exit::Success, true) => Exit::Findings,
            (Exit::Success, false) => Exit::Success,
            (bad, _) => bad,
        }
    }
}

/// Where in an input a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Position {
    /// 1-based line and column (JSON text).
    LineColumn { line: u64, column: u64 },
    /// 1-based line only (JSON lines: the line whose document is bad).
    Line(u64),
    /// Byte offset from the start of the (decompressed) input (binary formats).
    Byte(u64),
    /// A JSON path inside a document (e.g. `resourceSpans[0].scopeSpans[1].spans[3].traceId`),
    /// optionally inside a numbered line.
    Path { line: Option<u64>, path: String },
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::LineColumn { line, column } => write!(f, "{line}:{column}"),
            Position::Line(l) => write!(f, "line {l}"),
            Position::Byte(b) => write!(f, "byte {b}"),
            Position::Path {
                line: Some(l),
                path,
            } => write!(f, "line {l}, {path}"),
            Position::Path { line: None, path } => write!(f, "{path}"),
        }
    }
}

/// A problem with one input: which input, where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    /// The file name as the user gave it (or `<stdin>`).
    pub file: Arc<str>,
    pub position: Option<Position>,
    pub message: String,
}

impl InputError {
    pub fn new(source: &Arc<str>, position: Option<Position>, message: impl Into<String>) -> Self {
        InputError {
            file: source.clone(),
            position,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.position {
            Some(p @ Position::LineColumn { .. }) => {
                write!(f, "{}:{p}: {}", self.file, self.message)
            }
            Some(p) => write!(f, "{}: {p}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Any error a command can end with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Input(#[from] InputError),
    /// Several inputs failed (reported one per line, all exit 3).
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Inputs(Vec<InputError>),
    #[error("{0}")]
    Usage(String),
    /// Every input was read and none held a span: `what` names them ("the input", "the
    /// baseline"), `read` says what was read (escaped, one line).
    #[error("no spans in {what} (read: {read}); pass --allow-empty if an empty input is fine")]
    NoSpans { what: &'static str, read: String },
    #[error("{0}")]
    Backend(String),
    /// Writing an output failed: `cannot write OUT.json: No space left on device (os error 28)`.
    #[error("cannot write {what}: {source}")]
    Output {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// The reader of an output went away (`tracekit … | head`): not a failure. The run stops
    /// at once, prints nothing more and exits 0, as ripgrep and fd do.
    #[error("the reader of the output went away")]
    ClosedPipe,
    #[error("interrupted")]
    Interrupted,
}

/// An I/O error tagged with the output it happened on, so that the name survives `?` through
/// renderers that only see `io::Result` (see `crate::output::Output`). The error kind is the
/// underlying one, so `write_all` still retries `Interrupted` and a closed pipe is still
/// recognised.
#[derive(Debug)]
pub struct WriteFailure {
    pub what: String,
    pub source: std::io::Error,
}

impl fmt::Display for WriteFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write {}: {}", self.what, self.source)
    }
}

impl std::error::Error for WriteFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl WriteFailure {
    /// `e` as an `io::Error` of the same kind that remembers `what` it was writing.
    pub fn tag(what: &str, e: std::io::Error) -> std::io::Error {
        if e.get_ref().is_some_and(|i| i.is::<WriteFailure>()) {
            return e;
        }
        std::io::Error::new(
            e.kind(),
            WriteFailure {
                what: what.to_string(),
                source: e,
            },
        )
    }
}

/// A write failed because the reading end of a pipe (or FIFO) was closed, also when the
/// error was wrapped on the way (a tagged error, serde_json's I/O errors).
pub fn is_closed_pipe(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return true;
    }
    let Some(inner) = e.get_ref() else {
        return false;
    };
    if let Some(w) = inner.downcast_ref::<WriteFailure>() {
        is_closed_pipe(&w.source)
    } else if let Some(io) = inner.downcast_ref::<std::io::Error>() {
        is_closed_pipe(io)
    } else if let Some(j) = inner.downcast_ref::<serde_json::Error>() {
        j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe)
    } else {
        false
    }
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    /// A failed write to `what`. A closed pipe becomes [`Error::ClosedPipe`]; an error tagged
    /// by [`WriteFailure::tag`] keeps the name it was tagged with.
    pub fn output(what: impl Into<String>, source: std::io::Error) -> Self {
        if is_closed_pipe(&source) {
            return Error::ClosedPipe;
        }
        if source.get_ref().is_some_and(|i| i.is::<WriteFailure>()) {
            let kind = source.kind();
            match source.into_inner().map(|i| i.downcast::<WriteFailure>()) {
                Some(Ok(w)) => {
                    let w = *w;
                    return Error::Output {
                        what: w.what,
                        source: w.source,
                    };
                }
                // Unreachable (checked above); keep the kind at least.
                _ => {
                    return Error::Output {
                        what: what.into(),
                        source: std::io::Error::from(kind),
                    };
                }
            }
        }
        Error::Output {
            what: what.into(),
            source,
        }
    }

    pub fn exit(&self) -> Exit {
        match self {
            Error::Input(_) | Error::Inputs(_) | Error::NoSpans { .. } => Exit::Input,
            Error::Usage(_) => Exit::Usage,
            Error::Backend(_) => Exit::Backend,
            // Writing our own output failed: the run did not produce what was asked.
            Error::Output { .. } => Exit::Output,
            Error::ClosedPipe => Exit::Success,
            Error::Interrupted => Exit::Interrupted,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_input_wins_over_the_verdict() {
        assert_eq!(Exit::verdict(Exit::Success, false), Exit::Success);
        assert_eq!(Exit::verdict(Exit::Success, true), Exit::Findings);
        assert_eq!(Exit::verdict(Exit::Input, false), Exit::Input);
        assert_eq!(Exit::verdict(Exit::Input, true), Exit::Input);
    }

    #[test]
    fn exit_code_table() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::Findings.code(), 1);
        assert_eq!(Error::usage("x").exit().code(), 2);
        let src: Arc<str> = Arc::from("a.json");
        let e = InputError::new(
            &src,
            Some(Position::LineColumn { line: 3, column: 7 }),
            "expected `,`",
        );
        assert_eq!(e.to_string(), "a.json:3:7: expected `,`");
        assert_eq!(Error::from(e).exit().code(), 3);
        assert_eq!(Error::Backend("x".into()).exit().code(), 4);
        let full = std::io::Error::from_raw_os_error(28);
        let e = Error::output("OUT.json", full);
        assert_eq!(
            e.to_string(),
            "cannot write OUT.json: No space left on device (os error 28)"
        );
        assert_eq!(e.exit().code(), 5);
        let empty = Error::NoSpans {
            what: "the input",
            read: "a.json (otlp-json)".into(),
        };
        assert_eq!(empty.exit().code(), 3);
        assert_eq!(
            empty.to_string(),
            "no spans in the input (read: a.json (otlp-json)); pass --allow-empty if an empty input is fine"
        );
        assert_eq!(Error::Interrupted.exit().code(), 130);
    }

    #[test]
    fn a_tagged_error_keeps_its_name_and_kind() {
        use std::io::{Error as IoError, ErrorKind};
        let tagged = WriteFailure::tag("report.xml", IoError::from_raw_os_error(28));
        assert_eq!(tagged.kind(), ErrorKind::StorageFull);
        // Tagging twice keeps the first name.
        let tagged = WriteFailure::tag("other", tagged);
        let e = Error::output("output", tagged);
        assert_eq!(
            e.to_string(),
            "cannot write report.xml: No space left on device (os error 28)"
        );
        assert_eq!(e.exit(), Exit::Output);
    }

    #[test]
    fn a_closed_pipe_is_recognised_however_it_was_wrapped() {
        use std::io::{Error as IoError, ErrorKind};
        let pipe = || IoError::from_raw_os_error(32);
        assert!(is_closed_pipe(&pipe()));
        assert!(is_closed_pipe(&WriteFailure::tag("x", pipe())));
        assert!(is_closed_pipe(&IoError::other(WriteFailure::tag(
            "x",
            pipe()
        ))));
        // serde_json keeps the I/O error of the writer it was given.
        struct Closed;
        impl std::io::Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(IoError::from(ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let j = serde_json::to_writer(Closed, &[1, 2, 3]).unwrap_err();
        assert!(is_closed_pipe(&IoError::other(j)));
        assert!(matches!(Error::output("x", pipe()), Error::ClosedPipe));
        assert_eq!(Error::ClosedPipe.exit(), Exit::Success);
        // Other errors are not.
        assert!(!is_closed_pipe(&IoError::from_raw_os_error(28)));
        assert!(!is_closed_pipe(&IoError::other("broken pipe")));
    }
}
