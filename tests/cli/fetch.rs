//! The `trailhound fetch` binary end to end, credentials through the real standard chain: environment variables,
//! a shared credentials file profile, and the clear failures for no credentials and a missing SSO login. Each run
//! gets a clean environment and its own HOME so nothing from the machine leaks in.

use std::path::Path;
use std::process::{Command, Output};

use crate::fake_aws::{Data, FakeAws};
use crate::fetch_data::*;
use serde_json::Value;

/// Run the binary with a clean environment rooted at `home`.
async fn trailhound(args: Vec<String>, env: Vec<(String, String)>, home: &Path) -> Output {
    let home = home.to_path_buf();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_trailhound"))
            .args(&args)
            .env_clear()
            .env("HOME", &home)
            .env("AWS_CONFIG_FILE", home.join(".aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("TRAILHOUND_FETCH_BACKOFF_MS", "10")
            .envs(env)
            .output()
            .expect("run trailhound")
    })
    .await
    .unwrap()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_credentials_fetch_everything_with_progress_and_json() {
    let pages = ct_pages(2, 3);
    let fake = FakeAws::start(Data {
        ct_pages: [("us-east-1".to_string(), pages.clone())].into(),
        gd: [(
            "us-east-1".to_string(),
            vec![("det1".to_string(), vec![gd_finding(1, "det1")])],
        )]
        .into(),
        ..Data::default()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let case = home.path().join("case");
    let out = trailhound(
        args(&[
            "fetch",
            "--region",
            "us-east-1",
            "--from",
            "2026-11-04",
            "--to",
            "2026-11-06T00:00:00Z",
            "--endpoint-url",
            &fake.url,
            "--case",
            case.to_str().unwrap(),
            "--json",
        ]),
        vec![
            ("AWS_ACCESS_KEY_ID".into(), FAKE_KEY.into()),
            ("AWS_SECRET_ACCESS_KEY".into(), FAKE_SECRET.into()),
            ("AWS_SESSION_TOKEN".into(), FAKE_TOKEN.into()),
        ],
        home.path(),
    )
    .await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("cloudtrail us-east-1: page 2"), "{stderr}");
    assert!(
        stderr.contains("note: no IAM Access Analyzer analyzer in us-east-1"),
        "{stderr}"
    );
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    let n_records = pages.iter().flatten().count();
    assert_eq!(summary["cloudtrail"]["us-east-1"]["items"], n_records);
    assert_eq!(summary["guardduty"]["us-east-1"]["items"], 1);
    let first = fake.log().into_iter().find(|l| l.op == "LookupEvents").unwrap();
    assert_eq!(first.body["StartTime"].as_i64(), Some(1_793_750_400)); // 2026-11-04T00:00:00Z
    assert_eq!(written_records(&case).len(), n_records);
    assert_no_credentials(home.path(), &format!("{stdout}{stderr}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_credentials_profile_is_used() {
    let fake = FakeAws::start(Data {
        ct_pages: [("eu-west-1".to_string(), ct_pages(1, 2))].into(),
        ..Data::default()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        format!("[incident]\naws_access_key_id = {FAKE_KEY}\naws_secret_access_key = {FAKE_SECRET}\n"),
    )
    .unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile incident]\nregion = eu-west-1\n",
    )
    .unwrap();
    let case = home.path().join("case");
    let out = trailhound(
        args(&[
            "fetch",
            "--profile",
            "incident",
            "--cloudtrail",
            "--endpoint-url",
            &fake.url,
            "--case",
            case.to_str().unwrap(),
        ]),
        vec![],
        home.path(),
    )
    .await;
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("profile incident, regions eu-west-1"), "{stderr}");
    assert_eq!(written_records(&case).len(), 2);
    let log = fake.log();
    assert!(log.iter().all(|l| l.region == "eu-west-1"));
    assert_eq!(log.len(), 1, "only CloudTrail was asked for");
    // Credentials files are the user's own; everything trailhound wrote is under the case.
    assert_no_credentials(&case, &format!("{stdout}{stderr}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credentials_is_a_clear_error_before_any_call() {
    let fake = FakeAws::start(Data::default()).await;
    let home = tempfile::tempdir().unwrap();
    let case = home.path().join("case");
    let out = trailhound(
        args(&[
            "fetch",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &fake.url,
            "--case",
            case.to_str().unwrap(),
        ]),
        vec![],
        home.path(),
    )
    .await;
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("no AWS credentials found for profile `default`"),
        "{stderr}"
    );
    assert!(fake.log().is_empty(), "no API call without credentials");
    let manifest = std::fs::read_to_string(case.join("fetched/manifest.json")).unwrap();
    assert!(manifest.contains("no AWS credentials found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_sso_login_says_how_to_log_in() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile corp-ir]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\
         region = us-east-1\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\n\
         sso_region = us-east-1\n",
    )
    .unwrap();
    let out = trailhound(
        args(&[
            "fetch",
            "--profile",
            "corp-ir",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--case",
            home.path().join("case").to_str().unwrap(),
        ]),
        vec![],
        home.path(),
    )
    .await;
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("run `aws sso login --profile corp-ir`"), "{stderr}");
}

#[tokio::test]
async fn bad_lookup_attribute_is_rejected() {
    let home = tempfile::tempdir().unwrap();
    let out = trailhound(args(&["fetch", "--lookup", "colour=red"]), vec![], home.path()).await;
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("KEY must be access-key, user, event-name or resource-name"),
        "{stderr}"
    );
}
