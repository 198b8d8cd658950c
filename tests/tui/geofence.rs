//! The geo-fence view on the hand-written scenario of `tests/data/geofence` (story in its `make.py`): reached by
//! `:geofence` and from a profile's overview, kept in the scope, pivoting to the session; the map marks the places
//! outside the fence in `severity.critical`; snapshots at 120×40 and 80×24.

use crate::harness::*;
use crate::support::hostile::{HS, raw_hazard};
use std::path::PathBuf;
use std::sync::Arc;
use trailhound::core::policy::fence::{Fence, Standing};
use trailhound::tui::action::Action;
use trailhound::tui::app::App;
use trailhound::tui::spec::ViewSpec;
use trailhound::tui::theme::{Slot, Theme};

const GEOIP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case/geoip");

fn trail() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/geofence/trail.json"))
}

fn app() -> App {
    app_on_with_geo(&trail(), std::path::Path::new(GEOIP))
}

fn report(app: &App) -> trailhound::core::policy::fence::GeofenceReport {
    match app.top().model.geofence.as_deref() {
        Some(Ok(r)) => r.clone(),
        other => panic!("no review: {other:?}"),
    }
}

#[test]
fn command_word_opens_the_review_and_enter_pivots_to_the_session() {
    let mut app = app();
    command(&mut app, "geofence US 192.0.2.0/24");
    assert_eq!(
        app.spec(),
        &ViewSpec::Geofence {
            fence: Some("countries=US cidrs=192.0.2.0/24".into()),
            profile: None
        }
    );
    let r = report(&app);
    assert_eq!(
        (
            r.totals.allowed_outside,
            r.totals.denied_outside,
            r.totals.unknown,
            r.totals.on_behalf
        ),
        (3, 3, 2, 1)
    );
    insta::assert_snapshot!("geofence_view", screen(&mut app));
    insta::assert_snapshot!("geofence_view_80x24", screen_at(&app, 80, 24));
    // The map labels Frankfurt, where calls were let through, in the critical colour.
    let theme = Theme::default();
    let critical = theme.style(Slot::SeverityCritical).bg.unwrap();
    let t = terminal(&mut app, &theme);
    let buf = t.backend().buffer();
    let found = (0..buf.area.height).any(|y| {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        line.find("●OUT Frankfurt").is_some_and(|i| {
            let x = line[..i].chars().count() as u16;
            buf[(x, y)].bg == critical
        })
    });
    assert!(found, "●OUT Frankfurt in severity.critical (its background)");
    select_row(&mut app, "203.0.113.66");
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session("ASIAOPSSARA000000001".into()));
}

#[test]
fn the_review_keeps_the_scope() {
    let mut app = app();
    command(&mut app, "scope 2026-11-05T10:00:00Z..2026-11-05T12:00:00Z");
    command(&mut app, "geofence US");
    let r = report(&app);
    let labels: Vec<&str> = r.principals.iter().map(|p| p.principal.label.as_str()).collect();
    assert_eq!(labels, ["iam-user li", "iam-user kim"]);
    assert_eq!(r.totals.covered, 5);
}

#[test]
fn from_a_profile_overview_with_the_command_line_fence() {
    let mut app = app();
    app.fence = Some(Arc::new(
        Fence::from_flags(&["US".into()], &["192.0.2.0/24".into()], &[]).unwrap(),
    ));
    command(&mut app, "user arn:aws:iam::111122223333:user/li");
    select_row(&mut app, "geo-fence");
    act(&mut app, Action::Enter);
    assert!(
        matches!(
            app.spec(),
            ViewSpec::Geofence {
                fence: None,
                profile: Some(_)
            }
        ),
        "{:?}",
        app.spec()
    );
    let r = report(&app);
    assert_eq!(r.principals.len(), 1);
    assert_eq!(r.principals[0].principal.label, "iam-user li");
    assert!(
        r.principals[0]
            .sources
            .iter()
            .all(|s| s.standing == Standing::Outside && s.allowed == 0)
    );
    // `:geofence` typed on a profile narrows to it too.
    act(&mut app, Action::Back);
    command(&mut app, "geofence");
    assert_eq!(report(&app).principals.len(), 1);
}

#[test]
fn without_a_fence_the_view_says_how_to_give_one_and_a_bad_one_is_refused() {
    let mut app = app();
    command(&mut app, "geofence");
    assert!(screen(&mut app).contains("no fence: start trailhound with"));
    act(&mut app, Action::Back);
    let before = app.spec().clone();
    command(&mut app, "geofence USA");
    assert_eq!(app.spec(), &before);
    let (_, msg) = app.status.clone().expect("status");
    assert!(msg.contains("neither a country code"), "{msg}");
}

#[test]
fn hostile_addresses_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(trail()).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for r in v["Records"].as_array_mut().unwrap() {
        r["sourceIPAddress"] = serde_json::Value::String(format!("{}{HS}", r["sourceIPAddress"].as_str().unwrap()));
    }
    let path = dir.path().join("trail.json");
    std::fs::write(&path, serde_json::to_string(&v).unwrap()).unwrap();
    let mut app = app_on_with_geo(&path, std::path::Path::new(GEOIP));
    command(&mut app, "geofence US");
    let r = report(&app);
    assert!(r.totals.unknown > 0, "hostile addresses are not addresses: unknown");
    for (w, h) in [(120, 40), (80, 24)] {
        let s = screen_at(&app, w, h);
        assert!(!s.chars().any(raw_hazard), "{s}");
        assert!(!s.lines().any(|l| l.trim_start().starts_with("FAKE")), "{s}");
    }
}

/// With a command-line fence, the New behaviour tab's map marks the places outside it in `severity.critical`:
/// in the sample case (samples/SCENARIO.md) the outside account's calls from Frankfurt at 16:00–17:00 are new for
/// the account and outside a US fence; the US places keep their colours.
#[test]
fn the_behaviour_map_marks_places_outside_the_fence() {
    let Some(case) = sample() else { return };
    let mut app = app_on_with_geo(&case, &case.join("geoip"));
    app.fence = Some(Arc::new(Fence::from_flags(&["US".into()], &[], &[]).unwrap()));
    command(&mut app, "scope 2026-11-05T16:00:00Z..2026-11-05T17:00:00Z");
    command(&mut app, "account 111122223333");
    for _ in 0..8 {
        if app.tab_name() == Some("New behaviour") {
            break;
        }
        act(&mut app, Action::NextTab);
    }
    assert_eq!(app.tab_name(), Some("New behaviour"));
    let outside = app.top().model.outside_places.clone();
    assert!(
        !outside.is_empty() && outside.iter().all(|l| l.contains("Germany")),
        "{outside:?}"
    );
    let theme = Theme::default();
    let critical = theme.style(Slot::SeverityCritical).bg.unwrap();
    let t = terminal(&mut app, &theme);
    let buf = t.backend().buffer();
    let mut seen = Vec::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
        let mut from = 0;
        while let Some(i) = line[from..].find('●').map(|i| i + from) {
            let label: String = line[i..].chars().take(16).collect();
            seen.push((label, buf[(line[..i].chars().count() as u16, y)].bg));
            from = i + '●'.len_utf8();
        }
    }
    assert!(
        seen.iter()
            .any(|(l, fg)| l.starts_with("●OUT Frankfurt") && *fg == critical),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|(l, fg)| !l.starts_with("●OUT") && *fg != critical),
        "{seen:?}"
    );
    assert!(
        seen.iter().all(|(l, fg)| l.starts_with("●OUT") || *fg != critical),
        "{seen:?}"
    );
}
