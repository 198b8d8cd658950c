//! Kill -9 durability: a writer process adding notes is SIGKILLed at random points, over and over; every write
//! it acknowledged must survive, and the case must always reopen and pass `PRAGMA integrity_check`.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use trailhound::core::case::{Case, NoteFilter};

const BIN: &str = env!("CARGO_BIN_EXE_trailhound");
const ROUNDS: u64 = 120;

/// xorshift64*: a fixed seed makes the kill points the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn spawn_writer(dir: &Path, start: u64) -> std::process::Child {
    Command::new(BIN)
        .args(["case", "stress-write", "--case"])
        .arg(dir)
        .args(["--start", &start.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn trailhound")
}

/// Kill the writer and return the note numbers it acknowledged (complete `ack N\n` lines only).
fn kill_and_collect(mut child: std::process::Child) -> Vec<u64> {
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    let mut out = String::new();
    if let Some(mut s) = child.stdout.take() {
        s.read_to_string(&mut out).expect("read acks");
    }
    out.split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .filter_map(|l| l.trim_end().strip_prefix("ack ")?.parse().ok())
        .collect()
}

fn stored(dir: &Path) -> BTreeSet<u64> {
    let case = Case::open(dir).expect("case reopens after a kill");
    case.integrity_check().expect("integrity_check ok");
    case.notes(&NoteFilter::default())
        .expect("notes readable")
        .iter()
        .filter_map(|n| n.text.strip_prefix("stress ")?.parse().ok())
        .collect()
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    let status = Command::new(BIN)
        .args(["case", "new", "--case"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(status.status.success());

    let mut rng = Rng(0x7472_6169_6c68_6f75);
    let mut acked = BTreeSet::new();
    let mut kills = 0;
    for round in 0..ROUNDS {
        // Every fifth round two writers race, as two trailhound processes on one case would.
        let writers = if round % 5 == 4 { 2 } else { 1 };
        let children: Vec<_> = (0..writers)
            .map(|w| spawn_writer(&dir, (round * 2 + w) * 1_000_000))
            .collect();
        // 0–59 ms: some kills land during start-up and open, most during the write loop.
        std::thread::sleep(Duration::from_millis(rng.next() % 60));
        for child in children {
            acked.extend(kill_and_collect(child));
            kills += 1;
        }
        let have = stored(&dir);
        let lost: Vec<_> = acked.difference(&have).collect();
        assert!(lost.is_empty(), "round {round}: acknowledged notes lost: {lost:?}");
    }
    assert!(kills >= 100, "only {kills} kills");
    // The test must be able to fail: the writers must actually have acknowledged plenty of writes.
    assert!(acked.len() >= 200, "only {} acknowledged writes", acked.len());
    eprintln!(
        "{kills} kills, {} acknowledged writes, {} stored",
        acked.len(),
        stored(&dir).len()
    );
    // The binary also still opens it.
    let out = Command::new(BIN)
        .args(["case", "show", "--json", "--case"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
