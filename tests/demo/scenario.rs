//! The sample case holds the scenario's exact facts (samples/SCENARIO.md): sara's incident chain, the denied and
//! allowed policy writes, the vendor's assumption seen only as `AWSAccount`, cross-account copies, findings.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::support::demo_tree::{gunzip, new_key_of, one, s, sample, tree};
use serde_json::Value;
use trailhound::demo;

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
