//! Calendar formatting for generated records: CloudTrail `eventTime`, S3 key dates, log file name stamps and the
//! STS `expiration` text. Hand-written (Hinnant's civil-from-days) because it runs a few times per record.

/// (year, month, day) of days since 1970-01-01.
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn split(t: i64) -> (i64, u32, u32, i64, i64, i64) {
    let (y, m, d) = civil(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    (y, m, d, s / 3600, s / 60 % 60, s % 60)
}

/// `2026-11-05T14:12:07Z`
pub fn iso(t: i64) -> String {
    let (y, m, d, h, mi, s) = split(t);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `2026/11/05` (the S3 key's date folders).
pub fn key_date(t: i64) -> String {
    let (y, m, d, ..) = split(t);
    format!("{y:04}/{m:02}/{d:02}")
}

/// `20261105T1412Z` (the log file name's stamp).
pub fn file_stamp(t: i64) -> String {
    let (y, m, d, h, mi, _) = split(t);
    format!("{y:04}{m:02}{d:02}T{h:02}{mi:02}Z")
}

/// `20261105T140000Z` (the digest file name's stamp).
pub fn digest_stamp(t: i64) -> String {
    let (y, m, d, h, mi, s) = split(t);
    format!("{y:04}{m:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// `Nov 5, 2026, 10:05:12 PM`: how STS responseElements spell `credentials.expiration`.
pub fn sts_expiration(t: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d, h, mi, s) = split(t);
    let mon = MONTHS.get(m as usize - 1).copied().unwrap_or("Jan");
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{mon} {d}, {y}, {h12}:{mi:02}:{s:02} {ampm}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_agree_with_core_time() {
        let t = crate::demo::ids::at(2026, 11, 5, 14, 12, 7);
        assert_eq!(iso(t), "2026-11-05T14:12:07Z");
        assert_eq!(iso(t), crate::core::time::rfc3339(t));
        assert_eq!(key_date(t), "2026/11/05");
        assert_eq!(file_stamp(t), "20261105T1412Z");
        assert_eq!(sts_expiration(t + 8 * 3600), "Nov 5, 2026, 10:12:07 PM");
        for t in (0..4_000_000_000i64).step_by(86_399 * 37) {
            assert_eq!(iso(t), crate::core::time::rfc3339(t));
        }
    }
}
