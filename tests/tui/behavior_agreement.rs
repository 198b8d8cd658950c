//! One question, one answer: `trailhound behavior` asked by a GuardDuty finding alone, by the finding's session key,
//! and the TUI's New behaviour tab of that session all judge the same session identity and report the same rows
//! (tests/data/behavior/instance.json.gz: an EC2 instance role with weeks of history whose key is used from
//! Frankfurt; the finding is written here as GuardDuty exports it).

use crate::harness::*;
use serde_json::Value;
use std::process::Command;
use trailhound::tui::action::Action;

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/behavior/instance.json.gz");
const KEY: &str = "ASIAWEBAPP0000000143";

/// InstanceCredentialExfiltration.OutsideAWS as GuardDuty's GetFindings returns it (the fields trailhound reads).
fn finding(dir: &std::path::Path) -> std::path::PathBuf {
    let f = serde_json::json!({
        "accountId": "111122223333",
        "arn": "arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f-exfil",
        "createdAt": "2026-11-05T14:30:00.000Z",
        "id": "f-exfil",
        "region": "us-east-1",
        "schemaVersion": "2.0",
        "severity": 8,
        "title": "Credentials for the EC2 instance role web-app-role were used from a remote AWS account.",
        "type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "updatedAt": "2026-11-05T14:30:00.000Z",
        "resource": {
            "resourceType": "AccessKey",
            "accessKeyDetails": {
                "accessKeyId": KEY,
                "principalId": "AROAWEBAPPEXAMPLE001:i-0a1b2c3d4e5f60001",
                "userName": "web-app-role",
                "userType": "AssumedRole"
            }
        },
        "service": {
            "serviceName": "guardduty",
            "eventFirstSeen": "2026-11-05T14:21:00.000Z",
            "eventLastSeen": "2026-11-05T14:24:00.000Z",
            "count": 4,
            "action": {"actionType": "AWS_API_CALL", "awsApiCallAction": {"api": "ListBuckets",
                "serviceName": "s3.amazonaws.com", "remoteIpDetails": {"ipAddressV4": "203.0.113.77"}}}
        }
    });
    let path = dir.join("finding.json");
    std::fs::write(&path, serde_json::to_vec(&f).unwrap()).unwrap();
    path
}

fn behavior_json(args: &[&str], geoip: &std::path::Path) -> Value {
    let out = Command::new(BIN)
        .arg("behavior")
        .args(args)
        .arg("--json")
        .env("TRAILHOUND_GEOIP", geoip)
        .env("XDG_CONFIG_HOME", geoip.join("no-config"))
        .output()
        .expect("run trailhound");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn the_finding_the_key_and_the_tui_give_one_answer() {
    let geo = tempfile::tempdir().unwrap();
    trailhound::demo::geoip::write_demo_geoip(geo.path()).unwrap();
    let f = finding(geo.path());
    let f = f.to_str().unwrap();
    let by_finding = behavior_json(&["-i", DATA, "-i", f, "--finding", "f-exfil"], geo.path());
    let by_key = behavior_json(
        &[
            "-i",
            DATA,
            "-i",
            f,
            KEY,
            "--scope",
            "2026-11-05T14:00:00Z..2026-11-05T15:00:00Z",
        ],
        geo.path(),
    );
    // The finding's first..last seen (14:21–14:24) widened to whole hours is the scope given explicitly.
    assert_eq!(by_finding, by_key);
    assert_eq!(by_key["profile"]["kind"], "identity");
    assert_eq!(by_key["profile"]["asked"], format!("session:{KEY}"));
    assert_eq!(by_key["baseline"]["in_training"], false);
    assert_eq!(by_key["new_geolocations"][0]["asked_session_count"], 5);

    // The TUI: the session's New behaviour tab in the same scope.
    let mut app = app_on_with_geo(std::path::Path::new(DATA), geo.path());
    command(&mut app, "scope 2026-11-05T14:00:00Z..2026-11-05T15:00:00Z");
    command(&mut app, &format!("session {KEY}"));
    for _ in 0..8 {
        if app.tab_name() == Some("New behaviour") {
            break;
        }
        act(&mut app, Action::NextTab);
    }
    assert_eq!(app.tab_name(), Some("New behaviour"));
    let report = app.top().model.report.clone().expect("computed").expect("a profile");
    let mut tui = serde_json::to_value(&report).unwrap();
    let mut cli = by_key.clone();
    // Only the description of where the databases were found may differ (the CLI found them via the
    // environment, the TUI was given the folder); the databases are the same files.
    tui["geolocation"] = Value::Null;
    cli["geolocation"] = Value::Null;
    assert_eq!(tui, cli);
}
