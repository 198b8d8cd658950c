//! `--version` names the commit; `completions` and `man` are generated from the command definitions for every
//! shell and command.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().expect("run trailhound");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let v = run(&["--version"]);
    assert!(
        v.starts_with(&format!("trailhound {} (", env!("CARGO_PKG_VERSION"))),
        "{v}"
    );
    // A checkout names its short hash; a build outside git says so rather than inventing one.
    let commit = v.split_once("(commit ").map(|(_, c)| c.trim_end_matches([')', '\n']));
    match commit {
        Some(c) => {
            let hash = c.trim_end_matches("-dirty");
            assert_eq!(hash.len(), 12, "{v}");
            assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{v}");
        }
        None => assert!(v.contains("(unknown commit)"), "{v}"),
    }
}

#[test]
fn completions_for_every_shell_know_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = run(&["completions", shell]);
        for word in ["trailhound", "behavior", "trace", "export", "from", "delivery-slack"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let bad = Command::new(BIN).args(["completions", "cmd.exe"]).output().unwrap();
    assert!(!bad.status.success());
}

#[test]
fn man_pages_cover_every_command() {
    let page = run(&["man"]);
    assert!(page.contains(".TH trailhound 1"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    run(&["man", "--out", dir.path().to_str().unwrap()]);
    for cmd in [
        "behavior",
        "trace",
        "ingest",
        "export",
        "case-new",
        "note-add",
        "completions",
    ] {
        let p = dir.path().join(format!("trailhound-{cmd}.1"));
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert!(text.contains(".SH NAME"), "{}", p.display());
    }
}
