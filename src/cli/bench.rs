//! `trailhound bench`: generates demo trees (with `trailhound demo`, in a child process, so the generator's memory
//! is not counted as the load's) or takes given ones, runs the large-case benchmark (`crate::bench`) and prints
//! each row of the README's table: goal, measured, met or missed by how much, and what the number is.

use super::common::{print_json, safe};
use crate::bench::{self, Better, Plan, Report, Row, Status};
use crate::demo::{self, Layout};
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Which generated trees to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Layouts {
    /// The normal layout only (~250 records per file).
    Slices,
    /// The many-small-files layout only (≤ 50 records per file).
    SmallFiles,
    /// Every row on the normal layout, and the ingest row again on the many-small-files layout.
    Both,
}

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Events to generate when no --input is given (the goals are for 10000000).
    #[arg(long, default_value_t = 1_000_000)]
    pub events: usize,
    /// Which generated layouts to measure.
    #[arg(long, value_enum, default_value_t = Layouts::Both)]
    pub layout: Layouts,
    /// Measure this CloudTrail tree instead of generating one.
    #[arg(long, short = 'i')]
    pub input: Option<PathBuf>,
    /// With --input: a tree of many small files for the second ingest row.
    #[arg(long, requires = "input")]
    pub small_files_input: Option<PathBuf>,
    /// Folder for the generated trees (a temporary folder inside it, removed at the end); default: the system's
    /// temporary folder. 10 M events take about 2 GB per layout.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Keep the generated trees (their folder is printed).
    #[arg(long)]
    pub keep: bool,
    /// Sessions and session identities sampled by the query rows.
    #[arg(long, default_value_t = 100)]
    pub samples: usize,
    /// PRNG seed of the generated trees.
    #[arg(long, default_value_t = demo::DEFAULT_SEED)]
    pub seed: u64,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// A tree this run generated.
#[derive(Debug, Serialize)]
pub struct Generated {
    pub layout: Layout,
    pub events: usize,
    pub log_files: usize,
    pub compressed_bytes: u64,
    /// Wall-clock seconds `trailhound demo` took.
    pub seconds: f64,
}

/// What `trailhound demo --json` prints (the fields read here).
#[derive(Deserialize)]
struct DemoSummary {
    events: usize,
    log_files: usize,
    compressed_bytes: u64,
}

#[derive(Serialize)]
struct Output<'a> {
    generated: &'a [Generated],
    #[serde(flatten)]
    report: &'a Report,
}

/// Write a demo tree with this same program in a child process.
fn generate(out: &Path, args: &BenchArgs, layout: Layout) -> anyhow::Result<Generated> {
    let exe = std::env::current_exe().context("cannot find this program to run `trailhound demo`")?;
    let layout_arg = match layout {
        Layout::Slices => "slices",
        Layout::SmallFiles => "small-files",
    };
    eprintln!("bench: generating {} events ({layout_arg}) …", args.events);
    let t = Instant::now();
    let run = Command::new(exe)
        .arg("demo")
        .arg("--out")
        .arg(out)
        .args(["--events", &args.events.to_string(), "--seed", &args.seed.to_string()])
        .args(["--layout", layout_arg, "--json"])
        .output()
        .context("cannot run `trailhound demo`")?;
    let seconds = t.elapsed().as_secs_f64();
    if !run.status.success() {
        bail!(
            "`trailhound demo` failed: {}",
            String::from_utf8_lossy(&run.stderr).trim()
        );
    }
    let s: DemoSummary = serde_json::from_slice(&run.stdout).context("`trailhound demo --json` printed no summary")?;
    Ok(Generated {
        layout,
        events: s.events,
        log_files: s.log_files,
        compressed_bytes: s.compressed_bytes,
        seconds,
    })
}

pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let work = match &args.work_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir(),
    };
    let mut generated = Vec::new();
    let mut _tmp = None;
    let plan = match &args.input {
        Some(tree) => Plan {
            tree: tree.clone(),
            small_files: args.small_files_input.clone(),
            samples: args.samples,
        },
        None => {
            let dir = tempfile::Builder::new()
                .prefix("trailhound-bench-")
                .tempdir_in(&work)
                .with_context(|| format!("cannot make a folder in {}", safe(&work.display().to_string())))?;
            let (main, small) = (dir.path().join("slices"), dir.path().join("small-files"));
            let want = |l: Layout| match args.layout {
                Layouts::Both => true,
                Layouts::Slices => l == Layout::Slices,
                Layouts::SmallFiles => l == Layout::SmallFiles,
            };
            for (l, out) in [(Layout::Slices, &main), (Layout::SmallFiles, &small)] {
                if want(l) {
                    generated.push(generate(out, &args, l)?);
                }
            }
            let plan = match args.layout {
                Layouts::Both => Plan {
                    tree: main,
                    small_files: Some(small),
                    samples: args.samples,
                },
                Layouts::Slices => Plan {
                    tree: main,
                    small_files: None,
                    samples: args.samples,
                },
                Layouts::SmallFiles => Plan {
                    tree: small.clone(),
                    small_files: Some(small),
                    samples: args.samples,
                },
            };
            if args.keep {
                let kept = dir.keep();
                eprintln!("bench: generated trees kept in {}", safe(&kept.display().to_string()));
            } else {
                _tmp = Some(dir);
            }
            plan
        }
    };
    let report = bench::run(&plan, &|what| eprintln!("bench: measuring {what} …"));
    if args.json {
        print_json(&Output {
            generated: &generated,
            report: &report,
        })
    } else {
        print_text(&generated, &report);
        Ok(())
    }
}

/// A number as the table shows it: rates and sizes whole with thousands separators, times in ms with 3 figures.
fn value(v: f64, unit: &str) -> String {
    if unit == "ms" {
        return if v < 10.0 {
            format!("{v:.3} ms")
        } else {
            format!("{v:.1} ms")
        };
    }
    let whole = format!("{:.0}", v.max(0.0));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} {unit}")
}

fn goal(r: &Row) -> String {
    let sign = match r.better {
        Better::AtLeast => "≥",
        Better::AtMost => "≤",
    };
    format!("{sign} {}", value(r.goal, r.unit))
}

fn print_text(generated: &[Generated], report: &Report) {
    for g in generated {
        println!(
            "generated {} events ({:?}): {} files, {:.1} MB gzip, {:.1} s",
            g.events,
            g.layout,
            g.log_files,
            g.compressed_bytes as f64 / 1e6,
            g.seconds
        );
    }
    let load = |l: Option<f64>| l.map_or_else(|| "?".to_string(), |l| format!("{l:.1}"));
    println!(
        "measured {} events from {} files ({} MB on disk) on {} threads; load average {} at the start, {} at the end\n",
        report.events,
        report.files,
        report.bytes >> 20,
        report.threads,
        load(report.load_average[0]),
        load(report.load_average[1])
    );
    println!("{:<52} {:>20} {:>20}  status", "what", "goal", "measured");
    for r in &report.rows {
        let measured = r.measured.map_or_else(|| "-".to_string(), |v| value(v, r.unit));
        let status = match (r.status, r.miss_by) {
            (Status::Met, _) => "met".to_string(),
            (Status::Missed, Some(f)) => format!("missed ({f:.2}×)"),
            (Status::Missed, None) => "missed".to_string(),
            (Status::NotMeasured, _) => "not measured".to_string(),
        };
        println!("{:<52} {:>20} {:>20}  {status}", r.what, goal(r), measured);
        println!("    {}", safe(&r.note));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_the_readme_writes_them() {
        assert_eq!(value(612_345.4, "events/s"), "612,345 events/s");
        assert_eq!(value(299.6, "B/event"), "300 B/event");
        assert_eq!(value(0.1234, "ms"), "0.123 ms");
        assert_eq!(value(244.04, "ms"), "244.0 ms");
        assert_eq!(value(999.0, "x"), "999 x");
    }
}
