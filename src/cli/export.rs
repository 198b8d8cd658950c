//! `trailhound export`: the case report as Markdown or JSON, or its evidence timeline as CSV / JSON lines,
//! to stdout or atomically to a file.

use super::case::CaseDir;
use crate::core::case::Input;
use crate::core::export::{self, CaseSnapshot, Format, NoEnrichment, ReportOptions};
use crate::core::model::Store;
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    case: CaseDir,
    /// Inputs to build the report from instead of the case's recorded inputs (repeatable)
    #[arg(short = 'i', long = "input", value_name = "PATH")]
    inputs: Vec<PathBuf>,
    /// md, json, csv or jsonl
    #[arg(long, value_parser = Format::parse, default_value = "md")]
    format: Format,
    /// Write here instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Evidence events listed per entity (the total is always reported)
    #[arg(long, default_value_t = 1000)]
    max_events: usize,
}

/// Load the events and findings the report draws evidence from.
///
/// The CloudTrail loader (`core::ingest`) is not in this build yet, so no events are loaded and the report says
/// so in its data summary; wire `ingest::load` here when it lands.
fn load(inputs: &[Input]) -> (Store, Option<String>) {
    let paths = inputs
        .iter()
        .filter(|i| matches!(i, Input::Path { .. }))
        .count();
    let warning = (!inputs.is_empty()).then(|| {
        format!(
            "{} recorded inputs ({paths} paths) were not loaded: this build cannot read CloudTrail yet, \
             so the report has the case's marks but no evidence events",
            inputs.len()
        )
    });
    (Store::default(), warning)
}

pub fn run(a: ExportArgs) -> Result<()> {
    let case = a.case.open()?;
    let mut snap = CaseSnapshot::read(&case)?;
    if !a.inputs.is_empty() {
        snap.inputs = a
            .inputs
            .iter()
            .map(|p| Input::Path { path: p.clone() })
            .collect();
    }
    let (store, warning) = load(&snap.inputs);
    if let Some(w) = &warning {
        eprintln!("trailhound: warning: {w}");
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .ok();
    let opts = ReportOptions {
        max_events_per_entity: a.max_events,
        generated: now,
        data_warning: warning,
    };
    let report = export::build(&snap, &store, &NoEnrichment, &opts);
    let text = export::render(&report, a.format);
    match &a.output {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        Some(path) => write_atomic(path, text.as_bytes())?,
    }
    Ok(())
}

/// Write via a temporary file in the same folder and rename, so a reader never sees half a report.
fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let (tmp, mut file) = tempfile_in(dir)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("writing {}", path.display()))
}

fn tempfile_in(dir: &std::path::Path) -> Result<(PathBuf, std::fs::File)> {
    for n in 0..100u32 {
        let p = dir.join(format!(".trailhound-export-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(f) => return Ok((p, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("creating a file in {}", dir.display()));
            }
        }
    }
    anyhow::bail!("cannot create a temporary file in {}", dir.display())
}
