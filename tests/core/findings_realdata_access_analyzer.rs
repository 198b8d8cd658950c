//! Every IAM Access Analyzer finding file in `../shared/realdata` parses with its fields asserted (list-findings,
//! list-findings-v2, get-finding, get-finding-v2, EventBridge, Security Hub ASFF); list-analyzers, access-preview
//! findings and access-preview events are reported as not findings. Fails when the data is missing and `CI=true`.

use trailhound::core::findings::{Finding, Form, SeverityLabel, Source};
use trailhound::core::time::{parse_epoch, rfc3339};

use crate::support::findings::{doc, parsed};

fn t(s: &str) -> Option<i64> {
    parse_epoch(s)
}

fn assert_cognito_v1(f: &Finding, id: &str, role: &str) {
    assert_eq!(f.source, Source::AccessAnalyzer);
    assert_eq!(f.id, id);
    assert_eq!(f.finding_type, "ExternalAccess");
    let d = f.access.as_ref().unwrap();
    assert_eq!(d.resource_arn.as_deref(), Some(role));
    assert_eq!(d.resource_type.as_deref(), Some("AWS::IAM::Role"));
    assert_eq!(d.owner_account.as_deref(), Some("111122223333"));
    assert_eq!(
        d.principal.get("Federated").map(String::as_str),
        Some("cognito-identity.amazonaws.com")
    );
    assert_eq!(d.actions, ["sts:AssumeRoleWithWebIdentity"]);
    assert_eq!(
        d.conditions
            .get("cognito-identity.amazonaws.com:aud")
            .map(String::as_str),
        Some("us-west-2:EXAMPLE0-0000-0000-0000-000000000000")
    );
    assert_eq!(d.is_public, Some(false));
    assert_eq!(d.status.as_deref(), Some("ACTIVE"));
    assert_eq!(d.analyzed_at, t("2024-02-16T18:17:47Z"));
    assert_eq!(f.severity.label, SeverityLabel::Medium);
    let refs: Vec<String> = f.entities().iter().map(|e| e.entity.to_string()).collect();
    assert!(refs.contains(&format!("role:{role}")), "{refs:?}");
    assert!(refs.contains(&"principal:cognito-identity.amazonaws.com".to_string()));
}

#[test]
fn access_analyzer_cli_outputs() {
    let Some(v) = doc("aws-cli-examples/accessanalyzer/list-findings.output.json") else {
        return;
    };
    let (f, e) = parsed(&v);
    assert!(e.is_empty(), "{e:?}");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].form, Form::AccessAnalyzerV1);
    assert_cognito_v1(
        &f[0],
        "597f3bc2-3adc-4c18-9879-5c4b23485e46",
        "arn:aws:iam::111122223333:role/Cognito_testpoolUnauth_Role",
    );
    assert_cognito_v1(
        &f[1],
        "ce0e221a-85b9-4d52-91ff-d7678075442f",
        "arn:aws:iam::111122223333:role/Cognito_testpoolAuth_Role",
    );
    assert_eq!(f[0].created_at, t("2021-02-26T21:17:24Z"));

    let Some(v) = doc("aws-cli-examples/accessanalyzer/get-finding.output.json") else {
        return;
    };
    let (f, e) = parsed(&v);
    assert!(e.is_empty());
    assert_cognito_v1(
        &f[0],
        "0910eedb-381e-4e95-adda-0d25c19e6e90",
        "arn:aws:iam::111122223333:role/Cognito_testpoolAuth_Role",
    );

    let Some(v) = doc("aws-cli-examples/accessanalyzer/get-finding-v2.output.json") else {
        return;
    };
    let (f, e) = parsed(&v);
    assert!(e.is_empty());
    assert_eq!(f[0].form, Form::AccessAnalyzerV2);
    assert_cognito_v1(
        &f[0],
        "0910eedb-381e-4e95-adda-0d25c19e6e90",
        "arn:aws:iam::111122223333:role/Cognito_testpoolAuth_Role",
    );
    assert_eq!(f[0].access.as_ref().unwrap().details.len(), 1);

    let Some(v) = doc("aws-cli-examples/accessanalyzer/list-findings-v2.output.json") else {
        return;
    };
    let (f, e) = parsed(&v);
    assert!(e.is_empty());
    assert_eq!(f.len(), 2);
    assert_eq!(f[1].id, "ce0e221a-85b9-4d52-91ff-d7678075442f");
    assert_eq!(f[1].form, Form::AccessAnalyzerV2);
    assert_eq!(f[1].finding_type, "ExternalAccess");
    assert_eq!(
        f[1].resource.arn.as_deref(),
        Some("arn:aws:iam::111122223333:role/Cognito_testpoolAuth_Role")
    );
    assert!(
        f[1].access.as_ref().unwrap().principal.is_empty(),
        "v2 lists carry no principal"
    );
    assert_eq!(f[1].updated_at, t("2021-02-26T21:17:50Z"));
    let s = f[1].scope();
    assert_eq!(
        (rfc3339(s.from), rfc3339(s.to)),
        ("2021-02-26T21:00:00Z".into(), "2021-02-26T22:00:00Z".into())
    );
}

#[test]
fn access_analyzer_non_findings_are_said_so() {
    let Some(v) = doc("aws-cli-examples/accessanalyzer/list-analyzers.output.json") else {
        return;
    };
    let (f, e) = parsed(&v);
    assert!(f.is_empty());
    assert!(
        e[0].1.contains("list-analyzers output: 3 analyzer(s), not findings"),
        "{e:?}"
    );
    let Some(v) = doc("aws-cli-examples/accessanalyzer/list-access-preview-findings.output.json") else {
        return;
    };
    let (f, e) = parsed(&v);
    assert!(f.is_empty());
    assert_eq!(e[0].0, Some(0));
    assert!(e[0].1.contains("access-preview"), "{e:?}");
}

#[test]
fn access_analyzer_eventbridge_events() {
    let Some(v) = doc("awsdocs/iam-user-guide/doc_source/access-analyzer-eventbridge.events.json") else {
        return;
    };
    let items = v.as_array().unwrap();
    // As ingest feeds them: element by element.
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    for it in items {
        let (f, e) = parsed(it);
        found.extend(f);
        skipped.extend(e);
    }
    assert_eq!(found.len(), 2);
    assert_eq!(skipped.len(), 3);
    assert!(skipped.iter().all(|(_, m)| m.contains("Access Preview State Change")));
    let f = &found[0];
    assert_eq!(f.form, Form::AccessAnalyzerEvent);
    assert_eq!(f.id, "22222222-dcba-4444-dcba-333333333333");
    assert_eq!(f.region.as_deref(), Some("us-west-2"));
    let d = f.access.as_ref().unwrap();
    assert_eq!(d.resource_arn.as_deref(), Some("arn:aws:s3:::my-bucket"));
    assert_eq!(d.principal.get("AWS").map(String::as_str), Some("999988887777"));
    assert_eq!(d.actions, ["s3:GetObject"]);
    assert_eq!(
        d.analyzer_arn.as_deref(),
        Some("arn:aws:access-analyzer:us-west-2:111122223333:analyzer/MyAnalyzer")
    );
    assert_eq!(f.created_at, t("2019-11-20T04:58:50Z"));
    // Scope: the hour of creation, not stretched to updatedAt (the next day).
    let s = f.scope();
    assert_eq!(
        (rfc3339(s.from), rfc3339(s.to)),
        ("2019-11-20T04:00:00Z".into(), "2019-11-20T05:00:00Z".into())
    );
    let refs: Vec<String> = f.entities().iter().map(|e| e.entity.to_string()).collect();
    assert_eq!(
        refs,
        [
            "resource:arn:aws:s3:::my-bucket",
            "account:111122223333",
            "account:999988887777"
        ]
    );
    assert_eq!(
        found[1].access.as_ref().unwrap().error.as_deref(),
        Some("ACCESS_DENIED")
    );
    assert_eq!(found[1].severity.label, SeverityLabel::Low);
    // And the whole array at once gives the same, with element indexes.
    let (f, e) = parsed(&v);
    assert_eq!(f.len(), 2);
    assert_eq!(
        e.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        [Some(2), Some(3), Some(4)]
    );
}

#[test]
fn access_analyzer_security_hub_asff() {
    let Some(v) = doc("awsdocs/iam-user-guide/doc_source/access-analyzer-securityhub-integration.asff.json") else {
        return;
    };
    let (f, e) = parsed(&v);
    assert!(e.is_empty(), "{e:?}");
    let f = &f[0];
    assert_eq!(f.form, Form::Asff);
    assert_eq!(f.source, Source::AccessAnalyzer);
    assert_eq!(f.id, "dad90d5d-63b4-6575-b0fa-ef9c556ge798");
    assert_eq!(f.finding_type, "ExternalAccess");
    assert_eq!(
        f.title,
        "AwsS3Bucket/arn:aws:s3:::my-bucket/ allows cross-account access"
    );
    let d = f.access.as_ref().unwrap();
    assert_eq!(d.resource_type.as_deref(), Some("AWS::S3::Bucket"));
    assert_eq!(d.resource_arn.as_deref(), Some("arn:aws:s3:::my-bucket"));
    assert_eq!(d.principal.get("AWS").map(String::as_str), Some("444455556666"));
    assert_eq!(d.actions, ["s3:GetObject", "s3:GetObjectVersion"]);
    assert_eq!(d.status.as_deref(), Some("ACTIVE"));
    assert_eq!(f.account.as_deref(), Some("111122223333"));
    assert_eq!(f.region.as_deref(), Some("us-west-2"));
    assert_eq!(f.created_at, t("2020-11-10T16:17:47Z"));
}
