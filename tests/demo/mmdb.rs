//! The MMDB writer, proven by the `maxminddb` crate reading its files back: City and ASN shapes, IPv4 and IPv6,
//! misses, nested and overlapping networks, record sizes, metadata, and the demo databases.

use maxminddb::{Reader, geoip2};
use std::net::IpAddr;
use trailhound::demo::mmdb_writer::{AsnRecord, CityRecord, MmdbWriter, Value, WriteError};

fn city(name: &str, cc: &str, lat: f64, lon: f64) -> Value {
    CityRecord {
        city: Some(name.to_string()),
        region: Some(("Region of ".to_string() + name, "RG".to_string())),
        country: Some((format!("Country {cc}"), cc.to_string())),
        lat,
        lon,
    }
    .to_value()
}

fn read(bytes: Vec<u8>) -> Reader<Vec<u8>> {
    let r = Reader::from_source(bytes).expect("maxminddb opens the written file");
    r.verify().expect("maxminddb verify() accepts the file");
    r
}

fn city_name(r: &Reader<Vec<u8>>, ip: &str) -> Option<String> {
    let ip: IpAddr = ip.parse().unwrap();
    let rec = r.lookup(ip).unwrap().decode::<geoip2::City>().unwrap()?;
    rec.city.names.english.map(str::to_string)
}

#[test]
fn city_round_trip_ipv6_database_serves_ipv4_and_ipv6() {
    let mut w = MmdbWriter::new("GeoLite2-City", 6)
        .unwrap()
        .build_epoch(1_793_491_200)
        .description("en", "test db");
    w.insert("198.51.100.0/24", city("Bellevue", "US", 47.61, -122.2))
        .unwrap();
    w.insert("2001:db8:1::/48", city("Frankfurt", "DE", 50.11, 8.68))
        .unwrap();
    let r = read(w.to_bytes().unwrap());

    let ip: IpAddr = "198.51.100.77".parse().unwrap();
    let res = r.lookup(ip).unwrap();
    let rec = res.decode::<geoip2::City>().unwrap().expect("hit");
    assert_eq!(rec.city.names.english, Some("Bellevue"));
    assert_eq!(rec.country.iso_code, Some("US"));
    assert_eq!(rec.country.names.english, Some("Country US"));
    assert_eq!(rec.subdivisions.len(), 1);
    assert_eq!(rec.subdivisions[0].names.english, Some("Region of Bellevue"));
    assert_eq!(rec.subdivisions[0].iso_code, Some("RG"));
    assert_eq!(rec.location.latitude, Some(47.61));
    assert_eq!(rec.location.longitude, Some(-122.2));
    assert_eq!(
        res.network().unwrap().to_string(),
        "198.51.100.0/24",
        "IPv4 prefix is reported relative to ::/96"
    );

    assert_eq!(city_name(&r, "2001:db8:1:ffff::1").as_deref(), Some("Frankfurt"));
    assert_eq!(city_name(&r, "2001:db8:2::1"), None, "IPv6 miss");
    assert_eq!(city_name(&r, "198.51.101.1"), None, "IPv4 miss next door");
    assert_eq!(city_name(&r, "198.51.99.255"), None, "IPv4 miss below");
    assert_eq!(city_name(&r, "8.8.8.8"), None);

    let m = r.metadata();
    assert_eq!(m.binary_format_major_version, 2);
    assert_eq!(m.database_type, "GeoLite2-City");
    assert_eq!(m.ip_version, 6);
    assert_eq!(m.build_epoch, 1_793_491_200);
    assert_eq!(m.languages, vec!["en".to_string()]);
    assert_eq!(m.description.get("en").map(String::as_str), Some("test db"));
    assert_eq!(m.record_size, 24);
}

#[test]
fn asn_round_trip_ipv4_only_database() {
    let mut w = MmdbWriter::new("GeoLite2-ASN", 4).unwrap();
    let rec = AsnRecord {
        asn: 64503,
        org: "Example Hosting GmbH".into(),
    };
    w.insert("203.0.113.0/24", rec.to_value()).unwrap();
    assert_eq!(
        w.insert("2001:db8::/32", rec.to_value()),
        Err(WriteError::V6InV4("2001:db8::/32".into()))
    );
    let r = read(w.to_bytes().unwrap());
    assert_eq!(r.metadata().ip_version, 4);
    let hit = r
        .lookup("203.0.113.9".parse().unwrap())
        .unwrap()
        .decode::<geoip2::Asn>()
        .unwrap()
        .expect("hit");
    assert_eq!(hit.autonomous_system_number, Some(64503));
    assert_eq!(hit.autonomous_system_organization, Some("Example Hosting GmbH"));
    let miss = r.lookup("203.0.114.9".parse().unwrap()).unwrap();
    assert!(!miss.has_data());
    assert!(miss.decode::<geoip2::Asn>().unwrap().is_none());
}

/// Most specific network wins whichever order they are inserted in; re-inserting a network replaces it.
#[test]
fn nested_and_overlapping_networks() {
    for reversed in [false, true] {
        let mut nets = vec![
            ("10.0.0.0/8", "outer"),
            ("10.1.0.0/16", "middle"),
            ("10.1.2.0/24", "inner"),
            ("10.1.2.3/32", "host"),
        ];
        if reversed {
            nets.reverse();
        }
        let mut w = MmdbWriter::new("GeoLite2-City", 6).unwrap();
        for (net, name) in &nets {
            w.insert(net, city(name, "XX", 1.0, 2.0)).unwrap();
        }
        w.insert("10.9.0.0/16", city("first", "XX", 1.0, 2.0)).unwrap();
        w.insert("10.9.0.0/16", city("replaced", "XX", 1.0, 2.0)).unwrap();
        let r = read(w.to_bytes().unwrap());
        let got = |ip| city_name(&r, ip).unwrap_or_default();
        assert_eq!(got("10.200.0.1"), "outer", "reversed={reversed}");
        assert_eq!(got("10.1.200.1"), "middle", "reversed={reversed}");
        assert_eq!(got("10.1.2.200"), "inner", "reversed={reversed}");
        assert_eq!(got("10.1.2.3"), "host", "reversed={reversed}");
        assert_eq!(got("10.1.2.4"), "inner", "reversed={reversed}");
        assert_eq!(got("10.9.1.1"), "replaced", "reversed={reversed}");
        assert_eq!(got("11.0.0.0"), "", "reversed={reversed}");
        assert_eq!(got("9.255.255.255"), "", "reversed={reversed}");
    }
}

#[test]
fn host_bits_are_masked_and_bad_networks_rejected() {
    let mut w = MmdbWriter::new("GeoLite2-City", 6).unwrap();
    w.insert("192.0.2.77/24", city("Ashburn", "US", 39.0, -77.5)).unwrap();
    let r = read(w.to_bytes().unwrap());
    assert_eq!(city_name(&r, "192.0.2.1").as_deref(), Some("Ashburn"));
    for bad in ["192.0.2.0", "192.0.2.0/33", "2001:db8::/129", "x/8", "1.2.3.4/-1", ""] {
        assert!(
            matches!(w.insert(bad, Value::Bool(true)), Err(WriteError::BadNetwork(_))),
            "{bad:?} should be rejected"
        );
    }
    assert_eq!(MmdbWriter::new("x", 5).err(), Some(WriteError::BadIpVersion(5)));
}

/// Enough data to need 28-bit records, and forced 28/32-bit layouts on small data; every entry still decodes.
#[test]
fn larger_record_sizes() {
    for (count, pad, min, want) in [
        (2_000usize, 9_000usize, 24u16, 28u16),
        (300, 10, 24, 24),
        (300, 10, 28, 28),
        (300, 10, 32, 32),
    ] {
        let mut w = MmdbWriter::new("GeoLite2-ASN", 6).unwrap().min_record_size(min);
        for i in 0..count {
            let ip = std::net::Ipv6Addr::from((0x2001_0db8u128 << 96) | ((i as u128) << 64));
            let org = format!("{i:0>pad$}");
            w.insert(&format!("{ip}/64"), AsnRecord { asn: i as u32, org }.to_value())
                .unwrap();
        }
        let r = read(w.to_bytes().unwrap());
        assert_eq!(r.metadata().record_size, want);
        for i in [0, 1, count / 2, count - 1] {
            let ip = std::net::Ipv6Addr::from((0x2001_0db8u128 << 96) | ((i as u128) << 64) | 5);
            let hit = r
                .lookup(IpAddr::V6(ip))
                .unwrap()
                .decode::<geoip2::Asn>()
                .unwrap()
                .expect("hit");
            assert_eq!(hit.autonomous_system_number, Some(i as u32));
            assert_eq!(hit.autonomous_system_organization.map(str::len), Some(pad));
        }
    }
}

#[test]
fn demo_databases_match_the_scenario_and_are_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    trailhound::demo::geoip::write_demo_geoip(a.path()).unwrap();
    trailhound::demo::geoip::write_demo_geoip(b.path()).unwrap();
    for f in ["Demo-City.mmdb", "Demo-ASN.mmdb"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert_eq!(x, y, "{f} is byte-for-byte reproducible");
    }
    let city = read(std::fs::read(a.path().join("Demo-City.mmdb")).unwrap());
    let asn = read(std::fs::read(a.path().join("Demo-ASN.mmdb")).unwrap());
    let as_of = |ip: &str| {
        asn.lookup(ip.parse().unwrap())
            .unwrap()
            .decode::<geoip2::Asn>()
            .unwrap()
            .and_then(|a| a.autonomous_system_number)
    };
    for (ip, want_city, want_as) in [
        ("198.51.100.23", "Bellevue", 64501),
        ("198.51.100.24", "Bellevue", 64501),
        ("198.51.100.40", "Seattle", 64504),
        ("192.0.2.10", "Ashburn", 64502),
        ("203.0.113.50", "Frankfurt am Main", 64503),
        ("2001:db8:a::23", "Bellevue", 64501),
        ("2001:db8:f:1::1", "Frankfurt am Main", 64503),
    ] {
        assert_eq!(city_name(&city, ip).as_deref(), Some(want_city), "{ip}");
        assert_eq!(as_of(ip), Some(want_as), "{ip}");
    }
    assert_eq!(city_name(&city, "198.51.100.64"), None);
    assert_eq!(city_name(&city, "10.0.1.15"), None);
    assert_eq!(as_of("2001:db8:b::1"), None);
}
