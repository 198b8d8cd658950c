//! The fence itself: which countries, address blocks and VPC endpoints are inside, whether calls AWS services make
//! on a principal's behalf are exempt, and which roles it covers. Built from the analyst's flags here, from a
//! policy in `policy.rs`; written as one line of text ([`Fence::to_text`]) so a TUI view can name it.
//!
//! This module holds the vocabulary and its parsing; judging a call is `judge.rs`.

use ipnet::IpNet;
use serde::Serialize;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// An ISO 3166-1 alpha-2 country code, upper case (`US`, `GB`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Two ASCII letters, either case; anything else is `None`.
    pub fn parse(s: &str) -> Option<CountryCode> {
        match s.trim().as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(CountryCode([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }
    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Two ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the fence was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum FenceSource {
    /// `--allow-countries` / `--allow-cidrs` (and the TUI's `:geofence` argument).
    Flags,
    /// A policy document's conditions.
    Policy {
        /// The file as given.
        file: String,
    },
}

/// A value the fence could not take, with what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FenceError {
    /// Not a two-letter country code.
    #[error("{0:?} is not a country code (two letters, ISO 3166-1 alpha-2, e.g. US)")]
    Country(String),
    /// Not an address or CIDR block.
    #[error("{0:?} is not an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24, 2001:db8::/32)")]
    Cidr(String),
    /// A word of the text form that is not `countries=`, `cidrs=`, `vpcs=`, `vpces=`, `roles=` or `services=`.
    #[error("{0:?}: expected countries=…, cidrs=…, vpcs=…, vpces=…, roles=… or services=exempt|judged")]
    Word(String),
    /// A bare word of the text form that is neither a country nor an address.
    #[error("{0:?} is neither a country code (US) nor an address or CIDR block (203.0.113.0/24)")]
    Bare(String),
    /// The fence admits nothing: no country, block or VPC condition.
    #[error(
        "the fence is empty: give --allow-countries, --allow-cidrs or a policy with aws:SourceIp / aws:SourceVpce conditions"
    )]
    Empty,
    /// The policy file could not be read or understood.
    #[error("{0}")]
    Policy(String),
}

/// What is inside the fence. A call is inside when *any* criterion admits it (a listed country, a listed block, a
/// listed VPC endpoint): the union, as a policy listing several ranges means it (`docs/geofence.md` §4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fence {
    /// Where it was read from.
    pub source: FenceSource,
    /// Countries calls may come from (judged through the City database; an address it does not place is unknown).
    pub countries: BTreeSet<CountryCode>,
    /// Address blocks calls may come from (`aws:SourceIp`), IPv4 and IPv6, sorted, without duplicates.
    #[serde(serialize_with = "ser_nets")]
    pub cidrs: Vec<IpNet>,
    /// VPC ids calls may come through (`aws:SourceVpc`); CloudTrail does not record them (`docs/geofence.md` §3).
    pub vpcs: BTreeSet<String>,
    /// VPC endpoint ids calls may come through (`aws:SourceVpce`), judged by the record's `vpcEndpointId`.
    pub vpc_endpoints: BTreeSet<String>,
    /// Whether calls AWS services make on the principal's behalf are exempt (`aws:ViaAWSService`, §2). They are
    /// kept apart in the review either way; this says whether the fence as written lets them through.
    pub service_calls_exempt: bool,
    /// Roles (ARNs) the fence covers; empty: every principal.
    pub roles: BTreeSet<String>,
    /// What the reading did not take into the fence, one sentence each (statements it skipped, and why).
    pub notes: Vec<String>,
}

fn ser_nets<S: serde::Serializer>(v: &[IpNet], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|n| n.to_string()))
}

/// A CIDR block, or a bare address as the one-address block (`/32`, `/128`), as IAM reads `aws:SourceIp` values.
/// IPv4-mapped IPv6 addresses are kept as written; a block is normalised to its network address (`10.1.2.3/8`
/// is `10.0.0.0/8`).
pub fn parse_cidr(s: &str) -> Result<IpNet, FenceError> {
    let t = s.trim();
    if t.len() > 64 {
        return Err(FenceError::Cidr(
            crate::core::text::visible(&t[..t.floor_char_boundary(64)]).into_owned(),
        ));
    }
    let bad = || FenceError::Cidr(crate::core::text::visible(t).into_owned());
    if t.contains('/') {
        return t.parse::<IpNet>().map(|n| n.trunc()).map_err(|_| bad());
    }
    t.parse::<IpAddr>().map(IpNet::from).map_err(|_| bad())
}

/// Split a flag value on commas and white space, dropping empty parts.
fn parts(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
}

impl Fence {
    /// An empty fence from `source` (every criterion empty; service calls exempt).
    pub fn new(source: FenceSource) -> Fence {
        Fence {
            source,
            countries: BTreeSet::new(),
            cidrs: Vec::new(),
            vpcs: BTreeSet::new(),
            vpc_endpoints: BTreeSet::new(),
            service_calls_exempt: true,
            roles: BTreeSet::new(),
            notes: Vec::new(),
        }
    }

    /// The fence the flags draw: `countries` and `cidrs` are lists (comma or space separated, repeatable), `roles`
    /// the role ARNs it covers (none: every principal). Calls by AWS services on a principal's behalf are exempt,
    /// as the policy pattern exempts them (`docs/geofence.md` §2).
    pub fn from_flags(countries: &[String], cidrs: &[String], roles: &[String]) -> Result<Fence, FenceError> {
        let mut f = Fence::new(FenceSource::Flags);
        for c in countries.iter().flat_map(|s| parts(s)) {
            f.countries.insert(
                CountryCode::parse(c).ok_or_else(|| FenceError::Country(crate::core::text::visible(c).into_owned()))?,
            );
        }
        for c in cidrs.iter().flat_map(|s| parts(s)) {
            f.cidrs.push(parse_cidr(c)?);
        }
        f.roles.extend(roles.iter().flat_map(|s| parts(s)).map(str::to_string));
        f.normalise();
        if f.is_empty() {
            return Err(FenceError::Empty);
        }
        Ok(f)
    }

    /// Sort and deduplicate the blocks.
    pub fn normalise(&mut self) {
        self.cidrs.sort();
        self.cidrs.dedup();
    }

    /// Whether nothing is inside: no country, block, VPC or endpoint.
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty() && self.cidrs.is_empty() && self.vpcs.is_empty() && self.vpc_endpoints.is_empty()
    }

    /// Whether the fence has a VPC condition (then calls through an endpoint are judged by it).
    pub fn has_vpc_condition(&self) -> bool {
        !self.vpcs.is_empty() || !self.vpc_endpoints.is_empty()
    }

    /// Whether the fence covers calls signed for this role (`None`: not a role session). An empty role list
    /// covers every principal. A listed role matches by exact ARN.
    pub fn covers_role(&self, role_arn: Option<&str>) -> bool {
        self.roles.is_empty() || role_arn.is_some_and(|r| self.roles.contains(r))
    }

    /// One line naming the fence, the form `:geofence` takes and shows: `countries=GB,US cidrs=203.0.113.0/24
    /// vpces=vpce-1 roles=arn:… services=exempt` (empty parts left out). Notes and the source are not part of it.
    pub fn to_text(&self) -> String {
        let mut words = Vec::new();
        let join = |it: &mut dyn Iterator<Item = String>| it.collect::<Vec<_>>().join(",");
        if !self.countries.is_empty() {
            words.push(format!(
                "countries={}",
                join(&mut self.countries.iter().map(|c| c.to_string()))
            ));
        }
        if !self.cidrs.is_empty() {
            words.push(format!("cidrs={}", join(&mut self.cidrs.iter().map(|c| c.to_string()))));
        }
        if !self.vpcs.is_empty() {
            words.push(format!("vpcs={}", join(&mut self.vpcs.iter().cloned())));
        }
        if !self.vpc_endpoints.is_empty() {
            words.push(format!("vpces={}", join(&mut self.vpc_endpoints.iter().cloned())));
        }
        if !self.roles.is_empty() {
            words.push(format!("roles={}", join(&mut self.roles.iter().cloned())));
        }
        if !self.service_calls_exempt {
            words.push("services=judged".into());
        }
        words.join(" ")
    }

    /// Read [`Fence::to_text`]'s form back. Bare words are taken as they would be on the command line: two letters
    /// are a country, anything else an address or block (`:geofence US GB 203.0.113.0/24`).
    pub fn parse_text(text: &str, source: FenceSource) -> Result<Fence, FenceError> {
        let mut f = Fence::new(source);
        for word in text.split_whitespace() {
            let (key, value) = match word.split_once('=') {
                Some((k, v)) => (Some(k), v),
                None => (None, word),
            };
            let values = value.split(',').filter(|v| !v.is_empty());
            match key {
                Some("countries") => {
                    for v in values {
                        f.countries.insert(
                            CountryCode::parse(v)
                                .ok_or_else(|| FenceError::Country(crate::core::text::visible(v).into_owned()))?,
                        );
                    }
                }
                Some("cidrs") => {
                    for v in values {
                        f.cidrs.push(parse_cidr(v)?);
                    }
                }
                Some("vpcs") => f.vpcs.extend(values.map(str::to_string)),
                Some("vpces") => f.vpc_endpoints.extend(values.map(str::to_string)),
                Some("roles") => f.roles.extend(values.map(str::to_string)),
                Some("services") => match value {
                    "exempt" => f.service_calls_exempt = true,
                    "judged" => f.service_calls_exempt = false,
                    _ => return Err(FenceError::Word(crate::core::text::visible(word).into_owned())),
                },
                Some(_) => return Err(FenceError::Word(crate::core::text::visible(word).into_owned())),
                None => {
                    for v in values {
                        match CountryCode::parse(v) {
                            Some(c) => {
                                f.countries.insert(c);
                            }
                            None => f.cidrs.push(
                                parse_cidr(v)
                                    .map_err(|_| FenceError::Bare(crate::core::text::visible(v).into_owned()))?,
                            ),
                        }
                    }
                }
            }
        }
        f.normalise();
        if f.is_empty() {
            return Err(FenceError::Empty);
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn flags_parse_countries_and_blocks_of_both_families() {
        let f = Fence::from_flags(
            &s(&["us, gb", "GB"]),
            &s(&["203.0.113.7", "2001:db8::/32,198.51.100.9/24"]),
            &[],
        )
        .unwrap();
        assert_eq!(f.countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["GB", "US"]);
        let nets: Vec<String> = f.cidrs.iter().map(|n| n.to_string()).collect();
        assert_eq!(nets, ["198.51.100.0/24", "203.0.113.7/32", "2001:db8::/32"]);
        assert!(f.roles.is_empty());
        assert!(f.service_calls_exempt);
    }

    #[test]
    fn bad_values_are_refused_not_guessed() {
        assert_eq!(
            Fence::from_flags(&s(&["USA"]), &[], &[]).unwrap_err(),
            FenceError::Country("USA".into())
        );
        assert!(matches!(
            Fence::from_flags(&[], &s(&["10.0.0.0/33"]), &[]),
            Err(FenceError::Cidr(_))
        ));
        assert!(matches!(
            Fence::from_flags(&[], &s(&["035.1.1.1"]), &[]),
            Err(FenceError::Cidr(_))
        ));
        assert_eq!(
            Fence::from_flags(&[], &[], &s(&["arn:aws:iam::1:role/x"])).unwrap_err(),
            FenceError::Empty
        );
        // Hostile text in an error is neutralised.
        let e = Fence::from_flags(&s(&["\u{1b}[31m"]), &[], &[])
            .unwrap_err()
            .to_string();
        assert!(!e.contains('\u{1b}'), "{e}");
    }

    #[test]
    fn text_form_round_trips() {
        let mut f = Fence::from_flags(
            &s(&["US"]),
            &s(&["203.0.113.0/24", "2001:db8::/48"]),
            &s(&["arn:aws:iam::111122223333:role/Ops"]),
        )
        .unwrap();
        f.vpc_endpoints.insert("vpce-0a1b".into());
        f.service_calls_exempt = false;
        let text = f.to_text();
        assert_eq!(
            text,
            "countries=US cidrs=203.0.113.0/24,2001:db8::/48 vpces=vpce-0a1b roles=arn:aws:iam::111122223333:role/Ops services=judged"
        );
        let back = Fence::parse_text(&text, FenceSource::Flags).unwrap();
        assert_eq!(back, f);
        let bare = Fence::parse_text("US gb 198.51.100.0/24", FenceSource::Flags).unwrap();
        assert_eq!(bare.to_text(), "countries=GB,US cidrs=198.51.100.0/24");
        assert!(matches!(
            Fence::parse_text("colour=red", FenceSource::Flags),
            Err(FenceError::Word(_))
        ));
    }
}
