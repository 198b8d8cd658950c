//! Ingest and session-graph benchmark: `cargo bench --bench ingest -- DIR` (DIR = a tree made by
//! `trailhound demo --out DIR --events 1000000`; without DIR one is generated into a temp folder).
//!
//! Reports events/s, peak and final resident bytes per event (from /proc/self/status), graph build time as a share
//! of ingest, and `trace` / look-up latencies. Plain `Instant` loops: the numbers go into README, not assertions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark is a measuring tool: a failed setup step ends the run with its message"
)]

use std::path::PathBuf;
use std::time::Instant;
use trailhound::core::graph::SessionGraph;
use trailhound::core::ingest::{LoadOptions, load};
use trailhound::core::time::Scope;

fn status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let arg = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let events: u64 = std::env::var("TRAILHOUND_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let _tmp;
    let dir = match arg {
        Some(d) => PathBuf::from(d),
        None => {
            let t = tempfile::tempdir().expect("temp dir");
            let d = t.path().join("tree");
            eprintln!("generating {events} events into {} …", d.display());
            let g = Instant::now();
            trailhound::demo::generate(&d, 7, events as usize, false).expect("generate");
            eprintln!("generated in {:.1?}", g.elapsed());
            _tmp = t;
            d
        }
    };
    let rss_before = status_kb("VmRSS:");
    let t = Instant::now();
    let store = load(std::slice::from_ref(&dir), &LoadOptions::default(), &|_| {});
    let ingest = t.elapsed();
    let n = store.events.len() as f64;
    let rss_after_ingest = status_kb("VmRSS:");
    let t = Instant::now();
    let graph = SessionGraph::build(&store);
    let build = t.elapsed();
    let rss_after_graph = status_kb("VmRSS:");
    let peak = status_kb("VmHWM:");
    println!("input:            {}", dir.display());
    println!("files:            {}", store.report.files_read);
    println!("bytes (on disk):  {} MB", store.report.bytes_read >> 20);
    println!("events:           {}", store.events.len());
    println!(
        "ingest:           {:.2?}  ({:.0} events/s)",
        ingest,
        n / ingest.as_secs_f64()
    );
    println!(
        "graph build:      {:.2?}  ({:.1}% of ingest; {} sessions, {} origins, {} edges)",
        build,
        100.0 * build.as_secs_f64() / ingest.as_secs_f64(),
        graph.sessions.len(),
        graph.origins.len(),
        graph.edges.len()
    );
    println!(
        "resident/event:   {:.0} B after ingest, {:.0} B with graph, {:.0} B peak (VmHWM)",
        (rss_after_ingest.saturating_sub(rss_before) * 1024) as f64 / n,
        (rss_after_graph.saturating_sub(rss_before) * 1024) as f64 / n,
        (peak.saturating_sub(rss_before) * 1024) as f64 / n
    );

    // Trace latency: the busiest sessions (most events, longest chains) are the worst case.
    let mut by_size: Vec<u32> = (0..graph.sessions.len() as u32).collect();
    by_size.sort_by_key(|&s| std::cmp::Reverse(graph.session(s).events.len()));
    let keys: Vec<String> = by_size
        .iter()
        .take(50)
        .filter_map(|&s| store.strings.opt(graph.session(s).access_key).map(str::to_string))
        .collect();
    let t = Instant::now();
    let mut worst = std::time::Duration::ZERO;
    for k in &keys {
        let one = Instant::now();
        let s = graph.session_by_key(&store, k).expect("key");
        let tr = graph.trace(&store, s, Scope::ALL);
        std::hint::black_box(&tr);
        worst = worst.max(one.elapsed());
    }
    println!(
        "trace (50 busiest sessions): mean {:.2?}, worst {:.2?} (largest has {} events)",
        t.elapsed() / keys.len().max(1) as u32,
        worst,
        by_size.first().map(|&s| graph.session(s).events.len()).unwrap_or(0)
    );
    if let Some(role) = graph
        .sessions
        .iter()
        .find(|s| s.role_arn.is_some())
        .map(|s| store.s(s.role_arn).to_string())
    {
        let t = Instant::now();
        let p = graph.role_profile(&store, &role, Scope::ALL);
        println!("role profile ({} sessions): {:.2?}", p.sessions.len(), t.elapsed());
    }
}
