//! Deterministic generator of realistic CloudTrail trees and findings (sample case, tests, benchmarks).
pub mod geoip;
