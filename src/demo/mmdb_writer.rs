//! Writer for MaxMind DB files (format 2.0): a binary search tree over address bits, a 16-byte separator, a data
//! section and a metadata map. Used to make small City/ASN databases for the demo case and for tests without any
//! network access; the `maxminddb` crate reading them back is the proof of format. It belongs to the generator,
//! not the core: the core only reads databases (`core::geo`).
//!
//! Written from the published format specification because no maintained Rust crate writes MMDB files. Scope
//! is deliberately small: no pointers (identical records are stored once and shared by offset instead), records
//! sized 24/28/32 bits as needed, IPv4 networks placed at `::/96` in IPv6 databases.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;

/// A value in the data section.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    Double(f64),
    U16(u16),
    U32(u32),
    U64(u64),
    Bool(bool),
    Array(Vec<Value>),
    /// Keys in insertion order (the format does not require sorting).
    Map(Vec<(String, Value)>),
}

impl Value {
    /// `Value::Map` from string keys.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }
    fn names_en(name: &str) -> Value {
        Value::map([("names", Value::map([("en", Value::str(name))]))])
    }
}

/// A GeoIP2 City shaped record.
#[derive(Clone, Debug, PartialEq)]
pub struct CityRecord {
    pub city: Option<String>,
    /// First subdivision: (English name, ISO 3166-2 code without the country prefix, e.g. "WA").
    pub region: Option<(String, String)>,
    /// (English name, ISO 3166-1 alpha-2).
    pub country: Option<(String, String)>,
    pub lat: f64,
    pub lon: f64,
}

impl CityRecord {
    /// `city.names.en`, `subdivisions[0].names.en` + `iso_code`, `country.names.en` + `iso_code`,
    /// `location.latitude/longitude`.
    pub fn to_value(&self) -> Value {
        let mut m = Vec::new();
        if let Some(c) = &self.city {
            m.push(("city".to_string(), Value::names_en(c)));
        }
        if let Some((name, iso)) = &self.country {
            m.push((
                "country".to_string(),
                Value::map([
                    ("iso_code", Value::str(iso)),
                    ("names", Value::map([("en", Value::str(name))])),
                ]),
            ));
        }
        m.push((
            "location".to_string(),
            Value::map([
                ("latitude", Value::Double(self.lat)),
                ("longitude", Value::Double(self.lon)),
            ]),
        ));
        if let Some((name, iso)) = &self.region {
            m.push((
                "subdivisions".to_string(),
                Value::Array(vec![Value::map([
                    ("iso_code", Value::str(iso)),
                    ("names", Value::map([("en", Value::str(name))])),
                ])]),
            ));
        }
        Value::Map(m)
    }
}

/// A GeoLite2 ASN shaped record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsnRecord {
    pub asn: u32,
    pub org: String,
}

impl AsnRecord {
    pub fn to_value(&self) -> Value {
        Value::map([
            ("autonomous_system_number", Value::U32(self.asn)),
            ("autonomous_system_organization", Value::str(&self.org)),
        ])
    }
}

/// Why a database could not be written.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum WriteError {
    #[error("bad network {0:?}: expected ADDRESS/PREFIX")]
    BadNetwork(String),
    #[error("network {0} is IPv6 but the database is IPv4-only")]
    V6InV4(String),
    #[error("ip_version must be 4 or 6, got {0}")]
    BadIpVersion(u16),
    #[error("value too large to encode ({0} bytes/items)")]
    TooLarge(usize),
    #[error("database too large for 32-bit records")]
    TreeTooLarge,
}

/// Builds one database. Later inserts of the same network replace earlier ones; nested networks resolve to the
/// most specific regardless of insertion order.
#[derive(Clone, Debug)]
pub struct MmdbWriter {
    database_type: String,
    ip_version: u16,
    build_epoch: u64,
    min_record_size: u16,
    languages: Vec<String>,
    description: Vec<(String, String)>,
    /// (address bits right-aligned in a u128, prefix length in tree bits, value)
    entries: Vec<(u128, u8, Value)>,
}

impl MmdbWriter {
    /// `database_type` e.g. "GeoLite2-City" or "GeoLite2-ASN"; `ip_version` 4 or 6. Build epoch defaults to 0,
    /// languages to `["en"]`, description (when none is given) to `{"en": database_type}`.
    pub fn new(database_type: &str, ip_version: u16) -> Result<MmdbWriter, WriteError> {
        if ip_version != 4 && ip_version != 6 {
            return Err(WriteError::BadIpVersion(ip_version));
        }
        Ok(MmdbWriter {
            database_type: database_type.to_string(),
            ip_version,
            build_epoch: 0,
            min_record_size: 24,
            languages: vec!["en".to_string()],
            description: Vec::new(),
            entries: Vec::new(),
        })
    }

    pub fn build_epoch(mut self, epoch: u64) -> MmdbWriter {
        self.build_epoch = epoch;
        self
    }

    /// Use at least this record size (24, 28 or 32 bits) even if a smaller one fits (tests of the wider layouts).
    pub fn min_record_size(mut self, bits: u16) -> MmdbWriter {
        self.min_record_size = bits;
        self
    }

    pub fn description(mut self, lang: &str, text: &str) -> MmdbWriter {
        self.description.push((lang.to_string(), text.to_string()));
        self
    }

    /// Add `cidr` ("198.51.100.0/26", "2001:db8:1::/48"; host bits are ignored) → `value`.
    pub fn insert(&mut self, cidr: &str, value: Value) -> Result<(), WriteError> {
        let bad = || WriteError::BadNetwork(cidr.to_string());
        let (addr, len) = cidr.split_once('/').ok_or_else(bad)?;
        let addr: IpAddr = addr.trim().parse().map_err(|_| bad())?;
        let len: u8 = len.trim().parse().map_err(|_| bad())?;
        let (bits, plen) = match (addr, self.ip_version) {
            (IpAddr::V4(a), 4) if len <= 32 => (u32::from(a) as u128, len),
            (IpAddr::V4(a), 6) if len <= 32 => (u32::from(a) as u128, len + 96),
            (IpAddr::V6(_), 4) => return Err(WriteError::V6InV4(cidr.to_string())),
            (IpAddr::V6(a), 6) if len <= 128 => (u128::from(a), len),
            _ => return Err(bad()),
        };
        // Low `n` bits set; n may be 0 or 128.
        let ones = |n: u8| u128::MAX.checked_shr(128 - u32::from(n)).unwrap_or(0);
        let mask = ones(self.width()) & !ones(self.width() - plen);
        self.entries.push((bits & mask, plen, value));
        Ok(())
    }

    fn width(&self) -> u8 {
        if self.ip_version == 4 { 32 } else { 128 }
    }

    /// The complete file.
    pub fn to_bytes(&self) -> Result<Vec<u8>, WriteError> {
        // Data section: each distinct record encoded once.
        let mut data = Vec::new();
        let mut offsets: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut entry_offsets = Vec::with_capacity(self.entries.len());
        for (_, _, v) in &self.entries {
            let mut enc = Vec::new();
            encode(v, &mut enc)?;
            let off = *offsets.entry(enc).or_insert_with_key(|enc| {
                let off = data.len();
                data.extend_from_slice(enc);
                off
            });
            entry_offsets.push(off);
        }
        let tree = super::mmdb_tree::Tree::build(
            self.width(),
            self.entries
                .iter()
                .zip(&entry_offsets)
                .map(|((bits, plen, _), off)| (*bits, *plen, *off)),
        );
        let node_count = tree.node_count();
        let max_value = node_count as u64 + 16 + data.len() as u64;
        let record_size: u16 = if max_value < 1 << 24 && self.min_record_size <= 24 {
            24
        } else if max_value < 1 << 28 && self.min_record_size <= 28 {
            28
        } else if max_value < 1 << 32 {
            32
        } else {
            return Err(WriteError::TreeTooLarge);
        };
        let mut out = tree.encode(record_size);
        out.extend_from_slice(&[0u8; 16]);
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
        encode(&self.metadata(node_count, record_size), &mut out)?;
        Ok(out)
    }

    /// Write the file atomically (`core::fsutil::write_atomic`).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let bytes = self.to_bytes().map_err(std::io::Error::other)?;
        Ok(crate::core::fsutil::write_atomic(path, &bytes)?)
    }

    fn metadata(&self, node_count: u32, record_size: u16) -> Value {
        // Readers' verify() insists on a non-empty description.
        let description = if self.description.is_empty() {
            vec![("en".to_string(), self.database_type.clone())]
        } else {
            self.description.clone()
        };
        Value::map([
            ("binary_format_major_version", Value::U16(2)),
            ("binary_format_minor_version", Value::U16(0)),
            ("build_epoch", Value::U64(self.build_epoch)),
            ("database_type", Value::str(&self.database_type)),
            (
                "description",
                Value::Map(description.iter().map(|(k, v)| (k.clone(), Value::str(v))).collect()),
            ),
            ("ip_version", Value::U16(self.ip_version)),
            (
                "languages",
                Value::Array(self.languages.iter().map(Value::str).collect()),
            ),
            ("node_count", Value::U32(node_count)),
            ("record_size", Value::U16(record_size)),
        ])
    }
}

/// Control byte(s): 3-bit type (extended types ≥ 8 go in a following byte), 5-bit size with 1–3 extra bytes.
fn control(out: &mut Vec<u8>, type_num: u8, size: usize) -> Result<(), WriteError> {
    let (small, extra): (u8, Vec<u8>) = if size < 29 {
        (size as u8, vec![])
    } else if size < 29 + 256 {
        (29, vec![(size - 29) as u8])
    } else if size < 285 + 65536 {
        (30, ((size - 285) as u16).to_be_bytes().to_vec())
    } else if size < 65821 + (1 << 24) {
        (31, ((size - 65821) as u32).to_be_bytes()[1..].to_vec())
    } else {
        return Err(WriteError::TooLarge(size));
    };
    if type_num <= 7 {
        out.push((type_num << 5) | small);
    } else {
        out.push(small);
        out.push(type_num - 7);
    }
    out.extend_from_slice(&extra);
    Ok(())
}

fn uint(out: &mut Vec<u8>, type_num: u8, v: u64) -> Result<(), WriteError> {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    control(out, type_num, 8 - skip)?;
    out.extend_from_slice(&bytes[skip..]);
    Ok(())
}

fn encode(v: &Value, out: &mut Vec<u8>) -> Result<(), WriteError> {
    match v {
        Value::Str(s) => {
            control(out, 2, s.len())?;
            out.extend_from_slice(s.as_bytes());
        }
        Value::Double(d) => {
            control(out, 3, 8)?;
            out.extend_from_slice(&d.to_be_bytes());
        }
        Value::U16(n) => uint(out, 5, u64::from(*n))?,
        Value::U32(n) => uint(out, 6, u64::from(*n))?,
        Value::U64(n) => uint(out, 9, *n)?,
        Value::Bool(b) => control(out, 14, usize::from(*b))?,
        Value::Array(items) => {
            control(out, 11, items.len())?;
            for i in items {
                encode(i, out)?;
            }
        }
        Value::Map(pairs) => {
            control(out, 7, pairs.len())?;
            for (k, v) in pairs {
                encode(&Value::Str(k.clone()), out)?;
                encode(v, out)?;
            }
        }
    }
    Ok(())
}
