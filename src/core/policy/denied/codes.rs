//! Which calls are denials: the `errorCode` family AWS services return when a policy did not permit a call
//! (`docs/denied.md` §1). The family is chosen by code, never by message text: a throttled, invalid or not-found
//! call is not a denial whatever its message says, and a denial whose message is empty (S3's cross-account
//! `Access Denied`, or none at all) is still one. Ingest keeps the message of exactly these calls; the day summary's
//! burst rule and the denied analysis count exactly these calls.

use crate::core::model::{Store, Sym};

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

/// The symbols the denial family's codes have in one store: a call's code is compared with these few symbols (a
/// busy identity has hundreds of thousands of failed calls), never hashed or read as text.
pub struct DenialCodes(Vec<Sym>);

impl DenialCodes {
    /// The family's codes as `store` interned them (codes no record used have no symbol and match nothing).
    pub fn of(store: &Store) -> DenialCodes {
        DenialCodes(DENIAL_CODES.iter().filter_map(|c| store.strings.get(c)).collect())
    }

    /// Whether the event's error code is a denial.
    pub fn is_denial(&self, code: Sym) -> bool {
        code.is_some() && self.0.contains(&code)
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

    /// A store's symbols answer as their text does: every interned code of the family is a denial, any other code,
    /// `NONE` and a symbol past the store are not.
    #[test]
    fn a_stores_symbols_answer_as_their_text() {
        let mut store = Store::default();
        let texts = [
            "ThrottlingException",
            "AccessDenied",
            "accessdenied",
            "Client.UnauthorizedOperation",
            "NoSuchKey",
        ];
        let syms: Vec<Sym> = texts.iter().map(|t| store.strings.intern(t)).collect();
        let codes = DenialCodes::of(&store);
        for (t, s) in texts.iter().zip(&syms) {
            assert_eq!(codes.is_denial(*s), is_denial_code(t), "{t}");
        }
        assert!(!codes.is_denial(Sym::NONE));
        assert!(!codes.is_denial(Sym(999)));
    }
}
