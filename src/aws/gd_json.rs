//! GuardDuty SDK `Finding` → the API's camelCase JSON (the `GetFindings` wire shape the findings parser reads).
//! SDK types have no serde, so this is an explicit field map of what an investigation uses: identity (access
//! key, instance, bucket), the action (API call with caller IP, geo and network owner; network connection; port
//! probe; DNS) and the finding's times. Absent fields are left out, never written as made-up values.

use aws_sdk_guardduty::types::{
    Action, AwsApiCallAction, Finding, InstanceDetails, LocalIpDetails, LocalPortDetails, RemoteIpDetails,
    RemotePortDetails, Resource, Service,
};
use serde_json::{Map, Value};

/// A JSON object built from optional fields.
#[derive(Default)]
pub(crate) struct Obj(Map<String, Value>);

impl Obj {
    pub(crate) fn s(mut self, k: &str, v: Option<&str>) -> Self {
        if let Some(v) = v {
            self.0.insert(k.into(), Value::String(v.into()));
        }
        self
    }
    pub(crate) fn f(mut self, k: &str, v: Option<f64>) -> Self {
        if let Some(n) = v.and_then(serde_json::Number::from_f64) {
            self.0.insert(k.into(), Value::Number(n));
        }
        self
    }
    pub(crate) fn i(mut self, k: &str, v: Option<i64>) -> Self {
        if let Some(v) = v {
            self.0.insert(k.into(), Value::from(v));
        }
        self
    }
    pub(crate) fn b(mut self, k: &str, v: Option<bool>) -> Self {
        if let Some(v) = v {
            self.0.insert(k.into(), Value::Bool(v));
        }
        self
    }
    pub(crate) fn o(mut self, k: &str, v: Option<Value>) -> Self {
        if let Some(v) = v {
            self.0.insert(k.into(), v);
        }
        self
    }
    /// A list, left out when empty.
    pub(crate) fn list(mut self, k: &str, v: Vec<Value>) -> Self {
        if !v.is_empty() {
            self.0.insert(k.into(), Value::Array(v));
        }
        self
    }
    pub(crate) fn value(self) -> Value {
        Value::Object(self.0)
    }
}

pub(crate) fn finding(f: &Finding) -> Value {
    Obj::default()
        .s("accountId", f.account_id())
        .s("arn", f.arn())
        .f("confidence", f.confidence())
        .s("createdAt", f.created_at())
        .s("description", f.description())
        .s("id", f.id())
        .s("partition", f.partition())
        .s("region", f.region())
        .o("resource", f.resource().map(resource))
        .s("schemaVersion", f.schema_version())
        .o("service", f.service().map(service))
        .f("severity", f.severity())
        .s("title", f.title())
        .s("type", f.r#type())
        .s("updatedAt", f.updated_at())
        .value()
}

fn resource(r: &Resource) -> Value {
    Obj::default()
        .s("resourceType", r.resource_type())
        .o(
            "accessKeyDetails",
            r.access_key_details().map(|a| {
                Obj::default()
                    .s("accessKeyId", a.access_key_id())
                    .s("principalId", a.principal_id())
                    .s("userName", a.user_name())
                    .s("userType", a.user_type())
                    .value()
            }),
        )
        .o("instanceDetails", r.instance_details().map(instance))
        .list(
            "s3BucketDetails",
            r.s3_bucket_details()
                .iter()
                .map(|b| {
                    Obj::default()
                        .s("arn", b.arn())
                        .s("name", b.name())
                        .s("type", b.r#type())
                        .value()
                })
                .collect(),
        )
        .value()
}

fn instance(i: &InstanceDetails) -> Value {
    Obj::default()
        .s("availabilityZone", i.availability_zone())
        .o(
            "iamInstanceProfile",
            i.iam_instance_profile()
                .map(|p| Obj::default().s("arn", p.arn()).s("id", p.id()).value()),
        )
        .s("imageId", i.image_id())
        .s("instanceId", i.instance_id())
        .s("instanceState", i.instance_state())
        .s("instanceType", i.instance_type())
        .s("launchTime", i.launch_time())
        .s("platform", i.platform())
        .list(
            "networkInterfaces",
            i.network_interfaces()
                .iter()
                .map(|n| {
                    Obj::default()
                        .s("networkInterfaceId", n.network_interface_id())
                        .s("privateDnsName", n.private_dns_name())
                        .s("privateIpAddress", n.private_ip_address())
                        .list(
                            "privateIpAddresses",
                            n.private_ip_addresses()
                                .iter()
                                .map(|p| {
                                    Obj::default()
                                        .s("privateDnsName", p.private_dns_name())
                                        .s("privateIpAddress", p.private_ip_address())
                                        .value()
                                })
                                .collect(),
                        )
                        .s("publicDnsName", n.public_dns_name())
                        .s("publicIp", n.public_ip())
                        .s("subnetId", n.subnet_id())
                        .s("vpcId", n.vpc_id())
                        .list(
                            "securityGroups",
                            n.security_groups()
                                .iter()
                                .map(|g| {
                                    Obj::default()
                                        .s("groupId", g.group_id())
                                        .s("groupName", g.group_name())
                                        .value()
                                })
                                .collect(),
                        )
                        .value()
                })
                .collect(),
        )
        .list(
            "tags",
            i.tags()
                .iter()
                .map(|t| Obj::default().s("key", t.key()).s("value", t.value()).value())
                .collect(),
        )
        .value()
}

fn service(s: &Service) -> Value {
    Obj::default()
        .o("action", s.action().map(action))
        .b("archived", s.archived())
        .i("count", s.count().map(i64::from))
        .s("detectorId", s.detector_id())
        .s("eventFirstSeen", s.event_first_seen())
        .s("eventLastSeen", s.event_last_seen())
        .s("featureName", s.feature_name())
        .s("resourceRole", s.resource_role())
        .s("serviceName", s.service_name())
        .value()
}

fn action(a: &Action) -> Value {
    Obj::default()
        .s("actionType", a.action_type())
        .o("awsApiCallAction", a.aws_api_call_action().map(api_call))
        .o(
            "networkConnectionAction",
            a.network_connection_action().map(|n| {
                Obj::default()
                    .b("blocked", n.blocked())
                    .s("connectionDirection", n.connection_direction())
                    .o("localIpDetails", n.local_ip_details().map(local_ip))
                    .o("localPortDetails", n.local_port_details().map(local_port))
                    .s("protocol", n.protocol())
                    .o("remoteIpDetails", n.remote_ip_details().map(remote_ip))
                    .o("remotePortDetails", n.remote_port_details().map(remote_port))
                    .value()
            }),
        )
        .o(
            "portProbeAction",
            a.port_probe_action().map(|p| {
                Obj::default()
                    .b("blocked", p.blocked())
                    .list(
                        "portProbeDetails",
                        p.port_probe_details()
                            .iter()
                            .map(|d| {
                                Obj::default()
                                    .o("localIpDetails", d.local_ip_details().map(local_ip))
                                    .o("localPortDetails", d.local_port_details().map(local_port))
                                    .o("remoteIpDetails", d.remote_ip_details().map(remote_ip))
                                    .value()
                            })
                            .collect(),
                    )
                    .value()
            }),
        )
        .o(
            "dnsRequestAction",
            a.dns_request_action().map(|d| {
                Obj::default()
                    .s("domain", d.domain())
                    .s("protocol", d.protocol())
                    .b("blocked", d.blocked())
                    .s("domainWithSuffix", d.domain_with_suffix())
                    .value()
            }),
        )
        .value()
}

fn api_call(c: &AwsApiCallAction) -> Value {
    Obj::default()
        .s("api", c.api())
        .s("callerType", c.caller_type())
        .o(
            "domainDetails",
            c.domain_details()
                .map(|d| Obj::default().s("domain", d.domain()).value()),
        )
        .s("errorCode", c.error_code())
        .s("userAgent", c.user_agent())
        .o("remoteIpDetails", c.remote_ip_details().map(remote_ip))
        .o(
            "remoteAccountDetails",
            c.remote_account_details().map(|r| {
                Obj::default()
                    .s("accountId", r.account_id())
                    .b("affiliated", r.affiliated())
                    .value()
            }),
        )
        .s("serviceName", c.service_name())
        .value()
}

fn remote_ip(r: &RemoteIpDetails) -> Value {
    Obj::default()
        .o(
            "city",
            r.city().map(|c| Obj::default().s("cityName", c.city_name()).value()),
        )
        .o(
            "country",
            r.country().map(|c| {
                Obj::default()
                    .s("countryCode", c.country_code())
                    .s("countryName", c.country_name())
                    .value()
            }),
        )
        .o(
            "geoLocation",
            r.geo_location()
                .map(|g| Obj::default().f("lat", g.lat()).f("lon", g.lon()).value()),
        )
        .s("ipAddressV4", r.ip_address_v4())
        .s("ipAddressV6", r.ip_address_v6())
        .o(
            "organization",
            r.organization().map(|o| {
                Obj::default()
                    .s("asn", o.asn())
                    .s("asnOrg", o.asn_org())
                    .s("isp", o.isp())
                    .s("org", o.org())
                    .value()
            }),
        )
        .value()
}

fn local_ip(l: &LocalIpDetails) -> Value {
    Obj::default()
        .s("ipAddressV4", l.ip_address_v4())
        .s("ipAddressV6", l.ip_address_v6())
        .value()
}

fn local_port(p: &LocalPortDetails) -> Value {
    Obj::default()
        .i("port", p.port().map(i64::from))
        .s("portName", p.port_name())
        .value()
}

fn remote_port(p: &RemotePortDetails) -> Value {
    Obj::default()
        .i("port", p.port().map(i64::from))
        .s("portName", p.port_name())
        .value()
}
