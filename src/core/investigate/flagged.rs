//! Flagged addresses: the source addresses of the investigation's events that an intel list (`--intel`) contains,
//! or that a loaded GuardDuty finding names as its remote address with threat-list details. Each says which list
//! and entry, or which finding and threat list: a listing is the list's claim, reported as such.

use super::events::Gathered;
use super::intel::{IntelMatch, IntelSet};
use crate::core::findings::threat_intel::{remote_addresses, threat_intel};
use crate::core::findings::{Finding, Source};
use crate::core::model::{Store, Sym};
use crate::core::time::rfc3339;
use hashbrown::HashMap;
use serde::Serialize;

/// A GuardDuty finding naming the address as its remote address, with the threat list that listed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GuardDutyListing {
    /// The finding's id.
    pub finding_id: String,
    /// The finding's type.
    pub finding_type: String,
    /// The threat list's name, as GuardDuty wrote it.
    pub threat_list_name: Option<String>,
    /// Threat names the list gives.
    pub threat_names: Vec<String>,
}

/// One flagged source address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FlaggedAddress {
    /// The address as logged.
    pub ip: String,
    /// The investigation's calls from it.
    pub calls: u64,
    /// First call from it, RFC 3339 UTC.
    pub first_seen: String,
    /// Last call from it, RFC 3339 UTC.
    pub last_seen: String,
    /// Intel list entries containing it.
    pub intel: Vec<IntelMatch>,
    /// GuardDuty findings that list it on a threat list.
    pub guardduty: Vec<GuardDutyListing>,
    /// The latest call from it (index into `store.events`, for pivots).
    #[serde(skip)]
    pub last_event: u32,
}

/// The flagged addresses among the gathered events' sources, most calls first.
pub fn flagged(store: &Store, findings: &[Finding], intel: Option<&IntelSet>, g: &Gathered) -> Vec<FlaggedAddress> {
    // (calls, first, last, last event) per source address.
    let mut by_ip: HashMap<Sym, (u64, i64, i64, u32)> = HashMap::new();
    for &(i, _) in &g.events {
        let e = &store.events[i as usize];
        if e.source_ip.is_none() {
            continue;
        }
        let c = by_ip.entry(e.source_ip).or_insert((0, e.time, e.time, i));
        c.0 += 1;
        c.1 = c.1.min(e.time);
        if e.time >= c.2 {
            c.2 = e.time;
            c.3 = i;
        }
    }
    let mut listings: HashMap<&str, Vec<GuardDutyListing>> = HashMap::new();
    for f in findings.iter().filter(|f| f.source == Source::GuardDuty) {
        let addrs: Vec<&str> = remote_addresses(f)
            .into_iter()
            .filter(|a| store.strings.get(a).is_some_and(|s| by_ip.contains_key(&s)))
            .collect();
        if addrs.is_empty() {
            continue;
        }
        for t in threat_intel(f) {
            for a in &addrs {
                listings.entry(a).or_default().push(GuardDutyListing {
                    finding_id: f.id.clone(),
                    finding_type: f.finding_type.clone(),
                    threat_list_name: t.threat_list_name.clone(),
                    threat_names: t.threat_names.clone(),
                });
            }
        }
    }
    let mut out: Vec<FlaggedAddress> = by_ip
        .into_iter()
        .filter_map(|(ip, (calls, first, last, last_event))| {
            let ip = store.s(ip);
            let intel = intel.map(|s| s.matches(ip)).unwrap_or_default();
            let guardduty = listings.remove(ip).unwrap_or_default();
            (!intel.is_empty() || !guardduty.is_empty()).then(|| FlaggedAddress {
                ip: ip.to_string(),
                calls,
                first_seen: rfc3339(first),
                last_seen: rfc3339(last),
                intel,
                guardduty,
                last_event,
            })
        })
        .collect();
    out.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.ip.cmp(&b.ip)));
    out
}
