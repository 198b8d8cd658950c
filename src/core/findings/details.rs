//! The parts of a [`super::Finding`]: the resource it is about (access key, instance, buckets, EKS), what
//! GuardDuty saw happen (API call, network connection, port probe, DNS request, with remote IP geolocation), and
//! the Access Analyzer access description. Plain data; the parsers fill it.

use super::ser;
use serde::Serialize;
use std::collections::BTreeMap;

/// GuardDuty `resource.accessKeyDetails`: the credentials the finding is about, which pivot straight to a session.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AccessKeyDetails {
    /// The key (`ASIA…` for a role session, `AKIA…` for a long-term user key).
    pub access_key_id: Option<String>,
    /// The caller's principal id (`AROA…:session` for a role session, `AIDA…` for a user).
    pub principal_id: Option<String>,
    /// The user or role-session name GuardDuty reports.
    pub user_name: Option<String>,
    /// GuardDuty's `userType`, e.g. `AssumedRole`, `IAMUser`, `Root`.
    pub user_type: Option<String>,
}

/// GuardDuty `resource.instanceDetails`: the EC2 instance a finding is about.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct InstanceDetails {
    /// The instance id (`i-…`).
    pub id: Option<String>,
    /// The instance type, e.g. `t3.micro`.
    pub instance_type: Option<String>,
    /// The AMI the instance was launched from (`ami-…`).
    pub image_id: Option<String>,
    /// The instance state when GuardDuty looked, e.g. `running`.
    pub state: Option<String>,
    /// The availability zone, e.g. `us-east-1a`.
    pub availability_zone: Option<String>,
    /// The ARN of the instance profile whose role the instance's credentials belong to.
    pub instance_profile_arn: Option<String>,
    /// Private addresses of the instance's network interfaces, in the finding's order.
    pub private_ips: Vec<String>,
    /// Public addresses of the instance's network interfaces, in the finding's order.
    pub public_ips: Vec<String>,
    /// The instance's tags, key → value.
    pub tags: BTreeMap<String, String>,
}

/// One S3 bucket of GuardDuty `resource.s3BucketDetails`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BucketDetails {
    /// The bucket name.
    pub name: Option<String>,
    /// The bucket ARN (`arn:aws:s3:::name`).
    pub arn: Option<String>,
    /// `Destination` / `Source` as GuardDuty labels it.
    pub bucket_type: Option<String>,
    /// GuardDuty's summary of the bucket's public exposure, e.g. `PUBLIC` or `NOT_PUBLIC`.
    pub effective_permission: Option<String>,
}

/// GuardDuty `resource.eksClusterDetails`: the EKS cluster a finding is about.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EksClusterDetails {
    /// The cluster name.
    pub name: Option<String>,
    /// The cluster ARN.
    pub arn: Option<String>,
    /// The VPC the cluster runs in (`vpc-…`).
    pub vpc_id: Option<String>,
    /// `kubernetesDetails.kubernetesUserDetails.username`.
    pub kubernetes_user: Option<String>,
}

/// What the finding is about. `arn` / `resource_type` are the generic form every finding has in some way.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FindingResource {
    /// GuardDuty `resourceType` (`AccessKey`, `Instance`, `S3Bucket`, …) or Access Analyzer's `AWS::…` resource type.
    pub resource_type: Option<String>,
    /// The resource ARN, when the finding names one.
    pub arn: Option<String>,
    /// The access key the finding is about, if any.
    pub access_key: Option<AccessKeyDetails>,
    /// The EC2 instance the finding is about, if any.
    pub instance: Option<InstanceDetails>,
    /// The S3 buckets the finding is about (empty for other resources).
    pub buckets: Vec<BucketDetails>,
    /// The EKS cluster the finding is about, if any.
    pub eks: Option<EksClusterDetails>,
}

/// A remote IP with the finding's own geolocation and network owner.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RemoteIp {
    /// The remote address, IPv4 or IPv6 as GuardDuty wrote it (not validated here).
    pub ip: Option<String>,
    /// City name from the finding's own geolocation.
    pub city: Option<String>,
    /// Country name from the finding's own geolocation.
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. `US`.
    pub country_code: Option<String>,
    /// Latitude in decimal degrees.
    pub lat: Option<f64>,
    /// Longitude in decimal degrees.
    pub lon: Option<f64>,
    /// Autonomous system number, as text (GuardDuty writes it as a string).
    pub asn: Option<String>,
    /// The autonomous system's organisation name.
    pub asn_org: Option<String>,
    /// The internet service provider's name.
    pub isp: Option<String>,
    /// The organisation GuardDuty attributes the address to.
    pub org: Option<String>,
}

/// GuardDuty `awsApiCallAction`: the AWS API call that triggered the finding.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ApiCallAction {
    /// The API name, e.g. `ListBuckets`.
    pub api: Option<String>,
    /// The service host, e.g. `s3.amazonaws.com`.
    pub service: Option<String>,
    /// How GuardDuty classifies the caller, e.g. `Remote IP` or `Domain`.
    pub caller_type: Option<String>,
    /// The call's error code when it failed (e.g. `AccessDenied`).
    pub error_code: Option<String>,
    /// The caller's user agent (hostile text).
    pub user_agent: Option<String>,
    /// `domainDetails.domain` when the caller was a service domain rather than an IP.
    pub domain: Option<String>,
    /// The calling address with GuardDuty's geolocation, when the caller was an IP.
    pub remote_ip: Option<RemoteIp>,
    /// `affectedResources`: resource type → id.
    pub affected_resources: BTreeMap<String, String>,
}

/// GuardDuty `networkConnectionAction`: a connection to or from an instance.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NetworkConnectionAction {
    /// `INBOUND` or `OUTBOUND`, as seen from the instance.
    pub direction: Option<String>,
    /// The transport protocol, e.g. `TCP`.
    pub protocol: Option<String>,
    /// Whether a security group or network ACL blocked the connection.
    pub blocked: Option<bool>,
    /// The other end of the connection, with GuardDuty's geolocation.
    pub remote_ip: Option<RemoteIp>,
    /// The port on the remote end.
    pub remote_port: Option<u32>,
    /// The port on the instance.
    pub local_port: Option<u32>,
}

/// One probe of a GuardDuty port-probe finding.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PortProbe {
    /// The probed port on the instance.
    pub local_port: Option<u32>,
    /// The probing address, with GuardDuty's geolocation.
    pub remote_ip: Option<RemoteIp>,
}

/// GuardDuty `portProbeAction`: unsolicited probes of an instance's ports.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PortProbeAction {
    /// Whether the probes were blocked.
    pub blocked: Option<bool>,
    /// The individual probes, in the finding's order.
    pub probes: Vec<PortProbe>,
}

/// GuardDuty `dnsRequestAction`: a DNS query from an instance.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DnsRequestAction {
    /// The queried domain (hostile text).
    pub domain: Option<String>,
    /// The transport protocol of the query, e.g. `UDP`.
    pub protocol: Option<String>,
    /// Whether the query was blocked.
    pub blocked: Option<bool>,
}

/// GuardDuty `service.action`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FindingAction {
    /// An AWS API call (`AWS_API_CALL`).
    ApiCall(ApiCallAction),
    /// A network connection (`NETWORK_CONNECTION`).
    NetworkConnection(NetworkConnectionAction),
    /// Probes of the instance's ports (`PORT_PROBE`).
    PortProbe(PortProbeAction),
    /// A DNS query (`DNS_REQUEST`).
    DnsRequest(DnsRequestAction),
    /// An action type this version does not model (`KUBERNETES_API_CALL`, `RDS_LOGIN_ATTEMPT`, …); see `raw`.
    Other {
        /// GuardDuty's `actionType` as written.
        action_type: String,
    },
}

/// IAM Access Analyzer fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AccessDetails {
    /// `ExternalAccess`, `InternalAccess`, `UnusedIAMRole`, `UnusedIAMUserAccessKey`, `UnusedIAMUserPassword`,
    /// `UnusedPermission` (v1 findings are `ExternalAccess`).
    pub finding_type: String,
    /// The resource the access is to (ARN).
    pub resource_arn: Option<String>,
    /// The resource type, e.g. `AWS::S3::Bucket`.
    pub resource_type: Option<String>,
    /// The account that owns the resource.
    pub owner_account: Option<String>,
    /// e.g. `{"AWS": "999988887777"}`, `{"Federated": "cognito-identity.amazonaws.com"}`, `{"AWS": "*"}`.
    pub principal: BTreeMap<String, String>,
    /// The actions the principal is granted, e.g. `s3:GetObject`.
    pub actions: Vec<String>,
    /// The policy conditions on the access, condition key → value.
    pub conditions: BTreeMap<String, String>,
    /// Access Analyzer's `isPublic`: the policy that produced the finding allows public access.
    pub is_public: Option<bool>,
    /// `ACTIVE`, `ARCHIVED`, `RESOLVED`.
    pub status: Option<String>,
    /// When the analyzer last evaluated the resource, epoch seconds (UTC).
    #[serde(serialize_with = "ser::opt_time")]
    pub analyzed_at: Option<i64>,
    /// The analyzer could not evaluate the resource (e.g. `ACCESS_DENIED`).
    pub error: Option<String>,
    /// The analyzer that produced the finding.
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
    /// True for the unused-access finding types (unused role, key, password or permission) rather than access grants.
    pub fn is_unused(&self) -> bool {
        self.finding_type.starts_with("Unused")
    }
}
