//! Serde helpers so every time in findings JSON is RFC 3339 UTC (`2026-11-05T14:12:07Z`) while the model keeps
//! epoch seconds.

use crate::core::time::rfc3339;
use serde::Serializer;

pub fn time<S: Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

pub fn opt_time<S: Serializer>(t: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}
