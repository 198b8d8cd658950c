//! Building the [`SessionGraph`] from a [`Store`] in two passes.
//!
//! 1. Assumptions, in time order: each successful credential-issuing STS call creates one session and one edge
//!    from its caller. The two account copies of a cross-account call (same `sharedEventID`) make one edge, and the
//!    caller's copy (which names the real caller) wins over the role owner's `AWSAccount` copy.
//! 2. Events: each distinct identity is resolved once — by exact access key, else by principal id + creation
//!    time against assumptions whose response held no key, else by role + session name + time; an identity that
//!    matches none (or more than one) candidate becomes an *observed* session whose creation is outside the logs.

mod attach;

use super::origin::origin_of_identity;
use super::{
    Caller, Edge, EdgeId, Link, Node, Origin, OriginId, Rel, Session, SessionGraph, SessionId, SessionIdentity,
    SessionKind, Signer,
};
use crate::core::access_key::AccessKeyKind;
use crate::core::model::{AssumeKind, Assumption, Event, IdentityType, Mfa, Store, Sym};
use hashbrown::{HashMap, HashSet};
use petgraph::graph::{DiGraph, NodeIndex};

/// Seconds between an assumption's eventTime and its session's `creationDate` accepted as "the same moment".
/// CloudTrail writes both from the same issuance; they differ by clock rounding only.
pub const CREATION_SLACK_SECS: i64 = 5;

struct Builder<'s> {
    store: &'s Store,
    loaded_accounts: HashSet<Sym>,
    g: SessionGraph,
    origin_map: HashMap<Origin, OriginId>,
    key_to_session: HashMap<Sym, SessionId>,
    shared_to_edge: HashMap<Sym, EdgeId>,
    /// Sessions whose assumption returned no key, by assumed-role id and by (role, session name).
    pending_by_principal: HashMap<Sym, Vec<SessionId>>,
    pending_by_name: HashMap<(Sym, Sym), Vec<SessionId>>,
    /// Keyless identities resolved to an observed session: (principal id, creation date).
    keyless: HashMap<(Sym, i64), SessionId>,
    /// Sessions created by loaded assumptions, by their assumed-role id.
    by_principal_created: HashMap<Sym, Vec<SessionId>>,
    /// A key already issued to a session of another role: (key, role) → the separate observed session.
    conflicts: HashMap<(Sym, Sym), SessionId>,
    identity_map: HashMap<(Sym, Sym), u32>,
    role_nodes: HashMap<Sym, NodeIndex>,
    key_nodes: HashMap<Sym, NodeIndex>,
    origin_nodes: Vec<NodeIndex>,
}

pub fn build(store: &Store) -> SessionGraph {
    let loaded_accounts = store.events.iter().map(|e| e.recipient_account).collect();
    let mut b = Builder {
        store,
        loaded_accounts,
        g: SessionGraph {
            origins: Vec::new(),
            sessions: Vec::new(),
            edges: Vec::new(),
            identities: Vec::new(),
            signer: vec![Signer::None; store.events.len()],
            origin_events: Vec::new(),
            failed_assumptions: Vec::new(),
            graph: DiGraph::new(),
            tags: Default::default(),
            on_behalf: Default::default(),
            index: Default::default(),
        },
        origin_map: HashMap::new(),
        key_to_session: HashMap::new(),
        shared_to_edge: HashMap::new(),
        pending_by_principal: HashMap::new(),
        pending_by_name: HashMap::new(),
        keyless: HashMap::new(),
        by_principal_created: HashMap::new(),
        conflicts: HashMap::new(),
        identity_map: HashMap::new(),
        role_nodes: HashMap::new(),
        key_nodes: HashMap::new(),
        origin_nodes: Vec::new(),
    };
    let mut order: Vec<&Assumption> = store.assumptions.iter().collect();
    order.sort_by_key(|a| a.event);
    for a in order {
        b.assumption(a);
    }
    b.attach_events();
    b.finish()
}

impl<'s> Builder<'s> {
    fn origin(&mut self, o: Origin) -> OriginId {
        let key = origin_key(&o);
        if let Some(&id) = self.origin_map.get(&key) {
            // The same person seen through another record form: keep what the richer records add.
            let known = &mut self.g.origins[id as usize];
            for (field, value) in [
                (&mut known.arn, o.arn),
                (&mut known.principal_id, o.principal_id),
                (&mut known.provider, o.provider),
                (&mut known.account, o.account),
                (&mut known.name, o.name),
                (&mut known.identity_store, o.identity_store),
            ] {
                if field.is_none() {
                    *field = value;
                }
            }
            return id;
        }
        let id = self.g.origins.len() as OriginId;
        self.origin_map.insert(key, id);
        self.g.origins.push(o);
        self.g.origin_events.push(Vec::new());
        self.origin_nodes.push(self.g.graph.add_node(super::Node::Origin(id)));
        id
    }

    fn role_node(&mut self, role: Sym) -> NodeIndex {
        *self
            .role_nodes
            .entry(role)
            .or_insert_with(|| self.g.graph.add_node(Node::Role(role)))
    }

    fn identity_of(&mut self, role: Sym, name: Sym) -> u32 {
        let next = self.g.identities.len() as u32;
        *self.identity_map.entry((role, name)).or_insert_with(|| {
            self.g.identities.push(SessionIdentity {
                role_arn: role,
                session_name: name,
                sessions: Vec::new(),
            });
            next
        })
    }

    /// Add a session; `index_key` registers its key for exact linking (false for a conflicting reused key).
    fn new_session_keyed(&mut self, mut s: Session, index_key: bool) -> SessionId {
        let id = self.g.sessions.len() as SessionId;
        s.identity = self.identity_of(if s.role_arn.is_some() { s.role_arn } else { s.arn }, s.session_name);
        self.g.identities[s.identity as usize].sessions.push(id);
        s.node = self.g.graph.add_node(Node::Session(id));
        if s.role_arn.is_some() {
            let r = self.role_node(s.role_arn);
            self.g.graph.add_edge(s.node, r, Rel::SessionOf);
        }
        if index_key && s.access_key.is_some() {
            self.key_to_session.insert(s.access_key, id);
        }
        self.g.sessions.push(s);
        id
    }

    fn new_session(&mut self, s: Session) -> SessionId {
        self.new_session_keyed(s, true)
    }

    /// Who called: a session (temporary credentials, resolved by key or observed) or an origin.
    fn caller(&mut self, ev: &Event, a: Option<&Assumption>) -> Option<Caller> {
        let id = self.store.identity(ev);
        // An IAM user's temporary key from GetSessionToken: its calls say "IAMUser" but belong to that session.
        if matches!(id.kind, IdentityType::IamUser | IdentityType::Root)
            && id.access_key_id.is_some()
            && let Some(&s) = self.key_to_session.get(&id.access_key_id)
        {
            return Some(Caller::Session(s));
        }
        if let Some(o) = origin_of_identity(self.store, &self.loaded_accounts, id, ev, a) {
            let oid = self.origin(o);
            if id.kind == IdentityType::IamUser && id.access_key_id.is_some() {
                self.owns_key(oid, id.access_key_id);
            }
            return Some(Caller::Origin(oid));
        }
        match id.kind {
            IdentityType::AssumedRole | IdentityType::FederatedUser => {
                Some(Caller::Session(self.session_for_identity(id)))
            }
            _ => None,
        }
    }

    fn owns_key(&mut self, origin: OriginId, key: Sym) {
        // Only long-term keys are nodes of their own; an IAM user's temporary keys are sessions.
        if AccessKeyKind::of(self.store.s(key)) != AccessKeyKind::LongTerm || self.key_nodes.contains_key(&key) {
            return;
        }
        let n = self.g.graph.add_node(Node::AccessKey(key));
        self.key_nodes.insert(key, n);
        self.g
            .graph
            .add_edge(self.origin_nodes[origin as usize], n, Rel::OwnsKey);
    }

    fn assumption(&mut self, a: &Assumption) {
        let store = self.store;
        let ev = &store.events[a.event as usize];
        if ev.failed() {
            self.g.failed_assumptions.push(a.event);
            return;
        }
        // The other account's copy of a cross-account call already made the edge.
        if ev.shared_event_id.is_some()
            && let Some(&e) = self.shared_to_edge.get(&ev.shared_event_id)
        {
            return self.second_copy(e, a);
        }
        if a.new_access_key.is_some()
            && let Some(&s) = self.key_to_session.get(&a.new_access_key)
            && let Some(e) = self.g.sessions[s as usize].created_by
        {
            // Same key issued twice: two copies of one call that lack a sharedEventID.
            return self.second_copy(e, a);
        }
        // No identity at all (a redacted record): the session exists, its creator is unknown.
        let caller = match self.caller(ev, Some(a)) {
            Some(c) => c,
            None => Caller::Origin(self.origin(Origin {
                kind: super::OriginKind::Unknown,
                name: Sym::NONE,
                arn: Sym::NONE,
                account: ev.recipient_account,
                principal_id: Sym::NONE,
                acting_for: Sym::NONE,
                provider: Sym::NONE,
                user_id: Sym::NONE,
                identity_store: Sym::NONE,
                logs_loaded: true,
            })),
        };
        let (kind, role_arn, session_name, principal_id, arn) = self.session_fields(a, ev);
        // An AssumeRoot session belongs to its target member account, not the caller's.
        let owner = match a.kind {
            AssumeKind::AssumeRoot => super::root::target_account(store.s(a.context.target_principal)),
            _ => super::origin::arn_account(store.s(role_arn)),
        };
        let account = match owner {
            Some(acct) => store.strings.get(acct).unwrap_or(ev.recipient_account),
            None => ev.recipient_account,
        };
        let edge_id = self.g.edges.len() as EdgeId;
        // A key already seen signing an earlier assumption (logged before this one: clock skew between accounts, or
        // spliced logs) is this session: adopt it rather than split one session in two.
        let observed = (a.new_access_key.is_some())
            .then(|| self.key_to_session.get(&a.new_access_key).copied())
            .flatten();
        let sid = if let Some(sid) = observed {
            let sess = &mut self.g.sessions[sid as usize];
            sess.kind = kind;
            sess.created_by = Some(edge_id);
            sess.first_seen = sess.first_seen.min(ev.time);
            sess.last_seen = sess.last_seen.max(ev.time);
            sess.event_link = Some(Link::AccessKey);
            for (field, value) in [
                (&mut sess.role_arn, role_arn),
                (&mut sess.session_name, session_name),
                (&mut sess.principal_id, principal_id),
                (&mut sess.arn, arn),
                (&mut sess.source_identity, a.source_identity),
            ] {
                if field.is_none() {
                    *field = value;
                }
            }
            sid
        } else {
            self.new_session(Session {
                kind,
                access_key: a.new_access_key,
                role_arn,
                account,
                session_name,
                principal_id,
                arn,
                source_identity: a.source_identity,
                mfa: Mfa::Unknown,
                created_by: Some(edge_id),
                events: Vec::new(),
                first_seen: ev.time,
                last_seen: ev.time,
                identity: 0,
                event_link: a.new_access_key.is_some().then_some(Link::AccessKey),
                node: NodeIndex::new(0),
            })
        };
        if a.assumed_role_id.is_some() {
            self.by_principal_created
                .entry(a.assumed_role_id)
                .or_default()
                .push(sid);
        }
        if a.new_access_key.is_none() {
            self.pending_by_principal
                .entry(a.assumed_role_id)
                .or_default()
                .push(sid);
            self.pending_by_name
                .entry((role_arn, session_name))
                .or_default()
                .push(sid);
        }
        self.g.edges.push(Edge {
            caller,
            session: sid,
            event: a.event,
            other_copy: None,
            time: ev.time,
            link: a.new_access_key.is_some().then_some(Link::AccessKey),
            source_identity_break: false,
        });
        if ev.shared_event_id.is_some() {
            self.shared_to_edge.insert(ev.shared_event_id, edge_id);
        }
        let from = self.caller_node(caller);
        let to = self.g.sessions[sid as usize].node;
        self.g.graph.add_edge(from, to, Rel::Assumed(edge_id));
    }

    fn caller_node(&self, c: Caller) -> NodeIndex {
        match c {
            Caller::Session(s) => self.g.sessions[s as usize].node,
            Caller::Origin(o) => self.origin_nodes[o as usize],
        }
    }

    /// (kind, role, session name, principal id, arn) of the session an assumption creates.
    fn session_fields(&self, a: &Assumption, ev: &Event) -> (SessionKind, Sym, Sym, Sym, Sym) {
        let id = self.store.identity(ev);
        match a.kind {
            AssumeKind::GetFederationToken => (
                SessionKind::Federated,
                Sym::NONE,
                a.session_name,
                a.assumed_role_id,
                a.assumed_role_arn,
            ),
            AssumeKind::GetSessionToken => (SessionKind::SessionToken, Sym::NONE, Sym::NONE, id.principal_id, id.arn),
            // No role and no assumed-role user: the member account's calls name the principal (`…:root`).
            AssumeKind::AssumeRoot => (SessionKind::Root, Sym::NONE, Sym::NONE, Sym::NONE, Sym::NONE),
            _ => (
                SessionKind::Role,
                a.role_arn,
                a.session_name,
                a.assumed_role_id,
                a.assumed_role_arn,
            ),
        }
    }

    /// The other account's copy of an assumption that already has its edge.
    fn second_copy(&mut self, e: EdgeId, a: &Assumption) {
        let store = self.store;
        let ev = &store.events[a.event as usize];
        let edge = &self.g.edges[e as usize];
        let kept_is_owner_copy = store.identity(&store.events[edge.event as usize]).kind == IdentityType::AwsAccount;
        let this_is_owner_copy = store.identity(ev).kind == IdentityType::AwsAccount;
        if kept_is_owner_copy
            && !this_is_owner_copy
            && let Some(caller) = self.caller(ev, Some(a))
        {
            // The caller's own copy names the real caller: it replaces "account X, principal Y".
            let edge = &mut self.g.edges[e as usize];
            edge.other_copy = Some(edge.event);
            edge.event = a.event;
            edge.caller = caller;
            let to = self.g.sessions[edge.session as usize].node;
            if let Some(old) = self
                .g
                .graph
                .edges_directed(to, petgraph::Direction::Incoming)
                .find_map(|er| {
                    matches!(er.weight(), Rel::Assumed(x) if *x == e).then(|| petgraph::visit::EdgeRef::id(&er))
                })
            {
                self.g.graph.remove_edge(old);
            }
            let from = self.caller_node(caller);
            self.g.graph.add_edge(from, to, Rel::Assumed(e));
        } else {
            self.g.edges[e as usize].other_copy = Some(a.event);
        }
        // Either copy may carry the key (one may have been redacted).
        let sid = self.g.edges[e as usize].session;
        if self.g.sessions[sid as usize].access_key.is_none() && a.new_access_key.is_some() {
            self.g.sessions[sid as usize].access_key = a.new_access_key;
            self.g.sessions[sid as usize].event_link = Some(Link::AccessKey);
            self.g.edges[e as usize].link = Some(Link::AccessKey);
            self.key_to_session.insert(a.new_access_key, sid);
        }
    }

    fn finish(mut self) -> SessionGraph {
        for s in &mut self.g.sessions {
            if s.first_seen > s.last_seen {
                // Created (or observed) with no activity at all: both ends are the creation time, or unknown (0).
                let t = if s.first_seen == i64::MAX { 0 } else { s.first_seen };
                s.first_seen = t;
                s.last_seen = t;
            }
        }
        for e in 0..self.g.edges.len() {
            let edge = &self.g.edges[e];
            if let Caller::Session(p) = edge.caller {
                let parent = self.g.sessions[p as usize].source_identity;
                let child = self.g.sessions[edge.session as usize].source_identity;
                self.g.edges[e].source_identity_break = parent.is_some() && parent != child;
            }
        }
        self.g.index = super::lookup::Index::build(&self.g, self.store, std::mem::take(&mut self.key_to_session));
        self.g.tags = super::tags::compute(&self.g, self.store);
        self.g.on_behalf = super::identity_center::compute(&self.g, self.store);
        self.g
    }
}

/// What identifies an origin. Identity Center users are one person per user id when the records give one
/// (`onBehalfOf.userId`: the identity store's id, `docs/identity-context.md` §2), else per user name (the SAML
/// federation records name them with different principal ids and no user id); SAML and web identity users per
/// provider and name; everyone else by every field.
fn origin_key(o: &Origin) -> Origin {
    let bare = Origin {
        kind: o.kind,
        name: o.name,
        arn: Sym::NONE,
        account: Sym::NONE,
        principal_id: Sym::NONE,
        acting_for: Sym::NONE,
        provider: Sym::NONE,
        user_id: Sym::NONE,
        identity_store: Sym::NONE,
        logs_loaded: true,
    };
    match o.kind {
        super::OriginKind::IdentityCenterUser if o.user_id.is_some() => Origin {
            name: Sym::NONE,
            user_id: o.user_id,
            ..bare
        },
        super::OriginKind::IdentityCenterUser if o.name.is_some() => bare,
        super::OriginKind::SamlUser | super::OriginKind::WebIdentityUser if o.name.is_some() => Origin {
            provider: o.provider,
            ..bare
        },
        _ => o.clone(),
    }
}
