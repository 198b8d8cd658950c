//! `trailhound detect` on the bundled sample case, and the rule hits in the timeline exports: the JSON groups
//! sara's hits under her (Identity Center origin → DemoRole1 / sara → the chain from her admin session), the
//! vendor's bulk download is a correlation grouped by its account, a bad user rule is reported while the rest run,
//! and the CSV / Timesketch lines carry each event's rules and ATT&CK tags.

use serde_json::Value;
use std::process::Command;

fn th(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run trailhound");
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn detect_json_groups_the_incident_by_origin_identity_and_chain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.yml"), "title: [unclosed").unwrap();
    std::fs::write(
        dir.path().join("mine.yml"),
        "title: Vendor listed roles\nid: mine-1\nauthor: Someone Else\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s:\n    eventName: ListRoles\n    userAgent|startswith: python-requests\n  condition: s\nlevel: high\ntags: [attack.discovery, attack.t1087.004]\n",
    )
    .unwrap();
    let (ok, out, err) = th(&[
        "detect",
        "-i",
        "samples/case",
        "--rules",
        dir.path().to_str().unwrap(),
        "--scope",
        "2026-11-05T14:00:00Z..2026-11-05T17:00:00Z",
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rules_run"], 33, "32 built-in detection rules and the user's");
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0]["origin"]["path"].as_str().unwrap().ends_with("bad.yml"));
    assert_eq!(problems[0]["kind"], "parse");

    let origins = v["origins"].as_array().unwrap();
    let sara = origins
        .iter()
        .find(|o| o["origin"]["name"] == "sara")
        .expect("sara is an origin");
    assert_eq!(sara["origin"]["kind"], "identity-center-user");
    let demo = sara["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["session_identity"] == "arn:aws:iam::111122223333:role/DemoRole1 / sara")
        .expect("DemoRole1 / sara");
    let chain = &demo["chains"][0];
    assert_eq!(chain["chain_root"], "ASIASARAADMIN0000001");
    let names: Vec<&str> = chain["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["AttachRolePolicy", "AttachRolePolicy", "UpdateAssumeRolePolicy"]
    );
    let denied = &chain["events"][0];
    assert_eq!(denied["error_code"], "AccessDenied");
    assert_eq!(denied["access_key_id"], "ASIADEMOROLE10000001");
    assert_eq!(denied["rules"][0]["title"], "Administrator policy attached");
    assert_eq!(denied["rules"][0]["level"], "high");
    assert_eq!(denied["rules"][0]["techniques"][0], "T1098.003");

    let vendor = origins
        .iter()
        .find(|o| o["origin"]["account"] == "999988887777")
        .expect("the vendor account");
    assert_eq!(vendor["origin"]["kind"], "aws-account");
    let vendor_rules: Vec<&str> = vendor["identities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["chains"].as_array().unwrap())
        .flat_map(|c| c["events"].as_array().unwrap())
        .flat_map(|e| e["rules"].as_array().unwrap())
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        vendor_rules,
        ["Role assumed from another AWS account", "Vendor listed roles"]
    );
    let mine = v["by_rule"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "mine-1")
        .unwrap();
    assert_eq!(mine["author"], "Someone Else");
    assert_eq!(mine["events"], 1);

    let corr = v["correlations"].as_array().unwrap();
    assert_eq!(corr.len(), 1);
    assert_eq!(corr[0]["rule"]["title"], "Bulk S3 download by one origin");
    assert_eq!(corr[0]["group"][0]["field"], "trailhound.origin");
    assert_eq!(corr[0]["group"][0]["value"], "999988887777");
    assert_eq!(corr[0]["events"].as_array().unwrap().len(), 40);
}

#[test]
fn timeline_exports_carry_rules_and_attack_tags() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    let case = case.to_str().unwrap();
    for args in [
        &["case", "new", "--case", case, "-i", "samples/case"][..],
        &[
            "case",
            "scope",
            "--case",
            case,
            "2026-11-05T14:00:00Z..2026-11-05T15:00:00Z",
        ],
        &["star", "--case", case, "session:ASIASARAADMIN0000001"],
    ] {
        let (ok, _, err) = th(args);
        assert!(ok, "{args:?}: {err}");
    }
    let (ok, jsonl, err) = th(&["export", "--case", case, "--format", "jsonl"]);
    assert!(ok, "{err}");
    let stop: Value = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["api"] == "cloudtrail:StopLogging")
        .expect("StopLogging in the timeline");
    assert_eq!(
        stop["rules"],
        serde_json::json!(["CloudTrail logging stopped or trail deleted"])
    );
    assert_eq!(stop["attack"], serde_json::json!(["defense-evasion", "T1562.008"]));
    assert_eq!(stop["tag"], stop["attack"]);
    let (ok, csv, err) = th(&["export", "--case", case, "--format", "csv"]);
    assert!(ok, "{err}");
    assert!(csv.lines().next().unwrap().ends_with(",starred,entities,rules,attack"));
    let row = csv.lines().find(|l| l.contains("cloudtrail:StopLogging")).unwrap();
    assert!(
        row.ends_with(",CloudTrail logging stopped or trail deleted,defense-evasion | T1562.008"),
        "{row}"
    );
}
