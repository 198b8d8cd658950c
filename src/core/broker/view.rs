//! The broker overlay as `trace` and `role` show it: serialisable views, and the one place where a trace's origin
//! becomes the requester (with the broker as the hop that granted it) and where the broker's flags are worded.
//!
//! Without broker context nothing here runs and every output keeps the exact shape it had (`broker` fields are
//! absent, not null).

use super::analysis::{Approval, BrokerAnalysis, BrokerLink, Confidence, SessionBroker};
use super::request::{LogFormat, Request, RequestStatus};
use crate::core::graph::{OriginKind, OriginView, RoleProfile, SessionGraph, SessionId, Trace};
use crate::core::model::Store;
use crate::core::time::rfc3339;
use serde::Serialize;

/// One request as outputs show it.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RequestView {
    /// The broker's id for it, when it has one.
    pub id: Option<String>,
    /// The export it was read from.
    pub format: LogFormat,
    /// The log file.
    pub file: String,
    /// 0-based record index in the file.
    pub index: u64,
    /// What the broker decided.
    pub status: RequestStatus,
    /// The status word as the broker wrote it.
    pub status_word: String,
    /// Who asked.
    pub requester: String,
    /// The account asked for.
    pub account: String,
    /// The role or permission set asked for.
    pub role: String,
    /// Window start, RFC 3339 UTC.
    pub start: String,
    /// Window end (exclusive), RFC 3339 UTC.
    pub end: String,
    /// Window length in minutes.
    pub duration_minutes: i64,
    /// Who decided.
    pub approver: Option<String>,
    /// Why the requester asked.
    pub justification: Option<String>,
    /// The ticket given, if any.
    pub ticket: Option<String>,
}

impl RequestView {
    /// The view of `r`.
    pub fn of(r: &Request) -> RequestView {
        RequestView {
            id: r.id.clone(),
            format: r.format,
            file: r.source.path.display().to_string(),
            index: r.source.index,
            status: r.status,
            status_word: r.status_word.clone(),
            requester: r.requester.clone(),
            account: r.account.clone(),
            role: r.role.clone(),
            start: rfc3339(r.start),
            end: rfc3339(r.end),
            duration_minutes: (r.end - r.start) / 60,
            approver: r.approver.clone(),
            justification: r.justification.clone(),
            ticket: r.ticket.clone(),
        }
    }
}

/// What the broker context says about one session.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct BrokerView {
    /// The session this is about.
    pub access_key_id: Option<String>,
    /// How a broker's grant created it; `None`: no broker created it (a session of a broker-managed role).
    pub link: Option<BrokerLink>,
    /// How far that link can be trusted (`strong`, `medium`, `weak`).
    pub confidence: Option<Confidence>,
    /// The broker's role that assumed it (the hop that granted it).
    pub broker_role_arn: Option<String>,
    /// The broker's session that assumed it.
    pub broker_access_key_id: Option<String>,
    /// Who the broker's own chain starts at (its Lambda's service, usually): the machinery, not the person.
    pub broker_origin: Option<String>,
    /// The person the session is for, as the session name or request says.
    pub requester: Option<String>,
    /// What the request log says about the session.
    pub approval: Approval,
    /// The request that answer rests on.
    pub request: Option<RequestView>,
    /// Calls at or after the request's window ended.
    pub calls_after_expiry: u64,
    /// The first of those calls, RFC 3339 UTC.
    pub first_call_after_expiry: Option<String>,
    /// One sentence for people.
    pub explanation: String,
    /// Problems worth an analyst's eye (weak link, no approval, outside or beyond the window…).
    pub flags: Vec<String>,
}

/// A broker-managed role's requests, for `role`.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RoleBrokerView {
    /// Every request naming the role (or its permission set) in one of its accounts, in log order.
    pub requests: Vec<RequestView>,
    /// Sessions of the role whose answer is a breach (no approval, outside or beyond a window, …).
    pub sessions_flagged: u64,
}

impl BrokerAnalysis {
    /// The view of session `s`, if the overlay has anything to say about it.
    pub fn view(&self, store: &Store, graph: &SessionGraph, s: SessionId) -> Option<BrokerView> {
        let sb = self.session(s)?;
        let x = graph.session(s);
        let key = store.strings.opt(x.access_key).map(str::to_string);
        let broker = sb.grant.as_ref().map(|g| graph.session(g.broker_session));
        let broker_origin = sb
            .grant
            .as_ref()
            .map(|g| graph.origin_of(store, g.broker_session).description);
        let request = self.request(sb);
        let role = super::name::request_role_name(store.s(x.role_arn)).to_string();
        let account = store.s(x.account).to_string();
        let flags = flags(
            sb,
            request,
            key.as_deref().unwrap_or("(no key)"),
            &role,
            &account,
            store,
            graph,
        );
        Some(BrokerView {
            access_key_id: key,
            link: sb.grant.as_ref().map(|g| g.link),
            confidence: sb.grant.as_ref().map(|g| g.link.confidence()),
            broker_role_arn: broker.and_then(|b| store.strings.opt(b.role_arn)).map(str::to_string),
            broker_access_key_id: broker.and_then(|b| store.strings.opt(b.access_key)).map(str::to_string),
            broker_origin,
            requester: sb.requester.clone(),
            approval: sb.approval,
            request: request.map(RequestView::of),
            calls_after_expiry: sb.calls_after_expiry,
            first_call_after_expiry: sb.first_call_after_expiry.map(rfc3339),
            explanation: explanation(sb, request),
            flags,
        })
    }

    /// Add the broker's answers to a trace of session `s`: the session's own view, the broker link of every
    /// granted hop, the requester as origin when a broker granted a hop of the chain, and the flags.
    pub fn annotate_trace(&self, store: &Store, graph: &SessionGraph, s: SessionId, t: &mut Trace) {
        if self.sessions.is_empty() {
            return;
        }
        t.session.broker = self.view(store, graph, s);
        for h in t.chain.iter_mut().chain(t.children.iter_mut()) {
            h.broker_link = self.session(h.session).and_then(|b| b.grant.as_ref()).map(|g| g.link);
        }
        if let Some(hop) = self.granting_hop(graph, s)
            && let Some(v) = self.view(store, graph, hop)
        {
            t.origin = requester_origin(&v);
            t.broker = Some(v);
        }
        let mut seen = Vec::new();
        for v in [t.broker.as_ref(), t.session.broker.as_ref()].into_iter().flatten() {
            for f in &v.flags {
                if !seen.contains(f) {
                    seen.push(f.clone());
                }
            }
        }
        t.flags.extend(seen);
    }

    /// Add the broker's answers to a role profile: each session's view and the role's requests.
    pub fn annotate_role(&self, store: &Store, graph: &SessionGraph, role: &str, p: &mut RoleProfile) {
        if self.is_empty() {
            return;
        }
        let mut flagged = 0;
        for sv in &mut p.sessions {
            let Some(s) = sv.access_key_id.as_deref().and_then(|k| graph.session_by_key(store, k)) else {
                continue;
            };
            sv.broker = self.view(store, graph, s);
            flagged += u64::from(sv.broker.as_ref().is_some_and(|b| !b.flags.is_empty()));
        }
        let arns = graph.role_arns(store, role);
        let requests: Vec<RequestView> = self
            .context
            .requests
            .iter()
            .filter(|r| {
                arns.iter().any(|&a| {
                    let arn = store.s(a);
                    let acct = crate::core::graph::arn_account(arn).unwrap_or("");
                    r.is_for(acct, super::name::request_role_name(arn))
                })
            })
            .map(RequestView::of)
            .collect();
        if !requests.is_empty() || flagged > 0 || p.sessions.iter().any(|s| s.broker.is_some()) {
            p.broker = Some(RoleBrokerView {
                requests,
                sessions_flagged: flagged,
            });
        }
    }
}

/// The requester as the origin of a broker-granted chain.
pub fn requester_origin(v: &BrokerView) -> OriginView {
    let broker = v
        .broker_role_arn
        .as_deref()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .unwrap_or("?");
    let how = match v.link {
        Some(BrokerLink::BrokerRequest) => "strong: configured broker role and an approved request",
        Some(BrokerLink::BrokerRole) => "medium: configured broker role, no approved request confirms the requester",
        _ => "weak: session name pattern only",
    };
    let description = match &v.requester {
        Some(r) => format!("{r}, requester, granted by broker role {broker} ({how})"),
        None => format!("unknown requester: broker role {broker} granted it under a session name naming no one"),
    };
    OriginView {
        kind: OriginKind::BrokerRequester,
        name: v.requester.clone(),
        arn: None,
        account: None,
        principal_id: None,
        acting_for: None,
        provider: None,
        logs_loaded: true,
        description,
        user_id: None,
        identity_store_arn: None,
        portal_sessions: Vec::new(),
    }
}

fn explanation(sb: &SessionBroker, r: Option<&Request>) -> String {
    let who = sb.requester.as_deref().unwrap_or("an unnamed requester");
    let window = |r: &Request| format!("{} .. {}", rfc3339(r.start), rfc3339(r.end));
    let by = |r: &Request| r.approver.as_deref().unwrap_or("an unrecorded approver").to_string();
    match (sb.approval, r) {
        (Approval::InWindow, Some(r)) => format!("inside {who}'s window {} approved by {}", window(r), by(r)),
        (Approval::BeyondWindow, Some(r)) => {
            format!(
                "started inside {who}'s window {} approved by {}, active after it",
                window(r),
                by(r)
            )
        }
        (Approval::OutsideWindow, Some(r)) => format!("outside {who}'s approved window {}", window(r)),
        (Approval::OtherRoleOrAccount, Some(r)) => format!(
            "{who}'s approved window at that time is for {} in {}",
            r.role, r.account
        ),
        (Approval::OtherRequester, Some(r)) => {
            format!("the approved window at that time is {}'s, not {who}'s", r.requester)
        }
        (Approval::NotGranted, Some(r)) => format!("{who}'s request was {}, never approved", r.status_word),
        (Approval::NotChecked, _) => "granted by a broker; no request log given, approval not checked".into(),
        _ => format!("no request by {who} for this role and account"),
    }
}

fn flags(
    sb: &SessionBroker,
    r: Option<&Request>,
    key: &str,
    role: &str,
    account: &str,
    store: &Store,
    graph: &SessionGraph,
) -> Vec<String> {
    let mut out = Vec::new();
    let who = sb.requester.as_deref().unwrap_or("(unnamed)");
    if let Some(g) = &sb.grant {
        let broker_role = store.s(graph.session(g.broker_session).role_arn);
        if g.link == BrokerLink::NamePattern {
            out.push(format!(
                "weak broker link at {key}: only the session name follows <requester>-<RoleName>; {broker_role} is not a configured broker role (--broker-role)"
            ));
        }
        if g.requester.is_none() {
            out.push(format!("broker session {key} names no requester"));
        } else if g.name_off_pattern {
            out.push(format!(
                "broker session name at {key} does not follow <requester>-<RoleName>; the whole name is taken as the requester"
            ));
        }
    }
    let when = rfc3339(sb.started);
    match (sb.approval, r) {
        (Approval::BeyondWindow, Some(r)) => {
            let mut f = format!(
                "session {key} ({who}, {role} in {account}) active after its approved window ended at {}",
                rfc3339(r.end)
            );
            if sb.calls_after_expiry > 0 {
                f.push_str(&format!(
                    ": {} calls after expiry, the first at {}",
                    sb.calls_after_expiry,
                    sb.first_call_after_expiry.map(rfc3339).unwrap_or_default()
                ));
            }
            out.push(f);
        }
        (Approval::OutsideWindow, Some(r)) => out.push(format!(
            "session {key} started at {when}, outside {who}'s approved window {} .. {} for {role} in {account}",
            rfc3339(r.start),
            rfc3339(r.end)
        )),
        (Approval::OtherRoleOrAccount, Some(r)) => out.push(format!(
            "session {key}: {who}'s approved request at {when} is for {} in {}, not {role} in {account}",
            r.role, r.account
        )),
        (Approval::OtherRequester, Some(r)) => out.push(format!(
            "session {key}: the approved request for {role} in {account} at {when} is {}'s, not {who}'s",
            r.requester
        )),
        (Approval::NotGranted, Some(r)) => out.push(format!(
            "session {key}: {who}'s request for {role} in {account} was {}, not approved",
            r.status_word
        )),
        (a, _) if a.is_breach() => out.push(format!(
            "session {key} of broker-managed role {role} in {account} has no approved request by {who}"
        )),
        _ => {}
    }
    out
}
