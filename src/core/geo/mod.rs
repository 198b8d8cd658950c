//! Geolocation of source addresses: classification of CloudTrail's `sourceIPAddress` (IP, AWS service name,
//! `AWS Internal`, private ranges), MaxMind-format City/ASN lookups, GuardDuty-provided overrides, great-circle
//! distance, the impossible-travel rule and user-agent families (what the inputs hold: `docs/domain.md` §7).
//!
//! Everything here takes hostile strings and never panics: a value that is not a canonical address is
//! [`IpClass::Invalid`], not a guess.

mod classify;
mod db;
pub mod travel;
pub mod useragent;

pub use classify::{classify, parse_ip};
pub use db::{GeoDb, GeoError, SearchPath};

use serde::Serialize;

/// A geographic place as a City database (or a GuardDuty finding) states it. Names are English.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Place {
    /// City name (English).
    pub city: Option<String>,
    /// First-level subdivision (state, province), e.g. "Washington".
    pub region: Option<String>,
    /// Country name (English).
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. "US".
    pub country_code: Option<String>,
    /// Latitude in decimal degrees (WGS 84).
    pub lat: f64,
    /// Longitude in decimal degrees (WGS 84).
    pub lon: f64,
}

/// Autonomous system of an address (from an ASN database or a finding).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct AsInfo {
    /// Autonomous system number.
    pub asn: u32,
    /// The organisation the AS is registered to (Detective's "ASO").
    pub org: String,
}

/// What kind of thing a `sourceIPAddress` value is. Only [`IpClass::Public`] addresses are looked up.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "name")]
pub enum IpClass {
    /// A routable address (including the documentation ranges, which the sample case uses as if public).
    Public,
    /// RFC 1918, CGNAT 100.64/10, IPv6 ULA fc00::/7.
    Private,
    /// 127/8, ::1.
    Loopback,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// An AWS service acting on the caller's behalf, e.g. "ec2.amazonaws.com".
    AwsService(String),
    /// CloudTrail's literal "AWS Internal".
    AwsInternal,
    /// Anything else: garbage, hostnames, anonymised addresses with leading zeros (`035.249.253.232`).
    Invalid,
}

impl IpClass {
    /// Short human label for tables: "public", "private", "loopback", "link-local", "AWS service
    /// ec2.amazonaws.com", "AWS internal", "invalid".
    pub fn label(&self) -> String {
        match self {
            IpClass::Public => "public".into(),
            IpClass::Private => "private".into(),
            IpClass::Loopback => "loopback".into(),
            IpClass::LinkLocal => "link-local".into(),
            IpClass::AwsService(s) => format!("AWS service {s}"),
            IpClass::AwsInternal => "AWS internal".into(),
            IpClass::Invalid => "invalid".into(),
        }
    }
}

/// Everything known about one `sourceIPAddress` value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IpInfo {
    /// What kind of value it is; only public addresses get a place or an AS.
    pub class: IpClass,
    /// Where the address is, when a City database or a finding knows it.
    pub place: Option<Place>,
    /// Who owns the network, when an ASN database or a finding knows it.
    pub asn: Option<AsInfo>,
    /// where the place came from: "mmdb" | "finding" | none
    pub source: Option<&'static str>,
}

/// Great-circle distance in kilometres between two (latitude, longitude) points in degrees (haversine, mean
/// Earth radius 6371.0088 km). Non-finite input gives a non-finite result; callers compare with `>` so such
/// values never trigger a rule.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    const R: f64 = 6371.0088;
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let dlat = lat2 - lat1;
    let dlon = lon2 - lon1;
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    // Rounding can push h a hair above 1 for antipodal points, and asin of that is NaN. Not `f64::min`: it would
    // turn a NaN (bad coordinates) into 1.0, i.e. half the globe, and fire the travel rule.
    let h = if h > 1.0 { 1.0 } else { h };
    2.0 * R * h.sqrt().asin()
}
