//! The large-case benchmark behind `trailhound bench`: loads a CloudTrail tree and measures each goal of the
//! "10 million events on this 2-core machine" table (README "Benchmarks") — ingest rate on the normal and the
//! many-small-files layouts, peak resident memory per event, `trace`, `behavior`/`volume`, TUI frames and pivot view
//! models, the least-privilege policy of a session identity, the rule set over every event — and reports every row
//! with its goal, what was measured, and by how much a goal was missed.
//!
//! It measures the real code paths (the one load path `Dataset::load`, the graph queries the `trace` command runs,
//! the behaviour queries, `tui::render::draw` on a ratatui `TestBackend`) with plain `Instant` timings: numbers for
//! a reader, never assertions (the smoke test only checks the report is well-formed). A row that could not be
//! measured says why instead of printing a number ([`reopen`] when the case index was not reused). This module
//! does not generate data or print.

mod denied;
mod geofence;
mod investigate;
mod probe;
mod queries;
pub mod reopen;
pub mod rules;
mod screen;

use crate::core::dataset::{Dataset, DatasetOptions};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Which way a goal points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// The measured value must reach the goal (a rate).
    AtLeast,
    /// The measured value must stay within the goal (a time, a size).
    AtMost,
}

/// Whether a row met its goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Measured and within the goal.
    Met,
    /// Measured and outside the goal ([`Row::miss_by`] says by how much).
    Missed,
    /// Not measured; [`Row::note`] says why.
    NotMeasured,
}

/// One row of the table: a goal of issue #12 and what this run measured for it.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Stable identifier (`ingest`, `ingest_small_files`, `peak_memory`, `reopen`, `trace`, …).
    pub id: &'static str,
    /// What was measured, as the README table says it.
    pub what: &'static str,
    /// The goal's bound, in [`Row::unit`].
    pub goal: f64,
    /// Direction of the goal.
    pub better: Better,
    /// Unit of `goal` and `measured`: `events/s`, `B/event`, `ms`.
    pub unit: &'static str,
    /// The measured value (the worst case the row names); `None` when not measured.
    pub measured: Option<f64>,
    /// Met, missed or not measured.
    pub status: Status,
    /// For a missed goal, how far off as a factor (`1.4` = 40 % past the bound); else `None`.
    pub miss_by: Option<f64>,
    /// What the value is (sample, worst case, medians) and, when not measured, why.
    pub note: String,
}

impl Row {
    /// A measured row; status and miss factor follow from the goal.
    fn measured(
        id: &'static str,
        what: &'static str,
        (goal, better, unit): (f64, Better, &'static str),
        value: f64,
        note: String,
    ) -> Row {
        let factor = match better {
            Better::AtLeast => goal / value.max(f64::MIN_POSITIVE),
            Better::AtMost => value / goal,
        };
        let missed = factor > 1.0;
        Row {
            id,
            what,
            goal,
            better,
            unit,
            measured: Some(value),
            status: if missed { Status::Missed } else { Status::Met },
            miss_by: missed.then_some(factor),
            note,
        }
    }

    /// A row that was not measured, and why.
    pub fn not_measured(
        id: &'static str,
        what: &'static str,
        (goal, better, unit): (f64, Better, &'static str),
        why: String,
    ) -> Row {
        Row {
            id,
            what,
            goal,
            better,
            unit,
            measured: None,
            status: Status::NotMeasured,
            miss_by: None,
            note: why,
        }
    }
}

/// The goals of issue #12, one per row (README "Benchmarks" quotes them).
pub mod goals {
    use super::Better;
    /// Ingest (parse + session graph), on either layout.
    pub const INGEST: (f64, Better, &str) = (500_000.0, Better::AtLeast, "events/s");
    /// Peak resident memory per loaded event.
    pub const MEMORY: (f64, Better, &str) = (300.0, Better::AtMost, "B/event");
    /// Reopening a case from its index up to the first frame.
    pub const REOPEN: (f64, Better, &str) = (1000.0, Better::AtMost, "ms");
    /// `trace` of any session.
    pub const TRACE: (f64, Better, &str) = (10.0, Better::AtMost, "ms");
    /// `behavior` / `volume` of a session identity.
    pub const IDENTITY: (f64, Better, &str) = (10.0, Better::AtMost, "ms");
    /// `behavior` / `volume` of the busiest account over all data.
    pub const ACCOUNT: (f64, Better, &str) = (250.0, Better::AtMost, "ms");
    /// The least-privilege policy of a session identity (issue #13).
    pub const POLICY: (f64, Better, &str) = (100.0, Better::AtMost, "ms");
    /// `denied` of a session identity.
    pub const DENIED: (f64, Better, &str) = (100.0, Better::AtMost, "ms");
    /// `investigate` of a session identity (issue #15).
    pub const INVESTIGATE: (f64, Better, &str) = (250.0, Better::AtMost, "ms");
    /// One TUI frame.
    pub const FRAME: (f64, Better, &str) = (16.0, Better::AtMost, "ms");
    /// One pivot's view model.
    pub const PIVOT: (f64, Better, &str) = (250.0, Better::AtMost, "ms");
    /// The geo-fence review of a session identity over all data (issue 13).
    pub const GEOFENCE: (f64, Better, &str) = (100.0, Better::AtMost, "ms");
    /// The built-in rules plus 60 user rules over every event (issue #15).
    pub const RULES: (f64, Better, &str) = (1000.0, Better::AtMost, "ms");
}

/// What to measure.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The tree every row is measured on.
    pub tree: PathBuf,
    /// A tree of the same events in many small files, for the second ingest row (`None`: that row is not measured).
    pub small_files: Option<PathBuf>,
    /// How many sessions and session identities the query rows sample.
    pub samples: usize,
}

/// What a run measured.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Events loaded from the main tree.
    pub events: usize,
    /// Log files read from the main tree.
    pub files: u64,
    /// Bytes of those files on disk.
    pub bytes: u64,
    /// Rayon worker threads ingest ran on.
    pub threads: usize,
    /// The machine's one-minute load average when the run started and ended (other work competing for the cores).
    pub load_average: [Option<f64>; 2],
    /// One row per goal, in the README's order.
    pub rows: Vec<Row>,
}

/// Milliseconds of a duration, for rows in `ms`.
fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A tree loaded through the one load path, with its session graph built.
struct Loaded {
    data: Dataset,
    parse: Duration,
    graph: Duration,
    /// CPU seconds both took, all threads.
    cpu: Option<f64>,
}

fn load(tree: &Path) -> Loaded {
    let cpu = probe::cpu_seconds();
    let t = Instant::now();
    let data = Dataset::load(&[tree.to_path_buf()], &DatasetOptions::default(), &|_| {});
    let parse = t.elapsed();
    let t = Instant::now();
    data.graph();
    let graph = t.elapsed();
    let cpu = cpu.zip(probe::cpu_seconds()).map(|(a, b)| b - a);
    Loaded {
        data,
        parse,
        graph,
        cpu,
    }
}

/// The ingest row for one tree: wall-clock rate, and what the CPU time says it would be with the cores to itself.
fn ingest_row(id: &'static str, what: &'static str, l: &Loaded) -> Row {
    let n = l.data.store().events.len();
    let r = &l.data.store().report;
    let total = l.parse + l.graph;
    let threads = rayon::current_num_threads() as f64;
    let cpu = l.cpu.map_or_else(String::new, |cpu| {
        format!(
            "; {cpu:.1} CPU-s, so ≈ {:.0} events/s on {threads} idle cores",
            n as f64 * threads / cpu.max(1e-9)
        )
    });
    Row::measured(
        id,
        what,
        goals::INGEST,
        n as f64 / total.as_secs_f64().max(1e-9),
        format!(
            "{n} events from {} files ({} MB on disk) in {:.2} s: parse {:.2} s + session graph {:.2} s{cpu}",
            r.files_read,
            r.bytes_read >> 20,
            total.as_secs_f64(),
            l.parse.as_secs_f64(),
            l.graph.as_secs_f64()
        ),
    )
}

/// Run every row on `plan`, saying on `progress` what is being measured.
pub fn run(plan: &Plan, progress: &dyn Fn(&str)) -> Report {
    let load_before = probe::load_average();
    progress("ingest (parse + session graph)");
    let before = probe::memory();
    let main = load(&plan.tree);
    let loaded = probe::memory();
    let ingest = ingest_row("ingest", "ingest (parse + graph)", &main);
    let data = main.data;
    let events = data.store().events.len();
    let (files, bytes) = (data.store().report.files_read, data.store().report.bytes_read);
    progress("queries (trace, behavior, volume, denied)");
    let trace = queries::trace(&data, plan.samples);
    let (identity, account) = queries::behavior(&data, plan.samples);
    let policy = queries::policy(&data, plan.samples);
    let denied = denied::row(&data, plan.samples);
    progress("geofence");
    let geofence = geofence::row(&data, plan.samples);
    progress("investigate (rule hits evaluated first)");
    let investigate = investigate::row(&data, plan.samples);
    progress("rules (built-in + 60 user rules)");
    let rules = rules::row(&data);
    progress("TUI (frames, pivot view models)");
    let (frame, pivot) = screen::rows(data);
    let everything = probe::memory();
    let memory = probe::memory_row(events, before, loaded, everything);
    let reopen = reopen::measure(&plan.tree);
    // Last, with the main dataset dropped: only its rate is reported (the peak above is the main tree's).
    let small = match &plan.small_files {
        Some(tree) => {
            progress("ingest of the many-small-files tree");
            ingest_row("ingest_small_files", SMALL_FILES, &load(tree))
        }
        None => Row::not_measured(
            "ingest_small_files",
            SMALL_FILES,
            goals::INGEST,
            "no many-small-files tree given".into(),
        ),
    };
    Report {
        events,
        files,
        bytes,
        threads: rayon::current_num_threads(),
        load_average: [load_before, probe::load_average()],
        rows: vec![
            ingest,
            small,
            memory,
            reopen,
            trace,
            identity,
            account,
            policy,
            denied,
            investigate,
            geofence,
            frame,
            pivot,
            rules,
        ],
    }
}

const SMALL_FILES: &str = "ingest (parse + graph), many small files";
