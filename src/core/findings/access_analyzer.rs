//! IAM Access Analyzer findings → [`Finding`]: `list-findings` / `get-finding` (v1), `list-findings-v2` /
//! `get-finding-v2` (with `findingDetails`), EventBridge `detail`, and Security Hub ASFF (Access Analyzer as the
//! product); the shapes are summarised in `docs/domain.md` §5. Access Analyzer has no numeric severity:
//! [`Severity::access_analyzer`] documents ours.

use super::error::FindingError;
use super::fields::{array, boolean, get, path_string, string, strings, time, value_string};
use super::{AccessDetails, Finding, FindingResource, Form, Severity, Source};
use serde_json::Value;
use std::collections::BTreeMap;

/// Parse one Access Analyzer finding object (`form` says where it came from).
pub fn parse(v: &Value, form: Form, region_hint: Option<&str>) -> Result<Finding, FindingError> {
    const WHAT: &str = "Access Analyzer finding";
    if !v.is_object() {
        return Err(FindingError::NotAnObject { what: WHAT });
    }
    let id = match get(v, "id").or_else(|| get(v, "findingId")) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(other) => {
            return Err(FindingError::NotAString {
                what: WHAT,
                field: "id",
                found: super::guardduty::short(other),
            });
        }
        None => {
            return Err(FindingError::MissingField {
                what: WHAT,
                field: "id",
            });
        }
    };
    let resource_arn = string(v, "resource");
    let resource_type = string(v, "resourceType");
    if resource_arn.is_none() && resource_type.is_none() {
        return Err(FindingError::Invalid {
            what: WHAT,
            id,
            problem: "neither resource nor resourceType".into(),
        });
    }
    let mut d = AccessDetails {
        finding_type: string(v, "findingType").unwrap_or_else(|| "ExternalAccess".into()),
        owner_account: string(v, "resourceOwnerAccount").or_else(|| string(v, "accountId")),
        status: string(v, "status"),
        analyzed_at: time(v, "analyzedAt"),
        error: string(v, "error"),
        analyzer_arn: string(v, "analyzerArn"),
        resource_arn,
        resource_type,
        ..AccessDetails::default()
    };
    // v1 / EventBridge: the access is described at the top level.
    merge_access(&mut d, v);
    for det in array(v, "findingDetails") {
        d.details.push(det.clone());
        if let Some(x) = get(det, "externalAccessDetails") {
            merge_access(&mut d, x);
        }
        if let Some(x) = get(det, "internalAccessDetails") {
            merge_access(&mut d, x);
        }
        if let Some(x) = get(det, "unusedIamRoleDetails") {
            d.last_accessed = time(x, "lastAccessed");
        }
        if let Some(x) = get(det, "unusedIamUserPasswordDetails") {
            d.last_accessed = time(x, "lastAccessed");
        }
        if let Some(x) = get(det, "unusedIamUserAccessKeyDetails") {
            d.access_key_id = string(x, "accessKeyId");
            d.last_accessed = time(x, "lastAccessed");
        }
        if let Some(x) = get(det, "unusedPermissionDetails") {
            let ns = string(x, "serviceNamespace").unwrap_or_default();
            let actions = array(x, "actions").iter().filter_map(|a| string(a, "action")).collect();
            d.unused_services.insert(ns, actions);
            let la = time(x, "lastAccessed");
            d.last_accessed = d.last_accessed.max(la);
        }
    }
    let region = string(v, "region")
        .or_else(|| region_hint.map(str::to_string))
        .or_else(|| d.analyzer_arn.as_deref().and_then(arn_region))
        .or_else(|| d.resource_arn.as_deref().and_then(arn_region));
    Ok(finding(
        v,
        id,
        d,
        form,
        region,
        time(v, "createdAt"),
        time(v, "updatedAt"),
    ))
}

/// The fields every Access Analyzer form fills the same way; callers override what their form says differently.
fn finding(
    v: &Value,
    id: String,
    d: AccessDetails,
    form: Form,
    region: Option<String>,
    created_at: Option<i64>,
    updated_at: Option<i64>,
) -> Finding {
    Finding {
        source: Source::AccessAnalyzer,
        form,
        arn: None,
        finding_type: d.finding_type.clone(),
        type_parts: None,
        severity: Severity::access_analyzer(&d.finding_type, d.is_public, d.error.is_some()),
        title: title(&d),
        description: None,
        account: d.owner_account.clone(),
        region,
        created_at,
        updated_at,
        first_seen: None,
        last_seen: None,
        count: None,
        archived: d.status.as_deref().map(|s| s == "ARCHIVED"),
        status: d.status.clone(),
        sample: false,
        resource: FindingResource {
            resource_type: d.resource_type.clone(),
            arn: d.resource_arn.clone(),
            ..FindingResource::default()
        },
        action: None,
        user_agent: None,
        raw: serde_json::to_string_pretty(v).unwrap_or_default(),
        sequence: None,
        access: Some(d),
        id,
    }
}

fn merge_access(d: &mut AccessDetails, x: &Value) {
    if let Some(Value::Object(p)) = get(x, "principal") {
        for (k, v) in p {
            if let Some(s) = joined(v) {
                d.principal.insert(k.clone(), s);
            }
        }
    }
    for a in strings(x, "action") {
        if !d.actions.contains(&a) {
            d.actions.push(a);
        }
    }
    if let Some(Value::Object(c)) = get(x, "condition") {
        for (k, v) in c {
            d.conditions
                .insert(k.clone(), joined(v).unwrap_or_else(|| v.to_string()));
        }
    }
    if let Some(p) = boolean(x, "isPublic") {
        d.is_public = Some(d.is_public.unwrap_or(false) || p);
    }
}

fn joined(v: &Value) -> Option<String> {
    match v {
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(value_string).collect();
            (!parts.is_empty()).then(|| parts.join(","))
        }
        other => value_string(other),
    }
}

/// The region field of an ARN (`arn:partition:service:region:account:…`), if it has one.
fn arn_region(arn: &str) -> Option<String> {
    arn.split(':').nth(3).filter(|r| !r.is_empty()).map(str::to_string)
}

fn title(d: &AccessDetails) -> String {
    let what = d
        .resource_arn
        .clone()
        .or_else(|| d.resource_type.clone())
        .unwrap_or_default();
    if let Some(e) = &d.error {
        return format!("{what}: analyzer could not evaluate ({e})");
    }
    let who = || {
        d.principal
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match d.finding_type.as_str() {
        "ExternalAccess" if d.is_public == Some(true) => format!("{what} is public"),
        "ExternalAccess" if !d.principal.is_empty() => {
            format!("{what} allows external access from {}", who())
        }
        "ExternalAccess" => format!("{what} allows external access"),
        "InternalAccess" => format!("{what} allows internal access from {}", who()),
        "UnusedIAMRole" => format!("{what}: unused IAM role"),
        "UnusedIAMUserAccessKey" => format!("{what}: unused access key {}", d.access_key_id.as_deref().unwrap_or("")),
        "UnusedIAMUserPassword" => format!("{what}: unused console password"),
        "UnusedPermission" => format!("{what}: unused permissions"),
        other => format!("{what}: {other}"),
    }
}

/// Does this object look like an Access Analyzer finding? A resource ARN or `AWS::` resource type plus one of the
/// fields only findings have. Access *preview* findings (`changeType`) are excluded: they are hypothetical.
pub fn looks_like(v: &Value) -> bool {
    if !v.is_object() || get(v, "eventName").is_some() || get(v, "changeType").is_some() {
        return false;
    }
    let has_id = string(v, "id").is_some() || string(v, "findingId").is_some();
    let resource = string(v, "resource").is_some() || string(v, "resourceType").is_some_and(|t| t.starts_with("AWS::"));
    let finding_fields = ["findingType", "isPublic", "resourceOwnerAccount", "findingDetails"]
        .iter()
        .any(|k| get(v, k).is_some())
        || (get(v, "principal").is_some() && get(v, "status").is_some());
    has_id && resource && finding_fields
}

/// An access-preview finding (`list-access-preview-findings`): not a finding of the account's real state.
pub fn is_preview(v: &Value) -> bool {
    get(v, "changeType").is_some() && get(v, "resourceType").is_some()
}

/// Security Hub ASFF with Access Analyzer as the product.
pub fn parse_asff(v: &Value) -> Result<Finding, FindingError> {
    let asff_id = string(v, "Id").ok_or(FindingError::MissingField {
        what: "ASFF finding",
        field: "Id",
    })?;
    // The Access Analyzer finding id is the tail of SourceUrl (`…#/findings/details/<id>`); using it lets the same
    // finding read from list-findings and from Security Hub be recognised as one.
    let id = string(v, "SourceUrl")
        .and_then(|u| u.rsplit_once("/details/").map(|(_, t)| t.to_string()))
        .filter(|t| !t.is_empty() && !t.contains('/'))
        .unwrap_or_else(|| asff_id.clone());
    let res = array(v, "Resources").first();
    let resource_arn = res.and_then(|r| string(r, "Id"));
    let resource_type = res.and_then(|r| string(r, "Type")).map(|t| cfn_type(&t));
    let other = res.and_then(|r| get(r, "Details")).and_then(|d| get(d, "Other"));
    let types = strings(v, "Types");
    let finding_type = types
        .iter()
        .find_map(|t| type_from_asff(t))
        .unwrap_or("ExternalAccess")
        .to_string();
    let mut d = AccessDetails {
        finding_type,
        resource_arn,
        resource_type,
        owner_account: string(v, "AwsAccountId"),
        status: Some(asff_status(v)),
        ..AccessDetails::default()
    };
    if let Some(o) = other {
        let ptype = string(o, "External Principal Type").unwrap_or_else(|| "AWS".into());
        if let Some(p) = string(o, "External Principal") {
            d.is_public = Some(p == "*");
            d.principal.insert(ptype, p);
        }
        if let Some(a) = string(o, "Action Granted") {
            d.actions = a
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if let Some(c) = string(o, "Condition").filter(|c| c != "none") {
            d.conditions.insert("Condition".into(), c);
        }
    }
    let region = res
        .and_then(|r| string(r, "Region"))
        .or_else(|| string(v, "Region"))
        .or_else(|| string(v, "ProductArn").as_deref().and_then(arn_region));
    let title = string(v, "Title").unwrap_or_else(|| title(&d));
    Ok(Finding {
        arn: Some(asff_id),
        title,
        description: string(v, "Description"),
        first_seen: time(v, "FirstObservedAt"),
        last_seen: time(v, "LastObservedAt"),
        ..finding(v, id, d, Form::Asff, region, time(v, "CreatedAt"), time(v, "UpdatedAt"))
    })
}

fn asff_status(v: &Value) -> String {
    if path_string(v, &["Workflow", "Status"]).as_deref() == Some("RESOLVED") {
        return "RESOLVED".into();
    }
    match string(v, "RecordState").as_deref() {
        Some("ARCHIVED") => "ARCHIVED".into(),
        _ => "ACTIVE".into(),
    }
}

fn type_from_asff(t: &str) -> Option<&'static str> {
    let t = t.to_ascii_lowercase();
    Some(if t.contains("external access") {
        "ExternalAccess"
    } else if t.contains("internal access") {
        "InternalAccess"
    } else if t.contains("unused") && t.contains("role") {
        "UnusedIAMRole"
    } else if t.contains("unused") && t.contains("access key") {
        "UnusedIAMUserAccessKey"
    } else if t.contains("unused") && t.contains("password") {
        "UnusedIAMUserPassword"
    } else if t.contains("unused") && t.contains("permission") {
        "UnusedPermission"
    } else {
        return None;
    })
}

/// ASFF resource type (`AwsS3Bucket`) → the CloudFormation name Access Analyzer uses elsewhere.
fn cfn_type(t: &str) -> String {
    let map: BTreeMap<&str, &str> = [
        ("AwsS3Bucket", "AWS::S3::Bucket"),
        ("AwsIamRole", "AWS::IAM::Role"),
        ("AwsIamUser", "AWS::IAM::User"),
        ("AwsKmsKey", "AWS::KMS::Key"),
        ("AwsLambdaFunction", "AWS::Lambda::Function"),
        ("AwsSqsQueue", "AWS::SQS::Queue"),
        ("AwsSnsTopic", "AWS::SNS::Topic"),
        ("AwsSecretsManagerSecret", "AWS::SecretsManager::Secret"),
        ("AwsEcrRepository", "AWS::ECR::Repository"),
        ("AwsEfsFileSystem", "AWS::EFS::FileSystem"),
        ("AwsDynamoDbTable", "AWS::DynamoDB::Table"),
    ]
    .into_iter()
    .collect();
    map.get(t).map_or_else(|| t.to_string(), |s| s.to_string())
}
