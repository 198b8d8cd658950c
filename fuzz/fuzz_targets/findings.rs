//! Findings in every form (GuardDuty in both casings, Access Analyzer v1/v2 and previews, ASFF, EventBridge envelopes, lists, JSON lines), seeded with real findings.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::load(data));
