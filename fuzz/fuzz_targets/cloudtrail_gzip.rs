//! Gzip-compressed CloudTrail files (single and multi-member), seeded with real records compressed: the decoder, the streaming cap and every form behind them.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::load(data));
