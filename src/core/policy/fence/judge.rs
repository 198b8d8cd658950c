//! Judging one call against the fence: is its source inside, outside, unknown, or a call an AWS service made on
//! the principal's behalf (kept apart, `docs/geofence.md` §2)?
//!
//! An address is judged once ([`judge_address`]) and the answer reused for every call from it; the VPC endpoint a
//! call came through is read from its raw record only when the fence has a VPC condition and the address alone
//! did not admit the call (CloudTrail's `vpcEndpointId` is not kept in the event store). Nothing is guessed: an
//! address the City database does not place, a value that is not an address, or a fence on `aws:SourceVpc`
//! (which CloudTrail does not record, §3) make the call *unknown*.

use super::model::{CountryCode, Fence};
use crate::core::geo::{GeoDb, IpClass, parse_ip};
use crate::core::model::Store;
use serde::Serialize;
use std::cell::Cell;

/// Where a call stands against the fence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::Display, strum::IntoStaticStr)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Standing {
    /// Outside every criterion of the fence.
    Outside,
    /// No criterion admits it and at least one could not judge it (no geolocation, not an address, VPC not
    /// recorded).
    Unknown,
    /// A listed country, block or endpoint admits it.
    Inside,
    /// An AWS service made it on the principal's behalf (`invokedBy`, a service name or `AWS Internal` as source):
    /// kept apart, never judged by address.
    OnBehalf,
}

/// An address judged once: where calls from it stand, why, and what is known of it.
#[derive(Clone, Debug, PartialEq)]
pub struct AddressJudgement {
    /// Inside, outside or unknown (never on-behalf: that is decided per call).
    pub standing: Standing,
    /// One phrase for people: "in 203.0.113.0/24", "country FR is not allowed; not in 203.0.113.0/24",
    /// "no geolocation for the address".
    pub why: String,
    /// What kind of value the source is.
    pub class: IpClass,
    /// ISO country code, when the City database (or a finding) places the address.
    pub country: Option<String>,
    /// Country name (English).
    pub country_name: Option<String>,
    /// City name (English).
    pub city: Option<String>,
    /// Autonomous system number, when the ASN database knows it.
    pub asn: Option<u32>,
    /// The AS organisation.
    pub as_org: Option<String>,
    /// Where the City database places the address: (latitude, longitude) in degrees.
    pub coords: Option<(f64, f64)>,
}

/// Judge a `sourceIPAddress` value by address alone (blocks, then countries). A value that is a service name or
/// `AWS Internal` is judged per call as on-behalf; here it is unknown.
pub fn judge_address(fence: &Fence, geo: &GeoDb, source: &str) -> AddressJudgement {
    let info = geo.lookup(source);
    let mut j = AddressJudgement {
        standing: Standing::Unknown,
        why: String::new(),
        class: info.class.clone(),
        country: info.place.as_ref().and_then(|p| p.country_code.clone()),
        country_name: info.place.as_ref().and_then(|p| p.country.clone()),
        city: info.place.as_ref().and_then(|p| p.city.clone()),
        asn: info.asn.as_ref().map(|a| a.asn),
        as_org: info.asn.as_ref().map(|a| a.org.clone()),
        coords: info.place.as_ref().map(|p| (p.lat, p.lon)),
    };
    let Some(addr) = parse_ip(source).filter(|_| !matches!(info.class, IpClass::Invalid)) else {
        j.why = "not an address".into();
        return j;
    };
    if let Some(net) = fence.cidrs.iter().find(|n| n.contains(&addr)) {
        j.standing = Standing::Inside;
        j.why = format!("in {net}");
        return j;
    }
    let mut reasons = Vec::new();
    let mut unknown = false;
    if !fence.cidrs.is_empty() {
        reasons.push("not in an allowed block".to_string());
    }
    if !fence.countries.is_empty() {
        match j.country.as_deref().and_then(CountryCode::parse) {
            Some(c) if fence.countries.contains(&c) => {
                j.standing = Standing::Inside;
                j.why = format!("in {c}");
                return j;
            }
            Some(c) => reasons.push(format!("country {c} is not allowed")),
            None => {
                unknown = true;
                reasons.push(match info.class {
                    IpClass::Public => "no geolocation for the address".to_string(),
                    ref other => format!("no country for a {} address", other.label()),
                });
            }
        }
    }
    if reasons.is_empty() {
        reasons.push("not through an allowed VPC endpoint".to_string());
    }
    j.standing = if unknown { Standing::Unknown } else { Standing::Outside };
    j.why = reasons.join("; ");
    j
}

/// Whether a call was made by an AWS service on the principal's behalf: `userIdentity.invokedBy` is set, or the
/// source is a service name or `AWS Internal` (`docs/geofence.md` §1–2). Returns the service as logged.
pub fn on_behalf_of(store: &Store, invoked_by: crate::core::model::Sym, source: &str) -> Option<String> {
    if let Some(s) = store.strings.opt(invoked_by) {
        return Some(s.to_string());
    }
    match crate::core::geo::classify(source) {
        IpClass::AwsService(name) => Some(name),
        IpClass::AwsInternal => Some("AWS Internal".into()),
        _ => None,
    }
}

/// The VPC endpoint a call came through, as its record says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// The record has no `vpcEndpointId`.
    None,
    /// `vpcEndpointId`.
    Id(String),
    /// The record could not be read (file gone, read limit reached).
    NotRead,
}

/// Where calls' `vpcEndpointId` comes from.
pub trait Endpoints {
    /// The endpoint of event `i` (index into `store.events`).
    fn endpoint_of(&self, i: u32) -> Endpoint;
}

/// Reads `vpcEndpointId` from each call's raw record, at most `limit` records per review (each read opens the
/// call's file again); past the limit calls are [`Endpoint::NotRead`] and stay unknown.
pub struct RawEndpoints<'a> {
    store: &'a Store,
    left: Cell<usize>,
}

impl<'a> RawEndpoints<'a> {
    /// Records read per review at most.
    pub const LIMIT: usize = 2_000;
    /// A reader over `store`'s files.
    pub fn new(store: &'a Store) -> RawEndpoints<'a> {
        RawEndpoints {
            store,
            left: Cell::new(Self::LIMIT),
        }
    }
}

impl Endpoints for RawEndpoints<'_> {
    fn endpoint_of(&self, i: u32) -> Endpoint {
        let left = self.left.get();
        if left == 0 {
            return Endpoint::NotRead;
        }
        self.left.set(left - 1);
        let Ok(text) = crate::core::ingest::raw_record(self.store, i as usize) else {
            return Endpoint::NotRead;
        };
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => match v.get("vpcEndpointId").and_then(|x| x.as_str()) {
                Some(id) if !id.is_empty() => Endpoint::Id(id.to_string()),
                _ => Endpoint::None,
            },
            Err(_) => Endpoint::NotRead,
        }
    }
}

/// No endpoint is ever known (a fence without VPC conditions never asks).
pub struct NoEndpoints;

impl Endpoints for NoEndpoints {
    fn endpoint_of(&self, _: u32) -> Endpoint {
        Endpoint::None
    }
}

/// A call's standing once the endpoint it came through is known: a listed endpoint admits it; with a VPC listed
/// (which CloudTrail does not record) it is unknown; an unlisted endpoint under an endpoint-only fence is outside.
/// Calls through no endpoint keep their address's standing.
pub fn with_endpoint(fence: &Fence, address: Standing, endpoint: &Endpoint) -> (Standing, Option<String>) {
    match endpoint {
        Endpoint::Id(id) if fence.vpc_endpoints.contains(id) => (Standing::Inside, Some(format!("through {id}"))),
        Endpoint::Id(id) if !fence.vpcs.is_empty() => (
            Standing::Unknown,
            Some(format!("through {id}: CloudTrail does not record its VPC")),
        ),
        Endpoint::Id(id) => (
            Standing::Outside,
            Some(format!("through {id}, not an allowed endpoint")),
        ),
        Endpoint::NotRead if address != Standing::Inside => (
            Standing::Unknown,
            Some("its record could not be read for vpcEndpointId".into()),
        ),
        _ => (address, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::policy::fence::FenceSource;

    fn fence(text: &str) -> Fence {
        Fence::parse_text(text, FenceSource::Flags).unwrap()
    }

    #[test]
    fn blocks_admit_both_families_and_mapped_addresses() {
        let f = fence("cidrs=203.0.113.0/24,2001:db8:1::/48");
        let geo = GeoDb::empty();
        assert_eq!(judge_address(&f, &geo, "203.0.113.200").standing, Standing::Inside);
        assert_eq!(judge_address(&f, &geo, "::ffff:203.0.113.9").standing, Standing::Inside);
        assert_eq!(judge_address(&f, &geo, "2001:db8:1:ff::1").standing, Standing::Inside);
        assert_eq!(judge_address(&f, &geo, "2001:db8:2::1").standing, Standing::Outside);
        assert_eq!(judge_address(&f, &geo, "198.51.100.1").standing, Standing::Outside);
        assert_eq!(judge_address(&f, &geo, "10.0.0.8").standing, Standing::Outside);
        let garbage = judge_address(&f, &geo, "035.1.2.3");
        assert_eq!(
            (garbage.standing, garbage.why.as_str()),
            (Standing::Unknown, "not an address")
        );
    }

    #[test]
    fn a_country_fence_without_geolocation_is_unknown_not_outside() {
        let f = fence("countries=US");
        let j = judge_address(&f, &GeoDb::empty(), "198.51.100.1");
        assert_eq!(j.standing, Standing::Unknown);
        assert_eq!(j.why, "no geolocation for the address");
        let j = judge_address(&f, &GeoDb::empty(), "10.1.1.1");
        assert_eq!(
            (j.standing, j.why.as_str()),
            (Standing::Unknown, "no country for a private address")
        );
    }

    #[test]
    fn endpoints_decide_only_where_the_logs_say() {
        let f = fence("cidrs=203.0.113.0/24 vpces=vpce-1");
        let id = |s: &str| Endpoint::Id(s.into());
        assert_eq!(with_endpoint(&f, Standing::Outside, &id("vpce-1")).0, Standing::Inside);
        assert_eq!(with_endpoint(&f, Standing::Outside, &id("vpce-2")).0, Standing::Outside);
        assert_eq!(
            with_endpoint(&f, Standing::Outside, &Endpoint::None).0,
            Standing::Outside
        );
        assert_eq!(
            with_endpoint(&f, Standing::Outside, &Endpoint::NotRead).0,
            Standing::Unknown
        );
        let f = fence("vpcs=vpc-9");
        assert_eq!(with_endpoint(&f, Standing::Outside, &id("vpce-2")).0, Standing::Unknown);
    }
}
