//! `trailhound note …`, `star`/`unstar`, `tag`/`untag`, `verdict`: the analyst's marks, headless.
//! Human output passes analyst text through `core::text::visible` so a note cannot drive the terminal; JSON goes
//! through `common::print_json`.

use super::case::CaseDir;
use super::common::print_json;
use crate::core::case::{MAX_NOTE_BYTES, Note, NoteFilter, NoteId, Revision, Verdict, check_note_size};
use crate::core::entity::EntityRef;
use crate::core::text::visible;
use crate::core::time::rfc3339;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::io::Read;

#[derive(Subcommand, Debug)]
pub enum NoteCommand {
    /// Attach a note to an entity (`session:ASIA…`, `role:<arn>`, `finding:<id>`, `ip:…`, `case`, …)
    Add {
        #[command(flatten)]
        case: CaseDir,
        entity: EntityRef,
        /// The text; `-` reads it from stdin
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// List notes (oldest first)
    List {
        #[command(flatten)]
        case: CaseDir,
        /// Only notes on this entity
        #[arg(long)]
        entity: Option<EntityRef>,
        /// Include deleted notes
        #[arg(long)]
        deleted: bool,
        #[arg(long)]
        json: bool,
    },
    /// Replace a note's text (a new revision; the old text stays in its history)
    Edit {
        #[command(flatten)]
        case: CaseDir,
        id: NoteId,
        /// The text; `-` reads it from stdin
        text: String,
        /// The revision you edited; if the note changed since, your text is kept as a conflict revision
        #[arg(long)]
        base: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Delete a note (a tombstone: its history stays)
    Delete {
        #[command(flatten)]
        case: CaseDir,
        id: NoteId,
    },
    /// Every revision of a note
    History {
        #[command(flatten)]
        case: CaseDir,
        id: NoteId,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct MarkArgs {
    #[command(flatten)]
    case: CaseDir,
    entity: EntityRef,
}

#[derive(Args, Debug)]
pub struct TagArgs {
    #[command(flatten)]
    case: CaseDir,
    entity: EntityRef,
    tag: String,
}

#[derive(Args, Debug)]
pub struct VerdictArgs {
    #[command(flatten)]
    case: CaseDir,
    entity: EntityRef,
    #[arg(value_parser = |s: &str| s.trim().parse::<Verdict>())]
    verdict: Verdict,
}

/// `note list --json` element (README documents this shape).
#[derive(serde::Serialize)]
struct NoteJson<'a> {
    id: NoteId,
    entity: String,
    text: &'a str,
    author: &'a str,
    created: String,
    updated_by: &'a str,
    updated: String,
    rev: u32,
    deleted: bool,
    conflict_with: Option<u32>,
}

impl<'a> From<&'a Note> for NoteJson<'a> {
    fn from(n: &'a Note) -> Self {
        NoteJson {
            id: n.id,
            entity: n.entity.to_string(),
            text: &n.text,
            author: &n.author,
            created: rfc3339(n.created),
            updated_by: &n.updated_by,
            updated: rfc3339(n.updated),
            rev: n.rev,
            deleted: n.deleted,
            conflict_with: n.conflict_with,
        }
    }
}

fn text_arg(text: String) -> Result<String> {
    if text != "-" {
        return Ok(text);
    }
    let s = read_note(std::io::stdin().lock())?;
    // A trailing newline is the shell's, not the analyst's.
    Ok(s.strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&s)
        .to_string())
}

/// Read a note from a stream holding at most one byte over the note limit in memory: the rest is only counted,
/// so `note add … - < huge-file` is refused with its real size instead of first growing to it. The limit itself
/// is the case's (`core::case::check_note_size`); one trailing line break is allowed past it.
fn read_note(mut input: impl Read) -> Result<String> {
    let keep = MAX_NOTE_BYTES as u64 + 2;
    let mut bytes = Vec::new();
    (&mut input)
        .take(keep)
        .read_to_end(&mut bytes)
        .context("reading the note from stdin")?;
    if bytes.len() as u64 == keep {
        let rest = std::io::copy(&mut input, &mut std::io::sink()).context("reading the note from stdin")?;
        if rest > 0 {
            check_note_size(bytes.len().saturating_add(rest as usize))?;
        }
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "the note on stdin is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn print_note(n: &Note) {
    let mut head = format!(
        "#{}  {}  {}  {}  rev {}",
        n.id,
        visible(&n.entity.to_string()),
        visible(&n.author),
        rfc3339(n.created),
        n.rev
    );
    if n.rev > 1 {
        head.push_str(&format!(
            " (edited {} by {})",
            rfc3339(n.updated),
            visible(&n.updated_by)
        ));
    }
    if n.deleted {
        head.push_str("  [deleted]");
    }
    if let Some(c) = n.conflict_with {
        head.push_str(&format!("  [edit conflict with rev {c}: see `note history {}`]", n.id));
    }
    println!("{head}");
    for line in n.text.lines() {
        println!("    {}", visible(line));
    }
}

pub fn run(cmd: NoteCommand) -> Result<()> {
    match cmd {
        NoteCommand::Add {
            case,
            entity,
            text,
            json,
        } => {
            let c = case.open()?;
            let id = c.add_note(&entity, &text_arg(text)?)?;
            let note = c.note(id)?.context("the note just added is missing")?;
            if json {
                print_json(&NoteJson::from(&note))
            } else {
                println!("note {id}");
                Ok(())
            }
        }
        NoteCommand::List {
            case,
            entity,
            deleted,
            json,
        } => {
            let notes = case.open()?.notes(&NoteFilter {
                entity,
                include_deleted: deleted,
            })?;
            if json {
                return print_json(&notes.iter().map(NoteJson::from).collect::<Vec<_>>());
            }
            for n in &notes {
                print_note(n);
            }
            Ok(())
        }
        NoteCommand::Edit {
            case,
            id,
            text,
            base,
            json,
        } => {
            let c = case.open()?;
            let text = text_arg(text)?;
            let note = match base {
                Some(b) => c.edit_note_from(id, b, &text)?,
                None => c.edit_note(id, &text)?,
            };
            if json {
                return print_json(&NoteJson::from(&note));
            }
            match note.conflict_with {
                Some(r) => eprintln!(
                    "note {id} changed since revision {}: your text is revision {} and revision {r} is kept too",
                    base.unwrap_or(0),
                    note.rev
                ),
                None => println!("note {id} revision {}", note.rev),
            }
            Ok(())
        }
        NoteCommand::Delete { case, id } => Ok(case.open()?.delete_note(id)?),
        NoteCommand::History { case, id, json } => {
            let hist: Vec<Revision> = case.open()?.note_history(id)?;
            if hist.is_empty() {
                anyhow::bail!("no note {id} in this case");
            }
            if json {
                let rows: Vec<_> = hist
                    .iter()
                    .map(|r| {
                        serde_json::json!({"rev": r.rev, "base": r.base, "kind": r.kind, "text": r.text,
                            "author": r.author, "at": rfc3339(r.at)})
                    })
                    .collect();
                return print_json(&rows);
            }
            for r in &hist {
                println!(
                    "rev {} ({}, base {}) by {} at {}",
                    r.rev,
                    r.kind,
                    r.base.map(|b| b.to_string()).unwrap_or_else(|| "-".into()),
                    visible(&r.author),
                    rfc3339(r.at)
                );
                for line in r.text.lines() {
                    println!("    {}", visible(line));
                }
            }
            Ok(())
        }
    }
}

pub fn star(a: MarkArgs, on: bool) -> Result<()> {
    let c = a.case.open()?;
    if on {
        c.star(&a.entity)?;
    } else {
        c.unstar(&a.entity)?;
    }
    Ok(())
}

pub fn tag(a: TagArgs, on: bool) -> Result<()> {
    let c = a.case.open()?;
    if on {
        c.tag(&a.entity, &a.tag)?;
    } else {
        c.untag(&a.entity, &a.tag)?;
    }
    Ok(())
}

pub fn verdict(a: VerdictArgs) -> Result<()> {
    a.case.open()?.set_verdict(&a.entity, a.verdict)?;
    Ok(())
}
