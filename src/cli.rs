//! The command line: clap definitions and dispatch to headless commands (and, with no subcommand, the TUI).
//! Every analysis the TUI shows is available here with `--json`.

pub mod fetch;

use clap::{Parser, Subcommand};

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
    /// Fetch CloudTrail events, GuardDuty and Access Analyzer findings from AWS into a case.
    Fetch(fetch::FetchArgs),
}

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Fetch(args)) => fetch::run(args),
        None => std::process::ExitCode::SUCCESS,
    }
}
