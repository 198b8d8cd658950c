//! Sigma detection and correlation rules over the loaded CloudTrail events (`docs/rules.md`).
//!
//! Rules are read (`load`: files, folders and the built-in set, each bad or hostile rule reported with its file and
//! reason, the rest kept), compiled by the `rsigma` crates, and evaluated once per dataset (`eval`): fields the
//! store keeps (`fields`) decide most events without touching files, and only the events a rule still needs the
//! raw record for are read again, each file once. Correlations (`correlate`) group those hits by what trailhound
//! knows about each event — its origin, session identity, chain and the origin's account (`attribution`) — as
//! well as by raw fields. The result ([`Detections`]) is kept with the dataset so pivots never evaluate again.
//!
//! This module does not draw, print or decide what a responder does next.

mod attack;
mod attribution;
mod builtin;
mod correlate;
mod eval;
pub use eval::{evaluate, evaluate_in_batches};
mod event;
mod fields;
mod hits;
mod load;
mod report;
mod tally;

pub use attack::{Tactic, Technique, attack_tags};
pub use attribution::{Attribution, attribute};
pub use builtin::{BUILTIN_RULES, add_builtin, builtin};
pub use correlate::{CorrelationKind, GroupField, GroupValue};
pub use hits::{CorrelationHit, Detections, EvalStats, Hit, Unreadable};
pub use load::{LoadLimits, Problem, ProblemKind, RuleSet, RuleSetBuilder};
pub use report::{
    ChainHits, CorrelationReport, DetectReport, GroupPart, HitEvent, IdentityHits, OriginHits, RuleCount, RuleRef,
    report,
};
pub use tally::{RuleTally, correlations_in, tally};

use serde::Serialize;
use std::path::PathBuf;

/// A rule's `level`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, strum::Display, strum::IntoStaticStr,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Level {
    /// `informational`, or no level given.
    #[default]
    Informational,
    /// `low`.
    Low,
    /// `medium`.
    Medium,
    /// `high`.
    High,
    /// `critical`.
    Critical,
}

impl From<rsigma_parser::Level> for Level {
    fn from(l: rsigma_parser::Level) -> Self {
        match l {
            rsigma_parser::Level::Informational => Level::Informational,
            rsigma_parser::Level::Low => Level::Low,
            rsigma_parser::Level::Medium => Level::Medium,
            rsigma_parser::Level::High => Level::High,
            rsigma_parser::Level::Critical => Level::Critical,
        }
    }
}

/// Where a rule came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "path")]
pub enum RuleOrigin {
    /// The set compiled into trailhound (`rules/` in the source tree), by file name.
    Builtin(&'static str),
    /// A file the user named (`--rules DIR`).
    File(PathBuf),
}

impl std::fmt::Display for RuleOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleOrigin::Builtin(name) => write!(f, "built-in {name}"),
            RuleOrigin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// What is shown of a rule next to its hits (rule text is hostile input: neutralise before printing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// The rule's `id`, or its title when it has none.
    pub id: String,
    /// `title`.
    pub title: String,
    /// `level`.
    pub level: Level,
    /// ATT&CK tactics from `tags`.
    pub tactics: Vec<Tactic>,
    /// ATT&CK techniques from `tags`.
    pub techniques: Vec<Technique>,
    /// Every tag as written.
    pub tags: Vec<String>,
    /// `author`, credited on matches (SigmaHQ's licence asks for it).
    pub author: Option<String>,
    /// Where the rule came from.
    pub origin: RuleOrigin,
}

/// Index of a detection rule in [`RuleSet::rules`].
pub type RuleIdx = u32;
/// Index of a correlation rule in [`RuleSet::correlations`].
pub type CorrelationIdx = u32;
