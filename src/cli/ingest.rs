//! `trailhound ingest`: load inputs and print the summary (JSON schema in README).

use super::common::{InputArgs, load_dataset, print_json, safe};
use crate::core::ingest::summarize;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let data = load_dataset(&a.input, None)?;
    let s = summarize(data.store());
    if a.input.json {
        print_json(&s)?;
    } else {
        println!("files read      {:>12}", s.files);
        println!("bytes read      {:>12}", s.bytes);
        println!("records         {:>12}", s.records);
        println!("duplicates      {:>12}", s.duplicates);
        println!("events          {:>12}", s.events);
        println!("actions         {:>12}", s.actions);
        println!("findings        {:>12}", s.findings);
        if let Some(t) = &s.time_range {
            println!("time range      {} .. {}", t.from, t.to);
        }
        if let Some(w) = &s.window {
            println!(
                "load window     {} files not read by date, {} by region, {} by account; {} records outside",
                w.files_pruned_by_date, w.files_pruned_by_region, w.files_pruned_by_account, w.records_outside_window
            );
        }
        for (title, map) in [
            ("account", &s.by_account),
            ("region", &s.by_region),
            ("identity type", &s.by_identity_type),
            ("event source", &s.by_event_source),
        ] {
            println!("\nby {title}:");
            for (k, v) in map {
                println!("  {:<40} {v:>10}", safe(k));
            }
        }
        if !s.skipped.is_empty() {
            println!("\nskipped files: {}", s.skipped.len());
            for f in s.skipped.iter().take(20) {
                println!("  {}: {}", safe(&f.path.display().to_string()), safe(&f.reason));
            }
        }
        if s.errors_total > 0 {
            println!("\nerrors: {}", s.errors_total);
            for e in s.errors.iter().take(50) {
                let at: Vec<String> = [
                    e.index.map(|i| format!("record {i}")),
                    e.offset.map(|o| format!("byte {o}")),
                ]
                .into_iter()
                .flatten()
                .collect();
                let at = if at.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", at.join(", "))
                };
                println!("  {}{at}: {}", safe(&e.path.display().to_string()), safe(&e.reason));
            }
        }
    }
    // Something ingested (events or findings) is success even with bad records.
    Ok(if s.events > 0 || s.findings > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
