//! `trailhound export -o` over what is already at the path, through the real binary: a regular file is replaced
//! keeping its mode and owner, a symlink, folder or FIFO is refused and left as it was, and `-o -` is stdout.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");

fn th(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--case")
        .arg(dir)
        .env("TRAILHOUND_AUTHOR", "ir-oncall")
        .output()
        .unwrap()
}

fn case_with_a_note(root: &Path) -> std::path::PathBuf {
    let dir = root.join("case");
    assert!(th(&dir, &["case", "new"]).status.success());
    assert!(
        th(&dir, &["note", "add", "case", "Contained at 14:10."])
            .status
            .success()
    );
    dir
}

fn export_to(dir: &Path, out: &Path) -> Output {
    th(dir, &["export", "--format", "md", "-o", out.to_str().unwrap()])
}

#[test]
fn replacing_a_report_keeps_its_mode_and_owner() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = case_with_a_note(tmp.path());
    let report = tmp.path().join("report.md");
    std::fs::write(&report, "old report").unwrap();
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::metadata(&report).unwrap();
    // As root the test can give the file to someone else and check it is given back; otherwise it stays ours.
    let owner = if before.uid() == 0 {
        std::os::unix::fs::chown(&report, Some(65534), Some(65534)).unwrap();
        (65534, 65534)
    } else {
        (before.uid(), before.gid())
    };

    let out = export_to(&dir, &report);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let after = std::fs::metadata(&report).unwrap();
    assert!(
        std::fs::read_to_string(&report)
            .unwrap()
            .contains("Contained at 14:10.")
    );
    assert_eq!(after.mode() & 0o7777, 0o600, "mode kept");
    assert_eq!((after.uid(), after.gid()), owner, "owner kept");
}

#[test]
fn a_symlink_folder_or_fifo_at_the_output_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = case_with_a_note(tmp.path());
    let target = tmp.path().join("elsewhere.txt");
    std::fs::write(&target, "not a report").unwrap();
    let link = tmp.path().join("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let folder = tmp.path().join("folder.md");
    std::fs::create_dir(&folder).unwrap();
    let fifo = tmp.path().join("fifo.md");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());

    for (path, what) in [(&link, "a symbolic link"), (&folder, "a folder"), (&fifo, "a FIFO")] {
        let out = export_to(&dir, path);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{path:?} must be refused");
        assert!(err.contains(what) && err.contains("refusing to replace it"), "{err}");
    }
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_link(&link).unwrap(), target);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "not a report");
    assert!(folder.is_dir() && std::fs::read_dir(&folder).unwrap().next().is_none());
    let temps: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "no temporary files left: {temps:?}");
}

#[test]
fn dash_writes_to_standard_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = case_with_a_note(tmp.path());
    let out = Command::new(BIN)
        .args(["export", "--format", "md", "-o", "-", "--case"])
        .arg(&dir)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Contained at 14:10."));
    assert!(!tmp.path().join("-").exists(), "no file named `-`");
}
