//! End-to-end runs of `trailhound findings` and `trailhound finding <ID>`: JSON schemas, filters, exit codes and
//! the reporting of bad findings (path, line or index, reason) on stderr.

use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realdata");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("run trailhound")
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn real_available() -> bool {
    let ok = std::path::Path::new(REAL).is_dir();
    if !ok {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "real data missing under CI"
        );
        eprintln!("skipping: {REAL} missing");
    }
    ok
}

#[test]
fn findings_json_schema() {
    let v = json(&run(&["findings", "-i", DATA, "--json"]));
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
    let out = run(&["finding", "-i", DATA, "5ac5b1a1f0e2d3c4b5a6978877665544"]);
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
    let v = json(&run(&[
        "findings",
        "-i",
        &aa,
        "--source",
        "access-analyzer",
        "--json",
    ]));
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
    let v = json(&run(&[
        "findings",
        "-i",
        &aa,
        "--source",
        "guardduty",
        "--json",
    ]));
    assert_eq!(v.as_array().unwrap().len(), 0);

    let panther = format!("{REAL}/panther-analysis/panther_guardduty_test_findings.jsonl");
    let v = json(&run(&[
        "findings",
        "-i",
        &panther,
        "--min-severity",
        "high",
        "--json",
    ]));
    let labels: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["severity"]["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Critical", "Critical", "High"]);
    let v = json(&run(&[
        "findings",
        "-i",
        &panther,
        "--min-severity",
        "9",
        "--json",
    ]));
    assert_eq!(v.as_array().unwrap().len(), 2);

    let out = run(&[
        "findings",
        "-i",
        &format!("{REAL}/aws-cli-examples/guardduty"),
        "--json",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "list-findings.output1.json: skipped: GuardDuty list-findings output: 6 finding id(s)"
        ),
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
        err.contains("findings.jsonl:2: skipped: GuardDuty finding: no id"),
        "{err}"
    );
    assert!(
        err.contains("findings.jsonl:3: bad JSON line skipped"),
        "{err}"
    );

    let out = run(&["findings", "-i", "/nonexistent/trailhound-input", "--json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or folder"));
    let out = run(&["finding", "-i", DATA, "no-such-id"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no finding with id \"no-such-id\" among the 1 loaded")
    );
    let out = run(&["findings", "-i", DATA, "--min-severity", "extreme"]);
    assert!(!out.status.success());
}
