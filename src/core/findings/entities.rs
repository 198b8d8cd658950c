//! What a finding points at, as [`EntityRef`]s to pivot to: the session or key that acted, its principal and
//! role, the accounts, the remote IPs (with the finding's own geolocation), the user agent, instances and
//! resources. Derived from the finding alone; `pivots::resolve_entities` then corrects role ARNs against the
//! loaded CloudTrail (a GuardDuty finding names a role without its path).

use super::{AttackSequence, Finding, FindingAction, RemoteIp, guardduty};
use crate::core::access_key::AccessKeyKind;
use crate::core::entity::EntityRef;
use serde::Serialize;

/// One entity a finding names (a key, a principal, an address, a resource), with why it names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingEntity {
    /// The entity, for pivots and case marks.
    pub entity: EntityRef,
    /// Why the finding names it (`access key`, `principal`, `remote ip`, `resource`, `external principal`…).
    pub relation: &'static str,
    /// For IPs: the finding's own geolocation and network owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geo: Option<RemoteIp>,
}

struct Out(Vec<FindingEntity>);

impl Out {
    fn push(&mut self, entity: EntityRef, relation: &'static str) {
        self.push_geo(entity, relation, None);
    }
    fn push_geo(&mut self, entity: EntityRef, relation: &'static str, geo: Option<RemoteIp>) {
        if !self.0.iter().any(|e| e.entity == entity) {
            self.0.push(FindingEntity { entity, relation, geo });
        }
    }
}

pub fn of(f: &Finding) -> Vec<FindingEntity> {
    let mut out = Out(Vec::new());
    match &f.access {
        Some(_) => access_analyzer(f, &mut out),
        None => guardduty_entities(f, &mut out),
    }
    out.0
}

fn partition(f: &Finding) -> &str {
    f.arn
        .as_deref()
        .and_then(|a| a.split(':').nth(1))
        .filter(|p| p.starts_with("aws"))
        .unwrap_or("aws")
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn guardduty_entities(f: &Finding, out: &mut Out) {
    let part = partition(f);
    if let Some(k) = &f.resource.access_key {
        if let Some(key) = &k.access_key_id {
            if AccessKeyKind::of(key) == AccessKeyKind::Temporary {
                out.push(EntityRef::Session(key.clone()), "access key (role session)");
            } else {
                out.push(EntityRef::AccessKey(key.clone()), "access key");
            }
        }
        if let Some(p) = &k.principal_id {
            out.push(EntityRef::Principal(p.clone()), "principal id");
        }
        if let (Some(name), Some(acct)) = (&k.user_name, &f.account) {
            match k.user_type.as_deref() {
                Some("AssumedRole") => out.push(EntityRef::Role(format!("arn:{part}:iam::{acct}:role/{name}")), "role"),
                Some("IAMUser") => out.push(
                    EntityRef::Principal(format!("arn:{part}:iam::{acct}:user/{name}")),
                    "iam user",
                ),
                Some("Root") => out.push(EntityRef::Principal(format!("arn:{part}:iam::{acct}:root")), "root"),
                _ => {}
            }
        }
    }
    if let Some(a) = &f.account {
        out.push(EntityRef::Account(a.clone()), "account");
    }
    if let Some(action) = &f.action {
        for ip in guardduty::remote_ips(action) {
            if let Some(addr) = &ip.ip {
                out.push_geo(EntityRef::Ip(addr.clone()), "remote ip", Some(ip.clone()));
            }
        }
        if let FindingAction::ApiCall(c) = action {
            for v in c.affected_resources.values() {
                if v.starts_with("arn:") {
                    out.push(arn_entity(v), "affected resource");
                }
            }
        }
    }
    if let Some(ua) = &f.user_agent {
        out.push(EntityRef::UserAgent(ua.clone()), "user agent");
    }
    if let Some(id) = f.resource.instance.as_ref().and_then(|i| i.id.clone()) {
        out.push(EntityRef::Instance(id), "instance");
    }
    for b in &f.resource.buckets {
        let arn = b
            .arn
            .clone()
            .or_else(|| b.name.as_ref().map(|n| format!("arn:{part}:s3:::{n}")));
        if let Some(arn) = arn {
            out.push(EntityRef::Resource(arn), "bucket");
        }
    }
    if let Some(arn) = f.resource.eks.as_ref().and_then(|e| e.arn.clone()) {
        out.push(EntityRef::Resource(arn), "eks cluster");
    }
    if let Some(seq) = &f.sequence {
        sequence_entities(seq, out);
    }
}

/// An access key as the entity that profiles it: a temporary key is a role session.
fn key_entity(key: &str) -> EntityRef {
    if AccessKeyKind::of(key) == AccessKeyKind::Temporary {
        EntityRef::Session(key.to_string())
    } else {
        EntityRef::AccessKey(key.to_string())
    }
}

/// An attack sequence's actors (their keys, identities, roles and accounts), endpoints and resources.
fn sequence_entities(seq: &AttackSequence, out: &mut Out) {
    for a in &seq.actors {
        if let Some(k) = &a.credential_uid {
            out.push(key_entity(k), "sequence actor key");
        }
        if let Some(u) = &a.user_uid {
            let e = if u.starts_with("arn:") {
                arn_entity(u)
            } else {
                EntityRef::Principal(u.clone())
            };
            out.push(e, "sequence actor");
        }
        if let Some(issuer) = a.session_issuer.as_deref().filter(|i| i.starts_with("arn:")) {
            out.push(arn_entity(issuer), "sequence actor session issuer");
        }
        if let Some(acct) = a.account.as_deref().filter(|a| is_account_id(a)) {
            out.push(EntityRef::Account(acct.to_string()), "sequence actor account");
        }
    }
    for e in &seq.endpoints {
        if let Some(ip) = &e.ip {
            let geo = RemoteIp {
                ip: Some(ip.clone()),
                city: e.city.clone(),
                country: e.country.clone(),
                asn: e.asn.clone(),
                asn_org: e.as_name.clone(),
                ..RemoteIp::default()
            };
            out.push_geo(EntityRef::Ip(ip.clone()), "sequence endpoint", Some(geo));
        }
    }
    for r in &seq.resources {
        let e = if r.uid.starts_with("arn:") {
            arn_entity(&r.uid)
        } else if r.resource_type.as_deref() == Some("AWS::IAM::AccessKey") || AccessKeyKind::of(&r.uid).is_access_key()
        {
            key_entity(&r.uid)
        } else if r.uid.starts_with("i-") {
            EntityRef::Instance(r.uid.clone())
        } else {
            EntityRef::Resource(r.uid.clone())
        };
        out.push(e, "sequence resource");
    }
}

/// An ARN as the entity kind that profiles it.
fn arn_entity(arn: &str) -> EntityRef {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    if arn.contains(":iam:") && resource.starts_with("role/") {
        EntityRef::Role(arn.to_string())
    } else if arn.contains(":iam:") && resource == "root" {
        match arn.split(':').nth(4) {
            Some(acct) if is_account_id(acct) => EntityRef::Account(acct.to_string()),
            _ => EntityRef::Principal(arn.to_string()),
        }
    } else if arn.contains(":iam:") || arn.contains(":sts:") {
        EntityRef::Principal(arn.to_string())
    } else {
        EntityRef::Resource(arn.to_string())
    }
}

fn access_analyzer(f: &Finding, out: &mut Out) {
    let Some(d) = &f.access else { return };
    if let Some(arn) = &d.resource_arn {
        let e = match d.resource_type.as_deref() {
            Some("AWS::IAM::User") => EntityRef::Principal(arn.clone()),
            _ if arn.starts_with("arn:") => arn_entity(arn),
            _ => EntityRef::Resource(arn.clone()),
        };
        out.push(e, "resource");
    }
    if let Some(a) = &d.owner_account {
        out.push(EntityRef::Account(a.clone()), "resource owner account");
    }
    let relation = if d.finding_type == "InternalAccess" {
        "internal principal"
    } else {
        "external principal"
    };
    for (kind, values) in &d.principal {
        for v in values.split(',').map(str::trim).filter(|v| !v.is_empty()) {
            if v == "*" {
                continue;
            }
            let e = if is_account_id(v) {
                EntityRef::Account(v.to_string())
            } else if kind == "AWS" && v.starts_with("arn:") {
                arn_entity(v)
            } else {
                EntityRef::Principal(v.to_string())
            };
            out.push(e, relation);
        }
    }
    if let Some(k) = &d.access_key_id {
        out.push(EntityRef::AccessKey(k.clone()), "unused access key");
    }
}
