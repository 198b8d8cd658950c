//! The broker overlay on the session graph: which sessions a broker granted (and for whom), and for every session
//! of a broker-managed role, what the request log says about it (`docs/brokers.md` §4).
//!
//! Rules, each in one place here:
//! - *Granted by a broker*: the session was assumed by a session of a configured broker role, or (weak) by any
//!   role session of automation (its chain starts at an AWS service or outside the logs) while its name is
//!   `<e-mail>-<RoleName>` of the role it assumed (the reference broker's pattern).
//! - *Requester*: the `<requester>` part of that name; for a configured broker whose names do not follow the
//!   pattern, the whole session name (said so in a flag).
//! - *Broker-managed role*: a role (or permission set) in an account that a request names, or that a configured
//!   broker role assumed. Its sessions that no broker granted are checked too: the person is then the session
//!   name (Identity Center, TEAM) or the chain's origin.
//! - *Confidence*: configured broker role + an approved request covering the session's start for that requester,
//!   role and account = strong; configured broker role alone = medium; the name pattern = weak, whatever the log.

use super::BrokerContext;
use super::name::{looks_like_email, request_role_name, requester_in};
use super::request::Request;
use crate::core::graph::{Caller, OriginKind, SessionGraph, SessionId, SessionKind};
use crate::core::model::Store;
use hashbrown::{HashMap, HashSet};
use serde::Serialize;

/// How a session was tied to a broker's grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum BrokerLink {
    /// A configured broker role assumed it, and an approved request covers it (requester, role, account, start).
    BrokerRequest,
    /// A configured broker role assumed it; no approved request confirms the requester.
    BrokerRole,
    /// Only the session name follows the reference broker's `<requester>-<RoleName>` pattern. Weak: anyone who
    /// can assume the role can choose that name.
    NamePattern,
}

/// How far a broker link can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Confidence {
    /// Configured broker role and a matching approved request.
    Strong,
    /// Configured broker role only.
    Medium,
    /// Session name only.
    Weak,
}

impl BrokerLink {
    /// The link's confidence.
    pub fn confidence(self) -> Confidence {
        match self {
            BrokerLink::BrokerRequest => Confidence::Strong,
            BrokerLink::BrokerRole => Confidence::Medium,
            BrokerLink::NamePattern => Confidence::Weak,
        }
    }
}

/// What the request log says about one session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Approval {
    /// Started inside an approved window, for that role and account, by that requester, and not seen after it.
    InWindow,
    /// Started inside an approved window but still active after it ended.
    BeyondWindow,
    /// The requester has approved requests for this role and account, but none whose window holds the start.
    OutsideWindow,
    /// An approved window of the requester holds the start, but for another role or account.
    OtherRoleOrAccount,
    /// An approved window for this role and account holds the start, but it is someone else's request.
    OtherRequester,
    /// The requester's requests for this role and account were all rejected or never granted.
    NotGranted,
    /// No request of this requester for this role and account.
    NoApproval,
    /// No request log was given: granted by a broker, approval not checked.
    NotChecked,
}

impl Approval {
    /// Whether this answer is a problem worth a flag.
    pub fn is_breach(self) -> bool {
        !matches!(self, Approval::InWindow | Approval::NotChecked)
    }
}

/// A broker's grant: the hop that created the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// How the session was tied to the broker.
    pub link: BrokerLink,
    /// The broker's session that assumed the role.
    pub broker_session: SessionId,
    /// The requester named by the session (see the module rules); `None` when the name names nobody.
    pub requester: Option<String>,
    /// The session name did not follow `<requester>-<RoleName>` (configured broker only).
    pub name_off_pattern: bool,
}

/// Everything the broker overlay says about one session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionBroker {
    /// The broker grant that created it, if a broker did.
    pub grant: Option<Grant>,
    /// The person the request log was searched for.
    pub requester: Option<String>,
    /// The request the answer rests on (index into [`BrokerContext::requests`]).
    pub request: Option<usize>,
    /// What the request log says.
    pub approval: Approval,
    /// Calls the session made at or after its request's window ended.
    pub calls_after_expiry: u64,
    /// The first of those calls, epoch seconds.
    pub first_call_after_expiry: Option<i64>,
    /// When the session started (its assumption, else its first observation), epoch seconds.
    pub started: i64,
}

/// The overlay: per session, what the broker context says. Empty without broker roles and logs.
#[derive(Debug, Default)]
pub struct BrokerAnalysis {
    /// The configuration and requests it was built from.
    pub context: BrokerContext,
    /// Sessions granted by a broker or of a broker-managed role.
    pub sessions: HashMap<SessionId, SessionBroker>,
    /// `(account, request role name)` of every broker-managed role, lower-cased role.
    pub managed: HashSet<(String, String)>,
}

impl BrokerAnalysis {
    /// Build the overlay for `graph` from `context`.
    pub fn build(store: &Store, graph: &SessionGraph, context: BrokerContext) -> BrokerAnalysis {
        let mut a = BrokerAnalysis {
            context,
            ..Default::default()
        };
        if a.context.config.is_empty() && a.context.requests.is_empty() {
            return a;
        }
        for r in &a.context.requests {
            a.managed.insert((r.account.clone(), r.role.to_ascii_lowercase()));
        }
        let mut grants: Vec<(SessionId, Grant)> = Vec::new();
        for (i, s) in graph.sessions.iter().enumerate() {
            if let Some(g) = grant_of(store, graph, &a.context, i as SessionId) {
                if a.context
                    .config
                    .is_broker_role(store.s(graph.session(g.broker_session).role_arn))
                {
                    a.managed.insert((
                        store.s(s.account).to_string(),
                        request_role_name(store.s(s.role_arn)).to_ascii_lowercase(),
                    ));
                }
                grants.push((i as SessionId, g));
            }
        }
        let mut granted: HashMap<SessionId, Grant> = grants.into_iter().collect();
        for (i, s) in graph.sessions.iter().enumerate() {
            let id = i as SessionId;
            let key = (
                store.s(s.account).to_string(),
                request_role_name(store.s(s.role_arn)).to_ascii_lowercase(),
            );
            let grant = granted.remove(&id);
            if grant.is_none() && (s.kind != SessionKind::Role || !a.managed.contains(&key)) {
                continue;
            }
            let sb = assess(store, graph, &a.context, id, grant);
            a.sessions.insert(id, sb);
        }
        a
    }

    /// The overlay's answer for session `s`, if it has one.
    pub fn session(&self, s: SessionId) -> Option<&SessionBroker> {
        self.sessions.get(&s)
    }

    /// The request an answer rests on.
    pub fn request(&self, sb: &SessionBroker) -> Option<&Request> {
        sb.request.and_then(|i| self.context.requests.get(i))
    }

    /// The nearest session at or above `s` in its chain that a broker granted (the hop that decides its origin).
    pub fn granting_hop(&self, graph: &SessionGraph, s: SessionId) -> Option<SessionId> {
        let (path, _, _) = graph.chain_of(s);
        path.into_iter()
            .rev()
            .find(|p| self.sessions.get(p).is_some_and(|b| b.grant.is_some()))
    }

    /// Whether the overlay has anything to say at all.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty() && self.context.requests.is_empty() && self.context.config.is_empty()
    }
}

/// Whether a broker created session `s`, and how it is tied to it.
fn grant_of(store: &Store, graph: &SessionGraph, ctx: &BrokerContext, s: SessionId) -> Option<Grant> {
    let x = graph.session(s);
    if x.kind != SessionKind::Role {
        return None;
    }
    let edge = graph.edge(x.created_by?);
    let Caller::Session(caller) = edge.caller else {
        return None;
    };
    let caller_role = store.s(graph.session(caller).role_arn);
    let role_arn = store.s(x.role_arn);
    let role_name = role_arn.rsplit('/').next().unwrap_or(role_arn);
    let name = store.s(x.session_name);
    let from_name = requester_in(name, role_name);
    if ctx.config.is_broker_role(caller_role) {
        let off = from_name.is_none();
        let requester = from_name.or_else(|| (!name.is_empty()).then(|| name.to_string()));
        return Some(Grant {
            link: BrokerLink::BrokerRole,
            broker_session: caller,
            requester,
            name_off_pattern: off,
        });
    }
    // A name alone is taken only from automation: a broker is a service's role (its chain starts at an AWS
    // service, or outside the logs). A person's own session choosing such a name is that person, not the name.
    let automation = match graph.chain_of(caller) {
        (_, Some(o), _) => graph.origin(o).kind == OriginKind::AwsService,
        (_, None, _) => true,
    };
    let who = from_name.filter(|w| automation && looks_like_email(w))?;
    Some(Grant {
        link: BrokerLink::NamePattern,
        broker_session: caller,
        requester: Some(who),
        name_off_pattern: false,
    })
}

/// The names the log is searched under for a session nobody granted: its session name (Identity Center / TEAM
/// sessions carry the user name) and the name of its chain's origin.
fn people_of(store: &Store, graph: &SessionGraph, s: SessionId) -> Vec<String> {
    let mut who = vec![store.s(graph.session(s).session_name).to_string()];
    if let (_, Some(o), _) = graph.chain_of(s)
        && let Some(n) = store.strings.opt(graph.origin(o).name)
    {
        who.push(n.to_string());
    }
    who.retain(|w| !w.is_empty());
    who
}

fn assess(
    store: &Store,
    graph: &SessionGraph,
    ctx: &BrokerContext,
    s: SessionId,
    grant: Option<Grant>,
) -> SessionBroker {
    let x = graph.session(s);
    let started = x.created_by.map(|e| graph.edge(e).time).unwrap_or(x.first_seen);
    let account = store.s(x.account);
    let role = request_role_name(store.s(x.role_arn));
    let who: Vec<String> = match &grant {
        Some(g) => g.requester.iter().cloned().collect(),
        None => people_of(store, graph, s),
    };
    let requester = who.first().cloned();
    let (approval, request) = if ctx.has_log() || !ctx.requests.is_empty() {
        decide(&ctx.requests, account, role, &who, started, x.last_seen)
    } else {
        (Approval::NotChecked, None)
    };
    let mut sb = SessionBroker {
        grant,
        requester,
        request,
        approval,
        calls_after_expiry: 0,
        first_call_after_expiry: None,
        started,
    };
    if let Some(r) = request.and_then(|i| ctx.requests.get(i))
        && matches!(approval, Approval::InWindow | Approval::BeyondWindow)
    {
        let after: Vec<i64> = x
            .events
            .iter()
            .map(|&e| store.events[e as usize].time)
            .filter(|&t| t >= r.end)
            .collect();
        sb.calls_after_expiry = after.len() as u64;
        sb.first_call_after_expiry = after.first().copied();
    }
    if let Some(g) = &mut sb.grant
        && g.link == BrokerLink::BrokerRole
        && matches!(sb.approval, Approval::InWindow | Approval::BeyondWindow)
    {
        g.link = BrokerLink::BrokerRequest;
    }
    sb
}

/// The answer for a session of `role` in `account`, started at `start` and last seen at `last`, by one of `who`;
/// with the request it rests on.
fn decide(
    requests: &[Request],
    account: &str,
    role: &str,
    who: &[String],
    start: i64,
    last: i64,
) -> (Approval, Option<usize>) {
    let by = |r: &Request| who.iter().any(|w| r.is_by(w));
    let covers = |r: &Request| r.start <= start && start < r.end;
    let all = || requests.iter().enumerate();
    // The latest-starting approved window that holds the start, among those `keep` lets through.
    let covering = |keep: &dyn Fn(&Request) -> bool| {
        all()
            .filter(|(_, r)| r.status.granted() && covers(r) && keep(r))
            .max_by_key(|(i, r)| (r.start, *i))
            .map(|(i, _)| i)
    };
    if let Some(i) = covering(&|r| r.is_for(account, role) && by(r)) {
        let end = requests[i].end;
        return (
            if last >= end {
                Approval::BeyondWindow
            } else {
                Approval::InWindow
            },
            Some(i),
        );
    }
    // An approval of the requester at that very time, for something else, says more than "outside the window".
    if let Some(i) = covering(&|r| by(r)) {
        return (Approval::OtherRoleOrAccount, Some(i));
    }
    let nearest = all()
        .filter(|(_, r)| r.status.granted() && r.is_for(account, role) && by(r))
        .min_by_key(|(i, r)| ((r.start - start).abs().min((r.end - start).abs()), *i))
        .map(|(i, _)| i);
    if nearest.is_some() {
        return (Approval::OutsideWindow, nearest);
    }
    if let Some(i) = covering(&|r| r.is_for(account, role)) {
        return (Approval::OtherRequester, Some(i));
    }
    let refused = all()
        .filter(|(_, r)| r.is_for(account, role) && by(r))
        .max_by_key(|(i, r)| (r.start, *i))
        .map(|(i, _)| i);
    match refused {
        Some(i) => (Approval::NotGranted, Some(i)),
        None => (Approval::NoApproval, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::broker::request::{LogFormat, RequestSource, RequestStatus};

    fn req(who: &str, account: &str, role: &str, start: i64, end: i64, status: RequestStatus) -> Request {
        Request {
            id: None,
            format: LogFormat::Trailhound,
            source: RequestSource {
                path: "log".into(),
                index: 0,
            },
            status,
            status_word: status.to_string(),
            requester: who.into(),
            requester_aliases: Vec::new(),
            account: account.into(),
            role: role.into(),
            start,
            end,
            approver: Some("bob".into()),
            justification: None,
            ticket: None,
        }
    }

    const A: &str = "111122223333";
    const B: &str = "444455556666";

    #[test]
    fn each_answer_from_a_small_log() {
        use RequestStatus::*;
        let log = vec![
            req("alice", A, "Admin", 100, 200, Approved), // 0
            req("alice", B, "Admin", 300, 400, Approved), // 1
            req("bob", A, "Admin", 500, 600, Approved),   // 2
            req("carol", A, "Admin", 100, 200, Rejected), // 3
            req("alice", A, "Admin", 700, 800, Revoked),  // 4
        ];
        let who = |w: &str| vec![w.to_string()];
        let d = |w: &str, acct: &str, start: i64, last: i64| decide(&log, acct, "admin", &who(w), start, last);
        assert_eq!(d("alice", A, 150, 190), (Approval::InWindow, Some(0)));
        assert_eq!(
            d("ALICE", A, 150, 190),
            (Approval::InWindow, Some(0)),
            "requesters compare without case"
        );
        assert_eq!(
            d("alice", A, 150, 200),
            (Approval::BeyondWindow, Some(0)),
            "the end is exclusive"
        );
        assert_eq!(
            d("alice", A, 750, 760),
            (Approval::InWindow, Some(4)),
            "a revoked grant had its window"
        );
        assert_eq!(d("alice", A, 250, 260), (Approval::OutsideWindow, Some(0)));
        assert_eq!(d("alice", A, 350, 360), (Approval::OtherRoleOrAccount, Some(1)));
        assert_eq!(
            d("alice", A, 550, 560),
            (Approval::OutsideWindow, Some(4)),
            "the nearest of her windows"
        );
        assert_eq!(d("erin", A, 550, 560), (Approval::OtherRequester, Some(2)));
        assert_eq!(d("dave", A, 150, 160), (Approval::OtherRequester, Some(0)));
        assert_eq!(d("carol", A, 250, 260), (Approval::NotGranted, Some(3)));
        assert_eq!(d("dave", A, 250, 260), (Approval::NoApproval, None));
        assert_eq!(
            d("bob", B, 550, 560),
            (Approval::OtherRoleOrAccount, Some(2)),
            "approved for A, used in B"
        );
    }
}
