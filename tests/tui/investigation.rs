//! The Investigation tab on the sample case (`samples/SCENARIO.md`): sara's AdministratorAccess session in the
//! incident hour — its panel and table at 120×40 and 80×24, and rows that pivot to the StopLogging event and the
//! finding that names her key. Without geolocation databases (`app_on`), so the panel says what that leaves out.
//! Expectations from the story and `docs/investigate.md`'s score table.

use crate::harness::*;
use trailhound::tui::action::Action;
use trailhound::tui::app::App;
use trailhound::tui::spec::ViewSpec;

fn investigation_tab(app: &mut App) {
    for _ in 0..9 {
        if app.tab_name() == Some("Investigation") {
            return;
        }
        act(app, Action::NextTab);
    }
    panic!("no Investigation tab on {:?}", app.spec());
}

fn sara() -> Option<App> {
    let mut app = app_on(&sample()?);
    command(&mut app, "scope 2026-11-05T14:00:00Z..2026-11-05T15:00:00Z");
    command(&mut app, "session ASIASARAADMIN0000001");
    investigation_tab(&mut app);
    Some(app)
}

#[test]
fn every_profile_view_has_an_investigation_tab_last() {
    let Some(mut app) = sara() else { return };
    for c in [
        "role arn:aws:iam::111122223333:role/DemoRole1",
        "account 111122223333",
        "ip 203.0.113.77",
        "key AKIALIEXAMPLE0000001",
    ] {
        command(&mut app, c);
        investigation_tab(&mut app);
        assert_eq!(app.spec().tabs().last().map(|t| t.label()), Some("Investigation"));
    }
}

#[test]
fn the_investigation_of_sara_at_both_sizes() {
    let Some(mut app) = sara() else { return };
    let s = screen(&mut app);
    // Three high rules capped at 60, the low GuardDuty finding 5, the Access Analyzer finding 20.
    assert!(s.contains("critical (score 85"), "{s}");
    assert!(
        s.contains("no-geolocation"),
        "no databases in this test: said, not hidden\n{s}"
    );
    insta::assert_snapshot!("investigation_tab", s);
    insta::assert_snapshot!("investigation_tab_80x24", screen_at(&app, 80, 24));
}

#[test]
fn rows_pivot_to_the_event_and_the_finding() {
    let Some(mut app) = sara() else { return };
    screen(&mut app);
    select_row(&mut app, "cloudtrail.amazonaws.com StopLogging");
    act(&mut app, Action::Enter);
    let ViewSpec::Event(i) = app.spec().clone() else {
        panic!("not an event: {:?}", app.spec());
    };
    let store = app.data.store();
    assert_eq!(store.s(store.events[i].event_name), "StopLogging");
    act(&mut app, Action::Back);
    screen(&mut app);
    select_row(&mut app, "Stealth:IAMUser/CloudTrailLoggingDisabled");
    act(&mut app, Action::Enter);
    assert_eq!(
        app.spec(),
        &ViewSpec::Finding("5ac5b1a1f0e2d3c4b5a6978877665544".into())
    );
}

/// A click on a tab label selects that tab, in the padded bar (120 columns) and in the compact one (80 columns),
/// where the labels lose their spaces so the seventh fits.
#[test]
fn a_click_on_the_investigation_label_selects_it_at_both_widths() {
    let Some(mut app) = sara() else { return };
    for width in [120u16, 80] {
        act(&mut app, Action::NextTab); // wraps to Overview
        assert_eq!(app.tab_name(), Some("Overview"));
        screen(&mut app);
        let bar = screen_at(&app, width, 24).lines().nth(2).unwrap().to_string();
        let col = bar
            .char_indices()
            .position(|(b, _)| bar[b..].starts_with("Investigation"))
            .unwrap();
        let tabs = app.hits.tabs;
        app.hits.tabs = ratatui::layout::Rect { width, ..tabs };
        trailhound::tui::update::update(
            &mut app,
            trailhound::tui::action::Input::Click {
                column: tabs.x + col as u16 + 2,
                row: tabs.y,
            },
        );
        assert_eq!(app.tab_name(), Some("Investigation"), "at {width} columns: {bar}");
    }
}

/// Hostile values in the fields the tab shows and the commands are built from: a trail name with a terminal
/// escape (its command is refused, the tab says why), a user agent and a role name with bidi and quote characters.
/// Nothing reaches the screen raw.
#[test]
fn hostile_values_reach_the_tab_neutralised() {
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let who = json!({"type": "IAMUser", "principalId": "AIDAMALLORY0000000001",
        "arn": "arn:aws:iam::111122223333:user/mallory", "accountId": "111122223333",
        "accessKeyId": "AKIAMALLORY000000001", "userName": "mallory"});
    let rec = |t: &str, id: &str, src: &str, name: &str, params: serde_json::Value| {
        json!({"eventVersion": "1.09", "userIdentity": who, "eventTime": t, "eventSource": src, "eventName": name,
            "awsRegion": "eu-west-1", "sourceIPAddress": "203.0.113.9",
            "userAgent": "curl\u{1b}[2J\u{202e}gnp.exe", "requestParameters": params, "responseElements": null,
            "eventID": id, "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
            "recipientAccountId": "111122223333"})
    };
    let records = vec![
        rec(
            "2026-11-05T10:05:00Z",
            "00000000-0000-4000-8000-000000000002",
            "cloudtrail.amazonaws.com",
            "StopLogging",
            json!({"name": "evil\u{1b}]0;pwn\u{7}trail"}),
        ),
        rec(
            "2026-11-05T10:10:00Z",
            "00000000-0000-4000-8000-000000000004",
            "iam.amazonaws.com",
            "UpdateAssumeRolePolicy",
            json!({"roleName": "ops'role\u{2066}x", "policyDocument": "{}"}),
        ),
    ];
    let path = dir.path().join("hostile.json");
    std::fs::write(&path, serde_json::to_vec(&json!({ "Records": records })).unwrap()).unwrap();
    let mut app = app_on(&path);
    command(&mut app, "scope 2026-11-05T10:00:00Z..2026-11-05T11:00:00Z");
    command(&mut app, "key AKIAMALLORY000000001");
    investigation_tab(&mut app);
    let s = screen(&mut app);
    assert!(!s.chars().any(crate::support::hostile::raw_hazard), "{s}");
    assert!(s.contains("not prefilled: the value for --name holds"), "{s}");
}
