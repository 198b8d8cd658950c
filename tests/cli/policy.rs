//! `trailhound policy` end to end on a hand-written story (`tests/data/policy/make.py`): a CI role session whose
//! use is known. The expected policy (`expected_policy.json`) and comparison verdicts were written by hand from
//! the story; hostile bucket names never reach the output raw.

use super::support::hostile::raw_hazard;
use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/policy");
const IDENTITY: &str = "identity:arn:aws:iam::111122223333:role/deployer#ci-run";
const SCOPE: &str = "2026-11-05T10:00:00Z..2026-11-05T11:00:00Z";

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("XDG_CONFIG_HOME", DIR)
        .output()
        .expect("run trailhound")
}

fn data(name: &str) -> String {
    format!("{DIR}/{name}")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn policy_json(profile: &str, extra: &[&str]) -> Value {
    let input = data("deployer.json");
    let mut args = vec!["policy", "-i", &input, profile, "--scope", SCOPE, "--json"];
    args.extend_from_slice(extra);
    json(&run(&args))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_generated_policy_is_the_hand_written_one() {
    let v = policy_json(IDENTITY, &[]);
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(data("expected_policy.json")).unwrap()).unwrap();
    assert_eq!(v["policy"], expected);
    assert_eq!(strings(&v["principals"]), ["arn:aws:iam::111122223333:role/deployer"]);
    let c = &v["counts"];
    assert_eq!(
        (c["events_in_scope"].as_u64(), c["failed"].as_u64()),
        (Some(17), Some(1))
    );
    assert_eq!(
        (
            c["mapped"].as_u64(),
            c["no_permission"].as_u64(),
            c["unmapped"].as_u64()
        ),
        (Some(12), Some(1), Some(3))
    );
    let unmapped: Vec<(String, String, String)> = v["unmapped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["event_source"].as_str().unwrap().into(),
                u["event_name"].as_str().unwrap().into(),
                u["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        unmapped,
        [
            (
                "dynamodb.amazonaws.com".into(),
                "TransactWriteItems".into(),
                "contents".into()
            ),
            (
                "frobnicator.amazonaws.com".into(),
                "Frobnicate".into(),
                "service".into()
            ),
            ("s3.amazonaws.com".into(), "SelectObjectContent".into(), "call".into()),
        ]
    );
    assert_eq!(v["no_permission"][0]["event_name"], "GetCallerIdentity");
    let get = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "s3:GetObject")
        .unwrap();
    assert_eq!(get["calls"], 3);
    assert_eq!(get["basis"], "listed");
    assert_eq!(
        strings(&get["apis"]),
        ["s3.amazonaws.com GetObject", "s3.amazonaws.com HeadObject"]
    );
    assert_eq!(
        (get["first_seen"].as_str(), get["last_seen"].as_str()),
        (Some("2026-11-05T10:04:00Z"), Some("2026-11-05T10:17:00Z"))
    );
    // Deterministic: the same question gives the same bytes.
    let input = data("deployer.json");
    let args = ["policy", "-i", &input, IDENTITY, "--scope", SCOPE, "--json"];
    assert_eq!(run(&args).stdout, run(&args).stdout);
}

#[test]
fn a_session_key_gives_the_session_and_an_origin_its_chain() {
    let v = policy_json("ASIADEPLOYERCIRUN001", &[]);
    assert_eq!(v["profile"]["asked"], "session:ASIADEPLOYERCIRUN001");
    assert_eq!(v["policy"]["Statement"].as_array().unwrap().len(), 8);
    // The origin: dev's own AssumeRole plus everything the session did.
    let v = policy_json("principal:arn:aws:iam::111122223333:user/dev", &[]);
    assert_eq!(
        strings(&v["principals"]),
        [
            "arn:aws:iam::111122223333:role/deployer",
            "arn:aws:iam::111122223333:user/dev"
        ]
    );
    let sts = v["policy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "Sts")
        .unwrap();
    assert_eq!(sts["Action"][0], "sts:AssumeRole");
    assert_eq!(sts["Resource"][0], "arn:aws:iam::111122223333:role/deployer");
}

#[test]
fn a_narrower_scope_leaves_the_rest_out() {
    let input = data("deployer.json");
    let v = json(&run(&[
        "policy",
        "-i",
        &input,
        IDENTITY,
        "--scope",
        "2026-11-05T09:00:00Z..2026-11-05T10:00:00Z",
        "--json",
    ]));
    let actions: Vec<&str> = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["s3:DeleteObject"]);
}

#[test]
fn compare_with_get_role_policy_output() {
    let file = data("granted_role_policy.json");
    let v = policy_json(IDENTITY, &["--compare", &file]);
    let c = &v["compared"];
    assert_eq!(c["form"], "get-role-policy");
    let verdicts: Vec<(String, String)> = c["used"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["action"].as_str().unwrap().into(),
                u["verdict"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expect = [
        ("ec2:DescribeInstances", "granted"),
        ("kms:Decrypt", "not-granted"),
        ("lambda:GetFunction", "granted"),
        ("lambda:UpdateFunctionCode", "granted"),
        ("s3:GetObject", "granted"),
        ("s3:ListBucket", "granted"),
        ("s3:PutObject", "not-granted"),
        ("secretsmanager:GetSecretValue", "not-granted"),
        ("sqs:SendMessage", "not-granted"),
    ];
    assert_eq!(verdicts, expect.map(|(a, b)| (a.to_owned(), b.to_owned())));
    assert_eq!(
        strings(&c["not_granted"]),
        [
            "kms:Decrypt",
            "s3:PutObject",
            "secretsmanager:GetSecretValue",
            "sqs:SendMessage"
        ]
    );
    let grants: Vec<(String, String, String)> = c["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["statement"].as_str().unwrap().into(),
                g["pattern"].as_str().unwrap().into(),
                g["kind"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        grants,
        [
            ("Artifacts".into(), "s3:Get*".into(), "broader-wildcard".into()),
            ("Lambda".into(), "lambda:DeleteFunction".into(), "unused-action".into()),
            ("Everything".into(), "ec2:*".into(), "broader-wildcard".into()),
        ]
    );
    let secrets = c["used"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["action"] == "secretsmanager:GetSecretValue")
        .unwrap();
    assert_eq!(strings(&secrets["denied_by"]), ["NoSecretsOutsideVpn"]);
    assert!(
        strings(&c["not_evaluated"])
            .iter()
            .any(|n| n.contains("NoSecretsOutsideVpn"))
    );

    // The text form says where a missing grant must come from.
    let input = data("deployer.json");
    let out = run(&["policy", "-i", &input, IDENTITY, "--scope", SCOPE, "--compare", &file]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("kms:Decrypt") && text.contains("must come from another policy"),
        "{text}"
    );
}

#[test]
fn compare_reads_url_encoded_get_policy_version_output_and_rejects_non_policies() {
    let dir = tempfile::tempdir().unwrap();
    // `aws iam get-policy-version --output json` through the raw API: the document URL-encoded (RFC 3986).
    let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D";
    let file = dir.path().join("version.json");
    std::fs::write(
        &file,
        format!(r#"{{"PolicyVersion": {{"Document": "{encoded}", "VersionId": "v2", "IsDefaultVersion": true}}}}"#),
    )
    .unwrap();
    let v = policy_json(IDENTITY, &["--compare", file.to_str().unwrap()]);
    assert_eq!(v["compared"]["form"], "get-policy-version");
    assert!(
        v["compared"]["used"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["verdict"] == "granted")
    );
    assert_eq!(v["compared"]["grants"][0]["kind"], "broader-wildcard");

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"Statement": [{"Effect": "Permit", "Action": "*"}]}"#).unwrap();
    let input = data("deployer.json");
    let out = run(&["policy", "-i", &input, IDENTITY, "--compare", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("statement 0: Effect \"Permit\" is neither \"Allow\" nor \"Deny\""),
        "{err}"
    );
}

#[test]
fn hostile_bucket_names_never_reach_the_output_raw() {
    let dir = tempfile::tempdir().unwrap();
    let mut records: Value = serde_json::from_str(&std::fs::read_to_string(data("deployer.json")).unwrap()).unwrap();
    let evil = "evil\u{1b}[31m\u{1b}]0;pwn\u{7}\u{202e}\u{2066}\u{200b}\u{e0041}bucket*?$";
    for r in records["Records"].as_array_mut().unwrap() {
        if r["eventName"] == "ListObjectsV2" {
            r["resources"][0]["ARN"] = Value::String(format!("arn:aws:s3:::{evil}"));
            r["eventName"] = Value::String(format!("List\u{1b}[2J{evil}"));
        }
    }
    let file = dir.path().join("hostile.json");
    std::fs::write(&file, serde_json::to_string(&records).unwrap()).unwrap();
    let f = file.to_str().unwrap();
    let compare = data("granted_role_policy.json");
    for json in [false, true] {
        let mut args = vec!["policy", "-i", f, IDENTITY, "--scope", SCOPE, "--compare", &compare];
        if json {
            args.push("--json");
        }
        let out = run(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.chars().any(raw_hazard),
            "raw hazard in {}",
            if json { "JSON" } else { "text" }
        );
        if json {
            // The hostile event name is not an API name: unmapped, never turned into an action.
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                v["unmapped"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|u| u["reason"] == "malformed")
                    .count(),
                1
            );
            assert!(
                v["actions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|a| a["action"] != "s3:ListBucket")
            );
        }
    }
    // A listed call on the hostile bucket: the ARN is kept, escaped for IAM (`${*}`) and for the terminal.
    for r in records["Records"].as_array_mut().unwrap() {
        if r["eventName"].as_str().unwrap().starts_with("List") {
            r["eventName"] = Value::String("ListObjectsV2".into());
        }
    }
    std::fs::write(&file, serde_json::to_string(&records).unwrap()).unwrap();
    let out = run(&["policy", "-i", f, IDENTITY, "--scope", SCOPE, "--json"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.chars().any(raw_hazard));
    let v: Value = serde_json::from_str(&text).unwrap();
    let list = v["policy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Action"][0] == "s3:ListBucket")
        .unwrap();
    assert_eq!(
        list["Resource"][0].as_str().unwrap(),
        "arn:aws:s3:::evil\u{1b}[31m\u{1b}]0;pwn\u{7}\u{202e}\u{2066}\u{200b}\u{e0041}bucket${*}${?}${$}"
    );
}
