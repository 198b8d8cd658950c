//! The persisted case index (`core::index`, `docs/case-index.md`): never a wrong answer from a stale index. Inputs
//! under a case are changed (a file appended, modified, deleted; the index corrupted, truncated, of an older format
//! version) and every load through the index is compared with a fresh parse of the same inputs: the same events
//! in the same order with every field resolved, the same findings, and the same trace JSON for every session.

use std::path::{Path, PathBuf};
use trailhound::core::dataset::{Dataset, DatasetOptions};
use trailhound::core::index;
use trailhound::core::ingest::{LoadOptions, LoadWindow};
use trailhound::core::time::Scope;

/// Copy the files under `from` whose path passes `keep`.
fn copy_dir(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst, keep);
        } else if keep(&e.path()) {
            std::fs::create_dir_all(to).unwrap();
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

/// The sample's November logs (the incident days: 40 files, enough sessions and chains to compare, small enough
/// to load a dozen times in a debug build) and its findings, in a folder of their own.
fn logs(root: &Path) -> PathBuf {
    let logs = root.join("logs");
    let sample = crate::support::sample_case();
    copy_dir(&sample.join("AWSLogs"), &logs.join("AWSLogs"), &|p| {
        p.to_string_lossy().contains("/2026/11/")
    });
    copy_dir(&sample.join("findings"), &logs.join("findings"), &|_| true);
    logs
}

fn load(inputs: &Path, index: Option<&Path>, window: LoadWindow) -> Dataset {
    let opts = DatasetOptions {
        load: LoadOptions {
            window,
            ..Default::default()
        },
        index: index.map(|file| index::CaseIndex {
            file: file.to_path_buf(),
            writable: true,
        }),
        ..Default::default()
    };
    Dataset::load(&[inputs.to_path_buf()], &opts, &|_| {})
}

/// Everything an answer can depend on, as text: each event with every field resolved (and where its record is),
/// each finding, and the trace of every session.
#[derive(Debug, PartialEq)]
struct Answers {
    events: Vec<String>,
    findings: Vec<String>,
    traces: Vec<String>,
}

fn answers(d: &Dataset) -> Answers {
    let s = d.store();
    let events = s
        .events
        .iter()
        .map(|e| {
            let i = s.identity(e);
            let a = s.assumption(e).map(|a| {
                format!(
                    "{:?} {} {} {} {} {} {} {} {}",
                    a.kind,
                    s.s(a.role_arn),
                    s.s(a.session_name),
                    s.s(a.source_identity),
                    s.s(a.new_access_key),
                    s.s(a.assumed_role_id),
                    s.s(a.assumed_role_arn),
                    s.s(a.provider),
                    a.duration_seconds
                ) + &format!(" at {}", a.event)
            });
            format!(
                "{} {} {} {} {} {} {} {} {} {} {} | {:?} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {:?} {} | {:?} | {:?} {} | {} #{}",
                e.time,
                s.event_id_string(e),
                s.s(e.shared_event_id),
                s.s(e.event_source),
                s.s(e.event_name),
                s.s(e.region),
                s.s(e.recipient_account),
                s.s(e.source_ip),
                s.s(e.user_agent),
                s.s(e.error_code),
                s.s(e.resource),
                i.kind,
                s.s(i.principal_id),
                s.s(i.arn),
                s.s(i.account_id),
                s.s(i.access_key_id),
                s.s(i.user_name),
                s.s(i.invoked_by),
                s.s(i.identity_provider),
                s.s(i.issuer_type),
                s.s(i.issuer_principal_id),
                s.s(i.issuer_arn),
                s.s(i.issuer_account_id),
                s.s(i.issuer_user_name),
                s.s(i.source_identity),
                s.s(i.session_name),
                i.mfa,
                i.creation_date,
                a,
                e.event_type,
                e.flags,
                s.files[e.locator.file as usize].path.display(),
                e.locator.index
            )
        })
        .collect();
    let findings = s.findings.iter().map(|f| serde_json::to_string(f).unwrap()).collect();
    let g = d.graph();
    let traces = (0..g.sessions.len() as u32)
        .map(|k| serde_json::to_string(&g.trace(s, k, Scope::ALL)).unwrap())
        .collect();
    Answers {
        events,
        findings,
        traces,
    }
}

fn note(d: &Dataset) -> String {
    d.store().report.index.clone().unwrap_or_default()
}

/// Load through the index, check it says `expect` (a prefix), and compare every answer with a fresh parse.
fn same_as_fresh(logs: &Path, file: &Path, expect: &str) {
    let fresh = answers(&load(logs, None, LoadWindow::default()));
    let d = load(logs, Some(file), LoadWindow::default());
    assert!(
        note(&d).starts_with(expect),
        "index said {:?}, expected {expect:?}",
        note(&d)
    );
    let got = answers(&d);
    assert!(!fresh.events.is_empty() && !fresh.traces.is_empty());
    assert_eq!(got.events.len(), fresh.events.len());
    for (k, (a, b)) in got.events.iter().zip(&fresh.events).enumerate() {
        assert_eq!(a, b, "event {k}");
    }
    assert_eq!(got, fresh);
    assert_eq!(
        d.store().report.records,
        load(logs, None, LoadWindow::default()).store().report.records
    );
}

/// The first CloudTrail file (in path order) under `logs`.
fn cloudtrail_files(logs: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![logs.join("AWSLogs")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().contains("_CloudTrail_") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The records of a gzip CloudTrail file.
fn records(p: &Path) -> Vec<serde_json::Value> {
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap()),
        &mut text,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["Records"].as_array().unwrap().clone()
}

#[test]
fn built_once_then_reused_with_the_same_answers() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs(dir.path());
    let file = index::path_in(&dir.path().join("case"));
    same_as_fresh(&logs, &file, "built");
    assert!(file.exists());
    same_as_fresh(&logs, &file, "reused");
    // Nothing but the index is left in the folder (the atomic writer's temporary file is gone).
    let names: Vec<_> = std::fs::read_dir(file.parent().unwrap()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn new_files_are_appended_and_changed_or_removed_files_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs(dir.path());
    let file = index::path_in(&dir.path().join("case"));
    let all = cloudtrail_files(&logs);
    // Start without the first and the last CloudTrail file (in input order), and without one finding file.
    let aside = dir.path().join("aside");
    std::fs::create_dir_all(&aside).unwrap();
    let held = [&all[0], &all[all.len() - 1]];
    for (k, p) in held.iter().enumerate() {
        std::fs::rename(p, aside.join(k.to_string())).unwrap();
    }
    let gd = logs.join("findings/guardduty.json");
    std::fs::rename(&gd, aside.join("gd")).unwrap();
    same_as_fresh(&logs, &file, "built");
    // A sync brings them: the last one sorts after everything indexed, the first one before; both are parsed
    // and put where a full load puts them.
    std::fs::rename(aside.join("1"), held[1]).unwrap();
    same_as_fresh(&logs, &file, "1 new files added");
    std::fs::rename(aside.join("0"), held[0]).unwrap();
    std::fs::rename(aside.join("gd"), &gd).unwrap();
    same_as_fresh(&logs, &file, "2 new files added");
    same_as_fresh(&logs, &file, "reused");
    // A new file first in input order with records at the same second as indexed ones (other ids): a full load
    // puts them before their indexed twins, and so must the append.
    let mut twins = records(&all[3]);
    for r in &mut twins {
        r["eventID"] = serde_json::json!(format!("twin-{}", r["eventID"].as_str().unwrap()));
    }
    std::fs::write(
        logs.join("AAA-twins.json"),
        serde_json::to_vec(&serde_json::json!({ "Records": twins })).unwrap(),
    )
    .unwrap();
    same_as_fresh(&logs, &file, "1 new files added");

    // A file rewritten with one record fewer (same name): rebuilt.
    let victim = &all[all.len() / 2];
    let mut recs = records(victim);
    recs.pop();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(
        &mut gz,
        &serde_json::to_vec(&serde_json::json!({ "Records": recs })).unwrap(),
    )
    .unwrap();
    std::fs::write(victim, gz.finish().unwrap()).unwrap();
    same_as_fresh(&logs, &file, "rebuilt: ");
    let d = load(&logs, Some(&file), LoadWindow::default());
    assert_eq!(note(&d), "reused");

    // A file removed: rebuilt, and its events are gone.
    let gone = &all[all.len() / 3];
    std::fs::remove_file(gone).unwrap();
    let d = load(&logs, Some(&file), LoadWindow::default());
    assert!(note(&d).contains("was removed"), "{}", note(&d));
    assert!(d.store().files.iter().all(|f| &f.path != gone));
    same_as_fresh(&logs, &file, "reused");
}

#[test]
fn a_copy_of_an_indexed_record_in_an_earlier_new_file_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs(dir.path());
    let file = index::path_in(&dir.path().join("case"));
    same_as_fresh(&logs, &file, "built");
    // The same record delivered again, in a file that sorts before every other input: a full load keeps this
    // copy (first in input order), so appending cannot be right.
    let rec = records(&cloudtrail_files(&logs)[5])[0].clone();
    std::fs::write(
        logs.join("AAA-redelivered.json"),
        serde_json::to_vec(&serde_json::json!({ "Records": [rec] })).unwrap(),
    )
    .unwrap();
    same_as_fresh(&logs, &file, "rebuilt: a new file holds a copy");
    same_as_fresh(&logs, &file, "reused");
}

#[test]
fn a_damaged_truncated_or_older_index_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs(dir.path());
    let file = index::path_in(&dir.path().join("case"));
    same_as_fresh(&logs, &file, "built");
    let good = std::fs::read(&file).unwrap();
    // One bit flipped deep inside the columns.
    let mut bad = good.clone();
    let at = bad.len() * 2 / 3;
    bad[at] ^= 0x10;
    std::fs::write(&file, &bad).unwrap();
    same_as_fresh(&logs, &file, "rebuilt: the index was damaged: checksum mismatch");
    // A crash that left half a file (what write_atomic never leaves, but a copy or a full disk might).
    std::fs::write(&file, &good[..good.len() / 2]).unwrap();
    same_as_fresh(&logs, &file, "rebuilt: the index was damaged");
    // An older format version.
    let mut old = good.clone();
    old[8..12].copy_from_slice(&0u32.to_le_bytes());
    std::fs::write(&file, &old).unwrap();
    same_as_fresh(&logs, &file, "rebuilt: the index was of format version 0");
    // Not an index at all.
    std::fs::write(&file, b"hello").unwrap();
    same_as_fresh(&logs, &file, "rebuilt: the index was damaged");
    // Empty (the one file the index is not memory-mapped for: it is read).
    std::fs::write(&file, b"").unwrap();
    same_as_fresh(&logs, &file, "rebuilt: the index was damaged");
    same_as_fresh(&logs, &file, "reused");
    // The bytes written again are the bytes of the first build (deterministic).
    assert_eq!(std::fs::read(&file).unwrap(), good);
}

#[test]
fn other_inputs_rebuild_and_an_unwritable_index_only_costs_speed() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs(dir.path());
    let file = index::path_in(&dir.path().join("case"));
    same_as_fresh(&logs, &file, "built");
    // The same index file asked for other inputs (one folder of the logs only).
    let d = load(&logs.join("findings"), Some(&file), LoadWindow::default());
    assert_eq!(note(&d), "rebuilt: the case's inputs changed");
    // An index folder that is a file: the load still answers, and says the index was not written.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, b"").unwrap();
    let d = load(
        &logs,
        Some(&blocked.join("index").join(index::FILE)),
        LoadWindow::default(),
    );
    assert!(note(&d).contains("; the index was not written"), "{}", note(&d));
    assert_eq!(answers(&d), answers(&load(&logs, None, LoadWindow::default())));
}

#[test]
fn a_read_only_case_reads_its_index_and_never_writes_one() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs(dir.path());
    let file = index::path_in(&dir.path().join("case"));
    let read_only = |w: bool| DatasetOptions {
        index: Some(index::CaseIndex {
            file: file.clone(),
            writable: w,
        }),
        ..Default::default()
    };
    let load_ro = || Dataset::load(std::slice::from_ref(&logs), &read_only(false), &|_| {});
    let d = load_ro();
    assert_eq!(
        note(&d),
        "built; the index was not written (the case is open read-only)"
    );
    assert!(!file.parent().unwrap().exists());
    assert_eq!(answers(&d), answers(&load(&logs, None, LoadWindow::default())));
    // Written by a writable open, a current index is read; a stale one is not replaced.
    Dataset::load(std::slice::from_ref(&logs), &read_only(true), &|_| {});
    let written = std::fs::read(&file).unwrap();
    assert_eq!(note(&load_ro()), "reused");
    std::fs::remove_file(&cloudtrail_files(&logs)[0]).unwrap();
    assert!(note(&load_ro()).ends_with("(the case is open read-only)"));
    assert_eq!(std::fs::read(&file).unwrap(), written);
}

#[test]
fn a_window_over_the_index_keeps_the_events_of_a_windowed_parse() {
    let dir = tempfile::tempdir().unwrap();
    let logs = logs(dir.path());
    let file = index::path_in(&dir.path().join("case"));
    let full = load(&logs, Some(&file), LoadWindow::default());
    let (first, last) = (
        full.store().events.first().unwrap().time,
        full.store().events.last().unwrap().time,
    );
    let account = full.store().s(full.store().events[0].recipient_account).to_string();
    let windows = [
        LoadWindow {
            from: Some(first + (last - first) / 3),
            to: Some(first + (last - first) / 2),
            ..Default::default()
        },
        LoadWindow {
            from: Some(last - 86_400),
            ..Default::default()
        },
        LoadWindow {
            to: Some(first + 3600),
            accounts: vec![account],
            ..Default::default()
        },
        LoadWindow {
            regions: vec!["eu-west-1".into()],
            ..Default::default()
        },
    ];
    for w in windows {
        let parsed = load(&logs, None, w.clone());
        let indexed = load(&logs, Some(&file), w.clone());
        assert_eq!(note(&indexed), "reused");
        // Records are named by path, so the file numbering (a windowed parse numbers only the files it read) does
        // not matter.
        let (got, want) = (answers(&indexed), answers(&parsed));
        assert!(!want.events.is_empty(), "{w:?}");
        assert_eq!(got, want, "{w:?}");
    }
}
