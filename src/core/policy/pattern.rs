//! IAM wildcard matching: `*` (any run of characters, `/` and `:` included) and `?` (one character) in `Action`
//! and `Resource` patterns, actions case-insensitively, ARNs case-sensitively (`docs/policy.md` §3). In ARN
//! patterns the policy variables `${*}`, `${?}` and `${$}` stand for those literal characters; any other variable
//! (`${aws:username}`) depends on the request and is reported as not evaluable rather than guessed. Matching is a
//! linear-space dynamic programme over characters: no backtracking, so hostile patterns cannot make it hang.

/// One element of a parsed pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    Any,
    One,
}

/// Whether a pattern matched, and whether it could be evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// The text matches.
    Yes,
    /// The text does not match.
    No,
    /// The pattern holds a policy variable whose value depends on the request.
    NotEvaluable,
}

/// Whether an action pattern (`s3:Get*`, `*`) matches an action (`s3:GetObject`), case-insensitively.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    let tokens: Vec<Token> = pattern
        .chars()
        .map(|c| match c {
            '*' => Token::Any,
            '?' => Token::One,
            c => Token::Char(c.to_ascii_lowercase()),
        })
        .collect();
    let text: Vec<char> = action.chars().map(|c| c.to_ascii_lowercase()).collect();
    glob(&tokens, &text)
}

/// Whether an ARN pattern matches a resource ARN (case-sensitive), with `${*}`, `${?}`, `${$}` as literals.
pub fn resource_matches(pattern: &str, arn: &str) -> Match {
    let Some(tokens) = resource_tokens(pattern) else {
        return Match::NotEvaluable;
    };
    let text: Vec<char> = arn.chars().collect();
    if glob(&tokens, &text) { Match::Yes } else { Match::No }
}

/// Whether an action pattern holds a wildcard.
pub fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Write `text` as a literal inside an ARN pattern: `*`, `?` and `$` become `${*}`, `${?}`, `${$}`.
pub fn escape_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' => out.push_str("${*}"),
            '?' => out.push_str("${?}"),
            '$' => out.push_str("${$}"),
            c => out.push(c),
        }
    }
    out
}

/// The tokens of an ARN pattern, or `None` when it holds a request-dependent policy variable.
fn resource_tokens(pattern: &str) -> Option<Vec<Token>> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            let end = after.find('}')?;
            match &after[..end] {
                "*" => out.push(Token::Char('*')),
                "?" => out.push(Token::Char('?')),
                "$" => out.push(Token::Char('$')),
                _ => return None,
            }
            rest = &after[end + 1..];
            continue;
        }
        out.push(match c {
            '*' => Token::Any,
            '?' => Token::One,
            c => Token::Char(c),
        });
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

/// Glob match in O(|pattern| × |text|) time and O(|text|) space.
fn glob(pattern: &[Token], text: &[char]) -> bool {
    // row[j]: the pattern so far matches text[..j].
    let mut row = vec![false; text.len() + 1];
    row[0] = true;
    for t in pattern {
        let mut next = vec![false; text.len() + 1];
        match t {
            Token::Any => {
                let mut seen = false;
                for j in 0..=text.len() {
                    seen |= row[j];
                    next[j] = seen;
                }
            }
            Token::One => {
                next[1..].copy_from_slice(&row[..text.len()]);
            }
            Token::Char(c) => {
                for (j, &t) in text.iter().enumerate() {
                    next[j + 1] = row[j] && t == *c;
                }
            }
        }
        row = next;
        if !row.iter().any(|&b| b) {
            return false;
        }
    }
    row[text.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_match_case_insensitively_with_wildcards() {
        assert!(action_matches("s3:Get*", "s3:GetObject"));
        assert!(action_matches("S3:getobject", "s3:GetObject"));
        assert!(action_matches("*", "iam:CreateUser"));
        assert!(action_matches("s3:*Object", "s3:DeleteObject"));
        assert!(action_matches("ec2:Describe?nstances", "ec2:DescribeInstances"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
        assert!(!action_matches("s3:GetObject", "s3:GetObjectAcl"));
        assert!(!action_matches("s3:*", "s3express:CreateSession"));
        assert!(!action_matches("", "s3:GetObject"));
    }

    #[test]
    fn resources_match_case_sensitively_with_escapes() {
        assert_eq!(
            resource_matches("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/c.txt"),
            Match::Yes
        );
        assert_eq!(resource_matches("arn:aws:s3:::b/*", "arn:aws:s3:::B/a"), Match::No);
        assert_eq!(resource_matches("arn:aws:s3:::b", "arn:aws:s3:::b/x"), Match::No);
        assert_eq!(resource_matches("*", "arn:aws:kms:us-east-1:1:key/k"), Match::Yes);
        assert_eq!(resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*"), Match::Yes);
        assert_eq!(resource_matches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x"), Match::No);
        assert_eq!(
            resource_matches("arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/u/x"),
            Match::NotEvaluable
        );
        assert_eq!(
            resource_matches("arn:aws:s3:::b/${unterminated", "arn:aws:s3:::b/x"),
            Match::NotEvaluable
        );
    }

    #[test]
    fn escaping_round_trips_through_matching() {
        let raw = "arn:aws:s3:::b/weird*name?$x";
        let escaped = escape_literal(raw);
        assert_eq!(escaped, "arn:aws:s3:::b/weird${*}name${?}${$}x");
        assert_eq!(resource_matches(&escaped, raw), Match::Yes);
        assert_eq!(resource_matches(&escaped, "arn:aws:s3:::b/weirdXnameY$x"), Match::No);
    }

    #[test]
    fn hostile_patterns_finish() {
        let pattern = "*a".repeat(2_000);
        let text = "a".repeat(3_000) + "b";
        assert!(!action_matches(&pattern, &text));
    }
}
