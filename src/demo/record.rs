//! The CloudTrail record as written: field order and presence follow real records (eventVersion 1.09), and
//! `userIdentity` carries every field its type has.

use serde::Serialize;
use serde_json::Value;

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub event_version: &'static str,
    pub user_identity: UserIdentity,
    pub event_time: String,
    pub event_source: &'static str,
    pub event_name: &'static str,
    pub aws_region: &'static str,
    #[serde(rename = "sourceIPAddress")]
    pub source_ip_address: String,
    pub user_agent: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    pub request_parameters: Value,
    pub response_elements: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_event_data: Option<Value>,
    #[serde(rename = "requestID", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(rename = "eventID")]
    pub event_id: String,
    pub read_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<Vec<Resource>>,
    pub event_type: &'static str,
    pub management_event: bool,
    pub recipient_account_id: &'static str,
    #[serde(rename = "sharedEventID", skip_serializing_if = "Option::is_none")]
    pub shared_event_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_event_details: Option<Value>,
    pub event_category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_details: Option<TlsDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_credential_from_console: Option<&'static str>,
}

#[derive(Serialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub struct UserIdentity {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_context: Option<SessionContext>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invoked_by: Option<&'static str>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_issuer: Option<SessionIssuer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_id_federation_data: Option<Value>,
    pub attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<&'static str>,
    #[serde(rename = "ec2RoleDelivery", skip_serializing_if = "Option::is_none")]
    pub ec2_role_delivery: Option<&'static str>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SessionIssuer {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub principal_id: &'static str,
    pub arn: String,
    pub account_id: &'static str,
    pub user_name: &'static str,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    pub creation_date: String,
    pub mfa_authenticated: &'static str,
}

#[derive(Serialize)]
pub struct Resource {
    #[serde(rename = "accountId", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<&'static str>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(rename = "ARN")]
    pub arn: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsDetails {
    pub tls_version: &'static str,
    pub cipher_suite: &'static str,
    pub client_provided_host_header: String,
}

/// `tlsDetails` for a call made over the network to `host`.
pub fn tls(host: String) -> Option<TlsDetails> {
    Some(TlsDetails {
        tls_version: "TLSv1.3",
        cipher_suite: "TLS_AES_128_GCM_SHA256",
        client_provided_host_header: host,
    })
}
