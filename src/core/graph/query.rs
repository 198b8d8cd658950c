//! Queries over the session graph, shaped for the CLI's JSON and the TUI's views: trace a session (origin, chain,
//! sessions it started, its calls in a scope) and a role's profile (Detective's "resource interaction").

use super::{
    Caller, EdgeId, IdentityCenterView, Link, OriginId, OriginKind, RootView, SessionGraph, SessionId, SessionKind,
    TagIssueView, TagView,
};
use crate::core::model::{Mfa, Store, Sym};
use crate::core::time::{Scope, rfc3339};
use serde::Serialize;
use std::collections::BTreeMap;

/// Deepest chain followed; real chains are a handful of hops, corrupt data must not loop or blow the stack.
pub const MAX_CHAIN_DEPTH: usize = 256;

/// Why a chain walk stopped before reaching an origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainStop {
    /// A session reappeared: the records form a cycle (corrupt, spliced or replayed logs).
    Loop,
    /// More than [`MAX_CHAIN_DEPTH`] hops.
    TooDeep,
}

/// A role session as the CLI and TUI show it: names resolved, times in RFC 3339.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct SessionView {
    /// The session's temporary key.
    pub access_key_id: Option<String>,
    /// `AROA…:session`, or the federated user id.
    pub principal_id: Option<String>,
    /// Detective's role session id `roleId:sessionName` (not unique over time).
    pub role_session_id: Option<String>,
    /// The role assumed.
    pub role_arn: Option<String>,
    /// The account the credentials belong to.
    pub account: Option<String>,
    /// The session name the caller chose.
    pub session_name: Option<String>,
    /// `arn:aws:sts::…:assumed-role/Role/session`.
    pub arn: Option<String>,
    /// What kind of temporary credentials it holds.
    pub kind: SessionKind,
    /// First time the session was observed (creation or any call), RFC 3339 UTC.
    pub first_seen: String,
    /// Last time the session was observed, RFC 3339 UTC.
    pub last_seen: String,
    /// Whether it was created with MFA; `None` when the logs do not say.
    pub mfa: Option<bool>,
    /// The session's `sourceIdentity`, if one was set.
    pub source_identity: Option<String>,
    /// How this session's calls were tied to its assumption; `None` when the assumption is not in the logs.
    pub link: Option<Link>,
    /// How many calls the session signed in all loaded data (not only in scope).
    pub calls_total: u64,
    /// Its effective session tags, each with its source (absent when it has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagView>,
    /// Permission set and Identity Center user (absent for other sessions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_center: Option<IdentityCenterView>,
    /// The root task of an `AssumeRoot` session (absent for other sessions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<RootView>,
    /// What an elevated-access broker's context says about it (README "Elevated-access brokers"); absent without
    /// broker context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker: Option<crate::core::broker::view::BrokerView>,
}

/// The origin of a chain as the CLI and TUI show it: names resolved.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct OriginView {
    /// What kind of principal it is.
    pub kind: OriginKind,
    /// Display name: user name, service host, account id, or what is known.
    pub name: Option<String>,
    /// The principal's ARN, when the logs give one.
    pub arn: Option<String>,
    /// The account the principal belongs to.
    pub account: Option<String>,
    /// The principal id.
    pub principal_id: Option<String>,
    /// For services: the instance / function / task the service acted for.
    pub acting_for: Option<String>,
    /// Identity provider (SAML provider ARN, OIDC issuer), when known.
    pub provider: Option<String>,
    /// False for outside accounts whose own logs are not loaded (only "account X, principal Y" is known).
    pub logs_loaded: bool,
    /// One honest sentence for people: what is known and what is not.
    pub description: String,
    /// Identity Center user id (`onBehalfOf.userId`), when the records give one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The identity store of `user_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_store_arn: Option<String>,
    /// Identity Center portal sessions (`credentialId`) seen in the origin's own records.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub portal_sessions: Vec<String>,
}

/// One assumption hop in a chain (outermost first), or one session started by the traced session.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ChainHop {
    /// The role assumed at this hop.
    pub role_arn: Option<String>,
    /// The account the new credentials belong to.
    pub account: Option<String>,
    /// The session name chosen at this hop.
    pub session_name: Option<String>,
    /// The key the assumption returned (the hop's session).
    pub access_key_id: Option<String>,
    /// When the assumption happened; `None` when the session was created outside the loaded logs.
    pub assumed_at: Option<String>,
    /// CloudTrail `eventID` of the assumption event.
    pub event_id: Option<String>,
    /// How the session's calls were tied to the assumption; `None` when nothing ties them.
    pub link: Option<Link>,
    /// The session's `sourceIdentity`, if one was set.
    pub source_identity: Option<String>,
    /// The caller had a source identity and this session's is missing or different.
    pub source_identity_break: bool,
    /// Both accounts' copies of this cross-account assumption are loaded.
    pub cross_account_copies: bool,
    /// Tag issues on this hop (transitive tag changed or dropped, retagging, a value new for the role).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag_issues: Vec<TagIssueView>,
    /// Trusted identity propagation: the context provider the assumption named (`providedContexts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provided_context: Option<String>,
    /// For an `AssumeRoot` hop: the root task it was scoped to (`S3UnlockBucketPolicy`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_task: Option<String>,
    /// For children: depth below the traced session (1 = started by it) and the key that started it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
    /// For children: the key of the session that started this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_access_key_id: Option<String>,
    /// Set when an elevated-access broker granted this hop: how it was tied to the broker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker_link: Option<crate::core::broker::BrokerLink>,
    /// The hop's session in the graph (not serialised).
    #[serde(skip)]
    pub session: SessionId,
}

/// How often one API was called in scope, split by outcome.
#[derive(Serialize, Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The service host, e.g. `s3.amazonaws.com`.
    pub event_source: String,
    /// The API name, e.g. `ListBuckets`.
    pub event_name: String,
    /// Calls without an error code.
    pub success: u64,
    /// Calls with an error code.
    pub failure: u64,
}

/// Everything `trailhound trace` says about one session.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Trace {
    /// The traced session.
    pub session: SessionView,
    /// Where its chain starts.
    pub origin: OriginView,
    /// The assumptions from the origin down to the traced session, outermost first.
    pub chain: Vec<ChainHop>,
    /// Sessions the traced session started, directly or further down, depth first.
    pub children: Vec<ChainHop>,
    /// The session's calls in scope, by service and API.
    pub calls: Vec<Call>,
    /// Warnings worth an analyst's eye (source identity dropped, weak links, cycles).
    pub flags: Vec<String>,
    /// The broker grant that decides the origin (the nearest broker-granted hop at or above the session); absent
    /// without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker: Option<crate::core::broker::view::BrokerView>,
}

/// Something that assumed a role, or a role that was assumed (Detective's resource interaction rows).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RoleUse {
    /// `role`, or an origin kind (`iam-user`, `aws-service`, `aws-account`, …).
    pub kind: String,
    /// Display name of the role or origin.
    pub name: Option<String>,
    /// Its ARN, when known.
    pub arn: Option<String>,
    /// Its account.
    pub account: Option<String>,
    /// First assumption in scope, RFC 3339 UTC.
    pub first: String,
    /// Last assumption in scope, RFC 3339 UTC.
    pub last: String,
    /// How many assumptions there were in scope.
    pub count: u64,
}

/// Detective's role profile ("resource interaction"): who assumed the role, what its sessions assumed, and the sessions.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RoleProfile {
    /// The role ARNs the profile covers (one role, or every role of that name across accounts).
    pub role_arns: Vec<String>,
    /// Who assumed the role: sessions' roles and origins.
    pub assumed_by: Vec<RoleUse>,
    /// Roles that the role's sessions went on to assume.
    pub assumed_roles: Vec<RoleUse>,
    /// Every session of the role.
    pub sessions: Vec<SessionView>,
    /// The role as an elevated-access broker manages it (its requests); absent when no broker manages it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker: Option<crate::core::broker::view::RoleBrokerView>,
}

fn opt(store: &Store, s: Sym) -> Option<String> {
    store.strings.opt(s).map(str::to_string)
}

impl SessionGraph {
    /// Session `s` with names resolved through `store`.
    pub fn session_view(&self, store: &Store, s: SessionId) -> SessionView {
        let x = self.session(s);
        SessionView {
            access_key_id: opt(store, x.access_key),
            principal_id: opt(store, x.principal_id),
            role_session_id: (x.kind == SessionKind::Role)
                .then(|| opt(store, x.principal_id))
                .flatten(),
            role_arn: opt(store, x.role_arn),
            account: opt(store, x.account),
            session_name: opt(store, x.session_name),
            arn: opt(store, x.arn),
            kind: x.kind,
            first_seen: rfc3339(x.first_seen),
            last_seen: rfc3339(x.last_seen),
            mfa: match x.mfa {
                Mfa::Yes => Some(true),
                Mfa::No => Some(false),
                Mfa::Unknown => None,
            },
            source_identity: opt(store, x.source_identity),
            link: x.created_by.and(x.event_link),
            calls_total: x.events.len() as u64,
            tags: self.tag_views(store, s),
            identity_center: self.identity_center_view(store, s),
            root: self.root_view(store, s),
            broker: None,
        }
    }

    /// The one-line description of origin `o` ([`OriginView::description`]), without the view's lists (an
    /// Identity Center user's portal sessions take a pass over its events).
    pub fn origin_description(&self, store: &Store, o: OriginId) -> String {
        let x = self.origin(o);
        let name = opt(store, x.name);
        let acct = opt(store, x.account);
        match x.kind {
            OriginKind::AwsAccount if !x.logs_loaded => format!(
                "caller in account {} (principal {}), logs not loaded",
                acct.as_deref().unwrap_or("?"),
                store.strings.opt(x.principal_id).unwrap_or("unknown")
            ),
            OriginKind::AwsAccount => format!(
                "caller in account {} (principal {}); its copy of the call was not found",
                acct.as_deref().unwrap_or("?"),
                store.strings.opt(x.principal_id).unwrap_or("unknown")
            ),
            OriginKind::AwsService => format!(
                "AWS service {} acting for {}",
                name.as_deref().unwrap_or("?"),
                store.strings.opt(x.acting_for).unwrap_or("an unnamed resource")
            ),
            OriginKind::Unknown => "unknown: the assumption record names no caller".to_string(),
            OriginKind::IdentityCenterUser if x.user_id.is_some() => format!(
                "identity-center-user {} (user id {})",
                name.as_deref().unwrap_or("(unnamed)"),
                store.s(x.user_id)
            ),
            k => format!("{k} {}", name.as_deref().unwrap_or("(unnamed)")),
        }
    }

    /// Origin `o` with names resolved through `store` and a plain sentence saying what is and is not known.
    pub fn origin_view(&self, store: &Store, o: OriginId) -> OriginView {
        let x = self.origin(o);
        let name = opt(store, x.name);
        let acct = opt(store, x.account);
        let description = self.origin_description(store, o);
        let mut portal_sessions: Vec<String> = Vec::new();
        if x.kind == OriginKind::IdentityCenterUser {
            for &i in &self.origin_events[o as usize] {
                let c = store.identity(&store.events[i as usize]).credential_id;
                if let Some(c) = store.strings.opt(c)
                    && !portal_sessions.iter().any(|p| p == c)
                {
                    portal_sessions.push(c.to_string());
                }
            }
        }
        OriginView {
            kind: x.kind,
            name,
            arn: opt(store, x.arn),
            account: acct,
            principal_id: opt(store, x.principal_id),
            acting_for: opt(store, x.acting_for),
            provider: opt(store, x.provider),
            logs_loaded: x.logs_loaded,
            description,
            user_id: opt(store, x.user_id),
            identity_store_arn: opt(store, x.identity_store),
            portal_sessions,
        }
    }

    /// The unknown origin of a session whose creation is outside the loaded logs.
    fn unknown_origin(&self, store: &Store, s: SessionId) -> OriginView {
        let x = self.session(s);
        OriginView {
            kind: OriginKind::Unknown,
            name: None,
            arn: None,
            account: opt(store, x.account),
            principal_id: None,
            acting_for: None,
            provider: None,
            logs_loaded: false,
            user_id: None,
            identity_store_arn: None,
            portal_sessions: Vec::new(),
            description: self.unknown_description(store, s),
        }
    }

    /// The description of the unknown origin above session `s`, created outside the loaded logs.
    fn unknown_description(&self, store: &Store, s: SessionId) -> String {
        let x = self.session(s);
        format!(
            "unknown: session {} was created outside the loaded logs (no assumption returned its key)",
            store
                .strings
                .opt(x.access_key)
                .or(store.strings.opt(x.principal_id))
                .unwrap_or("?")
        )
    }

    /// Sessions from the outermost known one down to `s`, what is above the outermost, and why the walk stopped
    /// early if it did.
    pub fn chain_of(&self, s: SessionId) -> (Vec<SessionId>, Option<OriginId>, Option<ChainStop>) {
        let mut path = vec![s];
        let mut cur = s;
        let stop = loop {
            let Some(e) = self.session(cur).created_by else {
                break (None, None);
            };
            match self.edge(e).caller {
                Caller::Origin(o) => break (Some(o), None),
                Caller::Session(p) if path.contains(&p) => break (None, Some(ChainStop::Loop)),
                Caller::Session(_) if path.len() >= MAX_CHAIN_DEPTH => break (None, Some(ChainStop::TooDeep)),
                Caller::Session(p) => {
                    path.push(p);
                    cur = p;
                }
            }
        };
        path.reverse();
        (path, stop.0, stop.1)
    }

    /// Who really is behind a session: the origin at the top of its chain.
    pub fn origin_of(&self, store: &Store, s: SessionId) -> OriginView {
        let (path, origin, _) = self.chain_of(s);
        match origin {
            Some(o) => self.origin_view(store, o),
            None => self.unknown_origin(store, path[0]),
        }
    }

    /// [`SessionGraph::origin_of`]'s description alone, and what it depends on: the origin, or the outermost known
    /// session when the chain leaves the loaded logs. Sessions with the same top share the description, so a caller
    /// naming many sessions can describe each top once.
    pub fn origin_top(&self, s: SessionId) -> Result<OriginId, SessionId> {
        let (path, origin, _) = self.chain_of(s);
        origin.ok_or(path[0])
    }

    /// The description of a chain's top ([`SessionGraph::origin_top`]).
    pub fn top_description(&self, store: &Store, top: Result<OriginId, SessionId>) -> String {
        match top {
            Ok(o) => self.origin_description(store, o),
            Err(s) => self.unknown_description(store, s),
        }
    }

    fn hop(&self, store: &Store, s: SessionId, edge: Option<EdgeId>) -> ChainHop {
        let x = self.session(s);
        let e = edge.map(|e| self.edge(e));
        ChainHop {
            role_arn: opt(store, x.role_arn),
            account: opt(store, x.account),
            session_name: opt(store, x.session_name),
            access_key_id: opt(store, x.access_key),
            assumed_at: e.map(|e| rfc3339(e.time)),
            event_id: e
                .map(|e| store.event_id_string(&store.events[e.event as usize]))
                .filter(|s| !s.is_empty()),
            link: e.and_then(|e| e.link),
            source_identity: opt(store, x.source_identity),
            source_identity_break: e.is_some_and(|e| e.source_identity_break),
            cross_account_copies: e.is_some_and(|e| e.other_copy.is_some()),
            tag_issues: self.tag_issue_views(store, s),
            provided_context: e
                .and_then(|e| store.assumption(&store.events[e.event as usize]))
                .and_then(|a| opt(store, a.context.context_provider)),
            root_task: self
                .root_view(store, s)
                .map(|r| r.task.unwrap_or_else(|| "(no task policy logged)".into())),
            depth: None,
            parent_access_key_id: None,
            broker_link: None,
            session: s,
        }
    }

    /// Every session started by `s`, depth first, with depth and the parent's key.
    pub fn descendants(&self, store: &Store, s: SessionId) -> Vec<ChainHop> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::from([s]);
        let mut stack: Vec<(EdgeId, u32)> = self.session_children(s).iter().rev().map(|&e| (e, 1)).collect();
        while let Some((e, depth)) = stack.pop() {
            let edge = self.edge(e);
            if !seen.insert(edge.session) || depth as usize > MAX_CHAIN_DEPTH {
                continue;
            }
            let mut hop = self.hop(store, edge.session, Some(e));
            hop.depth = Some(depth);
            if let Caller::Session(p) = edge.caller {
                hop.parent_access_key_id = opt(store, self.session(p).access_key);
            }
            out.push(hop);
            stack.extend(
                self.session_children(edge.session)
                    .iter()
                    .rev()
                    .map(|&c| (c, depth + 1)),
            );
        }
        out
    }

    /// Calls a session made in `scope`, grouped by service and API, with success and failure counts.
    pub fn calls(&self, store: &Store, s: SessionId, scope: Scope) -> Vec<Call> {
        let evs = &self.session(s).events;
        let lo = evs.partition_point(|&i| store.events[i as usize].time < scope.from);
        let hi = evs.partition_point(|&i| store.events[i as usize].time < scope.to);
        let mut m: BTreeMap<(Sym, Sym), (u64, u64)> = BTreeMap::new();
        for &i in &evs[lo..hi.max(lo)] {
            let e = &store.events[i as usize];
            let c = m.entry((e.event_source, e.event_name)).or_default();
            if e.failed() {
                c.1 += 1;
            } else {
                c.0 += 1;
            }
        }
        let mut out: Vec<Call> = m
            .into_iter()
            .map(|((src, name), (ok, bad))| Call {
                event_source: store.s(src).to_string(),
                event_name: store.s(name).to_string(),
                success: ok,
                failure: bad,
            })
            .collect();
        out.sort_by(|a, b| (a.event_source.as_str(), a.event_name.as_str()).cmp(&(&b.event_source, &b.event_name)));
        out
    }

    /// Trace session `s`: its origin, its chain, the sessions it started and its calls within `scope`.
    pub fn trace(&self, store: &Store, s: SessionId, scope: Scope) -> Trace {
        let (path, origin, stop) = self.chain_of(s);
        let chain: Vec<ChainHop> = path
            .iter()
            .map(|&p| self.hop(store, p, self.session(p).created_by))
            .collect();
        let mut flags = Vec::new();
        match stop {
            Some(ChainStop::Loop) => {
                flags.push("the chain loops back on itself (corrupt or replayed records); stopped at the repeat".into())
            }
            Some(ChainStop::TooDeep) => flags.push(format!(
                "the chain is deeper than {MAX_CHAIN_DEPTH} hops; shown up to that depth"
            )),
            None => {}
        }
        for h in &chain {
            if h.source_identity_break {
                flags.push(format!(
                    "source identity dropped or changed at {}",
                    h.access_key_id.as_deref().unwrap_or("a session without key")
                ));
            }
            if h.link == Some(Link::NameTime) {
                flags.push(format!(
                    "weak link (role + session name + time only) at {}",
                    h.session_name.as_deref().unwrap_or("?")
                ));
            }
        }
        self.context_flags(store, &path, &mut flags);
        Trace {
            session: self.session_view(store, s),
            origin: match origin {
                Some(o) => self.origin_view(store, o),
                None => self.unknown_origin(store, path[0]),
            },
            chain,
            children: self.descendants(store, s),
            calls: self.calls(store, s, scope),
            flags,
            broker: None,
        }
    }

    /// Detective's resource interaction for a role (by ARN or name) within `scope`.
    pub fn role_profile(&self, store: &Store, role: &str, scope: Scope) -> RoleProfile {
        let arns = self.role_arns(store, role);
        let sessions = self.sessions_of_role(store, role);
        let mut by: BTreeMap<(String, String), RoleUse> = BTreeMap::new();
        let mut assumed: BTreeMap<(String, String), RoleUse> = BTreeMap::new();
        let add = |m: &mut BTreeMap<(String, String), RoleUse>, u: RoleUse, t: i64| {
            let key = (u.kind.clone(), u.arn.clone().or(u.name.clone()).unwrap_or_default());
            let e = m.entry(key).or_insert(RoleUse {
                count: 0,
                first: rfc3339(t),
                last: rfc3339(t),
                ..u
            });
            e.count += 1;
            let ts = rfc3339(t);
            if ts < e.first {
                e.first = ts.clone();
            }
            if ts > e.last {
                e.last = ts;
            }
        };
        for &s in &sessions {
            let x = self.session(s);
            if let Some(e) = x.created_by.map(|e| self.edge(e))
                && scope.contains(e.time)
            {
                let u = match e.caller {
                    Caller::Session(p) => {
                        let p = self.session(p);
                        RoleUse {
                            kind: "role".into(),
                            name: store
                                .strings
                                .opt(p.role_arn)
                                .map(|a| a.rsplit('/').next().unwrap_or(a).to_string()),
                            arn: opt(store, p.role_arn),
                            account: opt(store, p.account),
                            first: String::new(),
                            last: String::new(),
                            count: 0,
                        }
                    }
                    Caller::Origin(o) => {
                        let v = self.origin_view(store, o);
                        RoleUse {
                            kind: v.kind.to_string(),
                            name: v.name.or(v.principal_id),
                            arn: v.arn,
                            account: v.account,
                            first: String::new(),
                            last: String::new(),
                            count: 0,
                        }
                    }
                };
                add(&mut by, u, e.time);
            }
            for &c in self.session_children(s) {
                let e = self.edge(c);
                if !scope.contains(e.time) {
                    continue;
                }
                let child = self.session(e.session);
                let u = RoleUse {
                    kind: "role".into(),
                    name: store
                        .strings
                        .opt(child.role_arn)
                        .map(|a| a.rsplit('/').next().unwrap_or(a).to_string()),
                    arn: opt(store, child.role_arn),
                    account: opt(store, child.account),
                    first: String::new(),
                    last: String::new(),
                    count: 0,
                };
                add(&mut assumed, u, e.time);
            }
        }
        RoleProfile {
            role_arns: arns.iter().map(|&a| store.s(a).to_string()).collect(),
            assumed_by: by.into_values().collect(),
            assumed_roles: assumed.into_values().collect(),
            sessions: sessions
                .iter()
                .filter(|&&s| {
                    let x = self.session(s);
                    x.first_seen < scope.to && x.last_seen >= scope.from
                })
                .map(|&s| self.session_view(store, s))
                .collect(),
            broker: None,
        }
    }
}
