//! Unit tests of the findings parsers and model: severity bands, type splitting, scope rounding, every envelope
//! and casing, bad and partial findings, non-finding documents, and a mutation sweep proving no input panics.

use super::*;
use crate::core::entity::EntityRef;
use crate::core::time::{parse_epoch, rfc3339};
use serde_json::{Value, json};

const GD_EVENTBRIDGE: &str = include_str!("../../../tests/data/guardduty-eventbridge.json");

fn gd_event() -> Value {
    serde_json::from_str(GD_EVENTBRIDGE).unwrap()
}

fn parsed(v: &Value) -> (Vec<Finding>, Vec<(Option<usize>, String)>) {
    match parse_document(v) {
        FindingsParse::Parsed { findings, errors } => (findings, errors),
        FindingsParse::NotFindings => panic!("not recognised: {v}"),
    }
}

#[test]
fn severity_label_boundaries() {
    let cases = [
        (0.0, SeverityLabel::Low),
        (1.0, SeverityLabel::Low),
        (3.9, SeverityLabel::Low),
        (3.99, SeverityLabel::Low),
        (4.0, SeverityLabel::Medium),
        (6.9, SeverityLabel::Medium),
        (7.0, SeverityLabel::High),
        (8.9, SeverityLabel::High),
        (9.0, SeverityLabel::Critical),
        (10.0, SeverityLabel::Critical),
    ];
    for (v, l) in cases {
        assert_eq!(Severity::new(v).label, l, "{v}");
    }
    assert_eq!("HIGH".parse::<SeverityLabel>().ok(), Some(SeverityLabel::High));
    assert_eq!(SeverityLabel::High.floor(), 7.0);
    let aa = |t, p, e| Severity::access_analyzer(t, p, e).label;
    assert_eq!(aa("ExternalAccess", Some(true), false), SeverityLabel::High);
    assert_eq!(aa("ExternalAccess", Some(false), false), SeverityLabel::Medium);
    assert_eq!(aa("InternalAccess", None, false), SeverityLabel::Medium);
    assert_eq!(aa("UnusedIAMRole", None, false), SeverityLabel::Low);
    assert_eq!(aa("ExternalAccess", Some(true), true), SeverityLabel::Low);
}

#[test]
fn type_splitting() {
    let p = TypeParts::split("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS").unwrap();
    assert_eq!(p.threat_purpose, "UnauthorizedAccess");
    assert_eq!(p.resource_type, "IAMUser");
    assert_eq!(p.threat_family, "InstanceCredentialExfiltration");
    assert_eq!(p.mechanism.as_deref(), Some("OutsideAWS"));
    assert_eq!(p.artifact, None);
    let p = TypeParts::split("Backdoor:EC2/C&CActivity.B!DNS").unwrap();
    assert_eq!(
        (&*p.threat_family, p.mechanism.as_deref(), p.artifact.as_deref()),
        ("C&CActivity", Some("B"), Some("DNS"))
    );
    let p = TypeParts::split("Trojan:EC2/DNSDataExfiltration!DNS").unwrap();
    assert_eq!((p.mechanism, p.artifact.as_deref()), (None, Some("DNS")));
    let p = TypeParts::split("Stealth:IAMUser/CloudTrailLoggingDisabled").unwrap();
    assert_eq!((&*p.threat_family, p.mechanism), ("CloudTrailLoggingDisabled", None));
    for bad in ["", "Nope", "Recon:IAMUser", ":IAMUser/X", "Recon:/X", "Recon:IAMUser/"] {
        assert_eq!(TypeParts::split(bad), None, "{bad}");
    }
}

#[test]
fn eventbridge_guardduty_envelope() {
    let (f, e) = parsed(&gd_event());
    assert!(e.is_empty(), "{e:?}");
    let f = &f[0];
    assert_eq!(f.id, "5ac5b1a1f0e2d3c4b5a6978877665544");
    assert_eq!(f.finding_type, "Stealth:IAMUser/CloudTrailLoggingDisabled");
    assert_eq!((f.severity.value, f.severity.label), (2.0, SeverityLabel::Low));
    assert_eq!(f.first_seen, parse_epoch("2026-11-05T14:12:07Z"));
    assert_eq!(f.last_seen, parse_epoch("2026-11-05T14:48:53Z"));
    let s = f.scope();
    assert_eq!(
        (rfc3339(s.from), rfc3339(s.to)),
        ("2026-11-05T14:00:00Z".into(), "2026-11-05T15:00:00Z".into())
    );
    assert_eq!(
        f.user_agent.as_deref(),
        Some("aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off"),
        "unpacked from additionalInfo.value"
    );
    let refs: Vec<String> = f.entities().iter().map(|e| e.entity.to_string()).collect();
    assert_eq!(
        refs,
        [
            "session:ASIASARAADMIN0000001",
            "principal:AROAADMINSSOEXAMPLE01:sara",
            "role:arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef",
            "account:111122223333",
            "ip:198.51.100.23",
            "resource:arn:aws:cloudtrail:us-east-1:111122223333:trail/demo-trail-2",
            "ua:aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off",
        ]
    );
    let ip = f
        .entities()
        .into_iter()
        .find(|e| matches!(e.entity, EntityRef::Ip(_)))
        .unwrap();
    let geo = ip.geo.unwrap();
    assert_eq!(
        (geo.city.as_deref(), geo.country_code.as_deref()),
        (Some("Bellevue"), Some("US"))
    );
    assert_eq!(
        (geo.lat, geo.lon, geo.asn.as_deref()),
        (Some(47.61), Some(-122.2), Some("64501"))
    );
}

#[test]
fn same_finding_in_every_envelope() {
    let ev = gd_event();
    let detail = ev["detail"].clone();
    let forms = [
        ev.clone(),
        detail.clone(),
        json!({"findings": [detail.clone()]}),
        json!({"Findings": [to_pascal(&detail)]}),
        to_pascal(&detail),
        json!([ev.clone(), ev.clone()]),
        json!({"detail-type": "Security Hub Findings - Imported", "detail": {"findings": [detail.clone()]}}),
    ];
    for form in &forms {
        let (f, e) = parsed(form);
        assert!(e.is_empty(), "{form}: {e:?}");
        assert!(!f.is_empty());
        for f in f {
            assert_eq!(f.id, "5ac5b1a1f0e2d3c4b5a6978877665544");
            assert_eq!(
                f.resource.access_key.unwrap().access_key_id.as_deref(),
                Some("ASIASARAADMIN0000001")
            );
            let Some(FindingAction::ApiCall(c)) = f.action else {
                panic!()
            };
            assert_eq!(c.remote_ip.unwrap().city.as_deref(), Some("Bellevue"));
            assert_eq!(f.last_seen, parse_epoch("2026-11-05T14:48:53Z"));
        }
    }
    // JSON lines: each line its own document.
    let lines = format!(
        "{}\n{}\n",
        serde_json::to_string(&ev).unwrap(),
        serde_json::to_string(&detail).unwrap()
    );
    let n: usize = lines
        .lines()
        .map(|l| parsed(&serde_json::from_str(l).unwrap()).0.len())
        .sum();
    assert_eq!(n, 2);
}

/// PascalCase every key, as `aws guardduty get-findings` writes (map keys inside values like tags aside).
pub(super) fn to_pascal(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let mut c = k.chars();
                    let k = c
                        .next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default();
                    (k, to_pascal(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(to_pascal).collect()),
        other => other.clone(),
    }
}

#[test]
fn bad_and_partial_findings_are_reported_and_skipped() {
    let good = gd_event()["detail"].clone();
    let mut wrong_id = good.clone();
    wrong_id["id"] = json!(42);
    let mut no_id = good.clone();
    no_id.as_object_mut().unwrap().remove("id");
    let mut bad_sev = good.clone();
    bad_sev["severity"] = json!({"level": "high"});
    let mut no_type = good.clone();
    no_type["type"] = json!("");
    let partial = json!({"id": "p1", "type": "Recon:IAMUser/UserPermissions", "severity": "5.0",
        "arn": "arn:aws:guardduty:us-east-1:1:detector/d/finding/p1", "service": {"action": "garbage"}, "resource": 7});
    let aa_no_id =
        json!({"resource": "arn:aws:s3:::b", "resourceType": "AWS::S3::Bucket", "isPublic": true, "status": "ACTIVE"});
    let doc = json!({"Findings": [good, wrong_id, no_id, bad_sev, no_type, partial, aa_no_id, {"foo": 1}, 7, null]});
    let (f, errors) = parsed(&doc);
    assert_eq!(
        f.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
        ["5ac5b1a1f0e2d3c4b5a6978877665544", "p1"]
    );
    let idx: Vec<Option<usize>> = errors.iter().map(|(i, _)| *i).collect();
    assert_eq!(
        idx,
        [Some(1), Some(2), Some(3), Some(4), Some(6), Some(7), Some(8), Some(9)]
    );
    assert!(errors[0].1.contains("id is not a non-empty string (42)"), "{errors:?}");
    assert!(errors[1].1.contains("no id"));
    assert!(errors[2].1.contains("severity {\"level\":\"high\"} is not a number"));
    assert!(errors[3].1.contains("type is not a non-empty string"));
    assert!(errors[5].1.contains("not a GuardDuty or Access Analyzer finding"));
    // The partial one keeps what it has.
    let p = &f[1];
    assert_eq!(p.severity.label, SeverityLabel::Medium);
    assert_eq!(
        p.action,
        Some(FindingAction::Other {
            action_type: "unknown".into()
        })
    );
    assert_eq!(p.resource, FindingResource::default());
    assert_eq!(p.scope(), crate::core::time::Scope::ALL);
    // A lone bad GuardDuty object: reported without an index.
    let mut lone = gd_event()["detail"].clone();
    lone["id"] = json!([]);
    let (f, e) = parsed(&lone);
    assert!(f.is_empty());
    assert_eq!(e[0].0, None);
}

#[test]
fn documents_that_are_not_findings() {
    let ct = json!({"eventVersion": "1.08", "eventName": "StopLogging", "eventSource": "cloudtrail.amazonaws.com",
        "userIdentity": {"type": "AssumedRole"}, "eventTime": "2026-11-05T14:12:07Z"});
    let not = [
        ct.clone(),
        json!({"Records": [ct.clone()]}),
        json!([ct.clone(), ct.clone()]),
        json!({"Events": [{"CloudTrailEvent": "{}"}]}),
        json!({"detail-type": "AWS API Call via CloudTrail", "detail": ct}),
        json!({"a": 1}),
        json!([]),
        json!([1, 2]),
        json!("text"),
        json!(null),
        json!(3),
        json!({"type": "Recon:IAMUser/X"}),
    ];
    for d in &not {
        assert!(matches!(parse_document(d), FindingsParse::NotFindings), "{d}");
    }
    // Finding-service output without findings: recognised, nothing parsed, one reason.
    for (d, why) in [
        (json!({"FindingIds": ["a", "b"]}), "2 finding id(s)"),
        (json!({"analyzers": []}), "list-analyzers"),
        (
            json!({"detail-type": "Access Preview State Change", "detail": {}}),
            "Access Preview State Change",
        ),
        (json!({"detail-type": "GuardDuty Finding"}), "without a detail object"),
        (json!({"findings": []}), ""),
    ] {
        let (f, e) = parsed(&d);
        assert!(f.is_empty());
        assert!(e.iter().all(|(_, m)| m.contains(why)), "{d}: {e:?}");
    }
}
