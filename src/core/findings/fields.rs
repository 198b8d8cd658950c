//! Tolerant JSON field access for findings: one lookup that accepts both the camelCase (API/SDK, EventBridge,
//! S3 export) and PascalCase (`aws guardduty get-findings`, ASFF) spellings of a key, and value readers that
//! treat a wrong type as absent instead of failing. Findings are hostile input; nothing here panics.

use serde_json::Value;

/// `obj[key]`, trying `key` as written and with its first letter's case flipped (`accessKeyDetails` /
/// `AccessKeyDetails`). `None` for a missing key, a JSON `null`, or a non-object `obj`.
pub fn get<'a>(obj: &'a Value, key: &str) -> Option<&'a Value> {
    let map = obj.as_object()?;
    if let Some(v) = map.get(key).filter(|v| !v.is_null()) {
        return Some(v);
    }
    let mut chars = key.chars();
    let first = chars.next()?;
    let flipped: String = if first.is_ascii_lowercase() {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    } else {
        first.to_ascii_lowercase().to_string() + chars.as_str()
    };
    map.get(&flipped).filter(|v| !v.is_null())
}

/// Follow a path of keys with [`get`].
pub fn path<'a>(obj: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    let mut cur = obj;
    for k in keys {
        cur = get(cur, k)?;
    }
    Some(cur)
}

/// A non-empty string field; numbers are rendered as text (GuardDuty writes `asn` both as `"16509"` and `16509`).
pub fn string(obj: &Value, key: &str) -> Option<String> {
    value_string(get(obj, key)?)
}

pub fn value_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn path_string(obj: &Value, keys: &[&str]) -> Option<String> {
    value_string(path(obj, keys)?)
}

/// A number, also accepted when written as a numeric string.
pub fn number(obj: &Value, key: &str) -> Option<f64> {
    value_number(get(obj, key)?)
}

pub fn value_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

pub fn boolean(obj: &Value, key: &str) -> Option<bool> {
    match get(obj, key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A time as epoch seconds: RFC 3339 / ISO 8601 text (also `2025-02-25 20:40:06.721` as Panther writes it), or an
/// epoch number in seconds or milliseconds (GuardDuty uses both inside resource details).
pub fn time(obj: &Value, key: &str) -> Option<i64> {
    value_time(get(obj, key)?)
}

pub fn value_time(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => parse_time_text(s),
        Value::Number(n) => {
            let f = n.as_f64()?;
            if !f.is_finite() || f < 0.0 {
                return None;
            }
            // Past 1e11 it cannot be seconds (year 5138): it is milliseconds.
            let secs = if f > 1e11 { f / 1000.0 } else { f };
            Some(secs as i64)
        }
        _ => None,
    }
}

fn parse_time_text(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(t) = crate::core::time::parse_epoch(s) {
        return Some(t);
    }
    // `2025-02-25 20:40:06.000000000`: a space instead of `T`, no offset; read as UTC.
    if s.len() > 10 && s.as_bytes().get(10) == Some(&b' ') {
        let t = format!("{}T{}", s.get(..10)?, s.get(11..)?);
        return crate::core::time::parse_epoch(&t);
    }
    None
}

/// An array of strings (non-strings skipped); a lone string counts as a one-element list.
pub fn strings(obj: &Value, key: &str) -> Vec<String> {
    match get(obj, key) {
        Some(Value::Array(a)) => a.iter().filter_map(value_string).collect(),
        Some(v) => value_string(v).into_iter().collect(),
        None => Vec::new(),
    }
}

/// An array field (empty when missing or not an array).
pub fn array<'a>(obj: &'a Value, key: &str) -> &'a [Value] {
    get(obj, key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_casings_and_wrong_types() {
        let v = json!({"AccessKeyDetails": {"accessKeyId": "ASIA1"}, "count": "5", "bad": {"x": 1}, "n": null});
        assert_eq!(
            path_string(&v, &["accessKeyDetails", "AccessKeyId"]).as_deref(),
            Some("ASIA1")
        );
        assert_eq!(number(&v, "Count"), Some(5.0));
        assert_eq!(string(&v, "bad"), None);
        assert_eq!(get(&v, "n"), None);
        assert_eq!(get(&json!([1]), "x"), None);
        assert_eq!(get(&v, ""), None);
    }

    #[test]
    fn times_in_every_form() {
        let v = json!({"a": "2025-02-25 20:40:06.000000000", "b": "2021-02-26T21:17:50.905000+00:00",
            "c": 1513612691.551, "d": 1492735675000u64, "e": "yesterday", "f": -5});
        assert_eq!(time(&v, "a"), crate::core::time::parse_epoch("2025-02-25T20:40:06Z"));
        assert_eq!(time(&v, "b"), crate::core::time::parse_epoch("2021-02-26T21:17:50Z"));
        assert_eq!(time(&v, "c"), Some(1_513_612_691));
        assert_eq!(time(&v, "d"), Some(1_492_735_675));
        assert_eq!(time(&v, "e"), None);
        assert_eq!(time(&v, "f"), None);
    }
}
