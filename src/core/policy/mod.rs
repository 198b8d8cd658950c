//! The policy lens: IAM policy documents read from what an analyst has at hand (a document, `aws iam
//! get-role-policy` or `get-policy-version` output), and the questions asked of them beside the CloudTrail that is
//! loaded. This module owns the document model and the analyses built on it (the geo-fence review, [`fence`]); it
//! decides nothing about who a principal is (that is `core::graph` and `core::behavior`) and draws nothing.

pub mod document;
pub mod fence;
