//! Headless app tests: drive the UI with actions on the sample case and assert state (the investigation path of
//! samples/SCENARIO.md: session → chain → DemoRole1 session → new behaviour → the denied call's raw record).

mod tui;

use trailhound::core::time::parse_epoch;
use trailhound::tui::action::Action;
use trailhound::tui::app::ScopeKind;
use trailhound::tui::spec::ViewSpec;
use tui::*;

const ADMIN_KEY: &str = "ASIASARAADMIN0000001";
const DEMO_KEY: &str = "ASIADEMOROLE10000001";

const GD_FINDING: &str = "5ac5b1a1f0e2d3c4b5a6978877665544";

#[test]
fn finding_to_session_to_chain_to_demorole1_new_behaviour_and_raw_record() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    // The findings list: GuardDuty and Access Analyzer together, highest severity first.
    assert!(app.data.store().findings.len() >= 2);
    filter(&mut app, "CloudTrailLoggingDisabled");
    assert_eq!(app.top().table.order.len(), 1);
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Finding(GD_FINDING.into()));
    // Detective's scope: first..last seen 14:12:07..14:48:53, widened to whole hours.
    assert_eq!(app.scope.kind, ScopeKind::Finding);
    assert_eq!(
        (app.scope.scope.from, app.scope.scope.to),
        (
            parse_epoch("2026-11-05T14:00:00Z").unwrap(),
            parse_epoch("2026-11-05T15:00:00Z").unwrap()
        )
    );
    select_row(&mut app, &format!("session:{ADMIN_KEY}"));
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session(ADMIN_KEY.into()));
    // Overview: origin sara (Identity Center), this session, DemoRole1 started below it by exact key.
    select_row(&mut app, "origin");
    let s = screen(&mut app);
    assert!(s.contains("identity-center-user sara"), "{s}");
    select_row(&mut app, DEMO_KEY);
    assert!(s.contains("exact access key"), "{s}");
    // `c` opens the chain of the selected session row; on "this session" that is the admin session.
    select_row(&mut app, "this session");
    act(&mut app, Action::Chain);
    assert_eq!(app.spec(), &ViewSpec::Chain(ADMIN_KEY.into()));
    assert_eq!(
        app.top().table.selected,
        1,
        "the chain opens on the session it was asked for"
    );
    act(&mut app, Action::Down);
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session(DEMO_KEY.into()));
    assert_eq!(
        app.stack.len(),
        5,
        "findings › finding › admin session › chain › DemoRole1 session"
    );
    assert_eq!(
        (app.scope.scope.from, app.scope.scope.to),
        (
            parse_epoch("2026-11-05T14:00:00Z").unwrap(),
            parse_epoch("2026-11-05T15:00:00Z").unwrap()
        ),
        "the scope is kept while pivoting"
    );

    act(&mut app, Action::NextTab);
    assert_eq!(app.tab_name(), Some("New behaviour"));
    // Judged as the session identity DemoRole1/sara against its 45-day baseline (SCENARIO: only
    // DescribeInstances before): three new API calls, and nothing geographic is new (Bellevue is known).
    let report = app
        .top()
        .model
        .report
        .as_ref()
        .expect("computed")
        .as_ref()
        .expect("a behaviour profile");
    let mut apis: Vec<&str> = report.new_api_calls.iter().map(|a| a.api.as_str()).collect();
    apis.sort();
    assert_eq!(apis, ["AttachRolePolicy", "RunInstances", "UpdateAssumeRolePolicy"]);
    assert!(report.new_geolocations.is_empty(), "{:?}", report.new_geolocations);
    let s = screen(&mut app);
    assert!(
        s.contains("new API call") && s.contains("iam:UpdateAssumeRolePolicy"),
        "{s}"
    );
    act(&mut app, Action::NextTab);
    act(&mut app, Action::NextTab);
    assert_eq!(app.tab_name(), Some("Events"));
    // DemoRole1/sara in scope: DescribeInstances, RunInstances, AttachRolePolicy (denied), AttachRolePolicy,
    // UpdateAssumeRolePolicy, DescribeInstances.
    assert_eq!(app.top().table.order.len(), 6);
    filter(&mut app, "AccessDenied");
    assert_eq!(app.top().table.order.len(), 1);
    act(&mut app, Action::Enter);
    assert!(matches!(app.spec(), ViewSpec::Event(_)));
    let raw = app
        .raw
        .as_ref()
        .expect("raw record read")
        .text
        .as_ref()
        .expect("readable");
    assert!(
        raw.contains("\"AttachRolePolicy\"") && raw.contains("AccessDenied"),
        "{raw}"
    );
    let s = screen(&mut app);
    assert!(s.contains("\"errorCode\": \"AccessDenied\""), "{s}");

    act(&mut app, Action::Back);
    assert_eq!(app.spec(), &ViewSpec::Session(DEMO_KEY.into()));
    assert_eq!(
        app.top().table.filter,
        "AccessDenied",
        "going back keeps the filter of the view below"
    );
    act(&mut app, Action::Back);
    assert!(app.top().table.filter.is_empty(), "Esc clears the filter first");
    act(&mut app, Action::Back);
    assert_eq!(app.spec(), &ViewSpec::Chain(ADMIN_KEY.into()));
    act(&mut app, Action::ScopeWiden);
    assert_eq!(app.scope.scope.seconds(), 3 * 3600, "±1 h around the finding window");
    act(&mut app, Action::ScopeReset);
    assert_eq!(app.scope.scope.seconds(), 3600);
    act(&mut app, Action::Home);
    assert_eq!(app.stack.len(), 1);
}

#[test]
fn access_analyzer_finding_leads_to_the_policy_write_and_its_origin() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "finding aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f");
    assert!(matches!(app.spec(), ViewSpec::Finding(_)));
    let s = screen(&mut app);
    assert!(s.contains("ExternalAccess") && s.contains("vendor-audit"), "{s}");
    select_row(&mut app, "UpdateAssumeRolePolicy");
    act(&mut app, Action::Enter);
    let raw = app.raw.as_ref().expect("raw record").text.as_ref().expect("readable");
    assert!(
        raw.contains("999988887777") && raw.contains("ASIADEMOROLE10000001"),
        "{raw}"
    );
}

#[test]
fn outside_account_origin_is_named_honestly() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "session ASIAVENDORAUDIT00001");
    let s = screen(&mut app);
    assert!(s.contains("999988887777") && s.contains("logs not loaded"), "{s}");
    assert!(
        !s.contains("sara"),
        "the vendor's session must not be attributed to sara:\n{s}"
    );
}

#[test]
fn command_line_completes_and_resolves_role_names() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    act(&mut app, Action::Command);
    for c in "session ASIADEMO".chars() {
        trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Char(c));
    }
    trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Complete);
    assert_eq!(
        app.mode,
        trailhound::tui::app::Mode::Command(trailhound::tui::line_edit::LineEdit::with(&format!(
            "session {DEMO_KEY}"
        )))
    );
    trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::Cancel);
    command(&mut app, "role DemoRole1");
    assert_eq!(
        app.spec(),
        &ViewSpec::Role("arn:aws:iam::111122223333:role/DemoRole1".into())
    );
    command(&mut app, "nonsense x");
    assert!(app.status.as_ref().is_some_and(|s| s.1.contains("unknown command")));
}

#[test]
fn scope_presets_move_the_window() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "scope 2026-11-05T14:00:00Z..2026-11-05T15:00:00Z");
    act(&mut app, Action::Scope24h);
    assert_eq!(app.scope.scope.seconds(), 86_400);
    assert_eq!(app.scope.scope.to, parse_epoch("2026-11-05T15:00:00Z").unwrap());
    act(&mut app, Action::Scope7d);
    assert_eq!(app.scope.scope.seconds(), 7 * 86_400);
    act(&mut app, Action::ScopeReset);
    assert_eq!(
        app.scope.kind,
        ScopeKind::AllData,
        "no finding opened: reset goes to everything loaded"
    );
}

/// The README's key table (the table under `### Keys`, every row of it) is exactly the keymap's; on failure the
/// message holds the table to paste.
#[test]
fn readme_key_table_matches_the_keymap() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = trailhound::tui::keymap::markdown_table(&trailhound::tui::keymap::Keymap::default());
    let section = readme
        .split("\n### Keys\n")
        .nth(1)
        .expect("README has a ### Keys section");
    let in_readme: String = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(in_readme, table, "README key table is stale; expected:\n{table}");
    // The keymap has a row per action with keys, so a table of a handful of rows means the split went wrong.
    assert!(table.lines().count() > 20, "{table}");
}

#[test]
fn notes_are_written_about_the_current_entity_and_pivot_back() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    note(&mut app, "DemoRole1/sara attached policies and trusted 999988887777");
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.1.contains("saved on session:ASIADEMOROLE10000001")),
        "{:?}",
        app.status
    );
    act(&mut app, Action::Notes);
    assert_eq!(app.spec(), &ViewSpec::Notes);
    let s = screen(&mut app);
    assert!(
        s.contains("session:ASIADEMOROLE1") && s.contains("attached policies"),
        "{s}"
    );
    select_row(&mut app, "trusted 999988887777");
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session(DEMO_KEY.into()));
}

#[test]
fn mouse_selects_then_opens_and_scrolls() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    screen(&mut app); // a draw records where the table is
    let table = app.hits.table;
    let row = table.y + 2 + 1; // border, header, second row
    trailhound::tui::update::update(
        &mut app,
        trailhound::tui::action::Input::Click {
            column: table.x + 3,
            row,
        },
    );
    assert_eq!(app.top().table.selected, 1);
    assert_eq!(app.stack.len(), 1);
    let cmds = trailhound::tui::update::update(
        &mut app,
        trailhound::tui::action::Input::Click {
            column: table.x + 3,
            row,
        },
    );
    run(&mut app, cmds);
    assert!(
        matches!(app.spec(), ViewSpec::Finding(_)),
        "a click on the selected row opens it"
    );
    trailhound::tui::update::update(&mut app, trailhound::tui::action::Input::ScrollDown);
    assert_eq!(app.top().table.selected, 1);
}

/// In the terminal runtime models are computed off the key path: `update` only leaves a request, the view says
/// it is computing, and a late answer for a view the user already left is dropped.
#[test]
fn deferred_models_never_block_update_and_stale_answers_are_dropped() {
    use trailhound::tui::runtime::{Job, apply};
    use trailhound::tui::views;
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    app.defer_models = true;
    command(&mut app, &format!("session {DEMO_KEY}"));
    assert!(!views::model_ready(&app));
    assert!(screen(&mut app).contains("computing…"));
    let req = app.pending_model.take().expect("a request for the runtime");
    // The user moves on before the answer arrives: it no longer applies.
    act(&mut app, Action::NextTab);
    apply(&mut app, Job::Model(Box::new(views::compute(&req))));
    assert!(!views::model_ready(&app), "a stale model must not be shown");
    let req = app.pending_model.take().expect("a request for the new tab");
    apply(&mut app, Job::Model(Box::new(views::compute(&req))));
    assert!(views::model_ready(&app));
    assert_eq!(app.tab_name(), Some("New behaviour"));
    assert!(!app.top().table.order.is_empty(), "the table order follows the model");
}

/// Without a finding the scope is everything loaded; behaviour analytics then get the loaded range in whole
/// hours, not an unbounded window (which made a nonsense bucket size).
#[test]
fn everything_loaded_scope_gives_a_sane_volume_chart() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, &format!("session {DEMO_KEY}"));
    act(&mut app, Action::NextTab);
    act(&mut app, Action::NextTab);
    assert_eq!(app.tab_name(), Some("API volume"));
    let v = app
        .top()
        .model
        .volume_report
        .as_ref()
        .expect("computed")
        .as_ref()
        .expect("volume");
    assert!(
        v.bucket_seconds > 0 && v.bucket_seconds <= 7 * 86_400,
        "bucket {} s",
        v.bucket_seconds
    );
    assert!(v.buckets.iter().map(|b| b.success + b.failure).sum::<u64>() > 0);
}
