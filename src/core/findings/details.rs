//! The parts of a [`super::Finding`]: the resource it is about (access key, instance, buckets, EKS), what
//! GuardDuty saw happen (API call, network connection, port probe, DNS request, with remote IP geolocation), and
//! the Access Analyzer access description. Plain data; the parsers fill it.

use super::ser;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AccessKeyDetails {
    pub access_key_id: Option<String>,
    pub principal_id: Option<String>,
    pub user_name: Option<String>,
    pub user_type: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InstanceDetails {
    pub id: Option<String>,
    pub instance_type: Option<String>,
    pub image_id: Option<String>,
    pub state: Option<String>,
    pub availability_zone: Option<String>,
    pub instance_profile_arn: Option<String>,
    pub private_ips: Vec<String>,
    pub public_ips: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BucketDetails {
    pub name: Option<String>,
    pub arn: Option<String>,
    /// `Destination` / `Source` as GuardDuty labels it.
    pub bucket_type: Option<String>,
    pub effective_permission: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EksClusterDetails {
    pub name: Option<String>,
    pub arn: Option<String>,
    pub vpc_id: Option<String>,
    /// `kubernetesDetails.kubernetesUserDetails.username`.
    pub kubernetes_user: Option<String>,
}

/// What the finding is about. `arn` / `resource_type` are the generic form every finding has in some way.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FindingResource {
    pub resource_type: Option<String>,
    pub arn: Option<String>,
    pub access_key: Option<AccessKeyDetails>,
    pub instance: Option<InstanceDetails>,
    pub buckets: Vec<BucketDetails>,
    pub eks: Option<EksClusterDetails>,
}

/// A remote IP with the finding's own geolocation and network owner.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RemoteIp {
    pub ip: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub country_code: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub asn: Option<String>,
    pub asn_org: Option<String>,
    pub isp: Option<String>,
    pub org: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ApiCallAction {
    pub api: Option<String>,
    pub service: Option<String>,
    pub caller_type: Option<String>,
    pub error_code: Option<String>,
    pub user_agent: Option<String>,
    /// `domainDetails.domain` when the caller was a service domain rather than an IP.
    pub domain: Option<String>,
    pub remote_ip: Option<RemoteIp>,
    /// `affectedResources`: resource type → id.
    pub affected_resources: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NetworkConnectionAction {
    pub direction: Option<String>,
    pub protocol: Option<String>,
    pub blocked: Option<bool>,
    pub remote_ip: Option<RemoteIp>,
    pub remote_port: Option<u32>,
    pub local_port: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PortProbe {
    pub local_port: Option<u32>,
    pub remote_ip: Option<RemoteIp>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PortProbeAction {
    pub blocked: Option<bool>,
    pub probes: Vec<PortProbe>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DnsRequestAction {
    pub domain: Option<String>,
    pub protocol: Option<String>,
    pub blocked: Option<bool>,
}

/// GuardDuty `service.action`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FindingAction {
    ApiCall(ApiCallAction),
    NetworkConnection(NetworkConnectionAction),
    PortProbe(PortProbeAction),
    DnsRequest(DnsRequestAction),
    /// An action type this version does not model (`KUBERNETES_API_CALL`, `RDS_LOGIN_ATTEMPT`, …); see `raw`.
    Other {
        action_type: String,
    },
}

/// IAM Access Analyzer fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AccessDetails {
    /// `ExternalAccess`, `InternalAccess`, `UnusedIAMRole`, `UnusedIAMUserAccessKey`, `UnusedIAMUserPassword`,
    /// `UnusedPermission` (v1 findings are `ExternalAccess`).
    pub finding_type: String,
    pub resource_arn: Option<String>,
    pub resource_type: Option<String>,
    pub owner_account: Option<String>,
    /// e.g. `{"AWS": "999988887777"}`, `{"Federated": "cognito-identity.amazonaws.com"}`, `{"AWS": "*"}`.
    pub principal: BTreeMap<String, String>,
    pub actions: Vec<String>,
    pub conditions: BTreeMap<String, String>,
    pub is_public: Option<bool>,
    /// `ACTIVE`, `ARCHIVED`, `RESOLVED`.
    pub status: Option<String>,
    #[serde(serialize_with = "ser::opt_time")]
    pub analyzed_at: Option<i64>,
    /// The analyzer could not evaluate the resource (e.g. `ACCESS_DENIED`).
    pub error: Option<String>,
    pub analyzer_arn: Option<String>,
    /// Unused access: the key named by `unusedIamUserAccessKeyDetails`.
    pub access_key_id: Option<String>,
    /// Unused access: `lastAccessed` as the analyzer saw it.
    #[serde(serialize_with = "ser::opt_time")]
    pub last_accessed: Option<i64>,
    /// Unused permissions: service namespace → unused actions (empty list: the whole service).
    pub unused_services: BTreeMap<String, Vec<String>>,
    /// `findingDetails` as given (v2), for display.
    pub details: Vec<serde_json::Value>,
}

impl AccessDetails {
    pub fn is_unused(&self) -> bool {
        self.finding_type.starts_with("Unused")
    }
}
