//! End to end: the binary cargo built for the test run, in a real terminal (tmux), on the bundled sample case,
//! driven with keys along the investigation path, asserting what the pane shows. Skips (with a message) when tmux
//! or the sample case is missing, unless `CI=true`, where that is a failure (`.ci/run` installs tmux).

use std::path::PathBuf;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn skip_or_fail(why: &str) {
    if ci() {
        panic!("{why} (CI=true)");
    }
    eprintln!("skipping the tmux end-to-end test: {why}");
}

/// The binary cargo built for this test run (debug under `cargo test`: CI does not spend a release build on it).
fn binary() -> Option<PathBuf> {
    Some(PathBuf::from(env!("CARGO_BIN_EXE_trailhound"))).filter(|p| p.is_file())
}

/// The binary, tmux and the sample case, or `None` after skipping (or failing under CI) with the reason.
fn prerequisites() -> Option<PathBuf> {
    let Some(bin) = binary() else {
        skip_or_fail("the trailhound binary is not built");
        return None;
    };
    if Command::new("tmux").arg("-V").output().is_err() {
        skip_or_fail("tmux is not installed");
        return None;
    }
    if !PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/case/AWSLogs")).is_dir() {
        skip_or_fail("the sample case is missing");
        return None;
    }
    Some(bin)
}

struct Tmux {
    session: String,
}

impl Tmux {
    fn run(args: &[&str]) -> String {
        let out = Command::new("tmux").args(args).output().expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            Tmux::run(&["send-keys", "-t", &self.session, k]);
            sleep(Duration::from_millis(150));
        }
    }
    fn literal(&self, text: &str) {
        Tmux::run(&["send-keys", "-t", &self.session, "-l", text]);
        sleep(Duration::from_millis(150));
    }
    fn pane(&self) -> String {
        Tmux::run(&["capture-pane", "-p", "-t", &self.session])
    }
    /// Wait until the pane shows `needle` (the UI draws asynchronously); the pane on timeout.
    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let p = self.pane();
            if p.contains(needle) {
                return p;
            }
            if start.elapsed() > Duration::from_secs(30) {
                panic!("pane never showed {needle:?}:\n{p}");
            }
            sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        Tmux::run(&["kill-session", "-t", &self.session]);
    }
}

#[test]
fn investigation_path_in_a_real_terminal() {
    let Some(bin) = prerequisites() else { return };
    let session = format!("trailhound-e2e-{}", std::process::id());
    let t = Tmux {
        session: session.clone(),
    };
    // No -i: the bundled sample case opens. The shell stays after exit so the last pane can be read. A fresh data
    // dir: a default case left by earlier use of this machine would restore its own place instead.
    let data = tempfile::tempdir().unwrap();
    let cmd = format!(
        "cd {} && XDG_DATA_HOME={} {} ; echo EXITED-$?; sleep 30",
        env!("CARGO_MANIFEST_DIR"),
        data.path().display(),
        bin.display()
    );
    Tmux::run(&["new-session", "-d", "-s", &session, "-x", "120", "-y", "40", &cmd]);
    let p = t.wait_for("loaded 2");
    assert!(p.contains("trailhound › Findings"), "{p}");
    assert!(p.contains("Scope"), "the scope bar is always visible:\n{p}");

    // It lands on the day summary of the last day loaded, over the findings list.
    assert!(p.contains("trailhound › Findings › Summary"), "{p}");
    // The GuardDuty finding, filtered out of the summary's rows, opened with its scope (14:00–15:00).
    t.literal("/CloudTrailLogging");
    t.keys(&["Enter"]);
    t.wait_for("/CloudTrailLogging ");
    // The pivot acts on the rows shown, also while the rules' hits join the summary (its model recomputed).
    t.keys(&["Enter"]);
    let p = t.wait_for("finding window");
    assert!(
        p.contains("Stealth:IAMUser/CloudTrailLoggingDisabled") && p.contains("14:00:00Z → 2026-11-05T15:00:00Z"),
        "{p}"
    );
    // Its first entity is the session; open it.
    t.keys(&["Enter"]);
    let p = t.wait_for("identity-center-user sara");
    assert!(p.contains("DemoRole1 / sara") && p.contains("exact access key"), "{p}");

    // Select "this session" and open the chain graph; move to DemoRole1 and open it.
    t.keys(&["j", "c"]);
    let p = t.wait_for("links:");
    assert!(p.contains("DemoRole1/sara") && p.contains("───▶"), "{p}");
    t.keys(&["j", "Enter"]);
    let p = t.wait_for("session ASIADEMOROLE10000001");
    assert!(p.contains("DemoRole1"), "{p}");

    t.keys(&["Tab"]);
    let p = t.wait_for("New behaviour in scope");
    assert!(
        p.contains("new API call") && p.contains("iam:UpdateAssumeRolePolicy"),
        "{p}"
    );
    t.keys(&["Tab", "Tab"]);
    let p = t.wait_for("Events in scope");
    assert!(
        p.contains("AccessDenied") && p.contains("iam:UpdateAssumeRolePolicy"),
        "{p}"
    );

    t.keys(&["?"]);
    t.wait_for("Keys (any key closes)");
    t.keys(&["Escape", "Escape", "Escape", "Escape"]);
    t.keys(&["q"]);
    let p = t.wait_for("EXITED-0");
    assert!(!p.contains("\u{1b}["), "the terminal was restored:\n{p}");
}

/// SIGTERM restores the terminal and exits cleanly (the runtime listens for it next to the key stream).
#[test]
fn sigterm_restores_the_terminal() {
    let Some(bin) = prerequisites() else { return };
    let session = format!("trailhound-e2e-term-{}", std::process::id());
    let t = Tmux {
        session: session.clone(),
    };
    // `exec` in a subshell that reports the pid we will signal (the process this test started).
    let cmd = format!(
        "cd {} && sh -c 'echo $$ > /tmp/{session}.pid; exec {}'; echo EXITED-$?; sleep 30",
        env!("CARGO_MANIFEST_DIR"),
        bin.display()
    );
    Tmux::run(&["new-session", "-d", "-s", &session, "-x", "120", "-y", "40", &cmd]);
    t.wait_for("loaded 2");
    let pid_file = format!("/tmp/{session}.pid");
    let pid = std::fs::read_to_string(&pid_file).expect("pid file").trim().to_string();
    let _ = std::fs::remove_file(&pid_file);
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    let p = t.wait_for("EXITED-0");
    assert!(
        !p.contains("trailhound › Findings"),
        "the alternate screen was left:\n{p}"
    );
}

#[test]
fn a_case_reopens_where_the_analyst_left_it() {
    let Some(bin) = prerequisites() else { return };
    let case = tempfile::tempdir().unwrap();
    let session = format!("trailhound-e2e-reopen-{}", std::process::id());
    let cmd = format!(
        "cd {} && for run in 1 2; do {} -i samples/case --case {}; echo EXITED-$run; sleep 2; done; sleep 30",
        env!("CARGO_MANIFEST_DIR"),
        bin.display(),
        case.path().display()
    );
    let t = Tmux {
        session: session.clone(),
    };
    Tmux::run(&["new-session", "-d", "-s", &session, "-x", "120", "-y", "40", &cmd]);
    t.wait_for("loaded 2");
    // First run: from the landing day summary, the CloudTrailLoggingDisabled finding, then sara's admin session,
    // its New behaviour tab; quit.
    t.literal("/CloudTrailLogging");
    t.keys(&["Enter"]);
    t.wait_for("/CloudTrailLogging ");
    t.keys(&["Enter"]);
    t.wait_for("finding window");
    t.keys(&["Enter"]);
    t.wait_for("identity-center-user sara");
    t.keys(&["Tab"]);
    t.wait_for("vs the 45-day baseline");
    t.keys(&["q"]);
    t.wait_for("EXITED-1");
    // Second run, same case: back in the same view, tab and scope, with the same breadcrumbs.
    t.wait_for("loaded 2");
    let p = t.wait_for("vs the 45-day baseline");
    assert!(
        p.contains("Findings › Summary › finding 5ac5b1a1f0e2… › session ASIASARAADMIN0000001"),
        "breadcrumbs restored:\n{p}"
    );
    assert!(
        p.contains("2026-11-05T14:00:00Z → 2026-11-05T15:00:00Z"),
        "scope restored:\n{p}"
    );
    t.keys(&["q"]);
    t.wait_for("EXITED-2");
}

/// The hostile corpus (`tests/support/hostile.rs`: escapes, OSC title sequences, C1, bidi, invisible and tag
/// characters in every name and free-text field) opened in a real terminal and walked through the findings, a
/// finding, the entity it names and each of its tabs: no hazard character reaches the pane, the OSC sequence in
/// the data never retitles the terminal, and the hostile values are on screen in their visible form.
#[test]
fn hostile_logs_never_reach_the_terminal_raw() {
    let Some(bin) = prerequisites() else { return };
    let dir = tempfile::tempdir().unwrap();
    let corpus = crate::support::hostile::corpus(dir.path());
    let session = format!("trailhound-e2e-hostile-{}", std::process::id());
    let t = Tmux {
        session: session.clone(),
    };
    let data = tempfile::tempdir().unwrap();
    let cmd = format!(
        "XDG_DATA_HOME={} {} -i {} ; echo EXITED-$?; sleep 30",
        data.path().display(),
        bin.display(),
        corpus.display()
    );
    Tmux::run(&["new-session", "-d", "-s", &session, "-x", "120", "-y", "40", &cmd]);
    let title = || Tmux::run(&["display-message", "-p", "-t", &session, "#{pane_title}"]);
    let mut seen = t.wait_for("loaded ");
    let walk: &[&[&str]] = &[
        &["Enter"],
        &["Enter"],
        &["Tab"],
        &["Tab"],
        &["Tab"],
        &["Tab"],
        &["Escape", "Escape"],
        &["j", "Enter"],
    ];
    for keys in walk {
        t.keys(keys);
        sleep(Duration::from_millis(700));
        seen.push_str(&t.pane());
    }
    t.keys(&["q"]);
    seen.push_str(&t.wait_for("EXITED-0"));
    if let Some((i, c)) = seen
        .char_indices()
        .find(|&(_, c)| crate::support::hostile::raw_hazard(c) && c != '\n')
    {
        let line_start = seen[..i].rfind('\n').map_or(0, |j| j + 1);
        let line_end = seen[i..].find('\n').map_or(seen.len(), |j| i + j);
        panic!(
            "raw U+{:04X} reached the terminal on the line {:?}",
            c as u32,
            &seen[line_start..line_end]
        );
    }
    assert!(!title().contains("pwn"), "the data retitled the terminal: {}", title());
    // The hostile names were drawn, in their visible form (◊ for invisible characters, � for controls).
    assert!(
        seen.contains("sara") && (seen.contains('◊') || seen.contains('�')),
        "{seen}"
    );
}
