//! Ingest formats and hostile input: every form CloudTrail reaches users in, and every kind of broken file,
//! each reported with path, index and reason while the rest of the load goes on.

use std::io::Write;
use std::path::{Path, PathBuf};
use trailhound::core::ingest::{Format, load_paths, raw_record, summarize};

fn record(id: &str, name: &str, time: &str, key: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{{"type":"AssumedRole","principalId":"AROAEXAMPLE:sara","arn":"arn:aws:sts::111122223333:assumed-role/R/sara","accountId":"111122223333","accessKeyId":"{key}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/R","accountId":"111122223333","userName":"R"}},"attributes":{{"creationDate":"2026-11-05T14:05:12Z","mfaAuthenticated":"true"}}}}}},"eventTime":"{time}","eventSource":"ec2.amazonaws.com","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.30","requestParameters":null,"responseElements":null,"requestID":"r-{id}","eventID":"{id}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}}"#
    )
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn s3(records: &[String]) -> String {
    format!(r#"{{"Records":[{}]}}"#, records.join(","))
}

#[test]
fn every_delivery_form_is_recognised_by_content() {
    let d = tempfile::tempdir().unwrap();
    let t = "2026-11-05T14:10:00Z";
    let r = |n| record(&uuid(n), "DescribeInstances", t, "ASIAEXAMPLE000000001");
    // S3 object, gzip, with a misleading extension: content decides.
    write(
        d.path(),
        "a/111122223333_CloudTrail_us-east-1_x.json",
        &gz(s3(&[r(1), r(2)]).as_bytes()),
    );
    write(d.path(), "b/array.json", format!("[{},{}]", r(3), r(4)).as_bytes());
    write(d.path(), "c/lines.jsonl", format!("{}\n\n{}\n", r(5), r(6)).as_bytes());
    let lookup = serde_json::json!({"Events":[{"EventId": uuid(7), "CloudTrailEvent": r(7)}], "NextToken": null});
    write(d.path(), "d/lookup.json", lookup.to_string().as_bytes());
    let eb = format!(
        r#"{{"version":"0","id":"x","detail-type":"AWS API Call via CloudTrail","source":"aws.ec2","account":"111122223333","time":"{t}","region":"us-east-1","resources":[],"detail":{}}}"#,
        r(8)
    );
    write(d.path(), "e/eventbridge.json", eb.as_bytes());
    let two = format!(
        "{}\n{}\n",
        eb.replace(&uuid(8), &uuid(9)),
        eb.replace(&uuid(8), &uuid(11))
    );
    write(d.path(), "f/eb-lines.ndjson.gz", &gz(two.as_bytes()));
    write(d.path(), "g/single.json", format!("\u{feff}{}", r(10)).as_bytes());
    let store = load_paths(&[d.path()]);
    assert_eq!(store.report.errors, vec![]);
    assert_eq!(store.events.len(), 11);
    let formats: Vec<_> = store.files.iter().map(|f| f.format.unwrap()).collect();
    assert_eq!(
        formats,
        vec![
            Format::S3Records,
            Format::Array,
            Format::JsonLines,
            Format::LookupEvents,
            Format::EventBridge,
            Format::JsonLines,
            Format::SingleRecord
        ]
    );
    // Every record can be read back for the detail view, whatever its container.
    for i in 0..store.events.len() {
        let raw = raw_record(&store, i).unwrap();
        assert!(raw.contains(&store.event_id_string(&store.events[i])), "{raw}");
    }
}

/// `zcat */*.json.gz > all.json` makes each line a whole S3 delivery document: every record is read, and the
/// detail view reads back each event's own record (by eventID within its line), never a neighbour's.
#[test]
fn lines_that_are_whole_delivery_documents_read_back_their_own_records() {
    let d = tempfile::tempdir().unwrap();
    let t = "2026-11-05T14:10:00Z";
    let r = |n, name| record(&uuid(n), name, t, "ASIAEXAMPLE000000001");
    let lookup = serde_json::json!({"Events":[
        {"EventId": uuid(25), "CloudTrailEvent": r(25, "GetObject")},
        {"EventId": uuid(26), "CloudTrailEvent": r(26, "PutObject")}]});
    let text = format!(
        "{}\n{}\n\n{}\n",
        s3(&[r(21, "RunInstances"), r(22, "StopLogging")]),
        s3(&[r(23, "CreateUser"), r(24, "DeleteTrail")]),
        lookup
    );
    let path = write(d.path(), "zcat.json", text.as_bytes());
    let store = load_paths(&[path]);
    assert_eq!(store.report.errors, vec![]);
    assert_eq!(store.events.len(), 6);
    for (i, ev) in store.events.iter().enumerate() {
        let raw = raw_record(&store, i).unwrap_or_else(|e| panic!("event {i}: {e}"));
        let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(v["eventID"], store.event_id_string(ev), "event {i} read back {raw}");
        assert_eq!(v["eventName"], store.strings.resolve(ev.event_name), "event {i}");
    }
    // Two records on one line with no eventID cannot be told apart: an error, never one of them at random.
    let strip = |n| r(n, "ListBuckets").replace(&format!(r#""eventID":"{}","#, uuid(n)), "");
    let path = write(
        d.path(),
        "noid.json",
        format!("{}\n{}\n", s3(&[strip(31), strip(32)]), r(33, "ListBuckets")).as_bytes(),
    );
    let store = load_paths(&[path]);
    assert_eq!(store.files[0].format, Some(Format::JsonLines));
    assert_eq!(store.events.len(), 3);
    for (i, ev) in store.events.iter().enumerate() {
        match store.event_id_string(ev).as_str() {
            "" => assert!(raw_record(&store, i).is_err(), "event {i} of a line without eventIDs"),
            id => assert!(raw_record(&store, i).unwrap().contains(id)),
        }
    }
}

#[test]
fn bad_files_and_records_are_reported_and_skipped() {
    let d = tempfile::tempdir().unwrap();
    let t = "2026-11-05T14:10:00Z";
    let good = record(&uuid(1), "RunInstances", t, "ASIAEXAMPLE000000001");
    write(d.path(), "1-good.json", s3(std::slice::from_ref(&good)).as_bytes());
    // Truncated gzip.
    let full = gz(s3(&[record(&uuid(2), "X", t, "ASIAEXAMPLE000000001")]).as_bytes());
    write(d.path(), "2-truncated.json.gz", &full[..full.len() / 2]);
    // Invalid JSON.
    write(d.path(), "3-invalid.json", br#"{"Records":[{"eventName": "#);
    // A record of the wrong shape and a record with a field of the wrong type, between good ones.
    let wrong_type = record(&uuid(4), "GetObject", t, "ASIAEXAMPLE000000001")
        .replace(r#""userAgent":"aws-cli/2.15.30""#, r#""userAgent":12"#);
    let recs = [
        record(&uuid(3), "A", t, "K"),
        "[1,2,3]".to_string(),
        wrong_type,
        record(&uuid(5), "B", t, "K"),
    ];
    write(d.path(), "4-mixed.json", s3(&recs).as_bytes());
    // A JSON line that is broken, among good lines.
    let lines = format!(
        "{}\n{{\"eventName\": oops\n{}\n",
        record(&uuid(6), "C", t, "K"),
        record(&uuid(7), "D", t, "K")
    );
    write(d.path(), "5-lines.jsonl", lines.as_bytes());
    // Bad time.
    write(
        d.path(),
        "6-time.json",
        record(&uuid(8), "E", "yesterday", "K").as_bytes(),
    );
    // Not UTF-8, binary garbage.
    write(d.path(), "7-binary.json", &[0xff, 0xfe, 0x00, 0x01, 0x02]);
    let store = load_paths(&[d.path()]);
    let r = &store.report;
    let names: Vec<&str> = store.events.iter().map(|e| store.s(e.event_name)).collect();
    assert_eq!(names, vec!["RunInstances", "A", "B", "C", "D"]);
    let found = |file: &str, index: Option<u64>, needle: &str| {
        r.errors
            .iter()
            .any(|e| e.path.ends_with(file) && e.index == index && e.reason.contains(needle))
    };
    assert!(found("2-truncated.json.gz", None, "gzip"), "{:#?}", r.errors);
    assert!(found("3-invalid.json", None, "invalid JSON"), "{:#?}", r.errors);
    assert!(found("4-mixed.json", Some(1), "malformed record"), "{:#?}", r.errors);
    assert!(
        found("4-mixed.json", Some(2), "userAgent") || found("4-mixed.json", Some(2), "invalid type"),
        "{:#?}",
        r.errors
    );
    assert!(found("5-lines.jsonl", Some(1), "invalid JSON"), "{:#?}", r.errors);
    assert!(found("6-time.json", Some(0), "not a timestamp"), "{:#?}", r.errors);
    assert!(found("7-binary.json", None, "UTF-8"), "{:#?}", r.errors);
    assert_eq!(r.errors_total, 7);
}

/// An impossible `eventTime` is a bad record (path, index, reason), never moved to another day or minute; a
/// leap second stays in its minute; the last second of year 9999 is a time like any other.
#[test]
fn impossible_event_times_are_bad_records_not_shifted() {
    let d = tempfile::tempdir().unwrap();
    let times = [
        "2026-02-31T10:00:00Z",
        "2026-11-05T14:12:07Z",
        "2025-02-29T10:00:00Z",
        "2026-11-05T23:59:60Z",
        "2026-04-31T10:00:00.5Z",
        "9999-12-31T23:59:59Z",
        "2026-11-05T24:00:00Z",
    ];
    let recs: Vec<String> = times
        .iter()
        .enumerate()
        .map(|(n, t)| record(&uuid(n as u32 + 1), &format!("E{n}"), t, "ASIAEXAMPLE000000001"))
        .collect();
    let p = write(d.path(), "times.json", s3(&recs).as_bytes());
    let store = load_paths(&[d.path()]);
    let kept: Vec<(String, String)> = store
        .events
        .iter()
        .map(|e| {
            (
                store.s(e.event_name).to_string(),
                trailhound::core::time::rfc3339(e.time),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [
            ("E1".into(), "2026-11-05T14:12:07Z".into()),
            ("E3".into(), "2026-11-05T23:59:59Z".into()),
            ("E5".into(), "9999-12-31T23:59:59Z".into()),
        ]
    );
    let bad: Vec<(PathBuf, Option<u64>, bool)> = store
        .report
        .errors
        .iter()
        .map(|e| (e.path.clone(), e.index, e.reason.contains("is not a timestamp")))
        .collect();
    assert_eq!(
        bad,
        [0, 2, 4, 6].map(|i| (p.clone(), Some(i), true)),
        "{:#?}",
        store.report.errors
    );
}

#[test]
fn duplicates_are_dropped_and_cross_account_copies_are_one_action() {
    let d = tempfile::tempdir().unwrap();
    let t = "2026-11-05T14:10:00Z";
    let a = record(&uuid(1), "DescribeInstances", t, "K1");
    let b = record(&uuid(2), "DescribeInstances", t, "K1");
    // The same S3 object in two overlapping downloads.
    write(d.path(), "x/one.json", s3(&[a.clone(), b.clone()]).as_bytes());
    write(d.path(), "y/one-copy.json", s3(std::slice::from_ref(&b)).as_bytes());
    // Two copies of one cross-account AssumeRole: distinct eventIDs, same sharedEventID, two recipients.
    let c1 = record(&uuid(3), "AssumeRole", t, "K1")
        .replace(r#""eventCategory""#, r#""sharedEventID":"s-1","eventCategory""#);
    let c2 = c1.replace(&uuid(3), &uuid(4)).replace(
        r#""recipientAccountId":"111122223333""#,
        r#""recipientAccountId":"444455556666""#,
    );
    write(d.path(), "z/cross.json", s3(&[c1, c2]).as_bytes());
    let store = load_paths(&[d.path()]);
    let s = summarize(&store);
    assert_eq!((s.records, s.duplicates, s.events, s.actions), (5, 1, 4, 3));
    assert_eq!(s.by_account.get("444455556666"), Some(&1));
}

#[test]
fn digests_and_foreign_json_are_skipped_with_a_reason_and_folders_ignore_other_files() {
    let d = tempfile::tempdir().unwrap();
    let digest = r#"{"awsAccountId":"111122223333","digestStartTime":"2026-11-05T13:00:00Z","digestEndTime":"2026-11-05T14:00:00Z","digestS3Bucket":"b","digestS3Object":"o","logFiles":[]}"#;
    write(
        d.path(),
        "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/11/05/d.json.gz",
        &gz(digest.as_bytes()),
    );
    write(d.path(), "trail-status.json", br#"{"IsLogging": true}"#);
    write(d.path(), "notes.txt", b"not data");
    write(d.path(), "geo.mmdb", &[0u8; 64]);
    write(d.path(), "empty.json", b"   \n");
    let store = load_paths(&[d.path()]);
    let r = &store.report;
    assert_eq!(r.files_read, 3, "txt and mmdb files in folders are not inputs");
    assert_eq!(r.errors_total, 0);
    let reasons: Vec<&str> = r.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(reasons.iter().any(|s| s.contains("digest")), "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|s| s.contains("not CloudTrail or findings") && s.contains("IsLogging")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|s| s.contains("empty")), "{reasons:?}");
}

#[test]
fn hostile_field_values_are_kept_verbatim_and_do_not_break_parsing() {
    let d = tempfile::tempdir().unwrap();
    let t = "2026-11-05T14:10:00Z";
    let huge = "A".repeat(4 << 20);
    let evil = r#"\u001b]0;pwned\u0007\u001b[2J\u202egnp.exe"#;
    let r1 = record(&uuid(1), "GetObject", t, "K").replace("aws-cli/2.15.30", evil);
    let r2 = record(&uuid(2), "GetObject", t, "K").replace("aws-cli/2.15.30", &huge);
    let deep = format!(r#"{{"Records":[{}]}}"#, "[".repeat(10_000) + &"]".repeat(10_000));
    write(d.path(), "evil.json", s3(&[r1, r2]).as_bytes());
    write(d.path(), "deep.json", deep.as_bytes());
    let store = load_paths(&[d.path()]);
    assert_eq!(store.events.len(), 2);
    // The store keeps what the log said; display code sanitises. The escape survived intact.
    assert_eq!(
        store.s(store.events[0].user_agent),
        "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}gnp.exe"
    );
    assert_eq!(store.s(store.events[1].user_agent).len(), 4 << 20);
    assert!(store.report.errors.iter().any(|e| e.path.ends_with("deep.json")));
}

/// Byte position of `needle` in `hay` (the test's own expectation of where a bad byte is).
fn at(hay: &[u8], needle: &[u8]) -> u64 {
    hay.windows(needle.len()).position(|w| w == needle).unwrap() as u64
}

/// One invalid UTF-8 byte or one NUL loses only the record that holds it — in an S3 object (plain and gzip), a
/// bare array, JSON lines and `lookup-events` output — and that record is reported with its path, index and the
/// byte offset of the bad byte in the (decompressed) file. NUL padding after a document and a document cut off in
/// its last record keep the records before them. The detail view reads the kept records of such files again.
#[test]
fn a_bad_byte_loses_only_its_record() {
    let d = tempfile::tempdir().unwrap();
    let t = "2026-11-05T14:10:00Z";
    let rec = |n: u32| record(&uuid(n), &format!("E{n}"), t, "ASIAEXAMPLE000000001").into_bytes();
    // Hostile bytes placed in a record's user agent string.
    let spoil = |r: Vec<u8>, bad: &[u8]| -> Vec<u8> {
        let i = at(&r, b"aws-cli/") as usize + 8;
        [&r[..i], bad, &r[i..]].concat()
    };
    let join = |parts: &[Vec<u8>], sep: &[u8]| parts.join(sep);
    let s3_bytes = |recs: &[Vec<u8>]| [&b"{\"Records\":["[..], &join(recs, b","), b"]}"].concat();

    // S3 object of 50 records: record 17 holds the byte 0xFF (never valid UTF-8), record 33 a raw NUL.
    let mut recs: Vec<Vec<u8>> = (0..50).map(rec).collect();
    recs[17] = spoil(rec(17), b"\xff");
    recs[33] = spoil(rec(33), b"\x00");
    let s3_plain = s3_bytes(&recs);
    let p_s3 = write(d.path(), "s3.json", &s3_plain);
    let mut recs: Vec<Vec<u8>> = (100..150).map(rec).collect();
    recs[17] = spoil(rec(117), b"\xff");
    recs[33] = spoil(rec(133), b"\x00");
    let s3_gz = s3_bytes(&recs);
    let p_gz = write(d.path(), "s3.json.gz", &gz(&s3_gz));

    // JSON lines: line 3 holds a broken two-byte sequence, line 6 a NUL, line 8 is blank.
    let mut lines: Vec<Vec<u8>> = (200..210).map(rec).collect();
    lines[3] = spoil(rec(203), b"\xc3\x28");
    lines[6] = spoil(rec(206), b"\x00");
    lines[8] = Vec::new();
    let jsonl = join(&lines, b"\n");
    let p_lines = write(d.path(), "lines.jsonl", &jsonl);

    // A bare array: element 2 holds 0xFE.
    let mut elems: Vec<Vec<u8>> = (300..305).map(rec).collect();
    elems[2] = spoil(rec(302), b"\xfe");
    let array = [&b"["[..], &join(&elems, b",\n"), b"]"].concat();
    let p_array = write(d.path(), "array.json", &array);

    // lookup-events: the second entry's embedded record holds 0xFF.
    let entry = |n: u32, bad: &[u8]| {
        let embedded = serde_json::to_string(&String::from_utf8(rec(n)).unwrap()).unwrap();
        let embedded = spoil(embedded.into_bytes(), bad);
        [
            &format!(r#"{{"EventId":"{}","CloudTrailEvent":"#, uuid(n)).into_bytes()[..],
            &embedded,
            b"}",
        ]
        .concat()
    };
    let lookup = [
        &b"{\"Events\":["[..],
        &join(&[entry(400, b""), entry(401, b"\xff"), entry(402, b"")], b","),
        b"]}",
    ]
    .concat();
    let p_lookup = write(d.path(), "lookup.json", &lookup);

    // An S3 object followed by NUL padding (a preallocated file), and one cut off inside its last record.
    let padded = [s3_bytes(&(500..503).map(rec).collect::<Vec<_>>()), vec![0u8; 4096]].concat();
    let p_padded = write(d.path(), "padded.json", &padded);
    let whole = s3_bytes(&(600..603).map(rec).collect::<Vec<_>>());
    let cut_at = at(&whole, uuid(602).as_bytes()) as usize;
    let p_cut = write(d.path(), "cut.json", &whole[..cut_at]);

    let store = load_paths(&[d.path()]);
    let per_file = |p: &Path| {
        store
            .events
            .iter()
            .filter(|e| store.files[e.locator.file as usize].path == p)
            .count()
    };
    assert_eq!(per_file(&p_s3), 48);
    assert_eq!(per_file(&p_gz), 48);
    assert_eq!(per_file(&p_lines), 7);
    assert_eq!(per_file(&p_array), 4);
    assert_eq!(per_file(&p_lookup), 2);
    assert_eq!(per_file(&p_padded), 3);
    assert_eq!(per_file(&p_cut), 2);

    let r = &store.report;
    let error = |p: &Path, index: Option<u64>| {
        r.errors
            .iter()
            .find(|e| e.path == p && e.index == index)
            .unwrap_or_else(|| panic!("no error for {} {index:?}: {:#?}", p.display(), r.errors))
    };
    for (p, bytes) in [(&p_s3, &s3_plain), (&p_gz, &s3_gz)] {
        let e = error(p, Some(17));
        assert_eq!(e.offset, Some(at(bytes, b"\xff")), "{e:?}");
        assert!(e.reason.contains("UTF-8"), "{e:?}");
        let e = error(p, Some(33));
        assert_eq!(e.offset, Some(at(bytes, b"\x00")), "{e:?}");
        assert!(e.reason.contains("control character"), "{e:?}");
    }
    let e = error(&p_lines, Some(3));
    assert_eq!(e.offset, Some(at(&jsonl, b"\xc3\x28")), "{e:?}");
    assert!(e.reason.contains("UTF-8"), "{e:?}");
    let e = error(&p_lines, Some(6));
    assert_eq!(e.offset, Some(at(&jsonl, b"\x00")), "{e:?}");
    let e = error(&p_array, Some(2));
    assert_eq!(e.offset, Some(at(&array, b"\xfe")), "{e:?}");
    let e = error(&p_lookup, Some(1));
    assert_eq!(e.offset, Some(at(&lookup, b"\xff")), "{e:?}");
    let e = error(&p_padded, None);
    assert_eq!(e.offset, Some(padded.len() as u64 - 4096), "{e:?}");
    let e = error(&p_cut, None);
    assert!(e.reason.contains("invalid JSON"), "{e:?}");
    // The cut is reported where the unfinished record starts: after `{"Records":[`, two records and two commas.
    let start_602 = 12 + rec(600).len() + 1 + rec(601).len() + 1;
    assert_eq!(e.offset, Some(start_602 as u64), "{e:?}");
    assert_eq!(r.errors_total, 10, "{:#?}", r.errors);
    // Every record is seen, good or bad, but the one the cut left unfinished.
    assert_eq!(r.records_seen, 50 + 50 + 9 + 5 + 3 + 3 + 2);

    // The detail view finds each kept record of these files by its index, past the bad one.
    for (i, ev) in store.events.iter().enumerate() {
        let raw = raw_record(&store, i).unwrap_or_else(|e| panic!("event {i} ({:?}): {e}", ev.locator));
        let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(v["eventName"], store.s(ev.event_name), "event {i} ({:?})", ev.locator);
    }
}
