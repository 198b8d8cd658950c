//! Helpers for the findings tests over real data: read a file, parse it as JSON, run the findings parser on it.
#![allow(dead_code)]

use serde_json::Value;
use trailhound::core::findings::{Finding, FindingsParse, parse_document};

pub fn read(rel: &str) -> Option<String> {
    let path = super::realdata(rel)?;
    Some(std::fs::read_to_string(path).expect("real data readable"))
}

pub fn doc(rel: &str) -> Option<Value> {
    read(rel).map(|t| serde_json::from_str(&t).expect("real data is valid JSON"))
}

/// The findings and per-entry errors of a document that must be recognised as findings.
pub fn parsed(v: &Value) -> (Vec<Finding>, Vec<(Option<usize>, String)>) {
    match parse_document(v) {
        FindingsParse::Parsed { findings, errors } => (findings, errors),
        FindingsParse::NotFindings => panic!("not recognised as findings: {v}"),
    }
}
