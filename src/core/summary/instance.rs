//! Sessions from outside AWS using instance credentials — what GuardDuty's
//! `InstanceCredentialExfiltration.OutsideAWS` is about, found in the logs themselves.
//!
//! Facts: `docs/domain.md` §8. *Instance credentials*: a role session whose chain starts with the EC2 service (`ec2.amazonaws.com` assumed
//! the role for an instance), or, when the assumption is outside the loaded logs, whose session name is an
//! instance id (`i-` and 8 or 17 hex digits), which is how EC2 names them. *Outside AWS*: the call came from a
//! public address whose autonomous system is not Amazon's (AS 16509, 14618, 8987, or an organisation naming
//! Amazon). Private addresses (VPC endpoints, NAT), `AWS Internal` and service names are inside. A public address
//! with no AS data cannot be told apart and is listed as `unknown-network`: unknown is an honest answer. Rows say
//! whether the session identity had already used the address in the baseline, so an instance's own habitual
//! public address can be told from a new one.

use crate::core::behavior::BehaviorIndex;
use crate::core::entity::EntityRef;
use crate::core::geo::{GeoDb, IpClass, IpInfo};
use crate::core::graph::{OriginKind, SessionGraph, SessionId, Signer};
use crate::core::model::Store;
use crate::core::time::rfc3339;
use hashbrown::HashMap;
use serde::Serialize;

/// Amazon's autonomous systems (AWS and Amazon's own networks).
const AMAZON_ASNS: &[u32] = &[16509, 14618, 8987];
/// Rows kept.
const MAX_ROWS: usize = 200;

/// Whether the network of an address is known to be outside AWS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Network {
    /// A public address in an autonomous system that is not Amazon's.
    OutsideAws,
    /// A public address with no autonomous-system data: it may or may not be AWS.
    UnknownNetwork,
}

/// Instance credentials used from one address outside AWS.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InstanceUse {
    /// The session's access key.
    pub session: String,
    /// Where it pivots (`session:<key>`).
    pub entity: EntityRef,
    /// The instance role.
    pub role_arn: String,
    /// The instance the credentials were issued to (the session name).
    pub instance: String,
    /// The source address.
    pub ip: String,
    /// "City, Region, Country", when known.
    pub place: Option<String>,
    /// Autonomous system number, when known.
    pub asn: Option<u32>,
    /// The AS organisation, when known.
    pub as_org: Option<String>,
    /// Outside AWS, or unknown.
    pub network: Network,
    /// Calls from the address in the day.
    pub calls: u64,
    /// First call from the address in the day, RFC 3339 UTC.
    pub first: String,
    /// Last call from the address in the day, RFC 3339 UTC.
    pub last: String,
    /// Whether the session identity (role + instance) called from this address in the baseline.
    pub address_seen_before: bool,
}

/// `i-` and 8 or 17 lowercase hex digits.
pub fn is_instance_id(s: &str) -> bool {
    let Some(hex) = s.strip_prefix("i-") else {
        return false;
    };
    matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether the session holds instance credentials.
pub fn is_instance_session(store: &Store, graph: &SessionGraph, s: SessionId) -> bool {
    let Some(sess) = graph.sessions.get(s as usize) else {
        return false;
    };
    if sess.created_by.is_none() {
        return is_instance_id(store.s(sess.session_name));
    }
    let (_, origin, _) = graph.chain_of(s);
    origin
        .and_then(|o| graph.origins.get(o as usize))
        .is_some_and(|o| o.kind == OriginKind::AwsService && store.s(o.name).eq_ignore_ascii_case("ec2.amazonaws.com"))
}

/// Outside AWS or unknown, for a public address; `None` for everything inside AWS or not an address.
pub fn network(info: &IpInfo) -> Option<Network> {
    if info.class != IpClass::Public {
        return None;
    }
    match &info.asn {
        Some(a) if AMAZON_ASNS.contains(&a.asn) || a.org.to_ascii_lowercase().contains("amazon") => None,
        Some(_) => Some(Network::OutsideAws),
        None => Some(Network::UnknownNetwork),
    }
}

struct Acc {
    calls: u64,
    first: i64,
    last: i64,
}

/// Instance credentials used from outside AWS in the day's events `day`; `baseline_from` starts the baseline.
pub fn outside_aws(
    store: &Store,
    graph: &SessionGraph,
    ix: &BehaviorIndex,
    geo: &GeoDb,
    day: std::ops::Range<usize>,
    baseline_from: i64,
    day_from: i64,
) -> Vec<InstanceUse> {
    let mut instance: HashMap<SessionId, bool> = HashMap::new();
    let mut nets: HashMap<u32, Option<(Network, IpInfo)>> = HashMap::new();
    let mut uses: HashMap<(SessionId, u32), Acc> = HashMap::new();
    let start = day.start;
    for (off, r) in ix.rows.get(day).unwrap_or_default().iter().enumerate() {
        let i = start + off;
        let Some(Signer::Session(s)) = graph.signer.get(i).copied() else {
            continue;
        };
        if r.ip == 0
            || !*instance
                .entry(s)
                .or_insert_with(|| is_instance_session(store, graph, s))
        {
            continue;
        }
        let net = nets.entry(r.ip).or_insert_with(|| {
            let info = geo.lookup(store.s(ix.ips[r.ip as usize]));
            network(&info).map(|n| (n, info))
        });
        if net.is_none() {
            continue;
        }
        let a = uses.entry((s, r.ip)).or_insert(Acc {
            calls: 0,
            first: r.time,
            last: r.time,
        });
        a.calls += 1;
        a.last = r.time;
    }
    let mut out: Vec<InstanceUse> = Vec::new();
    for ((s, ip), a) in uses {
        let (Some(sess), Some(Some((net, info)))) = (graph.sessions.get(s as usize), nets.get(&ip)) else {
            continue;
        };
        let seen = graph
            .identities
            .get(sess.identity as usize)
            .into_iter()
            .flat_map(|x| &x.sessions)
            .filter_map(|&o| ix.rows_of_session(o))
            .flatten()
            .any(|r| r.ip == ip && r.time >= baseline_from && r.time < day_from);
        out.push(InstanceUse {
            session: store.s(sess.access_key).to_string(),
            entity: EntityRef::Session(store.s(sess.access_key).to_string()),
            role_arn: store.s(sess.role_arn).to_string(),
            instance: store.s(sess.session_name).to_string(),
            ip: store.s(ix.ips[ip as usize]).to_string(),
            place: info.place.as_ref().map(crate::core::behavior::place_label),
            asn: info.asn.as_ref().map(|a| a.asn),
            as_org: info.asn.as_ref().map(|a| a.org.clone()),
            network: *net,
            calls: a.calls,
            first: rfc3339(a.first),
            last: rfc3339(a.last),
            address_seen_before: seen,
        });
    }
    // New addresses first, then the known-outside before the unknown, then by time.
    out.sort_by(|a, b| {
        (a.address_seen_before, a.network, &a.first, &a.session, &a.ip).cmp(&(
            b.address_seen_before,
            b.network,
            &b.first,
            &b.session,
            &b.ip,
        ))
    });
    out.truncate(MAX_ROWS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_are_eight_or_seventeen_hex_digits() {
        assert!(is_instance_id("i-0a1b2c3d4e5f60001"));
        assert!(is_instance_id("i-1234abcd"));
        assert!(!is_instance_id("i-0A1B2C3D"), "EC2 writes lowercase");
        assert!(!is_instance_id("i-123"));
        assert!(!is_instance_id("sara"));
    }
}
