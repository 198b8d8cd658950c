//! Which calls are denials: the `errorCode` family AWS services return when a policy did not permit a call
//! (`docs/denied.md` §1). The family is chosen by code, never by message text: a throttled, invalid or not-found
//! call is not a denial whatever its message says, and a denial whose message is empty (S3's cross-account
//! `Access Denied`, or none at all) is still one. Ingest keeps the message of exactly these calls; the day summary's
//! burst rule and the denied analysis count exactly these calls.

use crate::core::model::{Store, Sym};
use hashbrown::HashMap;

/// `errorCode` values that mean "not permitted" (IAM's and the services' spellings, `docs/denied.md` §1).
pub const DENIAL_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "Client.UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthorizationError",
];

/// Whether `code` is in the denial family (exact, case-sensitive: AWS spells each code one way).
pub fn is_denial_code(code: &str) -> bool {
    DENIAL_CODES.contains(&code)
}

/// Remembers, per distinct `errorCode` symbol, whether it is a denial (each code's text is compared once).
#[derive(Default)]
pub struct DenialCodes(HashMap<Sym, bool>);

impl DenialCodes {
    /// Whether the event's error code is a denial.
    pub fn is_denial(&mut self, store: &Store, code: Sym) -> bool {
        if code.is_none() {
            return false;
        }
        *self.0.entry(code).or_insert_with(|| is_denial_code(store.s(code)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_family_is_chosen_by_exact_code() {
        for c in [
            "AccessDenied",
            "AccessDeniedException",
            "Client.UnauthorizedOperation",
            "AuthorizationError",
        ] {
            assert!(is_denial_code(c), "{c}");
        }
        // Throttling, validation, not-found and a dry run are not denials; neither is another spelling.
        for c in [
            "ThrottlingException",
            "ValidationException",
            "NoSuchKey",
            "Client.DryRunOperation",
            "accessdenied",
            "",
        ] {
            assert!(!is_denial_code(c), "{c}");
        }
    }
}
