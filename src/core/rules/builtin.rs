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
    "bedrock_model_invoked.yml",
    "cloudtrail_logging_stopped.yml",
    "cloudtrail_trail_changed.yml",
    "config_recorder_stopped.yml",
    "console_login_without_mfa.yml",
    "discovery_after_get_caller_identity.yml",
    "ec2_password_data.yml",
    "ec2_user_data.yml",
    "federation_token_issued.yml",
    "guardduty_disabled.yml",
    "iam_access_key_created.yml",
    "iam_admin_policy_attached.yml",
    "iam_login_profile_changed.yml",
    "iam_passrole_to_compute.yml",
    "iam_policy_attached.yml",
    "iam_trust_policy_outside_account.yml",
    "iam_user_created.yml",
    "kms_key_deletion.yml",
    "lambda_code_or_layer_changed.yml",
    "mass_deletion.yml",
    "network_logs_deleted.yml",
    "organizations_leave.yml",
    "remote_command_on_instance.yml",
    "resource_policy_public_or_outside.yml",
    "role_assumed_by_outside_account.yml",
    "rolesanywhere_trust_anchor.yml",
    "s3_bucket_policy_changed.yml",
    "s3_bulk_download.yml",
    "secrets_burst.yml",
    "secrets_read.yml",
    "security_group_open_to_world.yml",
    "snapshot_or_image_shared.yml",
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
