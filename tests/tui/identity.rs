//! Identity context in the terminal UI: the session overview and the chain graph of the identity scenarios
//! (`tests/scenarios/identity_*.json`: a tag chain, AssumeRoot, trusted identity propagation), at 120×40 and 80×24,
//! and hostile tag keys and values that must never reach the terminal raw.

use crate::harness::*;
use serde_json::{Value, json};
use trailhound::tui::action::Action;

/// The scenario's records as one CloudTrail file in a temporary folder; `patch` may rewrite the JSON text.
fn scenario_dir(name: &str, patch: impl Fn(String) -> String) -> tempfile::TempDir {
    let path = format!("{}/tests/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let scenario: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut records = Vec::new();
    for recs in scenario["logs"].as_object().unwrap().values() {
        records.extend(recs.as_array().unwrap().iter().cloned());
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cloudtrail.json"),
        patch(json!({ "Records": records }).to_string()),
    )
    .unwrap();
    dir
}

macro_rules! snap {
    ($name:literal, $app:expr) => {
        insta::assert_snapshot!($name, screen($app));
        insta::assert_snapshot!(concat!($name, "_80x24"), screen_at($app, 80, 24));
    };
}

#[test]
fn tag_chain_session_overview_and_chain_show_tags_and_their_issues() {
    let dir = scenario_dir("identity_tag_chain", |s| s);
    let mut app = app_on(dir.path());
    command(&mut app, "session ASIADANADBADMIN00001");
    let s = screen(&mut app);
    assert!(s.contains("team=platform (incoming, transitive)"), "{s}");
    snap!("identity_tag_chain_overview", &mut app);
    select_row(&mut app, "this session");
    act(&mut app, Action::Chain);
    let s = screen(&mut app);
    assert!(s.contains("tag project dropped checkout→∅"), "{s}");
    snap!("identity_tag_chain_graph", &mut app);
}

#[test]
fn assume_root_session_overview_and_chain_show_the_task() {
    let dir = scenario_dir("identity_assume_root", |s| s);
    let mut app = app_on(dir.path());
    command(&mut app, "session ASIAROOTMEMBERSESS01");
    let s = screen(&mut app);
    assert!(s.contains("S3UnlockBucketPolicy until 2026-11-05T10:20:00Z"), "{s}");
    snap!("identity_assume_root_overview", &mut app);
    select_row(&mut app, "this session");
    act(&mut app, Action::Chain);
    snap!("identity_assume_root_graph", &mut app);
}

#[test]
fn propagated_identity_session_shows_the_identity_center_user() {
    let dir = scenario_dir("identity_center_two_accounts", |s| s);
    let mut app = app_on(dir.path());
    command(&mut app, "session ASIAATHENATIPSESS001");
    let s = screen(&mut app);
    assert!(s.contains("on-behalf-of, exact"), "{s}");
    snap!("identity_center_tip_overview", &mut app);
    select_row(&mut app, "this session");
    act(&mut app, Action::Chain);
    snap!("identity_center_tip_graph", &mut app);
}

#[test]
fn hostile_tag_keys_and_values_never_reach_the_terminal() {
    let bad = "\u{1b}[2J\u{1b}]0;pwn\u{7}\u{9b}1m\u{202e}\u{2066}\u{200b}\u{e0041}\u{e007f}";
    let dir = scenario_dir("identity_tag_chain", |s| {
        s.replace("\"team\"", &serde_json::to_string(&format!("te{bad}am")).unwrap())
            .replace(
                "\"payments\"",
                &serde_json::to_string(&format!("pay{bad}ments")).unwrap(),
            )
    });
    let mut app = app_on(dir.path());
    let mut seen = String::new();
    for key in ["ASIADANADBADMIN00001", "ASIADANAREPORTING001"] {
        command(&mut app, &format!("session {key}"));
        seen.push_str(&screen(&mut app));
        seen.push_str(&screen_at(&app, 80, 24));
        select_row(&mut app, "this session");
        act(&mut app, Action::Chain);
        seen.push_str(&screen(&mut app));
    }
    assert!(seen.contains("pay"), "{seen}");
    for c in [
        '\u{1b}',
        '\u{7}',
        '\u{9b}',
        '\u{202e}',
        '\u{2066}',
        '\u{200b}',
        '\u{e0041}',
        '\u{e007f}',
    ] {
        assert!(!seen.contains(c), "U+{:04X} reached the screen:\n{seen}", c as u32);
    }
}
