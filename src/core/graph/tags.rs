//! Session tags through a chain (`docs/identity-context.md` §1): each session's effective tags with where each
//! came from, and what an ABAC reviewer wants to see — a transitive tag changed or dropped down a chain, a session
//! tagging its next hop with another value than its own, a role used under a tag value it never had before.
//!
//! Only what the assumption records say is used: the tags an `AssumeRole*` call set (`tags`, or `principalTags`
//! of a SAML assertion / OIDC token), the keys it made transitive, and the `incomingTransitiveTags` it logged.
//! When a record does not log incoming tags, STS's chaining rule is applied to the caller session's own
//! transitive tags (source [`TagSource::Chain`]). IAM tags of users and roles are not in CloudTrail and are not
//! shown. This module reads the built graph; it does not change links.

use super::{Caller, SessionGraph, SessionId};
use crate::core::model::{AssumeKind, Store, Sym};
use hashbrown::{HashMap, HashSet};
use serde::Serialize;

/// Where a session tag came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum TagSource {
    /// The `tags` of the `AssumeRole` call that created the session.
    Request,
    /// The `principalTags` of the SAML assertion or OIDC token (`AssumeRoleWithSAML` / `WithWebIdentity`).
    Assertion,
    /// The `incomingTransitiveTags` the creating call logged: what the caller's chain passed on.
    Incoming,
    /// Not logged on the record: the caller session's transitive tags, carried by STS's chaining rule.
    Chain,
}

/// One effective tag of a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionTag {
    /// The tag key.
    pub key: Sym,
    /// The tag value (`NONE` for an empty value).
    pub value: Sym,
    /// Where it came from.
    pub source: TagSource,
    /// Whether it passes on to sessions this one starts.
    pub transitive: bool,
}

/// What an ABAC reviewer is shown about a session's tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum TagIssueKind {
    /// A transitive tag of the caller arrived with another value (logged incoming tags, or the call set the same
    /// key again: STS refuses both, so the records contradict the chaining rule).
    TransitiveChanged,
    /// A transitive tag of the caller is missing from the incoming tags the creating call logged.
    TransitiveDropped,
    /// The caller session holds this key and tagged the session it started with another value.
    Retagged,
    /// Earlier sessions of this role carried the key, never with this value: new behaviour for the role.
    NewValue,
}

/// One issue on the hop that created a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagIssue {
    /// What was seen.
    pub kind: TagIssueKind,
    /// The tag key.
    pub key: Sym,
    /// The caller's value (`NewValue`: the role's last earlier value); `NONE` when it had none.
    pub was: Sym,
    /// This session's value; `NONE` for a dropped tag.
    pub now: Sym,
}

/// Every session's effective tags and issues, indexed by [`SessionId`].
#[derive(Default)]
pub struct Tags {
    tags: Vec<Box<[SessionTag]>>,
    issues: Vec<Box<[TagIssue]>>,
}

impl Tags {
    /// The effective tags of session `s` (empty when none are known).
    pub fn of(&self, s: SessionId) -> &[SessionTag] {
        self.tags.get(s as usize).map_or(&[], |t| t)
    }
    /// The issues found on the hop that created session `s`.
    pub fn issues(&self, s: SessionId) -> &[TagIssue] {
        self.issues.get(s as usize).map_or(&[], |t| t)
    }
}

/// Effective tags of every session, callers before the sessions they started.
pub fn compute(g: &SessionGraph, store: &Store) -> Tags {
    let n = g.sessions.len();
    let any = store
        .assumptions
        .iter()
        .any(|a| !a.context.tags.is_empty() || a.context.incoming_tags.is_some());
    let mut t = Tags {
        tags: vec![Box::default(); n],
        issues: vec![Box::default(); n],
    };
    if !any {
        return t;
    }
    let mut done = vec![false; n];
    for s in 0..n as SessionId {
        if done[s as usize] {
            continue;
        }
        // Outermost first, so a caller's tags are known before its children's; chain_of stops at loops.
        let (path, _, _) = g.chain_of(s);
        for p in path {
            if !std::mem::replace(&mut done[p as usize], true) {
                let (tags, issues) = one(g, store, &t, p);
                t.tags[p as usize] = tags.into_boxed_slice();
                t.issues[p as usize] = issues.into_boxed_slice();
            }
        }
    }
    new_values(g, &mut t);
    t
}

/// Session `s`'s tags from its creating assumption and its caller's tags.
fn one(g: &SessionGraph, store: &Store, t: &Tags, s: SessionId) -> (Vec<SessionTag>, Vec<TagIssue>) {
    let (mut out, mut issues) = (Vec::new(), Vec::new());
    let Some(e) = g.session(s).created_by.map(|e| g.edge(e)) else {
        return (out, issues);
    };
    let Some(a) = store.assumption(&store.events[e.event as usize]) else {
        return (out, issues);
    };
    let parent: &[SessionTag] = match e.caller {
        Caller::Session(p) if p != s => t.of(p),
        _ => &[],
    };
    let passed = parent.iter().filter(|x| x.transitive);
    match &a.context.incoming_tags {
        Some(list) => {
            for &(key, value) in list.iter() {
                if !out.iter().any(|x: &SessionTag| x.key == key) {
                    out.push(SessionTag {
                        key,
                        value,
                        source: TagSource::Incoming,
                        transitive: true,
                    });
                }
            }
            for p in passed {
                match list.iter().find(|x| x.0 == p.key) {
                    None => issues.push(issue(TagIssueKind::TransitiveDropped, p.key, p.value, Sym::NONE)),
                    Some(&(_, v)) if v != p.value => {
                        issues.push(issue(TagIssueKind::TransitiveChanged, p.key, p.value, v))
                    }
                    Some(_) => {}
                }
            }
        }
        None => out.extend(passed.map(|p| SessionTag {
            source: TagSource::Chain,
            ..*p
        })),
    }
    let source = match a.kind {
        AssumeKind::AssumeRoleWithSaml | AssumeKind::AssumeRoleWithWebIdentity => TagSource::Assertion,
        _ => TagSource::Request,
    };
    for &(key, value) in a.context.tags.iter() {
        if let Some(had) = out.iter().find(|x| x.key == key) {
            // An inherited transitive tag cannot be set again (STS refuses the call); the inherited value stands.
            if had.value != value && had.source != source {
                issues.push(issue(TagIssueKind::TransitiveChanged, key, had.value, value));
            }
            continue;
        }
        if let Some(p) = parent.iter().find(|x| x.key == key && x.value != value) {
            issues.push(issue(TagIssueKind::Retagged, key, p.value, value));
        }
        out.push(SessionTag {
            key,
            value,
            source,
            transitive: a.context.transitive_keys.contains(&key),
        });
    }
    (out, issues)
}

fn issue(kind: TagIssueKind, key: Sym, was: Sym, now: Sym) -> TagIssue {
    TagIssue { kind, key, was, now }
}

/// For each role, in session order: a tag value the role's earlier sessions never carried for a key they did
/// carry is new behaviour (`docs/identity-context.md` §1). The first session to carry a key sets its baseline.
fn new_values(g: &SessionGraph, t: &mut Tags) {
    let mut by_role: HashMap<Sym, Vec<SessionId>> = HashMap::new();
    for (i, s) in g.sessions.iter().enumerate() {
        if s.role_arn.is_some() && !t.tags[i].is_empty() {
            by_role.entry(s.role_arn).or_default().push(i as SessionId);
        }
    }
    for (_, mut sessions) in by_role {
        sessions.sort_unstable_by_key(|&s| (g.session(s).first_seen, s));
        // key → (values seen, last value)
        let mut seen: HashMap<Sym, (HashSet<Sym>, Sym)> = HashMap::new();
        for s in sessions {
            let mut found = Vec::new();
            for tag in t.tags[s as usize].iter() {
                let entry = seen.entry(tag.key).or_insert_with(|| (HashSet::new(), Sym::NONE));
                if !entry.0.is_empty() && !entry.0.contains(&tag.value) {
                    found.push(issue(TagIssueKind::NewValue, tag.key, entry.1, tag.value));
                }
                entry.0.insert(tag.value);
                entry.1 = tag.value;
            }
            if !found.is_empty() {
                let mut all = std::mem::take(&mut t.issues[s as usize]).into_vec();
                all.extend(found);
                t.issues[s as usize] = all.into_boxed_slice();
            }
        }
    }
}
