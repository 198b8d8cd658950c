//! The sample case's geolocation databases: `Demo-City.mmdb` and `Demo-ASN.mmdb` (real MaxMind format) for the
//! documentation address ranges that `samples/SCENARIO.md` uses, plus two IPv6 ranges for tests.

use super::mmdb_writer::{AsnRecord, CityRecord, MmdbWriter};
use std::path::Path;

/// Fixed build time (2026-11-01T00:00:00Z) so the files are byte-for-byte reproducible.
pub const DEMO_BUILD_EPOCH: u64 = 1_793_491_200;

struct Site {
    city: &'static str,
    region: (&'static str, &'static str),
    country: (&'static str, &'static str),
    lat: f64,
    lon: f64,
}

const BELLEVUE: Site = Site {
    city: "Bellevue",
    region: ("Washington", "WA"),
    country: ("United States", "US"),
    lat: 47.61,
    lon: -122.20,
};
const SEATTLE: Site = Site {
    city: "Seattle",
    region: ("Washington", "WA"),
    country: ("United States", "US"),
    lat: 47.61,
    lon: -122.33,
};
const ASHBURN: Site = Site {
    city: "Ashburn",
    region: ("Virginia", "VA"),
    country: ("United States", "US"),
    lat: 39.04,
    lon: -77.49,
};
const FRANKFURT: Site = Site {
    city: "Frankfurt am Main",
    region: ("Hesse", "HE"),
    country: ("Germany", "DE"),
    lat: 50.11,
    lon: 8.68,
};

/// (network, place, ASN, AS organisation). 198.51.100.32/27 is nested inside 198.51.100.0/26 on purpose: the
/// more specific network wins (Seattle), the rest of the /26 is Bellevue.
const RANGES: [(&str, &Site, u32, &str); 6] = [
    ("198.51.100.0/26", &BELLEVUE, 64501, "Example Residential ISP"),
    ("198.51.100.32/27", &SEATTLE, 64504, "Example Metro Fiber"),
    ("192.0.2.0/24", &ASHBURN, 64502, "Example Cloud Ashburn"),
    ("203.0.113.0/24", &FRANKFURT, 64503, "Example Hosting GmbH"),
    ("2001:db8:a::/48", &BELLEVUE, 64501, "Example Residential ISP"),
    ("2001:db8:f::/48", &FRANKFURT, 64503, "Example Hosting GmbH"),
];

/// Write `Demo-City.mmdb` and `Demo-ASN.mmdb` (IPv6 databases; IPv4 at `::/96`) into `dir`, creating it.
pub fn write_demo_geoip(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut city = MmdbWriter::new("GeoLite2-City", 6)
        .map_err(std::io::Error::other)?
        .build_epoch(DEMO_BUILD_EPOCH)
        .description("en", "trailhound demo City database (documentation ranges)");
    let mut asn = MmdbWriter::new("GeoLite2-ASN", 6)
        .map_err(std::io::Error::other)?
        .build_epoch(DEMO_BUILD_EPOCH)
        .description("en", "trailhound demo ASN database (documentation ranges)");
    for (net, site, number, org) in RANGES {
        let rec = CityRecord {
            city: Some(site.city.to_string()),
            region: Some((site.region.0.to_string(), site.region.1.to_string())),
            country: Some((site.country.0.to_string(), site.country.1.to_string())),
            lat: site.lat,
            lon: site.lon,
        };
        city.insert(net, rec.to_value()).map_err(std::io::Error::other)?;
        let rec = AsnRecord {
            asn: number,
            org: org.to_string(),
        };
        asn.insert(net, rec.to_value()).map_err(std::io::Error::other)?;
    }
    city.write(&dir.join("Demo-City.mmdb"))?;
    asn.write(&dir.join("Demo-ASN.mmdb"))
}
