//! `synth`: generate synthetic traces and write them in any supported format, one at a time.

use std::io::{self, Write};
use std::path::Path;
use std::sync::mpsc::Receiver;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::output;
use crate::cli::{SynthArgs, SynthShape};
use crate::error::{Error, Exit};
use crate::formats::{self, Format};
use crate::model::Trace;
use crate::synth::{Config, DEFAULT_START_SECS, Faults, Generator, Shape};
use crate::term::Term;

/// The generator configuration the arguments describe.
pub fn config(args: &SynthArgs) -> Result<Config, Error> {
    let start_secs = args.start.unwrap_or(DEFAULT_START_SECS);
    let start_ns = start_secs
        .checked_mul(1_000_000_000)
        .ok_or_else(|| Error::usage(format!("start time {start_secs} is too far in the future")))?;
    Ok(Config {
        seed: args.seed,
        traces: args.traces,
        spans: args.spans,
        shape: match args.shape {
            SynthShape::Mixed => Shape::Mixed,
            SynthShape::Wide => Shape::Wide,
            SynthShape::Deep => Shape::Deep,
        },
        error_rate: args.error_rate,
        start_ns,
        faults: Faults {
            skew: args.skew.clone(),
            drop_rate: args.drop_rate,
            duplicate_ids: args.duplicate_ids,
            missing_root_rate: args.missing_root_rate,
        },
    })
}

pub fn run(args: SynthArgs, term: &Term) -> Result<Exit, Error> {
    let generator = Generator::new(config(&args)?).map_err(Error::usage)?;
    let mut out = output::Output::open(args.output.as_deref(), &output::Inputs::none())?;
    let gzip = args.output.as_deref().is_some_and(is_gz);
    let notes = write_out(generator, args.to, &mut out, gzip).map_err(output::write_err)?;
    out.commit()?;
    for note in notes {
        super::print_warning(term, &note);
    }
    Ok(Exit::Success)
}

fn is_gz(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

fn write_out(
    generator: Generator,
    format: Format,
    out: &mut dyn Write,
    gzip: bool,
) -> io::Result<Vec<String>> {
    if gzip {
        let mut enc = GzEncoder::new(out, Compression::default());
        let notes = write_traces(generator, format, &mut enc)?;
        enc.finish()?;
        Ok(notes)
    } else {
        write_traces(generator, format, out)
    }
}

/// Traces generated ahead of the writer (the generator runs on its own thread, so generating
/// and writing overlap; the bound keeps memory to a few traces).
const AHEAD: usize = 8;

/// Stream the traces through the format's writer; returns its conversion notes.
pub fn write_traces(
    generator: Generator,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<Vec<String>> {
    let (tx, rx) = std::sync::mpsc::sync_channel(AHEAD);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for trace in generator {
                // The writer stopped (an error): stop generating.
                if tx.send(trace).is_err() {
                    break;
                }
            }
        });
        // `drain` owns the receiver, so an early error drops it and unblocks the generator
        // before the scope waits for it.
        drain(rx, format, out)
    })
}

fn drain(rx: Receiver<Trace>, format: Format, out: &mut dyn Write) -> io::Result<Vec<String>> {
    let mut w = formats::writer(format, out);
    for trace in rx {
        w.write_trace(&trace)?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> SynthArgs {
        let mut v = vec!["tracekit", "synth"];
        v.extend_from_slice(args);
        match Cli::try_parse_from(v).unwrap().command {
            Command::Synth(a) => a,
            _ => unreachable!(),
        }
    }

    #[test]
    fn flags_reach_the_config() {
        let a = parse(&[
            "--seed",
            "7",
            "-n",
            "3",
            "--spans",
            "50",
            "--shape",
            "deep",
            "--error-rate",
            "0.2",
            "--start",
            "2026-01-15T10:00:01Z",
            "--skew",
            "payment=-25ms",
            "--skew",
            "auth=1s",
            "--drop-rate",
            "0.1",
            "--duplicate-ids",
            "0.05",
            "--missing-root-rate",
            "0.5",
        ]);
        let c = config(&a).unwrap();
        assert_eq!(
            (c.seed, c.traces, c.spans, c.shape),
            (7, 3, 50, Shape::Deep)
        );
        assert_eq!(c.error_rate, 0.2);
        assert_eq!(c.start_ns, (DEFAULT_START_SECS + 1) * 1_000_000_000);
        assert_eq!(
            c.faults.skew,
            vec![
                ("payment".to_string(), -25_000_000),
                ("auth".to_string(), 1_000_000_000)
            ]
        );
        assert_eq!(
            (
                c.faults.drop_rate,
                c.faults.duplicate_ids,
                c.faults.missing_root_rate
            ),
            (0.1, 0.05, 0.5)
        );
    }

    #[test]
    fn defaults_and_rejections() {
        let c = config(&parse(&[])).unwrap();
        assert_eq!(c, Config::default());
        for bad in [
            &["--error-rate", "2"][..],
            &["--drop-rate", "-1"],
            &["--spans", "0"],
            &["--skew", "payment"],
            &["--start", "tomorrow"],
        ] {
            let mut v = vec!["tracekit", "synth"];
            v.extend_from_slice(bad);
            assert!(Cli::try_parse_from(v).is_err(), "{bad:?}");
        }
        // An unknown service is caught by the generator, with the list of services.
        let err = Generator::new(config(&parse(&["--skew", "billing=5ms"])).unwrap())
            .err()
            .unwrap();
        assert!(err.contains("billing") && err.contains("payment"), "{err}");
        assert!(is_gz(Path::new("x.jsonl.gz")) && !is_gz(Path::new("x.jsonl")));
    }

    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("disk full"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::other("disk full"))
        }
    }

    #[test]
    fn a_failing_output_stops_the_generator() {
        // Far more traces than the channel holds: the generator thread must not block forever.
        let g = Generator::new(Config {
            traces: 100_000,
            ..Config::default()
        })
        .unwrap();
        assert!(write_traces(g, Format::OtlpJsonl, &mut Broken).is_err());
    }

    #[test]
    fn same_seed_same_bytes() {
        for format in [Format::OtlpJsonl, Format::Jaeger, Format::OtlpProto] {
            let run = || {
                let mut out = Vec::new();
                let g = Generator::new(Config {
                    traces: 20,
                    error_rate: 0.3,
                    ..Config::default()
                })
                .unwrap();
                write_traces(g, format, &mut out).map(|_| out)
            };
            let (a, b) = (run(), run());
            assert_eq!(a.is_ok(), b.is_ok());
            // Meaningful once the format's writer exists (until then both runs fail alike).
            if let (Ok(a), Ok(b)) = (a, b) {
                assert!(!a.is_empty());
                assert_eq!(a, b, "{}", format.name());
            }
        }
    }
}
