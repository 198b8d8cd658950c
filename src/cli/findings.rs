//! `trailhound findings` (list) and `trailhound finding <ID>` (one finding with its entities, scope and pivots
//! into CloudTrail). Output: readable text, or `--json` with RFC 3339 UTC times (schemas in README `## Findings`).
//! Inputs are loaded by `core::ingest` (findings and CloudTrail mixed freely); the pivots read the CloudTrail
//! through `core::graph`.

use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::dataset::Dataset;
use crate::core::findings::pivots::{self, AccessUse, EventOrigin, LastUse, PolicyChange, SignalEvidence};
use crate::core::findings::{Finding, FindingEntity, Severity, SeverityLabel, Source};
use crate::core::time::{ScopeJson, rfc3339};
use anyhow::{Result, bail};
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Only findings from this service: guardduty | access-analyzer.
    #[arg(long)]
    pub source: Option<Source>,
    /// Only findings at or above this severity: a number (e.g. 7) or low | medium | high | critical.
    #[arg(long, value_parser = parse_min_severity)]
    pub min_severity: Option<f64>,
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// Findings and the CloudTrail logs to pivot into.
    #[command(flatten)]
    pub input: InputArgs,
    /// The finding id (GuardDuty id or ARN, Access Analyzer id).
    pub id: String,
}

fn parse_min_severity(s: &str) -> Result<f64, String> {
    if let Ok(l) = s.parse::<SeverityLabel>() {
        return Ok(l.floor());
    }
    s.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{s:?}: expected a number or low|medium|high|critical"))
}

/// One row of `findings --json`.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    source: Source,
    #[serde(rename = "type")]
    finding_type: &'a str,
    severity: Severity,
    title: &'a str,
    account: Option<&'a str>,
    region: Option<&'a str>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    resource: Option<String>,
    scope: Option<ScopeJson>,
}

fn scope_json(f: &Finding) -> Option<ScopeJson> {
    let s = f.scope();
    (s != crate::core::time::Scope::ALL).then(|| s.into())
}

fn row(f: &Finding) -> Row<'_> {
    Row {
        id: &f.id,
        source: f.source,
        finding_type: &f.finding_type,
        severity: f.severity,
        title: &f.title,
        account: f.account.as_deref(),
        region: f.region.as_deref(),
        first_seen: f.first_seen.or(f.created_at).map(rfc3339),
        last_seen: f.last_seen.or(f.updated_at).map(rfc3339),
        resource: f.resource_label(),
        scope: scope_json(f),
    }
}

/// Load, report bad files and records on stderr (path, record index, reason), and merge copies of a finding.
fn load(input: &InputArgs) -> Result<Dataset> {
    let data = load_dataset(input, None)?;
    let store = data.store();
    let r = &store.report;
    for e in r.errors.iter().take(MAX_REPORTED) {
        let idx = e.index.map(|i| format!(" [record {i}]")).unwrap_or_default();
        eprintln!(
            "{}{idx}: skipped: {}",
            safe(&e.path.display().to_string()),
            safe(&e.reason)
        );
    }
    if r.errors_total > MAX_REPORTED as u64 {
        eprintln!(
            "… {} more errors (see `trailhound ingest`)",
            r.errors_total - MAX_REPORTED as u64
        );
    }
    if store.findings.is_empty() && store.events.is_empty() {
        bail!("nothing loaded from the inputs (no findings, no CloudTrail events)");
    }
    if store.findings.is_empty() {
        eprintln!(
            "no findings in the inputs ({} CloudTrail events loaded)",
            store.events.len()
        );
    }
    Ok(data)
}

/// Errors printed verbatim; the rest are counted.
const MAX_REPORTED: usize = 50;

pub fn list(args: ListArgs) -> Result<ExitCode> {
    let data = load(&args.input)?;
    let store = data.store();
    let mut rows: Vec<&Finding> = store
        .findings
        .iter()
        .filter(|f| args.source.is_none_or(|s| f.source == s))
        .filter(|f| args.min_severity.is_none_or(|m| f.severity.value >= m))
        .collect();
    rows.sort_by(|a, b| {
        b.severity
            .value
            .total_cmp(&a.severity.value)
            .then(b.last_seen.or(b.updated_at).cmp(&a.last_seen.or(a.updated_at)))
            .then(a.id.cmp(&b.id))
    });
    if args.input.json {
        let out: Vec<Row> = rows.iter().map(|f| row(f)).collect();
        print_json(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<8} {:>4}  {:<15} {:<50} {:<12} {:<20} {:<32} ID",
        "SEVERITY", "", "SOURCE", "TYPE", "ACCOUNT", "LAST SEEN", "RESOURCE"
    );
    for f in rows {
        let r = row(f);
        println!(
            "{:<8} {:>4.1}  {:<15} {:<50} {:<12} {:<20} {:<32} {}",
            format!("{:?}", r.severity.label),
            r.severity.value,
            f.source.to_string(),
            safe(r.finding_type),
            safe(r.account.unwrap_or("-")),
            r.last_seen.as_deref().unwrap_or("-"),
            safe(r.resource.as_deref().unwrap_or("-")),
            safe(r.id)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `finding <ID> --json`: the finding plus what it points at and, with CloudTrail loaded, the evidence.
#[derive(Serialize)]
pub(super) struct Detail<'a> {
    #[serde(flatten)]
    pub finding: &'a Finding,
    pub scope: Option<ScopeJson>,
    pub entities: Vec<FindingEntity>,
    /// GuardDuty with an access key: who was behind that session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_origin: Option<EventOrigin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_changes: Option<Vec<PolicyChange>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subsequent_access: Option<Vec<AccessUse>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_use: Option<Vec<LastUse>>,
    /// An attack sequence's signals with the CloudTrail events and sessions behind each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signals: Option<Vec<SignalEvidence>>,
}

pub fn show(args: ShowArgs) -> Result<ExitCode> {
    let data = load(&args.input)?;
    let store = data.store();
    let Some(f) = store
        .findings
        .iter()
        .find(|f| f.id == args.id || f.arn.as_deref() == Some(&args.id))
    else {
        bail!(
            "no finding with id {:?} among the {} loaded",
            safe(&args.id),
            store.findings.len()
        );
    };
    let graph = data.graph();
    let mut entities = f.entities();
    pivots::resolve_entities(store, &mut entities);
    let key = f.resource.access_key.as_ref().and_then(|k| k.access_key_id.as_deref());
    let aa = f.access.as_ref();
    let detail = Detail {
        finding: f,
        scope: scope_json(f),
        entities,
        session_origin: key.and_then(|k| pivots::session_origin(store, graph, k)),
        policy_changes: aa
            .filter(|d| !d.is_unused())
            .map(|_| pivots::policy_changes(store, graph, f)),
        subsequent_access: aa
            .filter(|d| !d.is_unused())
            .map(|_| pivots::subsequent_access(store, graph, f)),
        last_use: aa.filter(|d| d.is_unused()).map(|_| pivots::last_use(store, f)),
        signals: f
            .sequence
            .as_ref()
            .map(|_| pivots::signal_evidence(store, graph, f, &store.findings)),
    };
    if args.input.json {
        print_json(&detail)?;
    } else {
        print!("{}", super::findings_text::render(&detail));
    }
    Ok(ExitCode::SUCCESS)
}
