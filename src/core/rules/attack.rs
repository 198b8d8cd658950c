//! ATT&CK tags as Sigma writes them (`attack.defense-evasion`, `attack.t1562.008`): the enterprise tactics as a
//! vocabulary and technique ids checked for shape. Other tags (`cve.…`, `detection.…`) stay plain text.

use serde::Serialize;

/// An ATT&CK enterprise tactic.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Tactic {
    /// TA0043.
    Reconnaissance,
    /// TA0042.
    ResourceDevelopment,
    /// TA0001.
    InitialAccess,
    /// TA0002.
    Execution,
    /// TA0003.
    Persistence,
    /// TA0004.
    PrivilegeEscalation,
    /// TA0005.
    DefenseEvasion,
    /// TA0006.
    CredentialAccess,
    /// TA0007.
    Discovery,
    /// TA0008.
    LateralMovement,
    /// TA0009.
    Collection,
    /// TA0011.
    CommandAndControl,
    /// TA0010.
    Exfiltration,
    /// TA0040.
    Impact,
}

/// An ATT&CK technique or sub-technique id, upper case (`T1562`, `T1562.008`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Technique(String);

impl Technique {
    /// `t1562` / `T1562.008` → the id; anything else → `None`.
    pub fn parse(s: &str) -> Option<Technique> {
        let b = s.as_bytes();
        let digits = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
        let ok = match b.len() {
            5 => digits(&b[1..]),
            9 => digits(&b[1..5]) && b[5] == b'.' && digits(&b[6..]),
            _ => false,
        };
        (ok && b[0].eq_ignore_ascii_case(&b't')).then(|| Technique(s.to_ascii_uppercase()))
    }
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Technique {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The tactics and techniques among a rule's tags, each once, in tag order.
pub fn attack_tags(tags: &[String]) -> (Vec<Tactic>, Vec<Technique>) {
    let mut tactics = Vec::new();
    let mut techniques = Vec::new();
    for t in tags {
        let Some(rest) = t.strip_prefix("attack.") else {
            continue;
        };
        if let Some(x) = Technique::parse(rest) {
            if !techniques.contains(&x) {
                techniques.push(x);
            }
        } else if let Ok(x) = rest.replace('_', "-").to_ascii_lowercase().parse::<Tactic>()
            && !tactics.contains(&x)
        {
            tactics.push(x);
        }
    }
    (tactics, techniques)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_into_tactics_and_techniques() {
        let tags: Vec<String> = [
            "attack.defense_evasion",
            "attack.t1562.008",
            "attack.defense-evasion",
            "attack.T1098",
            "cve.2021",
            "attack.g0016",
            "attack.t12",
        ]
        .map(String::from)
        .to_vec();
        let (ta, te) = attack_tags(&tags);
        assert_eq!(ta, vec![Tactic::DefenseEvasion]);
        assert_eq!(
            te.iter().map(Technique::as_str).collect::<Vec<_>>(),
            ["T1562.008", "T1098"]
        );
    }
}
