//! The command line: clap definitions and dispatch to headless commands (and, with no subcommand, the TUI).
//! Every analysis the TUI shows is available here with `--json`.

use clap::{Parser, Subcommand};

pub mod findings;
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
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// List GuardDuty and IAM Access Analyzer findings.
    Findings(findings::ListArgs),
    /// One finding: its entities, scope, and the CloudTrail evidence behind it.
    Finding(findings::ShowArgs),
}

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Findings(a)) => findings::list(a),
        Some(Command::Finding(a)) => findings::show(a),
        None => Ok(()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
