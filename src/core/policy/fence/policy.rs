//! The fence a policy document draws: the addresses, VPCs and endpoints its `aws:SourceIp`, `aws:SourceVpc` and
//! `aws:SourceVpce` conditions let calls come from, and whether its `aws:ViaAWSService` condition exempts calls AWS
//! services make on a principal's behalf (`docs/geofence.md` §1–4).
//!
//! Only the two shapes that *fence* are taken: a `Deny` with a negated operator (`NotIpAddress`, `StringNotEquals`,
//! their `IfExists` forms) and an `Allow` with a plain one (`IpAddress`, `StringEquals`); both name what is inside.
//! Every other use of those keys (a block list, a statement also conditioned on other keys, one limited to some
//! actions) is named in [`Fence::notes`], never silently read as a fence. The document model is
//! `core::policy::document`; which roles the policy is attached to is not in it (`--role`).

use super::model::{Fence, FenceError, FenceSource, parse_cidr};
use crate::core::policy::document::{Condition, Effect, Statement, parse_policy_input};

const SOURCE_IP: &str = "aws:SourceIp";
const SOURCE_VPC: &str = "aws:SourceVpc";
const SOURCE_VPCE: &str = "aws:SourceVpce";
const VIA_SERVICE: &str = "aws:ViaAWSService";

/// Which fence key a condition is on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Ip,
    Vpc,
    Vpce,
}

fn key_of(c: &Condition) -> Option<Key> {
    if c.is_on(SOURCE_IP) {
        Some(Key::Ip)
    } else if c.is_on(SOURCE_VPC) {
        Some(Key::Vpc)
    } else if c.is_on(SOURCE_VPCE) {
        Some(Key::Vpce)
    } else {
        None
    }
}

/// Whether `c`, in a statement of `effect`, names what is inside: Deny + negated operator, Allow + plain one.
fn fences(effect: Effect, key: Key, c: &Condition) -> bool {
    let op = c.base_operator();
    let (plain, negated) = match key {
        Key::Ip => ("IpAddress", "NotIpAddress"),
        Key::Vpc | Key::Vpce => ("StringEquals", "StringNotEquals"),
    };
    let op_ok = |want: &str| op == want || (key != Key::Ip && op.eq_ignore_ascii_case(&format!("{want}IgnoreCase")));
    let set_qualified = c.operator.contains(':');
    !set_qualified
        && match effect {
            Effect::Deny => op_ok(negated),
            Effect::Allow => op_ok(plain),
        }
}

fn label(i: usize, s: &Statement) -> String {
    match &s.sid {
        Some(sid) => format!("statement {i} ({})", crate::core::text::visible(sid)),
        None => format!("statement {i}"),
    }
}

/// Read the fence from a policy file's text (a plain document, `get-role-policy` or `get-policy-version` output).
/// `file` names it in the report; `roles` are the role ARNs it covers (none: every principal).
pub fn from_policy(text: &str, file: &str, roles: &[String]) -> Result<Fence, FenceError> {
    let loaded = parse_policy_input(text)
        .map_err(|e| FenceError::Policy(format!("{}: {e}", crate::core::text::visible(file))))?;
    let mut f = Fence::new(FenceSource::Policy { file: file.to_string() });
    f.roles
        .extend(roles.iter().map(|r| r.trim().to_string()).filter(|r| !r.is_empty()));
    let mut fence_statements = 0usize;
    let mut exempting = 0usize;
    for (i, s) in loaded.document.statements.iter().enumerate() {
        let on_keys: Vec<(&Condition, Key)> = s.conditions.iter().filter_map(|c| key_of(c).map(|k| (c, k))).collect();
        if on_keys.is_empty() {
            continue;
        }
        let name = label(i, s);
        let (taken, skipped): (Vec<_>, Vec<_>) = on_keys.into_iter().partition(|(c, k)| fences(s.effect, *k, c));
        for (c, _) in &skipped {
            f.notes.push(format!(
                "{name}: {} on {} with {} does not draw a fence (only Deny with a negated operator or Allow with a plain one does); not taken",
                crate::core::text::visible(&c.operator),
                crate::core::text::visible(&c.key),
                s.effect
            ));
        }
        if taken.is_empty() {
            continue;
        }
        fence_statements += 1;
        for (c, k) in taken {
            for v in &c.values {
                match k {
                    Key::Ip => f
                        .cidrs
                        .push(parse_cidr(v).map_err(|e| FenceError::Policy(format!("{name}: {e}")))?),
                    Key::Vpc => {
                        f.vpcs.insert(v.clone());
                    }
                    Key::Vpce => {
                        f.vpc_endpoints.insert(v.clone());
                    }
                }
            }
            if k == Key::Ip && c.if_exists() && s.effect == Effect::Deny {
                f.notes.push(format!(
                    "{name}: {} lets calls without aws:SourceIp through (those through a VPC endpoint); they are still judged by their address here",
                    crate::core::text::visible(&c.operator)
                ));
            }
        }
        // aws:ViaAWSService: a Deny exempts service calls with `false`, an Allow admits them with `true`.
        let via = s.conditions_on(VIA_SERVICE).any(|c| {
            c.base_operator() == "Bool"
                && c.values
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case(if s.effect == Effect::Deny { "false" } else { "true" }))
        });
        if via {
            exempting += 1;
        }
        let others: Vec<String> = s
            .conditions
            .iter()
            .filter(|c| key_of(c).is_none() && !c.is_on(VIA_SERVICE))
            .map(|c| crate::core::text::visible(&c.key).into_owned())
            .collect();
        if !others.is_empty() {
            f.notes.push(format!(
                "{name} also depends on {}: the fence is taken to apply to every call",
                others.join(", ")
            ));
        }
        let all_actions =
            matches!(&s.action, crate::core::policy::document::ActionSpec::Action(a) if a.iter().any(|x| x == "*"));
        if !all_actions {
            f.notes.push(format!(
                "{name} applies to some actions only: the fence is taken to apply to every call"
            ));
        }
    }
    // Calls AWS services make on the principal's behalf come from the service, not the principal: only a fence
    // whose every fencing statement exempts them lets them through.
    f.service_calls_exempt = fence_statements > 0 && exempting == fence_statements;
    if fence_statements > 0 && !f.service_calls_exempt {
        f.notes.push(
            "not every fencing statement exempts calls AWS services make on the principal's behalf (aws:ViaAWSService): the policy denies those too"
                .into(),
        );
    }
    f.normalise();
    if f.is_empty() {
        return Err(FenceError::Policy(format!(
            "{}: no statement draws a fence (Deny with NotIpAddress on aws:SourceIp, StringNotEquals on aws:SourceVpc/aws:SourceVpce, or Allow with IpAddress / StringEquals){}",
            crate::core::text::visible(file),
            if f.notes.is_empty() {
                String::new()
            } else {
                format!("; {}", f.notes.join("; "))
            }
        )));
    }
    Ok(f)
}

/// Largest policy file read: IAM's own limits are a few kilobytes (6 144 characters for a managed policy), so
/// anything past this is not a policy.
pub const MAX_POLICY_BYTES: u64 = 1 << 20;

/// Read the fence from a policy file (at most [`MAX_POLICY_BYTES`]); see [`from_policy`].
pub fn read_policy_file(path: &std::path::Path, roles: &[String]) -> Result<Fence, FenceError> {
    use std::io::Read;
    let name = path.display().to_string();
    let err = |e: std::io::Error| FenceError::Policy(format!("{}: {e}", crate::core::text::visible(&name)));
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(err)?
        .take(MAX_POLICY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(err)?;
    if bytes.len() as u64 > MAX_POLICY_BYTES {
        return Err(FenceError::Policy(format!(
            "{}: larger than {MAX_POLICY_BYTES} bytes, not a policy",
            crate::core::text::visible(&name)
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| FenceError::Policy(format!("{}: not UTF-8 text", crate::core::text::visible(&name))))?;
    from_policy(&text, &name, roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORPORATE: &str = r#"{
      "Version": "2012-10-17",
      "Statement": [{
        "Sid": "DenyOutsideCorporate",
        "Effect": "Deny",
        "Action": "*",
        "Resource": "*",
        "Condition": {
          "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8:100::/48"]},
          "Bool": {"aws:ViaAWSService": "false"}
        }
      }]
    }"#;

    #[test]
    fn deny_not_ip_address_with_via_service_exemption() {
        let f = from_policy(CORPORATE, "p.json", &[]).unwrap();
        assert_eq!(f.to_text(), "cidrs=203.0.113.0/24,2001:db8:100::/48");
        assert!(f.service_calls_exempt);
        assert!(f.notes.is_empty(), "{:?}", f.notes);
    }

    #[test]
    fn get_role_policy_output_url_encoded_with_vpce_and_no_exemption() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddressIfExists":{"aws:SourceIp":"198.51.100.7"},"StringNotEqualsIfExists":{"aws:SourceVpce":["vpce-0abc"]}}}]}"#;
        let encoded: String = doc
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let text = format!(r#"{{"RoleName":"Ops","PolicyName":"fence","PolicyDocument":"{encoded}"}}"#);
        let f = from_policy(&text, "role.json", &["arn:aws:iam::111122223333:role/Ops".into()]).unwrap();
        assert_eq!(
            f.to_text(),
            "cidrs=198.51.100.7/32 vpces=vpce-0abc roles=arn:aws:iam::111122223333:role/Ops services=judged"
        );
        assert!(!f.service_calls_exempt);
        assert_eq!(f.notes.len(), 2, "{:?}", f.notes);
    }

    #[test]
    fn allow_ip_address_fences_and_a_block_list_is_noted_not_taken() {
        let text = r#"{"Statement":[
          {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}},
          {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:ViaAWSService":"true"}}},
          {"Effect":"Deny","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}
        ]}"#;
        let f = from_policy(text, "p.json", &[]).unwrap();
        assert_eq!(
            f.cidrs.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            ["192.0.2.0/24"]
        );
        assert!(
            f.notes
                .iter()
                .any(|n| n.contains("statement 2") && n.contains("does not draw a fence")),
            "{:?}",
            f.notes
        );
        assert!(f.notes.iter().any(|n| n.contains("some actions only")), "{:?}", f.notes);
    }

    #[test]
    fn no_fence_and_bad_values_are_errors() {
        let none = r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;
        assert!(
            matches!(from_policy(none, "p.json", &[]), Err(FenceError::Policy(m)) if m.contains("no statement draws a fence"))
        );
        let bad = r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"not-an-ip"}}}}"#;
        assert!(matches!(from_policy(bad, "p.json", &[]), Err(FenceError::Policy(m)) if m.contains("not-an-ip")));
        assert!(matches!(from_policy("[1", "p.json", &[]), Err(FenceError::Policy(_))));
    }
}
