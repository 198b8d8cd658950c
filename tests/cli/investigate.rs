//! `trailhound investigate` end to end. On the sample case (`samples/SCENARIO.md`): sara's AdministratorAccess
//! session identity — her StopLogging, and down the chain her DemoRole1 session's AttachRolePolicy calls and trust
//! policy change — and the outside account's session in `vendor-audit` after that change. Then a hand-written
//! story with hostile values in every field a command is prefilled from. Expectations are written from the stories
//! (and `docs/investigate.md`'s score table), not copied from the output.

use crate::support::hostile::raw_hazard;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case");
const SARA: &str = "identity:arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef#sara";
const VENDOR: &str = "identity:arn:aws:iam::111122223333:role/vendor-audit#audit";

fn run(args: &[&str], home: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("TRAILHOUND_CASE")
        .env_remove("TRAILHOUND_GEOIP")
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_DATA_HOME", home)
        .output()
        .expect("run trailhound")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

fn json_of(args: &[&str], home: &Path) -> Value {
    serde_json::from_str(&stdout(&run(args, home))).expect("JSON on stdout")
}

fn strs(v: &Value, f: impl Fn(&Value) -> String) -> Vec<String> {
    v.as_array().unwrap().iter().map(f).collect()
}

fn action<'a>(v: &'a Value, kind: &str) -> Vec<&'a Value> {
    v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["remedy"]["kind"] == kind)
        .collect()
}

#[test]
fn sara_stops_the_trail_and_her_chain_opens_the_vendor_role() {
    let home = tempfile::tempdir().unwrap();
    let v = json_of(&["investigate", "-i", SAMPLE, SARA, "--json"], home.path());
    // Default scope: the whole hour of her last activity in AdministratorAccess (14:20:31 AssumeRole).
    assert_eq!(v["scope"]["from"], "2026-11-05T14:00:00Z");
    assert_eq!(v["scope"]["to"], "2026-11-05T15:00:00Z");
    // Own: StopLogging and the AssumeRole into DemoRole1 among her calls; the sign-in is the assumption that
    // created the session; down the chain DemoRole1 / sara's six calls (SCENARIO: 14:22 .. 14:48:53).
    assert_eq!(v["events"]["assumptions"], 1);
    assert_eq!(v["events"]["chain"], 6);
    assert_eq!(v["origins"][0]["kind"], "identity-center-user");
    assert_eq!(v["origins"][0]["name"], "sara");

    // Techniques: StopLogging is defense evasion T1562.008 (her own call); the AttachRolePolicy calls (one denied)
    // and the trust change are T1098.003, down the chain.
    let tactics = strs(&v["techniques"], |t| {
        t["tactic"].as_str().unwrap_or("untagged").to_string()
    });
    assert_eq!(tactics, ["persistence", "privilege-escalation", "defense-evasion"]);
    let evasion = &v["techniques"][2]["techniques"][0];
    assert_eq!(evasion["technique"], "T1562.008");
    assert_eq!(evasion["events"][0]["event_name"], "StopLogging");
    assert_eq!(evasion["events"][0]["event_id"], "11165938-d63d-4cee-9aa2-d725fe82488d");
    assert_eq!(evasion["events"][0]["via"], "own");
    let escalation = &v["techniques"][1]["techniques"][0];
    assert_eq!(escalation["technique"], "T1098.003");
    assert_eq!(
        strs(&escalation["events"], |e| format!(
            "{} {} {}",
            e["event_name"].as_str().unwrap(),
            e["via"].as_str().unwrap(),
            e["error_code"].as_str().unwrap_or("-")
        )),
        [
            "AttachRolePolicy chain AccessDenied",
            "AttachRolePolicy chain -",
            "UpdateAssumeRolePolicy chain -"
        ]
    );

    // Nothing geographic is new for her, no address is listed anywhere, no denial of her own.
    assert!(v["flagged_addresses"].as_array().unwrap().is_empty());
    assert!(v["impossible_travel"].as_array().unwrap().is_empty());
    assert!(v["new_geolocations"].as_array().unwrap().is_empty());
    assert_eq!(v["denied"]["denied"], 0);

    // Related: the StopLogging finding names her session key; the Access Analyzer finding's access was granted by
    // the trust change down her chain.
    assert_eq!(
        strs(&v["related_findings"], |f| format!(
            "{} {} {}",
            f["id"].as_str().unwrap(),
            f["relation"].as_str().unwrap(),
            f["on"].as_str().unwrap()
        )),
        [
            "5ac5b1a1f0e2d3c4b5a6978877665544 own-access-key ASIASARAADMIN0000001",
            "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f policy-write e7066680-1668-4eaf-9f1a-3abd1a44fccb"
        ]
    );

    // Score (docs/investigate.md §4): three high rules 25 each capped at 60, the low one 0 after the cap; the Low
    // GuardDuty finding 5, the Access Analyzer finding 20: 85, critical.
    assert_eq!(v["severity"]["score"], 85);
    assert_eq!(v["severity"]["level"], "critical");

    // Actions: the trail back on in its home region; the trust policy cannot be restored from the logs (no
    // earlier document); the ReadOnlyAccess attachment undone; DemoRole1's sessions revoked up to 14:20:31's; the
    // Identity Center role only explained.
    let trail = action(&v, "reenable-trail");
    assert_eq!(trail.len(), 1);
    assert_eq!(
        trail[0]["command"],
        "aws cloudtrail start-logging --name 'arn:aws:cloudtrail:us-east-1:111122223333:trail/demo-trail-2' --region 'us-east-1'"
    );
    let trust = action(&v, "restore-trust-policy");
    assert_eq!(trust.len(), 1);
    assert_eq!(trust[0]["remedy"]["role_name"], "vendor-audit");
    assert!(trust[0]["command"].is_null());
    assert!(
        trust[0]["not_prefilled"]
            .as_str()
            .unwrap()
            .contains("not in the loaded logs")
    );
    let detach = action(&v, "detach-role-policy");
    assert_eq!(detach.len(), 1, "the denied attempt on DemoRole1 changed nothing");
    assert_eq!(
        detach[0]["command"],
        "aws iam detach-role-policy --role-name 'vendor-audit' --policy-arn 'arn:aws:iam::aws:policy/ReadOnlyAccess'"
    );
    let revoke = action(&v, "revoke-role-sessions");
    assert_eq!(
        strs(&revoke.iter().map(|a| (*a).clone()).collect::<Value>(), |a| format!(
            "{} {}",
            a["remedy"]["role_name"].as_str().unwrap(),
            a["command"].is_string()
        )),
        [
            "DemoRole1 true",
            "AWSReservedSSO_AdministratorAccess_0123456789abcdef false"
        ]
    );
    assert_eq!(
        revoke[0]["command"],
        "aws iam put-role-policy --role-name 'DemoRole1' --policy-name 'AWSRevokeOlderSessions' --policy-document \
         '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"*\"],\"Resource\":[\"*\"],\
         \"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"2026-11-05T14:20:32Z\"}}}]}'"
    );
    // Everything was loaded but an intel list.
    assert_eq!(
        strs(&v["not_checked"], |n| n["kind"].as_str().unwrap().to_string()),
        ["no-intel-file"]
    );
}

#[test]
fn the_outside_account_uses_the_changed_trust_from_a_listed_address() {
    let home = tempfile::tempdir().unwrap();
    let intel = home.path().join("bad-hosts.txt");
    std::fs::write(
        &intel,
        "# test list\n203.0.113.0/24 example hosting\nnot an address\n2001:db8::/32\n",
    )
    .unwrap();
    let out = run(
        &[
            "investigate",
            "-i",
            SAMPLE,
            VENDOR,
            "--intel",
            intel.to_str().unwrap(),
            "--json",
        ],
        home.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad-hosts.txt:3: skipped"), "{stderr}");
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["scope"]["from"], "2026-11-05T16:00:00Z");
    // The AssumeRole by account 999988887777 is the assumption; ListBuckets, 40 GetObject and ListRoles its own.
    assert_eq!(v["events"]["own"], 42);
    assert_eq!(v["events"]["assumptions"], 1);
    assert_eq!(v["origins"][0]["kind"], "aws-account");
    assert_eq!(v["origins"][0]["account"], "999988887777");

    let f = &v["flagged_addresses"];
    assert_eq!(f.as_array().unwrap().len(), 1);
    assert_eq!(f[0]["ip"], "203.0.113.77");
    assert_eq!(f[0]["intel"][0]["entry"], "203.0.113.0/24");
    assert_eq!(f[0]["intel"][0]["label"], "example hosting");
    assert_eq!(f[0]["guardduty"][0]["finding_id"], "8ec5b1a2c3d4e5f60718293a4b5c6d7e");
    assert_eq!(f[0]["guardduty"][0]["threat_list_name"], "ProofPoint");

    let tactics = strs(&v["techniques"], |t| {
        t["tactic"].as_str().unwrap_or("untagged").to_string()
    });
    assert_eq!(
        tactics,
        ["initial-access", "lateral-movement", "collection", "exfiltration"]
    );
    assert_eq!(v["techniques"][0]["techniques"][0]["events"][0]["via"], "assumption");
    assert_eq!(v["techniques"][2]["techniques"][0]["event_count"], 40);

    assert_eq!(
        strs(&v["related_findings"], |f| format!(
            "{} {}",
            f["id"].as_str().unwrap(),
            f["relation"].as_str().unwrap()
        )),
        [
            "8ec5b1a2c3d4e5f60718293a4b5c6d7e own-access-key",
            "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f access-used"
        ]
    );
    // Two medium rules 10 + 10, the address 30, the Medium GuardDuty finding 15, the access used 20: 85.
    assert_eq!(v["severity"]["score"], 85);
    // The trust change that let them in is in the actions (from the finding's policy write), not restorable from
    // the logs; the role's sessions are revoked up to the vendor's (issued 16:02:44).
    let trust = action(&v, "restore-trust-policy");
    assert_eq!(trust[0]["evidence"][0]["via"], "grant");
    assert_eq!(
        trust[0]["evidence"][0]["event_id"],
        "e7066680-1668-4eaf-9f1a-3abd1a44fccb"
    );
    let revoke = action(&v, "revoke-role-sessions");
    assert_eq!(revoke[0]["remedy"]["issued_before"], "2026-11-05T16:02:45Z");
    // No history for the vendor's identity (new behaviour not judged); the chain starts in an unloaded account.
    let kinds = strs(&v["not_checked"], |n| n["kind"].as_str().unwrap().to_string());
    assert_eq!(kinds, ["in-training", "outside-logs-not-loaded"]);
}

fn record(time: &str, id: &str, source: &str, name: &str, params: Value, response: Value) -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAMALLORY0000000001",
            "arn": "arn:aws:iam::111122223333:user/mallory", "accountId": "111122223333",
            "accessKeyId": "AKIAMALLORY000000001", "userName": "mallory"},
        "eventTime": time, "eventSource": source, "eventName": name, "awsRegion": "eu-west-1",
        "sourceIPAddress": "203.0.113.9", "userAgent": "aws-cli/2.15.30",
        "requestParameters": params, "responseElements": response,
        "eventID": id, "readOnly": false, "eventType": "AwsApiCall", "managementEvent": true,
        "recipientAccountId": "111122223333", "eventCategory": "Management"
    })
}

const OLD_TRUST: &str = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/x\":\"it's $(id)\"}}}]}";

/// Mallory's hour: two trails stopped (one name a shell injection, one a terminal escape), a trust policy
/// replaced on a role whose name holds a quote (the previous document is the role's CreateRole, before the
/// scope), a user created with `$(…)` in its name and a key for it.
fn hostile_case(dir: &Path) -> std::path::PathBuf {
    let iam = "iam.amazonaws.com";
    let records = vec![
        record(
            "2026-11-05T09:00:00Z",
            "00000000-0000-4000-8000-000000000001",
            iam,
            "CreateRole",
            json!({"roleName": "ops'role", "assumeRolePolicyDocument": OLD_TRUST}),
            json!(null),
        ),
        record(
            "2026-11-05T10:05:00Z",
            "00000000-0000-4000-8000-000000000002",
            "cloudtrail.amazonaws.com",
            "StopLogging",
            json!({"name": "trail'; rm -rf ~ #"}),
            json!(null),
        ),
        record(
            "2026-11-05T10:06:00Z",
            "00000000-0000-4000-8000-000000000003",
            "cloudtrail.amazonaws.com",
            "StopLogging",
            json!({"name": "evil\u{1b}]0;pwn\u{7}trail"}),
            json!(null),
        ),
        record(
            "2026-11-05T10:10:00Z",
            "00000000-0000-4000-8000-000000000004",
            iam,
            "UpdateAssumeRolePolicy",
            json!({"roleName": "ops'role", "policyDocument": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"},\"Action\":\"sts:AssumeRole\"}]}"}),
            json!(null),
        ),
        record(
            "2026-11-05T10:20:00Z",
            "00000000-0000-4000-8000-000000000005",
            iam,
            "CreateUser",
            json!({"userName": "back$(door)"}),
            json!({"user": {"userName": "back$(door)"}}),
        ),
        record(
            "2026-11-05T10:21:00Z",
            "00000000-0000-4000-8000-000000000006",
            iam,
            "CreateAccessKey",
            json!({"userName": "back$(door)"}),
            json!({"accessKey": {"userName": "back$(door)", "accessKeyId": "AKIABACKDOOR00000001", "status": "Active"}}),
        ),
        record(
            "2026-11-05T10:30:00Z",
            "00000000-0000-4000-8000-000000000007",
            "sts.amazonaws.com",
            "AssumeRole",
            json!({"roleArn": "arn:aws:iam::111122223333:role/ops'role", "roleSessionName": "m"}),
            json!({"credentials": {"accessKeyId": "ASIAMALLORYSESSION01", "expiration": "Nov 5, 2026, 11:30:00 AM"},
                   "assumedRoleUser": {"assumedRoleId": "AROAOPSROLEEXAMPLE01:m",
                                       "arn": "arn:aws:sts::111122223333:assumed-role/ops'role/m"}}),
        ),
    ];
    // The first trail is started again later (the action still stands: check it is logging).
    let mut records = records;
    records.push(record(
        "2026-11-05T10:40:00Z",
        "00000000-0000-4000-8000-000000000009",
        "cloudtrail.amazonaws.com",
        "StartLogging",
        json!({"name": "trail'; rm -rf ~ #"}),
        json!(null),
    ));
    // The session mallory's key started makes one call: down the chain.
    let mut call = record(
        "2026-11-05T10:31:00Z",
        "00000000-0000-4000-8000-000000000008",
        "s3.amazonaws.com",
        "ListBuckets",
        json!({}),
        json!(null),
    );
    call["userIdentity"] = json!({"type": "AssumedRole", "principalId": "AROAOPSROLEEXAMPLE01:m",
        "arn": "arn:aws:sts::111122223333:assumed-role/ops'role/m", "accountId": "111122223333",
        "accessKeyId": "ASIAMALLORYSESSION01",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAOPSROLEEXAMPLE01",
            "arn": "arn:aws:iam::111122223333:role/ops'role", "accountId": "111122223333", "userName": "ops'role"},
            "attributes": {"creationDate": "2026-11-05T10:30:00Z", "mfaAuthenticated": "false"}}});
    records.push(call);
    let path = dir.join("hostile.json");
    std::fs::write(&path, serde_json::to_vec(&json!({ "Records": records })).unwrap()).unwrap();
    path
}

#[test]
fn hostile_values_are_quoted_or_refused_never_run_or_shown_raw() {
    let home = tempfile::tempdir().unwrap();
    let input = hostile_case(home.path());
    // An intel label is hostile text too.
    let intel = home.path().join("intel.txt");
    std::fs::write(&intel, "203.0.113.9 \u{1b}]0;pwn\u{7}tor\u{202e}exit\n").unwrap();
    let args = [
        "investigate",
        "-i",
        input.to_str().unwrap(),
        "AKIAMALLORY000000001",
        "--scope",
        "2026-11-05T10:00:00Z..2026-11-05T11:00:00Z",
        "--intel",
        intel.to_str().unwrap(),
    ];
    let raw = stdout(&run(&[&args[..], &["--json"]].concat(), home.path()));
    assert!(!raw.chars().any(raw_hazard), "JSON carries no raw hazard");
    let v: Value = serde_json::from_str(&raw).unwrap();

    assert_eq!(
        v["flagged_addresses"][0]["intel"][0]["label"],
        "\u{1b}]0;pwn\u{7}tor\u{202e}exit"
    );
    let trails = action(&v, "reenable-trail");
    assert_eq!(trails.len(), 2);
    assert_eq!(
        trails[0]["command"],
        "aws cloudtrail start-logging --name 'trail'\\''; rm -rf ~ #' --region 'eu-west-1'"
    );
    assert!(
        trails[0]["why"]
            .as_str()
            .unwrap()
            .contains("a later StartLogging at 2026-11-05T10:40:00Z started it again"),
        "{}",
        trails[0]["why"]
    );
    assert!(trails[1]["why"].as_str().unwrap().contains("no later StartLogging"));
    assert!(trails[1]["command"].is_null());
    assert!(trails[1]["not_prefilled"].as_str().unwrap().contains("control"));
    // The value itself is kept exactly in the JSON (escaped by the inert writer).
    assert_eq!(trails[1]["remedy"]["trail"], "evil\u{1b}]0;pwn\u{7}trail");

    let trust = action(&v, "restore-trust-policy");
    assert_eq!(trust.len(), 1);
    assert_eq!(trust[0]["remedy"]["role_name"], "ops'role");
    assert_eq!(
        trust[0]["remedy"]["previous_event_id"],
        "00000000-0000-4000-8000-000000000001"
    );
    assert_eq!(trust[0]["remedy"]["previous_document"], OLD_TRUST);
    assert_eq!(
        trust[0]["command"].as_str().unwrap(),
        format!(
            "aws iam update-assume-role-policy --role-name 'ops'\\''role' --policy-document '{}'",
            OLD_TRUST.replace('\'', "'\\''")
        )
    );

    let keys = action(&v, "delete-access-key");
    assert_eq!(keys.len(), 1);
    assert_eq!(
        keys[0]["command"],
        "aws iam delete-access-key --user-name 'back$(door)' --access-key-id 'AKIABACKDOOR00000001'"
    );
    // StopLogging (high) alone puts the severity at medium or above: mallory's own key is deactivated.
    let own = action(&v, "deactivate-access-key");
    assert_eq!(own.len(), 1);
    assert_eq!(
        own[0]["command"],
        "aws iam update-access-key --user-name 'mallory' --access-key-id 'AKIAMALLORY000000001' --status 'Inactive'"
    );

    // The role session mallory's key started is down the chain, and its role's sessions are revoked up to it
    // (issued 10:30:00), the role name quoted.
    assert_eq!(v["events"]["chain"], 1);
    let revoke = action(&v, "revoke-role-sessions");
    assert_eq!(revoke.len(), 1);
    assert_eq!(revoke[0]["remedy"]["issued_before"], "2026-11-05T10:30:01Z");
    assert!(
        revoke[0]["command"]
            .as_str()
            .unwrap()
            .starts_with("aws iam put-role-policy --role-name 'ops'\\''role' --policy-name 'AWSRevokeOlderSessions'"),
        "{}",
        revoke[0]["command"]
    );

    let text = stdout(&run(&args, home.path()));
    assert!(!text.chars().any(raw_hazard), "text output carries no raw hazard");
    assert!(
        text.contains("not prefilled: the value for --name holds control"),
        "{text}"
    );
    assert!(
        text.contains("\\u{1b}]0;pwn\\u{7}tor\\u{202e}exit"),
        "the label shows escaped:\n{text}"
    );
}

/// `tests/data/behavior/continents.json.gz` (its `make.py`): mia reads in ReadOnly from Bellevue at 14:10, and 25
/// minutes later her Admin permission set in 444455556666 creates an access key from Frankfurt. With the demo
/// geolocation databases the hop is impossible travel; the key's user is not in the record, so the delete command
/// is not prefilled rather than guessed.
#[test]
fn impossible_travel_scores_and_an_unnamed_key_is_not_guessed() {
    let home = tempfile::tempdir().unwrap();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/behavior/continents.json.gz");
    let geo = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case/geoip");
    let mia = "identity:arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_2222222222222222#mia";
    let v = json_of(&["investigate", "-i", data, "--geoip", geo, mia, "--json"], home.path());
    let t = &v["impossible_travel"];
    assert_eq!(t.as_array().unwrap().len(), 1);
    assert_eq!(t[0]["start"]["ip"], "198.51.100.23");
    assert_eq!(t[0]["end"]["ip"], "203.0.113.77");
    assert_eq!(t[0]["start"]["time"], "2026-11-05T14:10:00Z");
    assert_eq!(t[0]["end"]["time"], "2026-11-05T14:35:00Z");
    let lines = strs(&v["severity"]["lines"], |l| {
        format!("{} {}", l["indicator"].as_str().unwrap(), l["points"])
    });
    // The access-key rule is medium (10); one impossible trip 25.
    assert_eq!(lines, ["technique 10", "impossible-travel 25"]);
    assert_eq!(v["severity"]["level"], "medium");
    let key = action(&v, "delete-access-key");
    assert_eq!(key.len(), 1);
    assert!(key[0]["remedy"]["user_name"].is_null());
    assert!(key[0]["command"].is_null());
    assert!(key[0]["not_prefilled"].as_str().unwrap().contains("names no user"));
}

/// `--rules DIR --no-builtin-rules`: the user's rule is the only technique (the vendor's ListBuckets, tagged
/// discovery / T1619); a rule file that does not parse is named on stderr and the rest still runs.
#[test]
fn user_rules_replace_the_built_in_set_and_bad_ones_are_named() {
    let home = tempfile::tempdir().unwrap();
    let rules = home.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("lb.yml"),
        "title: Any ListBuckets\nid: 11111111-2222-4333-8444-555555555555\nstatus: test\ntags:\n    - attack.discovery\n    - attack.t1619\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n    sel:\n        eventName: ListBuckets\n    condition: sel\nlevel: medium\n",
    )
    .unwrap();
    std::fs::write(rules.join("bad.yml"), "not: [valid").unwrap();
    let out = run(
        &[
            "investigate",
            "-i",
            SAMPLE,
            VENDOR,
            "--rules",
            rules.to_str().unwrap(),
            "--no-builtin-rules",
            "--json",
        ],
        home.path(),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.yml"));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        strs(&v["techniques"], |t| t["tactic"].as_str().unwrap().to_string()),
        ["discovery"]
    );
    let t = &v["techniques"][0]["techniques"][0];
    assert_eq!(t["technique"], "T1619");
    assert_eq!(t["events"][0]["event_name"], "ListBuckets");
    assert_eq!(t["rules"][0]["title"], "Any ListBuckets");
}
