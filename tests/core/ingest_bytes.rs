//! `ingest::load_bytes`: a file's content already in memory loads exactly as the same file on disk (plain, gzip,
//! multi-member gzip), under the same per-file cap enforced while decompressing; broken gzip is reported, not fatal.
//! The fuzz targets (`fuzz/`) reach every parser through this function.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;
use trailhound::core::ingest::{Format, LoadOptions, load_bytes, load_paths};

const TWO_RECORDS: &str = r#"{"Records":[
 {"eventVersion":"1.08","eventTime":"2024-03-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets",
  "awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2","eventID":"e-1",
  "recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",
  "arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"}},
 {"eventVersion":"1.08","eventTime":"2024-03-01T10:05:00Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers",
  "awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2","eventID":"e-2",
  "recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE",
  "arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"}}
]}"#;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn names(store: &trailhound::core::model::Store) -> Vec<&str> {
    store.events.iter().map(|e| store.s(e.event_name)).collect()
}

#[test]
fn plain_and_gzip_bytes_give_the_same_two_events() {
    let name = Path::new("mem.json");
    let plain = load_bytes(name, TWO_RECORDS.as_bytes(), &LoadOptions::default());
    let zipped = gzip(TWO_RECORDS.as_bytes());
    let gz = load_bytes(name, &zipped, &LoadOptions::default());
    for (store, is_gzip, stored) in [(&plain, false, TWO_RECORDS.len()), (&gz, true, zipped.len())] {
        assert_eq!(names(store), ["ListBuckets", "ListUsers"]);
        assert_eq!(store.report.files_total, 1);
        assert_eq!(store.report.files_read, 1);
        assert_eq!(store.report.records, 2);
        assert_eq!(store.report.errors_total, 0, "{:?}", store.report.errors);
        assert_eq!(
            store.report.bytes_read, stored as u64,
            "the size as given, compressed for gzip"
        );
        assert_eq!(store.files.len(), 1);
        assert_eq!(store.files[0].gzip, is_gzip);
        assert_eq!(store.files[0].format, Some(Format::S3Records));
        assert_eq!(store.files[0].path, name);
    }
}

#[test]
fn multi_member_gzip_is_read_to_its_last_member() {
    let (a, b) = TWO_RECORDS.as_bytes().split_at(TWO_RECORDS.len() / 2);
    let mut two = gzip(a);
    two.extend(gzip(b));
    let store = load_bytes(Path::new("two-members.json.gz"), &two, &LoadOptions::default());
    assert_eq!(names(&store), ["ListBuckets", "ListUsers"]);
}

#[test]
fn truncated_gzip_is_reported_with_its_name() {
    let zipped = gzip(TWO_RECORDS.as_bytes());
    let store = load_bytes(
        Path::new("cut.json.gz"),
        &zipped[..zipped.len() / 2],
        &LoadOptions::default(),
    );
    assert!(store.events.is_empty());
    assert_eq!(store.report.errors_total, 1);
    let e = &store.report.errors[0];
    assert_eq!(e.path, Path::new("cut.json.gz"));
    assert!(e.reason.starts_with("bad gzip data"), "{}", e.reason);
}

#[test]
fn the_per_file_cap_holds_for_bytes_plain_and_while_decompressing() {
    let opts = LoadOptions {
        max_file_bytes: 1000,
        ..LoadOptions::default()
    };
    // 1 MiB of spaces compresses to about a kilobyte: decompression must stop at the cap.
    let bomb = gzip(&vec![b' '; 1 << 20]);
    let store = load_bytes(Path::new("bomb.gz"), &bomb, &opts);
    assert_eq!(store.report.errors_total, 1);
    assert!(
        store.report.errors[0]
            .reason
            .contains("decompresses to more than 1000 bytes"),
        "{}",
        store.report.errors[0].reason
    );
    let store = load_bytes(Path::new("big.json"), &vec![b' '; 1001], &opts);
    assert!(
        store.report.errors[0].reason.contains("larger than 1000 bytes"),
        "{}",
        store.report.errors[0].reason
    );
}

#[test]
fn real_delivery_file_from_bytes_equals_the_file_on_disk() {
    let rel = "trailscraper/tests/cloudtrail/data/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz";
    let Some(path) = crate::support::realdata(rel) else {
        return;
    };
    let from_disk = load_paths(&[&path]);
    let from_bytes = load_bytes(&path, &std::fs::read(&path).unwrap(), &LoadOptions::default());
    // Two records in the file (counted independently with a JSON reader).
    assert_eq!(from_bytes.events.len(), 2);
    assert_eq!(names(&from_bytes), names(&from_disk));
    assert_eq!(from_bytes.report.bytes_read, from_disk.report.bytes_read);
    assert_eq!(from_bytes.files[0].gzip, from_disk.files[0].gzip);
    assert_eq!(from_bytes.files[0].format, from_disk.files[0].format);
}
