//! Cases under stress, through the real binary: notes over the size limit, damaged and truncated `case.sqlite`
//! files, and cases the user cannot write.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");

fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .arg("--case")
        .arg(dir)
        .env("TRAILHOUND_AUTHOR", "ir-oncall")
        .env_remove("TRAILHOUND_CASE_READ_ONLY");
    c
}

fn th(dir: &Path, args: &[&str]) -> Output {
    cmd(dir, args).output().unwrap()
}

fn with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = cmd(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The binary may stop reading early (that is the point): a broken pipe here is fine.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
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

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn notes_json(dir: &Path) -> Vec<serde_json::Value> {
    serde_json::from_str(&ok(dir, &["note", "list", "--json", "--deleted"])).unwrap()
}

fn new_case(root: &Path) -> PathBuf {
    let dir = root.join("case");
    ok(&dir, &["case", "new"]);
    dir
}

const MIB: usize = 1024 * 1024;

#[test]
fn a_note_over_one_mebibyte_is_refused_by_add_and_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = new_case(tmp.path());

    let huge = vec![b'a'; 3 * MIB];
    let out = with_stdin(&dir, &["note", "add", "case", "-"], &huge);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("at most 1 MiB") && err(&out).contains("3.0 MiB"),
        "{}",
        err(&out)
    );
    assert!(notes_json(&dir).is_empty(), "nothing written");

    // Exactly the limit, plus the shell's trailing newline: accepted.
    let mut at_limit = vec![b'b'; MIB];
    at_limit.push(b'\n');
    let out = with_stdin(&dir, &["note", "add", "case", "-"], &at_limit);
    assert!(out.status.success(), "{}", err(&out));
    let notes = notes_json(&dir);
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["text"].as_str().unwrap().len(), MIB);

    let mut over = vec![b'c'; MIB + 1];
    over.push(b'\n');
    let out = with_stdin(&dir, &["note", "edit", "1", "-"], &over);
    assert!(!out.status.success());
    assert!(err(&out).contains("at most 1 MiB"), "{}", err(&out));
    assert_eq!(notes_json(&dir)[0]["rev"], 1, "no revision added");
}
