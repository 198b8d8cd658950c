//! GuardDuty finding objects → [`Finding`]: camelCase (API/SDK, S3 export, EventBridge `detail`) and PascalCase
//! (`aws guardduty get-findings`) alike, through the casing-tolerant readers in `fields` (the shapes:
//! `docs/domain.md` §4).
//! Only `id`, `type` and `severity` are required; every other part may be missing or of the wrong type and is
//! then left empty (a partial finding is still evidence).

use super::error::FindingError;
use super::fields::{array, boolean, get, number, path, path_string, string, time, value_number, value_string};
use super::{
    AccessKeyDetails, ApiCallAction, BucketDetails, DnsRequestAction, EksClusterDetails, Finding, FindingAction,
    FindingResource, Form, InstanceDetails, NetworkConnectionAction, PortProbe, PortProbeAction, RemoteIp, Severity,
    Source, TypeParts,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// Parse one GuardDuty finding object.
pub fn parse(v: &Value) -> Result<Finding, FindingError> {
    const WHAT: &str = "GuardDuty finding";
    if !v.is_object() {
        return Err(FindingError::NotAnObject { what: WHAT });
    }
    let id = required_string(v, "id")?;
    let finding_type = required_string(v, "type")?;
    let severity = match get(v, "severity") {
        None => {
            return Err(FindingError::Invalid {
                what: WHAT,
                id,
                problem: "no severity".into(),
            });
        }
        Some(s) => value_number(s).ok_or_else(|| FindingError::Invalid {
            what: WHAT,
            id: id.clone(),
            problem: format!("severity {s} is not a number"),
        })?,
    };
    let service = get(v, "service").filter(|s| s.is_object());
    let svc_time = |k: &str| service.and_then(|s| time(s, k));
    let additional = service.and_then(|s| get(s, "additionalInfo"));
    // EventBridge and S3 exports may carry additionalInfo as `{"value": "<JSON text>", "type": "default"}`.
    let unpacked: Option<Value> = additional
        .and_then(|a| string(a, "value"))
        .and_then(|s| serde_json::from_str(&s).ok());
    let infos: Vec<&Value> = additional.into_iter().chain(unpacked.as_ref()).collect();
    let sample = infos.iter().any(|a| boolean(a, "sample") == Some(true));
    let action = service.and_then(|s| get(s, "action")).map(action);
    let user_agent = infos
        .iter()
        .find_map(|a| path_string(a, &["userAgent", "fullUserAgent"]))
        .or_else(|| match &action {
            Some(FindingAction::ApiCall(a)) => a.user_agent.clone(),
            _ => None,
        });
    Ok(Finding {
        source: Source::GuardDuty,
        form: Form::GuardDuty,
        type_parts: TypeParts::split(&finding_type),
        severity: Severity::new(severity),
        title: string(v, "title").unwrap_or_else(|| finding_type.clone()),
        description: string(v, "description"),
        arn: string(v, "arn"),
        account: string(v, "accountId"),
        region: string(v, "region"),
        created_at: time(v, "createdAt"),
        updated_at: time(v, "updatedAt"),
        first_seen: svc_time("eventFirstSeen"),
        last_seen: svc_time("eventLastSeen"),
        count: service.and_then(|s| number(s, "count")).map(|c| c.max(0.0) as u64),
        archived: service.and_then(|s| boolean(s, "archived")),
        status: None,
        sample,
        resource: get(v, "resource").map(resource).unwrap_or_default(),
        action,
        user_agent,
        access: None,
        sequence: service.and_then(super::sequence::from_service),
        raw: serde_json::to_string_pretty(v).unwrap_or_default(),
        id,
        finding_type,
    })
}

fn required_string(v: &Value, key: &'static str) -> Result<String, FindingError> {
    const WHAT: &str = "GuardDuty finding";
    match get(v, key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(other) => Err(FindingError::NotAString {
            what: WHAT,
            field: key,
            found: short(other),
        }),
        None => Err(FindingError::MissingField { what: WHAT, field: key }),
    }
}

/// A value shortened for an error message (never the whole, possibly huge, object).
pub(super) fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

fn resource(r: &Value) -> FindingResource {
    let access_key = get(r, "accessKeyDetails").map(|k| AccessKeyDetails {
        access_key_id: string(k, "accessKeyId"),
        principal_id: string(k, "principalId"),
        user_name: string(k, "userName"),
        user_type: string(k, "userType"),
    });
    let instance = get(r, "instanceDetails").map(instance);
    let buckets = array(r, "s3BucketDetails")
        .iter()
        .map(|b| BucketDetails {
            name: string(b, "name"),
            arn: string(b, "arn"),
            bucket_type: string(b, "type"),
            effective_permission: path_string(b, &["publicAccess", "effectivePermission"]),
        })
        .collect::<Vec<_>>();
    let eks = get(r, "eksClusterDetails").map(|e| EksClusterDetails {
        name: string(e, "name"),
        arn: string(e, "arn"),
        vpc_id: string(e, "vpcId"),
        kubernetes_user: path_string(r, &["kubernetesDetails", "kubernetesUserDetails", "username"]),
    });
    let arn = buckets
        .iter()
        .find_map(|b| b.arn.clone())
        .or_else(|| eks.as_ref().and_then(|e| e.arn.clone()));
    FindingResource {
        resource_type: string(r, "resourceType"),
        arn,
        access_key,
        instance,
        buckets,
        eks,
    }
}

fn instance(i: &Value) -> InstanceDetails {
    let mut private_ips = Vec::new();
    let mut public_ips = Vec::new();
    for ni in array(i, "networkInterfaces") {
        private_ips.extend(string(ni, "privateIpAddress"));
        public_ips.extend(string(ni, "publicIp"));
    }
    let tags = array(i, "tags")
        .iter()
        .filter_map(|t| Some((string(t, "key")?, string(t, "value").unwrap_or_default())))
        .collect::<BTreeMap<_, _>>();
    InstanceDetails {
        id: string(i, "instanceId"),
        instance_type: string(i, "instanceType"),
        image_id: string(i, "imageId"),
        state: string(i, "instanceState"),
        availability_zone: string(i, "availabilityZone"),
        instance_profile_arn: path_string(i, &["iamInstanceProfile", "arn"]),
        private_ips,
        public_ips,
        tags,
    }
}

/// `remoteIpDetails` (GuardDuty) in either casing.
pub(super) fn remote_ip(d: &Value) -> RemoteIp {
    RemoteIp {
        ip: string(d, "ipAddressV4").or_else(|| string(d, "ipAddressV6")),
        city: path_string(d, &["city", "cityName"]),
        country: path_string(d, &["country", "countryName"]),
        country_code: path_string(d, &["country", "countryCode"]),
        lat: path(d, &["geoLocation", "lat"]).and_then(value_number),
        lon: path(d, &["geoLocation", "lon"]).and_then(value_number),
        asn: path_string(d, &["organization", "asn"]).filter(|a| a != "-1"),
        asn_org: path_string(d, &["organization", "asnOrg"]),
        isp: path_string(d, &["organization", "isp"]),
        org: path_string(d, &["organization", "org"]),
    }
}

fn port(v: &Value, key: &str) -> Option<u32> {
    get(v, key)
        .and_then(|p| number(p, "port"))
        .filter(|p| (0.0..=65535.0).contains(p))
        .map(|p| p as u32)
}

fn action(a: &Value) -> FindingAction {
    if let Some(c) = get(a, "awsApiCallAction") {
        let affected_resources = get(c, "affectedResources")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), value_string(v)?)))
                    .collect()
            })
            .unwrap_or_default();
        return FindingAction::ApiCall(ApiCallAction {
            api: string(c, "api"),
            service: string(c, "serviceName"),
            caller_type: string(c, "callerType"),
            error_code: string(c, "errorCode"),
            user_agent: string(c, "userAgent"),
            domain: path_string(c, &["domainDetails", "domain"]),
            remote_ip: get(c, "remoteIpDetails").map(remote_ip),
            affected_resources,
        });
    }
    if let Some(c) = get(a, "networkConnectionAction") {
        return FindingAction::NetworkConnection(NetworkConnectionAction {
            direction: string(c, "connectionDirection"),
            protocol: string(c, "protocol"),
            blocked: boolean(c, "blocked"),
            remote_ip: get(c, "remoteIpDetails").map(remote_ip),
            remote_port: port(c, "remotePortDetails"),
            local_port: port(c, "localPortDetails"),
        });
    }
    if let Some(c) = get(a, "portProbeAction") {
        return FindingAction::PortProbe(PortProbeAction {
            blocked: boolean(c, "blocked"),
            probes: array(c, "portProbeDetails")
                .iter()
                .map(|p| PortProbe {
                    local_port: port(p, "localPortDetails"),
                    remote_ip: get(p, "remoteIpDetails").map(remote_ip),
                })
                .collect(),
        });
    }
    if let Some(c) = get(a, "dnsRequestAction") {
        return FindingAction::DnsRequest(DnsRequestAction {
            domain: string(c, "domain"),
            protocol: string(c, "protocol"),
            blocked: boolean(c, "blocked"),
        });
    }
    FindingAction::Other {
        action_type: string(a, "actionType").unwrap_or_else(|| "unknown".into()),
    }
}

/// Does this object look like a GuardDuty finding (before validating it)? A GuardDuty ARN, a `service` block
/// naming guardduty, or a `Purpose:Resource/Family` type next to a severity.
pub fn looks_like(v: &Value) -> bool {
    if !v.is_object() || get(v, "eventName").is_some() || get(v, "eventVersion").is_some() {
        return false;
    }
    if string(v, "arn").is_some_and(|a| a.contains(":guardduty:")) {
        return true;
    }
    if path_string(v, &["service", "serviceName"]).is_some_and(|s| s == "guardduty") {
        return true;
    }
    let typed = string(v, "type").is_some_and(|t| TypeParts::split(&t).is_some());
    typed && get(v, "severity").is_some() && get(v, "resourceType").is_none()
}

/// Every IP the finding names, with its geolocation (API caller, connection peer, probers).
pub fn remote_ips(action: &FindingAction) -> Vec<&RemoteIp> {
    match action {
        FindingAction::ApiCall(a) => a.remote_ip.iter().collect(),
        FindingAction::NetworkConnection(n) => n.remote_ip.iter().collect(),
        FindingAction::PortProbe(p) => p.probes.iter().filter_map(|p| p.remote_ip.as_ref()).collect(),
        FindingAction::DnsRequest(_) | FindingAction::Other { .. } => Vec::new(),
    }
}
