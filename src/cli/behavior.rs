//! `trailhound behavior` and `trailhound volume`: new behaviour of a profile against its baseline, and its API call
//! volume with the scope's drill-downs, as tables or JSON.

use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::behavior::{
    self, BehaviorConfig, BehaviorReport, DrillNode, DrillSort, Profile, VolumeReport, parse_bucket,
};
use crate::core::dataset::Dataset;
use crate::core::time::Scope;
use anyhow::anyhow;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ProfileArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// identity:<role arn>#<session>, session:ASIA…, role:…, principal:…, account:…, ip:…, ua:…, or a bare access
    /// key, principal id (AROA…:name), role ARN, account id or IP. A session key is judged as its session identity
    /// (its own calls marked). Optional with --finding: the finding's principal (access key, else principal id).
    #[arg(required_unless_present = "finding")]
    pub profile: Option<String>,
    /// Scope FROM..TO (RFC 3339); default: the finding's scope with --finding, else the whole hour of the
    /// profile's last activity.
    #[arg(long, value_parser = Scope::parse)]
    pub scope: Option<Scope>,
    /// Take the scope from a loaded finding (its first..last seen, widened to whole hours).
    #[arg(long, conflicts_with = "scope")]
    pub finding: Option<String>,
    /// Days of baseline before the scope.
    #[arg(long, default_value_t = 45)]
    pub baseline_days: u32,
    /// Directory with City / ASN .mmdb files (else $TRAILHOUND_GEOIP, the config dir, /usr/share/GeoIP, …).
    #[arg(long)]
    pub geoip: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct BehaviorArgs {
    #[command(flatten)]
    pub p: ProfileArgs,
    /// Increased volume: fewest calls in the scope.
    #[arg(long, default_value_t = 10)]
    pub min_count: u64,
    /// Increased volume: least ratio of scope calls to (typical calls per active window + 1).
    #[arg(long, default_value_t = 5.0)]
    pub ratio: f64,
}

#[derive(clap::Args, Debug)]
pub struct VolumeArgs {
    #[command(flatten)]
    pub p: ProfileArgs,
    /// Bucket size (30m, 1h, 1d…); default: chosen for 30–60 buckets.
    #[arg(long, value_parser = parse_bucket)]
    pub bucket: Option<i64>,
    /// Drill-down order: total, success, failure or key.
    #[arg(long, default_value = "total")]
    pub sort: DrillSort,
    /// Keep drill-down rows whose key or label contains this text (case-insensitive).
    #[arg(long)]
    pub filter: Option<String>,
    /// At most this many drill-down rows at the top and under any one row, in --sort's order; the rest become one
    /// `(N more)` row with their calls. 0: every row (a busy account over weeks has millions).
    #[arg(long, default_value_t = behavior::DRILL_LIMIT)]
    pub limit: usize,
}

fn load(p: &ProfileArgs) -> anyhow::Result<Dataset> {
    load_dataset(&p.input, p.geoip.as_deref())
}

fn prepare<'a>(p: &ProfileArgs, l: &'a Dataset) -> anyhow::Result<(behavior::Selection<'a>, Scope)> {
    select_profile_scoped(l, p.profile.as_deref(), p.scope, p.finding.as_deref())
}

/// The profile (or a finding's principal) and the scope (given, the finding's, else the whole hour of the
/// profile's last activity): what `behavior`, `volume` and `policy` start from.
pub(super) fn select_profile_scoped<'a>(
    l: &'a Dataset,
    profile: Option<&str>,
    scope: Option<Scope>,
    finding: Option<&str>,
) -> anyhow::Result<(behavior::Selection<'a>, Scope)> {
    let (sel, finding_scope) = select_profile(l, profile, finding)?;
    let scope = match (scope, finding_scope) {
        (Some(s), _) => s,
        (None, Some(s)) => s,
        (None, None) => {
            behavior::default_scope(&sel, l.behavior()).ok_or_else(|| anyhow!("the profile has no events"))?
        }
    };
    Ok((sel, scope))
}

/// The profile named by `profile` (else the principal of the loaded finding `finding`), with the finding's scope
/// when one was given. Every profile command selects through here (`behavior`, `volume`, `policy`, `denied`).
pub(super) fn select_profile<'a>(
    l: &'a Dataset,
    profile: Option<&str>,
    finding: Option<&str>,
) -> anyhow::Result<(behavior::Selection<'a>, Option<Scope>)> {
    let finding = match finding {
        Some(id) => Some(
            l.store()
                .findings
                .iter()
                .find(|f| f.id == id || f.arn.as_deref() == Some(id))
                .ok_or_else(|| anyhow!("no loaded finding has id {:?}", safe(id)))?,
        ),
        None => None,
    };
    let err = |e: behavior::BehaviorError| anyhow!(safe(&e.to_string()));
    let profile = match (profile, finding) {
        (Some(text), _) => Profile::parse(text, l.store(), l.graph()).map_err(err)?,
        (None, Some(f)) => Profile::of_finding(f, l.store(), l.graph()).map_err(err)?,
        (None, None) => anyhow::bail!("give a profile or --finding ID"),
    };
    let sel = behavior::select(&profile, l.store(), l.graph(), l.behavior()).map_err(err)?;
    Ok((sel, finding.map(|f| f.scope())))
}

pub fn run_behavior(a: BehaviorArgs) -> anyhow::Result<ExitCode> {
    let l = load(&a.p)?;
    let (sel, scope) = prepare(&a.p, &l)?;
    let cfg = BehaviorConfig {
        baseline_days: a.p.baseline_days,
        min_count: a.min_count,
        ratio_threshold: a.ratio,
        ..Default::default()
    };
    let r = behavior::behavior(&sel, l.store(), l.graph(), l.behavior(), l.geo(), scope, &cfg);
    if a.p.input.json {
        print_json(&r)?;
    } else {
        print_behavior(&r);
    }
    Ok(ExitCode::SUCCESS)
}

/// A row's share of the asked session's calls, when a session was asked about.
fn asked(n: Option<u64>) -> String {
    n.map(|n| format!("  asked {n}")).unwrap_or_default()
}

fn print_behavior(r: &BehaviorReport) {
    println!(
        "profile     {} — {}",
        safe(&r.profile.entity),
        safe(&r.profile.description)
    );
    if let Some(a) = &r.profile.asked {
        println!(
            "asked       {} (judged as its session identity; \"asked N\": its calls in a row)",
            safe(a)
        );
    }
    println!("scope       {} .. {}", r.scope.from, r.scope.to);
    let b = &r.baseline;
    println!(
        "baseline    {} .. {} ({} days; {} days of history)",
        b.from, b.to, b.days, b.days_of_history
    );
    if let Some(n) = &b.note {
        println!("            {n}: nothing is called new");
    }
    println!("geolocation {}", safe(&r.geolocation));
    let geo = |title: &str, rows: &[behavior::GeoRow]| {
        println!("\n{title}:");
        for g in rows {
            println!(
                "  {:<44} {:>8.2},{:>8.2}  scope {:>6}  baseline {:>7}  first {}  {}{}",
                safe(&g.label),
                g.lat,
                g.lon,
                g.scope_count,
                g.baseline_count,
                g.first_seen,
                safe(&g.addresses.join(" ")),
                asked(g.asked_session_count)
            );
        }
    };
    geo("new geolocations", &r.new_geolocations);
    geo("known geolocations", &r.known_geolocations);
    println!("\nsources without a place:");
    for u in &r.unplaced_sources {
        println!(
            "  {:<44} scope {:>6}  baseline {:>7}  {}",
            safe(&u.label),
            u.scope_count,
            u.baseline_count,
            safe(&u.addresses.join(" "))
        );
    }
    println!("\nnew API calls:");
    for c in &r.new_api_calls {
        println!(
            "  {:<48} success {:>5}  failure {:>5}  first {}{}",
            safe(&format!("{}:{}", c.service, c.api)),
            c.scope_success,
            c.scope_failure,
            c.first_seen,
            asked(c.asked_session_count)
        );
    }
    println!("\nAPI calls with increased volume:");
    for c in &r.increased_volume {
        println!(
            "  {:<48} scope {:>6}  typical {:>8.2}/window  baseline rate {:>8.2}  max {:>5}  ratio {:>7.2}{}",
            safe(&format!("{}:{}", c.service, c.api)),
            c.scope_count,
            c.typical_rate,
            c.baseline_rate,
            c.baseline_max,
            c.ratio,
            asked(c.asked_session_count)
        );
    }
    println!("\nnew autonomous systems:");
    for a in &r.new_asos {
        println!(
            "  AS{:<10} {:<40} scope {:>6}  {}{}",
            a.asn,
            safe(&a.org),
            a.scope_count,
            safe(&a.addresses.join(" ")),
            asked(a.asked_session_count)
        );
    }
    println!("\nnew user agents:");
    for u in &r.new_user_agents {
        println!(
            "  {:<14} {}  x{}{}{}",
            safe(&u.family),
            safe(&u.user_agent),
            u.scope_count,
            if u.family_known { "  (family known)" } else { "" },
            asked(u.asked_session_count)
        );
    }
    println!(
        "\nimpossible travel (≥ {} km and > {} km/h):",
        r.rules.travel.min_distance_km, r.rules.travel.max_speed_kmh
    );
    for t in &r.impossible_travel {
        println!(
            "  {}  {} {} ({}) → {} {} ({})  {:.0} km in {:.2} h = {:.0} km/h{}",
            safe(&t.origin),
            t.start.time,
            safe(&t.start.ip),
            safe(&t.start.place),
            t.end.time,
            safe(&t.end.ip),
            safe(&t.end.place),
            t.distance_km,
            t.hours_between,
            t.speed_kmh,
            asked(t.asked_session_count)
        );
    }
}

pub fn run_volume(a: VolumeArgs) -> anyhow::Result<ExitCode> {
    let l = load(&a.p)?;
    let (sel, scope) = prepare(&a.p, &l)?;
    let cfg = BehaviorConfig {
        baseline_days: a.p.baseline_days,
        ..Default::default()
    };
    let drill = behavior::DrillOptions {
        sort: a.sort,
        filter: a.filter.clone(),
        limit: Some(a.limit),
    };
    let r = behavior::volume(&sel, l.store(), l.behavior(), l.geo(), scope, &cfg, a.bucket, &drill)
        .map_err(|e| anyhow!(safe(&e.to_string())))?;
    if a.p.input.json {
        print_json(&r)?;
    } else {
        print_volume(&r);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_volume(r: &VolumeReport) {
    println!(
        "profile  {} — {}",
        safe(&r.profile.entity),
        safe(&r.profile.description)
    );
    println!(
        "scope    {} .. {}   bucket {} s",
        r.scope.from, r.scope.to, r.bucket_seconds
    );
    println!(
        "baseline {:.2} calls per bucket ({:.2} failed){}",
        r.baseline_per_bucket,
        r.baseline_failure_per_bucket,
        r.baseline.note.as_deref().map(|n| format!("; {n}")).unwrap_or_default()
    );
    let peak = r
        .buckets
        .iter()
        .map(|b| b.success + b.failure)
        .max()
        .unwrap_or(0)
        .max(1);
    for b in &r.buckets {
        let bar = |n: u64| ((n * 40).div_ceil(peak)) as usize;
        println!(
            "  {} {} {:>6} ok {:>6} failed  {}{}",
            b.start,
            if b.in_scope { "▌" } else { " " },
            b.success,
            b.failure,
            "█".repeat(bar(b.success)),
            "░".repeat(bar(b.failure))
        );
    }
    for (title, tree) in [
        ("IP → API → caller", &r.by_ip),
        ("service → API → IP → access key", &r.by_api),
        ("access key → IP → API", &r.by_access_key),
        ("resource → IP → API", &r.by_resource),
    ] {
        println!("\n{title}:");
        print_tree(tree, 1);
    }
}

fn print_tree(nodes: &[DrillNode], depth: usize) {
    for n in nodes {
        let label = n
            .label
            .as_deref()
            .map(|l| format!(" ({})", safe(l)))
            .unwrap_or_default();
        println!(
            "{}{}{}  ok {} failed {}",
            "  ".repeat(depth),
            safe(&n.key),
            label,
            n.success,
            n.failure
        );
        print_tree(&n.children, depth + 1);
    }
}
