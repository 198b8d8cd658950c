//! Reports handed on from a case: the [`report::Report`] model assembled from the case and the loaded data, and
//! one writer per format (Markdown, JSON, CSV, JSON lines). Every string from logs or analysts passes through
//! [`escape`] for its target format.

mod build;
mod denied;
pub mod detective;
pub mod enrich;
pub mod escape;
mod evidence;
mod highlights;
mod investigate;
pub mod markdown;
pub mod report;
pub mod timeline;

pub use build::{Enrichment, NoEnrichment, ReportOptions, build};
pub use enrich::Analyses;
pub use report::{CaseSnapshot, Report};

/// Output formats of `trailhound export` (and `:export`): `md` (or `markdown`), `json`, `csv`, `jsonl` (or
/// `ndjson`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::Display, strum::EnumString, strum::IntoStaticStr)]
#[strum(parse_err_ty = crate::core::vocab::UnknownWord, parse_err_fn = unknown_format)]
pub enum Format {
    /// A Markdown report for people (`md`).
    #[strum(to_string = "md", serialize = "markdown")]
    Markdown,
    /// The report model as pretty JSON (`json`).
    #[strum(to_string = "json")]
    Json,
    /// The evidence timeline as CSV (`csv`).
    #[strum(to_string = "csv")]
    Csv,
    /// The evidence timeline as JSON lines, one event per line (`jsonl`).
    #[strum(to_string = "jsonl", serialize = "ndjson")]
    JsonLines,
}

fn unknown_format(s: &str) -> crate::core::vocab::UnknownWord {
    crate::core::vocab::UnknownWord::new("format", s, "md, json, csv or jsonl")
}

/// Add the geo-fence review of `scope` (the case's scope, else everything loaded) against `fence` to `report`.
pub fn add_geofence(
    report: &mut Report,
    data: &crate::core::dataset::Dataset,
    fence: &crate::core::policy::fence::Fence,
    scope: Option<crate::core::time::Scope>,
) {
    use crate::core::policy::fence::{RawEndpoints, review};
    let scope = scope.unwrap_or(crate::core::time::Scope::ALL);
    report.geofence = Some(review(data, fence, scope, None, &RawEndpoints::new(data.store())));
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
