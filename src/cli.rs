//! The command line: clap definitions and dispatch to headless commands (and, with no subcommand, the TUI).
//! Every analysis the TUI shows is available here with `--json`.

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
pub enum Command {}

pub fn main() -> std::process::ExitCode {
    let _cli = Cli::parse();
    std::process::ExitCode::SUCCESS
}
