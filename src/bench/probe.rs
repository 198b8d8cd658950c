//! What the benchmark reads off the process and its timings: resident memory (`VmRSS`, and the peak `VmHWM`, from
//! `/proc/self/status`; Linux only) and the median and worst of a set of timings.

use super::{Row, goals};
use std::time::Duration;

/// Resident memory now and at its peak so far, in KiB; zeros where `/proc/self/status` does not exist.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
}

/// The process's resident memory as the kernel reports it.
pub fn memory() -> Memory {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    Memory {
        rss_kib: field("VmRSS:"),
        peak_kib: field("VmHWM:"),
    }
}

/// Peak resident bytes per event: the peak after ingest and the session graph, less what the process held before
/// loading (the program itself). `everything` is the peak at the end, with every index and the TUI's models.
pub fn memory_row(events: usize, before: Memory, loaded: Memory, everything: Memory) -> Row {
    const WHAT: &str = "peak resident memory";
    if loaded.peak_kib == 0 || events == 0 {
        return Row::not_measured(
            "peak_memory",
            WHAT,
            goals::MEMORY,
            "no /proc/self/status on this system, or no events".into(),
        );
    }
    let per_event = |m: Memory| (m.peak_kib.saturating_sub(before.rss_kib) * 1024) as f64 / events as f64;
    Row::measured(
        "peak_memory",
        WHAT,
        goals::MEMORY,
        per_event(loaded),
        format!(
            "VmHWM after ingest + session graph {} MiB, less {} MiB resident before loading; at the end, with the \
             behaviour index, loaded names and the TUI's view models: {:.0} B/event ({} MiB)",
            loaded.peak_kib >> 10,
            before.rss_kib >> 10,
            per_event(everything),
            everything.peak_kib >> 10
        ),
    )
}

/// CPU time this process has used so far (user + system, all threads), in seconds, from `/proc/self/stat`
/// (counted in clock ticks, 100 a second on Linux); `None` elsewhere.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which may hold spaces) start at field 3; utime and stime are 14 and 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

/// The one-minute load average (runnable tasks on the machine), from `/proc/loadavg`; `None` elsewhere.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Median and worst of some timings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Spread {
    pub p50: Duration,
    pub max: Duration,
    pub count: usize,
}

impl Spread {
    pub fn of(mut times: Vec<Duration>) -> Spread {
        times.sort_unstable();
        Spread {
            p50: times.get(times.len() / 2).copied().unwrap_or_default(),
            max: times.last().copied().unwrap_or_default(),
            count: times.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spread_is_the_middle_and_the_worst() {
        let s = Spread::of([5, 1, 9, 3, 7].map(Duration::from_millis).to_vec());
        assert_eq!(
            (s.p50, s.max, s.count),
            (Duration::from_millis(5), Duration::from_millis(9), 5)
        );
        assert_eq!(Spread::of(Vec::new()).max, Duration::ZERO);
    }

    #[test]
    fn memory_cpu_and_load_are_read_from_proc_on_linux() {
        if cfg!(target_os = "linux") {
            let m = memory();
            assert!(m.rss_kib > 0 && m.peak_kib >= m.rss_kib, "{m:?}");
            let before = cpu_seconds().unwrap();
            let t = std::time::Instant::now();
            let mut x = 0u64;
            while t.elapsed() < Duration::from_millis(300) {
                x = std::hint::black_box(x.wrapping_add(1));
            }
            // Busy for 0.3 s: some CPU time was counted (how much depends on the machine's load).
            assert!(cpu_seconds().unwrap() > before, "{before}");
            assert!(load_average().unwrap() >= 0.0);
        }
    }
}
