//! The case database's schema and its forward migrations.
//!
//! `schema_version` holds one row. Migrations are applied in order inside one write transaction, so a case is
//! either at the old version or the new one, never between. A case written by a newer trailhound (a version we
//! do not know) is refused rather than guessed at.

use rusqlite::{Connection, OptionalExtension};

/// Forward migrations; index `i` takes the schema from version `i` to `i + 1`. Never edit a released entry:
/// append a new one.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the first schema.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE inputs (
        id       INTEGER PRIMARY KEY,
        kind     TEXT NOT NULL,          -- 'path' | 'fetch'
        value    TEXT NOT NULL,          -- the path, or fetch parameters as JSON
        added_at INTEGER NOT NULL,
        UNIQUE (kind, value)
    );
    CREATE TABLE notes (
        id         INTEGER PRIMARY KEY,
        entity     TEXT NOT NULL,
        author     TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX notes_entity ON notes (entity);
    CREATE TABLE note_revisions (
        note_id INTEGER NOT NULL REFERENCES notes (id),
        rev     INTEGER NOT NULL,
        base    INTEGER,
        kind    TEXT NOT NULL,           -- 'create' | 'edit' | 'conflict' | 'delete'
        text    TEXT NOT NULL,
        author  TEXT NOT NULL,
        at      INTEGER NOT NULL,
        PRIMARY KEY (note_id, rev)
    );
    CREATE TABLE stars (
        entity TEXT PRIMARY KEY,
        author TEXT NOT NULL,
        at     INTEGER NOT NULL
    );
    CREATE TABLE tags (
        entity TEXT NOT NULL,
        tag    TEXT NOT NULL,
        author TEXT NOT NULL,
        at     INTEGER NOT NULL,
        PRIMARY KEY (entity, tag)
    );
    CREATE TABLE verdicts (
        id      INTEGER PRIMARY KEY,
        entity  TEXT NOT NULL,
        verdict TEXT NOT NULL,
        author  TEXT NOT NULL,
        at      INTEGER NOT NULL
    );
    CREATE INDEX verdicts_entity ON verdicts (entity, id);
    "#,
];

/// The schema version this build writes.
pub const CURRENT: u32 = MIGRATIONS.len() as u32;

/// Version of the schema in `conn` (0 for an empty database).
pub fn version(conn: &Connection) -> rusqlite::Result<u32> {
    let has_table: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    Ok(conn
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

/// Bring the schema up to [`CURRENT`]. Must be called inside a write transaction.
/// Refuses a file from a newer version.
pub fn migrate(conn: &Connection) -> Result<(), MigrateError> {
    let v = version(conn)?;
    if v > CURRENT {
        return Err(MigrateError::Newer(v));
    }
    if v == CURRENT {
        return Ok(());
    }
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
    for sql in &MIGRATIONS[v as usize..] {
        conn.execute_batch(sql)?;
    }
    conn.execute("DELETE FROM schema_version", [])?;
    conn.execute("INSERT INTO schema_version (version) VALUES (?1)", [CURRENT])?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("the case was written by a newer trailhound (schema version {0}, this build knows {CURRENT})")]
    Newer(u32),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}
