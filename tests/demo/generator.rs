//! The demo generator: determinism, the committed sample never drifting from it, exact event counts, and the
//! session-linkage invariants the session graph relies on.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::support::demo_tree::{generate, new_key_of, records, s, sample, tree};
use serde_json::Value;
use trailhound::demo;

#[test]
fn committed_sample_is_exactly_what_the_generator_writes() {
    let committed = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case"));
    let fresh = generate(demo::DEFAULT_SEED, demo::DEFAULT_EVENTS);
    let (a, b) = (tree(committed), tree(fresh.path()));
    let only_committed: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).take(5).collect();
    let only_fresh: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).take(5).collect();
    assert!(
        only_committed.is_empty() && only_fresh.is_empty(),
        "samples/case drifted from the generator; regenerate it (see samples/README.md).\nonly committed: {only_committed:?}\nonly generated: {only_fresh:?}"
    );
    let differing: Vec<_> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .take(5)
        .collect();
    assert!(
        differing.is_empty(),
        "samples/case files differ from the generator: {differing:?}"
    );
    let size: usize = a.values().map(Vec::len).sum();
    assert!(size <= 3_000_000, "the sample grew to {size} bytes (limit 3 MB)");
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = tree(generate(11, 3000).path());
    let b = tree(generate(11, 3000).path());
    assert!(a.len() > 20);
    assert_eq!(a, b);
    let c = tree(generate(12, 3000).path());
    assert_ne!(a, c);
}

#[test]
fn event_count_is_what_was_asked() {
    for (seed, n) in [(1, 1000), (5, 4321), (7, 20_000)] {
        let dir = generate(seed, n);
        let got = records(dir.path()).len();
        assert!(got.abs_diff(n) * 100 <= n, "asked {n}, got {got}");
    }
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        demo::generate(dir.path(), 7, 10, false),
        Err(demo::DemoError::TooFew { .. })
    ));
}

#[test]
fn refuses_to_mix_with_an_earlier_tree_unless_forced() {
    let dir = generate(2, 1000);
    assert!(matches!(
        demo::generate(dir.path(), 3, 1000, false),
        Err(demo::DemoError::Exists { .. })
    ));
    demo::generate(dir.path(), 2, 1000, true).unwrap();
    assert_eq!(tree(dir.path()), tree(generate(2, 1000).path()));
}

/// Every temporary key used to sign a call was issued by exactly one assumption (one action, counting the two
/// copies of a cross-account assumption once), and the call's session attributes match that assumption.
fn assert_keys_link(recs: &[Value]) {
    let mut issued: HashMap<&str, Vec<&Value>> = HashMap::new();
    for r in recs {
        let k = new_key_of(r);
        if !k.is_empty() {
            assert!(r.get("errorCode").is_none());
            issued.entry(k).or_default().push(r);
        }
    }
    for (k, v) in &issued {
        let actions: HashSet<_> = v
            .iter()
            .map(|r| r["sharedEventID"].as_str().unwrap_or(s(r, &["eventID"])))
            .collect();
        assert_eq!(actions.len(), 1, "key {k} issued by {} assumptions", actions.len());
    }
    let mut used = 0;
    for r in recs {
        let ui = &r["userIdentity"];
        let k = s(ui, &["accessKeyId"]);
        if k.is_empty() {
            continue;
        }
        if k.starts_with("AKIA") {
            assert_eq!(s(ui, &["type"]), "IAMUser");
            continue;
        }
        used += 1;
        let a = issued
            .get(k)
            .unwrap_or_else(|| panic!("key {k} used by {} but never issued", s(r, &["eventName"])))[0];
        assert_eq!(
            s(ui, &["sessionContext", "attributes", "creationDate"]),
            s(a, &["eventTime"]),
            "{k}"
        );
        assert_eq!(
            s(ui, &["principalId"]),
            s(a, &["responseElements", "assumedRoleUser", "assumedRoleId"]),
            "{k}"
        );
        assert_eq!(
            s(ui, &["arn"]),
            s(a, &["responseElements", "assumedRoleUser", "arn"]),
            "{k}"
        );
        assert!(
            s(r, &["eventTime"]) >= s(a, &["eventTime"]),
            "{k} used before it was issued"
        );
        assert_eq!(
            ui["sessionContext"]["sourceIdentity"].as_str(),
            a["responseElements"]["sourceIdentity"].as_str(),
            "{k}"
        );
    }
    assert!(used > 100);
}

#[test]
fn every_session_key_links_to_exactly_one_assumption() {
    assert_keys_link(&sample());
    assert_keys_link(&records(generate(3, 1000).path()));
}

#[test]
fn records_are_complete_and_varied() {
    let recs = sample();
    let mut ids = HashSet::new();
    for r in &recs {
        for f in [
            "eventVersion",
            "eventTime",
            "eventSource",
            "eventName",
            "awsRegion",
            "sourceIPAddress",
            "userAgent",
            "eventID",
            "eventType",
            "recipientAccountId",
            "eventCategory",
        ] {
            assert!(r[f].is_string(), "{f} missing in {r}");
        }
        assert!(r["readOnly"].is_boolean() && r["managementEvent"].is_boolean());
        assert_eq!(s(r, &["eventVersion"]), "1.09");
        assert!(ids.insert(s(r, &["eventID"]).to_string()), "duplicate eventID");
        let id = s(r, &["eventID"]);
        assert!(
            id.len() == 36
                && id
                    .chars()
                    .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_lowercase())
        );
        if r.get("errorCode").is_some() {
            assert!(r["errorMessage"].is_string());
            assert!(
                r["responseElements"].is_null(),
                "failed call with responseElements: {r}"
            );
        }
        if s(r, &["eventSource"]) == "sts.amazonaws.com" && s(r, &["eventName"]).starts_with("AssumeRole") {
            assert!(r["resources"].is_array());
        }
    }
    let errors = recs.iter().filter(|r| r.get("errorCode").is_some()).count();
    assert!(
        (1..=5).contains(&(errors * 100 / recs.len())),
        "error share {errors}/{}",
        recs.len()
    );
    let denied = recs
        .iter()
        .filter(|r| s(r, &["eventName"]) == "AssumeRole" && s(r, &["errorCode"]) == "AccessDenied")
        .count();
    assert!((3..=20).contains(&denied), "failed AssumeRole attempts: {denied}");
    let count = |name: &str| recs.iter().filter(|r| s(r, &["eventName"]) == name).count();
    for name in [
        "ConsoleLogin",
        "SwitchRole",
        "UserAuthentication",
        "CredentialChallenge",
        "AssumeRoleWithWebIdentity",
        "RotateKey",
    ] {
        assert!(count(name) > 0, "no {name} records");
    }
    assert!(recs.iter().any(|r| s(r, &["eventType"]) == "AwsServiceEvent"));
    assert!(recs.iter().any(|r| s(r, &["userIdentity", "type"]) == "AWSService"
        && s(r, &["userIdentity", "invokedBy"]) == "ec2.amazonaws.com"));
    let li = recs
        .iter()
        .filter(|r| s(r, &["userIdentity", "accessKeyId"]) == "AKIALIEXAMPLE0000001")
        .count();
    assert!(li > 10);
    let regions: HashSet<_> = recs.iter().map(|r| s(r, &["awsRegion"])).collect();
    assert_eq!(regions.len(), 3);
    let ro = recs.iter().filter(|r| r["readOnly"] == Value::Bool(true)).count();
    assert!(ro > recs.len() / 5 && ro < recs.len() * 4 / 5);
}
