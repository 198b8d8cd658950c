//! Queries over the session graph: trace a session (origin, chain, sessions it started, its calls in a scope) and a
//! role's profile (Detective's "resource interaction"). What they return is in `super::views`.

use super::views::{Call, ChainHop, ChainStop, MAX_CHAIN_DEPTH, OriginView, RoleProfile, RoleUse, SessionView, Trace};
use super::{Caller, EdgeId, Link, OriginId, OriginKind, SessionGraph, SessionId, SessionKind};
use crate::core::model::{Mfa, Store, Sym};
use crate::core::time::{Scope, rfc3339};
use std::collections::BTreeMap;

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
