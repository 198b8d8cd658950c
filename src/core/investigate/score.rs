//! The investigation's severity: a documented, additive score (`docs/investigate.md` §4). Each indicator kind adds
//! fixed points per item up to a cap, so no single kind can carry the verdict alone past its cap, and every point
//! is listed with the item that earned it. The bands turn the score into a level. The score orders
//! investigations; it is not a probability and says nothing the listed indicators do not.

use crate::core::findings::{SeverityLabel, Source};
use crate::core::rules::Level;
use serde::Serialize;

/// The kinds of indicator that score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Indicator {
    /// A detection or correlation rule hit one of the investigation's events.
    Technique,
    /// A source address is on an intel list or a GuardDuty threat list.
    FlaggedAddress,
    /// Impossible travel by an origin behind the profile.
    ImpossibleTravel,
    /// A geolocation new for the profile.
    NewGeolocation,
    /// An autonomous system new for the profile.
    NewAso,
    /// A user agent of a family new for the profile.
    NewUserAgent,
    /// A related finding.
    RelatedFinding,
    /// A burst of denied calls.
    DeniedBurst,
}

impl Indicator {
    /// The most points this kind adds, whatever the number of items.
    pub fn cap(self) -> u32 {
        match self {
            Indicator::Technique => 60,
            Indicator::FlaggedAddress => 60,
            Indicator::ImpossibleTravel => 50,
            Indicator::NewGeolocation => 20,
            Indicator::NewAso => 10,
            Indicator::NewUserAgent => 10,
            Indicator::RelatedFinding => 60,
            Indicator::DeniedBurst => 30,
        }
    }
}

/// Points for a rule hit by its level.
pub fn rule_points(level: Level) -> u32 {
    match level {
        Level::Critical => 40,
        Level::High => 25,
        Level::Medium => 10,
        Level::Low => 3,
        Level::Informational => 0,
    }
}

/// Points for a related finding: GuardDuty by its severity band, Access Analyzer's access 20.
pub fn finding_points(source: Source, label: SeverityLabel) -> u32 {
    match (source, label) {
        (Source::AccessAnalyzer, _) => 20,
        (_, SeverityLabel::Critical) => 40,
        (_, SeverityLabel::High) => 30,
        (_, SeverityLabel::Medium) => 15,
        (_, SeverityLabel::Low) => 5,
    }
}

/// Points per item of the kinds with one value.
pub fn item_points(kind: Indicator) -> u32 {
    match kind {
        Indicator::FlaggedAddress => 30,
        Indicator::ImpossibleTravel => 25,
        Indicator::NewGeolocation => 10,
        Indicator::NewAso => 5,
        Indicator::NewUserAgent => 5,
        Indicator::DeniedBurst => 15,
        // Scored per rule level and per finding severity.
        Indicator::Technique | Indicator::RelatedFinding => 0,
    }
}

/// The level a score falls in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum SeverityLevel {
    /// 0: no indicator scored.
    None,
    /// 1–24.
    Low,
    /// 25–49.
    Medium,
    /// 50–79.
    High,
    /// 80 and more.
    Critical,
}

impl SeverityLevel {
    /// The band of `score`.
    pub fn of(score: u32) -> SeverityLevel {
        match score {
            0 => SeverityLevel::None,
            1..=24 => SeverityLevel::Low,
            25..=49 => SeverityLevel::Medium,
            50..=79 => SeverityLevel::High,
            _ => SeverityLevel::Critical,
        }
    }
}

/// One scored item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreLine {
    /// Its kind.
    pub indicator: Indicator,
    /// Points it earned (after its kind's cap: later items of a capped kind earn 0).
    pub points: u32,
    /// The item, for people (rule title, address, finding id…; hostile text, neutralised by writers).
    pub item: String,
}

/// The severity, with how it was reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scoring {
    /// The level.
    pub level: SeverityLevel,
    /// The sum of the lines' points.
    pub score: u32,
    /// Every scored item, in the order of the report's sections.
    pub lines: Vec<ScoreLine>,
}

/// Accumulates items, applying each kind's cap.
#[derive(Default)]
pub struct Scorer {
    lines: Vec<ScoreLine>,
}

impl Scorer {
    /// Add an item worth `points` (before the cap).
    pub fn add(&mut self, indicator: Indicator, points: u32, item: String) {
        let used: u32 = self
            .lines
            .iter()
            .filter(|l| l.indicator == indicator)
            .map(|l| l.points)
            .sum();
        let points = points.min(indicator.cap().saturating_sub(used));
        self.lines.push(ScoreLine {
            indicator,
            points,
            item,
        });
    }
    /// Add an item of a kind with one value per item.
    pub fn add_item(&mut self, indicator: Indicator, item: String) {
        self.add(indicator, item_points(indicator), item);
    }
    /// The result.
    pub fn finish(self) -> Scoring {
        let score = self.lines.iter().map(|l| l.points).sum();
        Scoring {
            level: SeverityLevel::of(score),
            score,
            lines: self.lines,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_per_kind_and_bands_follow_the_table() {
        let mut s = Scorer::default();
        for n in 0..3 {
            s.add_item(Indicator::FlaggedAddress, format!("203.0.113.{n}"));
        }
        s.add_item(Indicator::NewAso, "64503".into());
        let r = s.finish();
        assert_eq!(r.lines.iter().map(|l| l.points).collect::<Vec<_>>(), vec![30, 30, 0, 5]);
        assert_eq!(r.score, 65);
        assert_eq!(r.level, SeverityLevel::High);
        assert_eq!(
            [0, 1, 24, 25, 49, 50, 79, 80].map(SeverityLevel::of),
            [
                SeverityLevel::None,
                SeverityLevel::Low,
                SeverityLevel::Low,
                SeverityLevel::Medium,
                SeverityLevel::Medium,
                SeverityLevel::High,
                SeverityLevel::High,
                SeverityLevel::Critical
            ]
        );
    }

    #[test]
    fn a_capped_kind_keeps_the_remainder_of_its_cap() {
        let mut s = Scorer::default();
        s.add(Indicator::Technique, rule_points(Level::High), "a".into());
        s.add(Indicator::Technique, rule_points(Level::High), "b".into());
        s.add(Indicator::Technique, rule_points(Level::High), "c".into());
        assert_eq!(s.finish().score, 60);
    }
}
