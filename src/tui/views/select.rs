//! Which events a profile view is about: the entity's events inside the scope, found by binary search on time
//! (events are sorted) and a per-identity match table, so a view over a million events stays cheap.
//!
//! These are selections, not analyses: the session graph, baselines and new-behaviour live in `core`.

use crate::core::graph::SessionGraph;
use crate::core::model::{Event, IdentityType, Store, Sym};
use crate::core::time::Scope;
use crate::tui::spec::ViewSpec;

/// The index range of events whose time lies in `scope`.
pub fn scope_range(store: &Store, scope: Scope) -> std::ops::Range<usize> {
    let from = store.events.partition_point(|e| e.time < scope.from);
    let to = store.events.partition_point(|e| e.time < scope.to);
    from..to.max(from)
}

/// A predicate over events for the entity a view names; `None` for views that are not about events.
pub struct Matcher {
    identities: Vec<bool>,
    sym: Option<(Field, Sym)>,
    any_identity: bool,
}

#[derive(Clone, Copy)]
enum Field {
    Ip,
    UserAgent,
    RecipientAccount,
    Resource,
}

impl Matcher {
    pub fn for_spec(store: &Store, spec: &ViewSpec) -> Option<Matcher> {
        let get = |s: &str| store.strings.get(s).filter(|s| s.is_some());
        let ids = |f: &dyn Fn(&crate::core::model::Identity) -> bool| -> Vec<bool> {
            store.identities.iter().map(f).collect()
        };
        let m = match spec {
            ViewSpec::Session(k) | ViewSpec::AccessKey(k) => {
                let k = get(k);
                Matcher {
                    identities: ids(&|i| Some(i.access_key_id) == k),
                    sym: None,
                    any_identity: false,
                }
            }
            ViewSpec::Role(arn) => {
                let a = get(arn);
                Matcher {
                    identities: ids(&|i| i.kind == IdentityType::AssumedRole && Some(i.issuer_arn) == a),
                    sym: None,
                    any_identity: false,
                }
            }
            ViewSpec::Principal(p) => {
                let p = get(p);
                Matcher {
                    identities: ids(&|i| {
                        p.is_some() && (Some(i.arn) == p || Some(i.principal_id) == p || Some(i.user_name) == p)
                    }),
                    sym: None,
                    any_identity: false,
                }
            }
            ViewSpec::Account(a) => {
                let a = get(a);
                Matcher {
                    identities: ids(&|i| Some(i.account_id) == a),
                    sym: a.map(|a| (Field::RecipientAccount, a)),
                    any_identity: false,
                }
            }
            ViewSpec::Ip(ip) => Matcher {
                identities: Vec::new(),
                sym: Some((Field::Ip, get(ip).unwrap_or(Sym(u32::MAX)))),
                any_identity: true,
            },
            ViewSpec::UserAgent(ua) => Matcher {
                identities: Vec::new(),
                sym: Some((Field::UserAgent, get(ua).unwrap_or(Sym(u32::MAX)))),
                any_identity: true,
            },
            ViewSpec::Resource(r) => Matcher {
                identities: Vec::new(),
                sym: Some((Field::Resource, get(r).unwrap_or(Sym(u32::MAX)))),
                any_identity: true,
            },
            _ => return None,
        };
        Some(m)
    }

    pub fn matches(&self, e: &Event) -> bool {
        let by_identity = !self.any_identity && self.identities.get(e.identity as usize).copied().unwrap_or(false);
        let by_sym = match self.sym {
            Some((Field::Ip, s)) => e.source_ip == s,
            Some((Field::UserAgent, s)) => e.user_agent == s,
            Some((Field::RecipientAccount, s)) => e.recipient_account == s,
            Some((Field::Resource, s)) => e.resource == s,
            None => false,
        };
        by_identity || by_sym
    }
}

/// Indices of the events of `spec` inside `scope`, in time order. A role session's events are the ones the
/// session graph attached to it (every link rule), not only those carrying its key.
pub fn events(store: &Store, graph: &SessionGraph, spec: &ViewSpec, scope: Scope) -> Vec<u32> {
    if let ViewSpec::Session(k) = spec
        && let Some(s) = graph.session_by_key(store, k)
    {
        let evs = &graph.session(s).events;
        let t = |i: &u32| store.events.get(*i as usize).map_or(i64::MAX, |e| e.time);
        let lo = evs.partition_point(|i| t(i) < scope.from);
        let hi = evs.partition_point(|i| t(i) < scope.to);
        return evs[lo..hi.max(lo)].to_vec();
    }
    let Some(m) = Matcher::for_spec(store, spec) else {
        return Vec::new();
    };
    let r = scope_range(store, scope);
    store.events[r.clone()]
        .iter()
        .zip(r)
        .filter(|(e, _)| m.matches(e))
        .map(|(_, i)| i as u32)
        .collect()
}
