//! The case index file, byte for byte (`docs/case-index.md` is the reference): a fixed header (magic, format
//! version, payload length, xxh3-64 checksum of the payload), then the payload: a JSON meta section (the inputs,
//! ingest options, each input file with its stamp, the load report) and the store in columns.
//!
//! This file frames the payload and holds the meta and the strings (one blob, its end offsets and the interner's
//! stored lookup table, `model::Lookup`, so that no string is hashed on reopening; they are read on one core while
//! the rows decode on the other). The rows themselves are `rows`: stored column by column, each in the narrowest
//! width its values need, symbols through a per-column dictionary, which measured against bincode on the same rows
//! is about half the size and decodes faster (README "Case index").

use super::IndexError;
use super::columns::{In, Out};
use super::stamp::Stamp;
use crate::core::model::{Interner, SourceFile, Store};
use crate::core::provenance::{Format, IngestError, IngestReport};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The first bytes of every index file.
pub const MAGIC: &[u8; 8] = b"THINDEX\0";
/// Bumped whenever the layout changes; an index of another version is rebuilt.
pub const VERSION: u32 = 3;
/// Magic, version, reserved, payload length, checksum.
const HEADER: usize = 8 + 4 + 4 + 8 + 8;

/// What the index was built from and what it holds besides the columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The trailhound version that wrote it: another version may parse records differently, so it rebuilds.
    pub trailhound: String,
    /// The inputs as given.
    pub inputs: Vec<PathBuf>,
    /// Ingest limits that decide what is read.
    pub max_file_bytes: u64,
    /// Decompressed bytes all readers may hold (a file larger than this is refused).
    pub read_budget: u64,
    /// Problems finding the files (unreadable folders, special files): the same again on open, or it rebuilds.
    pub discovery_errors: Vec<IngestError>,
    /// Every input file, in input order, with its stamp when it was indexed.
    pub files: Vec<IndexedFile>,
    /// The load report of everything indexed.
    pub report: IngestReport,
}

/// One input file of the index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexedFile {
    /// The file as found under the inputs.
    pub path: PathBuf,
    /// `None` when it could not be stated (then it is rebuilt as soon as it can be).
    pub stamp: Option<Stamp>,
    /// The shape its content was recognised as.
    pub format: Option<Format>,
    /// Whether it was gzip-compressed.
    pub gzip: bool,
    /// Findings read from it: files with findings are read again on open (findings are few and rich).
    pub findings: u32,
}

pub(super) fn damaged(what: impl Into<String>) -> IndexError {
    IndexError::Damaged(what.into())
}

/// The index file for `store`, built from `meta`'s inputs.
pub fn encode(meta: &Meta, store: &Store) -> Result<Vec<u8>, IndexError> {
    let mut o = Out::default();
    let json = serde_json::to_vec(meta).map_err(|e| IndexError::Unwritable(format!("meta: {e}")))?;
    o.blob(&json);
    // Strings: end offsets, then all the bytes.
    let mut ends = Vec::with_capacity(store.strings.len());
    let mut blob = Vec::new();
    for (_, s) in store.strings.iter() {
        blob.extend_from_slice(s.as_bytes());
        ends.push(blob.len() as u64);
    }
    o.uints(&ends);
    o.blob(&blob);
    drop(blob);
    // The strings' lookup table (every string hashed once, when it is not the one the store was read with) is
    // built on one core while the rows are written on the other.
    let (lookup, rows) = rayon::join(
        || store.strings.lookup(),
        || {
            let mut rows = Out::default();
            super::rows::encode_rows(&mut rows, store);
            rows.bytes
        },
    );
    o.uints32(lookup.slots());
    drop(lookup);
    o.bytes.extend_from_slice(&rows);
    drop(rows);

    let payload = o.bytes;
    let mut file = Vec::with_capacity(HEADER + payload.len());
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&VERSION.to_le_bytes());
    file.extend_from_slice(&0u32.to_le_bytes());
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&payload).to_le_bytes());
    file.extend_from_slice(&payload);
    Ok(file)
}

/// The header's version and the checked payload.
fn payload(bytes: &[u8]) -> Result<&[u8], IndexError> {
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(damaged("not a trailhound index (no header)"));
    }
    let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let long = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(b)
    };
    let version = word(8);
    if version != VERSION {
        return Err(IndexError::Version(version));
    }
    let payload = &bytes[HEADER..];
    if long(16) != payload.len() as u64 {
        return Err(damaged(format!(
            "{} bytes of payload where the header says {}",
            payload.len(),
            long(16)
        )));
    }
    if xxhash_rust::xxh3::xxh3_64(payload) != long(24) {
        return Err(damaged("checksum mismatch"));
    }
    Ok(payload)
}

/// The meta section and the store an index file holds (findings empty: the caller reads them again).
pub fn decode(bytes: &[u8]) -> Result<(Meta, Store), IndexError> {
    let mut i = In::new(payload(bytes)?);
    let meta: Meta = serde_json::from_slice(i.blob("meta")?).map_err(|e| damaged(format!("meta: {e}")))?;
    // Strings.
    let ends = i.uints("string offsets")?;
    let blob = std::str::from_utf8(i.blob("strings")?).map_err(|_| damaged("strings are not UTF-8"))?;
    let ends: Vec<usize> = (0..ends.len())
        .map(|k| usize::try_from(ends.get(k)).map_err(|_| damaged("string offset")))
        .collect::<Result<_, _>>()?;
    if ends.last().is_some_and(|&e| e != blob.len()) {
        return Err(damaged("string offsets do not end with the strings"));
    }
    let nsym = ends.len() as u64;
    let slots = i.uints("string lookup")?;
    // The strings are copied out and their stored lookup table checked on one core while the rows decode on the
    // other: nothing below needs the strings, only their count.
    let (strings, rest) = rayon::join(
        || {
            let slots: Vec<u32> = (0..slots.len())
                .map(|k| slots.get32(k).ok_or_else(|| damaged("string lookup slot")))
                .collect::<Result<_, _>>()?;
            Interner::from_stored(blob.to_owned(), ends, slots)
                .ok_or_else(|| damaged("string offsets or the string lookup table"))
        },
        || super::rows::decode_rows(&mut i, &meta, nsym),
    );
    let strings = strings?;
    let (events, identities, assumptions, denial_messages) = rest?;
    let files = meta
        .files
        .iter()
        .map(|f| SourceFile {
            path: f.path.clone(),
            format: f.format,
            gzip: f.gzip,
            findings: f.findings,
        })
        .collect();
    let store = Store {
        strings,
        events,
        identities,
        assumptions,
        files,
        findings: Vec::new(),
        denial_messages,
        report: meta.report.clone(),
    };
    Ok((meta, store))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::{
        AssumeKind, Assumption, AssumptionContext, Bits128, Event, EventId, EventType, Identity, IdentityType, Mfa,
        RecordLocator, Sym,
    };

    fn meta(files: usize) -> Meta {
        Meta {
            trailhound: "t".into(),
            inputs: vec![PathBuf::from("in")],
            max_file_bytes: 1,
            read_budget: 2,
            discovery_errors: Vec::new(),
            files: (0..files)
                .map(|k| IndexedFile {
                    path: PathBuf::from(format!("f{k}")),
                    stamp: None,
                    format: Some(Format::S3Records),
                    gzip: k == 0,
                    findings: 0,
                })
                .collect(),
            report: IngestReport {
                records: 3,
                ..Default::default()
            },
        }
    }

    /// A store with every kind of event id, an assumption and symbols far apart.
    fn store() -> Store {
        let mut st = Store::default();
        for k in 0..300 {
            st.strings.intern(&format!("filler {k}"));
        }
        let mut s = |x: &str| st.strings.intern(x);
        let (arn, key, other, src) = (
            s("arn:aws:iam::1:role/r"),
            s("ASIA1"),
            s("odd-id"),
            s("sts.amazonaws.com"),
        );
        st.identities.push(Identity {
            kind: IdentityType::AssumedRole,
            arn,
            access_key_id: key,
            mfa: Mfa::Yes,
            creation_date: -5,
            ..Default::default()
        });
        let ev = |time, id| Event {
            time,
            id,
            shared_event_id: Sym::NONE,
            event_source: src,
            event_name: src,
            region: Sym::NONE,
            recipient_account: Sym::NONE,
            source_ip: Sym::NONE,
            user_agent: Sym::NONE,
            error_code: Sym::NONE,
            resource: arn,
            identity: 0,
            assumption: Event::NO_ASSUMPTION,
            event_type: EventType::AwsServiceEvent,
            flags: 5,
            locator: RecordLocator { file: 1, index: 70_000 },
        };
        st.events.push(ev(-10, EventId::Uuid(Bits128::new(u128::MAX - 7))));
        st.events.push(ev(0, EventId::Other(other)));
        let mut last = ev(1 << 40, EventId::Missing(u64::MAX));
        last.assumption = 0;
        st.events.push(last);
        st.assumptions.push(Assumption {
            event: 2,
            kind: AssumeKind::AssumeRoleWithSaml,
            role_arn: arn,
            session_name: Sym::NONE,
            source_identity: Sym::NONE,
            duration_seconds: 43_200,
            new_access_key: key,
            assumed_role_id: Sym::NONE,
            assumed_role_arn: arn,
            provider: Sym::NONE,
            context: AssumptionContext {
                tags: Box::new([(key, arn), (other, Sym::NONE)]),
                transitive_keys: Box::new([key]),
                incoming_tags: Some(Box::new([(other, src)])),
                target_principal: other,
                task_policy_arn: arn,
                context_provider: src,
            },
        });
        // Denied calls' messages, on two of the three kinds of id.
        let (m1, m2) = (
            st.strings.intern("Access Denied"),
            st.strings.intern("User: x is not authorized"),
        );
        st.denial_messages.insert(EventId::Other(other), m1);
        st.denial_messages.insert(EventId::Missing(u64::MAX), m2);
        st
    }

    #[test]
    fn a_store_round_trips() {
        let st = store();
        let bytes = encode(&meta(2), &st).unwrap();
        let (m, back) = decode(&bytes).unwrap();
        assert_eq!(m, meta(2));
        assert_eq!(
            back.strings.iter().collect::<Vec<_>>(),
            st.strings.iter().collect::<Vec<_>>()
        );
        assert_eq!(back.strings.get("ASIA1"), st.strings.get("ASIA1"));
        assert_eq!(back.identities, st.identities);
        assert_eq!(back.assumptions, st.assumptions);
        assert_eq!(format!("{:?}", back.events), format!("{:?}", st.events));
        assert_eq!(back.files.len(), 2);
        assert_eq!(back.report.records, 3);
        assert_eq!(back.denial_messages, st.denial_messages);
        assert_eq!(back.denial_message(&back.events[0]), None);
        assert_eq!(back.denial_message(&back.events[1]), Some("Access Denied"));
    }

    /// Any byte of the payload changed, and the checksum written again to match (so decoding runs past it): the
    /// index decodes or is refused, never panics, and a string lookup through whatever it decodes never does
    /// either.
    #[test]
    fn a_changed_byte_with_a_matching_checksum_is_never_a_panic() {
        let good = encode(&meta(2), &store()).unwrap();
        for at in HEADER..good.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bytes = good.clone();
                bytes[at] ^= flip;
                let sum = xxhash_rust::xxh3::xxh3_64(&bytes[HEADER..]);
                bytes[24..32].copy_from_slice(&sum.to_le_bytes());
                if let Ok((_, st)) = decode(&bytes) {
                    for s in ["ASIA1", "sts.amazonaws.com", "absent", "filler 7"] {
                        let _ = st.strings.get(s);
                    }
                }
            }
        }
    }

    #[test]
    fn references_to_nothing_are_damage_even_with_a_good_checksum() {
        // One file fewer than the events refer to: the checksum is right (it was written so), the index is not.
        let bytes = encode(&meta(1), &store()).unwrap();
        assert!(matches!(decode(&bytes), Err(IndexError::Damaged(_))));
        // Every prefix of a good index is refused.
        let bytes = encode(&meta(2), &store()).unwrap();
        for cut in [0, 8, 31, 32, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
