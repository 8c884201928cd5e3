//! `tracekit lint`: cardinality and PII findings over any number of spans (streamed).

use super::findings::{FindingsRun, finish};
use super::{InputRules, output, report_inputs};
use crate::analysis::pii::config::LintConfig;
use crate::analysis::pii::driver::LintEngine;
use crate::analysis::pii::redaction::redaction_yaml;
use crate::cli::LintArgs;
use crate::error::{Error, Exit};
use crate::input::load::for_each_batch;
use crate::model::Span;
use crate::term::Term;

pub const DEFAULT_MAX_CARDINALITY: usize = 100;

pub fn run(args: LintArgs, term: &Term) -> Result<Exit, Error> {
    // First: resolving the backend (and its warnings) comes before anything else can fail.
    let opts = super::open_inputs(&args.input, term)?;
    let config = match &args.config {
        Some(p) => LintConfig::load(p)?,
        None => LintConfig::default(),
    };
    let limit = args
        .max_cardinality
        .map(|n| n as usize)
        .or(config.max_cardinality)
        .unwrap_or(DEFAULT_MAX_CARDINALITY);
    let engine = LintEngine::new(config, limit);
    // The engine runs on its own thread while the reader parses the next lines; batches go over
    // a bounded channel, in order.
    let (state, report) = std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Span>>(64);
        let engine = &engine;
        let worker = scope.spawn(move || {
            let mut state = engine.state();
            for batch in rx {
                engine.push_batch(&mut state, batch);
            }
            state
        });
        let report = for_each_batch(&args.input.sources, &opts, &mut |batch| {
            // A send fails only when the engine thread has panicked: the join below says so.
            let _ = tx.send(batch);
        });
        drop(tx);
        match worker.join() {
            Ok(state) => (state, report),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let input_exit = report_inputs(term, &report, InputRules::of(&args.input))?;
    let result = engine.finish(state);
    if let Some(path) = &args.emit_redaction_config {
        let yaml = redaction_yaml(&result.pii, &engine.config, result.spans, result.traces);
        let mut inputs = output::Inputs::sources(&args.input.sources);
        if let Some(c) = &args.config {
            inputs = inputs.and(c);
        }
        output::write_file(path, &inputs, output::Existing::Replace, yaml.as_bytes())?;
    }
    finish(
        FindingsRun {
            command: "lint",
            findings: result.findings,
            traces: result.traces,
            spans: result.spans,
            extra: result.extra,
            extra_text: result.extra_text,
            inputs: &args.input.sources,
            config: args.config.as_deref(),
        },
        &args.output,
        term,
        input_exit,
    )
}
