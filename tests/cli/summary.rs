//! `trailhound summary`: the day summary end to end. The sample case's incident day against its story
//! (samples/SCENARIO.md, src/demo/story.rs, src/demo/findings.rs) with every expectation written from the story,
//! then the golden JSON; impossible travel, instance credentials used from outside AWS and denied bursts on
//! hand-written data whose stories are told next to them.

use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/behavior");

fn run_in(dir: &str, args: &[&str], geoip: Option<&std::path::Path>) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(dir)
        .env_remove("TRAILHOUND_GEOIP")
        .env_remove("TRAILHOUND_CASE")
        .env("XDG_CONFIG_HOME", "/nonexistent/trailhound-test-config");
    if let Some(g) = geoip {
        c.env("TRAILHOUND_GEOIP", g);
    }
    c.output().expect("run trailhound")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn demo_geoip() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    trailhound::demo::geoip::write_demo_geoip(dir.path()).unwrap();
    dir
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["principal"]["label"].as_str().unwrap().to_string())
        .collect()
}

fn find<'a>(rows: &'a Value, label: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["principal"]["label"] == label)
        .unwrap_or_else(|| panic!("no row for {label} in {rows}"))
}

const VENDOR: &str = "vendor-audit / audit";
const SARA_ADMIN: &str = "AWSReservedSSO_AdministratorAccess_0123456789abcdef / sara";
const SARA_DEMO: &str = "DemoRole1 / sara";

/// 2026-11-05, the incident day, from the story:
/// - findings that day: GuardDuty `Stealth:IAMUser/CloudTrailLoggingDisabled` (5ac5…, severity 2.0, Low, sara's
///   AdministratorAccess key), GuardDuty `Recon:IAMUser/MaliciousIPCaller` (8ec5…, 5.0, Medium, the vendor's key
///   `ASIAVENDORAUDIT00001` calling ListRoles) and the Access Analyzer `ExternalAccess` on role vendor-audit
///   (aa-7f3e…, which trailhound rates Medium 5.0: an active external-access finding);
/// - the only place never seen before in the org is Frankfurt (203.0.113.77): the vendor account's AssumeRole
///   (1 call, signed by the outside account) and the vendor-audit session's ListBuckets + 40 GetObject + ListRoles
///   (42 calls);
/// - so vendor-audit / audit has the most indicators: Frankfurt and two findings (its key, its role); sara's
///   AdministratorAccess identity has one (the StopLogging finding names her key); DemoRole1 / sara has a single
///   AccessDenied — not a burst — and nothing new geographically (Bellevue is known): no row;
/// - nobody travels (every place of the day is a single-city day per person) and the EC2 instance calls only from
///   its private address: no impossible travel, no instance credentials outside AWS;
/// - vendor-audit was never used before the day: its 7-day sparkline is six zeros and 42.
#[test]
fn summary_of_the_incident_day_tells_the_story() {
    let root = env!("CARGO_MANIFEST_DIR");
    if !std::path::Path::new(root).join("samples/case/AWSLogs").is_dir() {
        eprintln!("skipping: sample case not generated");
        return;
    }
    let out = run_in(root, &["summary", "-i", "samples/case", "--json"], None);
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let v = json(&out);
    assert_eq!(v["day"], "2026-11-05", "the default is the last day loaded");
    assert_eq!(v["first_day"], "2026-09-14");
    assert_eq!(v["baseline"]["in_training"], false);

    let f = &v["findings"];
    assert_eq!(f["total"], 3);
    let ids: Vec<&str> = f["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f",
            "8ec5b1a2c3d4e5f60718293a4b5c6d7e",
            "5ac5b1a1f0e2d3c4b5a6978877665544"
        ],
        "highest severity first, then first seen (14:41:30 before 16:03)"
    );
    assert_eq!(f["by_severity"][0]["severity"], "Medium");
    assert_eq!(f["by_severity"][0]["count"], 2);
    assert_eq!(f["by_severity"][1]["severity"], "Low");
    assert_eq!(f["by_severity"][1]["count"], 1);

    let geo = v["new_geolocations"].as_array().unwrap();
    assert_eq!(geo.len(), 1, "{geo:?}");
    assert_eq!(geo[0]["country_code"], "DE");
    assert_eq!(geo[0]["addresses"][0], "203.0.113.77");
    assert_eq!(geo[0]["calls"], 43);
    assert_eq!(geo[0]["principals"][0]["principal"]["label"], VENDOR);
    assert_eq!(geo[0]["principals"][0]["calls"], 42);
    assert_eq!(geo[0]["principals"][1]["principal"]["origin_kind"], "aws-account");
    assert_eq!(geo[0]["principals"][1]["principal"]["account"], "999988887777");

    let ind = &v["principals_with_indicators"];
    assert_eq!(labels(ind)[0], VENDOR);
    let vendor = find(ind, VENDOR);
    assert_eq!(vendor["indicators"], 3);
    assert_eq!(vendor["principal"]["session"], "ASIAVENDORAUDIT00001");
    assert_eq!(
        vendor["principal"]["entity"],
        "identity:arn:aws:iam::111122223333:role/vendor-audit#audit"
    );
    let mut vf: Vec<&str> = vendor["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    vf.sort();
    assert_eq!(
        vf,
        [
            "8ec5b1a2c3d4e5f60718293a4b5c6d7e",
            "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f"
        ]
    );
    assert_eq!(vendor["new_geolocations"].as_array().unwrap().len(), 1);
    let sara = find(ind, SARA_ADMIN);
    assert_eq!(sara["findings"][0], "5ac5b1a1f0e2d3c4b5a6978877665544");
    assert_eq!(sara["principal"]["session"], "ASIASARAADMIN0000001");
    assert!(
        !labels(ind).contains(&SARA_DEMO.to_string()),
        "one denial is not a burst"
    );
    for r in ind.as_array().unwrap() {
        assert_eq!(r["impossible_travel"].as_array().unwrap().len(), 0, "{r}");
        assert_eq!(r["denied_bursts"].as_array().unwrap().len(), 0, "{r}");
    }
    assert_eq!(v["instance_credentials_outside_aws"].as_array().unwrap().len(), 0);

    let roles = v["top_roles"].as_array().unwrap();
    let va = roles
        .iter()
        .find(|r| r["role_arn"] == "arn:aws:iam::111122223333:role/vendor-audit")
        .expect("vendor-audit among the busiest roles");
    assert_eq!(va["calls"], 42);
    assert_eq!(va["daily"], serde_json::json!([0, 0, 0, 0, 0, 0, 42]));
    assert!(roles.iter().all(|r| r["daily"].as_array().unwrap().len() == 7));
    assert!(v["top_principals"].as_array().unwrap().len() <= 10);

    insta::assert_snapshot!("summary_sample", text);
}

#[test]
fn another_day_is_asked_by_date_and_moves_the_window() {
    let root = env!("CARGO_MANIFEST_DIR");
    if !std::path::Path::new(root).join("samples/case/AWSLogs").is_dir() {
        return;
    }
    let v = json(&run_in(
        root,
        &["summary", "-i", "samples/case", "--day", "2026-11-04", "--json"],
        None,
    ));
    assert_eq!(v["day"], "2026-11-04");
    assert_eq!(v["from"], "2026-11-04T00:00:00Z");
    assert_eq!(v["to"], "2026-11-05T00:00:00Z");
    // The vendor only appeared on the 5th; the StopLogging finding is the 5th's too.
    assert!(!labels(&v["top_principals"]).contains(&VENDOR.to_string()));
    assert!(v["new_geolocations"].as_array().unwrap().is_empty());
    let ids: Vec<&str> = v["findings"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"5ac5b1a1f0e2d3c4b5a6978877665544"));
}

/// tests/data/behavior/continents.json.gz (tests/data/behavior/make.py): mia reads in ReadOnly (111122223333) from
/// Bellevue at 14:05–14:10 on 2026-11-05 and her Admin permission set in 444455556666 is used from Frankfurt at
/// 14:35 — 8 170 km in 25 minutes. The trip is mia's, so it shows on everything she acted through that day: both
/// session identities and her own sign-ins as the Identity Center user; noah, who only ever works from Frankfurt,
/// travels nowhere.
#[test]
fn impossible_travel_shows_on_every_identity_of_the_traveller() {
    let geo = demo_geoip();
    let f = format!("{DATA}/continents.json.gz");
    let v = json(&run_in(
        DATA,
        &["summary", "-i", &f, "--day", "2026-11-05", "--json"],
        Some(geo.path()),
    ));
    let ind = &v["principals_with_indicators"];
    let travelling: Vec<String> = ind
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["impossible_travel"].as_array().unwrap().is_empty())
        .map(|r| r["principal"]["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(travelling.len(), 3, "{travelling:?}");
    assert_eq!(
        travelling.iter().filter(|l| l.ends_with(" / mia")).count(),
        2,
        "{travelling:?}"
    );
    assert!(
        travelling.contains(&"identity-center-user mia".to_string()),
        "{travelling:?}"
    );
    assert!(!travelling.iter().any(|l| l.contains("noah")), "{travelling:?}");
    let t = &ind[0]["impossible_travel"][0];
    assert_eq!(t["from_place"], "Bellevue, Washington, United States");
    assert_eq!(t["to_place"], "Frankfurt am Main, Hesse, Germany");
    // The first call from Frankfurt is her sign-in there at 14:35:00 (make.py: 14 h + 2 100 s).
    assert_eq!(t["at"], "2026-11-05T14:35:00Z");
}

/// tests/data/behavior/instance.json.gz: the EC2 instance's role credentials, always used from its Ashburn address
/// (AS64502) since 2026-10-01, are used on 2026-11-05 from 14:20 in Frankfurt (AS64503 "Example Hosting GmbH",
/// never seen before). Neither AS is Amazon's, so both addresses are outside AWS; Frankfurt is new for the
/// instance and listed first, Ashburn is its habitual address.
#[test]
fn instance_credentials_from_outside_aws_are_listed_new_address_first() {
    let geo = demo_geoip();
    let f = format!("{DATA}/instance.json.gz");
    let v = json(&run_in(
        DATA,
        &["summary", "-i", &f, "--day", "2026-11-05", "--json"],
        Some(geo.path()),
    ));
    let rows = v["instance_credentials_outside_aws"].as_array().unwrap();
    let first = &rows[0];
    assert_eq!(first["ip"], "203.0.113.77");
    assert_eq!(first["session"], "ASIAWEBAPP0000000143");
    assert_eq!(first["instance"], "i-0a1b2c3d4e5f60001");
    assert_eq!(first["network"], "outside-aws");
    assert_eq!(first["as_org"], "Example Hosting GmbH");
    assert_eq!(first["address_seen_before"], false);
    assert_eq!(first["first"], "2026-11-05T14:20:00Z");
    assert!(
        rows[1..]
            .iter()
            .all(|r| r["ip"] == "192.0.2.10" && r["address_seen_before"] == true),
        "{rows:?}"
    );
}

/// Hand-written: IAM user `probe` gets AccessDenied six times between 09:00 and 09:04 (a burst: at least 5 within
/// 10 minutes), then three more an hour apart (not a burst); IAM user `calm` gets five denials spread over five
/// hours and one throttling error (not a denial). Only probe has a burst, of six denials.
#[test]
fn a_denied_burst_is_five_denials_in_ten_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let mut recs = Vec::new();
    let user = |name: &str| {
        serde_json::json!({"type": "IAMUser", "principalId": format!("AIDA{}", name.to_uppercase()),
            "arn": format!("arn:aws:iam::111122223333:user/{name}"), "accountId": "111122223333",
            "accessKeyId": format!("AKIA{}EXAMPLE", name.to_uppercase()), "userName": name})
    };
    let rec = |n: usize, who: &str, t: &str, code: &str| {
        serde_json::json!({"eventVersion": "1.09", "userIdentity": user(who), "eventTime": t,
            "eventSource": "iam.amazonaws.com", "eventName": "ListUsers", "awsRegion": "us-east-1",
            "sourceIPAddress": "10.1.2.3", "userAgent": "aws-cli/2", "errorCode": code,
            "errorMessage": "no", "eventID": format!("00000000-0000-4000-8000-{n:012}"),
            "eventType": "AwsApiCall", "recipientAccountId": "111122223333"})
    };
    let mut n = 0;
    for (m, s) in [(0, 0), (0, 40), (1, 30), (2, 10), (3, 0), (4, 0)] {
        n += 1;
        recs.push(rec(
            n,
            "probe",
            &format!("2026-11-05T09:{m:02}:{s:02}Z"),
            "AccessDenied",
        ));
    }
    for h in [11, 12, 13] {
        n += 1;
        recs.push(rec(n, "probe", &format!("2026-11-05T{h}:00:00Z"), "AccessDenied"));
    }
    for h in [10, 11, 12, 13, 14] {
        n += 1;
        recs.push(rec(n, "calm", &format!("2026-11-05T{h}:30:00Z"), "AccessDenied"));
    }
    n += 1;
    recs.push(rec(n, "calm", "2026-11-05T14:31:00Z", "ThrottlingException"));
    let path = dir.path().join("trail.json");
    std::fs::write(
        &path,
        serde_json::to_vec(&serde_json::json!({"Records": recs})).unwrap(),
    )
    .unwrap();
    let v = json(&run_in(
        DATA,
        &["summary", "-i", path.to_str().unwrap(), "--json"],
        Some(dir.path()),
    ));
    let ind = v["principals_with_indicators"].as_array().unwrap();
    assert_eq!(ind.len(), 1, "{ind:?}");
    assert_eq!(
        ind[0]["principal"]["entity"],
        "principal:arn:aws:iam::111122223333:user/probe"
    );
    let b = &ind[0]["denied_bursts"];
    assert_eq!(b.as_array().unwrap().len(), 1);
    assert_eq!(b[0]["denials"], 6);
    assert_eq!(b[0]["first"], "2026-11-05T09:00:00Z");
    assert_eq!(b[0]["last"], "2026-11-05T09:04:00Z");
    assert_eq!(v["baseline"]["in_training"], true, "one day of data is no baseline");
}

#[test]
fn without_inputs_or_a_case_it_says_what_to_give() {
    let out = run_in(DATA, &["summary"], None);
    assert!(!out.status.success());
    // The shared input arguments: -i (--input) is required unless --case names a case.
    assert!(String::from_utf8_lossy(&out.stderr).contains("--input <INPUTS>"));
}
