//! How the case index format was chosen (README "Case index"): the columnar layout of `core::index::format`
//! against bincode (serde, fixed-width integers: its fastest configuration) on the same store. Run in release on a
//! demo tree: `cargo run --release --example index_formats -- DIR`. Prints size, encode and decode time of each.
//! bincode stores the event rows and the strings only (no identities, assumptions, meta or checksum), so it is
//! favoured.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a measuring tool: a panic says what failed"
)]

use std::time::Instant;
use trailhound::core::index::format::{self, IndexedFile, Meta};
use trailhound::core::ingest::IngestReport;
use trailhound::core::model::{Event, EventId, Interner, RecordLocator, Sym};

/// An event row as serde sees it (the model types do not derive serde).
#[derive(serde::Serialize, serde::Deserialize)]
struct Row {
    time: i64,
    id: (u8, u128),
    syms: [u32; 9],
    identity: u32,
    assumption: u32,
    event_type: u8,
    flags: u8,
    locator: (u32, u32),
}

fn row(e: &Event) -> Row {
    Row {
        time: e.time,
        id: match e.id {
            EventId::Uuid(u) => (0, u.get()),
            EventId::Other(s) => (1, u128::from(s.0)),
            EventId::Missing(h) => (2, u128::from(h)),
        },
        syms: [
            e.shared_event_id.0,
            e.event_source.0,
            e.event_name.0,
            e.region.0,
            e.recipient_account.0,
            e.source_ip.0,
            e.user_agent.0,
            e.error_code.0,
            e.resource.0,
        ],
        identity: e.identity,
        assumption: e.assumption,
        event_type: e.event_type as u8,
        flags: e.flags,
        locator: (e.locator.file, e.locator.index),
    }
}

fn event(r: &Row) -> Event {
    use strum::VariantArray;
    Event {
        time: r.time,
        id: match r.id.0 {
            0 => EventId::Uuid(trailhound::core::model::Bits128::new(r.id.1)),
            1 => EventId::Other(Sym(r.id.1 as u32)),
            _ => EventId::Missing(r.id.1 as u64),
        },
        shared_event_id: Sym(r.syms[0]),
        event_source: Sym(r.syms[1]),
        event_name: Sym(r.syms[2]),
        region: Sym(r.syms[3]),
        recipient_account: Sym(r.syms[4]),
        source_ip: Sym(r.syms[5]),
        user_agent: Sym(r.syms[6]),
        error_code: Sym(r.syms[7]),
        resource: Sym(r.syms[8]),
        identity: r.identity,
        assumption: r.assumption,
        event_type: trailhound::core::model::EventType::VARIANTS[r.event_type as usize],
        flags: r.flags,
        locator: RecordLocator {
            file: r.locator.0,
            index: r.locator.1,
        },
    }
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: index_formats DIR");
    let t = Instant::now();
    let store = trailhound::core::ingest::load_paths(&[&dir]);
    println!("parse: {} events in {:.2?}", store.events.len(), t.elapsed());

    let meta = Meta {
        trailhound: String::new(),
        inputs: Vec::new(),
        max_file_bytes: 0,
        read_budget: 0,
        discovery_errors: Vec::new(),
        files: store
            .files
            .iter()
            .map(|f| IndexedFile {
                path: f.path.clone(),
                stamp: None,
                format: f.format,
                gzip: f.gzip,
                findings: f.findings,
            })
            .collect(),
        report: IngestReport::default(),
    };
    let t = Instant::now();
    let bytes = format::encode(&meta, &store).unwrap();
    let enc = t.elapsed();
    let t = Instant::now();
    let (_, back) = format::decode(&bytes).unwrap();
    let dec = t.elapsed();
    assert_eq!(back.events.len(), store.events.len());
    println!(
        "columnar (whole store, checksummed): {} bytes ({:.1} bytes/event), encode {enc:.2?}, decode {dec:.2?}",
        bytes.len(),
        bytes.len() as f64 / store.events.len().max(1) as f64
    );

    let cfg = bincode::config::standard().with_fixed_int_encoding();
    let strings: Vec<&str> = store.strings.iter().map(|(_, s)| s).collect();
    let t = Instant::now();
    let rows: Vec<Row> = store.events.iter().map(row).collect();
    let lookup = store.strings.lookup();
    let bytes = bincode::serde::encode_to_vec((&strings, lookup.slots(), &rows), cfg).unwrap();
    let enc = t.elapsed();
    drop(rows);
    let t = Instant::now();
    type Decoded = (Vec<String>, Vec<u32>, Vec<Row>);
    let ((strings, slots, rows), _): (Decoded, usize) = bincode::serde::decode_from_slice(&bytes, cfg).unwrap();
    let events: Vec<Event> = rows.iter().map(event).collect();
    // The interner is read back as the columnar decode reads it: its strings and their stored lookup table.
    let (mut text, mut ends) = (String::new(), Vec::with_capacity(strings.len()));
    for s in &strings {
        text.push_str(s);
        ends.push(text.len());
    }
    let interner = Interner::from_stored(text, ends, slots).unwrap();
    let dec = t.elapsed();
    assert_eq!(events.len(), store.events.len());
    assert_eq!(interner.len(), store.strings.len());
    println!(
        "bincode (events and strings only): {} bytes ({:.1} bytes/event), encode {enc:.2?}, decode {dec:.2?}",
        bytes.len(),
        bytes.len() as f64 / store.events.len().max(1) as f64
    );
}
