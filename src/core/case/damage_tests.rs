//! Broken and read-only cases: garbage over a page, a zero-length file, read-only opens, and salvage.
//! Expectations come from the file itself (where each note's bytes are), not from what salvage reports.

use super::salvage::{REPORT_FILE, salvage};
use super::*;
use crate::core::entity::EntityRef;
use std::collections::BTreeSet;

const NOTES: usize = 300;

fn marker(note: usize, rev: u32) -> String {
    format!("<<note-{note:04}-rev-{rev}>>")
}

fn session(n: usize) -> EntityRef {
    EntityRef::Session(format!("ASIAEXAMPLE{n:09}"))
}

/// A case with 300 notes (every tenth edited, every 25th deleted), marks of every kind, inputs, scope and
/// ui_state. Closed (checkpointed) when this returns.
fn populated(dir: &Path) -> std::path::PathBuf {
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let mut case = Case::create(
        dir,
        &[
            Input::Path { path: logs.clone() },
            Input::Fetch {
                params: serde_json::json!({"service": "cloudtrail"}),
            },
        ],
    )
    .unwrap();
    case.set_author("sara");
    case.set_fixed_time(Some(1_700_000_000));
    let scope = crate::core::time::Scope::parse("2026-11-05T14:00:00Z..2026-11-05T15:00:00Z").unwrap();
    case.set_scope(Some(scope)).unwrap();
    case.set_ui_state(r#"{"version":1}"#).unwrap();
    for n in 0..NOTES {
        let pad = "evidence ".repeat(30);
        let id = case.add_note(&session(n), &format!("{} {pad}", marker(n, 1))).unwrap();
        if n % 10 == 0 {
            case.edit_note(id, &format!("{} {pad}", marker(n, 2))).unwrap();
        }
        if n % 25 == 0 {
            case.delete_note(id).unwrap();
        }
    }
    case.star(&session(1)).unwrap();
    case.star(&EntityRef::Ip("203.0.113.9".into())).unwrap();
    case.tag(&session(2), "persistence").unwrap();
    case.set_verdict(&session(3), Verdict::Suspicious).unwrap();
    case.set_verdict(&session(3), Verdict::Malicious).unwrap();
    drop(case);
    assert!(!dir.join("case.sqlite-wal").exists(), "closed and checkpointed");
    logs
}

/// Overwrite page `pageno` (1-based) of `db` with garbage; returns the bytes the page held.
fn smash_page(db: &Path, pageno: u64, page_size: u64) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let start = ((pageno - 1) * page_size) as usize;
    let end = start + page_size as usize;
    let old = bytes[start..end].to_vec();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for b in &mut bytes[start..end] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    std::fs::write(db, bytes).unwrap();
    old
}

/// The leaf page of `note_revisions` in the middle of the table, and the page size (SQLite's own page map).
fn middle_revision_leaf(db: &Path) -> (u64, u64) {
    middle_leaf(db, "note_revisions")
}

fn middle_leaf(db: &Path, table: &str) -> (u64, u64) {
    let c = Connection::open(db).unwrap();
    let page_size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    let mut st = c
        .prepare("SELECT pageno FROM dbstat WHERE name = ?1 AND pagetype = 'leaf' ORDER BY path")
        .unwrap();
    let leaves: Vec<i64> = st
        .query_map([table], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(leaves.len() >= 5, "the table spans many pages: {leaves:?}");
    (leaves[leaves.len() / 2] as u64, page_size as u64)
}

/// A big-endian SQLite varint at `at`: (value, length).
fn varint(b: &[u8], at: usize) -> (i64, usize) {
    let mut v: i64 = 0;
    for i in 0..8 {
        let byte = b[at + i];
        v = (v << 7) | i64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return (v, i + 1);
        }
    }
    ((v << 8) | i64::from(b[at + 8]), 9)
}

/// An integer record value of serial type `t` at `at` (types 1–6, 8, 9).
fn int_value(b: &[u8], at: usize, t: i64) -> i64 {
    let len = match t {
        8 => return 0,
        9 => return 1,
        1..=4 => t as usize,
        5 => 6,
        6 => 8,
        _ => panic!("serial type {t} is not an integer"),
    };
    let mut v: i64 = if b[at] & 0x80 != 0 { -1 } else { 0 };
    for &byte in &b[at..at + len] {
        v = (v << 8) | i64::from(byte);
    }
    v
}

/// The rowid of every live cell on a table-leaf page (not page 1).
fn live_rowids(page: &[u8]) -> Vec<i64> {
    assert_eq!(page[0], 0x0D, "a table leaf page");
    let cells = u16::from_be_bytes([page[3], page[4]]) as usize;
    (0..cells)
        .map(|i| {
            let ptr = u16::from_be_bytes([page[8 + 2 * i], page[9 + 2 * i]]) as usize;
            let (_payload, n1) = varint(page, ptr);
            varint(page, ptr + n1).0
        })
        .collect()
}

/// `(note_id, rev)` of every live cell on a `note_revisions` table-leaf page (not page 1), decoded from the
/// cell pointer array and each cell's record: the first two columns of the table.
fn live_rows(page: &[u8]) -> Vec<(i64, i64)> {
    assert_eq!(page[0], 0x0D, "a table leaf page");
    let cells = u16::from_be_bytes([page[3], page[4]]) as usize;
    (0..cells)
        .map(|i| {
            let ptr = u16::from_be_bytes([page[8 + 2 * i], page[9 + 2 * i]]) as usize;
            let (_payload, n1) = varint(page, ptr);
            let (_rowid, n2) = varint(page, ptr + n1);
            let rec = ptr + n1 + n2;
            let (header_len, h1) = varint(page, rec);
            let (t1, l1) = varint(page, rec + h1);
            let (t2, _) = varint(page, rec + h1 + l1);
            let body = rec + header_len as usize;
            let first_len = match t1 {
                8 | 9 => 0,
                1..=4 => t1 as usize,
                5 => 6,
                _ => 8,
            };
            (int_value(page, body, t1), int_value(page, body + first_len, t2))
        })
        .collect()
}

#[test]
fn garbage_over_a_page_is_found_on_open_writes_are_refused_and_salvage_copies_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let logs = populated(&dir);
    let db = dir.join(DB_FILE);
    let original = Case::open(&dir).unwrap();
    assert_eq!(original.health(), &Health::Sound);
    let before: Vec<(Note, Vec<Revision>)> = original
        .notes(&NoteFilter {
            include_deleted: true,
            ..NoteFilter::default()
        })
        .unwrap()
        .into_iter()
        .map(|n| {
            let h = original.note_history(n.id).unwrap();
            (n, h)
        })
        .collect();
    drop(original);

    // Which revisions lived on the smashed page, read from the page itself (SQLite's file format).
    let (page, page_size) = middle_revision_leaf(&db);
    let old_page = smash_page(&db, page, page_size);
    let lost_revs: BTreeSet<(i64, u32)> = live_rows(&old_page)
        .into_iter()
        .map(|(note_id, rev)| (note_id, rev as u32))
        .collect();
    assert!(
        lost_revs.len() > 3,
        "the smashed page held note revisions: {lost_revs:?}"
    );

    // Open: damage found; reads still answer; every kind of write is refused with the way out.
    let case = Case::open(&dir).unwrap();
    assert!(matches!(case.health(), Health::Damaged(_)), "{:?}", case.health());
    assert!(case.stars().is_ok());
    let refusals = [
        case.add_note(&EntityRef::Case, "more").unwrap_err(),
        case.star(&session(9)).unwrap_err(),
        case.tag(&session(9), "x").unwrap_err(),
        case.set_verdict(&session(9), Verdict::Benign).unwrap_err(),
        case.set_ui_state("{}").unwrap_err(),
    ];
    for e in refusals {
        assert!(matches!(e, CaseError::Damaged { .. }), "{e}");
        assert!(e.to_string().contains("case salvage"), "{e}");
    }
    assert!(!case.integrity_problems().is_empty());
    drop(case);
    let smashed = std::fs::read(&db).unwrap();

    // Salvage into a new case.
    let out = tmp.path().join("salvaged");
    let report = salvage(&dir, &out).unwrap();
    assert_eq!(std::fs::read(&db).unwrap(), smashed, "the source is only read");
    assert!(!report.complete);
    assert!(!report.source_problems.is_empty());
    let revs = report.tables.iter().find(|t| t.table == "note_revisions").unwrap();
    assert_eq!(revs.unreadable.len(), 1, "one bad page, one lost range: {revs:?}");
    assert!(report.orphan_revisions.is_empty(), "the notes table was intact");
    let file_report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join(REPORT_FILE)).unwrap()).unwrap();
    assert_eq!(file_report["complete"], false);

    let got = Case::open(&out).unwrap();
    assert_eq!(got.health(), &Health::Sound);
    got.integrity_check().unwrap();
    // Every revision not on the smashed page is there, exactly; the smashed ones are not.
    for (note, hist) in &before {
        let kept: Vec<Revision> = got.note_history(note.id).unwrap();
        let expect: Vec<&Revision> = hist.iter().filter(|r| !lost_revs.contains(&(note.id, r.rev))).collect();
        assert_eq!(kept.iter().collect::<Vec<_>>(), expect, "note {}", note.id);
        if expect.is_empty() {
            assert!(got.note(note.id).unwrap().is_none());
            assert!(report.notes_without_text.iter().any(|l| l.id == note.id));
        } else {
            let g = got.note(note.id).unwrap().unwrap();
            assert_eq!(
                (&g.entity, &g.author, g.created),
                (&note.entity, &note.author, note.created)
            );
        }
    }
    assert_eq!(
        revs.copied + lost_revs.len(),
        before.iter().map(|(_, h)| h.len()).sum::<usize>()
    );
    // Marks, inputs, scope and ui_state were on other pages: all there, the input re-anchored to its real place.
    assert_eq!(got.stars().unwrap().len(), 2);
    assert_eq!(got.tags(None).unwrap()[0].tag, "persistence");
    assert_eq!(got.verdict_history(&session(3)).unwrap().len(), 2);
    assert_eq!(got.verdict(&session(3)).unwrap().unwrap().verdict, Verdict::Malicious);
    match &got.inputs().unwrap()[0] {
        Input::Path { path } => assert_eq!(path.canonicalize().unwrap(), logs.canonicalize().unwrap()),
        other => panic!("{other:?}"),
    }
    assert!(matches!(got.inputs().unwrap()[1], Input::Fetch { .. }));
    assert!(got.scope().unwrap().is_some());
    assert_eq!(got.ui_state().unwrap().as_deref(), Some(r#"{"version":1}"#));
    // And it is an ordinary case again.
    got.add_note(&EntityRef::Case, "salvaged; continuing").unwrap();
    // Salvage never writes over a case.
    assert!(matches!(salvage(&dir, &out), Err(CaseError::Exists { .. })));
}

#[test]
fn a_zero_length_case_file_is_refused_not_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    populated(&dir);
    std::fs::File::create(dir.join(DB_FILE)).unwrap();
    for e in [
        Case::open(&dir).err().unwrap(),
        Case::open_or_create(&dir).err().unwrap(),
        Case::create(&dir, &[]).err().unwrap(),
        salvage(&dir, &tmp.path().join("out")).err().unwrap(),
    ] {
        assert!(matches!(e, CaseError::Empty { .. } | CaseError::Exists { .. }), "{e}");
    }
    assert!(matches!(Case::open(&dir), Err(CaseError::Empty { .. })));
    assert_eq!(std::fs::metadata(dir.join(DB_FILE)).unwrap().len(), 0, "left as it was");
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_damaged() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join(DB_FILE),
        "these are notes, not a database\n".repeat(200),
    )
    .unwrap();
    let e = Case::open(tmp.path()).err().unwrap();
    assert!(matches!(e, CaseError::Damaged { .. }), "{e}");
}

#[test]
fn creating_leaves_only_the_case_file_and_never_an_empty_one() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::create(tmp.path(), &[]).unwrap();
    assert!(std::fs::metadata(tmp.path().join(DB_FILE)).unwrap().len() > 0);
    drop(case);
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec![DB_FILE.to_string()]);
}

#[test]
fn a_case_opened_read_only_reads_and_refuses_writes() {
    let tmp = tempfile::tempdir().unwrap();
    populated(tmp.path());
    let case = Case::open_with(tmp.path(), Mode::ReadOnly).unwrap();
    assert_eq!(case.access(), Access::ReadOnly(ReadOnlyReason::Requested));
    assert_eq!(case.notes(&NoteFilter::default()).unwrap().len(), NOTES - NOTES / 25);
    assert_eq!(case.stars().unwrap().len(), 2);
    let e = case.add_note(&EntityRef::Case, "x").unwrap_err();
    assert!(matches!(e, CaseError::ReadOnly { .. }), "{e}");
    assert!(e.to_string().contains("read-only"), "{e}");
    assert!(matches!(case.star(&session(7)), Err(CaseError::ReadOnly { .. })));
    // A read-write handle beside it still writes, and the read-only one sees the write (not a snapshot).
    let rw = Case::open(tmp.path()).unwrap();
    assert_eq!(rw.access(), Access::ReadWrite);
    rw.star(&session(7)).unwrap();
    assert!(case.is_starred(&session(7)).unwrap());
}

#[test]
fn revisions_whose_note_record_is_lost_are_kept_in_the_report_not_attached_to_a_guess() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    // Many small notes so the `notes` table spans several pages.
    let case = Case::create(&dir, &[]).unwrap();
    for n in 0..800 {
        case.add_note(&session(n), &format!("n{n}")).unwrap();
    }
    drop(case);
    let db = dir.join(DB_FILE);
    let (page, page_size) = middle_leaf(&db, "notes");
    let old = smash_page(&db, page, page_size);
    let lost: BTreeSet<i64> = live_rowids(&old).into_iter().collect();
    assert!(lost.len() > 10, "{lost:?}");

    let out = tmp.path().join("out");
    let report = salvage(&dir, &out).unwrap();
    let orphans: BTreeSet<i64> = report.orphan_revisions.iter().map(|r| r.note_id).collect();
    assert_eq!(orphans, lost);
    for o in &report.orphan_revisions {
        assert_eq!(o.text, format!("n{}", o.note_id - 1), "the text is kept in the report");
    }
    let got = Case::open(&out).unwrap();
    let ids: BTreeSet<i64> = got
        .notes(&NoteFilter::default())
        .unwrap()
        .iter()
        .map(|n| n.id)
        .collect();
    assert_eq!(ids.len(), 800 - lost.len());
    assert!(ids.is_disjoint(&lost), "no note is invented for an orphan");
    let on_disk = std::fs::read_to_string(out.join(REPORT_FILE)).unwrap();
    let first = lost.iter().next().unwrap();
    assert!(on_disk.contains(&format!("\"text\": \"n{}\"", first - 1)), "{on_disk}");
}
