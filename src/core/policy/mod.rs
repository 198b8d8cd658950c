//! The policy lens: IAM policy documents read from what an analyst has at hand (a document, `aws iam
//! get-role-policy` or `get-policy-version` output), and the questions asked of them beside the CloudTrail that is
//! loaded. This module owns the document model and the analyses built on it: the CloudTrail call → IAM action
//! mapping (`actions`), a profile's use in IAM terms (`usage`), the least-privilege policy generated from it
//! (`generate`), its comparison with an existing document (`compare`), the report (`report`), the geo-fence
//! review ([`fence`]) and why calls were denied ([`denied`]). Each analysis reads a profile's events
//! (`core::behavior::select`) in a scope and never guesses what a record does not state. It decides nothing about
//! who a principal is (that is `core::graph` and `core::behavior`) and draws nothing. Facts it relies on are in
//! `docs/policy.md`, `docs/geofence.md` and `docs/denied.md`.

pub mod actions;
pub mod compare;
pub mod denied;
pub mod document;
pub mod fence;
pub mod generate;
pub mod pattern;
pub mod report;
pub mod resource;
pub mod usage;

pub use report::{PolicyReport, policy_report};
