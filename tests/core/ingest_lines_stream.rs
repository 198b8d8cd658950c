//! JSON lines of any size: a JSON-lines file streams in line by line, so the per-file limit no longer refuses it
//! (each line is held alone and may be at most that long), while one document over the limit is still refused and
//! a gzip bomb of lines stops past the limit. The limit is shrunk here (`LoadOptions::max_file_bytes`) so files of
//! a few MiB stand for files of many GiB; the > 2 GiB stream at the default limit is a unit test of
//! `core::ingest::stream`. Offsets and the detail view's raw record are checked past the first MiB, which is where
//! the head read before the format is known ends and the line reader takes over.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};
use trailhound::core::ingest::{LoadOptions, load, raw_record};
use trailhound::core::model::Store;

const KIB: u64 = 1 << 10;
const MIB: u64 = 1 << 20;

fn record(n: u32) -> String {
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/sara","accountId":"111122223333","accessKeyId":"AKIAEXAMPLE","userName":"sara"}},"eventTime":"2026-11-05T14:10:00Z","eventSource":"ec2.amazonaws.com","eventName":"Call{n}","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.30","eventID":"00000000-0000-4000-8000-{n:012}","eventType":"AwsApiCall","recipientAccountId":"111122223333"}}"#
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn load_with(path: &Path, max_file_bytes: u64) -> Store {
    let opts = LoadOptions {
        max_file_bytes,
        read_budget: 4 * max_file_bytes,
        ..Default::default()
    };
    load(&[PathBuf::from(path)], &opts, &|_| {})
}

fn names(store: &Store) -> Vec<String> {
    store.events.iter().map(|e| store.s(e.event_name).to_string()).collect()
}

/// `n` records as JSON lines (about 520 bytes each).
fn lines(n: u32) -> String {
    (0..n).map(|i| record(i) + "\n").collect()
}

#[test]
fn json_lines_past_the_per_file_limit_are_read_and_one_document_is_not() {
    let d = tempfile::tempdir().unwrap();
    let text = lines(4000); // ≈ 2 MiB against a 256 KiB limit
    assert!(text.len() as u64 > 6 * 256 * KIB);
    std::fs::write(d.path().join("big.jsonl"), &text).unwrap();
    std::fs::write(d.path().join("big.jsonl.gz"), gzip(text.as_bytes())).unwrap();
    for file in ["big.jsonl", "big.jsonl.gz"] {
        let store = load_with(&d.path().join(file), 256 * KIB);
        assert_eq!(store.events.len(), 4000, "{file}: {:?}", store.report.errors);
        assert_eq!(store.report.errors_total, 0, "{file}");
        let mut want: Vec<String> = (0..4000).map(|i| format!("Call{i}")).collect();
        let mut got = names(&store);
        want.sort();
        got.sort();
        assert_eq!(got, want, "{file}");
    }
    // The same records as one S3 document are still refused at the limit, naming it.
    let records: Vec<String> = (0..4000).map(record).collect();
    let doc = format!(r#"{{"Records":[{}]}}"#, records.join(","));
    std::fs::write(d.path().join("big.json"), &doc).unwrap();
    std::fs::write(d.path().join("big.json.gz"), gzip(doc.as_bytes())).unwrap();
    for (file, says) in [
        ("big.json", "larger than 256 KiB (the per-file limit)"),
        ("big.json.gz", "decompresses to more than 256 KiB (the per-file limit)"),
    ] {
        let store = load_with(&d.path().join(file), 256 * KIB);
        assert!(store.events.is_empty(), "{file}");
        assert!(
            store.report.errors.iter().any(|e| e.reason.contains(says)),
            "{file}: {:?}",
            store.report.errors
        );
    }
}

#[test]
fn a_line_past_the_limit_is_skipped_and_reported_and_the_rest_read() {
    let d = tempfile::tempdir().unwrap();
    let long = format!(r#"{{"eventName":"Long","pad":"{}"}}"#, "x".repeat(300 * KIB as usize));
    let text = format!("{}\n{}\n{}\n{long}\n{}\n", record(0), record(1), record(2), record(3));
    let path = d.path().join("long.jsonl");
    std::fs::write(&path, &text).unwrap();
    let store = load_with(&path, 256 * KIB);
    assert_eq!(names(&store), ["Call0", "Call1", "Call2", "Call3"]);
    assert_eq!(store.report.errors_total, 1);
    let e = &store.report.errors[0];
    assert_eq!(e.index, Some(3), "{e:?}");
    assert_eq!(e.offset, Some(text.find(&long).unwrap() as u64), "{e:?}");
    assert!(e.reason.contains("longer than 256 KiB"), "{e:?}");
}

#[test]
fn offsets_and_raw_records_hold_past_the_head_of_the_file() {
    let d = tempfile::tempdir().unwrap();
    // Lines 0..3999 (≈ 2 MiB) with a bad UTF-8 byte in line 10 (inside the first MiB read before the format is
    // known) and in line 3000 (read by the line reader after it).
    let mut text = String::new();
    let mut bad = Vec::new();
    for i in 0..4000u32 {
        if i == 10 || i == 3000 {
            let line = record(i).replacen("eventVersion", "eventVers\u{1}on", 1);
            bad.push(text.len() + line.find('\u{1}').unwrap());
            text.push_str(&line);
        } else {
            text.push_str(&record(i));
        }
        text.push('\n');
    }
    let mut bytes = text.into_bytes();
    for &at in &bad {
        assert_eq!(bytes[at], 1);
        bytes[at] = 0xff;
    }
    assert!(bad[0] < MIB as usize && bad[1] as u64 > MIB + 64 * KIB, "{bad:?}");
    let path = d.path().join("bad.jsonl.gz");
    std::fs::write(&path, gzip(&bytes)).unwrap();
    let store = trailhound::core::ingest::load_paths(&[&path]);
    assert_eq!(store.events.len(), 3998);
    let errors: Vec<(Option<u64>, Option<u64>)> = store.report.errors.iter().map(|e| (e.index, e.offset)).collect();
    assert_eq!(
        errors,
        [(Some(10), Some(bad[0] as u64)), (Some(3000), Some(bad[1] as u64))]
    );
    // The detail view finds a record far into the file by its line.
    let i = store
        .events
        .iter()
        .position(|e| store.s(e.event_name) == "Call3999")
        .unwrap();
    let raw = raw_record(&store, i).unwrap();
    assert!(raw.contains("\"eventName\": \"Call3999\""), "{raw}");
    assert!(raw.contains("00000000-0000-4000-8000-000000003999"), "{raw}");
}

/// A gzip of `members` copies of one member holding 1 MiB of blank lines: a gzip bomb of lines, cheap to write.
fn blank_line_bomb(first: &str, members: usize, last: &str) -> Vec<u8> {
    let blank = format!("{}\n", " ".repeat(1023)).repeat(1024);
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(blank.as_bytes()).unwrap();
    let member = e.finish().unwrap();
    let mut out = gzip(format!("{first}\n").as_bytes());
    for _ in 0..members {
        out.extend_from_slice(&member);
    }
    out.extend_from_slice(&gzip(format!("{last}\n").as_bytes()));
    out
}

#[test]
fn a_gzip_bomb_of_lines_stops_past_the_limit_and_keeps_what_came_before() {
    let d = tempfile::tempdir().unwrap();
    let path = d.path().join("bomb.jsonl.gz");
    let bomb = blank_line_bomb(&record(1), 64, &record(2));
    assert!((bomb.len() as u64) < 64 * MIB / 200, "{}", bomb.len());
    std::fs::write(&path, &bomb).unwrap();
    let store = load_with(&path, MIB);
    assert_eq!(names(&store), ["Call1"]);
    assert_eq!(store.report.errors_total, 1);
    let e = &store.report.errors[0];
    assert!(e.reason.contains("gzip bomb"), "{e:?}");
    assert_eq!(e.index, None, "{e:?}");
    // Uncompressed, the same blank lines are read to the end: the guard is on how far gzip data expands.
    let plain_blank = format!(
        "{}\n{}{}\n",
        record(1),
        format!("{}\n", " ".repeat(1023)).repeat(4096),
        record(2)
    );
    let path = d.path().join("blank.jsonl");
    std::fs::write(&path, plain_blank).unwrap();
    let store = load_with(&path, MIB);
    assert_eq!(names(&store), ["Call1", "Call2"]);
    assert_eq!(store.report.errors_total, 0);
}
