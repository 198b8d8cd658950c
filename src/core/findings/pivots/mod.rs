//! From a finding into the CloudTrail evidence of a [`Store`]: the policy writes that granted an Access Analyzer
//! finding's access (with the session that made each and its origin), the later use of that access, the last use
//! of unused access, an attack sequence's signals and the events and sessions behind them (`signals`), and role
//! ARNs corrected against the logs. Read-only over the store; linear scans (a finding
//! is opened one at a time).

mod origin;
mod resource;
mod signals;
mod usage;

pub use origin::{EventOrigin, event_origin, session_origin};
pub use resource::{ResourceKey, is_policy_write};
pub use signals::{MAX_SIGNAL_EVENTS, SignalEvent, SignalEvidence, SignalMatch, SignalSession, signal_evidence};
pub use usage::{AccessUse, LastUse, last_use, subsequent_access};

use super::{Finding, FindingEntity, ser};
use crate::core::entity::EntityRef;
use crate::core::graph::SessionGraph;
use crate::core::model::{Event, Store};
use serde::Serialize;

/// A CloudTrail policy write on the finding's resource.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyChange {
    /// Index in `Store::events`.
    #[serde(skip)]
    pub event: usize,
    /// CloudTrail `eventID`.
    pub event_id: String,
    /// The API, e.g. `PutBucketPolicy`.
    pub event_name: String,
    /// The service host, e.g. `s3.amazonaws.com`.
    pub event_source: String,
    /// When, epoch seconds (RFC 3339 UTC in JSON).
    #[serde(serialize_with = "ser::time")]
    pub time: i64,
    /// The key that signed the call.
    pub access_key_id: Option<String>,
    /// The caller's ARN.
    pub principal_arn: Option<String>,
    /// The caller's principal id.
    pub principal_id: Option<String>,
    /// The caller's account.
    pub account: Option<String>,
    /// CloudTrail `sourceIPAddress`.
    pub source_ip: Option<String>,
    /// The caller's user agent (hostile text).
    pub user_agent: Option<String>,
    /// The write succeeded (no error code); failed attempts are kept as evidence.
    pub success: bool,
    /// The error code of a failed attempt.
    pub error_code: Option<String>,
    /// Who was behind the signing session, through the assumption chain (`None`: no signer in the record).
    pub origin: Option<EventOrigin>,
}

/// The account an event's caller belongs to (`userIdentity.accountId`, else from its ARN).
pub(crate) fn caller_account(store: &Store, ev: &Event) -> Option<String> {
    let id = store.identities.get(ev.identity as usize)?;
    store.strings.opt(id.account_id).map(str::to_string).or_else(|| {
        store
            .strings
            .opt(id.arn)
            .and_then(|a| a.split(':').nth(4))
            .filter(|a| !a.is_empty())
            .map(str::to_string)
    })
}

/// The resource of an Access Analyzer finding, as a matchable key.
pub fn resource_key(f: &Finding) -> Option<ResourceKey> {
    let d = f.access.as_ref()?;
    ResourceKey::from_arn(d.resource_arn.as_deref()?)
}

/// The latest time a policy write can have caused this finding: its last update (a policy changed again updates
/// the finding), else its creation; no bound when it has neither.
fn cutoff(f: &Finding) -> i64 {
    match (f.created_at, f.updated_at) {
        (Some(c), Some(u)) => c.max(u),
        (Some(t), None) | (None, Some(t)) => t,
        (None, None) => i64::MAX,
    }
}

/// The policy writes on an Access Analyzer finding's resource up to the finding's time, oldest first, with
/// failures kept (a denied attempt is evidence). Empty for GuardDuty findings and resources without an ARN.
pub fn policy_changes(store: &Store, graph: &SessionGraph, f: &Finding) -> Vec<PolicyChange> {
    let Some(key) = resource_key(f) else {
        return Vec::new();
    };
    let until = cutoff(f);
    let source = key.event_source();
    let mut out = Vec::new();
    for (i, ev) in store.events.iter().enumerate() {
        if ev.time > until || ev.resource.is_none() {
            continue;
        }
        let name = store.s(ev.event_name);
        if !is_policy_write(name) {
            continue;
        }
        let src = store.s(ev.event_source);
        if !src.is_empty() && src != source {
            continue;
        }
        if !key.matches(store.s(ev.resource), store.s(ev.recipient_account)) {
            continue;
        }
        out.push(change(store, graph, i, ev));
    }
    out.sort_by_key(|c| (c.time, c.event));
    out
}

fn change(store: &Store, graph: &SessionGraph, i: usize, ev: &Event) -> PolicyChange {
    let id = store.identity(ev);
    let opt = |s| store.strings.opt(s).map(str::to_string);
    PolicyChange {
        event: i,
        event_id: store.event_id_string(ev),
        event_name: store.s(ev.event_name).to_string(),
        event_source: store.s(ev.event_source).to_string(),
        time: ev.time,
        access_key_id: opt(id.access_key_id),
        principal_arn: opt(id.arn),
        principal_id: opt(id.principal_id),
        account: caller_account(store, ev),
        source_ip: opt(ev.source_ip),
        user_agent: opt(ev.user_agent),
        success: !ev.failed(),
        error_code: opt(ev.error_code),
        origin: event_origin(store, graph, i),
    }
}

/// Replace role ARNs a finding could only guess (GuardDuty names a role without its path) with the ARN the logs
/// use for the same account and role name. Unknown roles are left as they are.
pub fn resolve_entities(store: &Store, entities: &mut [FindingEntity]) {
    resolve_entities_among(&known_roles(store), entities);
}

/// Every role ARN the logs name (assumed, or issuing a session), each once, in first-seen order: what
/// [`resolve_entities_among`] corrects against. Build it once to resolve many findings.
pub fn known_roles(store: &Store) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    store
        .assumptions
        .iter()
        .map(|a| a.role_arn)
        .chain(store.identities.iter().map(|i| i.issuer_arn))
        .filter(|s| seen.insert(*s))
        .map(|s| store.s(s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// [`resolve_entities`] against role ARNs already gathered by [`known_roles`].
pub fn resolve_entities_among(known: &[&str], entities: &mut [FindingEntity]) {
    for e in entities.iter_mut() {
        let EntityRef::Role(arn) = &e.entity else {
            continue;
        };
        let Some(key) = ResourceKey::from_arn(arn) else {
            continue;
        };
        if let Some(real) = known.iter().find(|cand| **cand != arn && key.matches(cand, "")) {
            e.entity = EntityRef::Role(real.to_string());
        }
    }
}
