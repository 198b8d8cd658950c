//! `trailhound groups`: findings grouped into incidents by `core::groups` (the rule, the joins and the shared
//! entities of each group). Output: readable text, or `--json` (schema in README `### trailhound groups`).

use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::groups::{self, FindingGroup, GroupOptions, JoinKind};
use crate::core::time::rfc3339;
use anyhow::{Result, bail};
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct GroupsArgs {
    /// Findings and the CloudTrail logs whose sessions, chains and origins join them.
    #[command(flatten)]
    pub input: InputArgs,
    /// Most hours between two findings' windows for a shared entity to join them.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u32).range(0..=8760))]
    pub window_hours: u32,
    /// Only groups of at least this many findings.
    #[arg(long, default_value_t = 1)]
    pub min_size: usize,
}

/// The rule, as shown to people (README "Finding groups" says the same).
pub fn rule_text(window_hours: u32) -> String {
    format!(
        "findings sharing an access key, principal, chain, origin, resource or public address, at most {window_hours} h apart, \
         are one incident; severity is the highest member's"
    )
}

#[derive(Serialize)]
struct Rule {
    window_hours: u32,
    joined_on: Vec<JoinKind>,
    text: String,
}

#[derive(Serialize)]
struct Out<'a> {
    rule: Rule,
    groups: Vec<&'a FindingGroup>,
}

pub fn run(args: GroupsArgs) -> Result<ExitCode> {
    let data = load_dataset(&args.input, None)?;
    let store = data.store();
    if store.findings.is_empty() {
        bail!(
            "no findings in the inputs ({} CloudTrail events loaded)",
            store.events.len()
        );
    }
    let opts = GroupOptions {
        window_secs: i64::from(args.window_hours) * 3600,
    };
    let all = groups::groups(store, data.graph(), &store.findings, opts);
    let shown: Vec<&FindingGroup> = all.iter().filter(|g| g.findings.len() >= args.min_size).collect();
    if args.input.json {
        use strum::VariantArray;
        print_json(&Out {
            rule: Rule {
                window_hours: args.window_hours,
                joined_on: JoinKind::VARIANTS.to_vec(),
                text: rule_text(args.window_hours),
            },
            groups: shown,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("Rule: {}", rule_text(args.window_hours));
    for g in shown {
        println!();
        let t = |x: Option<i64>| x.map(rfc3339).unwrap_or_else(|| "-".into());
        println!(
            "GROUP {}  {:?} {:.1}  {} .. {}  {} finding(s)",
            g.number,
            g.severity.label,
            g.severity.value,
            t(g.from),
            t(g.to),
            g.findings.len()
        );
        for m in &g.findings {
            println!(
                "  {:<20} {:<8} {:>4.1}  {:<15} {:<48} {}",
                t(m.from),
                format!("{:?}", m.severity.label),
                m.severity.value,
                m.source.to_string(),
                safe(&m.finding_type),
                safe(&m.id)
            );
        }
        for j in &g.joins {
            println!(
                "  joined  {} + {}  by {} {}",
                safe(&j.a),
                safe(&j.b),
                j.kind,
                safe(&j.entity.to_string())
            );
        }
        if !g.principals.is_empty() {
            let p: Vec<String> = g.principals.iter().map(|p| safe(&p.to_string())).collect();
            println!("  principals  {}", p.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
