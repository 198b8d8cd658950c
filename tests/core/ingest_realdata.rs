//! Ingest over the real public CloudTrail data in `../shared/realdata`: every CloudTrail-bearing file loads,
//! with counts checked against an independent count of the files, and odd records reported, not fatal.

use trailhound::core::ingest::{Format, load_paths, raw_record, summarize};
use trailhound::core::model::{IdentityType, Store};

fn load(rel: &str) -> Option<Store> {
    crate::support::realdata(rel).map(|p| load_paths(&[p]))
}

#[test]
fn stratus_detonation_logs_all_load() {
    let Some(store) = load("stratus-red-team/docs/detonation-logs") else {
        return;
    };
    let r = &store.report;
    assert_eq!(r.files_read, 35);
    assert_eq!(r.records, 310);
    assert_eq!(r.duplicates, 0);
    assert_eq!(store.events.len(), 310);
    assert_eq!(r.errors_total, 0, "{:?}", r.errors);
    let s = summarize(&store);
    assert_eq!(s.by_identity_type.get("IAMUser"), Some(&241));
    assert_eq!(s.by_identity_type.get("AssumedRole"), Some(&68));
    assert_eq!(s.by_identity_type.get("FederatedUser"), Some(&1));
    let failed = store.events.iter().filter(|e| e.failed()).count();
    assert_eq!(
        failed, 52,
        "46 Client.UnauthorizedOperation + 5 AccessDenied + 1 EntityTemporarilyUnmodifiable"
    );
    // Anonymised, malformed values (IPs with leading zeros, fake regions) are kept as they are.
    assert!(store.strings.get("apiso-centralnorth-2r").is_some() || s.by_region.keys().any(|r| r.ends_with("2r")));
    // Events are sorted by time.
    assert!(store.events.windows(2).all(|w| w[0].time <= w[1].time));
}

#[test]
fn s3_delivery_file_plain_and_gzip_are_one_set_of_events() {
    let Some(store) = load("trailscraper/tests/cloudtrail/data") else {
        return;
    };
    let r = &store.report;
    assert_eq!(r.files_read, 2);
    assert_eq!(r.records, 4);
    assert_eq!(r.duplicates, 2, "the .json and .json.gz hold the same two records");
    assert_eq!(store.events.len(), 2);
    assert!(
        store
            .files
            .iter()
            .any(|f| f.gzip && f.format == Some(Format::S3Records))
    );
    // The AssumeRole by autoscaling (AWSService) carries the new session's key.
    let assume = store
        .events
        .iter()
        .find(|e| store.s(e.event_name) == "AssumeRole")
        .unwrap();
    assert_eq!(store.identity(assume).kind, IdentityType::AwsService);
    let a = store.assumption(assume).unwrap();
    assert_eq!(store.s(a.role_arn), "arn:aws:iam::111111111111:role/someRole");
    assert!(a.new_access_key.is_some());
    let raw = raw_record(
        &store,
        store
            .events
            .iter()
            .position(|e| e.assumption_index().is_some())
            .unwrap(),
    )
    .unwrap();
    assert!(raw.contains("\"AssumeRole\""));
}

#[test]
fn lookup_events_output_embeds_records_as_strings() {
    let Some(store) = load("aws-cli-examples/cloudtrail/lookup-events.output.json") else {
        return;
    };
    assert_eq!(store.events.len(), 1);
    assert_eq!(store.files[0].format, Some(Format::LookupEvents));
    let e = &store.events[0];
    assert_eq!(store.s(e.event_name), "ConsoleLogin");
    let id = store.identity(e);
    assert_eq!(id.kind, IdentityType::AssumedRole);
    assert_eq!(store.s(id.principal_id), "AROAJIKPFTA72SWU4L7T4:my-session-name");
    assert!(raw_record(&store, 0).unwrap().contains("my-session-name"));
}

#[test]
fn aws_docs_examples_load_with_identity_details() {
    let Some(store) = load("awsdocs") else { return };
    let s = summarize(&store);
    // 11 IAM + 6 log-file + 10 sign-in + 1 service event + 14 + 3 Identity Center records; Access Analyzer
    // EventBridge/ASFF files there are findings, not CloudTrail.
    assert_eq!(store.report.records, 45);
    // The examples reuse eventIDs: 3 are true repeats (same id, time, name, recipient); others differ and stay.
    assert_eq!(store.report.duplicates, 3);
    assert_eq!(s.events, 42);
    let saml = store
        .events
        .iter()
        .find(|e| store.s(e.event_name) == "AssumeRoleWithSAML")
        .unwrap();
    assert_eq!(store.identity(saml).kind, IdentityType::SamlUser);
    let a = store.assumption(saml).unwrap();
    assert_eq!(store.s(a.source_identity), "MySAMLUser");
    assert_eq!(
        store.s(a.provider),
        "arn:aws:iam::444455556666:saml-provider/Shibboleth"
    );
    assert_eq!(
        store.s(a.assumed_role_id),
        "AROAD35QRSTUVWEXAMPLE:MyAssignedRoleSessionName"
    );
    let web = store
        .events
        .iter()
        .find(|e| store.s(e.event_name) == "AssumeRoleWithWebIdentity")
        .unwrap();
    assert_eq!(store.identity(web).kind, IdentityType::WebIdentityUser);
    assert_eq!(
        store.s(store.assumption(web).unwrap().new_access_key),
        "ASIACQRSTUVWRAOEXAMPLE"
    );
    // Cross-account copy: AWSAccount caller with the shared event id.
    let cross = store
        .events
        .iter()
        .find(|e| store.identity(e).kind == IdentityType::AwsAccount && e.shared_event_id.is_some())
        .unwrap();
    assert_eq!(store.s(cross.shared_event_id), "bEXAMPLE-efea-4a70-b951-19a88EXAMPLE");
    assert_eq!(
        s.actions, 41,
        "the two copies of the cross-account AssumeRole are one action"
    );
    // Identity Center sign-in events have type Unknown.
    assert!(
        store
            .events
            .iter()
            .any(|e| store.identity(e).kind == IdentityType::Unknown)
    );
}

#[test]
fn panther_events_odd_records_are_reported_not_fatal() {
    let Some(store) = load("panther-analysis/panther_cloudtrail_test_events.jsonl") else {
        return;
    };
    let r = &store.report;
    assert_eq!(store.files[0].format, Some(Format::JsonLines));
    assert_eq!(r.records_seen, 438);
    // 13 records without eventTime, 2 with a placeholder time, 3 without eventTime/eventSource.
    assert_eq!(r.errors_total, 18, "{:#?}", r.errors);
    assert_eq!(r.records, 420);
    assert!(
        r.errors
            .iter()
            .all(|e| e.index.is_some() && e.path.ends_with("panther_cloudtrail_test_events.jsonl"))
    );
    assert!(
        r.errors
            .iter()
            .any(|e| e.reason.contains("\"redacted\" is not a timestamp"))
    );
    // Panther's tests repeat records across rules (117 exact repeats, counted independently); records that
    // only share an eventID with a different record are kept.
    assert_eq!(r.duplicates, 117);
    assert_eq!(store.events.len(), 303);
    // The resource of a snapshot-sharing call is the snapshot ARN Access Analyzer would name.
    let share = store
        .events
        .iter()
        .find(|e| store.s(e.event_name) == "ModifyDBSnapshotAttribute")
        .unwrap();
    assert_eq!(
        store.s(share.resource),
        "arn:aws:rds:us-west-2:123456789012:snapshot:exfiltration"
    );
}

#[test]
fn whole_realdata_tree_loads() {
    let Some(store) = load("") else { return };
    let s = summarize(&store);
    assert_eq!(s.events, 655);
    // Every failure is located.
    assert!(s.errors.iter().all(|e| e.path.exists()));
    // Non-CloudTrail JSON (trail configs, analyzer lists, Panther rule wrappers) is skipped with a reason.
    assert!(
        s.skipped
            .iter()
            .any(|f| f.path.ends_with("describe-trails.output.json"))
    );
}
