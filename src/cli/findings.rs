//! `trailhound findings` (list) and `trailhound finding <ID>` (one finding with its entities, scope and pivots
//! into CloudTrail). Output: readable text, or `--json` with RFC 3339 UTC times (schemas in README `## Findings`).
//! Loading goes through [`load`]: an interim reader of finding files until `core::ingest::load` lands.

use crate::core::findings::pivots::{self, AccessUse, LastUse, PolicyChange, SessionOrigin};
use crate::core::findings::{
    Finding, FindingEntity, FindingsParse, Severity, SeverityLabel, Source, parse_document,
};
use crate::core::model::Store;
use crate::core::time::{ScopeJson, rfc3339};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Input files or folders (repeatable); content is auto-detected.
    #[arg(short = 'i', long = "input", required = true)]
    pub input: Vec<PathBuf>,
    /// Only findings from this service: guardduty | access-analyzer.
    #[arg(long, value_parser = parse_source)]
    pub source: Option<Source>,
    /// Only findings at or above this severity: a number (e.g. 7) or low | medium | high | critical.
    #[arg(long, value_parser = parse_min_severity)]
    pub min_severity: Option<f64>,
    /// Machine-readable JSON output.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// Input files or folders (repeatable): findings and the CloudTrail logs to pivot into.
    #[arg(short = 'i', long = "input", required = true)]
    pub input: Vec<PathBuf>,
    /// The finding id (GuardDuty id or ARN, Access Analyzer id).
    pub id: String,
    /// Machine-readable JSON output.
    #[arg(long)]
    pub json: bool,
}

fn parse_source(s: &str) -> Result<Source, String> {
    Source::parse(s).ok_or_else(|| format!("{s:?}: expected guardduty or access-analyzer"))
}

fn parse_min_severity(s: &str) -> Result<f64, String> {
    if let Some(l) = SeverityLabel::parse(s) {
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

pub fn list(args: ListArgs) -> Result<()> {
    let store = load(&args.input)?;
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
            .then(
                b.last_seen
                    .or(b.updated_at)
                    .cmp(&a.last_seen.or(a.updated_at)),
            )
            .then(a.id.cmp(&b.id))
    });
    if args.json {
        let out: Vec<Row> = rows.iter().map(|f| row(f)).collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
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
            f.source.as_str(),
            r.finding_type,
            r.account.unwrap_or("-"),
            r.last_seen.as_deref().unwrap_or("-"),
            r.resource.as_deref().unwrap_or("-"),
            r.id
        );
    }
    Ok(())
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
    pub session_origin: Option<SessionOrigin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_changes: Option<Vec<PolicyChange>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subsequent_access: Option<Vec<AccessUse>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_use: Option<Vec<LastUse>>,
}

pub fn show(args: ShowArgs) -> Result<()> {
    let store = load(&args.input)?;
    let Some(f) = store
        .findings
        .iter()
        .find(|f| f.id == args.id || f.arn.as_deref() == Some(&args.id))
    else {
        bail!(
            "no finding with id {:?} among the {} loaded",
            args.id,
            store.findings.len()
        );
    };
    let mut entities = f.entities();
    pivots::resolve_entities(&store, &mut entities);
    let key = f
        .resource
        .access_key
        .as_ref()
        .and_then(|k| k.access_key_id.as_deref());
    let aa = f.access.as_ref();
    let detail = Detail {
        finding: f,
        scope: scope_json(f),
        entities,
        session_origin: key.and_then(|k| pivots::session_origin(&store, k)),
        policy_changes: aa
            .filter(|d| !d.is_unused())
            .map(|_| pivots::policy_changes(&store, f)),
        subsequent_access: aa
            .filter(|d| !d.is_unused())
            .map(|_| pivots::subsequent_access(&store, f)),
        last_use: aa
            .filter(|d| d.is_unused())
            .map(|_| pivots::last_use(&store, f)),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&detail)?);
    } else {
        print!("{}", super::findings_text::render(&detail));
    }
    Ok(())
}

/// Interim loader: finding documents from files and folders (JSON, JSON lines, `.gz`), bad entries reported on
/// stderr and skipped. Replaced by `core::ingest::load` (which also loads CloudTrail) when it lands.
pub fn load(inputs: &[PathBuf]) -> Result<Store> {
    let mut files = Vec::new();
    for p in inputs {
        if !p.exists() {
            bail!("{}: no such file or folder", p.display());
        }
        collect(p, &mut files)?;
    }
    let mut store = Store::default();
    let mut without = 0usize;
    for path in files {
        let text = match read(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: {e:#}", path.display());
                continue;
            }
        };
        let docs: Vec<(Option<usize>, Result<serde_json::Value, String>)> =
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => vec![(None, Ok(v))],
                Err(whole) => {
                    let lines: Vec<_> = text
                        .lines()
                        .enumerate()
                        .filter(|(_, l)| !l.trim().is_empty())
                        .map(|(i, l)| (Some(i), serde_json::from_str(l).map_err(|e| e.to_string())))
                        .collect();
                    if lines.iter().all(|(_, r)| r.is_err()) {
                        eprintln!("{}: not JSON ({whole})", path.display());
                        continue;
                    }
                    lines
                }
            };
        let mut found = false;
        for (line, doc) in docs {
            let where_ = |i: Option<usize>| match (line, i) {
                (Some(l), _) => format!("{}:{}", path.display(), l + 1),
                (None, Some(i)) => format!("{} [{i}]", path.display()),
                (None, None) => path.display().to_string(),
            };
            match doc {
                Err(e) => eprintln!("{}: bad JSON line skipped ({e})", where_(None)),
                Ok(v) => match parse_document(&v) {
                    FindingsParse::NotFindings => {}
                    FindingsParse::Parsed { findings, errors } => {
                        found = true;
                        for (i, e) in errors {
                            eprintln!("{}: skipped: {e}", where_(i));
                        }
                        store.findings.extend(findings);
                    }
                },
            }
        }
        without += usize::from(!found);
    }
    if without > 0 {
        eprintln!(
            "{without} file(s) held no findings (CloudTrail is read by the ingest, not by this interim loader)"
        );
    }
    dedup(&mut store.findings);
    Ok(store)
}

/// The same finding read from several forms (list-findings and get-finding, EventBridge and S3 export): keep
/// the most recently updated copy, first seen on ties.
fn dedup(findings: &mut Vec<Finding>) {
    let mut keep: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings.drain(..) {
        match keep
            .iter_mut()
            .find(|k| k.source == f.source && k.id == f.id)
        {
            Some(k) if f.updated_at > k.updated_at => *k = f,
            Some(_) => {}
            None => keep.push(f),
        }
    }
    *findings = keep;
}

fn collect(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .with_context(|| format!("{}", p.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            // Symlinked folders are not followed: a loop would never end.
            if e.is_dir() && !e.is_symlink() {
                collect(&e, out)?;
            } else if e.is_file() {
                out.push(e);
            }
        }
    } else {
        out.push(p.to_path_buf());
    }
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path)?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .context("gzip")?;
        return Ok(s);
    }
    String::from_utf8(bytes).context("not UTF-8")
}
