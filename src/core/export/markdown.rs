//! The Markdown report: case summary and scope, findings, case notes, one section per marked entity (details,
//! Detective link, chain as a Mermaid flowchart, new-behaviour highlights, evidence events, notes, verdicts), and
//! a verdict summary. Every string from logs or analysts goes through [`escape::markdown`],
//! [`escape::markdown_quote`] or [`escape::mermaid_label`]; no raw HTML is written.

use super::escape::{self, markdown as md};
use super::report::*;
use crate::core::time::rfc3339;
use std::fmt::Write;

/// The report as Markdown for people; every text from the logs or the case is escaped for Markdown.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    summary(&mut o, r);
    findings(&mut o, r);
    if let Some(g) = &r.geofence {
        geofence(&mut o, g);
    }
    if !r.case_notes.is_empty() {
        o.push_str("## Case notes\n\n");
        notes(&mut o, &r.case_notes);
    }
    o.push_str("## Entities\n\n");
    if r.entities.is_empty() {
        o.push_str("_No starred, noted, tagged or judged entities._\n\n");
    }
    for e in &r.entities {
        entity(&mut o, e);
    }
    verdicts(&mut o, r);
    o
}

fn summary(o: &mut String, r: &Report) {
    o.push_str("# Investigation report\n\n| | |\n|---|---|\n");
    let _ = writeln!(o, "| Case | {} |", md(&r.case.dir));
    if let Some(t) = r.case.created {
        let _ = writeln!(o, "| Created | {} |", rfc3339(t.0));
    }
    let scope = match &r.case.scope {
        Some(s) => format!("{} – {}", s.from, s.to),
        None => "not set (all loaded time)".to_string(),
    };
    let _ = writeln!(o, "| Scope | {scope} |");
    if let Some(t) = r.generated {
        let _ = writeln!(o, "| Generated | {} |", rfc3339(t.0));
    }
    let d = &r.data;
    let _ = writeln!(
        o,
        "| Data | {} events from {} files, {} findings |",
        d.events, d.files, d.findings
    );
    o.push('\n');
    if let Some(w) = &d.warning {
        let _ = writeln!(o, "**Warning:** {}\n", md(w));
    }
    if !r.case.inputs.is_empty() {
        o.push_str("Inputs:\n\n");
        for i in &r.case.inputs {
            let _ = writeln!(o, "- {}", md(i));
        }
        o.push('\n');
    }
}

fn findings(o: &mut String, r: &Report) {
    o.push_str("## Findings\n\n");
    if r.findings.is_empty() {
        o.push_str("_No findings loaded._\n\n");
        return;
    }
    o.push_str("| Severity | Type | Title | Resource | Account | Last seen | Finding | Detective |\n");
    o.push_str("|---|---|---|---|---|---|---|---|\n");
    for f in &r.findings {
        let link = f
            .detective_url
            .as_deref()
            .map(|u| format!("[open]({u})"))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "| {} {:.1} | {} | {} | {} | {} | {} | {} | {link} |",
            md(&f.severity_label),
            f.severity,
            md(&f.finding_type),
            md(&f.title),
            md(f.resource.as_deref().unwrap_or("")),
            md(f.account.as_deref().unwrap_or("")),
            f.last_seen.map(|t| rfc3339(t.0)).unwrap_or_default(),
            md(&f.id),
        );
    }
    o.push('\n');
}

fn geofence(o: &mut String, g: &crate::core::policy::fence::GeofenceReport) {
    use crate::core::policy::fence::Standing;
    o.push_str("## Geo-fence review\n\n");
    let _ = writeln!(
        o,
        "Fence: {} (service calls on a principal's behalf {}; covers {}).\n",
        md(&g.fence.to_text()),
        if g.fence.service_calls_exempt {
            "exempt"
        } else {
            "not exempt"
        },
        if g.fence.roles.is_empty() {
            "every principal".to_string()
        } else {
            format!("{} role(s)", g.fence.roles.len())
        }
    );
    for n in &g.fence.notes {
        let _ = writeln!(o, "- Note: {}", md(n));
    }
    if !g.fence.notes.is_empty() {
        o.push('\n');
    }
    let t = &g.totals;
    let _ = writeln!(
        o,
        "{} calls covered: {} inside, **{} allowed from outside**, {} denied from outside, {} unknown, {} made by AWS services on the principals' behalf ({} not covered).\n",
        t.covered, t.inside, t.allowed_outside, t.denied_outside, t.unknown, t.on_behalf, t.not_covered
    );
    if g.principals.is_empty() {
        o.push_str("_No call from outside the fence._\n\n");
        return;
    }
    o.push_str("| Standing | Principal | Address | Place | AS | Allowed | Denied | Session | Origin | Last seen |\n");
    o.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    for p in &g.principals {
        for s in &p.sources {
            let standing = match (s.standing, s.allowed > 0) {
                (Standing::Outside, true) => "**allowed from outside**",
                (Standing::Outside, false) => "denied",
                _ => "unknown",
            };
            let place = match (&s.country, &s.city) {
                (Some(c), Some(city)) => format!("{c} {city}"),
                (Some(c), None) => c.clone(),
                _ => "unknown".into(),
            };
            let asn = match (&s.asn, &s.as_org) {
                (Some(n), Some(org)) => format!("AS{n} {org}"),
                _ => "unknown".into(),
            };
            let _ = writeln!(
                o,
                "| {standing} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                md(&p.principal.label),
                md(&s.address),
                md(&place),
                md(&asn),
                s.allowed,
                s.denied,
                md(s.session.as_deref().unwrap_or("")),
                md(&s.origin),
                s.last_seen
            );
        }
    }
    o.push('\n');
    let services: Vec<_> = g
        .principals
        .iter()
        .flat_map(|p| p.on_behalf.iter().map(move |s| (p, s)))
        .collect();
    if !services.is_empty() {
        o.push_str("Calls AWS services made on the principals' behalf (not judged by address):\n\n");
        o.push_str("| Principal | Service | Allowed | Denied | Last seen |\n|---|---|---|---|---|\n");
        for (p, s) in services {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                md(&p.principal.label),
                md(&s.service),
                s.allowed,
                s.denied,
                s.last_seen
            );
        }
        o.push('\n');
    }
}

fn notes(o: &mut String, notes: &[NoteEntry]) {
    for n in notes {
        let _ = write!(o, "**Note {}** by {}, {}", n.id, md(&n.author), rfc3339(n.created.0));
        if n.rev > 1 {
            let _ = write!(
                o,
                " (revision {}, {} by {})",
                n.rev,
                rfc3339(n.updated.0),
                md(&n.updated_by)
            );
        }
        o.push_str("\n\n");
        if let Some(c) = n.conflict_with {
            let _ = writeln!(
                o,
                "**Edit conflict:** this text was written over an older copy; revision {c} holds the other text \
                 (`trailhound note list --json` shows both).\n"
            );
        }
        o.push_str(&escape::markdown_quote(&n.text));
        o.push('\n');
    }
}

fn entity(o: &mut String, e: &EntitySection) {
    let _ = writeln!(o, "### {}\n", md(&e.entity));
    let mut marks = Vec::new();
    if let Some(v) = &e.verdict {
        marks.push(format!(
            "**Verdict:** {} (by {}, {})",
            v.verdict,
            md(&v.author),
            rfc3339(v.at.0)
        ));
    }
    if e.starred {
        marks.push("**Starred** as evidence".to_string());
    }
    if !e.tags.is_empty() {
        let tags: Vec<String> = e.tags.iter().map(|t| md(t)).collect();
        marks.push(format!("**Tags:** {}", tags.join(", ")));
    }
    if let Some(u) = &e.detective_url {
        marks.push(format!("[Open in Amazon Detective]({u})"));
    }
    if !marks.is_empty() {
        let _ = writeln!(o, "{}\n", marks.join(" · "));
    }
    if !e.details.is_empty() {
        o.push_str("| Detail | Value |\n|---|---|\n");
        for d in &e.details {
            let _ = writeln!(o, "| {} | {} |", d.label, md(&d.value));
        }
        o.push('\n');
    }
    chain(o, e.chain.as_ref());
    highlights(o, e.highlights.as_deref());
    if let Some(lp) = &e.least_privilege {
        least_privilege(o, lp);
    }
    denied(o, e.denied.as_ref());
    investigation(o, e.investigation.as_ref());
    evidence(o, e);
    if !e.notes.is_empty() {
        o.push_str("#### Notes\n\n");
        notes(o, &e.notes);
    }
    if e.verdict_history.len() > 1 {
        o.push_str("#### Verdict history\n\n");
        for v in &e.verdict_history {
            let _ = writeln!(o, "- {} {} by {}", rfc3339(v.at.0), v.verdict, md(&v.author));
        }
        o.push('\n');
    }
}

fn chain(o: &mut String, chain: Option<&Chain>) {
    o.push_str("#### Chain\n\n");
    let Some(c) = chain else {
        o.push_str("_Not computed for this report (session graph not available)._\n\n");
        return;
    };
    if c.nodes.is_empty() {
        o.push_str("_No chain: no assumption led to this entity in the loaded data._\n\n");
        return;
    }
    o.push_str("```mermaid\nflowchart LR\n");
    for (i, n) in c.nodes.iter().enumerate() {
        let label = format!("{}: {}", n.kind, n.label);
        let _ = writeln!(o, "  n{i}[\"{}\"]", escape::mermaid_label(&label));
    }
    for e in &c.edges {
        if e.from >= c.nodes.len() || e.to >= c.nodes.len() {
            continue;
        }
        let label = format!("{} ({})", e.label, e.rule);
        let _ = writeln!(o, "  n{} -->|\"{}\"| n{}", e.from, escape::mermaid_label(&label), e.to);
    }
    o.push_str("```\n\n");
}

fn highlights(o: &mut String, h: Option<&[Highlight]>) {
    o.push_str("#### New behaviour\n\n");
    match h {
        None => o.push_str("_Not computed for this report (behaviour analytics not available)._\n\n"),
        Some([]) => o.push_str("_Nothing new in scope compared with the baseline._\n\n"),
        Some(list) => {
            for x in list {
                let _ = writeln!(o, "- **{}:** {} — {}", md(&x.category), md(&x.value), md(&x.detail));
            }
            o.push('\n');
        }
    }
}

fn least_privilege(o: &mut String, lp: &LeastPrivilege) {
    o.push_str("#### Least-privilege policy\n\n");
    o.push_str("What the successful calls in scope needed (`trailhound policy`; README \"Least privilege from observed use\").\n\n");
    // Inert JSON: hazards escaped, and every line starts with indentation then `{`, `}`, `[`, `]` or `"`, so no
    // value can close the fence.
    let json = crate::core::text::json::to_string_pretty(&lp.policy).unwrap_or_default();
    let _ = writeln!(o, "```json\n{json}\n```\n");
    if !lp.unmapped.is_empty() {
        let list: Vec<String> = lp.unmapped.iter().map(|u| md(u)).collect();
        let _ = writeln!(
            o,
            "Calls whose actions are unknown (not in the policy): {}\n",
            list.join(", ")
        );
    }
    if lp.failed_left_out > 0 {
        let _ = writeln!(o, "{} failed calls left out.\n", lp.failed_left_out);
    }
}

fn denied(o: &mut String, d: Option<&DeniedSection>) {
    o.push_str("#### Denied calls\n\n");
    let Some(d) = d else {
        o.push_str("_Not computed for this report (not a profile, or the session graph is not available)._\n\n");
        return;
    };
    let c = &d.counts;
    if c.denied == 0 {
        let _ = writeln!(
            o,
            "_No denied calls of {} in {} .. {}._\n",
            d.calls_in_scope, d.scope.from, d.scope.to
        );
        return;
    }
    let _ = writeln!(
        o,
        "{} of {} calls denied in {} .. {} ({} explicit, {} implicit), first {}, last {}.\n",
        c.denied, d.calls_in_scope, d.scope.from, d.scope.to, c.explicit, c.implicit, c.first_seen, c.last_seen
    );
    for b in &d.bursts {
        let _ = writeln!(o, "- **Burst:** {} denials from {} to {}", b.denials, b.first, b.last);
    }
    if !d.bursts.is_empty() {
        o.push('\n');
    }
    o.push_str("| Policy type | Action | Resource | Denied | Explicit | Implicit | First | Last |\n");
    o.push_str("|---|---|---|---|---|---|---|---|\n");
    for t in &d.by_policy_type {
        for a in &t.actions {
            let action = match &a.action {
                Some(x) => md(x),
                None => format!("not stated ({} {})", md(&a.event_source), md(&a.event_name)),
            };
            for r in &a.resources {
                let resource = r.resource.as_deref().map_or_else(|| "not stated".to_string(), md);
                let _ = writeln!(
                    o,
                    "| {} | {action} | {resource} | {} | {} | {} | {} | {} |",
                    t.label,
                    r.counts.denied,
                    r.counts.explicit,
                    r.counts.implicit,
                    r.counts.first_seen,
                    r.counts.last_seen
                );
            }
        }
    }
    o.push('\n');
}

/// A command as a fenced code block (literal, copyable): the fence is longer than any run of backticks in it, and
/// the command went through `core::text::visible` (commands with hazards are never built; this is defence in depth).
fn command_block(o: &mut String, command: &str) {
    let command = crate::core::text::visible(command);
    let longest = command.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(o, "{fence}sh\n{command}\n{fence}\n");
}

fn investigation(o: &mut String, inv: Option<&crate::core::investigate::Investigation>) {
    o.push_str("#### Investigation\n\n");
    let Some(r) = inv else {
        o.push_str("_Not computed for this report (not a profile, or the session graph is not available)._\n\n");
        return;
    };
    let _ = writeln!(
        o,
        "**Severity: {}** (score {}) in {} .. {}: {} own calls, {} assumptions, {} calls down the chain.\n",
        r.severity.level,
        r.severity.score,
        r.scope.from,
        r.scope.to,
        r.events.own,
        r.events.assumptions,
        r.events.chain
    );
    if !r.severity.lines.is_empty() {
        o.push_str("| Indicator | Points | Item |\n|---|---|---|\n");
        for l in &r.severity.lines {
            let _ = writeln!(o, "| {} | {} | {} |", l.indicator, l.points, md(&l.item));
        }
        o.push('\n');
    }
    for t in &r.techniques {
        let tactic = t.tactic.map_or("untagged".to_string(), |t| t.to_string());
        for x in &t.techniques {
            let id = x.technique.as_ref().map_or("untagged".to_string(), |t| t.to_string());
            let rules: Vec<String> = x
                .rules
                .iter()
                .map(|r| format!("{} ({})", md(&r.title), r.level))
                .collect();
            let _ = writeln!(
                o,
                "- **{tactic} / {id}**: {} — {} events",
                rules.join("; "),
                x.event_count
            );
        }
    }
    if !r.techniques.is_empty() {
        o.push('\n');
    }
    for f in &r.flagged_addresses {
        let mut on: Vec<String> = f
            .intel
            .iter()
            .map(|m| format!("{} ({})", md(&m.label), md(&m.list)))
            .collect();
        on.extend(f.guardduty.iter().map(|g| {
            format!(
                "GuardDuty {} list {}",
                md(&g.finding_id),
                g.threat_list_name
                    .as_deref()
                    .map_or_else(|| "not named".to_string(), md)
            )
        }));
        let _ = writeln!(
            o,
            "- **Flagged address** {}: {} calls; {}",
            md(&f.ip),
            f.calls,
            on.join("; ")
        );
    }
    for t in &r.impossible_travel {
        let _ = writeln!(
            o,
            "- **Impossible travel** {}: {} → {} ({:.0} km/h)",
            md(&t.origin),
            md(&t.start.ip),
            md(&t.end.ip),
            t.speed_kmh
        );
    }
    for g in &r.new_geolocations {
        let _ = writeln!(o, "- **New geolocation** {}", md(&g.label));
    }
    for a in &r.new_asos {
        let _ = writeln!(o, "- **New AS organisation** {} {}", a.asn, md(&a.org));
    }
    for u in &r.new_user_agents {
        let _ = writeln!(o, "- **New user agent** {}", md(&u.user_agent));
    }
    for f in &r.related_findings {
        let _ = writeln!(
            o,
            "- **Related finding** {} {} ({} {}): {} {}",
            md(&f.finding_type),
            md(&f.id),
            f.severity.label,
            f.severity.value,
            f.relation,
            md(&f.on)
        );
    }
    for b in &r.denied.bursts {
        let _ = writeln!(
            o,
            "- **Denied burst** {} denials from {} to {}",
            b.denials, b.first, b.last
        );
    }
    o.push('\n');
    if !r.actions.is_empty() {
        o.push_str("Recommended actions:\n\n");
    }
    for a in &r.actions {
        let _ = writeln!(o, "- {}\n", md(&a.why));
        match (&a.command, &a.not_prefilled) {
            (Some(c), _) => command_block(o, c),
            (None, Some(why)) => {
                let _ = writeln!(o, "  _Not prefilled: {}_\n", md(why));
            }
            (None, None) => {}
        }
    }
    for n in &r.not_checked {
        let _ = writeln!(o, "- _Not checked ({}): {}_", n.kind, md(&n.detail));
    }
    if !r.not_checked.is_empty() {
        o.push('\n');
    }
}

fn evidence(o: &mut String, e: &EntitySection) {
    let _ = writeln!(
        o,
        "#### Evidence events ({} of {})\n",
        e.evidence.len(),
        e.evidence_total
    );
    if e.evidence.is_empty() {
        o.push_str("_No loaded events match this entity in scope._\n\n");
        return;
    }
    o.push_str("| Time | Account | Region | Session | API | Result | IP | Place |\n");
    o.push_str("|---|---|---|---|---|---|---|---|\n");
    for v in &e.evidence {
        let star = if v.starred { " ★" } else { "" };
        let _ = writeln!(
            o,
            "| {}{star} | {} | {} | {} | {} | {} | {} | {} |",
            rfc3339(v.time.0),
            md(&v.account),
            md(&v.region),
            md(&v.session),
            md(&v.api),
            md(&v.result),
            md(&v.source_ip),
            md(v.place.as_deref().unwrap_or("")),
        );
    }
    o.push('\n');
}

fn verdicts(o: &mut String, r: &Report) {
    let judged: Vec<&EntitySection> = r.entities.iter().filter(|e| e.verdict.is_some()).collect();
    if judged.is_empty() {
        return;
    }
    o.push_str("## Verdicts\n\n| Entity | Verdict | By | At |\n|---|---|---|---|\n");
    for e in judged {
        if let Some(v) = &e.verdict {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                md(&e.entity),
                v.verdict,
                md(&v.author),
                rfc3339(v.at.0)
            );
        }
    }
    o.push('\n');
}

#[cfg(test)]
mod tests {
    use super::command_block;

    #[test]
    fn a_command_fence_is_longer_than_any_backtick_run_and_hazards_show_escaped() {
        let mut o = String::new();
        command_block(&mut o, "aws x --name 'a````b'");
        assert_eq!(o, "`````sh\naws x --name 'a````b'\n`````\n\n");
        let mut o = String::new();
        command_block(&mut o, "aws x --name 'a\u{1b}[31m'");
        assert!(!o.contains('\u{1b}'));
        assert!(o.starts_with("```sh\n"));
    }
}
