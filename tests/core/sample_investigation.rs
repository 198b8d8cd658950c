//! The sample case ships with an investigation (`samples/investigation`, a case made headless with
//! `trailhound case new … -i samples/case`): it opens wherever the repository is cloned (its input is stored
//! beside it as `../case`), holds the analyst's notes, stars and verdict, and exports with them.

use std::path::PathBuf;
use trailhound::core::case::{Case, Input, Verdict};
use trailhound::core::entity::EntityRef;

fn investigation() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/investigation"))
}

#[test]
fn the_sample_investigation_opens_with_its_inputs_notes_and_verdicts() {
    let case = Case::open(&investigation()).expect("samples/investigation opens");
    let inputs = case.inputs().unwrap();
    assert_eq!(inputs.len(), 1);
    let Input::Path { path } = &inputs[0] else {
        panic!("{inputs:?}")
    };
    assert!(
        path.join("AWSLogs").is_dir(),
        "input resolves beside the case: {}",
        path.display()
    );
    let notes = case.notes(&Default::default()).unwrap();
    assert_eq!(notes.len(), 3);
    assert!(
        notes
            .iter()
            .any(|n| n.entity == EntityRef::Session("ASIADEMOROLE10000001".into()))
    );
    assert_eq!(
        case.verdict(&EntityRef::Session("ASIADEMOROLE10000001".into()))
            .unwrap()
            .map(|v| v.verdict),
        Some(Verdict::Suspicious)
    );
    assert!(case.scope().unwrap().is_some());
}

#[test]
fn the_sample_investigation_exports_from_its_recorded_inputs() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["export", "--case"])
        .arg(investigation())
        // Read-only: a fresh clone's file stamps never match the shipped index, and a test must not rewrite it
        // (the tracked `samples/investigation/index/` would change under every test run).
        .args(["--read-only", "--format", "md"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("UpdateAssumeRolePolicy trusting 999988887777"), "{md}");
    assert!(md.contains("20000 events"), "the recorded input was loaded:\n{md}");
}
