//! GuardDuty Extended Threat Detection attack sequences (`AttackSequence:IAM/CompromisedCredentials`, …): the
//! `service.detection.sequence` block of a GuardDuty finding (ASFF: the top-level `Detection.Sequence`), read into
//! typed parts — signals, actors, resources, endpoints, indicators (the shape: `docs/domain.md` §4.1).
//! Every part is optional and of any type in hostile input; lists are capped at the documented maxima so a
//! forged finding cannot make one finding hold millions of parts. Pure data: linking signals to CloudTrail is
//! `pivots::signals`.

use super::fields::{array, get, number, path, path_string, string, strings, time, value_number};
use super::ser;
use serde::Serialize;
use serde_json::Value;

/// GuardDuty documents at most 100 signals per sequence.
pub const MAX_SIGNALS: usize = 100;
/// GuardDuty documents at most 400 actors, resources, endpoints and indicators (and indicator values).
pub const MAX_PARTS: usize = 400;

/// Where a signal comes from (GuardDuty `Signal.type`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display, strum::EnumString, strum::IntoStaticStr,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum SignalType {
    /// A GuardDuty finding generated on its own; the signal's name is the finding's.
    Finding,
    /// Activity seen in CloudTrail management events.
    CloudTrail,
    /// Activity seen in CloudTrail data events for S3 (S3 Protection).
    S3DataEvents,
    /// Activity seen in EKS audit logs.
    EksAuditLogs,
    /// Activity seen in VPC flow logs.
    FlowLogs,
    /// Activity seen in DNS logs.
    DnsLogs,
    /// Activity seen by Runtime Monitoring.
    RuntimeMonitoring,
    /// A type this version does not know (kept as a signal; never linked to CloudTrail).
    Other,
}

impl SignalType {
    fn parse(s: Option<String>) -> SignalType {
        s.and_then(|s| s.parse().ok()).unwrap_or(SignalType::Other)
    }
    /// Signals whose activity CloudTrail records (management or S3 data events).
    pub fn is_cloudtrail(self) -> bool {
        matches!(self, SignalType::CloudTrail | SignalType::S3DataEvents)
    }
}

/// One indicator (`Indicator`): a key such as `HIGH_RISK_API`, `MALICIOUS_IP`, `ATTACK_TACTIC`, its values.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Indicator {
    /// GuardDuty's key as written (hostile text: shown neutralised).
    pub key: String,
    /// The values (API names, addresses, MITRE tactics, …).
    pub values: Vec<String>,
    /// GuardDuty's title for the indicator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// One signal of the sequence: a finding or an activity GuardDuty correlated.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Signal {
    /// The signal's unique id (`uid`; ASFF `Id`).
    pub uid: Option<String>,
    /// Where it was observed.
    #[serde(rename = "type")]
    pub signal_type: SignalType,
    /// Its name (for a `FINDING` signal, the finding's name).
    pub name: Option<String>,
    /// GuardDuty's description of the signal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// First observation, epoch seconds (RFC 3339 UTC in JSON).
    #[serde(serialize_with = "ser::opt_time")]
    pub first_seen: Option<i64>,
    /// Last observation, epoch seconds (RFC 3339 UTC in JSON).
    #[serde(serialize_with = "ser::opt_time")]
    pub last_seen: Option<i64>,
    /// The signal's severity.
    pub severity: Option<f64>,
    /// How many times it was observed.
    pub count: Option<u64>,
    /// The actors (`SequenceActor::id`) involved.
    pub actor_ids: Vec<String>,
    /// The resources (`SequenceResource::uid`) involved (ASFF `ResourceIds`).
    pub resource_uids: Vec<String>,
    /// The endpoints (`SequenceEndpoint::id`) involved.
    pub endpoint_ids: Vec<String>,
    /// The signal's own indicators (a subset of the sequence's).
    pub indicators: Vec<Indicator>,
}

/// One actor (`Actor`): the identity, and the session it used, behind some signals.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SequenceActor {
    /// The id signals refer to it by.
    pub id: String,
    /// `user.name`.
    pub user_name: Option<String>,
    /// `user.uid`: the user's unique id.
    pub user_uid: Option<String>,
    /// `user.type`, e.g. `AssumedRole`, `IAMUser`.
    pub user_type: Option<String>,
    /// `user.credentialUid`: the access key the user's calls were signed with.
    pub credential_uid: Option<String>,
    /// `user.account.uid`: the account the activity took place in (not necessarily the user's own).
    pub account: Option<String>,
    /// `session.uid`.
    pub session_uid: Option<String>,
    /// `session.mfaStatus` (`ENABLED` / `DISABLED`): CloudTrail's `sessionContext.attributes.mfaAuthenticated`.
    pub mfa_status: Option<String>,
    /// `session.createdTime`: CloudTrail's `sessionContext.attributes.creationDate`.
    #[serde(serialize_with = "ser::opt_time")]
    pub session_created: Option<i64>,
    /// `session.issuer`: CloudTrail's `sessionContext.sessionIssuer.arn` (the role, for a role session).
    pub session_issuer: Option<String>,
}

/// One resource (`ResourceV2`) the sequence involved.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SequenceResource {
    /// The id signals refer to it by (an ARN or a resource id).
    pub uid: String,
    /// Its name.
    pub name: Option<String>,
    /// e.g. `AWS::S3::Bucket`, `AWS::IAM::AccessKey`.
    pub resource_type: Option<String>,
    /// The account it belongs to.
    pub account: Option<String>,
    /// Its region.
    pub region: Option<String>,
    /// For an access key resource: `data.accessKey.principalId`.
    pub key_principal_id: Option<String>,
    /// For an access key resource: `data.accessKey.userName`.
    pub key_user_name: Option<String>,
    /// For an access key resource: `data.accessKey.userType`.
    pub key_user_type: Option<String>,
}

/// One network endpoint (`NetworkEndpoint`) the sequence involved.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SequenceEndpoint {
    /// The id signals refer to it by.
    pub id: String,
    /// Its address.
    pub ip: Option<String>,
    /// Its domain.
    pub domain: Option<String>,
    /// Its port.
    pub port: Option<u32>,
    /// `location.city`.
    pub city: Option<String>,
    /// `location.country`.
    pub country: Option<String>,
    /// `autonomousSystem.number`.
    pub asn: Option<String>,
    /// `autonomousSystem.name`.
    pub as_name: Option<String>,
}

/// An attack sequence (`Sequence`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AttackSequence {
    /// The sequence's unique id.
    pub uid: Option<String>,
    /// GuardDuty's description of the sequence.
    pub description: Option<String>,
    /// The signals, sorted by first observation (unknown times last, then document order).
    pub signals: Vec<Signal>,
    /// The actors.
    pub actors: Vec<SequenceActor>,
    /// The resources (not carried by ASFF).
    pub resources: Vec<SequenceResource>,
    /// The network endpoints.
    pub endpoints: Vec<SequenceEndpoint>,
    /// The sequence's indicators.
    pub indicators: Vec<Indicator>,
    /// Parts beyond the documented maxima, dropped (a forged or damaged finding).
    #[serde(skip_serializing_if = "is_zero")]
    pub dropped: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl AttackSequence {
    /// The actor signals name by `id`.
    pub fn actor(&self, id: &str) -> Option<&SequenceActor> {
        self.actors.iter().find(|a| a.id == id)
    }
    /// The endpoint signals name by `id`.
    pub fn endpoint(&self, id: &str) -> Option<&SequenceEndpoint> {
        self.endpoints.iter().find(|e| e.id == id)
    }
    /// The resource signals name by `uid`.
    pub fn resource(&self, uid: &str) -> Option<&SequenceResource> {
        self.resources.iter().find(|r| r.uid == uid)
    }
}

/// The sequence in a finding's `service` block (`detection.sequence`), if any.
pub fn from_service(service: &Value) -> Option<AttackSequence> {
    path(service, &["detection", "sequence"])
        .filter(|s| s.is_object())
        .map(parse)
}

/// Read one `Sequence` object, in the GuardDuty (camelCase) or ASFF (PascalCase) spelling.
pub fn parse(s: &Value) -> AttackSequence {
    let mut dropped = 0usize;
    let signals_v = take(s, "signals", MAX_SIGNALS, &mut dropped);
    let actors_v = take(s, "actors", MAX_PARTS, &mut dropped);
    let resources_v = take(s, "resources", MAX_PARTS, &mut dropped);
    let endpoints_v = take(s, "endpoints", MAX_PARTS, &mut dropped);
    let indicators_v = take(s, "sequenceIndicators", MAX_PARTS, &mut dropped);
    let mut signals: Vec<Signal> = signals_v.iter().map(signal).collect();
    // Stable: equal or unknown times keep the document's order.
    signals.sort_by_key(|s| (s.first_seen.is_none(), s.first_seen));
    AttackSequence {
        uid: string(s, "uid"),
        description: string(s, "description"),
        signals,
        actors: actors_v.iter().filter_map(actor).collect(),
        resources: resources_v.iter().filter_map(resource).collect(),
        endpoints: endpoints_v.iter().filter_map(endpoint).collect(),
        indicators: indicators(indicators_v),
        dropped,
    }
}

/// The first `max` elements of the array `key`, counting the rest in `dropped`.
fn take<'a>(s: &'a Value, key: &str, max: usize, dropped: &mut usize) -> &'a [Value] {
    let all = array(s, key);
    *dropped += all.len().saturating_sub(max);
    &all[..all.len().min(max)]
}

/// `uid`, or ASFF's `Id`.
fn uid(v: &Value) -> Option<String> {
    string(v, "uid").or_else(|| string(v, "id"))
}

fn capped(mut v: Vec<String>) -> Vec<String> {
    v.truncate(MAX_PARTS);
    v
}

fn indicators(items: &[Value]) -> Vec<Indicator> {
    items
        .iter()
        .take(MAX_PARTS)
        .filter_map(|i| {
            Some(Indicator {
                key: string(i, "key")?,
                values: capped(strings(i, "values")),
                title: string(i, "title"),
            })
        })
        .collect()
}

fn signal(v: &Value) -> Signal {
    Signal {
        uid: uid(v),
        signal_type: SignalType::parse(string(v, "type")),
        name: string(v, "name"),
        description: string(v, "description"),
        first_seen: time(v, "firstSeenAt").or_else(|| time(v, "createdAt")),
        last_seen: time(v, "lastSeenAt").or_else(|| time(v, "updatedAt")),
        severity: number(v, "severity"),
        count: number(v, "count").map(|c| c.max(0.0) as u64),
        actor_ids: capped(strings(v, "actorIds")),
        resource_uids: capped(if get(v, "resourceUids").is_some() {
            strings(v, "resourceUids")
        } else {
            strings(v, "resourceIds")
        }),
        endpoint_ids: capped(strings(v, "endpointIds")),
        indicators: indicators(array(v, "signalIndicators")),
    }
}

fn actor(v: &Value) -> Option<SequenceActor> {
    let user = get(v, "user");
    let session = get(v, "session");
    let u = |k: &str| user.and_then(|x| string(x, k));
    let s = |k: &str| session.and_then(|x| string(x, k));
    Some(SequenceActor {
        id: string(v, "id")?,
        user_name: u("name"),
        user_uid: u("uid"),
        user_type: u("type"),
        credential_uid: u("credentialUid"),
        account: user.and_then(|x| path_string(x, &["account", "uid"])),
        session_uid: s("uid"),
        mfa_status: s("mfaStatus"),
        session_created: session.and_then(|x| time(x, "createdTime")),
        session_issuer: s("issuer"),
    })
}

fn resource(v: &Value) -> Option<SequenceResource> {
    let key = path(v, &["data", "accessKey"]);
    let k = |f: &str| key.and_then(|x| string(x, f));
    Some(SequenceResource {
        uid: uid(v)?,
        name: string(v, "name"),
        resource_type: string(v, "resourceType"),
        account: string(v, "accountId"),
        region: string(v, "region"),
        key_principal_id: k("principalId"),
        key_user_name: k("userName"),
        key_user_type: k("userType"),
    })
}

fn endpoint(v: &Value) -> Option<SequenceEndpoint> {
    let asys = get(v, "autonomousSystem");
    Some(SequenceEndpoint {
        id: string(v, "id")?,
        ip: string(v, "ip"),
        domain: string(v, "domain"),
        port: get(v, "port")
            .and_then(value_number)
            .filter(|p| (0.0..=65535.0).contains(p))
            .map(|p| p as u32),
        city: path_string(v, &["location", "city"]),
        country: path_string(v, &["location", "country"]),
        asn: asys.and_then(|a| string(a, "number")),
        as_name: asys.and_then(|a| string(a, "name")),
    })
}
