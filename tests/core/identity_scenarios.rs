//! Identity-context scenarios (`tests/scenarios/identity_*.json`, written by `make_identity.py` from hand-told
//! stories): session tags down a chain, an Identity Center user across two accounts, AssumeRoot, root sign-ins.
//! Run through the session-graph scenario runner; expectations are subsets of the `trace` JSON and origin views.

use super::graph_scenarios::run;

#[test]
fn tags_down_a_chain_changed_dropped_retagged_and_new_for_the_role() {
    run("identity_tag_chain");
}

#[test]
fn identity_center_user_across_two_accounts_by_user_id_not_name() {
    run("identity_center_two_accounts");
}

#[test]
fn assume_root_session_has_the_management_principal_as_origin_and_its_task() {
    run("identity_assume_root");
}

#[test]
fn root_sign_in_is_found_in_the_us_east_1_log() {
    run("identity_root_console_login");
}
