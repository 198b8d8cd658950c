//! The session graph on the bundled sample case: one person is one origin, whatever record form names her.

use trailhound::core::graph::{OriginKind, SessionGraph, Signer};
use trailhound::core::ingest::load_paths;
use trailhound::core::time::Scope;

#[test]
fn sara_is_one_identity_center_origin_across_sign_in_federation_and_saml_records() {
    let store = load_paths(&[crate::support::sample_case()]);
    let g = SessionGraph::build(&store);
    let saras: Vec<u32> = (0..g.origins.len() as u32)
        .filter(|&o| store.strings.opt(g.origin(o).name) == Some("sara"))
        .collect();
    assert_eq!(
        saras.len(),
        1,
        "{:?}",
        saras.iter().map(|&o| g.origin_view(&store, o)).collect::<Vec<_>>()
    );
    let sara = saras[0];
    assert_eq!(g.origin(sara).kind, OriginKind::IdentityCenterUser);
    // Her sign-in steps are hers; her SSO sessions lead back to her.
    let names: std::collections::BTreeSet<&str> = g.origin_events[sara as usize]
        .iter()
        .map(|&i| store.s(store.events[i as usize].event_name))
        .collect();
    for n in ["UserAuthentication", "Federate", "AssumeRoleWithSAML"] {
        assert!(names.contains(n), "{n} missing from {names:?}");
    }
    let admin = g.session_by_key(&store, "ASIASARAADMIN0000001").unwrap();
    assert_eq!(g.origin_of(&store, admin).name.as_deref(), Some("sara"));
    assert_eq!(g.chain_of(admin).1, Some(sara));
}

#[test]
fn the_owner_copy_of_a_cross_account_call_is_signed_by_the_caller_but_not_counted_twice() {
    let store = load_paths(&[crate::support::sample_case()]);
    let g = SessionGraph::build(&store);
    let e = g
        .edges
        .iter()
        .find(|e| e.other_copy.is_some())
        .expect("a cross-account pair in the sample");
    let copy = e.other_copy.unwrap() as usize;
    let trailhound::core::graph::Caller::Session(caller) = e.caller else {
        panic!("CI hops are made by sessions")
    };
    assert_eq!(g.signer[copy], Signer::Session(caller));
    assert_eq!(g.signer[e.event as usize], Signer::Session(caller));
    let listed = g
        .session(caller)
        .events
        .iter()
        .filter(|&&i| i as usize == copy || i == e.event)
        .count();
    assert_eq!(listed, 1);
    let calls = g.calls(&store, caller, Scope::ALL);
    let assume = calls.iter().find(|c| c.event_name == "AssumeRole").unwrap();
    assert_eq!(assume.success as usize, g.session_children(caller).len());
}
