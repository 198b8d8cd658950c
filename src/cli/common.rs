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

/// Print a serialisable value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, v)?;
    writeln!(out)?;
    Ok(())
}

/// Make a string from logs safe to print on a terminal: control characters, escape sequences, bidi overrides and
/// invisible format characters become visible `\u{…}` escapes (the same rule as exports: `escape::visible`).
pub fn safe(s: &str) -> String {
    crate::core::export::escape::visible(s).into_owned()
}
