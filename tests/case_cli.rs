//! The case commands end to end through the real binary: create, note (args and stdin), edit with history,
//! star, tag, verdict, show, list --json (the documented schema), export to a file, and errors.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");

fn th(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .arg("--case")
        .arg(dir)
        .env("TRAILHOUND_AUTHOR", "ir-oncall");
    cmd.output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = th(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn headless_case_workflow() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();

    // Missing case: an error on stderr, non-zero exit.
    let out = th(&dir, &["note", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no case here"));

    let logs_s = logs.to_str().unwrap();
    ok(
        &dir,
        &[
            "case",
            "new",
            "-i",
            logs_s,
            "--scope",
            "2026-11-05T14:00:00Z..2026-11-05T15:00:00Z",
        ],
    );
    let out = th(&dir, &["case", "new"]);
    assert!(!out.status.success(), "creating twice must fail");
    let out = th(&dir, &["case", "add-input", "-i", "/definitely/not/here"]);
    assert!(!out.status.success(), "a missing input path is refused");

    let id = ok(
        &dir,
        &["note", "add", "session:ASIASARAADMIN0000001", "Stopped demo-trail-2."],
    );
    assert_eq!(id.trim(), "note 1");
    // Text from stdin, multi-line.
    let mut child = Command::new(BIN)
        .args(["note", "add", "--json", "session:ASIADEMOROLE10000001", "-", "--case"])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"RunInstances t3.xlarge\nAttachRolePolicy denied\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(added["text"], "RunInstances t3.xlarge\nAttachRolePolicy denied");
    assert_eq!(added["id"], 2);

    ok(&dir, &["note", "edit", "1", "Stopped demo-trail-2 at 14:12:07."]);
    // Editing from a stale base keeps both texts.
    let out = th(&dir, &["note", "edit", "1", "--base", "1", "from an old copy"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("kept too"));
    let hist: serde_json::Value = serde_json::from_str(&ok(&dir, &["note", "history", "1", "--json"])).unwrap();
    let kinds: Vec<&str> = hist
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["create", "edit", "conflict"]);

    ok(&dir, &["star", "session:ASIADEMOROLE10000001"]);
    ok(&dir, &["star", "event:a0ed971f-389f-406a-9fcf-887c5ca6903a"]);
    ok(&dir, &["unstar", "event:a0ed971f-389f-406a-9fcf-887c5ca6903a"]);
    ok(&dir, &["tag", "session:ASIADEMOROLE10000001", "persistence"]);
    ok(&dir, &["verdict", "session:ASIADEMOROLE10000001", "malicious"]);
    let out = th(&dir, &["verdict", "session:ASIADEMOROLE10000001", "evil"]);
    assert!(!out.status.success());
    let out = th(&dir, &["star", "planet:mars"]);
    assert!(!out.status.success());

    let list: serde_json::Value = serde_json::from_str(&ok(&dir, &["note", "list", "--json"])).unwrap();
    let notes = list.as_array().unwrap();
    assert_eq!(notes.len(), 2);
    let n = &notes[0];
    let mut keys: Vec<&str> = n.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "author",
            "conflict_with",
            "created",
            "deleted",
            "entity",
            "id",
            "rev",
            "text",
            "updated",
            "updated_by"
        ]
    );
    assert_eq!(n["entity"], "session:ASIASARAADMIN0000001");
    assert_eq!(n["author"], "ir-oncall");
    assert_eq!(n["rev"], 3);
    assert_eq!(n["conflict_with"], 2);
    assert!(n["created"].as_str().unwrap().ends_with('Z'));
    let only: serde_json::Value = serde_json::from_str(&ok(
        &dir,
        &["note", "list", "--json", "--entity", "session:ASIADEMOROLE10000001"],
    ))
    .unwrap();
    assert_eq!(only.as_array().unwrap().len(), 1);

    ok(&dir, &["note", "delete", "2"]);
    assert!(ok(&dir, &["note", "list"]).contains("#1"));
    assert!(!ok(&dir, &["note", "list"]).contains("#2"));
    assert!(ok(&dir, &["note", "list", "--deleted"]).contains("[deleted]"));

    let show: serde_json::Value = serde_json::from_str(&ok(&dir, &["case", "show", "--json"])).unwrap();
    assert_eq!(show["scope"]["from"], "2026-11-05T14:00:00Z");
    assert_eq!(show["inputs"][0]["kind"], "path");
    assert_eq!(show["stars"], serde_json::json!(["session:ASIADEMOROLE10000001"]));
    assert_eq!(show["verdicts"][0]["verdict"], "malicious");

    let report = tmp.path().join("out/report.md");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    let out = th(&dir, &["export", "--format", "md", "-o", report.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(md.contains("### session:ASIADEMOROLE10000001"));
    assert!(md.contains("**Verdict:** malicious (by ir-oncall"));
    // The newest text is the conflicting edit; the report says a conflict needs reconciling.
    assert!(md.contains("> from an old copy"));
    assert!(md.contains("**Edit conflict:**"));
    assert!(md.contains("**Warning:** 1 recorded inputs"));
    let json: serde_json::Value = serde_json::from_str(&ok(&dir, &["export", "--format", "json"])).unwrap();
    assert_eq!(json["version"], 1);
    let csv = ok(&dir, &["export", "--format", "csv"]);
    assert!(csv.starts_with("time,event_id,account,region,principal,session,api,result"));
    let out = th(&dir, &["export", "--format", "pdf"]);
    assert!(!out.status.success());
}
