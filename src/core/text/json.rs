//! JSON that is inert on a terminal: every hazard of the [table](super::TABLE) inside a string is written as a
//! `\uXXXX` escape (characters beyond the Basic Multilingual Plane, such as tag characters, as a UTF-16 surrogate
//! pair `\udb40\udc41`), so a JSON reader gets exactly the original string while `cat`, `less` or a terminal
//! showing the output see only ASCII escapes. serde_json escapes only C0 controls, `"` and `\` by itself; the
//! [`Inert`] formatter wraps serde_json's own formatters and escapes the rest as serde_json writes each string,
//! so there is no second pass over the output. Every JSON the program prints or exports goes through here.

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, PrettyFormatter};
use std::io;

/// A serde_json [`Formatter`] that behaves like `F` and also escapes every hazard in strings (and in raw JSON
/// fragments, where a valid document can only hold them inside strings).
#[derive(Clone, Debug, Default)]
pub struct Inert<F>(pub F);

/// Write `text` with every hazard for which `escape` holds as `\uXXXX` (surrogate pairs beyond the BMP).
fn write_escaped<W: ?Sized + io::Write>(w: &mut W, text: &str, escape: impl Fn(char) -> bool) -> io::Result<()> {
    // Most strings are printable ASCII: one pass over the bytes, no per-character lookup.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return w.write_all(text.as_bytes());
    }
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if super::is_hazard(c) && escape(c) {
            w.write_all(&text.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                write!(w, "\\u{u:04x}")?;
            }
            start = i + c.len_utf8();
        }
    }
    w.write_all(&text.as_bytes()[start..])
}

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[inline]
        fn $name<W: ?Sized + io::Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(w $(, $arg)*)
        }
    )*};
}

impl<F: Formatter> Formatter for Inert<F> {
    delegate! {
        write_null();
        write_bool(v: bool);
        write_i8(v: i8);
        write_i16(v: i16);
        write_i32(v: i32);
        write_i64(v: i64);
        write_i128(v: i128);
        write_u8(v: u8);
        write_u16(v: u16);
        write_u32(v: u32);
        write_u64(v: u64);
        write_u128(v: u128);
        write_f32(v: f32);
        write_f64(v: f64);
        write_number_str(v: &str);
        begin_string();
        end_string();
        write_char_escape(e: CharEscape);
        write_byte_array(v: &[u8]);
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
    }

    /// Unescaped string content as serde_json hands it over (it has already escaped C0, `"` and `\`).
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        write_escaped(w, fragment, |_| true)
    }

    /// A `RawValue`: JSON text written as is. Outside strings a valid document holds only space, tab, line feed
    /// and carriage return (layout, kept); any other hazard is inside a string, where the escape is exact.
    fn write_raw_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        write_escaped(w, fragment, |c| !matches!(c, '\t' | '\n' | '\r'))
    }
}

/// Serialise `value` as pretty JSON (two-space indent, like `serde_json::to_writer_pretty`), hazards escaped.
pub fn to_writer_pretty<W: io::Write, T: Serialize + ?Sized>(w: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Inert(PrettyFormatter::new()));
    value.serialize(&mut ser)
}

/// Pretty JSON text of `value`, hazards escaped.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    to_writer_pretty(&mut out, value)?;
    String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
}

/// Compact JSON text of `value` (one line), hazards escaped.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Inert(CompactFormatter));
    value.serialize(&mut ser)?;
    String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))
}
