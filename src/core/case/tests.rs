//! Tests of the case store: round trips, note revisions and conflicts, marks, concurrency between handles.

use super::*;
use crate::core::entity::EntityRef;

fn sara() -> EntityRef {
    "session:ASIASARAADMIN0000001".parse::<EntityRef>().unwrap()
}

fn demo() -> EntityRef {
    "session:ASIADEMOROLE10000001".parse::<EntityRef>().unwrap()
}

#[test]
fn create_open_round_trip() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("c");
    let inside = dir.join("logs");
    // Beside the case (under its parent): stored `../…` so a case shipped next to its logs moves with them.
    let outside = tmp.path().join("elsewhere/trail.json.gz");
    // Truly elsewhere: stored absolute.
    let far = tempfile::tempdir().unwrap();
    let far_file = far.path().join("other.json");
    let fetch = serde_json::json!({"service": "cloudtrail", "region": "us-east-1"});
    let case = Case::create(
        &dir,
        &[
            Input::Path { path: inside.clone() },
            Input::Path { path: outside.clone() },
        ],
    )
    .unwrap();
    case.add_inputs(&[
        Input::Path { path: outside.clone() },
        Input::Path { path: far_file.clone() },
        Input::Fetch { params: fetch.clone() },
    ])
    .unwrap();
    let scope = crate::core::time::Scope::parse("2026-11-05T14:00:00Z..2026-11-05T15:00:00Z").unwrap();
    case.set_scope(Some(scope)).unwrap();
    case.set_ui_state(r#"{"view":"session","key":"ASIASARAADMIN0000001"}"#)
        .unwrap();
    assert!(case.set_ui_state("{not json").is_err());
    drop(case);

    // The path inside the case dir is stored relative, so the folder can move.
    let raw: String = Connection::open(dir.join(DB_FILE))
        .unwrap()
        .query_row("SELECT value FROM inputs ORDER BY id LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(raw, "logs");

    let case = Case::open(&dir).unwrap();
    let abs_dir = std::path::absolute(&dir).unwrap();
    assert_eq!(
        case.inputs().unwrap(),
        vec![
            Input::Path { path: dir.join("logs") },
            Input::Path {
                path: dir.join("../elsewhere/trail.json.gz")
            },
            Input::Path {
                path: std::path::absolute(&far_file).unwrap()
            },
            Input::Fetch { params: fetch },
        ]
    );
    assert!(abs_dir.is_absolute());
    assert_eq!(case.scope().unwrap(), Some(scope));
    assert_eq!(
        case.ui_state().unwrap().as_deref(),
        Some(r#"{"view":"session","key":"ASIASARAADMIN0000001"}"#)
    );
    assert!(case.created().unwrap().is_some());
    case.set_scope(None).unwrap();
    assert_eq!(case.scope().unwrap(), None);
    case.integrity_check().unwrap();
}

#[test]
fn open_and_create_refuse_the_wrong_state() {
    let tmp = tempfile::tempdir().unwrap();
    assert!(matches!(Case::open(tmp.path()), Err(CaseError::NotFound { .. })));
    Case::create(tmp.path(), &[]).unwrap();
    assert!(matches!(Case::create(tmp.path(), &[]), Err(CaseError::Exists { .. })));
    Case::open_or_create(tmp.path()).unwrap();
    let other = tmp.path().join("fresh");
    Case::open_or_create(&other).unwrap();
    assert!(other.join(DB_FILE).is_file());
}

#[test]
fn newer_schema_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    Case::create(tmp.path(), &[]).unwrap();
    Connection::open(tmp.path().join(DB_FILE))
        .unwrap()
        .execute("UPDATE schema_version SET version = 99", [])
        .unwrap();
    let err = Case::open(tmp.path()).err().expect("must refuse");
    assert!(err.to_string().contains("newer trailhound"), "{err}");
}

#[test]
fn notes_keep_every_revision() {
    let tmp = tempfile::tempdir().unwrap();
    let mut case = Case::create(tmp.path(), &[]).unwrap();
    case.set_author("sara-analyst");
    case.set_fixed_time(Some(1_793_887_927));
    let a = case.add_note(&sara(), "Signed in from Bellevue.\nKnown IP.").unwrap();
    let b = case.add_note(&demo(), "Chained into DemoRole1").unwrap();
    let c = case.add_note(&EntityRef::Case, "Case opened").unwrap();
    assert!(case.add_note(&sara(), "  \n ").is_err());

    let n = case.edit_note(a, "Signed in from Bellevue (known).").unwrap();
    assert_eq!((n.rev, n.conflict_with, n.deleted), (2, None, false));
    assert_eq!(n.text, "Signed in from Bellevue (known).");
    assert_eq!(n.author, "sara-analyst");
    assert_eq!(n.created, 1_793_887_927);

    let hist = case.note_history(a).unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0].text, "Signed in from Bellevue.\nKnown IP.");
    assert_eq!(hist[0].kind, RevisionKind::Create);
    assert_eq!((hist[1].kind, hist[1].base), (RevisionKind::Edit, Some(1)));

    // Stale base: both texts are kept and the note says so.
    let n = case.edit_note_from(a, 1, "Written from an old copy").unwrap();
    assert_eq!((n.rev, n.conflict_with), (3, Some(2)));
    let texts: Vec<_> = case.note_history(a).unwrap().into_iter().map(|r| r.text).collect();
    assert!(texts.contains(&"Signed in from Bellevue (known).".to_string()));
    assert!(texts.contains(&"Written from an old copy".to_string()));
    // An edit on top of the newest revision resolves it.
    let n = case.edit_note_from(a, 3, "Reconciled").unwrap();
    assert_eq!((n.rev, n.conflict_with), (4, None));
    assert!(case.edit_note_from(a, 9, "future").is_err());
    assert!(case.edit_note(999, "nobody").is_err());

    case.delete_note(b).unwrap();
    let live = case.notes(&NoteFilter::default()).unwrap();
    assert_eq!(live.iter().map(|n| n.id).collect::<Vec<_>>(), vec![a, c]);
    let all = case
        .notes(&NoteFilter {
            include_deleted: true,
            ..Default::default()
        })
        .unwrap();
    let gone = all.iter().find(|n| n.id == b).unwrap();
    assert!(gone.deleted);
    assert_eq!(gone.text, "Chained into DemoRole1");
    assert_eq!(case.note_history(b).unwrap().len(), 2);

    let on_sara = case
        .notes(&NoteFilter {
            entity: Some(sara()),
            include_deleted: false,
        })
        .unwrap();
    assert_eq!(on_sara.len(), 1);
    assert_eq!(on_sara[0].entity, sara());
}

#[test]
fn stars_tags_and_verdicts() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::create(tmp.path(), &[]).unwrap();
    let ev = "event:a0ed971f-389f-406a-9fcf-887c5ca6903a"
        .parse::<EntityRef>()
        .unwrap();
    assert!(case.star(&sara()).unwrap());
    assert!(!case.star(&sara()).unwrap());
    assert!(case.star(&ev).unwrap());
    assert!(case.is_starred(&ev).unwrap());
    assert!(case.unstar(&ev).unwrap());
    assert!(!case.unstar(&ev).unwrap());
    assert_eq!(
        case.stars().unwrap().into_iter().map(|s| s.entity).collect::<Vec<_>>(),
        vec![sara()]
    );

    assert!(case.tag(&sara(), " initial-access ").unwrap());
    assert!(!case.tag(&sara(), "initial-access").unwrap());
    assert!(case.tag(&demo(), "persistence").unwrap());
    assert!(case.tag(&demo(), "").is_err());
    assert_eq!(case.tags(Some(&sara())).unwrap()[0].tag, "initial-access");
    assert_eq!(case.tags(None).unwrap().len(), 2);
    assert!(case.untag(&demo(), "persistence").unwrap());
    assert_eq!(case.tags(None).unwrap().len(), 1);

    assert_eq!(case.verdict(&sara()).unwrap(), None);
    case.set_verdict(&sara(), Verdict::Suspicious).unwrap();
    case.set_verdict(&demo(), Verdict::Malicious).unwrap();
    case.set_verdict(&sara(), Verdict::Benign).unwrap();
    assert_eq!(case.verdict(&sara()).unwrap().unwrap().verdict, Verdict::Benign);
    assert_eq!(
        case.verdict_history(&sara())
            .unwrap()
            .iter()
            .map(|v| v.verdict)
            .collect::<Vec<_>>(),
        vec![Verdict::Suspicious, Verdict::Benign]
    );
    let current: Vec<_> = case
        .verdicts()
        .unwrap()
        .into_iter()
        .map(|v| (v.entity, v.verdict))
        .collect();
    assert_eq!(current, vec![(sara(), Verdict::Benign), (demo(), Verdict::Malicious)]);
    assert_eq!("MALICIOUS".parse::<Verdict>(), Ok(Verdict::Malicious));
    assert!("evil".parse::<Verdict>().is_err());
}

/// Two handles (as two processes would have) writing at once: every write lands, ids never collide.
#[test]
fn concurrent_writers_lose_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    Case::create(tmp.path(), &[]).unwrap();
    let per = 150;
    let handles: Vec<_> = (0..2)
        .map(|w| {
            let dir = tmp.path().to_path_buf();
            std::thread::spawn(move || {
                let case = Case::open(&dir).unwrap();
                let mut ids = Vec::new();
                for i in 0..per {
                    let e = EntityRef::Ip(format!("198.51.{w}.{i}"));
                    ids.push(case.add_note(&e, &format!("w{w} n{i}")).unwrap());
                    case.star(&e).unwrap();
                    case.set_verdict(&e, Verdict::Suspicious).unwrap();
                }
                ids
            })
        })
        .collect();
    let mut ids: Vec<NoteId> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2 * per);
    let case = Case::open(tmp.path()).unwrap();
    assert_eq!(case.notes(&NoteFilter::default()).unwrap().len(), 2 * per);
    assert_eq!(case.stars().unwrap().len(), 2 * per);
    assert_eq!(case.verdicts().unwrap().len(), 2 * per);
    case.integrity_check().unwrap();
}

/// Two editors start from the same revision of one note: both texts survive, the later one is a conflict.
#[test]
fn concurrent_edits_of_one_note_keep_both() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::create(tmp.path(), &[]).unwrap();
    let id = case.add_note(&sara(), "original").unwrap();
    let base = case.note(id).unwrap().unwrap().rev;
    let handles: Vec<_> = ["from A", "from B"]
        .into_iter()
        .map(|text| {
            let dir = tmp.path().to_path_buf();
            std::thread::spawn(move || Case::open(&dir).unwrap().edit_note_from(id, base, text).unwrap())
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let hist = case.note_history(id).unwrap();
    let kinds: Vec<_> = hist.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        vec![RevisionKind::Create, RevisionKind::Edit, RevisionKind::Conflict]
    );
    let texts: Vec<_> = hist.iter().map(|r| r.text.as_str()).collect();
    assert!(texts.contains(&"from A") && texts.contains(&"from B"));
    assert_eq!(case.note(id).unwrap().unwrap().conflict_with, Some(2));
}

#[test]
fn notes_are_limited_to_one_mebibyte() {
    let tmp = tempfile::tempdir().unwrap();
    let case = Case::create(tmp.path(), &[]).unwrap();
    // Exactly at the limit (multi-byte characters count in bytes): accepted.
    let at_limit = "é".repeat(512 * 1024);
    assert_eq!(at_limit.len(), 1024 * 1024);
    let id = case.add_note(&EntityRef::Case, &at_limit).unwrap();
    // One byte over: refused on add and on edit, with the limit in the message; nothing is written.
    let over = format!("{at_limit}x");
    for err in [
        case.add_note(&EntityRef::Case, &over).unwrap_err(),
        case.edit_note(id, &over).unwrap_err(),
        case.edit_note_from(id, 1, &over).unwrap_err(),
    ] {
        let msg = err.to_string();
        assert!(
            matches!(err, CaseError::NoteTooLarge { bytes } if bytes == 1024 * 1024 + 1),
            "{msg}"
        );
        assert!(msg.contains("1 MiB"), "{msg}");
    }
    assert_eq!(case.notes(&NoteFilter::default()).unwrap().len(), 1);
    assert_eq!(case.note_history(id).unwrap().len(), 1);
}
