//! The evidence timeline as CSV (one row per event, RFC 4180, formula-safe) and as JSON lines shaped for
//! Timesketch import (`message`, `datetime`, `timestamp_desc`, plus the fields; the rules that hit each event and
//! their ATT&CK tags as `rules`, `attack` and Timesketch's `tag`).

use super::escape::csv_cell;
use super::report::{EvidenceEvent, Report};
use crate::core::time::rfc3339;

const COLUMNS: [&str; 16] = [
    "time",
    "event_id",
    "account",
    "region",
    "principal",
    "session",
    "api",
    "result",
    "source_ip",
    "place",
    "user_agent",
    "resource",
    "starred",
    "entities",
    "rules",
    "attack",
];

fn cells(e: &EvidenceEvent) -> [String; 16] {
    [
        rfc3339(e.time.0),
        e.event_id.clone(),
        e.account.clone(),
        e.region.clone(),
        e.principal.clone(),
        e.session.clone(),
        e.api.clone(),
        e.result.clone(),
        e.source_ip.clone(),
        e.place.clone().unwrap_or_default(),
        e.user_agent.clone(),
        e.resource.clone(),
        e.starred.to_string(),
        // Entity values can hold spaces (user agents); " | " never occurs in ARNs, keys, ids or IPs.
        e.entities.join(" | "),
        e.rules.join(" | "),
        e.attack.join(" | "),
    ]
}

/// Header plus one CRLF-terminated record per timeline event (RFC 4180 line ends).
pub fn csv(report: &Report) -> String {
    let mut out = COLUMNS.join(",") + "\r\n";
    for e in &report.timeline {
        let row: Vec<String> = cells(e).iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One JSON object per line. Timesketch needs `message`, `datetime` (ISO 8601) and `timestamp_desc`
/// (`timestamp`, epoch microseconds, is optional); every other key becomes a searchable attribute.
pub fn jsonl(report: &Report) -> String {
    let mut out = String::new();
    for e in &report.timeline {
        let message = format!(
            "{} {} by {} from {}",
            e.api,
            e.result,
            if e.principal.is_empty() {
                "(unknown caller)"
            } else {
                &e.principal
            },
            if e.source_ip.is_empty() {
                "(no IP)"
            } else {
                &e.source_ip
            },
        );
        let mut obj = serde_json::json!({
            "message": message,
            "datetime": rfc3339(e.time.0),
            "timestamp_desc": "Event Time",
            "timestamp": e.time.0.saturating_mul(1_000_000),
            "data_type": "aws:cloudtrail:event",
        });
        for (k, v) in COLUMNS.iter().zip(cells(e)) {
            if *k != "time" {
                obj[*k] = serde_json::Value::String(v);
            }
        }
        obj["starred"] = serde_json::Value::Bool(e.starred);
        obj["entities"] = serde_json::json!(e.entities);
        // ATT&CK tactics and techniques of the rules that hit the event; `tag` is the attribute Timesketch shows
        // as labels.
        obj["rules"] = serde_json::json!(e.rules);
        obj["attack"] = serde_json::json!(e.attack);
        obj["tag"] = serde_json::json!(e.attack);
        out.push_str(&crate::core::text::json::to_string(&obj).unwrap_or_default());
        out.push('\n');
    }
    out
}
