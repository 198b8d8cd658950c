//! Every view of the sample case drawn to a 120×40 `TestBackend` and compared with `tests/snapshots/` (insta),
//! plus style assertions where colour carries meaning (text snapshots do not capture styles), NO_COLOR, and
//! hostile log strings that must never reach the terminal.

use crate::harness::*;
use ratatui::style::{Color, Modifier};
use trailhound::tui::action::{Action, Input};
use trailhound::tui::app::App;
use trailhound::tui::theme::{Slot, Theme};
use trailhound::tui::update::update;

const ADMIN_KEY: &str = "ASIASARAADMIN0000001";
const DEMO_KEY: &str = "ASIADEMOROLE10000001";

fn sample_app() -> Option<App> {
    let case = sample()?;
    let mut app = app_on_with_geo(&case, &case.join("geoip"));
    command(&mut app, "scope 2026-11-05T14:00:00Z..2026-11-05T15:00:00Z");
    Some(app)
}

fn tab(app: &mut App, name: &str) {
    for _ in 0..8 {
        if app.tab_name() == Some(name) {
            return;
        }
        act(app, Action::NextTab);
    }
    panic!("no tab {name}");
}

/// Every view at 120×40, and at 80×24 (a common terminal) from the same state.
macro_rules! snap {
    ($name:literal, $app:expr) => {
        insta::assert_snapshot!($name, screen($app));
        insta::assert_snapshot!(concat!($name, "_80x24"), screen_at($app, 80, 24));
    };
}

#[test]
fn snapshots_of_every_view() {
    let Some(mut app) = sample_app() else { return };
    snap!("findings", &mut app);
    command(&mut app, "finding 5ac5b1a1f0e2d3c4b5a6978877665544");
    snap!("finding_guardduty", &mut app);
    command(&mut app, "finding aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f");
    snap!("finding_access_analyzer", &mut app);

    command(&mut app, &format!("session {ADMIN_KEY}"));
    snap!("session_overview", &mut app);

    command(&mut app, &format!("session {DEMO_KEY}"));
    tab(&mut app, "New behaviour");
    snap!("session_new_behaviour", &mut app);
    tab(&mut app, "API volume");
    snap!("session_api_volume", &mut app);
    act(&mut app, Action::Drill);
    snap!("session_api_volume_api_ip_key", &mut app);
    act(&mut app, Action::Drill);
    snap!("session_api_volume_resource_ip_api", &mut app);
    tab(&mut app, "Events");
    snap!("session_events", &mut app);
    tab(&mut app, "Policy");
    snap!("session_policy", &mut app);
    // An action's event row pivots to its raw record; Esc comes back to the tab.
    select_row(&mut app, "2026-11-05T14:25:40Z RunInstances");
    act(&mut app, Action::Enter);
    assert!(
        matches!(app.spec(), trailhound::tui::spec::ViewSpec::Event(_)),
        "{:?}",
        app.spec()
    );
    act(&mut app, Action::Back);
    assert_eq!(app.tab_name(), Some("Policy"));
    tab(&mut app, "Events");
    filter(&mut app, "AccessDenied");
    act(&mut app, Action::Enter);
    snap!("event_detail", &mut app);

    command(&mut app, &format!("session {ADMIN_KEY}"));
    select_row(&mut app, "this session");
    act(&mut app, Action::Chain);
    snap!("chain", &mut app);

    command(&mut app, "role DemoRole1");
    snap!("role_profile", &mut app);
    command(&mut app, "ip 198.51.100.23");
    snap!("ip_profile", &mut app);
    command(&mut app, "account 111122223333");
    snap!("account_profile", &mut app);
    command(&mut app, "user sara");
    snap!("principal_profile", &mut app);
    command(&mut app, "key ASIADEMOROLE10000001");
    note(
        &mut app,
        "vendor-audit trust policy written by DemoRole1/sara at 14:40:09",
    );
    command(&mut app, "notes");
    snap!("notes", &mut app);

    act(&mut app, Action::Help);
    snap!("help", &mut app);
    act(&mut app, Action::Back);
    act(&mut app, Action::Command);
    for c in "session ASIA".chars() {
        update(&mut app, Input::Char(c));
    }
    update(&mut app, Input::Complete);
    snap!("command_completion", &mut app);
}

#[test]
fn at_80_columns_the_chain_still_names_who_is_behind_the_session() {
    let Some(mut app) = sample_app() else { return };
    command(&mut app, &format!("session {ADMIN_KEY}"));
    screen(&mut app);
    let small = screen_at(&app, 80, 24);
    // The chain table's rows (not the details panel above it) keep their principal column.
    let row = |relation: &str| {
        small
            .lines()
            .find(|l| l.starts_with(&format!("│{relation}")))
            .unwrap_or_else(|| panic!("no {relation} row:\n{small}"))
    };
    // The origin is the Identity Center user sara (samples/SCENARIO.md), the session her admin role.
    assert!(row("origin").contains("identity-center-user sar"), "{small}");
    assert!(row("▶ this").contains("AWSReservedSSO_Admin"), "{small}");
    assert!(row("started").contains("DemoRole1 / sara"), "{small}");
}

#[test]
fn the_status_line_names_the_open_case() {
    let Some(mut app) = sample_app() else { return };
    app.case_label = Some("case-0123456789abcdef".to_string());
    for (w, h) in [(120, 40), (80, 24)] {
        let s = screen_at(&app, w, h);
        let last = s.lines().last().unwrap_or_default();
        assert!(last.ends_with("case case-0123456789abcdef"), "{w}x{h}: {last}");
    }
    // Headless (no case), nothing is claimed.
    app.case_label = None;
    assert!(
        !screen_at(&app, 120, 40)
            .lines()
            .last()
            .unwrap_or_default()
            .contains(" case ")
    );
}

#[test]
fn user_agent_profile_of_the_outside_caller() {
    let Some(case) = sample() else { return };
    let mut app = app_on(&case);
    command(&mut app, "scope 2026-11-05T16:00:00Z..2026-11-05T17:00:00Z");
    act(&mut app, Action::Command);
    for c in "ip 203.0.113.77".chars() {
        update(&mut app, Input::Char(c));
    }
    update(&mut app, Input::Submit);
    select_row(&mut app, "python-requests/2.31.0");
    act(&mut app, Action::Enter);
    snap!("user_agent_profile", &mut app);
}

/// Cells whose text contains `needle` on the rendered screen, with their foreground colours.
fn fg_of(app: &mut App, theme: &Theme, needle: &str) -> Vec<Color> {
    let t = terminal(app, theme);
    let buf = t.backend().buffer();
    let mut out = Vec::new();
    for y in 0..buf.area.height {
        let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        if let Some(col) = row.find(needle) {
            let x = row[..col].chars().count() as u16;
            out.push(buf[(x, y)].fg);
        }
    }
    out
}

#[test]
fn colours_carry_link_confidence_and_failures() {
    let Some(mut app) = sample_app() else { return };
    let theme = Theme::default();
    command(&mut app, &format!("session {ADMIN_KEY}"));
    let strong = theme.style(Slot::EdgeStrong).fg.unwrap();
    let fgs = fg_of(&mut app, &theme, "exact access key");
    assert!(!fgs.is_empty() && fgs.iter().all(|c| *c == strong), "{fgs:?}");

    command(&mut app, &format!("session {DEMO_KEY}"));
    tab(&mut app, "Events");
    let err = theme.style(Slot::StatusError).fg.unwrap();
    assert_eq!(fg_of(&mut app, &theme, "AccessDenied"), vec![err]);

    // The outside account is the external-principal colour wherever the chain names it.
    command(&mut app, "session ASIAVENDORAUDIT00001");
    let ext = theme.style(Slot::PrincipalUnknown).fg.unwrap();
    let fgs = fg_of(&mut app, &theme, "caller in account 999988887777");
    assert!(fgs.contains(&ext), "{fgs:?}");
}

#[test]
fn no_color_draws_no_colour_but_keeps_the_selection_visible() {
    let Some(mut app) = sample_app() else { return };
    let theme = Theme::default().without_color();
    command(&mut app, &format!("session {DEMO_KEY}"));
    tab(&mut app, "Events");
    let t = terminal(&mut app, &theme);
    let buf = t.backend().buffer();
    let mut reversed_rows = std::collections::BTreeSet::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            assert!(
                matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset),
                "colour at {x},{y}: {:?}/{:?}",
                c.fg,
                c.bg
            );
            if c.modifier.contains(Modifier::REVERSED) && !c.symbol().trim().is_empty() {
                reversed_rows.insert(y);
            }
        }
    }
    assert!(
        reversed_rows.len() >= 2,
        "tab and selected row in reverse video: {reversed_rows:?}"
    );
}

#[test]
fn hostile_log_strings_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let hostile_ua = "aws-cli/2.0\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}exe.txt\u{200b}";
    let record = serde_json::json!({"Records": [{
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAHOSTILE", "arn": "arn:aws:iam::111122223333:user/eve\u{1b}[31m",
                         "accountId": "111122223333", "accessKeyId": "AKIAHOSTILE000000001", "userName": "eve\u{1b}[31m"},
        "eventTime": "2026-11-05T14:00:00Z", "eventSource": "s3.amazonaws.com", "eventName": "ListBuckets\u{9b}1m",
        "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.9", "userAgent": hostile_ua,
        "requestParameters": null, "responseElements": null, "eventID": "0d6bc0a4-8a3e-4b1c-9f3e-5a6b7c8d9e0f",
        "eventType": "AwsApiCall", "recipientAccountId": "111122223333"
    }]});
    std::fs::write(dir.path().join("t.json"), record.to_string()).unwrap();
    let mut app = app_on(dir.path());
    command(&mut app, "key AKIAHOSTILE000000001");
    tab(&mut app, "Events");
    let mut seen = screen(&mut app);
    act(&mut app, Action::Enter);
    seen.push_str(&screen(&mut app));
    assert!(seen.contains("ListBuckets"), "{seen}");
    assert!(seen.contains("exe.txt"), "the raw record is shown, defanged:\n{seen}");
    for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{200b}'] {
        assert!(!seen.contains(bad), "{bad:?} reached the screen:\n{seen}");
    }
}

#[test]
fn loading_shows_a_progress_gauge_and_the_ui_keeps_answering() {
    let mut app = App::new(trailhound::tui::keymap::Keymap::default());
    app.loading = Some(trailhound::core::ingest::Progress {
        files_done: 3,
        files_total: 10,
        bytes_done: 3_000_000,
        bytes_total: 10_000_000,
    });
    let s = screen(&mut app);
    assert!(s.contains("Loading") && s.contains("3/10 files"), "{s}");
    act(&mut app, Action::Help);
    assert!(screen(&mut app).contains("Keys (any key closes)"));
}

#[test]
fn map_colours_new_places_apart_from_known_ones() {
    let Some(case) = sample() else { return };
    let mut app = app_on_with_geo(&case, &case.join("geoip"));
    // 16:00–17:00: the outside account's calls from Frankfurt, new for the whole account.
    command(&mut app, "scope 2026-11-05T16:00:00Z..2026-11-05T17:00:00Z");
    command(&mut app, "account 111122223333");
    tab(&mut app, "New behaviour");
    let report = app.top().model.report.clone().expect("computed").expect("profile");
    assert!(
        report.new_geolocations.iter().any(|g| g.label.contains("Frankfurt")),
        "{:?}",
        report.new_geolocations
    );
    let theme = Theme::default();
    let new = theme.style(Slot::BehaviorNew).fg.unwrap();
    let fgs = fg_of(&mut app, &theme, "●NEW Frankfurt");
    assert_eq!(fgs, vec![new], "the new place's label is drawn in behavior.new");
    snap!("account_new_behaviour_vendor_hour", &mut app);
}
