//! Every GuardDuty finding file in `../shared/realdata` parses with its fields asserted (PascalCase CLI output,
//! Panther's camelCase JSON lines incl. AttackSequence, the automated-response sample events); GuardDuty id lists
//! and CloudTrail files are recognised as not findings. Fails when the data is missing and `CI=true`.

use serde_json::Value;
use trailhound::core::entity::EntityRef;
use trailhound::core::findings::{FindingAction, FindingsParse, SeverityLabel, Source, parse_document};
use trailhound::core::time::{parse_epoch, rfc3339};

use crate::support::findings::{doc, parsed, read};

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
