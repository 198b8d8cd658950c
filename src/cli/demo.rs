//! `trailhound demo`: writes the deterministic sample tree (CloudTrail logs, digests, findings) to a folder.

use std::path::PathBuf;

use clap::Args;

use crate::demo;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Output folder (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// PRNG seed; the same seed and event count give byte-identical output.
    #[arg(long, default_value_t = demo::DEFAULT_SEED)]
    pub seed: u64,
    /// Total CloudTrail records to generate (the scenario plus background scaled to fill).
    #[arg(long, default_value_t = demo::DEFAULT_EVENTS)]
    pub events: usize,
    /// How records are cut into log objects: `slices` (~250 records per object, the sample's layout) or
    /// `small-files` (at most 50 records per object: many small files, for benchmarks).
    #[arg(long, value_enum, default_value_t = demo::Layout::Slices)]
    pub layout: demo::Layout,
    /// Replace `OUT/AWSLogs`, `OUT/findings` and `OUT/geoip` if they exist.
    #[arg(long)]
    pub force: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &DemoArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let summary = demo::generate_layout(&args.out, args.seed, args.events, args.force, args.layout)?;
    if args.json {
        super::common::print_json(&summary)?;
    } else {
        println!(
            "wrote {} CloudTrail records in {} log files (+{} digests, {:.1} MB gzip) and findings to {} in {:.1} s (seed {})",
            summary.events,
            summary.log_files,
            summary.digest_files,
            summary.compressed_bytes as f64 / 1e6,
            super::common::safe(&summary.out.display().to_string()),
            started.elapsed().as_secs_f64(),
            summary.seed
        );
    }
    Ok(())
}
