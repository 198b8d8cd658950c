//! The `trailhound fetch` binary end to end, credentials through the real standard chain: environment variables,
//! a shared credentials file profile, and the clear failures for no credentials and a missing SSO login. Each run
//! gets a clean environment and its own HOME so nothing from the machine leaks in.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

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

/// An IAM Identity Center profile whose cached SSO token has expired, the way `aws sso login` leaves it a day
/// later. `session` is the sso-session form (the token file is named after the session), otherwise the legacy
/// form (named after the start URL). `refreshable` adds what a refresh needs (refresh token, client
/// registration still valid), so the SDK tries one.
fn expired_sso_home(session: bool, refreshable: bool) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).unwrap();
    let (config, start_url, cache_file) = if session {
        (
            "[profile corp-ir]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\
             region = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n\
             sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
            "https://corp.awsapps.com/start",
            // sha1("corp"): aws-config names the token file after the session
            "ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
        )
    } else {
        (
            "[profile corp-ir]\nsso_start_url = https://corp-legacy.awsapps.com/start\nsso_region = us-east-1\n\
             sso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-east-1\n",
            "https://corp-legacy.awsapps.com/start",
            // sha1 of the start URL, for the legacy form
            "b225525752a7b366be247b99e7f2bef8e13fa1c4.json",
        )
    };
    std::fs::write(aws.join("config"), config).unwrap();
    let mut token = serde_json::json!({
        "startUrl": start_url,
        "region": "us-east-1",
        "accessToken": "expiredAccessTokenOfYesterdaysLogin",
        "expiresAt": "2026-11-04T18:00:00Z",
    });
    if refreshable {
        token["refreshToken"] = "refreshTokenOfAnEndedPortalSession".into();
        token["clientId"] = "clientIdOfTheTrailhoundRegistration".into();
        token["clientSecret"] = "clientSecretOfTheRegistration".into();
        token["registrationExpiresAt"] = "2099-01-01T00:00:00Z".into();
    }
    std::fs::write(aws.join("sso/cache").join(cache_file), token.to_string()).unwrap();
    home
}

/// Run `fetch --profile corp-ir` against `fake` with the IAM Identity Center endpoints pointed at it too (so
/// nothing reaches the real AWS), giving up if it has not ended after a generous time (a hang guard, not a
/// timing check).
async fn fetch_with_sso(fake: &FakeAws, home: &Path) -> Output {
    let case = home.join("case");
    let args = args(&[
        "fetch",
        "--profile",
        "corp-ir",
        "--endpoint-url",
        &fake.url,
        "--case",
        case.to_str().unwrap(),
    ]);
    let env = vec![
        ("AWS_ENDPOINT_URL_SSO".to_string(), fake.url.clone()),
        ("AWS_ENDPOINT_URL_SSO_OIDC".to_string(), fake.url.clone()),
    ];
    tokio::time::timeout(Duration::from_secs(120), trailhound(args, env, home))
        .await
        .expect("fetch with an expired SSO token hung")
}

/// The expired-token failure: one clear message saying how to log in again, no AWS API call, and the identity
/// center asked at most once per step (no storm of retries against it).
fn assert_sso_login_failure(fake: &FakeAws, out: &Output, home: &Path) -> Vec<String> {
    let (stdout, stderr) = text(out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(
            "the AWS SSO session for profile `corp-ir` is missing or expired: run `aws sso login --profile corp-ir`"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one message: {stderr}");
    let ops: Vec<String> = fake.log().iter().map(|l| l.op.clone()).collect();
    eprintln!("{stderr}asked: {ops:?}");
    for op in ["LookupEvents", "ListDetectors", "ListAnalyzers"] {
        assert!(!ops.iter().any(|o| o == op), "{op} was called: {ops:?}");
    }
    for op in ["CreateToken", "GetRoleCredentials"] {
        assert!(ops.iter().filter(|o| *o == op).count() <= 1, "{op} retried: {ops:?}");
    }
    let manifest = std::fs::read_to_string(home.join("case/fetched/manifest.json")).unwrap();
    assert!(manifest.contains("aws sso login --profile corp-ir"), "{manifest}");
    for secret in ["expiredAccessToken", "refreshTokenOf", "clientSecretOf"] {
        assert!(
            !stderr.contains(secret) && !manifest.contains(secret),
            "{secret} leaked"
        );
    }
    ops
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_sso_token_fails_fast_with_the_login_command() {
    let fake = FakeAws::start(Data::default()).await;
    let home = expired_sso_home(true, false);
    let out = fetch_with_sso(&fake, home.path()).await;
    let ops = assert_sso_login_failure(&fake, &out, home.path());
    // Not refreshable and expired: the SDK knows without asking anyone.
    assert!(ops.is_empty(), "{ops:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_sso_token_whose_refresh_is_refused_fails_fast_with_the_login_command() {
    let fake = FakeAws::start(Data::default()).await;
    let home = expired_sso_home(true, true);
    let out = fetch_with_sso(&fake, home.path()).await;
    let ops = assert_sso_login_failure(&fake, &out, home.path());
    assert!(ops.iter().any(|o| o == "CreateToken"), "a refresh was tried: {ops:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_token_of_a_legacy_sso_profile_fails_fast_with_the_login_command() {
    let fake = FakeAws::start(Data::default()).await;
    let home = expired_sso_home(false, false);
    let out = fetch_with_sso(&fake, home.path()).await;
    assert_sso_login_failure(&fake, &out, home.path());
}

/// The portal session ends while the fetch runs: the role credentials it handed out run out and the SSO token
/// can no longer get new ones. Every region and service must stop at once with the login command, without
/// sending API calls or retrying the portal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sso_session_ending_mid_fetch_stops_with_the_login_command() {
    let fake = FakeAws::start(Data {
        ct_pages: [("us-east-1".to_string(), ct_pages(2, 2))].into(),
        sso_grants: 1,
        ..Data::default()
    })
    .await;
    let home = expired_sso_home(false, false);
    let case = home.path().join("case");
    let out = trailhound(
        args(&[
            "fetch",
            "--profile",
            "corp-ir",
            "--region",
            "us-east-1,eu-west-1",
            "--endpoint-url",
            &fake.url,
            "--case",
            case.to_str().unwrap(),
        ]),
        vec![
            ("AWS_ENDPOINT_URL_SSO".to_string(), fake.url.clone()),
            ("AWS_ENDPOINT_URL_SSO_OIDC".to_string(), fake.url.clone()),
        ],
        home.path(),
    )
    .await;
    let (stdout, stderr) = text(&out);
    let ops: Vec<String> = fake.log().iter().map(|l| l.op.clone()).collect();
    eprintln!("{stdout}{stderr}asked: {ops:?}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let login =
        "the AWS SSO session for profile `corp-ir` is missing or expired: run `aws sso login --profile corp-ir`";
    assert_eq!(stderr.matches(login).count(), 1, "said once: {stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.starts_with(&format!("error: {login}"))),
        "{stderr}"
    );
    assert!(!stderr.contains("retrying"), "{stderr}");
    // One grant at the start; then each region's first call finds the credentials run out and asks the portal
    // once (both regions run at the same time, so both may ask before one of them stops the fetch).
    assert_eq!(ops.iter().filter(|o| *o == "LookupEvents").count(), 0, "{ops:?}");
    let portal = ops.iter().filter(|o| *o == "GetRoleCredentials").count();
    assert!((2..=3).contains(&portal), "{ops:?}");
    assert_eq!(ops.len(), portal, "{ops:?}");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("fetched/manifest.json")).unwrap()).unwrap();
    let run = &manifest["fetches"][0];
    assert!(run["fatal"].as_str().is_some_and(|f| f.contains(login)), "{run}");
    assert_eq!(run["errors"], serde_json::json!([]), "the one reason is the fatal one");
    assert_no_credentials(&case, &format!("{stdout}{stderr}"));
    for secret in ["fakeSsoRoleSecret", "fakeSsoRoleSessionToken", "ASIAFAKESSOROLE00001"] {
        assert!(!stderr.contains(secret), "{secret} leaked");
        for (p, text) in all_files(&case) {
            assert!(!text.contains(secret), "{} holds {secret}", p.display());
        }
    }
}
