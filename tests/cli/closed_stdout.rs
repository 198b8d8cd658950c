//! `trailhound … | head`: when standard output's reader has gone, the commands end quietly with the `SIGPIPE`
//! status (141) instead of panicking. The pipe's read end is closed before the process starts, so every write
//! fails and the test does not depend on timing.

use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case");
const INVESTIGATION: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/investigation");

fn with_closed_stdout(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("trailhound runs")
}

#[test]
fn text_and_json_output_into_a_closed_pipe_end_quietly() {
    for args in [
        vec!["findings", "-i", SAMPLE],
        vec!["findings", "-i", SAMPLE, "--json"],
        // Read-only: a fresh clone's file stamps never match the shipped index, and a test must not rewrite it.
        vec!["export", "--case", INVESTIGATION, "--read-only", "--format", "md"],
    ] {
        let out = with_closed_stdout(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
    }
}
