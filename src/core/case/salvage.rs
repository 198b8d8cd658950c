//! `case salvage`: copy everything a damaged case still holds into a new, healthy case, and say exactly what
//! could not be copied.
//!
//! The output is a new case (not only a JSON dump) because that is what every command, the TUI and export read:
//! notes keep their ids, every readable revision with its author and time, stars, tags, the verdict log, inputs
//! (re-anchored to the new folder), scope and `ui_state`. Beside it, `salvage-report.json` lists per table how
//! many rows were copied, which row ranges could not be read and which rows were unusable, and carries the full
//! text of any note revision whose note record was lost (its entity is unknown, so it is not attached to
//! anything in the new case rather than attached to a guess).
//!
//! Reading: the source is opened read-only and each table is walked by rowid, one row per query. When a row
//! cannot be read (a damaged page), the next readable rowid is found by probing forward (doubling, then
//! bisecting), so one bad page costs the rows on it, not the rest of the table. Columns are read as untyped
//! values and checked here, so a row with a wrong type is reported, not mistaken for damage.

use super::open::{self, Mode};
use super::{Case, CaseError, DB_FILE, Input, Result, RevisionKind, Verdict, stored_input};
use crate::core::entity::EntityRef;
use rusqlite::types::Value;
use rusqlite::{Connection, params};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The report file written into the new case's folder.
pub const REPORT_FILE: &str = "salvage-report.json";

/// What `case salvage` copied and what it could not (also written as [`REPORT_FILE`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SalvageReport {
    /// The damaged case's folder (only read).
    pub source: PathBuf,
    /// The new case's folder.
    pub out: PathBuf,
    /// What `PRAGMA integrity_check` said about the source (empty when it was sound).
    pub source_problems: Vec<String>,
    /// True when every row of every table was copied.
    pub complete: bool,
    /// One entry per table of the case, in schema order.
    pub tables: Vec<TableReport>,
    /// Notes whose record was read but none of whose revisions (so no text) could be.
    pub notes_without_text: Vec<LostNote>,
    /// Revisions whose note record was lost or unusable: their text is kept here, not in the new case.
    pub orphan_revisions: Vec<OrphanRevision>,
}

/// One table's share of the salvage.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TableReport {
    /// The table's name in `case.sqlite`.
    pub table: &'static str,
    /// Rows copied into the new case.
    pub copied: usize,
    /// Rowid ranges (inclusive) that could not be read.
    pub unreadable: Vec<RowRange>,
    /// Rows read but not usable, and why.
    pub invalid: Vec<InvalidRow>,
}

/// Rows that could not be read: rowids `first_rowid..=last_rowid` (not every rowid in it need have existed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowRange {
    /// First rowid of the range (`i64::MIN` when the table could not be read from its start).
    pub first_rowid: i64,
    /// Last rowid of the range (`i64::MAX` when nothing after it could be read).
    pub last_rowid: i64,
    /// What SQLite said when the first of them was read.
    pub error: String,
}

/// A row that was read but could not be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvalidRow {
    /// Its rowid in its table.
    pub rowid: i64,
    /// Why it was not copied (a wrong type, an entity or verdict that does not parse, …).
    pub reason: String,
}

/// A note whose record survived but none of whose revisions did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LostNote {
    /// The note's id.
    pub id: i64,
    /// What it was about (`kind:value`).
    pub entity: String,
}

/// A note revision whose note record was lost, so whose entity is unknown: kept here, whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrphanRevision {
    /// The id of the note it belonged to.
    pub note_id: i64,
    /// Its revision number.
    pub rev: i64,
    /// `create`, `edit`, `conflict` or `delete`.
    pub kind: String,
    /// The note's text at this revision.
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// When (epoch seconds UTC).
    pub at: i64,
}

/// One table's readable rows, as untyped values (rowid first).
struct Scan {
    rows: Vec<(i64, Vec<Value>)>,
    unreadable: Vec<RowRange>,
}

fn fetch_from(conn: &Connection, sql: &str, from: i64, ncols: usize) -> rusqlite::Result<Option<(i64, Vec<Value>)>> {
    let mut st = conn.prepare_cached(sql)?;
    let mut rows = st.query([from])?;
    match rows.next()? {
        None => Ok(None),
        Some(r) => {
            let rowid: i64 = r.get(0)?;
            let vals = (1..=ncols)
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some((rowid, vals)))
        }
    }
}

/// Every readable row of `table`, in rowid order, skipping past damaged pages.
///
/// Each query asks for the first row with `rowid >= from` (a seek to `from` lands on the page that would hold
/// it, so a readable `from` never touches the damaged page before it).
fn scan(conn: &Connection, table: &str, cols: &[&str]) -> Scan {
    let sql = format!(
        "SELECT rowid, {} FROM {table} WHERE rowid >= ?1 ORDER BY rowid LIMIT 1",
        cols.join(", ")
    );
    let fetch = |from: i64| fetch_from(conn, &sql, from, cols.len());
    let mut out = Scan {
        rows: Vec::new(),
        unreadable: Vec::new(),
    };
    let mut from = i64::MIN;
    loop {
        match fetch(from) {
            Ok(None) => break,
            Ok(Some((rowid, vals))) => {
                out.rows.push((rowid, vals));
                if rowid == i64::MAX {
                    break;
                }
                from = rowid + 1;
            }
            Err(e) => {
                // The smallest `p > from` from which reading works again: rows in `from..p` are lost.
                let ok = |p: i64| fetch(p).is_ok();
                let mut lo = from;
                let mut step: i64 = 1;
                let hi = loop {
                    let p = lo.saturating_add(step);
                    if ok(p) {
                        break Some(p);
                    }
                    if p == i64::MAX {
                        break None;
                    }
                    lo = p;
                    step = step.saturating_mul(2);
                };
                let Some(mut hi) = hi else {
                    out.unreadable.push(RowRange {
                        first_rowid: from,
                        last_rowid: i64::MAX,
                        error: e.to_string(),
                    });
                    break;
                };
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if ok(mid) {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                out.unreadable.push(RowRange {
                    first_rowid: from,
                    last_rowid: hi - 1,
                    error: e.to_string(),
                });
                from = hi;
            }
        }
    }
    out
}

fn text(v: &Value, what: &str) -> std::result::Result<String, String> {
    match v {
        Value::Text(s) => Ok(s.clone()),
        other => Err(format!("{what} is {}, not text", type_name(other))),
    }
}

fn int(v: &Value, what: &str) -> std::result::Result<i64, String> {
    match v {
        Value::Integer(i) => Ok(*i),
        other => Err(format!("{what} is {}, not an integer", type_name(other))),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NULL",
        Value::Integer(_) => "an integer",
        Value::Real(_) => "a real number",
        Value::Text(_) => "text",
        Value::Blob(_) => "a blob",
    }
}

fn entity(v: &Value) -> std::result::Result<String, String> {
    let s = text(v, "entity")?;
    s.parse::<EntityRef>().map(|e| e.to_string()).map_err(|e| e.to_string())
}

/// Typed rows of one table plus its report; `check` turns a row's values into the row or says why not.
fn typed<T>(
    scan: Scan,
    table: &'static str,
    check: impl Fn(&[Value]) -> std::result::Result<T, String>,
) -> (Vec<T>, TableReport) {
    let mut report = TableReport {
        table,
        unreadable: scan.unreadable,
        ..TableReport::default()
    };
    let mut rows = Vec::new();
    for (rowid, vals) in scan.rows {
        match check(&vals) {
            Ok(t) => rows.push(t),
            Err(reason) => report.invalid.push(InvalidRow { rowid, reason }),
        }
    }
    (rows, report)
}

struct NoteRow {
    id: i64,
    entity: String,
    author: String,
    created_at: i64,
}

/// Copy what is readable from the case in `source` into a new case in `out` (which must not hold one) and
/// write [`REPORT_FILE`] there. The source is only read.
pub fn salvage(source: &Path, out: &Path) -> Result<SalvageReport> {
    if !source.join(DB_FILE).is_file() {
        return Err(CaseError::NotFound {
            path: source.display().to_string(),
        });
    }
    open::refuse_empty(source)?;
    let src_db = source.join(DB_FILE);
    let (conn, _) = open::open_db(&src_db, Mode::ReadOnly)?;
    let source_problems = open::check_rows(&conn, "integrity_check", 100);

    let (meta, meta_r) = typed(scan(&conn, "meta", &["key", "value"]), "meta", |v| {
        Ok((text(&v[0], "key")?, text(&v[1], "value")?))
    });
    let (inputs, inputs_r) = typed(scan(&conn, "inputs", &["kind", "value", "added_at"]), "inputs", |v| {
        let (kind, value, at) = (text(&v[0], "kind")?, text(&v[1], "value")?, int(&v[2], "added_at")?);
        let input = match kind.as_str() {
            "path" => {
                let p = PathBuf::from(&value);
                Input::Path {
                    path: if p.is_absolute() { p } else { source.join(p) },
                }
            }
            "fetch" => Input::Fetch {
                params: serde_json::from_str(&value).map_err(|e| format!("fetch parameters: {e}"))?,
            },
            "s3" => Input::S3 {
                url: value.parse().map_err(|e| format!("s3 input: {e}"))?,
            },
            other => return Err(format!("unknown input kind {other:?}")),
        };
        Ok((input, at))
    });
    let (notes, mut notes_r) = typed(
        scan(&conn, "notes", &["id", "entity", "author", "created_at"]),
        "notes",
        |v| {
            Ok(NoteRow {
                id: int(&v[0], "id")?,
                entity: entity(&v[1])?,
                author: text(&v[2], "author")?,
                created_at: int(&v[3], "created_at")?,
            })
        },
    );
    let (revs, mut revs_r) = typed(
        scan(
            &conn,
            "note_revisions",
            &["note_id", "rev", "base", "kind", "text", "author", "at"],
        ),
        "note_revisions",
        |v| {
            let kind = text(&v[3], "kind")?;
            kind.parse::<RevisionKind>().map_err(|e| e.to_string())?;
            let base = match &v[2] {
                Value::Null => None,
                b => Some(int(b, "base")?),
            };
            Ok((
                OrphanRevision {
                    note_id: int(&v[0], "note_id")?,
                    rev: int(&v[1], "rev")?,
                    kind,
                    text: text(&v[4], "text")?,
                    author: text(&v[5], "author")?,
                    at: int(&v[6], "at")?,
                },
                base,
            ))
        },
    );
    let (stars, stars_r) = typed(scan(&conn, "stars", &["entity", "author", "at"]), "stars", |v| {
        Ok((entity(&v[0])?, text(&v[1], "author")?, int(&v[2], "at")?))
    });
    let (tags, tags_r) = typed(scan(&conn, "tags", &["entity", "tag", "author", "at"]), "tags", |v| {
        Ok((
            entity(&v[0])?,
            text(&v[1], "tag")?,
            text(&v[2], "author")?,
            int(&v[3], "at")?,
        ))
    });
    let (verdicts, verdicts_r) = typed(
        scan(&conn, "verdicts", &["id", "entity", "verdict", "author", "at"]),
        "verdicts",
        |v| {
            let verdict: &'static str = text(&v[2], "verdict")?
                .parse::<Verdict>()
                .map_err(|e| e.to_string())?
                .into();
            Ok((
                int(&v[0], "id")?,
                entity(&v[1])?,
                verdict,
                text(&v[3], "author")?,
                int(&v[4], "at")?,
            ))
        },
    );
    drop(conn);

    // Pair notes with their revisions: a note needs at least one revision (its text); a revision needs its note.
    let with_text: BTreeSet<i64> = revs.iter().map(|(r, _)| r.note_id).collect();
    let kept: BTreeMap<i64, &NoteRow> = notes
        .iter()
        .filter(|n| with_text.contains(&n.id))
        .map(|n| (n.id, n))
        .collect();
    let notes_without_text: Vec<LostNote> = notes
        .iter()
        .filter(|n| !kept.contains_key(&n.id))
        .map(|n| LostNote {
            id: n.id,
            entity: n.entity.clone(),
        })
        .collect();
    let (kept_revs, orphan_revisions): (Vec<_>, Vec<_>) =
        revs.into_iter().partition(|(r, _)| kept.contains_key(&r.note_id));
    let orphan_revisions: Vec<OrphanRevision> = orphan_revisions.into_iter().map(|(r, _)| r).collect();

    let case = Case::create(out, &[])?;
    let input_rows = inputs
        .iter()
        .map(|(i, at)| stored_input(out, i).map(|row| (row, *at)))
        .collect::<Result<Vec<_>>>()?;
    let now = case.now();
    case.write(|c| {
        for (key, value) in &meta {
            if key == "ui_state" && serde_json::from_str::<serde::de::IgnoredAny>(value).is_err() {
                continue;
            }
            c.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
        }
        c.execute(
            "INSERT INTO meta (key, value) VALUES ('salvaged_from', ?1), ('salvaged_at', ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![source.display().to_string(), now.to_string()],
        )?;
        for ((kind, value), at) in &input_rows {
            c.execute(
                "INSERT OR IGNORE INTO inputs (kind, value, added_at) VALUES (?1, ?2, ?3)",
                params![kind, value, at],
            )?;
        }
        for n in kept.values() {
            c.execute(
                "INSERT INTO notes (id, entity, author, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![n.id, n.entity, n.author, n.created_at],
            )?;
        }
        for (r, base) in &kept_revs {
            c.execute(
                "INSERT INTO note_revisions (note_id, rev, base, kind, text, author, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![r.note_id, r.rev, base, r.kind, r.text, r.author, r.at],
            )?;
        }
        for (e, author, at) in &stars {
            c.execute(
                "INSERT OR IGNORE INTO stars (entity, author, at) VALUES (?1, ?2, ?3)",
                params![e, author, at],
            )?;
        }
        for (e, tag, author, at) in &tags {
            c.execute(
                "INSERT OR IGNORE INTO tags (entity, tag, author, at) VALUES (?1, ?2, ?3, ?4)",
                params![e, tag, author, at],
            )?;
        }
        for (id, e, verdict, author, at) in &verdicts {
            c.execute(
                "INSERT INTO verdicts (id, entity, verdict, author, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, e, verdict, author, at],
            )?;
        }
        Ok(())
    })?;
    case.integrity_check()?;

    notes_r.copied = kept.len();
    revs_r.copied = kept_revs.len();
    let counted = |mut r: TableReport, n: usize| {
        r.copied = n;
        r
    };
    let tables = vec![
        counted(meta_r, meta.len()),
        counted(inputs_r, input_rows.len()),
        notes_r,
        revs_r,
        counted(stars_r, stars.len()),
        counted(tags_r, tags.len()),
        counted(verdicts_r, verdicts.len()),
    ];
    let complete = tables.iter().all(|t| t.unreadable.is_empty() && t.invalid.is_empty())
        && notes_without_text.is_empty()
        && orphan_revisions.is_empty();
    let report = SalvageReport {
        source: source.to_path_buf(),
        out: out.to_path_buf(),
        source_problems,
        complete,
        tables,
        notes_without_text,
        orphan_revisions,
    };
    let json = crate::core::text::json::to_string_pretty(&report)
        .map_err(|e| CaseError::Invalid(format!("salvage report: {e}")))?;
    crate::core::fsutil::write_atomic(&out.join(REPORT_FILE), format!("{json}\n").as_bytes()).map_err(|e| {
        CaseError::Io {
            path: out.join(REPORT_FILE).display().to_string(),
            source: e.into(),
        }
    })?;
    Ok(report)
}
