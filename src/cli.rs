//! The command line: clap definitions and dispatch to headless commands (and, with no subcommand, the TUI).
//! Every analysis the TUI shows is available here with `--json`.

use clap::{Parser, Subcommand};

pub mod demo;

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
    /// Write the deterministic sample case (CloudTrail tree, digests, findings) to a folder.
    Demo(demo::DemoArgs),
}

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Demo(args)) => demo::run(args),
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
