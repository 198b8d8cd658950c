//! Fixtures for the fetch tests: realistic sample data (CloudTrail records from the
//! public AWS CLI example plus generated ones after the sample scenario; GuardDuty and Access Analyzer findings),
//! and helpers to read back what a fetch wrote.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

pub const FAKE_KEY: &str = "AKIDFAKETRAILHOUND01";
pub const FAKE_SECRET: &str = "fakeSecretKeyMustNeverBeWritten0123456789";
pub const FAKE_TOKEN: &str = "fakeSessionTokenMustNeverBeWrittenXYZ";

/// The fake endpoints' credentials as a request carries them: a session's (`with_token`) or a long-term key's.
pub fn fake_credentials(with_token: bool) -> trailhound::aws::StaticCredentials {
    trailhound::aws::StaticCredentials {
        access_key_id: FAKE_KEY.into(),
        secret_access_key: FAKE_SECRET.into(),
        session_token: with_token.then(|| FAKE_TOKEN.into()),
    }
}

/// Retries and waits short enough for a test against a fake endpoint: `sdk_attempts` per call, `outer_retries`
/// rounds of our own after them.
pub fn fast_tuning(sdk_attempts: u32, outer_retries: u32) -> trailhound::aws::Tuning {
    trailhound::aws::Tuning {
        sdk_max_attempts: sdk_attempts,
        sdk_initial_backoff: std::time::Duration::from_millis(5),
        outer_retries,
        outer_backoff: std::time::Duration::from_millis(10),
        attempt_timeout: std::time::Duration::from_secs(30),
    }
}

/// 2026-11-05, the sample's last day (497 records): the window of the org-scale tests.
pub const ORG_WINDOW: (i64, i64) = (1_793_836_800, 1_793_923_199);

/// The plan of an org-scale fetch against a fake engine at `url` into `case`: the sample's last day in us-east-1,
/// the fake's credentials, one SDK attempt and three of our own, 5 ms polls, the default limits.
pub fn fake_plan(url: &str, case: &Path, accounts: Option<Vec<String>>) -> trailhound::aws::plan_run::PlanRequest {
    let mut base = trailhound::aws::FetchRequest::new(case);
    base.regions = vec!["us-east-1".into()];
    base.window = Some(ORG_WINDOW);
    base.endpoint_url = Some(url.to_string());
    base.static_credentials = Some(fake_credentials(true));
    base.tuning = fast_tuning(1, 3);
    trailhound::aws::plan_run::PlanRequest {
        base,
        settings: trailhound::core::orgscale::plan::Settings {
            accounts,
            regions: None,
            max_rows: 100_000,
            allow_full_scan: false,
        },
        principals: Vec::new(),
        baseline_days: 45,
        price_per_tb: 5.0,
        max_scan_bytes: None,
        poll_interval: std::time::Duration::from_millis(5),
        concurrency: trailhound::aws::plan_run::DEFAULT_QUERY_CONCURRENCY,
        results: trailhound::aws::plan_run::ResultsChoice::Auto,
    }
}

/// The text of a shared real-data file (`None` outside CI when it is missing; a failure under `CI=true`).
pub fn realdata(rel: &str) -> Option<String> {
    let path = crate::support::realdata(rel)?;
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// A CloudTrail record text in the shape CloudTrail writes (deliberately with unusual spacing and escapes, which
/// must survive byte for byte).
pub fn ct_record(i: usize, account: &str, time: &str, name: &str) -> String {
    let spacing = if i.is_multiple_of(3) { " " } else { "" };
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"AssumedRole","principalId":"AROADEMOROLE1EXAMPLE:sara","arn":"arn:aws:sts::{account}:assumed-role/DemoRole1/sara","accountId":"{account}","accessKeyId":"ASIADEMOROLE10000001","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROADEMOROLE1EXAMPLE","arn":"arn:aws:iam::{account}:role/DemoRole1","accountId":"{account}","userName":"DemoRole1"}},"attributes":{{"creationDate":"2026-11-05T14:20:31Z","mfaAuthenticated":"false"}}}}}},"eventTime":{spacing}"{time}","eventSource":"ec2.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off \u00e9","requestParameters":{{"instancesSet":{{"items":[{{"instanceId":"i-0a1b2c3d4e5f6{i:04}"}}]}},"ratio":1.50}},"responseElements":null,"requestID":"req-{i}","eventID":"evt-{i:05}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{account}","eventCategory":"Management"}}"#
    )
}

/// Wrap a record text as a LookupEvents `Event`.
pub fn lookup_event(id: &str, epoch: i64, name: &str, record: &str) -> Value {
    json!({
        "EventId": id,
        "EventName": name,
        "ReadOnly": "true",
        "AccessKeyId": "ASIADEMOROLE10000001",
        "EventTime": epoch as f64,
        "EventSource": "ec2.amazonaws.com",
        "Username": "sara",
        "Resources": [],
        "CloudTrailEvent": record,
    })
}

/// `pages` pages of `per_page` events over two accounts and two days; page 0 starts with the real AWS CLI
/// LookupEvents example record (when the shared real data is present).
pub fn ct_pages(pages: usize, per_page: usize) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    let mut i: usize = 0;
    for p in 0..pages {
        let mut page = Vec::new();
        if p == 0
            && let Some(text) = realdata("aws-cli-examples/cloudtrail/lookup-events.output.json")
        {
            let v: Value = serde_json::from_str(&text).unwrap();
            let ev = &v["Events"][0];
            let rec = ev["CloudTrailEvent"].as_str().unwrap();
            page.push(lookup_event(
                ev["EventId"].as_str().unwrap(),
                1_453_844_532,
                "ConsoleLogin",
                rec,
            ));
        }
        while page.len() < per_page {
            let (account, day) = if i.is_multiple_of(2) {
                ("111122223333", "05")
            } else {
                ("444455556666", "06")
            };
            let time = format!("2026-11-{day}T14:{:02}:{:02}Z", i / 60 % 60, i % 60);
            let epoch = 1_793_800_000 + i as i64;
            let name = if i.is_multiple_of(5) {
                "RunInstances"
            } else {
                "DescribeInstances"
            };
            page.push(lookup_event(
                &format!("evt-{i:05}"),
                epoch,
                name,
                &ct_record(i, account, &time, name),
            ));
            i += 1;
        }
        out.push(page);
    }
    out
}

/// Lower-case the first letter of every key (the CLI's PascalCase GetFindings output → the API's camelCase).
pub fn camel(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let mut c = k.chars();
                    let key = match c.next() {
                        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
                        None => String::new(),
                    };
                    (key, camel(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(camel).collect()),
        other => other.clone(),
    }
}

/// A GuardDuty finding in the API's camelCase form, after the sample scenario.
pub fn gd_finding(i: usize, detector: &str) -> Value {
    json!({
        "accountId": "111122223333",
        "arn": format!("arn:aws:guardduty:us-east-1:111122223333:detector/{detector}/finding/f{i:04}"),
        "createdAt": "2026-11-05T14:20:00.000Z",
        "description": "CloudTrail logging was disabled.",
        "id": format!("f{i:04}"),
        "partition": "aws",
        "region": "us-east-1",
        "resource": {
            "resourceType": if i.is_multiple_of(2) { "AccessKey" } else { "Instance" },
            "accessKeyDetails": {"accessKeyId": "ASIASARAADMIN0000001", "principalId": "AROAADMINSSOEXAMPLE01:sara",
                                 "userName": "sara", "userType": "AssumedRole"},
            "instanceDetails": {"instanceId": "i-0a1b2c3d4e5f60001", "instanceType": "t3.xlarge",
                "tags": [{"key": "Name", "value": "web"}],
                "networkInterfaces": [{"privateIpAddress": "10.0.1.15", "publicIp": "203.0.113.9",
                    "privateIpAddresses": [{"privateIpAddress": "10.0.1.15", "privateDnsName": "ip-10-0-1-15"}]}]},
            "s3BucketDetails": [{"arn": "arn:aws:s3:::prod-customer-data", "name": "prod-customer-data", "type": "Destination"}]
        },
        "schemaVersion": "2.0",
        "service": {
            "action": {
                "actionType": "AWS_API_CALL",
                "awsApiCallAction": {
                    "api": "StopLogging", "callerType": "Remote IP", "errorCode": "AccessDenied",
                    "serviceName": "cloudtrail.amazonaws.com", "userAgent": "aws-cli/2.15.30",
                    "remoteIpDetails": {
                        "ipAddressV4": "198.51.100.23", "city": {"cityName": "Bellevue"},
                        "country": {"countryCode": "US", "countryName": "United States"},
                        "geoLocation": {"lat": 47.61, "lon": -122.2},
                        "organization": {"asn": "64501", "asnOrg": "Example Residential ISP",
                                         "isp": "Example Residential ISP", "org": "Example Residential ISP"}
                    }
                }
            },
            "archived": false,
            "count": 3,
            "detectorId": detector,
            "eventFirstSeen": "2026-11-05T14:12:07.000Z",
            "eventLastSeen": "2026-11-05T14:48:53.000Z",
            "serviceName": "guardduty"
        },
        "severity": 2.0 + (i % 7) as f64,
        "title": "CloudTrail logging disabled",
        "type": "Stealth:IAMUser/CloudTrailLoggingDisabled",
        "updatedAt": "2026-11-05T14:50:00.000Z"
    })
}

/// Every number as f64, so `8` and `8.0` compare equal.
pub fn norm(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64().unwrap_or(f64::NAN)),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), norm(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(norm).collect()),
        other => other.clone(),
    }
}

pub fn aa_analyzer(region: &str, name: &str) -> Value {
    json!({"arn": format!("arn:aws:access-analyzer:{region}:111122223333:analyzer/{name}"), "name": name,
           "type": "ACCOUNT", "createdAt": "2026-11-01T12:00:00Z", "status": "ACTIVE"})
}

/// Access Analyzer findings: the real `get-finding-v2` example (when present), the scenario's vendor-audit
/// finding, and unused-access ones.
pub fn aa_findings() -> Vec<Value> {
    let mut out = Vec::new();
    if let Some(t) = realdata("aws-cli-examples/accessanalyzer/get-finding-v2.output.json") {
        out.push(serde_json::from_str(&t).unwrap());
    }
    out.push(json!({
        "id": "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f", "analyzedAt": "2026-11-05T14:41:30Z",
        "createdAt": "2026-11-05T14:41:30Z", "updatedAt": "2026-11-05T14:41:30Z",
        "resource": "arn:aws:iam::111122223333:role/vendor-audit", "resourceType": "AWS::IAM::Role",
        "resourceOwnerAccount": "111122223333", "status": "ACTIVE", "findingType": "ExternalAccess",
        "findingDetails": [{"externalAccessDetails": {"action": ["sts:AssumeRole"], "condition": {},
            "isPublic": false, "principal": {"AWS": "999988887777"}}}]
    }));
    for i in 0..3 {
        out.push(json!({
            "id": format!("aa-unused-{i}"), "analyzedAt": "2026-11-05T10:00:00Z",
            "createdAt": "2026-11-04T10:00:00Z", "updatedAt": "2026-11-05T10:00:00Z",
            "resource": format!("arn:aws:iam::111122223333:role/old-{i}"), "resourceType": "AWS::IAM::Role",
            "resourceOwnerAccount": "111122223333", "status": "ACTIVE", "findingType": "UnusedPermission",
            "findingDetails": [{"unusedPermissionDetails": {"serviceNamespace": "s3",
                "actions": [{"action": "s3:GetObject", "lastAccessed": "2026-08-01T00:00:00Z"}],
                "lastAccessed": "2026-08-01T00:00:00Z"}}]
        }));
    }
    out
}

/// Every file under `dir` (recursively) with its text, gunzipped when it ends in `.gz`.
pub fn all_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let text = if p.extension().is_some_and(|x| x == "gz") {
                let mut s = String::new();
                flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut s).unwrap();
                s
            } else {
                String::from_utf8_lossy(&bytes).into_owned()
            };
            out.push((p, text));
        }
    }
    out.sort();
    out
}

/// Assert no fake credential appears in any file under `dir` or in `extra` text.
pub fn assert_no_credentials(dir: &Path, extra: &str) {
    for (p, text) in all_files(dir) {
        for secret in [FAKE_KEY, FAKE_SECRET, FAKE_TOKEN, "Signature=", "x-amz-security-token"] {
            assert!(!text.contains(secret), "{} contains {secret}", p.display());
        }
    }
    for secret in [FAKE_KEY, FAKE_SECRET, FAKE_TOKEN] {
        assert!(!extra.contains(secret), "output contains {secret}");
    }
}

/// The CloudTrail records written under `dir`: (relative path, record text).
pub fn written_records(case: &Path) -> Vec<(String, String)> {
    let root = case.join("fetched");
    let mut out = Vec::new();
    for (p, text) in all_files(&root.join("AWSLogs")) {
        #[derive(serde::Deserialize)]
        struct F {
            #[serde(rename = "Records")]
            records: Vec<Box<serde_json::value::RawValue>>,
        }
        let f: F = serde_json::from_str(&text).unwrap();
        let rel = p.strip_prefix(&root).unwrap().display().to_string();
        for r in f.records {
            out.push((rel.clone(), r.get().to_string()));
        }
    }
    out
}
