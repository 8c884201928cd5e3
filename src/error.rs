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
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
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
    #[error("cannot write {what}: {source}")]
    Output {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn output(what: impl Into<String>, source: std::io::Error) -> Self {
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
            Error::Output { .. } => Exit::Input,
            Error::Interrupted => Exit::Interrupted,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

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
}
