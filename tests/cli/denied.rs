//! `trailhound denied` end to end on the hand-written story of `tests/data/denied/make.py`: each policy type read
//! from its documented message, the older and service-specific forms left "not stated", the burst, another
//! session's denial kept out, the same answer through a case's index, text output with every field on its line,
//! and hostile messages made inert. Expectations are written from the story, not from the output.

use crate::support::hostile::{HS, raw_hazard};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/denied/denials.json");
const ALICE: &str = "identity:arn:aws:iam::111122223333:role/dev#alice";
const SCOPE: &str = "2026-11-05T10:00:00Z..2026-11-05T11:00:00Z";

fn run(args: &[&str], home: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("TRAILHOUND_CASE")
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_DATA_HOME", home)
        .output()
        .expect("run trailhound")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

fn json(args: &[&str], home: &Path) -> Value {
    serde_json::from_str(&stdout(&run(args, home))).expect("JSON on stdout")
}

/// (label, denied, explicit, implicit) per policy type, in the report's order.
fn types(v: &Value) -> Vec<(String, u64, u64, u64)> {
    v["by_policy_type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["policy_type"].as_str().unwrap().to_string(),
                t["denied"].as_u64().unwrap(),
                t["explicit"].as_u64().unwrap(),
                t["implicit"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn each_policy_type_is_read_from_its_message() {
    let home = tempfile::tempdir().unwrap();
    let golden = stdout(&run(
        &["denied", "-i", DATA, ALICE, "--scope", SCOPE, "--json"],
        home.path(),
    ));
    let v: Value = serde_json::from_str(&golden).unwrap();
    // Alice's 14 calls in the hour: 12 denied (the throttled call and GetCallerIdentity are not); bob's is not hers.
    assert_eq!(v["calls_in_scope"], 14);
    assert_eq!(v["denied"], 12);
    assert_eq!(
        v["explicit"], 5,
        "SCP, RCP, session, resource-based, and the unknown phrase's explicit deny"
    );
    assert_eq!(v["implicit"], 4, "boundary, identity-based, VPC endpoint, role trust");
    assert_eq!(v["first_seen"], "2026-11-05T10:01:00Z");
    assert_eq!(v["last_seen"], "2026-11-05T10:50:00Z");
    let mut t = types(&v);
    assert_eq!(
        t.remove(0),
        ("not-stated".into(), 4, 1, 0),
        "EC2 encoded, S3 bare, S3 none, unknown phrase"
    );
    t.sort();
    let one = |name: &str, explicit| (name.to_string(), 1, explicit, 1 - explicit);
    let mut want = vec![
        one("service-control-policy", 1),
        one("resource-control-policy", 1),
        one("permissions-boundary", 0),
        one("session-policy", 1),
        one("identity-based", 0),
        one("resource-based", 1),
        one("vpc-endpoint-policy", 0),
        one("role-trust-policy", 0),
    ];
    want.sort();
    assert_eq!(t, want);
    // 10:01–10:07 is seven denials within ten minutes; 10:30–10:33 is four, and 10:50 is alone.
    assert_eq!(v["bursts"].as_array().unwrap().len(), 1);
    assert_eq!(v["bursts"][0]["first"], "2026-11-05T10:01:00Z");
    assert_eq!(v["bursts"][0]["last"], "2026-11-05T10:07:00Z");
    assert_eq!(v["bursts"][0]["denials"], 7);
    assert_eq!(v["rules"]["burst"]["min_denials"], 5);
    assert_eq!(v["rules"]["burst"]["window_minutes"], 10);

    let calls = v["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 12);
    let by_name = |n: &str| calls.iter().find(|c| c["event_name"] == n).unwrap();
    let scp = by_name("CreateFunction20150331");
    assert_eq!(scp["policy_type"], "service-control-policy");
    assert_eq!(scp["deny"], "explicit");
    assert_eq!(scp["action"], "lambda:CreateFunction");
    assert_eq!(
        scp["policy_arn"],
        "arn:aws:organizations::999988887777:policy/o-exampleorgid/service_control_policy/p-examplescp1"
    );
    assert_eq!(scp["principal"], "arn:aws:sts::111122223333:assumed-role/dev/alice");
    assert_eq!(scp["session"], "ASIAALICEDEV00000001");
    let ec2 = by_name("RunInstances");
    assert_eq!(ec2["error_code"], "Client.UnauthorizedOperation");
    assert_eq!(
        (ec2["policy_type"].as_str(), ec2["deny"].as_str()),
        (Some("not-stated"), Some("not-stated"))
    );
    assert_eq!(
        ec2["action"],
        Value::Null,
        "EC2 names no action: none is invented from RunInstances"
    );
    assert_eq!(ec2["encoded"], true);
    assert_eq!(ec2["form"], "bare");
    let bare = by_name("ListObjects");
    assert_eq!(bare["message"], "Access Denied");
    assert_eq!(bare["resource_shown"], "arn:aws:s3:::partner-exports");
    assert_eq!(bare["resource_from"], "record");
    let none = calls.iter().find(|c| c["form"] == "missing").unwrap();
    assert_eq!(none["message"], Value::Null);
    let unknown = by_name("PutObject");
    assert_eq!(
        unknown["policy_type"], "not-stated",
        "a phrase outside the table is not guessed"
    );
    assert_eq!(unknown["deny"], "explicit");
    assert!(unknown["message"].as_str().unwrap().contains("transitively"));
    assert!(
        calls.iter().all(|c| c["event_name"] != "ListUsers"),
        "bob's denial is not alice's"
    );
    insta::assert_snapshot!("denied_alice", golden);
}

#[test]
fn a_session_key_is_judged_as_its_identity_and_a_case_index_gives_the_same_answer() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let direct = json(&["denied", "-i", DATA, ALICE, "--scope", SCOPE, "--json"], h);
    let by_key = json(
        &["denied", "-i", DATA, "ASIAALICEDEV00000001", "--scope", SCOPE, "--json"],
        h,
    );
    assert_eq!(by_key["by_policy_type"], direct["by_policy_type"]);
    assert_eq!(by_key["profile"]["asked"], "session:ASIAALICEDEV00000001");

    let case = h.join("case");
    let case = case.to_str().unwrap();
    stdout(&run(&["case", "new", "--case", case, "-i", DATA], h));
    for round in ["built", "reused"] {
        let out = run(&["denied", "--case", case, ALICE, "--scope", SCOPE, "--json"], h);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(err.contains(&format!("case index: {round}")), "{err}");
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v, direct, "{round}: the index keeps every denied call's message");
    }
}

#[test]
fn the_default_scope_covers_every_hour_the_profile_was_active() {
    let home = tempfile::tempdir().unwrap();
    let v = json(&["denied", "-i", DATA, ALICE, "--json"], home.path());
    assert_eq!(v["scope"]["from"], "2026-11-05T10:00:00Z");
    assert_eq!(v["scope"]["to"], "2026-11-05T11:00:00Z");
    assert_eq!(v["denied"], 12);
}

#[test]
fn text_output_puts_every_field_on_its_line() {
    let home = tempfile::tempdir().unwrap();
    let out = stdout(&run(&["denied", "-i", DATA, ALICE, "--scope", SCOPE], home.path()));
    assert!(out.contains("denied   12 of 14 calls"), "{out}");
    assert!(
        out.contains("burst    2026-11-05T10:01:00Z .. 2026-11-05T10:07:00Z  7 denials"),
        "{out}"
    );
    for line in [
        "    policy      SCP (explicit)",
        "    action      lambda:CreateFunction",
        "    policy ARN  arn:aws:organizations::999988887777:policy/o-exampleorgid/service_control_policy/p-examplescp1",
        "    principal   arn:aws:sts::111122223333:assumed-role/dev/alice",
        "    session     ASIAALICEDEV00000001",
        "    policy      not stated (not-stated)",
        "    message     Access Denied (bare)",
        "    message     (none in the record) (missing)",
    ] {
        assert!(out.lines().any(|l| l == line), "no line {line:?} in\n{out}");
    }
}

#[test]
fn hostile_messages_are_inert_in_text_and_json() {
    let home = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(DATA).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let hostile_msg = format!(
        "User: arn:aws:sts::111122223333:assumed-role/dev/alice is not authorized to perform: s3:Get{HS} on resource: \"arn:aws:s3:::b/{HS}\" with an explicit deny in a session policy: arn:{HS}"
    );
    let raw_msg = format!("Denied {HS}");
    for r in doc["Records"].as_array_mut().unwrap() {
        if r["eventName"] == "ListObjects" {
            r["errorMessage"] = Value::String(raw_msg.clone());
        }
        if r["eventName"] == "GetSecretValue" {
            r["errorMessage"] = Value::String(hostile_msg.clone());
        }
    }
    let file = home.path().join("hostile.json");
    std::fs::write(&file, serde_json::to_string(&doc).unwrap()).unwrap();
    let f = file.to_str().unwrap();
    for args in [
        &["denied", "-i", f, ALICE, "--scope", SCOPE][..],
        &["denied", "-i", f, ALICE, "--scope", SCOPE, "--json"][..],
    ] {
        let out = run(args, home.path());
        let so = stdout(&out);
        let se = String::from_utf8_lossy(&out.stderr);
        for (what, t) in [("stdout", so.as_str()), ("stderr", &*se)] {
            if let Some(c) = t.chars().find(|&c| raw_hazard(c)) {
                panic!("{args:?} {what}: raw U+{:04X}", c as u32);
            }
        }
        assert!(
            !so.lines().any(|l| l.trim_start().starts_with("FAKE")),
            "a line break in a value started a line"
        );
        if args.contains(&"--json") {
            // Inert on a terminal, exact for a JSON reader.
            let v: Value = serde_json::from_str(&so).unwrap();
            let calls = v["calls"].as_array().unwrap();
            let secret = calls.iter().find(|c| c["event_name"] == "GetSecretValue").unwrap();
            assert_eq!(secret["message"], Value::String(hostile_msg.clone()));
            // HS starts with a space: the action is the word before it, and the rest is not the documented form.
            assert_eq!(secret["action"], "s3:Get");
            assert_eq!(secret["policy_type"], "not-stated");
            let list = calls.iter().find(|c| c["event_name"] == "ListObjects").unwrap();
            assert_eq!(list["message"], Value::String(raw_msg.clone()));
            assert_eq!(list["form"], "unrecognised");
        }
    }
}

#[test]
fn the_report_export_carries_each_marked_profiles_denials() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let case = h.join("case");
    let case = case.to_str().unwrap();
    stdout(&run(&["case", "new", "--case", case, "-i", DATA], h));
    stdout(&run(&["star", "--case", case, "session:ASIAALICEDEV00000001"], h));
    stdout(&run(&["star", "--case", case, "ip:198.51.100.23"], h));
    let v: Value = serde_json::from_str(&stdout(&run(&["export", "--case", case, "--format", "json"], h))).unwrap();
    let entities = v["entities"].as_array().unwrap();
    let alice = entities
        .iter()
        .find(|e| e["entity"] == "session:ASIAALICEDEV00000001")
        .unwrap();
    // Judged as the session identity over its active hour: the same counts as `denied`.
    assert_eq!(alice["denied"]["denied"], 12);
    assert_eq!(alice["denied"]["bursts"][0]["denials"], 7);
    assert_eq!(alice["denied"]["by_policy_type"].as_array().unwrap().len(), 9);
    // The address is a profile too: alice's 12 and bob's one denial came from it.
    let ip = entities.iter().find(|e| e["entity"] == "ip:198.51.100.23").unwrap();
    assert_eq!(ip["denied"]["denied"], 13);
    let md = stdout(&run(&["export", "--case", case, "--format", "md"], h));
    assert!(md.contains("#### Denied calls"), "{md}");
    assert!(
        md.contains(
            "| SCP | lambda:CreateFunction | arn:aws:lambda:us-east-1:111122223333:function:exfil | 1 | 1 | 0 |"
        ),
        "{md}"
    );
}
