//! The incident group view on the sample case (samples/SCENARIO.md): opened from sara's `StopLogging` finding, it
//! holds that finding, the `vendor-audit` Access Analyzer finding and the vendor's recon finding; the scope becomes
//! the group's window (14:12:07–16:13:48 widened to whole hours: 14:00–17:00); its Events tab covers every
//! principal of the group — sara's sessions *and* the vendor's — and its pivots keep the group's scope.

use crate::harness::*;
use trailhound::core::time::{Scope, parse_epoch};
use trailhound::tui::action::Action;
use trailhound::tui::app::App;
use trailhound::tui::spec::ViewSpec;

const STOP: &str = "5ac5b1a1f0e2d3c4b5a6978877665544";

fn at(s: &str) -> i64 {
    parse_epoch(s).unwrap()
}

macro_rules! snap {
    ($name:literal, $app:expr) => {
        insta::assert_snapshot!($name, screen($app));
        insta::assert_snapshot!(concat!($name, "_80x24"), screen_at($app, 80, 24));
    };
}

fn open_group() -> Option<App> {
    let case = sample()?;
    let mut app = app_on_with_geo(&case, &case.join("geoip"));
    command(&mut app, &format!("finding {STOP}"));
    select_row(&mut app, "incident group");
    act(&mut app, Action::Enter);
    Some(app)
}

#[test]
fn the_group_of_the_stop_logging_finding_is_the_whole_incident_in_its_window() {
    let Some(mut app) = open_group() else { return };
    assert_eq!(app.spec(), &ViewSpec::Group(STOP.into()));
    assert_eq!(
        app.scope.scope,
        Scope::new(at("2026-11-05T14:00:00Z"), at("2026-11-05T17:00:00Z"))
    );
    let s = screen(&mut app);
    assert!(s.contains("3 findings"), "{s}");
    assert!(s.contains("joined by chain"), "{s}");
    assert!(s.contains("role:arn:aws:iam::111122223333:role/vendor-audit"), "{s}");
    snap!("group", &mut app);

    act(&mut app, Action::NextTab);
    assert_eq!(app.tab_name(), Some("Events"));
    let s = screen(&mut app);
    // Sara's calls and the vendor's, in one list: the investigation covers all the group's principals.
    assert!(
        s.contains("StopLogging") || s.contains("ConsoleLogin") || s.contains("AssumeRole"),
        "{s}"
    );
    let names: std::collections::BTreeSet<String> = app
        .top()
        .model
        .items
        .iter()
        .map(|&i| {
            let store = app.data.store();
            store.s(store.events[i as usize].event_name).to_string()
        })
        .collect();
    for api in ["StopLogging", "UpdateAssumeRolePolicy", "GetObject", "ListRoles"] {
        assert!(names.contains(api), "{api} missing from {names:?}");
    }
    snap!("group_events", &mut app);
}

#[test]
fn pivots_from_the_group_keep_its_scope() {
    let Some(mut app) = open_group() else { return };
    screen(&mut app);
    let scope = app.scope.scope;
    select_row(&mut app, "role:arn:aws:iam::111122223333:role/vendor-audit");
    act(&mut app, Action::Enter);
    assert_eq!(
        app.spec(),
        &ViewSpec::Role("arn:aws:iam::111122223333:role/vendor-audit".into())
    );
    assert_eq!(app.scope.scope, scope);
    act(&mut app, Action::Back);
    screen(&mut app);
    select_row(&mut app, "Recon:IAMUser/MaliciousIPCaller");
    act(&mut app, Action::Enter);
    assert_eq!(
        app.spec(),
        &ViewSpec::Finding("8ec5b1a2c3d4e5f60718293a4b5c6d7e".into())
    );
}

/// An attack sequence finding loaded with the sample (`tests/data/attack-sequence/`): its signals are rows of the
/// finding view, each with the events linked to it and the vendor session behind them, and pivot there.
#[test]
fn an_attack_sequence_lists_its_signals_with_the_session_behind_them() {
    let Some(case) = sample() else { return };
    let seq = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/attack-sequence/guardduty.json"
    ));
    let store = trailhound::core::ingest::load_paths(&[case, seq]);
    let mut app = App::with_store(trailhound::tui::keymap::Keymap::default(), store);
    command(&mut app, "finding a1c5b1a5f6a7b8c9d0e1f2a3b4c5d6e7");
    let s = screen(&mut app);
    assert!(s.contains("signal S3_DATA_EVENTS"), "{s}");
    assert!(s.contains("GetObject · 40 event(s), actor-api-time"), "{s}");
    assert!(s.contains("ListBuckets · 0 event(s), unlinked"), "{s}");
    snap!("finding_attack_sequence", &mut app);
    select_row(&mut app, "GetObject · 40");
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session("ASIAVENDORAUDIT00001".into()));
}
