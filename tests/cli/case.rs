//! The case commands end to end through the real binary: create, note (args and stdin), edit with history,
//! star, tag, verdict, show, list --json (the documented schema), export to a file, and errors.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");

fn th(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .arg("--case")
        .arg(dir)
        .env("TRAILHOUND_AUTHOR", "ir-oncall");
    cmd.output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = th(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn headless_case_workflow() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();

    // Missing case: an error on stderr, non-zero exit.
    let out = th(&dir, &["note", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no case here"));

    let logs_s = logs.to_str().unwrap();
    ok(
        &dir,
        &[
            "case",
            "new",
            "-i",
            logs_s,
            "--scope",
            "2026-11-05T14:00:00Z..2026-11-05T15:00:00Z",
        ],
    );
    let out = th(&dir, &["case", "new"]);
    assert!(!out.status.success(), "creating twice must fail");
    let out = th(&dir, &["case", "add-input", "-i", "/definitely/not/here"]);
    assert!(!out.status.success(), "a missing input path is refused");

    let id = ok(
        &dir,
        &["note", "add", "session:ASIASARAADMIN0000001", "Stopped demo-trail-2."],
    );
    assert_eq!(id.trim(), "note 1");
    // Text from stdin, multi-line.
    let mut child = Command::new(BIN)
        .args(["note", "add", "--json", "session:ASIADEMOROLE10000001", "-", "--case"])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"RunInstances t3.xlarge\nAttachRolePolicy denied\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(added["text"], "RunInstances t3.xlarge\nAttachRolePolicy denied");
    assert_eq!(added["id"], 2);

    ok(&dir, &["note", "edit", "1", "Stopped demo-trail-2 at 14:12:07."]);
    // Editing from a stale base keeps both texts.
    let out = th(&dir, &["note", "edit", "1", "--base", "1", "from an old copy"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("kept too"));
    let hist: serde_json::Value = serde_json::from_str(&ok(&dir, &["note", "history", "1", "--json"])).unwrap();
    let kinds: Vec<&str> = hist
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["create", "edit", "conflict"]);

    ok(&dir, &["star", "session:ASIADEMOROLE10000001"]);
    ok(&dir, &["star", "event:a0ed971f-389f-406a-9fcf-887c5ca6903a"]);
    ok(&dir, &["unstar", "event:a0ed971f-389f-406a-9fcf-887c5ca6903a"]);
    ok(&dir, &["tag", "session:ASIADEMOROLE10000001", "persistence"]);
    ok(&dir, &["verdict", "session:ASIADEMOROLE10000001", "malicious"]);
    let out = th(&dir, &["verdict", "session:ASIADEMOROLE10000001", "evil"]);
    assert!(!out.status.success());
    let out = th(&dir, &["star", "planet:mars"]);
    assert!(!out.status.success());

    let list: serde_json::Value = serde_json::from_str(&ok(&dir, &["note", "list", "--json"])).unwrap();
    let notes = list.as_array().unwrap();
    assert_eq!(notes.len(), 2);
    let n = &notes[0];
    let mut keys: Vec<&str> = n.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "author",
            "conflict_with",
            "created",
            "deleted",
            "entity",
            "id",
            "rev",
            "text",
            "updated",
            "updated_by"
        ]
    );
    assert_eq!(n["entity"], "session:ASIASARAADMIN0000001");
    assert_eq!(n["author"], "ir-oncall");
    assert_eq!(n["rev"], 3);
    assert_eq!(n["conflict_with"], 2);
    assert!(n["created"].as_str().unwrap().ends_with('Z'));
    let only: serde_json::Value = serde_json::from_str(&ok(
        &dir,
        &["note", "list", "--json", "--entity", "session:ASIADEMOROLE10000001"],
    ))
    .unwrap();
    assert_eq!(only.as_array().unwrap().len(), 1);

    ok(&dir, &["note", "delete", "2"]);
    assert!(ok(&dir, &["note", "list"]).contains("#1"));
    assert!(!ok(&dir, &["note", "list"]).contains("#2"));
    assert!(ok(&dir, &["note", "list", "--deleted"]).contains("[deleted]"));

    let show: serde_json::Value = serde_json::from_str(&ok(&dir, &["case", "show", "--json"])).unwrap();
    assert_eq!(show["scope"]["from"], "2026-11-05T14:00:00Z");
    assert_eq!(show["inputs"][0]["kind"], "path");
    assert_eq!(show["stars"], serde_json::json!(["session:ASIADEMOROLE10000001"]));
    assert_eq!(show["verdicts"][0]["verdict"], "malicious");

    let report = tmp.path().join("out/report.md");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    let out = th(&dir, &["export", "--format", "md", "-o", report.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(md.contains("### session:ASIADEMOROLE10000001"));
    assert!(md.contains("**Verdict:** malicious (by ir-oncall"));
    // The newest text is the conflicting edit; the report says a conflict needs reconciling.
    assert!(md.contains("> from an old copy"));
    assert!(md.contains("**Edit conflict:**"));
    assert!(md.contains("| Data | 0 events from 0 files"));
    let json: serde_json::Value = serde_json::from_str(&ok(&dir, &["export", "--format", "json"])).unwrap();
    assert_eq!(json["version"], 1);
    let csv = ok(&dir, &["export", "--format", "csv"]);
    assert!(csv.starts_with("time,event_id,account,region,principal,session,api,result"));
    let out = th(&dir, &["export", "--format", "pdf"]);
    assert!(!out.status.success());
}

fn record(time: &str, n: u32, source: &str, name: &str, identity: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": time,
        "eventSource": format!("{source}.amazonaws.com"),
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.23",
        "userAgent": "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off",
        "requestParameters": null,
        "responseElements": null,
        "requestID": format!("req-{n}"),
        "eventID": format!("a0ed971f-389f-406a-9fcf-{n:012x}"),
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management"
    })
}

fn role_session(role: &str, role_id: &str, key: &str, created: &str) -> serde_json::Value {
    let name = role.rsplit('/').next().unwrap();
    serde_json::json!({
        "type": "AssumedRole",
        "principalId": format!("{role_id}:sara"),
        "arn": format!("arn:aws:sts::111122223333:assumed-role/{name}/sara"),
        "accountId": "111122223333",
        "accessKeyId": key,
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "principalId": role_id, "arn": role,
                              "accountId": "111122223333", "userName": name},
            "attributes": {"creationDate": created, "mfaAuthenticated": "false"}
        }
    })
}

/// sara's incident-day chain (samples/SCENARIO.md) as CloudTrail records.
fn sara_records() -> serde_json::Value {
    let admin_role = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef";
    let demo_role = "arn:aws:iam::111122223333:role/DemoRole1";
    let admin = role_session(
        admin_role,
        "AROAADMINSSOEXAMPLE01",
        "ASIASARAADMIN0000001",
        "2026-11-05T14:05:12Z",
    );
    let demo = role_session(
        demo_role,
        "AROADEMOROLE1EXAMPLE",
        "ASIADEMOROLE10000001",
        "2026-11-05T14:20:31Z",
    );
    let provider = "arn:aws:iam::111122223333:saml-provider/AWSSSO_1a2b3c4d5e6f7a8b_DO_NOT_DELETE";
    let mut saml = record(
        "2026-11-05T14:05:12Z",
        1,
        "sts",
        "AssumeRoleWithSAML",
        serde_json::json!({"type": "SAMLUser", "principalId": "SAMLPRINCIPAL:sara", "userName": "sara",
                           "identityProvider": provider}),
    );
    saml["requestParameters"] =
        serde_json::json!({"roleArn": admin_role, "principalArn": provider, "durationSeconds": 3600});
    saml["responseElements"] = serde_json::json!({
        "credentials": {"accessKeyId": "ASIASARAADMIN0000001", "expiration": "Nov 5, 2026, 3:05:12 PM"},
        "assumedRoleUser": {"assumedRoleId": "AROAADMINSSOEXAMPLE01:sara",
            "arn": "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/sara"},
        "subject": "sara", "issuer": "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/EXAMPLE"
    });
    let mut stop = record("2026-11-05T14:12:07Z", 2, "cloudtrail", "StopLogging", admin.clone());
    stop["requestParameters"] =
        serde_json::json!({"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/demo-trail-2"});
    let mut hop = record("2026-11-05T14:20:31Z", 3, "sts", "AssumeRole", admin);
    hop["requestParameters"] =
        serde_json::json!({"roleArn": demo_role, "roleSessionName": "sara", "durationSeconds": 3600});
    hop["responseElements"] = serde_json::json!({
        "credentials": {"accessKeyId": "ASIADEMOROLE10000001", "expiration": "Nov 5, 2026, 3:20:31 PM"},
        "assumedRoleUser": {"assumedRoleId": "AROADEMOROLE1EXAMPLE:sara",
                            "arn": "arn:aws:sts::111122223333:assumed-role/DemoRole1/sara"}
    });
    let run = record("2026-11-05T14:25:40Z", 4, "ec2", "RunInstances", demo.clone());
    let mut denied = record("2026-11-05T14:31:02Z", 5, "iam", "AttachRolePolicy", demo.clone());
    denied["errorCode"] = "AccessDenied".into();
    denied["errorMessage"] = "User is not authorized to perform: iam:AttachRolePolicy".into();
    let trust = record("2026-11-05T14:40:09Z", 6, "iam", "UpdateAssumeRolePolicy", demo);
    serde_json::json!({ "Records": [saml, stop, hop, run, denied, trust] })
}

/// The whole path with real ingest and the session graph: notes on sara's sessions, export shows her evidence
/// and her chain.
#[test]
fn export_from_loaded_cloudtrail() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("trail.json"), serde_json::to_vec(&sara_records()).unwrap()).unwrap();
    let geo = tmp.path().join("no-geoip");
    std::fs::create_dir_all(&geo).unwrap();
    ok(
        &dir,
        &[
            "case",
            "new",
            "-i",
            logs.to_str().unwrap(),
            "--scope",
            "2026-11-05T14:00:00Z..2026-11-05T15:00:00Z",
        ],
    );
    ok(
        &dir,
        &[
            "note",
            "add",
            "session:ASIADEMOROLE10000001",
            "Opened vendor-audit's trust policy.",
        ],
    );
    ok(&dir, &["star", "session:ASIASARAADMIN0000001"]);
    ok(&dir, &["verdict", "session:ASIADEMOROLE10000001", "malicious"]);

    let geo_s = geo.to_str().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&ok(&dir, &["export", "--format", "json", "--geoip", geo_s])).unwrap();
    assert_eq!(json["data"]["events"], 6);
    let entities = json["entities"].as_array().unwrap();
    assert_eq!(entities[0]["entity"], "session:ASIASARAADMIN0000001");
    let demo = &entities[1];
    assert_eq!(demo["entity"], "session:ASIADEMOROLE10000001");
    let apis: Vec<&str> = demo["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["api"].as_str().unwrap())
        .collect();
    assert_eq!(
        apis,
        [
            "sts:AssumeRole",
            "ec2:RunInstances",
            "iam:AttachRolePolicy",
            "iam:UpdateAssumeRolePolicy"
        ]
    );
    assert_eq!(demo["evidence"][2]["result"], "AccessDenied");
    // The chain from the session graph: sara's SAML origin, her admin session, then DemoRole1.
    let nodes: Vec<&str> = demo["chain"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert_eq!(nodes.len(), 3, "{nodes:?}");
    assert!(nodes[0].contains("sara"), "{nodes:?}");
    assert!(
        nodes[1].starts_with("AWSReservedSSO_AdministratorAccess_0123456789abcdef / sara"),
        "{nodes:?}"
    );
    assert!(nodes[2].starts_with("DemoRole1 / sara"), "{nodes:?}");
    let edges = demo["chain"]["edges"].as_array().unwrap();
    assert_eq!(edges[1]["label"], "AssumeRole");
    assert_eq!(edges[1]["rule"], "access-key");
    assert_eq!(
        demo["detective_url"],
        "https://console.aws.amazon.com/detective/home?region=us-east-1#entities/AwsRoleSession/AROADEMOROLE1EXAMPLE:sara?scopeStart=1793887200&scopeEnd=1793890800"
    );

    let md = ok(&dir, &["export", "--format", "md", "--geoip", geo_s]);
    assert!(md.contains("```mermaid\nflowchart LR\n"));
    assert!(md.contains("-->|\"AssumeRole (access-key)\"|"));
    let jsonl = ok(&dir, &["export", "--format", "jsonl", "--geoip", geo_s]);
    assert_eq!(jsonl.lines().count(), 6);
    let csv = ok(&dir, &["export", "--format", "csv", "--geoip", geo_s]);
    assert_eq!(csv.lines().count(), 7);

    // With the sample's geolocation databases, evidence rows carry the place.
    let demo_geo = tmp.path().join("geoip");
    trailhound::demo::geoip::write_demo_geoip(&demo_geo).unwrap();
    let json: serde_json::Value = serde_json::from_str(&ok(
        &dir,
        &["export", "--format", "json", "--geoip", demo_geo.to_str().unwrap()],
    ))
    .unwrap();
    let place = json["timeline"][0]["place"].as_str().unwrap();
    assert!(place.starts_with("Bellevue, "), "{place}");
    assert!(place.contains("US") && place.contains("AS64501"), "{place}");
}

/// Without --case, each input set has its own default case: the TUI's (`case_io::case_dir`) and the CLI's
/// (`--case-of`) are the same folder, notes about one incident stay out of another's, and `case list` finds them.
#[test]
fn each_input_set_has_its_own_default_case() {
    let data = tempfile::tempdir().unwrap();
    let (incident_a, incident_b) = (data.path().join("incident-a"), data.path().join("incident-b"));
    std::fs::create_dir_all(&incident_a).unwrap();
    std::fs::create_dir_all(&incident_b).unwrap();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .env("XDG_DATA_HOME", home.path())
            .env("HOME", home.path())
            .env_remove("TRAILHOUND_CASE")
            .env("TRAILHOUND_AUTHOR", "ir-oncall")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let (a, b) = (incident_a.to_str().unwrap(), incident_b.to_str().unwrap());
    run(&["case", "new", "--case-of", a, "-i", a]);
    run(&["case", "new", "--case-of", b, "-i", b]);
    run(&[
        "note",
        "add",
        "--case-of",
        a,
        "account:111122223333",
        "about incident a",
    ]);
    let notes_b = run(&["note", "list", "--case-of", b, "--json"]);
    assert!(!notes_b.contains("about incident a"), "{notes_b}");
    let notes_a = run(&["note", "list", "--case-of", a, "--json"]);
    assert!(notes_a.contains("about incident a"), "{notes_a}");

    let list: serde_json::Value = serde_json::from_str(&run(&["case", "list", "--json"])).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let of = |name: &str| {
        list.iter()
            .find(|c| c["inputs"][0].as_str().is_some_and(|i| i.ends_with(name)))
            .unwrap_or_else(|| panic!("no case for {name}: {list:?}"))
    };
    assert_eq!(of("incident-a")["notes"], 1);
    assert_eq!(of("incident-b")["notes"], 0);
    // The TUI opened on incident-a's folder uses exactly that case: the same name under the same cases folder.
    let dir = std::path::PathBuf::from(of("incident-a")["dir"].as_str().unwrap());
    let tui = trailhound::tui::case_io::case_dir(None, std::slice::from_ref(&incident_a)).unwrap();
    assert_eq!(tui.file_name(), dir.file_name());
    assert_eq!(
        dir.file_name().and_then(|n| n.to_str()),
        Some(trailhound::core::case::input_set_name(&[incident_a]).as_str())
    );
    assert_eq!(
        dir.parent(),
        Some(home.path().join("trailhound").join("cases").as_path())
    );
}
