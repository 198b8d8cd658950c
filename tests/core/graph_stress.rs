//! The session graph under hostile shapes: a very deep chain, a cycle of keys (corrupt or replayed records),
//! self-assumption, and thousands of sessions of one role. Nothing may recurse without bound, loop, or panic.

use serde_json::{Value, json};
use trailhound::core::graph::{Found, OriginKind, SessionGraph};
use trailhound::core::ingest::load_paths;
use trailhound::core::time::{Scope, rfc3339};

const ACCT: &str = "111122223333";

fn caller_session(key: &str, role: &str, created: i64) -> Value {
    json!({"type": "AssumedRole", "principalId": format!("AROA{role}:s"), "accessKeyId": key,
           "arn": format!("arn:aws:sts::{ACCT}:assumed-role/{role}/s"), "accountId": ACCT,
           "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": format!("AROA{role}"),
               "arn": format!("arn:aws:iam::{ACCT}:role/{role}"), "accountId": ACCT, "userName": role},
               "attributes": {"creationDate": rfc3339(created), "mfaAuthenticated": "false"}}})
}

fn assume(n: usize, t: i64, caller: Value, role: &str, new_key: &str) -> Value {
    json!({"eventVersion": "1.09", "userIdentity": caller, "eventTime": rfc3339(t), "eventSource": "sts.amazonaws.com",
           "eventName": "AssumeRole", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.9",
           "userAgent": "aws-cli/2", "requestParameters": {"roleArn": format!("arn:aws:iam::{ACCT}:role/{role}"),
           "roleSessionName": "s"}, "responseElements": {"credentials": {"accessKeyId": new_key},
           "assumedRoleUser": {"assumedRoleId": format!("AROA{role}:s"),
           "arn": format!("arn:aws:sts::{ACCT}:assumed-role/{role}/s")}},
           "eventID": format!("00000000-0000-4000-8000-{n:012}"), "eventType": "AwsApiCall",
           "recipientAccountId": ACCT})
}

fn user() -> Value {
    json!({"type": "IAMUser", "principalId": "AIDAROOTOFCHAIN00001", "arn": format!("arn:aws:iam::{ACCT}:user/dana"),
           "accountId": ACCT, "userName": "dana", "accessKeyId": "AKIADANAEXAMPLE00001"})
}

fn load(records: Vec<Value>) -> (trailhound::core::model::Store, SessionGraph) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("trail.json");
    std::fs::write(&p, json!({"Records": records}).to_string()).unwrap();
    let store = load_paths(&[p]);
    assert_eq!(store.report.errors, vec![]);
    let g = SessionGraph::build(&store);
    (store, g)
}

fn key(i: usize) -> String {
    format!("ASIADEEP{i:012}")
}

#[test]
fn a_two_thousand_hop_chain_is_traced_without_recursion() {
    let t0 = 1_790_000_000;
    let hops = 2000;
    let mut recs = vec![assume(0, t0, user(), "R0", &key(0))];
    for i in 1..hops {
        let role = format!("R{}", i % 7);
        recs.push(assume(
            i,
            t0 + i as i64,
            caller_session(&key(i - 1), &format!("R{}", (i - 1) % 7), t0),
            &role,
            &key(i),
        ));
    }
    let (store, g) = load(recs);
    let last = g.session_by_key(&store, &key(hops - 1)).unwrap();
    let t = g.trace(&store, last, Scope::ALL);
    // The chain is capped (MAX_CHAIN_DEPTH) and says so; it never walks 2000 frames deep.
    assert_eq!(t.chain.len(), trailhound::core::graph::MAX_CHAIN_DEPTH);
    assert!(
        t.flags.iter().any(|f| f.contains("loops") || f.contains("deep")),
        "{:?}",
        t.flags
    );
    let first = g.session_by_key(&store, &key(0)).unwrap();
    let t = g.trace(&store, first, Scope::ALL);
    assert_eq!(t.origin.kind, OriginKind::IamUser);
    assert_eq!(
        t.children.len(),
        trailhound::core::graph::MAX_CHAIN_DEPTH,
        "descendants are capped too"
    );
}

#[test]
fn a_cycle_of_keys_terminates_and_is_flagged() {
    let t0 = 1_790_000_000;
    // A signs B's creation, B signs C's, C signs A's: impossible in real logs, possible in corrupt or spliced ones.
    let recs = vec![
        assume(
            1,
            t0,
            caller_session("ASIACYCLEA0000000001", "RA", t0),
            "RB",
            "ASIACYCLEB0000000001",
        ),
        assume(
            2,
            t0 + 1,
            caller_session("ASIACYCLEB0000000001", "RB", t0),
            "RC",
            "ASIACYCLEC0000000001",
        ),
        assume(
            3,
            t0 + 2,
            caller_session("ASIACYCLEC0000000001", "RC", t0),
            "RA",
            "ASIACYCLEA0000000001",
        ),
    ];
    let (store, g) = load(recs);
    for k in ["ASIACYCLEA0000000001", "ASIACYCLEB0000000001", "ASIACYCLEC0000000001"] {
        let Found::Sessions(v) = g.find(&store, k) else {
            panic!("{k}")
        };
        let t = g.trace(&store, v[0], Scope::ALL);
        assert!(t.chain.len() <= 3);
        assert!(t.children.len() <= 3);
        assert_eq!(t.origin.kind, OriginKind::Unknown, "a loop has no origin to name");
        assert!(t.flags.iter().any(|f| f.contains("loops back")), "{:?}", t.flags);
    }
}

#[test]
fn a_chained_call_logged_before_its_parents_assumption_stays_one_session() {
    // Account clocks disagree by two seconds: the hop made with K1 is logged before the assumption that issued K1.
    let t0 = 1_790_000_000;
    let recs = vec![
        assume(
            2,
            t0 - 2,
            caller_session("ASIASKEW000000000001", "First", t0),
            "Second",
            "ASIASKEW000000000002",
        ),
        assume(1, t0, user(), "First", "ASIASKEW000000000001"),
    ];
    let (store, g) = load(recs);
    let s2 = g.session_by_key(&store, "ASIASKEW000000000002").unwrap();
    let t = g.trace(&store, s2, Scope::ALL);
    assert_eq!(t.origin.name.as_deref(), Some("dana"), "{:?}", t.origin);
    assert_eq!(t.chain.len(), 2);
    assert_eq!(
        g.sessions.len(),
        2,
        "K1 is one session, not an observed copy plus a created one"
    );
}

#[test]
fn self_assumption_makes_a_new_session_of_the_same_role() {
    let t0 = 1_790_000_000;
    let recs = vec![
        assume(1, t0, user(), "Self", "ASIASELF000000000001"),
        assume(
            2,
            t0 + 60,
            caller_session("ASIASELF000000000001", "Self", t0),
            "Self",
            "ASIASELF000000000002",
        ),
    ];
    let (store, g) = load(recs);
    let s2 = g.session_by_key(&store, "ASIASELF000000000002").unwrap();
    let t = g.trace(&store, s2, Scope::ALL);
    assert_eq!(t.chain.len(), 2);
    assert_eq!(t.origin.name.as_deref(), Some("dana"));
    assert_eq!(g.sessions_of_role(&store, "Self").len(), 2);
}

#[test]
fn thousands_of_sessions_of_one_role() {
    let t0 = 1_790_000_000;
    let n = 5000;
    let recs: Vec<Value> = (0..n)
        .map(|i| assume(i, t0 + i as i64 * 60, user(), "Busy", &key(i)))
        .collect();
    let (store, g) = load(recs);
    let p = g.role_profile(&store, "Busy", Scope::ALL);
    assert_eq!(p.sessions.len(), n);
    assert_eq!(p.assumed_by.len(), 1);
    assert_eq!(p.assumed_by[0].count, n as u64);
    // The shared principal id names all of them: a look-up lists them instead of picking one.
    match g.find(&store, "AROABusy:s") {
        Found::Sessions(v) => assert_eq!(v.len(), n),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_assumption_record_without_a_caller_makes_a_session_with_an_unknown_creator() {
    let t0 = 1_790_000_000;
    let mut rec = assume(1, t0, Value::Null, "Redacted", "ASIAREDACTED00000001");
    rec.as_object_mut().unwrap().remove("userIdentity");
    let (store, g) = load(vec![rec]);
    let s = g.session_by_key(&store, "ASIAREDACTED00000001").unwrap();
    let t = g.trace(&store, s, Scope::ALL);
    assert_eq!(t.origin.kind, OriginKind::Unknown);
    assert!(
        t.origin.description.contains("names no caller"),
        "{}",
        t.origin.description
    );
    assert_eq!(t.chain.len(), 1);
    assert!(t.chain[0].assumed_at.is_some(), "the assumption itself is in the logs");
}
