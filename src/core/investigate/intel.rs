//! Threat-intelligence address lists (`--intel FILE`): one address or CIDR per line with an optional label after
//! it (`203.0.113.77 tor-exit`, `2001:db8::/32 bad hosting`), `#` starting a comment, blank lines ignored; IPv4 and
//! IPv6. A line without a label is labelled with the file's name (a Tor exit list is bare addresses). A bad line
//! is reported with its file, line number and reason and skipped; the rest of the list is kept. Files are capped
//! at [`MAX_FILE_BYTES`], labels at [`MAX_LABEL_CHARS`] (`docs/investigate.md` §3).
//!
//! Matching is a hash look-up per prefix length present in the lists, so a list of a million entries costs the
//! same per address as a list of ten. Labels are hostile text like everything else read: writers neutralise them.

use crate::core::geo::parse_ip;
use hashbrown::HashMap;
use serde::Serialize;
use std::io::Read;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Largest intel file read (64 MiB): a full Tor exit list is well under 1 MiB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Longest label kept, in characters (longer labels are cut).
pub const MAX_LABEL_CHARS: usize = 200;
/// Bad lines reported one by one per file; the rest are only counted.
pub const MAX_PROBLEMS_LISTED: usize = 100;

/// Why an intel file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum IntelError {
    /// Opening or reading failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_FILE_BYTES`].
    #[error("{path}: larger than {max} bytes")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The cap.
        max: u64,
    },
}

/// One line of an intel file that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IntelProblem {
    /// The file.
    pub path: String,
    /// Line number, from 1.
    pub line: usize,
    /// Why the line was skipped.
    pub reason: String,
}

/// An address's match in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IntelMatch {
    /// The file the entry is in.
    pub list: String,
    /// The entry that matched, canonical (`203.0.113.0/24`, `198.51.100.7/32`).
    pub entry: String,
    /// Its label (the file's name when the line had none).
    pub label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Net {
    v6: bool,
    prefix: u8,
    bits: u128,
}

impl Net {
    fn of(ip: IpAddr, prefix: u8) -> Net {
        let (v6, width, raw) = match ip {
            IpAddr::V4(a) => (false, 32u8, u128::from(u32::from(a))),
            IpAddr::V6(a) => (true, 128u8, u128::from(a)),
        };
        Net {
            v6,
            prefix,
            bits: raw & mask(width, prefix),
        }
    }
    fn text(&self) -> String {
        let ip = if self.v6 {
            IpAddr::from(self.bits.to_be_bytes())
        } else {
            IpAddr::from((self.bits as u32).to_be_bytes())
        };
        format!("{ip}/{}", self.prefix)
    }
}

/// The mask keeping the top `prefix` bits of a `width`-bit address (held in the low bits of a u128).
fn mask(width: u8, prefix: u8) -> u128 {
    let full: u128 = if width == 128 { u128::MAX } else { (1u128 << width) - 1 };
    if prefix == 0 {
        0
    } else {
        full & !((1u128 << (width - prefix)) - 1)
    }
}

/// Every loaded list, ready to match addresses.
#[derive(Clone, Debug, Default)]
pub struct IntelSet {
    /// (file name, label) of every entry; entries point here.
    labels: Vec<(String, String)>,
    /// By (v6, prefix length): network bits → entries.
    nets: HashMap<(bool, u8), HashMap<u128, Vec<u32>>>,
    /// The files read, as given.
    files: Vec<String>,
    /// Entries kept.
    entries: usize,
    /// Bad lines (the first [`MAX_PROBLEMS_LISTED`] of each file).
    problems: Vec<IntelProblem>,
    /// Bad lines not listed in `problems`.
    problems_not_listed: usize,
}

impl IntelSet {
    /// Read every file. A file that cannot be read is an error (the analyst named it); bad lines are reported in
    /// [`IntelSet::problems`] and skipped.
    pub fn load(paths: &[PathBuf]) -> Result<IntelSet, IntelError> {
        let mut set = IntelSet::default();
        for p in paths {
            let bytes = read_capped(p)?;
            set.add(&p.display().to_string(), &bytes, &default_label(p));
        }
        Ok(set)
    }

    /// Add one list's text (`name` is how problems and matches name it; `fallback` labels bare lines).
    pub fn add(&mut self, name: &str, bytes: &[u8], fallback: &str) {
        self.files.push(name.to_string());
        let mut listed = 0usize;
        for (n, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            match parse_line(raw) {
                Ok(None) => {}
                Ok(Some((net, label))) => {
                    let label = label.unwrap_or(fallback).chars().take(MAX_LABEL_CHARS).collect();
                    let id = self.labels.len() as u32;
                    self.labels.push((name.to_string(), label));
                    self.nets
                        .entry((net.v6, net.prefix))
                        .or_default()
                        .entry(net.bits)
                        .or_default()
                        .push(id);
                    self.entries += 1;
                }
                Err(reason) => {
                    if listed < MAX_PROBLEMS_LISTED {
                        listed += 1;
                        self.problems.push(IntelProblem {
                            path: name.to_string(),
                            line: n + 1,
                            reason: reason.to_string(),
                        });
                    } else {
                        self.problems_not_listed += 1;
                    }
                }
            }
        }
    }

    /// Every entry containing `addr` (a `sourceIPAddress` as logged), most specific first, then in file order.
    /// Nothing for text that is not an address.
    pub fn matches(&self, addr: &str) -> Vec<IntelMatch> {
        let Some(ip) = parse_ip(addr) else {
            return Vec::new();
        };
        let v6 = ip.is_ipv6();
        let mut keys: Vec<&(bool, u8)> = self.nets.keys().filter(|k| k.0 == v6).collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.1));
        let mut out = Vec::new();
        for &(v6, prefix) in keys {
            let net = Net::of(ip, prefix);
            if let Some(ids) = self.nets.get(&(v6, prefix)).and_then(|m| m.get(&net.bits)) {
                for &id in ids {
                    let (list, label) = &self.labels[id as usize];
                    out.push(IntelMatch {
                        list: list.clone(),
                        entry: net.text(),
                        label: label.clone(),
                    });
                }
            }
        }
        out
    }

    /// The files read, as given.
    pub fn files(&self) -> &[String] {
        &self.files
    }
    /// Entries kept over all files.
    pub fn entries(&self) -> usize {
        self.entries
    }
    /// Bad lines reported (the first [`MAX_PROBLEMS_LISTED`] of each file).
    pub fn problems(&self) -> &[IntelProblem] {
        &self.problems
    }
    /// Bad lines skipped but not listed.
    pub fn problems_not_listed(&self) -> usize {
        self.problems_not_listed
    }
}

fn default_label(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "intel".to_string())
}

fn read_capped(p: &Path) -> Result<Vec<u8>, IntelError> {
    let io = |source| IntelError::Io {
        path: p.to_path_buf(),
        source,
    };
    let f = std::fs::File::open(p).map_err(io)?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(IntelError::TooLarge {
            path: p.to_path_buf(),
            max: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// One line: `Ok(None)` for blank and comment lines, the network and optional label, or why it is bad.
fn parse_line(raw: &[u8]) -> Result<Option<(Net, Option<&str>)>, &'static str> {
    let line = std::str::from_utf8(raw).map_err(|_| "not UTF-8")?;
    let line = line.split('#').next().unwrap_or("").trim();
    if line.is_empty() {
        return Ok(None);
    }
    let (addr, label) = match line.split_once(|c: char| c.is_whitespace() || c == ',') {
        Some((a, l)) => (a, Some(l.trim_matches(|c: char| c.is_whitespace() || c == ','))),
        None => (line, None),
    };
    let label = label.filter(|l| !l.is_empty());
    let (ip, prefix) = match addr.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (addr, None),
    };
    let ip: IpAddr = ip.parse().map_err(|_| "not an IPv4 or IPv6 address or CIDR")?;
    let ip = ip.to_canonical();
    let width = if ip.is_ipv6() { 128 } else { 32 };
    let prefix = match prefix {
        None => width,
        Some(p) => match p.parse::<u8>() {
            Ok(n) if n <= width => n,
            _ => return Err("prefix length out of range"),
        },
    };
    let net = Net::of(ip, prefix);
    if Net::of(ip, width).bits != net.bits {
        return Err("host bits set after the prefix (write the network address)");
    }
    Ok(Some((net, label)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> IntelSet {
        let mut s = IntelSet::default();
        s.add("tor.txt", text.as_bytes(), "tor");
        s
    }

    #[test]
    fn addresses_and_networks_match_with_their_labels_most_specific_first() {
        let s = set("# exits\n203.0.113.77\n203.0.113.0/24 bad hosting # inline comment\n\n2001:db8::/32,v6 net\n");
        assert_eq!(s.entries(), 3);
        assert!(s.problems().is_empty());
        let m = s.matches("203.0.113.77");
        assert_eq!(
            m.iter()
                .map(|m| (m.entry.as_str(), m.label.as_str()))
                .collect::<Vec<_>>(),
            vec![("203.0.113.77/32", "tor"), ("203.0.113.0/24", "bad hosting")]
        );
        assert_eq!(s.matches("203.0.113.5").len(), 1);
        assert!(s.matches("203.0.114.1").is_empty());
        assert_eq!(s.matches("2001:db8:1::5")[0].label, "v6 net");
        assert!(s.matches("2001:db9::1").is_empty());
        // An IPv4-mapped IPv6 source is its IPv4 address.
        assert_eq!(s.matches("::ffff:203.0.113.77").len(), 2);
        assert!(s.matches("AWS Internal").is_empty());
    }

    #[test]
    fn bad_lines_are_reported_with_line_and_reason_and_skipped() {
        let s = set("198.51.100.1\nnot-an-ip label\n10.0.0.1/8\n10.0.0.0/33\n192.0.2.0/24 ok\n\u{1b}[31m\n");
        assert_eq!(s.entries(), 2);
        let lines: Vec<(usize, &str)> = s.problems().iter().map(|p| (p.line, p.reason.as_str())).collect();
        assert_eq!(
            lines,
            vec![
                (2, "not an IPv4 or IPv6 address or CIDR"),
                (3, "host bits set after the prefix (write the network address)"),
                (4, "prefix length out of range"),
                (6, "not an IPv4 or IPv6 address or CIDR"),
            ]
        );
        assert!(s.problems().iter().all(|p| p.path == "tor.txt"));
        let mut bad = IntelSet::default();
        bad.add("x", b"\xff\xfe\n0.0.0.0/0 everything\n", "x");
        assert_eq!(bad.problems()[0].reason, "not UTF-8");
        assert_eq!(bad.matches("8.8.8.8")[0].entry, "0.0.0.0/0");
    }

    #[test]
    fn problems_beyond_the_listed_ones_are_counted_and_labels_are_cut() {
        let text = format!("{}1.2.3.4 {}\n", "bad\n".repeat(150), "x".repeat(500));
        let s = set(&text);
        assert_eq!(s.problems().len(), MAX_PROBLEMS_LISTED);
        assert_eq!(s.problems_not_listed(), 50);
        assert_eq!(s.matches("1.2.3.4")[0].label.chars().count(), MAX_LABEL_CHARS);
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let e = IntelSet::load(&[PathBuf::from("/nonexistent/intel.txt")]).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/intel.txt"));
    }
}
