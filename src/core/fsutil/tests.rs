//! The atomic writer's rules, on real files: content, kept mode and owner, refusals, no leftovers.

use super::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".trailhound-"))
        .collect()
}

/// The uid this process creates files as (no libc call needed).
fn my_uid(dir: &Path) -> u32 {
    let probe = dir.join("probe");
    std::fs::write(&probe, b"").unwrap();
    let uid = std::fs::metadata(&probe).unwrap().uid();
    std::fs::remove_file(probe).unwrap();
    uid
}

#[test]
fn a_new_file_gets_the_bytes_and_the_usual_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let usual = tmp.path().join("usual");
    std::fs::File::create(&usual).unwrap();
    let out = tmp.path().join("report.out");
    write_atomic(&out, b"# report\n").unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), b"# report\n");
    assert_eq!(
        std::fs::metadata(&out).unwrap().mode() & 0o777,
        std::fs::metadata(&usual).unwrap().mode() & 0o777,
        "a new file is created like File::create would (0666 & !umask)"
    );
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn replacing_keeps_the_mode_of_the_old_file() {
    let tmp = tempfile::tempdir().unwrap();
    for mode in [0o600, 0o640, 0o444] {
        let out = tmp.path().join(format!("r{mode:o}"));
        std::fs::write(&out, b"old").unwrap();
        std::fs::set_permissions(&out, Permissions::from_mode(mode)).unwrap();
        write_atomic(&out, b"new").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"new");
        assert_eq!(std::fs::metadata(&out).unwrap().mode() & 0o7777, mode, "mode {mode:o}");
    }
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn replacing_keeps_the_owner_when_the_process_may() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("owned");
    std::fs::write(&out, b"old").unwrap();
    let me = my_uid(tmp.path());
    // Only root can give a file away; as anyone else the file already belongs to us and must stay ours.
    let want = if me == 0 {
        std::os::unix::fs::chown(&out, Some(65534), Some(65534)).unwrap();
        (65534, 65534)
    } else {
        let m = std::fs::metadata(&out).unwrap();
        (m.uid(), m.gid())
    };
    write_atomic(&out, b"new").unwrap();
    let m = std::fs::metadata(&out).unwrap();
    assert_eq!((m.uid(), m.gid()), want);
    assert_eq!(std::fs::read(&out).unwrap(), b"new");
}

#[test]
fn anything_but_a_regular_file_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("target.out");
    std::fs::write(&target, b"precious").unwrap();

    let link = tmp.path().join("link.out");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let dangling = tmp.path().join("dangling.out");
    std::os::unix::fs::symlink(tmp.path().join("nowhere"), &dangling).unwrap();
    let dir = tmp.path().join("folder");
    std::fs::create_dir(&dir).unwrap();
    let fifo = tmp.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());

    for (path, what) in [
        (&link, "a symbolic link"),
        (&dangling, "a symbolic link"),
        (&dir, "a folder"),
        (&fifo, "a FIFO (named pipe)"),
    ] {
        let err = write_atomic(path, b"report").unwrap_err();
        assert!(
            matches!(&err, WriteError::NotRegular { what: w, .. } if *w == what),
            "{err}"
        );
        assert!(err.to_string().contains("refusing to replace it"), "{err}");
    }
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_link(&link).unwrap(), target);
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
    assert!(!tmp.path().join("nowhere").exists());
    assert!(dir.is_dir());
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn a_missing_folder_is_an_error_that_names_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("no/such/folder/report.out");
    let err = write_atomic(&out, b"x").unwrap_err();
    assert!(err.to_string().contains("report.out"), "{err}");
}

#[test]
fn dash_is_standard_output() {
    assert_eq!(Output::parse("-".as_ref()), Output::Stdout);
    assert_eq!(Output::parse("./-".as_ref()), Output::File(PathBuf::from("./-")));
}
