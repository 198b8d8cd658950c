//! `trailhound detect`: the built-in Sigma rules and the user's (`--rules DIR`) over the loaded events, hits grouped
//! by origin, session identity and chain, and the correlations that fired (README "Detections"). The evaluation
//! is `core::rules`, the same the TUI's Rule column and exports read.

use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::rules::{self, DetectReport, HitEvent, RuleOrigin, RuleSet, RuleSetBuilder};
use crate::core::time::Scope;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// Rule options shared by the commands that show hits.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RuleArgs {
    /// A folder (or file) of Sigma rules to run besides the built-in set (repeatable); SigmaHQ's
    /// `rules/cloud/aws/cloudtrail` works as is. Rules that do not parse are reported and skipped.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Run only the rules given with --rules, not the built-in set.
    #[arg(long)]
    pub no_builtin_rules: bool,
}

impl RuleArgs {
    /// The rule set these options name (the shared built-in set when nothing else is asked for).
    pub fn rule_set(&self) -> Arc<RuleSet> {
        if self.rules.is_empty() && !self.no_builtin_rules {
            return rules::builtin();
        }
        let mut b = RuleSetBuilder::default();
        if !self.no_builtin_rules {
            rules::add_builtin(&mut b);
        }
        for dir in &self.rules {
            b.add_path(dir);
        }
        Arc::new(b.build())
    }
}

#[derive(clap::Args, Debug)]
pub struct DetectArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Only hits in this window FROM..TO (RFC 3339); correlations with an event in it.
    #[arg(long, value_parser = Scope::parse)]
    pub scope: Option<Scope>,
    /// Say on stderr how long loading, the graph and the evaluation took.
    #[arg(long)]
    pub timings: bool,
}

pub fn run(a: DetectArgs) -> anyhow::Result<ExitCode> {
    let t = Instant::now();
    let set = a.rules.rule_set();
    let rules_loaded = t.elapsed();
    let t = Instant::now();
    let data = load_dataset(&a.input, None)?.with_rules(set);
    let loaded = t.elapsed();
    let t = Instant::now();
    data.graph();
    let graphed = t.elapsed();
    let t = Instant::now();
    let d = data.detections();
    let evaluated = t.elapsed();
    if a.timings {
        let s = d.stats();
        eprintln!(
            "timings: rules {:.0} ms, load {:.0} ms ({} events), graph {:.0} ms, evaluation {:.0} ms ({} rules, {} correlations): store pass {:.0} ms, {} candidates, {} raw records from {} files read again in {:.0} ms, correlations {:.0} ms",
            rules_loaded.as_secs_f64() * 1e3,
            loaded.as_secs_f64() * 1e3,
            data.store().events.len(),
            graphed.as_secs_f64() * 1e3,
            evaluated.as_secs_f64() * 1e3,
            d.rules().rule_count(),
            d.rules().correlation_count(),
            s.first_pass_us as f64 / 1e3,
            s.candidates,
            s.raw_reads,
            s.raw_files,
            s.raw_pass_us as f64 / 1e3,
            s.correlate_us as f64 / 1e3
        );
    }
    let r = rules::report(data.store(), data.graph(), d, a.scope);
    if a.input.json {
        print_json(&r)?;
    } else {
        print_text(&r);
    }
    Ok(ExitCode::SUCCESS)
}

fn rule_line(e: &HitEvent) -> String {
    let rules: Vec<String> = e
        .rules
        .iter()
        .map(|r| {
            let t: Vec<String> = r.techniques.iter().map(ToString::to_string).collect();
            format!("[{}] {} ({})", r.level, r.title, t.join(", "))
        })
        .collect();
    format!(
        "{}  {}  {}  {}  {}{}  {}",
        e.time,
        e.event_name,
        e.event_source.trim_end_matches(".amazonaws.com"),
        e.account.as_deref().unwrap_or("-"),
        e.source_ip.as_deref().unwrap_or("-"),
        e.error_code.as_deref().map(|c| format!("  ({c})")).unwrap_or_default(),
        rules.join("; ")
    )
}

fn print_text(r: &DetectReport) {
    println!(
        "Rules: {} detection, {} correlation run; {} not run{}",
        r.rules_run,
        r.correlations_run,
        r.problems.len(),
        if r.skipped_logsource > 0 {
            format!(", {} skipped (log source is not CloudTrail)", r.skipped_logsource)
        } else {
            String::new()
        }
    );
    for p in &r.problems {
        let file = match &p.origin {
            RuleOrigin::File(f) => f.display().to_string(),
            RuleOrigin::Builtin(n) => format!("built-in {n}"),
        };
        println!(
            "  not run: {}{}: {}: {}",
            safe(&file),
            p.rule.as_deref().map(|t| format!(" ({})", safe(t))).unwrap_or_default(),
            p.kind,
            safe(&p.reason)
        );
    }
    if let Some(s) = &r.scope {
        println!("Scope: {} .. {}", s.from, s.to);
    }
    println!("Events hit: {}", r.events_hit);
    for o in &r.origins {
        let who = match &o.origin {
            Some(v) => safe(&v.description),
            None if o.weak_link => "origin not named (a link up the chain is only a name + time match)".into(),
            None => "origin unknown".into(),
        };
        println!("\nOrigin: {who}");
        for i in &o.identities {
            match &i.session_identity {
                Some(s) => println!("  Session identity: {}", safe(s)),
                None => println!("  Its own calls"),
            }
            for c in &i.chains {
                if let Some(k) = &c.chain_root {
                    println!("    Chain from {}", safe(k));
                }
                for e in &c.events {
                    println!("      {}", safe(&rule_line(e)));
                }
            }
        }
    }
    if !r.correlations.is_empty() {
        println!("\nCorrelations:");
        for c in &r.correlations {
            let group: Vec<String> = c.group.iter().map(|g| format!("{}={}", g.field, g.value)).collect();
            println!(
                "  [{}] {} ({}): {}  {} .. {}, {} events",
                c.rule.level,
                safe(&c.rule.title),
                c.kind,
                safe(&group.join(", ")),
                c.first,
                c.last,
                c.events.len()
            );
        }
    }
    if !r.by_rule.is_empty() {
        println!("\nBy rule:");
        for c in &r.by_rule {
            let unknown = if c.unattributed > 0 {
                format!(" (origin unknown for {})", c.unattributed)
            } else {
                String::new()
            };
            println!(
                "  {:>6}  [{}] {} — {} origin{}{unknown}, {} session identit{}, {} .. {} — {}{}",
                c.events,
                c.rule.level,
                safe(&c.rule.title),
                c.origins,
                if c.origins == 1 { "" } else { "s" },
                c.session_identities,
                if c.session_identities == 1 { "y" } else { "ies" },
                c.first,
                c.last,
                safe(&c.source),
                c.author
                    .as_deref()
                    .filter(|a| *a != "trailhound")
                    .map(|a| format!(", by {}", safe(a)))
                    .unwrap_or_default()
            );
        }
    }
    if !r.unreadable.is_empty() {
        println!(
            "\n{} records could not be read again (their files changed since loading); rules that needed them did not decide them",
            r.unreadable.len()
        );
    }
}
