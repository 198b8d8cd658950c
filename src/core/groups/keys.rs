//! What a finding can be joined on ([`JoinKey`]s): its access keys, principals, addresses and resources (from
//! `Finding::entities`, role ARNs corrected against the logs), and through the session graph the chain and the
//! origin behind each of its session keys. An Access Analyzer finding also carries the key, chain and origin of
//! every successful policy write that granted its access, and its external accounts as origins.
//!
//! Left out on purpose: accounts (every finding of an account shares one), user agents (tools share them),
//! private and unparseable addresses (private ranges repeat across VPCs), unknown origins, AWS services acting
//! for nothing named, and any chain or origin reached through a weak (name + time) link: a join is a fact.

use super::{JoinKey, JoinKind};
use crate::core::entity::EntityRef;
use crate::core::findings::Finding;
use crate::core::findings::pivots::{known_roles, policy_changes, resolve_entities_among};
use crate::core::geo::{IpClass, classify};
use crate::core::graph::{OriginKind, OriginView, SessionGraph};
use crate::core::model::Store;

/// Every key `f` can be joined on, strongest kind first, without duplicates (one entity may be two keys: a
/// session's own key is also the top of its chain).
pub fn join_keys(store: &Store, graph: &SessionGraph, f: &Finding) -> Vec<JoinKey> {
    join_keys_among(store, graph, &known_roles(store), f)
}

/// [`join_keys`] with the logs' role ARNs gathered once ([`known_roles`]), for many findings.
pub fn join_keys_among(store: &Store, graph: &SessionGraph, roles: &[&str], f: &Finding) -> Vec<JoinKey> {
    let mut out: Vec<JoinKey> = Vec::new();
    let mut push = |kind: JoinKind, entity: EntityRef, why: &'static str| {
        if !out.iter().any(|k| k.kind == kind && k.entity == entity) {
            out.push(JoinKey { kind, entity, why });
        }
    };
    let mut entities = f.entities();
    resolve_entities_among(roles, &mut entities);
    let external_access = f.access.as_ref().is_some_and(|d| !d.is_unused());
    let mut session_keys: Vec<(String, &'static str)> = Vec::new();
    for e in entities {
        match &e.entity {
            EntityRef::Session(k) => {
                session_keys.push((k.clone(), e.relation));
                push(JoinKind::AccessKey, e.entity.clone(), e.relation);
            }
            EntityRef::AccessKey(_) => push(JoinKind::AccessKey, e.entity.clone(), e.relation),
            EntityRef::Principal(_) | EntityRef::Role(_) | EntityRef::Identity { .. } => {
                push(JoinKind::Principal, e.entity.clone(), e.relation)
            }
            EntityRef::Ip(a) if classify(a) == IpClass::Public => push(JoinKind::Address, e.entity.clone(), e.relation),
            EntityRef::Instance(_) | EntityRef::Resource(_) => push(JoinKind::Resource, e.entity.clone(), e.relation),
            // The outside account an Access Analyzer finding grants access to is who may act: an origin.
            EntityRef::Account(_) if external_access && e.relation == "external principal" => {
                push(JoinKind::Origin, e.entity.clone(), "external principal")
            }
            _ => {}
        }
    }
    for c in policy_changes(store, graph, f).into_iter().filter(|c| c.success) {
        if let Some(k) = c.access_key_id {
            push(JoinKind::AccessKey, EntityRef::Session(k.clone()), "policy write");
            session_keys.push((k, "policy write"));
        }
    }
    for (key, why) in session_keys {
        for (kind, entity) in through_graph(store, graph, &key) {
            push(kind, entity, why);
        }
    }
    out.sort_by_key(|k| k.kind);
    out
}

/// The chain (its outermost session's key) and origin behind the session signing with `key`, when every link up
/// the chain is strong and the origin is someone.
fn through_graph(store: &Store, graph: &SessionGraph, key: &str) -> Vec<(JoinKind, EntityRef)> {
    let Some(s) = graph.session_by_key(store, key) else {
        return Vec::new();
    };
    let (path, origin, stop) = graph.chain_of(s);
    let weak = path.iter().any(|&p| {
        graph
            .session(p)
            .created_by
            .and_then(|e| graph.edge(e).link)
            .is_some_and(|l| l.is_weak())
    });
    if weak || stop.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(top) = path
        .first()
        .and_then(|&p| store.strings.opt(graph.session(p).access_key))
    {
        out.push((JoinKind::Chain, EntityRef::Session(top.to_string())));
    }
    if let Some(o) = origin
        .map(|o| graph.origin_view(store, o))
        .and_then(|v| origin_entity(&v))
    {
        out.push((JoinKind::Origin, o));
    }
    out
}

/// The entity an origin is pivoted to; `None` for origins that do not name anyone.
fn origin_entity(o: &OriginView) -> Option<EntityRef> {
    match o.kind {
        OriginKind::Unknown => None,
        OriginKind::AwsService => o.acting_for.as_ref().map(|a| {
            if a.starts_with("i-") {
                EntityRef::Instance(a.clone())
            } else {
                EntityRef::Principal(a.clone())
            }
        }),
        OriginKind::AwsAccount => o.account.clone().map(EntityRef::Account),
        _ => o
            .arn
            .clone()
            .or_else(|| o.principal_id.clone())
            .or_else(|| {
                let (n, a) = (o.name.as_ref()?, o.account.as_ref()?);
                Some(format!("{n}@{a}"))
            })
            .map(EntityRef::Principal),
    }
}
