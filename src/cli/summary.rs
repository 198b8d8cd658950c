//! `trailhound summary`: one UTC day of the loaded data as Detective's summary page shows it — findings by severity
//! and type, principals with the most indicators, newly observed geolocations, the busiest principals and roles
//! with a 7-day sparkline, instance credentials used from outside AWS — as text or `--json` (README "Summary").
//! The analysis is `core::summary`, the same the TUI's landing view draws.

use super::common::{InputArgs, load_dataset, parse_time, print_json, safe};
use crate::core::summary::{self, Summary, SummaryConfig, sparkline};
use anyhow::anyhow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The UTC day to summarise (YYYY-MM-DD, or an RFC 3339 time in it); default: the last day loaded.
    #[arg(long, value_name = "DATE", value_parser = parse_time)]
    pub day: Option<i64>,
    /// Directory with City / ASN .mmdb files (else $TRAILHOUND_GEOIP, an input's geoip/, the config dir, …).
    #[arg(long)]
    pub geoip: Option<PathBuf>,
    /// Say on stderr how long loading, building the graph and indexes, and the summary itself took.
    #[arg(long)]
    pub timings: bool,
}

pub fn run(a: SummaryArgs) -> anyhow::Result<ExitCode> {
    let t = Instant::now();
    // `-i s3://…` through its copy in the input set's default case, `--case DIR` through the case's index, as every
    // loading command does.
    let data = load_dataset(&a.input, a.geoip.as_deref())?;
    let loaded = t.elapsed();
    let t = Instant::now();
    data.build_first();
    let built = t.elapsed();
    let day = a.day.map(summary::day_of);
    let t = Instant::now();
    let s = summary::summarize(&data, day, &SummaryConfig::default())
        .ok_or_else(|| anyhow!("no CloudTrail events were loaded"))?;
    let summarised = t.elapsed();
    if a.timings {
        eprintln!(
            "timings: load {:.0} ms ({} events), graph + indexes + geolocation {:.0} ms, summary {:.1} ms",
            loaded.as_secs_f64() * 1e3,
            data.store().events.len(),
            built.as_secs_f64() * 1e3,
            summarised.as_secs_f64() * 1e3
        );
    }
    if a.input.json {
        print_json(&s)?;
    } else {
        print_text(&s);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(s: &Summary) {
    println!(
        "Summary of {} ({} .. {}; data {} .. {}): {} events, {} failed",
        s.day, s.from, s.to, s.first_day, s.last_day, s.events, s.failed
    );
    if s.baseline.in_training {
        println!(
            "  baseline: in training ({} days of history before the day): no place is called new",
            s.baseline.days_of_history
        );
    }
    let f = &s.findings;
    let sev: Vec<String> = f
        .by_severity
        .iter()
        .map(|c| format!("{} {}", c.severity, c.count))
        .collect();
    if sev.is_empty() {
        println!("\nFindings: none");
    } else {
        println!("\nFindings: {} ({})", f.total, sev.join(", "));
    }
    for t in &f.by_type {
        println!(
            "  {:>3}  {:<8} {}",
            t.count,
            t.severity.to_string(),
            safe(&t.finding_type)
        );
    }
    for x in &f.findings {
        println!(
            "  {}  {} {:.1}  {}",
            safe(&x.id),
            x.severity,
            x.severity_value,
            safe(&x.title)
        );
    }
    println!("\nPrincipals with the most indicators");
    for r in &s.principals_with_indicators {
        println!(
            "  {:>2}  {}  ({} calls)",
            r.indicators,
            safe(&r.principal.label),
            r.calls
        );
        for g in &r.new_geolocations {
            println!("        new geolocation {}", safe(g));
        }
        for t in &r.impossible_travel {
            println!(
                "        impossible travel {} → {} at {} ({:.0} km/h)",
                safe(&t.from_place),
                safe(&t.to_place),
                t.at,
                t.speed_kmh
            );
        }
        for b in &r.denied_bursts {
            println!("        denied burst: {} denials {} .. {}", b.denials, b.first, b.last);
        }
        for id in &r.findings {
            println!("        finding {}", safe(id));
        }
    }
    println!("\nNewly observed geolocations");
    for g in &s.new_geolocations {
        println!(
            "  {}  {} calls from {}",
            safe(&g.label),
            g.calls,
            safe(&g.addresses.join(", "))
        );
        for p in &g.principals {
            println!("        {} ({} calls)", safe(&p.principal.label), p.calls);
        }
    }
    println!("\nPrincipals with the most API calls (last 7 days)");
    for p in &s.top_principals {
        println!(
            "  {:>8}  {}  {}",
            p.calls,
            sparkline(&p.daily),
            safe(&p.principal.label)
        );
    }
    println!("\nRoles with the most API calls (last 7 days)");
    for r in &s.top_roles {
        println!("  {:>8}  {}  {}", r.calls, sparkline(&r.daily), safe(&r.role_arn));
    }
    println!("\nInstance credentials used from outside AWS");
    for u in &s.instance_credentials_outside_aws {
        println!(
            "  {}  {}  {} ({}, {})  {} calls {} .. {}{}",
            safe(&u.session),
            safe(&u.instance),
            safe(&u.ip),
            safe(u.place.as_deref().unwrap_or("place unknown")),
            safe(u.as_org.as_deref().unwrap_or("network unknown")),
            u.calls,
            u.first,
            u.last,
            if u.address_seen_before { "" } else { "  new address" }
        );
    }
}
