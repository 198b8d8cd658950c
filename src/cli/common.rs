//! What every headless command shares: the `-i/--input` and `--json` options, loading (through
//! [`Dataset::load`]) with a progress line on a terminal, and printing JSON.

use crate::core::dataset::{Dataset, DatasetOptions};
use crate::core::ingest::Progress;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug, Clone)]
pub struct InputArgs {
    /// Input file or folder (repeatable): CloudTrail S3 trees, .json/.json.gz/.jsonl, lookup-events output,
    /// EventBridge envelopes, GuardDuty and Access Analyzer findings. Content decides the format.
    #[arg(short = 'i', long = "input", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Machine-readable JSON on stdout (times in RFC 3339 UTC).
    #[arg(long)]
    pub json: bool,
}

/// Load the inputs through the one [`Dataset`] path, drawing a progress line on stderr when it is a terminal.
/// `geoip` is the user's `--geoip DIR`, if the command has one.
pub fn load_dataset(inputs: &[PathBuf], geoip: Option<&Path>) -> Dataset {
    let tty = std::io::stderr().is_terminal();
    let progress = move |p: Progress| {
        if tty {
            let pct = (p.bytes_done * 100).checked_div(p.bytes_total).unwrap_or(100);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\rloading {}/{} files, {pct}% of {} MB ",
                p.files_done,
                p.files_total,
                p.bytes_total >> 20
            );
            if p.files_done == p.files_total {
                let _ = writeln!(err);
            }
        }
    };
    let opts = DatasetOptions {
        geoip: geoip.map(Path::to_path_buf),
        ..Default::default()
    };
    Dataset::load(inputs, &opts, &progress)
}

/// Print a serialisable value as pretty JSON on stdout, every hazard character in a string as a `\uXXXX` escape
/// (`core::text::json`): the same data for a JSON reader, inert on a terminal. Every command's `--json` uses this.
pub fn print_json<T: serde::Serialize + ?Sized>(v: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    crate::core::text::json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

/// One field of text output from logs, paths or analysts: every hazard (control characters, escape sequences,
/// line breaks, bidi overrides, invisible format characters; the one table in `core::text`) becomes a visible
/// `\u{…}` escape, so the field stays on its line and cannot drive the terminal. Apply it to each field before
/// formatting a line, never to a formatted line (a line break inside a field would already have split it).
pub fn safe(s: &str) -> String {
    crate::core::text::visible(s).into_owned()
}
