//! Golden outputs of the headless commands on the bundled sample case (`samples/case`, see samples/SCENARIO.md):
//! `ingest`, `trace` of sara's DemoRole1 session and of the vendor's session, and `role`, as JSON snapshots, each
//! with expectations written from the story first.

use std::process::Command;

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run trailhound");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn ingest_summary_of_the_sample() {
    let json = run(&["ingest", "-i", "samples/case", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["events"], 20000);
    assert_eq!(v["errors_total"], 0);
    insta::assert_snapshot!("ingest_sample", json);
}

#[test]
fn trace_of_saras_demorole1_session() {
    let json = run(&["trace", "-i", "samples/case", "ASIADEMOROLE10000001", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["origin"]["kind"], "identity-center-user");
    assert_eq!(v["origin"]["name"], "sara");
    assert_eq!(v["chain"][0]["access_key_id"], "ASIASARAADMIN0000001");
    insta::assert_snapshot!("trace_demorole1", json);
}

#[test]
fn trace_by_principal_id_and_scope_selects_one_session() {
    let json = run(&[
        "trace",
        "-i",
        "samples/case",
        "AROAADMINSSOEXAMPLE01:sara",
        "--scope",
        "2026-11-05T14:00:00Z..2026-11-05T15:00:00Z",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["session"]["access_key_id"], "ASIASARAADMIN0000001");
    assert_eq!(v["children"][0]["access_key_id"], "ASIADEMOROLE10000001");
    insta::assert_snapshot!("trace_sara_admin_in_scope", json);
}

#[test]
fn trace_of_the_vendor_session_is_honest_about_the_unloaded_account() {
    let json = run(&["trace", "-i", "samples/case", "ASIAVENDORAUDIT00001", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["origin"]["kind"], "aws-account");
    assert_eq!(v["origin"]["logs_loaded"], false);
    insta::assert_snapshot!("trace_vendor", json);
}

/// The role profile of DemoRole1 against the story in samples/SCENARIO.md, every expectation taken from the story
/// (not from the tool's output): only sara, through her Identity Center AdministratorAccess role, ever assumes
/// DemoRole1 (session name `sara`, no source identity), about twice a week over the baseline and once on the
/// incident day; DemoRole1 assumes nothing itself; the incident session is `ASIADEMOROLE10000001`, assumed at
/// 14:20:31 and making six calls up to 14:48:53. The snapshot below then pins every other byte.
#[test]
fn role_profile_of_demorole1() {
    const ACCOUNT: &str = "111122223333";
    const ROLE: &str = "arn:aws:iam::111122223333:role/DemoRole1";
    const SARA_SSO: &str = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/\
                            AWSReservedSSO_AdministratorAccess_0123456789abcdef";
    let json = run(&["role", "-i", "samples/case", "DemoRole1", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ts = |v: &serde_json::Value| v.as_str().unwrap().to_string();

    assert_eq!(
        v["role_arns"],
        serde_json::json!([ROLE]),
        "one DemoRole1 in the organisation"
    );
    assert_eq!(
        v["assumed_roles"],
        serde_json::json!([]),
        "DemoRole1 sessions assume no role"
    );

    // Who assumes it: sara's Identity Center role, nobody else (the vendor assumes vendor-audit, not DemoRole1).
    let by = v["assumed_by"].as_array().unwrap();
    assert_eq!(by.len(), 1, "{by:?}");
    assert_eq!(by[0]["kind"], "role");
    assert_eq!(by[0]["arn"], SARA_SSO);
    assert_eq!(by[0]["name"], "AWSReservedSSO_AdministratorAccess_0123456789abcdef");
    assert_eq!(by[0]["account"], ACCOUNT);
    assert_eq!(by[0]["last"], "2026-11-05T14:20:31Z", "the incident-day AssumeRole");

    // Her sessions: one per assumption, all the behavioural identity "DemoRole1 / sara".
    let sessions = v["sessions"].as_array().unwrap();
    assert_eq!(
        by[0]["count"].as_u64(),
        Some(sessions.len() as u64),
        "one session per AssumeRole"
    );
    let keys: std::collections::HashSet<&str> = sessions.iter().map(|s| s["access_key_id"].as_str().unwrap()).collect();
    assert_eq!(keys.len(), sessions.len(), "a fresh key per assumption");
    for s in sessions {
        assert_eq!(s["role_arn"], ROLE, "{s}");
        assert_eq!(s["account"], ACCOUNT, "{s}");
        assert_eq!(s["session_name"], "sara", "{s}");
        assert_eq!(s["principal_id"], "AROADEMOROLE1EXAMPLE:sara", "{s}");
        assert_eq!(s["arn"], "arn:aws:sts::111122223333:assumed-role/DemoRole1/sara", "{s}");
        assert_eq!(s["source_identity"], serde_json::Value::Null, "{s}");
        assert!(
            s["calls_total"].as_u64().unwrap() >= 1,
            "she calls DescribeInstances each time: {s}"
        );
        assert!(ts(&s["first_seen"]) <= ts(&s["last_seen"]), "{s}");
    }
    assert_eq!(
        ts(&by[0]["first"]),
        ts(&sessions[0]["first_seen"]),
        "the first assumption opens the first session"
    );

    // Baseline: 2026-09-14 … 2026-11-04, about twice a week (7.4 weeks → roughly 15; allow 10–20), in her working
    // hours in Bellevue (UTC-7 until 1 November, UTC-8 after: 07:00–20:00 local is 14:00–04:00 UTC).
    let (baseline, incident): (Vec<_>, Vec<_>) = sessions
        .iter()
        .partition(|s| ts(&s["first_seen"]).as_str() < "2026-11-05");
    assert!(
        (10..=20).contains(&baseline.len()),
        "{} baseline sessions",
        baseline.len()
    );
    for s in &baseline {
        let first = ts(&s["first_seen"]);
        assert!(first.as_str() >= "2026-09-14", "{s}");
        let hour: u32 = first[11..13].parse().unwrap();
        assert!(!(4..14).contains(&hour), "outside her working hours: {s}");
    }

    // The incident day: exactly one session, the one the GuardDuty finding's chain leads to.
    assert_eq!(incident.len(), 1, "{incident:?}");
    let s = incident[0];
    assert_eq!(s["access_key_id"], "ASIADEMOROLE10000001");
    assert_eq!(s["first_seen"], "2026-11-05T14:20:31Z", "assumed at 14:20:31");
    assert_eq!(s["last_seen"], "2026-11-05T14:48:53Z", "the last DescribeInstances");
    // DescribeInstances, RunInstances, AttachRolePolicy (denied), AttachRolePolicy, UpdateAssumeRolePolicy,
    // DescribeInstances: a denied call is still a call.
    assert_eq!(s["calls_total"], 6);
    assert_eq!(
        sessions.last().unwrap()["access_key_id"],
        "ASIADEMOROLE10000001",
        "sessions in time order"
    );

    insta::assert_snapshot!("role_demorole1", json);
}

#[test]
fn ambiguous_principal_lists_candidates_instead_of_guessing() {
    let out = Command::new(env!("CARGO_BIN_EXE_trailhound"))
        .args(["trace", "-i", "samples/case", "AROAADMINSSOEXAMPLE01:sara"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sessions match") && err.contains("ASIASARAADMIN0000001"),
        "{err}"
    );
}
