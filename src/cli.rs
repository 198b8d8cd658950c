//! The command line: clap definitions and dispatch to headless commands (and, with no subcommand, the TUI).
//! Every analysis the TUI shows is available here with `--json`.

mod case;
mod export;
mod note;

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
}

pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Case(c)) => case::run(c),
        Some(Command::Note(c)) => note::run(c),
        Some(Command::Star(a)) => note::star(a, true),
        Some(Command::Unstar(a)) => note::star(a, false),
        Some(Command::Tag(a)) => note::tag(a, true),
        Some(Command::Untag(a)) => note::tag(a, false),
        Some(Command::Verdict(a)) => note::verdict(a),
        Some(Command::Export(a)) => export::run(a),
        None => Ok(()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("trailhound: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
