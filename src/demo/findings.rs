//! The sample's findings: GuardDuty `GetFindings` (camelCase API form) and IAM Access Analyzer `list-findings`
//! (v1). The scenario's two findings carry the exact ids and times of samples/SCENARIO.md; observation times of
//! the vendor finding are taken from the planned records so they always agree with the logs.

use serde_json::{Value, json};

use super::clock;
use super::ids::{self, ADMIN_SSO, VENDOR_AUDIT, at};
use super::plan::{Planner, What};

const DETECTOR: &str = "4ab6c4cd4bd8a16b0e1b1cc2d6f4c5e1";
pub const STOP_LOGGING_FINDING: &str = "5ac5b1a1f0e2d3c4b5a6978877665544";
pub const VENDOR_AA_FINDING: &str = "aa-7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f";

fn ms(t: i64, millis: u32) -> String {
    let s = clock::iso(t);
    format!("{}.{millis:03}Z", s.trim_end_matches('Z'))
}

#[allow(clippy::too_many_arguments)]
fn remote_ip(ip: &str, city: &str, country: &str, code: &str, lat: f64, lon: f64, asn: &str, org: &str) -> Value {
    json!({
        "ipAddressV4": ip,
        "city": {"cityName": city},
        "country": {"countryName": country, "countryCode": code},
        "geoLocation": {"lat": lat, "lon": lon},
        "organization": {"asn": asn, "asnOrg": org, "isp": org, "org": org},
    })
}

fn envelope(account: &str, region: &str, id: &str, ty: &str, severity: f64, title: &str, description: String) -> Value {
    json!({
        "accountId": account,
        "arn": format!("arn:aws:guardduty:{region}:{account}:detector/{DETECTOR}/finding/{id}"),
        "id": id,
        "partition": "aws",
        "region": region,
        "schemaVersion": "2.0",
        "severity": severity,
        "title": title,
        "description": description,
        "type": ty,
    })
}

/// First and last time of the calls signed by `key`.
fn observed(p: &Planner, key: &str) -> Option<(i64, i64)> {
    let idx = p.sessions.iter().position(|s| s.key == key)? as u32;
    let times = p.specs.iter().filter_map(|sp| match sp.what {
        What::Call { s, .. } if s == idx => Some(sp.time),
        _ => None,
    });
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for t in times {
        lo = lo.min(t);
        hi = hi.max(t);
    }
    (lo <= hi).then_some((lo, hi))
}

pub fn guardduty(p: &Planner) -> Value {
    let mut stop = envelope(
        ids::PROD,
        "us-east-1",
        STOP_LOGGING_FINDING,
        "Stealth:IAMUser/CloudTrailLoggingDisabled",
        2.0,
        "AWS CloudTrail trail demo-trail-2 was disabled.",
        format!(
            "The AWS CloudTrail trail {} was disabled by AssumedRole {}:sara using access key {}.",
            ids::DEMO_TRAIL_2,
            ADMIN_SSO.id,
            ids::SARA_INCIDENT_KEY
        ),
    );
    stop["createdAt"] = json!(ms(at(2026, 11, 5, 14, 17, 35), 412));
    stop["updatedAt"] = json!(ms(at(2026, 11, 5, 14, 55, 2), 118));
    stop["resource"] = json!({
        "resourceType": "AccessKey",
        "accessKeyDetails": {
            "accessKeyId": ids::SARA_INCIDENT_KEY,
            "principalId": format!("{}:sara", ADMIN_SSO.id),
            "userName": ADMIN_SSO.name,
            "userType": "AssumedRole",
        },
    });
    stop["service"] = json!({
        "serviceName": "guardduty",
        "detectorId": DETECTOR,
        "action": {"actionType": "AWS_API_CALL", "awsApiCallAction": {
            "api": "StopLogging",
            "serviceName": "cloudtrail.amazonaws.com",
            "callerType": "Remote IP",
            "remoteIpDetails": remote_ip(ids::SARA_HOME_IPS[0], "Bellevue", "United States", "US", 47.61, -122.2, "64501", "Example Residential ISP"),
            "affectedResources": {"AWS::CloudTrail::Trail": ids::DEMO_TRAIL_2},
        }},
        "resourceRole": "TARGET",
        "additionalInfo": {"value": "{}", "type": "default"},
        "eventFirstSeen": ms(at(2026, 11, 5, 14, 12, 7), 0),
        "eventLastSeen": ms(at(2026, 11, 5, 14, 48, 53), 0),
        "archived": false,
        "count": 1,
    });

    let (first, last) =
        observed(p, ids::VENDOR_KEY).unwrap_or((at(2026, 11, 5, 16, 3, 15), at(2026, 11, 5, 16, 16, 0)));
    let mut recon = envelope(
        ids::PROD,
        "us-east-1",
        "8ec5b1a2c3d4e5f60718293a4b5c6d7e",
        "Recon:IAMUser/MaliciousIPCaller",
        5.0,
        "Reconnaissance API ListRoles was invoked from a known malicious IP address.",
        format!(
            "API ListRoles, commonly used in reconnaissance attacks, was invoked from a known malicious IP address {}. Unauthorized actors perform this type of activity to gain information about the environment.",
            ids::VENDOR_IP
        ),
    );
    recon["createdAt"] = json!(ms(last + 412, 905));
    recon["updatedAt"] = json!(ms(last + 412, 905));
    recon["resource"] = json!({
        "resourceType": "AccessKey",
        "accessKeyDetails": {
            "accessKeyId": ids::VENDOR_KEY,
            "principalId": format!("{}:audit", VENDOR_AUDIT.id),
            "userName": VENDOR_AUDIT.name,
            "userType": "AssumedRole",
        },
    });
    recon["service"] = json!({
        "serviceName": "guardduty",
        "detectorId": DETECTOR,
        "action": {"actionType": "AWS_API_CALL", "awsApiCallAction": {
            "api": "ListRoles",
            "serviceName": "iam.amazonaws.com",
            "callerType": "Remote IP",
            "remoteIpDetails": remote_ip(ids::VENDOR_IP, "Frankfurt am Main", "Germany", "DE", 50.11, 8.68, "64503", "Example Hosting GmbH"),
            "affectedResources": {},
        }},
        "resourceRole": "TARGET",
        "additionalInfo": {"value": "{\"threatListName\":\"ProofPoint\"}", "type": "default"},
        "eventFirstSeen": ms(first, 0),
        "eventLastSeen": ms(last, 0),
        "archived": false,
        "count": 3,
    });

    let mut root = envelope(
        ids::DEV,
        "us-east-1",
        "2cc5b1a3d4e5f6a7b8c9d0e1f2a3b4c5",
        "Policy:IAMUser/RootCredentialUsage",
        2.0,
        "API GetAccountSummary was invoked using root credentials.",
        "API GetAccountSummary was invoked using root credentials from IP address 198.51.100.45.".into(),
    );
    root["createdAt"] = json!(ms(at(2026, 10, 2, 17, 41, 12), 220));
    root["updatedAt"] = json!(ms(at(2026, 10, 2, 17, 41, 12), 220));
    root["resource"] = json!({"resourceType": "AccessKey", "accessKeyDetails": {"accessKeyId": "", "principalId": ids::DEV, "userName": "Root", "userType": "Root"}});
    root["service"] = json!({
        "serviceName": "guardduty",
        "detectorId": DETECTOR,
        "action": {"actionType": "AWS_API_CALL", "awsApiCallAction": {
            "api": "GetAccountSummary",
            "serviceName": "iam.amazonaws.com",
            "callerType": "Remote IP",
            "remoteIpDetails": remote_ip(ids::LI_IP, "Seattle", "United States", "US", 47.61, -122.33, "64504", "Example Metro Fiber"),
            "affectedResources": {},
        }},
        "resourceRole": "TARGET",
        "additionalInfo": {"value": "{}", "type": "default"},
        "eventFirstSeen": ms(at(2026, 10, 2, 17, 33, 5), 0),
        "eventLastSeen": ms(at(2026, 10, 2, 17, 33, 5), 0),
        "archived": true,
        "count": 1,
    });

    let mut probe = envelope(
        ids::DEV,
        "us-east-1",
        "94c5b1a4e5f6a7b8c9d0e1f2a3b4c5d6",
        "Recon:EC2/PortProbeUnprotectedPort",
        2.0,
        format!(
            "Unprotected port on EC2 instance {} is being probed.",
            ids::FIRST_INSTANCE
        )
        .as_str(),
        format!(
            "EC2 instance {} has an unprotected port which is being probed by a known malicious host.",
            ids::FIRST_INSTANCE
        ),
    );
    probe["createdAt"] = json!(ms(at(2026, 10, 21, 3, 12, 44), 31));
    probe["updatedAt"] = json!(ms(at(2026, 11, 3, 22, 5, 9), 870));
    probe["resource"] = json!({
        "resourceType": "Instance",
        "instanceDetails": {
            "instanceId": ids::FIRST_INSTANCE,
            "instanceType": "t3.medium",
            "instanceState": "running",
            "availabilityZone": "us-east-1a",
            "imageId": "ami-0fff1b9a61dec8a5f",
            "launchTime": "2026-08-30T09:14:02.000Z",
            "iamInstanceProfile": {"arn": format!("arn:aws:iam::{}:instance-profile/web-app-role", ids::DEV), "id": "AIPAWEBAPPPROFILEEXMPL"},
            "networkInterfaces": [{"networkInterfaceId": "eni-0a1b2c3d4e5f60001", "privateIpAddress": "10.0.1.15", "publicIp": "192.0.2.55", "subnetId": "subnet-0a1b2c3d4e5f60001", "vpcId": "vpc-0a1b2c3d4e5f60001", "securityGroups": [{"groupId": "sg-0a1b2c3d4e5f60001", "groupName": "web-app"}]}],
            "tags": [{"key": "Name", "value": "web-app-1"}],
        },
    });
    probe["service"] = json!({
        "serviceName": "guardduty",
        "detectorId": DETECTOR,
        "action": {"actionType": "PORT_PROBE", "portProbeAction": {
            "blocked": false,
            "portProbeDetails": [{
                "localPortDetails": {"port": 22, "portName": "SSH"},
                "remoteIpDetails": remote_ip("192.0.2.250", "Ashburn", "United States", "US", 39.04, -77.49, "64502", "Example Cloud Ashburn"),
            }],
        }},
        "resourceRole": "TARGET",
        "additionalInfo": {"value": "{}", "type": "default"},
        "eventFirstSeen": ms(at(2026, 10, 21, 2, 58, 1), 0),
        "eventLastSeen": ms(at(2026, 11, 3, 21, 49, 37), 0),
        "archived": false,
        "count": 37,
    });

    json!({"findings": [stop, recon, root, probe]})
}

pub fn access_analyzer() -> Value {
    let created = clock::iso(at(2026, 11, 5, 14, 41, 30));
    json!({"findings": [
        {
            "id": VENDOR_AA_FINDING,
            "principal": {"AWS": ids::VENDOR},
            "action": ["sts:AssumeRole"],
            "resource": VENDOR_AUDIT.arn(),
            "isPublic": false,
            "resourceType": "AWS::IAM::Role",
            "condition": {},
            "createdAt": created,
            "analyzedAt": created,
            "updatedAt": created,
            "status": "ACTIVE",
            "resourceOwnerAccount": ids::PROD,
        },
        {
            "id": "aa-3c9d1e2f-4a5b-4c6d-8e7f-0a1b2c3d4e5f",
            "principal": {"AWS": "arn:aws:iam::555566667777:root"},
            "action": ["s3:GetObject", "s3:ListBucket"],
            "resource": "arn:aws:s3:::prod-reports",
            "isPublic": false,
            "resourceType": "AWS::S3::Bucket",
            "condition": {},
            "createdAt": clock::iso(at(2026, 9, 22, 18, 3, 51)),
            "analyzedAt": clock::iso(at(2026, 11, 4, 6, 0, 12)),
            "updatedAt": clock::iso(at(2026, 9, 23, 16, 20, 5)),
            "status": "ARCHIVED",
            "resourceOwnerAccount": ids::PROD,
        },
    ]})
}
