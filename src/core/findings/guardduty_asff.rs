//! GuardDuty findings as Security Hub imports them (ASFF), rebuilt into the native GuardDuty shape and then read
//! by the one GuardDuty parser, so both forms give the same [`Finding`]. GuardDuty flattens its native fields
//! into `ProductFields` keys such as `aws/guardduty/service/action/awsApiCallAction/api`; those are unflattened.
//! The type comes from `Types` (`TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled`, where ASFF
//! replaced the type's `/` with `-`). An attack sequence's `Detection` block becomes `service.detection`.

use super::Finding;
use super::error::FindingError;
use super::fields::{array, get, number, string, strings};
use serde_json::{Map, Value, json};

pub fn parse(v: &Value) -> Result<Finding, FindingError> {
    let asff_id = string(v, "Id").ok_or(FindingError::MissingField {
        what: "GuardDuty ASFF finding",
        field: "Id",
    })?;
    let id = asff_id
        .rsplit_once("/finding/")
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| asff_id.clone());
    let finding_type = strings(v, "Types")
        .iter()
        .find_map(|t| native_type(t))
        .or_else(|| string(v, "Title"))
        .ok_or(FindingError::MissingField {
            what: "GuardDuty ASFF finding",
            field: "type in Types",
        })?;
    let severity = get(v, "Severity")
        .and_then(|s| number(s, "Product").or_else(|| number(s, "Normalized").map(|n| n / 10.0)))
        .ok_or(FindingError::MissingField {
            what: "GuardDuty ASFF finding",
            field: "Severity.Product",
        })?;
    let mut native = Map::new();
    if let Some(Value::Object(pf)) = get(v, "ProductFields") {
        for (k, val) in pf {
            if let Some(rest) = k.strip_prefix("aws/guardduty/") {
                insert_path(&mut native, rest, val.clone());
            }
        }
    }
    let service = native.entry("service").or_insert_with(|| json!({}));
    if let Value::Object(s) = service {
        for (to, from) in [
            ("eventFirstSeen", "FirstObservedAt"),
            ("eventLastSeen", "LastObservedAt"),
        ] {
            if let Some(t) = string(v, from) {
                s.entry(to).or_insert(Value::String(t));
            }
        }
        s.entry("serviceName").or_insert(json!("guardduty"));
        // An attack sequence travels as the top-level `Detection` (`Detection.Sequence`, PascalCase); the
        // sequence reader accepts both spellings.
        if let Some(d) = get(v, "Detection").filter(|d| d.is_object()) {
            s.entry("detection").or_insert(d.clone());
        }
    }
    native.insert("resource".into(), resource(array(v, "Resources").first()));
    for (to, val) in [
        ("id", Some(id)),
        ("arn", Some(asff_id)),
        ("type", Some(finding_type)),
        ("title", string(v, "Title")),
        ("description", string(v, "Description")),
        ("accountId", string(v, "AwsAccountId")),
        (
            "region",
            string(v, "Region").or_else(|| array(v, "Resources").first().and_then(|r| string(r, "Region"))),
        ),
        ("createdAt", string(v, "CreatedAt")),
        ("updatedAt", string(v, "UpdatedAt")),
    ] {
        if let Some(val) = val {
            native.insert(to.into(), Value::String(val));
        }
    }
    native.insert("severity".into(), json!(severity));
    let mut f = super::guardduty::parse(&Value::Object(native))?;
    f.form = super::Form::Asff;
    f.raw = serde_json::to_string_pretty(v).unwrap_or_default();
    Ok(f)
}

/// `TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled` → `Stealth:IAMUser/CloudTrailLoggingDisabled`.
fn native_type(t: &str) -> Option<String> {
    let last = t.rsplit('/').next()?;
    let (purpose, rest) = last.split_once(':')?;
    let (resource, family) = rest.split_once('-')?;
    Some(format!("{purpose}:{resource}/{family}"))
}

/// Insert `a/b/c = v` as nested objects; numeric-looking leaves from ProductFields (all strings) are kept as
/// strings, which the GuardDuty readers accept.
fn insert_path(root: &mut Map<String, Value>, path: &str, v: Value) {
    let mut parts = path.split('/').filter(|p| !p.is_empty()).peekable();
    let mut cur = root;
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            cur.insert(p.to_string(), v);
            return;
        }
        let next = cur.entry(p.to_string()).or_insert_with(|| json!({}));
        if !next.is_object() {
            *next = json!({});
        }
        match next {
            Value::Object(m) => cur = m,
            _ => return,
        }
    }
}

fn resource(r: Option<&Value>) -> Value {
    let Some(r) = r else { return json!({}) };
    let rtype = string(r, "Type").unwrap_or_default();
    let rid = string(r, "Id").unwrap_or_default();
    let details = get(r, "Details");
    match rtype.as_str() {
        "AwsIamAccessKey" => {
            let d = details.and_then(|d| get(d, "AwsIamAccessKey"));
            let key = d
                .and_then(|d| string(d, "AccessKeyId"))
                .or_else(|| rid.rsplit_once(':').map(|(_, k)| k.to_string()));
            json!({"resourceType": "AccessKey", "accessKeyDetails": {
                "accessKeyId": key,
                "principalId": d.and_then(|d| string(d, "PrincipalId")),
                "userName": d.and_then(|d| string(d, "PrincipalName").or_else(|| string(d, "UserName"))),
                "userType": d.and_then(|d| string(d, "PrincipalType")),
            }})
        }
        "AwsEc2Instance" => {
            let d = details.and_then(|d| get(d, "AwsEc2Instance"));
            json!({"resourceType": "Instance", "instanceDetails": {
                "instanceId": rid.rsplit_once('/').map(|(_, i)| i.to_string()).unwrap_or(rid.clone()),
                "instanceType": d.and_then(|d| string(d, "Type")),
                "imageId": d.and_then(|d| string(d, "ImageId")),
            }})
        }
        "AwsS3Bucket" => {
            let name = rid.strip_prefix("arn:aws:s3:::").unwrap_or(&rid).to_string();
            json!({"resourceType": "S3Bucket", "s3BucketDetails": [{"arn": rid, "name": name}]})
        }
        _ => json!({"resourceType": rtype}),
    }
}
