//! `trailhound case …`: create a case headless, show it, set its scope and inputs, check and salvage a damaged
//! one, and the hidden `stress-write` writer the durability test kills.

use crate::core::case::{self, Access, Case, CaseError, Health, Input, Mode, NoteFilter};
use crate::core::entity::EntityRef;
use crate::core::time::{Scope, ScopeJson, rfc3339};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `--case DIR` (or `--case-of PATH…`), shared by every case command.
#[derive(Args, Debug, Clone)]
pub struct CaseDir {
    /// Case directory (default: the default case of --case-of's inputs, else <user data dir>/trailhound/cases/default)
    #[arg(long = "case", value_name = "DIR", env = "TRAILHOUND_CASE")]
    pub dir: Option<PathBuf>,
    /// Use the default case of these inputs: the case the TUI opens for `-i PATH…` without --case (repeatable;
    /// `trailhound case list` shows them all).
    #[arg(long = "case-of", value_name = "PATH", conflicts_with = "dir")]
    pub case_of: Vec<PathBuf>,
    /// Open the case read-only even if it is writable (evidence you must not change)
    #[arg(long, env = "TRAILHOUND_CASE_READ_ONLY", value_parser = clap::builder::FalseyValueParser::new())]
    pub read_only: bool,
}

impl CaseDir {
    pub fn path(&self) -> Result<PathBuf> {
        match &self.dir {
            Some(d) => Ok(d.clone()),
            None => case::default_dir_for(&self.case_of).map_err(anyhow::Error::from),
        }
    }

    /// Open the case (read-only when asked or when this user cannot write it); a damaged case opens for reading
    /// with a warning on stderr, and refuses writes.
    pub fn open(&self) -> Result<Case> {
        let mode = if self.read_only { Mode::ReadOnly } else { Mode::Auto };
        let case = Case::open_with(&self.path()?, mode)?;
        if let Health::Damaged(detail) = case.health() {
            eprintln!(
                "trailhound: warning: {}: the case is damaged ({}); what is shown may be incomplete. \
                 `trailhound case check` lists the damage, `trailhound case salvage --out NEW_DIR` copies what is readable",
                super::common::safe(&case.dir().display().to_string()),
                crate::core::text::visible_lines(detail)
            );
        }
        Ok(case)
    }
}

#[derive(Subcommand, Debug)]
pub enum CaseCommand {
    /// Create a case recording its inputs (it then opens in the TUI)
    New {
        #[command(flatten)]
        case: CaseDir,
        /// CloudTrail / findings files or folders (repeatable)
        #[arg(short = 'i', long = "input", value_name = "PATH")]
        inputs: Vec<PathBuf>,
        /// Analysis scope, FROM..TO (RFC 3339)
        #[arg(long)]
        scope: Option<String>,
    },
    /// Show the case: inputs, scope, counts of notes, stars, tags and verdicts
    Show {
        #[command(flatten)]
        case: CaseDir,
        #[arg(long)]
        json: bool,
    },
    /// Record more inputs
    AddInput {
        #[command(flatten)]
        case: CaseDir,
        #[arg(short = 'i', long = "input", value_name = "PATH", required = true)]
        inputs: Vec<PathBuf>,
    },
    /// Record elevated-access broker roles and request logs (added to those recorded; README "Elevated-access
    /// brokers"); every command loading `--case` then uses them
    Broker {
        #[command(flatten)]
        case: CaseDir,
        #[command(flatten)]
        broker: super::common::BrokerArgs,
    },
    /// Set the analysis scope (FROM..TO, RFC 3339) or clear it with `none`
    Scope {
        #[command(flatten)]
        case: CaseDir,
        scope: String,
    },
    /// Run SQLite's full integrity check on case.sqlite; exit status 1 when it is damaged
    Check {
        #[command(flatten)]
        case: CaseDir,
        #[arg(long)]
        json: bool,
    },
    /// Copy everything still readable from a (damaged) case into a new case in DIR, with salvage-report.json
    Salvage {
        #[command(flatten)]
        case: CaseDir,
        /// Folder for the new case (must not hold a case)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// List the default cases (one per input set the TUI was opened on) with their inputs and note counts
    List {
        #[arg(long)]
        json: bool,
    },
    /// Durability test helper: add notes in a loop, printing `ack N` after each commit
    #[command(hide = true)]
    StressWrite {
        #[command(flatten)]
        case: CaseDir,
        #[arg(long)]
        start: u64,
        #[arg(long, default_value_t = u64::MAX)]
        count: u64,
    },
}

/// `case list`: the cases under the cases folder, newest first.
fn list(json: bool) -> Result<()> {
    let root = case::cases_root()?;
    let mut cases = case::list_in(&root);
    cases.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.dir.cmp(&b.dir)));
    if json {
        return super::common::print_json(&cases);
    }
    if cases.is_empty() {
        println!("no cases in {}", super::common::safe(&root.display().to_string()));
        return Ok(());
    }
    for c in &cases {
        println!(
            "{}  {} notes  modified {}",
            super::common::safe(&c.dir.display().to_string()),
            c.notes,
            c.modified.map(rfc3339).unwrap_or_else(|| "?".into())
        );
        for i in &c.inputs {
            println!("    input {}", super::common::safe(i));
        }
        if let Some(p) = &c.problem {
            println!("    unreadable: {}", super::common::safe(p));
        }
    }
    Ok(())
}

fn path_inputs(paths: &[PathBuf]) -> Result<Vec<Input>> {
    paths
        .iter()
        .map(|p| {
            // An `s3://` input is recorded as such; its objects are copied into the case when it is first
            // loaded with `-i s3://…` (README "Reading straight from S3").
            if let Some(url) = super::s3::s3_url(p)? {
                return Ok(Input::S3 { url });
            }
            if !p.exists() {
                bail!(
                    "{}: no such file or folder",
                    super::common::safe(&p.display().to_string())
                );
            }
            Ok(Input::Path { path: p.clone() })
        })
        .collect()
}

pub fn run(cmd: CaseCommand) -> Result<ExitCode> {
    let done = |r: Result<()>| r.map(|()| ExitCode::SUCCESS);
    match cmd {
        CaseCommand::New { case, inputs, scope } => done(new(&case, &inputs, scope)),
        CaseCommand::Show { case, json } => done(show(&case.open()?, json)),
        CaseCommand::List { json } => done(list(json)),
        CaseCommand::AddInput { case, inputs } => {
            done(case.open()?.add_inputs(&path_inputs(&inputs)?).map_err(Into::into))
        }
        CaseCommand::Broker { case, broker } => {
            if broker.roles.is_empty() && broker.logs.is_empty() {
                bail!("give --broker-role ARN and/or --broker-log FILE to record");
            }
            done(case.open()?.add_broker_config(&broker.config()).map_err(Into::into))
        }
        CaseCommand::Scope { case, scope } => {
            let c = case.open()?;
            let scope = if scope == "none" {
                None
            } else {
                Some(Scope::parse(&scope).map_err(anyhow::Error::msg)?)
            };
            done(c.set_scope(scope).map_err(Into::into))
        }
        CaseCommand::Check { case, json } => check(&case.path()?, json),
        CaseCommand::Salvage { case, out, json } => done(salvage(&case.path()?, &out, json)),
        CaseCommand::StressWrite { case, start, count } => done(stress_write(&case.open()?, start, count)),
    }
}

fn new(case: &CaseDir, inputs: &[PathBuf], scope: Option<String>) -> Result<()> {
    if case.read_only {
        bail!("a case cannot be created read-only");
    }
    let scope = scope
        .map(|s| Scope::parse(&s))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let dir = case.path()?;
    let c = Case::create(&dir, &path_inputs(inputs)?)?;
    if scope.is_some() {
        c.set_scope(scope)?;
    }
    println!(
        "created case {} ({} inputs)",
        super::common::safe(&dir.display().to_string()),
        inputs.len()
    );
    Ok(())
}

/// `case check`: the full `PRAGMA integrity_check`, opened read-only so checking never changes the file.
fn check(dir: &Path, json: bool) -> Result<ExitCode> {
    let db = dir.join(case::DB_FILE);
    let shown = super::common::safe(&db.display().to_string());
    let (state, problems, access) = match Case::open_with(dir, Mode::ReadOnly) {
        Ok(c) => {
            let problems = c.integrity_problems();
            let state = if problems.is_empty() { "ok" } else { "damaged" };
            (state, problems, Some(c.access()))
        }
        Err(e @ CaseError::NotFound { .. }) => return Err(e.into()),
        Err(CaseError::Empty { .. }) => (
            "empty",
            vec!["the file has 0 bytes: it holds no case".to_string()],
            None,
        ),
        Err(CaseError::Damaged { detail, .. }) => ("damaged", vec![detail], None),
        Err(e) => return Err(e.into()),
    };
    if json {
        super::common::print_json(&serde_json::json!({
            "path": db.display().to_string(),
            "state": state,
            "problems": problems,
            "access": access.map(Access::as_str),
        }))?;
    } else if problems.is_empty() {
        println!("{shown}: ok (SQLite integrity check passed)");
    } else {
        println!("{shown}: {state}");
        for p in &problems {
            println!("  {}", crate::core::text::visible_lines(p));
        }
        if state == "damaged" {
            println!(
                "copy what is still readable into a new case with `trailhound case salvage --case {} --out NEW_DIR`",
                super::common::safe(&dir.display().to_string())
            );
        }
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn salvage(dir: &Path, out: &Path, json: bool) -> Result<()> {
    let report = case::salvage::salvage(dir, out)?;
    if json {
        return super::common::print_json(&report);
    }
    let vis = super::common::safe;
    println!(
        "salvaged {} into the new case {} ({})",
        vis(&dir.display().to_string()),
        vis(&out.display().to_string()),
        if report.complete {
            "everything was readable"
        } else {
            "some rows could not be copied"
        }
    );
    for t in &report.tables {
        let unreadable: Vec<String> = t
            .unreadable
            .iter()
            .map(|r| match (r.first_rowid, r.last_rowid) {
                (i64::MIN, i64::MAX) => "every row".to_string(),
                (i64::MIN, last) => format!("rowids up to {last}"),
                (first, i64::MAX) => format!("rowids from {first}"),
                (first, last) => format!("rowids {first}..={last}"),
            })
            .collect();
        let mut line = format!("  {:<15} {:>6} copied", t.table, t.copied);
        if !unreadable.is_empty() {
            line.push_str(&format!(", unreadable: {}", unreadable.join(", ")));
        }
        if !t.invalid.is_empty() {
            line.push_str(&format!(", {} unusable rows", t.invalid.len()));
        }
        println!("{line}");
    }
    if !report.notes_without_text.is_empty() {
        println!(
            "  {} notes lost all their text (ids and entities in the report)",
            report.notes_without_text.len()
        );
    }
    if !report.orphan_revisions.is_empty() {
        println!(
            "  {} note texts whose note record was lost (so whose entity is unknown) are kept only in the report",
            report.orphan_revisions.len()
        );
    }
    println!(
        "report: {}",
        vis(&out.join(case::salvage::REPORT_FILE).display().to_string())
    );
    Ok(())
}

fn show(c: &Case, json: bool) -> Result<()> {
    let inputs = c.inputs()?;
    let notes = c.notes(&NoteFilter::default())?;
    let stars = c.stars()?;
    let tags = c.tags(None)?;
    let verdicts = c.verdicts()?;
    let scope = c.scope()?;
    let broker = c.broker_config()?;
    if json {
        let mut v = serde_json::json!({
            "dir": c.dir().display().to_string(),
            "access": c.access().as_str(),
            "read_only_because": c.access().reason().map(|r| r.as_str()),
            "damaged": match c.health() { Health::Sound => None, Health::Damaged(d) => Some(d.as_str()) },
            "created": c.created()?.map(rfc3339),
            "scope": scope.map(ScopeJson::from),
            "inputs": inputs,
            "notes": notes.len(),
            "stars": stars.iter().map(|s| s.entity.to_string()).collect::<Vec<_>>(),
            "tags": tags.iter().map(|t| serde_json::json!({"entity": t.entity, "tag": t.tag})).collect::<Vec<_>>(),
            "verdicts": verdicts.iter().map(|v| serde_json::json!({
                "entity": v.entity, "verdict": v.verdict, "author": v.author, "at": rfc3339(v.at)
            })).collect::<Vec<_>>(),
        });
        // Present only when recorded, so a case without broker settings shows as it always did.
        if !broker.is_empty() {
            v["broker"] = serde_json::json!(broker);
        }
        return super::common::print_json(&v);
    }
    let vis = super::common::safe;
    println!("case     {}", vis(&c.dir().display().to_string()));
    match c.access().reason() {
        None => println!("access   {}", c.access().as_str()),
        Some(why) => println!("access   {} ({})", c.access().as_str(), why.as_str()),
    }
    if let Some(t) = c.created()? {
        println!("created  {}", rfc3339(t));
    }
    match scope {
        Some(s) => println!("scope    {} .. {}", rfc3339(s.from), rfc3339(s.to)),
        None => println!("scope    (not set)"),
    }
    for i in &inputs {
        match i {
            Input::Path { path } => println!("input    {}", vis(&path.display().to_string())),
            Input::Fetch { params } => println!("input    fetch {}", vis(&params.to_string())),
            Input::S3 { url } => println!(
                "input    {} (cached in {})",
                vis(&url.to_string()),
                vis(&url.cache_dir(c.dir()).display().to_string())
            ),
        }
    }
    for r in &broker.roles {
        println!("broker   role {}", vis(r));
    }
    for l in &broker.logs {
        println!("broker   log {}", vis(&l.display().to_string()));
    }
    println!(
        "notes {}, stars {}, tags {}, verdicts {}",
        notes.len(),
        stars.len(),
        tags.len(),
        verdicts.len()
    );
    for v in &verdicts {
        println!("  {:<10} {}", v.verdict.to_string(), vis(&v.entity.to_string()));
    }
    Ok(())
}

/// Adds notes `stress <n>` for n = start, start+1, … and acknowledges each only after `add_note` returned
/// (committed). stdout is flushed per line so a killed process leaves exactly the acks it made.
fn stress_write(c: &Case, start: u64, count: u64) -> Result<()> {
    let out = std::io::stdout();
    let mut out = out.lock();
    for n in start..start.saturating_add(count) {
        c.add_note(&EntityRef::Case, &format!("stress {n}"))
            .with_context(|| format!("note {n}"))?;
        writeln!(out, "ack {n}")?;
        out.flush()?;
    }
    Ok(())
}
