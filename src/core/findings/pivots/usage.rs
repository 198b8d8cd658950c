//! Use of the access a finding describes. External/internal access: the later calls by principals outside the
//! resource's account (for a role: who assumed it and what each of those sessions did, by its new key; for
//! other resources: calls on the resource). Unused access: the last use the loaded logs show, so an analyst can
//! check the analyzer's "unused" against the evidence.

use super::{EventOrigin, ResourceKey, caller_account, event_origin, policy_changes, resource_key};
use crate::core::findings::{Finding, ser};
use crate::core::graph::SessionGraph;
use crate::core::model::{AssumeKind, Event, Store, Sym};
use hashbrown::HashMap;
use serde::Serialize;
use std::collections::BTreeMap;

/// One session (or, without a key, one principal) that used the access.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccessUse {
    /// The session key that made the calls (for a role: the key its AssumeRole issued).
    pub access_key_id: Option<String>,
    /// The caller as the logs name it (ARN, else principal id).
    pub principal: Option<String>,
    /// The caller's `userIdentity.type` as logged (`AssumedRole`, `IAMUser`, `AWSAccount`, …).
    pub principal_type: String,
    /// The caller's account.
    pub account: Option<String>,
    /// For a role: the AssumeRole that started the session.
    pub assume_event_id: Option<String>,
    /// The session name, for role sessions.
    pub session_name: Option<String>,
    /// The first call (or the assumption), epoch seconds (RFC 3339 UTC in JSON).
    #[serde(serialize_with = "ser::time")]
    pub first_seen: i64,
    /// The last call, epoch seconds (RFC 3339 UTC in JSON).
    #[serde(serialize_with = "ser::time")]
    pub last_seen: i64,
    /// Distinct `sourceIPAddress` values of the calls, sorted.
    pub source_ips: Vec<String>,
    /// Distinct user agents of the calls, sorted (hostile text).
    pub user_agents: Vec<String>,
    /// `service:Api` → number of calls (the AssumeRole itself excluded).
    pub calls: BTreeMap<String, u64>,
    /// All calls counted in `calls`.
    pub total_calls: u64,
    /// Calls that returned an error code.
    pub failed_calls: u64,
    /// Who was behind the caller (for a role: the caller of the AssumeRole), as far as the loaded logs show.
    pub origin: Option<EventOrigin>,
}

fn api_label(store: &Store, ev: &Event) -> String {
    let src = store.s(ev.event_source);
    let svc = src.strip_suffix(".amazonaws.com").unwrap_or(src);
    format!("{svc}:{}", store.s(ev.event_name))
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !s.is_empty() && !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

fn new_use(store: &Store, graph: &SessionGraph, i: usize) -> AccessUse {
    let ev = &store.events[i];
    let id = store.identity(ev);
    AccessUse {
        access_key_id: store.strings.opt(id.access_key_id).map(str::to_string),
        principal: store
            .strings
            .opt(id.arn)
            .or_else(|| store.strings.opt(id.principal_id))
            .map(str::to_string),
        principal_type: id.kind.to_string(),
        account: caller_account(store, ev),
        assume_event_id: None,
        session_name: None,
        first_seen: ev.time,
        last_seen: ev.time,
        source_ips: Vec::new(),
        user_agents: Vec::new(),
        calls: BTreeMap::new(),
        total_calls: 0,
        failed_calls: 0,
        origin: event_origin(store, graph, i),
    }
}

fn count(store: &Store, u: &mut AccessUse, ev: &Event) {
    *u.calls.entry(api_label(store, ev)).or_default() += 1;
    u.total_calls += 1;
    u.failed_calls += ev.failed() as u64;
    u.first_seen = u.first_seen.min(ev.time);
    u.last_seen = u.last_seen.max(ev.time);
    push_unique(&mut u.source_ips, store.s(ev.source_ip));
    push_unique(&mut u.user_agents, store.s(ev.user_agent));
}

/// Later use of an external or internal access finding's access, by callers outside the resource's account,
/// from the first successful policy write on (from the start of the logs when no write is loaded).
pub fn subsequent_access(store: &Store, graph: &SessionGraph, f: &Finding) -> Vec<AccessUse> {
    let (Some(d), Some(key)) = (f.access.as_ref(), resource_key(f)) else {
        return Vec::new();
    };
    if d.is_unused() {
        return Vec::new();
    }
    let since = policy_changes(store, graph, f)
        .iter()
        .filter(|c| c.success)
        .map(|c| c.time)
        .min()
        .unwrap_or(i64::MIN);
    let owner = d.owner_account.clone().unwrap_or_else(|| key.account.clone());
    let granted = granted_accounts(d);
    // The finding's own principals when it names accounts; otherwise (public, federated, no principal given)
    // anyone outside the resource's account. A caller whose account the logs do not give is kept: unknown is not
    // the owner.
    let outsider = |ev: &Event| match caller_account(store, ev) {
        None => true,
        Some(a) if !granted.is_empty() => granted.contains(&a),
        Some(a) => a != owner,
    };
    let mut uses = if key.service == "iam" && key.kind == "role" {
        role_sessions(store, graph, &key, since, &outsider)
    } else {
        resource_calls(store, graph, &key, since, &outsider)
    };
    uses.sort_by(|a, b| (a.first_seen, &a.access_key_id).cmp(&(b.first_seen, &b.access_key_id)));
    uses
}

/// The accounts an access finding's `AWS` principals name (`123456789012`, `arn:aws:iam::123456789012:root`,
/// role or user ARNs); empty for `*` or non-AWS principals.
fn granted_accounts(d: &crate::core::findings::AccessDetails) -> Vec<String> {
    let mut out = Vec::new();
    for v in d.principal.get("AWS").into_iter().flat_map(|v| v.split(',')) {
        let v = v.trim();
        let acct = if v.starts_with("arn:") {
            v.split(':').nth(4).unwrap_or("")
        } else {
            v
        };
        if acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) && !out.iter().any(|a| a == acct) {
            out.push(acct.to_string());
        }
    }
    out
}

/// Assumptions of the role by outsiders, and what each resulting session did (its calls as the session graph
/// attributes them, so principal/time links count too).
fn role_sessions(
    store: &Store,
    graph: &SessionGraph,
    key: &ResourceKey,
    since: i64,
    outsider: &dyn Fn(&Event) -> bool,
) -> Vec<AccessUse> {
    let mut by_key: HashMap<Sym, AccessUse> = HashMap::new();
    let mut no_key = Vec::new();
    for a in &store.assumptions {
        let i = a.event as usize;
        let Some(ev) = store.events.get(i) else {
            continue;
        };
        if ev.time < since || matches!(a.kind, AssumeKind::GetSessionToken | AssumeKind::GetFederationToken) {
            continue;
        }
        if !key.matches(store.s(a.role_arn), "") || !outsider(ev) {
            continue;
        }
        // Both accounts' copies of one cross-account assumption name the same new key: keep one.
        if a.new_access_key.is_some() && by_key.contains_key(&a.new_access_key) {
            continue;
        }
        let mut u = new_use(store, graph, i);
        u.assume_event_id = Some(store.event_id_string(ev));
        u.session_name = store.strings.opt(a.session_name).map(str::to_string);
        push_unique(&mut u.source_ips, store.s(ev.source_ip));
        push_unique(&mut u.user_agents, store.s(ev.user_agent));
        // The session's key, not the caller's: what the access was used for is signed with it.
        u.access_key_id = store.strings.opt(a.new_access_key).map(str::to_string);
        let session = u.access_key_id.as_deref().and_then(|k| graph.session_by_key(store, k));
        match session {
            Some(s) if !ev.failed() => {
                // The session's own origin: with the caller's account loaded too, the graph names the person.
                u.origin = Some(super::origin::session_origin_of(store, graph, s));
                for &e in &graph.session(s).events {
                    if let Some(call) = store.events.get(e as usize) {
                        count(store, &mut u, call);
                    }
                }
                by_key.insert(a.new_access_key, u);
            }
            _ => {
                // A denied or credential-less assumption: evidence of an attempt, no session to follow.
                u.failed_calls += ev.failed() as u64;
                no_key.push(u);
            }
        }
    }
    by_key.into_values().chain(no_key).collect()
}

/// Calls on the resource itself by outsiders, one entry per key (or principal).
fn resource_calls(
    store: &Store,
    graph: &SessionGraph,
    key: &ResourceKey,
    since: i64,
    outsider: &dyn Fn(&Event) -> bool,
) -> Vec<AccessUse> {
    let mut groups: HashMap<(Sym, Sym), AccessUse> = HashMap::new();
    for (i, ev) in store.events.iter().enumerate() {
        if ev.time < since || ev.resource.is_none() || !outsider(ev) {
            continue;
        }
        if !key.matches(store.s(ev.resource), store.s(ev.recipient_account)) {
            continue;
        }
        let id = store.identity(ev);
        let u = groups
            .entry((id.access_key_id, id.principal_id))
            .or_insert_with(|| new_use(store, graph, i));
        count(store, u, ev);
    }
    groups.into_values().collect()
}

/// The last use the loaded logs show for an unused-access finding's role, key, password or permissions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LastUse {
    /// What was looked for (`role assumed`, `role session call`, `access key call`, `console sign-in`,
    /// `service s3`).
    pub what: String,
    /// CloudTrail `eventID` of the last use.
    pub event_id: String,
    /// The API called, e.g. `AssumeRole`.
    pub event_name: String,
    /// When, epoch seconds (RFC 3339 UTC in JSON).
    #[serde(serialize_with = "ser::time")]
    pub time: i64,
    /// The key that signed the call.
    pub access_key_id: Option<String>,
    /// The caller as the logs name it (ARN, else principal id).
    pub principal: Option<String>,
}

fn last_use_of(store: &Store, what: String, ev: Option<&Event>) -> Option<LastUse> {
    let ev = ev?;
    let id = store.identity(ev);
    Some(LastUse {
        what,
        event_id: store.event_id_string(ev),
        event_name: store.s(ev.event_name).to_string(),
        time: ev.time,
        access_key_id: store.strings.opt(id.access_key_id).map(str::to_string),
        principal: store.strings.opt(id.arn).map(str::to_string),
    })
}

fn latest(store: &Store, pred: impl Fn(&Event) -> bool) -> Option<&Event> {
    store
        .events
        .iter()
        .filter(|e| !e.failed() && pred(e))
        .max_by_key(|e| e.time)
}

/// For unused-access findings: the last successful use in the loaded logs (empty: none seen).
pub fn last_use(store: &Store, f: &Finding) -> Vec<LastUse> {
    let (Some(d), Some(key)) = (f.access.as_ref(), resource_key(f)) else {
        return Vec::new();
    };
    // Events signed by the resource principal: a role's sessions (issuer) or the user itself.
    let by_principal = |ev: &Event| {
        let id = store.identity(ev);
        if key.kind == "role" {
            key.matches(store.s(id.issuer_arn), "")
        } else {
            key.matches(store.s(id.arn), "")
        }
    };
    let mut out = Vec::new();
    match d.finding_type.as_str() {
        "UnusedIAMRole" => {
            let assumed = latest(store, |ev| {
                store
                    .assumption(ev)
                    .is_some_and(|a| key.matches(store.s(a.role_arn), ""))
            });
            out.extend(last_use_of(store, "role assumed".into(), assumed));
            out.extend(last_use_of(
                store,
                "role session call".into(),
                latest(store, by_principal),
            ));
        }
        "UnusedIAMUserAccessKey" => {
            if let Some(k) = d.access_key_id.as_deref().and_then(|k| store.strings.get(k)) {
                let ev = latest(store, |ev| store.identity(ev).access_key_id == k);
                out.extend(last_use_of(store, "access key call".into(), ev));
            }
        }
        "UnusedIAMUserPassword" => {
            let ev = latest(store, |ev| store.s(ev.event_name) == "ConsoleLogin" && by_principal(ev));
            out.extend(last_use_of(store, "console sign-in".into(), ev));
        }
        "UnusedPermission" => {
            for (ns, actions) in &d.unused_services {
                let prefix = format!("{ns}.");
                let ev = latest(store, |ev| {
                    by_principal(ev)
                        && store.s(ev.event_source).starts_with(&prefix)
                        && (actions.is_empty()
                            || actions
                                .iter()
                                .any(|a| a.rsplit(':').next() == Some(store.s(ev.event_name))))
                });
                out.extend(last_use_of(store, format!("service {ns}"), ev));
            }
        }
        _ => {}
    }
    out
}
