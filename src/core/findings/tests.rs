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
    assert_eq!(SeverityLabel::parse("HIGH"), Some(SeverityLabel::High));
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
fn to_pascal(v: &Value) -> Value {
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

#[test]
fn access_analyzer_v2_internal_and_unused_forms() {
    let base = |t: &str, details: Value| {
        json!({"id": format!("id-{t}"), "findingType": t, "resource": "arn:aws:iam::111122223333:role/old-ci",
            "resourceType": "AWS::IAM::Role", "resourceOwnerAccount": "111122223333", "status": "ACTIVE",
            "createdAt": "2026-11-01T00:00:00Z", "updatedAt": "2026-11-01T00:00:00Z", "analyzedAt": "2026-11-01T00:00:00Z",
            "findingDetails": details})
    };
    let (f, _) = parsed(&base(
        "UnusedIAMRole",
        json!([{"unusedIamRoleDetails": {"lastAccessed": "2026-06-01T10:00:00Z"}}]),
    ));
    let d = f[0].access.as_ref().unwrap();
    assert!(d.is_unused());
    assert_eq!(d.last_accessed, parse_epoch("2026-06-01T10:00:00Z"));
    assert_eq!(f[0].severity.label, SeverityLabel::Low);
    assert_eq!(f[0].title, "arn:aws:iam::111122223333:role/old-ci: unused IAM role");

    let mut key = base(
        "UnusedIAMUserAccessKey",
        json!([{"unusedIamUserAccessKeyDetails": {"accessKeyId": "AKIALIEXAMPLE0000001", "lastAccessed": "2026-05-01T00:00:00Z"}}]),
    );
    key["resource"] = json!("arn:aws:iam::444455556666:user/li");
    key["resourceType"] = json!("AWS::IAM::User");
    let (f, _) = parsed(&key);
    let refs: Vec<String> = f[0].entities().iter().map(|e| e.entity.to_string()).collect();
    assert!(refs.contains(&"key:AKIALIEXAMPLE0000001".to_string()), "{refs:?}");
    assert!(refs.contains(&"principal:arn:aws:iam::444455556666:user/li".to_string()));

    let (f, _) = parsed(&base(
        "UnusedPermission",
        json!([
        {"unusedPermissionDetails": {"serviceNamespace": "s3", "actions": [{"action": "s3:GetObject", "lastAccessed": "2026-04-01T00:00:00Z"}], "lastAccessed": "2026-04-02T00:00:00Z"}},
        {"unusedPermissionDetails": {"serviceNamespace": "kms"}}]),
    ));
    let d = f[0].access.as_ref().unwrap();
    assert_eq!(d.unused_services.get("s3").unwrap(), &["s3:GetObject"]);
    assert!(d.unused_services.get("kms").unwrap().is_empty());
    assert_eq!(d.details.len(), 2);

    let (f, _) = parsed(&base(
        "UnusedIAMUserPassword",
        json!([{"unusedIamUserPasswordDetails": {}}]),
    ));
    assert_eq!(f[0].finding_type, "UnusedIAMUserPassword");

    let (f, _) = parsed(&base(
        "InternalAccess",
        json!([{"internalAccessDetails": {"action": ["sts:AssumeRole"],
        "principal": {"AWS": "arn:aws:iam::444455556666:role/deployer"}, "accessType": "INTRA_ORG"}}]),
    ));
    assert_eq!(f[0].severity.label, SeverityLabel::Medium);
    let e = f[0].entities();
    assert!(e.iter().any(
        |e| e.entity == EntityRef::Role("arn:aws:iam::444455556666:role/deployer".into())
            && e.relation == "internal principal"
    ));

    // Public external access, principal `*`, public → High and no principal entity.
    let (f, _) = parsed(&base(
        "ExternalAccess",
        json!([{"externalAccessDetails": {"action": ["s3:GetObject"],
        "principal": {"AWS": "*"}, "isPublic": true, "condition": {}}}]),
    ));
    assert_eq!(f[0].severity.label, SeverityLabel::High);
    assert!(f[0].title.ends_with("is public"));
    assert!(!f[0].entities().iter().any(|e| e.relation == "external principal"));

    // The EventBridge form of an unused-access finding.
    let ev = json!({"detail-type": "Unused Access Finding for IAM entities", "region": "us-east-1", "detail": {
        "findingId": "u-1", "findingType": "UnusedIAMRole", "resource": "arn:aws:iam::111122223333:role/old-ci",
        "resourceType": "AWS::IAM::Role", "accountId": "111122223333", "status": "ACTIVE", "createdAt": "2026-11-01T00:00:00Z"}});
    let (f, e) = parsed(&ev);
    assert!(e.is_empty());
    assert_eq!((f[0].id.as_str(), f[0].region.as_deref()), ("u-1", Some("us-east-1")));
    assert_eq!(f[0].account.as_deref(), Some("111122223333"));
}

#[test]
fn guardduty_from_security_hub_asff() {
    let asff = json!({"Findings": [{
        "SchemaVersion": "2018-10-08",
        "Id": "arn:aws:guardduty:us-east-1:111122223333:detector/12abc/finding/5ac5b1a1f0e2d3c4b5a6978877665544",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": "111122223333",
        "Types": ["TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled"],
        "FirstObservedAt": "2026-11-05T14:12:07.000Z", "LastObservedAt": "2026-11-05T14:48:53.000Z",
        "CreatedAt": "2026-11-05T14:54:41.812Z", "UpdatedAt": "2026-11-05T14:54:41.812Z",
        "Severity": {"Product": 2, "Label": "LOW", "Normalized": 20},
        "Title": "AWS CloudTrail trail demo-trail-2 was disabled.",
        "ProductFields": {
            "aws/guardduty/service/action/actionType": "AWS_API_CALL",
            "aws/guardduty/service/action/awsApiCallAction/api": "StopLogging",
            "aws/guardduty/service/action/awsApiCallAction/remoteIpDetails/ipAddressV4": "198.51.100.23",
            "aws/guardduty/service/action/awsApiCallAction/remoteIpDetails/city/cityName": "Bellevue",
            "aws/guardduty/service/count": "1"
        },
        "Resources": [{"Type": "AwsIamAccessKey", "Id": "AWS::IAM::AccessKey:ASIASARAADMIN0000001", "Region": "us-east-1",
            "Details": {"AwsIamAccessKey": {"PrincipalId": "AROAADMINSSOEXAMPLE01:sara", "PrincipalName": "AWSReservedSSO_AdministratorAccess_0123456789abcdef", "PrincipalType": "AssumedRole"}}}]
    }, {"SchemaVersion": "2018-10-08", "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/inspector", "Id": "x"}]});
    let (f, e) = parsed(&asff);
    assert_eq!(e.len(), 1);
    assert!(e[0].1.contains("inspector"));
    let f = &f[0];
    assert_eq!((f.form, f.source), (Form::Asff, Source::GuardDuty));
    assert_eq!(f.id, "5ac5b1a1f0e2d3c4b5a6978877665544");
    assert_eq!(f.finding_type, "Stealth:IAMUser/CloudTrailLoggingDisabled");
    assert_eq!(f.severity.label, SeverityLabel::Low);
    assert_eq!(f.count, Some(1));
    assert_eq!(f.region.as_deref(), Some("us-east-1"));
    let k = f.resource.access_key.as_ref().unwrap();
    assert_eq!(k.access_key_id.as_deref(), Some("ASIASARAADMIN0000001"));
    assert_eq!(k.user_type.as_deref(), Some("AssumedRole"));
    let Some(FindingAction::ApiCall(c)) = &f.action else {
        panic!("{:?}", f.action)
    };
    assert_eq!(c.api.as_deref(), Some("StopLogging"));
    assert_eq!(c.remote_ip.as_ref().unwrap().city.as_deref(), Some("Bellevue"));
    assert_eq!(rfc3339(f.scope().from), "2026-11-05T14:00:00Z");
}

/// Replace every node of every fixture with every JSON type: parsing must never panic.
#[test]
fn no_input_panics() {
    fn visit(root: &Value, at: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
        out.push(at.clone());
        let node = get_at(root, at);
        match node {
            Value::Object(m) => {
                for k in m.keys() {
                    at.push(PathStep::Key(k.clone()));
                    visit(root, at, out);
                    at.pop();
                }
            }
            Value::Array(a) => {
                for i in 0..a.len() {
                    at.push(PathStep::Idx(i));
                    visit(root, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let fixtures = [
        gd_event(),
        to_pascal(&gd_event()["detail"]),
        json!({"finding": {"id": "a", "principal": {"AWS": ["1", "2"]}, "action": "s3:GetObject", "resource": "arn:aws:s3:::b",
            "isPublic": false, "resourceType": "AWS::S3::Bucket", "condition": {"k": {"x": 1}}, "status": "ACTIVE", "resourceOwnerAccount": "1"}}),
        json!({"Findings": [{"SchemaVersion": "2018-10-08", "ProductArn": "arn:aws:securityhub:us-west-2::product/aws/access-analyzer",
            "Id": "i", "SourceUrl": "https://x#/findings/details/abc", "Types": ["External Access Granted"],
            "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::b", "Details": {"Other": {"External Principal": "*"}}}]}]}),
    ];
    let replacements = [
        json!(null),
        json!(0),
        json!(-1),
        json!(1e300),
        json!(""),
        json!("x"),
        json!([]),
        json!({}),
        json!(true),
        json!([null, {}]),
    ];
    let mut runs = 0;
    for fx in &fixtures {
        let mut paths = Vec::new();
        visit(fx, &mut Vec::new(), &mut paths);
        for p in &paths {
            for r in &replacements {
                let mut m = fx.clone();
                *get_at_mut(&mut m, p) = r.clone();
                let _ = parse_document(&m);
                runs += 1;
            }
        }
    }
    assert!(runs > 1000, "{runs}");
}

#[derive(Clone)]
enum PathStep {
    Key(String),
    Idx(usize),
}

fn get_at<'a>(v: &'a Value, p: &[PathStep]) -> &'a Value {
    p.iter().fold(v, |v, s| match s {
        PathStep::Key(k) => &v[k.as_str()],
        PathStep::Idx(i) => &v[*i],
    })
}

fn get_at_mut<'a>(v: &'a mut Value, p: &[PathStep]) -> &'a mut Value {
    p.iter().fold(v, |v, s| match s {
        PathStep::Key(k) => &mut v[k.as_str()],
        PathStep::Idx(i) => &mut v[*i],
    })
}
