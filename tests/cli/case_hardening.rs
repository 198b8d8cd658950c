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

// ---- read-only cases -------------------------------------------------------------------------------------------

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;

/// Runs trailhound as a user the permission bits apply to. Root ignores them, so as root the case is given to
/// `nobody` (uid 65534) and trailhound runs as `nobody`; otherwise the files stay ours and chmod is enough.
struct Reader {
    as_nobody: bool,
}

const NOBODY: u32 = 65534;

impl Reader {
    fn new(probe_dir: &Path) -> Reader {
        let probe = probe_dir.join(".uid-probe");
        std::fs::write(&probe, b"").unwrap();
        let root = std::fs::metadata(&probe).unwrap().uid() == 0;
        std::fs::remove_file(probe).unwrap();
        Reader { as_nobody: root }
    }

    /// Make `path` (recursively) the reader's.
    fn give(&self, path: &Path) {
        if !self.as_nobody {
            return;
        }
        std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).unwrap();
        if path.is_dir() {
            for e in std::fs::read_dir(path).unwrap() {
                self.give(&e.unwrap().path());
            }
        }
    }

    fn cmd(&self, dir: &Path, args: &[&str]) -> Command {
        let mut c = cmd(dir, args);
        if self.as_nobody {
            c.uid(NOBODY).gid(NOBODY);
        }
        c
    }

    fn run(&self, dir: &Path, args: &[&str]) -> Output {
        self.cmd(dir, args).output().unwrap()
    }

    fn ok(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.run(dir, args);
        assert!(out.status.success(), "{args:?} failed: {}", err(&out));
        String::from_utf8(out.stdout).unwrap()
    }
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().len(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Put write permission back so the temporary folder can be removed whoever we are.
struct Unlock(PathBuf);
impl Drop for Unlock {
    fn drop(&mut self) {
        fn walk(p: &Path) {
            let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
            if let Ok(rd) = std::fs::read_dir(p) {
                for e in rd.flatten() {
                    walk(&e.path());
                }
            }
        }
        walk(&self.0);
    }
}

#[test]
fn a_case_this_user_cannot_write_is_read_read_only_and_writes_say_why() {
    let tmp = tempfile::tempdir().unwrap();
    let _unlock = Unlock(tmp.path().to_path_buf());
    let reader = Reader::new(tmp.path());
    // (file mode, folder mode, access shown, reason shown)
    let cases = [
        (
            0o444,
            0o755,
            "read-only snapshot",
            "case.sqlite is not writable by this user",
        ),
        (
            0o444,
            0o555,
            "read-only snapshot",
            "case.sqlite is not writable by this user",
        ),
        (
            0o644,
            0o555,
            "read-only snapshot",
            "the case folder is not writable by this user",
        ),
    ];
    for (i, (file_mode, dir_mode, access, why)) in cases.into_iter().enumerate() {
        let dir = tmp.path().join(format!("case{i}"));
        ok(&dir, &["case", "new"]);
        ok(
            &dir,
            &[
                "note",
                "add",
                "session:ASIAEXAMPLE000000001",
                "Stopped the trail at 14:02.",
            ],
        );
        ok(&dir, &["star", "ip:203.0.113.9"]);
        reader.give(tmp.path());
        chmod(&dir.join("case.sqlite"), file_mode);
        chmod(&dir, dir_mode);
        let before = listing(&dir);
        let label = format!("file {file_mode:o}, folder {dir_mode:o}");

        // Reading and exporting work.
        assert!(
            reader
                .ok(&dir, &["note", "list"])
                .contains("Stopped the trail at 14:02."),
            "{label}"
        );
        let report: serde_json::Value =
            serde_json::from_str(&reader.ok(&dir, &["export", "--format", "json"])).unwrap();
        assert!(report.to_string().contains("Stopped the trail at 14:02."), "{label}");
        // The read-only path was taken, and says why.
        let show: serde_json::Value = serde_json::from_str(&reader.ok(&dir, &["case", "show", "--json"])).unwrap();
        assert_eq!(show["access"], access, "{label}");
        assert_eq!(show["read_only_because"], why, "{label}");
        assert_eq!(show["stars"][0], "ip:203.0.113.9", "{label}");
        // Writes fail, saying why.
        for args in [
            &["note", "add", "case", "more"][..],
            &["star", "case"][..],
            &["verdict", "case", "benign"][..],
        ] {
            let out = reader.run(&dir, args);
            assert!(!out.status.success(), "{label}: {args:?}");
            assert!(
                err(&out).contains("the case is open read-only") && err(&out).contains(why),
                "{label}: {}",
                err(&out)
            );
        }
        assert_eq!(listing(&dir), before, "{label}: reading created or changed nothing");
    }
}

#[test]
fn read_only_on_request_reads_a_writable_case_without_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = new_case(tmp.path());
    ok(&dir, &["note", "add", "case", "kept"]);
    let show: serde_json::Value = serde_json::from_str(&ok(&dir, &["case", "show", "--json", "--read-only"])).unwrap();
    assert_eq!(show["access"], "read-only");
    let out = cmd(&dir, &["note", "add", "case", "x"])
        .env("TRAILHOUND_CASE_READ_ONLY", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(err(&out).contains("opened read-only on request"), "{}", err(&out));
    assert_eq!(notes_json(&dir).len(), 1);
}

/// Acknowledged notes of a writer killed with SIGKILL after at least `n` acknowledgements (its last writes are
/// still in `case.sqlite-wal`).
fn killed_writer(dir: &Path, n: usize) -> Vec<u64> {
    use std::io::{BufRead, BufReader};
    let mut child = cmd(dir, &["case", "stress-write", "--start", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acks = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while acks.len() < n {
        let line = lines.next().unwrap().unwrap();
        acks.push(line.strip_prefix("ack ").unwrap().parse().unwrap());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    for line in lines.map_while(Result::ok) {
        if let Some(a) = line.strip_prefix("ack ") {
            acks.push(a.parse().unwrap());
        }
    }
    acks
}

#[test]
fn a_read_only_case_with_writes_still_in_its_wal_is_read_in_full_or_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let _unlock = Unlock(tmp.path().to_path_buf());
    let reader = Reader::new(tmp.path());
    let dir = new_case(tmp.path());
    let acks = killed_writer(&dir, 150);
    assert!(std::fs::metadata(dir.join("case.sqlite-wal")).unwrap().len() > 0);
    assert!(dir.join("case.sqlite-shm").exists());
    // What the main file alone holds (a snapshot would show only this): fewer notes than were acknowledged, so
    // the test tells a reader that ignores the WAL from one that does not.
    let main_only: i64 = rusqlite::Connection::open_with_flags(
        format!("file:{}?immutable=1", dir.join("case.sqlite").display()),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )
    .unwrap()
    .query_row("SELECT count(*) FROM notes", [], |r| r.get(0))
    .unwrap();
    assert!((main_only as usize) < acks.len(), "{main_only} < {}", acks.len());

    reader.give(tmp.path());
    for f in ["case.sqlite", "case.sqlite-wal", "case.sqlite-shm"] {
        chmod(&dir.join(f), 0o444);
    }
    chmod(&dir, 0o555);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&reader.ok(&dir, &["note", "list", "--json"])).unwrap();
    let texts: std::collections::BTreeSet<String> =
        listed.iter().map(|n| n["text"].as_str().unwrap().to_string()).collect();
    for a in &acks {
        assert!(texts.contains(&format!("stress {a}")), "acknowledged note {a} is shown");
    }
    let show: serde_json::Value = serde_json::from_str(&reader.ok(&dir, &["case", "show", "--json"])).unwrap();
    assert_eq!(show["access"], "read-only", "through SQLite's locks, reading the WAL");

    // Without `-shm`, in a folder where it cannot be made, the WAL cannot be read: refused, not shown partly.
    chmod(&dir, 0o755);
    std::fs::remove_file(dir.join("case.sqlite-shm")).unwrap();
    chmod(&dir, 0o555);
    let out = reader.run(&dir, &["note", "list"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("case.sqlite-wal holds") && err(&out).contains("Copy the case folder"),
        "{}",
        err(&out)
    );
}

// ---- damaged cases ---------------------------------------------------------------------------------------------

/// Overwrite the middle leaf page of `note_revisions` (located with SQLite's own page map) with garbage.
fn smash_middle_revision_page(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let page_size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    let leaves: Vec<i64> = c
        .prepare("SELECT pageno FROM dbstat WHERE name = 'note_revisions' AND pagetype = 'leaf' ORDER BY path")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    drop(c);
    assert!(leaves.len() >= 3, "{leaves:?}");
    let page = leaves[leaves.len() / 2];
    let mut bytes = std::fs::read(db).unwrap();
    let start = ((page - 1) * page_size) as usize;
    for (i, b) in bytes[start..start + page_size as usize].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(151).wrapping_add(7);
    }
    std::fs::write(db, bytes).unwrap();
}

#[test]
fn a_damaged_case_refuses_writes_is_checked_and_salvaged() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = new_case(tmp.path());
    ok(&dir, &["case", "stress-write", "--start", "0", "--count", "400"]);
    ok(&dir, &["star", "ip:203.0.113.9"]);
    ok(&dir, &["tag", "ip:203.0.113.9", "c2"]);
    ok(&dir, &["verdict", "ip:203.0.113.9", "malicious"]);
    assert!(!dir.join("case.sqlite-wal").exists(), "checkpointed on close");
    let db = dir.join("case.sqlite");
    smash_middle_revision_page(&db);
    let smashed = std::fs::read(&db).unwrap();

    for args in [
        &["note", "add", "case", "one more"][..],
        &["star", "case"][..],
        &["tag", "case", "x"][..],
        &["verdict", "case", "benign"][..],
        &["case", "scope", "none"][..],
    ] {
        let out = th(&dir, args);
        assert!(!out.status.success(), "{args:?} must be refused");
        assert!(
            err(&out).contains("the case is damaged") && err(&out).contains("case salvage --out"),
            "{args:?}: {}",
            err(&out)
        );
    }
    // Reading what is intact still answers, with a warning; reading across the damage fails saying so.
    let out = th(&dir, &["note", "history", "1"]);
    assert!(out.status.success(), "{}", err(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("stress 0"));
    assert!(
        err(&out).contains("warning") && err(&out).contains("damaged"),
        "{}",
        err(&out)
    );
    let out = th(&dir, &["note", "list"]);
    assert!(!out.status.success());
    assert!(
        err(&out).contains("the case is damaged") && err(&out).contains("case salvage --out"),
        "{}",
        err(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), smashed, "nothing was written");

    let out = th(&dir, &["case", "check"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("damaged") && text.contains("case salvage"), "{text}");
    let out = th(&dir, &["case", "check", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["state"], "damaged");
    assert!(!v["problems"].as_array().unwrap().is_empty());

    let new = tmp.path().join("salvaged");
    let out = th(&dir, &["case", "salvage", "--json", "--out", new.to_str().unwrap()]);
    assert!(out.status.success(), "{}", err(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["complete"], false);
    let copied = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["table"] == "notes")
        .unwrap()["copied"]
        .as_u64()
        .unwrap();
    assert!(
        copied > 300 && copied < 400,
        "one page of notes lost, the rest kept: {copied}"
    );
    let out = th(&new, &["case", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(notes_json(&new).len() as u64, copied);
    let show: serde_json::Value = serde_json::from_str(&ok(&new, &["case", "show", "--json"])).unwrap();
    assert_eq!(show["stars"][0], "ip:203.0.113.9");
    assert_eq!(show["tags"][0]["tag"], "c2");
    assert_eq!(show["verdicts"][0]["verdict"], "malicious");
    assert!(new.join("salvage-report.json").is_file());
    ok(&new, &["note", "add", "case", "salvaged, carrying on"]);
}

#[test]
fn a_zero_length_case_file_is_not_taken_for_a_new_case() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = new_case(tmp.path());
    ok(&dir, &["note", "add", "case", "will be lost"]);
    std::fs::File::create(dir.join("case.sqlite")).unwrap();
    for args in [
        &["note", "list"][..],
        &["note", "add", "case", "new start?"][..],
        &["case", "show"][..],
        &["case", "new"][..],
    ] {
        let out = th(&dir, args);
        assert!(!out.status.success(), "{args:?} must fail");
        let e = err(&out);
        assert!(
            e.contains("empty (0 bytes)") || e.contains("already exists"),
            "{args:?}: {e}"
        );
    }
    assert_eq!(
        std::fs::metadata(dir.join("case.sqlite")).unwrap().len(),
        0,
        "left as it was"
    );
    let out = th(&dir, &["case", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("empty"));
}
