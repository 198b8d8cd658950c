//! The demo generator: determinism, the committed sample never drifting from it, the scenario's exact facts,
//! and the session-linkage invariants the session graph relies on.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use trailhound::demo;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Relative path → bytes of every file in a tree.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = Vec::new();
    files_under(dir, &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

/// All CloudTrail records of a generated tree (digest files excluded).
fn records(dir: &Path) -> Vec<Value> {
    let mut all = Vec::new();
    for (rel, bytes) in tree(dir) {
        if !rel.starts_with("AWSLogs/") || rel.contains("CloudTrail-Digest/") {
            continue;
        }
        assert!(rel.ends_with(".json.gz"), "unexpected file {rel}");
        let v: Value = serde_json::from_slice(&gunzip(&bytes)).unwrap();
        let recs = v["Records"].as_array().unwrap_or_else(|| panic!("{rel}: no Records"));
        all.extend(recs.iter().cloned());
    }
    all
}

fn generate(seed: u64, events: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    demo::generate(dir.path(), seed, events, false).unwrap();
    dir
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().unwrap_or("")
}

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

fn sample() -> Vec<Value> {
    records(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case")))
}

fn one<'a>(recs: &'a [Value], what: &str, pred: impl Fn(&Value) -> bool) -> &'a Value {
    let found: Vec<_> = recs.iter().filter(|r| pred(r)).collect();
    assert_eq!(found.len(), 1, "expected exactly one {what}, found {}", found.len());
    found[0]
}

#[test]
fn scenario_facts_are_in_the_sample() {
    let recs = sample();
    let new_key = |r: &Value| s(r, &["responseElements", "credentials", "accessKeyId"]).to_string();
    let key = |r: &Value| s(r, &["userIdentity", "accessKeyId"]).to_string();

    let saml = one(&recs, "incident SAML assumption", |r| {
        new_key(r) == "ASIASARAADMIN0000001"
    });
    assert_eq!(s(saml, &["eventName"]), "AssumeRoleWithSAML");
    assert_eq!(s(saml, &["eventTime"]), "2026-11-05T14:05:12Z");
    assert_eq!(s(saml, &["sourceIPAddress"]), "198.51.100.23");
    assert_eq!(s(saml, &["userIdentity", "type"]), "SAMLUser");
    assert_eq!(
        s(saml, &["requestParameters", "roleArn"]),
        "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef"
    );
    assert_eq!(
        s(saml, &["requestParameters", "principalArn"]),
        "arn:aws:iam::111122223333:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE"
    );
    assert_eq!(s(saml, &["requestParameters", "roleSessionName"]), "sara");
    assert_eq!(
        s(saml, &["responseElements", "assumedRoleUser", "assumedRoleId"]),
        "AROAADMINSSOEXAMPLE01:sara"
    );

    let stop = one(&recs, "StopLogging", |r| s(r, &["eventName"]) == "StopLogging");
    assert_eq!(s(stop, &["eventTime"]), "2026-11-05T14:12:07Z");
    assert_eq!(key(stop), "ASIASARAADMIN0000001");
    assert_eq!(s(stop, &["userIdentity", "principalId"]), "AROAADMINSSOEXAMPLE01:sara");
    assert_eq!(
        s(stop, &["requestParameters", "name"]),
        "arn:aws:cloudtrail:us-east-1:111122223333:trail/demo-trail-2"
    );
    assert!(stop.get("errorCode").is_none());

    let hop = one(&recs, "DemoRole1 incident assumption", |r| {
        new_key(r) == "ASIADEMOROLE10000001"
    });
    assert_eq!(s(hop, &["eventName"]), "AssumeRole");
    assert_eq!(s(hop, &["eventTime"]), "2026-11-05T14:20:31Z");
    assert_eq!(key(hop), "ASIASARAADMIN0000001");
    assert_eq!(
        s(hop, &["requestParameters", "roleArn"]),
        "arn:aws:iam::111122223333:role/DemoRole1"
    );
    assert_eq!(
        s(hop, &["responseElements", "assumedRoleUser", "assumedRoleId"]),
        "AROADEMOROLE1EXAMPLE:sara"
    );
    assert!(hop["requestParameters"].get("sourceIdentity").is_none());

    let by_demo: Vec<_> = recs.iter().filter(|r| key(r) == "ASIADEMOROLE10000001").collect();
    let names: Vec<_> = by_demo
        .iter()
        .map(|r| (s(r, &["eventTime"]), s(r, &["eventName"])))
        .collect();
    assert!(names.contains(&("2026-11-05T14:25:40Z", "RunInstances")), "{names:?}");
    let run = by_demo.iter().find(|r| s(r, &["eventName"]) == "RunInstances").unwrap();
    assert_eq!(s(run, &["requestParameters", "instanceType"]), "t3.xlarge");
    let attach: Vec<_> = by_demo
        .iter()
        .filter(|r| s(r, &["eventName"]) == "AttachRolePolicy")
        .collect();
    assert_eq!(attach.len(), 2);
    let denied = attach
        .iter()
        .find(|r| s(r, &["eventTime"]) == "2026-11-05T14:31:02Z")
        .unwrap();
    assert_eq!(s(denied, &["errorCode"]), "AccessDenied");
    assert_eq!(s(denied, &["requestParameters", "roleName"]), "DemoRole1");
    assert_eq!(
        s(denied, &["requestParameters", "policyArn"]),
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    assert!(denied["responseElements"].is_null());
    let allowed = attach
        .iter()
        .find(|r| s(r, &["eventTime"]) == "2026-11-05T14:33:15Z")
        .unwrap();
    assert!(allowed.get("errorCode").is_none());
    assert_eq!(s(allowed, &["requestParameters", "roleName"]), "vendor-audit");
    assert_eq!(
        s(allowed, &["requestParameters", "policyArn"]),
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );
    let trust = by_demo
        .iter()
        .find(|r| s(r, &["eventName"]) == "UpdateAssumeRolePolicy")
        .unwrap();
    assert_eq!(s(trust, &["eventTime"]), "2026-11-05T14:40:09Z");
    assert!(s(trust, &["requestParameters", "policyDocument"]).contains("arn:aws:iam::999988887777:root"));
    assert!(names.contains(&("2026-11-05T14:48:53Z", "DescribeInstances")));

    // The vendor's assumption exists once, only in the role owner's logs, caller shown as AWSAccount.
    let vendor = one(&recs, "vendor assumption", |r| new_key(r) == "ASIAVENDORAUDIT00001");
    assert_eq!(s(vendor, &["eventTime"]), "2026-11-05T16:02:44Z");
    assert_eq!(s(vendor, &["userIdentity", "type"]), "AWSAccount");
    assert_eq!(s(vendor, &["userIdentity", "accountId"]), "999988887777");
    assert_eq!(s(vendor, &["userIdentity", "principalId"]), "AIDAVENDOREXAMPLE0001");
    assert_eq!(s(vendor, &["recipientAccountId"]), "111122223333");
    assert_eq!(s(vendor, &["sourceIPAddress"]), "203.0.113.77");
    let vendor_calls: Vec<_> = recs.iter().filter(|r| key(r) == "ASIAVENDORAUDIT00001").collect();
    let gets = vendor_calls
        .iter()
        .filter(|r| s(r, &["eventName"]) == "GetObject")
        .count();
    assert_eq!(gets, 40);
    assert!(
        vendor_calls
            .iter()
            .all(|r| s(r, &["sourceIPAddress"]) == "203.0.113.77")
    );
    let list_roles = vendor_calls
        .iter()
        .find(|r| s(r, &["eventName"]) == "ListRoles")
        .unwrap();
    assert_eq!(s(list_roles, &["userAgent"]), "python-requests/2.31.0");
    // 203.0.113.0/24 (Frankfurt) is used by nobody else in the organisation.
    let others = recs
        .iter()
        .filter(|r| {
            s(r, &["sourceIPAddress"]).starts_with("203.0.113.")
                && key(r) != "ASIAVENDORAUDIT00001"
                && new_key(r) != "ASIAVENDORAUDIT00001"
        })
        .count();
    assert_eq!(others, 0);
}

#[test]
fn sara_demo_role_baseline_only_describes_instances() {
    let recs = sample();
    let demo_sara: Vec<_> = recs
        .iter()
        .filter(|r| {
            s(r, &["userIdentity", "principalId"]) == "AROADEMOROLE1EXAMPLE:sara" && s(r, &["eventTime"]) < "2026-11-05"
        })
        .collect();
    assert!(
        demo_sara.len() >= 8,
        "sara should hop into DemoRole1 about twice a week, found {} calls",
        demo_sara.len()
    );
    assert!(demo_sara.iter().all(|r| s(r, &["eventName"]) == "DescribeInstances"));
    let days: HashSet<_> = demo_sara.iter().map(|r| &s(r, &["eventTime"])[..10]).collect();
    assert!(days.len() >= 8);
}

#[test]
fn cross_account_assumptions_are_logged_in_both_accounts() {
    let recs = sample();
    let mut by_shared: HashMap<&str, Vec<&Value>> = HashMap::new();
    for r in recs.iter().filter(|r| s(r, &["eventName"]) == "AssumeRole") {
        if let Some(id) = r["sharedEventID"].as_str() {
            by_shared.entry(id).or_default().push(r);
        }
    }
    let pairs: Vec<_> = by_shared.values().filter(|v| v.len() == 2).collect();
    assert!(
        pairs.len() >= 20,
        "expected CI cross-account pairs, found {}",
        pairs.len()
    );
    for pair in pairs {
        let (a, b) = (pair[0], pair[1]);
        let (caller, owner) = if s(a, &["userIdentity", "type"]) == "AWSAccount" {
            (b, a)
        } else {
            (a, b)
        };
        assert_eq!(s(caller, &["userIdentity", "type"]), "AssumedRole");
        assert_eq!(s(owner, &["userIdentity", "type"]), "AWSAccount");
        assert_ne!(s(a, &["eventID"]), s(b, &["eventID"]));
        assert_eq!(s(a, &["requestID"]), s(b, &["requestID"]));
        assert_eq!(s(caller, &["recipientAccountId"]), "777788889999");
        assert_eq!(
            s(owner, &["recipientAccountId"]),
            s(owner, &["responseElements", "assumedRoleUser", "arn"])
                .split(':')
                .nth(4)
                .unwrap()
        );
        assert_eq!(
            s(owner, &["userIdentity", "principalId"]),
            s(caller, &["userIdentity", "principalId"])
        );
        assert_eq!(
            s(owner, &["userIdentity", "accountId"]),
            s(caller, &["userIdentity", "accountId"])
        );
        assert_eq!(new_key_of(a), new_key_of(b));
        assert_eq!(
            s(a, &["requestParameters", "sourceIdentity"]),
            "repo:example/shop:ref:refs/heads/main"
        );
    }
}

fn new_key_of(r: &Value) -> &str {
    s(r, &["responseElements", "credentials", "accessKeyId"])
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

#[test]
fn findings_and_digests_parse() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case"));
    let gd: Value = serde_json::from_slice(&std::fs::read(root.join("findings/guardduty.json")).unwrap()).unwrap();
    let f = gd["findings"].as_array().unwrap();
    let stop = f.iter().find(|x| s(x, &["id"]) == demo::STOP_LOGGING_FINDING).unwrap();
    assert_eq!(s(stop, &["type"]), "Stealth:IAMUser/CloudTrailLoggingDisabled");
    assert_eq!(stop["severity"].as_f64(), Some(2.0));
    assert_eq!(
        s(stop, &["resource", "accessKeyDetails", "accessKeyId"]),
        "ASIASARAADMIN0000001"
    );
    assert_eq!(
        s(stop, &["resource", "accessKeyDetails", "principalId"]),
        "AROAADMINSSOEXAMPLE01:sara"
    );
    assert_eq!(s(stop, &["service", "eventFirstSeen"]), "2026-11-05T14:12:07.000Z");
    assert_eq!(s(stop, &["service", "eventLastSeen"]), "2026-11-05T14:48:53.000Z");
    assert_eq!(
        s(
            stop,
            &[
                "service",
                "action",
                "awsApiCallAction",
                "remoteIpDetails",
                "ipAddressV4"
            ]
        ),
        "198.51.100.23"
    );
    assert!(f.iter().any(|x| s(x, &["type"]) == "Recon:IAMUser/MaliciousIPCaller"));
    assert!(f.len() >= 4);

    let aa: Value =
        serde_json::from_slice(&std::fs::read(root.join("findings/access-analyzer.json")).unwrap()).unwrap();
    let a = aa["findings"].as_array().unwrap();
    let vendor = a.iter().find(|x| s(x, &["id"]) == demo::VENDOR_AA_FINDING).unwrap();
    assert_eq!(s(vendor, &["resource"]), "arn:aws:iam::111122223333:role/vendor-audit");
    assert_eq!(s(vendor, &["principal", "AWS"]), "999988887777");
    assert_eq!(s(vendor, &["status"]), "ACTIVE");
    assert_eq!(s(vendor, &["createdAt"]), "2026-11-05T14:41:30Z");
    assert!(a.iter().any(|x| s(x, &["status"]) == "ARCHIVED"));

    let digests: Vec<_> = tree(root)
        .into_iter()
        .filter(|(k, _)| k.contains("/CloudTrail-Digest/"))
        .collect();
    assert!(digests.len() >= 3);
    for (rel, bytes) in digests {
        let d: Value = serde_json::from_slice(&gunzip(&bytes)).unwrap();
        assert!(d["digestStartTime"].is_string() && d["logFiles"].is_array(), "{rel}");
        for lf in d["logFiles"].as_array().unwrap() {
            assert!(root.join(s(lf, &["s3Object"])).is_file(), "{rel} lists a missing file");
        }
    }
}
