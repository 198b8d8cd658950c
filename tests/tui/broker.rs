//! Elevated-access brokers in the terminal UI: the broker scenario (`tests/data/broker`) loaded with the reference
//! broker's role configured and its request log, carol's breached session in the overview and the chain graph at
//! 120×40 and 80×24, what the screen must say (requester, approver, justification, the breach), and a hostile
//! request log that must not reach the terminal raw.

use crate::harness::*;
use crate::support::hostile::{HS, ht, raw_hazard};
use std::path::Path;
use trailhound::core::broker::{BrokerConfig, BrokerContext};
use trailhound::core::dataset::{Dataset, DatasetOptions};
use trailhound::tui::action::Action;
use trailhound::tui::app::App;
use trailhound::tui::keymap::Keymap;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/broker");
const BROKER_ROLE: &str = "arn:aws:iam::999988887777:role/tea-Lambda-IdentityBroker-Role";

fn app_with(logs: Vec<std::path::PathBuf>) -> App {
    let data = Dataset::load(&[Path::new(DATA).join("trail")], &DatasetOptions::default(), &|_| {}).with_brokers(
        BrokerContext::load(BrokerConfig {
            roles: vec![BROKER_ROLE.into()],
            logs,
        }),
    );
    App::with_dataset(Keymap::default(), data)
}

fn app() -> App {
    app_with(vec![Path::new(DATA).join("logs/reference-broker-scan.json")])
}

macro_rules! snap {
    ($name:literal, $app:expr) => {
        insta::assert_snapshot!($name, screen($app));
        insta::assert_snapshot!(concat!($name, "_80x24"), screen_at($app, 80, 24));
    };
}

#[test]
fn the_breached_session_names_requester_approver_and_the_breach() {
    let mut app = app();
    command(&mut app, "session ASIACAROLADMIN000001");
    let s = screen(&mut app);
    for want in [
        "requester: carol@example.com",
        "approver: bob@example.com",
        "justification: CHG-0815 rotate the deploy user's key",
        "approval: beyond-window",
        "2 calls after expiry",
        "broker, approved",
        "window: 2026-11-05T11:00:00Z → 2026-11-05T11:30:00Z",
    ] {
        assert!(s.contains(want), "{want:?} not on screen:\n{s}");
    }
    snap!("broker_session_overview", &mut app);
    act(&mut app, Action::Chain);
    let s = screen(&mut app);
    for want in [
        "requester via broker",
        "strong link (broker-request)",
        "for carol@example.com",
        "beyond-window",
        "approver bob@example.com",
    ] {
        assert!(s.contains(want), "{want:?} not in the chain graph:\n{s}");
    }
    snap!("broker_chain", &mut app);
}

#[test]
fn without_broker_context_the_session_keeps_its_service_origin() {
    let data = Dataset::load(&[Path::new(DATA).join("trail")], &DatasetOptions::default(), &|_| {});
    let mut app = App::with_dataset(Keymap::default(), data);
    command(&mut app, "session ASIACAROLADMIN000001");
    let s = screen(&mut app);
    assert!(s.contains("lambda.amazonaws.com"), "{s}");
    assert!(!s.contains("requester"), "{s}");
}

#[test]
fn a_hostile_request_log_never_reaches_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.json");
    let records = serde_json::json!([
        {"id": HS, "requester": "carol@example.com", "account": "111122223333", "role": "Admin",
         "start": "2026-11-05T11:00:00Z", "end": "2026-11-05T11:30:00Z", "status": "approved",
         "approver": format!("bob{HS}"), "justification": ht(), "ticket": HS}
    ]);
    std::fs::write(&log, records.to_string()).unwrap();
    let mut app = app_with(vec![log]);
    command(&mut app, "session ASIACAROLADMIN000001");
    for s in [screen(&mut app), screen_at(&app, 80, 24)] {
        assert!(s.contains("requester: carol@example.com"), "{s}");
        if let Some(c) = s.chars().find(|&c| raw_hazard(c) && c != '\n') {
            panic!("raw U+{:04X} on screen:\n{s}", c as u32);
        }
    }
    act(&mut app, Action::Chain);
    let s = screen(&mut app);
    assert!(!s.chars().any(|c| raw_hazard(c) && c != '\n'), "{s}");
}
