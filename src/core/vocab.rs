//! The one convention for the closed vocabularies of the core (verdicts, formats, sources, link rules, …): each
//! is an enum with `Display` (its one spelling) and `FromStr` (that spelling plus documented aliases) derived by
//! `strum`, whose parse error is [`UnknownWord`], saying what was expected. clap value parsers use the same
//! `FromStr`, so the CLI, the case store and the TUI accept exactly the same words.
//!
//! `strum` is used rather than hand-written `match`es because the spelling and its parser are then one
//! declaration per variant and cannot disagree; it is already in the tree (ratatui depends on it).

/// A word that is not in a vocabulary: `verdict "evil": expected one of unknown, benign, suspicious, malicious`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} {word:?}: expected {expected}")]
pub struct UnknownWord {
    /// What was being parsed (`verdict`, `format`, …).
    pub what: &'static str,
    /// The word as given.
    pub word: String,
    /// The words accepted, as a sentence fragment.
    pub expected: &'static str,
}

impl UnknownWord {
    /// `word` is not a `what`; `expected` lists what is.
    pub fn new(what: &'static str, word: &str, expected: &'static str) -> UnknownWord {
        UnknownWord {
            what,
            word: word.to_string(),
            expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::core::behavior::DrillSort;
    use crate::core::case::{RevisionKind, Verdict};
    use crate::core::export::Format;
    use crate::core::findings::{SeverityLabel, Source};
    use crate::core::graph::{Link, OriginKind};
    use crate::core::model::{AssumeKind, EventType, IdentityType};

    /// Each word (written here by hand, as the logs, the case store and the CLI spell them) parses to its
    /// variant, and the variant displays as the first word of its list.
    fn words<T>(cases: &[(T, &[&str])])
    where
        T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug + Copy,
        T::Err: std::fmt::Debug,
    {
        for (v, ws) in cases {
            assert_eq!(v.to_string(), ws[0]);
            for w in *ws {
                assert_eq!(w.parse::<T>().ok(), Some(*v), "{w:?}");
            }
        }
    }

    #[test]
    fn every_vocabulary_reads_and_writes_its_words() {
        words(&[
            (Link::AccessKey, &["access-key"][..]),
            (Link::PrincipalTime, &["principal-time"]),
            (Link::NameTime, &["name-time"]),
        ]);
        words(&[
            (OriginKind::IamUser, &["iam-user"][..]),
            (OriginKind::IdentityCenterUser, &["identity-center-user"]),
            (OriginKind::AwsAccount, &["aws-account"]),
            (OriginKind::Unknown, &["unknown"]),
        ]);
        words(&[
            (IdentityType::IamUser, &["IAMUser"][..]),
            (IdentityType::SamlUser, &["SAMLUser"]),
            (IdentityType::AwsService, &["AWSService"]),
            (IdentityType::AwsAccount, &["AWSAccount"]),
            (IdentityType::AssumedRole, &["AssumedRole"]),
            (IdentityType::IdentityCenterUser, &["IdentityCenterUser"]),
            (IdentityType::Unknown, &["Unknown"]),
            (IdentityType::Missing, &["(none)"]),
        ]);
        words(&[
            (EventType::AwsApiCall, &["AwsApiCall"][..]),
            (EventType::AwsConsoleSignIn, &["AwsConsoleSignIn"]),
            (EventType::Other, &["Other"]),
        ]);
        words(&[
            (AssumeKind::AssumeRole, &["AssumeRole"][..]),
            (AssumeKind::AssumeRoleWithSaml, &["AssumeRoleWithSAML"]),
            (AssumeKind::AssumeRoleWithWebIdentity, &["AssumeRoleWithWebIdentity"]),
            (AssumeKind::AssumeRoot, &["AssumeRoot"]),
        ]);
        words(&[
            (Format::Markdown, &["md", "markdown"][..]),
            (Format::Json, &["json"]),
            (Format::Csv, &["csv"]),
            (Format::JsonLines, &["jsonl", "ndjson"]),
        ]);
        words(&[
            (Verdict::Unknown, &["unknown"][..]),
            (Verdict::Benign, &["benign", "Benign"]),
            (Verdict::Suspicious, &["suspicious"]),
            (Verdict::Malicious, &["malicious", "MALICIOUS"]),
        ]);
        words(&[
            (RevisionKind::Create, &["create"][..]),
            (RevisionKind::Edit, &["edit"]),
            (RevisionKind::Conflict, &["conflict"]),
            (RevisionKind::Delete, &["delete"]),
        ]);
        words(&[
            (Source::GuardDuty, &["guardduty", "gd", "GuardDuty"][..]),
            (
                Source::AccessAnalyzer,
                &["access-analyzer", "accessanalyzer", "aa", "AA"],
            ),
        ]);
        words(&[
            (SeverityLabel::Low, &["Low", "low"][..]),
            (SeverityLabel::Medium, &["Medium"]),
            (SeverityLabel::High, &["High", "HIGH"]),
            (SeverityLabel::Critical, &["Critical"]),
        ]);
        words(&[
            (DrillSort::Total, &["total", "count"][..]),
            (DrillSort::Success, &["success"]),
            (DrillSort::Failure, &["failure", "failed"]),
            (DrillSort::Key, &["key", "name"]),
        ]);
    }

    #[test]
    fn json_outputs_and_case_store_spell_words_as_display_does() {
        assert_eq!(json(&Link::PrincipalTime), "\"principal-time\"");
        assert_eq!(json(&OriginKind::WebIdentityUser), "\"web-identity-user\"");
        assert_eq!(json(&Verdict::Suspicious), "\"suspicious\"");
        assert_eq!(json(&RevisionKind::Conflict), "\"conflict\"");
        assert_eq!(json(&Source::AccessAnalyzer), "\"access-analyzer\"");
        assert_eq!(json(&SeverityLabel::High), "\"High\"");
    }

    fn json<T: serde::Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap_or_default()
    }

    #[test]
    fn unknown_words_say_what_was_expected() {
        let e = "evil".parse::<Verdict>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "verdict \"evil\": expected one of unknown, benign, suspicious, malicious"
        );
        assert_eq!(
            "pdf".parse::<Format>().unwrap_err().to_string(),
            "format \"pdf\": expected md, json, csv or jsonl"
        );
        assert_eq!(
            "most".parse::<DrillSort>().unwrap_err().to_string(),
            "sort \"most\": expected total, success, failure or key"
        );
        assert!("".parse::<Source>().is_err());
        assert!(
            " malicious".parse::<Verdict>().is_err(),
            "callers trim; the vocabulary does not guess"
        );
    }
}
