//! The geo-fence review: every principal with calls from outside the fence in the scope, by origin, session,
//! address, country and AS organisation. Calls the fence let through from outside are *critical* (the fence failed
//! or is missing); calls it denied show enforcement working; calls whose place cannot be judged are *unknown*;
//! calls AWS services made on the principal's behalf are counted apart, per service.
//!
//! Reads the loaded [`Dataset`] (events, the session graph's signers, the behaviour index's canonical origins, the
//! geolocation databases); each distinct address is judged once. `trailhound geofence`, the TUI's geo-fence view
//! and the report export all call [`review`], so they cannot disagree. Deterministic order throughout.

use super::judge::{AddressJudgement, Endpoint, Endpoints, Standing, judge_address, on_behalf_of, with_endpoint};
use super::model::Fence;
use crate::core::behavior::{ProfileJson, Selection};
use crate::core::dataset::Dataset;
use crate::core::graph::{OriginId, SessionId, Signer};
use crate::core::model::{Event, IdentityType, Sym};
use crate::core::summary::{DENIAL_CODES, PrincipalJson, PrincipalKey, describe_principal, principal_of_event};
use crate::core::time::{Scope, ScopeJson, rfc3339};
use hashbrown::HashMap;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Events of a profile copied out of the table at a time (see [`review`]).
const BLOCK: usize = 256;

/// How bad a principal's record against the fence is (worst first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Severity {
    /// At least one call from outside the fence was allowed: the fence failed or is missing.
    Critical,
    /// Calls from outside were made and every one was denied: enforcement working, attempts worth knowing.
    Enforced,
    /// No call is known to be outside, but some could not be judged (no geolocation, VPC not recorded).
    Unknown,
}

/// Calls counted in the review.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Calls in the scope (and profile) by principals the fence covers.
    pub covered: u64,
    /// Calls in the scope by principals the fence does not cover (other roles than `roles`).
    pub not_covered: u64,
    /// Covered calls from inside the fence.
    pub inside: u64,
    /// Covered calls from outside that succeeded or failed for another reason than a denial: the fence did not
    /// stop them.
    pub allowed_outside: u64,
    /// Covered calls from outside that were denied (`errorCode` a denial, `docs/domain.md` §8).
    pub denied_outside: u64,
    /// Covered calls whose place could not be judged.
    pub unknown: u64,
    /// Covered calls AWS services made on the principals' behalf, kept apart.
    pub on_behalf: u64,
}

/// Calls of one principal from one address through one session (or signed by the principal itself).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceRow {
    /// Outside or unknown.
    pub standing: Standing,
    /// Why: "country FR is not allowed; not in an allowed block", "no geolocation for the address".
    pub why: String,
    /// `sourceIPAddress` as logged.
    pub address: String,
    /// What the address is: "public", "private", "invalid", …
    pub address_class: String,
    /// ISO country code, when the City database places the address; `null`: unknown.
    pub country: Option<String>,
    /// Country name.
    pub country_name: Option<String>,
    /// City name.
    pub city: Option<String>,
    /// (latitude, longitude) where the City database places the address.
    #[serde(skip)]
    pub coords: Option<(f64, f64)>,
    /// Autonomous system number.
    pub asn: Option<u32>,
    /// AS organisation.
    pub as_org: Option<String>,
    /// The VPC endpoint the calls came through, when the fence has a VPC condition and the records name one.
    pub vpc_endpoint: Option<String>,
    /// The role session's access key, when a session signed the calls.
    pub session: Option<String>,
    /// Who is behind the calls: the origin of the session's chain, or the principal itself.
    pub origin: String,
    /// Calls not denied.
    pub allowed: u64,
    /// Calls denied.
    pub denied: u64,
    /// First call, RFC 3339 UTC.
    pub first_seen: String,
    /// Last call, RFC 3339 UTC.
    pub last_seen: String,
    /// The first call's `eventID` (empty when the record had none).
    pub first_event: String,
    /// Index of the first call in the loaded events (the TUI opens it).
    #[serde(skip)]
    pub first_event_index: u32,
}

/// Calls one AWS service made on a principal's behalf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceRow {
    /// The service (`invokedBy` or the service-name source), or `AWS Internal`.
    pub service: String,
    /// Calls not denied.
    pub allowed: u64,
    /// Calls denied.
    pub denied: u64,
    /// First call, RFC 3339 UTC.
    pub first_seen: String,
    /// Last call, RFC 3339 UTC.
    pub last_seen: String,
}

/// A principal with calls from outside the fence (or that could not be judged).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PrincipalBreaches {
    /// Who.
    pub principal: PrincipalJson,
    /// Critical, enforced or unknown.
    pub severity: Severity,
    /// Calls from outside not denied.
    pub allowed_outside: u64,
    /// Calls from outside denied.
    pub denied_outside: u64,
    /// Calls whose place could not be judged.
    pub unknown: u64,
    /// First outside or unknown call, RFC 3339 UTC.
    pub first_seen: String,
    /// Last outside or unknown call, RFC 3339 UTC.
    pub last_seen: String,
    /// By session and address: allowed-from-outside rows first.
    pub sources: Vec<SourceRow>,
    /// Calls AWS services made on the principal's behalf in the scope, per service (never judged by address).
    pub on_behalf: Vec<ServiceRow>,
}

/// The review.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GeofenceReport {
    /// The fence judged against.
    pub fence: Fence,
    /// The scope; `null`: everything loaded.
    pub scope: Option<ScopeJson>,
    /// The profile the review was narrowed to; `null`: every principal.
    pub profile: Option<ProfileJson>,
    /// What geolocation databases were used.
    pub geolocation: String,
    /// Calls counted.
    pub totals: Totals,
    /// Principals with calls from outside or unknown, critical first.
    pub principals: Vec<PrincipalBreaches>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum SignerKey {
    Session(u32),
    Origin(u32),
    None,
}

struct RowAcc {
    standing: Standing,
    why: String,
    address: Sym,
    vpce: Option<String>,
    allowed: u64,
    denied: u64,
    first: i64,
    last: i64,
    first_event: u32,
}

#[derive(Default)]
struct PrincipalAcc {
    rows: HashMap<(SignerKey, Sym, Option<String>), RowAcc>,
    services: BTreeMap<String, (u64, u64, i64, i64)>,
}

/// Review the calls in `scope` (of the profile `sel`, or of everyone) against `fence`.
pub fn review(
    data: &Dataset,
    fence: &Fence,
    scope: Scope,
    sel: Option<&Selection>,
    endpoints: &dyn Endpoints,
) -> GeofenceReport {
    let (store, graph, geo) = (data.store(), data.graph(), data.geo());
    let ix = data.behavior();
    let mut totals = Totals::default();
    let mut by_address: HashMap<Sym, AddressJudgement> = HashMap::new();
    let mut covered: HashMap<u32, bool> = HashMap::new();
    let mut denial: HashMap<Sym, bool> = HashMap::new();
    // Whether a call was made on the principal's behalf depends on its `invokedBy` and source alone: decided once
    // per pair (the source's address is parsed to decide it).
    let mut behalf: HashMap<(Sym, Sym), Option<String>> = HashMap::new();
    let mut principals: HashMap<PrincipalKey, PrincipalAcc> = HashMap::new();

    let mut visit = |i: u32, ev: &Event| {
        let id = store.identity(ev);
        let is_covered = *covered.entry(ev.identity).or_insert_with(|| {
            let role = (id.kind == IdentityType::AssumedRole).then(|| store.s(id.issuer_arn));
            fence.covers_role(role)
        });
        if !is_covered {
            totals.not_covered += 1;
            return;
        }
        totals.covered += 1;
        let denied = ev.error_code.is_some()
            && *denial
                .entry(ev.error_code)
                .or_insert_with(|| DENIAL_CODES.contains(&store.s(ev.error_code)));
        let Some(key) = principal_of_event(graph, ix, i) else {
            // No usable signer: nobody to report it against; counted as judged below only if it is outside.
            totals.not_covered += 1;
            totals.covered -= 1;
            return;
        };
        let service = behalf
            .entry((id.invoked_by, ev.source_ip))
            .or_insert_with(|| on_behalf_of(store, id.invoked_by, store.s(ev.source_ip)));
        if let Some(service) = service.clone() {
            totals.on_behalf += 1;
            let acc = principals.entry(key).or_default();
            let e = acc.services.entry(service).or_insert((0, 0, ev.time, ev.time));
            if denied {
                e.1 += 1;
            } else {
                e.0 += 1;
            }
            e.2 = e.2.min(ev.time);
            e.3 = e.3.max(ev.time);
            return;
        }
        let judged = by_address
            .entry(ev.source_ip)
            .or_insert_with(|| judge_address(fence, geo, store.s(ev.source_ip)));
        let (mut standing, mut why, mut vpce) = (judged.standing, None, None);
        if standing != Standing::Inside && fence.has_vpc_condition() {
            let endpoint = endpoints.endpoint_of(i);
            if let Endpoint::Id(v) = &endpoint {
                vpce = Some(v.clone());
            }
            let (s, w) = with_endpoint(fence, standing, &endpoint);
            standing = s;
            why = w;
        }
        match standing {
            Standing::Inside | Standing::OnBehalf => {
                totals.inside += 1;
                return;
            }
            Standing::Unknown => totals.unknown += 1,
            Standing::Outside if denied => totals.denied_outside += 1,
            Standing::Outside => totals.allowed_outside += 1,
        }
        let signer = match graph.signer.get(i as usize) {
            Some(Signer::Session(s)) => SignerKey::Session(*s),
            Some(Signer::Origin(o)) => SignerKey::Origin(*o),
            _ => SignerKey::None,
        };
        let why = why.unwrap_or_else(|| judged.why.clone());
        let acc = principals.entry(key).or_default();
        let row = acc
            .rows
            .entry((signer, ev.source_ip, vpce.clone()))
            .or_insert_with(|| RowAcc {
                standing,
                why,
                address: ev.source_ip,
                vpce,
                allowed: 0,
                denied: 0,
                first: ev.time,
                last: ev.time,
                first_event: i,
            });
        if denied {
            row.denied += 1;
        } else {
            row.allowed += 1;
        }
        if ev.time < row.first {
            row.first = ev.time;
            row.first_event = i;
        }
        row.last = row.last.max(ev.time);
    };

    match sel {
        Some(sel) => {
            // A profile's events are scattered over the table. Copied a block at a time in a tight loop, their
            // cache misses overlap instead of waiting in turn between two judgements (the largest session identity
            // of a 10 M-event case, 1.15 M calls: about 10 % of the review).
            let (lo, hi) = (ix.index_at(scope.from), ix.index_at(scope.to));
            let mut block: Vec<(u32, Event)> = Vec::with_capacity(BLOCK);
            for part in sel.window(lo, hi) {
                for run in part.events.chunks(BLOCK) {
                    block.clear();
                    block.extend(
                        run.iter()
                            .filter_map(|&i| Some((i, store.events.get(i as usize)?.clone()))),
                    );
                    block.iter().for_each(|(i, ev)| visit(*i, ev));
                }
            }
        }
        None => {
            let lo = store.events.partition_point(|e| e.time < scope.from);
            let hi = store.events.partition_point(|e| e.time < scope.to).max(lo);
            store.events[lo..hi]
                .iter()
                .enumerate()
                .for_each(|(k, ev)| visit((lo + k) as u32, ev));
        }
    }

    let mut out: Vec<PrincipalBreaches> = principals
        .into_iter()
        .filter(|(_, acc)| !acc.rows.is_empty())
        .map(|(key, acc)| principal_row(data, key, acc, &by_address))
        .collect();
    out.sort_by(|a, b| {
        (
            a.severity,
            std::cmp::Reverse(a.allowed_outside),
            std::cmp::Reverse(a.denied_outside),
            &a.principal.label,
        )
            .cmp(&(
                b.severity,
                std::cmp::Reverse(b.allowed_outside),
                std::cmp::Reverse(b.denied_outside),
                &b.principal.label,
            ))
    });
    GeofenceReport {
        fence: fence.clone(),
        scope: (scope != Scope::ALL).then(|| scope.into()),
        profile: sel.map(Selection::json),
        geolocation: geo.describe(),
        totals,
        principals: out,
    }
}

fn principal_row(
    data: &Dataset,
    key: PrincipalKey,
    acc: PrincipalAcc,
    by_address: &HashMap<Sym, AddressJudgement>,
) -> PrincipalBreaches {
    let (store, graph) = (data.store(), data.graph());
    // The latest session among the rows names the identity's session (what the TUI opens).
    let latest = acc
        .rows
        .iter()
        .filter_map(|((s, _, _), r)| match s {
            SignerKey::Session(s) => Some((r.last, *s)),
            _ => None,
        })
        .max()
        .map(|(_, s)| s);
    let principal = describe_principal(store, graph, key, latest);
    // Described once per chain top: an identity's tens of thousands of sessions mostly share one. The rows are
    // then made in parallel (each reads a few scattered records: session, address, first event).
    let rows: Vec<_> = acc.rows.into_iter().collect();
    let tops: Vec<Option<Result<OriginId, SessionId>>> = rows
        .iter()
        .map(|((signer, _, _), _)| match *signer {
            SignerKey::Session(s) => Some(graph.origin_top(s)),
            SignerKey::Origin(o) => Some(Ok(o)),
            SignerKey::None => None,
        })
        .collect();
    let mut origins: HashMap<Option<Result<OriginId, SessionId>>, String> = HashMap::new();
    for &top in &tops {
        origins.entry(top).or_insert_with(|| match top {
            Some(top) => graph.top_description(store, top),
            None => "unknown".into(),
        });
    }
    let mut sources: Vec<SourceRow> = rows
        .into_par_iter()
        .zip(tops)
        .map(|(((signer, _, _), r), top)| {
            let origin = origins.get(&top).cloned().unwrap_or_default();
            let session = match signer {
                SignerKey::Session(s) => store.strings.opt(graph.session(s).access_key).map(str::to_string),
                _ => None,
            };
            let a = by_address.get(&r.address);
            SourceRow {
                standing: r.standing,
                why: r.why,
                address: store.s(r.address).to_string(),
                address_class: a.map(|a| a.class.label()).unwrap_or_default(),
                country: a.and_then(|a| a.country.clone()),
                country_name: a.and_then(|a| a.country_name.clone()),
                city: a.and_then(|a| a.city.clone()),
                coords: a.and_then(|a| a.coords),
                asn: a.and_then(|a| a.asn),
                as_org: a.and_then(|a| a.as_org.clone()),
                vpc_endpoint: r.vpce,
                session,
                origin,
                allowed: r.allowed,
                denied: r.denied,
                first_seen: rfc3339(r.first),
                last_seen: rfc3339(r.last),
                first_event: store
                    .events
                    .get(r.first_event as usize)
                    .map(|e| store.event_id_string(e))
                    .unwrap_or_default(),
                first_event_index: r.first_event,
            }
        })
        .collect();
    // Outside before unknown; within each, allowed calls first (the failures of the fence), then by address; the
    // first event (one row's alone) settles the rest, so the order never depends on a hash map's.
    sources.par_sort_unstable_by(|a, b| {
        (
            a.standing,
            std::cmp::Reverse(a.allowed > 0),
            std::cmp::Reverse(a.allowed),
            std::cmp::Reverse(a.denied),
            &a.address,
            &a.session,
            &a.vpc_endpoint,
            a.first_event_index,
        )
            .cmp(&(
                b.standing,
                std::cmp::Reverse(b.allowed > 0),
                std::cmp::Reverse(b.allowed),
                std::cmp::Reverse(b.denied),
                &b.address,
                &b.session,
                &b.vpc_endpoint,
                b.first_event_index,
            ))
    });
    let outside =
        |f: fn(&SourceRow) -> u64| -> u64 { sources.iter().filter(|r| r.standing == Standing::Outside).map(f).sum() };
    let allowed_outside = outside(|r| r.allowed);
    let denied_outside = outside(|r| r.denied);
    let unknown = sources
        .iter()
        .filter(|r| r.standing == Standing::Unknown)
        .map(|r| r.allowed + r.denied)
        .sum();
    let severity = if allowed_outside > 0 {
        Severity::Critical
    } else if denied_outside > 0 {
        Severity::Enforced
    } else {
        Severity::Unknown
    };
    let first_seen = sources.iter().map(|r| r.first_seen.clone()).min().unwrap_or_default();
    let last_seen = sources.iter().map(|r| r.last_seen.clone()).max().unwrap_or_default();
    let on_behalf = acc
        .services
        .into_iter()
        .map(|(service, (allowed, denied, first, last))| ServiceRow {
            service,
            allowed,
            denied,
            first_seen: rfc3339(first),
            last_seen: rfc3339(last),
        })
        .collect();
    PrincipalBreaches {
        principal,
        severity,
        allowed_outside,
        denied_outside,
        unknown,
        first_seen,
        last_seen,
        sources,
        on_behalf,
    }
}
