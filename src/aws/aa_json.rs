//! IAM Access Analyzer `GetFindingV2` output → the API's JSON finding shape (`id`, times, `resource`,
//! `resourceType`, `resourceOwnerAccount`, `status`, `findingType`, `findingDetails[]` with external/internal
//! access or unused-access details). SDK types have no serde, so this is an explicit field map; times are written
//! as RFC 3339 as the API sends them.

use aws_sdk_accessanalyzer::operation::get_finding_v2::GetFindingV2Output;
use aws_sdk_accessanalyzer::primitives::DateTime;
use aws_sdk_accessanalyzer::types::{FindingDetails, FindingSource};
use serde_json::Value;

use super::gd_json::Obj;

fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

fn string_map(m: Option<&std::collections::HashMap<String, String>>) -> Option<Value> {
    m.map(|m| {
        let sorted: std::collections::BTreeMap<_, _> = m.iter().collect();
        serde_json::to_value(sorted).unwrap_or(Value::Null)
    })
}

fn strings(v: &[String]) -> Vec<Value> {
    v.iter().map(|s| Value::String(s.clone())).collect()
}

fn sources(v: &[FindingSource]) -> Vec<Value> {
    v.iter()
        .map(|s| {
            Obj::default()
                .s("type", Some(s.r#type().as_str()))
                .o(
                    "detail",
                    s.detail().map(|d| {
                        Obj::default()
                            .s("accessPointArn", d.access_point_arn())
                            .s("accessPointAccount", d.access_point_account())
                            .value()
                    }),
                )
                .value()
        })
        .collect()
}

fn detail(d: &FindingDetails) -> Option<Value> {
    let (key, body) = match d {
        FindingDetails::ExternalAccessDetails(e) => (
            "externalAccessDetails",
            Obj::default()
                .list("action", strings(e.action()))
                .o("condition", string_map(Some(e.condition())))
                .b("isPublic", e.is_public())
                .o("principal", string_map(e.principal()))
                .list("sources", sources(e.sources()))
                .s(
                    "resourceControlPolicyRestriction",
                    e.resource_control_policy_restriction().map(|r| r.as_str()),
                ),
        ),
        FindingDetails::InternalAccessDetails(e) => (
            "internalAccessDetails",
            Obj::default()
                .list("action", strings(e.action()))
                .o("condition", string_map(e.condition()))
                .o("principal", string_map(e.principal()))
                .s("principalOwnerAccount", e.principal_owner_account())
                .s("accessType", e.access_type().map(|t| t.as_str()))
                .s("principalType", e.principal_type().map(|t| t.as_str()))
                .list("sources", sources(e.sources()))
                .s(
                    "resourceControlPolicyRestriction",
                    e.resource_control_policy_restriction().map(|r| r.as_str()),
                )
                .s(
                    "serviceControlPolicyRestriction",
                    e.service_control_policy_restriction().map(|r| r.as_str()),
                ),
        ),
        FindingDetails::UnusedPermissionDetails(u) => (
            "unusedPermissionDetails",
            Obj::default()
                .list(
                    "actions",
                    u.actions()
                        .iter()
                        .map(|a| {
                            Obj::default()
                                .s("action", Some(a.action()))
                                .s("lastAccessed", time(a.last_accessed()).as_deref())
                                .value()
                        })
                        .collect(),
                )
                .s("serviceNamespace", Some(u.service_namespace()))
                .s("lastAccessed", time(u.last_accessed()).as_deref()),
        ),
        FindingDetails::UnusedIamUserAccessKeyDetails(u) => (
            "unusedIamUserAccessKeyDetails",
            Obj::default()
                .s("accessKeyId", Some(u.access_key_id()))
                .s("lastAccessed", time(u.last_accessed()).as_deref()),
        ),
        FindingDetails::UnusedIamRoleDetails(u) => (
            "unusedIamRoleDetails",
            Obj::default().s("lastAccessed", time(u.last_accessed()).as_deref()),
        ),
        FindingDetails::UnusedIamUserPasswordDetails(u) => (
            "unusedIamUserPasswordDetails",
            Obj::default().s("lastAccessed", time(u.last_accessed()).as_deref()),
        ),
        // A detail kind newer than this SDK: nothing trustworthy to write.
        _ => return None,
    };
    Some(Obj::default().o(key, Some(body.value())).value())
}

/// One finding from its `GetFindingV2` pages (details of later pages appended to the first page's).
pub(crate) fn finding(first: &GetFindingV2Output, details: &[FindingDetails]) -> Value {
    Obj::default()
        .s("id", Some(first.id()))
        .s("analyzedAt", time(Some(first.analyzed_at())).as_deref())
        .s("createdAt", time(Some(first.created_at())).as_deref())
        .s("updatedAt", time(Some(first.updated_at())).as_deref())
        .s("error", first.error())
        .s("resource", first.resource())
        .s("resourceType", Some(first.resource_type().as_str()))
        .s("resourceOwnerAccount", Some(first.resource_owner_account()))
        .s("status", Some(first.status().as_str()))
        .s("findingType", first.finding_type().map(|t| t.as_str()))
        .o(
            "findingDetails",
            Some(Value::Array(details.iter().filter_map(detail).collect())),
        )
        .value()
}
