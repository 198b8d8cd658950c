//! GuardDuty's embedded geolocation: the remote addresses findings name come with GuardDuty's own city, country,
//! coordinates and AS. They are fed into the [`GeoDb`] as overrides, used where the MaxMind databases do not know
//! the address (or are missing), so the views can still place the address a finding is about.

use crate::core::findings::{Finding, FindingAction, RemoteIp};
use crate::core::geo::{AsInfo, GeoDb, Place};

/// One remote address a finding located (GuardDuty `RemoteIpDetails`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindingLocation {
    /// The address, as GuardDuty wrote it.
    pub ip: String,
    /// City name.
    pub city: Option<String>,
    /// First-level subdivision.
    pub region: Option<String>,
    /// Country name.
    pub country: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<String>,
    /// Latitude, decimal degrees.
    pub lat: Option<f64>,
    /// Longitude, decimal degrees.
    pub lon: Option<f64>,
    /// `Organization.Asn` as GuardDuty writes it (a decimal string).
    pub asn: Option<String>,
    /// `Organization.AsnOrg`: the AS organisation name.
    pub asn_org: Option<String>,
}

/// Feed the geolocation GuardDuty embedded in findings into the `GeoDb` (used where the databases do not know
/// the address). A place needs both coordinates; an AS needs a numeric ASN. Call once after loading, before any
/// behaviour query.
pub fn add_finding_locations(geo: &mut GeoDb, locations: impl IntoIterator<Item = FindingLocation>) {
    for l in locations {
        let place = match (l.lat, l.lon) {
            (Some(lat), Some(lon)) => Some(Place {
                city: l.city,
                region: l.region,
                country: l.country,
                country_code: l.country_code,
                lat,
                lon,
            }),
            _ => None,
        };
        let asn = l
            .asn
            .as_deref()
            .and_then(|a| a.trim().trim_start_matches("AS").parse::<u32>().ok())
            .map(|asn| AsInfo {
                asn,
                org: l.asn_org.unwrap_or_default(),
            });
        if place.is_some() || asn.is_some() {
            geo.add_override(&l.ip, place, asn);
        }
    }
}

/// Every remote address named by the loaded findings (API caller, connection peer, port probers), with what
/// GuardDuty said about it.
pub fn finding_locations(findings: &[Finding]) -> Vec<FindingLocation> {
    let mut out = Vec::new();
    for f in findings {
        let ips: Vec<&RemoteIp> = match &f.action {
            Some(FindingAction::ApiCall(a)) => a.remote_ip.iter().collect(),
            Some(FindingAction::NetworkConnection(n)) => n.remote_ip.iter().collect(),
            Some(FindingAction::PortProbe(p)) => p.probes.iter().filter_map(|p| p.remote_ip.as_ref()).collect(),
            _ => Vec::new(),
        };
        for r in ips {
            let Some(ip) = r.ip.clone() else { continue };
            out.push(FindingLocation {
                ip,
                city: r.city.clone(),
                region: None,
                country: r.country.clone(),
                country_code: r.country_code.clone(),
                lat: r.lat,
                lon: r.lon,
                asn: r.asn.clone(),
                asn_org: r.asn_org.clone().or_else(|| r.org.clone()),
            });
        }
    }
    out
}
