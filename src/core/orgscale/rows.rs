//! Result rows back into CloudTrail records. Engines return every value as text (Athena's `VarCharValue`,
//! Lake's one-key maps); a null is an absent value and becomes an absent field, as it was absent in the record.
//! Struct fields were selected by path, so each value lands at its record path (`userIdentity.sessionContext.
//! sessionIssuer.arn`); JSON-string columns parse back into objects; `readOnly` and `managementEvent` become
//! booleans; `resources` (selected as JSON) gets the record's key spelling back. A record that lost every field
//! (an all-null row) is not a record and is skipped by the caller.

use serde_json::{Map, Value};

use super::columns::{Column, ValueKind};

/// Reads rows of one query's selected columns.
pub struct RowReader {
    columns: Vec<(Vec<&'static str>, ValueKind)>,
}

impl RowReader {
    /// For rows whose values are `columns`, in order.
    pub fn new(columns: &[Column]) -> RowReader {
        RowReader {
            columns: columns.iter().map(|c| (c.json.split('.').collect(), c.kind)).collect(),
        }
    }

    /// How many values a row has.
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// One row (a value per column, `None` for null) as a record object. Values beyond the columns are ignored.
    pub fn record<'a>(&self, values: impl IntoIterator<Item = Option<&'a str>>) -> Map<String, Value> {
        let mut rec = Map::new();
        for ((path, kind), v) in self.columns.iter().zip(values) {
            let Some(text) = v else { continue };
            let value = match kind {
                ValueKind::Text => Value::String(text.to_string()),
                ValueKind::Bool => match text {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    other => Value::String(other.to_string()),
                },
                ValueKind::JsonText => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string())),
                ValueKind::Resources => match serde_json::from_str::<Value>(text) {
                    Ok(Value::Array(items)) => Value::Array(items.into_iter().map(resource).collect()),
                    Ok(Value::Null) => continue,
                    _ => Value::String(text.to_string()),
                },
                ValueKind::Timestamp => Value::String(rfc3339_of(text)),
                ValueKind::Map => match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(m)) => Value::Object(m.into_iter().map(|(k, v)| (k, nested(v))).collect()),
                    Ok(Value::Null) => continue,
                    _ => Value::String(text.to_string()),
                },
            };
            insert(&mut rec, path, value);
        }
        rec
    }
}

/// A SQL timestamp as an engine renders it (`2026-11-05 00:00:18.000`, `2026-11-05 00:00:18`) in the record's
/// form (`2026-11-05T00:00:18Z`); a fraction other than zero is kept. Text of another shape is kept as it is.
fn rfc3339_of(text: &str) -> String {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let shaped = b.len() >= 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b' '
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shaped {
        return text.to_string();
    }
    let fraction = &text[19..];
    let keep = match fraction.strip_prefix('.') {
        Some(f) if !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()) => !f.bytes().all(|c| c == b'0'),
        _ if fraction.is_empty() => false,
        _ => return text.to_string(),
    };
    format!("{}T{}{}Z", &text[..10], &text[11..19], if keep { fraction } else { "" })
}

/// A map value: a string holding JSON object or array text is a nested object of the record, flattened to text by
/// the map type; anything else stays the string it is.
fn nested(v: Value) -> Value {
    match &v {
        Value::String(s) if s.starts_with('{') || s.starts_with('[') => match serde_json::from_str::<Value>(s) {
            Ok(inner @ (Value::Object(_) | Value::Array(_))) => inner,
            _ => v,
        },
        _ => v,
    }
}

/// `{arn, accountid, type}` (the table's lower-case names) to the record's `{ARN, accountId, type}`.
fn resource(v: Value) -> Value {
    let Value::Object(o) = v else { return v };
    let mut out = Map::new();
    for (k, v) in o {
        if v.is_null() {
            continue;
        }
        let key = match k.to_ascii_lowercase().as_str() {
            "arn" => "ARN".to_string(),
            "accountid" => "accountId".to_string(),
            "type" => "type".to_string(),
            _ => k,
        };
        out.insert(key, v);
    }
    Value::Object(out)
}

fn insert(rec: &mut Map<String, Value>, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            rec.insert((*last).to_string(), value);
        }
        [first, rest @ ..] => {
            // Most columns land in an object an earlier column made: look it up before making a key.
            if !rec.contains_key(*first) {
                rec.insert((*first).to_string(), Value::Object(Map::new()));
            }
            if let Some(Value::Object(inner)) = rec.get_mut(*first) {
                insert(inner, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::columns::{COLUMNS, TableColumns};
    use super::*;
    use serde_json::json;

    #[test]
    fn lake_rows_restore_timestamps_and_maps() {
        let lake = TableColumns::lake().selectable();
        let pick = |paths: &[&str]| -> Vec<Column> {
            paths
                .iter()
                .map(|p| *lake.iter().find(|c| c.path == *p).unwrap())
                .collect()
        };
        let r = RowReader::new(&pick(&[
            "eventtime",
            "useridentity.sessioncontext.attributes.creationdate",
            "responseelements",
            "requestparameters",
            "readonly",
        ]));
        let rec = r.record([
            Some("2026-11-05 00:00:18.000"),
            Some("2026-11-04 23:59:59.250"),
            Some(r#"{"credentials":"{\"accessKeyId\":\"ASIAX\",\"expiration\":\"Nov 5, 2026\"}","x":null}"#),
            Some(r#"{"roleArn":"arn:aws:iam::1:role/R","durationSeconds":"3600","policy":"{not json","tags":"[{\"key\":\"a\"}]"}"#),
            Some("false"),
        ]);
        assert_eq!(
            Value::Object(rec),
            json!({
                "eventTime": "2026-11-05T00:00:18Z",
                "userIdentity": {"sessionContext": {"attributes": {"creationDate": "2026-11-04T23:59:59.250Z"}}},
                "responseElements": {"credentials": {"accessKeyId": "ASIAX", "expiration": "Nov 5, 2026"}, "x": null},
                "requestParameters": {"roleArn": "arn:aws:iam::1:role/R", "durationSeconds": "3600",
                    "policy": "{not json", "tags": [{"key": "a"}]},
                "readOnly": false
            })
        );
        assert_eq!(rfc3339_of("2026-11-05 00:00:18"), "2026-11-05T00:00:18Z");
        for odd in ["2026-11-05T00:00:18Z", "yesterday", "2026-11-05 00:00:18.x", ""] {
            assert_eq!(rfc3339_of(odd), odd);
        }
    }

    fn cols(paths: &[&str]) -> Vec<Column> {
        paths
            .iter()
            .map(|p| *COLUMNS.iter().find(|c| c.path == *p).unwrap())
            .collect()
    }

    #[test]
    fn rows_become_records_with_nulls_absent() {
        let r = RowReader::new(&cols(&[
            "eventid",
            "useridentity.type",
            "useridentity.sessioncontext.sessionissuer.arn",
            "useridentity.sessioncontext.attributes.mfaauthenticated",
            "readonly",
            "requestparameters",
            "responseelements",
            "errorcode",
            "resources",
        ]));
        let rec = r.record([
            Some("e-1"),
            Some("AssumedRole"),
            Some("arn:aws:iam::111122223333:role/R"),
            Some("false"),
            Some("true"),
            Some(r#"{"roleArn":"arn:x","tags":[{"key":"a","value":"b"}]}"#),
            None,
            None,
            Some(r#"[{"arn":"arn:aws:s3:::b","accountid":"111122223333","type":"AWS::S3::Bucket"}]"#),
        ]);
        assert_eq!(
            Value::Object(rec),
            json!({
                "eventID": "e-1",
                "userIdentity": {
                    "type": "AssumedRole",
                    "sessionContext": {
                        "sessionIssuer": {"arn": "arn:aws:iam::111122223333:role/R"},
                        "attributes": {"mfaAuthenticated": "false"}
                    }
                },
                "readOnly": true,
                "requestParameters": {"roleArn": "arn:x", "tags": [{"key": "a", "value": "b"}]},
                "resources": [{"ARN": "arn:aws:s3:::b", "accountId": "111122223333", "type": "AWS::S3::Bucket"}]
            })
        );
    }

    #[test]
    fn unparsable_json_text_is_kept_as_text() {
        let r = RowReader::new(&cols(&["requestparameters", "readonly"]));
        let rec = r.record([Some("{not json"), Some("maybe")]);
        assert_eq!(
            Value::Object(rec),
            json!({"requestParameters": "{not json", "readOnly": "maybe"})
        );
    }
}
