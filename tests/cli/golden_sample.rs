//! Golden outputs of the headless commands on the bundled sample case (`samples/case`, see samples/SCENARIO.md):
//! `ingest`, `trace` of sara's DemoRole1 session and of the vendor's session, and `role`, as JSON snapshots.

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

#[test]
fn role_profile_of_demorole1() {
    let json = run(&["role", "-i", "samples/case", "DemoRole1", "--json"]);
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
