//! Reports handed on from a case: the [`report::Report`] model assembled from the case and the loaded data, and
//! one writer per format (Markdown, JSON, CSV, JSON lines). Every string from logs or analysts passes through
//! [`escape`] for its target format.

mod build;
pub mod detective;
pub mod enrich;
pub mod escape;
mod evidence;
mod highlights;
pub mod markdown;
pub mod report;
pub mod timeline;

pub use build::{Enrichment, NoEnrichment, ReportOptions, build};
pub use enrich::Analyses;
pub use report::{CaseSnapshot, Report};

/// Output formats of `trailhound export`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A Markdown report for people (`md`).
    Markdown,
    /// The report model as pretty JSON (`json`).
    Json,
    /// The evidence timeline as CSV (`csv`).
    Csv,
    /// The evidence timeline as JSON lines, one event per line (`jsonl`).
    JsonLines,
}

impl Format {
    /// The format named on the command line (`md`/`markdown`, `json`, `csv`, `jsonl`/`ndjson`).
    pub fn parse(s: &str) -> Result<Format, String> {
        Ok(match s {
            "md" | "markdown" => Format::Markdown,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "jsonl" | "ndjson" => Format::JsonLines,
            _ => return Err(format!("format {s:?}: expected md, json, csv or jsonl")),
        })
    }
}

/// The report as pretty JSON (`"version": 1`), hazard characters escaped (see `core::text::json`).
pub fn json(report: &Report) -> String {
    use crate::core::text::json::to_string_pretty;
    let text = to_string_pretty(report)
        .or_else(|e| to_string_pretty(&serde_json::json!({ "error": e.to_string() })))
        .unwrap_or_default();
    text + "\n"
}

/// Render `report` in `format`.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Markdown => markdown::render(report),
        Format::Json => json(report),
        Format::Csv => timeline::csv(report),
        Format::JsonLines => timeline::jsonl(report),
    }
}

#[cfg(test)]
mod tests;
