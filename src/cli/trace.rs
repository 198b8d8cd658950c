//! `trailhound trace` and `trailhound role`: the session graph's answers on the command line.

use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::graph::{Found, SessionGraph, Trace};
use crate::core::model::Store;
use crate::core::time::Scope;
use anyhow::{Context, bail};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct TraceArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Access key (ASIA…), principal id (AROA…:name), session ARN, or event id.
    pub target: String,
    /// Time window FROM..TO (RFC 3339) for the calls; also narrows ambiguous principal ids.
    #[arg(long, value_parser = Scope::parse)]
    pub scope: Option<Scope>,
}

#[derive(clap::Args, Debug)]
pub struct RoleArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Role ARN or role name.
    pub role: String,
    #[arg(long, value_parser = Scope::parse)]
    pub scope: Option<Scope>,
}

pub fn run_trace(a: TraceArgs) -> anyhow::Result<ExitCode> {
    let data = load_dataset(&a.input, None)?;
    let (store, graph) = (data.store(), data.graph());
    let scope = a.scope.unwrap_or(Scope::ALL);
    let session = resolve(store, graph, &a.target, scope)?;
    let t = data.trace(session, scope);
    if a.input.json {
        print_json(&t)?;
    } else {
        print_trace(&t);
    }
    Ok(ExitCode::SUCCESS)
}

/// One session for what the analyst typed, or an error that lists the candidates (never a silent pick).
pub fn resolve(store: &Store, graph: &SessionGraph, target: &str, scope: Scope) -> anyhow::Result<u32> {
    match graph.find(store, target) {
        Found::Sessions(v) if v.len() == 1 => Ok(v[0]),
        Found::Sessions(v) => {
            let active: Vec<u32> = v
                .iter()
                .copied()
                .filter(|&s| {
                    let x = graph.session(s);
                    x.first_seen < scope.to && x.last_seen >= scope.from
                })
                .collect();
            if active.len() == 1 {
                return Ok(active[0]);
            }
            let shown = if active.is_empty() { &v } else { &active };
            // Newest first: an analyst with a fresh finding most likely wants a recent session.
            let mut list: Vec<String> = shown
                .iter()
                .rev()
                .take(20)
                .map(|&s| {
                    let x = graph.session_view(store, s);
                    safe(&format!(
                        "  {}  {} .. {}  {}",
                        x.access_key_id.as_deref().unwrap_or("(no key)"),
                        x.first_seen,
                        x.last_seen,
                        x.role_arn.as_deref().unwrap_or("")
                    ))
                })
                .collect();
            if shown.len() > 20 {
                list.push(format!("  … and {} older", shown.len() - 20));
            }
            bail!(
                "{} sessions match {:?}; give an access key or a --scope that selects one (newest first):\n{}",
                shown.len(),
                safe(target),
                list.join("\n")
            )
        }
        Found::Event(i) => graph.session_of_event(i).with_context(|| {
            format!(
                "event {} was not made by a role session (it was signed by a long-term principal)",
                safe(target)
            )
        }),
        Found::Origin(o) => bail!(
            "{} is an origin principal ({}), not a session; use `role` or the TUI's origin profile",
            safe(target),
            safe(&graph.origin_view(store, o).description)
        ),
        Found::Nothing => bail!("nothing in the loaded data matches {:?}", safe(target)),
    }
}

fn print_trace(t: &Trace) {
    let o = |v: &Option<String>| safe(v.as_deref().unwrap_or("-"));
    let s = &t.session;
    println!("session         {}", o(&s.access_key_id));
    println!("role            {}", o(&s.role_arn));
    println!("account         {}", o(&s.account));
    println!("session name    {}", o(&s.session_name));
    println!("role session id {}", o(&s.role_session_id));
    println!("observed        {} .. {}", s.first_seen, s.last_seen);
    println!(
        "mfa             {}",
        s.mfa.map(|m| if m { "yes" } else { "no" }).unwrap_or("unknown")
    );
    println!("source identity {}", o(&s.source_identity));
    print_context(s);
    println!("\nassumed by      {} [{}]", safe(&t.origin.description), t.origin.kind);
    if let Some(b) = t.broker.as_ref().or(s.broker.as_ref()) {
        print_broker(b);
    }
    println!("\nchain (outermost first):");
    for (i, h) in t.chain.iter().enumerate() {
        println!(
            "  {}{} {} as {} in {}  at {}  link={}{}",
            "  ".repeat(i),
            if i == 0 { "•" } else { "└▶" },
            o(&h.access_key_id),
            o(&h.session_name),
            o(&h.role_arn),
            h.assumed_at.as_deref().unwrap_or("(before the logs)"),
            h.link.map(<&str>::from).unwrap_or("-"),
            if h.source_identity_break {
                "  [source identity dropped]"
            } else {
                ""
            }
        );
        for x in &h.tag_issues {
            println!(
                "  {}    ! tag {} {}: {} → {}",
                "  ".repeat(i),
                safe(&x.key),
                x.kind,
                safe(x.was.as_deref().unwrap_or("(none)")),
                safe(x.now.as_deref().unwrap_or("(none)"))
            );
        }
    }
    if !t.children.is_empty() {
        println!("\nsessions it started:");
        for h in &t.children {
            println!(
                "  {}└▶ {} as {} in {}  at {}  link={}",
                "  ".repeat(h.depth.unwrap_or(1) as usize - 1),
                o(&h.access_key_id),
                o(&h.session_name),
                o(&h.role_arn),
                h.assumed_at.as_deref().unwrap_or("-"),
                h.link.map(<&str>::from).unwrap_or("-")
            );
        }
    }
    println!("\ncalls:");
    println!("  {:<32} {:<40} {:>8} {:>8}", "service", "API", "success", "failure");
    for c in &t.calls {
        println!(
            "  {:<32} {:<40} {:>8} {:>8}",
            safe(&c.event_source),
            safe(&c.event_name),
            c.success,
            c.failure
        );
    }
    for f in &t.flags {
        println!("\n! {}", safe(f));
    }
}

/// Identity context lines, only for sessions that have it (permission set, Identity Center user, root task, tags).
fn print_context(s: &crate::core::graph::SessionView) {
    if let Some(ic) = &s.identity_center {
        if let Some(ps) = &ic.permission_set {
            println!("permission set  {}", safe(ps));
        }
        for u in &ic.users {
            println!(
                "IC user         {} in {} ({}, {})",
                safe(&u.user_id),
                safe(u.identity_store_arn.as_deref().unwrap_or("-")),
                u.link,
                u.confidence
            );
        }
    }
    if let Some(r) = &s.root {
        println!(
            "root task       {} ({}) until {} by {}",
            safe(r.task.as_deref().unwrap_or("-")),
            safe(r.task_policy_arn.as_deref().unwrap_or("-")),
            r.expires_by,
            safe(r.issued_by.as_deref().unwrap_or("-"))
        );
    }
    for t in &s.tags {
        println!(
            "tag             {}={}  [{}{}, {}]",
            safe(&t.key),
            safe(&t.value),
            t.source,
            if t.transitive { ", transitive" } else { "" },
            t.confidence
        );
    }
}

/// The broker lines of a trace: who asked, who approved, why, and what the request log says.
fn print_broker(b: &crate::core::broker::view::BrokerView) {
    let o = |v: Option<&str>| safe(v.unwrap_or("-"));
    if let Some(link) = b.link {
        println!(
            "broker          {} ({} link: {})",
            o(b.broker_role_arn.as_deref()),
            b.confidence.map(<&str>::from).unwrap_or("-"),
            link
        );
    }
    println!("requester       {}", o(b.requester.as_deref()));
    println!("approval        {}: {}", b.approval, safe(&b.explanation));
    if let Some(r) = &b.request {
        println!("approver        {}", o(r.approver.as_deref()));
        println!("justification   {}", o(r.justification.as_deref()));
        println!(
            "window          {} .. {} ({} {})",
            r.start,
            r.end,
            r.format,
            safe(&r.status_word)
        );
    }
}

pub fn run_role(a: RoleArgs) -> anyhow::Result<ExitCode> {
    let data = load_dataset(&a.input, None)?;
    let p = data.role_profile(&a.role, a.scope.unwrap_or(Scope::ALL));
    if p.role_arns.is_empty() {
        bail!("no role {:?} in the loaded data", safe(&a.role));
    }
    if a.input.json {
        print_json(&p)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("role: {}", safe(&p.role_arns.join(", ")));
    for (title, rows) in [("assumed by", &p.assumed_by), ("roles it assumed", &p.assumed_roles)] {
        println!("\n{title}:");
        for r in rows {
            println!(
                "  {:<20} {:<60} {:<14} {} .. {}  x{}",
                safe(&r.kind),
                safe(r.arn.as_deref().or(r.name.as_deref()).unwrap_or("-")),
                safe(r.account.as_deref().unwrap_or("-")),
                r.first,
                r.last,
                r.count
            );
        }
    }
    println!("\nsessions involved: {}", p.sessions.len());
    for s in p.sessions.iter().take(200) {
        println!(
            "  {:<22} {:<20} {} .. {}  calls {}{}",
            safe(s.access_key_id.as_deref().unwrap_or("-")),
            safe(s.session_name.as_deref().unwrap_or("-")),
            s.first_seen,
            s.last_seen,
            s.calls_total,
            s.broker
                .as_ref()
                .map(|b| format!(
                    "  broker: {} ({})",
                    b.approval,
                    safe(b.requester.as_deref().unwrap_or("-"))
                ))
                .unwrap_or_default()
        );
    }
    if let Some(b) = &p.broker {
        println!(
            "\nbroker requests: {} ({} sessions flagged)",
            b.requests.len(),
            b.sessions_flagged
        );
        for r in &b.requests {
            println!(
                "  {:<28} {:<10} {} .. {}  approver {}  why {}",
                safe(&r.requester),
                safe(&r.status_word),
                r.start,
                r.end,
                safe(r.approver.as_deref().unwrap_or("-")),
                safe(r.justification.as_deref().unwrap_or("-"))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
