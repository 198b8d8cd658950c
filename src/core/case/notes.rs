//! Notes: create, edit (as new revisions, detecting stale bases), tombstone, list and history.
//!
//! A note's text is never overwritten: every change is a new row in `note_revisions`. An edit names the revision
//! it started from; if another process wrote a newer revision meanwhile, the edit is still stored (as a
//! `conflict` revision) so neither text is lost, and the note reports the race until someone edits it again.

use super::{Case, CaseError, Note, NoteFilter, NoteId, Result, Revision, RevisionKind};
use crate::core::entity::EntityRef;
use rusqlite::{Connection, OptionalExtension, params};

const NOTE_COLUMNS: &str = "n.id, n.entity, n.author, n.created_at, r.rev, r.kind, r.text, r.author, r.at";

/// Join of each note with its newest revision.
const NOTE_FROM: &str = "FROM notes n JOIN note_revisions r ON r.note_id = n.id
     AND r.rev = (SELECT max(rev) FROM note_revisions WHERE note_id = n.id)";

struct Row {
    id: NoteId,
    entity: String,
    author: String,
    created: i64,
    rev: u32,
    kind: String,
    text: String,
    updated_by: String,
    updated: i64,
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        entity: r.get(1)?,
        author: r.get(2)?,
        created: r.get(3)?,
        rev: r.get(4)?,
        kind: r.get(5)?,
        text: r.get(6)?,
        updated_by: r.get(7)?,
        updated: r.get(8)?,
    })
}

/// The largest note text accepted: 1 MiB of UTF-8. A note is an analyst's prose — 1 MiB is some 15 000 lines
/// of 70 characters, far more than any note needs — and every note is read whole into the TUI's editor, the
/// Notes view and every export. Bounding it keeps those fast (the editor's cost per key and per frame is measured
/// at this size by `benches/note_editor.rs`) and one stray paste from bloating the case for good (revisions are
/// never deleted). Larger evidence belongs in a file the note points to.
pub const MAX_NOTE_BYTES: usize = 1 << 20;

/// The size rule, alone, for callers that know a length before they hold the text (a stream being read).
pub fn check_note_size(bytes: usize) -> Result<()> {
    if bytes > MAX_NOTE_BYTES {
        return Err(CaseError::NoteTooLarge { bytes });
    }
    Ok(())
}

/// Every note text written goes through here.
fn check_text(text: &str) -> Result<()> {
    check_note_size(text.len())?;
    if text.trim().is_empty() {
        return Err(CaseError::Invalid("a note needs some text".into()));
    }
    Ok(())
}

/// `1.5 MiB`, `800 KiB`, `12 bytes`.
pub(super) fn human_bytes(n: usize) -> String {
    const KIB: f64 = 1024.0;
    let f = n as f64;
    if f >= KIB * KIB {
        format!("{:.1} MiB", f / (KIB * KIB))
    } else if f >= KIB {
        format!("{:.1} KiB", f / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// Newest revision number and kind of note `id`.
fn head(c: &Connection, id: NoteId) -> Result<(u32, String, String)> {
    c.query_row(
        "SELECT rev, kind, text FROM note_revisions WHERE note_id = ?1 ORDER BY rev DESC LIMIT 1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?
    .ok_or_else(|| CaseError::Invalid(format!("no note {id} in this case")))
}

impl Case {
    fn note_from_row(&self, row: Row) -> Result<Note> {
        let kind = row
            .kind
            .parse::<RevisionKind>()
            .map_err(|_| self.corrupt(format!("note {}: revision kind {:?}", row.id, row.kind)))?;
        Ok(Note {
            id: row.id,
            entity: self.entity(&row.entity)?,
            text: row.text,
            author: row.author,
            created: row.created,
            updated_by: row.updated_by,
            updated: row.updated,
            rev: row.rev,
            deleted: kind == RevisionKind::Delete,
            conflict_with: (kind == RevisionKind::Conflict).then(|| row.rev.saturating_sub(1)),
        })
    }

    /// Attach a new note to `entity` (use [`EntityRef::Case`] for the case itself).
    pub fn add_note(&self, entity: &EntityRef, text: &str) -> Result<NoteId> {
        check_text(text)?;
        let (now, author) = (self.now(), self.author.clone());
        self.write(|c| {
            c.execute(
                "INSERT INTO notes (entity, author, created_at) VALUES (?1, ?2, ?3)",
                params![entity.to_string(), author, now],
            )?;
            let id = c.last_insert_rowid();
            c.execute(
                "INSERT INTO note_revisions (note_id, rev, base, kind, text, author, at)
                 VALUES (?1, 1, NULL, 'create', ?2, ?3, ?4)",
                params![id, text, author, now],
            )?;
            Ok(id)
        })
    }

    /// Replace the text of note `id`, on top of whatever revision is newest now (the CLI's edit).
    pub fn edit_note(&self, id: NoteId, text: &str) -> Result<Note> {
        self.edit(id, None, text)
    }

    /// Replace the text of note `id`, starting from revision `base` (what the editor showed). If a newer revision
    /// exists the edit is kept as a conflict revision next to it; check [`Note::conflict_with`].
    pub fn edit_note_from(&self, id: NoteId, base: u32, text: &str) -> Result<Note> {
        self.edit(id, Some(base), text)
    }

    fn edit(&self, id: NoteId, base: Option<u32>, text: &str) -> Result<Note> {
        check_text(text)?;
        let (now, author) = (self.now(), self.author.clone());
        self.write(|c| {
            let (head_rev, _, _) = head(c, id)?;
            let base = base.unwrap_or(head_rev);
            if base == 0 || base > head_rev {
                return Err(CaseError::Invalid(format!(
                    "note {id} has no revision {base} (newest is {head_rev})"
                )));
            }
            let kind = if base == head_rev {
                RevisionKind::Edit
            } else {
                RevisionKind::Conflict
            };
            c.execute(
                "INSERT INTO note_revisions (note_id, rev, base, kind, text, author, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, head_rev + 1, base, kind.to_string(), text, author, now],
            )?;
            Ok(())
        })?;
        self.note(id)?
            .ok_or_else(|| self.corrupt(format!("note {id} vanished after an edit")))
    }

    /// Delete note `id`: a tombstone revision; the history (every text) stays retrievable.
    pub fn delete_note(&self, id: NoteId) -> Result<()> {
        let (now, author) = (self.now(), self.author.clone());
        self.write(|c| {
            let (head_rev, kind, text) = head(c, id)?;
            if kind == RevisionKind::Delete.to_string() {
                return Ok(());
            }
            c.execute(
                "INSERT INTO note_revisions (note_id, rev, base, kind, text, author, at)
                 VALUES (?1, ?2, ?3, 'delete', ?4, ?5, ?6)",
                params![id, head_rev + 1, head_rev, text, author, now],
            )?;
            Ok(())
        })
    }

    /// One note as it stands now (deleted ones included, flagged).
    pub fn note(&self, id: NoteId) -> Result<Option<Note>> {
        let sql = format!("SELECT {NOTE_COLUMNS} {NOTE_FROM} WHERE n.id = ?1");
        let row = self
            .conn
            .query_row(&sql, [id], read_row)
            .optional()
            .map_err(|e| self.db(e))?;
        row.map(|r| self.note_from_row(r)).transpose()
    }

    /// Notes in creation order, optionally only those on one entity; deleted notes only when asked.
    pub fn notes(&self, filter: &NoteFilter) -> Result<Vec<Note>> {
        let mut sql = format!("SELECT {NOTE_COLUMNS} {NOTE_FROM}");
        if filter.entity.is_some() {
            sql.push_str(" WHERE n.entity = ?1");
        }
        sql.push_str(" ORDER BY n.id");
        let mut st = self.conn.prepare(&sql).map_err(|e| self.db(e))?;
        let rows = match &filter.entity {
            Some(e) => st.query_map([e.to_string()], read_row),
            None => st.query_map([], read_row),
        }
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| self.db(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let note = self.note_from_row(row)?;
            if filter.include_deleted || !note.deleted {
                out.push(note);
            }
        }
        Ok(out)
    }

    /// Every revision of note `id`, oldest first.
    pub fn note_history(&self, id: NoteId) -> Result<Vec<Revision>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT rev, base, kind, text, author, at FROM note_revisions
                 WHERE note_id = ?1 ORDER BY rev",
            )
            .map_err(|e| self.db(e))?;
        let rows = st
            .query_map([id], |r| {
                Ok((
                    r.get::<_, u32>(0)?,
                    r.get::<_, Option<u32>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.db(e))?;
        rows.into_iter()
            .map(|(rev, base, kind, text, author, at)| {
                let kind = kind
                    .parse::<RevisionKind>()
                    .map_err(|_| self.corrupt(format!("note {id}: revision kind {kind:?}")))?;
                Ok(Revision {
                    rev,
                    base,
                    kind,
                    text,
                    author,
                    at,
                })
            })
            .collect()
    }
}
