//! The analyses plugged into reports: chains from the session graph, places from geolocation, new-behaviour
//! highlights from behaviour analytics, and the least-privilege policy of profile entities (`core::policy`).

use super::build::Enrichment;
use super::report::{Chain, ChainEdge, ChainNode};
use crate::core::entity::EntityRef;
use crate::core::geo::{GeoDb, IpClass};
use crate::core::graph::{SessionGraph, SessionId};
use crate::core::model::Store;

/// Report enrichment from a built session graph and a geolocation database (either may be absent).
pub struct Analyses<'a> {
    /// The session graph, for chains.
    pub graph: Option<&'a SessionGraph>,
    /// The geolocation database, for places of addresses.
    pub geo: Option<&'a GeoDb>,
    /// Behaviour index (needs the graph and geolocation too); highlights are "not computed" without it.
    pub behavior: Option<&'a crate::core::behavior::BehaviorIndex>,
    /// The elevated-access broker overlay: a broker-granted chain starts at its requester, the broker's hop is
    /// labelled with its own link kind and the request's answer follows (README "Elevated-access brokers").
    pub brokers: Option<&'a crate::core::broker::BrokerAnalysis>,
    /// Rule hits, for the rules and ATT&CK tags of each evidence event.
    pub detections: Option<&'a crate::core::rules::Detections>,
}

fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn session_node(store: &Store, g: &SessionGraph, s: SessionId) -> ChainNode {
    let x = g.session(s);
    let key = store.s(x.access_key);
    // AssumeRoleWithSAML names no session; the assumed role id `AROA…:<name>` does.
    let session_name = store.strings.opt(x.session_name).or_else(|| {
        store
            .s(x.principal_id)
            .split_once(':')
            .map(|(_, n)| n)
            .filter(|n| !n.is_empty())
    });
    let name = match (store.strings.opt(x.role_arn), session_name) {
        (Some(r), Some(n)) => format!("{} / {n}", role_name(r)),
        (Some(r), None) => role_name(r).to_string(),
        (None, Some(n)) => n.to_string(),
        (None, None) => "(unnamed session)".to_string(),
    };
    let account = store.s(x.account);
    let label = match (key.is_empty(), account.is_empty()) {
        (false, false) => format!("{name} in {account} ({key})"),
        (false, true) => format!("{name} ({key})"),
        (true, false) => format!("{name} in {account}"),
        (true, true) => name,
    };
    ChainNode {
        kind: "session".into(),
        label: match context_note(store, g, s) {
            Some(note) => format!("{label}; {note}"),
            None => label,
        },
        entity: (!key.is_empty()).then(|| format!("session:{key}")),
    }
}

/// The session's identity context in a few words (root task, Identity Center user, tags, tag issues), or `None`
/// when it has none: sessions without this context keep their labels.
fn context_note(store: &Store, g: &SessionGraph, s: SessionId) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(r) = g.root_view(store, s) {
        parts.push(format!(
            "root task {} until {}",
            r.task.as_deref().unwrap_or("(none logged)"),
            r.expires_by
        ));
    }
    for u in g.identity_center_view(store, s).map(|v| v.users).unwrap_or_default() {
        parts.push(format!(
            "Identity Center user {} ({}, {})",
            u.user_id, u.link, u.confidence
        ));
    }
    let tags = g.tag_views(store, s);
    if !tags.is_empty() {
        let list: Vec<String> = tags
            .iter()
            .map(|t| format!("{}={} ({})", t.key, t.value, t.source))
            .collect();
        parts.push(format!("tags {}", list.join(", ")));
    }
    for i in g.tag_issue_views(store, s) {
        parts.push(format!(
            "{} {}: {} → {}",
            i.kind,
            i.key,
            i.was.as_deref().unwrap_or("(none)"),
            i.now.as_deref().unwrap_or("(none)")
        ));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

impl Enrichment for Analyses<'_> {
    fn highlights(
        &self,
        store: &Store,
        entity: &EntityRef,
        scope: Option<crate::core::time::Scope>,
    ) -> Option<Vec<super::report::Highlight>> {
        super::highlights::highlights(store, self.graph?, self.behavior?, self.geo?, entity, scope)
    }

    fn least_privilege(
        &self,
        store: &Store,
        entity: &EntityRef,
        scope: Option<crate::core::time::Scope>,
    ) -> Option<super::report::LeastPrivilege> {
        use crate::core::behavior::{self, Profile};
        let (graph, ix) = (self.graph?, self.behavior?);
        // Profiles whose calls are one principal's (or a chain's) use; addresses and user agents are not.
        if !matches!(
            entity,
            EntityRef::Session(_)
                | EntityRef::AccessKey(_)
                | EntityRef::Identity { .. }
                | EntityRef::Role(_)
                | EntityRef::Principal(_)
                | EntityRef::Account(_)
        ) {
            return None;
        }
        let profile = Profile::from_entity(entity.clone()).ok()?;
        let sel = behavior::select(&profile, store, graph, ix).ok()?;
        let scope = scope.or_else(|| behavior::default_scope(&sel, ix))?;
        let u = crate::core::policy::usage::usage(&sel, store, graph, ix, scope);
        Some(super::report::LeastPrivilege {
            policy: crate::core::policy::generate::generate(&u),
            unmapped: u
                .unmapped
                .iter()
                .map(|c| format!("{} {}", c.event_source, c.event_name))
                .collect(),
            failed_left_out: u.counts.failed,
        })
    }

    fn denied(
        &self,
        store: &Store,
        entity: &EntityRef,
        scope: Option<crate::core::time::Scope>,
    ) -> Option<super::report::DeniedSection> {
        super::denied::section(store, self.graph?, self.behavior?, entity, scope)
    }

    fn investigation(
        &self,
        store: &Store,
        entity: &EntityRef,
        scope: Option<crate::core::time::Scope>,
    ) -> Option<crate::core::investigate::Investigation> {
        super::investigate::section(
            store,
            self.graph?,
            self.behavior?,
            self.geo?,
            self.detections,
            entity,
            scope,
        )
    }

    fn rules(&self, index: usize) -> (Vec<String>, Vec<String>) {
        let Some(d) = self.detections else {
            return (Vec::new(), Vec::new());
        };
        let mut hits: Vec<&crate::core::rules::RuleMeta> =
            d.of_event(index as u32).iter().map(|h| d.rule(h.rule)).collect();
        hits.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.title.cmp(&b.title)));
        let mut attack: Vec<String> = Vec::new();
        for m in &hits {
            for t in m
                .tactics
                .iter()
                .map(|t| t.to_string())
                .chain(m.techniques.iter().map(|t| t.to_string()))
            {
                if !attack.contains(&t) {
                    attack.push(t);
                }
            }
        }
        (hits.iter().map(|m| m.title.clone()).collect(), attack)
    }

    fn chain(&self, store: &Store, entity: &EntityRef) -> Option<Chain> {
        let g = self.graph?;
        let key = match entity {
            EntityRef::Session(k) | EntityRef::AccessKey(k) => k,
            _ => return None,
        };
        let Some(s) = g.session_by_key(store, key) else {
            return Some(Chain::default());
        };
        let (path, _, stop) = g.chain_of(s);
        let first = *path.first()?;
        let grant = self.brokers.and_then(|b| {
            let hop = b.granting_hop(g, s)?;
            Some((hop, b.view(store, g, hop)?))
        });
        let origin = match &grant {
            // The requester, as `trace` names it (one rule: `core::broker::view`).
            Some((_, v)) => crate::core::broker::view::requester_origin(v),
            None => g.origin_of(store, first),
        };
        let mut chain = Chain::default();
        chain.nodes.push(ChainNode {
            kind: "origin".into(),
            label: origin.description.clone(),
            entity: origin.arn.as_ref().map(|a| format!("principal:{a}")),
        });
        if stop.is_some() {
            chain.nodes.push(ChainNode {
                kind: "warning".into(),
                label: "chain cut: cycle or depth limit in the logs".into(),
                entity: None,
            });
        }
        for &sid in &path {
            let from = chain.nodes.len() - 1;
            chain.nodes.push(session_node(store, g, sid));
            let (label, rule) = match g.session(sid).created_by.map(|e| g.edge(e)) {
                Some(e) => (
                    store
                        .events
                        .get(e.event as usize)
                        .map(|ev| store.s(ev.event_name).to_string())
                        .unwrap_or_default(),
                    e.link.map(|l| l.to_string()).unwrap_or_else(|| "unlinked".into()),
                ),
                None => ("created outside the loaded logs".into(), "unknown".into()),
            };
            let rule = match &grant {
                Some((hop, v)) if *hop == sid => match (v.link, v.confidence) {
                    (Some(l), Some(c)) => format!("{l} ({c})"),
                    _ => rule,
                },
                _ => rule,
            };
            chain.edges.push(ChainEdge {
                from,
                to: chain.nodes.len() - 1,
                label,
                rule,
            });
        }
        if let Some((_, v)) = &grant {
            let r = v.request.as_ref();
            chain.nodes.push(ChainNode {
                kind: "broker-approval".into(),
                label: format!(
                    "{}: {}; approver {}; justification {}",
                    v.approval,
                    v.explanation,
                    r.and_then(|r| r.approver.as_deref()).unwrap_or("-"),
                    r.and_then(|r| r.justification.as_deref()).unwrap_or("-")
                ),
                entity: None,
            });
        }
        Some(chain)
    }

    fn place(&self, ip: &str) -> Option<String> {
        let info = self.geo?.lookup(ip);
        match info.class {
            IpClass::Public => {
                let place = info.place.map(|p| {
                    [p.city, p.region, p.country_code.or(p.country)]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                let org = info.asn.map(|a| format!("AS{} {}", a.asn, a.org));
                match (place.filter(|p| !p.is_empty()), org) {
                    (Some(p), Some(o)) => Some(format!("{p} ({o})")),
                    (Some(p), None) => Some(p),
                    (None, Some(o)) => Some(o),
                    (None, None) => None,
                }
            }
            other => Some(other.label()),
        }
    }
}
