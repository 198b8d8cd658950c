//! Finding sessions from what an analyst has in hand: an access key, a principal id (`AROA…:sara`), a session
//! ARN, a role ARN or name, an event id. Hash indexes built once with the graph, so look-ups are O(1).

use super::{Caller, OriginId, SessionGraph, SessionId, Signer};
use crate::core::model::{Store, Sym};
use hashbrown::HashMap;

#[derive(Default)]
pub struct Index {
    by_key: HashMap<Sym, SessionId>,
    by_principal: HashMap<Sym, Vec<SessionId>>,
    by_arn: HashMap<Sym, Vec<SessionId>>,
    by_role: HashMap<Sym, Vec<SessionId>>,
    /// Role name (last path segment) → role ARNs.
    by_role_name: HashMap<String, Vec<Sym>>,
    /// Children of each session (edges it is the caller of).
    pub(super) session_children: Vec<Vec<u32>>,
}

impl Index {
    /// `by_key` is the builder's key → session map: a key belongs to the session it was issued to, never to a
    /// conflicting session that reused it.
    pub fn build(g: &SessionGraph, store: &Store, by_key: HashMap<Sym, SessionId>) -> Index {
        let mut ix = Index {
            by_key,
            session_children: vec![Vec::new(); g.sessions.len()],
            ..Default::default()
        };
        for (i, s) in g.sessions.iter().enumerate() {
            let i = i as SessionId;
            if s.principal_id.is_some() {
                ix.by_principal.entry(s.principal_id).or_default().push(i);
            }
            if s.arn.is_some() {
                ix.by_arn.entry(s.arn).or_default().push(i);
            }
            if s.role_arn.is_some() {
                let v = ix.by_role.entry(s.role_arn).or_default();
                if v.is_empty() {
                    let name = store.s(s.role_arn).rsplit('/').next().unwrap_or("").to_string();
                    ix.by_role_name.entry(name).or_default().push(s.role_arn);
                }
                v.push(i);
            }
        }
        for (e, edge) in g.edges.iter().enumerate() {
            if let Caller::Session(s) = edge.caller {
                ix.session_children[s as usize].push(e as u32);
            }
        }
        ix
    }
}

/// What a free-text look-up found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// Role sessions: one for an access key, every session of a role or role-session id, possibly several.
    Sessions(Vec<SessionId>),
    /// An origin principal (user, root, service, outside account).
    Origin(OriginId),
    /// An event and who signed it.
    Event(usize),
    /// Nothing loaded matches.
    Nothing,
}

impl SessionGraph {
    /// The session that temporary key `key` was issued to; `None` for long-term keys and unknown keys.
    pub fn session_by_key(&self, store: &Store, key: &str) -> Option<SessionId> {
        self.index.by_key.get(&store.strings.get(key)?).copied()
    }

    /// Sessions of a role, by full ARN or by role name (every account's role of that name).
    pub fn sessions_of_role(&self, store: &Store, role: &str) -> Vec<SessionId> {
        let mut out = Vec::new();
        for arn in self.role_arns(store, role) {
            out.extend(self.index.by_role.get(&arn).into_iter().flatten().copied());
        }
        out.sort_unstable_by_key(|&s| (self.sessions[s as usize].first_seen, s));
        out
    }

    /// Role ARNs matching an ARN or a name.
    pub fn role_arns(&self, store: &Store, role: &str) -> Vec<Sym> {
        if let Some(sym) = store.strings.get(role)
            && self.index.by_role.contains_key(&sym)
        {
            return vec![sym];
        }
        let name = role.rsplit('/').next().unwrap_or(role);
        self.index.by_role_name.get(name).cloned().unwrap_or_default()
    }

    /// The assumption edges session `s` is the caller of (sessions it started), as edge ids (indices into [`SessionGraph::edges`]).
    pub fn session_children(&self, s: SessionId) -> &[u32] {
        &self.index.session_children[s as usize]
    }

    /// Resolve what an analyst typed: access key, principal id, session or role ARN, Identity Center user id,
    /// event id.
    pub fn find(&self, store: &Store, what: &str) -> Found {
        let what = what.trim();
        if let Some(s) = self.session_by_key(store, what) {
            return Found::Sessions(vec![s]);
        }
        if let Some(sym) = store.strings.get(what) {
            for map in [&self.index.by_principal, &self.index.by_arn] {
                if let Some(v) = map.get(&sym) {
                    return Found::Sessions(v.clone());
                }
            }
            if let Some(o) = self
                .origins
                .iter()
                .position(|o| o.principal_id == sym || o.arn == sym || o.user_id == sym)
            {
                return Found::Origin(o as OriginId);
            }
        }
        if let Some(i) = store.find_event_id(what) {
            return Found::Event(i);
        }
        let roles = self.sessions_of_role(store, what);
        if !roles.is_empty() {
            return Found::Sessions(roles);
        }
        Found::Nothing
    }

    /// The session that signed an event, if a session did.
    pub fn session_of_event(&self, event: usize) -> Option<SessionId> {
        match self.signer.get(event)? {
            Signer::Session(s) => Some(*s),
            _ => None,
        }
    }
}
