//! The command line: clap definitions and dispatch to headless commands (and, with no subcommand, the TUI).
//! Every analysis the TUI shows is available here with `--json`; each command's work lives in `cli/<command>.rs`.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod common;
mod fetch;
mod ingest;
mod trace;
mod tui;

pub use common::InputArgs;

mod findings;
mod findings_text;

#[derive(Parser, Debug)]
#[command(
    name = "trailhound",
    version,
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
    /// Fetch CloudTrail events, GuardDuty and Access Analyzer findings from AWS into a case.
    Fetch(fetch::FetchArgs),
    /// Load CloudTrail logs and findings and print what was ingested (counts, time range, errors).
    Ingest(ingest::Args),
    /// Who is behind a session: origin, full chain, sessions it started, its calls.
    Trace(trace::TraceArgs),
    /// A role's profile: what assumed it, which roles it assumed, sessions involved.
    Role(trace::RoleArgs),
    /// List GuardDuty and IAM Access Analyzer findings.
    Findings(findings::ListArgs),
    /// One finding: its entities, scope, and the CloudTrail evidence behind it.
    Finding(findings::ShowArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Fetch(a)) => Ok(fetch::run(a)),
        Some(Command::Ingest(a)) => ingest::run(a),
        Some(Command::Trace(a)) => trace::run_trace(a),
        Some(Command::Role(a)) => trace::run_role(a),
        Some(Command::Findings(a)) => findings::list(a),
        Some(Command::Finding(a)) => findings::show(a),
        None => tui::run(cli.tui),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("trailhound: {e:#}");
            ExitCode::from(2)
        }
    }
}
