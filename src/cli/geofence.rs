//! `trailhound geofence`: every principal with calls from outside the fence in the scope — allowed (the fence
//! failed or is missing: critical), denied (enforcement working), unknown (no geolocation), with calls AWS services
//! made on the principal's behalf kept apart — as text or `--json` (README "Geo-fence review"). The analysis is
//! `core::policy::fence`, the same the TUI's geo-fence view draws.

use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::behavior::{self, Profile};
use crate::core::policy::fence::{self, Fence, GeofenceReport, RawEndpoints};
use crate::core::time::Scope;
use anyhow::anyhow;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct GeofenceArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Narrow the review to one profile: identity:<role arn>#<session>, session:ASIA…, role:…, principal:…,
    /// account:…, or a bare access key, principal id, role ARN or account id. Default: every principal.
    pub profile: Option<String>,
    #[command(flatten)]
    pub fence: FenceArgs,
    /// Scope FROM..TO (RFC 3339); default: everything loaded.
    #[arg(long, value_parser = Scope::parse)]
    pub scope: Option<Scope>,
    /// Directory with City / ASN .mmdb files (else $TRAILHOUND_GEOIP, an input's geoip/, the config dir, …).
    #[arg(long)]
    pub geoip: Option<PathBuf>,
}

/// Where the fence comes from: flags, a policy, or both (the union).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct FenceArgs {
    /// Countries calls may come from, ISO 3166-1 alpha-2 (comma-separated or repeated): US,GB.
    #[arg(long, value_name = "CC,…")]
    pub allow_countries: Vec<String>,
    /// Address blocks calls may come from, IPv4 or IPv6 (comma-separated or repeated): 203.0.113.0/24,2001:db8::/32.
    #[arg(long, value_name = "CIDR,…")]
    pub allow_cidrs: Vec<String>,
    /// A policy whose aws:SourceIp / aws:SourceVpc(e) / aws:ViaAWSService conditions draw the fence: a policy
    /// document, or `aws iam get-role-policy` / `get-policy-version` output.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// A role the fence covers (repeatable; default: every principal).
    #[arg(long = "role", id = "fence_roles", value_name = "ARN")]
    pub roles: Vec<String>,
}

impl FenceArgs {
    /// The fence these flags draw; `None` when none was given.
    pub fn fence(&self) -> anyhow::Result<Option<Fence>> {
        let flags_given = !self.allow_countries.is_empty() || !self.allow_cidrs.is_empty();
        let err = |e: fence::FenceError| anyhow!(safe(&e.to_string()));
        let mut f = match &self.policy {
            Some(p) => fence::read_policy_file(p, &self.roles).map_err(err)?,
            None if flags_given => {
                return Fence::from_flags(&self.allow_countries, &self.allow_cidrs, &self.roles)
                    .map(Some)
                    .map_err(err);
            }
            None => return Ok(None),
        };
        if flags_given {
            let extra = Fence::from_flags(&self.allow_countries, &self.allow_cidrs, &[]).map_err(err)?;
            f.countries.extend(extra.countries);
            f.cidrs.extend(extra.cidrs);
            f.normalise();
        }
        Ok(Some(f))
    }
}

pub fn run(a: GeofenceArgs) -> anyhow::Result<ExitCode> {
    let fence = a
        .fence
        .fence()?
        .ok_or_else(|| anyhow!("give the fence: --allow-countries, --allow-cidrs and/or --policy FILE"))?;
    let data = load_dataset(&a.input, a.geoip.as_deref())?;
    let err = |e: behavior::BehaviorError| anyhow!(safe(&e.to_string()));
    let profile = match &a.profile {
        Some(text) => Some(Profile::parse(text, data.store(), data.graph()).map_err(err)?),
        None => None,
    };
    let sel = match &profile {
        Some(p) => Some(behavior::select(p, data.store(), data.graph(), data.behavior()).map_err(err)?),
        None => None,
    };
    let r = fence::review(
        &data,
        &fence,
        a.scope.unwrap_or(Scope::ALL),
        sel.as_ref(),
        &RawEndpoints::new(data.store()),
    );
    if a.input.json {
        print_json(&r)?;
    } else {
        print_text(&r);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(r: &GeofenceReport) {
    let source = match &r.fence.source {
        fence::FenceSource::Flags => "flags".to_string(),
        fence::FenceSource::Policy { file } => format!("policy {}", safe(file)),
    };
    println!("fence       {} ({source})", safe(&r.fence.to_text()));
    println!(
        "service calls on a principal's behalf: {}",
        if r.fence.service_calls_exempt {
            "exempt (aws:ViaAWSService)"
        } else {
            "not exempt"
        }
    );
    if r.fence.roles.is_empty() {
        println!("covers      every principal");
    }
    for n in &r.fence.notes {
        println!("note        {}", safe(n));
    }
    if let Some(p) = &r.profile {
        println!("profile     {} — {}", safe(&p.entity), safe(&p.description));
    }
    match &r.scope {
        Some(s) => println!("scope       {} .. {}", s.from, s.to),
        None => println!("scope       everything loaded"),
    }
    println!("geolocation {}", safe(&r.geolocation));
    let t = &r.totals;
    println!(
        "calls       {} covered ({} not covered): {} inside, {} ALLOWED from outside, {} denied from outside, {} unknown, {} by AWS services on the principals' behalf",
        t.covered, t.not_covered, t.inside, t.allowed_outside, t.denied_outside, t.unknown, t.on_behalf
    );
    if r.principals.is_empty() {
        println!("\nno call from outside the fence");
    }
    for p in &r.principals {
        println!(
            "\n{:<9} {}  allowed from outside {}  denied {}  unknown {}  {} .. {}",
            p.severity.to_string().to_uppercase(),
            safe(&p.principal.label),
            p.allowed_outside,
            p.denied_outside,
            p.unknown,
            p.first_seen,
            p.last_seen
        );
        for s in &p.sources {
            let place = match (&s.country, &s.city) {
                (Some(c), Some(city)) => format!("{}, {}", safe(city), safe(c)),
                (Some(c), None) => safe(c),
                _ => "unknown place".into(),
            };
            let asn = match (&s.asn, &s.as_org) {
                (Some(n), Some(o)) => format!("AS{n} {}", safe(o)),
                _ => "AS unknown".into(),
            };
            println!(
                "  {:<7} {:<40} {:<24} {:<30} allowed {:>5}  denied {:>5}  session {}  origin {}  ({}){}",
                s.standing,
                safe(&s.address),
                place,
                asn,
                s.allowed,
                s.denied,
                safe(s.session.as_deref().unwrap_or("-")),
                safe(&s.origin),
                safe(&s.why),
                s.vpc_endpoint
                    .as_deref()
                    .map(|v| format!("  endpoint {}", safe(v)))
                    .unwrap_or_default()
            );
        }
        for s in &p.on_behalf {
            println!(
                "  on behalf, by {}: allowed {}  denied {}  {} .. {}",
                safe(&s.service),
                s.allowed,
                s.denied,
                s.first_seen,
                s.last_seen
            );
        }
    }
}
