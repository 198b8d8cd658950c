//! `trailhound export`: the case report as Markdown or JSON, or its evidence timeline as CSV / JSON lines,
//! to stdout or atomically to a file.

use super::case::CaseDir;
use crate::core::case::Input;
use crate::core::dataset::Dataset;
use crate::core::export::{self, Analyses, CaseSnapshot, Format, ReportOptions};
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
    #[arg(long, default_value = "md")]
    format: Format,
    /// Write here instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Folder with MaxMind City/ASN databases (default: $TRAILHOUND_GEOIP, then the usual places)
    #[arg(long, value_name = "DIR")]
    geoip: Option<PathBuf>,
    /// Evidence events listed per entity (the total is always reported)
    #[arg(long, default_value_t = 1000)]
    max_events: usize,
    #[command(flatten)]
    window: super::common::WindowArgs,
}

/// Load the events and findings the report draws evidence from; say what could not be loaded.
fn load(
    inputs: &[Input],
    window: &crate::core::ingest::LoadWindow,
    geoip: Option<&std::path::Path>,
) -> (Dataset, Option<String>) {
    let paths: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Path { path } => Some(path.clone()),
            Input::Fetch { .. } => None,
        })
        .collect();
    let mut warnings = Vec::new();
    if paths.len() < inputs.len() {
        warnings.push(format!(
            "{} fetch inputs are not re-fetched by export (export the fetched files' folder with -i)",
            inputs.len() - paths.len()
        ));
    }
    if inputs.is_empty() {
        warnings.push("the case records no inputs: no events were loaded".to_string());
    }
    let data = super::common::load_paths(&paths, window, geoip);
    let errors = data.store().report.errors_total;
    if errors > 0 {
        warnings.push(format!(
            "{errors} bad files or records were skipped (`trailhound ingest -i …` lists them)"
        ));
    }
    (data, (!warnings.is_empty()).then(|| warnings.join("; ")))
}

pub fn run(a: ExportArgs) -> Result<()> {
    let case = a.case.open()?;
    let mut snap = CaseSnapshot::read(&case)?;
    if !a.inputs.is_empty() {
        snap.inputs = a.inputs.iter().map(|p| Input::Path { path: p.clone() }).collect();
    }
    let (data, warning) = load(&snap.inputs, &a.window.window(), a.geoip.as_deref());
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
    let analyses = Analyses {
        graph: Some(data.graph()),
        geo: Some(data.geo()),
        behavior: Some(data.behavior()),
    };
    let report = export::build(&snap, data.store(), &analyses, &opts);
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
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&p) {
            Ok(f) => return Ok((p, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("creating a file in {}", dir.display()));
            }
        }
    }
    anyhow::bail!("cannot create a temporary file in {}", dir.display())
}
