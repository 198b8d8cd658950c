//! Classification of CloudTrail `sourceIPAddress` values: address families and special ranges, AWS service
//! names, `AWS Internal`, and everything else as invalid.
//!
//! Addresses are parsed strictly (Rust's `std::net` parsers): CloudTrail never writes leading zeros, so a value
//! such as `035.249.253.232` (seen in anonymised public data) is [`IpClass::Invalid`] rather than a guess at
//! decimal or octal that could put an attacker in a real city.

use super::IpClass;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Longest text worth parsing: the longest IPv6 form is 45 chars, DNS names are ≤ 253.
const MAX_LEN: usize = 253;

/// Parse a source address strictly. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes the IPv4 address so that
/// it is classified and looked up like the address it carries.
pub fn parse_ip(source_ip: &str) -> Option<IpAddr> {
    let s = source_ip.trim();
    if s.is_empty() || s.len() > 45 {
        return None;
    }
    let ip: IpAddr = s.parse().ok()?;
    Some(ip.to_canonical())
}

/// Classify a `sourceIPAddress` value. Never panics.
pub fn classify(source_ip: &str) -> IpClass {
    let s = source_ip.trim();
    if s.len() > MAX_LEN {
        return IpClass::Invalid;
    }
    if s.eq_ignore_ascii_case("AWS Internal") {
        return IpClass::AwsInternal;
    }
    if let Some(ip) = parse_ip(s) {
        return match ip {
            IpAddr::V4(v4) => classify_v4(v4),
            IpAddr::V6(v6) => classify_v6(v6),
        };
    }
    if is_aws_service_name(s) {
        return IpClass::AwsService(s.to_ascii_lowercase());
    }
    IpClass::Invalid
}

fn classify_v4(ip: Ipv4Addr) -> IpClass {
    let o = ip.octets();
    if o[0] == 127 {
        IpClass::Loopback
    } else if o[0] == 169 && o[1] == 254 {
        IpClass::LinkLocal
    } else if o[0] == 10
        || (o[0] == 172 && (16..=31).contains(&o[1]))
        || (o[0] == 192 && o[1] == 168)
        // CGNAT 100.64.0.0/10: not routable from the Internet, so a place for it would be fiction.
        || (o[0] == 100 && (64..=127).contains(&o[1]))
    {
        IpClass::Private
    } else {
        IpClass::Public
    }
}

fn classify_v6(ip: Ipv6Addr) -> IpClass {
    let first = ip.segments()[0];
    if ip == Ipv6Addr::LOCALHOST {
        IpClass::Loopback
    } else if first & 0xffc0 == 0xfe80 {
        IpClass::LinkLocal
    } else if first & 0xfe00 == 0xfc00 {
        IpClass::Private
    } else {
        IpClass::Public
    }
}

/// `ec2.amazonaws.com`, `signin.amazonaws.com`, `s3.us-east-1.amazonaws.com`, China partition
/// `*.amazonaws.com.cn`: DNS-name characters only, at least one label before the AWS suffix.
fn is_aws_service_name(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let head = lower
        .strip_suffix(".amazonaws.com")
        .or_else(|| lower.strip_suffix(".amazonaws.com.cn"));
    match head {
        Some(h) => {
            !h.is_empty()
                && !h.starts_with('.')
                && !h.ends_with('.')
                && !h.contains("..")
                && h.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(classify("8.8.8.8"), IpClass::Public);
        assert_eq!(classify("198.51.100.23"), IpClass::Public);
        assert_eq!(classify("10.0.1.15"), IpClass::Private);
        assert_eq!(classify("172.16.0.1"), IpClass::Private);
        assert_eq!(classify("172.31.255.255"), IpClass::Private);
        assert_eq!(classify("172.32.0.1"), IpClass::Public);
        assert_eq!(classify("172.15.255.255"), IpClass::Public);
        assert_eq!(classify("192.168.1.1"), IpClass::Private);
        assert_eq!(classify("100.64.0.1"), IpClass::Private);
        assert_eq!(classify("100.127.255.255"), IpClass::Private);
        assert_eq!(classify("100.128.0.1"), IpClass::Public);
        assert_eq!(classify("100.63.255.255"), IpClass::Public);
        assert_eq!(classify("127.0.0.1"), IpClass::Loopback);
        assert_eq!(classify("169.254.169.254"), IpClass::LinkLocal);
        assert_eq!(classify("::1"), IpClass::Loopback);
        assert_eq!(classify("fe80::1"), IpClass::LinkLocal);
        assert_eq!(classify("febf::1"), IpClass::LinkLocal);
        assert_eq!(classify("fec0::1"), IpClass::Public);
        assert_eq!(classify("fd12:3456::1"), IpClass::Private);
        assert_eq!(classify("fc00::1"), IpClass::Private);
        assert_eq!(classify("2001:db8::1"), IpClass::Public);
        assert_eq!(classify("::ffff:10.0.0.1"), IpClass::Private);
        assert_eq!(classify("::ffff:8.8.8.8"), IpClass::Public);
    }

    #[test]
    fn json_shape() {
        let j = |c: IpClass| serde_json::to_string(&c).unwrap();
        assert_eq!(j(IpClass::Public), r#"{"kind":"public"}"#);
        assert_eq!(j(IpClass::LinkLocal), r#"{"kind":"link-local"}"#);
        assert_eq!(j(IpClass::AwsInternal), r#"{"kind":"aws-internal"}"#);
        assert_eq!(
            j(IpClass::AwsService("ec2.amazonaws.com".into())),
            r#"{"kind":"aws-service","name":"ec2.amazonaws.com"}"#
        );
    }

    #[test]
    fn names_and_garbage() {
        assert_eq!(
            classify("ec2.amazonaws.com"),
            IpClass::AwsService("ec2.amazonaws.com".into())
        );
        assert_eq!(
            classify("Signin.AmazonAWS.com"),
            IpClass::AwsService("signin.amazonaws.com".into())
        );
        assert_eq!(classify("AWS Internal"), IpClass::AwsInternal);
        assert_eq!(classify("035.249.253.232"), IpClass::Invalid);
        assert_eq!(classify("255.090.254.5"), IpClass::Invalid);
        assert_eq!(classify("999.1.1.1"), IpClass::Invalid);
        assert_eq!(classify(".amazonaws.com"), IpClass::Invalid);
        assert_eq!(classify("evil amazonaws.com"), IpClass::Invalid);
        assert_eq!(classify("a..b.amazonaws.com"), IpClass::Invalid);
        assert_eq!(classify("example.com"), IpClass::Invalid);
        assert_eq!(classify(""), IpClass::Invalid);
        assert_eq!(classify("\u{0}\u{7}\n\t"), IpClass::Invalid);
        assert_eq!(classify("fe80::1%eth0"), IpClass::Invalid);
        assert_eq!(classify(&"1".repeat(1 << 20)), IpClass::Invalid);
        assert_eq!(classify("é.amazonaws.com"), IpClass::Invalid);
    }
}
