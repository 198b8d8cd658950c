//! A case reopens exactly where it was left: the view stack, tabs, selections and scope survive a save into the
//! case (`ui_state`) and a restore into a fresh app.

use crate::harness::*;
use trailhound::tui::action::Action;
use trailhound::tui::spec::ViewSpec;
use trailhound::tui::ui_state;

#[test]
fn view_stack_tab_and_scope_survive_a_save_and_restore_through_the_case() {
    let Some(sample) = sample() else { return };
    let mut app = app_on(&sample);
    filter(&mut app, "CloudTrailLogging");
    act(&mut app, Action::Enter);
    act(&mut app, Action::Enter);
    assert!(
        matches!(app.spec(), ViewSpec::Session(k) if k == "ASIASARAADMIN0000001"),
        "{:?}",
        app.spec()
    );
    act(&mut app, Action::NextTab);
    let saved = ui_state::capture(&app);
    let json = serde_json::to_string(&saved).unwrap();
    // Through the real case store, as the runtime does.
    let dir = tempfile::tempdir().unwrap();
    let case = trailhound::core::case::Case::open_or_create(dir.path()).unwrap();
    case.set_ui_state(&json).unwrap();
    drop(case);
    let reopened = trailhound::core::case::Case::open(dir.path()).unwrap();
    let back = ui_state::parse(&reopened.ui_state().unwrap().unwrap()).unwrap();
    assert_eq!(back, saved);

    let mut fresh = app_on(&sample);
    ui_state::restore(&mut fresh, &back);
    let specs = |a: &trailhound::tui::app::App| a.stack.iter().map(|f| f.spec.clone()).collect::<Vec<_>>();
    assert_eq!(specs(&fresh), specs(&app));
    assert_eq!(fresh.top().tab, 1);
    assert_eq!(fresh.scope.scope, app.scope.scope);
    assert_eq!(fresh.scope.kind, app.scope.kind);
    assert!(screen(&mut fresh).contains("vs the 45-day baseline"));
    // Going back works from the restored stack.
    act(&mut fresh, Action::Back);
    assert!(matches!(fresh.spec(), ViewSpec::Finding(_)));
}

#[test]
fn a_foreign_or_broken_saved_state_is_ignored() {
    let Some(sample) = sample() else { return };
    let mut app = app_on(&sample);
    for bad in [
        "{}",
        "[1,2]",
        r#"{"version":1,"stack":[{"view":"planet:mars","tab":0,"selected":0}],"scope":{"from":0,"to":1,"kind":"x","finding":null}}"#,
    ] {
        if let Some(s) = ui_state::parse(bad) {
            ui_state::restore(&mut app, &s);
        }
        assert_eq!(app.spec(), &ViewSpec::Findings, "{bad}");
    }
}

/// A case saved by the previous release holds version 1 of the state (views and scope kinds as hand-encoded
/// strings): it still reopens where it was left.
#[test]
fn a_version_1_state_from_the_previous_release_restores() {
    let Some(sample) = sample() else { return };
    let t = |s: &str| trailhound::core::time::parse_epoch(s).unwrap();
    let (from, to) = (t("2026-11-05T14:00:00Z"), t("2026-11-05T15:00:00Z"));
    let v1 = format!(
        r#"{{"version":1,"stack":[{{"view":"findings","tab":0,"selected":0}},{{"view":"finding:5ac5b1a1f0e2d3c4b5a6978877665544","tab":0,"selected":0}},{{"view":"session:ASIASARAADMIN0000001","tab":1,"selected":0}}],"scope":{{"from":{from},"to":{to},"kind":"finding","finding":[{from},{to}]}}}}"#
    );
    let dir = tempfile::tempdir().unwrap();
    let case = trailhound::core::case::Case::open_or_create(dir.path()).unwrap();
    case.set_ui_state(&v1).unwrap();
    let state = ui_state::parse(&case.ui_state().unwrap().unwrap()).expect("version 1 is read");
    let mut app = app_on(&sample);
    ui_state::restore(&mut app, &state);
    let specs: Vec<ViewSpec> = app.stack.iter().map(|f| f.spec.clone()).collect();
    assert_eq!(
        specs,
        vec![
            ViewSpec::Findings,
            ViewSpec::Finding("5ac5b1a1f0e2d3c4b5a6978877665544".into()),
            ViewSpec::Session("ASIASARAADMIN0000001".into()),
        ]
    );
    assert_eq!(app.tab_name(), Some("New behaviour"));
    assert_eq!((app.scope.scope.from, app.scope.scope.to), (from, to));
    assert_eq!(app.scope.kind, trailhound::tui::app::ScopeKind::Finding);
    assert!(screen(&mut app).contains("vs the 45-day baseline"));
    // Saved again, it is written in the current form and reads back the same.
    let again = serde_json::to_string(&ui_state::capture(&app)).unwrap();
    assert!(
        again.contains(r#""version":2"#) && again.contains(r#"{"session":"ASIASARAADMIN0000001"}"#),
        "{again}"
    );
    assert_eq!(ui_state::parse(&again), Some(ui_state::capture(&app)));
}

/// The bundled investigation case records a scope but no place: it opens at the findings list in that scope.
#[test]
fn the_bundled_investigation_case_opens_in_its_scope() {
    let Some(sample) = sample() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = trailhound::core::case::DB_FILE;
    std::fs::copy(sample.join("../investigation").join(db), dir.path().join(db)).unwrap();
    let case = trailhound::core::case::Case::open(dir.path()).unwrap();
    let scope = case.scope().unwrap().expect("the sample records its scope");
    let state = match case.ui_state().unwrap() {
        Some(json) => ui_state::parse(&json).expect("a saved place is readable"),
        None => ui_state::at_findings(scope),
    };
    let state = ui_state::parse(&serde_json::to_string(&state).unwrap()).unwrap();
    let mut app = app_on(&sample);
    ui_state::restore(&mut app, &state);
    assert_eq!(app.spec(), &ViewSpec::Findings);
    assert_eq!(app.scope.scope, scope);
}
