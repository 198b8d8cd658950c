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
