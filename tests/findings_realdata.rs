//! Every finding file in `../shared/realdata` parses, with its fields asserted; the files there that are not
//! findings are recognised as such. Fails when the data is missing and `CI=true`; skips (with a message)
//! otherwise.

use serde_json::Value;
use trailhound::core::entity::EntityRef;
use trailhound::core::findings::{Finding, FindingAction, FindingsParse, Form, SeverityLabel, Source, parse_document};
use trailhound::core::time::{parse_epoch, rfc3339};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realdata/");

fn read(rel: &str) -> Option<String> {
    let path = format!("{ROOT}{rel}");
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("real data {path} missing under CI: {e}");
            }
            eprintln!("skipping: {path} not readable ({e})");
            None
        }
    }
}

fn doc(rel: &str) -> Option<Value> {
    read(rel).map(|t| serde_json::from_str(&t).expect("real data is valid JSON"))
}

fn parsed(v: &Value) -> (Vec<Finding>, Vec<(Option<usize>, String)>) {
    match parse_document(v) {
        FindingsParse::Parsed { findings, errors } => (findings, errors),
        FindingsParse::NotFindings => panic!("not recognised as findings: {v}"),
    }
}

fn t(s: &str) -> Option<i64> {
    parse_epoch(s)
}

#[test]
fn guardduty_cli_get_findings_pascal_case() {
    let Some(v) = doc("aws-cli-examples/guardduty/get-findings.output.json") else {
        return;
    };
    let (f, errors) = parsed(&v);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.source, Source::GuardDuty);
    assert_eq!(f.id, "1ab92989eaf0e742df4a014d5example");
    assert_eq!(f.finding_type, "Recon:IAMUser/UserPermissions");
    let parts = f.type_parts.as_ref().unwrap();
    assert_eq!(
        (&*parts.threat_purpose, &*parts.resource_type, &*parts.threat_family),
        ("Recon", "IAMUser", "UserPermissions")
    );
    assert_eq!(f.severity.value, 5.0);
    assert_eq!(f.severity.label, SeverityLabel::Medium);
    assert_eq!(f.account.as_deref(), Some("111122223333"));
    assert_eq!(f.region.as_deref(), Some("us-east-1"));
    assert_eq!(f.first_seen, t("2020-05-26T22:02:24Z"));
    assert_eq!(f.last_seen, t("2020-05-26T22:33:55Z"));
    assert_eq!(f.created_at, t("2020-05-26T22:21:48Z"));
    assert_eq!(f.count, Some(5));
    assert_eq!(f.archived, Some(false));
    let k = f.resource.access_key.as_ref().unwrap();
    assert_eq!(k.access_key_id.as_deref(), Some("ASIASZ4SI7REEEXAMPLE"));
    assert_eq!(k.principal_id.as_deref(), Some("AIDACKCEVSQ6C2EXAMPLE"));
    assert_eq!(k.user_name.as_deref(), Some("testuser"));
    assert_eq!(k.user_type.as_deref(), Some("IAMUser"));
    let Some(FindingAction::ApiCall(call)) = &f.action else {
        panic!("{:?}", f.action)
    };
    assert_eq!(call.api.as_deref(), Some("ListPolicyVersions"));
    assert_eq!(call.service.as_deref(), Some("iam.amazonaws.com"));
    assert_eq!(call.caller_type.as_deref(), Some("Remote IP"));
    let ip = call.remote_ip.as_ref().unwrap();
    assert_eq!(ip.ip.as_deref(), Some("52.94.36.7"));
    assert_eq!(ip.city.as_deref(), Some("London"));
    assert_eq!(ip.country.as_deref(), Some("United Kingdom"));
    assert_eq!((ip.lat, ip.lon), (Some(51.5164), Some(-0.093)));
    assert_eq!(ip.asn.as_deref(), Some("16509"));
    assert_eq!(ip.asn_org.as_deref(), Some("AMAZON-02"));
    assert_eq!(ip.isp.as_deref(), Some("Amazon.com"));
    assert_eq!(ip.org.as_deref(), Some("Amazon.com"));
    // Scope: 22:02..22:33 widened to whole hours.
    let s = f.scope();
    assert_eq!(
        (rfc3339(s.from), rfc3339(s.to)),
        ("2020-05-26T22:00:00Z".into(), "2020-05-26T23:00:00Z".into())
    );
    let ents = f.entities();
    let refs: Vec<String> = ents.iter().map(|e| e.entity.to_string()).collect();
    assert!(refs.contains(&"session:ASIASZ4SI7REEEXAMPLE".to_string()), "{refs:?}");
    assert!(refs.contains(&"principal:AIDACKCEVSQ6C2EXAMPLE".to_string()));
    assert!(refs.contains(&"principal:arn:aws:iam::111122223333:user/testuser".to_string()));
    assert!(refs.contains(&"account:111122223333".to_string()));
    let ip = ents
        .iter()
        .find(|e| e.entity == EntityRef::Ip("52.94.36.7".into()))
        .unwrap();
    assert_eq!(ip.geo.as_ref().unwrap().city.as_deref(), Some("London"));
    assert!(f.raw.contains("\"AccessKeyDetails\""));
}

#[test]
fn guardduty_list_findings_id_lists_are_not_findings() {
    for rel in [
        "aws-cli-examples/guardduty/list-findings.output1.json",
        "aws-cli-examples/guardduty/list-findings.output2.json",
    ] {
        let Some(v) = doc(rel) else { return };
        let (f, errors) = parsed(&v);
        assert!(f.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].1.contains("finding id(s) but no findings"), "{errors:?}");
    }
}

#[test]
fn panther_guardduty_json_lines() {
    let Some(text) = read("panther-analysis/panther_guardduty_test_findings.jsonl") else {
        return;
    };
    let mut all = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let (f, errors) = parsed(&v);
        assert!(errors.is_empty(), "{errors:?}");
        all.extend(f);
    }
    assert_eq!(all.len(), 8);
    let seq = &all[0];
    assert_eq!(seq.id, "8c258d654378414b9bc26f61a93eb816");
    assert_eq!(seq.finding_type, "AttackSequence:IAM/CompromisedCredentials");
    let p = seq.type_parts.as_ref().unwrap();
    assert_eq!(
        (&*p.threat_purpose, &*p.resource_type, &*p.threat_family),
        ("AttackSequence", "IAM", "CompromisedCredentials")
    );
    assert_eq!(seq.severity.label, SeverityLabel::Critical);
    assert_eq!(seq.resource.resource_type.as_deref(), Some("AttackSequence"));
    // Panther's space-separated times with nanoseconds.
    assert_eq!(seq.first_seen, t("2025-02-25T20:40:06Z"));
    assert_eq!(seq.created_at, t("2025-02-25T20:40:06Z"));
    assert!(!seq.sample);
    assert_eq!(all[1].finding_type, "AttackSequence:S3/CompromisedData");
    assert!(all[1].sample, "additionalInfo.value {{\"sample\":true}} marks a sample");
    let labels: Vec<SeverityLabel> = all[2..].iter().map(|f| f.severity.label).collect();
    assert_eq!(
        labels,
        [
            SeverityLabel::High,
            SeverityLabel::High,
            SeverityLabel::Low,
            SeverityLabel::Low,
            SeverityLabel::Medium,
            SeverityLabel::Medium
        ]
    );
    let pe = &all[2];
    assert_eq!(pe.finding_type, "PrivilegeEscalation:IAMUser/AdministrativePermissions");
    let Some(FindingAction::ApiCall(c)) = &pe.action else {
        panic!()
    };
    assert_eq!(c.api.as_deref(), Some("PutRolePolicy"));
    assert_eq!(c.caller_type.as_deref(), Some("Domain"));
    assert_eq!(c.domain.as_deref(), Some("cloudformation.amazonaws.com"));
    assert_eq!(
        c.affected_resources.get("AWS::IAM::Role").map(String::as_str),
        Some("arn:aws:iam::123456789012:role/IAMRole")
    );
    assert!(
        pe.entities()
            .iter()
            .any(|e| e.entity == EntityRef::Role("arn:aws:iam::123456789012:role/IAMRole".into()))
    );
    assert_eq!([all[2].sample, all[3].sample], [false, true]);
}

#[test]
fn guardduty_automated_response_sample_events() {
    let Some(ec2) = doc("amazon-guardduty-automated-response-sample/events/guardduty_ec2_event.json") else {
        return;
    };
    let (f, e) = parsed(&ec2);
    assert!(e.is_empty());
    let f = &f[0];
    assert_eq!(f.id, "16afba5c5c43e07c9e3e5e2e544e95df");
    assert_eq!(f.finding_type, "Canary:EC2/Stateless.IntegTest");
    let p = f.type_parts.as_ref().unwrap();
    assert_eq!(
        (&*p.threat_family, p.mechanism.as_deref()),
        ("Stateless", Some("IntegTest"))
    );
    let i = f.resource.instance.as_ref().unwrap();
    assert_eq!(i.id.as_deref(), Some("i-05746eb48123455e0"));
    assert_eq!(i.instance_type.as_deref(), Some("t2.micro"));
    assert_eq!(i.public_ips, ["11.111.111.1"]);
    assert_eq!(i.tags.get("Name").map(String::as_str), Some("ssh-22-open"));
    let Some(FindingAction::NetworkConnection(n)) = &f.action else {
        panic!("{:?}", f.action)
    };
    assert_eq!(n.direction.as_deref(), Some("OUTBOUND"));
    assert_eq!((n.remote_port, n.local_port), (Some(22), Some(2000)));
    assert_eq!(n.remote_ip.as_ref().unwrap().country.as_deref(), Some("United States"));
    assert_eq!(n.remote_ip.as_ref().unwrap().asn, None, "asn -1 means unknown");
    assert!(
        f.entities()
            .iter()
            .any(|e| e.entity == EntityRef::Instance("i-05746eb48123455e0".into()))
    );
    assert_eq!(f.first_seen, t("2017-10-31T23:16:23Z"));

    let Some(iam) = doc("amazon-guardduty-automated-response-sample/events/guardduty_iam_event.json") else {
        return;
    };
    let (f, _) = parsed(&iam);
    let f = &f[0];
    assert_eq!(f.finding_type, "Recon:IAMUser/MaliciousIPCaller.Custom");
    assert!(f.sample);
    assert_eq!(f.archived, Some(true));
    let Some(FindingAction::ApiCall(c)) = &f.action else {
        panic!()
    };
    assert_eq!(c.error_code.as_deref(), Some("AccessDenied"));
    assert_eq!(c.remote_ip.as_ref().unwrap().ip.as_deref(), Some("198.51.100.0"));
    assert_eq!(
        f.resource.access_key.as_ref().unwrap().access_key_id.as_deref(),
        Some("GeneratedFindingAccessKeyId")
    );

    let Some(s3) = doc("amazon-guardduty-automated-response-sample/events/guardduty_s3_event.json") else {
        return;
    };
    let (f, _) = parsed(&s3);
    let f = &f[0];
    assert_eq!(f.finding_type, "PenTest:S3/ParrotLinux");
    assert_eq!(f.resource.buckets.len(), 1);
    assert_eq!(f.resource.buckets[0].name.as_deref(), Some("bucketName"));
    assert_eq!(
        f.resource.buckets[0].effective_permission.as_deref(),
        Some("NOT_PUBLIC")
    );
    assert_eq!(f.resource.arn.as_deref(), Some("arn:aws:s3:::bucketName"));
    assert!(
        f.entities()
            .iter()
            .any(|e| e.entity == EntityRef::Resource("arn:aws:s3:::bucketName".into()))
    );
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

#[test]
fn cloudtrail_files_are_not_findings() {
    for rel in [
        "awsdocs/iam-user-guide/doc_source/cloudtrail-integration_and_access_monitor.events.json",
        "aws-cli-examples/cloudtrail/lookup-events.output.json",
        "stratus-red-team/docs/detonation-logs/aws.defense-evasion.cloudtrail-stop.json",
    ] {
        let Some(v) = doc(rel) else { return };
        assert!(matches!(parse_document(&v), FindingsParse::NotFindings), "{rel}");
    }
    let Some(text) = read("panther-analysis/panther_cloudtrail_test_events.jsonl") else {
        return;
    };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(matches!(parse_document(&v), FindingsParse::NotFindings), "{line}");
    }
}
