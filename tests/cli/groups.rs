//! `trailhound groups` on the sample case (samples/SCENARIO.md), expectations written from the story: sara's
//! Identity Center session stops logging (14:12), her DemoRole1 session (chained from it) rewrites `vendor-audit`'s
//! trust policy (the Access Analyzer finding's policy write, 14:40), and the outside vendor assumes `vendor-audit`
//! and is caught by GuardDuty (16:03). Those three findings are one incident: the first two share a chain (sara's
//! session started the one that wrote the policy) and its origin (sara), the last two share the role `vendor-audit`. The other three findings stay alone.

use std::process::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run trailhound");
    (
        out.status.success(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const STOP: &str = "5ac5b1a1f0e2d3c4b5a6978877665544";
const AA_VENDOR: &str = "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f";
const RECON: &str = "8ec5b1a2c3d4e5f60718293a4b5c6d7e";

#[test]
fn the_sample_incident_is_one_group_of_three_joined_by_sara_and_the_vendor_role() {
    let (ok, json, err) = run(&["groups", "-i", "samples/case", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["rule"]["window_hours"], 24);
    let groups = v["groups"].as_array().unwrap();
    // 6 findings in the sample: one group of 3, three alone (root usage, port probe, archived Access Analyzer).
    assert_eq!(groups.len(), 4, "{json}");
    let incident = groups
        .iter()
        .find(|g| g["findings"].as_array().unwrap().len() == 3)
        .unwrap();
    assert_eq!(incident["number"], 1, "Medium, 3 findings: listed first");
    let ids: Vec<&str> = incident["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [STOP, AA_VENDOR, RECON], "earliest first");
    // Highest member: the Access Analyzer external access and the recon finding are both Medium 5.0.
    assert_eq!(incident["severity"]["value"], 5.0);
    assert_eq!(incident["severity"]["label"], "Medium");
    assert_eq!(incident["from"], "2026-11-05T14:12:07Z");
    let joins = incident["joins"].as_array().unwrap();
    assert_eq!(joins.len(), 2);
    assert_eq!(
        (joins[0]["a"].as_str(), joins[0]["b"].as_str()),
        (Some(STOP), Some(AA_VENDOR))
    );
    // The DemoRole1 session that wrote the policy was started by the session that stopped the logging.
    assert_eq!(joins[0]["kind"], "chain");
    assert_eq!(joins[0]["entity"], "session:ASIASARAADMIN0000001");
    let shared = incident["shared"].as_array().unwrap();
    assert!(
        shared
            .iter()
            .any(|s| s["kind"] == "origin" && s["entity"].as_str().unwrap().ends_with(":sara")),
        "sara, the origin of both sessions, is shared too: {shared:?}"
    );
    assert_eq!(
        (joins[1]["a"].as_str(), joins[1]["b"].as_str()),
        (Some(AA_VENDOR), Some(RECON))
    );
    assert_eq!(joins[1]["kind"], "principal");
    assert_eq!(joins[1]["entity"], "role:arn:aws:iam::111122223333:role/vendor-audit");
    let principals: Vec<&str> = incident["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for p in [
        "session:ASIASARAADMIN0000001",
        "session:ASIADEMOROLE10000001",
        "session:ASIAVENDORAUDIT00001",
        "account:999988887777",
    ] {
        assert!(principals.contains(&p), "{p} in {principals:?}");
    }
    // The archived Access Analyzer finding on prod-reports and the root and probe findings are alone.
    for g in groups.iter().filter(|g| g["number"] != 1) {
        assert_eq!(g["findings"].as_array().unwrap().len(), 1, "{g}");
    }
    insta::assert_snapshot!("groups_sample", json);
}

#[test]
fn a_window_of_zero_hours_splits_what_is_hours_apart_and_min_size_hides_singletons() {
    let (ok, json, err) = run(&[
        "groups",
        "-i",
        "samples/case",
        "--window-hours",
        "0",
        "--min-size",
        "2",
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    // 14:12–14:48 (stop) and 14:41:30 (Access Analyzer) overlap; the recon (16:03) is over an hour later.
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{json}");
    let ids: Vec<&str> = groups[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [STOP, AA_VENDOR]);
}

#[test]
fn text_output_states_the_rule_and_why_each_pair_is_joined() {
    let (ok, out, err) = run(&["groups", "-i", "samples/case"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("Rule: findings sharing an access key"), "{out}");
    assert!(
        out.contains(&format!(
            "joined  {AA_VENDOR} + {RECON}  by principal role:arn:aws:iam::111122223333:role/vendor-audit"
        )),
        "{out}"
    );
}

/// Ids, types and keys are hostile text: the text output shows them escaped on their line, the JSON inert.
#[test]
fn hostile_finding_text_never_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "x\u{1b}]0;pwned\u{7}\u{202e}\ny";
    let f = |id: &str, t: &str| {
        serde_json::json!({"id": format!("{id}{evil}"), "type": format!("Recon:IAMUser/{evil}"), "severity": 5,
            "arn": "arn:aws:guardduty:us-east-1:111122223333:detector/d/finding/f",
            "resource": {"accessKeyDetails": {"accessKeyId": format!("ASIA{evil}")}},
            "service": {"serviceName": "guardduty", "eventFirstSeen": t, "eventLastSeen": t}})
    };
    let doc = serde_json::json!({"findings": [f("a", "2026-11-05T14:00:00Z"), f("b", "2026-11-05T15:00:00Z")]});
    let path = dir.path().join("gd.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    let p = path.to_str().unwrap();
    let (ok, out, err) = run(&["groups", "-i", p]);
    assert!(ok, "{err}");
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
    assert!(out.contains("joined  a"), "the two share the (hostile) key: {out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("GROUP")).count(),
        1,
        "one group, no forged lines: {out}"
    );
    let (ok, json, err) = run(&["groups", "-i", p, "--json"]);
    assert!(ok, "{err}");
    assert!(!json.contains('\u{1b}') && !json.contains('\u{202e}'), "{json:?}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["groups"][0]["findings"][0]["id"],
        format!("a{evil}"),
        "the data is intact for a JSON reader"
    );
}
