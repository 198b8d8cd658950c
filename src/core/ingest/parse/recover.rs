//! Reading a file whose whole-file parse failed (or that is not UTF-8) record by record, so that one bad record —
//! an invalid UTF-8 byte, a NUL, a syntax error — is lost alone: JSON lines line by line; the records of an S3
//! object, of `lookup-events` output and of a bare array cut apart by the lenient scanner (`scan`) and parsed one
//! by one. Bad records are reported with their index and the byte offset of the problem; a file cut off inside its
//! last record, or padded after its end, keeps what came before. Nothing here runs for a file that parses whole.

use super::{Ctx, message};
use crate::core::ingest::Format;
use crate::core::ingest::scan::{self, Parts};
use serde::de::IgnoredAny;

/// The reason for a record with an invalid UTF-8 byte.
pub(super) fn not_utf8(bytes: &[u8], e: std::str::Utf8Error) -> String {
    let bad = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
    format!("invalid UTF-8 (byte 0x{bad:02X}): record not read")
}

impl Ctx<'_> {
    /// The whole-file parse failed (or the file is not UTF-8): keep every record that parses on its own. JSON
    /// lines are read line by line; the records of an S3 object, of `lookup-events` output and of a bare array are
    /// cut apart by the scanner and parsed one by one.
    pub(super) fn recover(&mut self, buf: &[u8]) {
        let start = scan::skip_ws(buf, 0);
        let top = match buf.get(start) {
            Some(b'{' | b'[') => scan::container(buf, start),
            _ => return self.unreadable(buf),
        };
        if buf[start] == b'{' {
            // JSON lines: the first value ends on its line and more follows on a later one.
            let next = scan::skip_ws(buf, top.end);
            if top.closed && next < buf.len() && buf[top.end..next].contains(&b'\n') {
                return self.lines(buf);
            }
            for (key, format) in [(&b"Records"[..], Format::S3Records), (b"Events", Format::LookupEvents)] {
                if let Some(records) = scan::member_array(buf, &top, key) {
                    self.set_format(format);
                    self.items(buf, &records, format);
                    return self.trailing(buf, &top);
                }
            }
            return self.unreadable(buf);
        }
        self.set_format(Format::Array);
        self.items(buf, &top, Format::Array);
        self.trailing(buf, &top)
    }

    /// Bytes after the end of a document whose records were read (NUL padding of a preallocated file).
    fn trailing(&mut self, buf: &[u8], top: &Parts) {
        let rest = scan::skip_ws(buf, top.end);
        if top.closed && rest < buf.len() {
            let at = self.offset_of(&buf[rest..]);
            self.file_error_at(
                at,
                "invalid JSON: bytes after the end of the document; the records before them were read".into(),
            );
        }
    }

    /// No records to recover one by one: a document of another shape, JSON lines, or a broken file.
    fn unreadable(&mut self, buf: &[u8]) {
        let several_lines = scan::lines(buf).filter(|l| !l.trim_ascii().is_empty()).nth(1).is_some();
        match std::str::from_utf8(buf) {
            Ok(text) => match serde_json::from_str::<serde_json::Value>(text) {
                Ok(value) => self.document(text, &value, 0),
                // A first line that parses alone means JSON lines whose first record is odd; else invalid.
                Err(_) if several_lines => self.lines(buf),
                Err(e) => {
                    let at = self.error_offset(text, &e);
                    self.file_error_at(at, format!("invalid JSON: {}", message(&e)))
                }
            },
            Err(_) if several_lines => self.lines(buf),
            Err(e) => {
                let at = self.offset_of(buf).map(|o| o + e.valid_up_to() as u64);
                let bad = buf.get(e.valid_up_to()).copied().unwrap_or(0);
                self.file_error_at(
                    at,
                    format!(
                        "not UTF-8 text (byte 0x{bad:02X}) in a document whose records cannot be read apart; not read"
                    ),
                )
            }
        }
    }

    /// The records (or elements, or `lookup-events` entries, as `format` says) the scanner cut out, each parsed on
    /// its own. A container the file ends inside loses only its unfinished last item, reported for the file.
    fn items(&mut self, buf: &[u8], parts: &Parts, format: Format) {
        let n = parts.items.len();
        for (i, range) in parts.items.iter().enumerate() {
            let bytes = &buf[range.clone()];
            self.at = self.offset_of(bytes);
            let unfinished = !parts.closed && i + 1 == n;
            let text = match std::str::from_utf8(bytes) {
                Ok(t) if !unfinished || serde_json::from_str::<IgnoredAny>(t).is_ok() => t,
                Err(e) if !unfinished => {
                    self.out.records_seen += 1;
                    let at = self.at.map(|o| o + e.valid_up_to() as u64);
                    self.record_error_at(i, at, not_utf8(bytes, e));
                    continue;
                }
                _ => {
                    return self.file_error_at(
                        self.at,
                        format!(
                            "invalid JSON: the file ends inside record {i} (cut off); the records before it were read"
                        ),
                    );
                }
            };
            match format {
                Format::S3Records => self.record_text(text, i),
                Format::LookupEvents => self.lookup_entry(text, i),
                _ => self.element(text, i),
            }
        }
        if !parts.closed {
            let at = self.offset_of(&buf[buf.len()..]);
            self.file_error_at(at, "invalid JSON: the file ends before its closing bracket".into());
        }
    }
}
