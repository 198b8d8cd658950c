//! `trailhound policy`: the least-privilege IAM policy of a profile's successful calls in a scope, the calls left
//! unmapped, and with `--compare FILE` how an existing policy document relates to that use; text or JSON.

use super::behavior::select_profile_scoped;
use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::policy::compare::{GrantKind, Verdict};
use crate::core::policy::document::{LoadedPolicy, parse_policy_input};
use crate::core::policy::policy_report;
use crate::core::policy::report::{CallJson, MANAGED_POLICY_LIMIT, PolicyReport, reason_label};
use crate::core::time::Scope;
use anyhow::{Context, anyhow};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// The largest policy file read: IAM documents are at most a few tens of kilobytes.
const MAX_POLICY_FILE: u64 = 1 << 20;

#[derive(clap::Args, Debug)]
pub struct PolicyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// identity:<role arn>#<session>, session:ASIA…, role:…, principal:… (an origin: everything it did through its
    /// chain, across accounts), account:…, or a bare access key, principal id, role ARN. A session key gives that
    /// session's own use. Optional with --finding.
    #[arg(required_unless_present = "finding")]
    pub profile: Option<String>,
    /// Scope FROM..TO (RFC 3339); default: the finding's scope with --finding, else the whole hour of the
    /// profile's last activity.
    #[arg(long, value_parser = Scope::parse)]
    pub scope: Option<Scope>,
    /// Take the scope from a loaded finding (its first..last seen, widened to whole hours).
    #[arg(long, conflicts_with = "scope")]
    pub finding: Option<String>,
    /// Compare with an existing policy: a policy document, `aws iam get-role-policy` output (PolicyDocument, also
    /// URL-encoded) or `aws iam get-policy-version` output.
    #[arg(long, value_name = "FILE")]
    pub compare: Option<PathBuf>,
}

/// Read and parse the policy file.
fn read_policy(path: &PathBuf) -> anyhow::Result<LoadedPolicy> {
    let shown = safe(&path.display().to_string());
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {shown}"))?;
    let mut text = String::new();
    file.take(MAX_POLICY_FILE + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {shown} as UTF-8 text"))?;
    if text.len() as u64 > MAX_POLICY_FILE {
        anyhow::bail!("{shown} is larger than {MAX_POLICY_FILE} bytes: not a policy document");
    }
    parse_policy_input(&text).map_err(|e| anyhow!("{shown}: {}", safe(&e.to_string())))
}

pub fn run(a: PolicyArgs) -> anyhow::Result<ExitCode> {
    // Read the policy first: a bad file fails before a long load.
    let compared = a
        .compare
        .as_ref()
        .map(|p| read_policy(p).map(|l| (p.display().to_string(), l)))
        .transpose()?;
    let l = load_dataset(&a.input, None)?;
    let (sel, scope) = select_profile_scoped(&l, a.profile.as_deref(), a.scope, a.finding.as_deref())?;
    let r = policy_report(
        &sel,
        l.store(),
        l.graph(),
        l.behavior(),
        scope,
        compared.as_ref().map(|(f, p)| (f.as_str(), p)),
    );
    if a.input.json {
        print_json(&r)?;
    } else {
        print_text(&r)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn calls(title: &str, list: &[CallJson]) {
    if list.is_empty() {
        return;
    }
    println!("\n{title}:");
    for c in list {
        let why = c.reason.map(|r| format!("  ({})", reason_label(r))).unwrap_or_default();
        println!(
            "  {:<32} {:<36} {:>6} calls  {} .. {}{why}",
            safe(&c.event_source),
            safe(&c.event_name),
            c.calls,
            c.first_seen,
            c.last_seen
        );
    }
}

fn print_text(r: &PolicyReport) -> anyhow::Result<()> {
    println!(
        "profile     {} — {}",
        safe(&r.profile.entity),
        safe(&r.profile.description)
    );
    if let Some(a) = &r.profile.asked {
        println!("asked       {} (its own calls)", safe(a));
    }
    println!("scope       {} .. {}", r.scope.from, r.scope.to);
    let principals: Vec<String> = r.principals.iter().map(|p| safe(p)).collect();
    println!(
        "principals  {}",
        if principals.is_empty() {
            "(none)".to_owned()
        } else {
            principals.join(", ")
        }
    );
    let c = &r.counts;
    println!(
        "events      {} in scope: {} mapped, {} need no permission, {} unmapped; {} failed and {} not the principal's calls left out",
        c.events_in_scope, c.mapped, c.no_permission, c.unmapped, c.failed, c.not_calls
    );
    println!(
        "\npolicy ({} characters without whitespace; a managed policy allows {MANAGED_POLICY_LIMIT}):",
        r.policy_characters
    );
    println!("{}", crate::core::text::json::to_string_pretty(&r.policy)?);
    if !r.actions.is_empty() {
        println!("\nactions:");
        for a in &r.actions {
            let resources: Vec<String> = a.resources.iter().map(|x| safe(x)).collect();
            println!(
                "  {:<44} {:>6} calls  {} .. {}  {:<9}  {}",
                safe(&a.action),
                a.calls,
                a.first_seen,
                a.last_seen,
                if a.basis == crate::core::policy::actions::Basis::Listed {
                    "listed"
                } else {
                    "same-name"
                },
                resources.join(" ")
            );
        }
    }
    calls("unmapped calls (not in the policy)", &r.unmapped);
    calls("calls that need no permission", &r.no_permission);
    if let Some(cmp) = &r.compared {
        println!("\ncompared with {} ({} form):", safe(&cmp.file), cmp.form);
        let c = &cmp.comparison;
        for v in &c.used {
            let verdict = match v.verdict {
                Verdict::Granted => "granted",
                Verdict::Conditional => "conditional",
                Verdict::NotGranted => "NOT GRANTED here: must come from another policy",
                Verdict::Denied => "DENIED here, yet it succeeded",
            };
            let notes = if v.notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", v.notes.join("; "))
            };
            println!("  {:<44} {verdict}{notes}", safe(&v.action));
        }
        if !c.grants.is_empty() {
            println!("\n  granted beyond the use:");
            for g in &c.grants {
                let what = match g.kind {
                    GrantKind::UnusedAction => "unused action".to_owned(),
                    GrantKind::UnusedWildcard => "wildcard, nothing used".to_owned(),
                    GrantKind::BroaderWildcard => format!("wildcard; the use needs {}", list(&g.needed)),
                    GrantKind::NotAction => {
                        format!("NotAction grants all but these; the use needs {}", list(&g.needed))
                    }
                    GrantKind::BroaderResource => format!("resources; the use needs {}", list(&g.needed)),
                };
                println!("  {:<16} {:<36} {what}", safe(&g.statement), safe(&g.pattern));
            }
        }
        println!("\n  not evaluated:");
        for n in &c.not_evaluated {
            println!("  - {}", safe(n));
        }
    }
    Ok(())
}

fn list(items: &[String]) -> String {
    items.iter().map(|s| safe(s)).collect::<Vec<_>>().join(", ")
}
