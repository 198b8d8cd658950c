//! The Denied tab on the hand-written denial story (`tests/data/denied`): its panel and table at 120×40 and 80×24,
//! rows that pivot to the event, the resource and the session, the scope keeping calls out, and the event detail
//! view showing the explanation beside the raw record.

use crate::harness::*;
use std::path::Path;
use trailhound::tui::action::Action;
use trailhound::tui::app::App;
use trailhound::tui::spec::ViewSpec;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/denied/denials.json");
const ALICE: &str = "ASIAALICEDEV00000001";

fn denied_tab(app: &mut App) {
    for _ in 0..8 {
        if app.tab_name() == Some("Denied") {
            return;
        }
        act(app, Action::NextTab);
    }
    panic!("no Denied tab on {:?}", app.spec());
}

fn alice() -> App {
    let mut app = app_on(Path::new(DATA));
    command(&mut app, "scope 2026-11-05T10:00:00Z..2026-11-05T11:00:00Z");
    command(&mut app, &format!("session {ALICE}"));
    denied_tab(&mut app);
    app
}

#[test]
fn every_profile_view_has_a_denied_tab() {
    let mut app = app_on(Path::new(DATA));
    for c in [
        format!("session {ALICE}"),
        "role arn:aws:iam::111122223333:role/dev".to_string(),
        "account 111122223333".to_string(),
        "ip 198.51.100.23".to_string(),
        "user alice".to_string(),
    ] {
        command(&mut app, &c);
        denied_tab(&mut app);
    }
}

#[test]
fn the_denied_tab_of_a_session_at_both_sizes() {
    let mut app = alice();
    let s = screen(&mut app);
    assert!(
        s.contains("12 of 14 calls in scope (5 explicit, 4 implicit, 3 not stated)"),
        "{s}"
    );
    assert!(
        s.contains("7 denials 2026-11-05T10:01:00Z → 2026-11-05T10:07:00Z"),
        "{s}"
    );
    insta::assert_snapshot!("denied_tab", s);
    insta::assert_snapshot!("denied_tab_80x24", screen_at(&app, 80, 24));
}

#[test]
fn rows_pivot_to_the_event_the_resource_and_the_session() {
    // The role's tab: alice's and bob's denials, so a session row leads somewhere else than the view itself.
    let mut app = app_on(Path::new(DATA));
    command(&mut app, "scope 2026-11-05T10:00:00Z..2026-11-05T11:00:00Z");
    command(&mut app, "role arn:aws:iam::111122223333:role/dev");
    denied_tab(&mut app);
    let s = screen(&mut app);
    // Alice's 14 calls and bob's one (the AssumeRole is the user's); bob's 10:10 denial joins alice's burst, since
    // the role's denials are one sequence.
    assert!(s.contains("13 of 15 calls in scope"), "{s}");
    assert!(
        s.contains("8 denials 2026-11-05T10:01:00Z → 2026-11-05T10:10:00Z"),
        "{s}"
    );
    select_row(&mut app, "arn:aws:lambda:us-east-1:111122223333:function:exfil");
    act(&mut app, Action::Enter);
    assert_eq!(
        app.spec(),
        &ViewSpec::Resource("arn:aws:lambda:us-east-1:111122223333:function:exfil".into())
    );
    act(&mut app, Action::Back);
    screen(&mut app);
    select_row(&mut app, "ASIABOBDEV0000000001");
    act(&mut app, Action::Enter);
    assert_eq!(app.spec(), &ViewSpec::Session("ASIABOBDEV0000000001".into()));
    act(&mut app, Action::Back);
    screen(&mut app);
    select_row(&mut app, "lambda:CreateFunction · SCP");
    act(&mut app, Action::Enter);
    let ViewSpec::Event(i) = app.spec().clone() else {
        panic!("not an event: {:?}", app.spec());
    };
    let store = app.data.store();
    assert_eq!(store.s(store.events[i].event_name), "CreateFunction20150331");
    let s = screen(&mut app);
    assert!(s.contains("Why it was denied"), "{s}");
    assert!(s.contains("policy: SCP"), "{s}");
    assert!(
        s.contains("\"errorCode\": \"AccessDeniedException\""),
        "the raw record is beside it:\n{s}"
    );
    insta::assert_snapshot!("denied_event_detail", s);
    insta::assert_snapshot!("denied_event_detail_80x24", screen_at(&app, 80, 24));
}

#[test]
fn the_tab_keeps_to_the_scope() {
    let mut app = alice();
    // 10:00–10:10 holds the seven denials of the burst, not the later five.
    command(&mut app, "scope 2026-11-05T10:00:00Z..2026-11-05T10:10:00Z");
    let s = screen(&mut app);
    assert!(s.contains("7 of 7 calls in scope"), "{s}");
}
