//! Session names written by brokers: the reference broker names its session `<requester>-<RoleName>`
//! (`docs/brokers.md` §2.1). Identity Center permission-set roles are named `AWSReservedSSO_<PermissionSet>_<id>`,
//! which is how TEAM's grants appear in the logs (§2.2).

/// The requester in a session name of the form `<requester>-<role_name>` (role name compared without regard to
/// case), or `None` when the name does not have that form or the requester part is empty.
pub fn requester_in(session_name: &str, role_name: &str) -> Option<String> {
    let cut = session_name.len().checked_sub(role_name.len() + 1)?;
    let (who, rest) = (session_name.get(..cut)?, session_name.get(cut..)?);
    let rest = rest.strip_prefix('-')?;
    (rest.eq_ignore_ascii_case(role_name) && !who.is_empty()).then(|| who.to_string())
}

/// Whether a requester part looks like what the reference broker writes there (an e-mail address): the only
/// shape accepted when the name pattern is all there is.
pub fn looks_like_email(who: &str) -> bool {
    matches!(who.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.'))
}

/// The name requests use for a role: its name, or for an Identity Center role `AWSReservedSSO_<ps>_<id>` the
/// permission set `<ps>` (TEAM requests name permission sets).
pub fn request_role_name(role_arn: &str) -> &str {
    let name = role_arn.rsplit('/').next().unwrap_or(role_arn);
    match name.strip_prefix("AWSReservedSSO_") {
        Some(rest) => rest.rsplit_once('_').map(|(ps, _)| ps).unwrap_or(rest),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_pattern() {
        assert_eq!(
            requester_in("alice@example.com-Admin", "Admin").as_deref(),
            Some("alice@example.com")
        );
        assert_eq!(
            requester_in("alice@example.com-admin", "Admin").as_deref(),
            Some("alice@example.com")
        );
        assert_eq!(requester_in("a-b-Admin", "Admin").as_deref(), Some("a-b"));
        assert_eq!(requester_in("-Admin", "Admin"), None);
        assert_eq!(requester_in("alice", "Admin"), None);
        assert_eq!(requester_in("aliceXAdmin", "Admin"), None);
        // Multi-byte text never splits inside a character.
        assert_eq!(requester_in("é-Admin", "dmin"), None);
    }

    #[test]
    fn permission_set_names() {
        assert_eq!(
            request_role_name(
                "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_Full_0123abcd"
            ),
            "Admin_Full"
        );
        assert_eq!(request_role_name("arn:aws:iam::111122223333:role/Admin"), "Admin");
    }
}
