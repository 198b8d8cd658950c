//! End-to-end runs of `trailhound findings` and `trailhound finding <ID>`: JSON schemas, filters, exit codes and
//! the reporting of bad findings (path, line or index, reason) on stderr.

use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
const GD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/guardduty-eventbridge.json");
const PIVOTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pivots");
const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realdata");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run trailhound")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn real_available() -> bool {
    let ok = std::path::Path::new(REAL).is_dir();
    if !ok {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "real data missing under CI");
        eprintln!("skipping: {REAL} missing");
    }
    ok
}

#[test]
fn findings_json_schema() {
    let v = json(&run(&["findings", "-i", GD, "--json"]));
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r["id"], "5ac5b1a1f0e2d3c4b5a6978877665544");
    assert_eq!(r["source"], "guardduty");
    assert_eq!(r["type"], "Stealth:IAMUser/CloudTrailLoggingDisabled");
    assert_eq!(r["severity"]["value"], 2.0);
    assert_eq!(r["severity"]["label"], "Low");
    assert_eq!(r["account"], "111122223333");
    assert_eq!(r["region"], "us-east-1");
    assert_eq!(r["first_seen"], "2026-11-05T14:12:07Z");
    assert_eq!(r["last_seen"], "2026-11-05T14:48:53Z");
    assert_eq!(r["resource"], "ASIASARAADMIN0000001");
    assert_eq!(r["scope"]["from"], "2026-11-05T14:00:00Z");
    assert_eq!(r["scope"]["to"], "2026-11-05T15:00:00Z");
    assert!(r["title"].as_str().unwrap().contains("demo-trail-2"));
}

#[test]
fn finding_detail_json() {
    let v = json(&run(&[
        "finding",
        "-i",
        DATA,
        "5ac5b1a1f0e2d3c4b5a6978877665544",
        "--json",
    ]));
    assert_eq!(v["type"], "Stealth:IAMUser/CloudTrailLoggingDisabled");
    assert_eq!(v["scope"]["from"], "2026-11-05T14:00:00Z");
    let ents: Vec<&str> = v["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["entity"].as_str().unwrap())
        .collect();
    assert!(ents.contains(&"session:ASIASARAADMIN0000001"), "{ents:?}");
    assert!(ents.contains(&"ip:198.51.100.23"));
    let ip = v["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entity"] == "ip:198.51.100.23")
        .unwrap();
    assert_eq!(ip["geo"]["city"], "Bellevue");
    assert_eq!(
        v["resource"]["access_key"]["principal_id"],
        "AROAADMINSSOEXAMPLE01:sara"
    );
    assert!(
        v.get("policy_changes").is_none(),
        "GuardDuty findings have no policy_changes"
    );
    // Text form too.
    let out = run(&["finding", "-i", GD, "5ac5b1a1f0e2d3c4b5a6978877665544"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("session:ASIASARAADMIN0000001") && text.contains("Bellevue"),
        "{text}"
    );
}

#[test]
fn filters_on_real_data() {
    if !real_available() {
        return;
    }
    let aa = format!("{REAL}/aws-cli-examples/accessanalyzer");
    let v = json(&run(&["findings", "-i", &aa, "--source", "access-analyzer", "--json"]));
    let mut ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    ids.sort();
    // get-finding and get-finding-v2 describe the same finding: listed once.
    assert_eq!(
        ids,
        [
            "0910eedb-381e-4e95-adda-0d25c19e6e90",
            "597f3bc2-3adc-4c18-9879-5c4b23485e46",
            "ce0e221a-85b9-4d52-91ff-d7678075442f"
        ]
    );
    let v = json(&run(&["findings", "-i", &aa, "--source", "guardduty", "--json"]));
    assert_eq!(v.as_array().unwrap().len(), 0);

    let panther = format!("{REAL}/panther-analysis/panther_guardduty_test_findings.jsonl");
    let v = json(&run(&["findings", "-i", &panther, "--min-severity", "high", "--json"]));
    let labels: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["severity"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Critical", "Critical", "High"]);
    let v = json(&run(&["findings", "-i", &panther, "--min-severity", "9", "--json"]));
    assert_eq!(v.as_array().unwrap().len(), 2);

    let out = run(&[
        "findings",
        "-i",
        &format!("{REAL}/aws-cli-examples/guardduty"),
        "--json",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("list-findings.output1.json [record 0]: skipped: GuardDuty list-findings output: 6 finding id(s)"),
        "{err}"
    );
}

#[test]
fn bad_findings_are_reported_with_place_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(format!("{DATA}/guardduty-eventbridge.json")).unwrap();
    let good: Value = serde_json::from_str(&good).unwrap();
    let mut no_id = good["detail"].clone();
    no_id.as_object_mut().unwrap().remove("id");
    let lines = format!(
        "{}\n{}\n{{\"id\": \"trunc\", \"type\": \"Recon:IAMUser/X\", \"sev\n",
        serde_json::to_string(&good).unwrap(),
        serde_json::to_string(&no_id).unwrap()
    );
    let p = dir.path().join("findings.jsonl");
    std::fs::write(&p, lines).unwrap();
    let out = run(&["findings", "-i", p.to_str().unwrap(), "--json"]);
    let v = json(&out);
    assert_eq!(v.as_array().unwrap().len(), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("findings.jsonl [record 1]: skipped: GuardDuty finding: no id"),
        "{err}"
    );
    assert!(
        err.contains("findings.jsonl [record 2]: skipped: invalid JSON"),
        "{err}"
    );

    let out = run(&["findings", "-i", "/nonexistent/trailhound-input", "--json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No such file or directory"));
    let out = run(&["finding", "-i", GD, "no-such-id"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no finding with id \"no-such-id\" among the 1 loaded"));
    let out = run(&["findings", "-i", GD, "--min-severity", "extreme"]);
    assert!(!out.status.success());
}

#[test]
fn access_analyzer_finding_with_its_evidence() {
    let v = json(&run(&[
        "finding",
        "-i",
        PIVOTS,
        "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f",
        "--json",
    ]));
    assert_eq!(v["source"], "access-analyzer");
    assert_eq!(v["access"]["principal"]["AWS"], "999988887777");
    let pc = v["policy_changes"].as_array().unwrap();
    assert_eq!(pc.len(), 2);
    let w = &pc[1];
    assert_eq!(w["event_name"], "UpdateAssumeRolePolicy");
    assert_eq!(w["time"], "2026-11-05T14:40:09Z");
    assert_eq!(w["access_key_id"], "ASIADEMOROLE10000001");
    assert_eq!(w["success"], true);
    assert_eq!(w["origin"]["origin"]["name"], "sara");
    assert_eq!(w["origin"]["chain"][0]["access_key_id"], "ASIASARAADMIN0000001");
    let sa = v["subsequent_access"].as_array().unwrap();
    assert_eq!(sa.len(), 1);
    assert_eq!(sa[0]["access_key_id"], "ASIAVENDORAUDIT00001");
    assert_eq!(sa[0]["account"], "999988887777");
    assert_eq!(sa[0]["principal"], "AIDAVENDOREXAMPLE0001");
    assert_eq!(sa[0]["calls"]["s3:GetObject"], 40);
    assert!(v.get("last_use").is_none());

    let v = json(&run(&["finding", "-i", PIVOTS, "u-key", "--json"]));
    assert_eq!(v["last_use"][0]["event_name"], "ListBuckets");
    assert_eq!(v["last_use"][0]["time"], "2026-11-04T09:00:00Z");
    assert!(v.get("policy_changes").is_none());

    let out = run(&["finding", "-i", PIVOTS, "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("UpdateAssumeRolePolicy") && text.contains("sara") && text.contains("ASIAVENDORAUDIT00001"),
        "{text}"
    );
}
