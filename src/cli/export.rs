//! `trailhound export`: the case report as Markdown or JSON, or its evidence timeline as CSV / JSON lines,
//! to stdout (no `-o`, or `-o -`) or to a file through `core::fsutil::write_atomic` (atomic; an existing file's
//! mode and owner kept; anything but a regular file refused).

use super::case::CaseDir;
use crate::core::case::Input;
use crate::core::dataset::Dataset;
use crate::core::export::{self, Analyses, CaseSnapshot, Format, ReportOptions};
use crate::core::fsutil::{Output, write_atomic};
use anyhow::Result;
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
    /// Write here instead of stdout (`-` is stdout); an existing regular file is replaced atomically, keeping
    /// its mode and owner; a symlink, folder or FIFO is refused
    #[arg(short = 'o', long = "output", value_name = "FILE", value_parser = output_parser())]
    output: Option<Output>,
    /// Folder with MaxMind City/ASN databases (default: $TRAILHOUND_GEOIP, then the usual places)
    #[arg(long, value_name = "DIR")]
    geoip: Option<PathBuf>,
    /// Evidence events listed per entity (the total is always reported)
    #[arg(long, default_value_t = 1000)]
    max_events: usize,
    #[command(flatten)]
    window: super::common::WindowArgs,
    #[command(flatten)]
    s3: super::s3::S3Args,
}

/// Load the events and findings the report draws evidence from; say what could not be loaded.
fn load(
    case_dir: &std::path::Path,
    inputs: &[Input],
    window: &crate::core::ingest::LoadWindow,
    geoip: Option<&std::path::Path>,
    index: Option<crate::core::index::CaseIndex>,
) -> (Dataset, Option<String>) {
    let paths: Vec<PathBuf> = inputs.iter().filter_map(|i| i.local_path(case_dir)).collect();
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
    let data = super::common::load_paths(&paths, window, geoip, index);
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
    // The case's own inputs are read through its index; other inputs are parsed.
    let index = a
        .inputs
        .is_empty()
        .then(|| crate::core::index::CaseIndex::of(case.dir(), case.access().writable()));
    if !a.inputs.is_empty() {
        // An `s3://` input is brought up to date in this case's cache first, then read from there.
        super::s3::resolve_with(&a.inputs, Some(case.dir()), &a.window.window(), &a.s3, false)?;
        snap.inputs = a
            .inputs
            .iter()
            .map(|p| match super::s3::s3_url(p) {
                Ok(Some(url)) => Input::S3 { url },
                _ => Input::Path { path: p.clone() },
            })
            .collect();
    }
    let (data, warning) = load(case.dir(), &snap.inputs, &a.window.window(), a.geoip.as_deref(), index);
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
    match a.output.unwrap_or(Output::Stdout) {
        Output::Stdout => super::closed_stdout::write_stdout(|out| out.write_all(text.as_bytes()))?,
        Output::File(path) => write_atomic(&path, text.as_bytes())?,
    }
    Ok(())
}

/// `-o` keeps non-UTF-8 paths as they are.
fn output_parser() -> impl clap::builder::TypedValueParser<Value = Output> {
    use clap::builder::TypedValueParser;
    clap::builder::OsStringValueParser::new().map(|s| Output::parse(&s))
}
