//! The rule set written for trailhound (`rules/*.yml` in the source tree, compiled in): what responders look for
//! in AWS, ATT&CK-tagged (`docs/rules.md` lists them). Each file has a test event that fires it and one that must
//! not (`rules/tests/`). A test fails when a file in `rules/` is missing from [`BUILTIN_RULES`].

use super::{RuleOrigin, RuleSet, RuleSetBuilder};
use std::sync::{Arc, OnceLock};

macro_rules! rules {
    ($($name:literal),* $(,)?) => {
        /// Every built-in rule file: its name and text.
        pub const BUILTIN_RULES: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../../rules/", $name)))),*];
    };
}

rules![
    "cloudtrail_logging_stopped.yml",
    "cloudtrail_trail_changed.yml",
];

/// The built-in set, compiled once per process.
pub fn builtin() -> Arc<RuleSet> {
    static SET: OnceLock<Arc<RuleSet>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut b = RuleSetBuilder::default();
        add_builtin(&mut b);
        Arc::new(b.build())
    })
    .clone()
}

/// Add the built-in files to a builder (before the user's, so the user's correlations may name them).
pub fn add_builtin(b: &mut RuleSetBuilder) {
    for (name, text) in BUILTIN_RULES {
        b.add_text(text, RuleOrigin::Builtin(name));
    }
}
