//! Hostile files and trees: special files given as inputs or met in folders (FIFOs, sockets, devices), symbolic
//! links (followed; loops and dangling links reported), and gzip bombs read in parallel. None may hang a load or
//! grow memory without bound; each is reported with its path and reason while the rest is read.
//!
//! Runs of the real binary that could hang or eat memory on a regression run under a 2 GB address-space limit
//! (`ulimit -v`) and a deadline after which they are killed: the assertion is that they exited by themselves.

use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use trailhound::core::ingest::{IngestReport, LoadOptions, load, load_paths};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");

fn record(n: u32, name: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/sara","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"sara"}},"eventTime":"2026-11-05T14:10:00Z","eventSource":"ec2.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.30","eventID":"00000000-0000-4000-8000-{n:012}","eventType":"AwsApiCall","recipientAccountId":"111122223333"}}"#
    )
}

fn s3_file(path: &Path, records: &[String]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, format!(r#"{{"Records":[{}]}}"#, records.join(","))).unwrap();
}

fn names(store: &trailhound::core::model::Store) -> Vec<String> {
    let mut v: Vec<String> = store.events.iter().map(|e| store.s(e.event_name).to_string()).collect();
    v.sort();
    v
}

fn skipped_for<'r>(r: &'r IngestReport, path: &Path) -> Option<&'r str> {
    r.skipped.iter().find(|s| s.path == path).map(|s| s.reason.as_str())
}

fn error_for<'r>(r: &'r IngestReport, path: &Path) -> Option<&'r str> {
    r.errors.iter().find(|e| e.path == path).map(|e| e.reason.as_str())
}

/// What a run of the binary left behind.
struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Run the binary with `args` under a 2 GB address-space limit; kill it if it has not exited after `deadline`
/// (then the test fails: it hung). Output goes to files, not pipes, so a full pipe cannot stall the child.
fn run_bounded(args: &[&str], stdin: Stdio, deadline: Duration) -> Finished {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 2000000 && exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(args)
        .stdin(stdin)
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "trailhound {args:?} did not exit by itself within {deadline:?} (killed); stderr: {}",
                std::fs::read_to_string(&err).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Finished {
        status,
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
    }
}

const DEADLINE: Duration = Duration::from_secs(120);

// --- special files -------------------------------------------------------------------------------------------

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

/// A FIFO named as an input is refused with its path, instead of blocking forever on open/read.
#[test]
fn a_fifo_given_as_input_is_refused_not_waited_on() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe.json");
    mkfifo(&fifo);
    let good = d.path().join("good.json");
    s3_file(&good, &[record(1, "RunInstances")]);
    let f = run_bounded(
        &[
            "ingest",
            "-i",
            fifo.to_str().unwrap(),
            "-i",
            good.to_str().unwrap(),
            "--json",
        ],
        Stdio::null(),
        DEADLINE,
    );
    assert!(f.status.success(), "the good input is still read: {}", f.stderr);
    let v: serde_json::Value = serde_json::from_str(&f.stdout).unwrap();
    assert_eq!(v["events"], 1, "{v:#}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], fifo.to_str().unwrap());
    assert!(errors[0]["reason"].as_str().unwrap().contains("FIFO"), "{errors:?}");
}

/// `-i /proc/self/fd/0` with standard input a pipe that never ends is the same FIFO case; `-i -` is refused too
/// (standard input cannot be read again for the record detail view).
#[test]
fn standard_input_as_an_input_is_refused_with_a_message() {
    let f = run_bounded(&["ingest", "-i", "/proc/self/fd/0"], Stdio::piped(), DEADLINE);
    assert_eq!(f.status.code(), Some(1), "{}\n{}", f.stdout, f.stderr);
    assert!(
        f.stdout.contains("/proc/self/fd/0") && f.stdout.contains("FIFO"),
        "{}",
        f.stdout
    );
    let f = run_bounded(&["ingest", "-i", "-"], Stdio::piped(), DEADLINE);
    assert_eq!(f.status.code(), Some(1), "{}\n{}", f.stdout, f.stderr);
    assert!(f.stdout.contains("standard input"), "{}", f.stdout);
}

/// `/dev/zero` never ends: it is refused as a character device, not read until memory runs out.
#[test]
fn dev_zero_is_refused_not_read_forever() {
    let f = run_bounded(&["ingest", "-i", "/dev/zero", "--json"], Stdio::null(), DEADLINE);
    assert_eq!(f.status.code(), Some(1), "stderr: {}", f.stderr);
    let v: serde_json::Value = serde_json::from_str(&f.stdout).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], "/dev/zero");
    assert!(
        errors[0]["reason"].as_str().unwrap().contains("character device"),
        "{errors:?}"
    );
}

/// Inside a folder, a FIFO, a socket and a link to a character device with data names are skipped with their
/// reason; the regular files beside them are read.
#[test]
fn special_files_in_folders_are_skipped_with_a_reason() {
    let d = tempfile::tempdir().unwrap();
    s3_file(&d.path().join("a.json"), &[record(1, "A")]);
    let fifo = d.path().join("b.json");
    mkfifo(&fifo);
    let sock = d.path().join("c.json");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let dev = d.path().join("d.json.gz");
    symlink("/dev/zero", &dev).unwrap();
    s3_file(&d.path().join("e.json"), &[record(2, "E")]);
    let store = load_paths(&[d.path()]);
    let r = &store.report;
    assert_eq!(names(&store), ["A", "E"]);
    assert!(skipped_for(r, &fifo).is_some_and(|s| s.contains("FIFO")), "{r:#?}");
    assert!(skipped_for(r, &sock).is_some_and(|s| s.contains("socket")), "{r:#?}");
    assert!(
        skipped_for(r, &dev).is_some_and(|s| s.contains("character device")),
        "{r:#?}"
    );
    assert_eq!(r.files_read, 2);
}

// --- symbolic links ------------------------------------------------------------------------------------------

/// A symlinked folder inside an input folder is walked like any folder; a link to a file is read.
#[test]
fn symlinked_folders_and_files_are_followed() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("input");
    s3_file(&input.join("own/a.json"), &[record(1, "A")]);
    s3_file(&d.path().join("elsewhere/deeper/b.json"), &[record(2, "B")]);
    s3_file(&d.path().join("single/c.json"), &[record(3, "C")]);
    symlink(d.path().join("elsewhere"), input.join("linked")).unwrap();
    symlink(d.path().join("single/c.json"), input.join("c-link.json")).unwrap();
    let store = load_paths(&[&input]);
    assert_eq!(names(&store), ["A", "B", "C"]);
    assert!(store.report.skipped.is_empty(), "{:#?}", store.report.skipped);
    assert_eq!(store.report.errors_total, 0, "{:#?}", store.report.errors);
    // The files are known by the path the analyst sees (through the link).
    assert!(
        store.files.iter().any(|f| f.path == input.join("linked/deeper/b.json")),
        "{:?}",
        store.files
    );
}

/// Links back to an ancestor folder (a loop), links that loop on themselves, and a second way into a folder
/// already read terminate, are reported with their reason, and the data is read once.
#[test]
fn link_loops_terminate_and_are_reported() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("input");
    s3_file(&input.join("sub/a.json"), &[record(1, "A")]);
    let up = input.join("sub/up");
    symlink("..", &up).unwrap();
    let me = input.join("me");
    symlink(".", &me).unwrap();
    let self_loop = input.join("self.json");
    symlink("self.json", &self_loop).unwrap();
    let again = input.join("z-again");
    symlink("sub", &again).unwrap();
    let store = load_paths(&[&input]);
    let r = &store.report;
    assert_eq!(names(&store), ["A"]);
    for link in [&up, &me] {
        let why = skipped_for(r, link).unwrap_or_else(|| panic!("{} not reported: {r:#?}", link.display()));
        assert!(why.contains("loop"), "{why}");
    }
    assert!(skipped_for(r, &self_loop).is_some_and(|s| s.contains("loop")), "{r:#?}");
    let why = skipped_for(r, &again).unwrap_or_else(|| panic!("second way in not reported: {r:#?}"));
    assert!(why.contains("already"), "{why}");
}

/// A dangling link (file or folder name) is reported with where it points.
#[test]
fn dangling_links_are_reported() {
    let d = tempfile::tempdir().unwrap();
    s3_file(&d.path().join("a.json"), &[record(1, "A")]);
    let gone = d.path().join("gone.json.gz");
    symlink("nowhere/x.json.gz", &gone).unwrap();
    let gone_dir = d.path().join("gone-dir");
    symlink("/nonexistent/trailhound-test", &gone_dir).unwrap();
    let store = load_paths(&[d.path()]);
    let r = &store.report;
    assert_eq!(names(&store), ["A"]);
    let why = skipped_for(r, &gone).unwrap_or_else(|| panic!("dangling file link not reported: {r:#?}"));
    assert!(why.contains("dangling") && why.contains("nowhere/x.json.gz"), "{why}");
    let why = skipped_for(r, &gone_dir).unwrap_or_else(|| panic!("dangling folder link not reported: {r:#?}"));
    assert!(why.contains("dangling"), "{why}");
    assert_eq!(error_for(r, &gone), None);
}

// --- gzip bombs ----------------------------------------------------------------------------------------------

const MIB: u64 = 1 << 20;
/// The limits the bomb test loads with: no file may hold more than 128 MiB, all workers together 160 MiB.
const BOMB_FILE_CAP: u64 = 128 * MIB;
const BOMB_BUDGET: u64 = 160 * MIB;

/// A gzip of a JSON prefix and `size` bytes of blanks: about a thousandth of its size compressed.
fn gzip_bomb(size: u64) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(br#"{"Records":["#).unwrap();
    let chunk = vec![b' '; MIB as usize];
    for _ in 0..size / MIB {
        e.write_all(&chunk).unwrap();
    }
    e.finish().unwrap()
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// The child side of [`parallel_gzip_bombs_stay_within_the_shared_budget`]: load `dir` with the test's limits and
/// print the growth of peak resident memory and the report.
fn bomb_child(dir: &str) {
    // Reset the peak to what is resident now (Linux `clear_refs` 5), so the growth is the load's alone.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let base = if reset {
        status_kb("VmRSS:")
    } else {
        status_kb("VmHWM:")
    };
    let opts = LoadOptions {
        max_file_bytes: BOMB_FILE_CAP,
        read_budget: BOMB_BUDGET,
        ..Default::default()
    };
    let store = load(&[PathBuf::from(dir)], &opts, &|_| {});
    println!("GROWTH_KB {}", status_kb("VmHWM:").saturating_sub(base));
    println!("EVENTS {}", store.events.len());
    for e in &store.report.errors {
        println!("ERROR {}\t{}", e.path.display(), e.reason);
    }
}

/// Four small gzip bombs (≈ 512 KiB each, 512 MiB decompressed) read by four workers: each stops at the per-file
/// cap while it is being decompressed, and together they never hold more than the shared budget — peak resident
/// memory (VmHWM, measured in a child process that does only this load) grows by less than the budget plus a
/// margin, where four workers each holding a capped file would need 512 MiB. Each bomb is reported with its path
/// and the limit it hit; the good file beside them is read.
#[test]
fn parallel_gzip_bombs_stay_within_the_shared_budget() {
    if let Ok(dir) = std::env::var("TRAILHOUND_TEST_BOMB_DIR") {
        return bomb_child(&dir);
    }
    let d = tempfile::tempdir().unwrap();
    let bomb = gzip_bomb(512 * MIB);
    assert!(bomb.len() < MIB as usize, "{}", bomb.len());
    for n in 0..4 {
        std::fs::write(d.path().join(format!("bomb-{n}.json.gz")), &bomb).unwrap();
    }
    s3_file(&d.path().join("good.json"), &[record(1, "A")]);
    // This test's name as the harness knows it: its module path without the crate's name.
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    let name = [module, "parallel_gzip_bombs_stay_within_the_shared_budget"]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("::");
    let out = Command::new(std::env::current_exe().unwrap())
        .args([name.as_str(), "--exact", "--nocapture", "--test-threads=1"])
        .env("TRAILHOUND_TEST_BOMB_DIR", d.path())
        .env("RAYON_NUM_THREADS", "4")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value = |key: &str| -> u64 {
        stdout
            .lines()
            .find_map(|l| l.split_once(key).map(|(_, v)| v))
            .unwrap_or_else(|| panic!("no {key} in child output:\n{stdout}"))
            .trim()
            .parse()
            .unwrap()
    };
    assert_eq!(value("EVENTS "), 1);
    let growth = value("GROWTH_KB ") * 1024;
    assert!(
        growth < BOMB_BUDGET + 64 * MIB,
        "peak resident memory grew by {} MiB with a {} MiB budget",
        growth / MIB,
        BOMB_BUDGET / MIB
    );
    let errors: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_once("ERROR ").map(|(_, v)| v))
        .collect();
    assert_eq!(errors.len(), 4, "{errors:#?}");
    for n in 0..4 {
        let path = d.path().join(format!("bomb-{n}.json.gz"));
        let line = errors
            .iter()
            .find(|l| l.starts_with(&format!("{}\t", path.display())))
            .unwrap_or_else(|| panic!("bomb {n} not reported: {errors:#?}"));
        assert!(line.contains("more than 128 MiB"), "{line}");
    }
}
