//! The command line: clap definitions and dispatch to headless commands (and, with no subcommand, the TUI).
//! Every analysis the TUI shows is available here with `--json`; each command's work lives in `cli/<command>.rs`.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod common;
mod ingest;
mod trace;
mod tui;

pub use common::InputArgs;

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
    /// Load CloudTrail logs and findings and print what was ingested (counts, time range, errors).
    Ingest(ingest::Args),
    /// Who is behind a session: origin, full chain, sessions it started, its calls.
    Trace(trace::TraceArgs),
    /// A role's profile: what assumed it, which roles it assumed, sessions involved.
    Role(trace::RoleArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Ingest(a)) => ingest::run(a),
        Some(Command::Trace(a)) => trace::run_trace(a),
        Some(Command::Role(a)) => trace::run_role(a),
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
