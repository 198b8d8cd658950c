//! The day summary view (the landing view) on the sample case: snapshots at 120×40 and 80×24, `[` / `]` moving
//! by a day within the loaded days, rows pivoting to the views they name, and one answer with
//! `trailhound summary --json` for the same data.

use crate::harness::*;
use serde_json::Value;
use std::process::Command;
use trailhound::tui::action::Action;
use trailhound::tui::app::App;
use trailhound::tui::spec::ViewSpec;

/// 2026-11-05 as days since 1970-01-01 (the sample's incident day, its last).
const INCIDENT_DAY: i64 = 20_762;

fn summary_app() -> Option<(App, std::path::PathBuf)> {
    let case = sample()?;
    let mut app = app_on_with_geo(&case, &case.join("geoip"));
    act(&mut app, Action::Summary);
    Some((app, case))
}

#[test]
fn the_summary_of_the_last_day_at_both_sizes() {
    let Some((mut app, _)) = summary_app() else { return };
    assert_eq!(app.spec(), &ViewSpec::Summary(None));
    insta::assert_snapshot!("summary", screen(&mut app));
    insta::assert_snapshot!("summary_80x24", screen_at(&app, 80, 24));
    let s = screen(&mut app);
    // The story's entry point is on the first screen: the vendor's session identity, with Frankfurt new.
    assert!(s.contains("vendor-audit / audit"), "{s}");
    assert!(s.contains("Frankfurt am Main"), "{s}");
}

#[test]
fn brackets_move_by_a_day_within_the_loaded_days() {
    let Some((mut app, _)) = summary_app() else { return };
    act(&mut app, Action::NextDay);
    assert_eq!(
        app.spec(),
        &ViewSpec::Summary(None),
        "there is no day after the last one loaded"
    );
    assert!(app.status.as_ref().is_some_and(|s| s.1.contains("last day")));
    act(&mut app, Action::PrevDay);
    assert_eq!(app.spec(), &ViewSpec::Summary(Some(INCIDENT_DAY - 1)));
    let s = screen(&mut app);
    assert!(s.contains("2026-11-04 (UTC)"), "{s}");
    assert!(
        !s.contains("vendor-audit / audit"),
        "the vendor first appears on the 5th:\n{s}"
    );
    act(&mut app, Action::NextDay);
    assert_eq!(app.spec(), &ViewSpec::Summary(Some(INCIDENT_DAY)));
    assert_eq!(
        app.stack.len(),
        2,
        "moving the day replaces the view, it does not stack"
    );
}

#[test]
fn rows_pivot_to_the_session_the_finding_and_the_role() {
    let Some((mut app, _)) = summary_app() else { return };
    select_row(&mut app, "vendor-audit / audit");
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session("ASIAVENDORAUDIT00001".into()));
    act(&mut app, Action::Back);
    select_row(&mut app, "CloudTrailLoggingDisabled");
    act(&mut app, Action::Enter);
    assert_eq!(
        app.spec(),
        &ViewSpec::Finding("5ac5b1a1f0e2d3c4b5a6978877665544".into())
    );
    act(&mut app, Action::Back);
    select_row(&mut app, "web-app-role (444455556666)");
    act(&mut app, Action::Enter);
    assert_eq!(
        app.spec(),
        &ViewSpec::Role("arn:aws:iam::444455556666:role/web-app-role".into())
    );
}

#[test]
fn the_tui_and_the_cli_give_one_answer() {
    let Some((app, case)) = summary_app() else { return };
    let tui = app.top().model.summary.clone().expect("the summary's model");
    let tui = serde_json::to_value(&*tui).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["summary", "--json", "-i"])
        .arg(&case)
        .arg("--geoip")
        .arg(case.join("geoip"))
        .env_remove("TRAILHOUND_GEOIP")
        .env("XDG_CONFIG_HOME", "/nonexistent/trailhound-test-config")
        .output()
        .expect("run trailhound");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["day"], "2026-11-05");
    assert_eq!(tui, cli);
}
