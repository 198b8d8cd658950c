//! `trailhound denied`: a profile's denied calls in a scope, explained (policy type, explicit or implicit, action,
//! resource, policy ARN, principal) and counted by policy type → action → resource, with bursts; as a table or JSON
//! (README "Denied").

use super::behavior::select_profile;
use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::policy::denied::{self, Counts, DeniedConfig, DeniedReport};
use crate::core::time::Scope;
use anyhow::anyhow;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct DeniedArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// identity:<role arn>#<session>, session:ASIA…, role:…, principal:…, account:…, ip:…, ua:…, or a bare access
    /// key, principal id, role ARN, account id or IP (as `behavior`). Optional with --finding.
    #[arg(required_unless_present = "finding")]
    pub profile: Option<String>,
    /// Scope FROM..TO (RFC 3339); default: the finding's scope with --finding, else every hour the profile was
    /// active (its first to last call, widened to whole hours).
    #[arg(long, value_parser = Scope::parse)]
    pub scope: Option<Scope>,
    /// Take the profile and scope from a loaded finding.
    #[arg(long, conflicts_with = "scope")]
    pub finding: Option<String>,
    /// Most denied calls listed one by one (the latest); the counts cover all.
    #[arg(long, default_value_t = 1000)]
    pub max_calls: usize,
}

pub fn run(a: DeniedArgs) -> anyhow::Result<ExitCode> {
    let l = load_dataset(&a.input, None)?;
    let (sel, finding_scope) = select_profile(&l, a.profile.as_deref(), a.finding.as_deref())?;
    let ix = l.behavior();
    let scope = match (a.scope, finding_scope) {
        (Some(s), _) | (None, Some(s)) => s,
        (None, None) => denied::default_scope(&sel, ix).ok_or_else(|| anyhow!("the profile has no events"))?,
    };
    let cfg = DeniedConfig {
        max_calls: a.max_calls,
        ..Default::default()
    };
    let r = denied::denied(&sel, l.store(), l.graph(), ix, scope, &cfg);
    if a.input.json {
        print_json(&r)?;
    } else {
        print_text(&r);
    }
    Ok(ExitCode::SUCCESS)
}

fn counts(c: &Counts) -> String {
    format!(
        "denied {}  explicit {}  implicit {}  first {}  last {}",
        c.denied, c.explicit, c.implicit, c.first_seen, c.last_seen
    )
}

fn or_not_stated(s: Option<&str>) -> String {
    s.map(safe).unwrap_or_else(|| "(not stated)".to_string())
}

fn print_text(r: &DeniedReport) {
    println!(
        "profile  {} — {}",
        safe(&r.profile.entity),
        safe(&r.profile.description)
    );
    println!("scope    {} .. {}", r.scope.from, r.scope.to);
    println!(
        "rules    denial codes {}; burst: ≥ {} denials within {} minutes",
        r.rules.denial_codes.join(", "),
        r.rules.burst.min_denials,
        r.rules.burst.window_minutes
    );
    if r.counts.denied == 0 {
        println!("denied   none of {} calls in the scope", r.calls_in_scope);
        return;
    }
    println!(
        "denied   {} of {} calls  ({})",
        r.counts.denied,
        r.calls_in_scope,
        counts(&r.counts)
    );
    if r.bursts.is_empty() {
        println!("bursts   none");
    }
    for b in &r.bursts {
        println!("burst    {} .. {}  {} denials", b.first, b.last, b.denials);
    }
    println!("\npolicy type → action → resource:");
    for t in &r.by_policy_type {
        println!("  {}  {}", t.label, counts(&t.counts));
        for a in &t.actions {
            println!(
                "    {} ({} {})  {}",
                or_not_stated(a.action.as_deref()),
                safe(&a.event_source),
                safe(&a.event_name),
                counts(&a.counts)
            );
            for x in &a.resources {
                let from = x
                    .resource_from
                    .map(|f| format!(" [from the {}]", serde_plain(f)))
                    .unwrap_or_default();
                println!(
                    "      {}{}  {}",
                    or_not_stated(x.resource.as_deref()),
                    from,
                    counts(&x.counts)
                );
            }
        }
    }
    println!(
        "\ncalls ({} listed{}):",
        r.calls.len(),
        if r.calls_not_listed > 0 {
            format!(", {} older not listed", r.calls_not_listed)
        } else {
            String::new()
        }
    );
    for c in &r.calls {
        let e = &c.explanation;
        println!(
            "  {}  {} {}  {}",
            c.time,
            safe(&c.event_source),
            safe(&c.event_name),
            safe(&c.error_code)
        );
        println!("    event       {}", safe(&c.event_id));
        println!("    policy      {} ({})", e.policy_type.label(), e.deny);
        println!("    action      {}", or_not_stated(e.action.as_deref()));
        println!("    resource    {}", or_not_stated(c.resource_shown.as_deref()));
        if let Some(p) = &e.policy_arn {
            println!("    policy ARN  {}", safe(p));
        }
        println!("    principal   {}", or_not_stated(e.principal.as_deref()));
        println!("    caller      {}", or_not_stated(c.caller.as_deref()));
        if let Some(s) = &c.session {
            println!("    session     {}", safe(s));
        }
        let message = c
            .message
            .as_deref()
            .map_or_else(|| "(none in the record)".to_string(), safe);
        println!("    message     {message} ({})", c.form);
        if e.encoded {
            println!("    encoded     yes: aws sts decode-authorization-message --encoded-message …");
        }
    }
}

fn serde_plain(f: denied::ResourceFrom) -> &'static str {
    match f {
        denied::ResourceFrom::Message => "message",
        denied::ResourceFrom::Record => "record",
    }
}
