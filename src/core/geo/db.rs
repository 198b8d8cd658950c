//! The loaded geolocation databases ([`GeoDb`]): discovery of MaxMind-format `.mmdb` files, lookups with a
//! bounded cache, and places taken from findings for addresses the databases do not know.

use super::{AsInfo, IpClass, IpInfo, Place, classify, parse_ip};
use maxminddb::{Reader, geoip2};
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// Environment variable naming a directory with `.mmdb` files.
pub const ENV_VAR: &str = "TRAILHOUND_GEOIP";
/// System folders searched last, in this order (where geoipupdate and distribution packages put them).
pub const SYSTEM_DIRS: [&str; 3] = ["/usr/share/GeoIP", "/var/lib/GeoIP", "/usr/local/share/GeoIP"];
/// Distinct addresses remembered; past this the cache is cleared (lookups stay correct, just slower).
const CACHE_CAP: usize = 1 << 16;

/// Failure to open a database directory or file.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// The file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file was read but is not a MaxMind DB the reader accepts.
    #[error("{path}: not a MaxMind DB: {reason}")]
    BadDb {
        /// The file.
        path: PathBuf,
        /// What the reader said is wrong.
        reason: String,
    },
}

struct LoadedDb {
    reader: Reader<Vec<u8>>,
    path: PathBuf,
}

impl LoadedDb {
    fn open(path: &Path) -> Result<LoadedDb, GeoError> {
        let bytes = std::fs::read(path).map_err(|source| GeoError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let reader = Reader::from_source(bytes).map_err(|e| GeoError::BadDb {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(LoadedDb {
            reader,
            path: path.to_path_buf(),
        })
    }

    fn describe(&self) -> String {
        let epoch = self.reader.metadata().build_epoch;
        let date = i64::try_from(epoch)
            .ok()
            .and_then(|e| jiff::Timestamp::from_second(e).ok())
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "unknown build date".into());
        format!("{} ({date})", self.path.display())
    }
}

/// Where [`GeoDb::discover`] looks, in order, each with the reason it is on the list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchPath {
    /// The directories to look in, first match wins, each with why it is on the list (`--geoip`, `TRAILHOUND_GEOIP`, …).
    pub dirs: Vec<(PathBuf, &'static str)>,
}

impl SearchPath {
    /// The standard order: explicit dir (`--geoip DIR`), env `TRAILHOUND_GEOIP`, config dir
    /// (`$XDG_CONFIG_HOME/trailhound/geoip`, else the platform config dir), then the system directories (`SYSTEM_DIRS`).
    pub fn standard(explicit: Option<&Path>) -> SearchPath {
        let mut dirs = Vec::new();
        if let Some(d) = explicit {
            dirs.push((d.to_path_buf(), "--geoip"));
        }
        if let Some(d) = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
            dirs.push((PathBuf::from(d), ENV_VAR));
        }
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                use etcetera::BaseStrategy;
                etcetera::choose_base_strategy().ok().map(|s| s.config_dir())
            });
        if let Some(c) = config {
            dirs.push((c.join("trailhound").join("geoip"), "config"));
        }
        for d in SYSTEM_DIRS {
            dirs.push((PathBuf::from(d), "system"));
        }
        SearchPath { dirs }
    }

    /// The standard order with each input folder's own `geoip/` (a case or sample that ships its databases) after
    /// the explicit dir and the environment variable: data that came with the logs beats system-wide files.
    pub fn with_inputs(explicit: Option<&Path>, inputs: &[PathBuf]) -> SearchPath {
        let mut s = SearchPath::standard(explicit);
        let at = s
            .dirs
            .iter()
            .take_while(|(_, why)| matches!(*why, "--geoip" | ENV_VAR))
            .count();
        let bundled: Vec<(PathBuf, &'static str)> = inputs
            .iter()
            .filter(|p| p.is_dir())
            .map(|p| (p.join("geoip"), "input"))
            .filter(|(d, _)| d.is_dir())
            .collect();
        s.dirs.splice(at..at, bundled);
        s
    }
}

/// City and ASN databases (either may be missing) plus places learned from findings. `Sync`: lookups take
/// `&self` and share an internal cache.
pub struct GeoDb {
    city: Option<LoadedDb>,
    asn: Option<LoadedDb>,
    overrides: HashMap<IpAddr, (Option<Place>, Option<AsInfo>)>,
    cache: RwLock<HashMap<Box<str>, IpInfo>>,
    /// Files that matched but could not be opened, for `describe()`.
    problems: Vec<String>,
}

impl Default for GeoDb {
    fn default() -> Self {
        GeoDb::empty()
    }
}

impl std::fmt::Debug for GeoDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeoDb")
            .field("describe", &self.describe())
            .field("overrides", &self.overrides.len())
            .finish()
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    City,
    Asn,
}

/// `*City*.mmdb` / `*ASN*.mmdb`, case-insensitively (DB-IP ships `dbip-city-lite.mmdb`), sorted by name.
fn candidates(dir: &Path, kind: Kind) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
                return false;
            };
            let lower = name.to_ascii_lowercase();
            let want = match kind {
                Kind::City => "city",
                Kind::Asn => "asn",
            };
            lower.ends_with(".mmdb") && lower.contains(want) && p.is_file()
        })
        .collect();
    out.sort();
    out
}

impl GeoDb {
    /// No databases: every lookup classifies only (plus overrides).
    pub fn empty() -> GeoDb {
        GeoDb {
            city: None,
            asn: None,
            overrides: HashMap::new(),
            cache: RwLock::new(HashMap::new()),
            problems: Vec::new(),
        }
    }

    /// Opens `*City*.mmdb` and `*ASN*.mmdb` found in `dir` (either may be missing). Errors if `dir` cannot be
    /// read or a matching file is not a valid MaxMind DB.
    pub fn open_dir(dir: &Path) -> Result<GeoDb, GeoError> {
        std::fs::read_dir(dir).map_err(|source| GeoError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut db = GeoDb::empty();
        if let Some(p) = candidates(dir, Kind::City).first() {
            db.city = Some(LoadedDb::open(p)?);
        }
        if let Some(p) = candidates(dir, Kind::Asn).first() {
            db.asn = Some(LoadedDb::open(p)?);
        }
        Ok(db)
    }

    /// Search order: explicit dir (`--geoip DIR`), env `TRAILHOUND_GEOIP`, config dir
    /// (`$XDG_CONFIG_HOME/trailhound/geoip`), then `/usr/share/GeoIP`, `/var/lib/GeoIP`, `/usr/local/share/GeoIP`.
    /// City and ASN are each taken from the first directory that has a readable one. Never fails: with nothing
    /// found, lookups classify only and `describe()` says so.
    pub fn discover(explicit: Option<&Path>) -> GeoDb {
        GeoDb::discover_in(&SearchPath::standard(explicit))
    }

    /// [`GeoDb::discover`] over an explicit search path (tests, and callers with their own order).
    pub fn discover_in(search: &SearchPath) -> GeoDb {
        let mut db = GeoDb::empty();
        for (dir, why) in &search.dirs {
            // A directory the user named and that is not there is worth saying; absent system folders are not.
            if matches!(*why, "--geoip" | ENV_VAR) && !dir.is_dir() {
                db.problems.push(format!("{why} {}: not a directory", dir.display()));
                continue;
            }
            for kind in [Kind::City, Kind::Asn] {
                let slot_full = match kind {
                    Kind::City => db.city.is_some(),
                    Kind::Asn => db.asn.is_some(),
                };
                if slot_full {
                    continue;
                }
                for path in candidates(dir, kind) {
                    match LoadedDb::open(&path) {
                        Ok(l) => {
                            match kind {
                                Kind::City => db.city = Some(l),
                                Kind::Asn => db.asn = Some(l),
                            }
                            break;
                        }
                        Err(e) => db.problems.push(e.to_string()),
                    }
                }
            }
        }
        db
    }

    /// Whether a City database is loaded.
    pub fn has_city(&self) -> bool {
        self.city.is_some()
    }

    /// Whether an ASN database is loaded.
    pub fn has_asn(&self) -> bool {
        self.asn.is_some()
    }

    /// Human description of what is loaded, e.g.
    /// "City: /usr/share/GeoIP/GeoLite2-City.mmdb (2026-11-01); ASN: none".
    /// With neither: "geolocation unavailable (no City or ASN database found)". Unreadable files are appended.
    pub fn describe(&self) -> String {
        let mut s = if self.city.is_none() && self.asn.is_none() {
            "geolocation unavailable (no City or ASN database found)".to_string()
        } else {
            let d = |l: &Option<LoadedDb>| l.as_ref().map_or("none".to_string(), |l| l.describe());
            format!("City: {}; ASN: {}", d(&self.city), d(&self.asn))
        };
        if !self.overrides.is_empty() {
            s.push_str(&format!("; {} address(es) located by findings", self.overrides.len()));
        }
        for p in &self.problems {
            s.push_str("; skipped ");
            s.push_str(p);
        }
        s
    }

    /// Geolocation of an IP known from a finding (GuardDuty's remoteIpDetails), used when the DBs don't have it.
    /// Ignored unless `ip` parses as an address; a place with coordinates off the globe is dropped. A later call
    /// for the same address replaces the earlier one.
    pub fn add_override(&mut self, ip: &str, place: Option<Place>, asn: Option<AsInfo>) {
        let Some(addr) = parse_ip(ip) else { return };
        let place = place.filter(|p| valid_coords(p.lat, p.lon));
        self.overrides.insert(addr, (place, asn));
        self.cache_mut().clear();
    }

    /// Never panics; service names / "AWS Internal" / private ranges are classified, not looked up.
    pub fn lookup(&self, source_ip: &str) -> IpInfo {
        if source_ip.len() <= 64
            && let Some(hit) = self.cache_read(source_ip)
        {
            return hit;
        }
        let info = self.lookup_uncached(source_ip);
        if source_ip.len() <= 64 {
            let mut cache = self.cache.write().unwrap_or_else(|p| p.into_inner());
            if cache.len() >= CACHE_CAP {
                cache.clear();
            }
            cache.insert(source_ip.into(), info.clone());
        }
        info
    }

    fn cache_read(&self, key: &str) -> Option<IpInfo> {
        let cache = self.cache.read().unwrap_or_else(|p| p.into_inner());
        cache.get(key).cloned()
    }

    fn cache_mut(&mut self) -> &mut HashMap<Box<str>, IpInfo> {
        self.cache.get_mut().unwrap_or_else(|p| p.into_inner())
    }

    fn lookup_uncached(&self, source_ip: &str) -> IpInfo {
        let class = classify(source_ip);
        let mut info = IpInfo {
            class,
            place: None,
            asn: None,
            source: None,
        };
        if info.class != IpClass::Public {
            return info;
        }
        let Some(addr) = parse_ip(source_ip) else {
            return info;
        };
        if let Some(city) = &self.city {
            info.place = city_place(&city.reader, addr);
            if info.place.is_some() {
                info.source = Some("mmdb");
            }
        }
        if let Some(asn) = &self.asn {
            info.asn = asn_info(&asn.reader, addr);
        }
        if let Some((place, asn)) = self.overrides.get(&addr) {
            if info.place.is_none() && place.is_some() {
                info.place = place.clone();
                info.source = Some("finding");
            }
            if info.asn.is_none() {
                info.asn = asn.clone();
            }
        }
        info
    }
}

/// A City record with coordinates; records without latitude and longitude give no place (a place with a made-up
/// position would feed the travel rule).
fn city_place(reader: &Reader<Vec<u8>>, addr: IpAddr) -> Option<Place> {
    let rec = reader.lookup(addr).ok()?.decode::<geoip2::City>().ok()??;
    let lat = rec.location.latitude?;
    let lon = rec.location.longitude?;
    if !valid_coords(lat, lon) {
        return None;
    }
    let s = |o: Option<&str>| o.map(str::to_string);
    Some(Place {
        city: s(rec.city.names.english),
        region: rec.subdivisions.first().and_then(|d| s(d.names.english)),
        country: s(rec.country.names.english),
        country_code: s(rec.country.iso_code),
        lat,
        lon,
    })
}

fn asn_info(reader: &Reader<Vec<u8>>, addr: IpAddr) -> Option<AsInfo> {
    let rec = reader.lookup(addr).ok()?.decode::<geoip2::Asn>().ok()??;
    Some(AsInfo {
        asn: rec.autonomous_system_number?,
        org: rec.autonomous_system_organization.unwrap_or("").to_string(),
    })
}

/// On the globe (also rejects NaN and infinities).
fn valid_coords(lat: f64, lon: f64) -> bool {
    (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}
