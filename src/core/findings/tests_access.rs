//! Unit tests of the Access Analyzer forms (v2 internal and unused access, EventBridge unused-access events), the
//! GuardDuty ASFF rebuild, and a mutation sweep proving that no input panics the parsers.

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
        super::tests::to_pascal(&gd_event()["detail"]),
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
