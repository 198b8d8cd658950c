//! Elevated-access brokers through the real binary: the hand-told scenario of `tests/data/broker/make.py` traced
//! with and without broker context against expectations written from the story (`tests/data/broker/expect.json`),
//! golden `trace`/`role` JSON, the case's recorded broker settings, bad request-log records reported and skipped,
//! and hostile request logs that must never reach a terminal raw.

use crate::support::hostile::{HS, ht, raw_hazard};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/broker");
/// The same folder relative to the crate root (the commands run there), so golden outputs hold no machine path.
const REL: &str = "tests/data/broker";
const BROKER_ROLE: &str = "arn:aws:iam::999988887777:role/tea-Lambda-IdentityBroker-Role";

fn log(name: &str) -> String {
    match name {
        "reference" => format!("{REL}/logs/reference-broker-scan.json"),
        "team" => format!("{REL}/logs/team-approvals.csv"),
        other => panic!("no log {other}"),
    }
}

fn exec(args: &[String]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run trailhound")
}

fn ok(args: &[String]) -> (String, String) {
    let out = exec(args);
    let (o, e) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "{args:?}: {e}");
    (o, e)
}

fn args(cmd: &str, target: &str, roles: bool, logs: &[&str], json: bool) -> Vec<String> {
    let mut a = vec![cmd.to_string(), "-i".into(), format!("{REL}/trail"), target.to_string()];
    if roles {
        a.extend(["--broker-role".to_string(), BROKER_ROLE.to_string()]);
    }
    for l in logs {
        a.extend(["--broker-log".to_string(), log(l)]);
    }
    if json {
        a.push("--json".into());
    }
    a
}

/// Every key of `want` holds the same value in `got` (objects recursively, arrays element-wise and by length);
/// a `null` wanted also accepts an absent key.
fn check_subset(path: &str, want: &Value, got: Option<&Value>, errs: &mut Vec<String>) {
    match (want, got) {
        (Value::Null, None | Some(Value::Null)) => {}
        (Value::Object(w), Some(Value::Object(g))) => {
            for (k, wv) in w {
                check_subset(&format!("{path}.{k}"), wv, g.get(k), errs);
            }
        }
        (Value::Array(w), Some(Value::Array(g))) => {
            if w.len() != g.len() {
                errs.push(format!("{path}: expected {} items, got {}: {g:#?}", w.len(), g.len()));
                return;
            }
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                check_subset(&format!("{path}[{i}]"), wv, Some(gv), errs);
            }
        }
        (w, Some(g)) if w == g => {}
        (w, g) => errs.push(format!("{path}: expected {w}, got {g:?}")),
    }
}

#[test]
fn the_story_as_told_by_hand() {
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(format!("{DATA}/expect.json")).unwrap()).unwrap();
    let mut errs = Vec::new();
    for case in spec["cases"].as_array().unwrap() {
        let logs: Vec<&str> = case["logs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let a = args(
            "trace",
            case["target"].as_str().unwrap(),
            case["roles"] == true,
            &logs,
            true,
        );
        let (out, _) = ok(&a);
        let got: Value = serde_json::from_str(&out).unwrap();
        check_subset(case["name"].as_str().unwrap(), &case["expect"], Some(&got), &mut errs);
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

#[test]
fn golden_trace_of_the_breach_and_role() {
    let (trace, _) = ok(&args(
        "trace",
        "ASIACAROLADMIN000001",
        true,
        &["reference", "team"],
        true,
    ));
    insta::assert_snapshot!("broker_trace_carol", trace);
    let (role, _) = ok(&args("role", "Admin", true, &["reference", "team"], true));
    let v: Value = serde_json::from_str(&role).unwrap();
    // Three requests name Admin in 111122223333 (alice, carol, dave); carol's and dave's sessions are breaches.
    assert_eq!(v["broker"]["requests"].as_array().map(Vec::len), Some(3));
    assert_eq!(v["broker"]["sessions_flagged"], 2);
    let approvals: Vec<(String, String)> = v["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["access_key_id"].as_str().unwrap().to_string(),
                s["broker"]["approval"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        approvals,
        [
            ("ASIAALICEADMIN000001".to_string(), "in-window".to_string()),
            ("ASIACAROLADMIN000001".into(), "beyond-window".into()),
            ("ASIADAVEADMIN0000001".into(), "not-granted".into()),
        ]
    );
    insta::assert_snapshot!("broker_role_admin", role);
}

#[test]
fn text_trace_shows_requester_approver_and_justification() {
    let (out, _) = ok(&args("trace", "ASIAALICEADMIN000001", true, &["reference"], false));
    for want in [
        "requester       alice@example.com",
        "approver        bob@example.com",
        "justification   INC-4211 restore the logging bucket policy",
        "approval        in-window",
        "(strong link: broker-request)",
    ] {
        assert!(out.contains(want), "{want:?} missing from:\n{out}");
    }
}

#[test]
fn the_case_records_broker_settings_for_every_later_command() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    let c = case.display().to_string();
    ok(&[
        "case".into(),
        "new".into(),
        "--case".into(),
        c.clone(),
        "-i".into(),
        format!("{DATA}/trail"),
    ]);
    ok(&[
        "case".into(),
        "broker".into(),
        "--case".into(),
        c.clone(),
        "--broker-role".into(),
        BROKER_ROLE.into(),
        "--broker-log".into(),
        log("reference"),
    ]);
    let (shown, _) = ok(&[
        "case".into(),
        "show".into(),
        "--case".into(),
        c.clone(),
        "--json".into(),
    ]);
    let shown: Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["broker"]["roles"], json!([BROKER_ROLE]));
    assert_eq!(shown["broker"]["logs"].as_array().map(Vec::len), Some(1));
    let (out, _) = ok(&[
        "trace".into(),
        "--case".into(),
        c.clone(),
        "ASIACAROLADMIN000001".into(),
        "--json".into(),
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["origin"]["name"], "carol@example.com");
    assert_eq!(v["broker"]["confidence"], "strong");
    assert_eq!(v["broker"]["approval"], "beyond-window");

    // The export's chain of a noted session starts at the requester, labels the broker's hop with its own link
    // kind and confidence, and ends with the request's answer.
    ok(&[
        "note".into(),
        "add".into(),
        "--case".into(),
        c.clone(),
        "session:ASIACAROLADMIN000001".into(),
        "Key created after the window.".into(),
    ]);
    let (out, _) = ok(&["export".into(), "--case".into(), c, "--format".into(), "json".into()]);
    let report: Value = serde_json::from_str(&out).unwrap();
    let mut chains = Vec::new();
    find_key(&report, "chain", &mut chains);
    let chain = chains
        .iter()
        .find(|c| c["nodes"].as_array().is_some_and(|n| !n.is_empty()))
        .expect("the noted session's chain");
    let nodes = chain["nodes"].as_array().unwrap();
    assert!(
        nodes[0]["label"]
            .as_str()
            .unwrap()
            .starts_with("carol@example.com, requester"),
        "{chain:#}"
    );
    let last = nodes.last().unwrap();
    assert_eq!(last["kind"], "broker-approval");
    let label = last["label"].as_str().unwrap();
    assert!(label.starts_with("beyond-window"), "{label}");
    assert!(label.contains("approver bob@example.com"), "{label}");
    assert!(label.contains("justification CHG-0815"), "{label}");
    let rules: Vec<&str> = chain["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["access-key", "broker-request (strong)"]);
}

/// Every value under `key` anywhere in `v`.
fn find_key<'a>(v: &'a Value, key: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                if k == key {
                    out.push(x);
                }
                find_key(x, key, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| find_key(x, key, out)),
        _ => {}
    }
}

fn write_log(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

#[test]
fn bad_request_records_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let l = write_log(
        dir.path(),
        "requests.csv",
        "requester,account,role,start,duration_minutes,status,approver\n\
         carol@example.com,111122223333,Admin,2026-11-05T11:00:00Z,30,approved,bob@example.com\n\
         carol@example.com,111122223333,Admin,11:00 yesterday,30,approved,bob@example.com\n",
    );
    let mut a = args("trace", "ASIACAROLADMIN000001", true, &[], true);
    a.extend(["--broker-log".into(), l]);
    let (out, err) = ok(&a);
    assert!(err.contains("requests.csv record 1"), "{err}");
    assert!(err.contains("is not a time"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["broker"]["approval"], "beyond-window");
    assert_eq!(v["broker"]["request"]["index"], 0);
}

fn assert_inert(what: &str, text: &str) {
    if let Some((i, c)) = text.char_indices().find(|&(_, c)| raw_hazard(c)) {
        panic!("{what}: raw U+{:04X} at byte {i}", c as u32);
    }
    for line in text.lines() {
        assert!(
            !line.trim_start_matches([' ', '|', '"', '\\']).starts_with("FAKE"),
            "{what}: a hostile line break started a line: {line:?}"
        );
    }
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn hostile_request_logs_never_reach_the_terminal_raw() {
    let dir = tempfile::tempdir().unwrap();
    let records = json!([
        {"id": HS, "requester": "carol@example.com", "account": "111122223333", "role": "Admin",
         "start": "2026-11-05T11:00:00Z", "end": "2026-11-05T11:30:00Z", "status": "approved",
         "approver": format!("bob{HS}"), "justification": ht(), "ticket": HS},
        {"requester": format!("mallory{HS}@example.com"), "account": "111122223333", "role": format!("Admin{HS}"),
         "start": "2026-11-05T11:00:00Z", "duration_minutes": 5, "status": format!("rejected{HS}"), "approver": HS},
        {"requester": HS, "account": HS, "role": HS, "start": HS, "duration_minutes": HS, "status": HS}
    ]);
    // The file name is hostile too: it is printed with bad records and in every request's `file`.
    let l = write_log(dir.path(), "req\u{1b}[31m\u{202e}.json", &records.to_string());
    for cmd in ["trace", "role"] {
        let target = if cmd == "trace" {
            "ASIACAROLADMIN000001"
        } else {
            "Admin"
        };
        for json_out in [false, true] {
            let mut a = args(cmd, target, true, &[], json_out);
            a.extend(["--broker-log".into(), l.clone()]);
            let out = exec(&a);
            let (o, e) = (
                String::from_utf8(out.stdout).unwrap(),
                String::from_utf8(out.stderr).unwrap(),
            );
            assert!(out.status.success(), "{cmd}: {e}");
            assert_inert(&format!("{cmd} stdout"), &o);
            assert_inert(&format!("{cmd} stderr"), &e);
            assert!(e.contains("record 2"), "{cmd}: the bad record is reported: {e}");
            if json_out {
                // JSON decodes to the exact original strings.
                let mut all = Vec::new();
                strings(&serde_json::from_str(&o).unwrap(), &mut all);
                assert!(all.contains(&ht()), "{cmd}: the justification survives intact");
                assert!(all.contains(&format!("bob{HS}")), "{cmd}: the approver survives intact");
            }
        }
    }
}
