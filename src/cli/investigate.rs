//! `trailhound investigate`: a principal's investigation (Detective's Investigations report) — indicators through
//! the chain, severity by the documented score, recommended actions with their commands, what was not checked; as
//! text or JSON (README "Investigation", `docs/investigate.md`).

use super::behavior::select_profile_scoped;
use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::investigate::{self, Inputs, IntelSet, Investigation};
use crate::core::rules::RuleOrigin;
use crate::core::time::Scope;
use anyhow::anyhow;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct InvestigateArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// identity:<role arn>#<session>, session:ASIA…, role:…, principal:…, account:…, ip:…, ua:…, or a bare access
    /// key, principal id, role ARN, account id or IP (as `behavior`). Optional with --finding.
    #[arg(required_unless_present = "finding")]
    pub profile: Option<String>,
    /// Scope FROM..TO (RFC 3339); default: the finding's scope with --finding, else the whole hour of the
    /// profile's last activity.
    #[arg(long, value_parser = Scope::parse)]
    pub scope: Option<Scope>,
    /// Take the profile and scope from a loaded finding.
    #[arg(long, conflicts_with = "scope")]
    pub finding: Option<String>,
    /// An address list (repeatable): one address or CIDR per line with an optional label, `#` comments.
    #[arg(long, value_name = "FILE")]
    pub intel: Vec<PathBuf>,
    /// Directory with City / ASN .mmdb files (else $TRAILHOUND_GEOIP, the config dir, /usr/share/GeoIP, …).
    #[arg(long)]
    pub geoip: Option<PathBuf>,
    #[command(flatten)]
    pub rules: super::detect::RuleArgs,
}

pub fn run(a: InvestigateArgs) -> anyhow::Result<ExitCode> {
    let intel = if a.intel.is_empty() {
        None
    } else {
        let set = IntelSet::load(&a.intel).map_err(|e| anyhow!(safe(&e.to_string())))?;
        for p in set.problems() {
            eprintln!("{}:{}: skipped: {}", safe(&p.path), p.line, p.reason);
        }
        if set.problems_not_listed() > 0 {
            eprintln!("… and {} more bad intel lines skipped", set.problems_not_listed());
        }
        Some(set)
    };
    let set = a.rules.rule_set();
    for p in set.problems() {
        let file = match &p.origin {
            RuleOrigin::File(f) => f.display().to_string(),
            RuleOrigin::Builtin(n) => format!("built-in {n}"),
        };
        eprintln!("rule not run: {}: {}: {}", safe(&file), p.kind, safe(&p.reason));
    }
    let l = load_dataset(&a.input, a.geoip.as_deref())?.with_rules(set);
    let (sel, scope) = select_profile_scoped(&l, a.profile.as_deref(), a.scope, a.finding.as_deref())?;
    let inputs = Inputs {
        store: l.store(),
        graph: l.graph(),
        ix: l.behavior(),
        geo: l.geo(),
        detections: Some(l.detections()),
        intel: intel.as_ref(),
    };
    let r = investigate::investigate(&inputs, &sel, scope);
    if a.input.json {
        print_json(&r)?;
    } else {
        print_text(&r);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(r: &Investigation) {
    println!(
        "profile   {} — {}",
        safe(&r.profile.entity),
        safe(&r.profile.description)
    );
    println!("scope     {} .. {}", r.scope.from, r.scope.to);
    println!("severity  {} (score {})", r.severity.level, r.severity.score);
    for l in &r.severity.lines {
        println!("  +{:<3} {}  {}", l.points, l.indicator, safe(&l.item));
    }
    println!(
        "events    {} own, {} assumptions, {} down the chain",
        r.events.own, r.events.assumptions, r.events.chain
    );
    println!("\norigins:");
    if r.origins.is_empty() {
        println!("  (none in the scope)");
    }
    for o in &r.origins {
        println!("  {}", safe(&o.description));
    }
    println!("\ntechniques observed:");
    if r.techniques.is_empty() {
        println!("  none");
    }
    for t in &r.techniques {
        let tactic = t.tactic.map_or("untagged".to_string(), |t| t.to_string());
        println!("  {tactic}");
        for x in &t.techniques {
            let id = x.technique.as_ref().map_or("untagged".to_string(), |t| t.to_string());
            let rules: Vec<String> = x
                .rules
                .iter()
                .map(|r| format!("[{}] {}", r.level, safe(&r.title)))
                .collect();
            println!("    {id}  {} events  {}", x.event_count, rules.join("; "));
            for e in &x.events {
                println!(
                    "      {}  {} {}  {}{}  {}",
                    e.time,
                    safe(&e.event_source),
                    safe(&e.event_name),
                    e.via,
                    e.error_code
                        .as_deref()
                        .map(|c| format!(" ({})", safe(c)))
                        .unwrap_or_default(),
                    safe(&e.event_id)
                );
            }
        }
    }
    println!("\nflagged addresses:");
    if r.flagged_addresses.is_empty() {
        println!("  none");
    }
    for f in &r.flagged_addresses {
        println!(
            "  {}  {} calls  {} .. {}",
            safe(&f.ip),
            f.calls,
            f.first_seen,
            f.last_seen
        );
        for m in &f.intel {
            println!("    intel {}  {}  {}", safe(&m.list), m.entry, safe(&m.label));
        }
        for g in &f.guardduty {
            println!(
                "    GuardDuty {} {}  list {}{}",
                safe(&g.finding_type),
                safe(&g.finding_id),
                g.threat_list_name
                    .as_deref()
                    .map(safe)
                    .unwrap_or_else(|| "(not named)".into()),
                if g.threat_names.is_empty() {
                    String::new()
                } else {
                    format!(
                        "  threats {}",
                        g.threat_names.iter().map(|n| safe(n)).collect::<Vec<_>>().join(", ")
                    )
                }
            );
        }
    }
    println!("\nimpossible travel:");
    if r.impossible_travel.is_empty() {
        println!("  none");
    }
    for t in &r.impossible_travel {
        println!(
            "  {}  {} {} → {} {}  {:.0} km in {:.2} h ({:.0} km/h)",
            safe(&t.origin),
            t.start.time,
            safe(&t.start.ip),
            t.end.time,
            safe(&t.end.ip),
            t.distance_km,
            t.hours_between,
            t.speed_kmh
        );
    }
    println!("\nnew geolocations / AS organisations / user agents:");
    if r.new_geolocations.is_empty() && r.new_asos.is_empty() && r.new_user_agents.is_empty() {
        println!("  none");
    }
    for g in &r.new_geolocations {
        println!("  place  {}  {} calls", safe(&g.label), g.scope_count);
    }
    for a in &r.new_asos {
        println!("  AS     {} {}  {} calls", a.asn, safe(&a.org), a.scope_count);
    }
    for u in &r.new_user_agents {
        println!(
            "  agent  {}  {} calls{}",
            safe(&u.user_agent),
            u.scope_count,
            if u.family_known { " (family known)" } else { "" }
        );
    }
    println!("\nrelated findings:");
    if r.related_findings.is_empty() {
        println!("  none");
    }
    for f in &r.related_findings {
        println!(
            "  {} {}  {} {}  {}  ({} {})",
            f.source,
            safe(&f.id),
            f.severity.label,
            f.severity.value,
            safe(&f.finding_type),
            f.relation,
            safe(&f.on)
        );
    }
    println!(
        "\ndenied    {} of {} own calls; bursts: {}",
        r.denied.denied,
        r.denied.calls_in_scope,
        if r.denied.bursts.is_empty() {
            "none".to_string()
        } else {
            r.denied
                .bursts
                .iter()
                .map(|b| format!("{} .. {} ({})", b.first, b.last, b.denials))
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    println!("\nrecommended actions:");
    if r.actions.is_empty() {
        println!("  none");
    }
    for a in &r.actions {
        println!("  - {}", safe(&a.why));
        match (&a.command, &a.not_prefilled) {
            (Some(c), _) => println!("    $ {}", safe(c)),
            (None, Some(why)) => println!("    not prefilled: {}", safe(why)),
            (None, None) => {}
        }
    }
    println!("\nnot checked:");
    if r.not_checked.is_empty() {
        println!("  (everything above was checked)");
    }
    for n in &r.not_checked {
        println!("  {}: {}", n.kind, safe(&n.detail));
    }
}
