//! The command line: clap definitions and dispatch to headless commands (and, with no subcommand, the TUI).
//! Every analysis the TUI shows is available here with `--json`; each command's work lives in `cli/<command>.rs`.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod behavior;
mod bench;
mod case;
mod closed_stdout;
mod common;
mod completions;
mod demo;
mod denied;
mod detect;
mod export;
mod fetch;
mod fetch_orgscale;
mod geofence;
mod ingest;
mod investigate;
mod note;
mod policy;
mod s3;
mod summary;
mod trace;
mod tui;

pub use common::InputArgs;

mod findings;
mod findings_text;
mod groups;

/// The version with the commit it was built from (`build.rs`).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("TRAILHOUND_COMMIT"), ")");

#[derive(Parser, Debug)]
#[command(
    name = "trailhound",
    version = VERSION,
    about = "AWS incident response in a terminal: who really did this, what else did they do, is it normal"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub tui: tui::TuiArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Measure the large-case goals (ingest rate, memory, trace, behaviour, TUI frames) on generated or given trees.
    Bench(bench::BenchArgs),
    /// Write the deterministic sample case (CloudTrail tree, digests, findings) to a folder.
    Demo(demo::DemoArgs),
    /// Fetch CloudTrail events, GuardDuty and Access Analyzer findings from AWS into a case.
    Fetch(fetch::FetchArgs),
    /// Load CloudTrail logs and findings and print what was ingested (counts, time range, errors).
    Ingest(ingest::Args),
    /// Who is behind a session: origin, full chain, sessions it started, its calls.
    Trace(trace::TraceArgs),
    /// A role's profile: what assumed it, which roles it assumed, sessions involved.
    Role(trace::RoleArgs),
    /// New behaviour of a profile in a scope against its baseline: geolocations, API calls, volume, AS, user agents,
    /// impossible travel.
    Behavior(behavior::BehaviorArgs),
    /// API call volume of a profile around a scope, with the scope's drill-downs (IP, API, access key, resource).
    Volume(behavior::VolumeArgs),
    /// The least-privilege IAM policy of a profile's successful calls in a scope (session, session identity,
    /// role, user, or an origin through its chain), the calls left unmapped, and with --compare how an existing
    /// policy relates to that use.
    Policy(policy::PolicyArgs),
    /// A profile's denied calls explained: policy type (SCP, boundary, …), explicit or implicit, action, resource,
    /// policy ARN, by policy type → action → resource, with bursts of denials.
    Denied(denied::DeniedArgs),
    /// Investigate a principal (Detective's Investigations report): techniques observed, flagged addresses
    /// (--intel), impossible travel, new places / AS organisations / user agents, related findings, denied bursts,
    /// through its chain; a severity by a documented score and recommended actions with their commands prefilled.
    Investigate(investigate::InvestigateArgs),
    /// One UTC day at a glance (Detective's summary): findings, principals with the most indicators, new
    /// geolocations, busiest principals and roles, instance credentials used from outside AWS.
    Summary(summary::SummaryArgs),
    /// Run Sigma rules (the built-in set and --rules DIR…) over the events: hits by origin, session identity and
    /// chain, and correlations.
    Detect(detect::DetectArgs),
    /// List GuardDuty and IAM Access Analyzer findings.
    Findings(findings::ListArgs),
    /// One finding: its entities, scope, and the CloudTrail evidence behind it.
    Finding(findings::ShowArgs),
    /// Findings grouped into incidents: shared principals, keys, chains, origins, resources, addresses in a window.
    Groups(groups::GroupsArgs),
    /// Geo-fence review: principals with calls from outside the allowed countries / address blocks / VPC endpoints
    /// (from flags or a policy's aws:SourceIp conditions), allowed (critical) or denied, services' calls apart.
    Geofence(geofence::GeofenceArgs),
    /// Create and inspect investigation cases
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// Add, list, edit and delete investigation notes
    #[command(subcommand)]
    Note(note::NoteCommand),
    /// Star an entity or event as evidence
    Star(note::MarkArgs),
    /// Remove a star
    Unstar(note::MarkArgs),
    /// Label an entity with a tag
    Tag(note::TagArgs),
    /// Remove a tag
    Untag(note::TagArgs),
    /// Record a verdict on an entity: unknown, benign, suspicious, malicious
    Verdict(note::VerdictArgs),
    /// Write the case report: Markdown, JSON, or the evidence timeline as CSV / JSON lines
    Export(export::ExportArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a folder with --out
    Man(completions::ManArgs),
}

/// Parse the command line. clap echoes what the user typed in its errors (a bad value, an unknown argument), and
/// that may be a pasted log value: errors are rendered as plain text and neutralised (`core::text`) before they
/// are printed, with clap's exit code. Help and version are printed by clap itself.
fn parse() -> Result<Cli, ExitCode> {
    use clap::error::ErrorKind;
    Cli::try_parse().map_err(|e| {
        if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
            let _ = e.print();
        } else {
            eprint!("{}", crate::core::text::visible_lines(&e.render().to_string()));
        }
        ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
    })
}

pub fn main() -> ExitCode {
    closed_stdout::exit_quietly_on_closed_stdout();
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let done = |r: anyhow::Result<()>| r.map(|()| ExitCode::SUCCESS);
    let result = match cli.command {
        Some(Command::Bench(a)) => done(bench::run(a)),
        Some(Command::Demo(a)) => done(demo::run(&a)),
        Some(Command::Fetch(a)) => Ok(fetch::run(a)),
        Some(Command::Ingest(a)) => ingest::run(a),
        Some(Command::Trace(a)) => trace::run_trace(a),
        Some(Command::Role(a)) => trace::run_role(a),
        Some(Command::Behavior(a)) => behavior::run_behavior(a),
        Some(Command::Volume(a)) => behavior::run_volume(a),
        Some(Command::Policy(a)) => policy::run(a),
        Some(Command::Denied(a)) => denied::run(a),
        Some(Command::Investigate(a)) => investigate::run(a),
        Some(Command::Summary(a)) => summary::run(a),
        Some(Command::Detect(a)) => detect::run(a),
        Some(Command::Findings(a)) => findings::list(a),
        Some(Command::Finding(a)) => findings::show(a),
        Some(Command::Groups(a)) => groups::run(a),
        Some(Command::Geofence(a)) => geofence::run(a),
        Some(Command::Case(c)) => case::run(c),
        Some(Command::Note(c)) => done(note::run(c)),
        Some(Command::Star(a)) => done(note::star(a, true)),
        Some(Command::Unstar(a)) => done(note::star(a, false)),
        Some(Command::Tag(a)) => done(note::tag(a, true)),
        Some(Command::Untag(a)) => done(note::tag(a, false)),
        Some(Command::Verdict(a)) => done(note::verdict(a)),
        Some(Command::Export(a)) => done(export::run(a)),
        Some(Command::Completions(a)) => done(completions::completions(&a)),
        Some(Command::Man(a)) => done(completions::man(&a)),
        None => tui::run(cli.tui),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // Errors quote paths and values from the command line and the data: neutralised line by line.
            eprintln!("trailhound: {}", crate::core::text::visible_lines(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    /// clap's own consistency checks (unique argument ids across flattened groups, valid defaults, …): a clash
    /// such as two `roles` fields would otherwise only show as a panic when the binary starts.
    #[test]
    fn the_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
