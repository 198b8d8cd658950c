//! `trailhound case …`: create a case headless, show it, set its scope and inputs, and the hidden
//! `stress-write` writer the durability test kills.

use crate::core::case::{self, Case, Input, NoteFilter};
use crate::core::entity::EntityRef;
use crate::core::time::{Scope, ScopeJson, rfc3339};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;

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
}

impl CaseDir {
    pub fn path(&self) -> Result<PathBuf> {
        match &self.dir {
            Some(d) => Ok(d.clone()),
            None => case::default_dir_for(&self.case_of).map_err(anyhow::Error::from),
        }
    }
    pub fn open(&self) -> Result<Case> {
        Ok(Case::open(&self.path()?)?)
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
    /// Set the analysis scope (FROM..TO, RFC 3339) or clear it with `none`
    Scope {
        #[command(flatten)]
        case: CaseDir,
        scope: String,
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

pub fn run(cmd: CaseCommand) -> Result<()> {
    match cmd {
        CaseCommand::New { case, inputs, scope } => {
            let scope = scope
                .map(|s| Scope::parse(&s))
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let dir = case.path()?;
            let c = Case::create(&dir, &path_inputs(&inputs)?)?;
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
        CaseCommand::Show { case, json } => show(&case.open()?, json),
        CaseCommand::List { json } => list(json),
        CaseCommand::AddInput { case, inputs } => {
            let c = case.open()?;
            c.add_inputs(&path_inputs(&inputs)?)?;
            Ok(())
        }
        CaseCommand::Scope { case, scope } => {
            let c = case.open()?;
            let scope = if scope == "none" {
                None
            } else {
                Some(Scope::parse(&scope).map_err(anyhow::Error::msg)?)
            };
            c.set_scope(scope)?;
            Ok(())
        }
        CaseCommand::StressWrite { case, start, count } => stress_write(&case.open()?, start, count),
    }
}

fn show(c: &Case, json: bool) -> Result<()> {
    let inputs = c.inputs()?;
    let notes = c.notes(&NoteFilter::default())?;
    let stars = c.stars()?;
    let tags = c.tags(None)?;
    let verdicts = c.verdicts()?;
    let scope = c.scope()?;
    if json {
        let v = serde_json::json!({
            "dir": c.dir().display().to_string(),
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
        return super::common::print_json(&v);
    }
    let vis = super::common::safe;
    println!("case     {}", vis(&c.dir().display().to_string()));
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
        }
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
