//! Pass 2 of the build: attaching every event to the session or origin that signed it. Each distinct identity is
//! resolved once — exact access key, else principal id + creation time, else role + session name + time — and an
//! identity that matches none (or more than one) candidate becomes an observed session created outside the logs.

use super::{Builder, CREATION_SLACK_SECS};
use crate::core::graph::{Caller, Link, Session, SessionGraph, SessionId, SessionKind, Signer};
use crate::core::model::{Event, Identity, IdentityType, Mfa, Sym};
use hashbrown::HashMap;
use petgraph::graph::NodeIndex;

impl Builder<'_> {
    /// The session behind a temporary-credential identity: exact key, else principal+time, else name+time, else
    /// an observed session (created outside the loaded logs).
    pub(super) fn session_for_identity(&mut self, id: &Identity) -> SessionId {
        if id.access_key_id.is_some()
            && let Some(&s) = self.key_to_session.get(&id.access_key_id)
        {
            let role = self.g.sessions[s as usize].role_arn;
            if role.is_none() || id.issuer_arn.is_none() || role == id.issuer_arn {
                return s;
            }
            // The key says one session, the identity another role: the data contradicts itself (real keys are
            // unique). Attributing by key alone would name the wrong role; keep them apart.
            if let Some(&c) = self.conflicts.get(&(id.access_key_id, id.issuer_arn)) {
                return c;
            }
            let c = self.observed_session(id, false);
            self.conflicts.insert((id.access_key_id, id.issuer_arn), c);
            return c;
        }
        if let Some((s, link)) = self.match_pending(id) {
            let sess = &mut self.g.sessions[s as usize];
            if id.access_key_id.is_some() && sess.access_key.is_none() {
                sess.access_key = id.access_key_id;
                self.key_to_session.insert(id.access_key_id, s);
            }
            sess.event_link = Some(sess.event_link.map_or(link, |l| l.max(link)));
            if let Some(e) = sess.created_by {
                let edge = &mut self.g.edges[e as usize];
                edge.link = Some(edge.link.map_or(link, |l| l.max(link)));
            }
            if id.access_key_id.is_none() {
                self.keyless.insert((id.principal_id, id.creation_date), s);
            }
            return s;
        }
        if id.access_key_id.is_none() {
            if let Some(&s) = self.keyless.get(&(id.principal_id, id.creation_date)) {
                return s;
            }
            // Console events (SwitchRole, sign-in) carry no key: tie them to the one session created for that
            // principal at that moment, if exactly one was.
            if let Some(s) = self.created_at(id) {
                let sess = &mut self.g.sessions[s as usize];
                sess.event_link = Some(
                    sess.event_link
                        .map_or(Link::PrincipalTime, |l| l.max(Link::PrincipalTime)),
                );
                self.keyless.insert((id.principal_id, id.creation_date), s);
                return s;
            }
        }
        self.observed_session(id, true)
    }

    /// The single session created (by a loaded assumption) for this principal id at this creation time.
    fn created_at(&self, id: &Identity) -> Option<SessionId> {
        if id.principal_id.is_none() || id.creation_date == i64::MIN {
            return None;
        }
        let found: Vec<SessionId> = self
            .by_principal_created
            .get(&id.principal_id)?
            .iter()
            .copied()
            .filter(|&s| {
                let e = self.g.sessions[s as usize]
                    .created_by
                    .map(|e| self.g.edges[e as usize].time);
                e.is_some_and(|t| (id.creation_date - t).abs() <= CREATION_SLACK_SECS)
            })
            .collect();
        (found.len() == 1).then(|| found[0])
    }

    fn match_pending(&mut self, id: &Identity) -> Option<(SessionId, Link)> {
        let near = |s: &Session| {
            id.creation_date != i64::MIN && (id.creation_date - s.first_seen).abs() <= CREATION_SLACK_SECS
        };
        let pick = |cands: Option<&Vec<SessionId>>, g: &SessionGraph| -> Option<SessionId> {
            let found: Vec<SessionId> = cands?
                .iter()
                .copied()
                .filter(|&s| near(&g.sessions[s as usize]))
                .collect();
            // Two candidates is a guess; a guess is not an attribution.
            (found.len() == 1).then(|| found[0])
        };
        if id.principal_id.is_some()
            && let Some(s) = pick(self.pending_by_principal.get(&id.principal_id), &self.g)
        {
            return Some((s, Link::PrincipalTime));
        }
        if id.session_name.is_none() {
            return None;
        }
        pick(self.pending_by_name.get(&(id.issuer_arn, id.session_name)), &self.g).map(|s| (s, Link::NameTime))
    }

    /// A session known only from its calls. `index_key`: false for a conflicting key that must not shadow the
    /// session it was issued to.
    fn observed_session(&mut self, id: &Identity, index_key: bool) -> SessionId {
        let name = id.session_name;
        let kind = if id.kind == IdentityType::FederatedUser {
            SessionKind::Federated
        } else {
            SessionKind::Role
        };
        let role_arn = if kind == SessionKind::Role {
            id.issuer_arn
        } else {
            Sym::NONE
        };
        let s = self.new_session_keyed(
            Session {
                kind,
                access_key: id.access_key_id,
                role_arn,
                account: if id.issuer_account_id.is_some() {
                    id.issuer_account_id
                } else {
                    id.account_id
                },
                session_name: name,
                principal_id: id.principal_id,
                arn: id.arn,
                source_identity: id.source_identity,
                mfa: Mfa::Unknown,
                created_by: None,
                events: Vec::new(),
                first_seen: i64::MAX,
                last_seen: i64::MIN,
                identity: 0,
                event_link: None,
                node: NodeIndex::new(0),
            },
            index_key,
        );
        if id.access_key_id.is_none() {
            self.keyless.insert((id.principal_id, id.creation_date), s);
        }
        s
    }

    pub(super) fn attach_events(&mut self) {
        let store = self.store;
        let mut by_identity: Vec<Option<Signer>> = vec![None; store.identities.len()];
        // An assumption (either account's copy) was made by its edge's caller, resolved with the assumption in view
        // (the role it asked for tells an Identity Center user from a plain SAML user).
        // The other account's copy names the same signer but is not a second call: it is not listed twice.
        let mut edge_caller: HashMap<u32, (Caller, bool)> = HashMap::new();
        for e in &self.g.edges {
            edge_caller.insert(e.event, (e.caller, true));
            if let Some(o) = e.other_copy {
                edge_caller.insert(o, (e.caller, false));
            }
        }
        for (i, ev) in store.events.iter().enumerate() {
            if let Some(&(c, listed)) = edge_caller.get(&(i as u32)) {
                let signer = match c {
                    Caller::Session(s) => Signer::Session(s),
                    Caller::Origin(o) => Signer::Origin(o),
                };
                if listed {
                    self.attach(i, ev, signer);
                } else {
                    self.g.signer[i] = signer;
                }
                continue;
            }
            let signer = match by_identity[ev.identity as usize] {
                Some(s) => s,
                None => {
                    let s = match self.caller(ev, None) {
                        Some(Caller::Session(s)) => Signer::Session(s),
                        Some(Caller::Origin(o)) => Signer::Origin(o),
                        None => Signer::None,
                    };
                    // Identity-level caching is exact: the signer depends only on the identity block.
                    by_identity[ev.identity as usize] = Some(s);
                    s
                }
            };
            self.attach(i, ev, signer);
        }
    }

    fn attach(&mut self, i: usize, ev: &Event, signer: Signer) {
        let store = self.store;
        {
            self.g.signer[i] = signer;
            match signer {
                Signer::Session(s) => {
                    let sess = &mut self.g.sessions[s as usize];
                    sess.events.push(i as u32);
                    sess.first_seen = sess.first_seen.min(ev.time);
                    sess.last_seen = sess.last_seen.max(ev.time);
                    let id = store.identity(ev);
                    if sess.mfa != Mfa::Yes && id.mfa != Mfa::Unknown {
                        sess.mfa = id.mfa;
                    }
                    if sess.source_identity.is_none() {
                        sess.source_identity = id.source_identity;
                    }
                    // An AssumeRoot response names no principal; the member account's calls do (`…:root`).
                    if sess.kind == SessionKind::Root && sess.arn.is_none() && id.kind == IdentityType::Root {
                        sess.arn = id.arn;
                        sess.principal_id = id.principal_id;
                    }
                }
                Signer::Origin(o) => self.g.origin_events[o as usize].push(i as u32),
                Signer::None => {}
            }
        }
    }
}
