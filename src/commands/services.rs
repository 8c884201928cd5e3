//! `tracekit services`: a backend's services, their operations, or (Tempo) its tag names.

use std::io::Write;

use super::fetch::no_backend;
use super::output;
use crate::backend::{Operation, Session, config};
use crate::cli::{ListFormat, ServicesArgs};
use crate::error::{Error, Exit};
use crate::render::backend_docs::{
    BackendDoc, ServiceDoc, ServiceListDoc, ServicesDoc, TagListDoc, TagScopeDoc,
};
use crate::render::doc::to_value;
use crate::render::table::{TableData, TableStyle, write_table};
use crate::term::Term;

pub fn run(args: ServicesArgs, term: &Term) -> Result<Exit, Error> {
    let target = config::resolve(&args.backend.request())?.ok_or_else(no_backend)?;
    let session = Session::new(target, None, term);
    let client = session.client()?;
    let style = TableStyle {
        color: term.color_stdout,
        ascii: false,
        width: term.width,
    };
    let mut out = output::Output::stdout();
    if args.tags {
        let scopes = client.tags()?;
        match args.format {
            ListFormat::Json => {
                let doc = ServicesDoc::Tags(TagListDoc {
                    schema: "tracekit.services/v1",
                    tags: scopes
                        .iter()
                        .map(|(s, names)| TagScopeDoc {
                            names: names.clone(),
                            scope: s.clone(),
                        })
                        .collect(),
                });
                write_json(&mut out, &doc)?;
            }
            ListFormat::Table => {
                let mut t = TableData::new(&[("SCOPE", false), ("TAG", false)]);
                for (s, names) in &scopes {
                    for n in names {
                        t.push(vec![s.clone(), n.clone()]);
                    }
                }
                write_table(&t, style, &mut out).map_err(output::write_err)?;
            }
        }
        out.commit()?;
        return Ok(Exit::Success);
    }
    let services = match &args.service {
        Some(s) => vec![s.clone()],
        None => client.services()?,
    };
    let with_ops = args.operations || args.service.is_some();
    let mut ops: Vec<Vec<Operation>> = Vec::new();
    if with_ops {
        for s in &services {
            ops.push(client.operations(s)?);
        }
    }
    match args.format {
        ListFormat::Json => {
            let doc = ServicesDoc::Services(ServiceListDoc {
                backend: BackendDoc::new(&session.target, Some(client.kind.name())),
                schema: "tracekit.services/v1",
                services: services
                    .iter()
                    .enumerate()
                    .map(|(i, s)| ServiceDoc {
                        name: s.clone(),
                        operations: ops.get(i).cloned(),
                    })
                    .collect(),
            });
            write_json(&mut out, &doc)?;
        }
        ListFormat::Table if with_ops => {
            let mut t =
                TableData::new(&[("SERVICE", false), ("OPERATION", false), ("KIND", false)]);
            for (s, list) in services.iter().zip(&ops) {
                for o in list {
                    t.push(vec![
                        s.clone(),
                        o.name.clone(),
                        o.kind.clone().unwrap_or_else(|| "-".into()),
                    ]);
                }
            }
            write_table(&t, style, &mut out).map_err(output::write_err)?;
        }
        ListFormat::Table => {
            // One name per line: easy to read and to pipe.
            for s in &services {
                writeln!(out, "{}", crate::term::escape(s)).map_err(output::write_err)?;
            }
        }
    }
    out.commit()?;
    Ok(Exit::Success)
}

fn write_json(out: &mut dyn Write, doc: &ServicesDoc) -> Result<(), Error> {
    serde_json::to_writer_pretty(&mut *out, &to_value(doc))
        .map_err(|e| output::write_err(e.into()))?;
    writeln!(out).map_err(output::write_err)
}
