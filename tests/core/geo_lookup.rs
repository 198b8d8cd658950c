//! `GeoDb` end to end on MaxMind files written by the demo generator: classification before lookup, IPv4 and
//! IPv6, hostile input, discovery order (explicit dir, env var, config dir), graceful degradation and overrides
//! from findings.

use std::path::Path;
use trailhound::core::geo::{AsInfo, GeoDb, IpClass, Place, SearchPath};
use trailhound::demo::mmdb_writer::{CityRecord, MmdbWriter};

fn demo_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    trailhound::demo::geoip::write_demo_geoip(d.path()).unwrap();
    d
}

/// A City database whose only network 198.51.100.0/24 is named `label` (to tell directories apart).
fn write_city(dir: &Path, file: &str, label: &str) {
    let mut w = MmdbWriter::new("GeoLite2-City", 6).unwrap();
    let rec = CityRecord {
        city: Some(label.to_string()),
        region: None,
        country: Some(("Testland".into(), "TL".into())),
        lat: 1.0,
        lon: 2.0,
    };
    w.insert("198.51.100.0/24", rec.to_value()).unwrap();
    w.write(&dir.join(file)).unwrap();
}

fn write_asn(dir: &Path, file: &str, asn: u32) {
    let mut w = MmdbWriter::new("GeoLite2-ASN", 6).unwrap();
    let rec = trailhound::demo::mmdb_writer::AsnRecord {
        asn,
        org: format!("AS{asn}"),
    };
    w.insert("198.51.100.0/24", rec.to_value()).unwrap();
    w.write(&dir.join(file)).unwrap();
}

fn city_of(db: &GeoDb, ip: &str) -> Option<String> {
    db.lookup(ip).place.and_then(|p| p.city)
}

#[test]
fn geodb_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<GeoDb>();
}

#[test]
fn lookups_on_the_demo_databases() {
    let dir = demo_dir();
    let db = GeoDb::open_dir(dir.path()).unwrap();
    assert!(db.has_city() && db.has_asn());

    let sara = db.lookup("198.51.100.23");
    assert_eq!(sara.class, IpClass::Public);
    assert_eq!(sara.source, Some("mmdb"));
    let place = sara.place.expect("Bellevue");
    assert_eq!(place.city.as_deref(), Some("Bellevue"));
    assert_eq!(place.region.as_deref(), Some("Washington"));
    assert_eq!(place.country.as_deref(), Some("United States"));
    assert_eq!(place.country_code.as_deref(), Some("US"));
    assert_eq!((place.lat, place.lon), (47.61, -122.20));
    assert_eq!(
        sara.asn,
        Some(AsInfo {
            asn: 64501,
            org: "Example Residential ISP".into()
        })
    );
    assert_eq!(city_of(&db, "198.51.100.40").as_deref(), Some("Seattle"));
    assert_eq!(db.lookup("198.51.100.40").asn.map(|a| a.asn), Some(64504));
    assert_eq!(city_of(&db, "192.0.2.10").as_deref(), Some("Ashburn"));
    let fra = db.lookup("203.0.113.50");
    assert_eq!(fra.place.and_then(|p| p.country_code).as_deref(), Some("DE"));
    assert_eq!(fra.asn.map(|a| a.org).as_deref(), Some("Example Hosting GmbH"));
    // IPv6, and IPv4-mapped IPv6 looked up as the IPv4 address it carries.
    assert_eq!(city_of(&db, "2001:db8:a::1").as_deref(), Some("Bellevue"));
    assert_eq!(city_of(&db, "2001:DB8:F::9").as_deref(), Some("Frankfurt am Main"));
    assert_eq!(city_of(&db, "::ffff:192.0.2.10").as_deref(), Some("Ashburn"));
    // A public address the databases do not know: class only.
    let miss = db.lookup("8.8.8.8");
    assert_eq!(
        (miss.class, miss.place, miss.asn, miss.source),
        (IpClass::Public, None, None, None)
    );
    // The cache answers the same as a fresh lookup.
    assert_eq!(db.lookup("198.51.100.23"), db.lookup("198.51.100.23"));
}

#[test]
fn non_public_sources_are_classified_not_looked_up() {
    let dir = demo_dir();
    let mut db = GeoDb::open_dir(dir.path()).unwrap();
    // Even an override must not give a private address a place.
    let anywhere = Place {
        city: Some("Nowhere".into()),
        region: None,
        country: None,
        country_code: None,
        lat: 0.0,
        lon: 0.0,
    };
    db.add_override("10.0.1.15", Some(anywhere), None);
    for (src, class) in [
        ("10.0.1.15", IpClass::Private),
        ("::ffff:10.0.0.1", IpClass::Private),
        ("fd00::1", IpClass::Private),
        ("127.0.0.1", IpClass::Loopback),
        ("::1", IpClass::Loopback),
        ("169.254.169.254", IpClass::LinkLocal),
        ("fe80::1", IpClass::LinkLocal),
        ("AWS Internal", IpClass::AwsInternal),
        ("ec2.amazonaws.com", IpClass::AwsService("ec2.amazonaws.com".into())),
        (
            "signin.amazonaws.com",
            IpClass::AwsService("signin.amazonaws.com".into()),
        ),
        ("035.249.253.232", IpClass::Invalid),
        ("999.1.1.1", IpClass::Invalid),
    ] {
        let info = db.lookup(src);
        assert_eq!(info.class, class, "{src}");
        assert_eq!((info.place, info.asn, info.source), (None, None, None), "{src}");
    }
}

#[test]
fn hostile_strings_never_panic() {
    let dir = demo_dir();
    let db = GeoDb::open_dir(dir.path()).unwrap();
    let huge = "9".repeat(10_000_000);
    let hostile = [
        huge.as_str(),
        "",
        " ",
        "\0",
        "\u{1b}[31m198.51.100.23",
        "198.51.100.23\n",
        "198.51.100.23\0",
        "999.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "::ffff:10.0.0.1",
        "::ffff:999.0.0.1",
        ":::",
        "1::2::3",
        "[::1]",
        "fe80::1%eth0",
        "198.51.100.23/24",
        "-1.0.0.0",
        "🦀.amazonaws.com",
        "AWS Internal\u{200b}",
    ];
    for s in hostile {
        let info = db.lookup(s);
        if info.class != IpClass::Public {
            assert!(info.place.is_none(), "{:?}", s.get(..40));
        }
    }
    // Whitespace around a real address is tolerated (CloudTrail never writes it, but copy-paste does).
    assert_eq!(db.lookup("198.51.100.23\n").class, IpClass::Public);
    assert_eq!(db.lookup("\u{1b}[31m198.51.100.23").class, IpClass::Invalid);
}

#[test]
fn missing_databases_degrade() {
    let empty = tempfile::tempdir().unwrap();
    let db = GeoDb::open_dir(empty.path()).unwrap();
    assert!(!db.has_city() && !db.has_asn());
    assert!(db.describe().contains("unavailable"), "{}", db.describe());
    let info = db.lookup("198.51.100.23");
    assert_eq!((info.class, info.place, info.asn), (IpClass::Public, None, None));
    assert_eq!(
        db.lookup("ec2.amazonaws.com").class,
        IpClass::AwsService("ec2.amazonaws.com".into())
    );
    assert!(GeoDb::empty().describe().contains("unavailable"));
    assert!(GeoDb::open_dir(&empty.path().join("nope")).is_err());
    let nothing = GeoDb::discover_in(&SearchPath {
        dirs: vec![
            (empty.path().join("nope"), "test"),
            (empty.path().to_path_buf(), "test"),
        ],
    });
    assert!(!nothing.has_city() && nothing.describe().contains("unavailable"));
    let named = GeoDb::discover_in(&SearchPath::standard(Some(&empty.path().join("typo"))));
    assert!(named.describe().contains("--geoip"), "{}", named.describe());
    assert!(
        named.describe().contains("typo: not a directory"),
        "{}",
        named.describe()
    );
}

#[test]
fn corrupt_database_is_an_error_or_skipped() {
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("GeoLite2-City.mmdb"), b"not a database").unwrap();
    assert!(GeoDb::open_dir(bad.path()).is_err());
    let good = tempfile::tempdir().unwrap();
    write_city(good.path(), "GeoLite2-City.mmdb", "Good");
    let db = GeoDb::discover_in(&SearchPath {
        dirs: vec![(bad.path().to_path_buf(), "a"), (good.path().to_path_buf(), "b")],
    });
    assert_eq!(city_of(&db, "198.51.100.1").as_deref(), Some("Good"));
    assert!(db.describe().contains("skipped"), "{}", db.describe());
}

#[test]
fn overrides_from_findings_fill_database_misses_only() {
    let dir = demo_dir();
    let mut db = GeoDb::open_dir(dir.path()).unwrap();
    let moscow = Place {
        city: Some("Moscow".into()),
        region: None,
        country: Some("Russia".into()),
        country_code: Some("RU".into()),
        lat: 55.75,
        lon: 37.62,
    };
    let as_ru = AsInfo {
        asn: 64666,
        org: "Finding ASN".into(),
    };
    assert_eq!(db.lookup("8.8.4.4").place, None, "cached miss before the override");
    db.add_override("8.8.4.4", Some(moscow.clone()), Some(as_ru.clone()));
    let info = db.lookup("8.8.4.4");
    assert_eq!(info.place, Some(moscow.clone()), "override replaces the cached miss");
    assert_eq!(info.asn, Some(as_ru.clone()));
    assert_eq!(info.source, Some("finding"));
    // The databases win where they know the address.
    db.add_override("198.51.100.23", Some(moscow.clone()), Some(as_ru.clone()));
    let sara = db.lookup("198.51.100.23");
    assert_eq!(sara.source, Some("mmdb"));
    assert_eq!(sara.place.and_then(|p| p.city).as_deref(), Some("Bellevue"));
    assert_eq!(sara.asn.map(|a| a.asn), Some(64501));
    // With no databases at all, overrides still answer (GuardDuty's embedded geolocation).
    let mut bare = GeoDb::empty();
    bare.add_override("203.0.113.50", Some(moscow.clone()), None);
    bare.add_override("not an ip", Some(moscow), None);
    assert_eq!(bare.lookup("203.0.113.50").source, Some("finding"));
    assert_eq!(bare.lookup("203.0.113.51").source, None);
    assert_eq!(bare.lookup("not an ip").place, None);
    // A finding with broken coordinates gives no place rather than a wrong one.
    let broken = Place {
        lat: f64::NAN,
        ..moscow_again()
    };
    bare.add_override("203.0.113.60", Some(broken), None);
    assert_eq!(bare.lookup("203.0.113.60").place, None);
    let off_globe = Place {
        lon: 200.0,
        ..moscow_again()
    };
    bare.add_override("203.0.113.61", Some(off_globe), None);
    assert_eq!(bare.lookup("203.0.113.61").place, None);
}

fn moscow_again() -> Place {
    Place {
        city: Some("Moscow".into()),
        region: None,
        country: Some("Russia".into()),
        country_code: Some("RU".into()),
        lat: 55.75,
        lon: 37.62,
    }
}

#[test]
fn discovery_takes_each_database_from_the_first_directory_that_has_one() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    write_asn(a.path(), "GeoLite2-ASN.mmdb", 1);
    write_city(b.path(), "GeoLite2-City.mmdb", "B");
    write_asn(b.path(), "GeoLite2-ASN.mmdb", 2);
    write_city(c.path(), "dbip-city-lite.mmdb", "C");
    let sp = |dirs: &[&Path]| SearchPath {
        dirs: dirs.iter().map(|d| (d.to_path_buf(), "test")).collect(),
    };
    let db = GeoDb::discover_in(&sp(&[a.path(), b.path(), c.path()]));
    assert_eq!(city_of(&db, "198.51.100.1").as_deref(), Some("B"));
    assert_eq!(db.lookup("198.51.100.1").asn.map(|x| x.asn), Some(1));
    let desc = db.describe();
    assert!(
        desc.contains(&b.path().join("GeoLite2-City.mmdb").display().to_string()),
        "{desc}"
    );
    assert!(desc.contains("(1970-01-01)"), "{desc}");
    let db = GeoDb::discover_in(&sp(&[c.path(), b.path()]));
    assert_eq!(
        city_of(&db, "198.51.100.1").as_deref(),
        Some("C"),
        "lower-case DB-IP name"
    );
    assert_eq!(db.lookup("198.51.100.1").asn.map(|x| x.asn), Some(2));
}

/// `SearchPath::standard` reads the process environment, which tests may not change in-process; this test
/// re-runs the test binary with a prepared environment and runs `discover_child` there.
#[test]
fn discovery_order_explicit_then_env_then_config() {
    let (x, e, cfg) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    write_asn(x.path(), "GeoLite2-ASN.mmdb", 1);
    write_city(e.path(), "GeoLite2-City.mmdb", "Env");
    write_asn(e.path(), "GeoLite2-ASN.mmdb", 2);
    let geoip = cfg.path().join("trailhound").join("geoip");
    std::fs::create_dir_all(&geoip).unwrap();
    write_city(&geoip, "GeoLite2-City.mmdb", "Config");
    write_asn(&geoip, "GeoLite2-ASN.mmdb", 3);
    // The test's name inside this binary is its module path without the crate: `geo_lookup::discover_child`.
    let module = module_path!().split_once("::").map_or(module_path!(), |(_, m)| m);
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &format!("{module}::discover_child"),
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("GEO_CHILD_EXPLICIT", x.path())
        .env("TRAILHOUND_GEOIP", e.path())
        .env("XDG_CONFIG_HOME", cfg.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("1 passed") && stdout.contains("discover_child: all checks ran"),
        "{stdout}"
    );
}

#[test]
#[ignore = "run by discovery_order_explicit_then_env_then_config with a prepared environment"]
fn discover_child() {
    // `cargo test -- --include-ignored` runs this without the prepared environment: nothing to check then.
    let Some(explicit) = std::env::var_os("GEO_CHILD_EXPLICIT") else {
        eprintln!("discover_child: skipped (run it through discovery_order_explicit_then_env_then_config)");
        return;
    };
    let explicit = Path::new(&explicit);
    let env_dir = std::env::var_os("TRAILHOUND_GEOIP").unwrap();
    let cfg = std::env::var_os("XDG_CONFIG_HOME").unwrap();
    let sp = SearchPath::standard(Some(explicit));
    let dirs: Vec<_> = sp.dirs.iter().map(|(d, _)| d.clone()).collect();
    assert_eq!(dirs[0], explicit);
    assert_eq!(dirs[1], Path::new(&env_dir));
    assert_eq!(dirs[2], Path::new(&cfg).join("trailhound").join("geoip"));
    assert_eq!(
        dirs[3..],
        ["/usr/share/GeoIP", "/var/lib/GeoIP", "/usr/local/share/GeoIP"].map(std::path::PathBuf::from)
    );
    // City from the env dir (explicit has none), ASN from the explicit dir.
    let db = GeoDb::discover(Some(explicit));
    assert_eq!(city_of(&db, "198.51.100.1").as_deref(), Some("Env"));
    assert_eq!(db.lookup("198.51.100.1").asn.map(|a| a.asn), Some(1));
    // Without --geoip: both from the env dir, ahead of the config dir.
    let db = GeoDb::discover(None);
    assert_eq!(db.lookup("198.51.100.1").asn.map(|a| a.asn), Some(2));
    // The config dir is used when it is the first with a database.
    let db = GeoDb::discover_in(&SearchPath {
        dirs: sp.dirs[2..].to_vec(),
    });
    assert_eq!(city_of(&db, "198.51.100.1").as_deref(), Some("Config"));
    println!("discover_child: all checks ran");
}
