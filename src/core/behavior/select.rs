//! Selecting a profile's events: a [`Selection`] of time-ordered [`Part`]s borrowed from the session graph (one per
//! session, with the session-ordered rows of the [`BehaviorIndex`]) or from the index's per-IP / user-agent /
//! account / long-term-key lists. Nothing is copied, so selecting is O(sessions). A name that matches several
//! distinct things (a role name in two accounts, two users called `admin`) is an error listing them, never a
//! silent merge.

use super::error::BehaviorError;
use super::index::{BehaviorIndex, Combos, Row, span_of};
use super::profile::Profile;
use crate::core::graph::{SessionGraph, SessionId};
use crate::core::model::{Store, Sym};
use serde::Serialize;

/// A time-ordered slice of a profile's event indices, with the matching rows when they are stored contiguously
/// (sessions), else read through `BehaviorIndex::rows`.
#[derive(Clone, Copy)]
pub struct Part<'a> {
    /// Event indices into `store.events`, ascending (time order).
    pub events: &'a [u32],
    /// The rows of `events`, when stored contiguously; `None` to read them through `BehaviorIndex::rows`.
    pub rows: Option<&'a [Row]>,
    /// The first and last event index (`(1, 0)` when there is none): whether a window holds the part is read
    /// here, so an identity's tens of thousands of sessions are windowed without touching their event lists.
    span: (u32, u32),
    /// The session whose events these are, when the part is one session's (what the index keeps per session
    /// then applies).
    session: Option<SessionId>,
    /// Where `events` starts in the session's event list (0 unless the part is a window of one session's).
    first: usize,
}

impl<'a> Part<'a> {
    /// A part of `events` (ascending), with their rows when stored contiguously.
    pub fn new(events: &'a [u32], rows: Option<&'a [Row]>) -> Part<'a> {
        Part {
            events,
            rows,
            span: span_of(events),
            session: None,
            first: 0,
        }
    }
    pub(super) fn list(events: &'a [u32]) -> Part<'a> {
        Part::new(events, None)
    }
    pub(super) fn session(graph: &'a SessionGraph, ix: &'a BehaviorIndex, s: SessionId) -> Part<'a> {
        let events = graph.session(s).events.as_slice();
        let rows = ix.rows_of_session(s).filter(|r| r.len() == events.len());
        // The index's span of the session when its rows match the list (built from the same graph).
        let span = match (rows, ix.session_span.get(s as usize)) {
            (Some(_), Some(&span)) => span,
            _ => span_of(events),
        };
        Part {
            events,
            rows,
            span,
            session: Some(s),
            first: 0,
        }
    }
    /// The session whose events these are (within a window), when the part is one session's.
    pub fn session_id(&self) -> Option<SessionId> {
        self.session
    }
    /// Number of events in the part.
    pub fn len(&self) -> usize {
        self.events.len()
    }
    /// Whether the part has no events.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
    /// Narrowed to the event-index range `[lo, hi)`.
    pub fn window(&self, lo: u32, hi: u32) -> Part<'a> {
        let (first, last) = self.span;
        if first > last || (first >= lo && last < hi) {
            return *self;
        }
        if last < lo || first >= hi {
            return Part {
                events: &self.events[..0],
                rows: self.rows.map(|r| &r[..0]),
                span: (1, 0),
                session: self.session,
                first: self.first,
            };
        }
        let a = self.events.partition_point(|&i| i < lo);
        let b = self.events.partition_point(|&i| i < hi).max(a);
        Part {
            session: self.session,
            first: self.first + a,
            ..Part::new(&self.events[a..b], self.rows.and_then(|r| r.get(a..b)))
        }
    }
    /// Every (drill-down key id, row), in time order: a session's keys read in session order, any other part's
    /// through each event.
    pub fn for_each_keyed(&self, ix: &BehaviorIndex, combos: &Combos, mut f: impl FnMut(u32, &Row)) {
        let keys = self
            .session
            .and_then(|s| combos.of_session(ix, s, self.first, self.events.len()));
        match (self.rows, keys) {
            (Some(rows), Some(keys)) if rows.len() == keys.len() => {
                rows.iter().zip(keys).for_each(|(r, &k)| f(k, r));
            }
            _ => self.for_each(ix, |i, r| {
                if let Some(&k) = combos.of_event.get(i as usize) {
                    f(k, r);
                }
            }),
        }
    }
    /// Every (event index, row), in time order.
    #[inline]
    pub fn for_each(&self, ix: &BehaviorIndex, mut f: impl FnMut(u32, &Row)) {
        match self.rows {
            Some(rows) => self.events.iter().zip(rows).for_each(|(&i, r)| f(i, r)),
            None => {
                for &i in self.events {
                    if let Some(r) = ix.rows.get(i as usize) {
                        f(i, r);
                    }
                }
            }
        }
    }
}

/// The session the analyst asked about when the profile judged is its session identity: its calls are marked in
/// the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asked {
    /// The asked entity (`session:ASIA…`).
    pub entity: String,
    /// The asked session.
    pub session: SessionId,
}

/// A profile's events: time-ordered parts, disjoint from each other.
pub struct Selection<'a> {
    /// The profile judged (a session key asked about is judged as its session identity).
    pub profile: Profile,
    /// The session asked about, when it is not the profile judged.
    pub asked: Option<Asked>,
    /// The graph the parts are borrowed from.
    graph: &'a SessionGraph,
    /// The events, in disjoint time-ordered parts (one per session for session-based profiles).
    pub parts: Vec<Part<'a>>,
    /// All events are one traveller (an origin profile: one principal however many graph origins name it).
    pub one_traveller: bool,
    /// Sessions involved (empty for IP, user-agent, account and long-term-key profiles).
    pub sessions: Vec<SessionId>,
    /// One line for people: what was selected.
    pub description: String,
}

/// The JSON `profile` block.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ProfileJson {
    /// The profile kind (`identity`, `session`, `role`, `principal`, `account`, `ip`, `ua`).
    pub kind: &'static str,
    /// The entity reference (`identity:<role arn>#<session>`, `ip:…`).
    pub entity: String,
    /// One line for people: what was selected.
    pub description: String,
    /// Sessions involved.
    pub sessions: usize,
    /// Events selected, in all loaded data.
    pub events_total: usize,
    /// The session the analyst asked about, when the profile judged is its session identity (baselines are never
    /// per single session); its calls are marked (`asked_session`) in the report's rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked: Option<String>,
}

impl<'a> Selection<'a> {
    /// The graph the selection's sessions are of.
    pub fn graph(&self) -> &'a SessionGraph {
        self.graph
    }
    /// Number of events selected, in all loaded data.
    pub fn events_total(&self) -> usize {
        self.parts.iter().map(Part::len).sum()
    }
    /// The `profile` block of the JSON outputs.
    pub fn json(&self) -> ProfileJson {
        ProfileJson {
            kind: self.profile.kind(),
            entity: self.profile.entity().to_string(),
            description: self.description.clone(),
            sessions: self.sessions.len(),
            events_total: self.events_total(),
            asked: self.asked.as_ref().map(|a| a.entity.clone()),
        }
    }
    /// Time of the profile's first event, if it has any.
    pub fn first_time(&self, ix: &BehaviorIndex) -> Option<i64> {
        self.parts
            .iter()
            .filter_map(|p| p.events.first())
            .min()
            .and_then(|&i| ix.rows.get(i as usize))
            .map(|r| r.time)
    }
    /// Time of the profile's last event, if it has any.
    pub(crate) fn last_time(&self, ix: &BehaviorIndex) -> Option<i64> {
        self.parts
            .iter()
            .filter_map(|p| p.events.last())
            .max()
            .and_then(|&i| ix.rows.get(i as usize))
            .map(|r| r.time)
    }
    /// Each part narrowed to the event-index range `[lo, hi)` (from [`BehaviorIndex::index_at`]).
    pub fn window(&self, lo: u32, hi: u32) -> impl Iterator<Item = Part<'a>> + '_ {
        self.parts.iter().map(move |p| p.window(lo, hi))
    }
}

/// Every session of session identity `id`, judged as the identity.
fn identity_selection<'a>(
    store: &Store,
    graph: &'a SessionGraph,
    ix: &'a BehaviorIndex,
    id: u32,
    asked: Option<Asked>,
) -> Selection<'a> {
    let identity = &graph.identities[id as usize];
    // The asked session is not in the description: `ProfileJson::asked` carries it (and the TUI's map title stays
    // short enough to read).
    let description = format!(
        "session identity {} in {} ({} sessions)",
        store.s(identity.session_name),
        store.s(identity.role_arn),
        identity.sessions.len()
    );
    Selection {
        profile: Profile::SessionIdentity {
            role_arn: store.s(identity.role_arn).to_string(),
            session_name: store.s(identity.session_name).to_string(),
        },
        asked,
        graph,
        parts: identity.sessions.iter().map(|&s| Part::session(graph, ix, s)).collect(),
        sessions: identity.sessions.clone(),
        description,
        one_traveller: false,
    }
}

fn sym(store: &Store, s: &str) -> Option<Sym> {
    store.strings.get(s).filter(|s| s.is_some())
}

fn nothing(p: &Profile) -> BehaviorError {
    BehaviorError::NothingMatches(p.entity().to_string())
}

/// Resolve a profile to its events. Errors name what was not found or what was ambiguous.
pub fn select<'a>(
    profile: &Profile,
    store: &Store,
    graph: &'a SessionGraph,
    ix: &'a BehaviorIndex,
) -> Result<Selection<'a>, BehaviorError> {
    let sessions_sel = |sessions: Vec<SessionId>, description: String| Selection {
        profile: profile.clone(),
        asked: None,
        graph,
        parts: sessions.iter().map(|&s| Part::session(graph, ix, s)).collect(),
        sessions,
        description,
        one_traveller: false,
    };
    let list_sel = |list: Option<&'a Vec<u32>>, description: String| -> Result<Selection<'a>, BehaviorError> {
        let list = list.ok_or_else(|| nothing(profile))?;
        Ok(Selection {
            profile: profile.clone(),
            asked: None,
            graph,
            parts: vec![Part::list(list)],
            sessions: Vec::new(),
            description,
            one_traveller: false,
        })
    };
    match profile {
        Profile::SessionIdentity { role_arn, session_name } => {
            let name = sym(store, session_name).ok_or_else(|| nothing(profile))?;
            let arns = graph.role_arns(store, role_arn);
            let found: Vec<u32> = arns
                .iter()
                .filter_map(|&a| ix.identity_ids.get(&(a, name)).copied())
                .collect();
            match found.as_slice() {
                [one] => Ok(identity_selection(store, graph, ix, *one, None)),
                [] => Err(nothing(profile)),
                many => Err(BehaviorError::AmbiguousIdentityRole {
                    entity: profile.entity().to_string(),
                    roles: many
                        .iter()
                        .map(|&i| store.s(graph.identities[i as usize].role_arn).to_string())
                        .collect(),
                }),
            }
        }
        Profile::Session { access_key } => {
            if let Some(s) = graph.session_by_key(store, access_key) {
                let x = graph.session(s);
                // Judged as its session identity (Detective's unit): one session has no history of its own.
                if graph
                    .identities
                    .get(x.identity as usize)
                    .is_some_and(|i| i.session_name.is_some())
                {
                    let asked = Asked {
                        entity: profile.entity().to_string(),
                        session: s,
                    };
                    return Ok(identity_selection(store, graph, ix, x.identity, Some(asked)));
                }
                let desc = format!(
                    "session {} ({} in {})",
                    access_key,
                    store.strings.opt(x.session_name).unwrap_or("?"),
                    store.strings.opt(x.role_arn).unwrap_or("?")
                );
                return Ok(sessions_sel(vec![s], desc));
            }
            let key = sym(store, access_key).ok_or_else(|| nothing(profile))?;
            list_sel(
                ix.by_key.get(&key),
                format!("calls signed with access key {access_key}"),
            )
        }
        Profile::Role { arn } => {
            let arns = graph.role_arns(store, arn);
            match arns.as_slice() {
                [one] => {
                    let sessions = graph.sessions_of_role(store, store.s(*one));
                    let desc = format!("role {} ({} sessions)", store.s(*one), sessions.len());
                    Ok(sessions_sel(sessions, desc))
                }
                [] => Err(nothing(profile)),
                many => Err(BehaviorError::AmbiguousRole {
                    role: arn.clone(),
                    arns: many.iter().map(|&a| store.s(a).to_string()).collect(),
                }),
            }
        }
        Profile::Origin { principal } => {
            let want = sym(store, principal).ok_or_else(|| nothing(profile))?;
            let mut origins: Vec<u32> = (0..graph.origins.len() as u32)
                .filter(|&o| {
                    let x = graph.origin(o);
                    x.principal_id == want || x.arn == want
                })
                .collect();
            if origins.is_empty() {
                origins = (0..graph.origins.len() as u32)
                    .filter(|&o| graph.origin(o).name == want)
                    .collect();
                let mut people: Vec<u32> = origins.iter().map(|&o| ix.canon(o)).collect();
                people.sort_unstable();
                people.dedup();
                // One person per origin: the graph already joins an Identity Center user's record forms; two
                // origins sharing a name (another SAML provider, an IAM user) are different principals.
                if people.len() > 1 {
                    let list: Vec<String> = origins
                        .iter()
                        .map(|&o| graph.origin_view(store, o).description)
                        .collect();
                    return Err(BehaviorError::AmbiguousPrincipal {
                        name: principal.clone(),
                        candidates: list,
                    });
                }
            }
            if origins.is_empty() {
                return Err(nothing(profile));
            }
            let mut parts: Vec<Part<'a>> = Vec::new();
            let mut sessions = Vec::new();
            for &o in &origins {
                if let Some(ev) = graph.origin_events.get(o as usize) {
                    parts.push(Part::list(ev));
                }
                for &s in ix.origin_sessions.get(o as usize).into_iter().flatten() {
                    parts.push(Part::session(graph, ix, s));
                    sessions.push(s);
                }
            }
            let desc = format!(
                "{} and the {} sessions it started",
                graph.origin_view(store, origins[0]).description,
                sessions.len()
            );
            Ok(Selection {
                profile: profile.clone(),
                asked: None,
                graph,
                parts,
                sessions,
                description: desc,
                one_traveller: true,
            })
        }
        Profile::Account { id } => {
            let s = sym(store, id).ok_or_else(|| nothing(profile))?;
            list_sel(ix.by_account.get(&s), format!("everything logged in account {id}"))
        }
        Profile::Ip { addr } => {
            let s = sym(store, addr).ok_or_else(|| nothing(profile))?;
            let id = ix.ip_id(s).ok_or_else(|| nothing(profile))?;
            list_sel(ix.by_ip.get(id as usize), format!("calls from {addr}"))
        }
        Profile::UserAgent { ua } => {
            let s = sym(store, ua).ok_or_else(|| nothing(profile))?;
            let id = ix.ua_id(s).ok_or_else(|| nothing(profile))?;
            list_sel(ix.by_ua.get(id as usize), format!("calls with user agent {ua}"))
        }
    }
}
