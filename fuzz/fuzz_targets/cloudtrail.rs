//! CloudTrail in every form a file may take (`{"Records":[…]}`, bare arrays, JSON lines, lookup-events output, EventBridge envelopes, single records, digests), seeded with real records.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::load(data));
