//! What an access key id says about itself. AWS writes the kind into the first four characters: `ASIA` for
//! temporary credentials issued by STS (a role session, a federation or session token), `AKIA` for a long-term
//! IAM user (or root) key. This is the one place that prefix rule lives.

/// The kind of credential an access key id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessKeyKind {
    /// `ASIA…`: temporary credentials (STS); in CloudTrail, one role session per key.
    Temporary,
    /// `AKIA…`: a long-term key of an IAM user or the root user.
    LongTerm,
    /// Anything else (not an access key id, or a prefix this version does not know).
    Other,
}

impl AccessKeyKind {
    /// Classify by prefix. The rest of the id is not checked: callers that need a well-formed id also check its
    /// characters and length.
    pub fn of(id: &str) -> AccessKeyKind {
        if id.starts_with("ASIA") {
            AccessKeyKind::Temporary
        } else if id.starts_with("AKIA") {
            AccessKeyKind::LongTerm
        } else {
            AccessKeyKind::Other
        }
    }

    /// `ASIA…` or `AKIA…`.
    pub fn is_access_key(self) -> bool {
        self != AccessKeyKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_says_the_kind() {
        assert_eq!(AccessKeyKind::of("ASIADEMOROLE10000001"), AccessKeyKind::Temporary);
        assert_eq!(AccessKeyKind::of("AKIAHOSTILE000000001"), AccessKeyKind::LongTerm);
        for other in ["", "ASI", "asiaabc", "AIDAUSER", "AROAROLE:sara", " ASIAX", "ABIA1"] {
            assert_eq!(AccessKeyKind::of(other), AccessKeyKind::Other, "{other:?}");
        }
        assert!(AccessKeyKind::Temporary.is_access_key() && AccessKeyKind::LongTerm.is_access_key());
        assert!(!AccessKeyKind::Other.is_access_key());
    }
}
