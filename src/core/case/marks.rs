//! Stars, tags and verdicts: the analyst's marks on entities and events.
//!
//! Stars and tags are sets (adding twice is a no-op; removing deletes the row). Verdicts are a log: setting one
//! appends a record, the newest record per entity is the current verdict, and the history stays.

use super::{Case, CaseError, Result, Star, Tag, Verdict, VerdictRecord};
use crate::core::entity::EntityRef;
use rusqlite::params;

/// Longest tag accepted (tags are labels, not notes).
const MAX_TAG_CHARS: usize = 200;

impl Case {
    /// Star `entity` as evidence. `Ok(false)` if it was already starred.
    pub fn star(&self, entity: &EntityRef) -> Result<bool> {
        let (now, author) = (self.now(), self.author.clone());
        self.write(|c| {
            Ok(c.execute(
                "INSERT OR IGNORE INTO stars (entity, author, at) VALUES (?1, ?2, ?3)",
                params![entity.to_string(), author, now],
            )? == 1)
        })
    }

    /// Remove the star. `Ok(false)` if it was not starred.
    pub fn unstar(&self, entity: &EntityRef) -> Result<bool> {
        self.write(|c| Ok(c.execute("DELETE FROM stars WHERE entity = ?1", [entity.to_string()])? == 1))
    }

    /// Whether `entity` is starred.
    pub fn is_starred(&self, entity: &EntityRef) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT count(*) > 0 FROM stars WHERE entity = ?1",
                [entity.to_string()],
                |r| r.get(0),
            )
            .map_err(|e| self.db(e))
    }

    /// All stars, oldest first.
    pub fn stars(&self) -> Result<Vec<Star>> {
        let rows = self.rows3("SELECT entity, author, at FROM stars ORDER BY at, rowid", [])?;
        rows.into_iter()
            .map(|(e, author, at)| {
                Ok(Star {
                    entity: self.entity(&e)?,
                    author,
                    at,
                })
            })
            .collect()
    }

    /// Label `entity` with `tag` (trimmed; 1–200 characters). `Ok(false)` if it already had it.
    pub fn tag(&self, entity: &EntityRef, tag: &str) -> Result<bool> {
        let tag = tag.trim();
        if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS {
            return Err(CaseError::Invalid(format!(
                "a tag must have 1 to {MAX_TAG_CHARS} characters"
            )));
        }
        let (now, author) = (self.now(), self.author.clone());
        self.write(|c| {
            Ok(c.execute(
                "INSERT OR IGNORE INTO tags (entity, tag, author, at) VALUES (?1, ?2, ?3, ?4)",
                params![entity.to_string(), tag, author, now],
            )? == 1)
        })
    }

    /// Remove a tag. `Ok(false)` if the entity did not have it.
    pub fn untag(&self, entity: &EntityRef, tag: &str) -> Result<bool> {
        self.write(|c| {
            Ok(c.execute(
                "DELETE FROM tags WHERE entity = ?1 AND tag = ?2",
                params![entity.to_string(), tag.trim()],
            )? == 1)
        })
    }

    /// Tags of one entity, or of all entities, in the order they were added.
    pub fn tags(&self, entity: Option<&EntityRef>) -> Result<Vec<Tag>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT entity, tag, author, at FROM tags
                 WHERE ?1 IS NULL OR entity = ?1 ORDER BY at, rowid",
            )
            .map_err(|e| self.db(e))?;
        let rows = st
            .query_map([entity.map(|e| e.to_string())], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.db(e))?;
        rows.into_iter()
            .map(|(e, tag, author, at)| {
                Ok(Tag {
                    entity: self.entity(&e)?,
                    tag,
                    author,
                    at,
                })
            })
            .collect()
    }

    /// Record a verdict on `entity` (appended; earlier verdicts stay in the history).
    pub fn set_verdict(&self, entity: &EntityRef, verdict: Verdict) -> Result<()> {
        let (now, author) = (self.now(), self.author.clone());
        self.write(|c| {
            c.execute(
                "INSERT INTO verdicts (entity, verdict, author, at) VALUES (?1, ?2, ?3, ?4)",
                params![entity.to_string(), verdict.to_string(), author, now],
            )?;
            Ok(())
        })
    }

    /// The current verdict on `entity` (`None` if never set).
    pub fn verdict(&self, entity: &EntityRef) -> Result<Option<VerdictRecord>> {
        Ok(self.verdict_history(entity)?.pop())
    }

    /// Every verdict ever recorded on `entity`, oldest first.
    pub fn verdict_history(&self, entity: &EntityRef) -> Result<Vec<VerdictRecord>> {
        let rows = self.rows4(
            "SELECT entity, verdict, author, at FROM verdicts WHERE entity = ?1 ORDER BY id",
            [entity.to_string()],
        )?;
        self.verdict_records(rows)
    }

    /// The current verdict of every entity that has one, in the order the entities were first judged.
    pub fn verdicts(&self) -> Result<Vec<VerdictRecord>> {
        let rows = self.rows4(
            "SELECT v.entity, v.verdict, v.author, v.at FROM verdicts v
             WHERE v.id = (SELECT max(id) FROM verdicts w WHERE w.entity = v.entity)
             ORDER BY (SELECT min(id) FROM verdicts w WHERE w.entity = v.entity)",
            [],
        )?;
        self.verdict_records(rows)
    }

    fn verdict_records(&self, rows: Vec<(String, String, String, i64)>) -> Result<Vec<VerdictRecord>> {
        rows.into_iter()
            .map(|(e, v, author, at)| {
                Ok(VerdictRecord {
                    entity: self.entity(&e)?,
                    verdict: v.parse::<Verdict>().map_err(|m| self.corrupt(m.to_string()))?,
                    author,
                    at,
                })
            })
            .collect()
    }

    fn rows3<P: rusqlite::Params>(&self, sql: &str, p: P) -> Result<Vec<(String, String, i64)>> {
        let mut st = self.conn.prepare(sql).map_err(|e| self.db(e))?;
        st.query_map(p, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.db(e))
    }

    fn rows4<P: rusqlite::Params>(&self, sql: &str, p: P) -> Result<Vec<(String, String, String, i64)>> {
        let mut st = self.conn.prepare(sql).map_err(|e| self.db(e))?;
        st.query_map(p, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.db(e))
    }
}
